"""A quiz game: which questions, in what order, who answered what, and the points. Pure: no I/O.

Points (see docs/quiz-format.md): 100 for a right answer; with a timer, up to 50 more for speed
(in proportion to the time left); and a streak bonus of 20 for each right answer in a row after
the first, up to 60. A wrong answer or a timeout scores 0 and ends the streak.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cscoach.content.model import Lang, QType, Question, Text
from cscoach.errors import UsageError
from cscoach.plain import name_problem, visible

MAX_TEAMS = 8

Answer = int | bool | tuple[int, ...]  # shown option (0-based) | true/false | shown order


@dataclass(frozen=True, slots=True)
class Rules:
    correct: int = 100
    speed_bonus: int = 50
    streak_step: int = 20
    streak_cap: int = 60


RULES = Rules()


@dataclass(frozen=True, slots=True)
class Asked:
    """A question as it is shown: `order[i]` is the question's option behind shown option i."""

    number: int  # 1-based
    question: Question
    order: tuple[int, ...]

    def shown(self) -> list[Text]:
        q = self.question
        if q.type is QType.TRUEFALSE:
            return [Text("참 (O)", "True"), Text("거짓 (X)", "False")]
        return [q.options[i] for i in self.order]

    def is_right(self, answer: Answer) -> bool:
        q = self.question
        if q.type is QType.SINGLE:
            return isinstance(answer, int) and not isinstance(answer, bool) and \
                self.order[answer] == q.correct
        if q.type is QType.TRUEFALSE:
            return answer is q.correct
        return isinstance(answer, tuple) and [self.order[i] for i in answer] == \
            list(range(len(q.options)))

    def right_answer(self, lang: Lang) -> str:
        q = self.question
        if q.type is QType.SINGLE:
            assert isinstance(q.correct, int)
            return q.options[q.correct](lang)
        if q.type is QType.TRUEFALSE:
            return self.shown()[0 if q.correct else 1](lang)
        return " → ".join(t(lang) for t in q.options)

    def describe(self, answer: Answer | None, lang: Lang) -> str:
        """What was answered, in words."""
        if answer is None:
            return ""
        shown = self.shown()
        if isinstance(answer, bool):
            return shown[0 if answer else 1](lang)
        if isinstance(answer, int):
            return shown[answer](lang)
        return " → ".join(shown[i](lang) for i in answer)

    def code(self, answer: Answer | None) -> str:
        """The answer as `--answers` takes it: 2, t/f, or 3-1-2."""
        if answer is None:
            return ""
        if isinstance(answer, bool):
            return "t" if answer else "f"
        if isinstance(answer, int):
            return str(answer + 1)
        return "-".join(str(i + 1) for i in answer)


def choose(questions: Sequence[Question], count: int, topics: Iterable[str] = (),
           seed: int | None = None) -> list[Asked]:
    """`count` questions (from `topics` if given), shuffled, with their options shuffled."""
    wanted = set(topics)
    pool = [q for q in questions if not wanted or q.topic in wanted]
    rng = random.Random(seed)
    rng.shuffle(pool)
    out = []
    for number, q in enumerate(pool[:count], 1):
        order = list(range(len(q.options)))
        rng.shuffle(order)
        if q.type is QType.ORDER and order == sorted(order) and len(order) > 1:
            order = order[1:] + order[:1]  # never shown already in the right order
        out.append(Asked(number, q, tuple(order)))
    return out


def parse_answer(asked: Asked, token: str) -> Answer:
    """An answer as typed in `--answers`: a number, t/f (or o/x), or an order like 3-1-2."""
    q = asked.question
    text = token.strip().lower()
    where = f"question {asked.number} ({q.id})"
    if q.type is QType.TRUEFALSE:
        if text in ("1", "t", "true", "o", "y", "yes"):
            return True
        if text in ("2", "f", "false", "x", "n", "no"):
            return False
        raise UsageError(f"answer '{token}' to {where}: give t or f (true/false)")
    n = len(q.options)
    if q.type is QType.SINGLE:
        if not text.isdigit() or not 1 <= int(text) <= n:
            raise UsageError(f"answer '{token}' to {where}: give a number from 1 to {n}")
        return int(text) - 1
    parts = [p for p in text.replace(" ", "-").split("-") if p]
    if sorted(parts) != [str(i) for i in range(1, n + 1)] or len(parts) != n:
        raise UsageError(f"answer '{token}' to {where}: give all {n} items in order, like "
                         f"{'-'.join(str(i) for i in range(n, 0, -1))}")
    return tuple(int(p) - 1 for p in parts)


@dataclass(frozen=True, slots=True)
class Response:
    team: str
    asked: Asked
    answer: Answer | None  # None: the time ran out
    correct: bool
    seconds: float
    points: int
    streak: int


