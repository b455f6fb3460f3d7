"""What a hostile or broken Learning Record Store cannot do to cscoach (the red team's findings):
follow it elsewhere with our credentials, pass a login page off as delivery, write to the
terminal through an error body, learn or keep a password, hold a drill past the timeout, delay
a script's JSON, or make two senders send a statement twice. Each runs against a stand-in LRS on
loopback (tests/lrs_stub.py) that records what it was sent."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cscoach.errors import printable
from cscoach.history.config import Lrs
from cscoach.history.lrs import send
from cscoach.history.store import Store
from cscoach.history.xapi import statements as xapi_statements
from lrs_stub import Handler, Seen, Stub, xapi_answer

BEST = "1,1,1,1,1,1,1"  # angry-shopper: 8 statements (7 replies and the attempt)
USER, PASSWORD = "coach", "pw-7f3a-do-not-leak"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(folder))
    monkeypatch.setenv("CSCOACH_LRS_USER", USER)
    monkeypatch.setenv("CSCOACH_LRS_PASSWORD", PASSWORD)
    return folder


def _config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def _outbox(home: Path) -> tuple[int, int]:
    """(waiting, sent) statements in the outbox."""
    db = sqlite3.connect(home / "history.db")
    try:
        row = db.execute("SELECT count(*) - count(sent_at), count(sent_at) FROM outbox").fetchone()
        return int(row[0]), int(row[1])
    finally:
        db.close()


# -- 1. redirects ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_not_followed(cli, home: Path, status: int) -> None:
    with Stub() as elsewhere:
        target = f"{elsewhere.origin}/xAPI/statements"

        def redirect(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
            return status, {"Location": target}, b""

        with Stub(redirect) as lrs:
            run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0
    assert elsewhere.seen == []  # not a byte went there: neither the statements nor the password
    assert [s.method for s in lrs.seen] == ["POST"]
    assert _outbox(home) == (8, 0)  # nothing counted as delivered
    assert f"answered HTTP {status} (a redirect to {target})" in run.err
    assert "not followed" in run.err and run.err.count("\n") == 1


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_redirect_that_would_turn_the_post_into_a_get_is_refused(cli, home: Path,
                                                                   status: int) -> None:
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "POST":
            return status, {"Location": "/login"}, b""
        return 200, {"Content-Type": "text/html"}, b"<html>Please log in</html>"

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and [s.method for s in lrs.seen] == ["POST"]
    assert _outbox(home) == (8, 0)
    assert f"answered HTTP {status}" in run.err


@pytest.mark.parametrize("status", [307, 308])
def test_a_307_or_308_to_the_same_origin_is_posted_again(cli, home: Path, status: int) -> None:
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
        if seen.path.startswith("/xAPI/"):
            return status, {"Location": "/v2/xAPI/statements"}, b""
        return xapi_answer(handler, seen)

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and run.err == ""
    first, again = lrs.seen
    assert (first.method, first.path) == ("POST", "/xAPI/statements")
    assert (again.method, again.path) == ("POST", "/v2/xAPI/statements")
    assert again.body == first.body and again.headers["Authorization"] == \
        first.headers["Authorization"]
    assert _outbox(home) == (0, 8)


def test_a_redirect_loop_stops(cli, home: Path) -> None:
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        return 307, {"Location": seen.path}, b""

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and 2 <= len(lrs.seen) <= 6
    assert "redirected more than" in run.err and _outbox(home) == (8, 0)


def test_a_redirect_to_ftp_is_not_followed(cli, home: Path) -> None:
    with socket.socket() as ftp:  # a listener that notes whether anyone connects
        ftp.bind(("127.0.0.1", 0))
        ftp.listen()
        ftp.settimeout(0.3)
        target = f"ftp://127.0.0.1:{ftp.getsockname()[1]}/statements"

        def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
            return 302, {"Location": target}, b""

        _config(home, "[lrs]\ntimeout = 1\n")
        with Stub(respond) as lrs:
            run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
        with pytest.raises(TimeoutError):
            ftp.accept()[0].close()
    assert run.code == 0 and "not followed" in run.err and _outbox(home) == (8, 0)


# -- 2. only the xAPI answer is delivery ---------------------------------------------------

LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>"


@pytest.mark.parametrize("status, body", [
    (200, LOGIN_PAGE),  # a captive portal or a single sign-on page
    (200, b'["a8b1c'),  # broken JSON
    (200, b'{"ok": true}'),  # JSON, but not the list of ids
    (200, b""),
    (201, b"[1, 2, 3]"),
])
def test_a_2xx_that_is_not_the_xapi_answer_is_not_delivery(cli, home: Path, status: int,
                                                           body: bytes) -> None:
    with Stub(lambda handler, seen: (status, {"Content-Type": "text/html"}, body)) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and len(lrs.seen) == 1
    assert _outbox(home) == (8, 0)
    assert f"answered HTTP {status} but not with the list of statement ids" in run.err
    assert "8 statement(s) kept for 'cscoach sync'" in run.err and run.err.count("\n") == 1


def test_ids_that_are_not_those_sent_are_not_delivery(cli, home: Path) -> None:
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        ids = seen.statement_ids()
        return 200, {}, json.dumps(ids[:-1] + ["00000000-0000-0000-0000-000000000000"]).encode()

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert _outbox(home) == (8, 0)
    assert "answered HTTP 200 with statement ids that are not among the 8 sent" in run.err


def test_ids_of_some_and_a_204_are_checked_one_by_one(cli, home: Path) -> None:
    """What Ralph answers to a batch it partly or wholly holds already: the ids of the new ones
    only, or 204 and no ids. The others are then sent one by one (PUT), where 204 (stored) or
    409 (held already) is the LRS's word for each."""
    def some(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "POST":
            return 200, {}, json.dumps(seen.statement_ids()[:3]).encode()
        return 409, {}, b'{"detail": "already there"}'

    with Stub(some) as lrs:
        assert cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url).err == ""
    assert [s.method for s in lrs.seen] == ["POST"] + ["PUT"] * 5
    assert _outbox(home) == (0, 8)

    with Stub(lambda handler, seen: (204, {}, b"")) as lrs:
        assert cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url).err == ""
    assert [s.method for s in lrs.seen] == ["POST"] + ["PUT"] * 8
    assert _outbox(home) == (0, 16)


