"""Commands over the history: progress, drill, report, export, sync, coverage."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import cscoach.cli.options as options
from cscoach.cli.options import (
    ContentArg,
    DataDirArg,
    DetailsArg,
    LangArg,
    LangOption,
    LrsArg,
    TraineeArg,
)
from cscoach.cli.root import app
from cscoach.errors import ExitStatus, NoTerminalError, UsageError

if TYPE_CHECKING:
    from cscoach.content.library import Library
    from cscoach.content.model import Lang, Scenario
    from cscoach.history.config import Settings as HistorySettings

JsonArg = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _records(data_dir: Path | None, trainee: str | None
             ) -> tuple[HistorySettings, list[dict[str, Any]]]:
    from cscoach.history.config import settings
    from cscoach.history.store import open_for_reading

    history = settings(data_dir, trainee)
    if not history.db_path.exists():
        return history, []
    with open_for_reading(history.db_path) as store:
        return history, store.attempts(history.trainee)


@app.command()
def progress(
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lang: LangArg = None,
    content: ContentArg = None,
    json_out: JsonArg = False,
) -> None:
    """Your attempts, best and last score per scenario, skill per step, phrases to drop."""
    from cscoach.history.progress import offers, summary
    from cscoach.judge.phrases import Matcher

    chosen = options.lang(lang)
    history, records = _records(data_dir, trainee)
    library = options.library(content, data_dir)
    data = summary(records, history.trainee, library.steps.ids(),
                   offered=offers(_played(library, records), Matcher(library.phrasebook)))
    if json_out:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.ui.history import progress as show

    first = library.all_scenarios()[0].id
    show(options.console(), data, library.steps, library.phrasebook, chosen, first)


def _played(library: Library, records: list[dict[str, Any]]) -> list[Scenario]:
    """The scenarios a history has drills of, as they are now (one since removed is left out:
    it offers nothing any more)."""
    from cscoach.errors import NotFoundError
    from cscoach.history.progress import attempt_key

    found = []
    for key in dict.fromkeys(attempt_key(r) for r in records if r["kind"] == "play"):
        try:
            found.append(library.scenario(key))
        except NotFoundError:
            continue
    return found


@app.command()
def drill(
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lang: LangArg = None,
    content: ContentArg = None,
    lrs: LrsArg = None,
    json_out: JsonArg = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Start the drill without asking.")
                   ] = False,
) -> None:
    """Pick what to practise next (spaced repetition + your weak steps and phrases), say why,
    and start it."""
    from cscoach.history.drill import plan
    from cscoach.history.record import now
    from cscoach.judge.phrases import Matcher

    chosen = options.lang(lang)
    history, records = _records(data_dir, trainee)
    library = options.library(content, data_dir)
    matcher = Matcher(library.phrasebook)
    when = now()
    chosen_plan = plan(records, library.all_scenarios(), library.steps, matcher, when)
    if json_out:
        sys.stdout.write(json.dumps(chosen_plan.to_dict(chosen), ensure_ascii=False,
                                    indent=2) + "\n")
        return
    from cscoach.i18n import tr
    from cscoach.ui.history import drill_plan

    console = options.console()
    drill_plan(console, chosen_plan, history.trainee, chosen, when)
    pick = chosen_plan.pick.scenario.id
    if not options.at_terminal():
        console.print(tr(chosen, "drill.run", id=pick))
        return
    from cscoach.ui import prompt

    if not yes and not prompt.confirm(tr(chosen, "drill.start"), default=True):
        console.print(tr(chosen, "drill.run", id=pick))
        return
    from cscoach.cli.play import play

    play(pick, lang=lang, trainee=history.trainee, data_dir=data_dir, lrs=lrs)


@app.command()
def review(
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lang: Annotated[LangOption | None, typer.Option(
        "--lang", help="Language of the review, its phrases scored in it (default: the language "
        "the drill was played in).", show_default=False)] = None,
    details: DetailsArg = False,
    json_out: JsonArg = False,
    content: ContentArg = None,
) -> None:
    """Your last finished drill again: its debrief (--details: every turn as played, every
    point, the seven steps and every better choice). Exit 1 when there is none."""
    from cscoach.errors import NothingFound
    from cscoach.history.review import last_drill, replay
    from cscoach.judge.phrases import Matcher
    from cscoach.judge.scoring import debrief

    history, records = _records(data_dir, trainee)
    last = last_drill(records)
    if last is None:
        raise NothingFound(f"no finished drill to review for {history.trainee} in "
                           f"{history.db_path}; play one with 'cscoach play <ID>' "
                           "(see 'cscoach list')")
    library = options.library(content, data_dir)
    story = library.scenario(last["scenario"])
    played: Lang = "ko" if last["lang"] == "ko" else "en"
    chosen: Lang = played if lang is None else options.lang(lang)
    transcript = replay(last, story)
    matcher = Matcher(library.phrasebook, mend_slips=any(c.get("typed") for c in last["choices"]))
    result = debrief(transcript, library.steps, matcher, prefer=chosen)
    if json_out:
        from cscoach.judge.results import debrief_to_dict

        data = {"attempt": last["id"], "trainee": last["trainee"],
                "finished_at": last["finished_at"], "recorded_score": last["score"],
                **debrief_to_dict(result, library.phrasebook, chosen)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.history.record import parse_iso
    from cscoach.i18n import tr
    from cscoach.ui import render

    console = options.console()
    when = parse_iso(last["finished_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    notes = [(tr(chosen, "review.title", title=story.title(chosen), when=when,
                 played=tr(chosen, f"lang.{played}")), "bold")]
    if last.get("scenario_version") not in (None, story.version):
        notes.append((tr(chosen, "review.changed", then=last["scenario_version"],
                         now=story.version), "yellow"))
    if last["score"] is not None and last["score"] != result.score:
        key = "review.rescored" if chosen == played else "review.rescored_lang"
        notes.append((tr(chosen, key, then=last["score"], now=result.score,
                         language=tr(chosen, f"lang.{chosen}")), "dim"))
    from rich.text import Text as RichText

    above = 0
    for note, style in notes:
        text = RichText(note, style=style)
        above += len(console.render_lines(text, console.options, pad=False))
        console.print(text)
    if details:
        render.scripted_drill(console, result, library.phrasebook, chosen, True, details=True)
    else:  # the notes and the short debrief share one screen
        render.debrief(console, result, library.phrasebook, chosen, more="debrief.more_review",
                       lines=render.DEBRIEF_LINES - above)


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"
    json = "json"
    md = "md"


class ReportPart(StrEnum):
    steps = "steps"
    hardest = "hardest"
    scenarios = "scenarios"


ExcelArg = Annotated[bool | None, typer.Option(
    "--excel/--no-excel", help="CSV for Excel: a UTF-8 byte order mark, CRLF line ends, times "
    "Excel reads as dates (default: on for a --out file ending in .csv, off otherwise).",
    show_default=False)]
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".md": "md",
            ".json": "json"}


def _format(given: str | None, out: Path | None, default: str, known: set[str]) -> str:
    """The --format given, or the one --out's suffix names, or the default. A workbook is never
    written under another suffix, nor anything else under .xlsx (Excel would refuse it)."""
    suffix = out.suffix.lower() if out is not None else ""
    named = SUFFIXES.get(suffix)
    chosen = given or (named if named in known else default)
    if (chosen == "xlsx") != (suffix == ".xlsx") and out is not None and \
            "xlsx" in (chosen, named):
        raise UsageError(f"--format {chosen} does not fit --out {out}: an Excel workbook is "
                         "written with --format xlsx to a file ending in .xlsx")
    if chosen == "xlsx" and out is None:
        raise UsageError("--format xlsx needs --out FILE.xlsx (a workbook is not text to print)")
    return chosen


def _tables(output: str, sheets: Any, rows: Any, out: Path | None, excel: bool | None
            ) -> None:
    """Write tables as CSV (one file per table) or as one XLSX workbook, in one pass over
    `rows` (an iterator: nothing but the row in hand is kept)."""
    from cscoach.content import tables

    if output == "xlsx":
        assert out is not None
        tables.write_xlsx(out, sheets, rows)
        return
    if out is None:
        tables.print_csv(sys.stdout, sheets[0], (row for name, row in rows
                                                 if name == sheets[0].name), bool(excel))
        return
    excel = out.suffix.lower() == ".csv" if excel is None else excel
    tables.write_csv(tables.csv_paths(out, sheets), sheets, rows, excel)


def _one_table(output: str, sheets: Any, out: Path | None) -> None:
    """Refused before anything is read: several tables cannot be printed as one CSV."""
    if output == "csv" and out is None and len(sheets) > 1:
        names = ", ".join(s.name for s in sheets)
        raise UsageError(f"a CSV holds one table: give --only ({names}) to print one, or "
                         "--out FILE.csv to write one file per table")


@app.command()
def report(
    sources: Annotated[list[Path] | None, typer.Argument(
        help="History databases (history.db) and/or 'cscoach export --format json' files.",
        show_default=False)] = None,
    output: Annotated[ReportFormat | None, typer.Option(
        "--format", help="Output format: table (the terminal), csv (one file per table), xlsx "
        "(a workbook, a sheet per table), html (one page with charts), json or md (default: "
        "what --out ends in, else table).", show_default=False)] = None,
    only: Annotated[ReportPart | None, typer.Option(
        "--only", help="Just one table: steps, hardest or scenarios.", show_default=False)
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many hardest choices.")] = 10,
    lang: LangArg = None,
    content: ContentArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write to this file (csv: x.csv holds the one table of --only, else "
        "x-steps.csv, x-hardest.csv and x-scenarios.csv).", show_default=False)] = None,
    excel: ExcelArg = None,
    lrs: Annotated[str | None, typer.Option(
        "--lrs", help="Also read the team's statements from this Learning Record Store "
        "(credentials from CSCOACH_LRS_USER/CSCOACH_LRS_PASSWORD).", show_default=False)
    ] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="With --lrs: statements since this date or time (ISO 8601, UTC).",
        show_default=False)] = None,
    until: Annotated[str | None, typer.Option(
        "--until", help="With --lrs: statements up to this date or time (ISO 8601, UTC).",
        show_default=False)] = None,
    activity: Annotated[list[str] | None, typer.Option(
        "--activity", help="With --lrs: only statements about this activity IRI (a scenario, "
        "the quiz; repeatable).", show_default=False)] = None,
    registration: Annotated[str | None, typer.Option(
        "--registration", help="With --lrs: only this attempt (its registration UUID).",
        show_default=False)] = None,
    allow_partial: Annotated[bool, typer.Option(
        "--allow-partial", help="With --lrs: if the LRS fails part-way, report what was read, "
        "marked partial (exit 1), instead of failing.")] = False,
) -> None:
    """For trainers: steps per trainee, the hardest choices across the team, pass rates."""
    from cscoach.history.tally import Tally, tally_sources
    from cscoach.i18n import tr

    fmt = _format(output.value if output else None, out, "table",
                  {f.value for f in ReportFormat})
    part = only.value if only else None
    if fmt == "table" and out is not None:
        raise UsageError("--out needs --format csv, xlsx, html, json or md")
    chosen = options.lang(lang)
    query = _lrs_query(lrs, since, until, activity, registration, allow_partial)
    if not sources and lrs is None:
        raise UsageError("give history databases, export files or --lrs URL to report on")
    steps = options.library(content).steps
    if fmt in ("csv", "xlsx"):
        from cscoach.history.tables import report_sheets

        _one_table(fmt, report_sheets(steps.ids(), part), out)
    series, team = None, []
    partial = None
    with Tally() as tally:
        tally_sources(tally, sources or [])
        if lrs is not None:
            from cscoach.history.config import settings
            from cscoach.history.lrs_read import read

            where = settings(None, None, lrs).lrs
            assert where is not None
            reading = read(where, query, tally.add_records, allow_partial)
            partial = reading.partial
            if reading.unreadable:
                options.warn(f"{reading.unreadable} statement(s) from cscoach in the LRS lack "
                             "what a report needs (an id, a registration, an actor, a "
                             "timestamp ...) and were left out")
        data = tally.report(steps.ids(), top)
        if fmt == "html" and part in (None, "steps"):
            from cscoach.history.trend import score_series, team_series

            series, team = score_series(tally), team_series(tally)
    if only is not None and fmt == "json":
        data = {"trainees": data["trainees"], "attempts": data["attempts"],
                only.value: data[only.value]}
    if partial is not None:
        options.warn(f"{partial}; the report counts only the statements read before that "
                     "(--allow-partial)")
    mark = tr(chosen, "report.partial", reason=partial) if partial is not None else None
    _report_out(fmt, data, steps, chosen, part, out, excel, mark, partial, series, team)
    if partial is not None:
        raise typer.Exit(ExitStatus.PROBLEMS_FOUND)


def _report_out(fmt: str, data: dict[str, Any], steps: Any, chosen: Lang, part: str | None,
                out: Path | None, excel: bool | None, mark: str | None, partial: str | None,
                series: Any, team: Any) -> None:
    """The report in its format; a partial one (--allow-partial) says so in each: a line
    above and below the table, `partial` in the JSON, a first sheet (XLSX) or file beside
    (`x-partial.csv`; on standard output, a table of its own before the one asked for), a
    banner on the page, a quote at the top of the Markdown."""
    from cscoach.history.formats import report_markdown, report_tables

    if fmt == "table":
        from cscoach.ui.history import report as show

        console = options.console()
        if mark is not None:
            console.print(mark, style="bold yellow", markup=False, highlight=False)
        show(console, data, steps, chosen, part)
        if mark is not None:
            console.print(mark, style="bold yellow", markup=False, highlight=False)
        return
    if fmt in ("csv", "xlsx"):
        from cscoach.content import tables
        from cscoach.history.tables import PARTIAL, report_rows, report_sheets

        sheets = report_sheets(steps.ids(), part)
        rows = report_rows(data, steps.ids(), chosen)
        if partial is None:
            _tables(fmt, sheets, rows, out, excel)
        elif fmt == "xlsx":
            assert out is not None
            tables.write_xlsx(out, (PARTIAL, *sheets), itertools.chain(
                [("partial", [True, partial])], rows))
        elif out is None:
            tables.print_csv(sys.stdout, PARTIAL, [[True, partial]], bool(excel))
            sys.stdout.write("\n")
            _tables(fmt, sheets, rows, out, excel)
        else:
            paths = {"partial": out.with_name(f"{out.stem}-partial{out.suffix}"),
                     **tables.csv_paths(out, sheets)}
            tables.write_csv(paths, (PARTIAL, *sheets), itertools.chain(
                [("partial", [True, partial])], rows),
                out.suffix.lower() == ".csv" if excel is None else excel)
        return
    if fmt == "html":
        from cscoach.ui.html_report import page

        options.emit(page(data, series, steps, chosen, part, team, mark), out)
        return
    if fmt == "json":
        if partial is not None:
            data = {"partial": True, "partial_reason": partial, **data}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = report_markdown(report_tables(data, steps.ids(), chosen, part), chosen)
        if mark is not None:
            text = f"> **{mark}**\n\n{text}"
    options.emit(text, out)


def _lrs_query(lrs: str | None, since: str | None, until: str | None,
               activity: list[str] | None, registration: str | None, allow_partial: bool
               ) -> Any:
    """`report`'s LRS options checked: a Query, or None without --lrs."""
    if lrs is None:
        given = [name for name, value in (("--since", since), ("--until", until),
                                          ("--activity", activity),
                                          ("--registration", registration),
                                          ("--allow-partial", allow_partial)) if value]
        if given:
            raise UsageError(f"{given[0]} needs --lrs URL")
        return None
    import uuid
    from urllib.parse import urlsplit

    from cscoach.errors import clip, printable
    from cscoach.history.lrs_read import Query

    def moment(option: str, text: str | None) -> str | None:
        if text is None:
            return None
        from datetime import UTC, datetime

        from cscoach.history.record import iso

        try:
            when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"{option}: '{printable(clip(text, 60))}' is not a date or time "
                             "(e.g. 2026-01-05 or 2026-01-05T09:00:00Z)") from None
        return iso(when if when.tzinfo else when.replace(tzinfo=UTC))

    start, end = moment("--since", since), moment("--until", until)
    if start is not None and end is not None and start >= end:
        raise UsageError("--since must be earlier than --until")
    for iri in activity or []:
        if not urlsplit(iri).scheme or not iri.isprintable() or " " in iri:
            raise UsageError(f"--activity: '{printable(clip(iri, 100))}' is not an activity "
                             "IRI (e.g. https://cscoach.example/xapi/scenarios/angry-shopper)")
    if registration is not None:
        try:
            registration = str(uuid.UUID(registration.strip()))
        except ValueError:
            raise UsageError(f"--registration: '{printable(clip(registration, 60))}' is not a "
                             "UUID (an attempt's id, as in 'cscoach export')") from None
    return Query(start, end, tuple(dict.fromkeys(activity or [])), registration)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    xapi = "xapi"


