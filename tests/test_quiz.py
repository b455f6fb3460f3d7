"""`cscoach quiz`: the question bank, solo and team play, results files, and LMS exports."""

from __future__ import annotations

import csv
import json
import re
from io import StringIO

import pytest

from conftest import ROOT
from cscoach.content.library import Library
from cscoach.content.model import TOPICS, QType
from cscoach.quiz.generate import all_questions
from cscoach.quiz.play import RULES, Game, choose, parse_answer

# -- the bank


def test_every_topic_has_questions_and_every_question_cites_a_source(library: Library) -> None:
    questions = all_questions(library)
    assert {q.topic for q in questions} == set(TOPICS)
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.source in library.sources
        assert q.prompt.ko and q.prompt.en and q.explanation.ko and q.explanation.en
        if q.type is QType.SINGLE:
            assert isinstance(q.correct, int) and 0 <= q.correct < len(q.options)
            assert len(set(q.options)) == len(q.options), q.id


def test_content_yields_questions_without_extra_writing(library: Library) -> None:
    ids = {q.id for q in all_questions(library)}
    for entry in library.phrasebook.entries:
        assert f"say-instead-{entry.id}" in ids
    for step in library.steps.steps[:-1]:
        assert f"next-step-{step.id}" in ids
    assert "seven-steps-order" in ids
    for sid in ("S001-T1", "S001-T2", "S001-T3", "S001-T4", "S001-CH1", "S001-CH2", "S001-CH3",
                *(f"S000-C{i}" for i in range(1, 8))):
        assert f"advice-{sid.lower()}" in ids
    cited = {q.source for q in all_questions(library)}
    assert {"S002-STAT", "S002-LOST", "S001-SUM", "S003-STAT"} <= cited


def test_the_phrasebook_question_has_one_right_answer(library: Library) -> None:
    q = next(q for q in all_questions(library) if q.id == "say-instead-dont-know")
    entry = library.phrasebook.get("dont-know")
    quoted = q.prompt.en.split('"')[1]
    assert quoted in entry.dont_say["en"]
    assert q.prompt.en == f"Instead of \"{quoted}\", what should you say?"
    assert q.options[q.correct] == entry.say_instead
    # the other options are the entry's decoys: polite replies, none of them a "don't say"
    assert entry.decoys is not None
    assert set(q.options) - {entry.say_instead} == set(entry.decoys.options)
    from cscoach.judge.phrases import Matcher

    matcher = Matcher(library.phrasebook)
    for option in q.options:
        for lang in ("ko", "en"):
            assert not [h for h in matcher.match(option(lang)) if h.kind == "dont_say"], option


# -- choosing and scoring


def test_same_seed_same_quiz(library: Library) -> None:
    first = choose(all_questions(library), 8, seed=5)
    again = choose(all_questions(library), 8, seed=5)
    assert [(a.question.id, a.order) for a in first] == [(a.question.id, a.order) for a in again]
    assert [a.question.id for a in choose(all_questions(library), 8, seed=6)] != \
        [a.question.id for a in first]
    steps_only = choose(all_questions(library), 50, ["steps"], seed=1)
    assert {a.question.topic for a in steps_only} == {"steps"} and len(steps_only) == 7


def test_answers_are_checked_in_shown_order(library: Library) -> None:
    asked = choose(all_questions(library), 200, seed=2)
    for a in asked:
        q = a.question
        if q.type is QType.SINGLE:
            right = a.order.index(q.correct)
            assert a.is_right(parse_answer(a, str(right + 1)))
            assert not a.is_right(parse_answer(a, str((right + 1) % len(q.options) + 1)))
        elif q.type is QType.TRUEFALSE:
            assert a.is_right(parse_answer(a, "t" if q.correct else "f"))
            assert not a.is_right(parse_answer(a, "f" if q.correct else "t"))
        else:
            right_order = [a.order.index(i) for i in range(len(q.options))]
            assert a.order != tuple(range(len(q.options)))  # never shown solved
            assert a.is_right(parse_answer(a, "-".join(str(i + 1) for i in right_order)))
            assert not a.is_right(parse_answer(a, "-".join(
                str(i + 1) for i in reversed(right_order))))


@pytest.mark.parametrize(("token", "message"), [
    ("9", "give a number from 1 to 4"), ("x", "give a number from 1 to 4"),
])
def test_bad_scripted_answers(library: Library, token: str, message: str) -> None:
    from cscoach.errors import UsageError

    a = next(a for a in choose(all_questions(library), 100, seed=1)
             if a.question.type is QType.SINGLE and len(a.question.options) == 4)
    with pytest.raises(UsageError, match=message):
        parse_answer(a, token)


