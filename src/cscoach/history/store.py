"""The local history: a SQLite database (stdlib sqlite3, WAL) with versioned migrations.

Rules kept here:
- an attempt is written in one transaction with its choices, answers and queued statements, so
  a reader (or a crash, or Ctrl-C) never sees half of one;
- writers take the lock up front (BEGIN IMMEDIATE) and wait for each other, so two drills that
  finish at the same moment in two terminals both land;
- a file that is not ours (not SQLite, another program's database, a newer cscoach's) is
  refused with a message and never written to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from cscoach.errors import CscoachError

APPLICATION_ID = 0x43534348  # "CSCH" in the database header marks the file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000

Record = dict[str, Any]

# Each entry upgrades the schema by one version; never edit one that has shipped, add another.
MIGRATIONS: tuple[str, ...] = (
    # 1: attempts with their choices (play) and answers (quiz)
    """
    CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('play', 'quiz')),
        trainee TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('completed', 'abandoned')),
        scenario TEXT NOT NULL,
        scenario_version INTEGER,
        title_ko TEXT NOT NULL,
        title_en TEXT NOT NULL,
        lang TEXT NOT NULL,
        team TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        score INTEGER,
        passed INTEGER,
        pass_mark INTEGER,
        ending TEXT,
        outcome TEXT,
        final_mood INTEGER,
        steps TEXT NOT NULL DEFAULT '[]',
        points TEXT NOT NULL DEFAULT '[]',
        cscoach_version TEXT NOT NULL
    );
    CREATE INDEX attempts_by_trainee ON attempts (trainee, finished_at);
    CREATE TABLE choices (
        attempt_id TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
        turn INTEGER NOT NULL,
        node TEXT NOT NULL,
        choice INTEGER NOT NULL,
        options INTEGER NOT NULL,
        text_ko TEXT NOT NULL,
        text_en TEXT NOT NULL,
        steps TEXT NOT NULL,
        dont_say TEXT NOT NULL,
        say_instead TEXT NOT NULL,
        mood_before INTEGER NOT NULL,
        mood_after INTEGER NOT NULL,
        weak INTEGER NOT NULL,
        better INTEGER,
        points INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, turn)
    );
    CREATE TABLE quiz_answers (
        attempt_id TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        question TEXT NOT NULL,
        topic TEXT NOT NULL,
        source TEXT NOT NULL,
        answer TEXT NOT NULL,
        correct INTEGER NOT NULL,
        timed_out INTEGER NOT NULL,
        seconds REAL,
        points INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, number)
    );
    """,
    # 2: xAPI statements waiting for (or already sent to) a Learning Record Store
    """
    CREATE TABLE outbox (
        statement_id TEXT NOT NULL,
        lrs TEXT NOT NULL,
        attempt_id TEXT NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT,
        PRIMARY KEY (statement_id, lrs)
    );
    CREATE INDEX outbox_pending ON outbox (lrs, sent_at);
    """,
    # 3: what the trainee typed in `play --free` (NULL when they picked a reply)
    """
    ALTER TABLE choices ADD COLUMN typed TEXT;
    """,
    # 4: a claim on waiting statements (who is sending them, until when: seconds since the
    # epoch), so two senders never send one twice and a crashed sender's claim runs out
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until REAL;
    """,
    # 5: which content an attempt was played on: the content pack ('' for the shipped library)
    # and the hash of the scenario file, so a changed scenario is a new version of it
    """
    ALTER TABLE attempts ADD COLUMN pack TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN content_hash TEXT;
    """,
)
LATEST = len(MIGRATIONS)


class HistoryError(CscoachError):
    """The history database cannot be used (exit 2); the file is left as it was."""


# SQLite's primary result codes (the low byte of an extended one) that name what went wrong
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_TOOBIG, SQLITE_RANGE, SQLITE_NOTADB = 18, 25, 26


