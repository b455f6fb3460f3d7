"""The history and the trainer's report as tables for Excel and BI tools (CSV and XLSX).

`export`: three tables, fed by one pass over the attempts (an iterator: never the whole history
in memory) -- `attempts` (one row per attempt: the summary), `replies` (one row per reply in a
drill) and `answers` (one row per quiz answer); `attempt` joins them. Text is given in the
language the drill was played in (`text`, `title`) and in both languages as columns of their own
(`text_ko`, `text_en`, ...), so a trainee who played in Korean exports Hangul whatever `--lang`.

`report`: its three tables (`steps`, `hardest`, `scenarios`), each with titles and trap texts in
`--lang` and in both languages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from cscoach.content.model import Lang
from cscoach.content.tables import Column, Row, Sheet
from cscoach.history.record import Record

ATTEMPTS = Sheet("attempts", (
    Column("attempt", width=38), Column("kind", width=7), Column("trainee"), Column("team"),
    Column("status", width=11), Column("pack"), Column("scenario"),
    Column("scenario_version", "int"), Column("content_hash", width=18), Column("title", width=30),
    Column("title_ko", width=30), Column("title_en", width=30),
    Column("lang", width=6), Column("started_at", "time"), Column("finished_at", "time"),
    Column("seconds", "number"), Column("score", "int"), Column("passed", "bool"),
    Column("pass_mark", "int"), Column("ending"), Column("outcome", width=10),
    Column("final_mood", "int"), Column("steps_done", "list", width=40),
    Column("replies", "int"), Column("answers", "int"),
))
REPLIES = Sheet("replies", (
    Column("attempt", width=38), Column("trainee"), Column("pack"), Column("scenario"),
    Column("lang", width=6), Column("turn", "int"), Column("node"), Column("choice", "int"),
    Column("options", "int"),
    Column("text", width=50), Column("text_ko", width=50), Column("text_en", width=50),
    Column("typed", width=30), Column("steps", "list"), Column("dont_say", "list"),
    Column("say_instead", "list"), Column("mood_before", "int"), Column("mood_after", "int"),
    Column("weak", "bool"), Column("better", "int"), Column("points", "int"),
    Column("at", "time"),
))
ANSWERS = Sheet("answers", (
    Column("attempt", width=38), Column("trainee"), Column("team"), Column("lang", width=6),
    Column("number", "int"), Column("question"), Column("topic"), Column("source"),
    Column("answer"), Column("correct", "bool"), Column("timed_out", "bool"),
    Column("seconds", "number"), Column("points", "int"), Column("at", "time"),
))
EXPORT_SHEETS = (ATTEMPTS, REPLIES, ANSWERS)
# a report read from an LRS that failed part-way (--allow-partial): this table comes first
PARTIAL = Sheet("partial", (Column("partial", "bool"), Column("partial_reason", width=80)))


def _played(record: Record) -> Lang:
    return "ko" if record.get("lang") == "ko" else "en"


def _seconds(record: Record) -> float | None:
    from cscoach.content.tables import moment

    start, end = moment(record.get("started_at")), moment(record.get("finished_at"))
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def attempt_row(r: Record, lang: Lang | None = None) -> Row:
    title = r.get("title") or {}
    lang = lang or _played(r)
    done = [s["step"] for s in r.get("steps") or [] if s.get("done")]
    return [r["id"], r["kind"], r["trainee"], r.get("team"), r["status"], r.get("pack") or None,
            r["scenario"], r.get("scenario_version"), r.get("content_hash"), title.get(lang),
            title.get("ko"), title.get("en"),
            r.get("lang"), r.get("started_at"), r.get("finished_at"), _seconds(r), r["score"],
            r["passed"], r.get("pass_mark"), r.get("ending"), r.get("outcome"),
            r.get("final_mood"), done, len(r["choices"]), len(r["answers"])]


def reply_row(r: Record, c: dict[str, Any], lang: Lang | None = None) -> Row:
    text = c.get("text") or {}
    said = c.get("typed") or text.get(lang or _played(r))
    return [r["id"], r["trainee"], r.get("pack") or None, r["scenario"], r.get("lang"),
            c["turn"], c["node"], c["choice"], c.get("options"), said, text.get("ko"),
            text.get("en"), c.get("typed"),
            c.get("steps") or [], c.get("dont_say") or [], c.get("say_instead") or [],
            c.get("mood_before"), c.get("mood_after"), c.get("weak"), c.get("better"),
            c.get("points"), c.get("at")]


def answer_row(r: Record, a: dict[str, Any]) -> Row:
    return [r["id"], r["trainee"], r.get("team"), r.get("lang"), a.get("number"),
            a.get("question"), a.get("topic"), a.get("source"), a.get("answer"),
            a.get("correct"), a.get("timed_out"), a.get("seconds"), a.get("points"),
            a.get("at")]


def export_rows(records: Iterable[Record], lang: Lang | None = None
                ) -> Iterator[tuple[str, Row]]:
    """Every table's rows in one pass: an attempt, then its replies or answers. `text` and
    `title` are in `lang`, or (None) the language each attempt was played in; a typed reply's
    `text` is what was typed."""
    for r in records:
        yield "attempts", attempt_row(r, lang)
        for c in r["choices"]:
            yield "replies", reply_row(r, c, lang)
        for a in r["answers"]:
            yield "answers", answer_row(r, a)


def export_sheets(only: str | None = None) -> tuple[Sheet, ...]:
    return tuple(s for s in EXPORT_SHEETS if only in (None, s.name))


def report_sheets(step_ids: Sequence[str], only: str | None = None) -> tuple[Sheet, ...]:
    sheets = (
        Sheet("steps", (Column("trainee"), Column("drills", "int"), Column("mean_score", "int"),
                        Column("pass_rate", "int"),
                        *(Column(s, "int", width=max(10, len(s) + 2)) for s in step_ids))),
        Sheet("hardest", (
            Column("scenario"), Column("pack"), Column("version", "int"), Column("node"),
            Column("visits", "int"), Column("traps", "int"),
            Column("trap_rate", "int"), Column("trainees_trapped", "int"),
            Column("trainees", "int"), Column("top_trap", "int"),
            Column("top_trap_picks", "int"), Column("top_trap_text", width=50),
            Column("top_trap_text_ko", width=50), Column("top_trap_text_en", width=50),
            Column("dont_say", "list"))),
        Sheet("scenarios", (
            Column("scenario"), Column("pack"), Column("version", "int"),
            Column("versions", "int"), Column("since", "time"), Column("title", width=30),
            Column("title_ko", width=30),
            Column("title_en", width=30), Column("attempts", "int"), Column("abandoned", "int"),
            Column("trainees", "int"), Column("passed", "int"), Column("pass_rate", "int"),
            Column("mean_score", "int"), Column("best_score", "int"))),
    )
    return tuple(s for s in sheets if only in (None, s.name))


def report_rows(data: dict[str, Any], step_ids: Sequence[str], lang: Lang
                ) -> Iterator[tuple[str, Row]]:
    """The report's tables (from `Tally.report`), their text in `lang` and both."""
    for row in data.get("steps", ()):
        yield "steps", [row["trainee"], row["drills"], row["mean_score"], row["pass_rate"],
                        *(row[s] for s in step_ids)]
    for row in data.get("hardest", ()):
        text = row["top_trap_text"]
        yield "hardest", [row["scenario"], row.get("pack"), row.get("version"), row["node"],
                          row["visits"], row["traps"],
                          row["trap_rate"], row["trainees_trapped"], row["trainees"],
                          row["top_trap"], row["top_trap_picks"], text.get(lang),
                          text.get("ko"), text.get("en"), row["dont_say"]]
    for row in data.get("scenarios", ()):
        title = row.get("title") or {}
        yield "scenarios", [row["scenario"], row.get("pack"), row.get("version"),
                            row.get("versions"), row.get("since"), title.get(lang), title.get("ko"),
                            title.get("en"),
                            row["attempts"], row["abandoned"], row["trainees"], row["passed"],
                            row["pass_rate"], row["mean_score"], row["best_score"]]
