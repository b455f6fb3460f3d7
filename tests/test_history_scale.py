"""An organisation's history at scale (issue 22): no statement binds a parameter per attempt,
SQLite's errors are told as they are, and report, export and sync read in constant memory."""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cscoach.drill.answers import Scripted
from cscoach.drill.engine import parse_answers
from cscoach.drill.runner import run
from cscoach.history import store as store_mod
from cscoach.history.record import DrillTracker, iso
from cscoach.history.service import load_records
from cscoach.history.store import HistoryError, Store
from cscoach.judge.scoring import debrief

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMIT = 25  # SQLite's variable limit in these tests (32,766 by default; an insert binds 21)


def played(library, matcher, scenario: str = "angry-shopper", answers: str = "2,3,1,1,2,3"
           ) -> dict[str, Any]:
    story = library.scenario(scenario)
    kept: list[dict[str, Any]] = []
    tracker = DrillTracker(story, "mina", "en", matcher, kept.append, lambda: T0)
    run(story, Scripted(parse_answers(answers)), lambda t: debrief(t, library.steps, matcher),
        [tracker])
    return kept[0]


def copies(record: dict[str, Any], n: int, trainees: int = 3) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        r = copy.deepcopy(record)
        r["id"] = str(uuid.UUID(int=i + 1))
        r["trainee"] = f"trainee-{i % trainees}"
        r["started_at"] = iso(T0 + timedelta(minutes=i))
        r["finished_at"] = iso(T0 + timedelta(minutes=i, seconds=30))
        out.append(r)
    return out


@pytest.fixture
def low_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every history connection opened with SQLite's variable limit set to LIMIT."""
    connect = sqlite3.connect

    def limited(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(*args, **kwargs)
        db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT)
        return db

    monkeypatch.setattr(store_mod.sqlite3, "connect", limited)


# -- no parameter per attempt ---------------------------------------------------------------

def test_reading_more_attempts_than_the_variable_limit(tmp_path: Path, library, matcher,
                                                      low_limit: None) -> None:
    records = copies(played(library, matcher), 3 * LIMIT)
    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in records:
            store.add(r)
        assert store.db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) == LIMIT
        assert store.attempts() == records
        assert store.attempts("trainee-1") == records[1::3]
    assert load_records([path]) == records


def test_queueing_and_holding_more_than_the_variable_limit(tmp_path: Path, library, matcher,
                                                          low_limit: None) -> None:
    from cscoach.history import xapi

    records = copies(played(library, matcher), 2 * LIMIT)
    with Store(tmp_path / "history.db") as store:
        for r in records:
            store.add(r)
        queued = store.queue_backlog("http://lrs", lambda r: xapi.statements(r, "b", "h"))
        assert queued == len(records)
        assert store.queue_backlog("http://lrs", lambda r: xapi.statements(r, "b", "h")) == 0
        taken = store.claim("http://lrs", "me", 30)
        per_attempt = len(xapi.statements(records[0], "b", "h"))
        assert len(taken) == per_attempt * len(records)
        ids = [sid for sid, _ in taken]
        assert store.hold("http://lrs", "me", ids, 30) == set(ids)
        assert store.hold("http://lrs", "someone-else", ids, 30) == set()


# -- SQLite's errors, told as they are ------------------------------------------------------

def _add_fails(store: Store, record: dict[str, Any]) -> str:
    with pytest.raises(HistoryError) as caught:
        store.add(record)
    return caught.value.message


def _not_blamed(message: str) -> None:
    assert "damaged" not in message and "move it aside" not in message, message


