"""Free-text replies (`cscoach play --free`): check what the trainee typed, find the authored reply
it means, and turn it into a choice the engine and the scorer take like a picked one.

Pure: text in, a judgement out. How close a typed reply is to an authored one is a weighted sum
of four kinds of evidence, each 0..1:
- wording: cosine of character n-gram profiles (Korean: letter pairs with spaces removed, as
  Korean spacing varies; other text: words and letter triples), weighted against what the node's
  replies share, in the typed reply's language (both when it mixes them);
- meaning: cosine of what the meaning judge (`cscoach.judge.meaning`) reads in each: its score
  for every "don't say" entry and every step, as a vector, less the score of an empty text;
- steps: overlap of the steps the typed reply performs (the `cscoach check` judge) with the
  steps the authored reply is tagged with;
- phrasebook: overlap of the "don't say" / "say instead" entries found in each.
A reply is placed only when the closest clears a mark, beats the next closest by a margin, and
its wording is close enough; never on an authored reply whose claim the typed one negates
(`negates`: "검색 1등은 장담해 드릴 수 없어요" against "검색 1등 장담합니다"). Otherwise the
options are shown. The weights and marks were chosen by measurement on
tests/data/free_placement.yaml (`python benchmarks/free_routing.py --sweep`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from cscoach.content.model import Choice, Lang, Node, Text
from cscoach.judge.check import Checker, CheckResult
from cscoach.judge.phrases import HANGUL_LETTERS, Hit, has_hangul
from cscoach.plain import UNSAFE

if TYPE_CHECKING:
    from numpy.typing import NDArray

MAX_CHARS = 2_000  # one turn of a conversation; more is refused with a message


@dataclass(frozen=True, slots=True)
class Weights:
    """Chosen by `python benchmarks/free_routing.py --sweep` on the tuning part of
    tests/data/free_placement.yaml (re-run it after the meaning model is retrained)."""

    wording: float = 0.4  # re-swept 2026-12-03 after the retraining on voices 9-21
    meaning: float = 0.2
    steps: float = 0.1
    phrases: float = 0.15
    close_enough: float = 0.3  # below this the trainee picks from the options instead
    wording_floor: float = 0.2  # ... and below this too, unless a phrasebook entry is shared:
    # meaning alone does not place a reply (a question about the weather still asks)
    margin: float = 0.0  # the closest must beat the next closest by this much (measured: 0)
    negation: bool = True  # never on a reply whose claim the typed one negates


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Closeness:
    index: int  # 0-based, authored order
    score: float  # 0..1
    wording: float
    steps: float
    phrases: float
    meaning: float = 0.0
    negated: bool = False  # the typed reply negates what this one says

    @property
    def percent(self) -> int:
        return round(100 * self.score)


@dataclass(frozen=True, slots=True)
class FreeReply:
    text: str
    check: CheckResult
    hits: tuple[Hit, ...]  # phrasebook phrasings, one per entry and kind
    ranked: tuple[Closeness, ...]  # closest first
    close_enough: bool

    @property
    def closest(self) -> Closeness:
        return self.ranked[0]

    @property
    def negated(self) -> Closeness | None:
        """The closest authored reply the typed one negates, if any."""
        return next((c for c in self.ranked if c.negated), None)


_KEEP = re.compile(r"[^\w\s]+")
_HANGUL_RUN = re.compile(f"[{HANGUL_LETTERS}]+")
_WORD = re.compile(r"[^\W\d_]+|\d+")
# Words every English reply is full of; they say nothing about which reply is meant.
_STOP = frozenset("""a an the and or but so to of in on at for with from by as is are was were be
been being am do does did have has had it its this that these those there here what which who
how when where why i me my we our us you your he she him her they them their will would can could
shall should may might must just like not no yes if then than too very""".split())


def profile(text: str) -> Counter[str]:
    """The n-gram profile wording is compared by."""
    norm = _KEEP.sub(" ", unicodedata.normalize("NFKC", text).lower())
    grams: Counter[str] = Counter()
    for run in _HANGUL_RUN.findall(norm.replace(" ", "")):
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            grams[run] += 1
    for word in _WORD.findall(_HANGUL_RUN.sub(" ", norm)):
        if word in _STOP:
            continue
        grams["w:" + word] += 1
        padded = f" {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return grams


# --- Negation scope -------------------------------------------------------------------------
# What a negation cue governs (too wide a scope takes paraphrases for negations): English: the
# rest of its clause ("I won't *ask* whether you *put ice*"), a clause ending at a mark or a
# conjunction ("no fee | and add a month"); a second cue flips it back; Korean: the
# predicate word before 없다/않다/아니다/말다 (past the auxiliaries: 장담해 드릴 수 없어요), and
# for 안/못 the word after and a bare, topic or object noun before (장담은 못 드려요, 고장 안 나요).
_CLAUSE = re.compile(r"[.!?;:,—–\n()…]+|\s-\s|\b(?:but|though|although|however|instead|and|so|if"
                     r"|because|when|then|unless|until)\b", re.IGNORECASE)
_EN_NEG = frozenset("""not no never nobody none nothing neither nor cannot cant dont doesnt didnt
wont wouldnt shouldnt couldnt isnt arent wasnt werent havent hasnt hadnt mustnt neednt without
noone hardly barely scarcely""".split())
_EN_AUX = _STOP | frozenset("""able going gonna got get really even ever always any anyone anything
anybody one all both quite entirely exactly at least yet still again""".split())
_CONTRACTION = re.compile(r"n[’']t\b", re.IGNORECASE)
_KO_AFTER = re.compile(r"^(?:없|않|아니|아닌|아냐|아녜|아닙|마세|마시|마십|말고|말아|말라"
                       r"|못하|못했|못합|못해)")
_KO_BEFORE = frozenset({"안", "못"})
_KO_AUX = re.compile(r"^(?:수|수가|수는|드릴|드리|드려|해|해요|할|하지|하진|줄|것|게|거|지|주"
                     r"|해드릴|드릴게|하실|해\s?드릴|될|되|되지|되진|보장해|필요가|필요는"
                     r"|전혀|절대|절대로|별로|그렇게)$")
_KO_PARTICLE_SUBJECT = re.compile(r"(?:이|가|께서|님이|님께서|도)$")


def _ko_stem(word: str) -> str:
    return word[:2]


NEGATED, PLAIN, ASKED, UNCLEAR = "negated", "plain", "asked", "unclear"


def _clauses(text: str) -> list[tuple[str, bool]]:
    """The clauses of `text`, each with whether it is a question (a negative question asks, it
    does not deny: "didn't you put ice in it?", "못 보셨어요?")."""
    out = []
    for sentence in re.findall(r"[^.!?\n]+[.!?\n]*", text):
        question = "?" in sentence
        out += [(chunk, question) for chunk in _CLAUSE.split(sentence) if chunk and chunk.strip()]
    return out


def _way(question: bool, negated: bool, has_cue: bool) -> str:
    if question:
        return ASKED
    return NEGATED if negated else UNCLEAR if has_cue else PLAIN


def _polarity(text: str) -> dict[str, set[str]]:
    """Each content word of `text` (a crude stem) and how it is said: negated (governed by a
    cue), plain (in a statement with no cue at all), asked (in a question) or unclear (in a
    clause with a cue that governs another word)."""
    out: dict[str, set[str]] = {}

    def mark(term: str, way: str) -> None:
        out.setdefault(term, set()).add(way)

    for clause, question in _clauses(text):
        words = re.findall(r"[^\W_]+", _CONTRACTION.sub(" not", clause.lower()))
        negated: set[int] = set()
        pending = False  # an English cue waiting for its word
        for k, w in enumerate(words):
            if _HANGUL_RUN.fullmatch(w):
                if w in _KO_BEFORE:
                    negated.add(k + 1)
                    if k and not _KO_PARTICLE_SUBJECT.search(words[k - 1]):
                        negated.add(k - 1)
                elif _KO_AFTER.match(w):
                    j = k - 1
                    while j >= 0 and _KO_AUX.match(words[j]):
                        j -= 1
                    if j >= 0:
                        negated.add(j)
                        # 답을 드리지 못했습니다: the object of a -지 않다/못하다 verb too
                        if j and re.search("(?:지|지는|진)$", words[j]) \
                                and not _KO_PARTICLE_SUBJECT.search(words[j - 1]):
                            negated.add(j - 1)
                elif re.search("(?:없|않)", w[1:]) or re.search("기보다", w):
                    negated.add(k)  # 필요없어요, 상관없이, 잘못이라기보다: the word itself
                continue
            if w in _EN_NEG:
                pending = not pending
            elif w not in _EN_AUX and len(w) > 2 and pending:
                negated.add(k)  # and every content word after it in its clause
        has_cue = bool(negated) or pending
        for k, w in enumerate(words):
            if w in _KO_BEFORE or _KO_AFTER.match(w) or w in _EN_NEG:
                continue
            if _HANGUL_RUN.fullmatch(w):
                if _KO_AUX.match(w):
                    continue
                mark(_ko_stem(w), _way(question, k in negated, has_cue))
            elif w not in _EN_AUX and len(w) > 2:
                # a crude stem: guarantee/guaranteed
                mark(w[:5], _way(question, k in negated, has_cue))
    return out


def negates(typed: str, authored: str) -> bool:
    """Whether `typed` says negated a word `authored` says plainly, or the other way round: "I
    can't guarantee it" against "I guarantee it". A word said both ways in one text is not
    evidence either way."""
    return _contradicts(_polarity(typed), _polarity(authored))


def _contradicts(typed: dict[str, set[str]], authored: dict[str, set[str]]) -> bool:
    """A word the typed reply only negates that the authored one says plainly or asks about
    ("I won't ask you for the receipt" against "Could I see the receipt?"), or the other way
    round (only says plainly what the authored one only negates)."""
    for term, ways in typed.items():
        other = authored.get(term)
        if other is None:
            continue
        if NEGATED in ways and PLAIN not in ways and NEGATED not in other \
                and other & {PLAIN, ASKED}:
            return True
        if ways == {PLAIN} and other == {NEGATED}:
            return True
    return False


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[g] * b[g] * idf.get(g, 1.0) ** 2 for g in a.keys() & b.keys())
    if not dot:
        return 0.0
    na = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in a.items()))
    nb = math.sqrt(sum((n * idf.get(g, 1.0)) ** 2 for g, n in b.items()))
    return dot / (na * nb)


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap; two empty sets are no evidence either way (0)."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _langs(text: str) -> list[Lang]:
    langs: list[Lang] = []
    if has_hangul(text):
        langs.append("ko")
    if _HANGUL_RUN.sub("", text).strip() or not langs:
        langs.append("en")
    return langs


class Judge:
    """Checks typed replies and places them among a node's authored replies."""

    def __init__(self, checker: Checker, weights: Weights = WEIGHTS) -> None:
        self.checker = checker
        self.weights = weights
        # what is read in authored text once, not at every typed reply
        self._meaning: dict[str, NDArray[Any]] = {}  # text -> meaning vector
        self._said: dict[str, tuple[set[str], dict[str, set[str]]]] = {}  # entries, polarity
        self._profiles: dict[tuple[str, ...], tuple[list[Counter[str]], dict[str, float]]] = {}

    def _entries(self, text: str) -> set[str]:
        return {f"{h.kind}:{h.entry_id}" for h in self.checker.matcher.match(text)}

    def _authored(self, text: str) -> tuple[set[str], dict[str, set[str]]]:
        said = self._said.get(text)
        if said is None:
            said = self._said[text] = (self._entries(text), _polarity(text))
        return said

    def meaning(self, text: str) -> NDArray[Any]:
        """What the meaning judge reads in `text`: every label's score less an empty text's,
        positive part (what the text does, not the many things it does not)."""
        import numpy as np

        model = self.checker.model
        vector: NDArray[Any] = np.maximum(model.margins(text) - model.bias, 0.0)
        return vector

    def _authored_meaning(self, text: str) -> NDArray[Any]:
        vector = self._meaning.get(text)
        if vector is None:
            vector = self._meaning[text] = self.meaning(text)
        return vector

    def _wording(self, node: Node, text: str, langs: list[Lang]) -> list[float]:
        """Per authored reply: how alike the wording is, in the language(s) the text is in."""
        typed = profile(text)
        best = [0.0] * len(node.choices)
        for lang in langs:
            texts = tuple(c.says(lang) for c in node.choices)
            known = self._profiles.get(texts)
            if known is None:
                profiles = [profile(t) for t in texts]
                df: Counter[str] = Counter(g for p in profiles for g in p)
                idf = {g: math.log((len(profiles) + 1) / (d + 1)) + 1 for g, d in df.items()}
                known = self._profiles[texts] = (profiles, idf)
            profiles, idf = known
            for i, p in enumerate(profiles):
                best[i] = max(best[i], _cosine(typed, p, idf))
        return best

    def _meanings(self, node: Node, text: str, langs: list[Lang]) -> list[float]:
        import numpy as np

        typed = self.meaning(text)
        norm = float(np.sqrt(typed @ typed))
        out = [0.0] * len(node.choices)
        if not norm:
            return out
        for i, choice in enumerate(node.choices):
            for lang in langs:
                vector = self._authored_meaning(choice.says(lang))
                other = float(np.sqrt(vector @ vector))
                if other:
                    out[i] = max(out[i], float(typed @ vector) / (norm * other))
        return out

    def judge(self, node: Node, text: str) -> FreeReply:
        w = self.weights
        result = self.checker.check(text)
        typed_steps = {s.step.id for s in result.steps}
        typed_entries = self._entries(text)
        langs = _langs(text)
        wording = self._wording(node, text, langs)
        meaning = self._meanings(node, text, langs) if w.meaning else [0.0] * len(wording)
        polarity = _polarity(text) if w.negation else {}
        out = []
        for i, choice in enumerate(node.choices):
            authored_entries = self._authored(choice.says.ko)[0] | self._authored(choice.says.en)[0]
            steps = _overlap(typed_steps, set(choice.steps))
            phrases = _overlap(typed_entries, authored_entries)
            score = (w.wording * wording[i] + w.meaning * meaning[i] + w.steps * steps
                     + w.phrases * phrases)
            negated = w.negation and any(
                _contradicts(polarity, self._authored(choice.says(lang))[1]) for lang in langs)
            out.append(Closeness(i, min(1.0, score), wording[i], steps, phrases, meaning[i],
                                 negated))
        out.sort(key=lambda c: (-c.score, c.index))
        # what the judge found (by meaning, on the listed words where there are some), then
        # the "say instead" phrasings: the same findings `cscoach check` gives
        hits = tuple(f.hit for f in result.findings) + tuple(
            h for h in self.checker.matcher.match(text) if h.kind == "say_instead")
        return FreeReply(text, result, hits, tuple(out), self._close_enough(out))

    def _close_enough(self, ranked: list[Closeness]) -> bool:
        """Whether the closest reply is close enough to place the typed one on it."""
        w = self.weights
        best = ranked[0]
        if best.negated:
            return False
        second = ranked[1].score if len(ranked) > 1 else 0.0
        return (best.score >= w.close_enough and best.score - second >= w.margin
                and (best.wording >= w.wording_floor or best.phrases > 0))


