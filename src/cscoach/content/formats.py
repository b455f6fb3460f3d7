"""Every content format, described once: the loader checks files against these and `cscoach
schema` prints them as JSON Schema (docs/scenario-format.md and docs/quiz-format.md explain them
for authors)."""

from __future__ import annotations

from cscoach.content.model import MOOD_MAX, MOOD_MIN, TOPICS, Channel, Outcome, QType
from cscoach.content.reading import FORMAT_VERSION, KINDS
from cscoach.content.spec import (
    Bilingual,
    Bool,
    Const,
    Field,
    Id,
    IdMap,
    Int,
    List,
    Map,
    OneOf,
    PhraseId,
    Phrasings,
    SourceId,
    Spec,
    StepId,
    Str,
)


def _sources(description: str) -> List:
    return List(SourceId(), 1, description=description)


def _top(kind: str, fields: dict[str, Field]) -> dict[str, Field]:
    return {"format_version": Field(Const(FORMAT_VERSION)), "kind": Field(Const(kind)),
            **fields}


# -- scenario

CHOICE = Map({
    "says": Field(Bilingual("What the trainee says.")),
    "steps": Field(List(StepId(), unique="a step",
                        description="The steps this reply performs ([] for none).")),
    "next": Field(Id("The node or ending this reply leads to.")),
    "feedback": Field(Bilingual("Why this reply works or not (one or two sentences).")),
    "mood": Field(Int(-10, 10, 0, "How the customer's mood changes (the mood stays within "
                      f"{MOOD_MIN}..{MOOD_MAX})."), required=False),
    "phrases": Field(List(PhraseId(), unique="a phrasebook id",
                          description="Phrasebook entries this reply is written to exercise."),
                     required=False),
}, label="choice", define="choice", description="A reply the trainee may pick.")

NODE = Map({
    "says": Field(Bilingual("What the customer says.")),
    "choices": Field(List(CHOICE, 1, owned=True, empty=(
        "{what} is a dead end: it has no choices and is not an ending; add a choice, or move "
        "it under 'endings'"))),
    "narration": Field(Bilingual("What the trainee sees happen (optional)."), required=False),
}, define="node", description="A point where the customer speaks and the trainee answers.")

ENDING = Map({
    "outcome": Field(OneOf(tuple(o.value for o in Outcome))),
    "title": Field(Bilingual("The ending's name.")),
    "says": Field(Bilingual("The customer's last words.")),
    "summary": Field(Bilingual("What happened, for the debrief.")),
}, define="ending")

PERSONA = Map({
    "name": Field(Bilingual("How the trainee addresses the customer.")),
    "type": Field(Bilingual("What kind of customer or client this is.")),
    "description": Field(Bilingual("Their situation and what they care about.")),
    "sources": Field(_sources("The customer/client type in the source documents.")),
})

SCENARIO = Map(_top("scenario", {
    "id": Field(Id("The id trainees play it by (also the file name).")),
    "version": Field(Int(1, 1_000_000, 1, "Bump it when you change the content."),
                     required=False),
    "title": Field(Bilingual("The scenario's title.")),
    "summary": Field(Bilingual("The situation, shown before the drill.")),
    "persona": Field(PERSONA),
    "channel": Field(OneOf(tuple(c.value for c in Channel))),
    "difficulty": Field(Int(1, 5, None, "1 (gentle) .. 5 (hardest).")),
    "pass_mark": Field(Int(0, 100, None, "The score that passes, 0..100.")),
    "start_mood": Field(Int(MOOD_MIN, MOOD_MAX, 0, "The customer's mood at the start."),
                        required=False),
    "sources": Field(_sources("Everything the scenario teaches.")),
    "start": Field(Id("The node the drill starts at.")),
    "nodes": Field(IdMap(NODE, "node")),
    "endings": Field(IdMap(ENDING, "ending")),
}), description="A role-play drill: a customer, the conversation graph and its endings.")

# -- phrasebook

ENTRY = Map({
    "id": Field(Id()),
    "source": Field(SourceId()),
    "dont_say": Field(Phrasings(1, "Phrasings to avoid, several per language.")),
    "why": Field(Bilingual("Why it hurts.")),
    "say_instead": Field(Bilingual("What to say instead.")),
    "say_instead_markers": Field(Phrasings(1, "Phrasings that earn credit.")),
    "not_when": Field(Phrasings(0, "Look-alikes that mean something else."), required=False),
    "why_by_channel": Field(Map({c.value: Field(Bilingual(
        f"Why it hurts, said for a complaint made {c.value.replace('_', ' ')}."), required=False)
        for c in Channel}, description="Why it hurts in one channel, where the general `why` "
        "speaks of another setting; the debrief shows it for a drill in that channel."),
        required=False),
}, name_by="id", label="entry")

