"""The live classroom's player: joins a host, answers each question as it comes, reconnects
when the connection drops. It draws nothing: a `PlayerView` (the trainee's screen, or the
scripted answers of `--answers`) shows and answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from cscoach.errors import CscoachError, ExitStatus, UsageError
from cscoach.quiz import protocol
from cscoach.quiz.play import Answer, Asked, Response

RECONNECT_FOR = 15.0  # seconds a dropped player keeps trying to get back in
OPEN_TIMEOUT = 5.0


class HostGone(CscoachError):
    """The game's host cannot be reached, or went away mid-game (exit 69)."""

    exit_status = ExitStatus.UNAVAILABLE


# What the server's refusals mean, and what to do (docs/troubleshooting.md has each).
REFUSALS = {
    "wrong_code": "the join code is wrong; ask the host for the code on their screen",
    "expired": "this game has ended and its join code has expired; ask the host for the new one",
    "name_taken": "the name '{name}' is already playing in this game; join with another --name",
    "bad_name": "the --name '{name}' {detail}",
    "room_full": "the game is full ({detail} players); ask the host to start one with more "
                 "room (--max-players)",
    "removed": "the host removed '{name}' from this game",
    "no_team": "no team '{team}' in this game (teams: {detail})",
}


class PlayerView(Protocol):
    def welcome(self, message: protocol.Message) -> None: ...
    def lobby(self, players: list[str]) -> None: ...
    def question(self, asked: Asked, message: protocol.Message) -> None: ...
    async def answer(self, asked: Asked, message: protocol.Message) -> Answer | None: ...
    def ack(self, accepted: bool) -> None: ...
    def reveal(self, asked: Asked, message: protocol.Message) -> None: ...
    def paused(self, paused: bool) -> None: ...
    def reconnecting(self) -> None: ...
    def end(self, message: protocol.Message) -> None: ...


@dataclass
class Outcome:
    """What this player did: their revealed answers as the hot-seat game's responses, and the
    end message (None when the game did not end while they were in it)."""

    name: str = ""
    timer: float | None = None
    count: int = 0
    responses: list[Response] = field(default_factory=list)
    end: protocol.Message | None = None
    removed: bool = False


def url(address: str) -> str:
    """HOST:PORT (or ws://HOST:PORT) as the game's WebSocket address."""
    address = address.strip()
    if address.startswith(("ws://", "wss://")):
        return address
    if not address or "/" in address or any(c.isspace() for c in address):
        raise UsageError(f"'{address}' is not a game address; give HOST:PORT as the host's "
                         "screen shows it (e.g. 192.168.0.12:8765)")
    return f"ws://{address}/"


