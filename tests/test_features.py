"""How a reply is cut for the judge: sentences, and the clauses of a sentence."""

from __future__ import annotations

import pytest

from cscoach.judge.features import clauses


def _pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in clauses(text)]


@pytest.mark.parametrize(("text", "pieces"), [
    ("I'm not the one who broke it, and you should have read the manual.",
     ["I'm not the one who broke it", "and you should have read the manual."]),
    ("제 담당이 아니고요, 솔직히 별거 아니잖아요.",
     ["제 담당이 아니고요", "솔직히 별거 아니잖아요."]),
    ("바쁜데 왜 자꾸 전화하세요? 그건 제 일이 아니에요.",
     ["바쁜데 왜 자꾸 전화하세요?", "그건 제 일이 아니에요."]),
    ("지금 확인했는데 그 색은 재고가 없어요", ["지금 확인했는데", "그 색은 재고가 없어요"]),
    ("It broke but I can fix it today", ["It broke", "but I can fix it today"]),
])
def test_a_sentence_is_cut_at_its_clauses(text: str, pieces: list[str]) -> None:
    assert _pieces(text) == pieces


@pytest.mark.parametrize("text", ["Sorry, I will fix it.", "네, 알겠습니다.", "", "   "])
def test_a_short_piece_stays_with_its_neighbour(text: str) -> None:
    """"Sorry," and "네," are too short to be read alone (features.MIN_CLAUSE)."""
    assert len(clauses(text)) <= 1


def test_clauses_cover_the_text_in_order() -> None:
    text = ("Look, I get it, but that's not how this works, so please calm down. "
            "그건 안 돼요, 죄송하지만.")
    spans = clauses(text)
    assert spans == sorted(spans)
    assert all(a < b for a, b in spans)
    assert all(b0 <= a1 for (_, b0), (a1, _) in zip(spans, spans[1:], strict=False))