def _failure(path: Path, exc: sqlite3.Error) -> HistoryError:
    """SQLite's own error, classified, as one line that blames the file only when the file is
    at fault (a damaged one); a busy lock, a full disk or read-only media is said to be that."""
    code = getattr(exc, "sqlite_errorcode", None)
    kind = code & 0xFF if isinstance(code, int) else None
    what = str(exc)
    if kind in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return HistoryError(f"{path}: cannot use the history database: it is damaged ({what}); "
                            "the file was left untouched - move it aside or point --data-dir "
                            "elsewhere")
    if kind == SQLITE_BUSY:
        return HistoryError(f"{path}: the history database is busy ({what}): another program "
                            f"held its lock for more than {BUSY_TIMEOUT_MS // 1000} s; nothing "
                            "was changed - try again when it has finished")
    if kind == SQLITE_LOCKED:
        return HistoryError(f"{path}: a table of the history database is locked ({what}); "
                            "nothing was changed - try again")
    if kind == SQLITE_FULL:
        return HistoryError(f"{path}: the disk is full ({what}); nothing was changed - free "
                            "some space and try again")
    if kind == SQLITE_READONLY:
        return HistoryError(f"{path}: the history database cannot be written ({what}): the "
                            "file, its folder or the disk is read-only; nothing was changed")
    if kind in (SQLITE_TOOBIG, SQLITE_RANGE) or "too many SQL variables" in what:
        return HistoryError(f"{path}: a request went past a limit of SQLite ({what}); the file "
                            "is fine - this is a cscoach bug, please report it")
    if kind == SQLITE_IOERR:
        return HistoryError(f"{path}: the disk failed to read or write the history database "
                            f"({what}); check the disk, then try again")
    if kind == SQLITE_CANTOPEN:
        return HistoryError(f"{path}: cannot open the history database ({what}); check that "
                            "you may read and write it and its folder")
    if kind == SQLITE_NOMEM:
        return HistoryError(f"{path}: out of memory reading the history database ({what})")
    return HistoryError(f"{path}: SQLite failed on the history database ({what}); the file was "
                        "left as it was")


