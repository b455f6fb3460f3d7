"""Scores a transcript against the phrasebook, the seven-step sequence and the outcome.

Pure and deterministic: the same transcript always gets the same score and the same reasons.
The rubric is documented with a worked example in docs/scoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cscoach.content.model import (
    MOOD_MIN,
    Lang,
    Lesson,
    Outcome,
    Scenario,
    Step,
    StepCatalog,
    Text,
)
from cscoach.drill.engine import Transcript, Turn, enumerate_paths, play
from cscoach.judge.analysis import Analyser
from cscoach.judge.phrases import Hit, Matcher
from cscoach.judge.rubric import RUBRIC as RUBRIC
from cscoach.judge.rubric import Rubric as Rubric

Category = Literal["steps", "order", "language", "outcome", "lessons"]


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """Points gained (+) or lost (-), with the reason."""

    category: Category
    points: int
    reason: Text
    turn: int | None = None


@dataclass(frozen=True, slots=True)
class TurnReport:
    turn: Turn
    hits: tuple[Hit, ...]  # found in the text of the language played (see `turn_report`)

    @property
    def dont_say(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.kind == "dont_say")

    @property
    def say_instead(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.kind == "say_instead")


@dataclass(frozen=True, slots=True)
class StepReport:
    step: Step
    turns: tuple[int, ...]  # turns that performed it
    in_order: bool  # performed, and no earlier step was first performed only after it
    # the earlier steps it jumped ahead of: first performed after it (in Carnegie order)
    before: tuple[Step, ...] = ()

    @property
    def done(self) -> bool:
        return bool(self.turns)


@dataclass(frozen=True, slots=True)
class WeakChoice:
    turn: Turn
    better_index: int  # 0-based
    best_after_chosen: int | None  # best total still reachable after the choice made
    best_after_better: int | None


@dataclass(frozen=True, slots=True)
class LessonResult:
    """How a drill did on one of the scenario's lessons: the first turn that met it and the
    first that broke it (a lesson broken counts as broken, whatever met it before)."""

    lesson: Lesson
    met: int | None
    broken: int | None

    @property
    def state(self) -> str:
        return "broken" if self.broken is not None else "met" if self.met is not None \
            else "untouched"


def lesson_results(transcript: Transcript) -> tuple[LessonResult, ...]:
    met: dict[str, int] = {}
    broken: dict[str, int] = {}
    for turn in transcript.turns:
        for lid in turn.authored.meet if turn.typed else turn.choice.meet:
            met.setdefault(lid, turn.number)
        for lid in turn.authored.breaks if turn.typed else turn.choice.breaks:
            broken.setdefault(lid, turn.number)
    return tuple(LessonResult(x, met.get(x.id), broken.get(x.id))
                 for x in transcript.scenario.lessons)


def at_once_turn(transcript: Transcript) -> int | None:
    """The turn of the first fix when the scenario's `act_at_once` rule held there, else
    None: the rule's steps were then not needed before it."""
    rule = transcript.scenario.act_at_once
    if rule is None:
        return None
    for turn in transcript.turns:
        if "resolve" in turn.choice.steps:
            holds = rule.when is None or rule.when.holds(turn.facts_after, turn.mood_after)
            return turn.number if holds else None
    return None


@dataclass(frozen=True, slots=True)
class Debrief:
    transcript: Transcript
    score: int
    passed: bool
    items: tuple[ScoreItem, ...]
    steps: tuple[StepReport, ...]
    turns: tuple[TurnReport, ...]
    weak: tuple[WeakChoice, ...]
    # per turn: the authored reply (0-based) with the best total still reachable, when known
    best: tuple[int | None, ...] = ()
    lessons: tuple[LessonResult, ...] = ()

    def subtotal(self, category: Category) -> int:
        return sum(i.points for i in self.items if i.category == category)


@dataclass(frozen=True, slots=True)
class Change:
    """A weak choice with what it cost: the best total reachable after the better reply, less
    the best after the one made (or, when no simple path went on from it, the score got)."""

    weak: WeakChoice
    at_stake: int


def top_changes(d: Debrief, most: int = 3) -> tuple[Change, ...]:
    """The `most` changes worth the most points, most first (an earlier turn first on a tie)."""
    changes = [Change(w, (w.best_after_better or 0)
                      - (d.score if w.best_after_chosen is None else w.best_after_chosen))
               for w in d.weak]
    changes.sort(key=lambda c: (-c.at_stake, c.weak.turn.number))
    return tuple(changes[:most])


