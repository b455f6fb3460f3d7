"""Playing: `play` (one drill, or again and again at a terminal) and `list`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import (
    ContentArg,
    DataDirArg,
    DetailsArg,
    LangArg,
    LrsArg,
    NoRecordArg,
    TraineeArg,
)
from cscoach.cli.root import app
from cscoach.errors import NoTerminalError

if TYPE_CHECKING:
    from cscoach.content.model import Lang, Phrasebook, Scenario
    from cscoach.drill.engine import Answer
    from cscoach.history.config import Settings as HistorySettings
    from cscoach.history.record import DrillTracker
    from cscoach.judge.phrases import Matcher
    from cscoach.judge.scoring import Debrief


class FeedbackWhen(StrEnum):
    now = "now"
    end = "end"


@app.command()
def play(
    scenario: Annotated[str, typer.Argument(help="Scenario id (see 'cscoach list') or a YAML file.",
                                            show_default=False)],
    lang: LangArg = None,
    content: ContentArg = None,
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
        "reply it means (when none means the same, or it negates the nearest, you pick).")] = False,
    details: DetailsArg = False,
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lrs: LrsArg = None,
    no_record: NoRecordArg = False,
) -> None:
    """Play a scenario: the customer speaks, you pick (or with --free type) replies, then a
    debrief scores you: the score, the lessons and the three changes worth the most points
    (--details: every point, the seven steps, every better choice).

    Every attempt is kept in your history ('cscoach progress'); one stopped with Ctrl-C is kept
    as abandoned.
    """
    from functools import partial

    from cscoach.drill.runner import run
    from cscoach.judge.phrases import Matcher
    from cscoach.judge.scoring import debrief

    chosen_lang = options.lang(lang)
    scripted = _scripted(answers, json_out, free, chosen_lang)
    history = options.history(no_record, data_dir, trainee, lrs)

    library = options.library(content, data_dir)
    story = library.scenario(scenario)
    matcher = Matcher(library.phrasebook, mend_slips=free)  # typed words may have slips
    if history is not None:
        from cscoach.history.service import check_store

        check_store(history)
    conclude = partial(debrief, steps=library.steps, matcher=matcher, prefer=chosen_lang)
    feedback_now = feedback == FeedbackWhen.now

    if scripted is not None:
        from cscoach.drill.answers import Scripted

        kept: list[bool] = []  # the result is printed first, then the statements are sent
        try:
            result = run(story, Scripted(scripted), conclude,
                         _trackers(story, matcher, chosen_lang, history, kept))
            _show_scripted(result, library.phrasebook, chosen_lang, json_out, feedback_now,
                           details)
        finally:  # also after a Ctrl-C, which keeps the attempt as abandoned
            if history is not None and any(kept):
                options.send_kept(history)
        return

    from cscoach.i18n import tr
    from cscoach.ui import prompt
    from cscoach.ui.interactive import DrillOptions, Interactive

    console = options.console()
    front = Interactive(console, library.steps, matcher,
                        DrillOptions(chosen_lang, feedback_now, shuffle, seed, free, details,
                                     "debrief.more_play" if history is None else "debrief.more"))
    while True:
        run(story, front, conclude, _trackers(story, matcher, chosen_lang, history))
        if history is not None:
            console.print(tr(chosen_lang, "history.saved", trainee=history.trainee),
                          style="dim")
        if not prompt.confirm(tr(chosen_lang, "prompt.replay")):
            console.print(tr(chosen_lang, "bye"))
            return


def _scripted(answers: str | None, json_out: bool, free: bool,
              lang: Lang) -> list[Answer] | None:
    """The --answers to play, or None to ask at the terminal; refuses what cannot go together
    (and asking without a terminal)."""
    from cscoach.drill.answers import drill_answers

    scripted = drill_answers(answers) if answers is not None else None
    if scripted is None and json_out:
        raise NoTerminalError("--json needs --answers (e.g. --answers 1,2,1)")
    if scripted is not None and free:
        from cscoach.errors import UsageError

        raise UsageError("--free is for typing replies at a terminal; it cannot take --answers "
                         "(to check written replies without a drill, use 'cscoach check')")
    if scripted is None and not options.at_terminal():
        from cscoach.i18n import tr

        raise NoTerminalError(tr(lang, "error.no_terminal_free" if free else "error.no_terminal"))
    return scripted


def _trackers(story: Scenario, matcher: Matcher, lang: Lang, history: HistorySettings | None,
              later: list[bool] | None = None) -> list[DrillTracker]:
    """Who hears the drill: the history's tracker, which keeps the attempt when it ends (a
    completed drill, or one stopped after a whole turn or more); nobody with --no-record.
    Given `later`, it records without sending and notes there whether it recorded."""
    if history is None:
        return []
    from cscoach.history.record import DrillTracker

    def keep(record: dict[str, object]) -> None:
        if later is None:
            options.keep(history, [record])
        else:
            later.append(options.keep(history, [record], send=False))

    return [DrillTracker(story, history.trainee, lang, matcher, keep)]


def _show_scripted(result: Debrief, phrasebook: Phrasebook, lang: Lang, json_out: bool,
                   feedback_now: bool, details: bool = False) -> None:
    if json_out:
        import json

        from cscoach.judge.results import debrief_to_dict

        sys.stdout.write(json.dumps(debrief_to_dict(result, phrasebook, lang),
                                    ensure_ascii=False, indent=2) + "\n")
        return
    from cscoach.ui import render

    render.scripted_drill(options.console(), result, phrasebook, lang, feedback_now, details)


@app.command("list")
def list_scenarios(
    lang: LangArg = None,
    content: ContentArg = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the scenarios you can play."""
    from cscoach.judge.results import scenario_summary

    chosen_lang = options.lang(lang)
    library = options.library(content)
    scenarios = library.all_scenarios()
    if json_out:
        import json

        rows = [{**scenario_summary(s, chosen_lang), "pack": s.pack or None,
                 "from": library.origin(s) or None} for s in scenarios]
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
    table.add_column(tr(chosen_lang, "list.from"), overflow="fold")
    for s in scenarios:
        title = RichText(s.title(chosen_lang))
        title.append("\n" + s.persona.type(chosen_lang), style="dim")
        table.add_row(s.id, title, tr(chosen_lang, f"channel.{s.channel.value}"),
                      "★" * s.difficulty, str(s.pass_mark),
                      library.origin(s) or RichText(tr(chosen_lang, "list.shipped"),
                                                    style="dim"))
    from cscoach.ui.fit import show

    show(options.console(), table)
