"""A linter for customer-service replies: the phrasebook's "don't say" and the seven steps, on
any text a person writes (Korean, English or both). Pure: text in, findings out."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from cscoach.content.model import Lang, PhraseEntry, Step, StepCatalog
from cscoach.judge.features import clauses, sentences
from cscoach.judge.meaning import MeaningModel, shipped
from cscoach.judge.phrases import Found, Hit, LookAlikes, Matcher, PhraseIndex, _fast_spaced

MAX_BYTES = 1_000_000  # a reply, an email draft or a macro file; more is refused, not read

# A reply is judged whole; a longer text (an email, a macro file) is judged a passage at a time:
# each line, and a line longer than this is cut into runs of whole sentences of about this
# length, so one fault in a long letter is not drowned by the rest (cost stays linear).
PASSAGE_CHARS = 500

# Below this confidence a finding is shown as one the judge is not sure of: on dev the entry it
# names is then right about 58% of the time (though the reply holds some fault in 92%), and at
# 0.95 and above 95% (docs/free-text.md).
SURE = 0.85


@dataclass(frozen=True, slots=True)
class Finding:
    """One "don't say" in the text, placed by line and column (both 1-based). `hit.phrase` is the
    phrasing the phrasebook lists when one is found, else the sentence the model finds it in."""

    hit: Hit
    entry: PhraseEntry
    line: int
    column: int
    confidence: float = 1.0
    by_phrase: bool = True  # a listed phrasing points at the words

    @property
    def sure(self) -> bool:
        """Whether the judge is sure of it (`SURE`); a report says how sure when it is not."""
        return self.confidence >= SURE


@dataclass(frozen=True, slots=True)
class StepFound:
    step: Step
    phrase: str
    line: int
    column: int
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    text: str
    findings: tuple[Finding, ...]
    steps: tuple[StepFound, ...]  # in Carnegie order, one per step performed
    missing: tuple[Step, ...]  # the steps a complete reply would also have

    @property
    def clean(self) -> bool:
        return not self.findings


def _place(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def passages(text: str) -> list[tuple[int, int]]:
    """The spans a text is judged by: each non-blank line, a long line cut at sentence ends."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            if len(line) <= PASSAGE_CHARS:
                out.append((pos, pos + len(line)))
            else:
                run_start = run_end = -1
                for a, b in sentences(line):
                    if run_start < 0:
                        run_start = a
                    elif b - run_start > PASSAGE_CHARS:
                        out.append((pos + run_start, pos + run_end))
                        run_start = a
                    run_end = b
                if run_start >= 0:
                    out.append((pos + run_start, pos + run_end))
        pos += len(line) + 1
    return out


def _outside_look_alikes(found: list[Found]) -> list[Found]:
    """The step cues found, less those overlapping a look-alike of their own step (`not_when`:
    "I'll tell you what happened" holds the cue "what happened" and asks nothing)."""
    alike = LookAlikes(found)
    return [f for f in found if f.kind != "not_when" and not alike.covers(f)]