def test_points_speed_and_streak(library: Library) -> None:
    asked = [a for a in choose(all_questions(library), 100, seed=1)
             if a.question.type is QType.TRUEFALSE][:3]
    assert len(asked) == 3
    game = Game(["Red", "Blue"], timer=20)
    right = [a.question.correct for a in asked]
    r1 = game.record("Red", asked[0], right[0], 0.0)
    r2 = game.record("Red", asked[1], right[1], 10.0)
    r3 = game.record("Red", asked[2], not right[2], 1.0)
    r4 = game.record("Red", asked[0], None, 20.0)  # the time ran out
    assert (r1.points, r2.points, r3.points, r4.points) == (
        RULES.correct + RULES.speed_bonus,
        RULES.correct + RULES.speed_bonus // 2 + RULES.streak_step, 0, 0)
    assert r2.streak == 2 and r3.streak == 0 and not r4.correct
    game.record("Blue", asked[0], right[0], 20.0)
    assert [(rank, s.team) for rank, s in game.ranking()] == [(1, "Red"), (2, "Blue")]


# -- the command, scripted


def _quiz(cli, *args: str):
    return cli("quiz", "--seed", "4", "--count", "5", *args)


def _right_answers(cli) -> str:
    data = json.loads(_quiz(cli, "--answers", "1,1,1,1,1", "--json").out)
    codes = []
    for q in data["questions"]:
        if q["type"] == "truefalse":
            codes.append("t" if q["right_answer"] == "True" else "f")
        elif q["type"] == "single":
            codes.append(str(q["options"].index(q["right_answer"]) + 1))
        else:
            order = q["right_answer"].split(" → ")
            codes.append("-".join(str(q["options"].index(item) + 1) for item in order))
    return ",".join(codes)


def test_solo_scripted_quiz_all_right(cli) -> None:
    answers = _right_answers(cli)
    r = _quiz(cli, "--answers", answers, "--json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["teams"] == [{"rank": 1, "team": "solo", "points": 5 * 100 + 20 + 40 + 60 + 60,
                              "correct": 5}]
    assert all(row["correct"] for row in data["responses"])
    text = _quiz(cli, "--answers", answers, "--lang", "ko").out
    assert "정답!" in text and "5문제 중 5문제 정답" in text