@dataclass(frozen=True, slots=True)
class TypedChoice(Choice):
    """A typed reply as a choice (`as_choice`), with what the judge found in it: the score
    and the record blame the trainee for the "don't say" the judge reads in their words
    (`scoring.turn_report`), not only for the phrasebook's listed phrasings."""

    judged: tuple[Hit, ...] = ()


def as_choice(reply: FreeReply, authored: Choice) -> TypedChoice:
    """What the trainee typed, as a choice: their words and the steps they performed are scored;
    the conversation goes on as after the authored reply (its next node, mood and feedback)."""
    kept = {f.name: getattr(authored, f.name) for f in fields(Choice)}
    kept.update(says=Text(reply.text, reply.text), phrases=(),
                steps=tuple(s.step.id for s in reply.check.steps))
    return TypedChoice(**kept, judged=reply.hits)


def problem(text: str) -> str | None:
    """Why a typed reply cannot be taken (i18n key), or None."""
    stripped = text.strip()
    if not stripped:
        return "free.empty"
    if len(stripped) > MAX_CHARS:
        return "free.too_long"
    if any(unicodedata.category(ch) == "Cs" for ch in stripped):
        return "free.not_utf8"  # bytes the terminal sent that are not UTF-8 (lone surrogates)
    if UNSAFE.search(stripped):
        return "free.control"
    return None
