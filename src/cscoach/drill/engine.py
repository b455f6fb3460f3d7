"""The role-play state machine: walks a scenario choice by choice. Pure: no I/O, no prompts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cscoach.content.model import MOOD_MAX, MOOD_MIN, Choice, Ending, Node, Scenario
from cscoach.errors import UsageError

MAX_TURNS = 200  # a guard against a scenario that loops forever


def clamp_mood(mood: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, mood))


@dataclass(frozen=True, slots=True)
class Turn:
    """One exchange: the node the customer spoke at and what the trainee chose."""

    number: int  # 1-based
    node: Node
    index: int  # 0-based, authored order
    choice: Choice
    mood_before: int
    mood_after: int
    # True when the trainee typed `choice.says` (play --free): `choice` is then their words and
    # the steps they performed, going on as authored reply `index` does
    typed: bool = False

    @property
    def authored(self) -> Choice:
        """The authored reply this turn went on as (the one picked, or the closest typed)."""
        return self.node.choices[self.index]


@dataclass(frozen=True, slots=True)
class Transcript:
    scenario: Scenario
    turns: tuple[Turn, ...]
    ending: Ending
    final_mood: int

    @property
    def answers(self) -> list[int]:
        """The 1-based answers that replay this transcript."""
        return [t.index + 1 for t in self.turns]


class AnswerError(UsageError):
    """A scripted answer that cannot be played (exit 2)."""


class Session:
    """A drill in progress."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.node: Node | None = scenario.nodes[scenario.start]
        self.mood = clamp_mood(scenario.start_mood)
        self.turns: list[Turn] = []
        self.ending: Ending | None = None

    @classmethod
    def resume(cls, scenario: Scenario, answers: Iterable[int]) -> Session:
        """A drill with these 1-based answers already given (it may be over)."""
        session = cls(scenario)
        for answer in answers:
            session.choose(answer - 1)
        return session

    @property
    def over(self) -> bool:
        return self.ending is not None

    def choose(self, index: int, typed: Choice | None = None) -> Turn:
        """Take choice `index` (0-based, authored order) at the current node; `typed` is what
        the trainee typed instead, taken as that choice (see `cscoach.judge.free.as_choice`)."""
        node = self.node
        if node is None:
            raise AnswerError("the drill is over; no more answers are needed")
        if not 0 <= index < len(node.choices):
            raise AnswerError(
                f"answer {index + 1} at turn {len(self.turns) + 1} (node '{node.id}') is out of "
                f"range: choose 1-{len(node.choices)}"
            )
        if len(self.turns) >= MAX_TURNS:
            raise AnswerError(f"the drill ran past {MAX_TURNS} turns; the scenario loops")
        choice = node.choices[index] if typed is None else typed
        if choice.next != node.choices[index].next:
            raise AnswerError(f"a typed reply must go on as choice {index + 1} does")
        before = self.mood
        self.mood = clamp_mood(before + choice.mood)
        turn = Turn(len(self.turns) + 1, node, index, choice, before, self.mood, typed is not None)
        self.turns.append(turn)
        if self.scenario.is_ending(choice.next):
            self.ending = self.scenario.endings[choice.next]
            self.node = None
        else:
            self.node = self.scenario.nodes[choice.next]
        return turn

    def transcript(self) -> Transcript:
        if self.ending is None:
            raise AnswerError("the drill has not reached an ending yet")
        return Transcript(self.scenario, tuple(self.turns), self.ending, self.mood)


def play(scenario: Scenario, answers: Iterable[int]) -> Transcript:
    """Play scripted 1-based answers through to an ending."""
    session = Session(scenario)
    answers = list(answers)
    for used, answer in enumerate(answers):
        if session.over:
            raise left_over(len(answers) - used, used)
        session.choose(answer - 1)
    if session.node is not None:
        raise ran_out(session.node, len(session.turns))
    return session.transcript()


def left_over(left: int, used: int) -> AnswerError:
    """Scripted answers still there when the drill ended after `used` turns."""
    return AnswerError(f"{left} answer(s) left over: the drill ended after {used} turn(s)")


def ran_out(node: Node, played: int) -> AnswerError:
    """No scripted answer left for `node`, after `played` turns."""
    return AnswerError(f"the answers ran out at turn {played + 1} (node '{node.id}'); give one "
                       f"more answer (1-{len(node.choices)})")


def parse_answers(spec: str) -> list[int]:
    """`"2,1,3"` -> [2, 1, 3]; spaces are allowed."""
    out: list[int] = []
    for i, part in enumerate(spec.replace(" ", "").split(","), 1):
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise AnswerError(f"--answers item {i} '{part}' is not a whole number from 1 up")
        out.append(int(part))
    if not out:
        raise AnswerError("--answers is empty; give numbers like 2,1,3")
    return out


@dataclass(frozen=True, slots=True)
class PathSet:
    """Every simple path (no node visited twice) from the start to an ending."""

    paths: tuple[tuple[int, ...], ...]  # 1-based answers
    complete: bool  # False when the limit cut the walk short


def enumerate_paths(scenario: Scenario, limit: int = 50_000,
                    steps: int | None = None) -> PathSet:
    """Depth-first walk of the scenario graph; loops are not followed twice. It stops after
    `limit` paths, or after `steps` nodes walked (default 20 a path of the limit), so a graph
    whose walks mostly run into dead ends is bounded too."""
    budget = 20 * limit + 1000 if steps is None else steps
    out: list[tuple[int, ...]] = []
    stack: list[tuple[str, tuple[int, ...], frozenset[str]]] = [
        (scenario.start, (), frozenset({scenario.start}))
    ]
    while stack:
        if budget <= 0:
            return PathSet(tuple(out), False)
        budget -= 1
        node_id, prefix, seen = stack.pop()
        node = scenario.nodes[node_id]
        for i in range(len(node.choices) - 1, -1, -1):
            target = node.choices[i].next
            answers = (*prefix, i + 1)
            if scenario.is_ending(target):
                if len(out) >= limit:
                    return PathSet(tuple(out), False)
                out.append(answers)
            elif target not in seen:  # a loop back to a node on this path is not followed
                stack.append((target, answers, seen | {target}))
    return PathSet(tuple(out), True)
