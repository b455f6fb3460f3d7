"""Phrase matching survives spacing, endings, case, contractions and curly apostrophes."""

from __future__ import annotations

import pytest

from cscoach.phrases import Matcher, normalise


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
