"""Precision and recall of "don't say" detection and accuracy of step detection on a labelled
corpus (tests/data/replies.yaml). Pure: used by the benchmark and by a test."""

from __future__ import annotations

from dataclasses import dataclass, field

from cscoach.check import Checker

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