def turn_report(matcher: Matcher, turn: Turn, lang: Lang | None = "en") -> TurnReport:
    """The phrasebook hits of one reply, one per entry and kind, found in the text of the
    language played: a trainee is credited (and blamed) only for words they saw.

    `lang=None` takes both languages' text (English phrasing first), as the authoring tools'
    best/worst search does (`Analyser(lang=None)`).
    A typed reply's (play --free) are what the meaning judge found in it (`free.TypedChoice`).
    """
    judged: tuple[Hit, ...] | None = getattr(turn.choice, "judged", None)
    if turn.typed and judged is not None:
        return TurnReport(turn, judged)
    seen: dict[tuple[str, str], Hit] = {}
    texts = (turn.choice.says.en, turn.choice.says.ko) if lang is None else \
        (turn.choice.says(lang),)
    for text in texts:
        for hit in matcher.match(text):
            seen.setdefault((hit.entry_id, hit.kind), hit)
    return TurnReport(turn, tuple(seen.values()))


def _step_reports(steps: StepCatalog, turns: tuple[Turn, ...]) -> tuple[StepReport, ...]:
    performed: dict[str, list[int]] = {s.id: [] for s in steps.steps}
    for turn in turns:
        for sid in turn.choice.steps:
            performed[sid].append(turn.number)
    first = {sid: t[0] for sid, t in performed.items() if t}
    reports = []
    for step in steps.steps:
        turns_done = tuple(performed[step.id])
        # a step is out of order when it came before an earlier step that was done only later;
        # an earlier step never done is "missing" on its own row, not this one's fault
        before = tuple(other for other in steps.steps
                       if turns_done and other.order < step.order and other.id in first
                       and first[other.id] > turns_done[0])
        reports.append(StepReport(step, turns_done, bool(turns_done) and not before, before))
    return tuple(reports)


def _t(ko: str, en: str) -> Text:
    return Text(ko, en)


Assessment = tuple[list[ScoreItem], tuple[StepReport, ...], tuple[TurnReport, ...]]


