"""The quiz: `quiz` (solo or teams, live or scripted) and `quiz export` for an LMS."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import DataDirArg, LangArg, LrsArg, NoRecordArg, TraineeArg
from cscoach.cli.root import app
from cscoach.errors import Interrupted, NoTerminalError

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

    chosen = options.lang(lang)
    teams = check_teams(list(team)) if team else []
    for t in topic or []:
        if t not in TOPICS:
            raise UsageError(f"unknown topic '{t}'{did_you_mean(t, TOPICS)} (topics: "
                             f"{', '.join(TOPICS)})")
    if out is not None:
        results.check_out(out)
    if json_out and not answers:
        raise NoTerminalError("--json needs --answers (e.g. --answers 2,t,1)")
    if not answers and not options.at_terminal():
        raise NoTerminalError("no terminal to ask in; give the answers with --answers "
                              "(e.g. --answers 2,t,1, or --answers Red=2,t,1 per team)")
    from cscoach.quiz.generate import all_questions

    asked = choose(all_questions(load_library()), count, topic or (), seed)
    if not asked:
        raise UsageError(tr(chosen, "quiz.no_questions", topics=", ".join(topic or [])))
    game = Game(teams or ["solo"], timer)
    history = options.history(no_record, data_dir, trainee, lrs)
    if history is not None:
        from cscoach.history.service import check_store

        check_store(history)
    from cscoach.history.record import now, quiz_records

    started = now()

    def keep(completed: bool, send: bool = True) -> bool:
        if history is None:
            return False
        return options.keep(history, quiz_records(game, asked, history.trainee, chosen, started,
                                                  now(), completed), send=send)

    from cscoach.ui import quiz as ui

    if answers:
        origins: dict[str, str] = {}
        game.play_scripted(asked, scripted_answers(quiz_answers(answers), game.teams,
                                                   len(asked), origins), origins)
        recorded = keep(True, send=False)  # the result is printed first, then sent
        try:
            if out is not None:
                results.write(out, game, asked, chosen, True)
            if json_out:
                import json

                sys.stdout.write(json.dumps(results.summary(game, asked, chosen, True),
                                            ensure_ascii=False, indent=2) + "\n")
            else:
                ui.show_scripted(options.console(), game, asked, chosen)
        finally:
            if history is not None and recorded:
                options.send_kept(history)
        return

    try:
        ui.run_live(options.console(), game, asked, chosen)
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
    chosen = options.lang(lang)
    if output is ExportFormat.gift:
        text = to_gift(questions, chosen)
    elif output is ExportFormat.aiken:
        text, skipped, refused = to_aiken(questions, chosen)
        if skipped:
            sys.stderr.write(f"cscoach: {skipped} ordering question(s) left out: Aiken has no "
                             "ordering type (GIFT keeps them as matching questions)\n")
        for question, why in refused:
            options.warn(f"question '{question}' left out of the Aiken file: {why} (Aiken "
                         "has no escapes; GIFT keeps it)")
    else:
        text = to_json(questions)
    options.emit(text, out)
    if out is not None:
        sys.stderr.write(f"wrote {len(questions)} questions to {out}\n")
