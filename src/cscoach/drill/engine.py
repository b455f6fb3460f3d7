"""The role-play state machine: walks a scenario choice by choice. Pure: no I/O, no prompts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cscoach.content.model import MOOD_MAX, MOOD_MIN, Choice, Ending, Facts, Node, Scenario
from cscoach.errors import UsageError
from cscoach.i18n import Text

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
    facts_before: Facts = frozenset()  # what the conversation held when the customer spoke
    facts_after: Facts = frozenset()

    @property
    def says(self) -> Text:
        """What the customer said at this turn (the variant the facts and mood chose)."""
        return self.node.says_at(self.facts_before, self.mood_before)

    @property
    def narration(self) -> Text | None:
        return self.node.narration_at(self.facts_before, self.mood_before)

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
    facts: Facts = frozenset()  # what the conversation held at the end

    @property
    def ending_says(self) -> Text:
        return self.ending.says_at(self.facts, self.final_mood)

    @property
    def answers(self) -> list[int]:
        """The 1-based answers that replay this transcript (a compose turn's is the 1-based
        index of the message among all its parts can make; `answers_text` writes it `1.2.1`)."""
        return [t.index + 1 for t in self.turns]

    def answers_text(self) -> str:
        return ",".join(answer_text(t.node, t.index + 1) for t in self.turns)


Answer = int | tuple[int, ...]  # 1-based; a compose turn's: one per part


def answer_text(node: Node, answer: int) -> str:
    """How a 1-based answer at `node` is written in `--answers` (`2`, or `1.2.1` for the
    message a compose turn's parts make)."""
    if not node.parts:
        return str(answer)
    picks = node.choices[answer - 1].parts
    return ".".join(str(k + 1) for k in picks)


def answers_text(scenario: Scenario, answers: Iterable[int]) -> str:
    """Answers from the start as `--answers` takes them (for messages that replay a path)."""
    session = Session(scenario)
    out = []
    for answer in answers:
        if session.node is None:
            break
        out.append(answer_text(session.node, answer))
        session.choose(answer - 1)
    return ",".join(out)


def index_of(node: Node, answer: Answer, turn: int) -> int:
    """The 0-based choice a 1-based answer names at `node` (turn `turn`, for messages)."""
    if node.parts:
        count = len(node.parts)
        example = ".".join(["1"] * count)
        if not isinstance(answer, tuple) or len(answer) != count:
            raise AnswerError(f"turn {turn} (node '{node.id}') is a compose turn of {count} "
                              f"parts: give one line per part joined by '.', like {example}")
        for k, (pick, part) in enumerate(zip(answer, node.parts, strict=True), 1):
            if not 1 <= pick <= len(part.options):
                raise AnswerError(f"answer {'.'.join(map(str, answer))} at turn {turn} (node "
                                  f"'{node.id}'): part {k} has lines 1-{len(part.options)}")
        return node.compose_index(tuple(p - 1 for p in answer))
    if isinstance(answer, tuple):
        raise AnswerError(f"answer {'.'.join(map(str, answer))} at turn {turn} (node "
                          f"'{node.id}') has parts, but this turn is not a compose turn; "
                          f"choose 1-{len(node.choices)}")
    return answer - 1


class AnswerError(UsageError):
    """A scripted answer that cannot be played (exit 2)."""


class Session:
    """A drill in progress."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.node: Node | None = scenario.nodes[scenario.start]
        self.mood = clamp_mood(scenario.start_mood)
        self.facts: Facts = frozenset()
        self.turns: list[Turn] = []
        self.ending: Ending | None = None

    @classmethod
    def resume(cls, scenario: Scenario, answers: Iterable[int]) -> Session:
        """A drill with these 1-based answers already given (it may be over)."""
        session = cls(scenario)
        for answer in answers:
            session.choose(answer - 1)
        return session

    def index_of(self, answer: Answer) -> int:
        """The 0-based choice a 1-based `--answers` item names at the current node."""
        if self.node is None:
            raise AnswerError("the drill is over; no more answers are needed")
        return index_of(self.node, answer, len(self.turns) + 1)

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
        authored = node.choices[index]
        choice = authored if typed is None else typed
        if choice.next != authored.next or choice.routes != authored.routes:
            raise AnswerError(f"a typed reply must go on as choice {index + 1} does")
        before, facts = self.mood, self.facts
        self.mood = clamp_mood(before + choice.mood)
        self.facts = authored.after(facts)  # the customer heard what the authored reply says
        turn = Turn(len(self.turns) + 1, node, index, choice, before, self.mood, typed is not None,
                    facts, self.facts)
        self.turns.append(turn)
        target = authored.target(self.facts, self.mood)
        if self.scenario.is_ending(target):
            self.ending = self.scenario.endings[target]
            self.node = None
        else:
            self.node = self.scenario.nodes[target]
        return turn

    @property
    def says(self) -> Text:
        """What the customer says now (the variant the facts and mood choose)."""
        assert self.node is not None
        return self.node.says_at(self.facts, self.mood)

    @property
    def narration(self) -> Text | None:
        assert self.node is not None
        return self.node.narration_at(self.facts, self.mood)

    def transcript(self) -> Transcript:
        if self.ending is None:
            raise AnswerError("the drill has not reached an ending yet")
        return Transcript(self.scenario, tuple(self.turns), self.ending, self.mood, self.facts)


def play(scenario: Scenario, answers: Iterable[Answer]) -> Transcript:
    """Play scripted 1-based answers through to an ending."""
    session = Session(scenario)
    answers = list(answers)
    for used, answer in enumerate(answers):
        if session.over:
            raise left_over(len(answers) - used, used)
        # an int at a compose turn is the message's index, as `Transcript.answers` gives it
        session.choose(session.index_of(answer) if isinstance(answer, tuple) else answer - 1)
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


def parse_answer(token: str) -> Answer | None:
    """`2` -> 2, `1.2.1` -> (1, 2, 1) (a compose turn); None when it is neither."""
    pieces = token.split(".")
    if not all(p.isdigit() and int(p) >= 1 for p in pieces):
        return None
    return int(pieces[0]) if len(pieces) == 1 else tuple(int(p) for p in pieces)


def parse_answers(spec: str) -> list[Answer]:
    """`"2,1,3"` -> [2, 1, 3]; spaces are allowed; `1.2.1` answers a compose turn."""
    out: list[Answer] = []
    for i, part in enumerate(spec.replace(" ", "").split(","), 1):
        if not part:
            continue
        answer = parse_answer(part)
        if answer is None:
            raise AnswerError(f"--answers item {i} '{part}' is not a whole number from 1 up "
                              "(or one per part, like 1.2.1, at a compose turn)")
        out.append(answer)
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
    `limit` paths, or after `steps` nodes walked and turns found (default 20 a path of the
    limit): a graph whose walks mostly run into dead ends is bounded too, and so is one whose
    paths are long (each path found is replayed turn by turn by whoever asked for it)."""
    budget = 20 * limit + 1000 if steps is None else steps
    out: list[tuple[int, ...]] = []
    # (node, answers, nodes on the path, facts, mood); facts and mood only steer routes
    stack: list[tuple[str, tuple[int, ...], frozenset[str], Facts, int]] = [
        (scenario.start, (), frozenset({scenario.start}), frozenset(),
         clamp_mood(scenario.start_mood))
    ]
    while stack:
        if budget <= 0:
            return PathSet(tuple(out), False)
        budget -= 1
        node_id, prefix, seen, facts, mood = stack.pop()
        node = scenario.nodes[node_id]
        for i in range(len(node.choices) - 1, -1, -1):
            choice = node.choices[i]
            after, now = choice.after(facts), clamp_mood(mood + choice.mood)
            target = choice.target(after, now) if choice.routes else choice.next
            answers = (*prefix, i + 1)
            if scenario.is_ending(target):
                if len(out) >= limit or budget < len(answers):
                    return PathSet(tuple(out), False)
                budget -= len(answers)
                out.append(answers)
            elif target not in seen:  # a loop back to a node on this path is not followed
                stack.append((target, answers, seen | {target}, after, now))
    return PathSet(tuple(out), True)
