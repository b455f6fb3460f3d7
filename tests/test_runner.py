"""The drill runner: the order a front and observers are told things, a stopped drill keeping
only whole turns, and the same record whichever front played it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from cscoach.content.library import Library
from cscoach.content.loader import load_scenario
from cscoach.content.model import Scenario
from cscoach.drill.answers import Scripted
from cscoach.drill.engine import AnswerError, Session, Transcript, Turn, play
from cscoach.drill.runner import Front, Reply, run
from cscoach.errors import Interrupted
from cscoach.history.record import DrillTracker
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, debrief
from cscoach.ui import interactive

BEST = [1, 1, 1, 1, 1, 1, 1]  # angry-shopper's best path
WORST = [2, 3, 1, 1, 2, 3]
# what differs between two plays of the same answers: when, and which attempt
MOMENTS = {"id", "started_at", "finished_at"}


@pytest.fixture
def mini(library: Library, write, mini_text: str) -> Scenario:
    return load_scenario(write("mini.yaml", mini_text), library.steps, sources=library.sources)


class Log:
    """A front and an observer in one, writing down what it is told, in order."""

    def __init__(self, answers: list[int], events: list[str], name: str = "front",
                 stop_at: str | None = None, stop: BaseException | None = None) -> None:
        self.answers = iter(answers)
        self.events = events
        self.name = name
        self.stop_at = stop_at  # the event (e.g. "reply 3") at which to be stopped
        self.stop = stop or KeyboardInterrupt()
        self.turns: list[Turn] = []

    def _told(self, event: str) -> None:
        self.events.append(f"{self.name}: {event}")
        if event == self.stop_at:
            raise self.stop

    # the front
    def begin(self, scenario: Scenario) -> None:
        self._told(f"begin {scenario.id}")

    def reply(self, session: Session) -> Reply:
        assert session.node is not None
        self._told(f"reply {len(session.turns) + 1}")
        return Reply(next(self.answers) - 1)

    def end(self, transcript: Transcript, result: object) -> None:
        self._told(f"end {result}")

    # both
    def heard(self, turn: Turn) -> None:
        self.turns.append(turn)
        self._told(f"heard {turn.number}")

    # the observer
    def finished(self, transcript: Transcript, result: object) -> None:
        self._told(f"finished {result}")

    def abandoned(self) -> None:
        self._told(f"abandoned after {len(self.turns)}")


def _ending(transcript: Transcript) -> str:
    return transcript.ending.id


def test_turn_order(mini: Scenario) -> None:
    events: list[str] = []
    front = Log([1, 1], events)
    observer = Log([], events, "observer")
    assert run(mini, front, _ending, [observer]) == "good"
    assert events == [
        "front: begin mini",
        "front: reply 1", "observer: heard 1", "front: heard 1",
        "front: reply 2", "observer: heard 2", "front: heard 2",
        "front: end good", "observer: finished good",
    ]


def test_every_observer_hears_every_turn(library: Library) -> None:
    story = library.scenario("angry-shopper")
    events: list[str] = []
    observers = [Log([], events, "one"), Log([], events, "two")]
    run(story, Scripted(WORST), _ending, observers)
    expected = play(story, WORST)
    assert all(tuple(o.turns) == expected.turns for o in observers)
    assert [e for e in events if e.startswith("one")] == [
        *(f"one: heard {n}" for n in range(1, len(WORST) + 1)),
        f"one: finished {expected.ending.id}"]


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), Interrupted()])
@pytest.mark.parametrize(("stop_at", "whole_turns"), [
    ("reply 1", 0),  # at the first pick: nothing played
    ("reply 3", 2),  # at the third pick: two whole turns
    ("heard 3", 3),  # while the third turn's feedback is shown: that turn is whole
    ("end lukewarm", 6),  # while the ending and the debrief are shown
])
def test_a_stopped_drill_is_abandoned_with_the_whole_turns(library: Library, stop_at: str,
                                                           whole_turns: int,
                                                           stop: BaseException) -> None:
    events: list[str] = []
    front = Log(WORST, events, stop_at=stop_at, stop=stop)
    observer = Log([], events, "observer")
    with pytest.raises(type(stop)):
        run(library.scenario("angry-shopper"), front, _ending, [observer])
    assert events[-1] == f"observer: abandoned after {whole_turns}"
    assert len(observer.turns) == whole_turns
    assert not any("finished" in e for e in events)


@pytest.mark.parametrize("answers", [[3], [1], [2, 1], [1, 0]])
def test_scripted_answers_fail_as_the_engine_says_and_nothing_is_heard_as_ended(
        mini: Scenario, answers: list[int]) -> None:
    with pytest.raises(AnswerError) as engine:
        play(mini, answers)
    events: list[str] = []
    with pytest.raises(AnswerError) as runner:
        run(mini, Scripted(answers), _ending, [Log([], events, "observer")])
    assert runner.value.message == engine.value.message
    assert not any("finished" in e or "abandoned" in e for e in events)


def _tracked(story: Scenario, matcher: Matcher, front: Front[Debrief], library: Library) -> dict:
    """The record the history's tracker keeps of one drill through `front`."""
    kept: list[dict] = []
    tracker = DrillTracker(story, "mina", "en", matcher, kept.append)
    run(story, front, lambda t: debrief(t, library.steps, matcher, prefer="en"), [tracker])
    (record,) = kept
    return record


