"""A stand-in Learning Record Store on loopback for the hardening tests: an HTTP server in a
thread that records every request it gets and answers as the test says (by default as an xAPI
LRS does: the list of statement ids for a POST, 204 for a PUT)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def statement_ids(self) -> list[str]:
        """The ids of the statements this request carried."""
        if not self.body:
            return []
        sent = json.loads(self.body)
        return [s["id"] for s in (sent if isinstance(sent, list) else [sent])]


# What a test answers: (status, headers, body), or None when it wrote the answer itself.
Answer = tuple[int, dict[str, str], bytes] | None
Responder = Callable[["Handler", Seen], Answer]


def xapi_answer(handler: Handler, seen: Seen) -> Answer:
    """What a working LRS answers."""
    if seen.method == "PUT":
        return 204, {}, b""
    if seen.method == "POST":
        return 200, {"Content-Type": "application/json"}, json.dumps(seen.statement_ids()).encode()
    return 200, {"Content-Type": "application/json"}, b'{"statements": []}'


class Handler(http.server.BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(self.command, self.path, dict(self.headers.items()),
                    self.rfile.read(length) if length else b"")
        with self.server.lock:
            self.server.seen.append(seen)
        try:
            answer = self.server.respond(self, seen)
            if answer is not None:
                status, headers, body = answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
        except OSError:  # the client gave up (a timeout test, say)
            pass
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _any  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, respond: Responder) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.respond = respond
        self.seen: list[Seen] = []
        self.lock = threading.Lock()


@dataclass
class Stub:
    respond: Responder = xapi_answer
    tls: ssl.SSLContext | None = None  # serve https with this (server side) context
    server: Server = field(init=False)

    def __post_init__(self) -> None:
        self.server = Server(self.respond)
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.origin}/xAPI"

    @property
    def seen(self) -> list[Seen]:
        with self.server.lock:
            return list(self.server.seen)

    def received(self) -> list[str]:
        """Every statement id received, once per time it arrived."""
        return [sid for s in self.seen for sid in s.statement_ids()]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Stub:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
