"""The live classroom on screen: the host's room (who joined, who answered, the reveal, the
leaderboard, the podium) and each trainee's own terminal (the question, their answer, how it
went). Names come from other people's terminals: they are printed through the safe console and
shown with `visible()`, never as raw control characters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from cscoach.content.model import Lang, QType
from cscoach.errors import UsageError
from cscoach.i18n import tr
from cscoach.plain import visible
from cscoach.quiz import protocol
from cscoach.quiz.play import Answer, Asked, parse_answer
from cscoach.quiz.room import Player, Reveal, Room
from cscoach.ui.quiz import MEDALS, question_panel
from cscoach.ui.render import PROMPT_MARGIN, shorten

REASONS = ("finished", "ended", "stopped")


def _name(name: str, team: str | None = None) -> str:
    return visible(name) if not team else f"{visible(name)} ({visible(team)})"


def _board(console: Console, rows: list[dict[str, object]], lang: Lang, title: str,
           teams: bool) -> None:
    table = Table(title=title, box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column(tr(lang, "quiz.rank"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "live.player"), style="bold", overflow="fold")
    if teams:
        table.add_column(tr(lang, "quiz.team"), overflow="fold")
    table.add_column(tr(lang, "quiz.correct"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "quiz.score"), justify="right", style="bold cyan", no_wrap=True)
    for row in rows:
        cells = [str(row["rank"]), visible(str(row["name"]))]
        if teams:
            cells.append(visible(str(row.get("team") or "")))
        cells += [str(row["correct"]), str(row["points"])]
        table.add_row(*cells)
    console.print(table)


def _team_board(console: Console, teams: list[dict[str, object]], lang: Lang) -> None:
    if not teams:
        return
    table = Table(title=tr(lang, "live.team_totals"), box=box.SIMPLE_HEAVY,
                  title_justify="left")
    table.add_column(tr(lang, "quiz.rank"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "quiz.team"), style="bold", overflow="fold")
    table.add_column(tr(lang, "live.players"), justify="right", no_wrap=True)
    table.add_column(tr(lang, "quiz.score"), justify="right", style="bold cyan", no_wrap=True)
    for t in teams:
        table.add_row(str(t["rank"]), visible(str(t["team"])), str(t["players"]),
                      str(t["points"]))
    console.print(table)


def _podium(console: Console, rows: list[dict[str, object]], lang: Lang) -> None:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(style="bold", overflow="fold")
    grid.add_column(justify="right", style="bold", no_wrap=True)
    for row in rows[:3]:
        rank = int(str(row["rank"]))
        grid.add_row(MEDALS[rank - 1] if rank <= 3 else "", visible(str(row["name"])),
                     str(row["points"]))
    console.print(Panel(grid, title=tr(lang, "quiz.podium"), border_style="yellow",
                        expand=False))


def _counts(console: Console, asked: Asked, counts: list[int], lang: Lang) -> None:
    q = asked.question
    if q.type is QType.ORDER:
        labels = [tr(lang, "live.order_right"), tr(lang, "live.order_wrong")]
    else:
        labels = [f"{i}) {t(lang)}" for i, t in enumerate(asked.shown(), 1)]
    total = max(1, sum(counts))
    room = max(10, min(40, console.width - 30))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(overflow="fold", ratio=1)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    for label, n in zip(labels, counts, strict=False):
        grid.add_row(shorten(label, max(20, console.width - room - 10)),
                     RichText("█" * round(room * n / total) or "·", style="magenta"), str(n))
    console.print(grid)


def _explained(console: Console, right: str, explanation: str, lang: Lang) -> None:
    body = RichText(tr(lang, "quiz.answer_is", answer=right), style="bold green")
    if explanation:
        body.append("\n" + explanation, style="default")
    console.print(Panel(body, border_style="green"))


def rows_of(room: Room, limit: int | None = None) -> list[dict[str, object]]:
    ranked = room.ranking()
    return [{"rank": r, "name": s.team, "team": room.team_of(s.team), "points": s.points,
             "correct": s.correct} for r, s in (ranked if limit is None else ranked[:limit])]


def teams_of(room: Room) -> list[dict[str, object]]:
    return [{"rank": r, "team": t, "points": p, "players": n}
            for r, t, p, n in room.team_totals()]


class HostScreen:
    """The host's screen (a `HostView`): one line per event, a panel per question."""

    def __init__(self, console: Console, lang: Lang) -> None:
        self.console = console
        self.lang = lang

    def opened(self, room: Room, addresses: list[str], interactive: bool,
               start_at: int | None) -> None:
        lang = self.lang
        lines = [RichText(tr(lang, "live.title", count=len(room.asked)), style="bold"),
                 RichText(tr(lang, "live.code", code=room.code), style="bold yellow")]
        for address in addresses:
            lines.append(RichText(tr(lang, "live.address", address=address), style="bold"))
        lines.append(RichText(tr(lang, "live.join_with", address=addresses[0], code=room.code)))
        if room.teams:
            lines.append(RichText(tr(lang, "quiz.teams", teams=", ".join(map(visible,
                                                                             room.teams)))))
        if room.timer:
            lines.append(RichText(tr(lang, "quiz.timer", seconds=f"{room.timer:g}")))
        if start_at is not None:
            lines.append(RichText(tr(lang, "live.starts_at", players=start_at)))
        if interactive:
            lines.append(RichText(tr(lang, "live.keys"), style="dim"))
        self.console.print(Panel(Group(*lines), border_style="magenta", expand=False))

    def say(self, key: str, style: str = "", **values: object) -> None:
        self.console.print(RichText(tr(self.lang, key, **values), style=style))

    def joined(self, room: Room, player: Player, rejoined: bool) -> None:
        self.say("live.rejoined" if rejoined else "live.joined", "green",
                 name=_name(player.name, player.team), players=len(room.present()))

    def left(self, room: Room, player: Player) -> None:
        self.say("live.removed" if player.removed else "live.left", "yellow",
                 name=_name(player.name), players=len(room.present()))

    def refused(self, room: Room, address: str, reason: str) -> None:
        self.say("live.refused", "red", address=visible(address),
                 reason=tr(self.lang, f"live.reason.{reason}")
                 if f"live.reason.{reason}" in _REASON_KEYS else reason)

    def question(self, room: Room, asked: Asked) -> None:
        question_panel(self.console, asked, len(room.asked), self.lang)
        self.say("live.waiting", "dim", players=len(room.waiting_for()))

    def answered(self, room: Room, players: list[Player]) -> None:
        playing = [p for p in room.playing() if p.connected or p.name in room.answers]
        self.say("live.answered", "cyan", names=", ".join(_name(p.name) for p in players),
                 done=len(room.answers), players=len(playing))

    def reveal(self, room: Room, reveal: Reveal) -> None:
        lang = self.lang
        a = reveal.asked
        if reveal.skipped:
            self.say("live.skipped", "yellow", number=a.number)
        else:
            _counts(self.console, a, reveal.counts, lang)
            _explained(self.console, a.right_answer(lang), a.question.explanation(lang), lang)
        _board(self.console, rows_of(room), lang, tr(lang, "quiz.leaderboard"),
               bool(room.teams))
        _team_board(self.console, teams_of(room), lang)
        if not room.last:
            self.say("live.next_hint", "dim")

    def paused(self, room: Room, paused: bool) -> None:
        self.say("live.paused_host" if paused else "live.resumed", "bold yellow")

    def over(self, room: Room, reason: str) -> None:
        lang = self.lang
        self.say(f"live.over.{reason}", "bold")
        rows = rows_of(room)
        if rows:
            _board(self.console, rows, lang, tr(lang, "live.final"), bool(room.teams))
            _team_board(self.console, teams_of(room), lang)
            _podium(self.console, rows, lang)

    def players(self, room: Room) -> list[Player]:
        """The players the host can remove, numbered as listed."""
        out = [p for p in room.players.values() if not p.removed]
        for i, p in enumerate(out, 1):
            mark = "" if p.connected else f" ({tr(self.lang, 'live.offline')})"
            self.console.print(f"  {i}) {_name(p.name, p.team)}{mark}")
        return out


