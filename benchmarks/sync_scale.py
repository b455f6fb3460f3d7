"""`cscoach sync` at scale (issue 22): a generated history (benchmarks/gen_history.py, 200
trainees, nothing queued yet) sent to Ralph on loopback, whole process, time and peak memory.

Ralph is the LRS the tests use (tests/lrs/.venv, made by tests/lrs_install.py on the first LRS
test run, or by this script), served by tests/lrs/serve.py with its filesystem backend, a fresh
store for every run. Each run copies the history first, so every run queues every attempt and
sends every statement: the statements sent are checked against the LRS's own count.

Run: .venv/bin/python benchmarks/sync_scale.py [--sizes 2500,5000,10000,20000]
     [--folder /tmp/cscoach-history-scale] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))
from history_scale import OURS, history  # noqa: E402

from lrs_install import ensure  # noqa: E402

VENV = ROOT / "tests" / "lrs" / ".venv"
USER, PASSWORD = "coach", "bench-pass"
# like history_scale.MEASURE, with the child's output kept (its last line: what it sent)
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "took = time.perf_counter() - t\n"
           "print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else '')\n"
           "print(done.stderr.strip()[-500:].replace('\\n', ' '))\n"
           "print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
           "done.returncode)\n")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def ralph(home: Path, indexed: bool = False) -> Iterator[str]:
    env = {**os.environ, "RALPH_APP_DIR": str(home), "RALPH_AUTH_FILE": str(home / "auth.json"),
           "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_SENTRY_DSN": ""}
    subprocess.run([str(VENV / "bin" / "ralph"), "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                    "-M", "mailto:coach@example.org", "-w"], env=env, check=True,
                   capture_output=True, timeout=120)
    port = _port()
    with (home / "server.log").open("w") as log:
        serve = HERE / "ralph_indexed.py" if indexed else ROOT / "tests" / "lrs" / "serve.py"
        server = subprocess.Popen([str(VENV / "bin" / "python"), str(serve),
                                   "127.0.0.1", str(port), str(home / "data")],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/__heartbeat__", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise SystemExit("Ralph did not start: "
                                     + (home / "server.log").read_text()) from None
                time.sleep(0.3)
        try:
            yield f"{url}/xAPI"
        finally:
            server.terminate()
            server.wait(10)


def stored(data: Path) -> int:
    """How many distinct statements Ralph's filesystem backend holds (a JSON object a line)."""
    ids = set()
    for path in data.rglob("*"):
        if path.is_file():
            with path.open("rb") as lines:
                ids.update(json.loads(line)["id"] for line in lines if line.strip())
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cscoach-history-scale"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--indexed", action="store_true",
                        help="Ralph with its duplicate check by id indexed (ralph_indexed.py): "
                        "what a database backend does, without the filesystem's O(N^2)")
    opts = parser.parse_args()
    missing = ensure(VENV, ROOT / "tests" / "lrs" / "requirements.txt")
    if missing is not None:
        raise SystemExit(f"Ralph could not be installed: {missing.reason}")
    print(f"{'attempts':>8} {'statements':>10} {'s (median)':>11} {'MiB':>5} {'stmt/s':>7}")
    for size in (int(s) for s in opts.sizes.split(",")):
        source = history(opts.folder, size) / "history.db"
        runs, sent = [], 0
        for _ in range(opts.repeat):
            with tempfile.TemporaryDirectory() as scratch:
                home = Path(scratch)
                (home / "data").mkdir()
                shutil.copy(source, home / "data" / "history.db")
                (home / "ralph").mkdir()
                with ralph(home / "ralph", opts.indexed) as lrs:
                    env = {**os.environ, "CSCOACH_LRS_USER": USER,
                           "CSCOACH_LRS_PASSWORD": PASSWORD}
                    done = subprocess.run(
                        [sys.executable, "-c", MEASURE, OURS, "sync", "--data-dir",
                         str(home / "data"), "--lrs", lrs], capture_output=True, text=True,
                        env=env, check=True)
                    said, err, figures = done.stdout.strip().split("\n")[-3:]
                    took, kib, code = figures.split()
                    if code != "0":
                        raise SystemExit(f"sync exit {code}: {said} {err}")
                    sent = int(said.split("sent ")[1].split()[0])
                    if (held := stored(home / "ralph" / "data")) != sent:
                        raise SystemExit(f"sent {sent} statements, the LRS holds {held}")
                    runs.append((float(took), int(kib) / 1024))
        took = statistics.median(r[0] for r in runs)
        print(f"{size:>8,} {sent:>10,} {took:>11.2f} {max(r[1] for r in runs):>5.0f} "
              f"{sent / took:>7.0f}", flush=True)


if __name__ == "__main__":
    main()
