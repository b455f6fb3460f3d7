"""How the best/worst analysis scales on scenarios with loops (the format-2 issue's target).

    python benchmarks/analysis_scale.py [--sizes 24,60,120]

Generates looped scenarios (benchmarks/gen_looped.py: three replies a node, local back-edges and
chained loops) and runs whole processes, one core each, printing wall time and peak memory (of
the child, from getrusage) and whether the result was exact, for:
`cscoach validate --no-cache -j 1 FILE`, `cscoach stats FILE --json`,
`cscoach autoplay FILE --exhaustive --json`. Target: each within 2 s and 200 MiB.
A figure, not a test: the machine's load changes it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_looped import generate  # noqa: E402


def measure(args: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak MiB (this child's own, from wait4), exit code and output."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen([sys.executable, "-m", "cscoach", *args], stdout=out,
                                 stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, child.returncode, out.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="24,60,120")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    print(f"{'nodes':>5}  {'command':<22} {'exit':>4} {'seconds':>8} {'MiB':>7}  exact")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = str(generate(Path(tmp), n))
            runs = (("validate", ["validate", "--no-cache", "-j", "1", path]),
                    ("stats --json", ["stats", path, "--json"]),
                    ("autoplay --exhaustive", ["autoplay", path, "--exhaustive", "--json"]))
            for name, args in runs:
                seconds, mib, code, text = measure(args)
                if name == "validate":
                    exact = "no (warned)" if "figures are bounds" in text \
                        else "yes"
                else:
                    try:
                        data = json.loads(text)
                        row = data[0] if isinstance(data, list) else data
                        exact = "yes" if row.get("exact") else "no"
                        if name == "autoplay --exhaustive" and not row.get("complete"):
                            exact += f" (walk stopped at --limit, {row['runs']} paths)"
                    except (ValueError, IndexError, KeyError):
                        exact = "?"
                print(f"{n:>5}  {name:<22} {code:>4} {seconds:>8.2f} {mib:>7.1f}  "
                      f"{exact}", flush=True)


if __name__ == "__main__":
    main()
