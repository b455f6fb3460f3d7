"""A trainer's report computed where the data is: the same numbers as `report.report`, but the
attempts are never all in memory and their JSON is never decoded in Python.

What the report reads of each attempt (a few columns of it, its steps' levels, its choices'
nodes and traps) goes into a scratch SQLite database in a temporary folder, whatever the source:
a history database is attached and copied by SQLite itself (`INSERT ... SELECT`, the steps read
with `json_each`), an export's attempts or an LRS's statements are added as they are read. An
attempt is counted once however many sources hold it (the first source's copy is the one kept,
as `load_records` keeps it). The three tables are then aggregations in SQL; Python sees only
the grouped rows (and, for the recency-weighted step levels, one row per drill and step).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscoach.history.store import (
    BUSY_TIMEOUT_MS,
    SQLITE_FULL,
    SQLITE_IOERR,
    HistoryError,
    Store,
    _failure,
    check_health,
)
from cscoach.plain import visible_all

if TYPE_CHECKING:
    from cscoach.history.record import Record

# progress.DECAY (a test keeps the two equal): progress and record import the drill's engine,
# the judge and the quiz, which a report of a history never uses (some 50 ms of start-up)
DECAY = 0.7

SCHEMA = """
CREATE TABLE attempts (
    id TEXT PRIMARY KEY, src INTEGER NOT NULL, kind TEXT NOT NULL, trainee TEXT NOT NULL,
    status TEXT NOT NULL, scenario TEXT NOT NULL, title_ko TEXT NOT NULL, title_en TEXT NOT NULL,
    finished_at TEXT NOT NULL, score INTEGER, passed INTEGER,
    pack TEXT NOT NULL, content_hash TEXT, scenario_version INTEGER, started_at TEXT NOT NULL
);
CREATE TABLE steps (attempt INTEGER NOT NULL, step TEXT NOT NULL, value REAL NOT NULL,
                    PRIMARY KEY (attempt, step)) WITHOUT ROWID;
CREATE TABLE choices (
    attempt INTEGER NOT NULL, seq INTEGER NOT NULL, scenario TEXT NOT NULL,
    trainee TEXT NOT NULL, node TEXT NOT NULL, choice INTEGER NOT NULL, trap INTEGER NOT NULL,
    text_ko TEXT, text_en TEXT, dont_say TEXT
);
"""
# The scratch database's page cache, and its temporary tables' (each): 4 MiB. Past it SQLite
# spills to the scratch file, which the system's own file cache keeps, so a larger one buys no
# time (20,000 to 80,000 attempts measured at 4 and 32 MiB, docs/history.md) and would only
# make the report's memory grow with the history until it is full.
CACHE_KIB = 4 * 1024

# Which version of its scenario each drill was played on, as history/versions.py numbers them:
# per pack and scenario, in the order first played (started_at, id); an attempt's identity is
# its content hash, else the first hash played with the same authored `version:`, else that
# authored version alone.
VERSIONS = """
CREATE TEMP TABLE IF NOT EXISTS ver (attempt INTEGER PRIMARY KEY, number INTEGER NOT NULL,
                                     total INTEGER NOT NULL, since TEXT NOT NULL,
                                     pack TEXT NOT NULL);
DELETE FROM ver;
INSERT INTO ver (attempt, number, total, since, pack)
WITH p AS (SELECT rowid AS a, id, pack, scenario, scenario_version AS sv,
                  NULLIF(content_hash, '') AS h, started_at FROM attempts WHERE kind = 'play'),
hashed AS (SELECT pack, scenario, sv, h FROM (
               SELECT pack, scenario, sv, h, row_number() OVER (
                   PARTITION BY pack, scenario, sv ORDER BY started_at, id) AS n
               FROM p WHERE h IS NOT NULL) WHERE n = 1),
