"""`cscoach report --lrs` against LRSs that misbehave: a tiny HTTP server of our own answers the
statements API with real cscoach statements on its first page and then 401, 5xx, silence,
a `more` link to another host, a looping `more`, or broken JSON. Each is one line and exit 2,
or with --allow-partial a warning and a report marked partial (exit 1); the credentials are
sent only to the LRS's own origin and never printed."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cscoach.history.store import Store
from cscoach.history.xapi import statements
from test_lrs_report import make_history

USER, PASSWORD = "coach", "pw-SECRET-4711"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
BASE, HOME = "https://cscoach.example/xapi", "https://cscoach.example/trainees"


class Lrs:
    """An LRS by hand: `pages` are the pages' bodies (bytes) or a callable giving one; each
    page links the next with `more` unless the page says otherwise."""

    def __init__(self) -> None:
        self.behave: dict[int, Any] = {}  # page number -> what to answer
        self.requests: list[tuple[str, str | None]] = []  # path, Authorization
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append((self.path, self.headers.get("Authorization")))
                page = 1
                if "page=" in self.path:
                    page = int(self.path.rpartition("page=")[2])
                status, body, delay = outer.answer(page, self.path)
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client gave up (a timeout)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, page: int, path: str) -> tuple[int, bytes, float]:
        what = self.behave.get(page, (404, b"{}"))
        if callable(what):
            what = what(path)
        status, body = what[0], what[1]
        return status, body if isinstance(body, bytes) else json.dumps(body).encode(), \
            what[2] if len(what) > 2 else 0.0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], Path, Path]:
    """Thirty attempts as statements, cut in two pages: the first page's attempts whole (the
    database `first.db` holds them), the second page's the rest (`all.db` holds all)."""
    root = tmp_path_factory.mktemp("hostile")
    make_history(root / "all", 30, 3, seed=7, prefix="h")
    with Store(root / "all" / "history.db", readonly=True) as store:
        records = sorted(store.attempts(), key=lambda r: (r["finished_at"], r["id"]))
    (root / "first").mkdir()
    with Store(root / "first" / "history.db") as store:
        store.add_all(records[:12])
    return records, root / "first" / "history.db", root / "all" / "history.db"


def _statements(records: list[dict]) -> list[dict]:
    return [body for r in records for _, body in statements(r, BASE, HOME)]


@pytest.fixture
def lrs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Lrs]:
    monkeypatch.setenv("CSCOACH_LRS_USER", USER)
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", PASSWORD)
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[lrs]\ntimeout = 1\n", encoding="utf-8")
    monkeypatch.setenv("CSCOACH_HOME", str(home))
    server = Lrs()
    yield server
    server.close()


def _pages(lrs: Lrs, records: list[dict], second: Any) -> None:
    lrs.behave[1] = (200, {"statements": _statements(records[:12]),
                           "more": "/xAPI/statements?limit=1000&page=2"})
    lrs.behave[2] = second


def _clean(run, lrs: Lrs) -> None:
    """Nothing of the credentials on the screen."""
    for text in (run.out, run.err):
        assert PASSWORD not in text and TOKEN not in text


def test_a_good_lrs_read_to_the_end(cli, lrs: Lrs, histories) -> None:
    records, _, every = histories
    _pages(lrs, records, (200, {"statements": _statements(records[12:]), "more": ""}))
    run = cli("report", "--lrs", lrs.url, "--format", "json")
    assert run.code == 0 and run.err == "", run.err
    assert run.out == cli("report", str(every), "--format", "json").out
    assert [auth for _, auth in lrs.requests] == [f"Basic {TOKEN}"] * 2
    assert lrs.requests[0][0].startswith("/xAPI/statements?limit=1000")


