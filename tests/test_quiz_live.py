"""The live classroom on loopback: the server and its clients in-process (ports from the OS),
and `quiz host` / `quiz join` as processes, scripted."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from cscoach.content.library import Library
from cscoach.quiz import protocol
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import choose
from cscoach.quiz.room import Room
from cscoach.quiz.server import Host

websockets = pytest.importorskip("websockets")
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402


class Quiet:
    """A HostView that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        def record(room: Room, *args: Any) -> None:
            self.events.append((name, args))
        return record


def _room(library: Library, count: int = 3, **kw: Any) -> Room:
    return Room(choose(all_questions(library), count, seed=3), "4321", **kw)


async def _hosted(room: Room, play: Callable[[Host, str], Awaitable[None]], **kw: Any
                  ) -> tuple[Host, Quiet]:
    view = Quiet()
    host = Host(room, view, **kw)
    _, port = await host.open("127.0.0.1", 0)
    game = asyncio.ensure_future(host.play())
    try:
        await asyncio.wait_for(play(host, f"ws://127.0.0.1:{port}/"), 30)
        await asyncio.wait_for(game, 30)
    finally:
        game.cancel()
        await host.close()
    return host, view


async def _join(url: str, name: str, code: str = "4321", **kw: Any
                ) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url, **kw)
    await ws.send(protocol.dump("join", code=code, name=name))
    return ws, json.loads(await ws.recv())


async def _until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == kind:
            return message


def _right(message: dict[str, Any], asked: list[Any]) -> object:
    return protocol.key(asked[message["number"] - 1])


def _any(message: dict[str, Any]) -> object:
    """An answer that fits the question (right or not)."""
    if message["kind"] == "truefalse":
        return False
    if message["kind"] == "order":
        return list(range(len(message["options"])))
    return 0


def test_a_whole_game_every_answer_counted_once(library: Library) -> None:
    room = _room(library)

    async def play(host: Host, url: str) -> None:
        a, _ = await _join(url, "지우")
        b, _ = await _join(url, "Alex")
        for _ in range(3):
            qa, qb = await _until(a, "question"), await _until(b, "question")
            await a.send(protocol.dump("answer", question=qa["number"],
                                       answer=_right(qa, room.asked)))
            await a.send(protocol.dump("answer", question=qa["number"],
                                       answer=_any(qa)))  # again: not counted
            await b.send(protocol.dump("answer", question=qb["number"], answer=_any(qb)))
            acks = [await _until(a, "ack"), await _until(a, "ack")]
            assert [x["accepted"] for x in acks] == [True, False]
            reveal = await _until(a, "reveal")
            assert reveal["you"]["correct"] is True
        end = await _until(b, "end")
        assert end["finished"] and end["reason"] == "finished"
        assert [p["name"] for p in end["podium"]][0] == "지우"

    host, view = asyncio.run(_hosted(room, play, start_at=2, auto_next=0))
    assert host.reason == "finished"
    assert len(room.game.responses) == 6  # 2 players x 3 questions, once each
    assert sum(r.correct for r in room.game.responses if r.team == "지우") == 3
    assert [e for e, _ in view.events].count("reveal") == 3


def test_a_dropped_player_rejoins_and_keeps_the_score(library: Library) -> None:
    room = _room(library)

    async def play(host: Host, url: str) -> None:
        a, _ = await _join(url, "지우")
        b, _ = await _join(url, "Alex")
        q = await _until(a, "question")
        await a.send(protocol.dump("answer", question=1, answer=_right(q, room.asked)))
        await _until(b, "question")
        await b.send(protocol.dump("answer", question=1, answer=_any(q)))
        points = (await _until(a, "reveal"))["you"]["total"]
        await _until(b, "reveal")
        assert points > 0
        a.transport.abort()  # the Wi-Fi goes
        await asyncio.sleep(0.2)
        host.control("next")
        q2 = await _until(b, "question")
        a, welcome = await _join(url, "지우")  # a new process, the same name
        assert welcome["type"] == "welcome" and welcome["rejoined"] and \
            welcome["points"] == points
        again = await _until(a, "question")  # the question under way is sent again
        assert again["number"] == q2["number"] == 2
        taken_ws, taken = await _join(url, "지우")
        assert taken == {"v": 1, "type": "error", "reason": "name_taken", "detail": ""}
        await taken_ws.close()
        for ws in (a, b):
            await ws.send(protocol.dump("answer", question=2, answer=_any(q2)))
        await _until(a, "reveal")
        host.control("end")
        assert (await _until(a, "end"))["reason"] == "ended"

    asyncio.run(_hosted(room, play, start_at=2, auto_next=None))
    assert room.game.standings["지우"].points >= 100


