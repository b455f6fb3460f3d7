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


# Where a sentence turns to a new clause: a comma or semicolon, or a word that starts one ("but",
# "and you can forget...", 근데, 하지만); and Korean connective endings that close one (-는데,
# -지만, -니까, -고 followed by a space). "I don't know when, but surely today it comes" holds two
# faults, the second a clause of its own.
CLAUSE_BREAK = re.compile(r"[,;:，、~ㅠㅜ]+\s+|\s+(?=(?:but|however|and|so|or|because|though|"
                          r"although|otherwise|then)\b)|\s+(?=(?:근데|그런데|하지만|그리고|"
                          r"그러니까|그래서|아니면|그럼)\s)|(?<=[는은던]데|지만|니까|니깐|거든)\s+|"
                          r"(?<=[가-힣]고)\s+", re.IGNORECASE)
MIN_CLAUSE = 8  # characters: a shorter piece ("Sorry,", "네,") stays with the next


def clauses(text: str) -> list[tuple[int, int]]:
    """Where each clause of `text` starts and ends: its sentences, each cut at its clause
    breaks (`CLAUSE_BREAK`), pieces shorter than MIN_CLAUSE joined to the next."""
    spans = []
    for a, b in sentences(text):
        start = a
        cuts = [(a + m.start(), a + m.end()) for m in CLAUSE_BREAK.finditer(text[a:b])]
        for end, nxt in cuts:
            if end - start >= MIN_CLAUSE and b - nxt >= MIN_CLAUSE:
                spans.append((start, end))
                start = nxt
        spans.append((start, b))
    return spans


# What a reply negates or sets aside, for the second look (`cscoach.judge.meaning.Reranker`):
# "It's not a small thing", "I won't tell you to shop elsewhere", "별거 아니라고 생각 안 해요",
# "It's not my department, but I'll take it": the words are those of a fault, what is said is not.
_NEGATORS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor",
                       "cannot", "without", "hardly", "far", "rather", "instead"})
_SCOPE_ENDS = frozenset({"but", "however", "though", "although", "and", "so", "because", "just"})
_KO_NEGATOR = re.compile(r"(?:아니|않|안|없|못|절대|전혀)")
_CONTRAST = re.compile(r"\b(?:but|however|though|although|instead)\b|하지만|그렇지만|그래도|대신|"
                       r"그런데|근데|지만|는데")
NEGATION_SCOPE = 4  # English words a negator reaches, up to a clause break


def _stem(word: str) -> str:
    """A Korean word's first two syllables without their final consonants: 장담해요, 장담합니다
    and 장담할게요 share 자다; 아니라고 and 아니에요 share 아니."""
    return "".join(chr(ord(c) - (ord(c) - 0xAC00) % 28) if "\uac00" <= c <= "\ud7a3" else c
                   for c in word[:2])


def scope_features(text: str) -> list[str]:
    """Negation and contrast: English words within reach of a negator (`n` + word), the Korean
    words just before a negating word (`N` + stem, Korean negates after), and the words before
    the last contrast marker (`p` + word: "X, but Y" says Y)."""
    out: list[str] = []
    for a, b in sentences(text):
        words = _fast_spaced(text[a:b]).split()
        reach = 0
        for i, w in enumerate(words):
            if _HANGUL_RUN.fullmatch(w):
                if i and _KO_NEGATOR.match(w):
                    out.extend("N" + _stem(v) for v in words[max(0, i - 2):i]
                               if _HANGUL_RUN.fullmatch(v))
                continue
            if w in _SCOPE_ENDS:
                reach = 0
            elif reach:
                out.append("n" + w)
                reach -= 1
            if w in _NEGATORS or w.endswith("nt"):
                reach = NEGATION_SCOPE
    marks = list(_CONTRAST.finditer(text))
    if marks:
        last = marks[-1]
        head = _fast_spaced(text[:last.start()]).split()
        out.extend("p" + (_stem(w) if _HANGUL_RUN.fullmatch(w) else w) for w in head)
        out.append("contrast")
    return out
