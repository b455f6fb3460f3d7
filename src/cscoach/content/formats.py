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
    Either,
    Field,
    Id,
    IdMap,
    Int,
    List,
    LocalId,
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


def _top(kind: str, fields: dict[str, Field], version: int = FORMAT_VERSION) -> dict[str, Field]:
    return {"format_version": Field(Const(version)), "kind": Field(Const(kind)), **fields}


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

# -- scenario, format 2: facts, variants, routes, lessons, compose turns

FACT = LocalId("fact", "facts:", "A fact declared under 'facts:'.")
LESSON_ID = LocalId("lesson", "lessons:", "A lesson declared under 'lessons:'.")


def _facts(description: str) -> List:
    return List(FACT, 1, unique="a fact", description=description)


MOOD_RANGE = Map({
    "min": Field(Int(MOOD_MIN, MOOD_MAX, None, "The lowest mood it holds at."), required=False),
    "max": Field(Int(MOOD_MIN, MOOD_MAX, None, "The highest mood it holds at."), required=False),
}, description="A range of the customer's mood (either bound may be left out).")

CONDITION = Map({
    "all": Field(_facts("Each of these facts is true."), required=False),
    "any": Field(_facts("At least one of these facts is true."), required=False),
    "not": Field(_facts("None of these facts is true."), required=False),
    "mood": Field(MOOD_RANGE, required=False),
}, define="condition", description="Holds when every part given holds.")

VARIANT = Map({
    "ko": Field(Str("Korean")),
    "en": Field(Str("English")),
    "when": Field(CONDITION, required=False),
    "assumes": Field(_facts("Facts this line takes as said (validate proves them on every "
                            "path that shows it)."), required=False),
}, label="variant", define="variant",
    description="One way the line is said; the first whose `when` holds is shown, and the "
                "last has no `when`.")


def _lines(description: str) -> Either:
    return Either(mapping=Bilingual(), sequence=List(VARIANT, 1), description=description)


ROUTE = Map({
    "when": Field(CONDITION, required=False),
    "to": Field(Id("The node or ending it leads to.")),
}, label="route", define="route",
    description="Where the reply leads when `when` holds; the last route has no `when`.")

NEXT = Either(scalar=Id(), sequence=List(ROUTE, 2),
              description="The node or ending the reply leads to, or routes (the first that "
                          "holds is taken).")

_REPLY = {  # a format-1 choice's keys but `next`, and what format 2 adds
    **{k: f for k, f in CHOICE.fields.items() if k != "next"},
    "set": Field(_facts("Facts this reply makes true."), required=False),
    "clear": Field(_facts("Facts this reply makes false."), required=False),
    "meet": Field(List(LESSON_ID, 1, unique="a lesson", description="Lessons it meets."),
                  required=False),
    "break": Field(List(LESSON_ID, 1, unique="a lesson", description="Lessons it breaks."),
                   required=False),
}

CHOICE2 = Map({**_REPLY, "next": Field(NEXT)}, label="choice", define="choice2",
              description="A reply the trainee may pick.")

OPTION2 = Map({**_REPLY, "steps": Field(_REPLY["steps"].spec, required=False)},
              label="option", define="line",
              description="One line the trainee may put in this part of the message.")

PART = Map({
    "part": Field(Bilingual("What this part of the message is (greeting, sign-off ...).")),
    "options": Field(List(OPTION2, 1, owned=True)),
}, label="part", define="part")

NODE2 = Map({
    "says": Field(_lines("What the customer says.")),
    "narration": Field(_lines("What the trainee sees happen (optional)."), required=False),
    "choices": Field(List(CHOICE2, 1, owned=True, empty=(
        "{what} is a dead end: it has no choices and is not an ending; add a choice, or move "
        "it under 'endings'")), required=False),
    "compose": Field(List(PART, 1, owned=True, description=(
        "A compose turn: the trainee builds one message, a line from each part in order.")),
        required=False),
    "next": Field(NEXT, required=False),
    "channel": Field(OneOf(tuple(c.value for c in Channel), description=(
        "Where this turn happens when not on the scenario's channel (a public review taken to a "
        "private chat, a letter answered at a meeting).")), required=False),
}, define="node2", exactly_one=("choices", "compose", "next"),
    description="A point where the customer speaks and the trainee answers (with `choices`, or "
                "by composing one message from `compose` parts, then `next`).")