class ExportPart(StrEnum):
    attempts = "attempts"
    replies = "replies"
    answers = "answers"


@app.command()
def export(
    output: Annotated[ExportFormat | None, typer.Option(
        "--format", help="json (for 'cscoach report'), csv (one file per table: attempts, "
        "replies, answers), xlsx (a workbook, a sheet per table) or xapi (statements) "
        "(default: what --out ends in, else json).", show_default=False)] = None,
    trainee: TraineeArg = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every trainee in the database.")
                        ] = False,
    data_dir: DataDirArg = None,
    lang: Annotated[LangOption | None, typer.Option(
        "--lang", help="csv and xlsx: the language of the text and title columns (default: "
        "the language each attempt was played in; both languages have columns of their own).",
        show_default=False)] = None,
    only: Annotated[ExportPart | None, typer.Option(
        "--only", help="csv and xlsx: just one table: attempts (one row per attempt), replies "
        "(one row per reply in a drill) or answers (one row per quiz answer).",
        show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write to this file (csv: x.csv holds the one table of --only, else "
        "x-attempts.csv, x-replies.csv and x-answers.csv).", show_default=False)] = None,
    excel: ExcelArg = None,
) -> None:
    """A trainee's history as JSON, CSV or an Excel workbook, or as xAPI statements."""
    from cscoach.history.config import settings
    from cscoach.history.store import open_for_reading

    if everyone and trainee:
        raise UsageError("give --trainee or --all, not both")
    fmt = _format(output.value if output else None, out, "json",
                  {f.value for f in ExportFormat})
    if only is not None and fmt not in ("csv", "xlsx"):
        raise UsageError("--only needs --format csv or xlsx")
    if fmt in ("csv", "xlsx"):
        from cscoach.history.tables import export_sheets

        _one_table(fmt, export_sheets(only.value if only else None), out)
    played = None if lang is None else options.lang(lang)
    history = settings(data_dir, trainee)
    who = "anyone" if everyone else history.trainee
    if not history.db_path.exists():
        options.warn(f"no attempts recorded for {who} in {history.db_path}")
        _export_to(fmt, history, iter(()), played, only, out, excel)
        return
    with open_for_reading(history.db_path) as store:
        # read an attempt at a time and written as it comes, whatever the number of attempts
        records = store.each_attempt(None if everyone else history.trainee)
        try:
            first = next(records, None)
            if first is None:
                options.warn(f"no attempts recorded for {who} in {history.db_path}")
            stream = records if first is None else itertools.chain([first], records)
            _export_to(fmt, history, stream, played, only, out, excel)
        finally:  # the cursors closed before the store is, also when the writing fails
            close = getattr(records, "close", None)
            if close is not None:
                close()


