"""For trainers writing content: validate, graph, schema, stats, autoplay and new."""

from __future__ import annotations

import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import ContentArg, LangArg, OutputFormat
from cscoach.cli.root import app
from cscoach.errors import ContentError, CscoachError, ExitStatus, NoTerminalError, Problem

if TYPE_CHECKING:
    from cscoach.content.library import Library
    from cscoach.i18n import Lang


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
    watch: Annotated[bool, typer.Option(
        "--watch", help="Check again whenever a file is saved, until Ctrl-C (with --format "
        "json: one JSON object a line).")] = False,
    content: ContentArg = None,
) -> int:
    """Check content files: YAML, schema, the scenario graph and the phrases, against the
    library with its content packs (a folder named that is a pack is checked as one). Exit 1 on
    errors. --strict: is it shippable (warnings are errors, and every rule the shipped library
    is held to is checked: docs/authoring.md)."""
    from cscoach.authoring.validate import validate as run_validate
    from cscoach.history.config import content_packs

    packs = content_packs(content)

    if watch:
        from cscoach.authoring.editor import watch as watch_files

        def begin() -> None:
            sys.stderr.write(f"cscoach: checking {' '.join(map(str, paths))}\n")
            sys.stderr.flush()

        watch_files(paths, lambda files, problems: _report(
            files, problems, strict, output, watching=True), begin=begin,
            use_cache=not no_cache, jobs=jobs, packs=packs, strict=strict)
        return ExitStatus.OK  # not reached: a watch ends with Ctrl-C
    report = run_validate(paths, use_cache=not no_cache, jobs=jobs, packs=packs,
                          strict=strict)
    return _report(report.files, report.problems, strict, output)


def _report(files: int, problems: list[Problem], strict: bool, output: OutputFormat,
            watching: bool = False) -> int:
    """Print what validate found (text lines, or one JSON object); the exit status it means."""
    import json

    errors = sum(1 for p in problems if p.severity == "error" or strict)
    warnings = len(problems) - errors
    if output is OutputFormat.json:
        found = {
            "files": files, "errors": errors, "warnings": warnings,
            "problems": [{"file": p.path, "line": p.line, "col": p.col,
                          "severity": "error" if strict else p.severity, "message": p.message}
                         for p in problems],
        }
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=None if watching else 2)
                         + "\n")
        sys.stdout.flush()
    else:
        for p in problems:
            line = str(p)
            if strict and p.severity == "warning":
                line = line.replace(": warning: ", ": error: ", 1)
            sys.stdout.write(line + "\n")
        sys.stdout.flush()  # the summary comes last also when both go to one pipe
        sys.stderr.write(f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)"
                         + ("; watching for changes (Ctrl-C to stop)" if watching else "")
                         + "\n")
        sys.stderr.flush()
    return ExitStatus.PROBLEMS_FOUND if errors else ExitStatus.OK


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


RENDERED = (".svg", ".png", ".pdf")
# what each --out suffix writes; the suffix decides, and --format, when given, must agree
SUFFIXES = {".mmd": GraphFormat.mermaid, ".mermaid": GraphFormat.mermaid,
            ".dot": GraphFormat.dot, ".gv": GraphFormat.dot,
            **dict.fromkeys(RENDERED, GraphFormat.dot)}
MAX_FILE_NAME = 255  # bytes in one file name (Linux, macOS; Windows: 255 characters)


def graph_format(out: Path | None, asked: GraphFormat | None) -> GraphFormat:
    """What `graph` writes: the --out suffix decides (no suffix: --format, else Mermaid); an
    unknown suffix, or a --format the suffix contradicts, is a usage error."""
    from cscoach.errors import UsageError

    if out is None or not out.suffix:
        return asked or GraphFormat.mermaid
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"{out}: unknown --out suffix '{out.suffix}'; graph writes "
                         + ", ".join(SUFFIXES) + " (or no suffix: --format decides)")
    if asked is not None and asked is not SUFFIXES[suffix]:
        if suffix in RENDERED:
            raise UsageError(f"{out}: --format {asked.value} contradicts '{out.suffix}': "
                             "Graphviz draws it from DOT; drop --format, or write Mermaid to a "
                             ".mmd file")
        raise UsageError(f"{out}: --format {asked.value} contradicts '{out.suffix}', a "
                         f"{SUFFIXES[suffix].value} file; drop --format or change the suffix")
    return SUFFIXES[suffix]


