"""Sending xAPI statements to a Learning Record Store (stdlib HTTP; basic authentication).

Statements wait in the local database's outbox until an LRS has accepted them, so an LRS that is
down, slow or refusing never loses one; statement ids make a second send harmless.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson

from cscoach.errors import printable
from cscoach.history.config import Lrs

BATCH = 250
XAPI_VERSION = "1.0.3"
MAX_REDIRECTS = 3  # same-origin 307/308 hops followed for one request
MAX_ANSWER = 64 * 1024  # bytes of an answer read at most (a batch's ids take about 2 KB)
DETAIL = 160  # characters of an answer quoted in a warning


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: list[str]  # statement ids the LRS now has
    error: str | None = None  # why the rest were not sent


class _Refused(Exception):
    def __init__(self, status: int, detail: str, location: str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.detail = detail
        self.location = location  # where a redirect pointed


class _Failed(Exception):
    """The LRS answered, but not with delivery; the text says why (after 'LRS URL ')."""


def _left(deadline: float) -> float:
    """Seconds left before the deadline; a TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the request took longer than the timeout")
    return left


def _resolve(host: str, port: int, deadline: float) -> list[Any]:
    """getaddrinfo, which no socket timeout bounds, in a helper thread waited for only until the
    deadline (a thread left behind by a hung name server ends with the process)."""
    found: list[Any] = []

    def look_up() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller, who raises it
            found.append(exc)

    worker = threading.Thread(target=look_up, name="cscoach-lrs-resolve", daemon=True)
    worker.start()
    worker.join(_left(deadline))
    if not found:
        raise TimeoutError("the name lookup took longer than the timeout")
    if isinstance(found[0], Exception):
        raise found[0]
    return list(found[0])