def read_header(path: Path) -> bytes:
    """The first bytes of a file, where SQLite writes its magic string. Only a regular file is
    opened: a pipe would block the open for ever, and a device is no database."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) and not path.is_dir():
            raise HistoryError(f"{path}: is not a regular file (a pipe, device or socket); a "
                               "history database or an export is a file")
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC))
    except IsADirectoryError:
        raise HistoryError(f"{path}: is a folder, not a history database") from None
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _writable(path: Path) -> bool:
    """Whether cscoach may write there (false on read-only media, whoever we are)."""
    return os.access(path, os.W_OK)


def _check_header(path: Path) -> None:
    head = read_header(path)
    if head and head != SQLITE_MAGIC:
        raise HistoryError(f"{path}: not a cscoach history database (not SQLite); the file was "
                           "left untouched - move it aside or point --data-dir elsewhere")


class Store:
    """One open history database."""

    def __init__(self, path: Path, *, readonly: bool = False, checked: bool = True) -> None:
        """`checked=False` (read-only only): the integrity check is left to the caller
        (`check_health` on a connection of its own; the report runs it beside its copy)."""
        self.path = path
        self.readonly = readonly
        self.checked = checked or not readonly
        exists = path.exists()
        if exists:
            _check_header(path)
        elif readonly:
            raise HistoryError(f"{path}: no such history database")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(f"{path.parent}: cannot create the data folder: "
                                   f"{exc.strerror or exc}") from None
        mode = "ro" if readonly else ("rw" if exists else "rwc")
        writable = _writable(path if exists else path.parent)
        if not readonly and not writable:
            raise HistoryError(f"{path}: the history folder is read-only; point --data-dir "
                               "at a folder you can write, or play with --no-record")
        # On read-only media SQLite cannot make the WAL's shared-memory file: read the file as
        # it is (immutable), which is what it is there.
        immutable = "&immutable=1" if readonly and not writable else ""
        self.uri = f"{path.resolve().as_uri()}?mode={mode}{immutable}"
        try:
            self.db = sqlite3.connect(self.uri,
                                      uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None)
        except sqlite3.Error as exc:
            raise _failure(path, exc) from None
        try:
            self._set_up(exists)
        except sqlite3.Error as exc:
            self.db.close()
            raise _failure(path, exc) from None
        except HistoryError:
            self.db.close()
            raise

    def _set_up(self, existed: bool) -> None:
        """Check, switch to WAL and migrate. Two terminals opening a new database at once can
        meet SQLITE_BUSY where SQLite does not wait (switching the journal mode, reading a
        schema another connection is writing), so a lock is waited out here too."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.01
        while True:
            try:
                self._check_owner(existed)
                if existed and self.checked:
                    self._check_health()
                self.db.execute("PRAGMA foreign_keys = ON")
                if not self.readonly:
                    self.db.execute("PRAGMA journal_mode = WAL")
                    self._migrate()
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() + pause > deadline:
                    raise
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                time.sleep(pause)
                pause = min(pause * 2, 0.25)

    def _check_owner(self, existed: bool) -> None:
        # one statement, so one snapshot: another terminal may be creating the schema right now
        app_id, version, tables = self.db.execute(
            "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master) "
            "FROM pragma_application_id() AS a, pragma_user_version() AS v").fetchone()
        if app_id != APPLICATION_ID and (tables or version):
            raise HistoryError(f"{self.path}: a database of another program, not a cscoach "
                               "history; the file was left untouched")
        if version > LATEST:
            raise HistoryError(f"{self.path}: made by a newer cscoach (schema {version}, this "
                               f"one knows up to {LATEST}); upgrade cscoach to use it")
        if self.readonly and app_id != APPLICATION_ID:
            raise HistoryError(f"{self.path}: an empty file, not a cscoach history")

    def _check_health(self) -> None:
        check_health(self.db, self.path)

    def _migrate(self) -> None:
        if self.db.execute("PRAGMA user_version").fetchone()[0] == LATEST:
            return
        with self.transaction():
            current = self.db.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current + 1, LATEST + 1):
                for statement in _statements(MIGRATIONS[version - 1]):
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {LATEST}")

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; the write lock is taken at the start so writers queue, not fail."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            if self.db.in_transaction:  # SQLite rolls back by itself on a full disk, say
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------

    def add(self, record: Record, lrs: str | None = None,
            statements: Sequence[tuple[str, Record]] = ()) -> None:
        """One attempt, its parts and (optionally) its xAPI statements queued for an LRS."""
        try:
            with self.transaction() as db:
                _insert(db, record)
                for seq, (sid, body) in enumerate(statements if lrs else ()):
                    db.execute(
                        "INSERT OR IGNORE INTO outbox (statement_id, lrs, attempt_id, seq, body, "
                        "queued_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (sid, lrs, record["id"], seq, _dumps(body),
                         record["finished_at"]))
        except sqlite3.IntegrityError as exc:
            raise HistoryError(f"{self.path}: attempt {record['id']} not recorded: {exc}"
                               ) from None
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def add_all(self, records: Sequence[Record]) -> None:
        """Many attempts in one transaction (an import, a generated history): all or none."""
        try:
            with self.transaction() as db:
                for record in records:
                    _insert(db, record)
        except sqlite3.IntegrityError as exc:
            raise HistoryError(f"{self.path}: attempts not recorded: {exc}") from None
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def queue(self, lrs: str, statements: Sequence[tuple[str, str, Record]]) -> int:
        """Queue statements (attempt id, statement id, body) for an LRS; returns how many new."""
        try:
            with self.transaction() as db:
                before = db.total_changes
                for seq, (attempt_id, sid, body) in enumerate(statements):
                    db.execute(
                        "INSERT OR IGNORE INTO outbox (statement_id, lrs, attempt_id, seq, body, "
                        "queued_at) VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ'))",
                        (sid, lrs, attempt_id, seq, _dumps(body)))
                return db.total_changes - before
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def queue_backlog(self, lrs: str,
                      statements_of: Callable[[Record], Sequence[tuple[str, Record]]]) -> int:
        """Queue the statements of every attempt that has none queued for `lrs` yet, reading
        the attempts one at a time, in one write transaction; returns how many attempts."""
        try:
            with self.transaction() as db:
                count = 0
                for r in self.each_attempt(not_queued=lrs):
                    db.executemany(
                        "INSERT OR IGNORE INTO outbox (statement_id, lrs, attempt_id, seq, body, "
                        "queued_at) VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ'))",
                        [(sid, lrs, r["id"], seq, _dumps(body))
                         for seq, (sid, body) in enumerate(statements_of(r))])
                    count += 1
                return count
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def pending(self, lrs: str) -> list[tuple[str, Record]]:
        rows = self._query("SELECT statement_id, body FROM outbox WHERE lrs = ? AND sent_at IS "
                           "NULL ORDER BY queued_at, attempt_id, seq", (lrs,))
        return [(sid, _loads(body)) for sid, body in rows]

    def claim(self, lrs: str, claimer: str, lease: float) -> list[tuple[str, Record]]:
        """Take, for `lease` seconds, every statement waiting for `lrs` that no live claim holds,
        in one write transaction (so no two senders take the same one); returns them in order.
        """
        self.take(lrs, claimer, lease)
        taken: list[tuple[str, Record]] = []
        after = 0
        while page := self.claimed_page(lrs, claimer, after, 1000):
            after = page[-1][0]
            taken.extend((sid, body) for _, sid, body in page)
        return taken

    def take(self, lrs: str, claimer: str, lease: float) -> None:
        """The claim of `claim`, without reading what it took (read it with `claimed_page`)."""
        try:
            with self.transaction() as db:
                moment = time.time()  # taken under the write lock: a wait for it costs nothing
                db.execute("UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE lrs = ? "
                           "AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)",
                           (claimer, moment + lease, lrs, moment))
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def claimed_page(self, lrs: str, claimer: str, after: int, limit: int
                     ) -> list[tuple[int, str, Record]]:
        """Up to `limit` unsent statements `claimer` holds, in the order they were queued, from
        the one after row `after`: (row, statement id, body). Read a page at a time, so a big
        backlog is never all in memory."""
        rows = self._query("SELECT rowid, statement_id, body FROM outbox WHERE rowid > ? AND "
                           "lrs = ? AND sent_at IS NULL AND claimed_by = ? ORDER BY rowid "
                           "LIMIT ?", (after, lrs, claimer, limit))
        return [(row, sid, _loads(body)) for row, sid, body in rows]

    def hold(self, lrs: str, claimer: str, ids: Sequence[str], lease: float) -> set[str]:
        """Renew `claimer`'s claim on `ids` for `lease` seconds from now; returns those still
        its own (one that ran out may have been taken by another sender, who sends it)."""
        kept: set[str] = set()
        try:
            with self.transaction() as db:
                until = time.time() + lease
                for part in self._chunks(ids, 3):
                    # looked up by id (the primary key): the unary + keeps SQLite from walking
                    # outbox_pending instead, every waiting statement for each batch (it chose
                    # that for a list of 50 ids: 20,000 attempts' sync took hours, not minutes)
                    marks = ",".join("?" * len(part))
                    db.execute(f"UPDATE outbox SET claimed_until = ? WHERE statement_id IN "
                               f"({marks}) AND +lrs = ? AND claimed_by = ? AND +sent_at IS NULL",
                               (until, *part, lrs, claimer))
                    kept.update(r[0] for r in db.execute(
                        f"SELECT statement_id FROM outbox WHERE statement_id IN ({marks}) AND "
                        f"+lrs = ? AND claimed_by = ? AND +sent_at IS NULL", (*part, lrs, claimer)))
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None
        return kept

    def _chunks(self, items: Sequence[str], fixed: int) -> Iterator[Sequence[str]]:
        """`items` in parts that fit one statement beside `fixed` other parameters, whatever
        SQLite's variable limit (32,766 by default since 3.32, 999 before, lower if set)."""
        size = max(1, min(500, self.db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - fixed))
        for start in range(0, len(items), size):
            yield items[start:start + size]

    def release(self, lrs: str, claimer: str) -> None:
        """Give up `claimer`'s claims (what it did not send waits for the next sender)."""
        self._write_many("UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE lrs = ? "
                         "AND claimed_by = ?", [(lrs, claimer)])

    def claimed(self, lrs: str) -> int:
        """How many waiting statements a live claim holds (another sender is sending them)."""
        row = self._query("SELECT count(*) FROM outbox WHERE lrs = ? AND sent_at IS NULL AND "
                          "claimed_until > ?", (lrs, time.time()))[0]
        return int(row[0])

    def mark_sent(self, lrs: str, ids: Sequence[str], when: str) -> None:
        self._write_many("UPDATE outbox SET sent_at = ?, last_error = NULL, tries = tries + 1, "
                         "claimed_by = NULL, claimed_until = NULL WHERE lrs = ? AND "
                         "statement_id = ?", [(when, lrs, i) for i in ids])

    def mark_failed(self, lrs: str, ids: Sequence[str], error: str) -> None:
        self._write_many("UPDATE outbox SET last_error = ?, tries = tries + 1 WHERE lrs = ? AND "
                         "statement_id = ?", [(error, lrs, i) for i in ids])

    def attempts_not_queued(self, lrs: str) -> list[str]:
        rows = self._query("SELECT id FROM attempts WHERE id NOT IN (SELECT attempt_id FROM "
                           "outbox WHERE lrs = ?) ORDER BY finished_at, id", (lrs,))
        return [r[0] for r in rows]

    def outbox_counts(self, lrs: str) -> tuple[int, int]:
        """(sent, pending) statements for an LRS."""
        row = self._query("SELECT count(sent_at), count(*) - count(sent_at) FROM outbox "
                          "WHERE lrs = ?", (lrs,))[0]
        return int(row[0]), int(row[1])

    def _write_many(self, sql: str, rows: list[tuple[object, ...]]) -> None:
        try:
            with self.transaction() as db:
                db.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    # -- reading -------------------------------------------------------------------------

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None

    def trainees(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT trainee FROM attempts ORDER BY 1")]

    def attempts(self, trainee: str | None = None) -> list[Record]:
        """Attempts (oldest first) as plain records, the shape `cscoach export` writes."""
        return list(self.each_attempt(trainee))

    def each_attempt(self, trainee: str | None = None, *, not_queued: str | None = None
                     ) -> Iterator[Record]:
        """The attempts (oldest first), one record at a time: the attempts, their choices and
        their answers are three cursors walked side by side in the same order, so memory stays
        that of one attempt and no statement binds a parameter per attempt. `not_queued`: only
        those with no statement queued for that LRS."""
        where, args = [], []
        if trainee is not None:
            where.append("a.trainee = ?")
            args.append(trainee)
        if not_queued is not None:  # a snapshot, so queueing them meanwhile changes no cursor
            where.append("a.id IN (SELECT id FROM temp.backlog)")
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        order = "ORDER BY a.finished_at, a.started_at, a.id"

        def cursor(sql: str) -> Iterator[sqlite3.Row]:
            cur = self.db.cursor()
            cur.row_factory = sqlite3.Row
            return iter(cur.execute(sql))

        # one read transaction, so the three cursors see one snapshot (a drill finishing in
        # another terminal meanwhile is in all three or in none)
        own = not self.db.in_transaction
        try:
            if own:
                self.db.execute("BEGIN")
            if not_queued is not None:
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS backlog (id TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM temp.backlog")
                self.db.execute("INSERT INTO temp.backlog SELECT id FROM attempts WHERE id NOT IN "
                                "(SELECT attempt_id FROM outbox WHERE lrs = ?)", (not_queued,))
            # the attempts' order, sorted once (their ids only) into a temporary table; each
            # cursor walks it and finds an attempt's row, choices and answers by their primary
            # keys, already in turn order. (Sorting every choice by its attempt's time, as one
            # join did, was the one part of an export that grew faster than the history.)
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS walk (n INTEGER PRIMARY KEY, "
                            "id TEXT NOT NULL)")
            self.db.execute("DELETE FROM temp.walk")
            self.db.execute(f"INSERT INTO temp.walk (id) SELECT a.id FROM attempts a{cond} "
                            f"{order}", args)
            attempts = cursor("SELECT a.* FROM temp.walk w CROSS JOIN attempts a ON a.id = w.id "
                              "ORDER BY w.n")
            choices = cursor("SELECT c.* FROM temp.walk w CROSS JOIN choices c ON "
                             "c.attempt_id = w.id ORDER BY w.n, c.turn")
            answers = cursor("SELECT q.* FROM temp.walk w CROSS JOIN quiz_answers q ON "
                             "q.attempt_id = w.id ORDER BY w.n, q.number")
            choice, answer = next(choices, None), next(answers, None)
            typed = choice is not None and "typed" in choice.keys()  # asked once, not per row
            for row in attempts:
                record = _record(row)
                while choice is not None and choice["attempt_id"] == record["id"]:
                    record["choices"].append(_choice(choice, typed))
                    choice = next(choices, None)
                while answer is not None and answer["attempt_id"] == record["id"]:
                    record["answers"].append(_answer(answer))
                    answer = next(answers, None)
                yield record
        except sqlite3.Error as exc:
            raise _failure(self.path, exc) from None
        finally:
            if own and self.db.in_transaction:
                self.db.execute("COMMIT")


def check_health(db: sqlite3.Connection, path: Path) -> None:
    """SQLite's integrity check before anything is read or written, so a damaged file is
    said to be damaged instead of half-read (an index that lost a trainee's rows answers
    without an error), and a drill never writes into it. (quick_check skips exactly that
    index check; the full one took 0.04 s for 37 MB, 5,000 attempts, 0.25 s for 150 MB.)"""
    try:
        found = [row[0] for row in db.execute("PRAGMA integrity_check(3)").fetchall()]
    except sqlite3.DatabaseError as exc:
        if "malformed" not in str(exc) and "not a database" not in str(exc):
            raise
        found = [str(exc)]
    if found != ["ok"]:
        raise HistoryError(f"{path}: the history database is damaged (SQLite's check: "
                           f"{'; '.join(map(str, found))[:200]}); it was left untouched - "
                           "move it aside (a new one is made) or restore a copy")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def _insert(db: sqlite3.Connection, r: Record) -> None:
    db.execute(
        "INSERT INTO attempts (id, kind, trainee, status, scenario, scenario_version, title_ko, "
        "title_en, lang, team, started_at, finished_at, score, passed, pass_mark, ending, "
        "outcome, final_mood, steps, points, cscoach_version, pack, content_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (r["id"], r["kind"], r["trainee"], r["status"], r["scenario"], r.get("scenario_version"),
         r["title"]["ko"], r["title"]["en"], r["lang"], r.get("team"), r["started_at"],
         r["finished_at"], r.get("score"), r.get("passed"), r.get("pass_mark"), r.get("ending"),
         r.get("outcome"), r.get("final_mood"), json.dumps(r.get("steps", [])),
         json.dumps(r.get("points", []), ensure_ascii=False), r["cscoach_version"],
         r.get("pack") or "", r.get("content_hash")))
    db.executemany(
        "INSERT INTO choices (attempt_id, turn, node, choice, options, text_ko, text_en, steps, "
        "dont_say, say_instead, mood_before, mood_after, weak, better, points, at, typed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r["id"], c["turn"], c["node"], c["choice"], c["options"], c["text"]["ko"],
          c["text"]["en"], json.dumps(c["steps"]), json.dumps(c["dont_say"]),
          json.dumps(c["say_instead"]), c["mood_before"], c["mood_after"], c["weak"],
          c.get("better"), c["points"], c["at"], c.get("typed")) for c in r.get("choices", [])])
    db.executemany(
        "INSERT INTO quiz_answers (attempt_id, number, question, topic, source, answer, correct, "
        "timed_out, seconds, points, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r["id"], a["number"], a["question"], a["topic"], a["source"], a["answer"],
          a["correct"], a["timed_out"], a.get("seconds"), a["points"], a["at"])
         for a in r.get("answers", [])])


