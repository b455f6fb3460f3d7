"""A real Ralph LRS on loopback, with its filesystem backend (tests/lrs/serve.py says why not
`ralph runserver`), in the virtualenv tests/lrs_install.py makes: for the LRS tests and the
`report --lrs` benchmark.

`ralph(home)` installs Ralph if need be, creates the user USER / PASSWORD under `home`, starts the
server, and yields its xAPI address; the server stops when the context ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lrs_install import Failed, Unreachable, ensure

ROOT = Path(__file__).resolve().parent.parent
RALPH_VENV = Path(os.environ.get("CSCOACH_RALPH_VENV", ROOT / "tests" / "lrs" / ".venv"))
RALPH = RALPH_VENV / "bin" / "ralph"
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
REQUIREMENTS = ROOT / "tests" / "lrs" / "requirements.txt"
USER, PASSWORD = "coach", "s3cret-pass"


class NotStarted(Exception):
    pass


def install() -> Unreachable | Failed | None:
    return ensure(RALPH_VENV, REQUIREMENTS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ralph(home: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """Ralph serving from `home` (made if missing); `settings` are RALPH_* variables added to
    its environment (RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT, say)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RALPH_APP_DIR": str(home), "RALPH_AUTH_FILE": str(home / "auth.json"),
           "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_SENTRY_DSN": "", **(settings or {})}
    if not (home / "auth.json").exists():  # a home served before keeps its user
        subprocess.run([str(RALPH), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                        "-M", "mailto:coach@example.org", "-w"], env=env, check=True,
                       capture_output=True, timeout=120)
    port = _free_port()
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [str(RALPH_PYTHON), str(ROOT / "tests" / "lrs" / "serve.py"), "127.0.0.1", str(port),
         str(home / "data")],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise NotStarted("Ralph did not start:\n"
                                 + (home / "server.log").read_text()[-2000:])
            time.sleep(0.3)
        yield f"{url}/xAPI"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
