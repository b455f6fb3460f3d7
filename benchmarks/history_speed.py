"""How the history scales: recording attempts, then progress, drill and report over them.

Run: .venv/bin/python benchmarks/history_speed.py [ATTEMPTS]   (default 2000; prints figures)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cscoach.content.library import load_library
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import enumerate_paths
from cscoach.drill.runner import run
from cscoach.history.drill import plan
from cscoach.history.progress import offers, summary
from cscoach.history.record import DrillTracker
from cscoach.history.report import report
from cscoach.history.store import Store
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import debrief


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    library = load_library()
    matcher = Matcher(library.phrasebook)
    scenarios = library.all_scenarios()
    paths = {s.id: enumerate_paths(s).paths for s in scenarios}
    rng = random.Random(1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    records = []
    for n in range(count):
        s = rng.choice(scenarios)
        when = start + timedelta(hours=n)
        tracker = DrillTracker(s, f"trainee-{n % 20}", "en", matcher, records.append,
                               lambda when=when: when)
        run(s, Scripted(rng.choice(paths[s.id])), lambda t: debrief(t, library.steps, matcher),
            [tracker])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        with Store(path) as store:
            t = time.perf_counter()
            for r in records:
                store.add(r)
            write = time.perf_counter() - t
            t = time.perf_counter()
            everyone = store.attempts()
            read_all = time.perf_counter() - t
            t = time.perf_counter()
            mine = store.attempts("trainee-3")
            read_one = time.perf_counter() - t
        size = path.stat().st_size
    t = time.perf_counter()
    offered = offers(scenarios, matcher)  # where each don't-say is on offer (progress needs it)
    offers_s = time.perf_counter() - t
    t = time.perf_counter()
    summary(mine, "trainee-3", library.steps.ids(), offered=offered)
    progress_s = time.perf_counter() - t
    t = time.perf_counter()
    plan(mine, scenarios, library.steps, matcher, start + timedelta(hours=count + 24))
    drill_s = time.perf_counter() - t
    t = time.perf_counter()
    report(everyone, library.steps.ids())
    report_s = time.perf_counter() - t
    print(f"attempts: {count} ({len(mine)} for one trainee of 20), database {size / 1e6:.1f} MB")
    print(f"record: {1000 * write / count:.2f} ms an attempt (one transaction each, WAL)")
    print(f"read all: {read_all:.2f} s; read one trainee: {1000 * read_one:.0f} ms")
    print(f"progress (one trainee): {1000 * progress_s:.0f} ms, plus {1000 * offers_s:.0f} ms "
          f"to find the offers in {len(scenarios)} scenarios; drill plan: "
          f"{1000 * drill_s:.0f} ms; report (everyone): {1000 * report_s:.0f} ms")


if __name__ == "__main__":
    main()
