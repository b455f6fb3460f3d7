"""One drill played: a front supplies each reply, observers hear each turn and how it ended.

The runner is the only loop a trainee's drill runs through: an interactive drill, a scripted one
(`--answers`) and, later, a classroom client are fronts over it, so what the history hears cannot
differ between them. (`engine.play` replays answers for the authoring tools and scoring, with
no front and nobody listening.)
It knows nothing of judging: the caller hands it `conclude` (the debrief, say), whose result goes
to the front's `end` and to the observers' `finished`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from cscoach.content.model import Choice, Scenario
from cscoach.drill.engine import Session, Transcript, Turn
from cscoach.errors import Interrupted

R = TypeVar("R")
R_contra = TypeVar("R_contra", contravariant=True)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the trainee answered at a node: authored reply `index` (0-based), or their own words
    `typed`, going on as that reply does."""

    index: int
    typed: Choice | None = None


class Front(Protocol[R_contra]):
    """Where the replies come from, told what happened as the drill goes."""

    def begin(self, scenario: Scenario) -> None:
        """The drill starts."""

    def reply(self, session: Session) -> Reply:
        """The reply at `session.node` (the session is the runner's: read it, do not choose)."""
        ...

    def heard(self, turn: Turn) -> None:
        """A reply was taken: this is the whole turn."""

    def end(self, transcript: Transcript, result: R_contra) -> None:
        """The drill reached an ending; `result` is what the caller concluded from it."""


class Observer(Protocol[R_contra]):
    """Hears a drill as it is played (the history tracker, an LRS sender)."""

    def heard(self, turn: Turn) -> None:
        """A whole turn was played."""

    def finished(self, transcript: Transcript, result: R_contra) -> None:
        """The drill reached an ending, and the front has shown it."""

    def abandoned(self) -> None:
        """The drill was stopped (Ctrl-C, end of input) before it was over: the turns heard so
        far are all it has."""


def run(scenario: Scenario, front: Front[R], conclude: Callable[[Transcript], R],
        observers: Sequence[Observer[R]] = ()) -> R:
    """Play `scenario` once through `front`, telling `observers`; returns `conclude`'s result.

    A stop while the drill runs (until the front has shown the end) abandons it: the observers
    are told, and the interrupt goes on up. Any other error (a scripted answer that cannot be
    played, say) tells them nothing, so nothing half-played is kept.
    """
    session = Session(scenario)
    try:
        front.begin(scenario)
        while session.node is not None:
            reply = front.reply(session)
            turn = session.choose(reply.index, reply.typed)
            for observer in observers:
                observer.heard(turn)
            front.heard(turn)
        transcript = session.transcript()
        result = conclude(transcript)
        front.end(transcript, result)
    except (Interrupted, KeyboardInterrupt):
        for observer in observers:
            observer.abandoned()
        raise
    for observer in observers:
        observer.finished(transcript, result)
    return result