@pytest.mark.parametrize(("second", "says"), [
    ((401, {"error": "no"}), "answered HTTP 401: the credentials for 'coach' were refused"),
    ((503, b"upstream down; you sent: " + f"Basic {TOKEN} / {PASSWORD}".encode()),
     "answered HTTP 503: upstream down; you sent: Basic *** / ***"),
    ((200, b'{"statements": [{"id": '), "answered a statements query with something that is "
     "not a page of xAPI statements (got: {\"statements\": [{\"id\":); is this its xAPI address?"),
    ((200, b"<html>login</html>"), "something that is not a page of xAPI statements (got: "
     "<html>login</html>)"),
    ((200, [1, 2]), "not a page of xAPI statements (got: [1, 2])"),
    ((200, {"statements": [], "more": "/xAPI/statements?page=1"}),
     "sent a 'more' link whose page brought no statement not read already (page 2)"),
    ((200, {"statements": [], "more": "/xAPI/statements?page=3"}),
     "sent a 'more' link whose page brought no statement not read already (page 2)"),
    ((200, {"statements": [{"id": "x"}], "more": "/xAPI/statements?limit=1000&page=2"}),
     "sent a 'more' link back to a page already read (after 2 page(s)); stopped, as it would "
     "never end"),
    ((200, {"statements": [{"id": "y"}], "more": "http://127.0.0.2:9/xAPI/statements?page=3"}),
     "sent a 'more' link to another address (http://127.0.0.2:9/xAPI/statements?page=3); not "
     "followed, so that the credentials go nowhere else"),
    ((200, {"statements": [{"id": "z"}], "more": f"https://{USER}:{PASSWORD}@evil.example/"}),
     "sent a 'more' link to another address (https://coach:***@evil.example/); not followed"),
    ((200, {"statements": [], "more": 5}), "not a page of xAPI statements"),
    ((200, b"{}", 3.0), "did not answer within 1 s"),
], ids=["401", "503-echoing-credentials", "cut-json", "html", "a-list", "loop-to-page-1",
        "empty-pages-for-ever", "same-more-twice", "other-host", "other-host-with-credentials",
        "more-not-a-string", "timeout"])
def test_a_hostile_second_page(cli, lrs: Lrs, histories, second, says: str) -> None:
    records, first, _ = histories
    _pages(lrs, records, second)
    run = cli("report", "--lrs", lrs.url, "--format", "json")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith(f"cscoach: LRS {lrs.url} ") and run.err.count("\n") == 1
    assert says in run.err, run.err
    _clean(run, lrs)
    assert all(path.startswith("/xAPI/") for path, _ in lrs.requests)  # only our own origin
    # with --allow-partial: the first page's attempts, reported, marked partial, exit 1
    lrs.requests.clear()
    run = cli("report", "--lrs", lrs.url, "--format", "json", "--allow-partial")
    assert run.code == 1
    assert run.err.startswith("cscoach: warning: LRS ") and run.err.count("\n") == 1
    assert says in run.err and run.err.rstrip().endswith(
        "the report counts only the statements read before that (--allow-partial)")
    _clean(run, lrs)
    data = json.loads(run.out)
    assert data.pop("partial") is True and says in data.pop("partial_reason")
    assert data == json.loads(cli("report", str(first), "--format", "json").out)


def test_refused_at_once(cli, lrs: Lrs, histories, tmp_path: Path) -> None:
    lrs.behave[1] = (401, b"")
    run = cli("report", "--lrs", lrs.url)
    assert run.code == 2 and run.out == ""
    assert run.err == (f"cscoach: LRS {lrs.url} answered HTTP 401: the credentials for 'coach' "
                       "were refused\n")
    # partial, but nothing read: an empty report, clearly marked, in every format
    for fmt, mark in (("table", "PARTIAL REPORT: only what the LRS gave before this: LRS "),
                      ("md", "> **PARTIAL REPORT: only what the LRS gave before this: LRS "),
                      ("csv", "partial,partial_reason\ntrue,LRS ")):
        run = cli("report", "--lrs", lrs.url, "--allow-partial", "--format", fmt,
                  *(("--only", "steps") if fmt == "csv" else ()))  # CSV: a table of its own
        assert run.code == 1 and run.out.startswith(mark), (fmt, run.out[:200])
        assert run.err.count("\n") == 1 and "HTTP 401" in run.err
        _clean(run, lrs)
    run = cli("report", "--lrs", lrs.url, "--allow-partial", "--format", "html")
    assert run.code == 1 and '<p class="partial" role="alert">PARTIAL REPORT: ' in run.out
    _clean(run, lrs)
    import openpyxl

    book, table = tmp_path / "partial.xlsx", tmp_path / "partial.csv"
    for out in (book, table):
        assert cli("report", "--lrs", lrs.url, "--allow-partial", "--out", str(out)).code == 1
    first = openpyxl.load_workbook(book).worksheets[0]  # the first sheet says it
    assert first.title == "partial" and first["A2"].value is True
    assert "HTTP 401" in first["B2"].value
    beside = (tmp_path / "partial-partial.csv").read_bytes().decode("utf-8-sig")
    assert beside.startswith("partial,partial_reason\r\ntrue,LRS ")
    assert (tmp_path / "partial-steps.csv").exists()
    korean = cli("report", "--lrs", lrs.url, "--allow-partial", "--lang", "ko")
    assert korean.out.startswith("부분 보고서: LRS가 다음 문제 전에 보낸 기록만 집계했습니다: LRS ")


