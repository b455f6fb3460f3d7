"""The live classroom end to end in real pseudo-terminals: a host at the keyboard and three
trainees answering with theirs (one in Korean), on loopback with a port from the OS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.pty


def _env(tmp_path: Path, lang: str = "en") -> dict[str, str]:
    return dict(os.environ, COLUMNS="110", LINES="40", TERM="xterm-256color", CSCOACH_LANG=lang,
                CSCOACH_CONTENT=str(ROOT), CSCOACH_HOME=str(tmp_path / "home"))


def spawn(tmp_path: Path, *args: str, lang: str = "en"):
    return pexpect.spawn(sys.executable, ["-m", "cscoach", *args], env=_env(tmp_path, lang),
                         encoding="utf-8", timeout=30, dimensions=(40, 110))


def _host(tmp_path: Path, *args: str):
    host = spawn(tmp_path, "quiz", "host", "--bind", "127.0.0.1:0", "--code", "4321", *args)
    host.expect(r"Address: (127\.0\.0\.1:\d+)")
    return host, host.match.group(1)


def _answer(child, prompt: str, locked: str) -> None:
    """Pick option 1 at every prompt of this question (an ordering question asks per item)."""
    while True:
        if child.expect([re.escape(prompt), re.escape(locked)]) == 1:
            return
        child.send("1")
        child.send("\r")


def test_a_whole_game_three_trainees_at_their_keyboards(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    host, address = _host(tmp_path, "--count", "3", "--seed", "3", "--timer", "60", "--out",
                          str(out))
    host.expect("Keys: n start/next")
    players = []
    for name, lang in (("지우", "ko"), ("Alex", "en"), ("Sam", "en")):
        child = spawn(tmp_path, "quiz", "join", address, "--code", "4321", "--name", name,
                      "--no-record", lang=lang)
        child.expect("진행자가 시작하기를" if lang == "ko" else "Waiting for the host to start")
        players.append((child, lang))
        host.expect(re.escape(f"{name} joined"))
    host.send("x")  # a wrong key says which keys there are, and changes nothing
    host.expect("does nothing here; the keys are n, p, s, e and r")
    host.send("n")
    for number in (1, 2, 3):
        host.expect(f"Question {number}/3")
        for child, lang in players:
            if lang == "ko":
                _answer(child, "답을 고르세요", "답을 제출했습니다")
            else:
                _answer(child, "Your answer", "Answer locked in")
        host.expect(r"answered: .*\(3/3\)")
        host.expect("Leaderboard")
        for child, lang in players:
            child.expect("순위표" if lang == "ko" else "Leaderboard")
        if number < 3:
            host.expect("n: next question")
            host.send("n")
    host.expect("Podium")
    host.expect("Results written to")
    host.expect(pexpect.EOF)
    host.close()
    assert host.exitstatus == 0
    for child, lang in players:
        child.expect("게임이 끝났습니다" if lang == "ko" else "The game is over")
        child.expect("최종 3명 중" if lang == "ko" else "You finished #")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] and len(data["responses"]) == 9
    assert {p["name"] for p in data["live"]["players"]} == {"지우", "Alex", "Sam"}
    # everyone picked option 1 each time: the same answers, so the same number right
    right = {p["name"]: p["correct"] for p in data["live"]["players"]}
    assert len(set(right.values())) == 1


def test_the_host_presses_ctrl_c(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    host, address = _host(tmp_path, "--count", "3", "--seed", "3", "--players", "1",
                          "--out", str(out))
    player = subprocess.Popen(
        [sys.executable, "-m", "cscoach", "quiz", "join", address, "--code", "4321", "--name",
         "지우", "--answers", "1,1,1", "--no-record"], env=_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        encoding="utf-8")
    host.expect("Leaderboard")  # question 1 answered and revealed; the host waits for n
    host.sendintr()
    host.expect("The host stopped the game")
    host.expect("Results written to")
    host.expect("interrupted")
    host.expect(pexpect.EOF)
    host.close()
    assert host.exitstatus == 130
    assert "Traceback" not in host.before
    stdout, stderr = player.communicate(timeout=30)
    assert player.returncode == 0, stderr
    assert "The host stopped the game." in stdout
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2
