"""End to end in a real pseudo-terminal: a trainee plays a drill with the keyboard."""

from __future__ import annotations

import io
import json
import os
import re
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
    child.expect(r"» 1\) Have you got the receipt\?")
    child.send("1")
    child.send("\r")
    child.expect("Leading with procedure")
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
    child.expect("어떻게 답하시겠습니까")  # the next prompt
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
    """Hot seat: each team's question comes up when the facilitator presses Enter; Red's time
    runs out on its own (said as "time's up", never "locked in"); Enter reveals, Enter shows
    the leaderboard; Ctrl-C in the next question keeps what was answered."""
    out = tmp_path / "results.json"
    child = spawn("quiz", "--count", "3", "--seed", "3", "--team", "Red", "--team", "Blue",
                  "--timer", "2", "--out", str(out))
    child.expect("Question 1/3, team Red's turn: press Enter")
    child.send("\r")
    child.expect("Team Red, your answer")
    child.expect("left")  # the countdown is shown
    child.expect("Red: Time's up, no answer", timeout=10)  # Red's time ran out on its own
    child.expect("team Blue's turn")
    child.send("\r")
    child.expect("Team Blue, your answer")
    child.send("1")
    child.send("\r")
    child.expect("Blue: Answer locked in")
    child.expect("Every team has answered. Press Enter to reveal the answer.")
    child.send("\r")
    child.expect(r"Red: (\x1b\[[0-9;]*m)*⌛ Time's up")  # the reveal, with rich's colours
    child.expect("The answer:")
    child.expect("Press Enter for the leaderboard")
    child.send("\r")
    child.expect("Leaderboard")
    child.expect("Question 2/3, team Red's turn")
    child.send("\r")
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


