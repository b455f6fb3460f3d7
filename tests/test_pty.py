"""End to end in a real pseudo-terminal: a trainee plays a drill with the keyboard."""

from __future__ import annotations

import json
import os
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.pty


def spawn(*args: str):
    env = dict(os.environ, COLUMNS="110", LINES="40", TERM="xterm-256color", CSCOACH_LANG="en")
    return pexpect.spawn(sys.executable, ["-m", "cscoach", *args], env=env, encoding="utf-8",
                         timeout=20, dimensions=(40, 110))


def test_replies_are_shuffled_by_default() -> None:
    """Without --no-shuffle the list is in a seeded random order and picks map back: with seed 4
    the first turn lists the authored replies as 3, 2, 1, so key 1 picks the authored third."""
    child = spawn("play", "angry-shopper", "--seed", "4", "--no-record")
    child.expect("Your reply")
    child.expect(r"» 1\) Did you bring the receipt\?")
    child.send("1")
    child.send("\r")
    child.expect("sounds like an interrogati")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_full_drill_with_the_keyboard() -> None:
    child = spawn("play", "angry-shopper", "--no-shuffle")
    for _ in range(7):
        child.expect("Your reply")
        child.send("1")
        child.send("\r")
        child.expect("Feedback")
    child.expect("A customer turned fan")
    child.expect("Score 100/100")
    child.expect("PASSED")
    child.expect("history - see 'cscoach progress'")
    child.expect(r"Play this scenario again\?")
    child.send("n")
    child.expect("See you next drill")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_korean_drill_shows_trap_feedback() -> None:
    child = spawn("play", "angry-shopper", "--lang", "ko", "--no-shuffle")
    child.expect("어떻게 답하시겠습니까")
    child.send("2")
    child.send("\r")
    child.expect("하지 말아야 할 말")
    child.expect("이렇게 말하세요")
    child.sendintr()
    child.expect("중단되었습니다")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_ctrl_c_exits_130_without_traceback() -> None:
    child = spawn("play", "pr-no-show", "--no-shuffle")
    child.expect("Your reply")
    child.sendintr()
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 130
    assert "interrupted" in output and "Traceback" not in output


def _history() -> list[dict]:
    from cscoach.history.config import settings
    from cscoach.history.store import Store

    with Store(settings().db_path) as store:
        return store.attempts()


def test_a_drill_stopped_half_way_is_kept_as_abandoned() -> None:
    child = spawn("play", "angry-shopper", "--trainee", "mina", "--no-shuffle")
    for _ in range(2):
        child.expect("Your reply")
        child.send("1")
        child.send("\r")
    child.expect("Your reply")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (record,) = _history()
    assert (record["trainee"], record["status"], record["score"]) == ("mina", "abandoned", None)
    assert [c["choice"] for c in record["choices"]] == [1, 1]
    child = spawn("progress", "--trainee", "mina")
    child.expect("0 finished drill\\(s\\), 0 passed, 1 abandoned")
    child.expect(pexpect.EOF)


def test_new_asks_and_writes_a_valid_scenario(tmp_path) -> None:
    out = tmp_path / "late.yaml"
    child = spawn("new", "--out", str(out))
    child.expect("Scenario id")
    child.sendline("Bad Id")
    child.expect("use lowercase letters")  # refused at once, asked again
    child.send("\x15")  # Ctrl-U clears the line
    child.sendline("late-parcel")
    for prompt, answer in (("Title in English", "The late parcel"),
                           ("Title in Korean", "늦은 택배"),
                           ("in English", "Ms Choi"), ("in Korean", "최 고객님")):
        child.expect(prompt)
        child.sendline(answer)
    child.expect("Channel of the complaint")
    child.send("3")  # email
    child.send("\r")
    child.expect("it validates")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = out.read_text(encoding="utf-8")
    assert "id: late-parcel" in text and "channel: email" in text and "늦은 택배" in text


def test_ctrl_c_in_new_writes_nothing(tmp_path) -> None:
    out = tmp_path / "late.yaml"
    child = spawn("new", "--out", str(out))
    child.expect("Scenario id")
    child.sendline("late-parcel")
    child.expect("Title in English")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted" in child.before and "Traceback" not in child.before
    assert not out.exists()


def test_quiz_timer_runs_out_and_ctrl_c_keeps_the_results(tmp_path) -> None:
    out = tmp_path / "results.json"
    child = spawn("quiz", "--count", "3", "--seed", "3", "--team", "Red", "--team", "Blue",
                  "--timer", "2", "--out", str(out))
    child.expect("Team Red, your answer")
    child.expect("left")  # the countdown is shown
    child.expect("Team Blue, your answer", timeout=10)  # Red's time ran out on its own
    child.send("1")
    child.send("\r")
    child.expect("Time's up")
    child.expect("Leaderboard")
    child.expect("Question 2/3")
    child.expect("Team Red, your answer")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted" in child.before and "Traceback" not in child.before
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] is False
    assert [(r["team"], r["number"], r["timed_out"]) for r in data["responses"]] == [
        ("Red", 1, True), ("Blue", 1, False)]
    kept = {r["trainee"]: r for r in _history()}  # each team's answers so far, as abandoned
    assert set(kept) == {"Red", "Blue"} and all(r["status"] == "abandoned" for r in kept.values())
    assert [a["timed_out"] for a in kept["Red"]["answers"]] == [True]


def test_drill_explains_its_pick_and_enter_starts_it() -> None:
    child = spawn("drill", "--trainee", "sam")
    child.expect("Why this one")
    child.expect("new to you")
    child.expect(r"Start it now\?")
    child.send("\r")  # yes is the default
    child.expect("Your reply")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in child.before
