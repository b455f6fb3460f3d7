"""YAML content files -> model objects: each file is checked against its format (`formats.py`,
every problem located), then the checked values are built into the model."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from cscoach.content.formats import FORMATS
from cscoach.content.model import (
    Channel,
    Choice,
    Ending,
    Node,
    Outcome,
    Persona,
    Phrasebook,
    PhraseEntry,
    QType,
    Question,
    Scenario,
    Source,
    Step,
    StepCatalog,
    Text,
)

# Re-exported: the rest of the package reads content files through the loader.
from cscoach.content.reading import FORMAT_VERSION as FORMAT_VERSION
from cscoach.content.reading import ID_PATTERN as ID_PATTERN
from cscoach.content.reading import KINDS as KINDS
from cscoach.content.reading import MAX_FILE_BYTES as MAX_FILE_BYTES
from cscoach.content.reading import Document as Document
from cscoach.content.reading import begin
from cscoach.content.reading import compose as compose
from cscoach.content.reading import decode as decode
from cscoach.content.reading import did_you_mean as did_you_mean
from cscoach.content.reading import read_bytes as read_bytes
from cscoach.content.reading import read_text as read_text
from cscoach.content.reading import valid_id as valid_id
from cscoach.content.spec import BAD, XREF, Context

Known = Mapping[str, Collection[str]]


def check(doc: Document, kind: str, known: Known) -> tuple[Context, Any]:
    """The file's top mapping checked against the format of `kind`: (context, checked values).
    A file that is not a mapping has already been told so."""
    ctx = Context(doc.reader, known)
    if not isinstance(doc.root, yaml.MappingNode):
        return ctx, BAD
    return ctx, FORMATS[kind].check(ctx, doc.root, f"a {kind} file", prefix="")


def _known(**ids: Collection[str] | None) -> dict[str, Collection[str]]:
    return {name: values for name, values in ids.items() if values is not None}


# -- steps


def load_steps(path: Path, display: str | None = None, doc: Document | None = None,
               sources: Collection[str] | None = None) -> StepCatalog:
    doc = begin(path, display, doc, "steps")
    _, top = check(doc, "steps", _known(source=sources))
    doc.finish()
    return StepCatalog(tuple(
        Step(s["id"], i, s["name"], s["meaning"], s["source"], s.get("cues", {}))
        for i, s in enumerate(top["steps"], 1)))


# -- sources


def load_sources(path: Path, display: str | None = None,
                 doc: Document | None = None) -> dict[str, Source]:
    doc = begin(path, display, doc, "sources")
    _, top = check(doc, "sources", {})
    doc.finish()
    return {s["id"]: Source(s["id"], s["document"], s["title"], s.get("advice"))
            for s in top["sources"]}


# -- phrasebook


def load_phrasebook(path: Path, display: str | None = None,
                    sources: Collection[str] | None = None,
                    doc: Document | None = None) -> Phrasebook:
    doc = begin(path, display, doc, "phrasebook")
    _, top = check(doc, "phrasebook", _known(source=sources))
    doc.finish()
    return Phrasebook(tuple(
        PhraseEntry(e["id"], e["source"], e["dont_say"], e["why"], e["say_instead"],
                    e["say_instead_markers"], e.get("not_when", {}),
                    {Channel(k): v for k, v in e.get("why_by_channel", {}).items()})
        for e in top["entries"]))


# -- the quiz bank (docs/quiz-format.md)


def load_bank(path: Path, display: str | None = None,
              sources: Collection[str] | None = None,
              doc: Document | None = None) -> list[Question]:
    doc = begin(path, display, doc, "quiz")
    ctx, top = check(doc, "quiz", _known(source=sources))
    doc.finish()
    return [_question(q, ctx.line(q), doc.shown) for q in top["questions"]]


def _question(q: dict[str, Any], line: int, shown: str) -> Question:
    kind = QType(q["type"])
    options: tuple[Text, ...] = ()
    correct: int | bool | None = None
    if kind is QType.SINGLE:
        options = tuple(o["text"] for o in q["options"])
        correct = next(i for i, o in enumerate(q["options"]) if o.get("correct") is True)
    elif kind is QType.TRUEFALSE:
        correct = q["answer"]
    else:
        options = tuple(q["items"])
    return Question(q["id"], q["topic"], kind, q["source"], q["prompt"], options, correct,
                    q["explanation"], shown, line)


# -- scenario


def load_scenario(path: Path, steps: StepCatalog, display: str | None = None,
                  sources: Collection[str] | None = None,
                  doc: Document | None = None,
                  phrase_ids: Collection[str] | None = None) -> Scenario:
    """A scenario; `doc` is the file already read (by `validate`, which sniffs the kind first).

    `sources` and `phrase_ids`, when given, are what source and phrasebook ids may name."""
    doc = begin(path, display, doc, "scenario")
    ctx, top = check(doc, "scenario", _known(step=steps.ids(), source=sources, phrase=phrase_ids))
    if isinstance(top, dict):
        _check_references(ctx, top)
    doc.finish()
    return _scenario(ctx, top, doc.shown)


def _check_references(ctx: Context, top: dict[str, Any]) -> None:
    """What no schema can say: ids that must name a node or ending of this very file."""
    r = ctx.reader
    ids: dict[str, yaml.Node] = {}
    for part in ("endings", "nodes"):  # one namespace; an ending claims its id first
        value = top.get(part)
        if not isinstance(value, dict):
            continue
        for node_id, key_node in ctx.keys[id(value)].items():
            if node_id in ids:
                r.error(key_node, f"id '{node_id}' is used twice (first at line "
                        f"{ids[node_id].start_mark.line + 1}); nodes and endings share one "
                        "namespace", XREF)
            ids.setdefault(node_id, key_node)
    nodes, endings, start = top.get("nodes"), top.get("endings"), top.get("start")
    if isinstance(start, str) and isinstance(nodes, dict):
        where = _value_node(ctx.node(top), "start")
        if start not in ids:
            r.error(where, f"start node '{start}' does not exist{did_you_mean(start, ids)}",
                    XREF)
        elif isinstance(endings, dict) and start in endings:
            r.error(where, f"start '{start}' is an ending; it must be a node", XREF)
    if not isinstance(nodes, dict):
        return
    for node in nodes.values():
        choices = node.get("choices") if isinstance(node, dict) else None
        for choice in choices if isinstance(choices, list) else ():
            target = choice.get("next") if isinstance(choice, dict) else None
            if isinstance(target, str) and target not in ids:
                r.error(_value_node(ctx.node(choice), "next"), f"next '{target}' names no node "
                        f"or ending{did_you_mean(target, ids)}", XREF)


def _value_node(mapping: yaml.Node, key: str) -> yaml.Node:
    for k, v in mapping.value:
        if k.value == key:
            return v  # type: ignore[no-any-return]
    return mapping


def _scenario(ctx: Context, top: dict[str, Any], shown: str) -> Scenario:
    p = top["persona"]
    node_keys = ctx.keys[id(top["nodes"])]
    ending_keys = ctx.keys[id(top["endings"])]
    nodes = {
        nid: Node(nid, n["says"], tuple(
            Choice(c["says"], tuple(c["steps"]), c["next"], c["feedback"], c.get("mood", 0),
                   ctx.line(c), tuple(c.get("phrases", ()))) for c in n["choices"]),
            n.get("narration"), node_keys[nid].start_mark.line + 1)
        for nid, n in top["nodes"].items()}
    endings = {
        eid: Ending(eid, Outcome(e["outcome"]), e["title"], e["says"], e["summary"],
                    ending_keys[eid].start_mark.line + 1)
        for eid, e in top["endings"].items()}
    return Scenario(top["id"], top.get("version", 1), top["title"], top["summary"],
                    Persona(p["name"], p["type"], p["description"], tuple(p["sources"])),
                    Channel(top["channel"]), top["difficulty"], top["pass_mark"], top["start"],
                    top.get("start_mood", 0), nodes, endings, tuple(top["sources"]), shown,
                    {k.value: k.start_mark.line + 1 for k, _ in ctx.node(top).value})
