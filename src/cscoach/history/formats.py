"""Plain-text shapes of history data: Markdown (report) and JSON (exports, streamed); the CSV
and XLSX tables are in `history.tables`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cscoach.content.model import Lang
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


def _indented(value: object, by: str) -> str:
    """`value` as `json.dumps(..., indent=2)` writes it nested under `by` (a JSON string holds
    no line break, so every line is indented alike)."""
    return by + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + by)


def json_list_parts(items: Iterable[object], outer: str = "") -> Iterator[str]:
    """A JSON list nested at `outer` (its closing bracket's indent), an item at a time: byte
    for byte what `json.dumps(list, indent=2)` writes there, the list never held."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + _indented(item, outer + "  ")
        first = False
    yield "[]" if first else "\n" + outer + "]"


def statements_json_parts(statements: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`statements_json` written statement by statement."""
    yield from json_list_parts(statements, "")
    yield "\n"


def export_json_parts(head: dict[str, object], records: Iterable[Record]) -> Iterator[str]:
    """`json.dumps({**head, "attempts": records}, indent=2)` and a line break, attempt by
    attempt (`head` is the export document without its attempts)."""
    text = json.dumps({**head, "attempts": []}, ensure_ascii=False, indent=2)
    yield text[:text.rindex("[]")]
    yield from json_list_parts(records, "  ")
    yield "\n}\n"
