"""Can the quiz be answered without knowing anything? Blind strategies over the whole bank.

    python benchmarks/quiz_blind.py [--json]

Every single-choice and true/false question of the bank (made from the content and written by
trainers), in Korean and in English, is answered by strategies that never think about the
subject: the only option that is not a "don't say" of the phrasebook; the longest; the
shortest; the one sharing most words with the question; the politest; the one most different
from the others (fewest words shared with them); the one most like the others; the middle
number, the largest and the smallest (for options that are numbers); always "true", always
"false". A strategy that cannot tell options apart (a tie) gets the chance share of the tied
options, and a question it does not apply to (no numbers) counts at chance, so every score is
comparable with chance over the same questions. Ordering questions are left out: a blind guess
at an order of 4 or 7 items is right 1 time in 24 or 5,040.

Target (issue 21): every strategy at most 10 percentage points above chance, in both languages.
tests/test_quiz_bank.py enforces it with the same code. The figures are deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cscoach.content.library import Library, load_library  # noqa: E402
from cscoach.content.model import Lang, QType, Question  # noqa: E402
from cscoach.judge.phrases import Matcher  # noqa: E402
from cscoach.quiz.generate import all_questions  # noqa: E402
from cscoach.quiz.generate import content_words as words  # noqa: E402

MARGIN = 10.0  # percentage points above chance a strategy may reach

POLITE: dict[Lang, tuple[str, ...]] = {
    "ko": ("죄송", "감사", "고객님", "드리겠", "드릴게", "드릴까", "주시", "께서", "양해", "부탁",
           "불편", "말씀", "셨", "시겠", "정말", "진심", "습니다", "세요"),
    "en": ("sorry", "thank", "please", "appreciate", "understand", "apolog", "kindly",
           "happy to", "of course", "certainly", "could you", "would you", "may i", "i'll",
           "we'll"),
}
def length(text: str, lang: Lang) -> int:
    """Characters without spaces (Korean) or words (English): what a skimming eye measures."""
    return len(re.sub(r"\s", "", text)) if lang == "ko" else len(text.split())


def politeness(text: str, lang: Lang) -> int:
    low = text.lower()
    return sum(low.count(m) for m in POLITE[lang])


def number(text: str) -> float | None:
    found = re.findall(r"\d+(?:\.\d+)?", text)
    return float(found[0]) if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class Shown:
    """A question as a blind player sees it: its stem and options, and which one is right."""

    id: str
    stem: str
    options: tuple[str, ...]
    right: int
    truefalse: bool


# A strategy scores each option (higher is its pick); None: it does not apply to the question.
Strategy = Callable[[Shown, Lang], Sequence[float] | None]


def _best_credit(scores: Sequence[float], right: int) -> float:
    top = max(scores)
    tied = [i for i, s in enumerate(scores) if s == top]
    return 1 / len(tied) if right in tied else 0.0


def strategies(library: Library) -> dict[str, Strategy]:
    matcher = Matcher(library.phrasebook)

    def not_dont_say(q: Shown, lang: Lang) -> list[float] | None:
        if q.truefalse:
            return None
        return [0.0 if any(h.kind == "dont_say" for h in matcher.match(o)) else 1.0
                for o in q.options]

    def choice(f: Callable[[str, Lang], float]) -> Strategy:
        return lambda q, lang: None if q.truefalse else [f(o, lang) for o in q.options]

    def stem_words(q: Shown, lang: Lang) -> list[float] | None:
        if q.truefalse:
            return None
        stem = words(q.stem, lang)
        return [float(len(words(o, lang) & stem)) for o in q.options]

    def shared_with_others(q: Shown, lang: Lang) -> list[float]:
        sets = [words(o, lang) for o in q.options]
        return [float(sum(len(s & t) for j, t in enumerate(sets) if j != i))
                for i, s in enumerate(sets)]

    def numbers(q: Shown) -> list[float] | None:
        values = [number(o) for o in q.options]
        if q.truefalse or any(v is None for v in values):
            return None
        return [v for v in values if v is not None]

    def middle(q: Shown, lang: Lang) -> list[float] | None:
        values = numbers(q)
        if values is None:
            return None
        ranked = sorted(values)
        mids = {ranked[(len(ranked) - 1) // 2], ranked[len(ranked) // 2]}
        return [1.0 if v in mids else 0.0 for v in values]

    return {
        "only option that is not a don't-say": not_dont_say,
        "longest": choice(lambda o, lang: float(length(o, lang))),
        "shortest": choice(lambda o, lang: -float(length(o, lang))),
        "most words shared with the question": stem_words,
        "politest": choice(lambda o, lang: float(politeness(o, lang))),
        "most different from the others": lambda q, lang: None if q.truefalse else [
            -s for s in shared_with_others(q, lang)],
        "most like the others": lambda q, lang: None if q.truefalse else
        shared_with_others(q, lang),
        "the middle number": middle,
        "the largest number": lambda q, lang: numbers(q),
        "the smallest number": lambda q, lang: None if (v := numbers(q)) is None else [
            -x for x in v],
        "always true": lambda q, lang: [1.0, 0.0] if q.truefalse else None,
        "always false": lambda q, lang: [0.0, 1.0] if q.truefalse else None,
    }


def shown(q: Question, lang: Lang) -> Shown | None:
    if q.type is QType.SINGLE:
        assert isinstance(q.correct, int)
        return Shown(q.id, q.prompt(lang), tuple(o(lang) for o in q.options), q.correct, False)
    if q.type is QType.TRUEFALSE:
        return Shown(q.id, q.prompt(lang), ("true", "false"), 0 if q.correct else 1, True)
    return None


@dataclass(frozen=True, slots=True)
class Score:
    strategy: str
    lang: Lang
    questions: int
    applies: int  # questions where the strategy could pick (the rest count at chance)
    score: float  # percent
    chance: float  # percent

    @property
    def above(self) -> float:
        return self.score - self.chance


def blind_scores(library: Library, questions: list[Question] | None = None) -> list[Score]:
    questions = all_questions(library) if questions is None else questions
    out = []
    for lang in ("ko", "en"):
        bank = [s for q in questions if (s := shown(q, lang)) is not None]
        for name, strategy in strategies(library).items():
            got = chance = 0.0
            applies = 0
            for q in bank:
                fair = 1 / len(q.options)
                chance += fair
                scores = strategy(q, lang)
                if scores is None:
                    got += fair
                else:
                    applies += 1
                    got += _best_credit(scores, q.right)
            n = len(bank)
            out.append(Score(name, lang, n, applies, 100 * got / n, 100 * chance / n))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    scores = blind_scores(load_library())
    if args.json:
        print(json.dumps([{"strategy": s.strategy, "lang": s.lang, "questions": s.questions,
                           "applies": s.applies, "score": round(s.score, 1),
                           "chance": round(s.chance, 1), "above": round(s.above, 1)}
                          for s in scores], ensure_ascii=False, indent=2))
        return
    print(f"{'strategy':40} lang  applies/questions  score  chance  above")
    for s in scores:
        flag = "" if s.above <= MARGIN else "  OVER"
        print(f"{s.strategy:40} {s.lang:4}  {s.applies:3}/{s.questions:<3}            "
              f"{s.score:5.1f}%  {s.chance:5.1f}%  {s.above:+5.1f}{flag}")
    worst = max(scores, key=lambda s: s.above)
    print(f"\nworst: {worst.strategy} ({worst.lang}) {worst.above:+.1f} points above chance "
          f"(target: at most +{MARGIN:g})")


if __name__ == "__main__":
    main()
