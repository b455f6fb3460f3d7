"""The words a content format is described in: each kind of value knows how to check a YAML node
(with the Reader's located messages) and how to say itself as JSON Schema, so the two cannot
disagree.

A format (`formats.py`) is a tree of these. `check` returns the plain value (text, a number, a
`Text`, a list, a dict of the keys present) or `BAD` when the node was wrong; the problem is then
already recorded by the Reader. Rules that need more than one node (a `next:` that must name a
node, an id used twice in a list) are checked too, recorded with code `xref`: a JSON Schema
cannot see them, and `schema_notes` lists them for the schema's description.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from cscoach.content.reading import SOURCE_ID, Reader, did_you_mean, valid_id

Schema = dict[str, Any]
XREF: Final = "xref"  # a rule across nodes, beyond what a JSON Schema can say


class _Bad:
    """The value of a node that was wrong (its problem is already recorded)."""

    def __repr__(self) -> str:
        return "BAD"

    def __bool__(self) -> bool:
        return False


BAD: Final = _Bad()


@dataclass
class Context:
    """What ids a file may name (from the library), and the Reader that collects problems."""

    reader: Reader
    # "step", "source", "phrase" -> the known ids; a missing one is not checked against a list
    known: Mapping[str, Collection[str]] = field(default_factory=dict)
    # where each checked mapping was written (its YAML node), by id of the checked dict
    nodes: dict[int, yaml.Node] = field(default_factory=dict)
    # the key nodes of each checked IdMap, by id of the checked dict
    keys: dict[int, dict[str, yaml.Node]] = field(default_factory=dict)

    def node(self, value: dict[str, Any]) -> yaml.Node:
        return self.nodes[id(value)]

    def line(self, value: dict[str, Any]) -> int:
        return int(self.nodes[id(value)].start_mark.line) + 1


def ok(value: Any) -> bool:
    """True when nothing in the checked value is BAD."""
    if value is BAD:
        return False
    if isinstance(value, dict):
        return all(ok(v) for v in value.values())
    if isinstance(value, list):
        return all(ok(v) for v in value)
    return True


class Spec:
    """A kind of value. `description` goes into the JSON Schema (an editor shows it)."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        raise NotImplementedError

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        raise NotImplementedError

    def _described(self, schema: Schema) -> Schema:
        if self.description:
            schema["description"] = self.description
        return schema


# -- scalars


@dataclass
class Str(Spec):
    """Non-empty text."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.string(node, what)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/nonEmpty"})


@dataclass
class Id(Spec):
    """Lowercase letters, digits, '-' or '_'."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.ident(node, what)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/id"})


@dataclass
class Int(Spec):
    lo: int
    hi: int
    default: int | None = None
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.integer(node, what, self.lo, self.hi)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        out: Schema = {"type": "integer", "minimum": self.lo, "maximum": self.hi}
        if self.default is not None:
            out["default"] = self.default
        return self._described(out)


@dataclass
class Bool(Spec):
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.boolean(node, what)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"type": "boolean"})


@dataclass
class OneOf(Spec):
    """One of a fixed set of words."""

    options: tuple[str, ...]
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.choice_of(node, what, self.options)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"enum": list(self.options)})


@dataclass
class Const(Spec):
    """The header's `format_version` and `kind`: checked by the Document, stated in the schema."""

    value: int | str
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        return self.value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"const": self.value})


@dataclass
class SourceId(Spec):
    """An item of the source documents: `S001-SAY`, and one the library lists when it is known
    (`new`: the id being defined, in sources.yaml itself)."""

    description: str = ""
    new: bool = False

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        value = r.string(node, what, strip=False)
        if value is None:
            return BAD
        if not SOURCE_ID.fullmatch(value):
            r.error(node, f"{what} '{value}' is not a source id like 'S001-SAY' or 'S003-4'")
            return BAD
        sources = None if self.new else ctx.known.get("source")
        if sources is not None and value not in sources:
            r.error(node, f"{what} '{value}' is not in the source list"
                    f"{did_you_mean(value, sources)}")
            return BAD
        return value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        if self.new:
            return self._described({"type": "string", "pattern": SOURCE_ID.pattern})
        return self._described({"$ref": "#/$defs/sourceId"})


