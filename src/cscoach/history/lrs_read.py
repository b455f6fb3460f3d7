"""Reading attempts back from a Learning Record Store, for `cscoach report --lrs`.

The xAPI statements API is read page by page (`GET /statements`, then each `more` link), and
only one page is ever held in memory: each statement cscoach wrote is reduced to the few fields
a record needs and kept in a scratch SQLite database (in its page cache while small, in the
temporary folder when it grows), keyed by statement id, so a statement read twice (two
`--activity` queries, an LRS that repeats one) is kept once. When every page is in, the
statements are read back one attempt (registration) at a time, each turned into the record
that wrote it (`xapi.statements` in reverse), and handed to the report's tally, where an
attempt already counted from another source (a database, an export) is not counted again.

An attempt is counted when its closing statement (passed, failed, completed, abandoned) was
read; its replies are those read with it. Statements of other tools are left out.

Whatever the LRS answers is judged here: an HTTP error, a timeout, an answer that is not a page
of statements, a `more` link to another origin or one that brings nothing new (a loop) stops
the reading with one line (`ReadError`); with `allow_partial` the statements read so far make a
report marked partial instead. Credentials are sent only to the LRS's own origin and never
appear in a message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode, urljoin

from cscoach.errors import CscoachError
from cscoach.history import lrs as send
from cscoach.history.config import Lrs
from cscoach.history.record import Record, iso, parse_iso
from cscoach.history.xapi import ASSESSMENT, COURSE, SIMULATION, VERBS

PAGE = 1000  # statements asked for a page (an LRS may give fewer: Ralph's default is 100)
MAX_PAGE = 64 * 1024 * 1024  # bytes of one page read at most
MAX_PAGES = 1_000_000  # pages one query may take (about 100 million statements)
CLOSING = {VERBS[v][0]: v for v in ("passed", "failed", "completed", "abandoned")}
RESPONDED, ANSWERED = VERBS["responded"][0], VERBS["answered"][0]
LANGS = {"ko-KR": "ko", "en-US": "en"}
KEPT = ("pass_mark", "ending", "outcome", "final_mood", "scenario_version", "team",
        "content_hash")


class ReadError(CscoachError):
    """The LRS could not be read to the end (exit 2); `reason` is the line to show."""


@dataclass(frozen=True, slots=True)
class Query:
    """What to ask the LRS for: xAPI's `since`, `until` and `registration`, and one query per
    activity (each with `related_activities`, so a scenario brings its replies too)."""

    since: str | None = None
    until: str | None = None
    activities: tuple[str, ...] = ()
    registration: str | None = None

    def params(self, activity: str | None) -> dict[str, str]:
        params = {"limit": str(PAGE)}
        for key, value in (("since", self.since), ("until", self.until),
                           ("registration", self.registration)):
            if value is not None:
                params[key] = value
        if activity is not None:
            params.update(activity=activity, related_activities="true")
        return params


@dataclass(slots=True)
class Reading:
    """What was read: pages and statements, those left out, and why the reading stopped early
    (None when it read to the end)."""

    pages: int = 0
    statements: int = 0  # cscoach's statements read (a repeated one once)
    foreign: int = 0  # statements of other tools, left out
    unreadable: int = 0  # cscoach statements missing what a record needs, left out
    attempts: int = 0  # attempts handed to the tally (an attempt already counted included)
    partial: str | None = None


# -- HTTP ------------------------------------------------------------------------------------

def _get(lrs: Lrs, url: str) -> bytes:
    """One GET within the LRS's timeout; the body of a 2xx answer, at most MAX_PAGE bytes. A 307
    or 308 to the same origin is followed (as `sync` does); anything else is `send._Refused`."""
    import urllib.request

    headers = {"X-Experience-API-Version": send.XAPI_VERSION, "User-Agent": "cscoach",
               "Accept": "application/json"}
    token = send._token(lrs)
    if token is not None:
        headers["Authorization"] = f"Basic {token}"
    opener = send._opener(time.monotonic() + lrs.timeout)
    for _ in range(send.MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, headers=headers, method="GET")
        with opener.open(request, timeout=lrs.timeout) as response:
            status = int(response.status)
            location = response.headers.get("Location")
            if 200 <= status < 300:
                body = bytes(response.read(MAX_PAGE + 1))
                if len(body) > MAX_PAGE:
                    raise send._Failed(f"sent a page of statements larger than "
                                       f"{MAX_PAGE // 2**20} MiB; ask for fewer with "
                                       "--since, --until or --activity")
                return body
            answer = response.read(send.MAX_ANSWER)
        if status in (307, 308) and location is not None:
            target = urljoin(url, location.strip())
            if send._origin(target) == send._origin(url):
                url = target
                continue
        raise send._Refused(status, answer.decode("utf-8", "replace").strip(), location)
    raise send._Failed(f"redirected more than {send.MAX_REDIRECTS} times; give the address it "
                       "finally answers at")


def _page(lrs: Lrs, url: str) -> tuple[list[Any], str | None]:
    """A page of statements and its `more` link ('' or absent at the end)."""
    import http.client

    try:
        body = _get(lrs, url)
    except (send._Failed, send._Refused, OSError, ValueError,
            http.client.HTTPException) as exc:  # also URLError, timeouts, resets
        raise ReadError(send._explain(lrs, exc)) from None
    try:
        page = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep
        page = None
    if (not isinstance(page, dict) or not isinstance(page.get("statements"), list)
            or not isinstance(page.get("more", ""), str | None)):
        raise ReadError(f"LRS {lrs.url} answered a statements query with something that is not "
                        f"a page of xAPI statements (got: {send._detail(lrs, body)}); is this "
                        "its xAPI address?")
    return page["statements"], page.get("more") or None


# -- statements to records -------------------------------------------------------------------

def _text(names: Any) -> dict[str, str]:
    names = names if isinstance(names, dict) else {}
    en = names.get("en-US", "")
    return {"ko": names.get("ko-KR", en), "en": en}


def _where(base: str, iri: str) -> tuple[str, str] | None:
    """(pack, scenario) of a scenario's activity id under `base` ('' for the shipped library),
    or None."""
    if not iri.startswith(base + "/"):
        return None
    parts = iri[len(base) + 1:].split("/")
    if len(parts) == 2 and parts[0] == "scenarios":
        return "", unquote(parts[1])
    if len(parts) == 4 and parts[0] == "packs" and parts[2] == "scenarios":
        return unquote(parts[1]), unquote(parts[3])
    return None


def _base(s: dict[str, Any]) -> str | None:
    """The activity base the statement was written under: its cscoach grouping's id."""
    context = s.get("context")
    if not isinstance(context, dict) or context.get("platform") != "cscoach":
        return None
    grouping = (context.get("contextActivities") or {}).get("grouping") or []
    for activity in grouping if isinstance(grouping, list) else [grouping]:
        if isinstance(activity, dict) and (activity.get("definition") or {}).get(
                "type") == COURSE and isinstance(activity.get("id"), str):
            return str(activity["id"])
    return None