_REASON_KEYS = {f"live.reason.{r}" for r in ("wrong_code", "expired", "name_taken", "bad_name",
                                              "room_full", "removed", "no_team")}


class PlayerScreen:
    """A trainee's terminal (a `PlayerView`); with `answers` (from --answers) it answers by
    itself, and prints the same lines."""

    def __init__(self, console: Console, lang: Lang, answers: list[str] | None = None,
                 team: str | None = None) -> None:
        self.console = console
        self.lang = lang
        self.answers = answers
        self.team = team  # the team asked for with --team
        self.count = 0

    def say(self, key: str, style: str = "", **values: object) -> None:
        self.console.print(RichText(tr(self.lang, key, **values), style=style))

    def welcome(self, message: protocol.Message) -> None:
        self.count = int(message.get("count", 0))
        if self.answers is not None and len(self.answers) != self.count:
            raise UsageError(f"--answers has {len(self.answers)} answer(s) for the "
                             f"{self.count} question(s) of this game")
        name = _name(str(message.get("name", "")), message.get("team") or None)
        if message.get("rejoined"):
            self.say("live.back", "bold green", name=name, points=message.get("points", 0))
        else:
            self.say("live.welcome", "bold green", name=name, count=self.count)
        if self.team and not message.get("team"):  # the host plays without --teams
            self.say("live.no_teams", "yellow", team=visible(self.team))
        if message.get("phase") == "lobby":
            self.say("live.wait_start", "dim")
        elif int(message.get("since", 1)) > 1 and not message.get("rejoined"):
            self.say("live.late", "dim", number=message.get("since"))

    def lobby(self, players: list[str]) -> None:
        self.say("live.lobby", "dim", players=", ".join(visible(p) for p in players))

    def question(self, asked: Asked, message: protocol.Message) -> None:
        question_panel(self.console, asked, int(message.get("count", self.count)), self.lang)
        if message.get("answered"):
            self.say("live.locked", "dim")

    async def answer(self, asked: Asked, message: protocol.Message) -> Answer | None:
        if self.answers is not None:
            token = self.answers[asked.number - 1]
            return parse_answer(asked, token)
        timer = message.get("timer")
        deadline = None if not isinstance(timer, int | float) else time.monotonic() + timer
        return await ask(asked, self.lang, deadline, self.console.width)

    def ack(self, accepted: bool) -> None:
        self.say("live.locked" if accepted else "live.too_late", "dim")

    def reveal(self, asked: Asked, message: protocol.Message) -> None:
        lang = self.lang
        if message.get("skipped"):
            self.say("live.skipped", "yellow", number=asked.number)
            return
        you = message.get("you")
        if isinstance(you, dict):
            if you.get("answer") is None:
                line = RichText(f"⌛ {tr(lang, 'quiz.timeout')}", style="bold yellow")
            elif you.get("correct"):
                line = RichText(f"✓ {tr(lang, 'quiz.right')}", style="bold green")
            else:
                line = RichText(f"✗ {tr(lang, 'quiz.wrong')}", style="bold red")
            if you.get("points"):
                line.append(f"  {tr(lang, 'quiz.points', points=you['points'])}", style="green")
            if int(you.get("streak", 0)) > 1:
                line.append(f"  🔥 {tr(lang, 'quiz.streak', streak=you['streak'])}",
                            style="yellow")
            self.console.print(line)
        right = protocol.text_of(message.get("right_answer"))(lang)
        explanation = protocol.text_of(message.get("explanation"))(lang)
        counts = message.get("counts")
        if isinstance(counts, list):
            _counts(self.console, asked, [int(n) for n in counts], lang)
        _explained(self.console, right, explanation, lang)
        if isinstance(you, dict) and you.get("rank"):
            self.say("live.standing", "bold", rank=you["rank"], points=you.get("total", 0))
        board = message.get("leaderboard")
        if isinstance(board, list) and board:
            _board(self.console, board[:5], lang, tr(lang, "quiz.leaderboard"),
                   any(r.get("team") for r in board))

    def paused(self, paused: bool) -> None:
        self.say("live.paused_player" if paused else "live.resumed", "bold yellow")

    def reconnecting(self) -> None:
        self.say("live.reconnecting", "yellow")

    def end(self, message: protocol.Message) -> None:
        lang = self.lang
        reason = str(message.get("reason"))
        self.say(f"live.over.{reason}" if reason in REASONS else "live.over.ended", "bold")
        podium = message.get("podium")
        if isinstance(podium, list) and podium:
            _podium(self.console, podium, lang)
        teams = message.get("teams")
        if isinstance(teams, list):
            _team_board(self.console, teams, lang)
        you = message.get("you")
        if isinstance(you, dict) and you.get("rank"):
            self.say("live.final_you", "bold", rank=you["rank"], players=you.get("players"),
                     points=you.get("points"), correct=you.get("correct"), count=self.count)


