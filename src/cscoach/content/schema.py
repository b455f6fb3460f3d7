"""JSON Schema (draft 2020-12) of the content formats, for editors and other tools.

The schemas mirror what `loader.py` accepts, and name the library's own step ids, source ids and
phrasebook ids as enums, so an editor with yaml-language-server completes them. What a schema
cannot say (a `next` that names no node, the pass mark, the phrases) is left to
`cscoach validate`.
"""

from __future__ import annotations

from typing import Any

from cscoach.content.library import Library
from cscoach.content.loader import FORMAT_VERSION, ID_PATTERN
from cscoach.content.model import MOOD_MAX, MOOD_MIN, Channel, Outcome

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("scenario", "phrasebook", "quiz")

Schema = dict[str, Any]


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def _text(what: str) -> Schema:
    return {"$ref": "#/$defs/text", "description": what}


def _common_defs(library: Library) -> Schema:
    return {
        "nonEmpty": {"type": "string", "pattern": r"\S"},
        "text": {
            "description": "The same text in Korean and English.",
            "type": "object",
            "required": ["ko", "en"],
            "additionalProperties": False,
            "properties": {
                "ko": {"$ref": "#/$defs/nonEmpty", "description": "Korean"},
                "en": {"$ref": "#/$defs/nonEmpty", "description": "English"},
            },
        },
        "id": {"type": "string", "pattern": ID_PATTERN,
               "description": "Lowercase letters, digits, '-' or '_'."},
        "sourceId": {"enum": sorted(library.sources),
                     "description": "An item of the source documents (see sources.yaml)."},
        "sources": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/sourceId"}},
    }


def _header(kind: str, title: str, description: str) -> Schema:
    return {
        "$schema": DIALECT,
        "$id": f"urn:cscoach:schema:{kind}:{FORMAT_VERSION}",
        "title": title,
        "description": description,
        "type": "object",
    }


def scenario_schema(library: Library) -> Schema:
    defs = _common_defs(library)
    defs["step"] = {"enum": list(library.steps.ids()),
                    "description": "One of the seven Carnegie steps, in order: "
                    + ", ".join(library.steps.ids()) + "."}
    defs["phraseId"] = {"enum": sorted(library.phrase_ids),
                        "description": "A phrasebook entry id."}
    defs["choice"] = {
        "description": "A reply the trainee may pick.",
        "type": "object",
        "required": ["says", "steps", "next", "feedback"],
        "additionalProperties": False,
        "properties": {
            "says": _text("What the trainee says."),
            "steps": {"type": "array", "uniqueItems": True, "items": {"$ref": "#/$defs/step"},
                      "description": "The steps this reply performs ([] for none)."},
            "next": {"$ref": "#/$defs/id",
                     "description": "The node or ending this reply leads to."},
            "feedback": _text("Why this reply works or not (one or two sentences)."),
            "mood": {"type": "integer", "minimum": -10, "maximum": 10, "default": 0,
                     "description": "How the customer's mood changes (the mood stays within "
                     f"{MOOD_MIN}..{MOOD_MAX})."},
            "phrases": {"type": "array", "uniqueItems": True,
                        "items": {"$ref": "#/$defs/phraseId"},
                        "description": "Phrasebook entries this reply is written to exercise."},
        },
    }
    defs["node"] = {
        "description": "A point where the customer speaks and the trainee answers.",
        "type": "object",
        "required": ["says", "choices"],
        "additionalProperties": False,
        "properties": {
            "narration": _text("What the trainee sees happen (optional)."),
            "says": _text("What the customer says."),
            "choices": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/choice"}},
        },
    }
    defs["ending"] = {
        "type": "object",
        "required": ["outcome", "title", "says", "summary"],
        "additionalProperties": False,
        "properties": {
            "outcome": {"enum": [o.value for o in Outcome]},
            "title": _text("The ending's name."),
            "says": _text("The customer's last words."),
            "summary": _text("What happened, for the debrief."),
        },
    }
    schema = _header("scenario", "cscoach scenario",
                     "A role-play drill: a customer, the conversation graph and its endings.")
    schema.update({
        "required": ["format_version", "kind", "id", "title", "summary", "persona", "channel",
                     "difficulty", "pass_mark", "start", "nodes", "endings", "sources"],
        "additionalProperties": False,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "kind": {"const": "scenario"},
            "id": {"$ref": "#/$defs/id", "description": "The id trainees play it by."},
            "version": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
            "title": _text("The scenario's title."),
            "summary": _text("The situation, shown before the drill."),
            "persona": {
                "type": "object",
                "required": ["name", "type", "description", "sources"],
                "additionalProperties": False,
                "properties": {
                    "name": _text("How the trainee addresses the customer."),
                    "type": _text("What kind of customer or client this is."),
                    "description": _text("Their situation and what they care about."),
                    "sources": {"$ref": "#/$defs/sources"},
                },
            },
            "channel": {"enum": [c.value for c in Channel]},
            "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
            "pass_mark": {"type": "integer", "minimum": 0, "maximum": 100},
            "start_mood": {"type": "integer", "minimum": MOOD_MIN, "maximum": MOOD_MAX,
                           "default": 0},
            "start": {"$ref": "#/$defs/id", "description": "The node the drill starts at."},
            "sources": {"$ref": "#/$defs/sources"},
            "nodes": {"type": "object", "minProperties": 1,
                      "propertyNames": {"$ref": "#/$defs/id"},
                      "additionalProperties": {"$ref": "#/$defs/node"}},
            "endings": {"type": "object", "minProperties": 1,
                        "propertyNames": {"$ref": "#/$defs/id"},
                        "additionalProperties": {"$ref": "#/$defs/ending"}},
        },
        "$defs": defs,
    })
    return schema


