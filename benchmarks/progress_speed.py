"""What `cscoach progress` and `cscoach drill` cost as a trainee's history grows, whole process
against whole process: this checkout (A) against another one's src/ (B, e.g. main's), runs
interleaved A B A B, medians printed.

Run: .venv/bin/python benchmarks/progress_speed.py [--baseline SRC] [--runs N] [ATTEMPTS ...]
     (default: 10 100 1000 attempts, 5 runs; without --baseline only A is timed)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cscoach.content.library import load_library
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import parse_answers
from cscoach.drill.runner import run
from cscoach.history.record import DrillTracker
from cscoach.history.store import Store
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import debrief

ROOT = Path(__file__).resolve().parent.parent
# format-1 paths, best and worst, of two shipped scenarios: passes, fails and don't-says
PLAYS = [("angry-shopper", "1,1,1,1,1,1,1"), ("angry-shopper", "2,3,1,1,2,3"),
         ("pr-no-show", "1,1,1,1,1,1,1"), ("pr-no-show", "2,2,1,2,3")]


def history(folder: Path, attempts: int) -> None:
    library = load_library(ROOT)
    matcher = Matcher(library.phrasebook)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for n in range(attempts):
        scenario, answers = PLAYS[n % len(PLAYS)]
        story = library.scenario(scenario)
        when = start + timedelta(hours=n)
        tracker = DrillTracker(story, "mina", "en", matcher, made.append, lambda when=when: when)
        run(story, Scripted(parse_answers(answers)),
            lambda t: debrief(t, library.steps, matcher), [tracker])
    with Store(folder / "history.db") as store:
        for record in made:
            store.add(record)


def seconds(src: Path, command: str, folder: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "CSCOACH_CONTENT": str(ROOT),
           "CSCOACH_HOME": str(folder)}
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cscoach", command, "--trainee", "mina", "--json"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("attempts", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ folder")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sides = [("A", ROOT / "src")] + ([("B", args.baseline)] if args.baseline else [])
    for attempts in args.attempts:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            history(folder, attempts)
            for command in ("progress", "drill"):
                times: dict[str, list[float]] = {side: [] for side, _ in sides}
                for _ in range(args.runs):
                    for side, src in sides:
                        times[side].append(seconds(src, command, folder))
                shown = "  ".join(f"{side} {statistics.median(t):.3f} s"
                                  for side, t in times.items())
                print(f"{command:8} {attempts:5} attempts: {shown}  (median of {args.runs})")


if __name__ == "__main__":
    main()
