"""YAML content files -> model objects: each file is checked against its format (`formats.py`,
every problem located), then the checked values are built into the model."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from cscoach.content.formats import format_of
from cscoach.content.model import (
    ActAtOnce,
    Channel,
    Choice,
    Condition,
    Decoys,
    Ending,
    Lesson,
    Node,
    Outcome,
    Part,
    Persona,
    Phrasebook,
    PhraseEntry,
    QType,
    Question,
    Route,
    Scenario,
    Source,
    SourceQuiz,
    Step,
    StepCatalog,
    Text,
    Variant,
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
    return ctx, format_of(kind, doc.version).check(ctx, doc.root, f"a {kind} file", prefix="")


def _known(**ids: Collection[str] | None) -> dict[str, Collection[str]]:
    return {name: values for name, values in ids.items() if values is not None}


# -- steps


def load_steps(path: Path, display: str | None = None, doc: Document | None = None,
               sources: Collection[str] | None = None) -> StepCatalog:
    doc = begin(path, display, doc, "steps")
    _, top = check(doc, "steps", _known(source=sources))
    doc.finish()
    return StepCatalog(tuple(
        Step(s["id"], i, s["name"], s["meaning"], s["source"], s.get("cues", {}),
             s.get("not_when", {}))
        for i, s in enumerate(top["steps"], 1)))


# -- sources


def load_sources(path: Path, display: str | None = None,
                 doc: Document | None = None) -> dict[str, Source]:
    doc = begin(path, display, doc, "sources")
    _, top = check(doc, "sources", {})
    doc.finish()
    return {s["id"]: Source(s["id"], s["document"], s["title"], s.get("advice"),
                            _source_quiz(s.get("quiz")))
            for s in top["sources"]}


def _source_quiz(raw: dict[str, Any] | None) -> SourceQuiz | None:
    if raw is None:
        return None
    return SourceQuiz(raw["case"], raw["why"], raw["tempting"], raw["tempting_why"])


# -- phrasebook


def load_phrasebook(path: Path, display: str | None = None,
                    sources: Collection[str] | None = None,
                    doc: Document | None = None) -> Phrasebook:
    doc = begin(path, display, doc, "phrasebook")
    ctx, top = check(doc, "phrasebook", _known(source=sources))
    doc.finish()
    return Phrasebook(tuple(
        PhraseEntry(e["id"], e["source"], e["dont_say"], e["why"], e["say_instead"],
                    e["say_instead_markers"], e.get("not_when", {}),
                    {Channel(k): v for k, v in e.get("why_by_channel", {}).items()},
                    ctx.line(e), doc.shown,
                    decoys=Decoys(tuple(e["quiz"]["decoys"]), e["quiz"]["tempting"])
                    if "quiz" in e else None)
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
    known = _known(step=steps.ids(), source=sources, phrase=phrase_ids)
    if doc.version >= 2:
        known.update(fact=_declared(doc, "facts"), lesson=_declared(doc, "lessons", "id"))
    ctx, top = check(doc, "scenario", known)
    if isinstance(top, dict):
        _check_references(ctx, top)
        if doc.version >= 2:
            _check_format2(ctx, top)
    doc.finish()
    return _scenario(ctx, top, doc.shown, doc.version)


def _declared(doc: Document, key: str, by: str | None = None) -> list[str]:
    """The ids a format-2 file declares under `key` (a mapping's keys, or its list items'
    `by`), read before the file is checked so every use can be checked against them."""
    node = doc.top.get(key)
    out: list[str] = []
    if isinstance(node, yaml.MappingNode) and by is None:
        out = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    elif isinstance(node, yaml.SequenceNode) and by is not None:
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                out += [v.value for k, v in item.value
                        if k.value == by and isinstance(v, yaml.ScalarNode)]
    return [x for x in out if isinstance(x, str)]


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
        if not isinstance(node, dict):
            continue
        choices = node.get("choices")
        holders = [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []
        if "next" in node:
            holders.append(node)
        for holder in holders:
            target = holder.get("next")
            if isinstance(target, str) and target not in ids:
                r.error(_value_node(ctx.node(holder), "next"), f"next '{target}' names no node "
                        f"or ending{did_you_mean(target, ids)}", XREF)
            for route in target if isinstance(target, list) else ():
                to = route.get("to") if isinstance(route, dict) else None
                if isinstance(to, str) and to not in ids:
                    r.error(_value_node(ctx.node(route), "to"), f"route to '{to}' names no "
                            f"node or ending{did_you_mean(to, ids)}", XREF)


MAX_MESSAGES = 4096  # the messages a compose turn can make (the product of its parts' options)


def _check_format2(ctx: Context, top: dict[str, Any]) -> None:
    """Format 2's rules across keys: the last variant and route have no `when:` and the
    others have one; a compose turn makes at most MAX_MESSAGES messages; a critical lesson."""
    r = ctx.reader

    def ordered(items: Any, what: str) -> None:
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            last = i == len(items) - 1
            if last and "when" in item:
                r.error(_value_node(ctx.node(item), "when"), f"the last {what} has a 'when:'; "
                        f"the last one is the fallback shown when no other holds, so it takes "
                        "no condition (add one more without 'when:')", XREF)
            elif not last and "when" not in item:
                r.error(ctx.node(item), f"{what} {i + 1} of {len(items)} has no 'when:', so "
                        f"the {what}s after it can never be taken; give it a condition or "
                        "move it last", XREF)

    for part in ("nodes", "endings"):
        group = top.get(part)
        for value in group.values() if isinstance(group, dict) else ():
            if not isinstance(value, dict):
                continue
            for key in ("says", "narration"):
                ordered(value.get(key), "variant")
            ordered(value.get("next"), "route")
            for c in value.get("choices") or () if isinstance(value.get("choices"), list) else ():
                if isinstance(c, dict):
                    ordered(c.get("next"), "route")
            parts = value.get("compose")
            if isinstance(parts, list):
                count = 1
                for p in parts:
                    options = p.get("options") if isinstance(p, dict) else None
                    count *= len(options) if isinstance(options, list) else 1
                if count > MAX_MESSAGES:
                    r.error(ctx.node(value), f"the compose turn makes {count:,} different "
                            f"messages; at most {MAX_MESSAGES:,} (fewer options per part)",
                            XREF)
    lessons = top.get("lessons")
    if isinstance(lessons, list) and lessons and all(isinstance(x, dict) for x in lessons) \
            and not any(x.get("critical") is True for x in lessons):
        r.error(_value_node(ctx.node(top), "lessons"), "no lesson is critical: mark the lesson "
                "the scenario exists for 'critical: true' (breaking it fails the drill)", XREF)


def _value_node(mapping: yaml.Node, key: str) -> yaml.Node:
    for k, v in mapping.value:
        if k.value == key:
            return v  # type: ignore[no-any-return]
    return mapping


def _scenario(ctx: Context, top: dict[str, Any], shown: str, version: int = 1) -> Scenario:
    p = top["persona"]
    node_keys = ctx.keys[id(top["nodes"])]
    ending_keys = ctx.keys[id(top["endings"])]
    nodes = {nid: _node(ctx, nid, n, node_keys[nid].start_mark.line + 1)
             for nid, n in top["nodes"].items()}
    endings = {}
    for eid, e in top["endings"].items():
        says, says_variants = _lines(ctx, e["says"])
        endings[eid] = Ending(eid, Outcome(e["outcome"]), e["title"], says, e["summary"],
                              ending_keys[eid].start_mark.line + 1, tuple(e.get("require", ())),
                              says_variants)
    lessons = tuple(Lesson(x["id"], x["text"], x["source"], x["weight"],
                           x.get("critical", False), ctx.line(x))
                    for x in top.get("lessons", ()))
    act = top.get("act_at_once")
    return Scenario(top["id"], top.get("version", 1), top["title"], top["summary"],
                    Persona(p["name"], p["type"], p["description"], tuple(p["sources"])),
                    Channel(top["channel"]), top["difficulty"], top["pass_mark"], top["start"],
                    top.get("start_mood", 0), nodes, endings, tuple(top["sources"]), shown,
                    {k.value: k.start_mark.line + 1 for k, _ in ctx.node(top).value},
                    version, dict(top.get("facts", {})), lessons,
                    None if act is None else ActAtOnce(
                        act["source"], tuple(act["steps"]), act["because"],
                        _condition(ctx, act.get("when")), ctx.line(act)))


def _condition(ctx: Context, c: dict[str, Any] | None) -> Condition | None:
    if c is None:
        return None
    mood = c.get("mood", {})
    return Condition(tuple(c.get("all", ())), tuple(c.get("any", ())), tuple(c.get("not", ())),
                     mood.get("min"), mood.get("max"), ctx.line(c))


def _lines(ctx: Context, value: Text | list[dict[str, Any]]) -> tuple[Text, tuple[Variant, ...]]:
    """A line that is one text, or variants: (the fallback text, the variants or ())."""
    if isinstance(value, Text):
        return value, ()
    variants = tuple(Variant(Text(v["ko"], v["en"]), _condition(ctx, v.get("when")),
                             tuple(v.get("assumes", ())), ctx.line(v)) for v in value)
    return variants[-1].text, variants


def _routes(ctx: Context, value: str | list[dict[str, Any]]) -> tuple[str, tuple[Route, ...]]:
    if isinstance(value, str):
        return value, ()
    routes = tuple(Route(r["to"], _condition(ctx, r.get("when")), ctx.line(r)) for r in value)
    return routes[-1].to, routes


def _reply(ctx: Context, c: dict[str, Any], next_value: str | list[dict[str, Any]]) -> Choice:
    target, routes = _routes(ctx, next_value)
    return Choice(c["says"], tuple(c.get("steps", ())), target, c["feedback"], c.get("mood", 0),
                  ctx.line(c), tuple(c.get("phrases", ())), tuple(c.get("set", ())),
                  tuple(c.get("clear", ())), tuple(c.get("meet", ())),
                  tuple(c.get("break", ())), routes)


def _node(ctx: Context, nid: str, n: dict[str, Any], line: int) -> Node:
    says, says_variants = _lines(ctx, n["says"])
    narration: Text | None = None
    narration_variants: tuple[Variant, ...] = ()
    if "narration" in n:
        narration, narration_variants = _lines(ctx, n["narration"])
    parts: tuple[Part, ...] = ()
    if "compose" in n:
        parts = tuple(Part(p["part"], tuple(_reply(ctx, o, n["next"]) for o in p["options"]),
                           ctx.line(p)) for p in n["compose"])
        choices = compose_choices(parts)
    else:
        choices = tuple(_reply(ctx, c, c["next"]) for c in n["choices"])
    return Node(nid, says, choices, narration, line, says_variants, narration_variants, parts,
                Channel(n["channel"]) if "channel" in n else None)


def compose_choices(parts: tuple[Part, ...]) -> tuple[Choice, ...]:
    """Every message the parts can make, one line from each part, in mixed-radix order (the
    first part's option changes slowest): each is one reply with the lines' text joined, their
    steps, facts, lessons and phrases in order and their moods added up."""
    out: list[Choice] = []
    picks: list[tuple[int, ...]] = [()]
    for part in parts:
        picks = [(*p, k) for p in picks for k in range(len(part.options))]
    for p in picks:
        lines = [part.options[k] for part, k in zip(parts, p, strict=True)]
        first = lines[0]

        def joined(attr: str, lines: list[Choice] = lines) -> tuple[str, ...]:
            return tuple(dict.fromkeys(x for line in lines for x in getattr(line, attr)))

        out.append(Choice(
            Text("\n".join(x.says.ko for x in lines), "\n".join(x.says.en for x in lines)),
            joined("steps"), first.next,
            Text(" ".join(x.feedback.ko for x in lines), " ".join(x.feedback.en for x in lines)),
            sum(x.mood for x in lines), first.line, joined("phrases"), joined("set"),
            joined("clear"), joined("meet"), joined("breaks"), first.routes, p))
    return tuple(out)
