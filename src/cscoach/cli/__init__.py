"""The command line: parse arguments, call the core, render the result. No logic lives here."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cscoach import __version__
from cscoach.errors import ContentError, CscoachError, ExitStatus, Interrupted, NoTerminalError

if TYPE_CHECKING:
    from rich.console import Console

    from cscoach.content.library import Library
    from cscoach.content.model import Lang, Scenario
    from cscoach.history.config import Settings as HistorySettings
    from cscoach.judge.phrases import Matcher

app = typer.Typer(
    name="cscoach",
    help="Role-play drills for handling complaints and difficult clients.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class LangOption(StrEnum):
    ko = "ko"
    en = "en"


class FeedbackWhen(StrEnum):
    now = "now"
    end = "end"


LangArg = Annotated[LangOption | None, typer.Option(
    "--lang", help="Language of content and interface (default: CSCOACH_LANG, the locale, or en).",
    show_default=False)]


TraineeArg = Annotated[str | None, typer.Option(
    "--trainee", help="Whose history (default: CSCOACH_TRAINEE, 'trainee' in config.toml, or "
    "your login name).", show_default=False)]
DataDirArg = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder of the history database and config.toml (default: CSCOACH_HOME "
    "or your data folder).", show_default=False)]
LrsArg = Annotated[str | None, typer.Option(
    "--lrs", help="Also send the attempt as xAPI to this Learning Record Store (default: "
    "CSCOACH_LRS_URL or config.toml); credentials from CSCOACH_LRS_USER/CSCOACH_LRS_PASSWORD.",
    show_default=False)]
NoRecordArg = Annotated[bool, typer.Option("--no-record", help="Do not keep this attempt in the "
                                           "history.")]


def _warn(message: str) -> None:
    sys.stderr.write(f"cscoach: warning: {message}\n")


def _lang(option: LangOption | None) -> Lang:
    from cscoach.i18n import default_lang

    if option is None:
        return default_lang()
    return "ko" if option is LangOption.ko else "en"


def _console(*, stderr: bool = False) -> Console:
    import os
    import shutil

    from rich.console import Console

    width = height = None
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        # rich takes any dumb terminal as 80 x 25; measure the real one (a dumb terminal
        # still has a size, and COLUMNS / LINES still win)
        width, height = shutil.get_terminal_size()
    return Console(stderr=stderr, highlight=False, width=width, height=height)


def _version(value: bool) -> None:
    if value:
        print(f"cscoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Role-play drills for handling complaints and difficult clients.

    Exit codes: 0 success, 1 a check found problems, 2 bad usage or unreadable input,
    130 interrupted.
    """


