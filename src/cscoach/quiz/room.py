"""The live classroom's game: who is in the room, which question is on, who answered, the scores.

Pure: no sockets, no screens, no clock of its own (every call is given `now`, in seconds).
Scoring is the hot-seat quiz's (`Game.record`), each player being one of the game's `teams`; a
player's time is counted from when their question was shown to them, on a game clock that
stops while the host pauses.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from cscoach.plain import name_problem
from cscoach.quiz.play import Answer, Asked, Game, Response, Standing

MAX_NAME = 24  # a player's name stands in every leaderboard row on a classroom screen
MAX_PLAYERS = 60
PLAYERS_CAP = 250


class Phase(StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    OVER = "over"


class Refused(Exception):
    """A join the room turns down; `reason` is the protocol's error code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Player:
    name: str
    team: str | None
    since: int  # the first question this player plays
    token: str = ""  # given at the first join: a reconnect with it takes the seat back
    connected: bool = True
    removed: bool = False


@dataclass(frozen=True, slots=True)
class Reveal:
    asked: Asked
    counts: list[int]  # per shown option (true, false for true/false); orders: [right, wrong]
    responses: dict[str, Response]
    skipped: bool = False


def same_name(name: str) -> str:
    """What two names are compared by: 지우 typed as jamo or syllables, or Ji-Woo and ji-woo,
    are one name."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def check_name(name: str) -> str | None:
    """Why a player's name cannot be used, or None."""
    return name_problem(name, MAX_NAME)


