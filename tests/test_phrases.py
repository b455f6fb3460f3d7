"""Phrase matching survives spacing, endings, case, contractions and curly apostrophes."""

from __future__ import annotations

import pytest

from cscoach.judge.phrases import Matcher, normalise


def ids(matcher: Matcher, text: str, kind: str = "dont_say") -> set[str]:
    return {h.entry_id for h in matcher.match(text) if h.kind == kind}


@pytest.mark.parametrize("text", [
    "모르겠어요", "잘 모르겠네요…", "그건 저도 모르 겠습니다", "몰라요!", "I don't know.",
    "i DO NOT know", "I dont know", "I don’t know, sorry", "Honestly? No idea.",
])
def test_dont_know_variants(matcher: Matcher, text: str) -> None:
    assert "dont-know" in ids(matcher, text)


@pytest.mark.parametrize(("text", "entry"), [
    ("상관없어요", "dont-care"), ("I couldn't care less", "dont-care"),
    ("지금 바빠요", "cant-be-bothered"), ("I'm busy.", "cant-be-bothered"),
    ("당신 같은 사람은 안 받아요", "dislike-you"), ("We don't serve your kind", "dislike-you"),
    ("고객님은 아무것도 모르시네요", "know-it-all"), ("You know nothing", "know-it-all"),
    ("다시는 오지 마세요", "dont-come-back"), ("Take your business elsewhere", "dont-come-back"),
    ("제가 맞고 고객님이 틀렸어요", "im-right"), ("You're wrong.", "im-right"),
    ("빨리 하세요", "hurry-wait"), ("Hurry up!", "hurry-wait"),
    ("규정이 그래서 어쩔 수 없어요", "excuses"), ("That's not my department", "not-my-job"),
    ("1면은 무조건 나옵니다", "over-promise"), ("Suit yourself.", "suit-yourself"),
])
def test_each_kind_of_dont_say(matcher: Matcher, text: str, entry: str) -> None:
    assert entry in ids(matcher, text)


@pytest.mark.parametrize("text", [
    "I'm right here to help you.",  # not "I'm right"
    "PR can't guarantee coverage.",  # not "I guarantee"
    "언론 홍보는 보도를 보장할 수 없습니다.",  # not "보도를 보장"
    "I'll come back later with the result.",  # not "come back later"
    "Could you wait two minutes?",  # the say-instead of hurry-wait
    "어떻게 도와드릴까요?",
])
def test_look_alikes_do_not_fire(matcher: Matcher, text: str) -> None:
    assert ids(matcher, text) == set()


# Several natural phrasings of every S001-SAY row, polite and casual Korean endings and English
# contractions (issue 6), plus the formal endings a stem written with 아니 does not reach.
@pytest.mark.parametrize(("text", "entry"), [
    ("그건 저도 모르는데요", "dont-know"), ("알 길이 없어요", "dont-know"),
    ("I haven't a clue.", "dont-know"), ("Your guess is as good as mine", "dont-know"),
    ("그건 상관 안 해요", "dont-care"), ("관심 없습니다", "dont-care"),
    ("That doesn't matter to me", "dont-care"), ("Not my concern.", "dont-care"),
    ("지금 바쁩니다", "cant-be-bothered"), ("이따가 오세요", "cant-be-bothered"),
    ("Can't you see I'm busy?", "cant-be-bothered"),
    ("그쪽 같은 분은 곤란해요", "dislike-you"), ("I can't stand customers like you", "dislike-you"),
    ("제가 더 잘 압니다", "know-it-all"), ("그것도 모르세요?", "know-it-all"),
    ("I know better than you", "know-it-all"),
    ("두 번 다시 오지 마", "dont-come-back"), ("다른 데서 사세요", "dont-come-back"),
    ("Don't bother coming back", "dont-come-back"),
    ("제 말이 맞습니다", "im-right"), ("고객님이 잘못 알고 계십니다", "im-right"),
    ("You're mistaken", "im-right"),
    ("빨리 좀 하세요", "hurry-wait"), ("기다리셔야 합니다", "hurry-wait"),
    ("Make it quick.", "hurry-wait"),
    ("그건 제 담당이 아닙니다", "not-my-job"), ("저희 잘못이 아닙니다", "excuses"),
    ("어쩔 수 없죠", "excuses"), ("There was nothing we could do", "excuses"),
    ("그 정도 가지고 너무 예민하시네요", "minimising"), ("It's no big deal", "minimising"),
    ("계속 이러시면 고소하겠습니다", "threatening"), ("We'll take legal action", "threatening"),
])
def test_natural_variants_of_each_row(matcher: Matcher, text: str, entry: str) -> None:
    assert entry in ids(matcher, text)


@pytest.mark.parametrize("text", [
    "인원이 적어도 상관없이 수업을 엽니다.",  # 상관없이 is not 상관없어요
    "큰 문제가 아니길 바랍니다.",  # not minimising
    "We are taking no legal action.",  # not threatening
    "I hope it's no big deal for you.",  # not minimising
])
def test_more_look_alikes_do_not_fire(matcher: Matcher, text: str) -> None:
    assert ids(matcher, text) == set()