@dataclass
class StepId(Spec):
    """One of the seven steps of `phrasebook/steps.yaml`."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        value = r.string(node, what, strip=False)
        steps = ctx.known.get("step")
        if value is not None and steps is not None and value not in steps:
            r.error(node, f"unknown step '{value}' (steps: {', '.join(steps)})"
                    f"{did_you_mean(value, steps)}")
            return BAD
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/step"})


@dataclass
class PhraseId(Spec):
    """A phrasebook entry's id."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        value = r.ident(node, what)
        phrases = ctx.known.get("phrase")
        if value is not None and phrases is not None and value not in phrases:
            r.error(node, f"unknown phrasebook id '{value}'{did_you_mean(value, phrases)}")
            return BAD
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/phraseId"})


# -- bilingual text


@dataclass
class Bilingual(Spec):
    """The same text in Korean and English: `{ko: ..., en: ...}`."""

    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.text(node, what)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/text"})


@dataclass
class Phrasings(Spec):
    """Several phrasings in each language: `{ko: [...], en: [...]}`."""

    min_len: int = 1
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        value = ctx.reader.text_lists(node, what, self.min_len)
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/phrasings" if self.min_len
                                else "#/$defs/optionalPhrasings"})


# -- collections


@dataclass
class Field:
    spec: Spec
    required: bool = True


@dataclass
class Map(Spec):
    """A mapping with known keys; unknown keys are errors ("did you mean").

    `name_by` renames the mapping in later messages once that key is a valid id
    (`entry 3` becomes `entry 'dont-know'`)."""

    fields: dict[str, Field]
    name_by: str | None = None
    label: str | None = None  # how a list names its items: "entry" -> "entry 3"
    define: str | None = None  # the name of its JSON Schema definition, when shared
    description: str = ""
    # one key decides which other keys belong (a quiz question's `type`)
    switch: str | None = None
    variants: dict[str, dict[str, Field]] = field(default_factory=dict)
    # exactly one of these keys is given; a key after them (`next` of a compose node) belongs
    # with the second and not the first
    exactly_one: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        every = dict(self.fields)
        for extra in self.variants.values():
            for key, f in extra.items():
                every.setdefault(key, Field(f.spec, False))
        self._every = every
        self._required = tuple(k for k, f in every.items() if f.required)
        self._optional = tuple(k for k, f in every.items() if not f.required)
        self._allowed = frozenset(every)

    def all_fields(self) -> dict[str, Field]:
        """The keys of every variant too (a quiz question may hold any one variant's keys)."""
        return self._every

    def check(self, ctx: Context, node: yaml.Node, what: str, prefix: str | None = None) -> Any:
        """`prefix` names the keys in messages (default: `what`; a file's top keys have none)."""
        r = ctx.reader
        every = self._every
        found = r.mapping(node, what, self._required, self._optional, self._allowed)
        if found is None:
            return BAD
        out: dict[str, Any] = {}
        named = what if prefix is None else prefix
        for key, f in every.items():
            if key not in found:
                continue
            label = f"{named} {key}" if named else key
            out[key] = f.spec.check(ctx, found[key], label)
            if key == self.name_by and isinstance(out[key], str) and self.label:
                named = f"{self.label} '{out[key]}'"
        fits = True
        if self.switch is not None:
            kind = out.get(self.switch)
            fits = isinstance(kind, str) and self._check_variant(ctx, node, found, kind, named)
        if self.exactly_one:
            fits = self._check_one(ctx, node, found, named) and fits
        ctx.nodes[id(out)] = node
        missing = any(k not in found for k in self._required)
        return BAD if missing or not fits else out

    def _check_one(self, ctx: Context, node: yaml.Node, found: dict[str, yaml.Node],
                   what: str) -> bool:
        first, second, *with_second = self.exactly_one
        given = [k for k in (first, second) if k in found]
        r = ctx.reader
        if len(given) != 1:
            r.error(node, f"{what} needs either '{first}' or '{second}'" if not given else
                    f"{what} has both '{first}' and '{second}'; keep one")
            return False
        fits = True
        for key in with_second:
            if first in found and key in found:
                r.error(found[key], f"'{key}' belongs to a node with '{second}'; with "
                        f"'{first}' each choice has its own '{key}'")
                fits = False
            elif second in found and key not in found:
                r.error(node, f"{what} has '{second}' but no '{key}': say where the message "
                        "leads")
                fits = False
        return fits

    def _check_variant(self, ctx: Context, node: yaml.Node, found: dict[str, yaml.Node],
                       kind: str, what: str) -> bool:
        needed = self.variants.get(kind, {})
        others = {k for extra in self.variants.values() for k in extra}
        fits = True
        for key in sorted(others - set(needed)):
            if key in found:
                fits = False
                ctx.reader.error(found[key], f"'{key}' does not belong in a {kind} question "
                                 f"(it takes {', '.join(repr(k) for k in needed)})")
        for key in needed:
            if key not in found:
                fits = False
                ctx.reader.error(node, f"{what} is a {kind} question but has no '{key}'"
                                 + (" (true or false)" if key == "answer" else ""))
        return fits

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        if self.switch is not None:
            return self._described({"oneOf": [
                self._object({**self.fields, self.switch: Field(Const(kind))}, extra, known)
                for kind, extra in self.variants.items()]})
        out = self._object(self.fields, {}, known)
        if self.exactly_one:
            first, second, *with_second = self.exactly_one
            alone: Schema = {"required": [first]}
            if with_second:
                alone["not"] = {"anyOf": [{"required": [k]} for k in with_second]}
            out["allOf"] = [{"oneOf": [alone, {"required": [second, *with_second]}]}]
        return self._described(out)

    def _object(self, fields: dict[str, Field], extra: dict[str, Field],
                known: Mapping[str, Collection[str]]) -> Schema:
        every = {**fields, **{k: Field(f.spec, True) for k, f in extra.items()}}
        return {
            "type": "object",
            "required": [k for k, f in every.items() if f.required],
            "additionalProperties": False,
            "properties": {k: f.spec.schema(known) for k, f in every.items()},
        }


