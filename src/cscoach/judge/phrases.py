"""Finds phrasebook phrasings in what a trainee says, however it is spaced, cased or contracted."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from cscoach.content.model import Lang, Phrasebook

HitKind = Literal["dont_say", "say_instead"]

HANGUL_LETTERS = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"  # syllables and jamo, for [...]
_HANGUL = re.compile(f"[{HANGUL_LETTERS}]")
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
    # ... and without the apostrophe ("its" too: "its not urgent" is meant as "it's")
    (re.compile(r"\b(it|that|there|what|here)s\b"), r"\1 is"),
    (re.compile(r"\byoure\b"), "you are"),
    (re.compile(r"\bim\b"), "i am"),
    (re.compile(r"\bive\b"), "i have"),
]
_NOT_WORD = re.compile(r"[^\w']+|_+")
# Words of degree that leave a phrasing's meaning as it is: "you're being *completely*
# unreasonable" is "you're being unreasonable". A PhraseIndex made with `skip_degree` (the
# phrasebook's, for typed text) skips them in what people type; a phrasing that holds one keeps
# it ("I completely understand" is more than "I understand") and is matched on the words as typed.
_DEGREE = re.compile(r"(?:(?<= )|^)(?:really|completely|totally|utterly|absolutely|very|"
                     r"extremely|truly|entirely|simply|honestly|literally|actually) ")


@dataclass(frozen=True, slots=True)
class Hit:
    """One phrasebook phrasing found in a text; `start`/`end` index the original text."""

    entry_id: str
    kind: HitKind
    phrase: str
    start: int
    end: int


class _Mapped:
    """A normalised string that remembers, for each character, the span of the original text it
    came from (a character put in for several, as "not" for "n't", spans them all)."""

    __slots__ = ("chars", "origin", "ends")

    def __init__(self, chars: str, origin: list[int], ends: list[int]) -> None:
        self.chars = chars
        self.origin = origin  # where each character's span starts
        self.ends = ends  # ... and ends (exclusive)

    @classmethod
    def of(cls, text: str) -> _Mapped:
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text.translate(_APOSTROPHES)):
            norm = _fold(ch)
            out.append(norm)
            origin.extend([i] * len(norm))
        return cls("".join(out), origin, [i + 1 for i in origin])

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]
            ) -> _Mapped:
        if pattern.search(self.chars) is None:
            return self  # most rules find nothing in most texts
        chars: list[str] = []
        origin: list[int] = []
        ends: list[int] = []
        pos = 0
        for m in pattern.finditer(self.chars):
            chars.append(self.chars[pos:m.start()])
            origin.extend(self.origin[pos:m.start()])
            ends.extend(self.ends[pos:m.start()])
            if callable(repl):
                new = repl(m)
            else:  # the only group reference the rules use; m.expand re-parses every time
                new = repl.replace("\\1", m.group(1)) if "\\1" in repl else repl
            chars.append(new)
            if m.start() < len(self.origin):
                first, last = self.origin[m.start()], self.ends[max(m.start(), m.end() - 1)]
            else:
                first = last = self.ends[-1] if self.ends else 0
            origin.extend([first] * len(new))
            ends.extend([last] * len(new))
            pos = m.end()
        chars.append(self.chars[pos:])
        origin.extend(self.origin[pos:])
        ends.extend(self.ends[pos:])
        return _Mapped("".join(chars), origin, ends)

    def translate(self, table: dict[int, str]) -> _Mapped:
        """Each character replaced by its entry in `table` (kept when it has none)."""
        chars: list[str] = []
        origin: list[int] = []
        ends: list[int] = []
        for ch, at, to in zip(self.chars, self.origin, self.ends, strict=True):
            new = table.get(ord(ch), ch)
            chars.append(new)
            origin.extend([at] * len(new))
            ends.extend([to] * len(new))
        return _Mapped("".join(chars), origin, ends)

    def start_of(self, i: int) -> int:
        return self.origin[i]

    def end_of(self, j: int) -> int:
        """The original end index for a match ending at normalised index j (exclusive)."""
        return self.ends[j - 1]


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


# Korean is matched on a sound key, so the slips people make typing it still match: a syllable
# is spelt out in letters (jamo), tense consonants made plain (할께요 = 할게요, 겟 = 겠), final
# clusters cut to the consonant heard (없 = 업, 귀찮 = 귀찬), a silent ㅎ's consonant carried
# over as it is spoken (잖아요 = 자나요), and vowels people confuse merged (ㅐ/ㅔ/ㅖ: 는대요 =
# 는데요, 아니예요 = 아니에요; ㅕ/ㅛ: 세여 = 세요; 되/돼/뒈). The initial ㅇ is kept (dropping it
# lets 알 match inside 할). Measured on the labelled corpus (benchmarks/check_quality.py): recall
# on typed slips 0.05 -> 1.0 with precision kept at 1.0.
_INITIAL = "ㄱㄱㄴㄷㄷㄹㅁㅂㅂㅅㅅㅇㅈㅈㅊㅋㅌㅍㅎ"  # ㄲ→ㄱ ㄸ→ㄷ ㅃ→ㅂ ㅆ→ㅅ ㅉ→ㅈ
_MEDIAL = ["ㅏ", "ㅔ", "ㅑ", "ㅔ", "ㅓ", "ㅔ", "ㅛ", "ㅔ", "ㅗ", "ㅘ", "ㅞ", "ㅞ", "ㅛ", "ㅜ", "ㅝ",
           "ㅞ", "ㅟ", "ㅠ", "ㅡ", "ㅢ", "ㅣ"]  # ㅐ→ㅔ ㅒ/ㅖ→ㅔ ㅕ→ㅛ ㅙ/ㅚ→ㅞ
# ㄶ/ㅀ end in a silent ㅎ: "#" marks it, and "#ㅇ" (the next syllable's silent initial) goes
_FINAL = ["", "ㄱ", "ㄱ", "ㄱ", "ㄴ", "ㄴ", "ㄴ#", "ㄷ", "ㄹ", "ㄱ", "ㅁ", "ㄹ", "ㄹ", "ㄹ", "ㅂ",
          "ㄹ#", "ㅁ", "ㅂ", "ㅂ", "ㅅ", "ㅅ", "ㅇ", "ㅈ", "ㅊ", "ㄱ", "ㅌ", "ㅂ", ""]
_SILENT_H = re.compile("#ㅇ?")


def _sound(code: int) -> str:
    i, rest = divmod(code - 0xAC00, 588)
    m, f = divmod(rest, 28)
    return _INITIAL[i] + _MEDIAL[m] + _FINAL[f]


_KO_KEY = {code: _sound(code) for code in range(0xAC00, 0xD7A4)}


def sound_key(text: str) -> str:
    """Korean syllables as their sound key (other characters unchanged)."""
    keyed = text.translate(_KO_KEY)
    return _SILENT_H.sub("", keyed) if "#" in keyed else keyed


def _sound_mapped(m: _Mapped) -> _Mapped:
    keyed = m.translate(_KO_KEY)
    return keyed.sub(_SILENT_H, "") if "#" in keyed.chars else keyed


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


_LATIN_WORD = re.compile(r"[a-z]{3,}")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """One deletion, insertion, substitution or swap of neighbours turns `a` into `b`."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return short in _deletes(long_)