Row = tuple[str, str, int, int, str]  # statement id, registration, part, order, fields (JSON)


def _row(s: Any) -> Row | None | bool:
    """A cscoach statement reduced to what its record needs; False for another tool's, None
    for a cscoach one that lacks something (both left out)."""
    if not isinstance(s, dict):
        return False
    base = _base(s)
    if base is None:
        return False
    try:
        sid, registration = str(s["id"]), str(s["context"]["registration"])
        verb, obj, result = s["verb"]["id"], s["object"], s.get("result") or {}
        ext = result.get("extensions") or {}
        e = f"{base}/extensions/"
        if verb in CLOSING:
            kind = "quiz" if obj["definition"]["type"] == ASSESSMENT else "play"
            if kind == "quiz":
                pack, scenario = "", "quiz"
            else:
                if obj["definition"]["type"] != SIMULATION:
                    return None
                where = _where(base, obj["id"])
                if where is None:
                    return None
                pack, scenario = where
            score = (result.get("score") or {}).get("raw")
            fields: dict[str, Any] = {
                "kind": kind, "trainee": _trainee(s["actor"]),
                "status": "abandoned" if CLOSING[verb] == "abandoned" else "completed",
                "scenario": scenario, "pack": pack,
                "title": _text(obj["definition"].get("name")),
                "lang": LANGS.get(s["context"].get("language"), "en"),
                "finished_at": str(s["timestamp"]),
                "started_at": ext.get(f"{e}started-at") or _started(s["timestamp"],
                                                                   result.get("duration")),
                "score": None if score is None else int(score),
                "passed": None if result.get("success") is None else bool(result["success"]),
                "steps": _steps(ext.get(f"{e}step-results"), ext.get(f"{e}steps")),
                **{k: ext.get(f"{e}{k.replace('_', '-')}") for k in KEPT},
            }
            return sid, registration, 1, 0, json.dumps(fields, ensure_ascii=False)
        if verb == RESPONDED:
            node_iri = str(obj["id"])
            if "/nodes/" not in node_iri:
                return None
            dont_say = list(ext.get(f"{e}dont-say") or [])
            mood = ext.get(f"{e}mood") or {}
            turn = int(ext[f"{e}turn"])
            fields = {
                "turn": turn, "node": unquote(node_iri.rpartition("/nodes/")[2]),
                "choice": int(result["response"]), "text": _text(ext.get(f"{e}text")),
                "typed": ext.get(f"{e}typed"), "steps": list(ext.get(f"{e}steps") or []),
                "dont_say": dont_say, "say_instead": list(ext.get(f"{e}say-instead") or []),
                "mood_before": mood.get("before"), "mood_after": mood.get("after"),
                # the statement's success is "no don't-say and not weak"
                "weak": not result.get("success", True) and not dont_say,
                "better": None, "points": int((result.get("score") or {}).get("raw", 0)),
                "at": str(s["timestamp"]), "options": None,
            }
            return sid, registration, 0, turn, json.dumps(fields, ensure_ascii=False)
        if verb == ANSWERED:
            question = str(obj["id"]).rpartition("/questions/")[2]
            duration = result.get("duration")
            fields = {
                "question": unquote(question), "topic": ext.get(f"{e}topic"),
                "source": ext.get(f"{e}source"), "answer": result.get("response"),
                "correct": bool(result.get("success")), "timed_out": bool(
                    ext.get(f"{e}timed-out")),
                "seconds": _seconds(duration) if duration else None,
                "points": int((result.get("score") or {}).get("raw", 0)),
                "at": str(s["timestamp"]),
            }
            return sid, registration, 0, 0, json.dumps(fields, ensure_ascii=False)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None  # a verb cscoach does not write