@app.command()
def play(
    scenario: Annotated[str, typer.Argument(help="Scenario id (see 'cscoach list') or a YAML file.",
                                            show_default=False)],
    lang: LangArg = None,
    answers: Annotated[str | None, typer.Option(
        "--answers", help="Play without prompts: 1-based choices in authored order, e.g. 2,1,3, "
        "or @FILE to read them from a file (@- for standard input).",
        show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object "
                                           "(needs --answers).")] = False,
    feedback: Annotated[FeedbackWhen, typer.Option(
        "--feedback", help="Show feedback after each choice (now) or only in the debrief (end).")
    ] = FeedbackWhen.now,
    shuffle: Annotated[bool, typer.Option(
        "--shuffle/--no-shuffle",
        help="Show the replies in a new random order every drill, so the best one cannot be "
             "learnt by its place (--no-shuffle: authored order).")] = True,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for the shuffle.")] = None,
    free: Annotated[bool, typer.Option(
        "--free", help="Type your own replies instead of picking: each is checked against the "
        "phrasebook and the seven steps, scored, and the drill goes on as after the authored "
        "reply it is closest to (when none is close, you pick).")] = False,
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lrs: LrsArg = None,
    no_record: NoRecordArg = False,
) -> None:
    """Play a scenario: the customer speaks, you pick (or with --free type) replies, then a
    debrief scores you.

    Every attempt is kept in your history ('cscoach progress'); one stopped with Ctrl-C is kept
    as abandoned.
    """
    from cscoach.content.library import load_library
    from cscoach.drill.answers import drill_answers
    from cscoach.judge.phrases import Matcher

    chosen_lang = _lang(lang)
    scripted = drill_answers(answers) if answers is not None else None
    if scripted is None and json_out:
        raise NoTerminalError("--json needs --answers (e.g. --answers 1,2,1)")
    if scripted is not None and free:
        from cscoach.errors import UsageError

        raise UsageError("--free is for typing replies at a terminal; it cannot take --answers "
                         "(to check written replies without a drill, use 'cscoach check')")
    if scripted is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
        from cscoach.i18n import tr

        raise NoTerminalError(tr(chosen_lang, "error.no_terminal_free" if free
                                 else "error.no_terminal"))
    history = None
    if not no_record:
        from cscoach.history.config import settings as history_settings

        history = history_settings(data_dir, trainee, lrs)
    library = load_library()
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook, mend_slips=free)  # typed words may have slips
    if history is not None:
        from cscoach.history.service import check_store

        check_store(history)

    if scripted is not None:
        _play_scripted(story, library, matcher, scripted, chosen_lang, json_out,
                       feedback == FeedbackWhen.now, history)
        return

    from cscoach.history.record import Tracker, play_record
    from cscoach.i18n import tr
    from cscoach.ui import prompt
    from cscoach.ui.interactive import DrillOptions, run_drill

    console = _console()
    options = DrillOptions(chosen_lang, feedback == FeedbackWhen.now, shuffle, seed, free)
    while True:
        tracker = Tracker(story, history.trainee if history else "", chosen_lang)
        try:
            result = run_drill(console, story, library.steps, matcher, options, tracker.on_turn)
        except (Interrupted, KeyboardInterrupt):
            if history is not None and tracker.turns:
                _keep(history, [play_record(tracker, None, matcher)])
            raise
        if history is not None:
            _keep(history, [play_record(tracker, result, matcher)])
            console.print(tr(chosen_lang, "history.saved", trainee=history.trainee),
                          style="dim")
        if not prompt.confirm(tr(chosen_lang, "prompt.replay")):
            console.print(tr(chosen_lang, "bye"))
            return


def _keep(history: HistorySettings, records: list[dict[str, object]]) -> None:
    """Record attempts; a history or LRS problem is a warning, never the end of a drill."""
    from cscoach.history.service import record

    try:
        record(history, records, _warn)
    except CscoachError as exc:
        _warn(f"this attempt was not recorded: {exc.message}")