@app.command()
def graph(
    scenario: Annotated[str, typer.Argument(help="Scenario id or YAML file.", show_default=False)],
    output: Annotated[GraphFormat | None, typer.Option(
        "--format", help="mermaid (GitHub, docs; the default) or dot (Graphviz). With --out the "
        "file's suffix decides, and --format must agree.", show_default=False)] = None,
    lang: LangArg = None,
    content: ContentArg = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write to this file instead of printing: .mmd or .mermaid (Mermaid), .dot "
        "or .gv (DOT), .svg, .png or .pdf (drawn with Graphviz 'dot').", show_default=False)
        ] = None,
) -> None:
    """Draw a scenario's branching: choices coloured by step, traps dashed red, endings by
    outcome, unreachable boxes dotted grey."""
    from cscoach.authoring.graph import to_dot, to_mermaid
    from cscoach.judge.phrases import Matcher

    chosen_format = graph_format(out, output)  # before any loading: a wrong name fails fast
    library = options.library(content)
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook)
    chosen = options.lang(lang)
    drawn = out is not None and out.suffix.lower() in RENDERED
    if chosen_format is GraphFormat.dot:
        text = to_dot(story, matcher, library.steps, chosen)
    else:
        text = to_mermaid(story, matcher, chosen)
    if out is None:
        sys.stdout.write(text)
    elif drawn:
        _render_dot(text, out, chosen)
    else:
        options.write_file(out, text)


HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def korean_font_warning(text: str, out: Path, lang: Lang) -> str | None:
    """Why the Korean in a drawing may show as empty boxes (None: it has no Korean, or a font
    for it is installed)."""
    import shutil
    import subprocess

    from cscoach.i18n import tr

    if not HANGUL.search(text):
        return None
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return tr(lang, "graph.no_fc_list", out=out)
    try:
        found = subprocess.run([fc_list, ":lang=ko", "family"], capture_output=True, text=True,
                               check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return tr(lang, "graph.no_fc_list", out=out)
    if found.returncode != 0 or not found.stdout.strip():
        return tr(lang, "graph.no_cjk_font", out=out)
    return None


def _render_dot(text: str, out: Path, lang: Lang) -> None:
    import shutil
    import subprocess

    from cscoach.errors import UsageError

    dot = shutil.which("dot")
    if dot is None:
        raise UsageError(f"{out}: drawing {out.suffix} needs Graphviz 'dot', which is not "
                         "installed; use --format dot and render elsewhere, or install graphviz")
    warning = korean_font_warning(text, out, lang)
    if warning is not None:
        options.warn(warning)
    # dot draws to its standard output, never into --out itself: the drawing replaces the old
    # file whole, and a failing dot leaves it as it was
    done = subprocess.run([dot, f"-T{out.suffix[1:].lower()}"],
                          input=text.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise CscoachError(f"{out}: dot failed: {done.stderr.decode(errors='replace').strip()}")
    options.write_file(out, done.stdout)


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
    content: ContentArg = None,
) -> None:
    """Print the JSON Schema (2020-12) of a content format, for editors and other tools."""
    import json

    from cscoach.content.schema import schema_for

    library = options.library(content)

    def dump(k: str) -> str:
        return json.dumps(schema_for(k, library), ensure_ascii=False, indent=2) + "\n"

    if out is None:
        sys.stdout.write(dump(kind.value))
        return
    from cscoach.authoring.editor import write_schemas

    for path in write_schemas(out, library, options.write_file):
        sys.stderr.write(f"wrote {path}\n")


@app.command()
def stats(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Scenario ids, files or folders (default: the shipped scenarios).",
        show_default=False)] = None,
    lang: LangArg = None,
    content: ContentArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    why: Annotated[bool | None, typer.Option(
        "--why/--no-why", help="Explain the best and worst path: facts set, lessons met and "
        "broken, points by category and every point lost (default: when one scenario is "
        "asked for).", show_default=False)] = None,
) -> int:
    """Per scenario: size, words, paths, best and worst reachable score, steps on the best path,
    and why the best and worst path score what they do."""
    import json

    from cscoach.authoring.stats import scenario_stats
    from cscoach.authoring.validate import content_files
    from cscoach.errors import ContentError
    from cscoach.judge.phrases import Matcher

    library = options.library(content)
    matcher = Matcher(library.phrasebook)
    given = [_scenario_path(library, p) for p in paths or ()]
    files, missing = content_files(given) if paths else (library.scenario_files(), [])
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

        console = options.console()
        explain = why if why is not None else len(rows) == 1
        console.print(stats_view(rows, options.lang(lang), library.steps, console.width,
                                 explain))
    return failed