@functools.lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Words of English (pyspellchecker's list), loaded the first time a slip is suspected."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)


class _Speller:
    """Mends one-letter slips ("falut", "guarentee", "yourslef") in English words towards the
    words the phrasings use; a word of English is never changed ("police" stays), nor one that
    could mend two ways. Found by shared deletions (the SymSpell idea), checked exactly."""

    def __init__(self, vocabulary: set[str]) -> None:
        self.vocabulary = frozenset(vocabulary)
        self._near: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if len(word) >= 3:
                for key in _deletes(word) | {word}:
                    self._near.setdefault(key, set()).add(word)
        self._memo: dict[str, str | None] = {}

    def mend(self, word: str) -> str | None:
        if word in self.vocabulary:
            return None
        if word in self._memo:
            return self._memo[word]
        found: set[str] = set()
        for key in _deletes(word) | {word}:
            found |= self._near.get(key, set())
        candidates = {w for w in found if _one_edit(word, w)}
        mended = None
        if len(candidates) == 1 and word not in _english_words():
            mended = candidates.pop()
        if len(self._memo) < 50_000:
            self._memo[word] = mended
        return mended

    def fixes(self, spaced: str) -> dict[str, str]:
        out = {}
        for word in set(_LATIN_WORD.findall(spaced)):
            mended = self.mend(word)
            if mended is not None:
                out[word] = mended
        return out


class PhraseIndex:
    """Every occurrence of many phrasings in one pass (Aho-Corasick), however the text is spaced,
    cased, contracted or slightly mistyped. Korean phrasings match on their sound key with spaces
    removed; others on word edges, after one-letter slips are mended."""

    def __init__(self, mend_slips: bool = False, skip_degree: bool = False) -> None:
        self._compact: ahocorasick.Automaton = ahocorasick.Automaton()
        self._spaced: ahocorasick.Automaton = ahocorasick.Automaton()
        self._degreed: ahocorasick.Automaton = ahocorasick.Automaton()  # phrasings with one
        self._words: set[str] = set()
        self.mend_slips = mend_slips  # English slips; for what people type, not authored text
        self.skip_degree = skip_degree  # English words of degree (_DEGREE), on both sides
        self._speller: _Speller | None = None
        self._ready = False

    def add(self, key: str, kind: str, phrase: str) -> None:
        spaced = _fast_spaced(phrase).strip()
        spaced = " ".join(spaced.split())
        if not spaced:
            return
        compact = bool(_HANGUL.search(phrase))
        needle = sound_key(spaced.replace(" ", "")) if compact else spaced
        if not compact:
            self._words.update(_LATIN_WORD.findall(spaced))
        automaton = self._compact if compact else self._spaced
        if self.skip_degree and not compact and _DEGREE.search(spaced):
            automaton = self._degreed
        entries = automaton.get(needle, ())
        automaton.add_word(needle, (*entries, (key, kind, phrase, len(needle))))

    @property
    def speller(self) -> _Speller | None:
        """What mends English slips (None unless `mend_slips`)."""
        if not self._ready:
            self._finish()
        return self._speller

    def _finish(self) -> None:
        for automaton in (self._compact, self._spaced, self._degreed):
            if len(automaton):
                automaton.make_automaton()
        self._speller = _Speller(self._words) if self.mend_slips else None
        self._ready = True

    def find(self, text: str) -> list[Found]:
        if not self._ready:
            self._finish()
        spaced_chars = _fast_spaced(text)
        fixes = self._speller.fixes(spaced_chars) if self._speller is not None else {}
        if fixes:
            spaced_chars = _mend(spaced_chars, fixes)
        as_typed = spaced_chars
        if self.skip_degree:
            spaced_chars = _DEGREE.sub("", spaced_chars)
        compact_chars = sound_key(spaced_chars.replace(" ", ""))
        # (where it was found: 0 the compact key, 1 the words, 2 the words as typed, ...)
        raw: list[tuple[int, int, int, tuple[str, str, str, int]]] = []
        if len(self._compact):
            for end, entries in self._compact.iter(compact_chars):
                for e in entries:
                    raw.append((0, end + 1 - e[3], end + 1, e))
        raw += _on_words(self._spaced, spaced_chars, 1)
        if as_typed != spaced_chars:
            raw += _on_words(self._degreed, as_typed, 2)
        if not raw:
            return []
        typed = _spaced(text)  # the slow path, only to place what was found
        if fixes:
            typed = typed.sub(_fix_pattern(fixes), lambda m: fixes[m.group()])
        mapped = typed.sub(_DEGREE, "") if self.skip_degree else typed
        squeezed = _sound_mapped(_compact(mapped))
        out = []
        for found_in, s0, e0, (key, kind, _phrase, _n) in raw:
            target = (squeezed, mapped, typed)[found_in]
            start, end = target.start_of(s0), target.end_of(e0)
            out.append(Found(key, kind, text[start:end], start, end))
        out.sort(key=lambda f: (f.start, -f.end, f.key))
        return out


def _on_words(automaton: ahocorasick.Automaton, chars: str, found_in: int
              ) -> list[tuple[int, int, int, tuple[str, str, str, int]]]:
    """The phrasings of `automaton` found in spaced `chars` on word edges."""
    if not len(automaton):
        return []
    out = []
    padded = f" {chars} "
    for end, entries in automaton.iter(chars):
        for e in entries:
            s0 = end + 1 - e[3]
            if _word(padded[s0]) or _word(padded[end + 2]):
                continue  # inside a longer word
            out.append((found_in, s0, end + 1, e))
    return out


def _fix_pattern(fixes: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, fixes)) + r")\b")


