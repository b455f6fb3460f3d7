"""The quiz on screen: a question at a time, each team in turn, a leaderboard, a podium."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from cscoach.content.model import Lang, QType
from cscoach.i18n import tr
from cscoach.quiz.play import Answer, Asked, Game, Response
from cscoach.ui.fit import show
from cscoach.ui.render import PROMPT_MARGIN, shorten

MEDALS = ("🥇", "🥈", "🥉")


def header(console: Console, asked: list[Asked], game: Game, lang: Lang) -> None:
    lines = [RichText(tr(lang, "quiz.title", count=len(asked)), style="bold")]
    if len(game.teams) > 1:
        lines.append(RichText(tr(lang, "quiz.teams", teams=", ".join(game.teams))))
    if game.timer:
        lines.append(RichText(tr(lang, "quiz.timer", seconds=f"{game.timer:g}")))
    console.print(Panel(Group(*lines), border_style="magenta", expand=False))


def question_panel(console: Console, a: Asked, count: int, lang: Lang) -> None:
    q = a.question
    title = (f"{tr(lang, 'quiz.question', number=a.number, count=count)} · "
             f"{tr(lang, 'quiz.topic.' + q.topic)}")
    body: RichText | Group = RichText(q.prompt(lang), style="bold")
    if q.type is not QType.TRUEFALSE:
        options = Table.grid(padding=(0, 1))  # a long option wraps under its own text
        options.add_column(style="cyan", no_wrap=True)
        options.add_column()
        for i, option in enumerate(a.shown(), 1):
            options.add_row(f"{i})", option(lang))
        body = Group(body, RichText(""), options)
    console.print()
    console.print(Panel(body, title=title, title_align="left", border_style="cyan",
                        subtitle=f"{tr(lang, 'quiz.source')} {q.source}",
                        subtitle_align="right"))


Ask = Callable[[str, list[str], float | None], tuple[int | None, float]]


def ask(a: Asked, message: str, lang: Lang, timer: float | None, pick: Ask
        ) -> tuple[Answer | None, float]:
    """One team's answer through `pick` (a timed select); ordering is asked item by item."""
    q = a.question
    labels = [t(lang) for t in a.shown()]
    if q.type is QType.SINGLE:
        return pick(message, labels, timer)
    if q.type is QType.TRUEFALSE:
        index, taken = pick(message, labels, timer)
        return (None if index is None else index == 0), taken
    chosen: list[int] = []
    spent = 0.0
    while len(chosen) < len(labels):
        left = [i for i in range(len(labels)) if i not in chosen]
        prompt = f"{message} {tr(lang, 'quiz.order_pick', n=len(chosen) + 1, total=len(labels))}"
        budget = None if timer is None else max(0.1, timer - spent)
        index, taken = pick(prompt, [labels[i] for i in left], budget)
        spent += taken
        if index is None:
            return None, spent
        chosen.append(left[index])
    return tuple(chosen), spent


def verdict(console: Console, r: Response, lang: Lang, solo: bool) -> None:
    if not solo:  # the result waits for the reveal; only whether an answer came is said now
        said = tr(lang, "quiz.timeout_team" if r.answer is None else "quiz.locked")
        console.print(RichText(f"  {r.team}: {said}", style="dim"))
        return
    _verdict_line(console, r, lang)


def _verdict_line(console: Console, r: Response, lang: Lang) -> None:
    if r.answer is None:
        line = RichText(f"⌛ {tr(lang, 'quiz.timeout')}", style="bold yellow")
    elif r.correct:
        line = RichText(f"✓ {tr(lang, 'quiz.right')}", style="bold green")
    else:
        line = RichText(f"✗ {tr(lang, 'quiz.wrong')}", style="bold red")
    if r.points:
        line.append(f"  {tr(lang, 'quiz.points', points=r.points)}", style="green")
    if r.streak > 1:
        line.append(f"  🔥 {tr(lang, 'quiz.streak', streak=r.streak)}", style="yellow")
    console.print(line)


def reveal(console: Console, a: Asked, responses: list[Response], lang: Lang,
           solo: bool) -> None:
    if not solo:
        for r in responses:
            team = RichText(f"  {r.team}: ", style="bold")
            console.print(team, end="")
            _verdict_line(console, r, lang)
    body = RichText(tr(lang, "quiz.answer_is", answer=a.right_answer(lang)), style="bold green")
    body.append("\n" + a.question.explanation(lang), style="default")
    console.print(Panel(body, border_style="green"))