def _loads(text: str) -> Any:
    """A JSON column (a short list, a queued statement) as Python: what `json.loads` gives,
    some times faster (every attempt's columns are read on every export and sync)."""
    return orjson.loads(text)


def _dumps(value: Any) -> str:
    """A queued statement as compact JSON text (orjson's: no spaces after ':' and ',')."""
    return orjson.dumps(value).decode("utf-8")


def _record(row: sqlite3.Row) -> Record:
    return {
        "id": row["id"], "kind": row["kind"], "trainee": row["trainee"], "status": row["status"],
        "scenario": row["scenario"], "scenario_version": row["scenario_version"],
        "title": {"ko": row["title_ko"], "en": row["title_en"]}, "lang": row["lang"],
        "team": row["team"], "started_at": row["started_at"], "finished_at": row["finished_at"],
        "score": row["score"], "passed": _bool(row["passed"]), "pass_mark": row["pass_mark"],
        "ending": row["ending"], "outcome": row["outcome"], "final_mood": row["final_mood"],
        "steps": _loads(row["steps"]), "points": _loads(row["points"]),
        "cscoach_version": row["cscoach_version"], "choices": [], "answers": [],
        # a history read-only before its upgrade has no such columns
        "pack": row["pack"] if "pack" in row.keys() else "",
        "content_hash": row["content_hash"] if "content_hash" in row.keys() else None,
    }


