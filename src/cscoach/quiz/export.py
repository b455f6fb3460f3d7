"""The whole question bank for the LMS people already use: Moodle GIFT and Aiken, or JSON."""

from __future__ import annotations

import json

from cscoach.content.model import Lang, QType, Question

_GIFT_SPECIAL = "~=#{}:\\"


def gift_escape(text: str) -> str:
    out = "".join("\\" + c if c in _GIFT_SPECIAL else c for c in text)
    return " ".join(out.split())  # one line: GIFT ends a question at a blank line


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
                out.append(f"={e(item(lang))} -> {i}")
            out.append(f"####{why}")
            out.append("}")
        out.append("")
    return "\n".join(out)


def to_aiken(questions: list[Question], lang: Lang) -> tuple[str, int]:
    """Aiken (Moodle): single choice only; true/false as two options. Returns the text and how
    many ordering questions were left out (Aiken has no such type)."""
    out: list[str] = []
    skipped = 0
    for q in questions:
        if q.type is QType.ORDER:
            skipped += 1
            continue
        options = [o(lang) for o in q.options] if q.type is QType.SINGLE else (
            ["참", "거짓"] if lang == "ko" else ["True", "False"])
        correct = q.correct if q.type is QType.SINGLE else (0 if q.correct else 1)
        assert isinstance(correct, int)
        out.append(" ".join(q.prompt(lang).split()))
        for letter, option in zip("ABCDEFGHIJ", options, strict=False):
            out.append(f"{letter}. {' '.join(option.split())}")
        out.append(f"ANSWER: {'ABCDEFGHIJ'[correct]}")
        out.append("")
    return "\n".join(out), skipped


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
