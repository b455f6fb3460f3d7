"""The hot-seat quiz (teams on one screen): the answer clock, the timed prompt, the
facilitator's gates, and the order of a team game on screen. Without a terminal: the clock's
time is injected and the prompts read prompt_toolkit's pipe input (no sleeps)."""

from __future__ import annotations

import io
import itertools
import re
import threading

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Console

from cscoach.content.library import load_library
from cscoach.errors import Interrupted
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import Game, choose
from cscoach.ui import prompt
from cscoach.ui.clock import Clock
from cscoach.ui.quiz import run_live


class Time:
    """A time source the test moves by hand."""

    def __init__(self, at: float = 100.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


# --- the clock ---------------------------------------------------------------------------

def test_the_clock_counts_nothing_before_it_starts() -> None:
    t = Time()
    clock = Clock(10, t)
    t.at += 30  # the facilitator's gate, the question being printed
    assert (clock.spent(), clock.shown(), clock.expired(), clock.started) == (0.0, 10, False,
                                                                               False)
    assert clock.toggle() is False and not clock.paused  # nothing to pause yet
    clock.start()
    t.at += 4
    clock.start()  # a redraw does not start it again
    assert clock.spent() == 4 and clock.left() == 6 and clock.shown() == 6


def test_the_clock_shows_whole_seconds_rounded_up_and_runs_out_at_zero() -> None:
    t = Time()
    clock = Clock(3, t)
    clock.start()
    t.at += 0.01
    assert clock.shown() == 3  # 2.99 s left reads 3, as a countdown does
    t.at += 1.99
    assert clock.shown() == 1 and not clock.expired()
    t.at += 0.99
    assert clock.shown() == 1 and not clock.expired()
    t.at += 0.01
    assert clock.shown() == 0 and clock.expired()


def test_a_pause_stops_the_clock_and_its_time_is_not_counted() -> None:
    t = Time()
    clock = Clock(5, t)
    clock.start()
    t.at += 2
    assert clock.toggle() is True and clock.paused and not clock.running
    t.at += 60  # a long discussion
    assert clock.spent() == 2 and clock.shown() == 3 and not clock.expired()
    assert clock.toggle() is False and clock.running
    t.at += 1
    assert clock.toggle() is True  # a second pause
    t.at += 10
    clock.toggle()
    t.at += 1.5
    assert clock.spent() == 4.5 and not clock.expired()
    t.at += 0.5
    assert clock.expired()


def test_stop_freezes_the_time_taken_at_the_answer_and_never_beyond_the_whole_time() -> None:
    t = Time()
    clock = Clock(5, t)
    clock.start()
    t.at += 1.25
    assert clock.stop() == 1.25
    t.at += 100  # the prompt closing, the screen redrawn
    assert clock.spent() == 1.25 and clock.stop() == 1.25 and not clock.expired()
    late = Clock(5, t)
    late.start()
    t.at += 7  # the loop noticed the end late
    assert late.stop() == 5
    paused = Clock(5, t)
    paused.start()
    t.at += 2
    paused.toggle()
    t.at += 30
    assert paused.stop() == 2  # Ctrl-C while paused: the time up to the pause
    assert paused.toggle() is False or paused.stop() == 2


# --- the timed prompt --------------------------------------------------------------------

def _select(keys: str, seconds: float = 5, now=None, pause_key: str = "p"):  # type: ignore[no-untyped-def]
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return prompt.timed_select("Team Red, your answer:", ["one", "two", "three"], "",
                                   seconds, "{left}s left", paused="PAUSED",
                                   pause_key=pause_key, now=now or Time(), input=pipe,
                                   output=DummyOutput())


def test_a_timed_answer_counts_the_time_from_the_first_draw() -> None:
    t = Time()
    t.at += 50  # before the prompt is drawn: not counted
    assert _select("2\r", now=t) == (1, 0.0)


def test_while_paused_no_key_answers_or_moves_and_p_runs_the_clock_again() -> None:
    # p pauses; 3, Enter, the arrows and j are ignored; p again; Enter takes the option the
    # pointer is on: still the first, so nothing typed during the pause moved it
    assert _select("p3\r\x1b[B\x1b[Bj\tp\r") == (0, 0.0)
    assert _select("p3\rp3\r") == (2, 0.0)  # after the pause 3 is taken as ever


def test_without_a_pause_key_p_is_no_pause() -> None:
    assert _select("p2\r", pause_key="") == (1, 0.0)


def test_the_time_running_out_closes_the_prompt_with_no_answer() -> None:
    ticks = itertools.count(0.0, 0.5)  # every look at the clock moves it half a second

    def now() -> float:
        return next(ticks)

    answer, taken = _select("", seconds=3, now=now)
    assert (answer, taken) == (None, 3)


@pytest.mark.parametrize("key", ["\x03", "\x04"])
def test_ctrl_c_or_ctrl_d_in_a_timed_prompt_stops_the_quiz(key: str) -> None:
    with pytest.raises(Interrupted):
        _select(key)
    with pytest.raises(Interrupted):
        _select("p" + key)  # also while paused


# --- the facilitator's gate --------------------------------------------------------------

def _gate(keys: str, then: str = "") -> tuple[str, str]:
    """The gate given `keys`; with `then`, those keys are sent once the screen has shown
    "Only Enter works here." (the gate runs in a thread; the test looks, it does not sleep)."""
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=40, columns=100), term="xterm")
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        if not then:
            pressed = prompt.keypress("Press Enter to reveal the answer.", ["enter"],
                                      "Only Enter works here.", input=pipe, output=output)
            return pressed, screen.getvalue()
        result: list[str] = []
        gate = threading.Thread(target=lambda: result.append(prompt.keypress(
            "Press Enter to reveal the answer.", ["enter"], "Only Enter works here.",
            input=pipe, output=output)))
        gate.start()
        seen = threading.Event()
        for _ in range(500):  # up to 10 s, for a loaded machine
            if "Only Enter works here." in screen.getvalue():
                seen.set()
                break
            seen.wait(0.02)
        pipe.send_text(then)
        gate.join(10)
    return (result[0] if result else ""), screen.getvalue()