async def ask(asked: Asked, lang: Lang, deadline: float | None, width: int) -> Answer | None:
    """The trainee's answer at the keyboard, with the time left under the list; ordering is
    asked item by item. Cancelled (the host revealed, or the time ran out there) it closes the
    prompt."""
    q = asked.question
    labels = [shorten(t(lang), max(20, width - PROMPT_MARGIN)) for t in asked.shown()]
    message = tr(lang, "quiz.your_answer")
    if q.type is not QType.ORDER:
        index = await _select(message, labels, lang, deadline)
        if index is None:
            return None
        return index == 0 if q.type is QType.TRUEFALSE else index
    chosen: list[int] = []
    while len(chosen) < len(labels):
        left = [i for i in range(len(labels)) if i not in chosen]
        prompt = f"{message} {tr(lang, 'quiz.order_pick', n=len(chosen) + 1, total=len(labels))}"
        index = await _select(prompt, [labels[i] for i in left], lang, deadline)
        if index is None:
            return None
        chosen.append(left[index])
    return tuple(chosen)


async def _select(message: str, options: list[str], lang: Lang, deadline: float | None
                  ) -> int | None:
    import questionary
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.layout import HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    from cscoach.ui.prompt import _armed

    choices = [questionary.Choice(title=text, value=i) for i, text in enumerate(options)]
    question = questionary.select(message, choices=choices, use_shortcuts=len(options) <= 36,
                                  instruction=tr(lang, "prompt.hint"))
    app = _armed(question).application
    if deadline is not None:
        clock = tr(lang, "quiz.clock", left="{left}")
        end = deadline

        def left() -> FormattedText:
            remaining = max(0, int(end - time.monotonic() + 0.999))
            style = "fg:ansired bold" if remaining <= 5 else "fg:ansiyellow"
            return FormattedText([(style, " " + clock.format(left=remaining))])

        old = app.layout
        # a prompt that is not full screen is given every row below the cursor: the filler
        # takes them, so the clock stays right under the list
        app.layout = Layout(HSplit([old.container, Window(FormattedTextControl(left), height=1),
                                    Window(height=Dimension(weight=10000))]),
                            focused_element=old.current_window)
        app.refresh_interval = 0.25
    task = asyncio.ensure_future(app.run_async())
    try:
        timeout = None if deadline is None else max(0.1, deadline - time.monotonic())
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        _close(app, task)
        await asyncio.shield(_settle(task))
        raise
    if task not in done:  # the time ran out here; the host's reveal follows
        _close(app, task)
        await _settle(task)
        return None
    answer = task.result()  # Ctrl-C / Ctrl-D raise here
    return None if answer is None else int(answer)


