"""`cscoach report --lrs`: the team's statements read back from a real Ralph LRS on loopback
build the same report as the trainees' databases (thousands of statements, posted by several
trainees' `cscoach sync`), and hostile LRSs (a tiny HTTP server of our own) get one line, exit 2,
or with --allow-partial a report marked partial; the credentials are never printed."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from cscoach.cli.history import ReportFormat
from cscoach.history.store import Store
from lrs_install import Unreachable
from ralph_server import PASSWORD, USER, NotStarted, install
from ralph_server import ralph as serve

ROOT = Path(__file__).resolve().parent.parent
GROUPS = 3  # trainees' machines, each with its own history and its own sync
ATTEMPTS = 150  # attempts on each: about 1,150 statements


def _generator():
    spec = importlib.util.spec_from_file_location("gen_history",
                                                  ROOT / "benchmarks" / "gen_history.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_history(folder: Path, attempts: int, trainees: int, seed: int, prefix: str) -> Path:
    """A history written by cscoach's own recording code (benchmarks/gen_history.py), the
    trainees named PREFIX-trainee-NNNN."""
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for r in _generator().records(attempts, trainees, seed):
        r["trainee"] = f"{prefix}-{r['trainee']}"
        records.append(r)
    with Store(folder / "history.db") as store:
        store.add_all(records)
    return folder / "history.db"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Path]]]:
    """A fresh Ralph (nothing else posts to it) and GROUPS histories, not yet sent."""
    missing = install()
    if missing is not None:
        message = f"Ralph could not be installed: {missing.reason}"
        if isinstance(missing, Unreachable) and os.environ.get("CSCOACH_REQUIRE_LRS") != "1":
            pytest.skip(message)
        pytest.fail(message)
    root = tmp_path_factory.mktemp("team")
    homes = []
    for n in range(GROUPS):
        make_history(root / f"home-{n}", ATTEMPTS, 2 + n, seed=100 + n, prefix=f"site{n}")
        homes.append(root / f"home-{n}")
    try:
        with serve(root / "ralph") as url:
            yield url, homes
    except NotStarted as exc:
        pytest.fail(str(exc))


@pytest.fixture
def synced(team: tuple[str, list[Path]], cli, monkeypatch: pytest.MonkeyPatch
           ) -> tuple[str, list[Path]]:
    """Every trainee's history sent by its own `cscoach sync` (the first test sends; a sync
    again sends nothing, the LRS holds each statement once)."""
    url, homes = team
    monkeypatch.setenv("CSCOACH_LRS_USER", USER)
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", PASSWORD)
    for home in homes:
        run = cli("sync", "--data-dir", str(home), "--lrs", url)
        assert run.code == 0, run.err
        assert "0 waiting" in run.out
    return url, homes


pytestmark = pytest.mark.lrs


def _json(run) -> dict:
    assert run.code == 0, run.err
    return json.loads(run.out)


def _statements(homes: list[Path]) -> int:
    total = 0
    for home in homes:
        db = sqlite3.connect(home / "history.db")
        total += db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        db.close()
    return total


def test_the_lrs_report_equals_the_database_report(cli, synced) -> None:
    url, homes = synced
    assert _statements(homes) > 3000  # thousands of statements, several pages of Ralph's 100
    dbs = [str(h / "history.db") for h in homes]
    from_dbs = _json(cli("report", *dbs, "--format", "json", "--top", "50"))
    from_lrs = _json(cli("report", "--lrs", url, "--format", "json", "--top", "50"))
    assert from_lrs == from_dbs
    assert from_lrs["attempts"] == GROUPS * ATTEMPTS
    assert len(from_lrs["trainees"]) == 2 + 3 + 4
    assert any(r["abandoned"] for r in from_lrs["scenarios"])  # abandoned drills came back too
    assert any(r["kind"] == "quiz" for r in _records(homes))  # and quizzes (their trainees)


@pytest.mark.parametrize("fmt", [f.value for f in ReportFormat])
def test_every_format_is_the_same_from_the_lrs(cli, synced, fmt: str, tmp_path: Path) -> None:
    url, homes = synced
    dbs = [str(h / "history.db") for h in homes]

    def made(*sources: str) -> tuple[object, list[object]]:
        """The report in `fmt`: printed, or (csv, xlsx: files) read back."""
        if fmt not in ("csv", "xlsx"):
            return cli("report", *sources, "--format", fmt), []
        out = tmp_path / f"{len(list(tmp_path.iterdir()))}" / f"r.{fmt}"
        out.parent.mkdir()
        run = cli("report", *sources, "--format", fmt, "--out", str(out))
        if fmt == "csv":  # one file per table
            return run, [p.read_bytes() for p in sorted(out.parent.iterdir())]
        import openpyxl

        book = openpyxl.load_workbook(out)
        return run, [list(s.iter_rows(values_only=True)) for s in book.worksheets]

    from_dbs, dbs_files = made(*dbs)
    from_lrs, lrs_files = made("--lrs", url)
    assert from_dbs.code == 0, from_dbs.err  # type: ignore[attr-defined]
    assert from_lrs.code == 0 and from_lrs.err == "", from_lrs.err  # type: ignore[attr-defined]
    assert from_lrs.out == from_dbs.out and lrs_files == dbs_files  # type: ignore[attr-defined]
    assert len(lrs_files) == (3 if fmt in ("csv", "xlsx") else 0)
    assert PASSWORD not in from_lrs.out + repr(lrs_files)  # type: ignore[attr-defined]


def _records(homes: list[Path]) -> list[dict]:
    out = []
    for home in homes:
        with Store(home / "history.db", readonly=True) as store:
            out.extend(store.attempts())
    return out


def test_an_attempt_is_counted_once_whatever_the_sources(cli, synced, tmp_path: Path) -> None:
    url, homes = synced
    dbs = [str(h / "history.db") for h in homes]
    everything = cli("report", *dbs, "--format", "json").out
    # a database and the LRS holding the same attempts: each counted once
    assert cli("report", dbs[0], "--lrs", url, "--format", "json").out == everything
    # an export of some of them, the LRS, a database: still once
    export = tmp_path / "site1.json"
    assert cli("export", "--all", "--data-dir", str(homes[1]), "--out", str(export)).code == 0
    assert cli("report", str(export), "--lrs", url, dbs[2], "--format",
               "json").out == everything
    # statements sent again (forced: as if their delivery had not been seen): stored once,
    # the report is the same
    db = sqlite3.connect(homes[0] / "history.db")
    db.execute("UPDATE outbox SET sent_at = NULL WHERE rowid IN (SELECT rowid FROM outbox "
               "ORDER BY rowid DESC LIMIT 30)")
    db.commit()
    db.close()
    again = cli("sync", "--data-dir", str(homes[0]), "--lrs", url)
    assert again.code == 0 and "0 waiting" in again.out, again.err
    assert cli("report", "--lrs", url, "--format", "json").out == everything


def test_filters_registration_activity_since(cli, synced) -> None:
    url, homes = synced
    db = sqlite3.connect(homes[0] / "history.db")
    (attempt, scenario, trainee), = db.execute(
        "SELECT id, scenario, trainee FROM attempts WHERE kind = 'play' AND status = "
        "'completed' ORDER BY finished_at LIMIT 1")
    one = _json(cli("report", "--lrs", url, "--registration", attempt, "--format", "json"))
    assert one["attempts"] == 1 and one["trainees"] == [trainee]
    assert [r["scenario"] for r in one["scenarios"]] == [scenario]
    # one scenario's activity: its attempts and (as related activities) their replies
    iri = f"https://cscoach.example/xapi/scenarios/{scenario}"
    only = _json(cli("report", "--lrs", url, "--activity", iri, "--format", "json",
                     "--top", "500"))
    full = _json(cli("report", *[str(h / "history.db") for h in homes], "--format", "json",
                     "--top", "500"))
    assert only["scenarios"] == [r for r in full["scenarios"] if r["scenario"] == scenario]
    assert only["hardest"] == [r for r in full["hardest"] if r["scenario"] == scenario]
    # two activities: the union, a statement in both read once
    both = _json(cli("report", "--lrs", url, "--activity", iri, "--activity", iri.replace(
        scenario, "nonexistent"), "--activity", iri, "--format", "json"))
    assert both["attempts"] == only["attempts"]
    # --since: the attempts finished after it (Ralph filters on the statements' timestamps)
    since = "2026-02-15T00:00:00Z"
    later = sum(sqlite3.connect(h / "history.db").execute(
        "SELECT count(*) FROM attempts WHERE finished_at > ?", (since,)).fetchone()[0]
        for h in homes)
    assert 0 < later < GROUPS * ATTEMPTS
    assert _json(cli("report", "--lrs", url, "--since", since, "--format",
                     "json"))["attempts"] == later
    until = _json(cli("report", "--lrs", url, "--until", "2026-02-15", "--format", "json"))
    assert until["attempts"] == GROUPS * ATTEMPTS - later


def test_wrong_credentials_against_ralph(cli, synced, monkeypatch) -> None:
    url, _ = synced
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", "not-the-" + PASSWORD)
    run = cli("report", "--lrs", url)
    assert run.code == 2 and run.out == ""
    assert run.err == (f"cscoach: LRS {url} answered HTTP 401: the credentials for "
                       f"'{USER}' were refused\n")
    assert PASSWORD not in run.err