def test_a_wrong_code_is_refused_and_slowed_down(library: Library) -> None:
    room = _room(library)

    async def play(host: Host, url: str) -> None:
        start = time.monotonic()

        async def guess(code: str) -> float:
            ws, reply = await _join(url, "지우", code=code)
            assert reply["type"] == "error" and reply["reason"] == "wrong_code"
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return time.monotonic() - start

        # three guesses at once from one address wait in turn, 0.5 s, 1 s, 2 s: guessing in
        # parallel is no faster than one after the other
        times = sorted(await asyncio.gather(*(guess(c) for c in ("0000", "0001", "0002"))))
        assert times[0] >= 0.45 and times[1] >= 1.45 and times[2] >= 3.45
        ws, reply = await _join(url, "지우")
        assert reply["type"] == "welcome"
        host.control("end")

    _, view = asyncio.run(_hosted(room, play))
    assert [args[1] for e, args in view.events if e == "refused"] == ["wrong_code"] * 3


def test_an_oversized_or_hostile_frame_closes_that_connection_not_the_game(
        library: Library) -> None:
    room = _room(library, count=1)

    async def play(host: Host, url: str) -> None:
        good, _ = await _join(url, "지우")
        big, _ = await _join(url, "Big", max_size=None)
        odd, _ = await _join(url, "Odd")
        q = await _until(good, "question")
        await big.send("x" * (protocol.MAX_FRAME + 1))
        await odd.send(json.dumps({"v": 1, "type": "answer", "question": 1, "answer": 99}))
        for ws, code in ((big, 1009), (odd, 1008)):
            with pytest.raises(ConnectionClosed):
                while True:
                    await ws.recv()
            assert ws.close_code == code
        await good.send(protocol.dump("answer", question=1, answer=_right(q, room.asked)))
        assert (await _until(good, "reveal"))["you"]["correct"]
        assert (await _until(good, "end"))["finished"]

    host, _ = asyncio.run(_hosted(room, play, start_at=3, auto_next=0))
    assert host.reason == "finished"


def test_a_client_that_never_reads_does_not_hold_the_game(library: Library) -> None:
    """A raw socket that joins and then never reads a byte: the others play on, each
    question closing as soon as they have answered."""
    room = _room(library, count=3, timer=60)

    async def play(host: Host, url: str) -> None:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     b"Sec-WebSocket-Version: 13\r\n\r\n")
        frame = protocol.dump("join", code="4321", name="Mute").encode()
        mask = b"\x00\x00\x00\x00"
        writer.write(bytes([0x81, 0x80 | len(frame)]) + mask + frame)
        await writer.drain()
        good, _ = await _join(url, "지우")
        start = time.monotonic()
        for _ in range(3):
            q = await _until(good, "question")
            await good.send(protocol.dump("answer", question=q["number"], answer=_any(q)))
            await _until(good, "reveal")
        assert (await _until(good, "end"))["finished"]
        assert time.monotonic() - start < 20  # nobody waited for Mute's 60 s timer
        writer.close()

    asyncio.run(_hosted(room, play, start_at=2, auto_next=0))
    assert room.players["mute"].since == 1  # Mute played, and timed out (never answered)