ident AS (SELECT p.a, p.id, p.pack, p.scenario, p.started_at,
                 coalesce(p.h, f.h, char(0) || 'unhashed ' || quote(p.sv)) AS k
          FROM p LEFT JOIN hashed f
          ON f.pack = p.pack AND f.scenario = p.scenario AND f.sv IS p.sv),
firsts AS (SELECT pack, scenario, k, started_at AS since, row_number() OVER (
               PARTITION BY pack, scenario ORDER BY started_at, id) AS number FROM (
               SELECT pack, scenario, k, started_at, id, row_number() OVER (
                   PARTITION BY pack, scenario, k ORDER BY started_at, id) AS n FROM ident)
           WHERE n = 1),
totals AS (SELECT pack, scenario, count(*) AS total FROM firsts GROUP BY pack, scenario)
SELECT i.a, f.number, t.total, f.since, i.pack FROM ident i
JOIN firsts f ON f.pack = i.pack AND f.scenario = i.scenario AND f.k = i.k
JOIN totals t ON t.pack = i.pack AND t.scenario = i.scenario;
"""


def _scratch(exc: sqlite3.Error) -> HistoryError:
    return HistoryError(f"cannot build the report: its scratch database in the temporary folder "
                        f"failed ({exc}); free some space there or set TMPDIR to a folder "
                        "with room")


def _blame(path: Path, exc: sqlite3.Error) -> HistoryError:
    """A source is only read: a full disk or a failed write is the scratch database's."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return _scratch(exc) if code in (SQLITE_FULL, SQLITE_IOERR) else _failure(path, exc)


def _pct(part: float, whole: float) -> int | None:
    return round(100 * part / whole) if whole else None