def test_a_busy_database_is_said_to_be_busy(tmp_path: Path, library, matcher,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "history.db"
    Store(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    with Store(path) as store:
        other.execute("BEGIN EXCLUSIVE")
        message = _add_fails(store, played(library, matcher))
        other.execute("ROLLBACK")
    assert "is busy" in message and "another program held its lock" in message, message
    _not_blamed(message)
    assert Store(path).attempts() == []


def test_a_full_disk_is_said_to_be_full(tmp_path: Path, library, matcher) -> None:
    path = tmp_path / "history.db"
    with Store(path) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        message = _add_fails(store, played(library, matcher))
    assert "the disk is full" in message and "free some space" in message, message
    _not_blamed(message)
    assert Store(path).attempts() == []


def test_a_read_only_database_is_said_to_be_read_only(tmp_path: Path, library, matcher) -> None:
    with Store(tmp_path / "history.db") as store:
        store.db.execute("PRAGMA query_only = 1")
        message = _add_fails(store, played(library, matcher))
    assert "cannot be written" in message and "read-only" in message, message
    _not_blamed(message)


def test_a_limit_of_sqlite_is_no_fault_of_the_file(tmp_path: Path, library, matcher) -> None:
    with Store(tmp_path / "history.db") as store:
        store.db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 100)
        message = _add_fails(store, played(library, matcher))
    assert "past a limit of SQLite" in message and "the file is fine" in message, message
    _not_blamed(message)


@pytest.mark.parametrize("code, name, words", [
    (6, "SQLITE_LOCKED", "is locked"),
    (10 | (3 << 8), "SQLITE_IOERR_WRITE", "the disk failed to read or write"),
    (14, "SQLITE_CANTOPEN", "cannot open the history database"),
    (7, "SQLITE_NOMEM", "out of memory"),
    (11, "SQLITE_CORRUPT", "it is damaged"),
    (26, "SQLITE_NOTADB", "it is damaged"),
    (1, "SQLITE_ERROR", "SQLite failed on the history database"),
])
def test_each_kind_of_sqlite_error_has_its_own_line(code: int, name: str, words: str) -> None:
    exc = sqlite3.OperationalError("what SQLite said")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    exc.sqlite_errorname = name  # type: ignore[attr-defined]
    message = store_mod._failure(Path("h.db"), exc).message
    assert message.startswith("h.db: ") and words in message and "what SQLite said" in message
    assert "\n" not in message
    if code not in (11, 26):
        _not_blamed(message)


def test_a_corrupt_page_is_blamed_on_the_file(tmp_path: Path, library, matcher) -> None:
    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in copies(played(library, matcher), 40):
            store.add(r)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096 * 3: 4096 * 3 + 64] = b"\xee" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="damaged"):
        Store(path)


# -- report computed where the data is ------------------------------------------------------

def gen_history() -> Any:
    """benchmarks/gen_history.py, which writes a history through cscoach's recording code."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "gen_history.py"
    spec = importlib.util.spec_from_file_location("gen_history", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return gen_history().write(400, 15, tmp_path_factory.mktemp("generated"))


def _both(paths: list[Path], library, top: int = 10) -> tuple[dict[str, Any], dict[str, Any]]:
    from cscoach.history.report import report
    from cscoach.history.tally import Tally, tally_sources

    ids = library.steps.ids()
    with Tally() as tally:
        tally_sources(tally, paths)
        new = tally.report(ids, top)
    return report(load_records(paths), ids, top), new


def test_the_generated_history_is_what_recording_makes(generated: Path) -> None:
    records = Store(generated, readonly=True).attempts()
    assert len(records) == 400 and len({r["trainee"] for r in records}) == 15
    kinds = {(r["kind"], r["status"]) for r in records}
    assert kinds == {("play", "completed"), ("play", "abandoned"), ("quiz", "completed")}
    assert len({r["scenario"] for r in records if r["kind"] == "play"}) >= 10
    steps = [s for r in records for s in r["steps"]]
    assert any(s["done"] and not s["in_order"] for s in steps)  # the 0.5 of a step level


def test_the_report_from_sql_equals_todays(generated: Path, library) -> None:
    old, new = _both([generated], library, top=1000)
    assert new == old
    assert new["attempts"] == 400 and len(new["hardest"]) > 10


def test_the_report_counts_an_attempt_once_across_sources(tmp_path: Path, generated: Path,
                                                         library) -> None:
    from cscoach.history.service import export_document

    records = Store(generated, readonly=True).attempts()
    export = tmp_path / "part.json"  # half the attempts again, and one of another team's
    other = copy.deepcopy(records[0])
    other["id"], other["trainee"] = str(uuid.uuid4()), "\x1b[31mred\x1b[0m"
    export.write_text(json.dumps(export_document(records[::2] + [other])), encoding="utf-8")
    old, new = _both([generated, export], library)
    assert new == old and new["attempts"] == 401
    assert "\\x1b[31mred\\x1b[0m" in new["trainees"]  # shown, never obeyed
    old, new = _both([export, generated], library)
    assert new == old and new["attempts"] == 401


# -- export and sync, streamed ----------------------------------------------------------------

def test_streamed_exports_are_byte_for_byte_todays(generated: Path) -> None:
    from cscoach.history import formats
    from cscoach.history.service import export_head
    from cscoach.history.tables import export_rows
    from cscoach.history.xapi import statements

    with Store(generated, readonly=True) as store:
        records = store.attempts()
        head = export_head()
        # JSON streams as UTF-8 bytes (orjson's), the same bytes the standard library writes
        assert b"".join(formats.export_json_parts(head, store.each_attempt())) == (
            json.dumps({**head, "attempts": records}, ensure_ascii=False, indent=2) + "\n"
        ).encode()
        streamed, whole = (list(export_rows(rows)) for rows in (store.each_attempt(), records))
        assert streamed == whole and len(streamed) > len(records)  # the CSV and XLSX tables
        everything = [b for r in records for _, b in statements(r, "https://b", "https://h")]
        assert len(everything) > formats.CHUNK  # more than one chunk: the joins are checked
        assert b"".join(formats.statements_json_parts(
            b for r in store.each_attempt() for _, b in statements(r, "https://b", "https://h"))
        ) == formats.statements_json(everything).encode()
    for empty in (formats.export_json_parts(head, []), formats.statements_json_parts([])):
        json.loads(b"".join(empty))


def test_a_streamed_list_is_what_the_standard_library_writes() -> None:
    """Whatever JSON values (floats below 1e-4 and infinities aside, which cscoach never
    writes: see formats.json_list_parts), at any nesting and across chunk boundaries."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from cscoach.history import formats

    text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
                        st.floats(allow_nan=False, allow_infinity=False).filter(
                            lambda f: f == 0 or abs(f) >= 1e-4), text)
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)), max_leaves=20)

    @settings(derandomize=True, deadline=None, database=None, max_examples=200)
    @given(items=st.lists(values, max_size=2 * formats.CHUNK + 3),
           outer=st.sampled_from(["", "  ", "    "]))
    @example(items=[{"n": i, "t": ["한", {}, []]} for i in range(2 * formats.CHUNK + 1)],
             outer="  ")
    def agrees(items: list[object], outer: str) -> None:
        want = json.dumps(items, ensure_ascii=False, indent=2).replace("\n", "\n" + outer)
        assert b"".join(formats.json_list_parts(items, outer)) == want.encode()

    agrees()