def test_say_instead_markers_earn_credit(matcher: Matcher) -> None:
    assert "dont-know" in ids(matcher, "1분만 기다려 주시겠어요? 최선을 다해 알아보겠습니다.",
                              "say_instead")
    assert "dont-care" in ids(matcher, "Sorry to keep you waiting — how can I help?",
                              "say_instead")


def test_hit_positions_point_into_the_original_text(matcher: Matcher) -> None:
    text = "네, 그건 잘 모르 겠습니다."
    (hit,) = [h for h in matcher.match(text) if h.entry_id == "dont-know"]
    assert text[hit.start:hit.end] == hit.phrase == "모르 겠습니다"


def test_normalise() -> None:
    assert normalise("I CAN'T — won’t!") == "i cannot will not"


def test_fast_normalisation_equals_the_mapped_one(library) -> None:
    """Searching uses a normalisation without a position map; placing a hit uses the mapped one.
    They must produce the same characters, or positions would point at the wrong text."""
    from cscoach.judge.phrases import _fast_spaced, _spaced

    texts = [c.says.ko for s in library.all_scenarios() for n in s.nodes.values()
             for c in n.choices]
    texts += [c.says.en for s in library.all_scenarios() for n in s.nodes.values()
              for c in n.choices]
    texts += ["I CAN'T — won’t!", "ﬁne ＡＢＣ ①", "Let's go; it's fine", "a\u0301 Å", "ㄱㅏ 한 글",
              "wasnt  dont\tcant", "", "'''", "x_y"]
    for text in texts:
        assert _fast_spaced(text) == _spaced(text).chars, text


def test_every_occurrence_is_found_with_its_place(matcher: Matcher) -> None:
    text = "모르겠어요. 정말 모르겠습니다.\nI don't know. Honestly, I DONT know."
    hits = [h for h in matcher.find_all(text) if h.entry_id == "dont-know"]
    assert [text[h.start:h.end] for h in hits] == ["모르겠어요", "모르겠습니다", "I don't know",
                                                   "I DONT know"]
    assert all(text[h.start:h.end] == h.phrase for h in hits)


def _find_all_by_pairs(matcher: Matcher, text: str) -> list:
    """The former quadratic find_all (every hit against every kept hit): the reference."""
    found = matcher.index.find(text)
    excluded: dict[str, list[tuple[int, int]]] = {}
    for f in found:
        if f.kind == "not_when":
            excluded.setdefault(f.key, []).append((f.start, f.end))
    hits: list = []
    for f in found:
        if f.kind == "not_when":
            continue
        kind = "dont_say" if f.kind == "dont_say" else "say_instead"
        if kind == "dont_say" and any(s < f.end and f.start < e
                                      for s, e in excluded.get(f.key, [])):
            continue
        if any(key == f.key and k == kind and start < f.end and f.start < end
               for key, k, start, end in hits):
            continue
        hits.append((f.key, kind, f.start, f.end))
    return hits


def test_linear_find_all_finds_what_pairwise_comparison_found(matcher: Matcher) -> None:
    """find_all is linear in the hits (a 1 MB reply took minutes when every hit was compared
    with every kept one; benchmarks/matching_speed.py): the same hits on texts dense with
    overlapping phrasings and look-alikes, in both languages."""
    import random

    pieces = ["I don't know", "I don't know who", "calm down", "just calm down", "not my job",
              "let me finish", "let me finish checking", "I'm right here", "모르겠어요",
              "진정하세요", "제 담당이 아니에요", "잘못이 전혀 아니에요", "고객님 잘못", "no idea",
              "I'll check", "확인해 드리겠습니다", " ", ", ", ". "]
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        got = [(h.entry_id, h.kind, h.start, h.end) for h in matcher.find_all(text)]
        assert got == _find_all_by_pairs(matcher, text), text


def test_words_of_degree_are_skipped_in_typed_text(typed_matcher: Matcher,
                                                   matcher: Matcher) -> None:
    """One extra word of degree leaves a phrasing as it is ("completely unreasonable" is
    "unreasonable", issue 19), in what people type; the hit spans the words as typed, the extra
    word included. Authored text is matched as written."""
    text = "Look, you're being completely unreasonable about this."
    (hit,) = [h for h in typed_matcher.match(text) if h.entry_id == "arguing"]
    assert hit.phrase == text[hit.start:hit.end] == "you're being completely unreasonable"
    assert "not-my-job" in ids(typed_matcher, "That is totally not my job.")
    assert "dont-know" in ids(typed_matcher, "Honestly, I have no idea.")
    assert "arguing" not in ids(matcher, text)
    # a phrasing that holds one keeps it: "I completely understand" earns the credit, a bare
    # "I understand" (often before a refusal) does not
    assert "arguing" in ids(typed_matcher, "I completely understand, and I'll fix it.",
                            "say_instead")
    assert "arguing" not in ids(typed_matcher, "I understand, but that's the rule.", "say_instead")
    assert "dont-care" in ids(typed_matcher, "I don't really care.")