def test_the_gate_waits_for_enter_and_says_so_for_another_key() -> None:
    pressed, screen = _gate("x", then="1p\r")
    assert pressed == "enter"
    assert "Press Enter to reveal the answer." in screen and "Only Enter works here." in screen
    pressed, screen = _gate("\r")
    assert pressed == "enter" and "Only Enter works here." not in screen


@pytest.mark.parametrize("key", ["\x03", "\x04"])
def test_ctrl_c_or_ctrl_d_at_the_gate_stops_the_quiz(key: str) -> None:
    with pytest.raises(Interrupted):
        _gate("x" + key)


# --- a team game on screen ---------------------------------------------------------------

CLEAR = "\x1b[2J"


def _game(teams: list[str], count: int, timer: float | None, lang: str = "en"):  # type: ignore[no-untyped-def]
    asked = choose(all_questions(load_library()), count, (), 3)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    return asked, Game(teams, timer), console, screen


def _visible(screen: io.StringIO) -> str:
    """What is on the terminal now: the text written since the screen was last cleared."""
    return screen.getvalue().rsplit(CLEAR, 1)[-1]


def test_each_team_sees_the_question_only_on_its_turn_and_enter_leads_every_phase() -> None:
    asked, game, console, screen = _game(["Red", "Blue"], 2, 20)
    events: list[tuple[str, str]] = []
    answers = iter([(0, 3.0), (None, 20.0), (1, 2.0), (1, 5.0)])
    stem = [a.question.prompt("en") for a in asked]

    def wait(message: str) -> None:
        events.append(("wait", message))
        if "turn" in message:  # nobody reads the question before its turn starts
            number = int(re.search(r"\d", message).group())
            assert stem[number - 1][:40] not in _visible(screen), message

    def pick(message: str, options: list[str], seconds: float | None
             ) -> tuple[int | None, float]:
        events.append(("pick", message))
        number = int(re.search(r"\d", [m for k, m in events if k == "wait"][-1]).group())
        assert seconds == 20 and stem[number - 1][:40] in _visible(screen)  # it is, now
        return next(answers)

    run_live(console, game, asked, "en", pick, wait)
    assert events == [
        ("wait", "Question 1/2, team Red's turn: press Enter to show the question (its clock "
                 "starts then)"),
        ("pick", "Team Red, your answer:"),
        ("wait", "Question 1/2, team Blue's turn: press Enter to show the question (its clock "
                 "starts then)"),
        ("pick", "Team Blue, your answer:"),
        ("wait", "Every team has answered. Press Enter to reveal the answer."),
        ("wait", "Press Enter for the leaderboard."),
        ("wait", "Question 2/2, team Red's turn: press Enter to show the question (its clock "
                 "starts then)"),
        ("pick", "Team Red, your answer:"),
        ("wait", "Question 2/2, team Blue's turn: press Enter to show the question (its clock "
                 "starts then)"),
        ("pick", "Team Blue, your answer:"),
        ("wait", "Every team has answered. Press Enter to reveal the answer."),
        ("wait", "Press Enter for the final leaderboard."),
    ]
    text = screen.getvalue()
    # a timeout is said once and the same way: never 'locked in' for it
    assert "Blue: Time's up, no answer." in text and "Blue: Answer locked in." not in \
        text.split("Question 2/2")[0]
    assert "Red: Answer locked in." in text
    assert [(r.team, r.asked.number, r.answer is None) for r in game.responses] == [
        ("Red", 1, False), ("Blue", 1, True), ("Red", 2, False), ("Blue", 2, False)]
    assert "🥇" in _visible(screen) and "Leaderboard" in _visible(screen)


