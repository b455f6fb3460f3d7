"""Figures about a scenario for its author: size, words, paths, best and worst score, and why the
best and worst paths score what they do (with the facts and lessons of each). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cscoach.authoring.explain import Breakdown, PathState, breakdown, state_of
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
from cscoach.drill.engine import Transcript, answers_text, play
from cscoach.judge.analysis import Analyser
from cscoach.judge.phrases import Matcher


@dataclass(frozen=True, slots=True)
class Size2:
    """What a format-2 scenario remembers and varies, counted."""

    facts: int
    lessons: int
    critical: int
    variants: int  # lines written as variants (says, narration, an ending's says)
    routes: int  # `next:` routes (a compose turn's counted once)
    compose: int  # compose turns

    def to_dict(self) -> dict[str, int]:
        return {"facts": self.facts, "lessons": self.lessons, "critical": self.critical,
                "variants": self.variants, "routes": self.routes, "compose": self.compose}


def size2(s: Scenario) -> Size2:
    variants = sum(len(n.says_variants) + len(n.narration_variants) for n in s.nodes.values()) \
        + sum(len(e.says_variants) for e in s.endings.values())
    routes = sum(len(n.choices[0].routes) if n.parts else sum(len(c.routes) for c in n.choices)
                 for n in s.nodes.values() if n.choices)
    return Size2(len(s.facts), len(s.lessons), sum(1 for x in s.lessons if x.critical),
                 variants, routes, sum(1 for n in s.nodes.values() if n.parts))


@dataclass(frozen=True, slots=True)
class PathDetail:
    """One path explained: where it ends, what it leaves true, where its points went."""

    answers: str
    ending: str
    outcome: Outcome
    mood: int
    state: PathState
    why: Breakdown

    def to_dict(self) -> dict[str, object]:
        return {"answers": self.answers, "ending": self.ending, "outcome": self.outcome.value,
                "final_mood": self.mood, **self.state.to_dict(), **self.why.to_dict()}


def detail(transcript: Transcript, steps: StepCatalog, matcher: Matcher) -> PathDetail:
    return PathDetail(transcript.answers_text(), transcript.ending.id, transcript.ending.outcome,
                      transcript.final_mood, state_of(transcript),
                      breakdown(transcript, steps, matcher))


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
    size2: Size2 | None = None  # format 2: facts, lessons, variants, routes, compose turns
    best_path: PathDetail | None = None
    worst_path: PathDetail | None = None
    critical: tuple[str, ...] = ()  # the ids of the critical lessons

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id, "file": self.path, "nodes": self.nodes, "choices": self.choices,
            "endings": self.endings, "words": self.words, "traps": self.traps,
            "paths": self.paths, "paths_exact": self.paths_exact, "pass_mark": self.pass_mark,
            "exact": self.exact,
            "best": {"score": self.best, "answers": self.best_text,
                     "answers_score": self.best_found, "steps": list(self.best_steps)},
            "worst": {"score": self.worst, "answers": self.worst_text,
                      "answers_score": self.worst_found},
        }
        if self.size2 is not None:
            out["format2"] = self.size2.to_dict()
        for key, path in (("best", self.best_path), ("worst", self.worst_path)):
            if path is not None:
                found = out[key]
                assert isinstance(found, dict)
                found["path"] = path.to_dict()
        return out


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
    best_path = worst_path = None
    if found is not None:
        best = play(s, found.best_answers)
        for turn in best.turns:
            best_steps.extend(sid for sid in turn.choice.steps if sid not in best_steps)
        best_path = detail(best, steps, matcher)
        worst_path = detail(play(s, found.worst_answers), steps, matcher)
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
        answers_text(s, found.worst_answers) if found else "",
        size2(s) if s.format_version >= 2 else None, best_path, worst_path,
        tuple(x.id for x in s.lessons if x.critical))
