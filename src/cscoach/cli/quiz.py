"""The quiz: `quiz` (solo or teams, live or scripted) and `quiz export` for an LMS."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import cscoach.cli.options as options
from cscoach.cli.options import ContentArg, DataDirArg, LangArg, LrsArg, NoRecordArg, TraineeArg
from cscoach.cli.root import app
from cscoach.errors import Interrupted, NoTerminalError

if TYPE_CHECKING:
    from cscoach.content.model import Lang
    from cscoach.quiz.room import Room

quiz_app = typer.Typer(
    help="Quiz for onboarding sessions: solo or 2-8 teams on one screen, with a timer and a "
    "leaderboard. Keys: Enter goes on (a team's question, the answer, the leaderboard), p "
    "pauses the clock, Ctrl-C ends the quiz and keeps the answers so far. 'cscoach quiz "
    "export' writes the question bank for Moodle.",
    invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None)
app.add_typer(quiz_app, name="quiz")


@quiz_app.callback()
def quiz(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=500,
                                       help="How many questions.")] = 10,
    topic: Annotated[list[str] | None, typer.Option(
        "--topic", help="Only these topics (repeatable): steps, phrasebook, customer-types, "
        "channels, pr-clients, principles, ideas, facts.", show_default=False)] = None,
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
        "--out", help="Write every answer to results.csv (the teams beside it in "
        "results-teams.csv), results.xlsx or results.json (also when interrupted).",
        show_default=False)] = None,
    lang: LangArg = None,
    content: ContentArg = None,
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
    from cscoach.drill.answers import quiz_answers
    from cscoach.errors import UsageError
    from cscoach.i18n import tr
    from cscoach.quiz import results
    from cscoach.quiz.play import Game, check_teams, choose, scripted_answers

    chosen = options.lang(lang)
    teams = check_teams(list(team)) if team else []
    _check_topics(topic)
    if out is not None:
        results.check_out(out)
    if json_out and not answers:
        raise NoTerminalError("--json needs --answers (e.g. --answers 2,t,1)")
    if not answers and not options.at_terminal():
        raise NoTerminalError("no terminal to ask in; give the answers with --answers "
                              "(e.g. --answers 2,t,1, or --answers Red=2,t,1 per team)")
    from cscoach.quiz.generate import all_questions

    asked = choose(all_questions(options.library(content, data_dir)), count, topic or (), seed)
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
        # a team name takes no honorific: 빨강, 파랑님의 기록 reads as one person's
        saved = tr(chosen, "history.saved", trainee=history.trainee) if not teams else tr(
            chosen, "history.saved_teams", teams=", ".join(teams))
        sys.stdout.write(saved + "\n")
    if out is not None:
        results.write(out, game, asked, chosen, True)
        sys.stdout.write(tr(chosen, "quiz.saved", path=out) + "\n")


class ExportFormat(StrEnum):
    gift = "gift"
    aiken = "aiken"
    json = "json"



def _check_topics(topic: list[str] | None) -> None:
    """Refuse an unknown --topic, naming the known ones (quiz and quiz host)."""
    from cscoach.content.loader import did_you_mean
    from cscoach.content.model import TOPICS
    from cscoach.errors import UsageError

    for t in topic or []:
        if t not in TOPICS:
            raise UsageError(f"unknown topic '{t}'{did_you_mean(t, TOPICS)} (topics: "
                             f"{', '.join(TOPICS)})")


@quiz_app.command("export")
def quiz_export(
    output: Annotated[ExportFormat, typer.Option("--format", help="gift or aiken (Moodle), or "
                                                 "json.")] = ExportFormat.gift,
    lang: LangArg = None,
    content: ContentArg = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of "
                                             "printing.", show_default=False)] = None,
) -> None:
    """Write the whole question bank for an LMS: Moodle GIFT or Aiken, or JSON (both languages).
    """
    from cscoach.quiz.export import to_aiken, to_gift, to_json
    from cscoach.quiz.generate import all_questions

    questions = all_questions(options.library(content))
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


# The live classroom: `quiz host` serves a game on the local network, `quiz join` plays it.
DEFAULT_BIND = "0.0.0.0:8765"


def _bind(value: str) -> tuple[str, int]:
    from cscoach.errors import UsageError

    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535 or not host or \
            any(c.isspace() or c in "/?#" for c in host):
        raise UsageError(f"--bind '{value}': give HOST:PORT, e.g. 0.0.0.0:8765 (every network "
                         "of this machine) or 127.0.0.1:0 (this machine only, any free port)")
    return host, int(port)


def _addresses(host: str, port: int) -> list[str]:
    """Where players reach the game: this machine's address on the local network when bound
    to every network, else the address bound."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    found = []
    try:  # the address of the route out (a UDP "connect" sends nothing)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            found.append(f"{probe.getsockname()[0]}:{port}")
    except OSError:
        pass
    return [*found, f"127.0.0.1:{port}"]