@dataclass
class Standing:
    team: str
    points: int = 0
    correct: int = 0
    streak: int = 0


@dataclass
class Game:
    teams: list[str]
    timer: float | None = None  # seconds per answer
    rules: Rules = RULES
    responses: list[Response] = field(default_factory=list)
    standings: dict[str, Standing] = field(init=False)

    def __post_init__(self) -> None:
        self.standings = {t: Standing(t) for t in self.teams}

    def record(self, team: str, asked: Asked, answer: Answer | None,
               seconds: float) -> Response:
        s = self.standings[team]
        right = answer is not None and asked.is_right(answer)
        points = 0
        if right:
            s.streak += 1
            points = self.rules.correct
            if self.timer:
                left = max(0.0, self.timer - seconds) / self.timer
                points += round(self.rules.speed_bonus * left)
            points += min(self.rules.streak_cap, self.rules.streak_step * (s.streak - 1))
            s.correct += 1
        else:
            s.streak = 0
        s.points += points
        response = Response(team, asked, answer, right, round(seconds, 2), points, s.streak)
        self.responses.append(response)
        return response

    def play_scripted(self, asked: list[Asked], answers: dict[str, list[str]],
                      where: dict[str, str] | None = None) -> None:
        """Every team's answers from `scripted_answers`, taken as instant; `where` says where
        a team's answers were written (`file:line`), for the message when one is wrong."""
        for a in asked:
            for team in self.teams:
                try:
                    answer = parse_answer(a, answers[team][a.number - 1])
                except UsageError as exc:
                    at = (where or {}).get(team)
                    raise UsageError(f"{at}: {exc.message}" if at else exc.message) from None
                self.record(team, a, answer, 0.0)

    def ranking(self) -> list[tuple[int, Standing]]:
        """(rank, standing), best first; equal points share a rank."""
        ordered = sorted(self.standings.values(), key=lambda s: (-s.points, -s.correct,
                                                                  self.teams.index(s.team)))
        out: list[tuple[int, Standing]] = []
        for i, s in enumerate(ordered):
            rank = out[-1][0] if out and out[-1][1].points == s.points and \
                out[-1][1].correct == s.correct else i + 1
            out.append((rank, s))
        return out


def check_teams(teams: list[str]) -> list[str]:
    cleaned = [t.strip() for t in teams]
    if any(not t for t in cleaned):
        raise UsageError("a --team name is empty")
    for t in cleaned:
        problem = name_problem(t)
        if problem is not None:
            raise UsageError(f"the --team name '{visible(t)}' {problem}")
    seen: set[str] = set()
    for t in cleaned:
        if t.casefold() in seen:
            raise UsageError(f"team '{t}' is given twice; give each team once")
        seen.add(t.casefold())
    if len(cleaned) == 1:
        raise UsageError("one --team is a solo game; give 2 to 8 teams, or none to play solo")
    if len(cleaned) > MAX_TEAMS:
        raise UsageError(f"{len(cleaned)} teams: at most {MAX_TEAMS} can play on one screen")
    return cleaned


def scripted_answers(specs: list[tuple[str, str]], teams: list[str], count: int,
                     where: dict[str, str] | None = None) -> dict[str, list[str]]:
    """`--answers` values (`2,t,3-1-2`, or `TEAM=2,t,3-1-2` per team), each with where it came
    from ('' when given inline, `file:line` from an answers file) -> answers per team. `where`,
    when given, is filled with where each team's answers came from."""
    out: dict[str, list[str]] = {}
    for spec, origin in specs:
        at = f"{origin}: " if origin else ""
        name, sep, rest = spec.rpartition("=")  # answers hold no "=", a team name may
        if not sep:
            name, rest = teams[0], spec
            if len(teams) > 1:
                raise UsageError(f"{at}--answers '{spec}': with teams, write TEAM=answers "
                                 f"(e.g. {teams[0]}=2,t,1)")
        name = name.strip()
        if name not in teams:
            raise UsageError(f"{at}--answers for '{name}': no such team (teams: "
                             f"{', '.join(teams)})")
        if name in out:
            raise UsageError(f"{at}--answers for '{name}' given twice")
        tokens = [t.strip() for t in rest.split(",") if t.strip()]
        if len(tokens) != count:
            raise UsageError(f"{at}--answers for '{name}' has {len(tokens)} answer(s) for "
                             f"{count} question(s)")
        out[name] = tokens
        if where is not None and at:
            where[name] = origin
    missing = [t for t in teams if t not in out]
    if missing:
        raise UsageError(f"no --answers for team(s): {', '.join(missing)}")
    return out
