"""The engine walks a scenario by choices and refuses answers it cannot play."""

from __future__ import annotations

import pytest

from cscoach.content.library import Library
from cscoach.content.loader import load_scenario
from cscoach.drill.engine import AnswerError, Session, enumerate_paths, parse_answers, play


@pytest.fixture
def mini(library: Library, write, mini_text: str):
    return load_scenario(write("mini.yaml", mini_text), library.steps, sources=library.sources)


def test_play_to_an_ending(mini) -> None:
    t = play(mini, [1, 1])
    assert [turn.node.id for turn in t.turns] == ["a", "b"]
    assert t.ending.id == "good" and t.final_mood == 1 and t.answers == [1, 1]


def test_session_tracks_mood(mini) -> None:
    s = Session(mini)
    turn = s.choose(1)
    assert (turn.mood_before, turn.mood_after) == (0, -2)
    assert s.over and s.ending is not None and s.ending.id == "bad"


def test_mood_is_clamped_to_the_scale(library: Library) -> None:
    s = Session(library.scenario("angry-shopper"))  # starts at -4
    assert s.choose(1).mood_after == -5  # "I'm busy" is -2: clamped at -5, not -6


@pytest.mark.parametrize(("answers", "message"), [
    ([3], "answer 3 at turn 1 (node 'a') is out of range: choose 1-2"),
    ([1], "the answers ran out at turn 2 (node 'b')"),
    ([2, 1], "1 answer(s) left over: the drill ended after 1 turn(s)"),
])
def test_bad_answers(mini, answers: list[int], message: str) -> None:
    with pytest.raises(AnswerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        play(mini, answers)


@pytest.mark.parametrize(("spec", "ok"), [("2,1,3", [2, 1, 3]), (" 1, 2 ", [1, 2])])
def test_parse_answers(spec: str, ok: list[int]) -> None:
    assert parse_answers(spec) == ok


@pytest.mark.parametrize("spec", ["", "a,b", "0", "1,-2"])
def test_parse_answers_rejects(spec: str) -> None:
    with pytest.raises(AnswerError):
        parse_answers(spec)


def test_enumerate_paths(mini) -> None:
    paths = enumerate_paths(mini)
    assert paths.complete and sorted(paths.paths) == [(1, 1), (2,)]
    cut = enumerate_paths(mini, limit=1)
    assert not cut.complete and len(cut.paths) == 1