@quiz_app.command("host")
def quiz_host(
    bind: Annotated[str, typer.Option(
        "--bind", help="HOST:PORT to serve the game on: 0.0.0.0:8765 is every network of this "
        "machine, 127.0.0.1:PORT this machine only; port 0 takes any free port.")
    ] = DEFAULT_BIND,
    code: Annotated[str | None, typer.Option(
        "--code", help="The join code players type (4-12 letters or digits; default: 4 random "
        "digits).", show_default=False)] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=500,
                                       help="How many questions.")] = 10,
    topic: Annotated[list[str] | None, typer.Option(
        "--topic", help="Only these topics (repeatable), as for 'cscoach quiz'.",
        show_default=False)] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="The same seed, the same quiz.")
                    ] = None,
    timer: Annotated[float, typer.Option(
        "--timer", min=3, max=600, help="Seconds per question, counted for each player from "
        "when it reached them; faster right answers score more.")] = 20.0,
    players: Annotated[int | None, typer.Option(
        "--players", min=1, max=250, help="Start by itself when this many players have joined "
        "(else press n).", show_default=False)] = None,
    auto_next: Annotated[float | None, typer.Option(
        "--auto-next", min=0, max=600, help="Go on by itself this many seconds after a question "
        "ends (everyone answered or its time ran out); else press n.", show_default=False)
    ] = None,
    teams: Annotated[str | None, typer.Option(
        "--teams", help="Group the players in teams, e.g. --teams 빨강,파랑: players pick one "
        "with 'join --team' or are spread evenly; team totals are shown.", show_default=False)
    ] = None,
    max_players: Annotated[int, typer.Option(
        "--max-players", min=1, max=250, help="Players the room holds.")] = 60,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write every answer to results.csv or results.json (also when stopped).",
        show_default=False)] = None,
    lang: LangArg = None,
) -> None:
    """Host a live quiz on the local network: every trainee answers on their own terminal
    with 'cscoach quiz join'. Shows the join code and the address to give them.

    Keys while it runs: n start/next, p pause, s skip, e end, r remove a player, Ctrl-C stop.
    """
    import asyncio
    import contextlib
    import secrets
    import signal

    from cscoach.content.library import load_library
    from cscoach.errors import UsageError
    from cscoach.i18n import tr
    from cscoach.quiz import results
    from cscoach.quiz.play import check_teams, choose
    from cscoach.quiz.room import Room

    chosen = options.lang(lang)
    address = _bind(bind)
    if code is None:
        code = f"{secrets.randbelow(10000):04d}"
    elif not (4 <= len(code) <= 12 and code.isascii() and code.isalnum()):
        raise UsageError(f"--code '{code}': give 4 to 12 letters or digits, e.g. 4321")
    team_names = check_teams(teams.split(",")) if teams else []
    _check_topics(topic)
    if out is not None:
        results.check_out(out)
    interactive = options.at_terminal()
    if not interactive and (players is None or auto_next is None):
        raise NoTerminalError("no terminal to run the game from; give --players N (start when "
                              "N have joined) and --auto-next SECONDS (go on by itself)")
    from cscoach.quiz.generate import all_questions

    asked = choose(all_questions(load_library()), count, topic or (), seed)
    if not asked:
        raise UsageError(tr(chosen, "quiz.no_questions", topics=", ".join(topic or [])))
    room = Room(asked, code, timer, team_names, max_players)

    from cscoach.quiz.server import Host
    from cscoach.ui.live import HostKeys, HostScreen

    console = options.console()
    screen = HostScreen(console, chosen)

    async def serve() -> str:
        host = Host(room, screen, start_at=players, auto_next=auto_next)
        try:
            where = await host.open(*address)
        except OSError as exc:
            raise UsageError(f"cannot serve the game on {bind} ({exc.strerror or exc}); choose "
                             "another --bind address or port") from None
        loop = asyncio.get_running_loop()

        def stop(signum: int) -> None:
            # the game ends as for Ctrl-C; main() then says which signal (exit 128 + N)
            from cscoach.cli import root

            if signum != signal.SIGINT and not root._stopped_by:
                root._stopped_by.append(signum)
            host.control("stop")

        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
                loop.add_signal_handler(getattr(signal, name), stop, getattr(signal, name))
        screen.opened(room, _addresses(address[0], where[1]), interactive, players)
        try:
            keys = HostKeys(screen, room, host.control) if interactive else \
                contextlib.nullcontext()
            with keys:
                reason = await host.play()
            await host.drain()
        finally:
            await host.close()
        return reason

    try:
        reason = asyncio.run(serve())
    except KeyboardInterrupt:  # before the game's own handler was in place
        reason = "stopped"
    if out is not None:
        _write_live(out, room, chosen, reason == "finished")
        sys.stdout.write(tr(chosen, "quiz.saved", path=out) + "\n")
    if reason == "stopped":
        raise Interrupted()


