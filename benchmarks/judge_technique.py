"""Which technique judges replies best, measured: the phrase matcher alone (cscoach before the
meaning judge), the linear model alone, and the hybrid that ships (the model decides; a listed
phrasing lowers its bar and points at the words). On the corpus' dev split, leave-one-voice-out
(trained on three voices, measured on the fourth) and tests/data/replies.yaml (another hand,
never tuned on). Then the thresholds around the shipped ones on dev, and speed. Prints figures;
asserts nothing.

    pip install -e '.[train]'
    python benchmarks/judge_technique.py [--verbose] [--sweep]
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from cscoach.content.library import load_library
from cscoach.judge import train
from cscoach.judge.check import Checker
from cscoach.judge.check_eval import Judged, checker_detect, judge_replies
from cscoach.judge.meaning import MeaningModel, Thresholds
from cscoach.judge.phrases import Matcher, PhraseIndex, has_hangul

ROOT = Path(__file__).resolve().parent.parent
Detect = Callable[[str], tuple[set[str], set[str]]]
STEPS = set(train.STEP_IDS)

_QUESTION_END = re.compile(r"(?:[?？]|까요|나요|습니까)\s*$")
_SENTENCE = re.compile(r"[^.!?？。\n]+[.!?？。]*")


def matcher_detect(checker: Checker) -> Detect:
    """The phrase matcher as it was: listed phrasings, step cues, and a question as "ask" unless
    it is a satisfaction check, a summary, a feeling or too short."""
    matcher = checker.matcher
    cues: PhraseIndex = checker._cues

    def too_short(sentence: str) -> bool:
        if has_hangul(sentence):
            return len(sentence.replace(" ", "")) < 7
        return len(sentence.split()) < 3

    def detect(text: str) -> tuple[set[str], set[str]]:
        found = {h.entry_id for h in matcher.find_all(text) if h.kind == "dont_say"}
        steps = {f.key for f in cues.find(text)}
        if "ask" not in steps:
            for m in _SENTENCE.finditer(text):
                s = m.group().strip()
                if s and _QUESTION_END.search(s) and not too_short(s) and not any(
                        f.key in ("check", "listen", "empathize") for f in cues.find(s)):
                    steps.add("ask")
                    break
        return found, steps
    return detect


def with_thresholds(model: MeaningModel, t: Thresholds) -> MeaningModel:
    copy = MeaningModel(model.labels, model.vocabulary, model.idf, model.weights, model.bias, t,
                        model.platt, model.reranker, model.step_bars, model.reply_look)
    return copy


def model_only(model: MeaningModel) -> MeaningModel:
    t = model.thresholds
    return with_thresholds(model, dataclasses.replace(
        t, fault_with_phrase=t.fault, step_with_phrase=t.step, accept_with_phrase=t.accept))


def one_bar(model: MeaningModel) -> MeaningModel:
    """The SVMs alone with the phrase list, no second look (the judge before it)."""
    copy = with_thresholds(model, model.thresholds)
    copy.reranker = None
    return copy


def without_new_bars(model: MeaningModel) -> MeaningModel:
    """The second look as it shipped before the second-fault bar and the reply-level look."""
    return with_thresholds(model, dataclasses.replace(model.thresholds, accept_second=1.0,
                                                      accept_reply=1.0))


def row(name: str, part: str, s: Judged) -> str:
    return (f"| {name} | {part} | {s.replies} | {s.precision:.3f} | {s.recall:.3f} | "
            f"{s.min_entry_recall:.2f} | {s.all_named:.2f} | {s.step_exact:.2f} | "
            f"{s.min_step_precision:.2f} |")


def as_cases(examples: list[train.Example]) -> list[tuple[str, set[str], set[str]]]:
    return [(e.text, set(e.labels - STEPS), set(e.labels & STEPS)) for e in examples]


def main() -> None:
    verbose = "--verbose" in sys.argv
    library = load_library()
    matcher = Matcher(library.phrasebook, mend_slips=True)
    labels = train.labels_of(library.phrasebook)
    corpus = train.load_corpus()
    dev = [e for e in corpus if train.is_dev(e.text)]
    other = yaml.safe_load((ROOT / "tests" / "data" / "replies.yaml").read_text("utf-8"))
    other_cases = [(r["text"], set(r["dont_say"]), set(r["steps"])) for r in other["replies"]]
    shipped = MeaningModel.load()
    extra = train.from_phrasebook(library.phrasebook, library.steps)
    voices = sorted({e.voice for e in corpus})
    start = time.perf_counter()
    by_voice = {v: train.fit([e for e in corpus if e.voice != v and not train.is_dev(e.text)]
                             + extra, labels) for v in voices}
    print(f"({len(voices)} leave-one-voice-out models trained in "
          f"{time.perf_counter() - start:.1f} s)\n")

    def techniques(model: MeaningModel) -> dict[str, Detect]:
        return {
            "phrase matcher": matcher_detect(Checker(matcher, library.steps, model)),
            "linear model": checker_detect(Checker(matcher, library.steps, model_only(model))),
            "SVMs + phrases, one bar 0.5": checker_detect(Checker(matcher, library.steps,
                                                                  one_bar(model))),
            "second look, no second-fault bar or reply look": checker_detect(
                Checker(matcher, library.steps, without_new_bars(model))),
            "hybrid + second look + reply look (shipped)": checker_detect(
                Checker(matcher, library.steps, model)),
        }

    print("| technique | measured on | replies | precision | recall | min entry recall | "
          "multi-fault all named | steps exact | min step precision |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in techniques(shipped):
        s = judge_replies(techniques(shipped)[name], as_cases(dev))
        print(row(name, "dev", s))
        if verbose and name.startswith("hybrid"):
            print("   per entry: " + ", ".join(f"{e} {r:.2f}"
                                              for e, r in s.entry_recall().items()))
            print("   step precision: " + ", ".join(f"{e} {r:.2f}"
                                                   for e, r in s.step_precision().items()))
        pooled = Judged()
        for v in voices:
            part = judge_replies(techniques(by_voice[v])[name],
                                 as_cases([e for e in corpus if e.voice == v]))
            pooled = _pool(pooled, part)
        print(row(name, "leave-one-voice-out", pooled))
        s = judge_replies(techniques(shipped)[name], other_cases)
        print(row(name, "replies.yaml", s))
        if verbose and name.startswith("hybrid"):
            print("   " + "\n   ".join(s.misses))
    if "--sweep" in sys.argv:
        t0 = shipped.thresholds
        print("\nthe second look's bars on dev (accept, second fault, reply-level look):")
        for acc in (0.7, 0.76, 0.8, 0.85, 0.9):
            for sec in (0.4, 0.5, 0.6, 1.0):
                for rep in (0.8, 0.85, 0.9, 0.93, 0.95, 1.0):
                    t = dataclasses.replace(t0, accept=acc, accept_second=sec, accept_reply=rep)
                    s = judge_replies(checker_detect(Checker(matcher, library.steps,
                                                             with_thresholds(shipped, t))),
                                      as_cases(dev))
                    print(f"   accept {acc:.2f} second {sec:.2f} reply {rep:.2f}: precision "
                          f"{s.precision:.3f} recall {s.recall:.3f} min entry "
                          f"{s.min_entry_recall:.2f} all named {s.all_named:.2f}", flush=True)
        print("\nthresholds on dev (fault, fault with phrase, step, step with phrase):")
        for f in (-0.3, -0.2, -0.1, -0.05, 0.0, 0.1):
            for fp in (-0.8, -0.6, -0.4):
                t = dataclasses.replace(t0, fault=f, fault_with_phrase=fp)
                s = judge_replies(checker_detect(Checker(matcher, library.steps,
                                                         with_thresholds(shipped, t))),
                                  as_cases(dev))
                print(f"   fault {f:+.2f} / {fp:+.2f}: precision {s.precision:.3f} recall "
                      f"{s.recall:.3f} min entry {s.min_entry_recall:.2f} all named "
                      f"{s.all_named:.2f}")
        for st in (0.0, 0.15, 0.25, 0.35, 0.5):
            for sp in (-0.5, -0.3, 0.0):
                t = dataclasses.replace(t0, step=st, step_with_phrase=sp)
                s = judge_replies(checker_detect(Checker(matcher, library.steps,
                                                         with_thresholds(shipped, t))),
                                  as_cases(dev))
                print(f"   step {st:+.2f} / {sp:+.2f}: exact {s.step_exact:.3f} "
                      f"min precision {s.min_step_precision:.2f} " + " ".join(
                          f"{k}={v:.2f}" for k, v in s.step_precision().items()))
    checker = Checker(matcher, library.steps, shipped)
    texts = [e.text for e in corpus]
    start = time.perf_counter()
    for i, text in enumerate(texts):
        checker.check(f"{text} ({i})")
    per_s = len(texts) / (time.perf_counter() - start)
    print(f"\nthroughput: {per_s:,.0f} replies/s on one core (hybrid, {len(texts):,} replies)")
    for n in (1, 10, 100, 1000):
        text = "\n".join(texts[:n])
        start = time.perf_counter()
        checker.check(text)
        print(f"   one text of {n:>4} replies ({len(text):>7,} chars): "
              f"{1000 * (time.perf_counter() - start):8.1f} ms")


def _pool(a: Judged, b: Judged) -> Judged:
    out = Judged()
    for f in dataclasses.fields(Judged):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, dict):
            setattr(out, f.name, {k: x.get(k, 0) + y.get(k, 0) for k in x.keys() | y.keys()})
        else:
            setattr(out, f.name, x + y)
    return out


if __name__ == "__main__":
    main()