class Player:
    def __init__(self, address: str, code: str, name: str, view: PlayerView,
                 team: str | None = None, reconnect_for: float = RECONNECT_FOR,
                 sleep: Callable[[float], object] = asyncio.sleep) -> None:
        self.url = url(address)
        self.address = address
        self.code = code
        self.name = name
        self.team = team
        self.view = view
        self.reconnect_for = reconnect_for
        self.outcome = Outcome(name)
        self._token = ""
        self._question: protocol.Message | None = None
        self._asking: asyncio.Task[None] | None = None
        # why this player cannot go on, found while answering (a scripted answer that does not
        # fit its question): raised once the connection it closed has ended
        self._failure: UsageError | None = None

    async def play(self) -> Outcome:
        """Play until the game ends (or raise why not), with the prompt of a question under
        way closed whatever way this ends."""
        try:
            return await self._play()
        finally:
            asking, self._asking = self._asking, None
            if asking is not None and not asking.done():
                asking.cancel()
                await asyncio.gather(asking, return_exceptions=True)

    async def _play(self) -> Outcome:
        import time

        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

        joined = False
        lost_at: float | None = None
        while True:
            try:
                async with connect(self.url, max_size=1 << 20, open_timeout=OPEN_TIMEOUT,
                                   ping_interval=5, ping_timeout=10, close_timeout=2,
                                   compression=None) as connection:
                    await self._join(connection)
                    joined = True
                    lost_at = None
                    await self._session(connection)
                    return self.outcome
            except InvalidURI:
                raise UsageError(f"'{self.address}' is not a game address; give HOST:PORT as "
                                 "the host's screen shows it (e.g. 192.168.0.12:8765)") from None
            except (OSError, TimeoutError, ConnectionClosed, InvalidHandshake,
                    protocol.ProtocolError) as exc:
                self._stop_asking()
                if self._failure is not None:
                    raise self._failure from None
                if self.outcome.end is not None:
                    return self.outcome
                if not joined:
                    raise HostGone(f"cannot reach a game at {self.address} ({_why(exc)}); "
                                   "check the address on the host's screen") from None
                now = time.monotonic()
                lost_at = lost_at or now
                if now - lost_at > self.reconnect_for:
                    raise HostGone(f"the game at {self.address} went away mid-game "
                                   f"({_why(exc)}); your answers so far are kept") from None
                if now == lost_at:
                    self.view.reconnecting()
                await asyncio.sleep(0.5)

    async def _join(self, connection: object) -> None:
        from websockets.asyncio.client import ClientConnection

        assert isinstance(connection, ClientConnection)
        await connection.send(protocol.dump("join", code=self.code, name=self.name,
                                            team=self.team, token=self._token or None))
        reply = protocol.load(await connection.recv())
        if reply["type"] == "error":
            reason = str(reply.get("reason"))
            if reason in ("name_taken", "removed") and self._token:
                # our own seat, not yet seen dropping, or the host took us out
                self.outcome.removed = reason == "removed"
            text = REFUSALS.get(reason, "the host refused to let this player in ({reason})")
            raise UsageError(text.format(name=self.name, team=self.team or "", reason=reason,
                                         detail=str(reply.get("detail", ""))))
        if reply["type"] != "welcome":
            raise protocol.ProtocolError(f"a '{reply['type']}' message instead of 'welcome'")
        self._token = str(reply.get("token", ""))
        self.outcome.name = str(reply.get("name", self.name))
        timer = reply.get("timer")
        self.outcome.timer = float(timer) if isinstance(timer, int | float) else None
        self.outcome.count = int(reply.get("count", 0))
        self.view.welcome(reply)

    async def _session(self, connection: object) -> None:
        from websockets.asyncio.client import ClientConnection

        assert isinstance(connection, ClientConnection)
        async for raw in connection:
            message = protocol.load(raw)
            kind = message["type"]
            if kind == "question":
                self._stop_asking()
                self._question = message
                asked = protocol.asked_of(message)
                self.view.question(asked, message)
                if not message.get("answered"):
                    self._asking = asyncio.get_running_loop().create_task(
                        self._ask(connection, asked, message))
            elif kind == "ack":
                self.view.ack(bool(message.get("accepted")))
            elif kind == "reveal":
                self._stop_asking()
                self._revealed(message)
            elif kind in ("paused", "resumed"):
                self.view.paused(kind == "paused")
            elif kind == "lobby":
                self.view.lobby([str(p) for p in message.get("players", [])])
            elif kind == "removed":
                self.outcome.removed = True
                raise UsageError(REFUSALS["removed"].format(name=self.name))
            elif kind == "end":
                self._stop_asking()
                self.outcome.end = message
                self.view.end(message)
                await connection.close()
                return
        raise protocol.ProtocolError("the connection closed without the game's end")

    async def _ask(self, connection: object, asked: Asked, message: protocol.Message) -> None:
        from websockets.asyncio.client import ClientConnection
        from websockets.exceptions import ConnectionClosed

        assert isinstance(connection, ClientConnection)
        try:
            answer = await self.view.answer(asked, message)
        except UsageError as exc:  # leave the game: the session ends and raises it
            self._failure = exc
            await connection.close()
            return
        if answer is None:
            return
        try:
            await connection.send(protocol.dump("answer", question=asked.number,
                                                answer=protocol.answer_wire(answer)))
        except ConnectionClosed:
            pass  # the session notices and reconnects; the question comes again

    def _stop_asking(self) -> None:
        if self._asking is not None and not self._asking.done():
            self._asking.cancel()
        self._asking = None

    def _revealed(self, message: protocol.Message) -> None:
        if self._question is None or self._question.get("number") != message.get("question"):
            return
        asked = protocol.asked_of(self._question, message.get("key"))
        you = message.get("you")
        if isinstance(you, dict) and not message.get("skipped"):
            value = you.get("answer")
            answer = None if value is None else protocol.answer_of(asked, value)
            self.outcome.responses.append(Response(
                "solo", asked, answer, bool(you.get("correct")), float(you.get("seconds", 0)),
                int(you.get("points", 0)), int(you.get("streak", 0))))
        self.view.reveal(asked, message)


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "no answer"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    text = str(exc) or type(exc).__name__
    return text[:80]