def _export_to(fmt: str, history: HistorySettings, records: Iterator[dict[str, Any]],
               lang: Lang | None, only: ExportPart | None, out: Path | None,
               excel: bool | None) -> None:
    if fmt in ("csv", "xlsx"):
        from cscoach.history.tables import export_rows, export_sheets

        _tables(fmt, export_sheets(only.value if only else None), export_rows(records, lang),
                out, excel)
        return
    options.emit_parts(export_parts(ExportFormat(fmt), history, records), out)


def export_parts(output: ExportFormat, history: HistorySettings,
                 records: Iterable[dict[str, Any]]) -> Iterator[str] | Iterator[bytes]:
    """The export in `output`'s format (json or xapi), a part at a time: each format is one
    writer fed the same stream of attempts."""
    from cscoach.history import formats

    if output is ExportFormat.json:
        from cscoach.history.service import export_head

        return formats.export_json_parts(export_head(), records)
    from cscoach.history.xapi import statements

    return formats.statements_json_parts(
        body for r in records for _, body in
        statements(r, history.activity_base, history.homepage))


@app.command()
def sync(
    data_dir: DataDirArg = None,
    lrs: LrsArg = None,
) -> None:
    """Send every attempt the Learning Record Store has not got yet (exit 1 if some remain)."""
    from cscoach.history.config import settings
    from cscoach.history.service import sync as run

    history = settings(data_dir, None, lrs)
    if history.lrs is None:
        raise NoTerminalError("no LRS set: give --lrs URL, set CSCOACH_LRS_URL, or put "
                              "[lrs] url = \"...\" in config.toml (see docs/lrs.md)")
    if not history.db_path.exists():
        sys.stdout.write(f"nothing to send: no history at {history.db_path}\n")
        return
    result = run(history)
    sys.stdout.write(f"{history.lrs.url}: sent {result.sent} statement(s)"
                     + (f" ({result.queued} attempt(s) newly queued)" if result.queued else "")
                     + f", {result.pending} waiting\n")
    if result.error:
        options.warn(f"{result.error}; {result.pending} statement(s) kept for the next sync")
        raise typer.Exit(ExitStatus.PROBLEMS_FOUND)
    if result.busy:
        options.warn(f"{result.busy} statement(s) are being sent by another cscoach right now; "
                     "'cscoach sync' again shows whether they arrived")
        raise typer.Exit(ExitStatus.PROBLEMS_FOUND)