def _mend(spaced: str, fixes: dict[str, str]) -> str:
    return _fix_pattern(fixes).sub(lambda m: fixes[m.group()], spaced)


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """Matches every phrasing of a phrasebook against a text."""

    def __init__(self, phrasebook: Phrasebook, mend_slips: bool = False) -> None:
        """`mend_slips`: also mend one-letter slips in English words (for what trainees type:
        `cscoach check`, `play --free`; authored text is spelt right and scores without it),
        and skip words of degree ("completely unreasonable" is "unreasonable")."""
        self.phrasebook = phrasebook
        self.index = PhraseIndex(mend_slips, skip_degree=mend_slips)
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
        is left out), overlapping hits of one entry and kind kept once, longest first.

        Linear in the hits: they come sorted by where they start, so a hit overlaps an earlier
        one of its entry and kind exactly when it starts before the furthest end kept so far, and
        look-alike spans are searched by bisection (a text of 1 MB has tens of thousands)."""
        found = self.index.find(text)
        excluded = LookAlikes(found)
        furthest: dict[tuple[str, str], int] = {}  # (entry, kind) -> the furthest end kept
        hits: list[Hit] = []
        for f in found:
            if f.kind == "not_when":
                continue
            kind: HitKind = "dont_say" if f.kind == "dont_say" else "say_instead"
            if kind == "dont_say" and excluded.covers(f):
                continue
            if f.start < furthest.get((f.key, kind), -1):
                continue
            furthest[(f.key, kind)] = f.end
            hits.append(Hit(f.key, kind, f.phrase, f.start, f.end))
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
        if len(self._cache) >= 10_000:  # bounded: start again rather than stop caching, so
            self._cache.clear()  # a long validate keeps its hits (each text is matched twice)
        self._cache[text] = hits
        return hits


class LookAlikes:
    """The look-alikes (`not_when`) among what a `PhraseIndex` found, by key: does one of its
    own key's overlap a phrasing found? In log time (`_Spans`); `found` comes sorted by where
    it starts, as `PhraseIndex.find` gives it. Used for the phrasebook's "don't say"s
    (`Matcher.find_all`) and for the steps' cues (`check.Checker`)."""

    def __init__(self, found: list[Found]) -> None:
        self.spans: dict[str, _Spans] = {}
        for f in found:
            if f.kind == "not_when":
                self.spans.setdefault(f.key, _Spans()).add(f.start, f.end)

    def covers(self, f: Found) -> bool:
        spans = self.spans.get(f.key)
        return spans is not None and spans.overlaps(f.start, f.end)


class _Spans:
    """Spans added in order of their start; does any overlap [start, end)? in log time."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.reach: list[int] = []  # the furthest end among the spans up to each one

    def add(self, start: int, end: int) -> None:
        self.starts.append(start)
        self.reach.append(max(end, self.reach[-1]) if self.reach else end)

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)  # the spans that start before `end`
        return before > 0 and self.reach[before - 1] > start
