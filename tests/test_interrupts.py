"""Every way of saying stop, at the prompts of every command that asks, through a real
pseudo-terminal: Ctrl-C, Ctrl-D (end of input) and a SIGINT from outside (`kill -INT`, or a
Ctrl-C landing while the prompt is still being set up). Each ends with exit 130, one short
line, no traceback, and nothing half-written: a drill keeps only whole turns, as abandoned."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.pty


def spawn(*args: str, lang: str = "en"):
    env = dict(os.environ, COLUMNS="100", LINES="40", TERM="xterm-256color", CSCOACH_LANG=lang)
    return pexpect.spawn(sys.executable, ["-m", "cscoach", *args], env=env, encoding="utf-8",
                         timeout=20, dimensions=(40, 100))


def ctrl_c(child) -> None:
    child.sendintr()


def ctrl_d(child) -> None:
    child.sendeof()


def sigint(child) -> None:
    child.kill(signal.SIGINT)


STOPS: dict[str, Callable] = {"ctrl-c": ctrl_c, "ctrl-d": ctrl_d, "sigint": sigint}


def stopped(child, stop: str, word: str = "interrupted") -> str:
    """Say stop, wait for the end; the output after the stop."""
    child.expect(r"\?|:|»")  # the prompt is drawn (or drawing)
    STOPS[stop](child)
    child.expect(pexpect.EOF)
    rest = child.before
    child.close()
    assert child.exitstatus == 130, rest
    assert "Traceback" not in rest and word in rest
    shown = [line for line in rest.replace("\r", "\n").split("\n") if word in line]
    assert len(shown) == 1 and len(shown[0]) < 120
    return rest


def history() -> list[dict]:
    from cscoach.history.config import settings
    from cscoach.history.store import Store

    path = settings().db_path
    if not path.exists():
        return []
    with Store(path) as store:
        return store.attempts()


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_the_first_pick_of_a_drill(stop: str) -> None:
    child = spawn("play", "angry-shopper", "--no-shuffle")
    child.expect("Your reply")
    stopped(child, stop)
    assert history() == []  # nothing answered, nothing kept


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_the_third_pick_of_a_korean_drill(stop: str) -> None:
    child = spawn("play", "angry-shopper", "--no-shuffle", "--trainee", "mina", lang="ko")
    for _ in range(2):
        child.expect("어떻게 답하시겠습니까")
        child.send("1")
        child.send("\r")
        child.expect("피드백")
    child.expect("어떻게 답하시겠습니까")
    stopped(child, stop, "중단되었습니다")
    (record,) = history()
    assert record["status"] == "abandoned" and len(record["choices"]) == 2


@pytest.mark.parametrize("stop", list(STOPS))
def test_while_typing_a_free_reply(stop: str) -> None:
    child = spawn("play", "pr-no-show", "--free", "--no-shuffle")
    child.expect("Type what you say on the phone")
    stopped(child, stop)
    assert history() == []


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_play_again_after_a_finished_drill(stop: str) -> None:
    child = spawn("play", "angry-shopper", "--no-shuffle")
    for _ in range(7):
        child.expect("Your reply")
        child.send("1")
        child.send("\r")
    child.expect(r"Play this scenario again")
    stopped(child, stop)
    (record,) = history()  # the finished drill was saved before the question
    assert record["status"] == "completed" and len(record["choices"]) == 7


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_a_team_quiz_answer(stop: str, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    child = spawn("quiz", "--count", "2", "--seed", "3", "--team", "Red", "--team", "Blue",
                  "--out", str(out))
    child.expect("team Red's turn: press Enter")  # hot seat: Enter shows a team its question
    child.send("\r")
    child.expect("Team Red, your answer")
    child.send("1")
    child.send("\r")
    child.expect("team Blue's turn: press Enter")
    child.send("\r")
    child.expect("Team Blue, your answer")
    stopped(child, stop)
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] is False and len(data["responses"]) == 1


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_the_facilitators_enter_between_team_turns(stop: str, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    child = spawn("quiz", "--count", "2", "--seed", "3", "--team", "Red", "--team", "Blue",
                  "--timer", "30", "--out", str(out), lang="ko")
    child.expect("Red 팀 차례")
    child.send("\r")
    child.expect("Red 팀, 답을 고르세요")
    child.send("1")
    child.send("\r")
    child.expect("Red: 답을 제출했습니다")
    child.expect("Blue 팀 차례")
    stopped(child, stop, "중단되었습니다")
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] is False and [r["team"] for r in data["responses"]] == ["Red"]
    # Red's answer is kept as abandoned; Blue answered nothing, so it has no record
    assert {r["trainee"]: r["status"] for r in history()} == {"Red": "abandoned"}


@pytest.mark.parametrize("stop", list(STOPS))
def test_in_new_at_a_text_and_at_the_channel(stop: str, tmp_path: Path) -> None:
    out = tmp_path / "late.yaml"
    child = spawn("new", "--out", str(out), "--id", "late-parcel", "--title-en", "Late",
                  "--title-ko", "늦은 택배", "--persona-en", "Ms Choi")
    child.expect("in Korean")
    stopped(child, stop)
    assert not out.exists()
    child = spawn("new", "--out", str(out), "--id", "late-parcel", "--title-en", "Late",
                  "--title-ko", "늦은 택배", "--persona-en", "Ms Choi",
                  "--persona-ko", "최 고객님")
    child.expect("Channel of the complaint")
    stopped(child, stop)
    assert not out.exists()


@pytest.mark.parametrize("stop", list(STOPS))
def test_at_drills_start_it_now(stop: str) -> None:
    child = spawn("drill", "--trainee", "sam")
    child.expect(r"Start it now")
    stopped(child, stop)
    assert history() == []


@pytest.mark.parametrize(("sig", "lang", "word"), [
    (signal.SIGTERM, "en", "stopped by SIGTERM"),
    (signal.SIGHUP, "ko", "SIGHUP 신호로 멈췄습니다"),
])
def test_sigterm_and_a_closed_terminal_keep_the_drill_like_ctrl_c(sig: int, lang: str,
                                                                  word: str) -> None:
    """A drill stopped by SIGTERM (a shutdown) or SIGHUP (the terminal window closed) is kept
    as abandoned with its whole turns, as Ctrl-C keeps it; the exit status is 128 + N."""
    child = spawn("play", "angry-shopper", "--no-shuffle", "--trainee", "jun", lang=lang)
    for _ in range(2):
        child.expect(r"\?")
        child.send("1")
        child.send("\r")
        child.expect("피드백" if lang == "ko" else "Feedback")
    child.expect(r"\?")
    child.kill(sig)
    child.expect(pexpect.EOF)
    rest = child.before
    child.close()
    assert child.exitstatus == 128 + sig, (child.exitstatus, child.signalstatus, rest)
    assert "Traceback" not in rest and word in rest
    (record,) = history()
    assert record["status"] == "abandoned" and len(record["choices"]) == 2


def test_ctrl_z_at_a_prompt_suspends_and_fg_resumes_the_same_prompt() -> None:
    """Ctrl-Z at a prompt suspends cscoach as a shell user expects (it was ignored, and the
    next keys answered); `fg` brings the same question back. Run under a real shell with job
    control, as a trainee would (a process that leads its own session cannot be stopped)."""
    env = dict(os.environ, COLUMNS="100", LINES="40", TERM="xterm-256color", CSCOACH_LANG="en",
               PS1="ready$ ")
    shell = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=env, encoding="utf-8",
                          timeout=20, dimensions=(40, 100))
    shell.expect_exact("ready$ ")
    shell.sendline(f"{sys.executable} -m cscoach play angry-shopper --no-shuffle --no-record")
    shell.expect("Your reply")
    shell.expect("»")
    shell.send("\x1a")
    shell.expect("Stopped")
    shell.expect_exact("ready$ ")
    shell.sendline("fg")
    shell.expect("Your reply|»")
    shell.send("1")
    shell.send("\r")
    shell.expect("Feedback")
    shell.sendintr()
    shell.expect("interrupted")
    shell.expect_exact("ready$ ")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_an_enter_typed_after_play_again_does_not_pick_a_reply() -> None:
    """'y' answers 'Play this scenario again?' on its own; the Enter a trainee types after it
    used to pick reply 1 of the next drill (recorded as a choice nobody made)."""
    child = spawn("play", "angry-shopper", "--no-shuffle", "--trainee", "ara")
    for _ in range(7):
        child.expect("Your reply")
        child.send("1")
        child.send("\r")
    child.expect("Play this scenario again")
    child.send("y\r")  # as typed: y, then Enter
    child.expect("Your reply")
    child.send("2")
    child.send("\r")
    child.expect("Feedback")
    child.expect("Your reply")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    first, second = sorted(history(), key=lambda r: r["started_at"])
    assert first["status"] == "completed"
    assert second["status"] == "abandoned"
    assert [c["choice"] for c in second["choices"]] == [2], second["choices"]


def test_the_chosen_reply_is_echoed_whole() -> None:
    child = spawn("play", "angry-shopper", "--no-shuffle", "--no-record")
    child.expect("Your reply")
    child.send("2")
    child.send("\r")
    child.expect("Feedback")
    import re

    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    echoed = " ".join(plain.replace("\r", "").split("?")[-1].split())
    assert "Sorry, I'm busy — I'm on the till. Just wait at the end of that line." in echoed
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
