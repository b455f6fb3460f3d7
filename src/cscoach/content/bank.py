"""Trainer-authored question banks (`kind: quiz` YAML), read with the same located errors as
scenarios. The format is described in docs/quiz-format.md."""

from __future__ import annotations

from pathlib import Path

import yaml

from cscoach.content.loader import Document, Reader, _known_source, begin
from cscoach.content.model import TOPICS, QType, Question, Source, Text

_KEYS: dict[QType, tuple[list[str], list[str]]] = {
    QType.SINGLE: (["options"], []),
    QType.TRUEFALSE: (["answer"], []),
    QType.ORDER: (["items"], []),
}


def load_bank(path: Path, display: str | None = None,
              sources: dict[str, Source] | None = None,
              doc: Document | None = None) -> list[Question]:
    doc = begin(path, display, doc, "quiz")
    r = doc.reader
    out: list[Question] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(doc.titled_list("questions"), 1):
        q = _question(r, n, f"question {i}", sources, doc.shown)
        if q is None:
            continue
        if q.id in seen:
            r.error(n, f"question id '{q.id}' is used twice (first at line {seen[q.id]})")
            continue
        seen[q.id] = q.line
        out.append(q)
    doc.finish()
    return out


def _question(r: Reader, node: yaml.Node, what: str, sources: dict[str, Source] | None,
              shown: str) -> Question | None:
    common = ["id", "topic", "type", "source", "prompt", "explanation"]
    every = {k for keys in _KEYS.values() for k in keys[0]}
    f = r.mapping(node, what, common, sorted(every))
    if f is None:
        return None
    qid = r.ident(f["id"], f"{what} id") if "id" in f else None
    if qid:
        what = f"question '{qid}'"
    topic = r.choice_of(f["topic"], f"{what} topic", TOPICS) if "topic" in f else None
    qtype = r.choice_of(f["type"], f"{what} type", [t.value for t in QType]) if "type" in f \
        else None
    source = _known_source(r, f["source"], f"{what} source", sources) if "source" in f else None
    prompt = r.text(f["prompt"], f"{what} prompt") if "prompt" in f else None
    explanation = r.text(f["explanation"], f"{what} explanation") if "explanation" in f \
        else None
    if qtype is None:
        return None
    kind = QType(qtype)
    needed = _KEYS[kind][0]
    for key in sorted(every - set(needed)):
        if key in f:
            r.error(f[key], f"'{key}' does not belong in a {kind.value} question (it takes "
                    f"{', '.join(repr(k) for k in needed)})")
    for key in needed:
        if key not in f:
            r.error(node, f"{what} is a {kind.value} question but has no '{key}'"
                    + (" (true or false)" if key == "answer" else ""))
    options: tuple[Text, ...] = ()
    correct: int | bool | None = None
    if kind is QType.SINGLE and "options" in f:
        options, correct = _options(r, f["options"], what)
    elif kind is QType.TRUEFALSE and "answer" in f:
        correct = r.boolean(f["answer"], f"{what} answer")
    elif kind is QType.ORDER and "items" in f:
        items = r.list_of(f["items"], f"{what} items", r.text, 2)
        if items is not None:
            options = tuple(items)
    if not (qid and topic and source and prompt and explanation):
        return None
    if kind is QType.SINGLE and correct is None or kind is QType.TRUEFALSE and correct is None \
            or kind is QType.ORDER and len(options) < 2:
        return None
    return Question(qid, topic, kind, source, prompt, options, correct, explanation, shown,
                    node.start_mark.line + 1)


def _options(r: Reader, node: yaml.Node, what: str) -> tuple[tuple[Text, ...], int | None]:
    items = r.sequence(node, f"{what} options", 2)
    if items is None:
        return (), None
    texts: list[Text] = []
    right: list[int] = []
    for i, item in enumerate(items, 1):
        f = r.mapping(item, f"{what} option {i}", ["text"], ["correct"])
        if f is None:
            continue
        text = r.text(f["text"], f"{what} option {i} text") if "text" in f else None
        if "correct" in f and r.boolean(f["correct"], f"{what} option {i} correct"):
            right.append(i - 1)
        if text is not None:
            texts.append(text)
    if not right:
        r.error(node, f"{what} has no correct option; mark the right one with 'correct: true'")
        return tuple(texts), None
    if len(right) > 1:
        r.error(items[right[1]], f"{what} has {len(right)} correct options (options "
                f"{', '.join(str(i + 1) for i in right)}); a single-choice question needs "
                "exactly one")
        return tuple(texts), None
    if len(texts) != len(items):
        return tuple(texts), None
    return tuple(texts), right[0]

