"""An attempt as a plain record (stored, exported, reported on, sent as xAPI); the drill tracker."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from cscoach import __version__
from cscoach.content.model import Lang, Scenario
from cscoach.drill.engine import Transcript, Turn
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, turn_report
from cscoach.quiz.play import Asked, Game

Record = dict[str, Any]


def now() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    """UTC, to the millisecond, with a Z: sorts as text and is what xAPI expects."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class DrillTracker:
    """Hears a drill as it is played (an observer of `cscoach.drill.runner`): when it started and
    when each whole turn was taken; when the drill ends it hands its record to `keep`, completed
    with the debrief, or abandoned with the turns heard (none heard, nothing kept)."""

    def __init__(self, scenario: Scenario, trainee: str, lang: Lang, matcher: Matcher,
                 keep: Callable[[Record], None], clock: Callable[[], datetime] = now) -> None:
        self.scenario = scenario
        self.trainee = trainee
        self.lang = lang
        self.matcher = matcher
        self.keep = keep
        self.clock = clock
        self.id = str(uuid.uuid4())
        self.started = clock()
        # one append per turn, the turn with its moment: a Ctrl-C cannot keep half of it
        self.played: list[tuple[Turn, datetime]] = []

    def heard(self, turn: Turn) -> None:
        self.played.append((turn, self.clock()))

    def finished(self, transcript: Transcript, result: Debrief) -> None:
        self.keep(play_record(self, result, self.clock()))

    def abandoned(self) -> None:
        if self.played:  # stopped at the first reply: there is nothing to keep
            self.keep(play_record(self, None, self.played[-1][1]))


def _base(tracker_id: str, kind: str, trainee: str, status: str, scenario: str,
          version: int | None, title: tuple[str, str], lang: Lang, started: datetime,
          finished: datetime) -> Record:
    return {
        "id": tracker_id, "kind": kind, "trainee": trainee, "status": status,
        "scenario": scenario, "scenario_version": version,
        "title": {"ko": title[0], "en": title[1]}, "lang": lang, "team": None,
        "started_at": iso(started), "finished_at": iso(finished),
        "score": None, "passed": None, "pass_mark": None, "ending": None, "outcome": None,
        "final_mood": None, "steps": [], "points": [], "cscoach_version": __version__,
        "choices": [], "answers": [], "pack": "", "content_hash": None,
    }


def play_record(tracker: DrillTracker, result: Debrief | None, finished: datetime) -> Record:
    """A finished drill (with its debrief) or an abandoned one (result None)."""
    s = tracker.scenario
    record = _base(tracker.id, "play", tracker.trainee,
                   "completed" if result is not None else "abandoned", s.id, s.version,
                   s.title.both(), tracker.lang, tracker.started, finished)
    record.update(pack=s.pack, content_hash=s.digest or None)
    weak: dict[int, int] = {}
    turn_points: dict[int, int] = {}
    if result is not None:
        t = result.transcript
        weak = {w.turn.number: w.better_index + 1 for w in result.weak}
        for item in result.items:
            if item.turn is not None:
                turn_points[item.turn] = turn_points.get(item.turn, 0) + item.points
        record.update(
            score=result.score, passed=result.passed, pass_mark=s.pass_mark,
            ending=t.ending.id, outcome=t.ending.outcome.value, final_mood=t.final_mood,
            steps=[{"step": r.step.id, "done": r.done, "in_order": r.in_order,
                    "turns": list(r.turns)} for r in result.steps],
            points=[{"category": i.category, "points": i.points, "turn": i.turn,
                     "reason": {"ko": i.reason.ko, "en": i.reason.en}} for i in result.items])
    reports = {tr.turn.number: tr for tr in result.turns} if result is not None else {}
    for turn, at in tracker.played:
        report = reports.get(turn.number) or turn_report(tracker.matcher, turn, tracker.lang)
        record["choices"].append({
            "turn": turn.number, "node": turn.node.id, "choice": turn.index + 1,
            "options": len(turn.node.choices),
            "text": {"ko": turn.authored.says.ko, "en": turn.authored.says.en},
            "typed": turn.choice.says.ko if turn.typed else None,
            "steps": list(turn.choice.steps),
            "dont_say": [h.entry_id for h in report.dont_say],
            "say_instead": [h.entry_id for h in report.say_instead],
            "mood_before": turn.mood_before, "mood_after": turn.mood_after,
            "weak": turn.number in weak, "better": weak.get(turn.number),
            "points": turn_points.get(turn.number, 0), "at": iso(at),
        })
    return record


QUIZ_ID = "quiz"
QUIZ_TITLE = ("퀴즈", "Quiz")


def quiz_records(game: Game, asked: Sequence[Asked], trainee: str, lang: Lang,
                 started: datetime, finished: datetime, completed: bool) -> list[Record]:
    """One record per player: the trainee when solo, each team (named as the trainee) else."""
    records = []
    solo = game.teams == ["solo"]
    for team in game.teams:
        answered = [r for r in game.responses if r.team == team]
        if not answered:
            continue
        record = _base(str(uuid.uuid4()), "quiz", trainee if solo else team,
                       "completed" if completed else "abandoned", QUIZ_ID, None, QUIZ_TITLE,
                       lang, started, finished)
        right = sum(r.correct for r in answered)
        record.update(
            team=None if solo else team,
            score=round(100 * right / len(asked)) if completed else None,
            points=[{"category": "quiz", "points": sum(r.points for r in answered), "turn": None,
                     "reason": {"ko": f"{len(asked)}문제 중 {right}문제 정답",
                                "en": f"{right} of {len(asked)} right"}}],
            answers=[{"number": r.asked.number, "question": r.asked.question.id,
                      "topic": r.asked.question.topic, "source": r.asked.question.source,
                      "answer": r.asked.code(r.answer), "correct": r.correct,
                      "timed_out": r.answer is None, "seconds": r.seconds, "points": r.points,
                      "at": iso(finished)} for r in answered])
        records.append(record)
    return records
