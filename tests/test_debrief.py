"""The debrief: short enough to read (30 lines at 80 columns), every reason true of the path
played, phrases only from the language played, no ids in Korean, reasons fit to the channel,
and `cscoach review` showing the last drill again."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from cscoach.content.library import Library
from cscoach.content.model import Channel, Lang, Scenario, Text
from cscoach.drill.engine import Transcript, enumerate_paths, play
from cscoach.judge.phrases import Matcher
from cscoach.judge.scoring import Debrief, assess, debrief, top_changes
from cscoach.ui import render

SHIPPED = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "scenarios").glob(
    "*.yaml"))
LANGS: tuple[Lang, ...] = ("ko", "en")
# an id as the content names things: lowercase ASCII words joined by '-' or '_' (dont-care,
# follow_up); Korean text never needs one (source ids such as S002-L2 are upper case)
ID = re.compile(r"(?<![A-Za-z0-9_-])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+(?![A-Za-z0-9_-])")


# The format-1 angry-shopper (the shipped one is format 2): its answers and phrases are fixed
V1 = Path(__file__).resolve().parent / "data" / "angry-shopper-v1.yaml"


def _console(width: int = 80) -> Console:
    return Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)


def _short(d: Debrief, library: Library, lang: Lang, width: int = 80) -> str:
    console = _console(width)
    render.debrief(console, d, library.phrasebook, lang)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _texts(s: Scenario) -> list[Text]:
    texts = [s.title, s.summary, s.persona.name, s.persona.type, s.persona.description]
    for node in s.nodes.values():
        texts += [node.says] + ([node.narration] if node.narration else [])
        for c in node.choices:
            texts += [c.says, c.feedback]
    for e in s.endings.values():
        texts += [e.title, e.says, e.summary]
    return texts


# -- 1. short


def test_the_short_debrief_of_an_8_turn_drill_fits_30_lines_at_80_columns(
        library: Library, matcher: Matcher) -> None:
    """Every 8-turn path of angry-shopper, and every fifth of the other scenarios', in both
    languages; a change that does not fit loses its why, then the changes after it."""
    measured = 0
    for sid in SHIPPED:
        s = library.scenario(sid)
        paths = [p for p in enumerate_paths(s).paths if len(p) == 8]
        for answers in paths if sid == "angry-shopper" else paths[::5]:
            t = play(s, answers)
            for lang in LANGS:
                d = debrief(t, library.steps, matcher, prefer=lang)
                out = _short(d, library, lang)
                lines = out.splitlines()
                assert len(lines) <= render.DEBRIEF_LINES, (sid, answers, lang, out)
                assert all(len(line) <= 80 for line in lines)
                measured += 1
                if d.weak:  # at least the most valuable change always fits
                    assert "1. " in out, (sid, answers, lang, out)
    assert measured > 400


def test_the_short_debrief_ranks_three_changes_by_points_at_stake(
        library: Library, matcher: Matcher) -> None:
    s = library.load_scenario_file(V1)
    d = debrief(play(s, [1, 2, 2, 1, 3, 2, 1, 3]), library.steps, matcher, prefer="en")
    changes = top_changes(d)
    assert [c.weak.turn.number for c in changes] == [8, 5, 3]
    assert [c.at_stake for c in changes] == [26, 21, 5]
    assert all(c.weak.better_index != c.weak.turn.index for c in changes)
    out = _short(d, library, "en")
    for rank, c in enumerate(changes, 1):
        better = c.weak.turn.node.choices[c.weak.better_index]
        assert f"{rank}. Turn {c.weak.turn.number} · up to +{c.at_stake} points" in out
        assert better.says.en.split()[0] in out
    assert "The seven steps" not in out and "Where the points came from" not in out
    assert out.splitlines()[-1].startswith("Every point, the seven steps and every turn")


def test_the_short_debrief_repeats_no_feedback_the_drill_showed(
        library: Library, matcher: Matcher) -> None:
    """Each reply's feedback was shown after it (or in the recap): the short debrief shows only
    the better replies' feedback, which the trainee has not seen."""
    s = library.scenario("angry-shopper")
    for answers in enumerate_paths(s).paths[::15]:
        for lang in LANGS:
            d = debrief(play(s, answers), library.steps, matcher, prefer=lang)
            flat = " ".join(_short(d, library, lang, width=400).split())
            better = {w.turn.node.choices[w.better_index].feedback(lang) for w in d.weak}
            for report in d.turns:
                feedback = report.turn.choice.feedback(lang)
                if feedback not in better:
                    assert feedback not in flat, (answers, lang, feedback)


@dataclass(frozen=True)
class _Lesson:
    id: str
    text: Text
    source: str
    weight: int
    critical: bool