class Tally:
    """The report's scratch database; add sources, then `report`. Use it as a context."""

    def __init__(self) -> None:
        # SQLite's private temporary database: in its page cache while it is small, spilled to
        # a file in the temporary folder (deleted on close) when it grows, so memory stays
        # at the cache's size whatever the number of attempts; the temporary tables the
        # report builds (`ver`, `aged`) have a cache of their own, the same size
        try:
            self.db = sqlite3.connect("", isolation_level=None, uri=True)
            self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self.db.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB}")
            # a scratch file deleted on close: nothing to make durable, and its rollback
            # journal (a source taken out again, a failed copy) is kept in memory
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.execute("PRAGMA journal_mode = MEMORY")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise _scratch(exc) from None
        self._sources = 0
        self._databases: dict[int, tuple[Path, str]] = {}  # source -> its path and URI

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Tally:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next_source(self) -> int:
        self._sources += 1
        return self._sources

    # -- sources -------------------------------------------------------------------------

    def add_database(self, path: Path) -> None:
        """A history database: checked as `open_store(readonly=True)` checks it and copied by
        SQLite from the file into the tally (nothing of it passes through Python). SQLite's
        integrity check, the longest part of the check, runs on a connection of its own in a
        second thread while the copy is made (on two cores it costs no time of its own); a
        damaged file's attempts are taken out again and it is refused as before."""
        with Store(path, readonly=True, checked=False) as store:
            uri = store.uri
        checking = _Checking(path, uri)
        src = self._next_source()
        try:
            self._copy(path, uri, src)
        except HistoryError:  # what the copy met: a damaged file is said to be damaged
            checking.result()
            raise
        except BaseException:
            checking.stop()
            raise
        try:
            checking.result()
        except BaseException:
            self._drop(src)
            raise

    def _drop(self, src: int) -> None:
        """A source's attempts taken out of the tally again."""
        self._databases.pop(src, None)
        try:
            self.db.execute("BEGIN")
            for table in ("steps", "choices"):
                self.db.execute(f"DELETE FROM {table} WHERE attempt IN (SELECT rowid FROM "
                                "attempts WHERE src = ?)", (src,))
            self.db.execute("DELETE FROM attempts WHERE src = ?", (src,))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _scratch(exc) from None

    def _copy(self, path: Path, uri: str, src: int) -> None:
        self._databases[src] = (path, uri)
        args = {"src": src}
        try:
            self.db.execute("ATTACH DATABASE ? AS source", (uri,))
        except sqlite3.Error as exc:
            raise _failure(path, exc) from None
        try:
            columns = {row[1] for row in self.db.execute("PRAGMA source.table_info(attempts)")}
            pack = "pack" if "pack" in columns else "''"  # before migration 5: no packs
            digest = "content_hash" if "content_hash" in columns else "NULL"
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR IGNORE INTO attempts (id, src, kind, trainee, status, scenario, "
                "title_ko, title_en, finished_at, score, passed, pack, content_hash, "
                "scenario_version, started_at) SELECT id, :src, kind, trainee, status, "
                f"scenario, title_ko, title_en, finished_at, score, passed, coalesce({pack}, ''), "
                f"{digest}, scenario_version, started_at FROM source.attempts", args)
            # a step an attempt holds twice (never written by cscoach; a hand-edited file)
            # counts once, its first, as in `add_record` and progress.step_levels: the
            # primary key keeps the first row json_each gives, in the list's order (ON
            # CONFLICT, not OR IGNORE: a step without its name still fails, and the file is
            # refused as before)
            self.db.execute(
                "INSERT INTO steps (attempt, step, value) SELECT w.rowid, "
                "json_extract(j.value, '$.step'), CASE WHEN json_extract(j.value, '$.done') "
                "THEN CASE WHEN json_extract(j.value, '$.in_order') THEN 1.0 ELSE 0.5 END "
                "ELSE 0.0 END FROM source.attempts a JOIN attempts w ON w.id = a.id AND "
                "w.src = :src, json_each(a.steps) j WHERE a.kind = 'play' AND "
                "a.status = 'completed' ON CONFLICT (attempt, step) DO NOTHING", args)
            # a reply with a don't-say, or a weak one; its text is not copied (it was most of
            # the tally's size): `_texts` reads the few shown from the database afterwards
            trap = "(c.dont_say != '[]' OR c.weak)"
            self.db.execute(
                f"INSERT INTO choices (attempt, seq, scenario, trainee, node, choice, trap) "
                f"SELECT w.rowid, c.turn, w.scenario, w.trainee, c.node, c.choice, {trap} "
                "FROM source.choices c JOIN attempts w ON w.id = c.attempt_id AND w.src = :src "
                "AND w.kind = 'play'", args)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _blame(path, exc) from None
        finally:
            self._detach()

    def _detach(self) -> None:
        """The source let go of; a copy cut short (Ctrl-C between its statements) is rolled
        back first, or SQLite refuses ("database source is locked") and that error would
        hide the interruption."""
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
        self.db.execute("DETACH DATABASE source")

    def add_records(self, records: Iterable[Record]) -> None:
        """Attempts as records (an export's, checked already), each added once."""
        src = self._next_source()
        try:
            self.db.execute("BEGIN")
            for r in records:
                self.add_record(r, src)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _scratch(exc) from None
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def add_record(self, r: Record, src: int | None = None) -> bool:
        """One attempt; False if one with its id is in already."""
        src = self._next_source() if src is None else src
        cur = self.db.execute(
            "INSERT OR IGNORE INTO attempts (id, src, kind, trainee, status, scenario, title_ko, "
            "title_en, finished_at, score, passed, pack, content_hash, scenario_version, "
            "started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r["id"], src, r["kind"], r["trainee"], r["status"], r["scenario"],
             r["title"]["ko"], r["title"]["en"], r["finished_at"], r.get("score"),
             None if r.get("passed") is None else int(bool(r["passed"])),
             r.get("pack") or "", r.get("content_hash"), r.get("scenario_version"),
             r["started_at"]))
        if not cur.rowcount:
            return False
        row = cur.lastrowid
        if r["kind"] == "play" and r["status"] == "completed":
            seen: set[str] = set()
            steps = []
            for s in r["steps"]:
                if s["step"] not in seen:  # the first of a step counts, as in step_levels
                    seen.add(s["step"])
                    steps.append((row, s["step"], _value(s)))
            self.db.executemany("INSERT INTO steps VALUES (?, ?, ?)", steps)
        if r["kind"] == "play":
            rows = []
            for seq, c in enumerate(r["choices"]):
                trap = bool(c["dont_say"] or c["weak"])
                rows.append((row, seq, r["scenario"], r["trainee"], c["node"], c["choice"],
                             int(trap),
                             c["text"]["ko"] if trap else None, c["text"]["en"] if trap else None,
                             json.dumps(c["dont_say"], ensure_ascii=False) if trap else None))
            self.db.executemany("INSERT INTO choices VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return True

    # -- the report ----------------------------------------------------------------------

    def report(self, step_ids: Sequence[str], top: int = 10) -> dict[str, Any]:
        """What `report.report` gives for the same attempts."""
        try:
            self.db.executescript(VERSIONS)
            return visible_all({  # type: ignore[return-value]
                "trainees": sorted(r[0] for r in self.db.execute(
                    "SELECT DISTINCT trainee FROM attempts")),
                "attempts": self.db.execute("SELECT count(*) FROM attempts").fetchone()[0],
                "steps": self._steps(step_ids),
                "hardest": self._hardest(top),
                "scenarios": self._scenarios(),
            })
        except sqlite3.Error as exc:  # the scratch database, on a full disk say
            raise _scratch(exc) from None

    def _steps(self, step_ids: Sequence[str]) -> list[dict[str, Any]]:
        levels: dict[tuple[str, str], list[float]] = {}
        wanted = set(step_ids)
        # the finished drills, each trainee's newest first (age 0), numbered in that order, and
        # each one's steps found by the steps' primary key (attempt, step): the rows come in
        # that order without sorting them all, and each (trainee, step) adds its levels newest
        # first, as step_levels does
        self.db.executescript(
            "CREATE TEMP TABLE IF NOT EXISTS aged (n INTEGER PRIMARY KEY, attempt INTEGER NOT "
            "NULL, trainee TEXT NOT NULL, age INTEGER NOT NULL); DELETE FROM aged; "
            "INSERT INTO aged (attempt, trainee, age) SELECT rowid, trainee, row_number() OVER "
            "(PARTITION BY trainee ORDER BY finished_at DESC, id DESC) - 1 AS age FROM attempts "
            "WHERE kind = 'play' AND status = 'completed' ORDER BY trainee, age;")
        weights: list[float] = []
        for trainee, step, age, value in self.db.execute(
                "SELECT d.trainee, s.step, d.age, s.value FROM aged d CROSS JOIN steps s ON "
                "s.attempt = d.attempt ORDER BY d.n"):
            if step not in wanted:
                continue
            while len(weights) <= age:
                weights.append(DECAY ** len(weights))
            weight = weights[age]
            acc = levels.get((trainee, step))
            if acc is None:
                levels[(trainee, step)] = [weight * value, weight]
            else:
                acc[0] += weight * value
                acc[1] += weight
        rows = []
        for trainee, drills, scores, passed in sorted(self.db.execute(
                "SELECT trainee, count(*) FILTER (WHERE kind = 'play' AND status = 'completed'), "
                "sum(score) FILTER (WHERE kind = 'play' AND status = 'completed'), "
                "count(*) FILTER (WHERE kind = 'play' AND status = 'completed' AND passed) "
                "FROM attempts GROUP BY trainee")):
            row: dict[str, Any] = {
                "trainee": trainee, "drills": drills,
                "mean_score": round(scores / drills) if drills else None,
                "pass_rate": _pct(passed, drills)}
            for sid in step_ids:
                level = levels.get((trainee, sid))
                row[sid] = round(100 * (level[0] / level[1])) if level and level[1] else None
            rows.append(row)
        return rows

    def _hardest(self, top: int) -> list[dict[str, Any]]:
        # a node of another version or pack is another place
        placed = ("(SELECT c.*, v.pack, v.number AS version FROM choices c "
                  "JOIN ver v ON v.attempt = c.attempt)")
        Place = tuple[str, str, str, int]
        picks: dict[Place, Counter[int]] = {}
        for scenario, node, pack, version, choice, n in self.db.execute(
                f"SELECT scenario, node, pack, version, choice, count(*) FROM {placed} "
                "WHERE trap GROUP BY 1, 2, 3, 4, 5"):
            picks.setdefault((scenario, node, pack, version), Counter())[choice] = n
        rows = []
        for scenario, node, pack, version, visits, traps, trainees, trapped in self.db.execute(
                "SELECT scenario, node, pack, version, count(*), sum(trap), "
                "count(DISTINCT trainee), count(DISTINCT CASE WHEN trap THEN trainee END) "
                f"FROM {placed} GROUP BY 1, 2, 3, 4 HAVING sum(trap) > 0"):
            choice, times = sorted(picks[(scenario, node, pack, version)].items(),
                                   key=lambda kv: (-kv[1], kv[0]))[0]
            rows.append({
                "scenario": scenario, "node": node, "pack": pack or None, "version": version,
                "visits": visits, "traps": traps,
                "trap_rate": _pct(traps, visits), "trainees": trainees,
                "trainees_trapped": trapped, "top_trap": choice, "top_trap_picks": times,
            })
        rows.sort(key=lambda r: (-r["trap_rate"], -r["traps"], r["scenario"], r["node"],
                                 r["pack"] or "", r["version"]))
        rows = rows[:top]
        # the text of each top trap as last picked (the latest attempt's, its last turn)
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS top (scenario, node, pack, version, "
                        "choice)")
        self.db.execute("DELETE FROM top")
        self.db.executemany("INSERT INTO top VALUES (?, ?, ?, ?, ?)",
                            [(r["scenario"], r["node"], r["pack"] or "", r["version"],
                              r["top_trap"]) for r in rows])
        texts = self._texts(list(self.db.execute(
            "SELECT scenario, node, pack, version, choice, src, id, seq, text_ko, text_en, "
            "dont_say FROM (SELECT c.scenario, c.node, c.pack, c.version, c.choice, a.src, "
            "a.id, c.seq, c.text_ko, c.text_en, c.dont_say, row_number() OVER (PARTITION BY "
            "c.scenario, c.node, c.pack, c.version, c.choice ORDER BY a.finished_at DESC, "
            "a.id DESC, c.seq DESC) AS n "
            f"FROM top t JOIN {placed} c ON c.scenario = t.scenario AND c.node = t.node AND "
            "c.pack = t.pack AND c.version = t.version AND c.choice = t.choice AND c.trap "
            "JOIN attempts a ON a.rowid = c.attempt) WHERE n = 1")))
        for r in rows:
            ko, en, dont_say = texts[(r["scenario"], r["node"], r["pack"] or "", r["version"],
                                      r["top_trap"])]
            r["top_trap_text"] = {"ko": ko, "en": en}
            r["dont_say"] = json.loads(dont_say)
        return rows

    def _texts(self, picks: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """The text and don't-says of each pick (place and choice -> source, attempt id, turn,
        and the texts an export's or an LRS's attempt brought): a history database's are read
        from it again, by the choices' primary key (an attempt, once written, never changes)."""
        texts = {}
        wanted: dict[int, list[tuple[Any, ...]]] = {}
        for pick in picks:
            if pick[5] in self._databases:
                wanted.setdefault(pick[5], []).append(pick)
            else:
                texts[pick[:5]] = pick[8:]
        for src, found in wanted.items():
            path, uri = self._databases[src]
            try:
                self.db.execute("ATTACH DATABASE ? AS source", (uri,))
            except sqlite3.Error as exc:
                raise _failure(path, exc) from None
            try:
                for pick in found:
                    row = self.db.execute(
                        "SELECT text_ko, text_en, dont_say FROM source.choices WHERE "
                        "attempt_id = ? AND turn = ?", pick[6:8]).fetchone()
                    if row is None:
                        raise HistoryError(f"{path}: attempt {pick[6]} lost its turn "
                                           f"{pick[7]} while the report read the history; "
                                           "run the report again")
                    texts[pick[:5]] = row
            except sqlite3.Error as exc:
                raise _blame(path, exc) from None
            finally:
                self._detach()
        return texts

    def _scenarios(self) -> list[dict[str, Any]]:
        """One row per scenario and version, as `report.scenario_table`."""
        played = ("(SELECT a.*, v.number AS version, v.total, v.since FROM attempts a "
                  "JOIN ver v ON v.attempt = a.rowid)")
        titles = {key[:3]: {"ko": key[3], "en": key[4]} for key in self.db.execute(
            "SELECT scenario, pack, version, title_ko, title_en FROM (SELECT scenario, pack, "
            "version, title_ko, title_en, row_number() OVER (PARTITION BY scenario, pack, "
            f"version ORDER BY finished_at DESC, id DESC) AS n FROM {played}) WHERE n = 1")}
        rows = []
        for (scenario, pack, version, total, since, done, abandoned, trainees, passed, scores,
             best) in sorted(self.db.execute(
                "SELECT scenario, pack, version, total, since, "
                "count(*) FILTER (WHERE status = 'completed'), "
                "count(*) FILTER (WHERE status != 'completed'), "
                "count(DISTINCT CASE WHEN status = 'completed' THEN trainee END), "
                "count(*) FILTER (WHERE status = 'completed' AND passed), "
                "sum(score) FILTER (WHERE status = 'completed'), "
                "max(score) FILTER (WHERE status = 'completed') "
                f"FROM {played} GROUP BY scenario, pack, version")):
            rows.append({
                "scenario": scenario, "pack": pack or None, "version": version,
                "versions": total, "since": since,
                "title": titles[(scenario, pack, version)], "attempts": done,
                "abandoned": abandoned, "trainees": trainees, "passed": passed,
                "pass_rate": _pct(passed, done),
                "mean_score": round(scores / done) if done else None,
                "best_score": best,
            })
        return rows


class _Checking(threading.Thread):
    """`store.check_health` of a database, on a connection of its own, in a thread (SQLite lets
    go of Python's lock while it works); `result` waits for it and raises what it found."""

    def __init__(self, path: Path, uri: str) -> None:
        super().__init__(name="cscoach-integrity-check", daemon=True)
        self.path, self.uri = path, uri
        self.error: BaseException | None = None
        self.db: sqlite3.Connection | None = None
        self.start()

    def run(self) -> None:
        try:
            self.db = sqlite3.connect(self.uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None, check_same_thread=False)
            try:
                check_health(self.db, self.path)
            finally:
                self.db.close()
        except sqlite3.Error as exc:
            self.error = _failure(self.path, exc)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by result()
            self.error = exc

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Cut the check short (the copy failed or was interrupted) and wait for the thread."""
        if self.db is not None:
            try:
                self.db.interrupt()
            except sqlite3.Error:  # closed already: the check is over
                pass
        self.join()


def _value(step: dict[str, Any]) -> float:
    if not step["done"]:
        return 0.0
    return 1.0 if step["in_order"] else 0.5


def tally_sources(tally: Tally, paths: Sequence[Path]) -> None:
    """History databases and `cscoach export` files, in the order given (the first copy of an
    attempt is the one counted), with the checks and messages of `load_records`."""
    from cscoach.history.service import is_database, read_export

    for path in paths:
        if is_database(path):
            tally.add_database(path)
        else:
            tally.add_records(read_export(path))
