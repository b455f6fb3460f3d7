"""The start-up budget (issues 8 and 15), measured in one run on this machine: `cscoach --help`
against a minimal two-command Typer app's `--help` (budget 1.0x), a scripted `play --answers --json`
(load, play, score, print) against the same app (budget 2x), and the peak memory of a scripted
play (budget 80 MiB). Runs are interleaved so both sides see the same machine load; the median
of each is compared. Prints figures; asserts nothing.

    python benchmarks/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    print(f"hello {name}")


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""
    print(f"bye {name}")


if __name__ == "__main__":
    app()
'''


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and the child's peak resident memory in KiB (Linux units)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        env = dict(os.environ, CSCOACH_HOME=tmp)
        cases = {
            "minimal Typer app --help": [py, str(minimal), "--help"],
            "cscoach --help": [py, "-m", "cscoach", "--help"],
            "cscoach play --answers --json": [py, "-m", "cscoach", "play", "angry-shopper",
                                              "--answers", "1,1,1,1,1,1,1", "--json",
                                              "--no-record"],
        }
        for argv in cases.values():  # warm the file cache and the byte-code
            _run(argv, env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        peak: dict[str, int] = dict.fromkeys(cases, 0)
        for _ in range(runs):
            for name, argv in cases.items():
                elapsed, rss = _run(argv, env)
                times[name].append(elapsed)
                peak[name] = max(peak[name], rss)
    median = {name: statistics.median(t) for name, t in times.items()}
    base = median["minimal Typer app --help"]
    print(f"{runs} interleaved runs each, median wall time (peak memory):")
    for name in cases:
        print(f"  {name:<32} {median[name] * 1000:7.1f} ms  ({peak[name] / 1024:5.1f} MiB)")
    help_ratio = median["cscoach --help"] / base
    play_ratio = median["cscoach play --answers --json"] / base
    play_mib = peak["cscoach play --answers --json"] / 1024
    print(f"cscoach --help / minimal --help:         {help_ratio:.2f}x  (budget 1.00x)")
    print(f"scripted play --json / minimal --help:   {play_ratio:.2f}x  (budget 2.00x)")
    print(f"peak memory of a scripted play:          {play_mib:.1f} MiB (budget 80 MiB)")


if __name__ == "__main__":
    main()