def test_korean_team_play_names_the_team_without_an_honorific() -> None:
    asked, game, console, screen = _game(["빨강", "파랑"], 1, 10, "ko")
    said: list[str] = []
    answers = iter([(None, 10.0), (0, 1.0)])
    run_live(console, game, asked, "ko", lambda m, o, s: (said.append(m), next(answers))[1],
             said.append)
    turn = "문제 1/1, {} 팀 차례: Enter를 누르면 문제가 나오고 그때부터 시간이 갑니다"
    assert said[:4] == [turn.format("빨강"), "빨강 팀, 답을 고르세요:", turn.format("파랑"),
                        "파랑 팀, 답을 고르세요:"]
    assert said[4:] == ["모든 팀이 답했습니다. Enter를 누르면 정답이 나옵니다.",
                        "Enter를 누르면 최종 순위표가 나옵니다."]
    text = screen.getvalue()
    assert "빨강: 시간 초과, 답 없음." in text and "파랑: 답을 제출했습니다." in text
    assert "님" not in text


def test_solo_with_a_timer_waits_for_enter_between_questions_but_not_after_the_last() -> None:
    asked, game, console, screen = _game(["solo"], 3, 15)
    events: list[str] = []

    def pick(message: str, options: list[str], seconds: float | None
             ) -> tuple[int | None, float]:
        events.append("pick")
        return 0, 1.0

    run_live(console, game, asked, "en", pick, lambda m: events.append(m))
    picks_per_question = [len(a.question.options) if a.question.type.value == "order" else 1
                          for a in asked]
    expected: list[str] = []
    for i, n in enumerate(picks_per_question):
        expected += ["pick"] * n
        if i < len(asked) - 1:
            expected.append("Press Enter for the next question.")
    assert events == expected
    asked, game, console, screen = _game(["solo"], 2, None)  # untimed: no gate at all
    events.clear()
    run_live(console, game, asked, "en", pick, lambda m: events.append(m))
    assert "Press Enter for the next question." not in events


def test_a_stop_in_the_middle_keeps_the_answers_given() -> None:
    asked, game, console, _ = _game(["Red", "Blue"], 2, 10)
    answers = iter([(0, 1.0), (1, 2.0)])

    def pick(message: str, options: list[str], seconds: float | None
             ) -> tuple[int | None, float]:
        try:
            return next(answers)
        except StopIteration:
            raise Interrupted() from None

    with pytest.raises(Interrupted):
        run_live(console, game, asked, "en", pick, lambda m: None)
    assert [(r.team, r.asked.number) for r in game.responses] == [("Red", 1), ("Blue", 1)]


def test_every_hot_seat_message_is_in_the_troubleshooting_page_in_both_languages() -> None:
    from pathlib import Path

    from cscoach.i18n import tr

    doc = (Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md").read_text(
        encoding="utf-8")
    for key in ("quiz.keys_wrong", "quiz.paused", "quiz.reveal_key", "quiz.leaderboard_key",
                "quiz.final_key", "quiz.next_key", "quiz.locked", "quiz.timeout_team"):
        for lang in ("en", "ko"):
            assert tr(lang, key) in doc, (key, lang)
    for lang in ("en", "ko"):
        assert tr(lang, "quiz.turn", number="N", count="M", team="X") in doc
        assert tr(lang, "history.saved_teams", teams="A, B") in doc


def test_the_keys_line_offers_the_pause_only_when_a_clock_runs() -> None:
    for timer, pause in ((20, True), (None, False)):
        asked, game, console, screen = _game(["Red", "Blue"], 1, timer)
        run_live(console, game, asked, "en", lambda m, o, s: (0, 1.0), lambda m: None)
        head = screen.getvalue().split(CLEAR, 1)[0]  # under the title, before the first turn
        assert "Keys: Enter goes on" in head and ("p pauses the clock" in head) is pause
