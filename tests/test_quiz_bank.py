"""The question bank needs the knowledge: blind strategies stay near chance, no stem echoes its
answer, wrong options are of the key's own kind, explanations say why (issue 21, item 1)."""

from __future__ import annotations

import re
import sys

import pytest

from conftest import ROOT
from cscoach.content.library import Library
from cscoach.content.model import QType, Question, Source, Text
from cscoach.errors import ContentError
from cscoach.i18n import particle
from cscoach.quiz.generate import all_questions, content_words, from_sources

sys.path.insert(0, str(ROOT / "benchmarks"))

from quiz_blind import MARGIN, blind_scores  # noqa: E402


def _single(library: Library) -> list[Question]:
    return [q for q in all_questions(library) if q.type is QType.SINGLE]


def test_no_blind_strategy_beats_chance_by_more_than_ten_points(library: Library) -> None:
    scores = blind_scores(library)
    assert {s.lang for s in scores} == {"ko", "en"} and len(scores) >= 20
    over = [f"{s.strategy} ({s.lang}): {s.score:.1f}% vs chance {s.chance:.1f}%"
            for s in scores if s.above > MARGIN]
    assert not over, over


def test_the_blind_benchmark_catches_a_giveaway_bank(library: Library) -> None:
    """The strategies are real: a bank whose key is always the longest option fails them."""
    rigged = []
    for q in _single(library):
        longest = max(range(len(q.options)), key=lambda i: len(q.options[i].en))
        rigged.append(Question(q.id, q.topic, q.type, q.source, q.prompt, q.options, longest,
                               q.explanation))
    worst = max(blind_scores(library, rigged), key=lambda s: s.above)
    assert worst.strategy == "longest" and worst.above > 30


def test_no_stem_echoes_a_word_of_its_answer(library: Library) -> None:
    for q in _single(library):
        assert isinstance(q.correct, int)
        for lang in ("ko", "en"):
            echo = content_words(q.options[q.correct](lang), lang) & content_words(
                q.prompt(lang), lang)
            assert not echo, (q.id, lang, echo)


def test_phrasebook_options_are_all_polite_replies(library: Library) -> None:
    from cscoach.judge.phrases import Matcher

    matcher = Matcher(library.phrasebook)
    for q in all_questions(library):
        if q.topic != "phrasebook":
            continue
        for option in q.options:
            for lang in ("ko", "en"):
                hits = [h.entry_id for h in matcher.match(option(lang)) if h.kind == "dont_say"]
                assert not hits, (q.id, option(lang), hits)


def test_explanations_cite_the_seed_and_answer_the_tempting_option(library: Library) -> None:
    for q in all_questions(library):
        for lang in ("ko", "en"):
            text = q.explanation(lang)
            assert q.source in text, (q.id, lang)
    by_id = {q.id: q for q in all_questions(library)}
    for e in library.phrasebook.entries:
        q = by_id[f"say-instead-{e.id}"]
        assert e.decoys is not None and e.decoys.options[0] in q.options
        assert e.decoys.tempting.ko in q.explanation.ko
    for sid, s in library.sources.items():
        if s.quiz is None:
            continue
        q = by_id[f"advice-{sid.lower()}"]
        tempting = library.sources[s.quiz.tempting]
        assert tempting.advice in q.options, sid
        assert f"({tempting.id})" in q.explanation.en and s.quiz.why.ko in q.explanation.ko


def test_the_explanations_hold_no_claim_the_issue_found_invented(library: Library) -> None:
    text = " ".join(q.explanation(lang) for q in all_questions(library) for lang in ("ko", "en"))
    for invented in ("수천 명", "thousands", "가장 싼 마케팅", "cheapest marketing", "선물",
                     "a gift"):
        assert invented not in text


@pytest.mark.parametrize(("word", "ro", "eun"), [
    ("정식 불만 편지", "로", "는"), ("구두 불만", "으로", "은"),
    ("전화·이메일·문자 불만", "으로", "은"),
    ("서울", "로", "은"), ("'경청하기'", "로", "는"), ("10", "으로", "은"), ("3", "으로", "은"),
    ("2", "로", "는"), ("7", "로", "은")])
def test_the_particle_follows_the_final_consonant(word: str, ro: str, eun: str) -> None:
    assert particle(word, "으로", "로") == ro
    assert particle(word, "은", "는") == eun


def test_korean_stems_read_as_korean(library: Library) -> None:
    for q in all_questions(library):
        assert "(으)" not in q.prompt.ko and "(이)" not in q.prompt.ko, q.id
        latin = re.findall(r"[A-Za-z]{2,}", q.prompt.ko)
        assert set(latin) <= {"PR", "SMS", "ASQC"}, (q.id, latin)
    channels = {q.id: q.prompt.ko for q in all_questions(library) if q.topic == "channels"}
    assert channels["advice-s001-ch1"].startswith("불만이 정식 불만 편지로 들어왔습니다.")
    assert channels["advice-s001-ch2"].startswith("불만이 구두 불만으로 들어왔습니다.")


def test_type_names_are_those_list_and_the_content_map_show(library: Library) -> None:
    shown = {s.persona.type.ko for s in library.all_scenarios()} | {
        s.persona.type.en for s in library.all_scenarios()}
    content_map = (ROOT / "docs" / "content-map.md").read_text(encoding="utf-8")
    for sid in ("S001-T2", "S001-T3"):
        assert library.sources[sid].title.ko in shown, sid
    for sid in ("S001-T1", "S001-T2", "S001-T3", "S001-T4"):
        title = library.sources[sid].title
        assert f"| `{sid}` | {title.en} |" in content_map
        q = next(q for q in all_questions(library) if q.id == f"advice-{sid.lower()}")
        assert f"'{title.ko}'" in q.prompt.ko and f"'{title.en}'" in q.prompt.en


def test_facts_are_numbers_and_ideas_are_not(library: Library) -> None:
    for q in all_questions(library):
        if q.topic == "facts":
            assert re.search(r"\d", q.prompt.en + q.explanation.en), q.id
    topic = {q.id: q.topic for q in all_questions(library)}
    assert topic["touchpoints"] == topic["complaints-hurt"] == topic["first-impression"] == "ideas"


def test_a_tempting_option_outside_the_group_is_refused(library: Library) -> None:
    from dataclasses import replace

    s = library.sources["S001-T1"]
    assert s.quiz is not None
    bad = replace(s, quiz=replace(s.quiz, tempting="S000-P1"))
    sources: dict[str, Source] = {**library.sources, "S001-T1": bad}
    with pytest.raises(ContentError) as err:
        from_sources(sources)
    assert "quiz.tempting 'S000-P1' is not another item of its group" in str(err.value)


def test_an_entry_without_decoys_takes_other_replies(library: Library) -> None:
    from dataclasses import replace

    from cscoach.content.model import Phrasebook
    from cscoach.quiz.generate import from_phrasebook

    book = Phrasebook(tuple(replace(e, decoys=None) for e in library.phrasebook.entries))
    replies = {e.say_instead for e in book.entries}
    for q in from_phrasebook(book):
        assert set(q.options) <= replies and len(q.options) == 4
        assert isinstance(q.explanation, Text) and "instead of" in q.explanation.en
