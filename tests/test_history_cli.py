"""The history commands as a user runs them: play/quiz record, progress, drill, report, export,
sync, and what happens with bad databases, exports, configs and unreachable LRSs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import free_port

BEST = "1,1,1,1,1,1,1"
WORST = "2,3,1,1,2,3"



def _db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "history.db")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(folder))
    return folder


def test_play_and_quiz_are_recorded_and_progress_shows_them(cli, home: Path) -> None:
    assert cli("play", "angry-shopper", "--answers", WORST, "--trainee", "mina").code == 0
    assert cli("play", "angry-shopper", "--answers", BEST, "--trainee", "mina").code == 0
    assert cli("play", "angry-shopper", "--answers", BEST, "--trainee", "mina",
               "--no-record").code == 0
    assert cli("quiz", "--answers", "1,1,1", "-n", "3", "--seed", "2", "--trainee",
               "mina").code == 0
    run = cli("progress", "--trainee", "mina", "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["attempts"] == 2 and data["quizzes"] == 1 and data["quiz"]["answered"] == 3
    assert data["scores"][-1] == 100 and data["change"] == 100 - data["scores"][0]
    shown = cli("progress", "--trainee", "mina", "--lang", "en")
    assert "Progress of mina" in shown.out and "First" in shown.out
    assert "\"Don't say\" phrases" in shown.out and "still using" in shown.out
    ko = cli("progress", "--trainee", "mina", "--lang", "ko")
    assert "mina님의 진도" in ko.out and "단계별 실력" in ko.out


def test_progress_with_no_history_says_how_to_start(cli, home: Path) -> None:
    run = cli("progress", "--trainee", "nobody", "--lang", "en")
    assert run.code == 0 and "No attempts recorded for nobody yet" in run.out
    assert not (home / "history.db").exists()  # reading never creates a database


def test_data_dir_option_beats_the_environment(cli, home: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    assert cli("play", "pr-no-show", "--answers", BEST, "--data-dir", str(other)).code == 0
    assert (other / "history.db").exists() and not (home / "history.db").exists()


def test_trainee_from_config_toml(cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text('trainee = "지민"\n', encoding="utf-8")
    assert cli("play", "pr-no-show", "--answers", BEST).code == 0
    assert _db(home).execute("SELECT trainee FROM attempts").fetchall() == [("지민",)]


def test_a_broken_config_is_one_line(cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text("trainee = \n", encoding="utf-8")
    run = cli("play", "pr-no-show", "--answers", BEST)
    assert run.code == 2 and "config.toml: not valid TOML" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_a_corrupt_database_stops_play_before_it_starts_and_stays_as_it_was(
        cli, home: Path) -> None:
    home.mkdir(parents=True)
    junk = b"not a database at all\n" * 50
    (home / "history.db").write_bytes(junk)
    for args in (("play", "angry-shopper", "--answers", BEST), ("progress",),
                 ("export",), ("quiz", "--answers", "1", "-n", "1")):
        run = cli(*args)
        assert run.code == 2, args
        assert "not a cscoach history database" in run.err and "Traceback" not in run.err
        assert len(run.err.strip().splitlines()) == 1
    assert (home / "history.db").read_bytes() == junk


def test_report_from_a_database_and_an_export(cli, home: Path, tmp_path: Path) -> None:
    for who, answers in (("ana", BEST), ("bo", WORST), ("cy", WORST)):
        assert cli("play", "angry-shopper", "--answers", answers, "--trainee", who).code == 0
    export = tmp_path / "team.json"
    assert cli("export", "--all", "--out", str(export)).code == 0
    doc = json.loads(export.read_text(encoding="utf-8"))
    assert doc["format"] == "cscoach-history" and len(doc["attempts"]) == 3
    run = cli("report", str(home / "history.db"), str(export), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["attempts"] == 3 and data["trainees"] == ["ana", "bo", "cy"]
    assert data["scenarios"][0]["pass_rate"] == 33
    assert data["hardest"][0]["trainees_trapped"] == 2
    table = cli("report", str(export), "--lang", "en")
    assert table.code == 0 and "Hardest choices" in table.out and "ana" in table.out
    md = cli("report", str(export), "--format", "md", "--only", "scenarios")
    assert md.out.startswith("## Pass rates by scenario") and "| angry-shopper |" in md.out
    one = cli("report", str(export), "--format", "csv")  # a CSV is one table
    assert one.code == 2 and "give --only (steps, hardest, scenarios)" in one.err
    csv_run = cli("report", str(export), "--format", "csv", "--only", "scenarios")
    assert csv_run.code == 0 and csv_run.out.startswith(
        "scenario,pack,version,versions,since,title,title_ko,title_en,")


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"),
    ('{"format": "something-else"}', "not a cscoach history export"),
    ('{"format": "cscoach-history", "attempts": [{"id": 1}]}', "attempt 1 lacks"),
])
def test_report_refuses_bad_exports(cli, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    run = cli("report", str(path))
    assert run.code == 2 and message in run.err and "Traceback" not in run.err


def test_report_missing_file(cli, tmp_path: Path) -> None:
    run = cli("report", str(tmp_path / "nope.db"))
    assert run.code == 2 and "no such file" in run.err


def test_export_csv_and_xapi(cli, home: Path, tmp_path: Path) -> None:
    assert cli("play", "angry-shopper", "--answers", WORST, "--trainee", "mina").code == 0
    csv_text = cli("export", "--format", "csv", "--only", "replies", "--trainee", "mina").out
    assert len(csv_text.strip().splitlines()) == 1 + len(WORST.split(","))
    statements = json.loads(cli("export", "--format", "xapi", "--trainee", "mina").out)
    verbs = [s["verb"]["display"]["en-US"] for s in statements]
    assert verbs == ["responded"] * len(WORST.split(",")) + ["failed"]
    again = json.loads(cli("export", "--format", "xapi", "--trainee", "mina").out)
    assert [s["id"] for s in again] == [s["id"] for s in statements]
    none = cli("export", "--trainee", "ghost")
    assert none.code == 0 and "no attempts recorded for ghost" in none.err


def test_an_unreachable_lrs_is_a_warning_and_the_statements_wait(cli, home: Path,
                                                                  monkeypatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/xAPI"
    run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", url, "--json")
    assert run.code == 0 and json.loads(run.out)["score"] == 100
    assert run.err.count("\n") == 1 and "warning" in run.err and "unreachable" in run.err
    assert "8 statement(s) kept for 'cscoach sync'" in run.err
    pending = _db(home).execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()
    assert pending == (8,)
    sync = cli("sync", "--lrs", url)
    assert sync.code == 1 and "8 waiting" in sync.out and "unreachable" in sync.err


def test_sync_needs_an_lrs(cli, home: Path) -> None:
    run = cli("sync")
    assert run.code == 2 and "no LRS set" in run.err


@pytest.mark.parametrize("url", ["ftp://example.org", "localhost:8100"])
def test_a_bad_lrs_address(cli, home: Path, url: str) -> None:
    run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", url)
    assert run.code == 2 and "must start with http" in run.err


def test_drill_without_a_terminal_names_the_pick(cli, home: Path) -> None:
    assert cli("play", "angry-shopper", "--answers", WORST, "--trainee", "mina").code == 0
    run = cli("drill", "--trainee", "mina", "--lang", "en")
    assert run.code == 0 and "Why this one" in run.out
    data = json.loads(cli("drill", "--trainee", "mina", "--json").out)
    assert f"cscoach play {data['pick']['scenario']}" in run.out
    assert data["tripping"] and data["weak_steps"]
    assert len(data["ranked"]) == len(json.loads(cli("list", "--json").out))


class _Fake:
    """A stand-in LRS on loopback that answers every POST the same way (or too slowly)."""

    def __init__(self, status: int, delay: float = 0.0) -> None:
        import http.server
        import threading

        outer = self
        self.posts = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                outer.posts += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if delay:
                    import time

                    time.sleep(delay)
                body = b'{"detail": "Invalid statement: result.score.scaled"}'
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_4xx_answer_is_a_warning_and_the_statements_wait(cli, home: Path) -> None:
    fake = _Fake(400)
    try:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", fake.url)
    finally:
        fake.close()
    assert run.code == 0 and fake.posts == 1
    assert "answered HTTP 400: " in run.err and "Invalid statement" in run.err
    assert run.err.count("\n") == 1
    row = _db(home).execute("SELECT count(*), max(last_error) FROM outbox WHERE sent_at IS NULL"
                            ).fetchone()
    assert row[0] == 8 and "HTTP 400" in row[1]


def test_a_slow_lrs_times_out_and_the_drill_is_unaffected(cli, home: Path) -> None:
    fake = _Fake(200, delay=3)
    home.mkdir(parents=True)
    (home / "config.toml").write_text(f'[lrs]\nurl = "{fake.url}"\ntimeout = 0.5\n',
                                      encoding="utf-8")
    try:
        run = cli("play", "angry-shopper", "--answers", BEST, "--json")
    finally:
        fake.close()
    assert run.code == 0 and json.loads(run.out)["score"] == 100
    assert "did not answer within 0.5 s" in run.err
    assert _db(home).execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone() == (8,)


def test_progress_of_a_quiz_only_trainee_makes_no_claims_about_drills(cli, home: Path) -> None:
    assert cli("quiz", "--answers", "1,1", "-n", "2", "--seed", "3", "--trainee", "jo").code == 0
    run = cli("progress", "--trainee", "jo", "--lang", "en")
    assert "1 quiz(zes)" in run.out and "Quiz: " in run.out
    assert "Don't say" not in run.out and "Well done" not in run.out
