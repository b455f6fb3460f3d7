"""The data of cscoach: scenarios, the seven steps, the phrasebook (typed and frozen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cscoach.i18n import LANGS as LANGS
from cscoach.i18n import Lang as Lang
from cscoach.i18n import Text as Text

MOOD_MIN = -5
MOOD_MAX = 5


class Channel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    ONLINE = "online"


class Outcome(StrEnum):
    """How an ending turned out for the relationship with the customer."""

    GOOD = "good"
    PARTIAL = "partial"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Step:
    """One of the seven Carnegie steps (S003-1..7)."""

    id: str  # greet, listen, ask, empathize, resolve, check, follow_up
    order: int  # 1..7
    name: Text
    meaning: Text
    source: str
    # phrasings that show the step being done, for free text (`cscoach check`, `play --free`)
    cues: dict[Lang, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class StepCatalog:
    """The seven steps in Carnegie order."""

    steps: tuple[Step, ...]
    by_id: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id: s for s in self.steps})

    def get(self, step_id: str) -> Step:
        return self.by_id[step_id]

    def __contains__(self, step_id: object) -> bool:
        return step_id in self.by_id

    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.steps)


@dataclass(frozen=True, slots=True)
class Source:
    """An item of the source documents (`S001-SAY`, `S003-4` ...)."""

    id: str
    document: str
    title: Text
    # What the item teaches a trainee to do, in a sentence (quiz questions are made from it).
    advice: Text | None = None


@dataclass(frozen=True, slots=True)
class PhraseEntry:
    """A "don't say" with why it hurts and what to say instead."""

    id: str
    source: str
    dont_say: dict[Lang, tuple[str, ...]]
    why: Text
    say_instead: Text
    # Phrasings that count as doing what `say_instead` recommends (earn credit).
    say_instead_markers: dict[Lang, tuple[str, ...]]
    # Phrasings that look like a "don't say" but mean something else.
    not_when: dict[Lang, tuple[str, ...]] = field(default_factory=dict)
    # Why it hurts in a channel whose setting the general `why` does not fit (PR, a review).
    why_by_channel: dict[Channel, Text] = field(default_factory=dict)

    def why_in(self, channel: Channel | None) -> Text:
        """Why it hurts, as said for a complaint made in `channel`."""
        return self.why_by_channel.get(channel, self.why) if channel is not None else self.why


@dataclass(frozen=True, slots=True)
class Phrasebook:
    entries: tuple[PhraseEntry, ...]

    def get(self, entry_id: str) -> PhraseEntry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


@dataclass(frozen=True, slots=True)
class Persona:
    name: Text
    type: Text
    description: Text
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """What the trainee may say at a node, and where it leads."""

    says: Text
    steps: tuple[str, ...]
    next: str
    feedback: Text
    mood: int = 0  # change in the customer's mood
    line: int = 0  # where it was written, for messages
    # Phrasebook entries the author wrote this reply to exercise (checked by `cscoach validate`).
    phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A point in the conversation where the customer speaks and the trainee answers."""

    id: str
    says: Text
    choices: tuple[Choice, ...]
    narration: Text | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    outcome: Outcome
    title: Text
    says: Text
    summary: Text
    line: int = 0


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    version: int
    title: Text
    summary: Text
    persona: Persona
    channel: Channel
    difficulty: int  # 1 (gentle) .. 5 (hardest)
    pass_mark: int  # 0..100
    start: str
    start_mood: int
    nodes: dict[str, Node]
    endings: dict[str, Ending]
    sources: tuple[str, ...]
    path: str = ""  # the file it came from
    # where each top-level key was written (line), for messages about the whole scenario
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def is_ending(self, target: str) -> bool:
        return target in self.endings


# --------------------------------------------------------------------------- the quiz bank

# Topics, in the order a quiz menu shows them.
TOPICS = ("steps", "phrasebook", "customer-types", "channels", "pr-clients", "principles",
          "facts")


class QType(StrEnum):
    SINGLE = "single"  # one right option among several
    TRUEFALSE = "truefalse"
    ORDER = "order"  # put the options in the right order


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    topic: str
    type: QType
    source: str
    prompt: Text
    # SINGLE: the options, `correct` is the index of the right one.
    # ORDER: the items in their right order. TRUEFALSE: empty.
    options: tuple[Text, ...]
    correct: int | bool | None
    explanation: Text
    origin: str = "generated"  # "generated", or the bank file it came from
    line: int = 0