def _close(app: object, task: asyncio.Future[object]) -> None:
    future = getattr(app, "future", None)
    if task.done() or future is None or future.done():
        return  # not running, or already on its way out
    app.erase_when_done = True  # type: ignore[attr-defined]  # unanswered: the reveal says so
    app.exit(result=None)  # type: ignore[attr-defined]


async def _settle(task: asyncio.Future[object]) -> None:
    try:
        await task
    except (KeyboardInterrupt, EOFError, asyncio.CancelledError):
        pass


KeyHandler = Callable[[str], None]


class HostKeys:
    """The host's keys while the game runs, one at a time without Enter: n next, p pause,
    s skip, e end, r remove a player (then their number and Enter). The terminal is put in
    cbreak mode, so Ctrl-C still arrives as SIGINT."""

    def __init__(self, screen: HostScreen, room: Room, control: Callable[..., bool]) -> None:
        self.screen = screen
        self.room = room
        self.control = control
        self._removing: list[Player] | None = None
        self._typed = ""
        self._fd = -1
        self._old: list[Any] | None = None

    def __enter__(self) -> HostKeys:
        import sys
        import termios
        import tty

        self._fd = sys.stdin.fileno()
        self._old = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        asyncio.get_running_loop().add_reader(self._fd, self._read)
        return self

    def __exit__(self, *exc: object) -> None:
        import termios

        asyncio.get_running_loop().remove_reader(self._fd)
        if self._old is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._old)

    def _read(self) -> None:
        import os

        try:
            data = os.read(self._fd, 64).decode("utf-8", "replace")
        except OSError:
            return
        for key in data:
            self.key(key)

    def key(self, key: str) -> None:
        if self._removing is not None:
            self._remove_key(key)
            return
        commands = {"n": "next", "p": "pause", "s": "skip", "e": "end"}
        lowered = key.lower()
        if lowered in commands:
            self.control(commands[lowered])
        elif lowered == "r":
            self._removing = self.screen.players(self.room)
            if not self._removing:
                self._removing = None
                self.screen.say("live.nobody", "dim")
                return
            self.screen.say("live.remove_which", "bold")
        elif key in ("\r", "\n", " ") or not key.isprintable():
            pass  # Enter, and the pieces of arrow keys and other escape sequences
        else:
            self.screen.say("live.wrong_key", "yellow", pressed=visible(key))

    def _remove_key(self, key: str) -> None:
        assert self._removing is not None
        if key.isdigit():
            self._typed += key
            return
        if key in ("\r", "\n") and self._typed:
            n = int(self._typed)
            if 1 <= n <= len(self._removing):
                self.control("remove", self._removing[n - 1].name)
            else:
                self.screen.say("live.no_such_player", "yellow", number=n)
        elif key not in ("\x1b", "\r", "\n"):
            return  # anything else is ignored until Enter or Esc
        self.screen.say("live.keys", "dim")
        self._removing = None
        self._typed = ""
