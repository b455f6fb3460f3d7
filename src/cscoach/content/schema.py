"""JSON Schema (draft 2020-12) of the content formats, for editors and other tools, derived from
the one description in `formats.py` (the loader checks files against the same description).

The library's own step ids, source ids and phrasebook ids are enums, so an editor with
yaml-language-server completes them. What a schema cannot say is listed in each schema's
description and left to `cscoach validate` (see `formats.BEYOND_SCHEMA`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from cscoach.content.formats import BEYOND_SCHEMA, FORMATS, TITLES, VERSIONS
from cscoach.content.reading import FORMAT_VERSION, ID_PATTERN, SOURCE_ID_PATTERN
from cscoach.content.reading import KINDS as KINDS
from cscoach.content.spec import Either, IdMap, List, Map, Spec
from cscoach.plain import SAFE_TEXT_PATTERN

if TYPE_CHECKING:
    from cscoach.content.library import Library

DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def known_ids(library: Library | None) -> dict[str, Collection[str]]:
    """The ids a file may name, from the library (none when there is no library)."""
    if library is None:
        return {}
    return {"step": library.steps.ids(), "source": sorted(library.sources),
            "phrase": sorted(library.phrase_ids)}


def _defs(known: Mapping[str, Collection[str]]) -> Schema:
    non_empty = {"type": "string", "allOf": [
        {"pattern": r"\S"},  # not blank, and no character a terminal would obey
        {"pattern": SAFE_TEXT_PATTERN}]}
    defs: Schema = {
        "nonEmpty": non_empty,
        "text": {
            "description": "The same text in Korean and English.",
            "type": "object",
            "required": ["ko", "en"],
            "additionalProperties": False,
            "properties": {"ko": {"$ref": "#/$defs/nonEmpty", "description": "Korean"},
                           "en": {"$ref": "#/$defs/nonEmpty", "description": "English"}},
        },
        "id": {"type": "string", "pattern": ID_PATTERN,
               "description": "Lowercase letters, digits, '-' or '_'."},
        "sourceId": _enum_or(known.get("source"), {"type": "string",
                                                   "pattern": SOURCE_ID_PATTERN},
                             "An item of the source documents (see sources.yaml)."),
        "step": _enum_or(known.get("step"), {"type": "string"},
                         "One of the seven Carnegie steps, in order: "
                         + ", ".join(known.get("step", ())) + "."),
        "phraseId": _enum_or(known.get("phrase"), {"$ref": "#/$defs/id"},
                             "A phrasebook entry id."),
    }
    for name, least in (("phrasings", 1), ("optionalPhrasings", 0)):
        items: Schema = {"type": "array", "items": {"$ref": "#/$defs/nonEmpty"}}
        if least:
            items["minItems"] = least
        defs[name] = {"type": "object", "required": ["ko", "en"], "additionalProperties": False,
                      "properties": {"ko": items, "en": items}}
    return defs


def _enum_or(values: Collection[str] | None, otherwise: Schema, description: str) -> Schema:
    out: Schema = {"enum": list(values)} if values is not None else dict(otherwise)
    out["description"] = description
    return out


def _shared(spec: Spec, known: Mapping[str, Collection[str]], defs: Schema) -> Schema:
    """The schema of `spec`, with every Map that has a `define` name moved into `defs`."""
    if isinstance(spec, Map) and spec.define:
        if spec.define not in defs:
            defs[spec.define] = {}  # claimed first: a definition may refer to itself
            defs[spec.define] = _expand(spec, known, defs)
        return {"$ref": f"#/$defs/{spec.define}"}
    return _expand(spec, known, defs)


def _expand(spec: Spec, known: Mapping[str, Collection[str]], defs: Schema) -> Schema:
    out = spec.schema(known)
    if isinstance(spec, Map):
        fields = {**spec.fields, **{k: f for v in spec.variants.values() for k, f in v.items()}}
        _replace_children(out, {k: _shared(f.spec, known, defs) for k, f in fields.items()})
    elif isinstance(spec, List):
        out["items"] = _shared(spec.item, known, defs)
    elif isinstance(spec, IdMap):
        out["additionalProperties"] = _shared(spec.value, known, defs)
    elif isinstance(spec, Either):
        out["anyOf"] = [_shared(shape, known, defs) for _, shape in spec._shapes()]
    return out


def _replace_children(schema: Schema, children: dict[str, Schema]) -> None:
    for obj in schema.get("oneOf", [schema]):
        for key in obj.get("properties", {}):
            if key in children and "const" not in obj["properties"][key]:
                obj["properties"][key] = children[key]


def schema_for(kind: str, library: Library | None = None) -> Schema:
    """The JSON Schema of one format; step, source and phrase ids are enums from `library`."""
    known = known_ids(library)
    defs = _defs(known)
    body = _expand(FORMATS[kind], known, defs)
    later = sorted((v, spec) for (k, v), spec in VERSIONS.items() if k == kind)
    for version, spec in later:  # a later version is told apart by its format_version
        newer = _expand(spec, known, defs)
        newer.pop("description", None)
        body = {"description": body.pop("description", TITLES[kind]),
                "if": {"required": ["format_version"],
                       "properties": {"format_version": {"const": version}}},
                "then": newer, "else": body}
    beyond = "; ".join(BEYOND_SCHEMA[kind])
    description = body.pop("description", TITLES[kind])
    head: Schema = {
        "$schema": DIALECT,
        "$id": f"urn:cscoach:schema:{kind}:{FORMAT_VERSION}",
        "title": TITLES[kind],
        "description": f"{description} Read as YAML 1.2. Checked by `cscoach validate` beyond "
                       f"this schema: {beyond}.",
    }
    return {**head, **body, "$defs": defs}
