"""Property: `cscoach validate` and a real JSON Schema validator accept and refuse the same
documents, because both come from the one description in content/formats.py.

Documents are made from valid ones (a small scenario and every shipped phrasebook, steps,
sources and quiz file) by Hypothesis: values replaced by what trips authors and readers
(YAML 1.1 words such as `yes`, `070`, `70.0`, empty and blank text, wrong types, ids with
capitals or spaces, unknown steps and sources), keys dropped and added, list items repeated.
The schema side reads the text as an editor does, with an independent YAML 1.2 reader
(ruamel.yaml), and checks it with jsonschema against `cscoach schema`'s output.

Left out of the comparison, and said so in every schema's description: what no JSON Schema
can see. Cross-references (a `next:` naming a node, ids shared by two list items) and the
graph and content checks carry the codes `xref` and `content`; aliases and merge keys are
resolved by a YAML reader before any schema sees the document, so they are tested apart:
validate refuses them, located."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
jsonschema = pytest.importorskip("jsonschema")
ryaml = pytest.importorskip("ruamel.yaml")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import MINI_SCENARIO, ROOT  # noqa: E402
from cscoach.authoring.validate import Checker  # noqa: E402
from cscoach.content.library import Library  # noqa: E402
from cscoach.content.schema import schema_for  # noqa: E402
from cscoach.content.spec import XREF  # noqa: E402

VALIDATE_ONLY = {XREF, "content"}
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=250,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Raw(str):
    """Written into the YAML as it is (a plain scalar such as `yes`, or a quoted one)."""


# What an author types, or a YAML 1.1 tool writes, where text, a number or an id belongs.
TRICKY: list[Any] = [Raw(v) for v in (
    "yes", "no", "on", "Off", "y", "true", "False", "~", "null", "070", "0o17", "0x1F",
    "70.0", "70.5", "1e1", "-3", "0", "101", ".inf", "''", '" "', '"yes"', '"070"', "[]",
    "{}", "hello world", "2001-12-14x")] + [
    "text", "", "  padded  ", "S003-1", "S999-X", "s003-1", "greet", "greeting", "resolve",
    "dont-know", "no-such-entry", "Bad Id", "ok-id", " spaced ", "line\nbreak", "good",
    "sometimes", "single", "truefalse", "order", "steps", "phone", "fax", "bell\u0007",
    "clear\x1b[2J", "osc\x1b]52;c;aGk=\x07", "rtl\u202eevil", "del\x7f", "c1\x9b", "tab\there",
    1, 5, 50, -20,
    True, False, None, [], ["greet"], ["greet", "greet"], ["S003-1"], {"ko": "가", "en": "a"},
    {"ko": "가"}, {"ko": "가", "en": "a", "fr": "b"}, {"ko": ["가"], "en": ["a"]},
    {"ko": [], "en": []}, {"text": {"ko": "가", "en": "a"}, "correct": True}]


def dump(value: Any) -> str:
    """YAML in flow style (YAML is a superset of JSON), with Raw values written as they are."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {dump(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document a mutation can reach."""
    out = [at] if at else []
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(paths(v, (*at, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(paths(v, (*at, i)))
    return out


def _parent(doc: Any, at: tuple[Any, ...]) -> Any:
    for key in at[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        places = paths(doc)
        if not places:
            break
        at = draw(st.sampled_from(places))
        parent, key = _parent(doc, at), at[-1]
        move = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "repeat"]))
        if move == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(TRICKY)))
        elif move == "drop":
            del parent[key]
        elif move == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "narration", "mood", "phrases", "version",
                                         "start_mood", "not_when", "cues", "advice", "title",
                                         "correct", "answer", "items", "options"]))] = \
                copy.deepcopy(draw(st.sampled_from(TRICKY)))
        elif move == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


@pytest.fixture(scope="module")
def checker(library: Library) -> Checker:
    return Checker(library)


@pytest.fixture(scope="module")
def validators(library: Library) -> dict[str, Any]:
    return {kind: jsonschema.Draft202012Validator(schema_for(kind, library))
            for kind in ("scenario", "phrasebook", "steps", "sources", "quiz")}


def validate_accepts(checker: Checker, text: str) -> tuple[bool, list[str]]:
    problems = checker.check(Path("doc.yaml"), "doc.yaml", text.encode())
    format_errors = [str(p) for p in problems
                     if p.severity == "error" and p.code not in VALIDATE_ONLY]
    return not format_errors, format_errors


