"""How well and how fast `cscoach check` works: precision/recall of "don't say" detection and
step accuracy on tests/data/replies.yaml, and replies checked per second on one core against the
full phrasebook. Prints figures; asserts nothing.

    python benchmarks/check_quality.py [--verbose]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from cscoach.content.library import load_library
from cscoach.judge.check import Checker
from cscoach.judge.check_eval import evaluate
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    replies = yaml.safe_load((ROOT / "tests" / "data" / "replies.yaml").read_text("utf-8"))
    replies = replies["replies"]
    library = load_library()
    matcher = Matcher(library.phrasebook, mend_slips=True)
    checker = Checker(matcher, library.steps)
    subsets = [("ko", [r for r in replies if r["lang"] == "ko"]),
               ("en", [r for r in replies if r["lang"] == "en"]),
               ("typing slips", [r for r in replies if r.get("typo")]),
               ("hard negatives", [r for r in replies if r.get("hard")]),
               (None, replies)]
    for lang, part in subsets:
        s = evaluate(checker, part)
        print(f"{lang or 'all':>14}: {len(part)} replies  precision {s.precision:.3f}  "
              f"recall {s.recall:.3f}  step accuracy {s.step_accuracy:.3f}  "
              f"(all seven right: {s.step_exact:.3f})")
        if lang is None and "--verbose" in sys.argv:
            print("\n".join(s.misses))
    texts = [r["text"] for r in replies]
    # throughput: fresh texts every time (no cache), a full check each
    rounds = 40
    start = time.perf_counter()
    for n in range(rounds):
        for t in texts:
            checker.check(f"{t} ({n})")
    elapsed = time.perf_counter() - start
    total = rounds * len(texts)
    entries = len(library.phrasebook.entries)
    print(f"throughput: {total / elapsed:,.0f} replies/s on one core "
          f"({total} checks, {entries} phrasebook entries, target 5,000)")


if __name__ == "__main__":
    main()