def _pause_and_answer(child, paused: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    """p stops the 3 s clock; a wait longer than the whole time and keys typed meanwhile
    (3, Enter) change nothing; p again, then `answer` and Enter."""
    import time

    child.send("p")
    child.expect(paused)
    time.sleep(3.5)  # longer than the time to answer: the clock must not be running
    child.send("3")
    child.send("\r")
    child.send("p")  # keys are taken in the order typed: the clock runs again, then
    child.send(answer)
    child.send("\r")


def test_quiz_two_teams_in_english_with_a_wrong_key_a_pause_and_a_timeout(tmp_path) -> None:
    out = tmp_path / "results.json"
    child = spawn("quiz", "--count", "1", "--seed", "3", "--team", "Red", "--team", "Blue",
                  "--timer", "3", "--out", str(out))
    child.expect("p pauses the clock")  # the keys are listed under the title
    child.expect("Question 1/1, team Red's turn: press Enter to show the question")
    child.send("x")
    child.expect("Only Enter works here: press Enter to go on, or Ctrl-C to end the quiz.")
    child.send("\r")
    child.expect("Team Red, your answer")
    child.expect("p pauses the clock")
    _pause_and_answer(child, "Paused: the clock stands still; press p to start it again", "2")
    child.expect("Red: Answer locked in")
    child.expect("team Blue's turn")
    child.send("\r")
    child.expect("Team Blue, your answer")
    child.expect("Blue: Time's up, no answer", timeout=10)
    child.expect("Every team has answered")
    child.send("\r")
    child.expect(r"Blue: (\x1b\[[0-9;]*m)*⌛ Time's up")
    child.expect("Press Enter for the final leaderboard")
    child.send("\r")
    child.expect("Leaderboard")
    child.expect("🥇")
    child.expect(r"Saved to each team's history \(Red, Blue\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before
    data = json.loads(out.read_text(encoding="utf-8"))
    red, blue = data["responses"]
    assert data["finished"] is True
    assert (red["team"], red["answer"], red["timed_out"]) == ("Red", "2", False)
    assert red["seconds"] < 3  # the 3.5 s paused were not counted
    assert (blue["team"], blue["timed_out"], blue["seconds"]) == ("Blue", True, 3)
    kept = {r["trainee"]: r["status"] for r in _history()}
    assert kept == {"Red": "completed", "Blue": "completed"}


def test_quiz_two_teams_in_korean_with_a_pause_a_timeout_a_wrong_key_and_ctrl_c(tmp_path
                                                                                ) -> None:
    out = tmp_path / "results.json"
    child = spawn("quiz", "--lang", "ko", "--count", "2", "--seed", "3", "--team", "빨강",
                  "--team", "파랑", "--timer", "3", "--out", str(out))
    child.logfile_read = screen = io.StringIO()
    child.expect("p 시계 멈춤/다시 시작")
    child.expect("문제 1/2, 빨강 팀 차례: Enter를 누르면 문제가 나오고")
    child.send("\r")
    child.expect("빨강 팀, 답을 고르세요")
    child.expect("p 시계 멈춤")
    _pause_and_answer(child, "멈춤: 시계가 멈췄습니다. p를 누르면 다시 갑니다", "1")
    child.expect("빨강: 답을 제출했습니다")
    child.expect("파랑 팀 차례")
    child.send("\r")
    child.expect("파랑 팀, 답을 고르세요")
    child.expect("파랑: 시간 초과, 답 없음", timeout=10)
    child.expect("모든 팀이 답했습니다. Enter를 누르면 정답이 나옵니다.")
    child.send("\r")
    child.expect("정답:")
    child.expect("Enter를 누르면 순위표가 나옵니다")
    child.send("\r")
    child.expect("순위표")
    child.expect("문제 2/2, 빨강 팀 차례")
    child.send("q")
    child.expect("여기서는 Enter만 됩니다: Enter를 누르면 계속하고, Ctrl-C를 누르면 퀴즈를 "
                 "끝냅니다.")
    child.sendintr()  # at the facilitator's gate
    child.expect("중단되었습니다")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in screen.getvalue()
    assert "님" not in screen.getvalue()  # a team is no person: no honorific on its name
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] is False
    assert [(r["team"], r["number"], r["answer"], r["timed_out"]) for r in data["responses"]] == [
        ("빨강", 1, "1", False), ("파랑", 1, "", True)]
    assert data["responses"][0]["seconds"] < 3
    kept = {r["trainee"]: r["status"] for r in _history()}
    assert kept == {"빨강": "abandoned", "파랑": "abandoned"}


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


def test_free_drill_places_typed_replies_and_falls_back_to_the_options() -> None:
    """--free: an empty reply is refused, typed words are checked and placed on the closest
    authored reply, off-topic words lead to the options, and the whole debrief (--details)
    shows what was written next to the best reply."""
    child = spawn("play", "angry-shopper", "--free", "--no-shuffle", "--trainee", "jun",
                  "--details")
    child.expect("Type your reply")
    child.send("\r")
    child.expect("Type a reply first")
    child.send("Hello and welcome, thanks for bringing it back. I will help you with this.\r")
    child.expect("Steps you performed")
    child.expect("1 Greet")
    child.expect(r"hears it like this reply \(\d+% close\)")
    child.expect("How the customer took it")
    child.expect("Type your reply")
    child.send("Is it raining outside?\r")
    child.expect("Not close enough to any reply here")
    child.expect("nearest to what you meant")
    child.send("2")
    child.send("\r")
    child.expect("Feedback")
    child.expect("Type your reply")
    child.send("If you put ice in it, I don't know, that's your fault.\r")
    child.expect("Don't say")
    child.expect("Say instead")
    # placed on the blaming reply only if the judge reads them as meaning the same; otherwise
    # the options come, and the trainee picks that one
    placed = child.expect(["How the customer took it", "nearest to what you meant"]) == 0
    if not placed:
        child.send("3")
        child.send("\r")
        child.expect("Feedback")
    for _ in range(9):
        index = child.expect(["Type your reply", "Debrief"])
        if index == 1:
            break
        child.send("Thank you, I'll do it.\r")
        if child.expect(["hears it like", "nearest to what you meant"]) == 1:
            child.send("1")
            child.send("\r")
    child.expect("What you wrote, next to the best reply")
    child.expect("Is it raining outside")
    child.expect("You picked")
    child.expect("Mm-hm… go on")
    child.expect(r"Play this scenario again\?")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    (record,) = _history()
    typed = [c["typed"] for c in record["choices"]]
    assert typed[0].startswith("Hello and welcome") and typed[1] is None
    third = record["choices"][2]
    if placed:  # the typed words are the record's, with what they said wrong
        assert third["typed"].startswith("If you put ice") and "dont-know" in third["dont_say"]
    else:  # the picked reply is, and it is the blaming one
        assert third["typed"] is None and third["choice"] == 3
        assert third["dont_say"] or third["weak"]


def test_ctrl_c_while_typing_a_free_reply_keeps_the_drill_as_abandoned() -> None:
    child = spawn("play", "pr-no-show", "--free", "--lang", "ko", "--trainee", "ara")
    child.expect("전화로 할 말을 입력하세요")
    child.send("대표님, 전화 주셔서 감사합니다. 어제 일로 연락드리려던 참이었어요.\r")
    child.expect("고객은 이 답처럼 받아들입니다")
    child.expect("전화로 할 말을 입력하세요")
    child.send("반쯤 쓰다가")
    child.sendintr()
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in output
    (record,) = _history()
    assert record["status"] == "abandoned" and len(record["choices"]) == 1
    assert record["choices"][0]["typed"].startswith("대표님")


def test_free_needs_a_terminal_and_does_not_take_answers() -> None:
    child = spawn("play", "angry-shopper", "--free", "--answers", "1,1")
    child.expect("cannot take --answers")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


@pytest.mark.parametrize(("lang", "title", "replay"), [
    ("ko", "디브리핑 ·", "이 시나리오를 다시"), ("en", "Debrief ·", "Play this scenario again")])
def test_the_debrief_of_an_8_turn_drill_fits_30_lines_of_an_80_column_terminal(
        lang: str, title: str, replay: str) -> None:
    """Played at the keyboard: a mixed 8-turn drill, its debrief (from its heading to the line
    saying where the rest is) at most 30 lines, then the replay question."""
    env = dict(os.environ, COLUMNS="80", LINES="40", TERM="xterm-256color")
    child = pexpect.spawn(sys.executable, ["-m", "cscoach", "play", "angry-shopper", "--lang",
                                           lang, "--no-shuffle", "--no-record"], env=env,
                          encoding="utf-8", timeout=20, dimensions=(40, 80))
    for key in "11121123":  # a mixed 8-turn path of the format-2 angry-shopper
        child.expect(r"\(.*(Enter|숫자).*\)")
        child.send(key)
        child.send("\r")
    child.expect(title)
    child.expect(replay)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before)
    lines = shown.rstrip("\r\n").split("\n")
    assert len(lines) <= 30, shown
    assert ("--details" in lines[-1]) or ("--details" in lines[-2]), shown
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
