"""Ralph's own virtualenv for the LRS tests, made on first use (so the README's one test command
runs them on a fresh clone too).

`ensure(venv, requirements)` makes `venv` and installs `requirements` into it unless a finished
one is there already. It holds a lock beside the venv, so test runs started together install it
once; a venv left half-made (a killed run) is made again. It returns None when the venv is ready,
else why not: `Unreachable` when pip could not reach the package registry (the one case a test
run may skip), `Failed` for anything else (a real failure).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALLING = ".cscoach-installing"  # present while the venv is being made
TIMEOUT = 1800  # seconds pip may take (Ralph and its web stack: about a minute from a mirror)

# what pip says when it cannot reach an index (urllib3's and the OS's words, in the warnings
# of its retries: with PIP_RETRIES=0 it says only "no matching distribution")
NETWORK = ("NewConnectionError", "Failed to establish a new connection", "ConnectTimeoutError",
           "ReadTimeoutError", "Temporary failure in name resolution", "Name or service not known",
           "Network is unreachable", "Connection refused", "No route to host",
           "Could not fetch URL", "ProxyError", "SSLError")


@dataclass(frozen=True)
class Unreachable:
    reason: str


@dataclass(frozen=True)
class Failed:
    reason: str


def ready(venv: Path) -> bool:
    return (venv / "bin" / "ralph").exists() and not (venv / INSTALLING).exists()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        if sys.platform == "win32":  # pragma: no cover - CI and the team run Linux and macOS
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if sys.platform != "win32":
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def ensure(venv: Path, requirements: Path, python: str = sys.executable,
           env: dict[str, str] | None = None) -> Unreachable | Failed | None:
    if ready(venv):
        return None
    with _locked(venv.with_name(venv.name + ".lock")):
        if ready(venv):  # another run made it while this one waited
            return None
        if venv.exists() or venv.is_symlink():  # half-made by a run that was stopped
            if venv.is_symlink():
                venv.unlink()
            else:
                shutil.rmtree(venv)
        made = subprocess.run([python, "-m", "venv", str(venv)], capture_output=True,
                              text=True, env=env, check=False)
        if made.returncode != 0:
            return Failed(f"could not make {venv}: {_tail(made.stderr)}")
        (venv / INSTALLING).write_text(f"{os.getpid()}\n")
        try:
            pip = subprocess.run(
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                 "--disable-pip-version-check", "-r", str(requirements)],
                capture_output=True, text=True, env=env, check=False, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return Unreachable(f"installing {requirements} took over {TIMEOUT} s")
        if pip.returncode != 0:
            said = pip.stdout + pip.stderr
            why = f"pip could not install {requirements} into {venv}:\n{_tail(said)}"
            return Unreachable(why) if any(w in said for w in NETWORK) else Failed(why)
        if not (venv / "bin" / "ralph").exists():
            return Failed(f"{requirements} was installed into {venv} but gave no 'ralph'")
        (venv / INSTALLING).unlink()
    return None