@pytest.mark.parametrize("fmt", ["json", "csv", "xapi"])
def test_export_all_reads_back(cli, tmp_path: Path, generated: Path, fmt: str) -> None:
    import csv

    out = tmp_path / f"all.{fmt}"
    done = cli("export", "--all", "--format", fmt, "--data-dir", str(generated.parent),
               "--out", str(out))
    assert done.code == 0, done.err
    records = Store(generated, readonly=True).attempts()
    if fmt == "json":
        assert load_records([out]) == sorted(records, key=lambda r: (r["finished_at"], r["id"]))
    elif fmt == "csv":  # one file per table, for Excel (BOM, CRLF) as a .csv --out is
        tables = {}
        for name in ("attempts", "replies", "answers"):
            with out.with_name(f"all-{name}.csv").open(encoding="utf-8-sig", newline="") as f:
                tables[name] = list(csv.DictReader(f))
        assert [row["attempt"] for row in tables["attempts"]] == [
            r["id"] for r in sorted(records, key=lambda r: (r["finished_at"], r["id"]))]
        assert len(tables["replies"]) == sum(len(r["choices"]) for r in records)
        assert len(tables["answers"]) == sum(len(r["answers"]) for r in records)
        assert {row["attempt"] for row in tables["replies"] + tables["answers"]} <= {
            r["id"] for r in records}
    else:
        statements = json.loads(out.read_text(encoding="utf-8"))
        assert len(statements) == sum(len(r["choices"]) + len(r["answers"]) + 1
                                      for r in records)
        assert len({s["id"] for s in statements}) == len(statements)
    if fmt == "csv":  # standard output takes one table, as plain CSV unless --excel
        printed = cli("export", "--all", "--format", fmt, "--only", "replies", "--excel",
                      "--data-dir", str(generated.parent))
        assert printed.out == out.with_name("all-replies.csv").read_bytes().decode("utf-8")
    elif fmt != "json":  # the same bytes on standard output (a JSON export is stamped in time)
        printed = cli("export", "--all", "--format", fmt, "--data-dir", str(generated.parent))
        assert printed.out == out.read_text(encoding="utf-8")


def test_export_of_nothing_warns_and_is_valid(cli, tmp_path: Path) -> None:
    for fmt in ("json", "xapi"):
        done = cli("export", "--all", "--format", fmt, "--data-dir", str(tmp_path / "none"))
        assert done.code == 0 and "no attempts recorded for anyone" in done.err
        json.loads(done.out)


def test_statement_ids_are_the_uuid5_they_always_were() -> None:
    """statement_id builds the UUID by hand (for speed): the ids an LRS already holds must not
    change, or a statement sent again would be stored twice."""
    from cscoach.history.xapi import NAMESPACE, statement_id

    for attempt in (str(uuid.UUID(int=n * 7919)) for n in range(300)):
        for part in ("attempt", "turn/1", "turn/12", "answer/3", "한/é"):
            assert statement_id(attempt, part) == str(uuid.uuid5(NAMESPACE, f"{attempt}/{part}"))


