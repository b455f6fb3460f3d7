"""The last finished drill of a history, played again from its answers for `cscoach review`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cscoach.content.model import Scenario, Text
from cscoach.drill.engine import AnswerError, Session, Transcript
from cscoach.history.record import Record


def last_drill(records: Sequence[Record]) -> Record | None:
    """The latest completed drill (records come oldest first); quizzes and abandoned drills are
    not reviewed."""
    for r in reversed(records):
        if r["kind"] == "play" and r["status"] == "completed":
            return r
    return None


def replay(record: Record, scenario: Scenario) -> Transcript:
    """The transcript of `record`: its answers played through `scenario` again, a typed reply
    (play --free) as the trainee's own words with the steps it was found to perform. A scenario
    changed since, so that the answers no longer fit, is an AnswerError naming the turn."""
    session = Session(scenario)
    for c in sorted(record["choices"], key=lambda c: c["turn"]):
        node = session.node
        if node is None or node.id != c["node"] or not 0 < c["choice"] <= len(node.choices):
            raise AnswerError(
                f"the last drill of '{scenario.id}' cannot be replayed: the scenario has changed "
                f"since (turn {c['turn']} was at '{c['node']}')")
        index = c["choice"] - 1
        typed = None
        if c.get("typed"):
            words = str(c["typed"])
            typed = replace(node.choices[index], says=Text(words, words),
                            steps=tuple(c["steps"]), phrases=())
        session.choose(index, typed)
    if not session.over:
        raise AnswerError(f"the last drill of '{scenario.id}' cannot be replayed: the scenario "
                          "has changed since (its answers no longer reach an ending)")
    return session.transcript()