def _write_live(out: Path, room: Room, chosen: Lang, finished: bool) -> None:
    from cscoach.quiz import results
    from cscoach.quiz.room import live_summary

    teams = {p.name: p.team for p in room.players.values()}
    results.write(out, room.game, room.asked, chosen, finished, teams, room.team_totals(),
                  {"live": live_summary(room)})


@quiz_app.command("join")
def quiz_join(
    address: Annotated[str, typer.Argument(help="The game's address as the host's screen shows "
                                           "it: HOST:PORT.", show_default=False)],
    code: Annotated[str, typer.Option("--code", help="The join code on the host's screen.",
                                      show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Your name on the leaderboard (at most 24 "
                                      "characters).", show_default=False)],
    team: Annotated[str | None, typer.Option(
        "--team", help="Your team, when the host plays with --teams (default: the smallest).",
        show_default=False)] = None,
    answers: Annotated[str | None, typer.Option(
        "--answers", help="Play without prompts: one answer per question of the game, e.g. "
        "1,2,t,3-1-2 (as 'cscoach quiz --answers').", show_default=False)] = None,
    lang: LangArg = None,
    trainee: TraineeArg = None,
    data_dir: DataDirArg = None,
    lrs: LrsArg = None,
    no_record: NoRecordArg = False,
) -> None:
    """Join a live quiz that 'cscoach quiz host' runs, and answer on this terminal. With
    recording on, your answers are kept in your history as a quiz."""
    import asyncio

    from cscoach.errors import UsageError
    from cscoach.i18n import tr
    from cscoach.plain import visible
    from cscoach.quiz.client import HostGone, Player, url
    from cscoach.quiz.room import check_name

    chosen = options.lang(lang)
    url(address)
    problem = check_name(name)
    if problem is not None:
        raise UsageError(f"the --name '{visible(name)}' {problem}")
    tokens = [t.strip() for t in answers.split(",") if t.strip()] if answers is not None \
        else None
    if tokens is None and not options.at_terminal():
        raise NoTerminalError("no terminal to answer in; give the answers with --answers "
                              "(e.g. --answers 1,2,1,2,1)")
    history = options.history(no_record, data_dir, trainee, lrs)
    if history is not None:
        from cscoach.history.service import check_store

        check_store(history)
    from cscoach.history.record import now
    from cscoach.ui.live import PlayerScreen

    started = now()
    screen = PlayerScreen(options.console(), chosen, tokens, team)
    player = Player(address, code, name, screen, team)

    def keep(completed: bool) -> None:
        outcome = player.outcome
        if history is None or not outcome.responses:
            return
        from cscoach.history.record import quiz_records
        from cscoach.quiz.play import Game

        game = Game(["solo"], outcome.timer)
        game.responses = list(outcome.responses)
        asked = [r.asked for r in outcome.responses]
        if options.keep(history, quiz_records(game, asked, history.trainee, chosen, started,
                                              now(), completed)):
            sys.stdout.write(tr(chosen, "history.saved", trainee=history.trainee) + "\n")

    try:
        outcome = asyncio.run(player.play())
    except (HostGone, Interrupted, KeyboardInterrupt, EOFError):
        keep(False)
        raise
    except UsageError:
        keep(False)  # removed by the host: what was answered stays
        raise
    finished = bool(outcome.end and outcome.end.get("finished"))
    keep(finished)
