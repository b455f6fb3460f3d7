"""How fast `cscoach check --each-line` judges replies, against one process per reply.

    python benchmarks/each_line.py [--lines 1000,4000]

Writes files of N replies (the labelled replies of tests/data/replies.yaml, repeated) and times
whole processes, interleaved A B A B, medians of 5: `check --each-line FILE` per file size, and
`check TEXT` for one reply (the start-up every per-reply call pays). Prints replies per second
after start-up and how the cost grows with the number of lines (linearly: each line is judged
on its own, memory stays flat as the file is streamed). A figure, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cscoach", *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", default="1000,4000")
    args = parser.parse_args()
    texts = [r["text"].replace("\n", " ") for r in yaml.safe_load(
        (ROOT / "tests" / "data" / "replies.yaml").read_text(encoding="utf-8"))["replies"]]
    sizes = [int(x) for x in args.lines.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n in sizes:
            path = Path(tmp) / f"replies-{n}.txt"
            path.write_text("\n".join(texts[i % len(texts)] for i in range(n)) + "\n",
                            encoding="utf-8")
            files[n] = path
        times: dict[str, list[float]] = {"one": [], **{str(n): [] for n in sizes}}
        for _ in range(5):  # interleaved
            times["one"].append(run(["check", texts[0]]))
            for n in sizes:
                times[str(n)].append(run(["check", "--each-line", str(files[n])]))
    one = statistics.median(times["one"])
    print(f"check TEXT (start-up and one reply): {one:.2f} s median")
    for n in sizes:
        t = statistics.median(times[str(n)])
        print(f"check --each-line, {n:>6,} lines: {t:.2f} s median, "
              f"{n / max(1e-9, t - one):,.0f} replies/s after start-up "
              f"(one process per reply would take {n * one:,.0f} s)")


if __name__ == "__main__":
    main()
