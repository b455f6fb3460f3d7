"""The live classroom's game and wire format, without a network: quiz/room.py, quiz/protocol.py."""

from __future__ import annotations

import json

import pytest

from cscoach.content.library import Library
from cscoach.content.model import QType
from cscoach.quiz import protocol
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import RULES, Asked, choose
from cscoach.quiz.room import Phase, Refused, Room


def _asked(library: Library, count: int = 3, kind: QType = QType.SINGLE) -> list[Asked]:
    pool = [q for q in all_questions(library) if q.type is kind]
    return choose(pool, count, seed=1)


def _right(a: Asked) -> object:
    """The right answer to `a`, as the game takes it."""
    key = protocol.key(a)
    return tuple(key) if isinstance(key, list) else key


def test_scores_come_from_the_hot_seat_rules_with_the_servers_clock(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=20)
    room.join("지우", "4321")
    room.join("Alex", "4321")
    a = room.start()
    room.show("지우", 100.0)
    room.show("Alex", 101.0)  # reached Alex a second later: his clock starts then
    wrong = (_right(a) + 1) % len(a.question.options)  # type: ignore[operator]
    assert room.answer("지우", 1, _right(a), 110.0)  # type: ignore[arg-type]
    assert room.answer("Alex", 1, wrong, 111.0)
    reveal = room.close()
    ji, alex = reveal.responses["지우"], reveal.responses["Alex"]
    assert ji.correct and ji.seconds == 10.0
    assert ji.points == RULES.correct + round(RULES.speed_bonus * 10 / 20)
    assert not alex.correct and alex.points == 0
    assert reveal.counts[_right(a)] == 1 and reveal.counts[wrong] == 1  # type: ignore[index]


def test_an_answer_counts_once_and_only_for_the_question_on(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=20)
    room.join("지우", "4321")
    room.start()
    room.show("지우", 0.0)
    assert not room.answer("지우", 2, 0, 1.0)  # not the question on
    assert room.answer("지우", 1, 0, 1.0)
    assert not room.answer("지우", 1, 1, 2.0)  # a second answer changes nothing
    assert room.answers["지우"] == (0, 1.0)
    assert not room.answer("nobody", 1, 0, 1.0)


def test_an_answer_after_the_players_own_time_is_a_timeout(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=5)
    room.join("지우", "4321")
    room.start()
    room.show("지우", 0.0)
    assert not room.answer("지우", 1, 0, 5.5)
    response = room.close().responses["지우"]
    assert response.answer is None and response.points == 0 and response.seconds == 5


def test_the_clock_stands_still_while_paused(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=20)
    room.join("지우", "4321")
    room.start()
    room.show("지우", 0.0)
    assert room.pause(2.0) is True
    assert room.clock(50.0) == 2.0
    assert room.pause(60.0) is False  # 58 s of discussion cost nobody any time
    assert room.answer("지우", 1, 0, 63.0)
    assert room.answers["지우"][1] == 5.0
    assert room.deadline() == 20.0 and room.clock(63.0) == 5.0


def test_a_dropped_player_rejoins_with_the_score_a_connected_name_is_taken(
        library: Library) -> None:
    room = Room(_asked(library), "4321", timer=20)
    room.join("지우", "4321", new_token="secret")
    a = room.start()
    room.show("지우", 0.0)
    room.answer("지우", 1, _right(a), 1.0)  # type: ignore[arg-type]
    room.close()
    with pytest.raises(Refused) as taken:
        room.join("지우", "4321")
    assert taken.value.reason == "name_taken"
    _, rejoined = room.join("지우", "4321", token="secret")  # its own client, reconnecting
    assert rejoined
    room.drop("지우")
    player, rejoined = room.join("  지우 ", "4321")  # a new process, same name
    assert rejoined and room.game.standings[player.name].points > 0
    assert list(room.game.standings) == ["지우"]


def test_names_codes_and_room_size(library: Library) -> None:
    room = Room(_asked(library), "4321", max_players=2)
    for name, reason in (("", "bad_name"), ("x" * 25, "bad_name"), ("a\x1b[2Jb", "bad_name")):
        with pytest.raises(Refused) as refused:
            room.join(name, "4321")
        assert refused.value.reason == reason
    with pytest.raises(Refused) as wrong:
        room.join("지우", "1234")
    assert wrong.value.reason == "wrong_code"
    room.join("Ji-Woo", "4321")
    with pytest.raises(Refused) as taken:
        room.join("ji-woo", "4321")  # names compare without case
    assert taken.value.reason == "name_taken"
    room.join("Alex", "4321")
    with pytest.raises(Refused) as full:
        room.join("Sam", "4321")
    assert full.value.reason == "room_full"
    room.end()
    with pytest.raises(Refused) as expired:
        room.join("Sam", "4321")
    assert expired.value.reason == "expired"