def leaderboard(console: Console, game: Game, lang: Lang, title_key: str = "quiz.leaderboard"
                ) -> None:
    heads = [tr(lang, k) for k in ("quiz.rank", "quiz.team", "quiz.correct", "quiz.score")]
    ranked = game.ranking()
    table = Table(title=tr(lang, title_key), box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column(heads[0], justify="right", no_wrap=True)
    table.add_column(heads[1], style="bold", overflow="fold")
    table.add_column(heads[2], justify="right", no_wrap=True)
    table.add_column(heads[3], justify="right", style="bold cyan", no_wrap=True)
    # The bar gets what the columns leave of the width (up to 20 cells), or is left out on a
    # narrow terminal: the numbers and names come first.
    widths = [max(cell_len(heads[0]), 2),
              max([cell_len(heads[1]), *(cell_len(s.team) for _, s in ranked)]),
              max([cell_len(heads[2]), *(len(str(s.correct)) for _, s in ranked)]),
              max([cell_len(heads[3]), *(len(str(s.points)) for _, s in ranked)])]
    room = min(20, console.width - sum(widths) - 3 * 5 - 2)
    top = max((s.points for _, s in ranked), default=0) or 1
    if room >= 4:
        table.add_column("", no_wrap=True)
    for rank, s in ranked:
        cells: list[str | RichText] = [str(rank), s.team, str(s.correct), str(s.points)]
        if room >= 4:
            cells.append(RichText("█" * round(room * s.points / top), style="magenta"))
        table.add_row(*cells)
    show(console, table, key_columns=2)


def podium(console: Console, game: Game, lang: Lang) -> None:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(style="bold", overflow="fold")
    grid.add_column(justify="right", style="bold", no_wrap=True)
    for rank, s in game.ranking()[:3]:
        grid.add_row(MEDALS[rank - 1] if rank <= 3 else "", s.team, str(s.points))
    console.print(Panel(grid, title=tr(lang, "quiz.podium"), border_style="yellow",
                        expand=False))


def solo_final(console: Console, game: Game, count: int, lang: Lang) -> None:
    s = next(iter(game.standings.values()))
    console.print(Panel(RichText(tr(lang, "quiz.solo_final", correct=s.correct, count=count,
                                    points=s.points), style="bold"),
                        border_style="yellow", expand=False))


def show_scripted(console: Console, game: Game, asked: list[Asked], lang: Lang) -> None:
    """A quiz played from `--answers`, shown as it would have gone."""
    solo = len(game.teams) == 1
    header(console, asked, game, lang)
    for a in asked:
        question_panel(console, a, len(asked), lang)
        mine = [r for r in game.responses if r.asked is a]
        if solo:
            verdict(console, mine[0], lang, True)
        reveal(console, a, mine, lang, solo)
    finish(console, game, len(asked), lang)


Wait = Callable[[str], None]  # shows a line and waits for the facilitator's Enter


def run_live(console: Console, game: Game, asked: list[Asked], lang: Lang,
             pick: Ask | None = None, wait: Wait | None = None) -> None:
    """The quiz at the keyboard, every team in turn on each question, a timer if set.

    A team's clock starts when its question is on screen, and only then: with teams, the
    screen is cleared and the question shown to one team at a time when the facilitator
    presses Enter, so no team reads it during another's turn or under the last leaderboard,
    and every team gets the same time from the moment it can read. After every team has
    answered, Enter reveals the answer, and Enter again shows the leaderboard. Solo with a
    timer, Enter goes on to the next question, so reading the explanation costs no time. `p`
    pauses a running clock. `pick` and `wait` stand in for the keyboard (tests)."""
    solo = len(game.teams) == 1
    if pick is None or wait is None:
        from cscoach.ui import prompt

        clock = tr(lang, "quiz.clock", left="{left}")
        room = max(20, console.width - PROMPT_MARGIN)
        hint = tr(lang, "prompt.hint") if game.timer is None else tr(lang, "quiz.hint_pause")

        def keyboard(message: str, options: list[str], seconds: float | None
                     ) -> tuple[int | None, float]:
            # a list cannot wrap; the options stand in full in the panel above
            shown = [shorten(o, room) for o in options]
            return prompt.timed_select(message, shown, hint, seconds, clock, erase=not solo,
                                       paused=tr(lang, "quiz.paused"),
                                       pause_key="p" if seconds else "")

        def enter(message: str) -> None:
            prompt.keypress(message, ["enter"], tr(lang, "quiz.keys_wrong"))

        import questionary  # noqa: F401  # loaded now, not while the first team reads

        pick = pick or keyboard
        wait = wait or enter

    header(console, asked, game, lang)
    if not solo:
        console.print(RichText(tr(lang, "quiz.keys" if game.timer else "quiz.keys_untimed"),
                               style="dim"))
    for a in asked:
        if solo:
            question_panel(console, a, len(asked), lang)
            answer, taken = ask(a, tr(lang, "quiz.your_answer"), lang, game.timer, pick)
            response = game.record(game.teams[0], a, answer, taken)
            verdict(console, response, lang, True)
            reveal(console, a, [response], lang, True)
            if game.timer and a.number < len(asked):  # the explanation is read off the clock
                wait(tr(lang, "quiz.next_key"))
            continue
        mine: list[Response] = []
        for name in game.teams:
            wait(tr(lang, "quiz.turn", number=a.number, count=len(asked), team=name))
            console.clear()
            question_panel(console, a, len(asked), lang)
            answer, taken = ask(a, tr(lang, "quiz.team_answer", team=name), lang, game.timer,
                                pick)
            mine.append(game.record(name, a, answer, taken))
            console.clear()  # the question goes with the team's turn
            console.print(RichText(tr(lang, "quiz.question", number=a.number, count=len(asked)),
                                   style="bold"))
            for r in mine:
                verdict(console, r, lang, False)
        wait(tr(lang, "quiz.reveal_key"))
        console.clear()
        question_panel(console, a, len(asked), lang)
        reveal(console, a, mine, lang, False)
        wait(tr(lang, "quiz.leaderboard_key") if a.number < len(asked)
             else tr(lang, "quiz.final_key"))
        if a.number < len(asked):
            leaderboard(console, game, lang)
    finish(console, game, len(asked), lang)


def finish(console: Console, game: Game, count: int, lang: Lang) -> None:
    if len(game.teams) == 1:
        solo_final(console, game, count, lang)
    else:
        leaderboard(console, game, lang)
        podium(console, game, lang)