def _play_scripted(story: Scenario, library: Library, matcher: Matcher, answers: list[int],
                   lang: Lang, json_out: bool, feedback_now: bool,
                   history: HistorySettings | None) -> None:
    import json

    from cscoach.drill.engine import play as play_through
    from cscoach.judge.results import debrief_to_dict
    from cscoach.judge.scoring import debrief

    transcript = play_through(story, answers)
    result = debrief(transcript, library.steps, matcher, prefer=lang)
    if history is not None:
        from cscoach.history.record import play_record, scripted_tracker

        tracker = scripted_tracker(story, history.trainee, lang, transcript.turns)
        _keep(history, [play_record(tracker, result, matcher)])
    if json_out:
        sys.stdout.write(json.dumps(debrief_to_dict(result, library.phrasebook, lang),
                                    ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.ui import render

    render.scripted_drill(_console(), result, library.phrasebook, lang, feedback_now)


@app.command("list")
def list_scenarios(
    lang: LangArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the scenarios you can play."""
    from cscoach.content.library import load_library
    from cscoach.judge.results import scenario_summary

    chosen_lang = _lang(lang)
    scenarios = load_library().all_scenarios()
    if json_out:
        import json

        rows = [scenario_summary(s, chosen_lang) for s in scenarios]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text as RichText

    from cscoach.i18n import tr

    table = Table(title=tr(chosen_lang, "list.title"), box=box.SIMPLE_HEAVY, title_justify="left",
                  caption=tr(chosen_lang, "list.hint"), caption_justify="left")
    table.add_column(tr(chosen_lang, "label.id"), no_wrap=True, style="bold cyan")
    table.add_column(tr(chosen_lang, "label.title"), ratio=1)
    table.add_column(tr(chosen_lang, "label.channel"), no_wrap=True)
    table.add_column(tr(chosen_lang, "label.difficulty"), no_wrap=True)
    table.add_column(tr(chosen_lang, "list.pass"), no_wrap=True, justify="right")
    for s in scenarios:
        title = RichText(s.title(chosen_lang))
        title.append("\n" + s.persona.type(chosen_lang), style="dim")
        table.add_row(s.id, title, tr(chosen_lang, f"channel.{s.channel.value}"),
                      "★" * s.difficulty, str(s.pass_mark))
    from cscoach.ui.fit import show

    show(_console(), table)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(
        help="Scenario or phrasebook files, or folders to search for *.yaml.",
        show_default=False)],
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")
                      ] = OutputFormat.text,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Check every file again instead of reusing results for unchanged "
        "files.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Processes to check with "
                                      "(0: one per core).")] = 0,
) -> int:
    """Check content files: YAML, schema, the scenario graph and the phrases. Exit 1 on errors."""
    import json

    from cscoach.authoring.validate import validate as run_validate

    report = run_validate(paths, use_cache=not no_cache, jobs=jobs)
    errors, warnings = report.counts(strict)
    if output is OutputFormat.json:
        sys.stdout.write(json.dumps({
            "files": report.files, "errors": errors, "warnings": warnings,
            "problems": [{"file": p.path, "line": p.line, "col": p.col,
                          "severity": "error" if strict else p.severity, "message": p.message}
                         for p in report.problems],
        }, ensure_ascii=False, indent=2) + "\n")
    else:
        for p in report.problems:
            line = str(p)
            if strict and p.severity == "warning":
                line = line.replace(": warning: ", ": error: ", 1)
            sys.stdout.write(line + "\n")
        sys.stdout.flush()  # the summary comes last also when both go to one pipe
        sys.stderr.write(f"{report.files} file(s) checked: {errors} error(s), "
                         f"{warnings} warning(s)\n")
    return ExitStatus.PROBLEMS_FOUND if errors else ExitStatus.OK


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


RENDERED = (".svg", ".png", ".pdf")


@app.command()
def graph(
    scenario: Annotated[str, typer.Argument(help="Scenario id or YAML file.", show_default=False)],
    output: Annotated[GraphFormat, typer.Option("--format", help="mermaid (GitHub, docs) or dot "
                                                "(Graphviz).")] = GraphFormat.mermaid,
    lang: LangArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write to this file instead of printing; .svg, .png or .pdf is drawn with "
        "Graphviz 'dot'.", show_default=False)] = None,
) -> None:
    """Draw a scenario's branching: choices coloured by step, traps dashed red, endings by
    outcome."""
    from cscoach.authoring.graph import to_dot, to_mermaid
    from cscoach.content.library import load_library
    from cscoach.judge.phrases import Matcher

    library = load_library()
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook)
    chosen = _lang(lang)
    drawn = out is not None and out.suffix.lower() in RENDERED
    if output is GraphFormat.dot or drawn:
        text = to_dot(story, matcher, library.steps, chosen)
    else:
        text = to_mermaid(story, matcher, chosen)
    if out is None:
        sys.stdout.write(text)
    elif drawn:
        _render_dot(text, out)
    else:
        _write_file(out, text)


def _render_dot(text: str, out: Path) -> None:
    import shutil
    import subprocess

    from cscoach.errors import UsageError

    dot = shutil.which("dot")
    if dot is None:
        raise UsageError(f"{out}: drawing {out.suffix} needs Graphviz 'dot', which is not "
                         "installed; use --format dot and render elsewhere, or install graphviz")
    done = subprocess.run([dot, f"-T{out.suffix[1:].lower()}", "-o", str(out)],
                          input=text.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise CscoachError(f"{out}: dot failed: {done.stderr.decode(errors='replace').strip()}")


def _write_file(out: Path, text: str) -> None:
    from cscoach.errors import UsageError

    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None


class SchemaKind(StrEnum):
    scenario = "scenario"
    phrasebook = "phrasebook"
    steps = "steps"
    sources = "sources"
    quiz = "quiz"


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which format.")] = SchemaKind.scenario,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write every format's schema (scenario, phrasebook, steps, sources, quiz) "
        "into this folder.",
        show_default=False)] = None,
) -> None:
    """Print the JSON Schema (2020-12) of a content format, for editors and other tools."""
    import json

    from cscoach.content.library import load_library
    from cscoach.content.schema import KINDS, file_name, schema_for

    library = load_library()

    def dump(k: str) -> str:
        return json.dumps(schema_for(k, library), ensure_ascii=False, indent=2) + "\n"

    if out is None:
        sys.stdout.write(dump(kind.value))
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from cscoach.errors import UsageError

        raise UsageError(f"{out}: cannot create the folder: {exc.strerror or exc}") from None
    for k in KINDS:
        _write_file(out / file_name(k), dump(k))
        sys.stderr.write(f"wrote {out / file_name(k)}\n")


@app.command()
def stats(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Scenario files or folders (default: the shipped scenarios).", show_default=False)
    ] = None,
    lang: LangArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> int:
    """Per scenario: size, words, paths, best and worst reachable score, steps on the best path."""
    import json

    from cscoach.authoring.stats import scenario_stats
    from cscoach.authoring.validate import content_files
    from cscoach.content.library import load_library
    from cscoach.errors import ContentError
    from cscoach.judge.phrases import Matcher

    library = load_library()
    matcher = Matcher(library.phrasebook)
    files, missing = content_files(list(paths)) if paths else (library.scenario_files(), [])
    for p in missing:
        sys.stderr.write(f"cscoach: {p}\n")
    broken = 0
    rows = []
    for path in files:
        try:
            story = library.load_scenario_file(path)
        except ContentError as exc:
            broken += 1
            sys.stderr.write(f"cscoach: {exc.problems[0]} (skipped; run 'cscoach validate "
                             f"{exc.problems[0].path}' for details)\n")
            continue
        rows.append(scenario_stats(story, library.steps, matcher))
    failed = ExitStatus.PROBLEMS_FOUND if missing or broken else ExitStatus.OK
    if not rows and not json_out:
        return failed
    if json_out:
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2)
                         + "\n")
    else:
        from cscoach.ui.authoring import stats_view

        console = _console()
        console.print(stats_view(rows, _lang(lang), library.steps, console.width))
    return failed


@app.command()
def autoplay(
    scenario: Annotated[str, typer.Argument(help="Scenario id or YAML file.", show_default=False)],
    runs: Annotated[int, typer.Option("--runs", min=1, max=1_000_000,
                                      help="Random playthroughs.")] = 1000,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed: the same seed, the same "
                                             "runs.")] = None,
    exhaustive: Annotated[bool, typer.Option("--exhaustive", help="Walk every path instead of "
                                             "random runs.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many paths for "
                                       "--exhaustive.")] = 20_000,
    lang: LangArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Play a scenario many times without a trainee: hit counts, score spread, best and worst."""
    import json

    from cscoach.authoring.autoplay import exhaustive as walk_all
    from cscoach.authoring.autoplay import random_runs
    from cscoach.content.library import load_library
    from cscoach.judge.phrases import Matcher

    library = load_library()
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook)
    report = (walk_all(story, library.steps, matcher, limit) if exhaustive
              else random_runs(story, library.steps, matcher, runs, seed))
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.ui.authoring import autoplay_report

    autoplay_report(_console(), report, _lang(lang))


@app.command()
def new(
    scenario_id: Annotated[str | None, typer.Option("--id", help="Scenario id, e.g. "
                                                    "late-delivery.", show_default=False)] = None,
    title_en: Annotated[str | None, typer.Option("--title-en", show_default=False)] = None,
    title_ko: Annotated[str | None, typer.Option("--title-ko", show_default=False)] = None,
    persona_en: Annotated[str | None, typer.Option(
        "--persona-en", help="How the trainee addresses the customer (English).",
        show_default=False)] = None,
    persona_ko: Annotated[str | None, typer.Option("--persona-ko", show_default=False)] = None,
    channel: Annotated[str | None, typer.Option(
        "--channel", help="in_person, phone, email, letter or online.", show_default=False)
    ] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="File to write (default: scenarios/ID.yaml when ./scenarios exists, "
        "else ./ID.yaml).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: LangArg = None,
) -> None:
    """Start a new scenario: a few questions, then a commented skeleton that validates."""
    from cscoach.authoring.skeleton import Answers, render
    from cscoach.content.loader import valid_id
    from cscoach.content.model import Channel
    from cscoach.errors import UsageError
    from cscoach.i18n import tr

    chosen = _lang(lang)
    channels = [c.value for c in Channel]
    if channel is not None and channel not in channels:
        raise UsageError(f"--channel '{channel}' is not one of: {', '.join(channels)}")
    if scenario_id is not None and not valid_id(scenario_id):
        raise UsageError(f"--id '{scenario_id}': {tr(chosen, 'new.bad_id')}")
    given = {"id": scenario_id, "title_en": title_en, "title_ko": title_ko,
             "persona_en": persona_en, "persona_ko": persona_ko, "channel": channel}
    missing = [f"--{k.replace('_', '-')}" for k, v in given.items() if not v]
    if missing and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NoTerminalError(tr(chosen, "new.missing", flags=", ".join(missing)))
    if missing:
        from cscoach.ui.authoring import ask_new

        def id_problem(value: str) -> str | None:
            return None if valid_id(value) else tr(chosen, "new.bad_id")

        values = ask_new(chosen, given, id_problem)
    else:
        values = {k: v for k, v in given.items() if v}
    target = out or (Path("scenarios") if Path("scenarios").is_dir() else Path(".")) / \
        f"{values['id']}.yaml"
    if target.exists() and not force:
        raise UsageError(tr(chosen, "new.exists", path=target))
    answers = Answers(values["id"], values["title_en"], values["title_ko"],
                      values["persona_en"], values["persona_ko"], Channel(values["channel"]),
                      _schema_ref(target), target.as_posix())
    _write_file(target, render(answers))
    from cscoach.authoring.validate import validate as run_validate

    report = run_validate([target], use_cache=False, jobs=1)
    if report.problems:  # a skeleton that does not validate is our bug: say so loudly
        raise ContentError(report.problems)
    sys.stdout.write(tr(chosen, "new.written", path=target) + "\n")
    for command in (f"cscoach validate {target}", f"cscoach graph {target}",
                    f"cscoach autoplay {target} --exhaustive", f"cscoach play {target}"):
        sys.stdout.write(f"  {command}\n")


def _schema_ref(target: Path) -> str:
    """Where an editor finds the scenario schema, relative to the new file when possible."""
    import os

    from cscoach.content.library import content_root

    schema_file = content_root() / "schema" / "scenario.schema.json"
    if not schema_file.is_file():
        return ""
    try:
        return Path(os.path.relpath(schema_file.resolve(), target.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        return schema_file.resolve().as_uri()


quiz_app = typer.Typer(
    help="Quiz for onboarding sessions: solo or 2-8 teams on one screen, with a timer and a "
    "leaderboard. 'cscoach quiz export' writes the question bank for Moodle.",
    invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None)
app.add_typer(quiz_app, name="quiz")


@quiz_app.callback()
def quiz(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=500,
                                       help="How many questions.")] = 10,
    topic: Annotated[list[str] | None, typer.Option(
        "--topic", help="Only these topics (repeatable): steps, phrasebook, customer-types, "
        "channels, pr-clients, principles, facts.", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="The same seed, the same quiz.")
                    ] = None,
    team: Annotated[list[str] | None, typer.Option(
        "--team", help="A team (repeat for 2-8 teams taking turns on one screen).",
        show_default=False)] = None,
    timer: Annotated[float | None, typer.Option(
        "--timer", min=1, max=600, help="Seconds per answer; faster right answers score more.",
        show_default=False)] = None,
    answers: Annotated[list[str] | None, typer.Option(
        "--answers", help="Play without prompts: 2,t,3-1-2 (solo) or TEAM=2,t,3-1-2 per team; "
        "@FILE reads one such value a line.",
        show_default=False)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON (needs "
                                           "--answers).")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write every answer to results.csv or results.json (also when "
        "interrupted).", show_default=False)] = None,
    lang: LangArg = None,
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lrs: LrsArg = None,
    no_record: NoRecordArg = False,
) -> None:
    """Run a quiz (see 'cscoach quiz --help'); 'cscoach quiz export' writes the bank.

    Results are kept in the history: a solo quiz under the trainee, a team quiz under each
    team's name.
    """
    if ctx.invoked_subcommand is not None:
        return
    from cscoach.content.library import load_library
    from cscoach.content.loader import did_you_mean
    from cscoach.content.model import TOPICS
    from cscoach.drill.answers import quiz_answers
    from cscoach.errors import UsageError
    from cscoach.i18n import tr
    from cscoach.quiz import results
    from cscoach.quiz.play import Game, check_teams, choose, scripted_answers

    chosen = _lang(lang)
    teams = check_teams(list(team)) if team else []
    for t in topic or []:
        if t not in TOPICS:
            raise UsageError(f"unknown topic '{t}'{did_you_mean(t, TOPICS)} (topics: "
                             f"{', '.join(TOPICS)})")
    if out is not None:
        results.check_out(out)
    if json_out and not answers:
        raise NoTerminalError("--json needs --answers (e.g. --answers 2,t,1)")
    if not answers and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise NoTerminalError("no terminal to ask in; give the answers with --answers "
                              "(e.g. --answers 2,t,1, or --answers Red=2,t,1 per team)")
    from cscoach.quiz.generate import all_questions

    asked = choose(all_questions(load_library()), count, topic or (), seed)
    if not asked:
        raise UsageError(tr(chosen, "quiz.no_questions", topics=", ".join(topic or [])))
    game = Game(teams or ["solo"], timer)
    history = None
    if not no_record:
        from cscoach.history.config import settings as history_settings
        from cscoach.history.service import check_store

        history = history_settings(data_dir, trainee, lrs)
        check_store(history)
    from cscoach.history.record import now, quiz_records

    started = now()

    def keep(completed: bool) -> None:
        if history is not None:
            _keep(history, quiz_records(game, asked, history.trainee, chosen, started, now(),
                                        completed))

    from cscoach.ui import quiz as ui

    if answers:
        origins: dict[str, str] = {}
        game.play_scripted(asked, scripted_answers(quiz_answers(answers), game.teams,
                                                   len(asked), origins), origins)
        keep(True)
        if out is not None:
            results.write(out, game, asked, chosen, True)
        if json_out:
            import json

            sys.stdout.write(json.dumps(results.summary(game, asked, chosen, True),
                                        ensure_ascii=False, indent=2) + "\n")
        else:
            ui.show_scripted(_console(), game, asked, chosen)
        return

    try:
        ui.run_live(_console(), game, asked, chosen)
    except (Interrupted, KeyboardInterrupt):
        keep(False)
        if out is not None:
            results.write(out, game, asked, chosen, False)
        raise
    keep(True)
    if history is not None:
        sys.stdout.write(tr(chosen, "history.saved", trainee=history.trainee if not teams
                            else ", ".join(teams)) + "\n")
    if out is not None:
        results.write(out, game, asked, chosen, True)
        sys.stdout.write(tr(chosen, "quiz.saved", path=out) + "\n")


class ExportFormat(StrEnum):
    gift = "gift"
    aiken = "aiken"
    json = "json"


@quiz_app.command("export")
def quiz_export(
    output: Annotated[ExportFormat, typer.Option("--format", help="gift or aiken (Moodle), or "
                                                 "json.")] = ExportFormat.gift,
    lang: LangArg = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of "
                                             "printing.", show_default=False)] = None,
) -> None:
    """Write the whole question bank for an LMS: Moodle GIFT or Aiken, or JSON (both languages).
    """
    from cscoach.content.library import load_library
    from cscoach.quiz.export import to_aiken, to_gift, to_json
    from cscoach.quiz.generate import all_questions

    questions = all_questions(load_library())
    chosen = _lang(lang)
    if output is ExportFormat.gift:
        text = to_gift(questions, chosen)
    elif output is ExportFormat.aiken:
        text, skipped = to_aiken(questions, chosen)
        if skipped:
            sys.stderr.write(f"cscoach: {skipped} ordering question(s) left out: Aiken has no "
                             "ordering type (GIFT keeps them as matching questions)\n")
    else:
        text = to_json(questions)
    _emit(text, out)
    if out is not None:
        sys.stderr.write(f"wrote {len(questions)} questions to {out}\n")


