"""What the commands do with the history: record an attempt, send it on, sync, read exports."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cscoach.content.reading import read_limited
from cscoach.history.config import Settings
from cscoach.history.store import SQLITE_MAGIC, HistoryError, Store, open_store, read_header
from cscoach.plain import visible_all

if TYPE_CHECKING:  # the attempt's tracker, xAPI and the LRS client: imported where used (a
    # report of a history needs none of them, and they cost its start-up some 50 ms)
    from cscoach.history.record import Record

Warn = Callable[[str], None]
EXPORT_FORMAT = "cscoach-history"
CLAIM_MARGIN = 2.0  # seconds a claim outlives the request it covers


def check_store(settings: Settings) -> None:
    """Open (and create or upgrade) the history before a drill, so a bad file stops us early."""
    open_store(settings.db_path).close()


@dataclass(frozen=True, slots=True)
class SyncResult:
    queued: int  # attempts newly queued (recorded before the LRS was set)
    sent: int
    pending: int  # statements still waiting, `busy` of them claimed by another sender
    error: str | None
    busy: int = 0


def record(settings: Settings, records: Sequence[Record], warn: Warn, *, send: bool = True
           ) -> SyncResult | None:
    """Store the attempts (each in one transaction, with its statements queued when an LRS is
    set) and, with `send`, send what waits; without, `send_waiting` does it later (after the
    result is printed, say)."""
    from cscoach.history import xapi

    with open_store(settings.db_path) as store:
        for r in records:
            queued = xapi.statements(r, settings.activity_base, settings.homepage) \
                if settings.lrs else []
            store.add(r, settings.lrs.url if settings.lrs else None, queued)
    return send_waiting(settings, warn) if send else None


def send_waiting(settings: Settings, warn: Warn) -> SyncResult | None:
    """With an LRS set, send everything that waits for it; what cannot be sent is a warning."""
    if settings.lrs is None:
        return None
    with open_store(settings.db_path) as store:
        result = deliver(store, settings)
    if result.error:
        warn(f"{result.error}; {result.pending} statement(s) kept for 'cscoach sync'")
    return result


PAGE = 500  # statements read from the outbox, sent and marked at a time


def deliver(store: Store, settings: Settings, queued: int = 0) -> SyncResult:
    """Send what waits for the LRS and no other sender has claimed. The claim is taken in one
    write transaction and renewed before each request, for the timeout and a margin: a request
    ends within its timeout (a deadline), so a live sender's claim never runs out under it, and
    a crashed sender's runs out within seconds. What was claimed is read, sent and marked a page
    at a time, so memory stays that of a page however long the backlog."""
    from cscoach.history import lrs as lrs_client
    from cscoach.history.record import iso, now

    assert settings.lrs is not None
    lrs = settings.lrs
    claimer, lease = uuid.uuid4().hex, lrs.timeout + CLAIM_MARGIN
    store.take(lrs.url, claimer, lease)
    sent, error, after = 0, None, 0
    try:
        while page := store.claimed_page(lrs.url, claimer, after, PAGE):
            after = page[-1][0]
            mine = [(sid, body) for _, sid, body in page]
            delivery = lrs_client.send(lrs, mine,
                                       hold=lambda ids: store.hold(lrs.url, claimer, ids, lease))
            if delivery.sent:
                store.mark_sent(lrs.url, delivery.sent, iso(now()))
                sent += len(delivery.sent)
            if delivery.error:
                done = set(delivery.sent)
                unsent = [sid for sid, _ in mine if sid not in done]
                if unsent:
                    store.mark_failed(lrs.url, unsent[:1], delivery.error)
                error = delivery.error
                break
    finally:
        store.release(lrs.url, claimer)
    _, pending = store.outbox_counts(lrs.url)
    return SyncResult(queued, sent, pending, error, store.claimed(lrs.url))


def sync(settings: Settings) -> SyncResult:
    """Queue every attempt the LRS has not been given yet, then send all that waits."""
    from cscoach.history import xapi

    assert settings.lrs is not None
    base, home = settings.activity_base, settings.homepage
    with open_store(settings.db_path) as store:
        queued = store.queue_backlog(settings.lrs.url,
                                     lambda r: xapi.statements(r, base, home))
        return deliver(store, settings, queued)


def is_database(path: Path) -> bool:
    """Whether a source of `report` is a history database (else a `cscoach export` file);
    a folder or a missing file is refused with its one line."""
    if path.is_dir():
        raise HistoryError(f"{path}: is a folder; give a history database or an export file")
    if not path.exists():
        raise HistoryError(f"{path}: no such file")
    return read_header(path) == SQLITE_MAGIC


def load_records(paths: Sequence[Path]) -> list[Record]:
    """Attempts from history databases (*.db, *.sqlite) and `cscoach export` JSON files."""
    records: dict[str, Record] = {}
    for path in paths:
        if is_database(path):
            with open_store(path, readonly=True) as store:
                found = store.attempts()
        else:
            found = read_export(path)
        for r in found:  # someone else's file: no string in it may reach a screen as escapes
            r = visible_all(r)  # type: ignore[assignment]
            records.setdefault(r["id"], r)  # the same attempt in two exports counts once
    return sorted(records.values(), key=lambda r: (r["finished_at"], r["id"]))


REQUIRED = ("id", "kind", "trainee", "status", "scenario", "finished_at", "title", "steps",
            "choices", "answers")
EXPORT_VERSION = 1
# An attempt is about 6 KB of JSON (a quiz attempt less), so this holds some 40,000 attempts; a
# bigger history is read from its history.db (SQLite reads it in place, in pages).
MAX_EXPORT_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 100  # an export nests 5 levels deep; JSON far deeper is no export


def read_export(path: Path) -> list[Record]:
    """The attempts of a `cscoach export --format json` file, read bounded and checked whole:
    whatever the file holds, the report meets only attempts of the shape it reads."""
    data = read_limited(path, MAX_EXPORT_BYTES, "an export file", HistoryError)
    try:
        text = data.decode("utf-8-sig")  # a BOM is what some editors add on saving
    except UnicodeDecodeError:
        raise HistoryError(f"{path}: not UTF-8 text; expected a 'cscoach export --format json' "
                           "file or a history database") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HistoryError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                           "expected a 'cscoach export --format json' file") from None
    except RecursionError:  # the decoder gives up past Python's recursion limit
        raise HistoryError(f"{_too_deep(path, text)}: nested more than {MAX_DEPTH} levels deep; "
                           "not a 'cscoach export --format json' file") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise HistoryError(f"{path}: not valid JSON ({exc}); expected a 'cscoach export "
                           "--format json' file") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise HistoryError(f"{path}: not a cscoach history export (no \"format\": "
                           f"\"{EXPORT_FORMAT}\"); make one with 'cscoach export --format json'")
    version = doc.get("version", EXPORT_VERSION)  # the first exports may lack it
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
        raise HistoryError(f"{path}: made by a newer cscoach (export version {version}, this one "
                           f"reads version {EXPORT_VERSION}); upgrade cscoach to read it")
    if version != EXPORT_VERSION or isinstance(version, bool):
        raise HistoryError(f"{path}: unknown export version {version!r:.40} (this cscoach reads "
                           f"version {EXPORT_VERSION})")
    attempts = doc.get("attempts")
    if not isinstance(attempts, list):
        raise HistoryError(f"{path}: \"attempts\" must be a list")
    for n, r in enumerate(attempts, 1):
        missing = [k for k in REQUIRED if not isinstance(r, dict) or k not in r]
        if missing:
            raise HistoryError(f"{path}: attempt {n} lacks {', '.join(missing)}")
        problem = _shape(r)
        if problem:
            where, key, what = problem
            raise HistoryError(f"{path}: attempt {n}: {where}\"{key}\" must be {what}")
    return attempts


def _too_deep(path: Path, text: str) -> str:
    """`path:line:col` where the JSON first nests deeper than MAX_DEPTH (or just the path)."""
    depth = 0
    for token in re.finditer(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', text):
        if token.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                at = token.start()
                line = text.count("\n", 0, at) + 1
                return f"{path}:{line}:{at - text.rfind(chr(10), 0, at)}"
        elif token.group() in "]}":
            depth -= 1
    return str(path)


# What the report reads of an attempt, and what each must be: (key, what, test). Only the
# shape is checked, not the meaning: an attempt that fits is one the report can count.
Check = tuple[str, str, Callable[[object], bool]]


def _whole(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _bilingual(v: object) -> bool:
    return isinstance(v, dict) and all(isinstance(v.get(k), str) for k in ("ko", "en"))


def _objects(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, dict) for x in v)


TEXT, FLAG = "text", "true or false"
STEP: tuple[Check, ...] = (
    ("step", TEXT, lambda v: isinstance(v, str)),
    ("done", FLAG, lambda v: isinstance(v, bool)),
    ("in_order", FLAG, lambda v: isinstance(v, bool)),
)
CHOICE: tuple[Check, ...] = (
    ("node", TEXT, lambda v: isinstance(v, str)),
    ("choice", "a whole number", _whole),
    ("text", "{\"ko\": text, \"en\": text}", _bilingual),
    ("dont_say", "a list of texts", lambda v: isinstance(v, list)
     and all(isinstance(x, str) for x in v)),
    ("weak", FLAG, lambda v: isinstance(v, bool)),
)
ATTEMPT: tuple[Check, ...] = (
    ("id", TEXT, lambda v: isinstance(v, str)),
    ("kind", "'play' or 'quiz'", lambda v: v in ("play", "quiz")),
    ("trainee", TEXT, lambda v: isinstance(v, str)),
    ("status", "'completed' or 'abandoned'", lambda v: v in ("completed", "abandoned")),
    ("scenario", TEXT, lambda v: isinstance(v, str)),
    ("finished_at", TEXT, lambda v: isinstance(v, str)),
    ("title", "{\"ko\": text, \"en\": text}", _bilingual),
    ("score", "a whole number or null", lambda v: v is None or _whole(v)),
    ("passed", "true, false or null", lambda v: v is None or isinstance(v, bool)),
    ("steps", "a list of objects", _objects),
    ("choices", "a list of objects", _objects),
    ("answers", "a list of objects", _objects),
)


def _first_wrong(item: dict[str, object], checks: tuple[Check, ...]) -> tuple[str, str] | None:
    for key, what, test in checks:
        if not test(item.get(key)):  # a key left out is None: wrong unless null is allowed
            return key, what
    return None


def _shape(r: dict[str, object]) -> tuple[str, str, str] | None:
    """(where, key, what it must be) of the first thing the report could not read, or None."""
    wrong = _first_wrong(r, ATTEMPT)
    if wrong:
        return ("", *wrong)
    if r["kind"] == "play" and r["status"] == "completed" and not _whole(r.get("score")):
        return ("", "score", "a whole number (the drill was completed)")
    for label, items, checks in (("step", r["steps"], STEP), ("choice", r["choices"], CHOICE)):
        assert isinstance(items, list)
        for i, item in enumerate(items, 1):
            wrong = _first_wrong(item, checks)
            if wrong:
                return (f"{label} {i} ", *wrong)
    return None


def export_document(records: Sequence[Record]) -> dict[str, object]:
    return {**export_head(), "attempts": list(records)}


def export_head() -> dict[str, object]:
    """The export document but its attempts (`formats.export_json_parts` streams them)."""
    from cscoach import __version__
    from cscoach.history.record import iso, now

    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "cscoach_version": __version__,
            "exported_at": iso(now())}
