"""Finds phrasebook phrasings in what a trainee says, however it is spaced, cased or contracted."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from cscoach.model import Lang, Phrasebook

HitKind = Literal["dont_say", "say_instead"]

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
# Contractions and their long forms are made the same, so one phrasing matches both.
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b|\bcan not\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"\bain't\b"), "is not"),
    # the same without the apostrophe, as people type in a hurry
    (re.compile(r"\bcant\b"), "cannot"),
    (re.compile(r"\bwont\b"), "will not"),
    (re.compile(r"\b(do|does|did|is|are|was|were|could|would|should|have|has|had)nt\b"),
     r"\1 not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\b(it|that|there|what|here|who|he|she)'s\b"), r"\1 is"),
]
_NOT_WORD = re.compile(r"[^\w']+|_+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One phrasebook phrasing found in a text; `start`/`end` index the original text."""

    entry_id: str
    kind: HitKind
    phrase: str
    start: int
    end: int


class _Mapped:
    """A normalised string that remembers, for each character, where it came from."""

    __slots__ = ("chars", "origin")

    def __init__(self, chars: str, origin: list[int]) -> None:
        self.chars = chars
        self.origin = origin

    @classmethod
    def of(cls, text: str) -> _Mapped:
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text.translate(_APOSTROPHES)):
            norm = _fold(ch)
            out.append(norm)
            origin.extend([i] * len(norm))
        return cls("".join(out), origin)

    def sub(self, pattern: re.Pattern[str], repl: str) -> _Mapped:
        chars: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in pattern.finditer(self.chars):
            chars.append(self.chars[pos:m.start()])
            origin.extend(self.origin[pos:m.start()])
            new = m.expand(repl)
            chars.append(new)
            src = self.origin[m.start()] if m.start() < len(self.origin) else len(self.origin)
            origin.extend([src] * len(new))
            pos = m.end()
        chars.append(self.chars[pos:])
        origin.extend(self.origin[pos:])
        return _Mapped("".join(chars), origin)

    def start_of(self, i: int) -> int:
        return self.origin[i]

    def end_of(self, j: int) -> int:
        """The original end index for a match ending at normalised index j (exclusive)."""
        return self.origin[j - 1] + 1


@functools.lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def _fast_spaced(text: str) -> str:
    """`_spaced(text).chars` without the position map (most texts have no hit to place)."""
    chars = "".join(map(_fold, text.translate(_APOSTROPHES)))
    for pattern, repl in _CONTRACTIONS:
        chars = pattern.sub(repl, chars)
    return _NOT_WORD.sub(" ", chars).replace("'", "")


def _spaced(text: str) -> _Mapped:
    """Lower case, one apostrophe, long forms of contractions, words separated by one space."""
    m = _Mapped.of(text)
    for pattern, repl in _CONTRACTIONS:
        m = m.sub(pattern, repl)
    m = m.sub(_NOT_WORD, " ")
    return m.sub(re.compile("'"), "")


def _compact(spaced: _Mapped) -> _Mapped:
    """Korean spacing varies freely, so Korean phrasings are matched with no spaces at all."""
    return spaced.sub(re.compile(" +"), "")


def normalise(text: str) -> str:
    """The form phrasings are compared in (for tests and docs)."""
    return _spaced(text).chars.strip()


@dataclass(frozen=True, slots=True)
class Found:
    """One occurrence of an indexed phrasing; `start`/`end` index the original text."""

    key: str
    kind: str
    phrase: str
    start: int
    end: int