def _choice(row: sqlite3.Row, typed: bool = True) -> Record:
    return {
        "turn": row["turn"], "node": row["node"], "choice": row["choice"],
        "options": row["options"], "text": {"ko": row["text_ko"], "en": row["text_en"]},
        "steps": _loads(row["steps"]), "dont_say": _loads(row["dont_say"]),
        "say_instead": _loads(row["say_instead"]), "mood_before": row["mood_before"],
        "mood_after": row["mood_after"], "weak": bool(row["weak"]), "better": row["better"],
        "points": row["points"], "at": row["at"],
        # a history read-only before its upgrade has no such column (`typed`: it has)
        "typed": row["typed"] if typed else None,
    }


def _answer(row: sqlite3.Row) -> Record:
    return {
        "number": row["number"], "question": row["question"], "topic": row["topic"],
        "source": row["source"], "answer": row["answer"], "correct": bool(row["correct"]),
        "timed_out": bool(row["timed_out"]), "seconds": row["seconds"], "points": row["points"],
        "at": row["at"],
    }


def open_store(path: Path, *, readonly: bool = False) -> Store:
    return Store(path, readonly=readonly)


def open_for_reading(path: Path) -> Store:
    """The history to read from: brought up to date where it can be written, read as it is on
    read-only media (a CD, a read-only share, a mounted backup)."""
    if _writable(path):
        return Store(path)
    store = Store(path, readonly=True)
    if store.version < LATEST:
        store.close()
        raise HistoryError(f"{path}: made by an older cscoach and on read-only media, so it "
                           "cannot be brought up to date; copy it to a folder you can write")
    return store