@dataclass
class List(Spec):
    """A list of one kind of item.

    `unique` names what an item is ("a step") when no item may appear twice; `unique_by` is a
    key of mapping items (their id) that no two items may share, said with `twice` (a template
    with {id} and {line})."""

    item: Spec
    min_len: int = 0
    unique: str | None = None
    unique_by: str | None = None
    twice: str = ""
    owned: bool = False  # items are named after the list's owner: "node 'x' choice 2"
    empty: str | None = None  # the message for an empty list, instead of "needs at least 1"
    one_marked: str | None = None  # exactly one item has this key set to true (quiz options)
    description: str = ""

    def _item_what(self, what: str, owner: str, i: int) -> str:
        label = self.item.label if isinstance(self.item, Map) else None
        if label is None:
            return f"{what} item {i}"
        return f"{owner} {label} {i}" if self.owned else f"{label} {i}"

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        owner = what.rsplit(" ", 1)[0]  # "node 'x' choices" is owned by "node 'x'"
        items = r.sequence(node, what, 0 if self.empty else self.min_len)
        if items is None:
            return BAD
        if self.empty and not items:
            r.error(node, self.empty.format(what=owner))
            return BAD
        out = [self.item.check(ctx, n, self._item_what(what, owner, i))
               for i, n in enumerate(items, 1)]
        if self.unique:
            good = [repr(v) for v in out if v is not BAD]
            if len(set(good)) != len(good):
                r.error(node, f"{what} lists {self.unique} twice")
                return BAD
        if self.unique_by:
            self._check_ids(ctx, out)
        if self.one_marked:
            return self._check_marked(ctx, node, items, out, owner)
        return out

    def _check_ids(self, ctx: Context, out: list[Any]) -> None:
        assert self.unique_by is not None
        first: dict[str, int] = {}
        for value in out:
            if not isinstance(value, dict) or not isinstance(value.get(self.unique_by), str):
                continue
            ident = value[self.unique_by]
            where = ctx.nodes[id(value)]
            key_node = next((v for k, v in where.value if k.value == self.unique_by), where)
            if ident in first:
                ctx.reader.error(key_node, self.twice.format(id=ident, line=first[ident]), XREF)
            else:
                first[ident] = key_node.start_mark.line + 1

    def _check_marked(self, ctx: Context, node: yaml.Node, items: list[yaml.Node],
                      out: list[Any], what: str) -> Any:
        key = self.one_marked
        right = [i for i, v in enumerate(out) if isinstance(v, dict) and v.get(key) is True]
        if not right:
            ctx.reader.error(node, f"{what} has no correct option; mark the right one with "
                             f"'{key}: true'")
            return BAD
        if len(right) > 1:
            ctx.reader.error(items[right[1]], f"{what} has {len(right)} correct options "
                             f"(options {', '.join(str(i + 1) for i in right)}); a "
                             "single-choice question needs exactly one")
            return BAD
        return out

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        out: Schema = {"type": "array", "items": self.item.schema(known)}
        if self.min_len:
            out["minItems"] = self.min_len
        if self.unique:
            out["uniqueItems"] = True
        if self.one_marked:
            out["contains"] = {"required": [self.one_marked],
                               "properties": {self.one_marked: {"const": True}}}
            out["minContains"] = out["maxContains"] = 1
        return self._described(out)


