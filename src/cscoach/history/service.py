"""What the commands do with the history: record an attempt, send it on, sync, read exports."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cscoach.history import lrs as lrs_client
from cscoach.history import xapi
from cscoach.history.config import Settings
from cscoach.history.record import Record, iso, now
from cscoach.history.store import SQLITE_MAGIC, HistoryError, Store, open_store, read_header

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


def deliver(store: Store, settings: Settings, queued: int = 0) -> SyncResult:
    """Send what waits for the LRS and no other sender has claimed. The claim is taken in one
    write transaction and renewed before each request, for the timeout and a margin: a request
    ends within its timeout (a deadline), so a live sender's claim never runs out under it, and
    a crashed sender's runs out within seconds."""
    assert settings.lrs is not None
    lrs = settings.lrs
    claimer, lease = uuid.uuid4().hex, lrs.timeout + CLAIM_MARGIN
    mine = store.claim(lrs.url, claimer, lease)
    try:
        delivery = lrs_client.send(lrs, mine,
                                   hold=lambda ids: store.hold(lrs.url, claimer, ids, lease))
        if delivery.sent:
            store.mark_sent(lrs.url, delivery.sent, iso(now()))
        unsent = [sid for sid, _ in mine if sid not in set(delivery.sent)]
        if unsent and delivery.error:
            store.mark_failed(lrs.url, unsent[:1], delivery.error)
    finally:
        store.release(lrs.url, claimer)
    _, pending = store.outbox_counts(lrs.url)
    return SyncResult(queued, len(delivery.sent), pending, delivery.error, store.claimed(lrs.url))


def sync(settings: Settings) -> SyncResult:
    """Queue every attempt the LRS has not been given yet, then send all that waits."""
    assert settings.lrs is not None
    url = settings.lrs.url
    with open_store(settings.db_path) as store:
        backlog = store.attempts_not_queued(url)
        queued = 0
        if backlog:
            rows: list[tuple[str, str, Record]] = []
            for r in store.attempts(ids=backlog):
                rows.extend((r["id"], sid, body) for sid, body in
                            xapi.statements(r, settings.activity_base, settings.homepage))
            store.queue(url, rows)
            queued = len(backlog)
        return deliver(store, settings, queued)


def load_records(paths: Sequence[Path]) -> list[Record]:
    """Attempts from history databases (*.db, *.sqlite) and `cscoach export` JSON files."""
    records: dict[str, Record] = {}
    for path in paths:
        if path.is_dir():
            raise HistoryError(f"{path}: is a folder; give a history database or an export file")
        if not path.exists():
            raise HistoryError(f"{path}: no such file")
        if read_header(path) == SQLITE_MAGIC:
            with open_store(path, readonly=True) as store:
                found = store.attempts()
        else:
            found = _read_export(path)
        for r in found:
            records.setdefault(r["id"], r)  # the same attempt in two exports counts once
    return sorted(records.values(), key=lambda r: (r["finished_at"], r["id"]))


REQUIRED = ("id", "kind", "trainee", "status", "scenario", "finished_at", "choices", "answers")


def _read_export(path: Path) -> list[Record]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise HistoryError(f"{path}: not UTF-8 text; expected a 'cscoach export --format json' "
                           "file or a history database") from None
    except json.JSONDecodeError as exc:
        raise HistoryError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                           "expected a 'cscoach export --format json' file") from None
    except OSError as exc:
        raise HistoryError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise HistoryError(f"{path}: not a cscoach history export (no \"format\": "
                           f"\"{EXPORT_FORMAT}\"); make one with 'cscoach export --format json'")
    attempts = data.get("attempts")
    if not isinstance(attempts, list):
        raise HistoryError(f"{path}: \"attempts\" must be a list")
    for n, r in enumerate(attempts):
        missing = [k for k in REQUIRED if not isinstance(r, dict) or k not in r]
        if missing:
            raise HistoryError(f"{path}: attempt {n + 1} lacks {', '.join(missing)}")
    return attempts


def export_document(records: Sequence[Record]) -> dict[str, object]:
    from cscoach import __version__

    return {"format": EXPORT_FORMAT, "version": 1, "cscoach_version": __version__,
            "exported_at": iso(now()), "attempts": list(records)}