def _trainee(actor: dict[str, Any]) -> str:
    account = actor.get("account") or {}
    return str(account.get("name") or actor["name"])


def _seconds(duration: str) -> float:
    """An xAPI duration as cscoach writes it (PT12.34S)."""
    if not (duration.startswith("PT") and duration.endswith("S")):
        raise ValueError(duration)
    return float(duration[2:-1])


def _started(finished: str, duration: str | None) -> str:
    """When an attempt began, from a statement written before cscoach sent `started-at`."""
    if not duration:
        return finished
    from datetime import timedelta

    return iso(parse_iso(finished) - timedelta(seconds=_seconds(duration)))


def _steps(results: Any, done: Any) -> list[dict[str, Any]]:
    """The step table: `step-results` ({step: {done, in_order}}), else the older `steps`
    ({step: done in order}), where a step done out of order reads as not done."""
    if isinstance(results, dict):
        return [{"step": str(step), "done": bool(v["done"]), "in_order": bool(v["in_order"]),
                 "turns": []} for step, v in results.items()]
    if isinstance(done, dict):
        return [{"step": str(step), "done": bool(v), "in_order": bool(v), "turns": []}
                for step, v in done.items()]
    return []


def _record(registration: str, rows: Iterator[tuple[int, str]]) -> Record | None:
    """The attempt an attempt's statements came from (rows: part, fields; its parts first,
    in turn order, then its closing statement), or None without a closing statement."""
    parts: list[dict[str, Any]] = []
    for part, fields in rows:
        if part == 0:
            parts.append(json.loads(fields))
            continue
        record: Record = {"id": registration, **json.loads(fields), "points": [],
                          "cscoach_version": None, "choices": [], "answers": []}
        if record["kind"] == "play":
            record["choices"] = parts
        else:
            for number, answer in enumerate(sorted(parts, key=lambda a: a["at"]), 1):
                record["answers"].append({"number": number, **answer})
        return record
    return None


# -- reading ---------------------------------------------------------------------------------

STAGING = """
CREATE TABLE statements (id TEXT PRIMARY KEY, registration TEXT NOT NULL, part INTEGER NOT NULL,
                         ord INTEGER NOT NULL, fields TEXT NOT NULL);
CREATE TABLE query (id TEXT PRIMARY KEY);
"""


