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
    CHAT = "chat"  # a private message (카카오톡, a shop's chat): where a public review is taken


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
    # look-alikes of a cue that do not do the step: a cue overlapping one is not counted
    not_when: dict[Lang, tuple[str, ...]] = field(default_factory=dict, compare=False,
                                                  hash=False)


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
    # The question made from `advice`: the situation, why, and the most tempting wrong advice.
    quiz: SourceQuiz | None = None


@dataclass(frozen=True, slots=True)
class SourceQuiz:
    case: Text
    why: Text
    tempting: str  # a source id of the same group
    tempting_why: Text


@dataclass(frozen=True, slots=True)
class Decoys:
    """Polite replies that still do the wrong thing (the most tempting first), and why that one
    is wrong: the wrong options of the quiz question made from a phrasebook entry."""

    options: tuple[Text, ...]
    tempting: Text


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
    line: int = field(default=0, compare=False)  # where the entry starts in its file
    path: str = field(default="", compare=False)  # the file it came from
    decoys: Decoys | None = None

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


Facts = frozenset[str]


@dataclass(frozen=True, slots=True)
class Condition:
    """When a variant is shown or a route taken (format 2): every part given holds."""

    all: tuple[str, ...] = ()  # each of these facts is true
    any: tuple[str, ...] = ()  # at least one is
    none: tuple[str, ...] = ()  # none is (`not:` in the file)
    mood_min: int | None = None
    mood_max: int | None = None
    line: int = 0

    def holds(self, facts: Facts, mood: int) -> bool:
        return (all(f in facts for f in self.all)
                and (not self.any or any(f in facts for f in self.any))
                and not any(f in facts for f in self.none)
                and (self.mood_min is None or mood >= self.mood_min)
                and (self.mood_max is None or mood <= self.mood_max))

    def facts(self) -> tuple[str, ...]:
        return (*self.all, *self.any, *self.none)

    def describe(self) -> str:
        """`offered-credit & !at-desk & mood>=0`, for graphs and messages."""
        parts = [*self.all]
        if self.any:
            parts.append("(" + " | ".join(self.any) + ")" if len(self.any) > 1 else self.any[0])
        parts += [f"!{f}" for f in self.none]
        if self.mood_min is not None:
            parts.append(f"mood>={self.mood_min}")
        if self.mood_max is not None:
            parts.append(f"mood<={self.mood_max}")
        return " & ".join(parts)


@dataclass(frozen=True, slots=True)
class Variant:
    """One way a line may be said; the first variant whose `when` holds is shown."""

    text: Text
    when: Condition | None = None
    assumes: tuple[str, ...] = ()  # facts this line takes as said (validate proves them)
    line: int = 0


def pick(variants: tuple[Variant, ...], facts: Facts, mood: int) -> int:
    """The index of the variant shown (the last has no condition)."""
    for i, v in enumerate(variants):
        if v.when is None or v.when.holds(facts, mood):
            return i
    return len(variants) - 1