def schema_accepts(validator: Any, text: str) -> tuple[bool, list[str]]:
    reader = ryaml.YAML(typ="safe", pure=True)
    try:
        data = reader.load(text)
    except ryaml.YAMLError as exc:  # a duplicate key, say: an editor flags it too
        return False, [type(exc).__name__]
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    return not errors, errors


def agree(checker: Checker, validator: Any, doc: Any) -> None:
    text = dump(doc)
    by_validate, why_validate = validate_accepts(checker, text)
    by_schema, why_schema = schema_accepts(validator, text)
    assert by_validate == by_schema, (
        f"validate {'accepts' if by_validate else 'refuses'}, the schema "
        f"{'accepts' if by_schema else 'refuses'}:\n{text}\nvalidate: {why_validate}\n"
        f"schema: {why_schema}")


def _yaml(path: Path) -> Any:
    return ryaml.YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


MINI = ryaml.YAML(typ="safe", pure=True).load(MINI_SCENARIO)
BASES = {"scenario": MINI, "phrasebook": _yaml(ROOT / "phrasebook" / "s001-say.yaml"),
         "steps": _yaml(ROOT / "phrasebook" / "steps.yaml"),
         "sources": _yaml(ROOT / "phrasebook" / "sources.yaml"),
         "quiz": _yaml(ROOT / "quiz" / "facts.yaml")}


@pytest.mark.parametrize("kind", list(BASES))
def test_the_unchanged_documents_pass_both(checker: Checker, validators: dict[str, Any],
                                           kind: str) -> None:
    agree(checker, validators[kind], BASES[kind])
    assert validate_accepts(checker, dump(BASES[kind]))[0]


@pytest.mark.parametrize("kind", list(BASES))
def test_validate_and_the_schema_agree(checker: Checker, validators: dict[str, Any],
                                       kind: str) -> None:
    @SETTINGS
    @given(mutated(BASES[kind]))
    def run(doc: Any) -> None:
        agree(checker, validators[kind], doc)

    run()


@pytest.mark.parametrize(("text", "expected"), [
    (MINI_SCENARIO.replace("title: {ko: 작은 시나리오, en: A small scenario}",
                           "title: &t {ko: 작은 시나리오, en: A small scenario}")
     .replace("summary: {ko: 요약, en: Summary}", "summary: *t"), "anchors and aliases"),
    (MINI_SCENARIO.replace("  name: {ko: 김 고객님, en: Ms Kim}",
                           "  <<: {name: {ko: 김 고객님, en: Ms Kim}}"), "merge keys (<<)"),
])
def test_what_a_schema_cannot_see_validate_refuses(checker: Checker, text: str,
                                                   expected: str) -> None:
    problems = checker.check(Path("doc.yaml"), "doc.yaml", text.encode())
    assert any(expected in p.message and p.line for p in problems), problems


@pytest.mark.parametrize(("value", "as_mark", "as_text"), [
    ("yes", False, True), ("070", True, False), ("70.0", True, False), ("70.5", False, False),
    ("'70'", False, True), ("true", False, False), ("~", False, False), ("1e1", True, False),
    ("0x1F", True, False), (".inf", False, False),
])
def test_yaml_1_2_numbers_and_words(checker: Checker, validators: dict[str, Any], value: str,
                                    as_mark: bool, as_text: bool) -> None:
    """The cases measured in the issue, one by one, as `pass_mark:` and as `en:` text: `070`
    is 70 and `70.0` a whole number in both; `en: yes` is the text "yes" in both (YAML 1.2,
    as editors read it); `true`, `~` and numbers are not text in either."""
    for text, accepted in ((MINI_SCENARIO.replace("pass_mark: 60", f"pass_mark: {value}"),
                            as_mark),
                           (MINI_SCENARIO.replace("en: Summary}", f"en: {value}}}"), as_text)):
        assert validate_accepts(checker, text)[0] is accepted, text
        assert schema_accepts(validators["scenario"], text)[0] is accepted, text


def test_a_phrase_listed_twice_is_refused_by_both(checker: Checker,
                                                  validators: dict[str, Any]) -> None:
    twice = "        steps: [listen]\n        phrases: [dont-know, dont-know]\n"
    text = MINI_SCENARIO.replace("        steps: [listen]\n", twice)
    ok, why = validate_accepts(checker, text)
    assert not ok and "lists a phrasebook id twice" in why[0]
    assert not schema_accepts(validators["scenario"], text)[0]
