"""Which way to describe a content format, measured per file on the shipped scenarios:

- PyYAML's C loader building Python objects (what a model library needs as its input);
- composing the YAML nodes only (what the located checks walk: every node keeps its line:col);
- cscoach's loader: compose + the checks of content/formats.py + building the model;
- pydantic v2 strict models (installed with typer) on the C loader's objects: no line:col, and
  every message would have to be rewritten;
- msgspec on the same objects (skipped when it is not installed): no line:col, and it stops at
  the first problem.

    python benchmarks/format_means.py

A figure, not a test (this machine is shared): the ratios matter, not the milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cscoach.content.library import load_library
from cscoach.content.loader import Document, compose, load_scenario

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 30

NonEmpty = Annotated[str, StringConstraints(pattern=r"\S")]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
StepName = Literal["greet", "listen", "ask", "empathize", "resolve", "check", "follow_up"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PText(Strict):
    ko: NonEmpty
    en: NonEmpty


class PChoice(Strict):
    says: PText
    steps: list[StepName]
    next: Id
    feedback: PText
    mood: int = Field(0, ge=-10, le=10)
    phrases: list[Id] = []


class PNode(Strict):
    says: PText
    choices: list[PChoice] = Field(min_length=1)
    narration: PText | None = None


class PEnding(Strict):
    outcome: Literal["good", "partial", "bad"]
    title: PText
    says: PText
    summary: PText


class PPersona(Strict):
    name: PText
    type: PText
    description: PText
    sources: list[str] = Field(min_length=1)


class PScenario(Strict):
    format_version: Literal[1]
    kind: Literal["scenario"]
    id: Id
    version: int = 1
    title: PText
    summary: PText
    persona: PPersona
    channel: Literal["in_person", "phone", "email", "letter", "online"]
    difficulty: int = Field(ge=1, le=5)
    pass_mark: int = Field(ge=0, le=100)
    start_mood: int = 0
    sources: list[str]
    start: Id
    nodes: dict[Id, PNode]
    endings: dict[Id, PEnding]


def msgspec_convert() -> Callable[[Any], Any] | None:
    try:
        import msgspec
    except ImportError:
        return None

    def text(name: str) -> Any:
        word = Annotated[str, msgspec.Meta(pattern=r"\S")]
        return msgspec.defstruct(name, [("ko", word), ("en", word)], forbid_unknown_fields=True)

    mtext = text("MText")
    choice = msgspec.defstruct("MChoice", [
        ("says", mtext), ("steps", list[StepName]), ("next", str), ("feedback", mtext),
        ("mood", Annotated[int, msgspec.Meta(ge=-10, le=10)], 0), ("phrases", list[str], [])],
        forbid_unknown_fields=True)
    node = msgspec.defstruct("MNode", [("says", mtext), ("choices", list[choice]),
                                       ("narration", mtext | None, None)],
                             forbid_unknown_fields=True)
    ending = msgspec.defstruct("MEnding", [
        ("outcome", Literal["good", "partial", "bad"]), ("title", mtext), ("says", mtext),
        ("summary", mtext)], forbid_unknown_fields=True)
    persona = msgspec.defstruct("MPersona", [("name", mtext), ("type", mtext),
                                             ("description", mtext), ("sources", list[str])],
                                forbid_unknown_fields=True)
    scenario = msgspec.defstruct("MScenario", [
        ("format_version", Literal[1]), ("kind", Literal["scenario"]), ("id", str),
        ("title", mtext), ("summary", mtext), ("persona", persona),
        ("channel", Literal["in_person", "phone", "email", "letter", "online"]),
        ("difficulty", Annotated[int, msgspec.Meta(ge=1, le=5)]),
        ("pass_mark", Annotated[int, msgspec.Meta(ge=0, le=100)]), ("sources", list[str]),
        ("start", str), ("nodes", dict[str, node]), ("endings", dict[str, ending]),
        ("version", int, 1), ("start_mood", int, 0)], forbid_unknown_fields=True)
    return lambda data: msgspec.convert(data, scenario)


def main() -> None:
    library = load_library()
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    texts = [f.read_text(encoding="utf-8") for f in files]

    def per_file(fn: Callable[[Path, str], object]) -> float:
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(REPEAT):
                for path, text in zip(files, texts, strict=True):
                    fn(path, text)
            runs.append((time.perf_counter() - start) / (REPEAT * len(files)) * 1e3)
        return statistics.median(runs)

    def cscoach(path: Path, text: str) -> object:
        doc = Document(path, str(path), text.encode())
        return load_scenario(path, library.steps, str(path), library.sources, doc,
                             library.phrase_ids)

    rows = [
        ("PyYAML C loader (objects)", per_file(lambda p, t: yaml.load(t, Loader=yaml.CSafeLoader)),
         ""),
        ("compose only (nodes with marks)", per_file(lambda p, t: compose(t, str(p))), ""),
        ("cscoach: compose + checks + model", per_file(cscoach), "every problem, located"),
        ("pydantic: C loader + model_validate", per_file(lambda p, t: PScenario.model_validate(
            yaml.load(t, Loader=yaml.CSafeLoader))), "no line:col"),
    ]
    convert = msgspec_convert()
    if convert is not None:
        rows.append(("msgspec: C loader + convert", per_file(
            lambda p, t: convert(yaml.load(t, Loader=yaml.CSafeLoader))),
            "no line:col, first problem only"))
    base = rows[0][1]
    print(f"per file, ms (median of 5 runs over {REPEAT * len(files)} files):")
    for name, ms, note in rows:
        print(f"  {name:<38} {ms:6.3f}  {ms / base:4.2f}x  {note}")
    if convert is None:
        print("  msgspec: not installed (pip install msgspec to compare)")


if __name__ == "__main__":
    main()
