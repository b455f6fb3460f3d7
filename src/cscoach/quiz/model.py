"""Quiz questions and the topics they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cscoach.model import Text

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
