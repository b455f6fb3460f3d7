"""Generate valid cscoach scenarios of any size with loops, for the analysis benchmarks.

    python benchmarks/gen_looped.py [--facts] OUT_DIR NODES [SEED]

A layered conversation like `gen_scenarios.py` (three nodes a layer, three replies a node: the
step done well, a neutral reply, a "don't say" trap; the layers walk through the seven steps),
with loops: the neutral reply at most side nodes goes back one layer (a local back-edge),
and every fourth layer a trap goes back two layers (so the local loops chain into one large
strongly connected component). Every file passes `cscoach validate`: the best path (every step,
in order) passes and the worst fails.

`--facts` (format 2, as the issue that set the 2 s / 200 MiB target describes): the same layers
and loops with a dozen facts. Replies set and clear them; half steer routes (`next:` lists with
`when:`, some of them loops taken only while a fact is missing, one reading the mood), the other
half are read only by what the customer says (variants with `when:` and `assumes:`); an offer
fact that only the fix sets is required by the good ending; three lessons (one critical) that
traps break; acting at once excuses listening and asking while a fact holds. Every file passes
`cscoach validate` but for the budget warnings the largest ones may meet.
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


ROUTE_FACTS = ("offered-fix", "asked-when", "heard-out", "calmer", "named-policy",
               "moved-desk")  # offered-fix: set only by the fix, required by the good ending
LINE_FACTS = ("mentioned-kids", "showed-receipt", "third-time", "manager-named",
              "warranty-read", "waited-long")
LESSONS = (("hear-out", "S002-L1", 10, True), ("own-it", "S002-L2", 10, False),
           ("report-back", "S002-L4", 5, False))


def _text(ko: str, en: str) -> str:
    return f"{{ko: {_q(ko)}, en: {_q(en)}}}"


def facts_text(nodes: int, seed: int = 0, sid: str | None = None) -> str:
    """A format-2 scenario of `nodes` nodes with loops, twelve facts, routes, variants and
    lessons (see the module's doc)."""
    rng = random.Random(seed * 7919 + nodes + 1)
    head = scenario_text(0, seed).split("\nnodes:\n")[0].splitlines()
    head = [f"id: {sid or f'facts-{nodes}'}" if line.startswith("id: ")
            else "format_version: 2" if line.startswith("format_version:")
            else line.replace("S003-7]", "S003-7, S002-L1, S002-L2, S002-L4]")
            if line.startswith("sources:") else line for line in head]
    head += ["facts:"]
    for fact in (*ROUTE_FACTS, *LINE_FACTS):
        head.append(f"  {fact}: {_text(f'사실 {fact}', f'the fact {fact}')}")
    head += ["lessons:"]
    for lid, source, weight, critical in LESSONS:
        head += [f"  - id: {lid}", f"    text: {_text(f'교훈 {lid}', f'the lesson {lid}')}",
                 f"    source: {source}", f"    weight: {weight}",
                 f"    critical: {'true' if critical else 'false'}"]
    head += ["act_at_once:", "  source: S001-CH2", "  steps: [listen, ask]",
             "  when: {all: [showed-receipt]}",
             f"  because: {_text('대면 불만은 바로 회복합니다', 'fix it on the spot')}"]
    depth = max(4, -(-(nodes - 1) // 3))
    layers = [["n0a"]] + [[f"n{i}{c}" for c in "abc"] for i in range(1, depth + 1)]
    steps_at = [STEPS[min(len(STEPS) - 1, d * len(STEPS) // len(layers))]
                for d in range(len(layers))]
    fix_layer = steps_at.index("resolve")
    mood_layer = max(fix_layer + 1, len(layers) - 2)
    out = [*head, "nodes:"]
    for d, layer in enumerate(layers):
        step = steps_at[d]
        last = d == len(layers) - 1
        nxt = layers[d + 1] if not last else None
        steer = ROUTE_FACTS[1 + d % 5]  # a route fact this layer's good replies set
        steered = ROUTE_FACTS[1 + (d + 2) % 5]  # one an earlier layer set, read here
        line_set = LINE_FACTS[d % 6]  # set by this layer's neutral replies
        for k, node_id in enumerate(layer):
            line_read = LINE_FACTS[(d - 2 - (k == 1)) % 6]  # one an earlier layer set
            ko, en = rng.choice(CUSTOMER)
            out += [f"  {node_id}:", "    says:"]
            varied = d >= 2 + (k == 1)
            if varied:
                out += [f"      - when: {{all: [{line_read}]}}",
                        f"        assumes: [{line_read}]",
                        f"        ko: {_q('(' + line_read + ') ' + ko)}",
                        f"        en: {_q('(' + line_read + ') ' + en)}"]
            out += [f"      - ko: {_q(ko)}", f"        en: {_q(en)}"] if varied \
                else [f"      ko: {_q(ko)}", f"      en: {_q(en)}"]
            out += ["    choices:"]
            good_to: object = nxt[0] if nxt else "loyal"
            if last:
                good_to = [("{all: [offered-fix]}", "loyal"), (None, "lukewarm")]
            elif d >= 3 and k == 0 and d + 2 < len(layers):  # a shortcut while a fact holds
                good_to = [(f"{{all: [{steered}]}}", layers[d + 1][2]), (None, nxt[0])]
            elif d == mood_layer and k == 1:
                good_to = [("{mood: {min: 1}}", nxt[0]), (None, nxt[2])]
            neutral_to: object = nxt[1] if nxt else "lukewarm"
            if d >= 2 and k != 1 and rng.random() < 0.7:  # a local back-edge
                neutral_to = layers[d - 1][(k + 1) % len(layers[d - 1])]
            elif d >= 3 and k == 1:  # a loop only while a fact is missing
                neutral_to = [(f"{{not: [{steered}]}}", layers[d - 1][0]),
                              (None, nxt[1] if nxt else "lukewarm")]
            trap_to = nxt[2] if nxt else "walked-out"
            if d >= 3 and d % 4 == 3 and k == 2:  # a chained loop, two layers back
                trap_to = layers[d - 2][0]
            good = {"set": [steer] + (["offered-fix"] if step == "resolve" else []),
                    "meet": [LESSONS[d % 3][0]]}
            if d == fix_layer and k == 0:
                good["set"].append(line_set)
            neutral = {"set": [line_set], "clear": [steer] if d % 3 == 0 else []}
            trap = {"break": [LESSONS[d % 3][0]] if k != 1 or d < 3 else [],
                    "clear": [LINE_FACTS[(d + 3) % 6]] if k == 2 else []}
            longest = rng.choice((0, 1, 1, 2, 2))  # which reply is the longest: no tell
            options = [
                (_long(GOOD[step], longest == 0), [step], 1, FEEDBACK_GOOD, good_to, good),
                (_long(NEUTRAL, longest == 1), [], 0, FEEDBACK_NEUTRAL, neutral_to, neutral),
                (_long(rng.choice(TRAPS), longest == 2), [], -2, FEEDBACK_TRAP, trap_to, trap),
            ]
            rng.shuffle(options)
            out += _facts_choice_lines(options, step)
    tail = scenario_text(0, seed).split("\nendings:\n")[1]
    tail = tail.replace("  loyal:\n    outcome: good\n",
                        "  loyal:\n    outcome: good\n    require: [offered-fix]\n")
    return "\n".join(out) + "\n\nendings:\n" + tail


def _long(text: tuple[str, str], longer: bool) -> tuple[str, str]:
    """A reply made the longest of its node, or not (validate warns when the right reply is
    the longest at most nodes: a trainee could pass without reading)."""
    if not longer:
        return text
    return (text[0] + " 오늘 매장이 많이 붐비는 날이라서요, 고객님.",
            text[1] + " It is a very busy day in the shop today, you see.")


def _facts_choice_lines(options: list[tuple], step: str) -> list[str]:
    out: list[str] = []
    for (cko, cen), steps, mood, (fko, fen), target, extra in options:
        out += [f"      - says: {_text(cko, cen)}",
                f"        steps: [{', '.join(steps)}]", f"        mood: {mood}"]
        for key in ("set", "clear", "meet", "break"):
            if extra.get(key):
                out.append(f"        {key}: [{', '.join(dict.fromkeys(extra[key]))}]")
        if isinstance(target, str):
            out.append(f"        next: {target}")
        else:
            out.append("        next:")
            for when, to in target:
                out += [f"          - when: {when}", f"            to: {to}"] if when \
                    else [f"          - to: {to}"]
        out.append(f"        feedback: {_text(fko.format(step=step), fen.format(step=step))}")
    return out


def generate_facts(out_dir: Path, nodes: int, seed: int = 0) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"facts-{nodes}.yaml"
    path.write_text(facts_text(nodes, seed), encoding="utf-8")
    return path


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--facts"]
    make = generate_facts if "--facts" in sys.argv[1:] else generate
    target = Path(args[0])
    size = int(args[1]) if len(args) > 1 else 24
    print(make(target, size, int(args[2]) if len(args) > 2 else 0))
