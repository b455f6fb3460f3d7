"""Property: whatever bytes arrive, the loaders either load them or raise the project's own
error (ContentError), and every problem is one located line. Hypothesis generates YAML from
random values, mutates the shipped content files the ways people and tools break them, and
throws raw bytes; derandomized, so every run tries the same cases."""

from __future__ import annotations

from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cscoach.authoring.validate import Checker  # noqa: E402
from cscoach.content.library import Library  # noqa: E402
from cscoach.errors import Problem  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("phrasebook/*.yaml"),
                  *ROOT.glob("quiz/*.yaml")])
TEXTS = [p.read_bytes() for p in SHIPPED]

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=300,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Keys the loaders know, so generated documents reach deep into the schema.
KEYS = ["format_version", "kind", "id", "title", "summary", "persona", "name", "type",
        "description", "sources", "channel", "difficulty", "pass_mark", "start", "nodes",
        "endings", "says", "choices", "steps", "next", "mood", "feedback", "phrases",
        "outcome", "entries", "dont_say", "why", "say_instead", "say_instead_markers",
        "source", "questions", "options", "correct", "prompt", "explanation", "ko", "en",
        "topic", "cues", "label", "url"]
KINDS = ["scenario", "phrasebook", "steps", "sources", "quiz", "other"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(KINDS + ["S003-1", "greet", "good", "a", "모르겠어요"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
                                            inner, max_size=6)),
    max_leaves=40)

# What breaks YAML: its indicators, whitespace that matters, tags, anchors, odd characters.
NASTY = list(":-[]{}&*!|>'\"#%@`,?\t\n ") + ["!!python/object:os.system ", "&a ", "*a",
                                            "<<: ", "---\n", "...\n", "\x00", "\ufeff",
                                            "\u200b", "한", "\r", "    ", "- ", ": "]


@pytest.fixture(scope="module")
def checker(library: Library) -> Checker:
    return Checker(library)


def check(checker: Checker, data: bytes) -> None:
    """The property itself: no exception but ContentError escapes a loader (Checker.check
    turns that one into its problems), and each problem is one located line."""
    problems = checker.check(Path("fuzz.yaml"), "fuzz.yaml", data)
    for p in problems:
        assert isinstance(p, Problem)
        assert p.path == "fuzz.yaml" and p.line >= 0 and p.col >= 0
        assert "\n" not in str(p) and p.message.strip()


@SETTINGS
@given(doc=values, kind=st.sampled_from(KINDS), header=st.booleans())
def test_generated_documents(checker: Checker, doc: object, kind: str, header: bool) -> None:
    import yaml

    if header:
        doc = {"format_version": 1, "kind": kind,
               **(doc if isinstance(doc, dict) else {"nodes": doc})}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    check(checker, text.encode("utf-8"))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A shipped content file with a few edits: cut, insert, duplicate, swap, re-indent,
    truncate, flip bytes."""
    data = bytearray(draw(st.sampled_from(TEXTS)))
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cut", "insert", "dup", "swap", "indent", "truncate",
                                    "byte"]))
        at = draw(st.integers(0, len(data)))
        if how == "cut":
            del data[at: at + draw(st.integers(1, 200))]
        elif how == "insert":
            data[at:at] = draw(st.sampled_from(NASTY)).encode("utf-8")
        elif how == "byte":
            data[at:at + 1] = bytes([draw(st.integers(0, 255))])
        elif how == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if how == "dup":
                lines.insert(i, lines[j])
            elif how == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = b" " * draw(st.integers(0, 7)) + lines[i].lstrip(b" ")
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@SETTINGS
@given(data=mutated())
def test_mutated_content_files(checker: Checker, data: bytes) -> None:
    check(checker, data)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=400),
                      st.lists(st.sampled_from(NASTY + list("abc가나 1")), max_size=80)
                      .map(lambda parts: "".join(parts).encode("utf-8"))))
def test_raw_bytes_and_yaml_punctuation(checker: Checker, data: bytes) -> None:
    check(checker, data)


def test_the_shipped_files_load_cleanly(checker: Checker) -> None:
    """The mutations start from files that are fine."""
    for path, data in zip(SHIPPED, TEXTS, strict=True):
        errors = [p for p in checker.check(path, str(path), data) if p.severity == "error"]
        assert not errors, errors
