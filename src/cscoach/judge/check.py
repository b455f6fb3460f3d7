"""A linter for customer-service replies: the phrasebook's "don't say" and the seven steps, on
any text a person writes (Korean, English or both). Pure: text in, findings out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cscoach.content.model import Lang, PhraseEntry, Step, StepCatalog
from cscoach.judge.phrases import Hit, Matcher, PhraseIndex, has_hangul

MAX_BYTES = 1_000_000  # a reply, an email draft or a macro file; more is refused, not read

_QUESTION_END = re.compile(r"(?:[?？]|까요|나요|습니까)\s*$")  # Korean asks without "?" too
_SENTENCE = re.compile(r"[^.!?？。\n]+[.!?？。]*")


@dataclass(frozen=True, slots=True)
class Finding:
    """One "don't say" in the text, placed by line and column (both 1-based)."""

    hit: Hit
    entry: PhraseEntry
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class StepFound:
    step: Step
    phrase: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class CheckResult:
    text: str
    findings: tuple[Finding, ...]
    steps: tuple[StepFound, ...]  # in Carnegie order, one per step performed
    missing: tuple[Step, ...]  # the steps a complete reply would also have

    @property
    def clean(self) -> bool:
        return not self.findings


def _too_short(sentence: str) -> bool:
    if has_hangul(sentence):
        return len(sentence.replace(" ", "")) < 7
    return len(sentence.split()) < 3


def _place(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


class Checker:
    """The phrasebook matcher plus an index of the step cues."""

    def __init__(self, matcher: Matcher, steps: StepCatalog) -> None:
        self.matcher = matcher
        self.steps = steps
        self._cues = PhraseIndex(matcher.index.mend_slips)
        for step in steps.steps:
            for phrases in step.cues.values():
                for phrase in phrases:
                    self._cues.add(step.id, "cue", phrase)

    def step_hits(self, text: str) -> dict[str, tuple[str, int]]:
        """Each step performed in `text`: the phrasing that shows it and where it starts."""
        found: dict[str, tuple[str, int]] = {}
        for f in self._cues.find(text):
            found.setdefault(f.key, (f.phrase, f.start))
        if "ask" not in found:
            # A question asks for information unless it is a satisfaction check, a summary
            # ("may I sum up?"), a feeling ("you waited long, didn't you?") or too short to ask
            # anything ("Honestly?").
            for m in _SENTENCE.finditer(text):
                sentence = m.group().strip()
                if not sentence or not _QUESTION_END.search(sentence) or _too_short(sentence):
                    continue
                if any(f.key in ("check", "listen", "empathize")
                       for f in self._cues.find(sentence)):
                    continue
                found["ask"] = (sentence, m.start() + m.group().index(sentence[0]))
                break
        return found

    def check(self, text: str) -> CheckResult:
        findings = []
        for hit in self.matcher.find_all(text):
            if hit.kind == "dont_say":
                line, col = _place(text, hit.start)
                findings.append(Finding(hit, self.matcher.phrasebook.get(hit.entry_id), line, col))
        hits = self.step_hits(text)
        performed = []
        missing = []
        for step in self.steps.steps:
            if step.id in hits:
                phrase, start = hits[step.id]
                performed.append(StepFound(step, phrase, *_place(text, start)))
            else:
                missing.append(step)
        return CheckResult(text, tuple(findings), tuple(performed), tuple(missing))


def to_dict(result: CheckResult, source: str, lang: Lang) -> dict[str, object]:
    return {
        "source": source,
        "clean": result.clean,
        "dont_say": [{
            "line": f.line, "column": f.column, "offset": f.hit.start, "text": f.hit.phrase,
            "entry": f.entry.id, "source": f.entry.source, "why": f.entry.why(lang),
            "say_instead": f.entry.say_instead(lang),
        } for f in result.findings],
        "steps": [{"step": s.step.id, "order": s.step.order, "name": s.step.name(lang),
                   "line": s.line, "column": s.column, "text": s.phrase} for s in result.steps],
        "missing_steps": [{"step": s.id, "order": s.order, "name": s.name(lang)}
                          for s in result.missing],
    }
