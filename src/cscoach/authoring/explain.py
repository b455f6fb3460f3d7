"""Why a path scores what it does, and what it leaves the conversation holding. Pure.

`stats` and `autoplay` show an author, for a path, the facts true at its end and the lessons it
met and broke (format 2), and where the points went: each category against its most, and every
point short of 100 with its reason (a step never performed, no check after the fix, a lesson
broken, an ending short of good ...). The points lost add up to 100 minus the path's total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import get_args

from cscoach.content.model import LANGS, MOOD_MAX, MOOD_MIN, Lang, Scenario, StepCatalog, Text
from cscoach.drill.engine import Transcript
from cscoach.i18n import tr
from cscoach.judge.phrases import Matcher
from cscoach.judge.rubric import RUBRIC, Rubric
from cscoach.judge.scoring import Category, ScoreItem, assess, lesson_results, total

CATEGORIES: tuple[Category, ...] = get_args(Category)


def _text(key: str, **values: object) -> Text:
    return Text(tr("ko", key, **values), tr("en", key, **values))


def most(steps: StepCatalog, rubric: Rubric = RUBRIC) -> dict[Category, int]:
    """The most each category can give (100 in all under the default rubric)."""
    outcome = max(points for _, points in rubric.outcome_points)
    return {"steps": len(steps.steps) * rubric.step_points, "order": rubric.order_base,
            "language": rubric.language_base + rubric.say_instead_cap,
            "outcome": outcome + (MOOD_MAX - MOOD_MIN) * rubric.mood_point_per_level,
            "lessons": 0}


@dataclass(frozen=True, slots=True)
class Loss:
    """Points a path falls short by, and why."""

    category: Category
    points: int  # > 0
    reason: Text
    turn: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"category": self.category, "points": -self.points, "turn": self.turn,
                "reason": {"en": self.reason.en, "ko": self.reason.ko}}


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A path's points by category (with the most each can give) and every point it lost."""

    score: int
    points: dict[Category, int]
    most: dict[Category, int]
    losses: tuple[Loss, ...]

    def to_dict(self) -> dict[str, object]:
        return {"score": self.score,
                "categories": {c: {"points": self.points[c], "most": self.most[c]}
                               for c in CATEGORIES},
                "lost": [x.to_dict() for x in self.losses]}


def breakdown(transcript: Transcript, steps: StepCatalog, matcher: Matcher,
              rubric: Rubric = RUBRIC) -> Breakdown:
    # the score as the authoring tools weigh it (phrases of either language, as `validate`
    # and the best/worst search do); each reason in each language quotes the phrasing of that
    # language where the same item is found in it
    items = assess(transcript, steps, matcher, rubric, None)[0]
    worded = {lang: assess(transcript, steps, matcher, rubric, lang)[0] for lang in LANGS}

    def reason(item: ScoreItem, lang: Lang) -> str:
        for k, other in enumerate(worded[lang]):
            if (other.category, other.points, other.turn) == (item.category, item.points,
                                                              item.turn):
                del worded[lang][k]
                return other.reason(lang)
        return item.reason(lang)

    items = [replace(i, reason=Text(reason(i, "ko"), reason(i, "en"))) for i in items]
    best = most(steps, rubric)
    points: dict[Category, int] = {c: sum(i.points for i in items if i.category == c)
                                   for c in CATEGORIES}
    losses: list[Loss] = []
    for item in items:
        if item.category == "steps" and item.points < rubric.step_points:
            losses.append(Loss("steps", rubric.step_points - item.points, item.reason,
                               item.turn))
        elif item.category in ("order", "language", "lessons") and item.points < 0:
            losses.append(Loss(item.category, -item.points, item.reason, item.turn))
    credit = sum(i.points for i in items if i.category == "language" and i.points > 0) \
        - rubric.language_base
    if credit < rubric.say_instead_cap:
        losses.append(Loss("language", rubric.say_instead_cap - credit, _text(
            "explain.credit", got=credit, most=rubric.say_instead_cap)))
    ending = transcript.ending
    outcome = dict(rubric.outcome_points)
    top = max(outcome.values())
    if outcome[ending.outcome] < top:
        losses.append(Loss("outcome", top - outcome[ending.outcome], Text(
            tr("ko", "explain.ending", title=ending.title.ko,
               outcome=tr("ko", "outcome." + ending.outcome.value), most=top),
            tr("en", "explain.ending", title=ending.title.en,
               outcome=tr("en", "outcome." + ending.outcome.value), most=top))))
    if transcript.final_mood < MOOD_MAX:
        losses.append(Loss("outcome", (MOOD_MAX - transcript.final_mood)
                           * rubric.mood_point_per_level,
                           _text("explain.mood", mood=transcript.final_mood, most=MOOD_MAX)))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    losses.sort(key=lambda x: order[x.category])  # stable: each category in the rubric's order
    return Breakdown(total(items), points, best, tuple(losses))


