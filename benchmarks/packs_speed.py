"""What a content pack costs a command: `cscoach list --json` without a pack, then with packs
of 1, 4 and 16 scenarios (copies of the shipped angry-shopper under new ids).

    python benchmarks/packs_speed.py [--runs 5]

Whole processes, interleaved in one round (none, 1, 4, 16, none, 1, ...) so every side sees
the same machine load; medians in seconds. A pack's scenarios are all loaded when a command
starts (a broken pack file is refused, never skipped), so the cost grows linearly with the
pack's scenarios; the shipped ones still load on demand. A figure, not a test.
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

ROOT = Path(__file__).resolve().parent.parent
SIZES = (0, 1, 4, 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = (ROOT / "scenarios" / "angry-shopper.yaml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as work:
        packs: dict[int, list[str]] = {0: []}
        for size in SIZES[1:]:
            folder = Path(work) / f"pack{size}" / "scenarios"
            folder.mkdir(parents=True)
            for i in range(size):
                (folder / f"copy-{i}.yaml").write_text(
                    text.replace("id: angry-shopper\n", f"id: copy-{i}\n", 1), encoding="utf-8")
            packs[size] = ["--content", str(folder.parent)]
        env = dict(os.environ, CSCOACH_CONTENT=str(ROOT), CSCOACH_HOME=work)
        env.pop("CSCOACH_CONTENT_PATH", None)
        times: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(args.runs):
            for size in SIZES:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "cscoach", "list", "--json", *packs[size]],
                               env=env, check=True, stdout=subprocess.DEVNULL)
                times[size].append(time.perf_counter() - start)
    base = statistics.median(times[0])
    for size in SIZES:
        median = statistics.median(times[size])
        print(f"list --json, pack of {size:2} scenario(s): {median:.3f} s median of {args.runs}"
              f"  (+{median - base:.3f} s, {(median - base) / size if size else 0:.3f} s each)")


if __name__ == "__main__":
    main()
