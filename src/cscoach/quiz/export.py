"""The whole question bank for the LMS people already use: Moodle GIFT and Aiken, or JSON."""

from __future__ import annotations

import json
import re

from cscoach.content.model import Lang, QType, Question

_GIFT_SPECIAL = "~=#{}:\\"
# GIFT writes a matching pair `=ITEM -> MATCH`, and Moodle splits it at the *first* `->`
# (qformat_gift: strpos($answer, '->')). The GIFT spec escapes only ~ = # { } : and the
# backslash, so no escape hides `->` (`\->` would be split the same, leaving a stray
# backslash): an item's own `->` is written as the arrow it stands for.
GIFT_ARROW = "\u2192"
AIKEN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# What Moodle's Aiken reader (qformat_aiken::readquestions) takes a trimmed line for, before
# it can be a question: an option (`A.` or `A)`, the space after it optional) or the answer.
_AIKEN_OPTION = re.compile(r"[A-Z][).]")


def gift_escape(text: str) -> str:
    out = "".join("\\" + c if c in _GIFT_SPECIAL else c for c in text)
    return " ".join(out.split())  # one line: GIFT ends a question at a blank line


def gift_item(text: str) -> str:
    """An ordering item as the left side of a GIFT matching pair: escaped, and no `->`."""
    return gift_escape(text).replace("->", GIFT_ARROW)


def to_gift(questions: list[Question], lang: Lang) -> str:
    """GIFT (Moodle): single choice, true/false, and ordering as matching (item -> position).
    Each option carries the explanation as feedback, and the question as general feedback."""
    out = [f"// cscoach quiz bank ({lang}); import in Moodle: Question bank > Import > GIFT", ""]
    topic = None
    for q in questions:
        e = gift_escape
        why = e(q.explanation(lang))
        if q.topic != topic:  # Moodle files the questions that follow under this category
            topic = q.topic
            out += [f"$CATEGORY: $course$/cscoach/{topic}", ""]
        out.append(f"// {q.id} · topic: {q.topic} · source: {q.source}")
        head = f"::{e(q.id)}::[plain]{e(q.prompt(lang))} {{"
        if q.type is QType.TRUEFALSE:
            out.append(f"{head}{'TRUE' if q.correct else 'FALSE'}####{why}}}")
        elif q.type is QType.SINGLE:
            out.append(head)
            for i, option in enumerate(q.options):
                mark = "=" if i == q.correct else "~"
                out.append(f"{mark}{e(option(lang))}#{why}")
            out.append(f"####{why}")
            out.append("}")
        else:
            out.append(head)
            for i, item in enumerate(q.options, 1):
                out.append(f"={gift_item(item(lang))} -> {i}")
            out.append(f"####{why}")
            out.append("}")
        out.append("")
    return "\n".join(out)


def aiken_problem(prompt: str, options: int) -> str | None:
    """Why a question cannot be written in Aiken, or None. Aiken has no escape of any kind:
    Moodle reads each trimmed line by how it starts, so a question line that starts like an
    option or the answer line would be read as one. Its text is the trainer's, so it is left
    out (with a warning) rather than changed; GIFT carries it exactly."""
    if _AIKEN_OPTION.match(prompt):
        return f"its question starts '{prompt[:2]}', which Aiken reads as an option"
    if prompt.startswith("ANSWER:"):
        return "its question starts 'ANSWER:', which Aiken reads as the answer line"
    if len(prompt.encode()) < 2:
        return "its question is shorter than the 2 bytes Aiken reads as a line"
    if options > len(AIKEN_LETTERS):
        return f"it has {options} options; Aiken letters them A to Z"
    return None


def to_aiken(questions: list[Question], lang: Lang) -> tuple[str, int, list[tuple[str, str]]]:
    """Aiken (Moodle): single choice only; true/false as two options. Returns the text, how
    many ordering questions were left out (Aiken has no such type), and (id, why) of each
    other question left out (see `aiken_problem`)."""
    out: list[str] = []
    skipped = 0
    refused: list[tuple[str, str]] = []
    for q in questions:
        if q.type is QType.ORDER:
            skipped += 1
            continue
        options = [o(lang) for o in q.options] if q.type is QType.SINGLE else (
            ["참", "거짓"] if lang == "ko" else ["True", "False"])
        correct = q.correct if q.type is QType.SINGLE else (0 if q.correct else 1)
        assert isinstance(correct, int)
        prompt = " ".join(q.prompt(lang).split())
        problem = aiken_problem(prompt, len(options))
        if problem:
            refused.append((q.id, problem))
            continue
        out.append(prompt)
        for letter, option in zip(AIKEN_LETTERS, options, strict=False):
            out.append(f"{letter}. {' '.join(option.split())}")
        out.append(f"ANSWER: {AIKEN_LETTERS[correct]}")
        out.append("")
    return "\n".join(out), skipped, refused


def to_json(questions: list[Question]) -> str:
    rows = []
    for q in questions:
        row: dict[str, object] = {
            "id": q.id, "topic": q.topic, "type": q.type.value, "source": q.source,
            "origin": q.origin,
            "prompt": {"ko": q.prompt.ko, "en": q.prompt.en},
            "explanation": {"ko": q.explanation.ko, "en": q.explanation.en},
        }
        if q.type is QType.SINGLE:
            row["options"] = [{"ko": o.ko, "en": o.en} for o in q.options]
            row["correct"] = q.correct
        elif q.type is QType.TRUEFALSE:
            row["answer"] = q.correct
        else:
            row["items_in_order"] = [{"ko": o.ko, "en": o.en} for o in q.options]
        rows.append(row)
    return json.dumps({"questions": rows}, ensure_ascii=False, indent=2) + "\n"
