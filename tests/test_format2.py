"""Scenario format 2: facts, variants, routes, lessons, acting at once and compose turns, from
the file to the drill, and every bad input `validate` must name (located, exit 1)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "data" / "format2" / "counter-v2.yaml"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = GOOD.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "counter-v2.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_example_is_clean(cli) -> None:
    r = cli("validate", str(GOOD))
    assert r.code == 0, r.out + r.err
    assert "0 error(s), 0 warning(s)" in r.err
    # it plays and loads, but is a three-node example, not a scenario to ship
    strict = cli("validate", "--strict", str(GOOD))
    assert strict.code == 1 and "not 100" in strict.out and "at least 2 such traps" in strict.out


def test_the_customer_answers_what_was_said(cli) -> None:
    exchange = cli("play", str(GOOD), "--answers", "1,1.1", "--lang", "en", "--no-record")
    assert exchange.code == 0, exchange.err
    assert "An exchange, good." in exchange.out and "A refund, thanks." not in exchange.out
    refund = cli("play", str(GOOD), "--answers", "2,2,1.1", "--lang", "en", "--no-record")
    assert refund.code == 0, refund.err
    assert "A refund, thanks." in refund.out and "An exchange, good." not in refund.out
    # the narration follows where you are: moved to the desk, or still at the counter
    assert "The quiet service desk." in refund.out
    stayed = cli("play", str(GOOD), "--answers", "3,1,1.1", "--lang", "en", "--no-record")
    assert "Still at the counter." in stayed.out


def test_routes_follow_the_facts(cli) -> None:
    # the refund and voucher at the counter (not at the desk) loses her; at the desk it does not
    r = json.loads(cli("play", str(GOOD), "--answers", "3,2", "--json", "--no-record").out)
    assert r["ending"]["id"] == "walked-out"
    r = json.loads(cli("play", str(GOOD), "--answers", "2,2,1.1", "--json", "--no-record").out)
    assert r["ending"]["id"] == "so-so" and "at-desk" in r["facts"]


def test_lessons_in_json_and_a_broken_critical_one_fails(cli) -> None:
    r = json.loads(cli("play", str(GOOD), "--answers", "1,1.1", "--json", "--no-record").out)
    assert r["passed"] and r["answers"] == "1,1.1"
    assert {x["id"]: (x["critical"], x["result"], x["turn"]) for x in r["lessons"]} == {
        "fix-at-once": (True, "met", 1), "within-authority": (False, "met", 1)}
    # acting at once: listen and ask were not needed before the fix (S001-CH2)
    reasons = [p["reason"] for p in r["points"] if p["category"] == "steps"]
    assert sum("not needed" in x and "S001-CH2" in x for x in reasons) == 2
    assert not any("before asking" in p["reason"] for p in r["points"])
    broken = json.loads(cli("play", str(GOOD), "--answers", "3,1,1.1", "--json",
                            "--no-record").out)
    assert [x["result"] for x in broken["lessons"]] == ["broken", "met"]
    assert broken["score"] < broken["pass_mark"] and not broken["passed"]


def test_a_critical_lesson_caps_what_would_have_passed(library, matcher) -> None:
    import dataclasses

    from cscoach.drill.engine import play
    from cscoach.judge.scoring import debrief

    s = library.load_scenario_file(GOOD)
    node = s.nodes["counter"]
    # the fix at once, but now also breaking the critical lesson: everything else is as good
    breaking = dataclasses.replace(node.choices[0], breaks=("fix-at-once",))
    s = dataclasses.replace(s, nodes={**s.nodes, "counter": dataclasses.replace(
        node, choices=(breaking, *node.choices[1:]))})
    free = debrief(play(library.load_scenario_file(GOOD), [1, 1]), library.steps, matcher)
    d = debrief(play(s, [1, 1]), library.steps, matcher)
    assert free.score >= s.pass_mark
    assert d.score == s.pass_mark - 1
    assert d.items[-1].category == "lessons" and "capped at 69" in d.items[-1].reason.en


@pytest.mark.parametrize(("old", "new", "message"), [
    ("when: {all: [offered-exchange]}\n        assumes",
     "when: {all: [offered-exchang]}\n        assumes",
     r"unknown fact 'offered-exchang' \(declare it under 'facts:'\); did you mean "
     r"'offered-exchange'\?"),
    ("break: [within-authority]", "break: [within-authorty]", r"unknown lesson "
     r"'within-authorty'.*did you mean 'within-authority'"),
    ("      - ko: 계산대 앞입니다.", "      - when: {all: [receipt]}\n        ko: 계산대 앞입니다.",
     r"the last variant has a 'when:'"),
    ("      - when: {all: [at-desk]}\n        assumes: [at-desk]\n",
     "      - assumes: [at-desk]\n", r"variant 1 of 2 has no 'when:'"),
    ("    critical: true\n", "", r"no lesson is critical"),
    ("        meet: [fix-at-once, within-authority]", "        meet: [within-authority]",
     r"lesson 'fix-at-once' is met by no reply"),
    ("      - ko: 환불이라니 고맙네요.",
     "      - assumes: [receipt]\n        ko: 환불이라니 고맙네요.",
     r"'wrap' says variant 2 assumes 'receipt', but a path shows it without 'receipt' "
     r"\(--answers 2,2,1\.1\)"),
    ("  happy:\n    outcome: good\n    require: [offered-exchange]",
     "  happy:\n    outcome: good\n    require: [offered-exchange, at-desk]",
     r"good ending 'happy' is reached without 'at-desk' \(--answers 1,1\.1\)"),
    ("        steps: [resolve]\n        set: [offered-exchange]",
     "        steps: []\n        set: [offered-exchange]",
     r"good ending 'happy' is reached without any reply that resolves \(--answers 2,1,1\.1\)"),
    ("    next:\n      - when: {all: [offered-exchange]}\n        to: happy",
     "    next:\n      - when: {all: [offered-exchange], mood: {max: -5}}\n        to: happy",
     r"route 1 \(to 'happy'\) is never taken: no path has offered-exchange & mood<=-5"),
    ("    compose:", "    choices: []\n    compose:", r"has both 'choices' and 'compose'"),
    ("    next:\n      - when: {all: [offered-exchange]}\n        to: happy\n      - to: so-so\n",
     "", r"has 'compose' but no 'next'"),
])
def test_bad_format2_input_is_named_where_it_is(cli, tmp_path: Path, old: str, new: str,
                                                message: str) -> None:
    r = cli("validate", str(_variant(tmp_path, old, new)))
    assert r.code == 1, r.out + r.err
    assert re.search(r"counter-v2\.yaml:\d+:\d+: error: .*" + message, r.out), r.out


def test_a_set_nobody_reads_is_a_warning(cli, tmp_path: Path) -> None:
    path = _variant(tmp_path, "  at-desk: {ko: 상담 테이블로 옮김, en: moved to the service desk}",
                    "  at-desk: {ko: 상담 테이블로 옮김, en: moved to the service desk}\n"
                    "  smiled: {ko: 웃음, en: smiled}")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "set: [at-desk]", "set: [at-desk, smiled]"), encoding="utf-8")
    r = cli("validate", str(path))
    assert r.code == 0
    assert "warning: fact 'smiled' is set but nothing reads it" in r.out
    assert cli("validate", "--strict", str(path)).code == 1


def test_the_replay_answers_in_messages_replay(cli, tmp_path: Path) -> None:
    path = _variant(tmp_path, "      - ko: 환불이라니 고맙네요.",
                    "      - assumes: [receipt]\n        ko: 환불이라니 고맙네요.")
    out = cli("validate", str(path)).out
    answers = re.search(r"--answers ([\d.,]+)", out).group(1)
    r = cli("play", str(path), "--answers", answers, "--lang", "ko", "--no-record")
    assert r.code == 0 and "환불이라니 고맙네요." in r.out


@pytest.mark.parametrize(("answers", "message"), [
    ("1,1", "turn 2 (node 'wrap') is a compose turn of 2 parts: give one line per part joined "
            "by '.', like 1.1"),
    ("1,1.3", "answer 1.3 at turn 2 (node 'wrap'): part 2 has lines 1-2"),
    ("1.1", "answer 1.1 at turn 1 (node 'counter') has parts, but this turn is not a compose "
            "turn; choose 1-3"),
    ("1,x", "--answers item 2 'x' is not a whole number from 1 up"),
])
def test_compose_answers_that_cannot_be_played(cli, answers: str, message: str) -> None:
    r = cli("play", str(GOOD), "--answers", answers, "--no-record")
    assert r.code == 2
    assert message in r.err


def test_a_compose_turn_is_judged_as_one_message(cli) -> None:
    r = json.loads(cli("play", str(GOOD), "--answers", "1,1.1", "--json", "--no-record").out)
    last = r["path"][-1]
    assert last["steps"] == ["check", "follow_up"]
    assert last["text"] == "Is that all right now?\nMay I call you next week?" or \
        last["text"] == "이제 괜찮으실까요?\n다음 주에 전화드려도 될까요?"
    lazy = json.loads(cli("play", str(GOOD), "--answers", "1,2.2", "--json", "--no-record").out)
    assert lazy["score"] < r["score"]


def test_format_1_is_still_read_and_format_3_is_refused(cli, tmp_path: Path) -> None:
    assert cli("validate", str(ROOT / "tests" / "data" / "angry-shopper-v1.yaml")).code == 0
    path = _variant(tmp_path, "format_version: 2", "format_version: 3")
    r = cli("validate", str(path))
    assert r.code == 1
    assert "format_version 3 is not supported (this cscoach reads version 1 or 2 of a " \
           "scenario file)" in r.out


def test_the_debrief_shows_the_lessons_part_and_which_were_broken(cli) -> None:
    r = cli("play", str(GOOD), "--answers", "3,1,1.1", "--lang", "ko", "--no-record")
    assert r.code == 0
    assert "· 교훈 -10" in r.out
    assert "✗ [필수] 대면 불만은 그 자리에서 해결한다 — 1턴에서 어김 (S001-CH2)" in r.out
    en = cli("play", str(GOOD), "--answers", "1,1.1", "--lang", "en", "--no-record")
    assert "· lessons 0" in en.out and "Fix a complaint in person on the spot" in en.out


SHORTER = {  # the tempting replies cut short, so the best is the longest everywhere
    "\"네, 그럼 이걸로 처리는 모두 끝났습니다.\"": "네.",
    "\"Right, that's everything processed and finished.\"": "Right.",
    "오늘 직접 와 주셔서 감사합니다. 안녕히 가세요.": "안녕히 가세요.",
    "\"Thank you so much for coming in today. Goodbye.\"": "Bye.",
    "정말 죄송합니다. 전액 환불에 상품권까지 얹어 드릴게요.": "환불해 드릴게요.",
    "\"I'm so sorry. I'll refund it in full and add a gift voucher on top.\"": "A refund.",
}


def test_a_scenario_whose_best_reply_is_always_the_longest_is_warned(cli,
                                                                     tmp_path: Path) -> None:
    text = GOOD.read_text(encoding="utf-8")
    for old, new in SHORTER.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "counter-v2.yaml"
    path.write_text(text, encoding="utf-8")
    r = cli("validate", str(path))
    assert r.code == 0
    assert re.search(r"warning: the best reply is the longest at [34] of 4 decision points in "
                     r"Korean: a trainee can pass without reading", r.out), r.out


def test_the_bots_that_never_read(library, matcher) -> None:
    from cscoach.authoring.pedagogy import bot_answers, pick_longest, pick_politest
    from cscoach.drill.engine import play
    from cscoach.judge.scoring import debrief

    s = library.load_scenario_file(GOOD)
    longest = bot_answers(s, pick_longest, "en")
    assert longest[0] == 3  # the policy hide is the longest opening
    d = debrief(play(s, longest), library.steps, matcher, prefer="en")
    assert not d.passed
    assert bot_answers(s, pick_politest, "ko")[0] in (1, 3)


def test_a_turn_can_happen_on_another_channel(cli) -> None:
    """A public review taken private: the private turns are labelled and framed as a chat; a
    letter answered at a meeting: the meeting's turns are in person."""
    r = cli("play", "review-taken-private", "--answers", "1.1.1.1,1,1,1,1", "--lang", "ko",
            "--no-record")
    assert r.code == 0, r.err
    assert "내 답글 (공개)" in r.out and "내 메시지 (1:1):" in r.out and "1:1 채팅" in r.out
    en = cli("play", "formal-letter", "--answers", "1,1,1,1,1,1,1,1,1.1.1.1.1", "--lang", "en",
             "--no-record")
    assert en.code == 0, en.err
    assert "─ in person ─" in en.out and "─ letter ─" in en.out
