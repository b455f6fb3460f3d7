"""Free-text replies (`play --free`): checked, placed on the closest authored reply, scored."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cscoach.drill.engine import AnswerError, Session
from cscoach.history.record import DrillTracker
from cscoach.history.store import Store
from cscoach.history.xapi import statements
from cscoach.judge.check import Checker
from cscoach.judge.check_eval import evaluate_routing
from cscoach.judge.free import MAX_CHARS, Judge, as_choice, negates, problem, profile
from cscoach.judge.scoring import debrief, turn_report

DATA = Path(__file__).parent / "data" / "free_replies.yaml"


@pytest.fixture(scope="module")
def judge(library, typed_matcher) -> Judge:
    return Judge(Checker(typed_matcher, library.steps))


def _at(library, scenario: str, answers: list[int]) -> Session:
    return Session.resume(library.scenario(scenario), answers)


def _type(session: Session, judge: Judge, text: str):
    node = session.node
    reply = judge.judge(node, text)
    assert reply.close_enough, reply.ranked
    index = reply.closest.index
    return reply, session.choose(index, as_choice(reply, node.choices[index]))


def _groups() -> list[dict]:
    return [g for name in ("free_placement.yaml", "free_replies.yaml")
            for g in yaml.safe_load((DATA.parent / name).read_text("utf-8"))]


@pytest.mark.parametrize("held_out", [False, True])
def test_placement_meets_its_targets_at_every_decision_point(judge, library, held_out) -> None:
    """tests/data/free_placement.yaml (every scenario) and free_replies.yaml; the weights were
    chosen on the tuning part only (benchmarks/free_routing.py --sweep)."""
    groups = [g for g in _groups() if bool(g.get("held_out")) == held_out]
    assert sum(len(g["replies"]) for g in groups) >= (150 if held_out else 500)
    routing = evaluate_routing(judge, library, groups)
    # measured: tuning 0.927 placed right, held-out 0.901; nothing placed wrong, no reply that
    # means none placed, no negated reply placed on what it negates
    assert routing.accuracy >= (0.86 if held_out else 0.9), routing.misses
    assert routing.on_negated == 0, routing.misses
    assert routing.wrong == 0 and routing.forced == 0, routing.misses


@pytest.mark.parametrize(("answers", "text", "negated"), [
    ([1, 1, 1], "검색 1등은 솔직히 저희가 장담해 드릴 수 없어요", 1),  # bakery ranking: not 2
    ([1, 1, 1], "I won't promise you the top spot by Tuesday — no one honestly could.", 1),
])
def test_a_negated_promise_is_never_taken_as_the_promise(judge, library, answers, text,
                                                         negated) -> None:
    """The issue's case: "검색 1등은 솔직히 저희가 장담해 드릴 수 없어요" was taken as the
    over-promise reply "검색 1등 장담합니다" and scolded as one."""
    node = _at(library, "bakery-site-redo", answers).node
    reply = judge.judge(node, text)
    assert not (reply.close_enough and reply.closest.index == negated)


@pytest.mark.parametrize(("typed", "authored", "expected"), [
    ("검색 1등은 솔직히 저희가 장담해 드릴 수 없어요", "검색 1등 장담합니다", True),
    ("절대 고장 안 난다고 장담은 못 드려요", "제가 장담할게요.", True),
    ("I can't guarantee it will never break.", "It won't break. I guarantee it.", True),
    ("I'm not going to ask you for the receipt right now.", "Could I see the receipt first?",
     True),
    ("고객님 잘못이 전혀 아니에요. 저희 쪽 실수입니다", "고객님 잘못입니다", True),
    ("Hold on, you didn't put ice in it, did you?", "Did you put ice in it?", False),
    ("이거면 내일 아침 괜찮으실까요?", "이걸로 내일 아침은 괜찮으시겠어요?", False),
    ("Don't worry about it.", "You needn't worry about that.", False),
])
def test_negation_scope(typed, authored, expected) -> None:
    assert negates(typed, authored) is expected


def test_a_typed_turn_shows_the_authored_feedback_only_as_the_reply_it_was_taken_as(
        judge, library, typed_matcher) -> None:
    """The authored feedback praises what the authored reply did ("moved her away from the
    queue"); after a typed reply it is shown only under that reply, labelled."""
    from rich.console import Console

    from cscoach.judge.scoring import turn_report
    from cscoach.ui import render

    session = _at(library, "angry-shopper", [1])
    node = session.node
    reply = judge.judge(node, "Oh no, what a shock. Let's talk.")
    turn = session.choose(0, as_choice(reply, node.choices[0]))
    console = Console(record=True, width=200)
    render.turn_feedback(console, turn_report(typed_matcher, turn, "en"),
                         library.phrasebook, "en")
    out = console.export_text()
    label = out.index("Feedback on the reply your words were taken as")
    assert out.index(node.choices[0].says.en[:40]) > label
    assert out.index("moved her away from the queue") > label


def test_a_lesson_met_at_a_typed_turn_is_the_taken_reply_s(judge, library,
                                                          typed_matcher) -> None:
    session = _at(library, "angry-shopper", [1])
    node = session.node
    reply = judge.judge(node, "Oh no, what a shock. Let's talk.")
    session.choose(0, as_choice(reply, node.choices[0]))
    while session.node is not None:
        session.choose(0)
    result = debrief(session.transcript(), library.steps, typed_matcher)
    reasons = [i.reason.en for i in result.items if i.category == "lessons" and i.turn == 2]
    assert reasons and all("the reply your words were taken as" in r for r in reasons)


def test_off_topic_and_empty_words_are_not_placed(judge, library) -> None:
    node = _at(library, "angry-shopper", [1, 1]).node
    for text in ("Is it raining outside?", "ok", "ㅋㅋㅋ", "12345", "!!!"):
        assert not judge.judge(node, text).close_enough, text


def test_a_typed_reply_is_scored_on_its_own_words(judge, library) -> None:
    """The steps the trainee performed and the phrases they used count; the drill goes on as
    after the closest authored reply (its next node and mood)."""
    session = _at(library, "silent-client", [])
    reply, turn = _type(session, judge, "I don't know when it'll be published, it depends on "
                                        "the journalist.")
    authored = turn.node.choices[1]
    assert (turn.index, turn.typed) == (1, True)
    assert turn.authored is authored
    assert turn.choice.says.en == reply.text and turn.choice.next == authored.next
    assert turn.mood_after - turn.mood_before == authored.mood
    assert [h.entry_id for h in reply.hits if h.kind == "dont_say"] == ["dont-know"]


def test_a_fault_read_by_meaning_is_shown_and_scored(judge, library, typed_matcher) -> None:
    """A typed "don't say" in words the phrasebook does not list is the judge's finding, as in
    `cscoach check`: shown on the typed reply, blamed in the score and kept in the record."""
    text = "언제 기사가 나갈지는 저도 모르죠, 기자님 마음이에요."
    assert not [h for h in typed_matcher.match(text) if h.kind == "dont_say"]
    session = _at(library, "silent-client", [])
    reply, turn = _type(session, judge, text)
    assert [h.entry_id for h in reply.hits if h.kind == "dont_say"] == ["dont-know"]
    assert turn.choice.judged == reply.hits
    report = turn_report(typed_matcher, turn, "ko")
    assert [h.entry_id for h in report.dont_say] == ["dont-know"]
    while session.node is not None:
        session.choose(0)
    transcript = session.transcript()
    result = debrief(transcript, library.steps, typed_matcher, prefer="ko")
    penalties = [i for i in result.items if i.category == "language" and i.points < 0
                 and i.turn == 1]
    assert len(penalties) == 1 and "모르죠" in penalties[0].reason.ko
    kept: list[dict] = []
    tracker = DrillTracker(transcript.scenario, "mina", "ko", typed_matcher, kept.append)
    for t in transcript.turns:
        tracker.heard(t)
    tracker.finished(transcript, result)
    assert kept[0]["choices"][0]["dont_say"] == ["dont-know"]


def test_typed_steps_earn_points_the_authored_reply_would_not(judge, library) -> None:
    session = _at(library, "angry-shopper", [])
    _type(session, judge, "Welcome! Thank you for bringing it in - I'm so sorry, that must "
                          "have been upsetting. I'll help you with this.")
    turn = session.turns[0]
    assert set(turn.choice.steps) >= {"greet", "empathize"}
    assert turn.authored.steps == ("greet",)


def test_the_debrief_knows_the_best_reply_at_every_turn(judge, library, typed_matcher) -> None:
    session = _at(library, "angry-shopper", [])
    _type(session, judge, "Welcome, thanks for bringing it back. I'll help you all the way.")
    while session.node is not None:
        session.choose(0)
    result = debrief(session.transcript(), library.steps, typed_matcher)
    # angry-shopper's best reply is authored first at every node on this path
    assert result.best == (0,) * len(session.turns)
    assert session.turns[0].typed and not result.weak


def test_a_typed_reply_must_go_on_as_its_authored_reply(judge, library) -> None:
    session = _at(library, "angry-shopper", [])
    node = session.node
    reply = judge.judge(node, "Welcome, I'll help you.")
    with pytest.raises(AnswerError):
        session.choose(0, as_choice(reply, node.choices[1]))


@pytest.mark.parametrize("text, key", [
    ("", "free.empty"), ("   \n ", "free.empty"), ("x" * (MAX_CHARS + 1), "free.too_long"),
    ("hello\x00there", "free.control"), ("bell\x07", "free.control"),
])
def test_unusable_replies_are_refused_with_a_reason(text, key) -> None:
    assert problem(text) == key


def test_usable_replies_pass() -> None:
    assert problem("고객님, 정말 죄송합니다.\nI'll fix it.") is None


def test_korean_is_profiled_without_spaces_and_english_by_word() -> None:
    assert profile("모르겠 어요") == profile("모르겠어요")
    assert "w:refund" in profile("A refund, please")
    assert "w:the" not in profile("the refund")  # words every reply has say nothing


def test_what_was_typed_is_kept_in_the_history(judge, library, typed_matcher, tmp_path) -> None:
    session = _at(library, "silent-client", [])
    _type(session, judge, "I don't know when it'll be published, it depends on the journalist.")
    while session.node is not None:
        session.choose(0)
    transcript = session.transcript()
    result = debrief(transcript, library.steps, typed_matcher)
    kept: list[dict] = []
    tracker = DrillTracker(transcript.scenario, "mina", "en", typed_matcher, kept.append)
    for turn in transcript.turns:
        tracker.heard(turn)
    tracker.finished(transcript, result)
    (record,) = kept
    first = record["choices"][0]
    assert first["typed"].startswith("I don't know when")
    assert first["text"]["en"] == transcript.turns[0].authored.says.en  # the authored reply
    assert first["dont_say"] == ["dont-know"]
    assert record["choices"][1]["typed"] is None
    with Store(tmp_path / "h.db") as store:
        store.add(record)
        assert store.attempts("mina") == [record]
    sent = [body for _, body in statements(record, "https://lrs.example", "https://x")
            if body["verb"]["id"].endswith("/responded")]
    typed = [b["result"]["extensions"].get("https://lrs.example/extensions/typed") for b in sent]
    assert typed[0] == first["typed"] and typed[1:] == [None] * (len(sent) - 1)


def test_free_without_a_terminal_points_to_check(cli) -> None:
    """No terminal: --free cannot ask, and --answers does not go with it, so the message names
    `cscoach check` instead."""
    r = cli("play", "angry-shopper", "--free", "--lang", "en")
    assert r.code == 2 and "cscoach check" in r.err and "--answers" not in r.err
    r = cli("play", "angry-shopper", "--free", "--lang", "ko")
    assert r.code == 2 and "cscoach check" in r.err


@pytest.mark.parametrize(("typed", "key"), [
    ("고객님 \udcff\udcfe 죄송합니다", "free.not_utf8"),  # invalid UTF-8, as Python decodes it
    ("sorry\x1b]52;c;aGk=\x07", "free.control"),
    ("sorry \u202etxt", "free.control"),
    ("sorry\x7f", "free.control"),
    ("I'm sorry,\tlet me check.", None),
])
def test_a_typed_reply_is_refused_at_once_when_it_cannot_be_kept(typed: str,
                                                                 key: str | None) -> None:
    """Invalid UTF-8 typed in --free used to play on to the end and then fail to be recorded
    (exit 70): the prompt now refuses it at once, as it refuses control characters."""
    from cscoach.judge.free import problem

    assert problem(typed) == key


def test_a_typed_fault_the_judge_is_not_sure_of_says_how_sure(judge, library) -> None:
    """In `play --free` as in `check`: the typed reply's panel says how sure the judge is of a
    finding below `SURE`, and nothing of the kind for a sure one."""
    import dataclasses

    from rich.console import Console

    from cscoach.ui import render

    node = _at(library, "angry-shopper", []).node
    reply = judge.judge(node, "I have no idea, sorry.")
    (found,) = reply.check.findings
    assert found.sure and found.entry.id == "dont-know"
    unsure = dataclasses.replace(reply, check=dataclasses.replace(
        reply.check, findings=(dataclasses.replace(found, confidence=0.62),)))
    shown = []
    for r, lang in ((reply, "en"), (unsure, "en"), (unsure, "ko")):
        console = Console(record=True, width=300)
        render.free_reply(console, r, node, library.phrasebook, lang)
        shown.append(console.export_text())
    assert "sure" not in shown[0] and "Don't say" in shown[0]
    assert "(the judge is 62% sure)" in shown[1]
    assert "(판정 확신도 62%)" in shown[2]
