"""How the best/worst analysis and the continuity proof scale on scenarios with loops (the
issue's target: each command within 2 s and 200 MiB on one core).

    python benchmarks/analysis_scale.py [--sizes 24,60,120] [--runs 3] [--kind facts,looped]

Generates looped scenarios (benchmarks/gen_looped.py: three replies a node, local back-edges and
chained loops; `facts`: format 2 with a dozen facts steering routes and lines, lessons, acting
at once; `looped`: format 1) and runs whole processes pinned to one core, interleaved (every
command of every size once, then again, `--runs` times), printing the median wall time (and
the largest), the median CPU time (the fairer figure on a shared machine), the largest peak
memory (of the child, from wait4) and what came out, for
`cscoach validate --no-cache -j 1 FILE`, `cscoach stats FILE --json` and
`cscoach autoplay FILE --exhaustive --json`. A run is killed after a minute, and has 3 GiB of
address space (past it, Python's MemoryError).
A figure, not a test: the machine's load changes it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_looped import generate, generate_facts  # noqa: E402

MAKERS: dict[str, Callable[[Path, int], Path]] = {"facts": generate_facts, "looped": generate}


TIMEOUT = 60  # seconds a run may take before it is killed
MEMORY = 3 << 30  # bytes of address space a run may take (past it Python's MemoryError)


def _one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def measure(args: list[str]) -> tuple[float, float, float, int, str]:
    """Wall seconds, CPU seconds and peak MiB (this child's own, from wait4), exit code and
    output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, "-m", "cscoach", *args], stdout=out,
                                 stderr=subprocess.STDOUT, text=True, preexec_fn=_one_core)
        killed = threading.Timer(TIMEOUT, child.kill)
        killed.start()
        _, status, usage = os.wait4(child.pid, 0)
        killed.cancel()
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
        if seconds >= TIMEOUT:
            text += f"\nkilled after {TIMEOUT} s"
        return (seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                child.returncode, text)


def outcome(name: str, text: str) -> str:
    """What the run said: exact, or which budget it met."""
    if text.endswith(f"killed after {TIMEOUT} s"):
        return f"killed after {TIMEOUT} s"
    if "MemoryError" in text or "out of memory" in text.lower():
        return f"out of memory ({MEMORY >> 30} GiB)"
    if name == "validate":
        said = [w for w, key in (("bounds", "figures are bounds"),
                                 ("proof stopped", "continuity proof stopped"))
                if key in text]
        tail = [line for line in text.splitlines() if "file(s) checked" in line]
        return (", ".join(said) or "exact") + (f"; {tail[-1].split(': ', 1)[-1]}"
                                                if tail else "")
    try:
        data = json.loads(text)
        row = data[0] if isinstance(data, list) else data
        said = "exact" if row.get("exact") else "bounds"
        if name.startswith("autoplay") and not row.get("complete"):
            said += f"; walk stopped at {row['runs']:,} paths"
        if name.startswith("stats") and not row.get("paths_exact"):
            said += f"; paths >= {row['paths']:,}"
        elif name.startswith("stats"):
            said += f"; {row['paths']:,} paths"
        return said
    except (ValueError, IndexError, KeyError, TypeError):
        return "? " + text.strip().splitlines()[-1][:60] if text.strip() else "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="24,60,120")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kind", default="facts")
    opts = parser.parse_args()
    sizes = [int(n) for n in opts.sizes.split(",")]
    kinds = opts.kind.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for kind in kinds:
            for n in sizes:
                path = str(MAKERS[kind](Path(tmp), n))
                for name, args in (
                        ("validate", ["validate", "--no-cache", "-j", "1", path]),
                        ("stats --json", ["stats", path, "--json"]),
                        ("autoplay --exhaustive", ["autoplay", path, "--exhaustive",
                                                   "--json"])):
                    cases.append((kind, n, name, args))
        seconds: dict[int, list[float]] = {i: [] for i in range(len(cases))}
        cpu: dict[int, list[float]] = {i: [] for i in range(len(cases))}
        peak: dict[int, float] = dict.fromkeys(range(len(cases)), 0.0)
        said: dict[int, tuple[int, str]] = {}
        for _ in range(opts.runs):  # interleaved: a slow spell of the machine hits all alike
            for i, (_, _, name, args) in enumerate(cases):
                wall, busy, mib, code, text = measure(args)
                seconds[i].append(wall)
                cpu[i].append(busy)
                peak[i] = max(peak[i], mib)
                said[i] = (code, outcome(name, text))
        print(f"{'kind':<7}{'nodes':>5}  {'command':<22} {'exit':>4} {'wall s':>7} "
              f"{'max':>5} {'cpu s':>6} {'MiB':>6}  result")
        for i, (kind, n, name, _) in enumerate(cases):
            code, result = said[i]
            print(f"{kind:<7}{n:>5}  {name:<22} {code:>4} "
                  f"{statistics.median(seconds[i]):>7.2f} {max(seconds[i]):>5.2f} "
                  f"{statistics.median(cpu[i]):>6.2f} {peak[i]:>6.1f}  {result}", flush=True)


if __name__ == "__main__":
    main()