class PhraseIndex:
    """Every occurrence of many phrasings in one pass (Aho-Corasick), however the text is spaced,
    cased or contracted. Korean phrasings match with spaces removed; others on word edges."""

    def __init__(self) -> None:
        self._compact: ahocorasick.Automaton = ahocorasick.Automaton()
        self._spaced: ahocorasick.Automaton = ahocorasick.Automaton()
        self._ready = False

    def add(self, key: str, kind: str, phrase: str) -> None:
        spaced = _fast_spaced(phrase).strip()
        spaced = " ".join(spaced.split())
        if not spaced:
            return
        compact = bool(_HANGUL.search(phrase))
        needle = spaced.replace(" ", "") if compact else spaced
        automaton = self._compact if compact else self._spaced
        entries = automaton.get(needle, ())
        automaton.add_word(needle, (*entries, (key, kind, phrase, len(needle))))

    def _finish(self) -> None:
        for automaton in (self._compact, self._spaced):
            if len(automaton):
                automaton.make_automaton()
        self._ready = True

    def find(self, text: str) -> list[Found]:
        if not self._ready:
            self._finish()
        spaced_chars = _fast_spaced(text)
        compact_chars = spaced_chars.replace(" ", "")
        raw: list[tuple[bool, int, int, tuple[str, str, str, int]]] = []
        if len(self._compact):
            for end, entries in self._compact.iter(compact_chars):
                for e in entries:
                    raw.append((True, end + 1 - e[3], end + 1, e))
        if len(self._spaced):
            padded = f" {spaced_chars} "
            for end, entries in self._spaced.iter(spaced_chars):
                for e in entries:
                    s0 = end + 1 - e[3]
                    if _word(padded[s0]) or _word(padded[end + 2]):
                        continue  # inside a longer word
                    raw.append((False, s0, end + 1, e))
        if not raw:
            return []
        mapped = _spaced(text)  # the slow path, only to place what was found
        squeezed = _compact(mapped)
        out = []
        for is_compact, s0, e0, (key, kind, _phrase, _n) in raw:
            target = squeezed if is_compact else mapped
            start, end = target.start_of(s0), target.end_of(e0)
            out.append(Found(key, kind, text[start:end], start, end))
        out.sort(key=lambda f: (f.start, -f.end, f.key))
        return out


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """Matches every phrasing of a phrasebook against a text."""

    def __init__(self, phrasebook: Phrasebook) -> None:
        self.phrasebook = phrasebook
        self.index = PhraseIndex()
        for entry in phrasebook.entries:
            groups: list[tuple[HitKind | Literal["not_when"], dict[Lang, tuple[str, ...]]]] = [
                ("dont_say", entry.dont_say),
                ("say_instead", entry.say_instead_markers),
                ("not_when", entry.not_when),
            ]
            for kind, by_lang in groups:
                for phrases in by_lang.values():
                    for phrase in phrases:
                        self.index.add(entry.id, kind, phrase)
        self._cache: dict[str, tuple[Hit, ...]] = {}

    def find_all(self, text: str) -> list[Hit]:
        """Every occurrence of every phrasing (a "don't say" inside its entry's not_when look-alike
        is left out), overlapping hits of one entry and kind kept once, longest first."""
        found = self.index.find(text)
        excluded: dict[str, list[tuple[int, int]]] = {}
        for f in found:
            if f.kind == "not_when":
                excluded.setdefault(f.key, []).append((f.start, f.end))
        hits: list[Hit] = []
        for f in found:
            if f.kind == "not_when":
                continue
            kind: HitKind = "dont_say" if f.kind == "dont_say" else "say_instead"
            hit = Hit(f.key, kind, f.phrase, f.start, f.end)
            if kind == "dont_say" and _overlaps(hit, excluded.get(f.key, [])):
                continue
            if any(h.entry_id == hit.entry_id and h.kind == kind and h.start < hit.end
                   and hit.start < h.end for h in hits):
                continue
            hits.append(hit)
        return hits

    def match(self, text: str) -> tuple[Hit, ...]:
        """Every phrasing found, one hit per entry and kind (the first place it occurs)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        first: dict[tuple[str, str], Hit] = {}
        for hit in self.find_all(text):
            first.setdefault((hit.entry_id, hit.kind), hit)
        hits = tuple(sorted(first.values(), key=lambda h: (h.start, h.entry_id)))
        if len(self._cache) < 10_000:
            self._cache[text] = hits
        return hits


def _overlaps(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(s < hit.end and hit.start < e for s, e in spans)