def assess(transcript: Transcript, steps: StepCatalog, matcher: Matcher,
           rubric: Rubric = RUBRIC, prefer: Lang | None = "en") -> Assessment:
    """The score items of a transcript (without the weak-choice analysis), its phrases found
    in the text of `prefer`, the language played (None: in either, as `validate` weighs it)."""
    items: list[ScoreItem] = []
    reports = _step_reports(steps, transcript.turns)
    first = {r.step.id: r.turns[0] for r in reports if r.turns}
    rule = transcript.scenario.act_at_once
    at_once = at_once_turn(transcript)
    excused = set(rule.steps) if rule is not None and at_once is not None else set()

    # 1. the seven steps
    for r in reports:
        name = r.step.name
        if not r.done and r.step.id in excused:
            assert rule is not None
            items.append(ScoreItem("steps", rubric.step_points, _t(
                f"{r.step.order}단계 '{name.ko}'는 필요 없었습니다: {rule.because.ko} "
                f"({rule.source}, {at_once}번째 응답)",
                f"step {r.step.order} '{name.en}' not needed: {rule.because.en} "
                f"({rule.source}, turn {at_once})"), at_once))
        elif r.done:
            items.append(ScoreItem("steps", rubric.step_points,
                                   _t(f"{r.step.order}단계 '{name.ko}' 수행 "
                                      f"({r.turns[0]}번째 응답)",
                                      f"step {r.step.order} '{name.en}' performed "
                                      f"(turn {r.turns[0]})"), r.turns[0]))
        else:
            items.append(ScoreItem("steps", 0,
                                   _t(f"{r.step.order}단계 '{name.ko}'를 하지 않았습니다 "
                                      f"(+{rubric.step_points}점 놓침)",
                                      f"step {r.step.order} '{name.en}' never performed "
                                      f"(missed +{rubric.step_points})")))

    # 2. the order
    items.append(ScoreItem("order", rubric.order_base,
                           _t("순서 점수 기본", "sequence: starting allowance")))
    resolve = first.get("resolve")
    if resolve is not None:
        for early, cost, ko, en in (
            ("listen", rubric.resolve_before_listen, "경청하기 전에 해결책부터 제시했습니다",
             "offered a fix before listening"),
            ("ask", rubric.resolve_before_ask,
             "질문으로 상황을 파악하기 전에 해결책부터 제시했습니다",
             "offered a fix before asking what happened"),
        ):
            if early in excused and resolve == at_once:
                continue  # the sources say to fix it at once here
            if early not in first or first[early] > resolve:
                items.append(ScoreItem("order", -cost, _t(ko, en), resolve))
    checks_after = [t for t in next((r.turns for r in reports if r.step.id == "check"), ())
                    if resolve is not None and t >= resolve]
    if resolve is None:  # the same points as an unchecked fix (docs/scoring.md), said truly
        items.append(ScoreItem("order", -rubric.no_check_after_resolve,
                               _t("해결책을 제시하지 않아 해결 후 만족 여부도 확인하지 못했습니다",
                                  "never offered a fix, so there was no fix to check on")))
    elif not checks_after:
        items.append(ScoreItem("order", -rubric.no_check_after_resolve,
                               _t("해결 후 고객이 만족했는지 확인하지 않았습니다",
                                  "never checked that the customer was satisfied after the fix")))

    # 3. the language: phrasebook hits
    items.append(ScoreItem("language", rubric.language_base,
                           _t("말하기 점수 기본", "language: starting allowance")))
    turn_reports = tuple(turn_report(matcher, t, prefer) for t in transcript.turns)
    credit = 0
    for tr in turn_reports:
        # a phrase is named by its own words: an entry's id is the name of the bad phrasing
        # (a good phrase once read "'충분히 이해합니다' (arguing)"), and no Korean text shows one
        for hit in tr.hits:
            if hit.kind == "dont_say":
                items.append(ScoreItem("language", -rubric.dont_say_penalty,
                                       _t(f"하지 말아야 할 말 '{hit.phrase}'",
                                          f"\"don't say\" '{hit.phrase}'"),
                                       tr.turn.number))
            elif credit < rubric.say_instead_cap:
                gain = min(rubric.say_instead_credit, rubric.say_instead_cap - credit)
                credit += gain
                items.append(ScoreItem("language", gain,
                                       _t(f"권장 표현 '{hit.phrase}' 사용",
                                          f"\"say instead\" phrasing '{hit.phrase}'"),
                                       tr.turn.number))

    # 4. the outcome
    ending = transcript.ending
    points = dict(rubric.outcome_points)[ending.outcome]
    items.append(ScoreItem("outcome", points,
                           _t(f"결말: {ending.title.ko} ({_OUTCOME_KO[ending.outcome]})",
                              f"ending: {ending.title.en} ({ending.outcome.value})")))
    mood_points = (transcript.final_mood - MOOD_MIN) * rubric.mood_point_per_level
    items.append(ScoreItem("outcome", mood_points,
                           _t(f"고객의 마지막 기분 {transcript.final_mood:+d}",
                              f"customer's final mood {transcript.final_mood:+d}")))

    # 5. the lessons (format 2)
    items = _capped(items + _lesson_items(transcript), transcript.scenario.pass_mark)
    return items, reports, turn_reports


def _lesson_items(transcript: Transcript) -> list[ScoreItem]:
    """A broken lesson costs its weight once; a broken critical one caps the total one point
    below the pass mark (an item takes away what is above it); a met one is a line at 0."""
    items: list[ScoreItem] = []
    critical: list[LessonResult] = []

    def typed(turn: int) -> bool:
        """Whether the turn was typed (play --free): its lessons are the authored reply's it was
        taken as, and are said to be, not the trainee's own (they may not have typed it)."""
        return 0 < turn <= len(transcript.turns) and transcript.turns[turn - 1].typed

    for r in lesson_results(transcript):
        x = r.lesson
        if r.broken is not None:
            reason = _t(f"교훈을 어겼습니다: {x.text.ko} ({x.source})",
                        f"lesson broken: {x.text.en} ({x.source})")
            if typed(r.broken):
                reason = _t(f"받아들여진 답이 교훈을 어겼습니다: {x.text.ko} ({x.source})",
                            f"lesson broken by the reply your words were taken as: {x.text.en} "
                            f"({x.source})")
            items.append(ScoreItem("lessons", -x.weight, reason, r.broken))
            if x.critical:
                critical.append(r)
        elif r.met is not None:
            reason = _t(f"교훈을 지켰습니다: {x.text.ko} ({x.source})",
                        f"lesson met: {x.text.en} ({x.source})")
            if typed(r.met):
                reason = _t(f"받아들여진 답이 교훈을 지켰습니다: {x.text.ko} ({x.source})",
                            f"lesson met by the reply your words were taken as: {x.text.en} "
                            f"({x.source})")
            items.append(ScoreItem("lessons", 0, reason, r.met))
    return items + ([_CAP] if critical else [])


