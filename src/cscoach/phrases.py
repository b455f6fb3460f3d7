"""Finds phrasebook phrasings in what a trainee says, however it is spaced, cased or contracted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from cscoach.model import Lang, Phrasebook, PhraseEntry

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
            norm = unicodedata.normalize("NFKC", ch).lower()
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
class _Pattern:
    entry_id: str
    kind: HitKind | Literal["not_when"]
    phrase: str
    regex: re.Pattern[str]
    compact: bool


def _compile(entry: PhraseEntry, kind: HitKind | Literal["not_when"],
             phrase: str) -> _Pattern | None:
    spaced = _spaced(phrase).chars.strip()
    if not spaced:
        return None
    if _HANGUL.search(phrase):
        return _Pattern(entry.id, kind, phrase, re.compile(re.escape(spaced.replace(" ", ""))),
                        True)
    body = re.escape(spaced).replace(r"\ ", " ")
    return _Pattern(entry.id, kind, phrase, re.compile(rf"(?<!\w){body}(?!\w)"), False)


class Matcher:
    """Matches every phrasing of a phrasebook against a text."""

    def __init__(self, phrasebook: Phrasebook) -> None:
        self.phrasebook = phrasebook
        self._patterns: list[_Pattern] = []
        for entry in phrasebook.entries:
            groups: list[tuple[HitKind | Literal["not_when"], dict[Lang, tuple[str, ...]]]] = [
                ("dont_say", entry.dont_say),
                ("say_instead", entry.say_instead_markers),
                ("not_when", entry.not_when),
            ]
            for kind, by_lang in groups:
                for phrases in by_lang.values():
                    for phrase in phrases:
                        compiled = _compile(entry, kind, phrase)
                        if compiled is not None:
                            self._patterns.append(compiled)
        self._cache: dict[str, tuple[Hit, ...]] = {}

    def match(self, text: str) -> tuple[Hit, ...]:
        """Every phrasing found, one hit per entry and kind (the first place it occurs)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        spaced = _spaced(text)
        compact = _compact(spaced)
        found: dict[tuple[str, str], Hit] = {}
        excluded: dict[str, list[tuple[int, int]]] = {}
        for p in self._patterns:
            target = compact if p.compact else spaced
            m = p.regex.search(target.chars)
            if m is None:
                continue
            span = (target.start_of(m.start()), target.end_of(m.end()))
            if p.kind == "not_when":
                excluded.setdefault(p.entry_id, []).append(span)
                continue
            key = (p.entry_id, p.kind)
            if key not in found or span[0] < found[key].start:
                found[key] = Hit(p.entry_id, p.kind, text[span[0]:span[1]], span[0], span[1])
        hits = tuple(
            sorted((h for h in found.values()
                    if not (h.kind == "dont_say" and _overlaps(h, excluded.get(h.entry_id, [])))),
                   key=lambda h: (h.start, h.entry_id))
        )
        if len(self._cache) < 10_000:
            self._cache[text] = hits
        return hits


def _overlaps(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(s < hit.end and hit.start < e for s, e in spans)