@dataclass(frozen=True, slots=True)
class Route:
    """Where a reply leads when `when` holds (the last route has none)."""

    to: str
    when: Condition | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Choice:
    """What the trainee may say at a node, and where it leads."""

    says: Text
    steps: tuple[str, ...]
    next: str  # where it leads (with `routes`: where the last route leads)
    feedback: Text
    mood: int = 0  # change in the customer's mood
    line: int = 0  # where it was written, for messages
    # Phrasebook entries the author wrote this reply to exercise (checked by `cscoach validate`).
    phrases: tuple[str, ...] = ()
    # format 2
    set: tuple[str, ...] = ()  # facts it makes true
    clear: tuple[str, ...] = ()  # facts it makes false
    meet: tuple[str, ...] = ()  # lessons it meets
    breaks: tuple[str, ...] = ()  # lessons it breaks (`break:` in the file)
    routes: tuple[Route, ...] = ()  # when the target depends on facts and mood
    # a composed message: the option picked in each part (0-based), else ()
    parts: tuple[int, ...] = ()

    def targets(self) -> tuple[str, ...]:
        """Every node or ending this reply can lead to."""
        return tuple(dict.fromkeys(r.to for r in self.routes)) if self.routes else (self.next,)

    def target(self, facts: Facts, mood: int) -> str:
        """Where it leads with these facts and this mood (after the reply)."""
        for r in self.routes:
            if r.when is None or r.when.holds(facts, mood):
                return r.to
        return self.next

    def after(self, facts: Facts) -> Facts:
        """The facts once this reply is said."""
        if not self.set and not self.clear:
            return facts
        return (facts - frozenset(self.clear)) | frozenset(self.set)


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a composed message (greeting, acknowledgement, ... sign-off)."""

    name: Text
    options: tuple[Choice, ...]  # their `next` is the node's
    line: int = 0


@dataclass(frozen=True, slots=True)
class Node:
    """A point in the conversation where the customer speaks and the trainee answers."""

    id: str
    says: Text
    # a compose node's choices are every message its parts can make, in mixed-radix order
    choices: tuple[Choice, ...]
    narration: Text | None = None
    line: int = 0
    # format 2: what the customer says (and the narration) as variants; () for one text
    says_variants: tuple[Variant, ...] = ()
    narration_variants: tuple[Variant, ...] = ()
    parts: tuple[Part, ...] = ()  # a compose turn's parts, else ()
    channel: Channel | None = None  # format 2: where this turn happens, when not the scenario's

    def says_at(self, facts: Facts, mood: int) -> Text:
        if not self.says_variants:
            return self.says
        return self.says_variants[pick(self.says_variants, facts, mood)].text

    def narration_at(self, facts: Facts, mood: int) -> Text | None:
        if not self.narration_variants:
            return self.narration
        return self.narration_variants[pick(self.narration_variants, facts, mood)].text

    def compose_index(self, picks: tuple[int, ...]) -> int:
        """The choice (0-based) a composed message is, from the option (0-based) of each part."""
        index = 0
        for part, k in zip(self.parts, picks, strict=True):
            index = index * len(part.options) + k
        return index


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    outcome: Outcome
    title: Text
    says: Text
    summary: Text
    line: int = 0
    require: tuple[str, ...] = ()  # format 2: facts a path must have made true to get here
    says_variants: tuple[Variant, ...] = ()

    def says_at(self, facts: Facts, mood: int) -> Text:
        if not self.says_variants:
            return self.says
        return self.says_variants[pick(self.says_variants, facts, mood)].text


@dataclass(frozen=True, slots=True)
class Lesson:
    """What a scenario exists to teach (format 2); choices meet or break it."""

    id: str
    text: Text
    source: str
    weight: int  # points lost when it is broken
    critical: bool = False  # breaking it caps the score below the pass mark
    line: int = 0


@dataclass(frozen=True, slots=True)
class ActAtOnce:
    """When the sources say a fix belongs at once (S001-CH2): the listed steps are not needed
    before the first fix made while `when` holds."""

    source: str
    steps: tuple[str, ...]
    because: Text
    when: Condition | None = None
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
    format_version: int = 1
    facts: dict[str, Text] = field(default_factory=dict)  # format 2: id -> what it means
    lessons: tuple[Lesson, ...] = ()
    act_at_once: ActAtOnce | None = None
    # where it comes from: the content pack ("" for the shipped library, a folder's path for a
    # file played by path) and the hash of its file, which histories key attempts by
    pack: str = ""
    digest: str = ""

    def lesson(self, lesson_id: str) -> Lesson:
        return next(x for x in self.lessons if x.id == lesson_id)

    def channel_at(self, node: Node) -> Channel:
        """Where a turn happens: the node's own channel (a review taken private, a letter
        answered at a meeting), else the scenario's."""
        return node.channel or self.channel

    def is_ending(self, target: str) -> bool:
        return target in self.endings


# --------------------------------------------------------------------------- the quiz bank

# Topics, in the order a quiz menu shows them.
TOPICS = ("steps", "phrasebook", "customer-types", "channels", "pr-clients", "principles",
          "ideas", "facts")


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
