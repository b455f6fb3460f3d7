"""How `cscoach play --free` places typed replies: on tests/data/free_replies.yaml, the share
placed on the authored reply they mean and the share of off-topic replies sent to the options,
for the shipped weights and for the alternatives they were chosen over; and replies judged per
second. Prints figures; asserts nothing.

    python benchmarks/free_routing.py [--verbose]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from cscoach.content.library import load_library
from cscoach.drill.engine import Session
from cscoach.judge.check import Checker
from cscoach.judge.check_eval import evaluate_routing
from cscoach.judge.free import WEIGHTS, Judge, Weights
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = {
    "shipped": WEIGHTS,
    "wording only": Weights(1.0, 0.0, 0.0, WEIGHTS.close_enough, WEIGHTS.wording_floor),
    "steps + phrasebook only": Weights(0.0, 0.6, 0.4, WEIGHTS.close_enough, 0.0),
    "equal thirds": Weights(1 / 3, 1 / 3, 1 / 3, WEIGHTS.close_enough, WEIGHTS.wording_floor),
}


def main() -> None:
    groups = yaml.safe_load((ROOT / "tests" / "data" / "free_replies.yaml").read_text("utf-8"))
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps)
    tuning = [g for g in groups if not g.get("held_out")]
    held_out = [g for g in groups if g.get("held_out")]
    for name, part in (("tuning set", tuning), ("held-out set", held_out)):
        n = sum(len(g["replies"]) for g in part)
        r = evaluate_routing(Judge(checker), library, part)
        print(f"{name}: {n} typed replies at {len(part)} nodes: placed right {r.accuracy:.3f}  "
              f"off-topic sent to options {r.decline_rate:.3f}")
        if "--verbose" in sys.argv and r.misses:
            print("   " + "\n   ".join(r.misses))
    print("all replies, by weighting:")
    for name, weights in VARIANTS.items():
        r = evaluate_routing(Judge(checker, weights), library, groups)
        print(f"{name:>24}: placed right {r.accuracy:.3f}  off-topic sent to options "
              f"{r.decline_rate:.3f}  (wrong {r.wrong}, refused {r.refused}, forced {r.forced})")
    for mark in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35):
        w = Weights(WEIGHTS.wording, WEIGHTS.steps, WEIGHTS.phrases, mark, WEIGHTS.wording_floor)
        r = evaluate_routing(Judge(checker, w), library, groups)
        print(f"   close-enough mark {mark:.2f}: placed right {r.accuracy:.3f}  "
              f"off-topic to options {r.decline_rate:.3f}")
    judge = Judge(checker)
    cases = []
    for g in groups:
        node = Session.resume(library.scenario(g["scenario"]), g["answers"]).node
        cases += [(node, r["text"]) for r in g["replies"]]
    rounds = 50
    start = time.perf_counter()
    for k in range(rounds):
        for node, text in cases:
            judge.judge(node, f"{text} {k}")
    per_s = rounds * len(cases) / (time.perf_counter() - start)
    print(f"throughput: {per_s:,.0f} replies judged per second on one core")


if __name__ == "__main__":
    main()