def test_host_ending_mid_question_keeps_the_answers_given(library: Library) -> None:
    room = _room(library)

    async def play(host: Host, url: str) -> None:
        a, _ = await _join(url, "지우")
        b, _ = await _join(url, "Alex")
        q = await _until(a, "question")
        await a.send(protocol.dump("answer", question=1, answer=_right(q, room.asked)))
        await _until(a, "ack")
        host.control("stop")  # Ctrl-C on the host
        end = await _until(b, "end")
        assert end["reason"] == "stopped" and not end["finished"]
        late, reply = await _join(url, "Sam")  # the code died with the game
        assert reply["reason"] == "expired"

    host, _ = asyncio.run(_hosted(room, play, start_at=2))
    assert host.reason == "stopped"
    assert [(r.team, r.correct) for r in room.game.responses] == [("지우", True)]


def test_pause_and_skip_from_the_host(library: Library) -> None:
    room = _room(library, count=2)

    async def play(host: Host, url: str) -> None:
        a, _ = await _join(url, "지우")
        await _until(a, "question")
        host.control("pause")
        assert (await _until(a, "paused"))["type"] == "paused"
        host.control("pause")
        await _until(a, "resumed")
        host.control("skip")
        reveal = await _until(a, "reveal")
        assert reveal["skipped"] and reveal["you"] is None
        host.control("next")
        await _until(a, "question")
        host.control("remove", "지우")
        assert (await _until(a, "removed"))["type"] == "removed"
        host.control("end")

    asyncio.run(_hosted(room, play, start_at=1))
    assert room.game.responses == []


# -- as processes -------------------------------------------------------------------------

def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, CSCOACH_CONTENT=str(ROOT), CSCOACH_HOME=str(tmp_path / "home"),
                CSCOACH_LANG="en", COLUMNS="100", PYTHONUNBUFFERED="1")


def _cscoach(*args: str) -> list[str]:
    return [sys.executable, "-m", "cscoach", *args]