class Checker:
    """The meaning model decides what a reply does; the phrasebook's phrasings and the step cues
    point at the exact words where they can, and lower the bar the model must clear."""

    def __init__(self, matcher: Matcher, steps: StepCatalog,
                 model: MeaningModel | None = None) -> None:
        self.matcher = matcher
        self.steps = steps
        self.model = model if model is not None else shipped()
        self._cues = PhraseIndex(matcher.index.mend_slips)
        for step in steps.steps:
            for phrases in step.cues.values():
                for phrase in phrases:
                    self._cues.add(step.id, "cue", phrase)
            for phrases in step.not_when.values():
                for phrase in phrases:
                    self._cues.add(step.id, "not_when", phrase)

    def _mended(self, text: str) -> str:
        """`text` with the English slips the matcher would mend mended (falut: fault), so the
        model reads the word that was meant."""
        speller = self.matcher.index.speller
        if speller is None:
            return text
        fixes = speller.fixes(_fast_spaced(text))
        if not fixes:
            return text
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, fixes)) + r")\b", re.IGNORECASE)
        return pattern.sub(lambda m: fixes.get(m.group().lower(), m.group()), text)

    def _sentence(self, text: str, span: tuple[int, int], label: int) -> tuple[int, int]:
        """The sentence of a passage that scores highest for a label."""
        spans = [(span[0] + a, span[0] + b) for a, b in sentences(text[span[0]:span[1]])]
        if len(spans) <= 1:
            return spans[0] if spans else span
        return max(spans, key=lambda s: (float(self.model.margins(text[s[0]:s[1]])[label]),
                                         -s[0]))

    def _reply_look(self, looked: dict[str, tuple[float, tuple[int, int]]],
                    seen: list[dict[str, float]], flagged: set[int], margins: list[Any],
                    listed: list[set[str]], spans: list[tuple[int, int]]) -> None:
        """A passage in which no entry passed its bar is read once more as a whole: when the
        reply-level look is sure it holds a "don't say" (several entries half likely, say),
        its likeliest entry is named."""
        model = self.model
        look = model.reply_look
        bar = model.thresholds.accept_reply
        if look is None or bar >= 1.0:
            return
        import numpy as np

        faults = [model.labels[k] for k in model.faults]
        for i, m in enumerate(margins):
            if i in flagged or not seen[i]:
                continue
            probs = np.array([seen[i].get(label, 0.0) for label in faults], dtype=np.float32)
            if look.probability(probs, m[model.faults], len(listed[i])) <= bar:
                continue
            label, p = max(seen[i].items(), key=lambda kv: (kv[1], kv[0]))
            if label not in looked or looked[label][0] < p:
                looked[label] = (p, spans[i])

    def _sentences(self, text: str, judged: list[str],
                   looked: dict[str, tuple[float, tuple[int, int]]],
                   spans: list[tuple[int, int]], hits: list[Hit]) -> None:
        """Each clause of a passage of several (its sentences, cut at commas and at "but",
        근데, -는데 ...: features.clauses), read on its own for the entries not yet taken, once
        the text holds one (`accept_sentence`): "I don't know when, but surely today it
        comes, trust me." is *dont-know*, and its clause "but surely today it comes"
        *over-promise* (tests/test_meaning.py)."""
        model = self.model
        reranker = model.reranker
        assert reranker is not None
        t = model.thresholds
        for a0, b0 in spans:
            inner = [(a0 + x, a0 + y) for x, y in clauses(text[a0:b0])]
            if len(inner) < 2:
                continue
            for a, b in inner:
                rest = [label for label in judged if label not in looked]
                if not rest:
                    return
                mended = self._mended(text[a:b])
                m = model.margins(mended)
                here = {h.entry_id for h in hits if a <= h.start < b}
                text_score = None
                base: list[str] = []
                for label in rest:
                    k = model.index[label]
                    if float(m[k]) <= t.candidate and label not in here:
                        continue
                    if text_score is None:
                        text_score = reranker.text_score(mended)
                        base = reranker.entry_base(mended)
                    p = reranker.probability(text_score + reranker.entry_score(base, label),
                                             m, k, model.faults, model.steps, label in here,
                                             bool(here - {label}))
                    if p > t.accept_sentence:
                        looked[label] = (p, (a, b))

    def check(self, text: str) -> CheckResult:
        model = self.model
        t = model.thresholds
        spans = passages(text)
        margins = [model.margins(self._mended(text[a:b])) for a, b in spans]
        hits = [h for h in self.matcher.find_all(text) if h.kind == "dont_say"]
        found_cues = self._cues.find(text)
        cues = _outside_look_alikes(found_cues)

        def best(label: str, with_phrase: list[int], high: float, low: float,
                 rows: list[Any] | None = None) -> tuple[float, int] | None:
            """The highest margin of a label over the passages (`rows`, else each passage's
            margins), and where, if it is taken."""
            k = model.index.get(label)
            if k is None:  # a content pack's own entry, which the shipped model never learnt:
                found = sorted(i for i in with_phrase if i >= 0)  # its phrasings alone judge
                return (float(max(t.fault, t.fault_with_phrase)) + 1.0, found[0]) if found \
                    else None
            taken: tuple[float, int] | None = None
            phrased = set(with_phrase)
            for i, m in enumerate(margins if rows is None else rows):
                score = float(m[k])
                bar = low if i in phrased else high
                if score > bar and (taken is None or score > taken[0]):
                    taken = (score, i)
            return taken

        starts = [a for a, _ in spans]

        def within(start: int) -> int:
            i = bisect.bisect_right(starts, start) - 1
            return i if i >= 0 and start < spans[i][1] else -1

        reranker = model.reranker
        listed: list[set[str]] = [set() for _ in spans]  # the entries listed in each passage
        for h in hits:
            i = within(h.start)
            if i >= 0:
                listed[i].add(h.entry_id)
        text_scores: dict[int, float] = {}
        bases: dict[int, list[str]] = {}
        seen: list[dict[str, float]] = [{} for _ in spans]  # the second look, by passage
        flagged: set[int] = set()  # the passages in which an entry was taken

        counted: dict[int, bool] = {}

        def several(i: int) -> bool:
            """Whether passage `i` has more than one sentence: in one sentence a second entry
            mostly shares the first one's words ("Thats not my falut." is *excuses*, and so not
            also *not-my-job*)."""
            if i not in counted:
                a, b = spans[i]
                counted[i] = len(sentences(text[a:b])) > 1
            return counted[i]

        def second_look(label: str, second: bool = False
                        ) -> tuple[float, tuple[int, int]] | None:
            """Where the second look is surest of a candidate (a margin above `candidate`, or
            a listed phrasing), if it is taken: its probability above `accept`
            (`accept_with_phrase` where a phrasing is listed; `accept_second`, if lower, once
            another "don't say" is taken in the text)."""
            assert reranker is not None
            k = model.index[label]
            taken: tuple[float, tuple[int, int]] | None = None
            for i, m in enumerate(margins):
                phrased = label in listed[i]
                if float(m[k]) <= t.candidate and not phrased:
                    continue
                if i not in text_scores:
                    a, b = spans[i]
                    mended = self._mended(text[a:b])
                    text_scores[i] = reranker.text_score(mended)
                    bases[i] = reranker.entry_base(mended)
                score = text_scores[i] + reranker.entry_score(bases[i], label)
                p = reranker.probability(score, m, k, model.faults, model.steps,
                                         phrased, bool(listed[i] - {label}))
                seen[i][label] = p
                bar = t.accept_with_phrase if phrased else t.accept
                if second and several(i):
                    bar = min(bar, t.accept_second)
                if p > bar:
                    flagged.add(i)
                    if taken is None or p > taken[0]:
                        taken = (p, spans[i])
                if phrased and p <= bar:
                    before = taken
                    taken = phrased_sentence(label, k, i, taken, bar)
                    if taken is not before:
                        flagged.add(i)
            return taken

        def phrased_sentence(label: str, k: int, i: int,
                             taken: tuple[float, tuple[int, int]] | None, bar: float
                             ) -> tuple[float, tuple[int, int]] | None:
            """A listed phrasing in a passage of several sentences is also judged on its own
            sentence: "모르겠어요. 그건 제 잘못이 아니에요." is *dont-know* and *excuses*, and the
            first fault's words must not talk the second look out of the second."""
            assert reranker is not None
            a0, b0 = spans[i]
            inner = [(a0 + x, a0 + y) for x, y in sentences(text[a0:b0])]
            if len(inner) < 2:
                return taken
            starts = [h.start for h in hits if h.entry_id == label and a0 <= h.start < b0]
            for a, b in inner:
                if not any(a <= h < b for h in starts):
                    continue
                mended = self._mended(text[a:b])
                m = model.margins(mended)
                others = {h.entry_id for h in hits if a <= h.start < b} - {label}
                p = reranker.probability(
                    reranker.text_score(mended) + reranker.entry_score(
                        reranker.entry_base(mended), label),
                    m, k, model.faults, model.steps, True, bool(others))
                if p > bar and (taken is None or p > taken[0]):
                    taken = (p, (a, b))
            return taken

        looked: dict[str, tuple[float, tuple[int, int]]] = {}
        entries = self.matcher.phrasebook.entries
        if reranker is not None:
            judged = [e.id for e in entries if e.id in model.index]
            for label in judged:
                found = second_look(label)
                if found is not None:
                    looked[label] = found
            if looked and t.accept_second < 1.0:
                for label in judged:
                    if label not in looked:
                        found = second_look(label, second=True)
                        if found is not None:
                            looked[label] = found
            self._reply_look(looked, seen, flagged, margins, listed, spans)
            if looked and t.accept_sentence < 1.0:
                self._sentences(text, judged, looked, spans, hits)
        findings = []
        for entry in entries:
            own = [h for h in hits if h.entry_id == entry.id]
            where = [within(h.start) for h in own]
            if reranker is not None and entry.id in model.index:
                if entry.id not in looked:
                    continue
                confidence, span = round(looked[entry.id][0], 3), looked[entry.id][1]
            else:
                taken = best(entry.id, where, t.fault, t.fault_with_phrase)
                if taken is None:
                    continue
                confidence, span = round(model.confidence(taken[0]), 3), spans[taken[1]]
            if own:
                for h in own:
                    line, col = _place(text, h.start)
                    findings.append(Finding(h, entry, line, col, confidence))
            else:
                a, b = self._sentence(text, span, model.index[entry.id])
                hit = Hit(entry.id, "dont_say", text[a:b], a, b)
                findings.append(Finding(hit, entry, *_place(text, a), confidence, False))
        findings.sort(key=lambda f: (f.hit.start, f.entry.id))
        performed = []
        missing = []
        # a step's look-alikes ("I'll tell you what happened") are words that do not do it:
        # where a passage holds one, the step is judged on the passage without them
        alike_at: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for f in found_cues:
            if f.kind == "not_when" and within(f.start) >= 0:
                alike_at.setdefault(f.key, {}).setdefault(within(f.start), []).append(
                    (f.start, f.end))
        for step in self.steps.steps:
            own_cues = [c for c in cues if c.key == step.id]
            rows = None
            if step.id in alike_at and step.id in model.index:
                rows = list(margins)
                for i, cut in alike_at[step.id].items():
                    a, b = spans[i]
                    chars = list(text[a:b])
                    for x, y in cut:
                        chars[max(x, a) - a:min(y, b) - a] = " " * (min(y, b) - max(x, a))
                    rows[i] = model.margins(self._mended("".join(chars)))
            taken = best(step.id, [within(c.start) for c in own_cues], model.step_bar(step.id),
                         t.step_with_phrase, rows)
            if taken is None:
                missing.append(step)
                continue
            confidence = round(model.confidence(taken[0]), 3)
            if own_cues:
                phrase, start = own_cues[0].phrase, own_cues[0].start
            else:
                a, b = self._sentence(text, spans[taken[1]], model.index[step.id])
                phrase, start = text[a:b], a
            performed.append(StepFound(step, phrase, *_place(text, start), confidence))
        return CheckResult(text, tuple(findings), tuple(performed), tuple(missing))


def to_dict(result: CheckResult, source: str, lang: Lang) -> dict[str, object]:
    return {
        "source": source,
        "clean": result.clean,
        "dont_say": [{
            "line": f.line, "column": f.column, "offset": f.hit.start, "text": f.hit.phrase,
            "entry": f.entry.id, "source": f.entry.source, "why": f.entry.why(lang),
            "say_instead": f.entry.say_instead(lang), "confidence": f.confidence,
            "by": "phrase" if f.by_phrase else "sentence",
        } for f in result.findings],
        "steps": [{"step": s.step.id, "order": s.step.order, "name": s.step.name(lang),
                   "line": s.line, "column": s.column, "text": s.phrase,
                   "confidence": s.confidence} for s in result.steps],
        "missing_steps": [{"step": s.id, "order": s.order, "name": s.name(lang)}
                          for s in result.missing],
    }