def test_other_tools_statements_are_left_out(cli, lrs: Lrs, histories) -> None:
    records, _, every = histories
    theirs = {"id": "6a1b9d2e-0000-4000-8000-000000000001", "actor": {"mbox": "mailto:a@b.c"},
              "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
              "object": {"id": "https://other.example/course"}, "context": {"platform": "moodle"}}
    broken = json.loads(json.dumps(_statements(records[12:13])[-1]))
    broken["id"] = "6a1b9d2e-0000-4000-8000-000000000002"
    del broken["actor"]
    _pages(lrs, records, (200, {"statements": [theirs, "text", broken,
                                               *_statements(records[12:])]}))
    run = cli("report", "--lrs", lrs.url, "--format", "json")
    assert run.code == 0
    assert run.err == ("cscoach: warning: 1 statement(s) from cscoach in the LRS lack what a "
                       "report needs (an id, a registration, an actor, a timestamp ...) and "
                       "were left out\n")
    assert run.out == cli("report", str(every), "--format", "json").out


@pytest.mark.parametrize(("args", "says"), [
    (["--since", "yesterday"], "--since: 'yesterday' is not a date or time (e.g. 2026-01-05 or "
     "2026-01-05T09:00:00Z)"),
    (["--until", "2026-13-01"], "--until: '2026-13-01' is not a date or time"),
    (["--since", "2026-02-01", "--until", "2026-01-01"], "--since must be earlier than --until"),
    (["--registration", "not-a-uuid"], "--registration: 'not-a-uuid' is not a UUID (an "
     "attempt's id, as in 'cscoach export')"),
    (["--activity", "angry-shopper"], "--activity: 'angry-shopper' is not an activity IRI"),
])
def test_bad_options(cli, lrs: Lrs, args: list[str], says: str) -> None:
    run = cli("report", "--lrs", lrs.url, *args)
    assert run.code == 2 and run.out == "" and run.err.startswith(f"cscoach: {says}")
    assert run.err.count("\n") == 1 and lrs.requests == []


def test_lrs_options_need_lrs_and_report_needs_a_source(cli, histories) -> None:
    _, first, _ = histories
    run = cli("report", str(first), "--since", "2026-01-01")
    assert run.code == 2 and run.err == "cscoach: --since needs --lrs URL\n"
    run = cli("report")
    assert run.code == 2 and run.err == ("cscoach: give history databases, export files or "
                                         "--lrs URL to report on\n")
    run = cli("report", "--lrs", f"https://{USER}:{PASSWORD}@lrs.example/xAPI")
    assert run.code == 2 and PASSWORD not in run.err and "holds a user name or password" in run.err


def test_packs_versions_and_step_order_come_back(cli, lrs: Lrs, histories, tmp_path) -> None:
    """A content pack's scenario (its own activity IRI, quoted), a scenario changed half-way (two
    versions), a step done out of order: the LRS's report keeps them as the database's does."""
    records, _, _ = histories
    changed = json.loads(json.dumps(records))
    drills = [r for r in changed if r["kind"] == "play"]
    from collections import Counter

    (most, _), (other, _) = Counter(r["scenario"] for r in drills).most_common(2)
    mine = [r for r in drills if r["scenario"] == most]
    for n, r in enumerate(mine):  # the scenario's file changed half-way
        r["content_hash"] = ("a" if n < len(mine) // 2 else "b") * 64
    for r in drills:
        if r["scenario"] == other:
            r["pack"] = "team pack/é"
    done = next(r for r in drills if r["steps"])
    done["steps"][0].update(done=True, in_order=False)
    (tmp_path / "db").mkdir()
    with Store(tmp_path / "db" / "history.db") as store:
        store.add_all(changed)
    lrs.behave[1] = (200, {"statements": _statements(changed)})
    run = cli("report", "--lrs", lrs.url, "--format", "json", "--top", "100")
    assert run.code == 0, run.err
    expected = cli("report", str(tmp_path / "db" / "history.db"), "--format", "json", "--top",
                   "100").out
    assert run.out == expected
    data = json.loads(run.out)
    assert any(r["pack"] == "team pack/é" for r in data["scenarios"])
    assert any(r["versions"] == 2 for r in data["scenarios"])