def _start_host(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    host = subprocess.Popen(_cscoach("quiz", "host", "--bind", "127.0.0.1:0", *args),
                            env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, encoding="utf-8")
    assert host.stdout is not None
    for line in host.stdout:
        found = re.search(r"Address: (127\.0\.0\.1:\d+)", line)
        if found:
            return host, found.group(1)
    raise AssertionError(host.stderr.read() if host.stderr else "no address")


def _done(process: subprocess.Popen[str], timeout: float = 30) -> int:
    """Wait for `process` to end, reading (and closing) its pipes; its exit status."""
    process.communicate(timeout=timeout)
    return process.returncode


def _join_cmd(tmp_path: Path, address: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(_cscoach("quiz", "join", address, *args), env=_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, encoding="utf-8")


def test_scripted_twins_play_a_game_and_record_it(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    host, address = _start_host(tmp_path, "--code", "4321", "--count", "5", "--seed", "3",
                                "--players", "3", "--auto-next", "0.2", "--out", str(out),
                                "--teams", "빨강,파랑")
    joins = [_join_cmd(tmp_path, address, "--code", "4321", "--name", name, "--answers",
                       answers, *extra)
             for name, answers, extra in (("지우", "1,2,1,2,1", ()),
                                          ("Alex", "2,2,2,2,2", ("--no-record",)),
                                          ("Sam", "1,1,1,1,1", ("--no-record",)))]
    for j in joins:
        stdout, stderr = j.communicate(timeout=60)
        assert j.returncode == 0, stderr
        assert "The game is over." in stdout and "Traceback" not in stderr
    assert _done(host) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["finished"] and len(data["responses"]) == 15
    assert sorted(p["team"] for p in data["live"]["players"]) == ["빨강", "파랑", "파랑"] or \
        sorted(p["team"] for p in data["live"]["players"]) == ["빨강", "빨강", "파랑"]
    assert sum(t["points"] for t in data["live"]["teams"]) == sum(
        r["points"] for r in data["responses"])
    ji = [r for r in data["responses"] if r["player"] == "지우"]
    # each answer names its player and the player's live team, never the player as a team
    team_of = {p["name"]: p["team"] for p in data["live"]["players"]}
    assert all(r["team"] == team_of[r["player"]] for r in data["responses"])
    assert [p["player"] for p in data["players"]] and data["teams"] == []
    assert {p["team"] for p in data["players"]} == {"빨강", "파랑"}
    progress = subprocess.run(_cscoach("progress", "--json"), env=_env(tmp_path),
                              capture_output=True, text=True, timeout=60)
    assert progress.returncode == 0, progress.stderr
    assert '"quiz"' in progress.stdout  # 지우's quiz is in the history of this machine's trainee
    assert len(ji) == 5


def test_without_a_terminal_each_names_its_options(tmp_path: Path) -> None:
    host = subprocess.run(_cscoach("quiz", "host", "--bind", "127.0.0.1:0"), env=_env(tmp_path),
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert host.returncode == 2
    assert host.stderr.strip().splitlines() == [
        "cscoach: no terminal to run the game from; give --players N (start when N have "
        "joined) and --auto-next SECONDS (go on by itself)"]
    join = subprocess.run(_cscoach("quiz", "join", "127.0.0.1:1", "--code", "1", "--name", "a"),
                          env=_env(tmp_path), capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert join.returncode == 2 and "--answers" in join.stderr


@pytest.mark.parametrize(("name", "message"), [
    ("", "the --name '' is empty"),
    ("x" * 30, "is 30 characters long; at most 24"),
    ("a\x1bb", "holds the control character U+001B"),
])
def test_a_bad_name_is_one_line(tmp_path: Path, name: str, message: str) -> None:
    join = subprocess.run(_cscoach("quiz", "join", "127.0.0.1:1", "--code", "1", "--name", name,
                                   "--answers", "1"), env=_env(tmp_path), capture_output=True,
                          text=True, timeout=60)
    assert join.returncode == 2 and message in join.stderr
    assert len(join.stderr.strip().splitlines()) == 1 and "\x1b" not in join.stderr


def test_an_address_that_cannot_be_bound(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for bind, text in ((f"127.0.0.1:{port}", "cannot serve the game on"),
                           ("192.0.2.1:0", "cannot serve the game on"),
                           ("nohost", "give HOST:PORT")):
            run = subprocess.run(_cscoach("quiz", "host", "--bind", bind, "--players", "1",
                                          "--auto-next", "0"), env=_env(tmp_path),
                                 capture_output=True, text=True, timeout=60)
            assert run.returncode == 2, run.stderr
            assert text in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_wrong_code_taken_name_and_no_host_are_one_line_each(tmp_path: Path) -> None:
    host, address = _start_host(tmp_path, "--code", "4321", "--count", "2", "--seed", "3",
                                "--players", "2", "--auto-next", "0")
    first: subprocess.Popen[str] | None = None
    try:
        wrong = _join_cmd(tmp_path, address, "--code", "9999", "--name", "지우", "--answers",
                          "1,1")
        _, err = wrong.communicate(timeout=60)
        assert wrong.returncode == 2
        assert err == "cscoach: the join code is wrong; ask the host for the code on their " \
            "screen\n"
        first = _join_cmd(tmp_path, address, "--code", "4321", "--name", "지우", "--answers",
                          "1,1", "--no-record")
        time.sleep(1.5)
        second = _join_cmd(tmp_path, address, "--code", "4321", "--name", "지우", "--answers",
                           "1,1", "--no-record")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2
        assert "the name '지우' is already playing in this game" in err
    finally:
        host.send_signal(signal.SIGINT)
        _done(host)
        if first is not None:
            _done(first)
    gone = subprocess.run(_cscoach("quiz", "join", address, "--code", "4321", "--name", "x",
                                   "--answers", "1,1"), env=_env(tmp_path), capture_output=True,
                          text=True, timeout=60)
    assert gone.returncode == 69
    assert gone.stderr.startswith(f"cscoach: cannot reach a game at {address}")


def test_host_ctrl_c_tells_the_players_writes_results_exits_130(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    host, address = _start_host(tmp_path, "--code", "4321", "--count", "3", "--seed", "3",
                                "--players", "1", "--auto-next", "30", "--out", str(out))
    player = _join_cmd(tmp_path, address, "--code", "4321", "--name", "지우", "--answers",
                       "1,1,1", "--team", "빨강")
    assert player.stdout is not None
    seen = []
    for line in player.stdout:
        seen.append(line)
        if "Leaderboard" in line:  # question 1 is answered and revealed
            break
    # a --team for a game without teams is said, not silently dropped
    assert any("played without teams: --team 빨강 is not used" in line for line in seen)
    host.send_signal(signal.SIGINT)
    assert _done(host) == 130
    rest, err = player.communicate(timeout=30)
    assert player.returncode == 0, err
    assert "The host stopped the game." in rest
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:3] == ["player", "team", "question"] and len(rows) == 2  # the one answer
    assert rows[1][:2] == ["지우", ""]  # no --teams: no team
    players = list(csv.reader((tmp_path / "results-players.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert players[0][:3] == ["rank", "player", "team"] and players[1][1] == "지우"
    teams = (tmp_path / "results-teams.csv").read_text(encoding="utf-8-sig").splitlines()
    assert teams == ["rank,team,points,players"]


def test_sigterm_on_the_host_stops_it_as_ctrl_c_does_with_143(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    host, _ = _start_host(tmp_path, "--code", "4321", "--players", "1", "--auto-next", "1",
                          "--out", str(out))
    host.send_signal(signal.SIGTERM)
    assert _done(host) == 143
    assert json.loads(out.read_text(encoding="utf-8"))["finished"] is False


def test_server_gone_mid_game_keeps_the_answers_so_far(tmp_path: Path) -> None:
    host, address = _start_host(tmp_path, "--code", "4321", "--count", "3", "--seed", "3",
                                "--players", "1", "--auto-next", "30")
    player = _join_cmd(tmp_path, address, "--code", "4321", "--name", "지우", "--answers",
                       "1,1,1")
    assert player.stdout is not None
    for line in player.stdout:
        if "Leaderboard" in line:
            break
    host.kill()  # no goodbye: the machine is gone
    _done(host)
    rest, err = player.communicate(timeout=60)
    assert player.returncode == 69
    assert err.strip().splitlines() == [
        f"cscoach: the game at {address} went away mid-game (connection refused); your "
        "answers so far are kept"]
    progress = subprocess.run(_cscoach("progress", "--json"), env=_env(tmp_path),
                              capture_output=True, text=True, timeout=60)
    assert '"abandoned"' in progress.stdout or '"quiz"' in progress.stdout


def test_a_scripted_answer_that_does_not_fit_its_question_is_one_line(tmp_path: Path) -> None:
    """Question 1 of seed 15 is an ordering question: '1' is no order. The player leaves with
    one line and exit 2 (no traceback, not exit 0 as if the game had been played)."""
    host, address = _start_host(tmp_path, "--code", "4321", "--count", "3", "--seed", "15",
                                "--players", "1", "--auto-next", "0")
    try:
        player = _join_cmd(tmp_path, address, "--code", "4321", "--name", "지우", "--answers",
                           "1,1,1", "--no-record")
        _, err = player.communicate(timeout=60)
        assert player.returncode == 2
        assert err.splitlines() == ["cscoach: answer '1' to question 1 (principles-order): "
                                    "give all 4 items in order, like 4-3-2-1"]
    finally:
        host.send_signal(signal.SIGINT)
        _done(host)


@pytest.mark.parametrize("command", [("--help",), ("quiz", "host", "--help"),
                                     ("quiz", "join", "--help")])
def test_help_loads_no_network_module(command: tuple[str, ...]) -> None:
    from test_startup import HEAVY, _imported

    used = _imported(*command)
    assert used & (HEAVY | {"websockets", "asyncio"}) == set()
