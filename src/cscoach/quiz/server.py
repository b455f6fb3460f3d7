"""The live classroom's server: a `Room` played over WebSocket connections (asyncio).

It draws nothing: what happens is told to a `HostView` (the host's screen, in cscoach.ui), and
the host's keys come back as `control()` calls. One slow or hostile connection never holds the
game up: every player has their own bounded outbox, and a frame that is not an expected message
closes that connection only.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from cscoach.content.model import Text
from cscoach.quiz import protocol
from cscoach.quiz.room import Phase, Player, Refused, Reveal, Room

if TYPE_CHECKING:
    from websockets.asyncio.server import Server, ServerConnection

    from cscoach.quiz.play import Asked

JOIN_TIMEOUT = 10.0  # seconds a new connection has to say who it is
SEND_TIMEOUT = 10.0  # a player whose frames are not taken for this long is dropped
OUTBOX = 32  # frames waiting for one player; a client that never reads fills it and is dropped
PING_INTERVAL = 5.0
PING_TIMEOUT = 10.0
WRONG_CODE_DELAY = 0.5  # doubled for each wrong code in a row from one address, up to
WRONG_CODE_DELAY_MAX = 8.0
LEADERBOARD = 10  # rows each player is sent
LOBBY_EVERY = 0.3  # seconds: joins in a burst are told in one 'lobby' frame
ANSWERED_EVERY = 0.25  # seconds: the host's screen lists who answered in one line per burst


class HostView(Protocol):
    """What the host's screen is told; every call is made from the event loop."""

    def joined(self, room: Room, player: Player, rejoined: bool) -> None: ...
    def left(self, room: Room, player: Player) -> None: ...
    def refused(self, room: Room, address: str, reason: str) -> None: ...
    def question(self, room: Room, asked: Asked) -> None: ...
    def answered(self, room: Room, players: list[Player]) -> None: ...
    def reveal(self, room: Room, reveal: Reveal) -> None: ...
    def paused(self, room: Room, paused: bool) -> None: ...
    def over(self, room: Room, reason: str) -> None: ...


@dataclass
class _Seat:
    """One player's connection and its outbox."""

    connection: ServerConnection
    outbox: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(OUTBOX))
    sender: asyncio.Task[None] | None = None