def phrasebook_schema(library: Library) -> Schema:
    defs = _common_defs(library)
    defs["phrasings"] = {
        "type": "object",
        "required": ["ko", "en"],
        "additionalProperties": False,
        "properties": {lang: {"type": "array", "minItems": 1,
                              "items": {"$ref": "#/$defs/nonEmpty"}} for lang in ("ko", "en")},
    }
    defs["optionalPhrasings"] = {
        "type": "object",
        "required": ["ko", "en"],
        "additionalProperties": False,
        "properties": {lang: {"type": "array", "items": {"$ref": "#/$defs/nonEmpty"}}
                       for lang in ("ko", "en")},
    }
    schema = _header("phrasebook", "cscoach phrasebook",
                     "\"Don't say\" phrasings, why they hurt, and what to say instead.")
    schema.update({
        "required": ["format_version", "kind", "entries"],
        "additionalProperties": False,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "kind": {"const": "phrasebook"},
            "title": _text("The phrasebook's title."),
            "entries": {"type": "array", "minItems": 1, "items": {
                "type": "object",
                "required": ["id", "source", "dont_say", "why", "say_instead",
                             "say_instead_markers"],
                "additionalProperties": False,
                "properties": {
                    "id": {"$ref": "#/$defs/id"},
                    "source": {"$ref": "#/$defs/sourceId"},
                    "dont_say": {"$ref": "#/$defs/phrasings",
                                 "description": "Phrasings to avoid, several per language."},
                    "why": _text("Why it hurts."),
                    "say_instead": _text("What to say instead."),
                    "say_instead_markers": {"$ref": "#/$defs/phrasings",
                                            "description": "Phrasings that earn credit."},
                    "not_when": {"$ref": "#/$defs/optionalPhrasings",
                                 "description": "Look-alikes that mean something else."},
                },
            }},
        },
        "$defs": defs,
    })
    return schema


def quiz_schema(library: Library) -> Schema:
    from cscoach.content.model import TOPICS, QType

    defs = _common_defs(library)
    common = {
        "id": {"$ref": "#/$defs/id"},
        "topic": {"enum": list(TOPICS)},
        "source": {"$ref": "#/$defs/sourceId"},
        "prompt": _text("The question."),
        "explanation": _text("Shown after the answer: why it is right."),
    }
    required = ["id", "topic", "type", "source", "prompt", "explanation"]

    def variant(kind: QType, extra: Schema, description: str) -> Schema:
        return {"description": description, "type": "object",
                "required": [*required, *extra], "additionalProperties": False,
                "properties": {**common, "type": {"const": kind.value}, **extra}}

    defs["option"] = {"type": "object", "required": ["text"], "additionalProperties": False,
                      "properties": {"text": _text("An answer to pick."),
                                     "correct": {"type": "boolean"}}}
    schema = _header("quiz", "cscoach quiz bank",
                     "Trainer-written quiz questions: single choice, true/false, ordering.")
    schema.update({
        "required": ["format_version", "kind", "questions"],
        "additionalProperties": False,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "kind": {"const": "quiz"},
            "title": _text("The bank's title."),
            "questions": {"type": "array", "minItems": 1, "items": {"oneOf": [
                variant(QType.SINGLE, {"options": {
                    "type": "array", "minItems": 2, "items": {"$ref": "#/$defs/option"},
                    "contains": {"required": ["correct"],
                                 "properties": {"correct": {"const": True}}},
                    "minContains": 1, "maxContains": 1}},
                    "One right option among several (exactly one has correct: true)."),
                variant(QType.TRUEFALSE, {"answer": {"type": "boolean"}}, "True or false."),
                variant(QType.ORDER, {"items": {"type": "array", "minItems": 2,
                                                "items": {"$ref": "#/$defs/text"}}},
                        "Items to put in order, written in the right order."),
            ]}},
        },
        "$defs": defs,
    })
    return schema


def schema_for(kind: str, library: Library) -> Schema:
    if kind == "quiz":
        return quiz_schema(library)
    return scenario_schema(library) if kind == "scenario" else phrasebook_schema(library)