@dataclass
class Room:
    asked: list[Asked]
    code: str
    timer: float | None = 20.0
    teams: list[str] = field(default_factory=list)
    max_players: int = MAX_PLAYERS
    game: Game = field(init=False)
    players: dict[str, Player] = field(default_factory=dict)  # by same_name()
    phase: Phase = Phase.LOBBY
    current: int = 0  # index into `asked` of the question on (or last on)
    paused: bool = False
    shown: dict[str, float] = field(default_factory=dict)  # name -> game clock when shown
    answers: dict[str, tuple[Answer, float]] = field(default_factory=dict)
    reveals: list[Reveal] = field(default_factory=list)
    _paused_total: float = 0.0
    _paused_at: float = 0.0

    def __post_init__(self) -> None:
        self.game = Game([], self.timer)

    # the clock -------------------------------------------------------------------------
    def clock(self, now: float) -> float:
        """`now` on the game clock, which stands still while paused."""
        return (self._paused_at if self.paused else now) - self._paused_total

    def pause(self, now: float) -> bool:
        """Pause or go on; returns whether the game is paused now."""
        if self.phase is Phase.OVER:
            return self.paused
        if self.paused:
            self._paused_total += now - self._paused_at
            self.paused = False
        else:
            self._paused_at = now
            self.paused = True
        return self.paused

    # players ---------------------------------------------------------------------------
    def join(self, name: str, code: str, team: str | None = None, token: str = "",
             new_token: str = "") -> tuple[Player, bool]:
        """(the player, whether they rejoined). A name held by a player who is still connected
        is taken (unless `token` is theirs: their client reconnecting before the server saw the
        old connection drop); one whose connection dropped is theirs again, with their score.
        `new_token` is what a newcomer is given."""
        if self.phase is Phase.OVER:
            raise Refused("expired")
        if code != self.code:
            raise Refused("wrong_code")
        name = unicodedata.normalize("NFC", name).strip()
        problem = check_name(name)
        if problem is not None:
            raise Refused("bad_name", problem)
        known = self.players.get(same_name(name))
        if known is not None:
            if known.removed:
                raise Refused("removed")
            if known.connected and not (token and token == known.token):
                raise Refused("name_taken")
            known.connected = True
            return known, True
        if len(self.players) >= self.max_players:
            raise Refused("room_full", str(self.max_players))
        if self.teams:
            if team is not None:
                chosen = next((t for t in self.teams if same_name(t) == same_name(team)), None)
                if chosen is None:
                    raise Refused("no_team", ", ".join(self.teams))
            else:  # the team with the fewest players, the first of those
                sizes = dict.fromkeys(self.teams, 0)
                for p in self.players.values():
                    if p.team in sizes:
                        sizes[p.team] += 1
                chosen = min(self.teams, key=lambda t: sizes[t])
        else:
            chosen = None
        # a late joiner plays from the next question
        player = Player(name, chosen, 1 if self.phase is Phase.LOBBY else self.current + 2,
                        new_token)
        self.players[same_name(name)] = player
        self.game.teams.append(name)
        self.game.standings[name] = Standing(name)
        return player, False

    def drop(self, name: str) -> None:
        player = self.players.get(same_name(name))
        if player is not None:
            player.connected = False

    def remove(self, name: str) -> Player | None:
        """The host takes a player out: they cannot come back; their answers so far stay."""
        player = self.players.get(same_name(name))
        if player is None or player.removed:
            return None
        player.removed = True
        player.connected = False
        return player

    def playing(self, number: int | None = None) -> list[Player]:
        """The players who play question `number` (default: the current one)."""
        n = self.current + 1 if number is None else number
        return [p for p in self.players.values() if not p.removed and p.since <= n]

    def present(self) -> list[Player]:
        return [p for p in self.players.values() if p.connected and not p.removed]

    # questions -------------------------------------------------------------------------
    @property
    def question(self) -> Asked:
        return self.asked[self.current]

    def start(self) -> Asked:
        """The next question goes on (the first, from the lobby)."""
        if self.phase is Phase.REVEAL:
            self.current += 1
        elif self.phase is not Phase.LOBBY:
            raise RuntimeError(f"no next question in phase {self.phase}")
        self.phase = Phase.QUESTION
        self.shown.clear()
        self.answers.clear()
        return self.question

    def show(self, name: str, now: float) -> None:
        """The question reached this player (only the first time counts: a rejoin does not
        restart the clock)."""
        self.shown.setdefault(name, self.clock(now))

    def answer(self, name: str, number: int, value: Answer, now: float) -> bool:
        """A player's answer, counted once: False when it is not for the question on, comes
        from someone not playing it, or repeats an answer already given."""
        player = self.players.get(same_name(name))
        if (self.phase is not Phase.QUESTION or number != self.current + 1 or player is None
                or player.removed or player.since > number or player.name in self.answers
                or player.name not in self.shown):
            return False
        seconds = max(0.0, self.clock(now) - self.shown[player.name])
        if self.timer is not None and seconds > self.timer:
            return False  # too late: it counts as a timeout at the reveal
        self.answers[player.name] = (value, seconds)
        return True

    def waiting_for(self) -> list[Player]:
        """Connected players of this question who have not answered yet."""
        return [p for p in self.playing() if p.connected and p.name not in self.answers]

    def deadline(self) -> float | None:
        """The game-clock time the question closes by (its last shown player's timer)."""
        if self.timer is None or not self.shown:
            return None
        return max(self.shown.values()) + self.timer

    def close(self, skipped: bool = False) -> Reveal:
        """The question ends: everyone who played it and did not answer timed out."""
        a = self.question
        responses: dict[str, Response] = {}
        if not skipped:
            for p in self.playing():
                value, seconds = self.answers.get(p.name, (None, self.timer or 0.0))
                responses[p.name] = self.game.record(p.name, a, value, seconds)
        self.phase = Phase.REVEAL
        reveal = Reveal(a, counts(a, [v for v, _ in self.answers.values()]), responses, skipped)
        self.reveals.append(reveal)
        return reveal

    @property
    def last(self) -> bool:
        return self.current + 1 >= len(self.asked)

    def end(self) -> None:
        self.phase = Phase.OVER
        if self.paused:
            self.paused = False

    # standings ---------------------------------------------------------------------------
    def ranking(self) -> list[tuple[int, Standing]]:
        """The game's ranking without removed players (ranked again: no gap where they were)."""
        removed = {p.name for p in self.players.values() if p.removed}
        out: list[tuple[int, Standing]] = []
        for s in (s for _, s in self.game.ranking() if s.team not in removed):
            tied = bool(out) and out[-1][1].points == s.points and out[-1][1].correct == s.correct
            out.append((out[-1][0] if tied else len(out) + 1, s))
        return out

    def team_totals(self) -> list[tuple[int, str, int, int]]:
        """(rank, team, points, players), best first; equal points share a rank."""
        totals = {t: [0, 0] for t in self.teams}
        for p in self.players.values():
            if p.team is not None and not p.removed:
                totals[p.team][0] += self.game.standings[p.name].points
                totals[p.team][1] += 1
        ordered = sorted(self.teams, key=lambda t: (-totals[t][0], self.teams.index(t)))
        out: list[tuple[int, str, int, int]] = []
        for i, t in enumerate(ordered):
            rank = out[-1][0] if out and out[-1][2] == totals[t][0] else i + 1
            out.append((rank, t, totals[t][0], totals[t][1]))
        return out

    def team_of(self, name: str) -> str | None:
        player = self.players.get(same_name(name))
        return player.team if player else None


def counts(asked: Asked, answers: list[Answer]) -> list[int]:
    """How many chose each shown option (true, false); for an ordering question, how many put
    the items right and how many did not."""
    n = 2 if asked.question.type.value != "single" else len(asked.question.options)
    out = [0] * n
    for value in answers:
        if isinstance(value, bool):
            out[0 if value else 1] += 1
        elif isinstance(value, int):
            out[value] += 1
        else:
            out[0 if asked.is_right(value) else 1] += 1
    return out


def live_summary(room: Room) -> dict[str, object]:
    """What `--out` adds for a live game: every player (team, points, whether they were still
    connected or removed) and the team totals."""
    return {
        "code": room.code,
        "players": [{"name": p.name, "team": p.team, "points": room.game.standings[p.name].points,
                     "correct": room.game.standings[p.name].correct, "from_question": p.since,
                     "connected": p.connected, "removed": p.removed}
                    for p in room.players.values()],
        "teams": [{"rank": r, "team": t, "points": pts, "players": n}
                  for r, t, pts, n in room.team_totals()],
        "skipped": [r.asked.number for r in room.reveals if r.skipped],
    }
