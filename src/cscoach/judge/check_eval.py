"""Precision and recall of "don't say" detection and accuracy of step detection on a labelled
corpus (tests/data/replies.yaml). Pure: used by the benchmark and by a test."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cscoach.judge.check import Checker

if TYPE_CHECKING:
    from cscoach.content.library import Library
    from cscoach.judge.free import Judge

STEP_IDS = ("greet", "listen", "ask", "empathize", "resolve", "check", "follow_up")


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    step_right: int = 0
    step_total: int = 0
    exact: int = 0
    replies: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def step_accuracy(self) -> float:
        """Right decisions over all (reply, step) pairs: performed or not, for each of seven."""
        return self.step_right / self.step_total if self.step_total else 1.0

    @property
    def step_exact(self) -> float:
        return self.exact / self.replies if self.replies else 1.0


def _ids(value: object) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


def evaluate(checker: Checker, replies: list[dict[str, object]]) -> Scores:
    scores = Scores()
    for r in replies:
        text = str(r["text"])
        result = checker.check(text)
        found = {f.entry.id for f in result.findings}
        want = _ids(r.get("dont_say"))
        scores.tp += len(found & want)
        scores.fp += len(found - want)
        scores.fn += len(want - found)
        for e in sorted(found - want):
            scores.misses.append(f"false alarm {e}: {text}")
        for e in sorted(want - found):
            scores.misses.append(f"missed {e}: {text}")
        steps = {s.step.id for s in result.steps}
        want_steps = _ids(r.get("steps"))
        scores.replies += 1
        scores.exact += steps == want_steps
        for sid in STEP_IDS:
            scores.step_total += 1
            scores.step_right += (sid in steps) == (sid in want_steps)
        for sid in sorted(steps ^ want_steps):
            scores.misses.append(f"step {sid} {'extra' if sid in steps else 'missed'}: {text}")
    return scores


@dataclass
class Routing:
    """How `play --free` places typed replies among a node's authored replies."""

    right: int = 0  # placed on the reply it means
    wrong: int = 0  # placed on another reply
    refused: int = 0  # meant a reply but was sent to the options
    declined: int = 0  # meant none and was sent to the options (right)
    forced: int = 0  # meant none but was placed anyway
    on_negated: int = 0  # a negated reply placed on one it does not mean (wrong or forced)
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind: [right, all]
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Right placements over the replies that mean one."""
        n = self.right + self.wrong + self.refused
        return self.right / n if n else 1.0

    @property
    def decline_rate(self) -> float:
        """Replies that mean none sent to the options, over all of those."""
        n = self.declined + self.forced
        return self.declined / n if n else 1.0

    @property
    def replies(self) -> int:
        return self.right + self.wrong + self.refused + self.declined + self.forced

    def kind_rate(self, kind: str) -> float:
        """Replies of a kind decided right (placed where they mean, or sent to the options
        when they mean none)."""
        right, n = self.kinds.get(kind, (0, 0))
        return right / n if n else 1.0


def _expected(value: object) -> set[int | None]:
    """A reply's label: the 1-based authored reply it means, null for none, or a list of the
    decisions that are all right ([1, null]: reply 1, or the options)."""
    values = value if isinstance(value, list) else [value]
    return {None if v is None else int(str(v)) for v in values}


def evaluate_routing(judge: Judge, library: Library,
                     groups: list[dict[str, Any]]) -> Routing:
    """Groups as in tests/data/free_placement.yaml: a scenario, the answers that lead to a node,
    and replies typed there, each with the authored reply it means (or null, or a list of the
    decisions that are right) and optionally its kind (para, neg, offtopic, curt)."""
    from cscoach.drill.engine import Session

    out = Routing()
    for group in groups:
        scenario = library.scenario(str(group["scenario"]))
        node = Session.resume(scenario, group.get("answers") or []).node
        assert node is not None
        for r in group["replies"]:
            reply = judge.judge(node, str(r["text"]))
            expect = _expected(r["expect"])
            kind = str(r.get("kind", "para"))
            got = reply.closest.index + 1 if reply.close_enough else None
            label = f"{scenario.id}/{node.id} [{kind}]: {r['text']}"
            tally = out.kinds.setdefault(kind, [0, 0])
            tally[1] += 1
            tally[0] += got in expect
            if got in expect:
                if got is None:
                    out.declined += 1
                else:
                    out.right += 1
                continue
            if kind == "neg" and got is not None:
                out.on_negated += 1
            if expect == {None}:
                out.forced += 1
                out.misses.append(f"placed on {got} ({reply.closest.percent}%), "
                                  f"meant none: {label}")
            elif got is None:
                out.refused += 1
                out.misses.append(f"sent to options ({reply.closest.percent}%), "
                                  f"meant {sorted(expect, key=str)}: {label}")
            else:
                out.wrong += 1
                out.misses.append(f"placed on {got} ({reply.closest.percent}%), "
                                  f"meant {sorted(expect, key=str)}: {label}")
    return out


@dataclass
class Judged:
    """The figures the issue sets targets for, on one labelled set of replies."""

    replies: int = 0
    with_fault: int = 0  # replies labelled with at least one "don't say"
    flagged: int = 0  # replies the judge finds one in
    flagged_right: int = 0  # ... of those labelled with one
    entry_total: dict[str, int] = field(default_factory=dict)
    entry_found: dict[str, int] = field(default_factory=dict)
    several: int = 0  # replies with two faults or more
    several_named: int = 0  # ... all of them named
    steps_exact: int = 0
    step_said: dict[str, int] = field(default_factory=dict)
    step_right: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.flagged_right / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.flagged_right / self.with_fault if self.with_fault else 1.0

    def entry_recall(self) -> dict[str, float]:
        return {e: self.entry_found.get(e, 0) / n for e, n in sorted(self.entry_total.items())}

    @property
    def min_entry_recall(self) -> float:
        return min(self.entry_recall().values(), default=1.0)

    @property
    def all_named(self) -> float:
        return self.several_named / self.several if self.several else 1.0

    @property
    def step_exact(self) -> float:
        return self.steps_exact / self.replies if self.replies else 1.0

    def step_precision(self) -> dict[str, float]:
        return {s: self.step_right.get(s, 0) / self.step_said[s] if self.step_said.get(s) else 1.0
                for s in STEP_IDS}

    @property
    def min_step_precision(self) -> float:
        return min(self.step_precision().values())


def judge_replies(detect: Callable[[str], tuple[set[str], set[str]]],
                  replies: Iterable[tuple[str, set[str], set[str]]]) -> Judged:
    """`detect(text)` gives the entries and the steps found; each reply comes with the entries
    and steps it is labelled with."""
    out = Judged()
    for text, want, want_steps in replies:
        found, steps = detect(text)
        out.replies += 1
        out.with_fault += bool(want)
        out.flagged += bool(found)
        out.flagged_right += bool(found) and bool(want)
        for e in want:
            out.entry_total[e] = out.entry_total.get(e, 0) + 1
            out.entry_found[e] = out.entry_found.get(e, 0) + (e in found)
        if len(want) >= 2:
            out.several += 1
            out.several_named += want <= found
        out.steps_exact += steps == want_steps
        for s in steps:
            out.step_said[s] = out.step_said.get(s, 0) + 1
            out.step_right[s] = out.step_right.get(s, 0) + (s in want_steps)
        for e in sorted(found - want):
            out.misses.append(f"false alarm {e}: {text}")
        for e in sorted(want - found):
            out.misses.append(f"missed {e}: {text}")
        for s in sorted(steps ^ want_steps):
            out.misses.append(f"step {s} {'extra' if s in steps else 'missed'}: {text}")
    return out


def checker_detect(checker: Checker) -> Callable[[str], tuple[set[str], set[str]]]:
    def detect(text: str) -> tuple[set[str], set[str]]:
        result = checker.check(text)
        return {f.entry.id for f in result.findings}, {s.step.id for s in result.steps}
    return detect
