"""Is the hot-seat quiz fair? For every team's turn: the time from its question being printed to
its clock starting (reading time no clock counts), through the real timed prompt on a pipe input.
Fair means the same for every team and every question; the figures are medians and maxima in ms.

    .venv/bin/python benchmarks/quiz_hotseat.py [--questions 30] [--teams 4]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from cscoach.content.library import load_library
from cscoach.content.model import QType
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import Game, choose
from cscoach.ui import prompt
from cscoach.ui import quiz as screen
from cscoach.ui.clock import Clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--teams", type=int, default=4)
    args = parser.parse_args()
    teams = [f"Team{i + 1}" for i in range(args.teams)]
    asked = [a for a in choose(all_questions(load_library()), 500, (), 7)
             if a.question.type is not QType.ORDER][:args.questions]  # one pick per turn
    game = Game(teams, 20)
    printed: list[float] = []
    started: list[float] = []
    panel, start = screen.question_panel, Clock.start

    def timed_panel(*a, **k) -> None:  # type: ignore[no-untyped-def]
        panel(*a, **k)
        printed.append(time.monotonic())

    def timed_start(self: Clock) -> None:
        if not self.started:
            started.append(time.monotonic())
        start(self)

    def pick(message: str, options: list[str], seconds: float | None
             ) -> tuple[int | None, float]:
        with create_pipe_input() as pipe:
            pipe.send_text("1\r")
            return prompt.timed_select(message, options, "", seconds, "{left}", erase=True,
                                       paused="", pause_key="p", input=pipe,
                                       output=DummyOutput())

    screen.question_panel = timed_panel  # type: ignore[assignment]
    Clock.start = timed_start  # type: ignore[method-assign]
    try:
        screen.run_live(Console(file=io.StringIO(), force_terminal=True, width=100), game,
                        asked, "en", pick, lambda message: None)
    finally:
        screen.question_panel, Clock.start = panel, start  # type: ignore[method-assign]
    # per question: one panel per team's turn (then a started clock), and one at the reveal
    turns = [p for i, p in enumerate(printed) if i % (len(teams) + 1) != len(teams)]
    assert len(turns) == len(started) == len(asked) * len(teams)
    print(f"{len(asked)} questions x {len(teams)} teams: question printed -> its clock starts")
    for t, team in enumerate(teams):
        gaps = [(s - p) * 1000 for p, s in list(zip(turns, started, strict=True))[t::len(teams)]]
        print(f"  {team}: median {statistics.median(gaps):5.1f} ms, max {max(gaps):6.1f} ms")


if __name__ == "__main__":
    main()