ENDING2 = Map({
    "outcome": Field(OneOf(tuple(o.value for o in Outcome))),
    "title": Field(Bilingual("The ending's name.")),
    "says": Field(_lines("The customer's last words.")),
    "summary": Field(Bilingual("What happened, for the debrief.")),
    "require": Field(_facts("Facts every path to this ending must have made true (validate "
                            "proves it)."), required=False),
}, define="ending2")

LESSON = Map({
    "id": Field(Id()),
    "text": Field(Bilingual("What the trainee should do (or not do).")),
    "source": Field(SourceId()),
    "weight": Field(Int(1, 50, None, "Points lost when it is broken.")),
    "critical": Field(Bool("Breaking it caps the score below the pass mark."), required=False),
}, name_by="id", label="lesson")

ACT_AT_ONCE = Map({
    "source": Field(SourceId()),
    "steps": Field(List(StepId(), 1, unique="a step", description=(
        "Steps that need not come before a fix made at once."))),
    "because": Field(Bilingual("Why acting at once is right here (shown in the debrief).")),
    "when": Field(CONDITION, required=False),
}, description="When the sources say a fix belongs at once (S001-CH2, a complaint in person).")

SCENARIO2 = Map(_top("scenario", {
    **{k: f for k, f in SCENARIO.fields.items() if k not in (
        "format_version", "kind", "nodes", "endings")},
    "facts": Field(IdMap(Bilingual("What the fact means."), "fact", description=(
        "Every fact the scenario remembers, with what it means.")), required=False),
    "lessons": Field(List(LESSON, 1, unique_by="id", twice=(
        "lesson id '{id}' is used twice (first at line {line})"), description=(
            "What the scenario exists to teach; at least one is critical."))),
    "act_at_once": Field(ACT_AT_ONCE, required=False),
    "nodes": Field(IdMap(NODE2, "node")),
    "endings": Field(IdMap(ENDING2, "ending")),
}, version=2), description="A role-play drill (format 2): a customer who remembers what was "
                           "said, the conversation graph, its endings and its lessons.")

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
    "quiz": Field(Map({
        "decoys": Field(List(Bilingual(), 3, description=(
            "Polite replies that still do the wrong thing here (the quiz's wrong options), "
            "the most tempting first."))),
        "tempting": Field(Bilingual("Why the first decoy, the most tempting, is still wrong.")),
    }, description="The wrong options of the quiz question made from this entry; without it, "
                   "other entries' replies are the wrong options."), required=False),
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
    "not_when": Field(Phrasings(0, "Look-alikes of a cue that do not do the step (\"I'll tell "
                                   "you what happened\" holds \"what happened\" and asks "
                                   "nothing): a cue overlapping one is not counted."),
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
    "quiz": Field(Map({
        "case": Field(Bilingual("The situation the question describes, without a word of the "
                                "advice.")),
        "why": Field(Bilingual("Why the advice is right in that situation.")),
        "tempting": Field(Str("The id of the source in the same group whose advice is the most "
                              "tempting wrong answer.")),
        "tempting_why": Field(Bilingual("Why that advice is wrong here.")),
    }, description="The quiz question made from this item's advice (needs `advice`)."),
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
# the formats that have a later version, by (kind, version)
VERSIONS: dict[tuple[str, int], Map] = {("scenario", 2): SCENARIO2}
LATEST = {"scenario": 2}


def format_of(kind: str, version: int) -> Map:
    return VERSIONS.get((kind, version), FORMATS[kind])

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