class Host:
    """Serves `room` on `bind` = (address, port); `start_at` players start the game by
    themselves, `auto_next` seconds after a reveal the next question comes by itself."""

    def __init__(self, room: Room, view: HostView, *, start_at: int | None = None,
                 auto_next: float | None = None, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.room = room
        self.view = view
        self.start_at = start_at
        self.auto_next = auto_next
        self.now = clock
        self.reason = ""  # why the game ended: finished, ended (by the host), stopped
        self.address: tuple[str, int] = ("", 0)
        self._seats: dict[str, _Seat] = {}
        self._wrong: dict[str, int] = {}
        # one code check at a time per address: many connections at once guess no faster
        self._gates: dict[str, asyncio.Lock] = {}
        self._changed = asyncio.Event()
        self._asked: set[str] = set()  # controls waiting: next, skip, end
        self._server: Server | None = None
        self._lobby: asyncio.TimerHandle | None = None
        self._answered: list[Player] = []  # not yet on the host's screen
        self._answered_later: asyncio.TimerHandle | None = None
        self.acks = 0

    # the host's keys ---------------------------------------------------------------------
    def control(self, command: str, name: str = "") -> bool:
        """next, pause, skip, end, stop (Ctrl-C) or remove NAME; False when it does nothing
        now (removing a name that is not playing)."""
        if command == "pause":
            paused = self.room.pause(self.now())
            self._to_all(protocol.dump("paused" if paused else "resumed"))
            self.view.paused(self.room, paused)
        elif command == "remove":
            player = self.room.remove(name)
            if player is None:
                return False
            seat = self._seats.pop(player.name, None)
            if seat is not None:
                self._send(seat, protocol.dump("removed"))
                asyncio.get_running_loop().create_task(self._close_later(seat))
            self.view.left(self.room, player)
        else:
            self._asked.add(command)
        self._changed.set()
        return True

    def _take(self, command: str) -> bool:
        if command in self._asked:
            self._asked.discard(command)
            return True
        return False

    # serving -----------------------------------------------------------------------------
    async def open(self, host: str, port: int) -> tuple[str, int]:
        """Bind; OSError when the address cannot be bound."""
        from websockets.asyncio.server import serve

        self._server = await serve(
            self._connection, host, port, max_size=protocol.MAX_FRAME, max_queue=4,
            ping_interval=PING_INTERVAL, ping_timeout=PING_TIMEOUT, open_timeout=JOIN_TIMEOUT,
            close_timeout=2, write_limit=16 * 1024, server_header=None,
            compression=None)
        sockname = next(iter(self._server.sockets)).getsockname()
        self.address = (str(sockname[0]), int(sockname[1]))
        return self.address

    async def close(self) -> None:
        if self._server is not None:
            self._server.close(close_connections=True)
            try:
                await asyncio.wait_for(self._server.wait_closed(), 3)
            except TimeoutError:
                pass

    async def _connection(self, connection: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        where = str(connection.remote_address[0]) if connection.remote_address else "?"
        player: Player | None = None
        try:
            try:
                first = await asyncio.wait_for(connection.recv(), JOIN_TIMEOUT)
                join = protocol.parse_client(first, joined=False)
            except TimeoutError:
                await connection.close(1008, "join first")
                return
            except protocol.ProtocolError as exc:
                await connection.close(1008, str(exc)[:100])
                return
            gate = self._gates.setdefault(where, asyncio.Lock())
            try:
                async with gate:
                    try:
                        player, rejoined = self.room.join(
                            join["name"], join["code"], join.get("team"),
                            join.get("token") or "", secrets.token_urlsafe(16))
                    except Refused as wrong:
                        if wrong.reason == "wrong_code":
                            fails = self._wrong[where] = self._wrong.get(where, 0) + 1
                            await asyncio.sleep(min(WRONG_CODE_DELAY_MAX,
                                                    WRONG_CODE_DELAY * 2 ** (fails - 1)))
                        raise
            except Refused as refused:
                self.view.refused(self.room, where, refused.reason)
                await connection.send(protocol.dump("error", reason=refused.reason,
                                                    detail=refused.detail))
                await connection.close(1008, refused.reason)
                return
            self._wrong.pop(where, None)
            old = self._seats.pop(player.name, None)
            if old is not None:  # the same player's earlier connection, not seen dropping
                old.connection.transport.abort()
            seat = _Seat(connection)
            seat.sender = asyncio.get_running_loop().create_task(self._sender(seat))
            self._seats[player.name] = seat
            self._send(seat, self._welcome(player, rejoined))
            self.view.joined(self.room, player, rejoined)
            self._catch_up(player, seat)
            self._changed.set()
            async for raw in connection:
                message = protocol.parse_client(raw, joined=True)
                if message["type"] == "leave":
                    break
                self._on_answer(player, seat, message)
        except protocol.ProtocolError as exc:
            await connection.close(1008, str(exc)[:100])
        except ConnectionClosed:
            pass
        finally:
            if player is not None and self._seats.get(player.name) is not None and \
                    self._seats[player.name].connection is connection:
                seat = self._seats.pop(player.name)
                if seat.sender is not None:
                    seat.sender.cancel()
                if not player.removed:
                    self.room.drop(player.name)
                    if self.room.phase is not Phase.OVER:  # leaving at the end is no news
                        self.view.left(self.room, player)
                self._changed.set()

    async def _sender(self, seat: _Seat) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                frame = await seat.outbox.get()
                await asyncio.wait_for(seat.connection.send(frame), SEND_TIMEOUT)
        except (ConnectionClosed, TimeoutError):
            seat.connection.transport.abort()  # a player who takes nothing in is let go

    def _send(self, seat: _Seat, frame: str) -> None:
        try:
            seat.outbox.put_nowait(frame)
        except asyncio.QueueFull:  # never read: let this one go, not the game
            seat.connection.transport.abort()

    def _to_all(self, frame: str) -> None:
        for seat in list(self._seats.values()):
            self._send(seat, frame)

    async def _close_later(self, seat: _Seat) -> None:
        await asyncio.sleep(0.2)  # let the 'removed' frame go first
        await seat.connection.close(1000, "removed")

    # messages ----------------------------------------------------------------------------
    def _welcome(self, player: Player, rejoined: bool) -> str:
        room = self.room
        standing = room.game.standings[player.name]
        return protocol.dump(
            "welcome", name=player.name, team=player.team, token=player.token,
            rejoined=rejoined, count=len(room.asked), timer=room.timer, since=player.since,
            points=standing.points, correct=standing.correct, phase=room.phase.value,
            players=[p.name for p in room.present()], paused=room.paused)

    def _catch_up(self, player: Player, seat: _Seat) -> None:
        """A player (re)joining during a question they play gets it (their clock, if it was
        already running, goes on from when it was first shown)."""
        room = self.room
        if room.phase is Phase.QUESTION and player.since <= room.current + 1:
            frame = protocol.question(room.question, len(room.asked), room.timer)
            if player.name in room.answers:
                frame = frame[:-1] + ',"answered":true}'
            self._send(seat, frame)
            room.show(player.name, self.now())
        elif room.phase is Phase.LOBBY and self._lobby is None:
            # who is in the room, told once for a burst of joins (60 joins are not 60 x 60
            # frames), and only to whom it is news
            self._lobby = asyncio.get_running_loop().call_later(LOBBY_EVERY, self._tell_lobby)

    def _tell_lobby(self) -> None:
        self._lobby = None
        if self.room.phase is Phase.LOBBY:
            frame = protocol.dump("lobby", players=[p.name for p in self.room.present()])
            for seat in list(self._seats.values()):
                if seat.outbox.qsize() < OUTBOX // 2:  # news, not a duty: never at any cost
                    self._send(seat, frame)

    def _on_answer(self, player: Player, seat: _Seat, message: protocol.Message) -> None:
        room = self.room
        accepted = False
        if room.phase is Phase.QUESTION and message["question"] == room.current + 1:
            value = protocol.answer_of(room.question, message["answer"])
            if value is None:
                raise protocol.ProtocolError("an answer that does not fit the question")
            # the server's own clock, less the network's round trip (as the last ping measured
            # it): a player far away is not slower for it
            at = self.now() - min(seat.connection.latency, 1.0)
            accepted = room.answer(player.name, message["question"], value, at)
        self.acks += 1
        self._send(seat, protocol.dump("ack", question=message["question"], accepted=accepted))
        if accepted:
            # drawing is slow next to an ack: the host's screen hears of answers in bursts
            self._answered.append(player)
            if self._answered_later is None:
                self._answered_later = asyncio.get_running_loop().call_later(
                    ANSWERED_EVERY, self._tell_answered)
            self._changed.set()

    def _tell_answered(self) -> None:
        if self._answered_later is not None:
            self._answered_later.cancel()
            self._answered_later = None
        if self._answered:
            players, self._answered = self._answered, []
            self.view.answered(self.room, players)

    def _reveal_frame(self, reveal: Reveal, player: Player | None, board: list[dict[str, object]],
                      ranks: dict[str, int]) -> str:
        a = reveal.asked
        mine = reveal.responses.get(player.name) if player else None
        you = None
        if mine is not None:
            standing = self.room.game.standings[mine.team]
            rank = ranks.get(mine.team)
            you = {"answer": None if mine.answer is None else protocol.answer_wire(mine.answer),
                   "correct": mine.correct, "seconds": mine.seconds, "points": mine.points,
                   "streak": mine.streak, "total": standing.points, "rank": rank}
        return protocol.dump(
            "reveal", question=a.number, key=protocol.key(a), skipped=reveal.skipped,
            right_answer=protocol.text(_right(a)),
            explanation=protocol.text(a.question.explanation),
            counts=reveal.counts, you=you, leaderboard=board, teams=self._teams(),
            last=self.room.last)

    def _board(self, rows: int = LEADERBOARD) -> list[dict[str, object]]:
        return [{"rank": r, "name": s.team, "team": self.room.team_of(s.team), "points": s.points,
                 "correct": s.correct} for r, s in self.room.ranking()[:rows]]

    def _teams(self) -> list[dict[str, object]]:
        return [{"rank": r, "team": t, "points": p, "players": n}
                for r, t, p, n in self.room.team_totals()]

    # the game ----------------------------------------------------------------------------
    async def _wait(self, timeout: float | None) -> None:
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    def _stopping(self) -> str:
        for command, reason in (("stop", "stopped"), ("end", "ended")):
            if command in self._asked:
                return reason
        return ""

    async def play(self) -> str:
        """The whole game, from the lobby to the end; returns why it ended."""
        room = self.room
        try:
            while True:  # the lobby
                self._changed.clear()
                self.reason = self._stopping()
                if self.reason:
                    return self.reason
                if self.start_at is not None and len(room.present()) >= self.start_at:
                    break
                if self._take("next") and room.present():
                    break
                await self._wait(None)
            while True:
                asked = room.start()
                self.view.question(room, asked)
                frame = protocol.question(asked, len(room.asked), room.timer)
                for p in room.playing():
                    seat = self._seats.get(p.name)
                    if seat is not None:
                        self._send(seat, frame)
                        room.show(p.name, self.now())
                reveal = await self._question()
                self._tell_answered()
                if reveal is None:
                    return self.reason
                board = self._board()
                ranks = {s.team: r for r, s in room.ranking()}
                for p in list(room.players.values()):
                    seat = self._seats.get(p.name)
                    if seat is not None:
                        self._send(seat, self._reveal_frame(reveal, p, board, ranks))
                self.view.reveal(room, reveal)
                if room.last:
                    self.reason = "finished"
                    return self.reason
                if not await self._between():
                    return self.reason
        finally:
            self._finish()

    async def _question(self) -> Reveal | None:
        room = self.room
        while True:
            self._changed.clear()
            self.reason = self._stopping()
            if self.reason:
                return None
            if self._take("skip"):
                return room.close(skipped=True)
            if self._take("next"):
                return room.close()
            timeout = None
            if not room.paused:
                if room.answers and not room.waiting_for():
                    return room.close()
                deadline = room.deadline()
                if deadline is not None:
                    timeout = deadline - room.clock(self.now())
                    if timeout <= 0:
                        return room.close()
            await self._wait(timeout)

    async def _between(self) -> bool:
        """The reveal stays until `next` (or auto_next seconds); False when the game ends."""
        room = self.room
        self._asked.discard("skip")
        until = None if self.auto_next is None else self.now() + self.auto_next
        while True:
            self._changed.clear()
            self.reason = self._stopping()
            if self.reason:
                return False
            if self._take("next"):
                return True
            timeout = None
            if room.paused:
                until = None if self.auto_next is None else -1.0  # counts again when resumed
            elif until is not None:
                if until < 0:
                    until = self.now() + (self.auto_next or 0)
                timeout = until - self.now()
                if timeout <= 0:
                    return True
            await self._wait(timeout)

    def _finish(self) -> None:
        room = self.room
        if room.phase is Phase.QUESTION:  # ended mid-question: the answers given so far stay
            given = dict(room.answers)
            a = room.question
            for p in room.playing():
                if p.name in given:
                    value, seconds = given[p.name]
                    room.game.record(p.name, a, value, seconds)
        room.end()
        reason = self.reason or "stopped"
        podium = self._board(3)
        ranks = {s.team: r for r, s in room.ranking()}
        for p in list(room.players.values()):
            seat = self._seats.get(p.name)
            if seat is None:
                continue
            standing = room.game.standings[p.name]
            rank = ranks.get(p.name)
            self._send(seat, protocol.dump(
                "end", reason=reason, finished=reason == "finished", podium=podium,
                teams=self._teams(), you={"rank": rank, "points": standing.points,
                                          "correct": standing.correct,
                                          "players": len(room.ranking())}))
        self.view.over(room, reason)

    async def drain(self, seconds: float = 2.0) -> None:
        """Give the last frames up to `seconds` to leave before the server closes."""
        deadline = self.now() + seconds
        while self.now() < deadline and any(not s.outbox.empty() for s in self._seats.values()):
            await asyncio.sleep(0.05)


def _right(a: Asked) -> Text:
    return Text(a.right_answer("ko"), a.right_answer("en"))