@dataclass(frozen=True)
class _LessonResult:
    lesson: _Lesson
    met: int | None
    broken: int | None


def test_lessons_broken_first_critical_marked_with_their_source(
        library: Library, matcher: Matcher) -> None:
    d = debrief(play(library.load_scenario_file(V1), [1, 2, 1, 2, 1, 3]), library.steps,
                matcher, prefer="en")
    lessons = (
        _LessonResult(_Lesson("greet-well", Text("반갑게 맞이한다", "Welcome her warmly"),
                              "S003-1", 5, False), 1, None),
        _LessonResult(_Lesson("own-it", Text("잘못을 바로 인정한다", "Admit a fault at once"),
                              "S002-L2", 5, False), None, 4),
        _LessonResult(_Lesson("hear-her-out", Text("먼저 끝까지 들어 준다",
                                                   "Hear her out before a fix"),
                              "S002-L1", 10, True), None, 5),
        _LessonResult(_Lesson("check-it", Text("만족했는지 묻는다", "Ask if she is satisfied"),
                              "S000-P4", 5, False), None, None),
    )
    for lang, expect in (("en", ["✗ [critical] Hear her out before a fix — broken at turn 5 "
                                 "(S002-L1)", "✗ Admit a fault at once — broken at turn 4 "
                                 "(S002-L2)", "✓ Welcome her warmly — met at turn 1 (S003-1)",
                                 "○ Ask if she is satisfied — not met (S000-P4)"]),
                         ("ko", ["✗ [필수] 먼저 끝까지 들어 준다 — 5턴에서 어김 (S002-L1)"])):
        console = _console()
        render.debrief(console, dataclasses.replace(d, lessons=lessons),  # type: ignore[arg-type]
                       library.phrasebook, lang)
        lines = [line.strip() for line in console.file.getvalue().splitlines()]  # type: ignore
        at = [lines.index(line) for line in expect]
        assert at == sorted(at) and len(lines) <= render.DEBRIEF_LINES
    # a debrief without lessons (format-1 scenarios) shows no lessons heading
    assert "Lessons" not in _short(d, library, "en")


# -- 2. the language played


def test_a_korean_drill_credits_no_english_marker_and_the_other_way_round(
        library: Library, matcher: Matcher) -> None:
    for sid in SHIPPED:
        s = library.scenario(sid)
        for answers in enumerate_paths(s).paths[::7]:
            t = play(s, answers)
            for lang in LANGS:
                for report in assess(t, library.steps, matcher, prefer=lang)[2]:
                    text = report.turn.choice.says(lang)
                    for hit in report.hits:
                        assert (hit.entry_id, hit.kind, hit.phrase) in {
                            (h.entry_id, h.kind, h.phrase) for h in matcher.match(text)}
                        if lang == "ko":
                            assert not re.search(r"[A-Za-z]{3}", hit.phrase), hit


# -- 3. names, not ids


def test_no_id_in_any_korean_text_or_reason(library: Library, matcher: Matcher) -> None:
    """Every shipped scenario's Korean text, the phrasebook's Korean, and every Korean reason
    `assess` prints on every path; English feedback names no phrasebook entry either."""
    entry_ids = {e.id for e in library.phrasebook.entries}
    # "(excuses, S002-L2)": an entry named in brackets, the way the feedback once cited them
    alternatives = "|".join(map(re.escape, sorted(entry_ids)))
    in_parens = re.compile(r"\((?:[^()]*\W)?(?:" + alternatives + r")(?:\W[^()]*)?\)")
    for e in library.phrasebook.entries:
        for text in (e.why, e.say_instead, *e.why_by_channel.values()):
            assert not ID.search(text.ko), (e.id, text.ko)
    for sid in SHIPPED:
        s = library.scenario(sid)
        for text in _texts(s):
            assert not ID.search(text.ko), (sid, text.ko)
            named = {m for m in ID.findall(text.en) if m in entry_ids}
            assert not named, (sid, text.en)
            assert not in_parens.search(text.en), (sid, text.en)
        for answers in enumerate_paths(s).paths:
            for lang in LANGS:
                items = assess(play(s, answers), library.steps, matcher, prefer=lang)[0]
                for item in items:
                    assert not ID.search(item.reason.ko), (sid, answers, item.reason.ko)
                    assert not any(f"({i})" in item.reason.en for i in entry_ids)


def test_a_good_phrase_is_not_named_by_the_bad_entry(library: Library,
                                                     matcher: Matcher) -> None:
    d = debrief(play(library.load_scenario_file(V1), [1, 2, 1, 2, 1, 3]), library.steps,
                matcher, prefer="ko")
    credit = [i for i in d.items if i.category == "language" and i.points > 0 and i.turn]
    assert [i.reason.ko for i in credit] == ["권장 표현 '확인해 드리겠습니다' 사용"]
    assert all("dont-know" not in i.reason.en for i in credit)


