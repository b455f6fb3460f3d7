"""How `cscoach play --free` places typed replies, on tests/data/free_placement.yaml (659 replies
at every decision point of the shipped scenarios) and tests/data/free_replies.yaml (62): the
share placed on the authored reply they mean, the share of those that mean none sent to the
options, placements on a reply the typed one negates, per kind of reply; for the shipped weights
and for what they were chosen over; and replies judged per second. Prints figures; asserts
nothing.

    python benchmarks/free_routing.py [--verbose] [--sweep]

`--sweep` re-chooses the weights and marks: every combination of the grid below is scored on the
tuning part only (never the held-out groups), and the best is printed as a `Weights(...)` to put
in src/cscoach/judge/free.py. The choice: no placement on a negated meaning, then the most right
placements less five for each wrong one (a wrong placement teaches wrong; the options cost a
keypress). Run it again after the meaning model is retrained.
"""

from __future__ import annotations

import itertools
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from cscoach.content.library import load_library
from cscoach.drill.engine import Session
from cscoach.judge.check import Checker
from cscoach.judge.check_eval import Routing, _expected, evaluate_routing
from cscoach.judge.free import WEIGHTS, Closeness, Judge, Weights
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent
DATA = ("free_placement.yaml", "free_replies.yaml")

VARIANTS = {
    "shipped": WEIGHTS,
    "before (wording, steps, phrasebook)": Weights(0.6, 0.0, 0.25, 0.15, 0.15, 0.1, 0.0, False),
    "shipped without negation scope": replace(WEIGHTS, negation=False),
    "shipped without relative margin": replace(WEIGHTS, margin=0.0),
    "shipped without meaning": replace(WEIGHTS, meaning=0.0),
    "wording only": Weights(1.0, 0.0, 0.0, 0.0, WEIGHTS.close_enough, WEIGHTS.wording_floor,
                            WEIGHTS.margin, WEIGHTS.negation),
    "meaning only": Weights(0.0, 1.0, 0.0, 0.0, WEIGHTS.close_enough, 0.0, WEIGHTS.margin,
                            WEIGHTS.negation),
}


def load() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for name in DATA:
        groups += yaml.safe_load((ROOT / "tests" / "data" / name).read_text("utf-8"))
    return groups


def show(name: str, r: Routing) -> None:
    kinds = "  ".join(f"{k} {r.kind_rate(k):.2f}" for k in ("para", "neg", "offtopic", "curt")
                      if k in r.kinds)
    print(f"{name:>38}: placed right {r.accuracy:.3f}  none to options {r.decline_rate:.3f}  "
          f"wrong {r.wrong}  forced {r.forced}  on a negated meaning {r.on_negated}  "
          f"refused {r.refused}   by kind: {kinds}")


@dataclass
class Case:
    ranked: list[Closeness]  # authored order
    expect: set[int | None]
    kind: str
    held_out: bool


def cases(judge: Judge, library: Any, groups: list[dict[str, Any]]) -> list[Case]:
    out = []
    for g in groups:
        node = Session.resume(library.scenario(g["scenario"]), g.get("answers") or []).node
        for r in g["replies"]:
            reply = judge.judge(node, r["text"])
            out.append(Case(sorted(reply.ranked, key=lambda c: c.index), _expected(r["expect"]),
                            r.get("kind", "para"), bool(g.get("held_out"))))
    return out


def decide(case: Case, w: Weights) -> int | None:
    scored = sorted(((w.wording * c.wording + w.meaning * c.meaning + w.steps * c.steps
                      + w.phrases * c.phrases, c) for c in case.ranked),
                    key=lambda sc: (-sc[0], sc[1].index))
    score, best = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    if w.negation and best.negated:
        return None
    if score >= w.close_enough and score - second >= w.margin and (
            best.wording >= w.wording_floor or best.phrases > 0):
        return best.index + 1
    return None


def tally(part: list[Case], w: Weights) -> tuple[int, int, int, int, int]:
    right = wrong = negated = meant = 0
    for case in part:
        got = decide(case, w)
        meant += case.expect != {None}
        if got in case.expect:
            right += got is not None
        elif got is not None:
            wrong += 1
            negated += case.kind == "neg"
    return right, wrong, negated, meant, len(part)


def sweep(all_cases: list[Case]) -> None:
    tuning = [c for c in all_cases if not c.held_out]
    held = [c for c in all_cases if c.held_out]
    grid = []
    for wording, meaning, steps, phrases in itertools.product(
            (0.3, 0.4, 0.5, 0.6), (0.0, 0.2, 0.3, 0.4, 0.5), (0.0, 0.1, 0.2), (0.0, 0.15)):
        for mark, floor, margin in itertools.product((0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
                                                     (0.1, 0.2, 0.3), (0.0, 0.05, 0.1)):
            grid.append(Weights(wording, meaning, steps, phrases, mark, floor, margin, True))
    scored = []
    for w in grid:
        right, wrong, negated, meant, _ = tally(tuning, w)
        if negated:
            continue
        scored.append((right - 5 * wrong, right, wrong, w))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    print(f"sweep: {len(grid)} combinations on the tuning part ({len(tuning)} replies); best:")
    for _, right, wrong, w in scored[:8]:
        hr, hw, hn, hm, _ = tally(held, w)
        meant = sum(c.expect != {None} for c in tuning)
        print(f"  {w}\n     tuning: right {right}/{meant} ({right / meant:.3f}), wrong or forced "
              f"{wrong}   held-out: right {hr}/{hm} ({hr / hm:.3f}), wrong or forced {hw}, "
              f"on a negated meaning {hn}")


def main() -> None:
    groups = load()
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps)
    tuning = [g for g in groups if not g.get("held_out")]
    held_out = [g for g in groups if g.get("held_out")]
    for name, part in (("tuning part", tuning), ("held-out part", held_out), ("all", groups)):
        n = sum(len(g["replies"]) for g in part)
        r = evaluate_routing(Judge(checker), library, part)
        show(f"{name} ({n} replies, {len(part)} nodes)", r)
        if "--verbose" in sys.argv and r.misses and name != "all":
            print("   " + "\n   ".join(r.misses))
    print("all replies, by technique:")
    for name, weights in VARIANTS.items():
        show(name, evaluate_routing(Judge(checker, weights), library, groups))
    if "--sweep" in sys.argv:
        sweep(cases(Judge(checker, replace(WEIGHTS, negation=True)), library, groups))
    judge = Judge(checker)
    timed = []
    for g in groups:
        node = Session.resume(library.scenario(g["scenario"]), g.get("answers") or []).node
        timed += [(node, r["text"]) for r in g["replies"]]
    rounds = 3
    start = time.perf_counter()
    for k in range(rounds):
        for node, text in timed:
            judge.judge(node, f"{text} {k}")
    per_s = rounds * len(timed) / (time.perf_counter() - start)
    print(f"throughput: {per_s:,.0f} replies judged per second on one core")


if __name__ == "__main__":
    main()