@dataclass(frozen=True, slots=True)
class PathState:
    """What a path leaves the conversation holding: the facts true at its end (in the
    scenario's order) and the lessons it met (and never broke) and broke."""

    facts: tuple[str, ...] = ()
    met: tuple[str, ...] = ()
    broken: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"facts": list(self.facts), "met": list(self.met), "broken": list(self.broken)}


def state_of(transcript: Transcript) -> PathState:
    s = transcript.scenario
    results = lesson_results(transcript)
    return PathState(tuple(f for f in s.facts if f in transcript.facts),
                     tuple(r.lesson.id for r in results if r.state == "met"),
                     tuple(r.lesson.id for r in results if r.state == "broken"))


def remembers(s: Scenario) -> bool:
    """Whether there is state to show: facts or lessons (format 2)."""
    return bool(s.facts or s.lessons)


@dataclass(frozen=True, slots=True)
class PathRecord:
    """One path of the exhaustive walk (or one random run)."""

    answers: str  # as --answers takes them
    ending: str
    score: int
    state: PathState

    def to_dict(self) -> dict[str, object]:
        return {"answers": self.answers, "ending": self.ending, "score": self.score,
                **self.state.to_dict()}


@dataclass
class Combination:
    """The paths that end in one state: how many, their scores, the endings they reach."""

    state: PathState
    paths: int = 0
    low: int = 100
    high: int = 0
    passed: int = 0
    endings: dict[str, int] = field(default_factory=dict)
    example: str = ""  # the answers of its best path

    def to_dict(self) -> dict[str, object]:
        return {**self.state.to_dict(), "paths": self.paths, "min": self.low, "max": self.high,
                "passed": self.passed, "endings": dict(self.endings),
                "best_answers": self.example}


@dataclass
class LessonTally:
    """How the paths did on one lesson."""

    lesson: str
    critical: bool
    met: int = 0
    broken: int = 0
    broken_high: int | None = None  # the best score among the paths that broke it
    broken_passed: int = 0  # paths that broke it and still passed (a critical one: none)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.lesson, "critical": self.critical, "met": self.met,
                "broken": self.broken, "broken_max": self.broken_high,
                "broken_passed": self.broken_passed}


@dataclass
class StateTally:
    """Paths (or runs) grouped by the state they end in, and counted by lesson and fact."""

    scenario: Scenario
    combinations: dict[PathState, Combination] = field(default_factory=dict)
    lessons: dict[str, LessonTally] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)  # paths ending with the fact true
    count: int = 0

    def __post_init__(self) -> None:
        self.lessons = {x.id: LessonTally(x.id, x.critical) for x in self.scenario.lessons}
        self.facts = dict.fromkeys(self.scenario.facts, 0)

    def add(self, record: PathRecord) -> None:
        self.count += 1
        state, score = record.state, record.score
        passed = score >= self.scenario.pass_mark
        combo = self.combinations.get(state)
        if combo is None:
            combo = self.combinations[state] = Combination(state)
        combo.paths += 1
        combo.low = min(combo.low, score)
        if score > combo.high or not combo.example:
            combo.example = record.answers
        combo.high = max(combo.high, score)
        combo.passed += passed
        combo.endings[record.ending] = combo.endings.get(record.ending, 0) + 1
        for lid in state.met:
            self.lessons[lid].met += 1
        for lid in state.broken:
            tally = self.lessons[lid]
            tally.broken += 1
            tally.broken_high = score if tally.broken_high is None \
                else max(tally.broken_high, score)
            tally.broken_passed += passed
        for f in state.facts:
            self.facts[f] += 1

    def ordered(self) -> list[Combination]:
        """Most paths first, then the higher scores."""
        return sorted(self.combinations.values(), key=lambda c: (-c.paths, -c.high))

    def to_dict(self) -> dict[str, object]:
        return {"combinations": [c.to_dict() for c in self.ordered()],
                "lessons": [t.to_dict() for t in self.lessons.values()],
                "facts": dict(self.facts)}


def tally(scenario: Scenario, records: Iterable[PathRecord]) -> StateTally:
    out = StateTally(scenario)
    for r in records:
        out.add(r)
    return out
