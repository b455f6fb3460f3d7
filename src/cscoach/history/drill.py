"""What to practise next: spaced repetition (FSRS) over scenarios, steered by weak spots.

Each scenario is a card in the FSRS scheduler (the `fsrs` package). Every finished drill is a
review, rated by its score: failed -> Again, passed by less than 10 -> Hard, below 95 -> Good,
95 or more -> Easy. The cards are rebuilt from the history each time, so the schedule is always
the history's and nothing else is stored.

A scenario whose latest drill failed is not known yet, whatever the memory model says: FSRS
counts recall from the last review (100% just after it, as if the answer had been learnt from
the feedback) and waits a day after Again. So until it is passed, its recall is 0 and it is due
at once: it comes back at the next drill and ranks above every scenario last passed.

The pick is the scenario with the highest priority:
  need     1 - recall (FSRS retrievability now; 0 while the latest drill is failed); a
           scenario not played yet counts 0.6, and one that is due gets 0.3 more
  steps    how much the scenario puts the trainee's weakest steps at stake
  phrases  how many traps it has for the don't-says the trainee still uses
  priority = need + 0.8 * steps + 0.8 * phrases
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler

from cscoach.content.model import Lang, Scenario, StepCatalog, Text
from cscoach.history.progress import (
    dont_say_use,
    drills,
    offers,
    step_levels,
)
from cscoach.history.record import Record, iso, parse_iso
from cscoach.judge.phrases import Matcher

NEW_NEED = 0.6
DUE_BONUS = 0.3
STEP_WEIGHT = 0.8
PHRASE_WEIGHT = 0.8
WEAK_LEVEL = 0.8  # a step below this level is a weak spot
STAKES_FULL = 3  # decision points at which a step is at stake for full marks


def scheduler() -> Scheduler:
    # Whole days between drills; no fuzzing, so the same history gives the same plan.
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating(record: Record) -> Rating:
    score, mark = record["score"], record["pass_mark"] or 0
    if not record["passed"]:
        return Rating.Again
    if score < mark + 10:
        return Rating.Hard
    return Rating.Good if score < 95 else Rating.Easy


@dataclass(frozen=True, slots=True)
class Features:
    """What a scenario offers to practise."""

    stakes: dict[str, int]  # step -> decision points where some replies do it and some do not
    traps: dict[str, int]  # don't-say entry -> replies that use it


def features(scenario: Scenario, matcher: Matcher) -> Features:
    stakes: dict[str, int] = {}
    traps: dict[str, int] = {}
    for node in scenario.nodes.values():
        tagged = [set(c.steps) for c in node.choices]
        for step in set().union(*tagged):
            if any(step not in t for t in tagged):
                stakes[step] = stakes.get(step, 0) + 1
        for choice in node.choices:
            found = {h.entry_id for text in choice.says.both() for h in matcher.match(text)
                     if h.kind == "dont_say"}
            for entry in found:
                traps[entry] = traps.get(entry, 0) + 1
    return Features(stakes, traps)


@dataclass(frozen=True, slots=True)
class Candidate:
    scenario: Scenario
    attempts: int
    card: Card | None
    recall: float | None  # FSRS retrievability now (None: never played; 0: latest failed)
    due: datetime | None
    need: float
    step_fit: float
    phrase_fit: float
    reasons: tuple[Text, ...] = field(default=())
    failed: bool = False  # the latest drill of it did not pass

    @property
    def priority(self) -> float:
        return self.need + STEP_WEIGHT * self.step_fit + PHRASE_WEIGHT * self.phrase_fit


    def to_dict(self, lang: Lang) -> dict[str, Any]:
        return {"scenario": self.scenario.id, "title": self.scenario.title(lang),
                "attempts": self.attempts, "priority": round(self.priority, 4),
                "need": round(self.need, 4), "steps": round(self.step_fit, 4),
                "phrases": round(self.phrase_fit, 4),
                "recall": None if self.recall is None else round(self.recall, 4),
                "due": None if self.due is None else iso(self.due), "failed": self.failed,
                "reasons": [r(lang) for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class Plan:
    pick: Candidate
    ranked: tuple[Candidate, ...]
    weak_steps: tuple[tuple[str, float], ...]
    tripping: tuple[tuple[str, int], ...]  # don't-say entries still used, with recent uses

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """The plan as `cscoach drill --json` prints it."""
        return {"pick": self.pick.to_dict(lang),
                "weak_steps": [{"step": s, "level": round(100 * lv)} for s, lv in self.weak_steps],
                "tripping": [{"entry": e, "recent_uses": n} for e, n in self.tripping],
                "ranked": [c.to_dict(lang) for c in self.ranked]}


def _days(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() / 86400))


def plan(records: Sequence[Record], scenarios: Sequence[Scenario], steps: StepCatalog,
         matcher: Matcher, now: datetime) -> Plan:
    if not scenarios:
        raise ValueError("no scenarios to choose from")
    done = drills(records)
    levels = step_levels(records, steps.ids())
    weak = tuple(sorted(((s, lv) for s, lv in levels.items() if lv is not None and
                         lv < WEAK_LEVEL), key=lambda kv: (kv[1], steps.get(kv[0]).order)))[:2]
    tripping = tuple((u["entry"], u["recent_uses"])
                     for u in dont_say_use(records, offers(scenarios, matcher)) if u["still"])
    trip_total = sum(n for _, n in tripping)
    sched = scheduler()
    ranked = []
    for scenario in scenarios:
        mine = [r for r in done if r["scenario"] == scenario.id
                and (r.get("pack") or "") == scenario.pack]
        card: Card | None = None
        for r in mine:
            card, _ = sched.review_card(card or Card(), rating(r),
                                        review_datetime=parse_iso(r["finished_at"]))
        feats = features(scenario, matcher)
        reasons: list[Text] = []
        if card is None:
            recall, due, need = None, None, NEW_NEED
            reasons.append(Text("아직 한 번도 해 보지 않은 시나리오입니다",
                                "new to you: you have not played it yet"))
        elif not mine[-1]["passed"]:
            recall, due, need = 0.0, parse_iso(mine[-1]["finished_at"]), 1 + DUE_BONUS
            score, mark = mine[-1]["score"], mine[-1]["pass_mark"]
            ago = _days(now - due)
            reasons.append(Text(
                f"지난번({ago}일 전)에 {score}점으로 통과하지 못했습니다 (통과 {mark}점): "
                "통과할 때까지 바로 다시 합니다",
                f"you did not pass it last time ({ago} day(s) ago, {score} against a pass mark "
                f"of {mark}): it comes back at once until you pass it"))
        else:
            recall = sched.get_card_retrievability(card, now)
            due = card.due
            need = 1 - recall + (DUE_BONUS if due <= now else 0)
            last = parse_iso(mine[-1]["finished_at"])
            ago = _days(now - last)
            pct = round(100 * recall)
            if due <= now:
                reasons.append(Text(
                    f"복습할 때가 되었습니다: {ago}일 전에 마지막으로 했고, 지금 기억률은 약 "
                    f"{pct}%입니다 (FSRS)",
                    f"due for review: last played {ago} day(s) ago, recall now about {pct}% "
                    "(FSRS)"))
            else:
                left = _days(due - now)
                reasons.append(Text(
                    f"복습은 {left}일 뒤 예정이지만 (기억률 약 {pct}%) 다른 이유로 골랐습니다",
                    f"not due for {left} more day(s) (recall about {pct}%), but picked for "
                    "what it practises"))
        step_fit = 0.0
        for sid, level in weak:
            at = feats.stakes.get(sid, 0)
            if at:
                step_fit += (1 - level) * min(1.0, at / STAKES_FULL) / len(weak)
                name = steps.get(sid).name
                reasons.append(Text(
                    f"약한 단계 '{name.ko}'(수준 {round(100 * level)}%)를 {at}개 선택 지점에서 "
                    "연습합니다",
                    f"practises '{name.en}', one of your weakest steps (level "
                    f"{round(100 * level)}%), at {at} decision point(s)"))
        phrase_fit = 0.0
        caught = [(entry, uses) for entry, uses in tripping if feats.traps.get(entry)]
        for _, uses in caught:
            phrase_fit += uses / trip_total
        if caught:
            reasons.append(_trap_reason(matcher, caught))
        ranked.append(Candidate(scenario, len(mine), card, recall, due, need, step_fit,
                                phrase_fit, tuple(reasons),
                                failed=bool(mine) and not mine[-1]["passed"]))
    ranked.sort(key=lambda c: (-round(c.priority, 6), c.attempts, c.scenario.difficulty,
                               c.scenario.id))
    return Plan(ranked[0], tuple(ranked), weak, tripping)


def _trap_reason(matcher: Matcher, caught: list[tuple[str, int]]) -> Text:
    shown = [(_example(matcher, e), e, n) for e, n in caught[:3]]
    more = len(caught) - len(shown)
    ko = ", ".join(f"'{t.ko}'({n}번)" for t, _, n in shown) + (f" 외 {more}개" if more else "")
    en = ", ".join(f"'{t.en}' ({n}x)" for t, _, n in shown) + (f" and {more} more" if more
                                                                else "")
    return Text(f"아직 쓰고 있는 말의 함정이 있습니다: {ko}",
                f"has traps for phrases you still use: {en}")


def _example(matcher: Matcher, entry_id: str) -> Text:
    try:
        entry = matcher.phrasebook.get(entry_id)
    except KeyError:
        return Text(entry_id, entry_id)
    return Text(entry.dont_say["ko"][0], entry.dont_say["en"][0])
