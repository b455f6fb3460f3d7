"""Figures about a scenario for its author: size, words, paths, best and worst score. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cscoach.content.model import (
    LANGS,
    Choice,
    Lang,
    Node,
    Outcome,
    Scenario,
    StepCatalog,
    Text,
)
from cscoach.drill.engine import answers_text, play
from cscoach.judge.analysis import Analyser
from cscoach.judge.phrases import Matcher


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    id: str
    path: str
    nodes: int
    choices: int
    endings: dict[str, int]  # by outcome
    words: dict[Lang, int]
    traps: int  # choices that say a "don't say"
    paths: int
    best: int | None
    best_answers: tuple[int, ...]
    worst: int | None
    worst_answers: tuple[int, ...]
    best_steps: tuple[str, ...]  # steps the best path performs, in the order it first does them
    pass_mark: int
    exact: bool = True  # False: best and worst are bounds (the search met its budget)
    paths_exact: bool = True  # False: `paths` counts only the paths met within the budget
    best_found: int | None = None  # the score of best_answers (== best when exact)
    worst_found: int | None = None
    best_text: str = ""  # best_answers as --answers takes them (1.2.1 at a compose turn)
    worst_text: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "file": self.path, "nodes": self.nodes, "choices": self.choices,
            "endings": self.endings, "words": self.words, "traps": self.traps,
            "paths": self.paths, "paths_exact": self.paths_exact, "pass_mark": self.pass_mark,
            "exact": self.exact,
            "best": {"score": self.best, "answers": self.best_text,
                     "answers_score": self.best_found, "steps": list(self.best_steps)},
            "worst": {"score": self.worst, "answers": self.worst_text,
                      "answers_score": self.worst_found},
        }


def texts(s: Scenario) -> Iterator[Text]:
    """Every human-readable text of a scenario."""
    yield from (s.title, s.summary, s.persona.name, s.persona.type, s.persona.description)
    for node in s.nodes.values():
        for variants, one in ((node.narration_variants, node.narration),
                              (node.says_variants, node.says)):
            if variants:
                yield from (v.text for v in variants)
            elif one:
                yield one
        for choice in replies(node):
            yield choice.says
            yield choice.feedback
    for ending in s.endings.values():
        yield from (ending.title, *(v.text for v in ending.says_variants[:-1]), ending.says,
                    ending.summary)
    for lesson in s.lessons:
        yield lesson.text


def replies(node: Node) -> tuple[Choice, ...]:
    """The replies an author wrote at a node (a compose turn's lines, not every message)."""
    return tuple(o for p in node.parts for o in p.options) if node.parts else node.choices


def word_count(text: str) -> int:
    """Words as separated by spaces: English words, Korean 어절 (eojeol)."""
    return len(text.split())


def scenario_stats(s: Scenario, steps: StepCatalog, matcher: Matcher) -> ScenarioStats:
    words = {lang: sum(word_count(t(lang)) for t in texts(s)) for lang in LANGS}
    analyser = Analyser(s, steps, matcher)
    found = analyser.extremes()
    best_steps: list[str] = []
    if found is not None:
        for turn in play(s, found.best_answers).turns:
            best_steps.extend(sid for sid in turn.choice.steps if sid not in best_steps)
    traps = sum(1 for node in s.nodes.values() for c in replies(node)
                if any(h.kind == "dont_say" for lang in LANGS for h in matcher.match(c.says(lang))))
    paths, paths_exact = (found.paths, found.paths_exact) if found \
        else analyser.count_paths_bounded()
    endings = {o.value: sum(1 for e in s.endings.values() if e.outcome is o) for o in Outcome}
    return ScenarioStats(
        s.id, s.path, len(s.nodes), sum(len(replies(n)) for n in s.nodes.values()), endings,
        words, traps, paths, found.best if found else None, found.best_answers if found else (),
        found.worst if found else None, found.worst_answers if found else (),
        tuple(best_steps), s.pass_mark, found.exact if found else True, paths_exact,
        found.best_found if found else None, found.worst_found if found else None,
        answers_text(s, found.best_answers) if found else "",
        answers_text(s, found.worst_answers) if found else "")