def _emit(text: str, out: Path | None) -> None:
    """Print, or write to --out (atomically, via _write_file)."""
    if out is None:
        sys.stdout.write(text)
    else:
        _write_file(out, text)


def _fail(message_lines: list[str], status: int) -> NoReturn:
    for line in message_lines:
        sys.stderr.write(f"cscoach: {line}\n")
    sys.exit(status)


def _interrupted(args: list[str]) -> str:
    """"interrupted" in the language the command was asked to speak."""
    from cscoach.i18n import default_lang, tr

    lang: Lang = default_lang()
    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in ("ko", "en"):
            lang = "ko" if value == "ko" else "en"
    return tr(lang, "interrupted")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app and maps every failure to one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        returned = app(args=args, prog_name="cscoach", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail([_interrupted(args)], ExitStatus.INTERRUPTED)
    except CscoachError as exc:
        if debug:
            raise
        lines = [_interrupted(args)] if isinstance(exc, Interrupted) else exc.lines()
        if isinstance(exc, ContentError) and len(lines) > 1:
            lines = [f"{lines[0]} (+{len(lines) - 1} more: 'cscoach validate "
                     f"{exc.problems[0].path}' lists them)"]
        _fail(lines, exc.exit_status)
    except (KeyboardInterrupt, EOFError):
        if debug:
            raise
        sys.stderr.write(f"\ncscoach: {_interrupted(args)}\n")
        sys.exit(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        sys.exit(ExitStatus.OK)
    except Exception as exc:  # the one place a bug becomes a message
        parser_code = getattr(exc, "exit_code", None)
        if hasattr(exc, "show") and isinstance(parser_code, int):
            exc.show()  # a usage error found by the argument parser (click's or typer's)
            sys.exit(ExitStatus.BAD_INPUT if parser_code == 2 else parser_code)
        if debug:
            raise
        _fail([f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the "
               "traceback, and please report it)"], ExitStatus.INTERNAL)
    if returned == ExitStatus.INTERRUPTED:
        # Typer turns a Ctrl-C that lands outside a prompt (while a panel is being drawn, say)
        # into a silent `return 130`; no command returns 130 itself, so say what happened.
        sys.stderr.write("\n")
        _fail([_interrupted(args)], ExitStatus.INTERRUPTED)
    sys.exit(returned if isinstance(returned, int) else ExitStatus.OK)


from cscoach.cli import check as _cli_check  # noqa: E402,F401  (registers its commands)
from cscoach.cli import history as _cli_history  # noqa: E402,F401  (registers its commands)