@dataclass
class IdMap(Spec):
    """A mapping from ids to one kind of value (a scenario's nodes, its endings)."""

    value: Spec
    label: str  # "node" -> "node 'counter'"
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        found = r.mapping(node, what)
        if found is None:
            return BAD
        if not found:
            r.error(node, f"{what} is empty")
            return BAD
        out: dict[str, Any] = {}
        keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in found or found[key] is not value_node:
                continue  # a key the Reader refused (a duplicate, not text)
            if not valid_id(key):
                r.error(key_node, f"id '{key}' must be lowercase letters, digits, '-' or '_'")
                out[key] = BAD
                continue
            keys[key] = key_node
            out[key] = self.value.check(ctx, value_node, f"{self.label} '{key}'")
        ctx.nodes[id(out)] = node
        ctx.keys[id(out)] = keys
        return out

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"type": "object", "minProperties": 1,
                                "propertyNames": {"$ref": "#/$defs/id"},
                                "additionalProperties": self.value.schema(known)})


@dataclass
class LocalId(Spec):
    """An id declared elsewhere in the same file (a format-2 fact or lesson): `kind` names the
    known ids in the Context, gathered from the file before it is checked; naming one that is
    not declared is an `xref` problem (no schema can see the file's own declarations)."""

    kind: str  # "fact", "lesson"
    where: str  # where they are declared: "facts:", "lessons:"
    description: str = ""

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        r = ctx.reader
        value = r.ident(node, what)
        known = ctx.known.get(self.kind)
        if value is not None and known is not None and value not in known:
            r.error(node, f"unknown {self.kind} '{value}' (declare it under '{self.where}')"
                    f"{did_you_mean(value, known)}", XREF)
            return BAD
        return BAD if value is None else value

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"$ref": "#/$defs/id"})


@dataclass
class Either(Spec):
    """One of several shapes, told apart by the YAML node: a text (`scalar`), a list
    (`sequence`) or a mapping (`mapping`); e.g. a `next:` that is an id or a list of routes."""

    scalar: Spec | None = None
    sequence: Spec | None = None
    mapping: Spec | None = None
    description: str = ""

    def _shapes(self) -> list[tuple[str, Spec]]:
        return [(name, spec) for name, spec in (("text", self.scalar), ("list", self.sequence),
                                                ("mapping", self.mapping)) if spec is not None]

    def check(self, ctx: Context, node: yaml.Node, what: str) -> Any:
        if isinstance(node, yaml.ScalarNode) and self.scalar is not None:
            return self.scalar.check(ctx, node, what)
        if isinstance(node, yaml.SequenceNode) and self.sequence is not None:
            return self.sequence.check(ctx, node, what)
        if isinstance(node, yaml.MappingNode) and self.mapping is not None:
            return self.mapping.check(ctx, node, what)
        names = " or a ".join(name for name, _ in self._shapes())
        ctx.reader.error(node, f"{what} must be a {names}")
        return BAD

    def schema(self, known: Mapping[str, Collection[str]]) -> Schema:
        return self._described({"anyOf": [spec.schema(known) for _, spec in self._shapes()]})
