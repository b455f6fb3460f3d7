"""Free-text replies (`cscoach play --free`): check what the trainee typed, find the authored reply
it is closest to, and turn it into a choice the engine and the scorer take like a picked one.

Pure: text in, a judgement out. How close a typed reply is to an authored one is a weighted sum
of three kinds of evidence, each 0..1:
- wording: cosine of character n-gram profiles (Korean: letter pairs with spaces removed, as
  Korean spacing varies; other text: words and letter triples), weighted against what the node's
  replies share, in the typed reply's language (both when it mixes them);
- steps: overlap of the steps the typed reply performs (the `cscoach check` detector) with the
  steps the authored reply is tagged with;
- phrasebook: overlap of the "don't say" / "say instead" entries found in each.
The weights and the "close enough" mark were chosen by measurement on tests/data/free_replies.yaml
(`python benchmarks/free_routing.py`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from cscoach.content.model import Choice, Lang, Node, Text
from cscoach.judge.check import Checker, CheckResult
from cscoach.judge.phrases import HANGUL_LETTERS, Hit, has_hangul
from cscoach.plain import UNSAFE

MAX_CHARS = 2_000  # one turn of a conversation; more is refused with a message


@dataclass(frozen=True, slots=True)
class Weights:
    wording: float = 0.6
    steps: float = 0.25
    phrases: float = 0.15
    close_enough: float = 0.15  # below this the trainee picks from the options instead
    wording_floor: float = 0.1  # ... and below this too, unless a phrasebook entry is shared:
    # steps alone do not place a reply (a question about the weather still asks)


WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class Closeness:
    index: int  # 0-based, authored order
    score: float  # 0..1
    wording: float
    steps: float
    phrases: float

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


class Judge:
    """Checks typed replies and places them among a node's authored replies."""

    def __init__(self, checker: Checker, weights: Weights = WEIGHTS) -> None:
        self.checker = checker
        self.weights = weights

    def _entries(self, text: str) -> set[str]:
        return {f"{h.kind}:{h.entry_id}" for h in self.checker.matcher.match(text)}

    def _wording(self, node: Node, text: str) -> list[float]:
        """Per authored reply: how alike the wording is, in the language(s) the text is in."""
        langs: list[Lang] = []
        if has_hangul(text):
            langs.append("ko")
        if _HANGUL_RUN.sub("", text).strip() or not langs:
            langs.append("en")
        typed = profile(text)
        best = [0.0] * len(node.choices)
        for lang in langs:
            profiles = [profile(c.says(lang)) for c in node.choices]
            df: Counter[str] = Counter(g for p in profiles for g in p)
            idf = {g: math.log((len(profiles) + 1) / (d + 1)) + 1 for g, d in df.items()}
            for i, p in enumerate(profiles):
                best[i] = max(best[i], _cosine(typed, p, idf))
        return best

    def judge(self, node: Node, text: str) -> FreeReply:
        w = self.weights
        result = self.checker.check(text)
        typed_steps = {s.step.id for s in result.steps}
        typed_entries = self._entries(text)
        wording = self._wording(node, text)
        out = []
        for i, choice in enumerate(node.choices):
            authored_entries = self._entries(choice.says.ko) | self._entries(choice.says.en)
            steps = _overlap(typed_steps, set(choice.steps))
            phrases = _overlap(typed_entries, authored_entries)
            score = w.wording * wording[i] + w.steps * steps + w.phrases * phrases
            out.append(Closeness(i, min(1.0, score), wording[i], steps, phrases))
        out.sort(key=lambda c: (-c.score, c.index))
        best = out[0]
        close = best.score >= w.close_enough and (best.wording >= w.wording_floor
                                                  or best.phrases > 0)
        return FreeReply(text, result, self.checker.matcher.match(text), tuple(out), close)


def as_choice(reply: FreeReply, authored: Choice) -> Choice:
    """What the trainee typed, as a choice: their words and the steps they performed are scored;
    the conversation goes on as after the authored reply (its next node, mood and feedback)."""
    return replace(authored, says=Text(reply.text, reply.text),
                   steps=tuple(s.step.id for s in reply.check.steps), phrases=())


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
