"""Does orjson earn its place? `export --format xapi --all` whole process against whole process:
as shipped (orjson writes the JSON), and the same install with the JSON written by the standard
library (`json.dumps(indent=2)` an item at a time, what cscoach did before), interleaved A B A B
over generated histories (benchmarks/gen_history.py, 200 trainees). Each run is a fresh process;
its peak resident memory is read by a small parent (history_scale.measure). The two files are
checked to be byte-identical, so the only difference is the serializer.

Run: .venv/bin/python benchmarks/export_serializer.py [--sizes 2500,5000,10000,20000]
     [--folder /tmp/cscoach-history-scale] [--repeat 3]
"""

from __future__ import annotations

import argparse
import filecmp
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from history_scale import OURS, history, measure  # noqa: E402

# cscoach's main with formats.json_list_parts replaced by the standard library's writer (the one
# cscoach shipped before orjson): every other line of the process is the same
STDLIB = """
import json, sys
from cscoach.history import formats

def _indented(value, by):
    return by + json.dumps(value, ensure_ascii=False, indent=2).replace("\\n", "\\n" + by)

def json_list_parts(items, outer=""):
    first = True
    for item in items:
        yield ("[\\n" if first else ",\\n") + _indented(item, outer + "  ")
        first = False
    yield "[]" if first else "\\n" + outer + "]"

formats.json_list_parts = json_list_parts
from cscoach.cli.main import main
sys.argv[0] = "cscoach"
sys.exit(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/cscoach-history-scale"))
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    scratch = opts.folder / "out"
    scratch.mkdir(parents=True, exist_ok=True)
    print(f"{'attempts':>8} {'orjson s':>9} {'MiB':>5} {'stdlib s':>9} {'MiB':>5} {'ratio':>6}")
    for size in (int(s) for s in opts.sizes.split(",")):
        where = history(opts.folder, size)
        ours, theirs = scratch / "orjson.json", scratch / "stdlib.json"
        tail = ["export", "--all", "--format", "xapi", "--data-dir", str(where), "--out"]
        a_runs, b_runs = [], []
        for _ in range(opts.repeat):
            a_runs.append(measure([OURS, *tail, str(ours)]))
            b_runs.append(measure([sys.executable, "-c", STDLIB, *tail, str(theirs)]))
        if not filecmp.cmp(ours, theirs, shallow=False):
            raise SystemExit(f"{size}: the two exports differ")
        a = statistics.median(r[0] for r in a_runs)
        b = statistics.median(r[0] for r in b_runs)
        print(f"{size:>8,} {a:>9.2f} {max(r[1] for r in a_runs):>5.0f} {b:>9.2f} "
              f"{max(r[1] for r in b_runs):>5.0f} {b / a:>5.1f}x", flush=True)
    print("(median of each; the files byte-identical at every size)")


if __name__ == "__main__":
    main()