PHRASEBOOK = Map(_top("phrasebook", {
    "title": Field(Bilingual("The phrasebook's title."), required=False),
    "entries": Field(List(ENTRY, 1, unique_by="id", twice=(
        "phrasebook id '{id}' is used twice (first at line {line})"))),
}), description="\"Don't say\" phrasings, why they hurt, and what to say instead.")

# -- the seven steps and the sources

STEP = Map({
    "id": Field(Id()),
    "name": Field(Bilingual("The step's name.")),
    "meaning": Field(Bilingual("What doing it means.")),
    "source": Field(SourceId()),
    "cues": Field(Phrasings(1, "Phrasings that show the step being done in free text."),
                  required=False),
}, label="step")

STEPS = Map(_top("steps", {
    "steps": Field(List(STEP, 7, unique_by="id", twice="step id '{id}' is used twice",
                        description="The seven Carnegie steps, in order.")),
}), description="The seven steps of the Carnegie sequence, in order.")

SOURCE = Map({
    "id": Field(SourceId(new=True)),
    "document": Field(Str("Which source document it comes from.")),
    "title": Field(Bilingual("What the item is called.")),
    "advice": Field(Bilingual("What it teaches a trainee to do, in a sentence."),
                    required=False),
}, label="source")

SOURCES = Map(_top("sources", {
    "sources": Field(List(SOURCE, 1, unique_by="id", twice="source id '{id}' is listed twice")),
}), description="Every teachable item of the source documents.")

# -- the quiz bank

OPTION = Map({
    "text": Field(Bilingual("An answer to pick.")),
    "correct": Field(Bool(), required=False),
}, label="option")

QUESTION = Map({
    "id": Field(Id()),
    "topic": Field(OneOf(TOPICS)),
    "type": Field(OneOf(tuple(t.value for t in QType))),
    "source": Field(SourceId()),
    "prompt": Field(Bilingual("The question.")),
    "explanation": Field(Bilingual("Shown after the answer: why it is right.")),
}, name_by="id", label="question", switch="type", variants={
    QType.SINGLE.value: {"options": Field(List(OPTION, 2, owned=True, one_marked="correct",
                                               description="Exactly one has correct: true."))},
    QType.TRUEFALSE.value: {"answer": Field(Bool("True or false."))},
    QType.ORDER.value: {"items": Field(List(Bilingual(), 2, description=(
        "Items to put in order, written in the right order.")))},
})

QUIZ = Map(_top("quiz", {
    "title": Field(Bilingual("The bank's title."), required=False),
    "questions": Field(List(QUESTION, 1, unique_by="id", twice=(
        "question id '{id}' is used twice (first at line {line})"))),
}), description="Trainer-written quiz questions: single choice, true/false, ordering.")

FORMATS: dict[str, Map] = {"scenario": SCENARIO, "phrasebook": PHRASEBOOK, "steps": STEPS,
                           "sources": SOURCES, "quiz": QUIZ}

TITLES = {"scenario": "cscoach scenario", "phrasebook": "cscoach phrasebook",
          "steps": "cscoach steps", "sources": "cscoach sources", "quiz": "cscoach quiz bank"}

# What a JSON Schema cannot see, and `cscoach validate` checks (each is a located problem).
BEYOND_SCHEMA: dict[str, tuple[str, ...]] = {
    "scenario": ("a `next:` and `start:` must name a node or ending of this file; nodes and "
                 "endings share one namespace; every node must be reachable and lead to an "
                 "ending; the best path must pass and the worst fail",
                 "anchors, aliases and merge keys are refused (an editor resolves them before "
                 "a schema sees the file)"),
    "phrasebook": ("no two entries may share an id, in this file or across the library",
                   "anchors, aliases and merge keys are refused"),
    "steps": ("no two steps may share an id", "anchors, aliases and merge keys are refused"),
    "sources": ("no two sources may share an id", "anchors, aliases and merge keys are refused"),
    "quiz": ("no two questions may share an id, nor an id of a question made from the content",
             "anchors, aliases and merge keys are refused"),
}

__all__ = ["FORMATS", "FORMAT_VERSION", "KINDS", "Spec"]
