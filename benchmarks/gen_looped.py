"""Generate valid cscoach scenarios of any size with loops, for the analysis benchmarks.

    python benchmarks/gen_looped.py OUT_DIR NODES [SEED]

A layered conversation like `gen_scenarios.py` (three nodes a layer, three replies a node: the
step done well, a neutral reply, a "don't say" trap; the layers walk through the seven steps),
with loops: the neutral reply at most side nodes goes back one layer (a local back-edge),
and every fourth layer a trap goes back two layers (so the local loops chain into one large
strongly connected component). Every file passes `cscoach validate`: the best path (every step,
in order) passes and the worst fails.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_scenarios import (  # noqa: E402
    CUSTOMER,
    FEEDBACK_GOOD,
    FEEDBACK_NEUTRAL,
    FEEDBACK_TRAP,
    GOOD,
    NEUTRAL,
    STEPS,
    TRAPS,
    _q,
    choice_lines,
    scenario_text,
)


def looped_text(nodes: int, seed: int = 0, sid: str | None = None) -> str:
    """A scenario of `nodes` nodes (rounded up to whole layers of three, plus the start)."""
    rng = random.Random(seed * 7919 + nodes)
    head = scenario_text(0, seed).split("\nnodes:\n")[0].splitlines()
    head = [line if not line.startswith("id: ") else f"id: {sid or f'looped-{nodes}'}"
            for line in head]
    depth = max(2, -(-(nodes - 1) // 3))
    layers = [["n0a"]] + [[f"n{i}{c}" for c in "abc"] for i in range(1, depth + 1)]
    out = [*head, "nodes:"]
    for d, layer in enumerate(layers):
        step = STEPS[min(len(STEPS) - 1, d * len(STEPS) // len(layers))]
        last = d == len(layers) - 1
        nxt = layers[d + 1] if not last else None
        for k, node_id in enumerate(layer):
            ko, en = rng.choice(CUSTOMER)
            out += [f"  {node_id}:", "    says:", f"      ko: {_q(ko)}", f"      en: {_q(en)}",
                    "    choices:"]
            neutral_to = nxt[1] if nxt else "lukewarm"
            if d >= 2 and k != 1 and rng.random() < 0.7:  # a local back-edge
                neutral_to = layers[d - 1][(k + 1) % len(layers[d - 1])]
            trap_to = nxt[2] if nxt else "walked-out"
            if d >= 3 and d % 4 == 3 and k == 2:  # a chained loop, two layers back
                trap_to = layers[d - 2][0]
            options = [
                (GOOD[step], [step], 1, FEEDBACK_GOOD, nxt[0] if nxt else "loyal"),
                (NEUTRAL, [], 0, FEEDBACK_NEUTRAL, neutral_to),
                (rng.choice(TRAPS), [], -2, FEEDBACK_TRAP, trap_to),
            ]
            rng.shuffle(options)
            out += choice_lines(options, step)
    tail = scenario_text(0, seed).split("\nendings:\n")[1]
    return "\n".join(out) + "\n\nendings:\n" + tail


def generate(out_dir: Path, nodes: int, seed: int = 0) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"looped-{nodes}.yaml"
    path.write_text(looped_text(nodes, seed), encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    print(generate(target, size, int(sys.argv[3]) if len(sys.argv) > 3 else 0))