def _without_moments(record: dict) -> dict:
    return {**{k: v for k, v in record.items() if k not in MOMENTS},
            "choices": [{k: v for k, v in c.items() if k != "at"} for c in record["choices"]]}


@pytest.mark.parametrize("answers", [BEST, WORST, [2, 3, 1, 1, 1, 2, 1, 1, 1, 1]])
def test_scripted_and_interactive_fronts_record_the_same_attempt(
        library: Library, matcher: Matcher, monkeypatch: pytest.MonkeyPatch,
        answers: list[int]) -> None:
    story = library.scenario("angry-shopper")
    scripted = _tracked(story, matcher, Scripted(answers), library)

    picks = iter(answers)

    def pick(message: str, options: list[str], instruction: str = "", erase: bool = False) -> int:
        # the trainee picks the authored reply wherever the shuffle put it
        node = next(n for n in story.nodes.values()
                    if {c.says.en for c in n.choices} == set(options))
        return options.index(node.choices[next(picks) - 1].says.en)

    monkeypatch.setattr(interactive.prompt, "select", pick)
    console = Console(file=io.StringIO(), width=400, color_system=None)  # replies unshortened
    options = interactive.DrillOptions("en", feedback_now=True, shuffle=True, seed=4)
    front = interactive.Interactive(console, library.steps, matcher, options)
    at_terminal = _tracked(story, matcher, front, library)
    assert at_terminal["id"] != scripted["id"]
    assert _without_moments(at_terminal) == _without_moments(scripted)
    assert [c["choice"] for c in scripted["choices"]] == answers


def test_play_records_the_same_attempt_scripted_and_at_a_terminal(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the command itself: `play --answers` and `play` at a terminal (the prompts
    answered in-process) keep the same record in the history."""
    import cscoach.cli.options as options
    from cscoach.history.config import settings
    from cscoach.history.store import Store
    from cscoach.ui import prompt

    home = tmp_path / "home"
    monkeypatch.setenv("CSCOACH_HOME", str(home))
    args = ["play", "angry-shopper", "--trainee", "mina", "--lang", "en"]
    assert cli(*args, "--answers", ",".join(map(str, WORST))).code == 0

    monkeypatch.setattr(options, "at_terminal", lambda: True)
    picks = iter(WORST)
    monkeypatch.setattr(prompt, "select",
                        lambda message, shown, hint="", erase=False: next(picks) - 1)
    monkeypatch.setattr(prompt, "confirm", lambda message, default=False: False)  # not again
    run = cli(*args, "--no-shuffle")
    assert run.code == 0, run.err
    assert "Saved to mina's history" in run.out

    with Store(settings().db_path) as store:
        scripted, at_terminal = store.attempts("mina")
    assert _without_moments(scripted) == _without_moments(at_terminal)
    assert scripted["status"] == "completed" and scripted["ending"] == "lukewarm"
