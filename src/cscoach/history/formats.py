"""Plain-text shapes of history data: Markdown (report) and JSON (exports, streamed); the CSV
and XLSX tables are in `history.tables`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from cscoach.content.model import Lang

if TYPE_CHECKING:
    from cscoach.history.record import Record


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else value


Table = tuple[str, list[str], list[list[object]]]  # title, header, rows


def report_tables(data: dict[str, Any], step_ids: Sequence[str], lang: Lang,
                  only: str | None = None) -> list[Table]:
    tables: list[Table] = []
    if only in (None, "steps"):
        header = ["trainee", "drills", "mean_score", "pass_rate", *step_ids]
        tables.append(("steps", header, [[row[h] for h in header] for row in data["steps"]]))
    if only in (None, "hardest"):
        header = ["scenario", "pack", "version", "node", "visits", "traps", "trap_rate",
                  "trainees_trapped", "trainees", "top_trap", "top_trap_picks", "top_trap_text",
                  "dont_say"]
        tables.append(("hardest", header, [
            [row[h]["ko" if lang == "ko" else "en"] if h == "top_trap_text" else row[h]
             for h in header] for row in data["hardest"]]))
    if only in (None, "scenarios"):
        header = ["scenario", "pack", "version", "since", "attempts", "abandoned", "trainees",
                  "passed", "pass_rate", "mean_score", "best_score"]
        tables.append(("scenarios", header, [[row[h] for h in header]
                                             for row in data["scenarios"]]))
    return tables


def _md(value: object) -> str:
    text = str(_cell(value))
    return text.replace("|", "\\|").replace("\n", " ")


TITLES = {
    "steps": ("Steps by trainee (level %)", "교육생별 단계 수준 (%)"),
    "hardest": ("Hardest choices", "가장 어려운 선택"),
    "scenarios": ("Pass rates by scenario", "시나리오별 합격률"),
}


def report_markdown(tables: list[Table], lang: Lang) -> str:
    out = []
    for name, header, rows in tables:
        out.append(f"## {TITLES[name][1 if lang == 'ko' else 0]}\n")
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---:" if _numeric(rows, i) else "---"
                                  for i in range(len(header))) + "|")
        out.extend("| " + " | ".join(_md(v) for v in row) + " |" for row in rows)
        out.append("")
    return "\n".join(out)


def _numeric(rows: list[list[object]], i: int) -> bool:
    values = [r[i] for r in rows if r[i] is not None]
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool)
                                for v in values)


def statements_json(statements: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(statements), ensure_ascii=False, indent=2) + "\n"


CHUNK = 256  # items serialized by one orjson call: few calls, a chunk's bytes small


def json_list_parts(items: Iterable[object], outer: str = "") -> Iterator[bytes]:
    """A JSON list nested at `outer` (its closing bracket's indent), as UTF-8, a chunk of items
    at a time: byte for byte what `json.dumps(list, ensure_ascii=False, indent=2)` writes there,
    the list never held.

    orjson writes `indent=2` as the standard library does (the same separators, the same
    escapes, UTF-8 unescaped) some 30 times faster (the standard library's indenting encoder is
    pure Python): 2,500 attempts' statements in 0.08 s against 2.3 s, and `export --format xapi`
    whole takes a half to a third of the time (benchmarks/export_serializer.py). They would
    differ only for a float below 1e-4 (`0.00001` against `1e-05`, the same number) or an
    infinite one (not JSON; orjson writes null), and no statement or attempt holds either. A
    chunk is dumped as a list, so orjson indents its items; nested deeper, each of its lines is
    shifted by `outer`."""
    import itertools

    import orjson

    shift = b"\n" + outer.encode()
    first = True
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        text = orjson.dumps(chunk, option=orjson.OPT_INDENT_2)[2:-2]  # without "[\n", "\n]"
        if outer:
            text = outer.encode() + text.replace(b"\n", shift)
        yield (b"[\n" if first else b",\n") + text
        first = False
    yield b"[]" if first else shift + b"]"


def statements_json_parts(statements: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """`statements_json` written a chunk of statements at a time, as UTF-8."""
    yield from json_list_parts(statements, "")
    yield b"\n"


def export_json_parts(head: dict[str, object], records: Iterable[Record]) -> Iterator[bytes]:
    """`json.dumps({**head, "attempts": records}, indent=2)` and a line break, as UTF-8, a
    chunk of attempts at a time (`head` is the export document without its attempts)."""
    text = json.dumps({**head, "attempts": []}, ensure_ascii=False, indent=2)
    yield text[:text.rindex("[]")].encode()
    yield from json_list_parts(records, "  ")
    yield b"\n}\n"
