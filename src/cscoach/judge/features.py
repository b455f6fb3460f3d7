"""The features the meaning judge reads a sentence by: words, word pairs and letter n-grams, the
same at training and at run time. Pure Python, no scikit-learn."""

from __future__ import annotations

import re

from cscoach.judge.phrases import HANGUL_LETTERS, _fast_spaced

_HANGUL_RUN = re.compile(f"[{HANGUL_LETTERS}]+")
_LATIN_RUN = re.compile(r"[^\W\d_]+|\d+")
# A sentence ends at . ! ? (and the ideographic ones) or a line break; Korean often ends one
# with an ending and no mark, which the n-grams see anyway.
SENTENCE = re.compile(r"[^.!?？。\n]+[.!?？。]*")


def features(text: str) -> list[str]:
    """The features of one text (a sentence or a whole reply), repeated as often as they occur.

    Korean: every syllable 1-3-gram with the spaces taken out (Korean spacing varies freely)
    and each word (eojeol) whole. Other text: words and word pairs after contractions are
    spelt out, and letter 2-5-grams of each word padded with spaces (scikit-learn's char_wb).
    A question mark is a feature of its own (a question is often the step "ask")."""
    spaced = _fast_spaced(text)
    out: list[str] = []
    compact = "".join(_HANGUL_RUN.findall(spaced.replace(" ", "")))
    if compact:
        n = len(compact)
        padded = f"<{compact}>"
        for size in (1, 2, 3):
            out.extend("k" + padded[i:i + size] for i in range(n + 3 - size))
        out.extend("K" + w for w in spaced.split() if _HANGUL_RUN.fullmatch(w))
    latin = _HANGUL_RUN.sub(" ", spaced).split()
    words = [w for w in latin if _LATIN_RUN.fullmatch(w)]
    prev = "<"
    for w in words:
        out.append("w" + w)
        out.append("b" + prev + " " + w)
        prev = w
        padded = f" {w} "
        n = len(padded)
        for size in (2, 3, 4, 5):
            if size > n:
                break
            out.extend("c" + padded[i:i + size] for i in range(n + 1 - size))
    if words:
        out.append("b" + prev + " >")
    if "?" in text or "？" in text:
        out.append("?")
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `text` starts and ends (spaces around it left out)."""
    spans = []
    for m in SENTENCE.finditer(text):
        chunk = m.group()
        stripped = chunk.strip()
        if stripped:
            start = m.start() + chunk.index(stripped[0])
            spans.append((start, start + len(stripped)))
    return spans