def test_the_ids_answer_is_delivery_in_any_order_and_case(cli, home: Path) -> None:
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        return 200, {}, json.dumps([i.upper() for i in reversed(seen.statement_ids())]).encode()

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.err == "" and _outbox(home) == (0, 8)


def test_a_put_counts_only_with_204(cli, home: Path) -> None:
    """After a 409 (some already there) statements go one by one; a PUT is delivery on its 204
    (or a 409: the LRS has it), not on a login page."""
    def respond(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.method == "POST":
            return 409, {}, b'{"detail": "conflict"}'
        if len(lrs.seen) == 2:  # the first PUT gets a real 204, the next a login page
            return 204, {}, b""
        return 200, {"Content-Type": "text/html"}, LOGIN_PAGE

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert [s.method for s in lrs.seen] == ["POST", "PUT", "PUT"]
    assert _outbox(home) == (7, 1)
    assert "answered HTTP 200 to a PUT, not 204 No Content" in run.err
    assert "7 statement(s) kept" in run.err


# -- 3. what an LRS says reaches the terminal and the database only as visible text -------------

FORGED = ("bad request\x1b[2J\x1b[1;1H\r\ncscoach: sent 8 statement(s), 0 waiting\x07\u202e"
          + "A" * 400)


def _visible(text: str) -> bool:
    return text.isprintable()


def test_an_error_body_is_one_visible_bounded_line(cli, home: Path) -> None:
    with Stub(lambda handler, seen: (400, {}, FORGED.encode())) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and run.err.count("\n") == 1 and _visible(run.err.rstrip("\n"))
    assert "bad request\\x1b[2J\\x1b[1;1H\\r\\ncscoach: sent 8" in run.err
    assert "\\x07\\u202e" in run.err
    detail = run.err.split("answered HTTP 400: ", 1)[1].split("; 8 statement(s) kept")[0]
    assert len(detail) <= 160 and detail.endswith("...")
    db = sqlite3.connect(home / "history.db")
    (stored,) = [r[0] for r in db.execute("SELECT last_error FROM outbox WHERE last_error "
                                          "IS NOT NULL")]
    db.close()
    assert _visible(stored) and detail in stored and len(stored) < 300


def test_a_2xx_answer_and_a_redirect_are_quoted_visibly_too(cli, home: Path) -> None:
    with Stub(lambda handler, seen: (200, {}, FORGED.encode())) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.err.count("\n") == 1 and _visible(run.err.rstrip("\n")) and "\\x1b[2J" in run.err
    location = "/x\x1b]8;;http://evil/\x07y"  # a header cannot hold a line break, but this

    def respond(handler: Handler, seen: Seen) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with Stub(respond) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.err.count("\n") == 1 and _visible(run.err.rstrip("\n"))
    assert "a redirect to /x\\x1b]8;;http://evil/\\x07y" in run.err


def test_printable_keeps_an_escape_whole_when_it_cuts() -> None:
    assert printable("ab\x1bcd", 6) == "ab..." and printable("ab\x1bcd", 9) == "ab\\x1bcd"
    assert printable("안녕\n", 10) == "안녕\\n"  # Korean is printable; a line break is not


# -- 4. credentials only from the environment, never shown, never kept ------------------------

WHERE = {"--lrs": "--lrs", "env": "CSCOACH_LRS_URL", "config": "config.toml: 'lrs.url'"}


def _with_url(cli, home: Path, monkeypatch: pytest.MonkeyPatch, how: str, url: str, *args: str):
    if how == "--lrs":
        return cli(*args, "--lrs", url)
    if how == "env":
        monkeypatch.setenv("CSCOACH_LRS_URL", url)
    else:
        _config(home, f'[lrs]\nurl = "{url}"\n')
    return cli(*args)


@pytest.mark.parametrize("how", list(WHERE))
@pytest.mark.parametrize("userinfo", [f"{USER}:{PASSWORD}@", f"{PASSWORD}@", f":{PASSWORD}@"])
def test_credentials_in_the_address_are_refused_without_showing_them(
        cli, home: Path, monkeypatch: pytest.MonkeyPatch, how: str, userinfo: str) -> None:
    url = f"http://{userinfo}127.0.0.1:9/xAPI"
    for args in (("play", "angry-shopper", "--answers", BEST), ("sync",)):
        run = _with_url(cli, home, monkeypatch, how, url, *args)
        assert run.code == 2 and run.err.count("\n") == 1, run.err
        assert PASSWORD not in run.err and "Traceback" not in run.err
        assert WHERE[how] in run.err and "http://***@127.0.0.1:9/xAPI" in run.err
        assert "put them in CSCOACH_LRS_USER and CSCOACH_LRS_PASSWORD" in run.err
    assert not (home / "history.db").exists()  # refused before anything was recorded


def test_a_bad_address_with_a_password_does_not_show_it(cli, home: Path) -> None:
    run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", f"ftp://u:{PASSWORD}@x/")
    assert run.code == 2 and "must start with http" in run.err and PASSWORD not in run.err
    run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", f"http://u:{PASSWORD}/x@h/")
    assert run.code == 2 and PASSWORD not in run.err  # a '/' in it: the parser sees a bad port


def test_the_password_is_never_printed_or_stored(cli, home: Path, tmp_path: Path) -> None:
    """A server that echoes what it was sent (some proxies and debug endpoints do) in its error
    answers; nothing of the password reaches stderr, stdout, the database or an export."""
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def echo(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        said = f"no: you sent {seen.headers.get('Authorization')} ({USER}:{PASSWORD})"
        return (401 if seen.method == "PUT" else 500), {}, said.encode()

    outputs = []
    with Stub(echo) as lrs:
        for args in (("play", "angry-shopper", "--answers", BEST, "--json"),
                     ("quiz", "--answers", "1,1", "-n", "2", "--seed", "1"),
                     ("sync",)):
            run = cli(*args, "--lrs", lrs.url)
            assert run.code in (0, 1) and "HTTP 500" in run.err
            outputs += [run.out, run.err]
    assert all(s.headers["Authorization"] == f"Basic {token}" for s in lrs.seen)  # it was sent
    exported = []
    for fmt in ("json", "csv", "xapi"):
        out = tmp_path / f"export.{fmt}"
        assert cli("export", "--format", fmt, "--all", "--out", str(out)).code == 0
        exported += [p.read_bytes() for p in tmp_path.glob(f"export*.{fmt}")]  # csv: 3 files
    assert len(exported) == 5
    stored = [p.read_bytes() for p in home.iterdir() if p.is_file()]
    assert any(p.name.startswith("history.db") for p in home.iterdir())
    for secret in (PASSWORD, token):
        assert all(secret not in text for text in outputs), secret
        assert all(secret.encode() not in data for data in exported + stored), secret


# -- 5. the timeout is a deadline for the whole request -----------------------------------------

STATEMENTS = [(sid, {"id": sid}) for sid in (
    "1b7c4f5e-0d3a-5c1e-9f2b-3a4d5e6f7a8b", "2c8d5a6f-1e4b-5d2f-8a3c-4b5e6f7a8b9c")]


def _trickle(head: bytes, body: bytes, pause: float):
    """An answer written a byte at a time, `pause` seconds apart (the headers, or the body)."""
    def respond(handler: Handler, seen: Seen) -> None:
        for part, wait in ((head, pause if not body else 0.0), (body, pause)):
            for byte in part:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(wait)

    return respond


@pytest.mark.parametrize("head, body", [
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"x" * 30 + b"\r\n\r\n",
     b""),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 45\r\n\r\n", b"[" + b" " * 44),
])
def test_a_trickling_lrs_is_cut_at_the_timeout(head: bytes, body: bytes) -> None:
    with Stub(_trickle(head, body, 0.1)) as lrs:  # 4 s or more, a byte every 0.1 s
        started = time.monotonic()
        delivery = send(Lrs(lrs.url, None, None, 1.0), STATEMENTS)
        took = time.monotonic() - started
    assert took < 1.0 + 0.4, took
    assert delivery.sent == [] and delivery.error is not None
    assert "did not answer within 1 s" in delivery.error


def test_a_slow_name_lookup_counts_too(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(2)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with Stub() as lrs:
        monkeypatch.setattr(socket, "getaddrinfo", slow)
        started = time.monotonic()
        delivery = send(Lrs(lrs.url, None, None, 0.5), STATEMENTS)
        took = time.monotonic() - started
    assert took < 0.5 + 0.4, took
    assert delivery.error is not None and "did not answer within 0.5 s" in delivery.error


def test_a_trickling_lrs_holds_a_command_no_longer_than_the_timeout(cli, home: Path) -> None:
    assert cli("play", "angry-shopper", "--answers", BEST, "--no-record").code == 0  # warm
    assert cli("play", "angry-shopper", "--answers", BEST).code == 0
    _config(home, "[lrs]\ntimeout = 1\n")
    with Stub(_trickle(b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 10, b"", 0.2)) as lrs:
        started = time.monotonic()
        run = cli("sync", "--lrs", lrs.url)
        took = time.monotonic() - started
    assert run.code == 1 and "did not answer within 1 s" in run.err
    assert took < 1.0 + 1.0, took


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 that this test's clients trust."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_https_delivers_and_is_held_to_the_deadline_too(tls: ssl.SSLContext) -> None:
    with Stub(tls=tls) as lrs:
        assert lrs.url.startswith("https://")
        assert send(Lrs(lrs.url, USER, PASSWORD, 2.0), STATEMENTS).sent == \
            [sid for sid, _ in STATEMENTS]
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 45\r\n\r\n"
    with Stub(_trickle(head, b"[" + b" " * 44, 0.1), tls=tls) as lrs:
        started = time.monotonic()
        delivery = send(Lrs(lrs.url, None, None, 1.0), STATEMENTS)
        took = time.monotonic() - started
    assert took < 1.0 + 0.4 and delivery.error and "within 1 s" in delivery.error


def test_a_certificate_that_is_not_trusted_is_refused(tls: ssl.SSLContext,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")
    with Stub(tls=tls) as lrs:
        delivery = send(Lrs(lrs.url, USER, PASSWORD, 2.0), STATEMENTS)
        assert delivery.sent == [] and lrs.seen == []
    assert delivery.error and "CERTIFICATE_VERIFY_FAILED" in delivery.error


def test_a_proxy_from_the_environment_is_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sending through our own connections keeps urllib's proxy handling (http_proxy ...)."""
    with Stub() as proxy:
        monkeypatch.setenv("http_proxy", proxy.origin)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        delivery = send(Lrs("http://lrs.invalid/xAPI", None, None, 2.0), STATEMENTS)
    assert delivery.error is None and len(delivery.sent) == 2
    assert [s.path for s in proxy.seen] == ["http://lrs.invalid/xAPI/statements"]


# -- 8. config values out of range ------------------------------------------------------------

@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e9", "0", "0.05", "300.5", "-1",
                                   '"5"', "true", "[5]"])
def test_a_timeout_out_of_range_is_refused(cli, home: Path, value: str) -> None:
    _config(home, f"[lrs]\ntimeout = {value}\n")
    run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", "http://127.0.0.1:9/xAPI")
    assert run.code == 2 and run.err.count("\n") == 1, run.err
    assert f"{home / 'config.toml'}: 'lrs.timeout' must be a number of seconds from 0.1 to 300" \
        in run.err
    assert not (home / "history.db").exists()


@pytest.mark.parametrize("value", ["0.1", "300", "5", "2.5"])
def test_a_timeout_in_range_is_taken(cli, home: Path, value: str) -> None:
    _config(home, f'[lrs]\ntimeout = {value}\nurl = "http://127.0.0.1:9/xAPI"\n')
    run = cli("play", "angry-shopper", "--answers", BEST)
    assert run.code == 0 and "kept for 'cscoach sync'" in run.err


@pytest.mark.parametrize("how", list(WHERE))
@pytest.mark.parametrize("port", ["99999", "0", "65536", "http"])
def test_a_port_out_of_range_is_refused(cli, home: Path, monkeypatch: pytest.MonkeyPatch,
                                        how: str, port: str) -> None:
    url = f"http://127.0.0.1:{port}/xAPI"
    run = _with_url(cli, home, monkeypatch, how, url, "play", "angry-shopper", "--answers", BEST)
    assert run.code == 2 and run.err.count("\n") == 1, run.err
    assert f"{WHERE[how]}: the port of LRS address '{url}' must be a number from 1 to 65535" \
        in run.err


# -- 6. a script gets its JSON before the LRS is waited for -----------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _json_within(child: subprocess.Popen[bytes], seconds: float) -> object:
    """The JSON document the child prints, as soon as it is whole (None if not in time)."""
    assert child.stdout is not None
    end, text = time.monotonic() + seconds, b""
    while time.monotonic() < end:
        ready, _, _ = select.select([child.stdout], [], [], 0.05)
        if ready:
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break
            text += chunk
            try:
                return json.loads(text)
            except ValueError:
                continue
    return None


@pytest.mark.parametrize("args", [
    ("play", "angry-shopper", "--answers", BEST, "--json"),
    ("quiz", "--answers", "1,2", "-n", "2", "--seed", "4", "--json"),
])
def test_the_json_result_comes_before_the_lrs_is_waited_for(home: Path, args: tuple[str, ...]
                                                            ) -> None:
    answered = threading.Event()

    def slow(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
        answered.wait(30)  # the LRS answers only once the test has its JSON
        return xapi_answer(handler, seen)

    _config(home, "[lrs]\ntimeout = 20\n")
    with Stub(slow) as lrs:
        child = subprocess.Popen([sys.executable, "-m", "cscoach", *args, "--lrs", lrs.url],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={**os.environ, "CSCOACH_CONTENT": str(ROOT)})
        try:
            result = _json_within(child, 15)  # far less than the 20 s the LRS may take
        finally:
            answered.set()
            _, err = child.communicate(timeout=30)
        assert isinstance(result, dict), err
        assert child.returncode == 0 and err == b""
        assert lrs.seen  # and then it was sent
    assert _outbox(home)[0] == 0


# -- 7. one sender at a time per database ------------------------------------------------------

def _sync_process(url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "cscoach", "sync", "--lrs", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "CSCOACH_CONTENT": str(ROOT)})


def _backlog(cli, attempts: int) -> int:
    """Attempts recorded with no LRS set, for 'cscoach sync' to queue; how many statements."""
    for _ in range(attempts):
        assert cli("play", "angry-shopper", "--answers", BEST).code == 0
    return attempts * 8


def test_concurrent_senders_send_each_statement_once(cli, home: Path) -> None:
    expected = _backlog(cli, 10)  # 80 statements: two batches

    def slow(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
        time.sleep(0.5)  # long enough for the senders to overlap
        return xapi_answer(handler, seen)

    with Stub(slow) as lrs:
        children = [_sync_process(lrs.url) for _ in range(4)]
        done = [child.communicate(timeout=60) for child in children]
        received = lrs.received()
    for child, (_, err) in zip(children, done, strict=True):
        assert child.returncode in (0, 1) and b"Traceback" not in err, err
        assert b"internal error" not in err
    assert len(received) == len(set(received)) == expected  # each exactly once
    assert _outbox(home) == (0, expected)
    assert sum(b"sent 0 statement(s)" not in out for out, _ in done) >= 1


def test_a_claim_left_by_a_crashed_sender_expires(cli, home: Path) -> None:
    expected = _backlog(cli, 1)
    _config(home, "[lrs]\ntimeout = 1\n")
    held = threading.Event()

    def first_hangs(handler: Handler, seen: Seen) -> tuple[int, dict[str, str], bytes] | None:
        if len(handler.server.seen) == 1:
            held.wait(10)  # the first sender is killed while it waits here
            return None
        return xapi_answer(handler, seen)

    with Stub(first_hangs) as lrs:
        crashed = _sync_process(lrs.url)
        end = time.monotonic() + 30
        while not lrs.seen and time.monotonic() < end:
            time.sleep(0.02)
        assert lrs.seen, "the first sender never sent"
        crashed.kill()  # SIGKILL: no chance to release its claim
        crashed.communicate(timeout=10)
        held.set()
        killed_at = time.monotonic()
        busy = cli("sync", "--lrs", lrs.url)
        if time.monotonic() - killed_at < 1.0:  # the claim (timeout + 2 s) is surely live
            assert busy.code == 1 and "being sent by another cscoach" in busy.err, busy.err
            assert len(lrs.seen) == 1 and "sent 0 statement(s)" in busy.out
        time.sleep(max(0.0, killed_at + 3.5 - time.monotonic()))  # past its expiry
        after = cli("sync", "--lrs", lrs.url)
        assert after.code == 0, after.err
        assert f"sent {expected} statement(s)" in after.out
    assert _outbox(home) == (0, expected)


def test_a_claim_is_exclusive_renewable_and_runs_out(cli, home: Path) -> None:
    _backlog(cli, 1)
    url = "http://lrs.invalid/xAPI"
    with Store(home / "history.db") as store:
        attempt = store.attempts()[0]
        store.queue(url, [(attempt["id"], sid, body) for sid, body in
                          xapi_statements(attempt, "https://x.example", "https://y.example")])
        first = store.claim(url, "a", 30)
        assert len(first) == 8 and store.claim(url, "b", 30) == [] and store.claimed(url) == 8
        ids = [sid for sid, _ in first]
        assert store.hold(url, "a", ids[:3], 30) == set(ids[:3])
        assert store.hold(url, "b", ids, 30) == set()  # not b's to renew
        store.release(url, "a")
        assert store.claimed(url) == 0 and len(store.claim(url, "b", 0.2)) == 8
        time.sleep(0.3)  # b crashed: its claim runs out, and c takes them over
        assert len(store.claim(url, "c", 30)) == 8
        assert store.hold(url, "b", ids, 30) == set()  # b, back, must not send them
        store.mark_sent(url, ids[:2], "2026-01-01T00:00:00Z")
        assert store.claimed(url) == 6 and store.outbox_counts(url) == (2, 6)


# -- and what is not HTTP at all ----------------------------------------------------------------

def _raw(data: bytes):
    def respond(handler: Handler, seen: Seen) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()

    return respond


@pytest.mark.parametrize("data", [
    b"SSH-2.0-OpenSSH_9.6\r\n",  # not HTTP
    b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",  # too many headers
    b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",  # a header line too long
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[",  # cut short
])
def test_an_answer_that_is_not_http_is_a_warning(cli, home: Path, data: bytes) -> None:
    with Stub(_raw(data)) as lrs:
        run = cli("play", "angry-shopper", "--answers", BEST, "--lrs", lrs.url)
    assert run.code == 0 and run.err.count("\n") == 1, run.err
    assert "internal error" not in run.err and "8 statement(s) kept" in run.err
    assert _outbox(home) == (8, 0)