def test_a_late_joiner_plays_from_the_next_question(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=20)
    room.join("지우", "4321")
    room.start()
    player, _ = room.join("Alex", "4321")
    assert player.since == 2
    assert [p.name for p in room.playing()] == ["지우"]
    reveal = room.close()
    assert set(reveal.responses) == {"지우"}
    room.start()
    assert {p.name for p in room.playing()} == {"지우", "Alex"}


def test_teams_are_filled_evenly_and_totalled(library: Library) -> None:
    room = Room(_asked(library), "4321", timer=None, teams=["빨강", "파랑"])
    assert room.join("a", "4321")[0].team == "빨강"
    assert room.join("b", "4321")[0].team == "파랑"
    assert room.join("c", "4321", team="파랑")[0].team == "파랑"
    with pytest.raises(Refused) as none:
        room.join("d", "4321", team="초록")
    assert none.value.reason == "no_team"
    a = room.start()
    for name in "abc":
        room.show(name, 0.0)
        room.answer(name, 1, _right(a), 0.0)  # type: ignore[arg-type]
    room.close()
    assert [(t, p, n) for _, t, p, n in room.team_totals()] == [("파랑", 200, 2),
                                                              ("빨강", 100, 1)]


def test_skip_counts_for_nobody_and_remove_keeps_them_out(library: Library) -> None:
    room = Room(_asked(library), "4321")
    room.join("지우", "4321")
    room.join("Alex", "4321")
    room.start()
    assert room.close(skipped=True).responses == {}
    assert room.remove("Alex") is not None
    assert [s.team for _, s in room.ranking()] == ["지우"]
    room.drop("Alex")
    with pytest.raises(Refused) as removed:
        room.join("Alex", "4321")
    assert removed.value.reason == "removed"
    assert room.phase is Phase.REVEAL


@pytest.mark.parametrize("kind", list(QType))
def test_a_question_crosses_the_wire_and_comes_back_checkable(library: Library,
                                                              kind: QType) -> None:
    a = _asked(library, 1, kind)[0]
    message = protocol.load(protocol.question(a, 5, 20))
    assert "correct" not in json.dumps(message) and str(a.question.correct) not in \
        json.dumps(message.get("key", ""))
    seen = protocol.asked_of(message)
    assert [t.en for t in seen.shown()] == [t.en for t in a.shown()]
    back = protocol.asked_of(message, json.loads(json.dumps(protocol.key(a))))
    right = _right(a)
    assert back.is_right(right) and a.is_right(right)  # type: ignore[arg-type]
    assert back.right_answer("ko") == a.right_answer("ko")


@pytest.mark.parametrize("frame", [
    b"\x00binary", "not json", "[1, 2]", '{"type": "answer"}',
    '{"v": 2, "type": "answer", "question": 1, "answer": 0}',
    '{"v": 1, "type": "answer", "question": "1", "answer": 0}',
    '{"v": 1, "type": "answer", "question": 1, "answer": "0"}',
    '{"v": 1, "type": "answer", "question": 1, "answer": 0, "extra": 1}',
    '{"v": 1, "type": "answer", "question": 1, "answer": [' + ",".join(["0"] * 99) + "]}",
    '{"v": 1, "type": "join", "code": "4321", "name": "again"}',
    '{"v": 1, "type": "reveal"}',
])
def test_only_the_expected_messages_pass(frame: str | bytes) -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_client(frame, joined=True)


def test_join_must_come_first_and_be_whole() -> None:
    assert protocol.parse_client(protocol.dump("join", code="1", name="지우"), False)["name"] \
        == "지우"
    for frame in (protocol.dump("answer", question=1, answer=0),
                  protocol.dump("join", code="1"), protocol.dump("join", code=1, name="x"),
                  protocol.dump("join", code="1" * 13, name="x"),
                  protocol.dump("join", code="1", name="x", team=3)):
        with pytest.raises(protocol.ProtocolError):
            protocol.parse_client(frame, joined=False)