def _connect(address: tuple[str, int], timeout: object = None, source_address: object = None,
             *, deadline: float) -> socket.socket:
    """socket.create_connection within the deadline: the lookup and every address tried share
    it, and the connected socket keeps what is left (for a TLS handshake)."""
    error: OSError = OSError(f"no address found for {address[0]}")
    for family, kind, proto, _, where in _resolve(*address, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_left(deadline))
            sock.connect(where)
            sock.settimeout(_left(deadline))
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _Reader(io.RawIOBase):
    """A socket's reading end whose every read waits only for what is left of the deadline, so
    an LRS that trickles a byte at a time is cut off at the timeout, not a timeout per byte."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(_left(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()  # the socket closes with its last reader (socket.makefile's rule)
        super().close()


class _Within:
    """A connected socket whose sending and reading share one deadline (what http.client uses
    of it: sendall, makefile, close; the rest is the socket's own)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._sock.settimeout(_left(self._deadline))  # sendall's timeout is for all of it
        self._sock.sendall(data, flags)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        raw = self._sock.makefile("rb", buffering=0)
        return io.BufferedReader(_Reader(raw, self._sock, self._deadline))

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _HTTPConnection(http.client.HTTPConnection):
    """A connection made, and then used, within one deadline."""

    def __init__(self, host: str, *, deadline: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self._deadline = deadline
        self._create_connection = functools.partial(_connect, deadline=deadline)

    def connect(self) -> None:
        super().connect()  # for https, the TLS handshake too, in what is left
        self.sock = _Within(self.sock, self._deadline)


class _HTTPSConnection(_HTTPConnection, http.client.HTTPSConnection):
    pass


class _Handler(urllib.request.AbstractHTTPHandler):
    """http and https, through connections bound to one deadline."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPConnection, deadline=self._deadline), req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPSConnection, deadline=self._deadline), req)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """Proxies from the environment, http and https, and nothing else: no redirect handler and
    no error processor, so every answer (a redirect too) comes back as it is, to be judged here.
    Every connection it makes shares `deadline`: the name lookup, connecting, TLS, sending and
    reading together take no longer than the timeout."""
    opener = urllib.request.OpenerDirector()
    opener.add_handler(urllib.request.ProxyHandler())
    opener.add_handler(_Handler(deadline))
    return opener


def _origin(url: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:  # a port that is no number
        return None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _request(lrs: Lrs, method: str, url: str, body: Any) -> tuple[int, bytes]:
    """One request and the LRS's answer (status, the first bytes of the body). A 307 or 308 to
    the same origin is sent again there, method, body and credentials unchanged; any other
    redirect is refused, so statements and credentials never go elsewhere and a POST never
    turns into a GET."""
    data = orjson.dumps(body)  # UTF-8 JSON, as json.dumps(ensure_ascii=False) but compact
    headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION,
               "User-Agent": "cscoach"}
    token = _token(lrs)
    if token is not None:
        headers["Authorization"] = f"Basic {token}"
    opener = _opener(time.monotonic() + lrs.timeout)  # one deadline, redirects included
    for _ in range(MAX_REDIRECTS + 1):
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        with opener.open(request, timeout=lrs.timeout) as response:
            status = int(response.status)
            location = response.headers.get("Location")
            answer = response.read(MAX_ANSWER)
        if 200 <= status < 300:
            return status, answer
        if status in (307, 308) and location is not None:
            target = urljoin(url, location.strip())
            if _origin(target) == _origin(url):
                url = target
                continue
        raise _Refused(status, answer.decode("utf-8", "replace").strip(), location)
    raise _Failed(f"redirected more than {MAX_REDIRECTS} times; give the address it finally "
                  "answers at")


def _explain(lrs: Lrs, exc: Exception) -> str:
    """Why a send failed, as one visible line (for the warning and the outbox's last_error)."""
    return printable(_why(lrs, exc))


def _why(lrs: Lrs, exc: Exception) -> str:
    where = lrs.url
    if isinstance(exc, _Refused):
        if exc.status in (401, 403):
            who = "no credentials were given (set CSCOACH_LRS_USER and CSCOACH_LRS_PASSWORD)" \
                if lrs.user is None else f"the credentials for '{lrs.user}' were refused"
            return f"LRS {where} answered HTTP {exc.status}: {who}"
        if 300 <= exc.status < 400:
            to = f"a redirect to {_detail(lrs, exc.location)}" if exc.location \
                else "a redirect with no Location"
            return (f"LRS {where} answered HTTP {exc.status} ({to}); not followed (only a 307 or "
                    "308 to the same scheme, host and port is): if the LRS has moved, give its "
                    "new address")
        detail = f": {_detail(lrs, exc.detail)}" if exc.detail else ""
        return f"LRS {where} answered HTTP {exc.status}{detail}"
    if isinstance(exc, _Failed):
        return f"LRS {where} {exc}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            return f"LRS {where} did not answer within {lrs.timeout:g} s"
        return f"LRS {where} is unreachable ({getattr(reason, 'strerror', None) or reason})"
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"LRS {where} did not answer within {lrs.timeout:g} s"
    if isinstance(exc, http.client.HTTPException):  # a status line or headers that are not HTTP
        what = f"{type(exc).__name__}: {_detail(lrs, str(exc))}"
        return f"LRS {where} did not answer in HTTP ({what})"
    return f"LRS {where}: {exc}"


def _detail(lrs: Lrs, answer: bytes | str) -> str:
    """The start of what an LRS said, as one visible line (no escape codes, no forged lines),
    without our credentials should it echo them back."""
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
    for secret in (_token(lrs), lrs.password):
        if secret:
            text = text.replace(secret, "***")
    return printable(text.strip(), DETAIL) or "nothing"


def _token(lrs: Lrs) -> str | None:
    """The HTTP basic credentials (RFC 7617), when a user is set."""
    if lrs.user is None:
        return None
    return base64.b64encode(f"{lrs.user}:{lrs.password or ''}".encode()).decode("ascii")


def _post(lrs: Lrs, batch: Sequence[tuple[str, dict[str, Any]]]
          ) -> tuple[list[str], list[tuple[str, dict[str, Any]]]]:
    """POST a batch: (the ids the LRS says it stored, the statements still to check one by one).

    Delivery is the xAPI answer, never a mere 2xx: the list of the statement ids stored. An LRS
    that holds some of a batch already may list only the new ones, or answer 204 with no list
    (Ralph does both), and a 409 says some were there: the rest then go one by one."""
    try:
        status, answer = _request(lrs, "POST", lrs.statements_url, [body for _, body in batch])
    except _Refused as exc:
        if exc.status == 409:
            return [], list(batch)
        raise
    if status == 204:
        return [], list(batch)
    try:
        ids = json.loads(answer)
    except ValueError:  # not JSON (a login page), not text
        ids = None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _Failed(f"answered HTTP {status} but not with the list of statement ids an xAPI "
                      f"LRS answers (got: {_detail(lrs, answer)}); is this its xAPI address?")
    stored = {i.lower() for i in ids}
    if not stored <= {sid.lower() for sid, _ in batch}:
        raise _Failed(f"answered HTTP {status} with statement ids that are not among the "
                      f"{len(batch)} sent")
    return ([sid for sid, _ in batch if sid.lower() in stored],
            [(sid, body) for sid, body in batch if sid.lower() not in stored])


def _put(lrs: Lrs, sid: str, body: dict[str, Any]) -> None:
    """PUT one statement; delivered on 204 (xAPI), or on a 409: the LRS holds it already."""
    try:
        status, answer = _request(lrs, "PUT", f"{lrs.statements_url}?statementId={sid}", body)
    except _Refused as exc:
        if exc.status == 409:
            return
        raise
    if status != 204:
        raise _Failed(f"answered HTTP {status} to a PUT, not 204 No Content as an xAPI LRS does "
                      f"(got: {_detail(lrs, answer)})")


def send(lrs: Lrs, statements: Sequence[tuple[str, dict[str, Any]]],
         hold: Callable[[list[str]], Collection[str]] | None = None) -> Delivery:
    """POST in batches; stops at the first failure and says why. Never raises for the network.

    `hold`, called before each request with the ids about to go, renews the sender's claim on
    them and returns those still its own: only those are sent."""
    def still_mine(ids: list[str]) -> Collection[str]:
        return ids if hold is None else hold(ids)

    sent: list[str] = []
    try:
        for start in range(0, len(statements), BATCH):
            batch = statements[start:start + BATCH]
            mine = still_mine([sid for sid, _ in batch])
            batch = [(sid, body) for sid, body in batch if sid in mine]
            if not batch:
                continue
            stored, unsure = _post(lrs, batch)
            sent.extend(stored)
            for sid, body in unsure:
                if still_mine([sid]):
                    _put(lrs, sid, body)
                    sent.append(sid)
    except (_Failed, _Refused, OSError, ValueError, http.client.HTTPException) as exc:
        return Delivery(sent, _explain(lrs, exc))  # also URLError, timeouts, resets
    return Delivery(sent)