# The staging database's page cache: its statements are keyed by a random id, so a cache
# that holds the index keeps the inserts off the scratch file (measured with 20,000 statements
# from Ralph, docs/lrs.md)
STAGING_CACHE_KIB = 32 * 1024


class Staging:
    """The statements read so far, reduced, in a scratch database (never all in memory)."""

    def __init__(self) -> None:
        from cscoach.history.tally import _scratch

        try:
            self.db = sqlite3.connect("", isolation_level=None)
            self.db.execute(f"PRAGMA cache_size = -{STAGING_CACHE_KIB}")
            self.db.executescript(STAGING)
        except sqlite3.Error as exc:
            raise _scratch(exc) from None

    def close(self) -> None:
        self.db.close()

    def new_query(self) -> None:
        self.db.execute("DELETE FROM query")

    def add(self, rows: Sequence[Row], ids: Sequence[str]) -> tuple[int, int]:
        """(statements new to the reading, ids new to this query)."""
        from cscoach.history.tally import _scratch

        try:
            self.db.execute("BEGIN")
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO statements VALUES (?, ?, ?, ?, ?)", rows)
            new = self.db.total_changes - before
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO query VALUES (?)", [(i,) for i in ids])
            fresh = self.db.total_changes - before
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise _scratch(exc) from None
        return new, fresh

    def records(self) -> Iterator[Record]:
        """Every attempt whose closing statement was read, an attempt at a time."""
        rows = self.db.execute("SELECT registration, part, fields FROM statements "
                               "ORDER BY registration, part, ord, id")
        for registration, group in itertools.groupby(rows, key=lambda r: r[0]):
            record = _record(registration, ((part, fields) for _, part, fields in group))
            if record is not None:
                yield record


def _follow(lrs: Lrs, url: str, more: str, seen: set[bytes]) -> str:
    """The address of the next page: on the LRS's own origin, never one asked for before."""
    target = urljoin(url, more.strip())
    if send._origin(target) != send._origin(lrs.url):
        raise ReadError(f"LRS {lrs.url} sent a 'more' link to another address "
                        f"({send._detail(lrs, target)}); not followed, so that the "
                        "credentials go nowhere else")
    key = hashlib.sha256(target.encode("utf-8", "replace")).digest()
    if key in seen:
        raise ReadError(f"LRS {lrs.url} sent a 'more' link back to a page already read "
                        f"(after {len(seen)} page(s)); stopped, as it would never end")
    seen.add(key)
    return target


def read_pages(lrs: Lrs, query: Query, staging: Staging, reading: Reading) -> None:
    """Every page of every query into `staging`; a ReadError when one cannot be read."""
    for activity in query.activities or (None,):
        staging.new_query()
        url = f"{lrs.statements_url}?{urlencode(query.params(activity))}"
        seen = {hashlib.sha256(url.encode()).digest()}
        for _ in range(MAX_PAGES):
            statements, more = _page(lrs, url)
            reading.pages += 1
            rows: list[Row] = []
            ids = []
            for s in statements:
                row = _row(s)
                if isinstance(s, dict) and isinstance(s.get("id"), str):
                    ids.append(s["id"])
                if row is False:
                    reading.foreign += 1
                elif row is None:
                    reading.unreadable += 1
                else:
                    rows.append(row)  # type: ignore[arg-type]
            new, fresh = staging.add(rows, ids)
            reading.statements += new
            if more is None:
                break
            if not fresh:
                raise ReadError(f"LRS {lrs.url} sent a 'more' link whose page brought no "
                                f"statement not read already (page {reading.pages}); stopped, "
                                "as it would never end")
            url = _follow(lrs, url, more, seen)
        else:
            raise ReadError(f"LRS {lrs.url} sent more than {MAX_PAGES} pages; stopped")


def read(lrs: Lrs, query: Query, add: Any, allow_partial: bool = False) -> Reading:
    """Read the LRS and hand its attempts to `add` (a tally's `add_records`). A ReadError when
    the LRS cannot be read to the end, unless `allow_partial`: then what was read is handed on
    and `Reading.partial` says why the rest is missing."""
    reading = Reading()
    staging = Staging()
    try:
        try:
            read_pages(lrs, query, staging, reading)
        except ReadError as exc:
            if not allow_partial:
                raise
            reading.partial = exc.message

        def counted() -> Iterator[Record]:
            for record in staging.records():
                reading.attempts += 1
                yield record

        add(counted())
    finally:
        staging.close()
    return reading