def test_team_quiz_with_results_files(cli, tmp_path) -> None:
    right = _right_answers(cli)
    wrong = ",".join("f" if c == "t" else "t" if c == "f" else c for c in right.split(","))
    out_csv, out_json = tmp_path / "r.csv", tmp_path / "r.json"
    args = ["--team", "Red", "--team", "Blue", "--answers", f"Red={right}", "--answers",
            f"Blue={wrong}", "--timer", "30"]
    r = _quiz(cli, *args, "--out", str(out_csv))
    assert r.code == 0
    assert "Podium" in r.out and "🥇 Red" in r.out
    rows = list(csv.DictReader(StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 10 and {row["team"] for row in rows} == {"Red", "Blue"}
    assert all(row["correct"] == "true" for row in rows if row["team"] == "Red")
    assert _quiz(cli, *args, "--out", str(out_json)).code == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["finished"] and [t["team"] for t in data["teams"]] == ["Red", "Blue"]
    # scripted answers are instant: the full speed bonus with a timer, plus the streak
    red = [row["points"] for row in data["responses"] if row["team"] == "Red"]
    assert red == [150, 170, 190, 210, 210]
    assert data["teams"][0]["points"] == sum(red)
    blue_right = [row["correct"] for row in data["responses"] if row["team"] == "Blue"]
    assert blue_right == [c not in ("t", "f") for c in right.split(",")]


@pytest.mark.parametrize(("args", "message"), [
    (["--team", "Red", "--team", "red"], "team 'red' is given twice"),
    (["--team", "Red"], "one --team is a solo game"),
    (["--topic", "step"], "unknown topic 'step'; did you mean 'steps'?"),
    (["--answers", "1,2"], "has 2 answer(s) for 5 question(s)"),
    (["--team", "A", "--team", "B", "--answers", "A=1,1,1,1,1"], "no --answers for team(s): B"),
    (["--team", "A", "--team", "B", "--answers", "1,1,1,1,1"], "with teams, write TEAM=answers"),
    (["--answers", "1,1,1,1,1", "--out", "r.txt"], "--out must end in .csv, .xlsx or .json"),
    ([], "no terminal to ask in; give the answers with --answers"),
    (["--timer", "0", "--answers", "1"], "Invalid value for '--timer'"),
])
def test_bad_quiz_usage(cli, args, message) -> None:
    r = _quiz(cli, *args)
    assert r.code == 2
    assert message in r.err
    assert "Traceback" not in r.err


def test_bad_question_bank_is_located(cli, write, tmp_path) -> None:
    bank = write("bank.yaml", """\
        format_version: 1
        kind: quiz
        questions:
          - id: two-right
            topic: facts
            type: single
            source: S002-STAT
            prompt: {ko: 질문, en: Question}
            options:
              - {text: {ko: 가, en: A}, correct: true}
              - {text: {ko: 나, en: B}, correct: true}
            explanation: {ko: 설명, en: Why}
          - id: no-answer
            topic: fact
            type: truefalse
            source: S002-STAT
            prompt: {ko: 질문, en: Question}
            explanation: {ko: 설명, en: Why}
          - id: none-right
            topic: facts
            type: single
            source: S002-STAT
            prompt: {ko: 질문, en: Question}
            options:
              - {text: {ko: 가, en: A}}
              - {text: {ko: 나, en: B}}
            explanation: {ko: 설명, en: Why}
        """)
    r = cli("validate", str(bank))
    assert r.code == 1
    lines = r.out.splitlines()
    assert any(re.search(r"bank.yaml:11:9: error: question 'two-right' has 2 correct options", x)
               for x in lines), lines
    assert any("topic 'fact' is not one of" in x and "did you mean 'facts'" in x for x in lines)
    assert any("question 'no-answer' is a truefalse question but has no 'answer'" in x
               for x in lines)
    assert any("question 'none-right' has no correct option" in x for x in lines)


def test_shipped_bank_passes_strict(cli) -> None:
    assert cli("validate", str(ROOT / "quiz"), "--strict").code == 0


# -- exports


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_gift_export_round_trips_through_an_independent_parser(cli, library: Library,
                                                               lang: str) -> None:
    parser = pytest.importorskip("pygiftparser.parser")
    r = cli("quiz", "export", "--format", "gift", "--lang", lang)
    assert r.code == 0
    parsed = {q.title: q for q in parser.parseFile(StringIO(r.out))}
    questions = all_questions(library)
    assert set(parsed) == {q.id for q in questions}
    for q in questions:
        p = parsed[q.id]
        assert p.valid, q.id
        assert _unescape(p.text) == " ".join(q.prompt(lang).split())
        assert _unescape(p.generalFeedback) == " ".join(q.explanation(lang).split())
        if q.type is QType.TRUEFALSE:
            assert p.answers.answer is q.correct
        elif q.type is QType.SINGLE:
            got = [(_unescape(a.answer), a.fraction, _unescape(a.feedback))
                   for a in p.answers.answers]
            want = [(" ".join(o(lang).split()), 100 if i == q.correct else 0,
                     " ".join(q.explanation(lang).split())) for i, o in enumerate(q.options)]
            assert got == want, q.id
        else:
            pairs = [(_unescape(a.question), a.answer.strip()) for a in p.answers.answers]
            assert pairs == [(" ".join(o(lang).split()), str(i))
                             for i, o in enumerate(q.options, 1)]
    if lang == "ko":
        assert "하지 말아야" in r.out or "대신" in r.out


def test_aiken_and_json_exports(cli, library: Library, tmp_path) -> None:
    r = cli("quiz", "export", "--format", "aiken", "--lang", "ko")
    assert r.code == 0
    blocks = [b for b in r.out.strip().split("\n\n") if b]
    ordering = sum(1 for q in all_questions(library) if q.type is QType.ORDER)
    assert len(blocks) == len(all_questions(library)) - ordering
    assert f"{ordering} ordering question(s) left out" in r.err
    for block in blocks:
        lines = block.splitlines()
        assert re.fullmatch(r"ANSWER: [A-J]", lines[-1])
        assert all(re.match(r"[A-J]\. ", x) for x in lines[1:-1])
    out = tmp_path / "bank.json"
    assert cli("quiz", "export", "--format", "json", "--out", str(out)).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [q["id"] for q in data["questions"]] == [q.id for q in all_questions(library)]
    by_id = {q.id: q for q in all_questions(library)}
    for row in data["questions"]:  # both languages, and the answer, survive
        q = by_id[row["id"]]
        assert row["prompt"] == {"ko": q.prompt.ko, "en": q.prompt.en}
        if q.type is QType.SINGLE:
            assert row["options"][row["correct"]]["en"] == q.options[q.correct].en
        elif q.type is QType.TRUEFALSE:
            assert row["answer"] is q.correct