class CoverageFormat(StrEnum):
    table = "table"
    md = "md"
    json = "json"


@app.command()
def coverage(
    output: Annotated[CoverageFormat, typer.Option("--format", help="Output format.")
                      ] = CoverageFormat.table,
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", help="The seeds README listing the curriculum's items (default: every item "
        "in phrasebook/sources.yaml).", show_default=False)] = None,
    lang: LangArg = None,
    content: ContentArg = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.",
                                             show_default=False)] = None,
) -> None:
    """For trainers: which scenarios, phrasebook entries and quiz topics teach each source item
    (exit 1 when an item has none)."""
    from cscoach.authoring.coverage import coverage as build
    from cscoach.authoring.coverage import markdown, seed_ids

    chosen = options.lang(lang)
    ids = None
    if seeds is not None:
        try:
            ids = seed_ids(seeds)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{seeds}: cannot read: {exc}") from None
    library = options.library(content)
    rows = build(library, chosen, ids)
    if output is CoverageFormat.json:
        options.emit(json.dumps([{"source": r.source, "title": r.title, "scenarios": r.scenarios,
                           "phrasebook": r.phrases, "quiz": r.quiz} for r in rows],
                         ensure_ascii=False, indent=2) + "\n", out)
    elif output is CoverageFormat.md:
        options.emit(markdown(rows, chosen, library.all_scenarios()), out)
    else:
        from rich import box
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD)
        for name in ("source", "scenarios", "phrasebook", "quiz"):
            table.add_column(name, overflow="fold", ratio=None if name == "source" else 1)
        for r in rows:
            table.add_row(r.source, ", ".join(r.scenarios) or Text("none", style="red"),
                          ", ".join(r.phrases) or "-", ", ".join(r.quiz) or "-")
        from cscoach.ui.fit import show

        show(options.console(), table)
    missing = [r.source for r in rows if not r.covered]
    if missing:
        options.warn(f"{len(missing)} item(s) without content: {', '.join(missing)}")
        raise typer.Exit(ExitStatus.PROBLEMS_FOUND)