def test_the_tallys_decay_is_progress_decay() -> None:
    """The tally keeps its own copy (progress imports the engine and the judge, which a report
    of a history never needs)."""
    from cscoach.history import progress, tally

    assert tally.DECAY == progress.DECAY


def test_the_report_from_sql_equals_todays_with_ties(tmp_path: Path, library, matcher) -> None:
    """Drills finished at the same moment (ordered by id, newest first, for the step levels and
    the last text of a trap), one trainee's steps in several orders, from a database and from
    an export file of the same attempts in another order."""
    from cscoach.history.service import export_document

    records = []
    for n, answers in enumerate(["2,3,1,1,2,3", "1,1,1,1,1,1,1", "3,2", "2,2", "1,2,3,1,2",
                                 "3,3,3"] * 3):
        r = played(library, matcher, answers=answers)
        r["id"] = str(uuid.UUID(int=(n * 7919) % 97 + 1))
        r["trainee"] = f"trainee-{n % 2}"
        r["finished_at"] = iso(T0 + timedelta(minutes=n // 4))  # four at each moment
        for c in r["choices"]:  # which pick was the last is seen in its text
            c["text"]["en"] += f" (drill {n})"
        records.append(r)
    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in records:
            store.add(r)
    export = tmp_path / "tied.json"
    export.write_text(json.dumps(export_document(records[::-1])), encoding="utf-8")
    for sources in ([path], [export], [export, path]):
        old, new = _both(sources, library, top=1000)
        assert new == old and new["attempts"] == len(records)
        assert new["hardest"] and all(row["top_trap_text"]["en"] for row in new["hardest"])


def test_a_step_held_twice_counts_its_first_from_every_source(tmp_path: Path, library,
                                                            matcher) -> None:
    """cscoach never records a step twice, but a hand-edited history can hold one: the
    database's copy (json_each in SQL), an export's (Python) and the pure report all count
    the first of it, so the numbers agree whatever the source."""
    from cscoach.history.service import export_document

    records = copies(played(library, matcher), 6, trainees=2)
    for r in records[::2]:
        first = r["steps"][0]
        r["steps"].append({**first, "done": not first["done"], "in_order": False})
    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in records:
            store.add(r)
    export = tmp_path / "twice.json"
    export.write_text(json.dumps(export_document(records)), encoding="utf-8")
    for sources in ([path], [export]):
        old, new = _both(sources, library)
        assert new == old and new["attempts"] == 6


def test_a_step_without_its_name_is_refused(tmp_path: Path, library, matcher) -> None:
    """A step held twice is taken once, but a step with no name is a damaged history, refused
    in one line naming the file, as before the steps were keyed (not silently left out)."""
    from cscoach.history.tally import Tally, tally_sources

    records = copies(played(library, matcher), 2)
    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in records:
            store.add(r)
    db = sqlite3.connect(path)
    db.execute("UPDATE attempts SET steps = json_insert(steps, '$[#]', json('{\"done\": true}'))"
               " WHERE id = ?", (records[0]["id"],))
    db.commit()
    db.close()
    with Tally() as tally, pytest.raises(HistoryError) as caught:
        tally_sources(tally, [path])
    assert str(path) in str(caught.value)


def test_an_interrupted_copy_is_an_interruption(generated: Path) -> None:
    """Ctrl-C while a history database is copied into the tally (between two of its
    statements) is the interruption the command line reports (exit 130), not SQLite's refusal
    to let go of a source in the middle of a transaction; nothing of the copy is kept."""
    from cscoach.history.tally import Tally

    class Interrupted:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __getattr__(self, name: str) -> Any:
            return getattr(self.db, name)

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if "INTO choices" in sql:
                raise KeyboardInterrupt
            return self.db.execute(sql, *args)

    with Tally() as tally:
        tally.db = Interrupted(tally.db)  # type: ignore[assignment]
        with pytest.raises(KeyboardInterrupt):
            tally.add_database(generated)
        assert not tally.db.in_transaction
        assert tally.db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 0
        assert tally.db.execute("PRAGMA database_list").fetchall()[-1][1] != "source"


def test_a_turn_gone_before_its_text_is_read_is_said(tmp_path: Path, library, matcher) -> None:
    """A trap's text is read from the history database after the counting: a history changed
    in between (a file put back from a copy, say) is one line, not a wrong text."""
    from cscoach.history.tally import Tally

    path = tmp_path / "history.db"
    with Store(path) as store:
        for r in copies(played(library, matcher), 4):
            store.add(r)
    with Tally() as tally:
        tally.add_database(path)
        with sqlite3.connect(path) as db:
            db.execute("DELETE FROM choices")
        with pytest.raises(HistoryError, match="lost its turn"):
            tally.report(library.steps.ids())