# A marker the total replaces with the cap's points (they depend on every other item).
_CAP = ScoreItem("lessons", 0, _t("", ""))


def _capped(items: list[ScoreItem], pass_mark: int) -> list[ScoreItem]:
    if not items or items[-1] is not _CAP:
        return items
    rest = items[:-1]
    raw = sum(i.points for i in rest)
    cap = max(0, pass_mark - 1)
    points = min(0, cap - raw)
    return [*rest, ScoreItem("lessons", points, _t(
        f"핵심 교훈을 어겨 점수는 {cap}점을 넘을 수 없습니다 (합격 {pass_mark}점)",
        f"a critical lesson was broken: the score is capped at {cap} (pass mark {pass_mark})"))]


_OUTCOME_KO = {Outcome.GOOD: "좋은 결말", Outcome.PARTIAL: "절반의 성공", Outcome.BAD: "나쁜 결말"}


def total(items: list[ScoreItem]) -> int:
    return max(0, min(100, sum(i.points for i in items)))


# Keyed by identity: a library is loaded once per run and its objects live as long as it does.
_ANALYSERS: dict[tuple[int, int, int, int, Lang | None],
                 tuple[Scenario, StepCatalog, Matcher, Rubric, Analyser]] = {}


def _analyser(scenario: Scenario, steps: StepCatalog, matcher: Matcher,
              rubric: Rubric, lang: Lang | None = None) -> Analyser:
    """The best-completion search for a scenario (`cscoach.judge.analysis`) scoring the phrases
    of `lang`'s text, kept for the run."""
    key = (id(scenario), id(steps), id(matcher), id(rubric), lang)
    hit = _ANALYSERS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[:4], (scenario, steps, matcher, rubric),
                                                      strict=True)):
        return hit[4]  # the very same objects (an id can be reused after one is freed)
    analyser = Analyser(scenario, steps, matcher, rubric, lang=lang)
    _ANALYSERS[key] = (scenario, steps, matcher, rubric, analyser)
    return analyser


def debrief(transcript: Transcript, steps: StepCatalog, matcher: Matcher,
            rubric: Rubric = RUBRIC, prefer: Lang = "en") -> Debrief:
    """The full debrief: score, reasons, step table, phrase hits and better choices, all in
    `prefer`, the language played (its phrases are the ones scored)."""
    items, reports, turn_reports = assess(transcript, steps, matcher, rubric, prefer)
    score = total(items)
    analyser = _analyser(transcript.scenario, steps, matcher, rubric, prefer)
    weak: list[WeakChoice] = []
    best_index: list[int | None] = []
    answers = tuple(transcript.answers)
    for tr in turn_reports:
        turn = tr.turn
        prefix = answers[: turn.number - 1]
        options = {i: analyser.best_after((*prefix, i + 1))
                   for i in range(len(turn.node.choices))}
        known = {i: s for i, s in options.items() if s is not None}
        if not known:
            best_index.append(None)
            continue
        better = max(known, key=lambda i: (known[i], -i))
        best_index.append(better)
        chosen = known.get(turn.index)
        worse = chosen is None or chosen <= known[better] - rubric.weak_margin
        if better != turn.index and (worse or tr.dont_say):
            weak.append(WeakChoice(turn, better, chosen, known[better]))
    return Debrief(transcript, score, score >= transcript.scenario.pass_mark, tuple(items),
                   reports, turn_reports, tuple(weak), tuple(best_index),
                   lesson_results(transcript))


def path_scores(scenario: Scenario, steps: StepCatalog, matcher: Matcher,
                lang: Lang | None = None) -> dict[tuple[int, ...], int]:
    """Total score of every simple path played in `lang` (None: phrases of either language, as
    `Analyser(lang=None)` weighs them; used by analysis tools)."""
    return {answers: total(assess(play(scenario, answers), steps, matcher, prefer=lang)[0])
            for answers in enumerate_paths(scenario).paths}