def _scenario_path(library: Library, path: Path) -> Path:
    """The file of a shipped scenario named by its id; any other argument as it is."""
    ref = str(path)
    try:
        if path.suffix in (".yaml", ".yml") or "/" in ref or os.sep in ref or path.exists():
            return path
        named = library.scenario_dir / f"{ref}.yaml"
        return named if named.is_file() else path
    except OSError:  # a name too long for the system, say: content_files says so
        return path


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
    content: ContentArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Play a scenario many times without a trainee: hit counts, score spread, best and worst."""
    import json

    from cscoach.authoring.autoplay import exhaustive as walk_all
    from cscoach.authoring.autoplay import random_runs
    from cscoach.judge.phrases import Matcher

    library = options.library(content)
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook)
    report = (walk_all(story, library.steps, matcher, limit) if exhaustive
              else random_runs(story, library.steps, matcher, runs, seed))
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.ui.authoring import autoplay_report

    autoplay_report(options.console(), report, options.lang(lang))


def _taken(library: Library, scenario_id: str, out: Path | None, lang: Lang) -> str | None:
    """Why an id cannot be a new scenario's: a scenario of the library (shipped or in a pack)
    has it, unless that very file is the one being written again (--force, --out)."""
    from cscoach.content.library import where_declared
    from cscoach.i18n import tr

    taken = library.scenario_file(scenario_id)
    if taken is None:
        return None
    target = out or (Path("scenarios") if Path("scenarios").is_dir() else Path(".")) / \
        f"{scenario_id}.yaml"
    try:
        if target.resolve() == taken.resolve():
            return None
    except OSError:
        pass
    pack = library.pack_of(taken)
    origin = (tr(lang, "new.in_shipped") if pack is None or not pack.name
              else tr(lang, "new.in_pack", name=pack.name))
    return tr(lang, "new.taken", id=scenario_id, where=where_declared(taken), origin=origin)


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
    content: ContentArg = None,
) -> None:
    """Start a new scenario: a few questions, then a commented skeleton that validates."""
    from cscoach.authoring.skeleton import Answers, render
    from cscoach.content.loader import valid_id
    from cscoach.content.model import Channel
    from cscoach.errors import UsageError, clip
    from cscoach.i18n import tr

    chosen = options.lang(lang)
    channels = [c.value for c in Channel]
    if channel is not None and channel not in channels:
        raise UsageError(f"--channel '{channel}' is not one of: {', '.join(channels)}")

    library = options.library(content)

    def id_problem(value: str) -> str | None:
        if not valid_id(value):
            return tr(chosen, "new.bad_id")
        if out is None and len(f"{value}.yaml".encode()) > MAX_FILE_NAME:
            return tr(chosen, "new.long_id", most=MAX_FILE_NAME - len(".yaml"))
        return _taken(library, value, out, chosen)

    problem = None if scenario_id is None else id_problem(scenario_id)
    if scenario_id is not None and problem:
        raise UsageError(f"--id '{clip(scenario_id)}': {problem}")
    given = {"id": scenario_id, "title_en": title_en, "title_ko": title_ko,
             "persona_en": persona_en, "persona_ko": persona_ko, "channel": channel}
    missing = [f"--{k.replace('_', '-')}" for k, v in given.items() if not v]
    if missing and not options.at_terminal():
        raise NoTerminalError(tr(chosen, "new.missing", flags=", ".join(missing)))
    if missing:
        from cscoach.ui.authoring import ask_new

        values = ask_new(chosen, given, id_problem)
    else:
        values = {k: v for k, v in given.items() if v}
    target = out or (Path("scenarios") if Path("scenarios").is_dir() else Path(".")) / \
        f"{values['id']}.yaml"
    try:
        exists = target.exists()
    except OSError as exc:  # a path too long for the system, say (exists() raises)
        raise UsageError(f"{clip(str(target))}: cannot use this path ({exc.strerror})") from None
    if exists and not force:
        raise UsageError(tr(chosen, "new.exists", path=target))
    from cscoach.authoring.editor import schema_reference

    try:  # the folders first: nothing is written when the new file could not be
        target.parent.mkdir(parents=True, exist_ok=True)
        reference, schemas = schema_reference(target, library, options.write_file)
    except OSError as exc:
        reason = exc
        if isinstance(exc, FileExistsError):  # a name there that is no folder: say what it is
            try:
                os.stat(exc.filename or target.parent)
                reason = NotADirectoryError(20, "it is a file, not a folder")
            except OSError as why:  # a link to nowhere, or a loop of links
                reason = why
        raise UsageError(f"{exc.filename or target.parent}: cannot create the folder: "
                         f"{reason.strerror or reason}") from None
    answers = Answers(values["id"], values["title_en"], values["title_ko"],
                      values["persona_en"], values["persona_ko"], Channel(values["channel"]),
                      reference, target.as_posix())
    options.write_file(target, render(answers))
    if schemas:
        sys.stderr.write(f"wrote the schemas for your editor into {schemas[0].parent} (the new "
                         "file's $schema line names them)\n")
    from cscoach.authoring.validate import validate as run_validate

    report = run_validate([target], use_cache=False, jobs=1)
    if report.problems:  # a skeleton that does not validate is our bug: say so loudly
        raise ContentError(report.problems)
    sys.stdout.write(tr(chosen, "new.written", path=target) + "\n")
    for command in (f"cscoach validate {target}", f"cscoach graph {target}",
                    f"cscoach autoplay {target} --exhaustive", f"cscoach play {target}"):
        sys.stdout.write(f"  {command}\n")