# -- 4. the channel's reason


def test_an_over_promise_in_a_shop_is_not_about_press_coverage(
        library: Library, matcher: Matcher, cli) -> None:
    entry = library.phrasebook.get("over-promise")
    assert "coverage" in entry.why.en  # the general reason is PR's
    for channel in (Channel.IN_PERSON, Channel.PHONE, Channel.EMAIL, Channel.LETTER):
        why = entry.why_in(channel)
        assert "coverage" not in why.en and "보도" not in why.ko and "언론" not in why.ko
    assert entry.why_in(Channel.ONLINE) == entry.why_in(None) == entry.why
    # angry-shopper, turn 5: "Don't worry! The new one is 100% sure to work. I guarantee it"
    for lang in LANGS:
        for extra in ([], ["--details"], ["--feedback", "end"], ["--json"]):
            r = cli("play", str(V1), "--answers", "1,2,2,1,3,2,1,3", "--lang", lang,
                    "--no-record", *extra)
            assert r.code == 0, r.err
            flat = " ".join(re.sub(r"[│┃║]", " ", r.out).split())  # wrapped inside panels
            assert entry.why_in(Channel.IN_PERSON)(lang) in flat
            assert entry.why(lang) not in r.out
            assert ("보도" if lang == "ko" else "coverage") not in r.out


# -- 5. every reason true of the path played

STEP_DONE = re.compile(r"^step (\d) '.+' performed \(turn (\d+)\)$")
STEP_MISSED = re.compile(r"^step (\d) '.+' never performed")
PHRASE = re.compile(r"^\"(don't say|say instead)\"(?: phrasing)? '(.+)'$")


def _check_reasons(t: Transcript, d_items: list[Any], reports: Any, turn_reports: Any,
                   matcher: Matcher, lang: Lang, order: dict[int, str]) -> None:
    turns = t.turns
    first: dict[str, int] = {}
    for turn in turns:
        for sid in turn.choice.steps:
            first.setdefault(sid, turn.number)
    resolve = first.get("resolve")
    for item in d_items:
        en, ko = item.reason.en, item.reason.ko
        where = (t.scenario.id, t.answers, lang, en)
        if m := STEP_DONE.match(en):
            sid, n = order[int(m[1])], int(m[2])
            assert sid in turns[n - 1].choice.steps and first[sid] == n == item.turn, where
            assert f"{n}번째 응답" in ko
        elif STEP_MISSED.match(en):
            assert order[int(STEP_MISSED.match(en)[1])] not in first, where  # type: ignore
        elif en == "offered a fix before listening":
            assert resolve is not None and first.get("listen", 10**6) > resolve, where
        elif en == "offered a fix before asking what happened":
            assert resolve is not None and first.get("ask", 10**6) > resolve, where
        elif en == "never checked that the customer was satisfied after the fix":
            assert resolve is not None, where
            assert not any("check" in x.choice.steps for x in turns[resolve - 1:]), where
        elif en.startswith("never offered a fix"):
            assert resolve is None, where
        elif m := PHRASE.match(en):
            kind = "dont_say" if m[1] == "don't say" else "say_instead"
            assert item.turn is not None, where
            text = turns[item.turn - 1].choice.says(lang)
            assert (kind, m[2]) in {(h.kind, h.phrase) for h in matcher.match(text)}, where
            assert f"'{m[2]}'" in ko
        elif en.startswith("ending: "):
            assert t.ending.title.en in en and t.ending.title.ko in ko, where
        elif en.startswith("customer's final mood"):
            assert en.endswith(f"{t.final_mood:+d}"), where
        # format 2 (lessons, act_at_once), read defensively: a format-1 scenario has none
        elif en.startswith(("lesson broken: ", "lesson met: ")):
            kind = "breaks" if en.startswith("lesson broken") else "meet"
            assert item.turn is not None, where
            said = turns[item.turn - 1]
            ids = getattr(said.authored if said.typed else said.choice, kind, ())
            lessons = {x.id: x for x in getattr(t.scenario, "lessons", ())}
            assert any(lessons[i].text.en in en and lessons[i].source in en for i in ids), where
        elif en.startswith("a critical lesson was broken"):
            critical = {x.id for x in getattr(t.scenario, "lessons", ()) if x.critical}
            assert any(set(getattr(x.choice, "breaks", ())) & critical for x in turns), where
        elif " not needed: " in en:
            rule = getattr(t.scenario, "act_at_once", None)
            assert rule is not None and resolve is not None and item.turn == resolve, where
        else:
            assert en in ("sequence: starting allowance", "language: starting allowance"), where
    for r in reports:
        done = tuple(x.number for x in turns if r.step.id in x.choice.steps)
        assert r.turns == done
        for b in r.before:  # "out of order: before B": B is earlier and came only later
            assert b.order < r.step.order and first[b.id] > first[r.step.id]
        assert r.in_order == (bool(done) and not r.before)
        assert not any(o.order < r.step.order and o.id in first and done
                       and first[o.id] > done[0] for o in (x.step for x in reports)
                       if o not in r.before)


def test_every_reason_is_true_of_every_path(library: Library, matcher: Matcher) -> None:
    """Every path of every shipped scenario, in both languages: each printed reason checked
    against the transcript."""
    order = {s.order: s.id for s in library.steps.steps}
    walked = 0
    for sid in SHIPPED:
        s = library.scenario(sid)
        for answers in enumerate_paths(s).paths:
            t = play(s, answers)
            for lang in LANGS:
                items, reports, turn_reports = assess(t, library.steps, matcher, prefer=lang)
                _check_reasons(t, items, reports, turn_reports, matcher, lang, order)
                walked += 1
    assert walked > 5000


def test_no_fix_is_not_an_unchecked_fix(library: Library, matcher: Matcher) -> None:
    s = library.scenario("angry-shopper")
    no_fix = next(a for a in enumerate_paths(s).paths
                  if not any("resolve" in x.choice.steps for x in play(s, a).turns))
    d = debrief(play(s, no_fix), library.steps, matcher)
    reasons = [i for i in d.items if i.category == "order" and i.points < 0]
    assert [i.reason.en for i in reasons][-1] == "never offered a fix, so there was no fix " \
        "to check on"
    assert not any("after the fix" in i.reason.en for i in d.items)
    assert d.subtotal("order") <= 15 - 5  # the same points as documented


# -- review


def test_review_with_no_history_is_one_line_and_exit_1(cli) -> None:
    r = cli("review")
    assert r.code == 1 and r.out == ""
    assert len(r.err.splitlines()) == 1 and "no finished drill to review" in r.err


@pytest.mark.parametrize("lang", LANGS)
def test_review_shows_the_last_drill_again(cli, lang: str) -> None:
    assert cli("play", "busy-counter", "--answers", "3,3,1,2,3,2,2,2", "--lang", "en").code == 0
    assert cli("play", "angry-shopper", "--answers", "1,1,1,2,1,1,2,3", "--lang", lang).code == 0
    played = json.loads(cli("play", "angry-shopper", "--answers", "1,1,1,2,1,1,2,3", "--lang",
                            lang, "--json", "--no-record").out)
    r = cli("review")
    assert r.code == 0, r.err
    title = "사흘 만에 고장 난 믹서기" if lang == "ko" else "The blender that died"
    assert title in r.out.splitlines()[0]
    assert ("가장 먼저 바꿀 것" if lang == "ko" else "What to change first") in r.out
    assert ("7단계 점검" if lang == "ko" else "The seven steps") not in r.out
    assert f"{played['score']}/100" in r.out
    r = cli("review", "--details")
    assert r.code == 0, r.err
    assert ("7단계 점검" if lang == "ko" else "The seven steps") in r.out
    for turn in played["path"]:  # every turn as played, with its feedback
        assert " ".join(turn["feedback"].split()[:3]) in " ".join(r.out.split())
    data = json.loads(cli("review", "--json").out)
    assert (data["score"], data["answers"], data["recorded_score"]) == (
        played["score"], played["answers"], played["score"])
    assert data["lang"] == lang and data["changes"] == played["changes"]


def test_review_replays_typed_words_as_typed(cli, library: Library) -> None:
    """A free drill's typed reply comes back as the trainee's words and recorded steps."""
    from cscoach.history.review import replay

    s = library.scenario("angry-shopper")
    t = play(s, [1, 2, 1, 2, 1, 3])
    record = {"choices": [
        {"turn": x.number, "node": x.node.id, "choice": x.index + 1,
         "typed": "Sorry, you are right to be upset." if x.number == 2 else None,
         "steps": ["listen", "empathize"] if x.number == 2 else list(x.choice.steps)}
        for x in t.turns]}
    again = replay(record, s)
    assert again.answers == t.answers and again.ending == t.ending
    assert again.turns[1].typed and again.turns[1].choice.says.en == \
        "Sorry, you are right to be upset."
    assert again.turns[1].choice.steps == ("listen", "empathize")
    from cscoach.drill.engine import AnswerError

    record["choices"][3]["node"] = "somewhere-else"
    with pytest.raises(AnswerError, match="has changed since"):
        replay(record, s)
