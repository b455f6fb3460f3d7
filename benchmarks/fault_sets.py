"""How far the judge can name *all* the faults of a reply that has several, measured on the
corpus' dev split (never trained on). Prints figures; asserts nothing.

    python benchmarks/fault_sets.py [--all-voices]

1. The shipped judge: multi-fault replies with all faults named, and by entry how many of the
   entries it names are right (an extra wrong entry still counts as "all named").
2. What taking more entries would buy, once one is taken: every further entry whose second-look
   probability on a passage, or on one of its clauses, is above a lower bar.
3. The ceiling of the judge's own ranking: told how many faults each reply has (which the judge
   is never told), name that many, the likeliest first, by the second look or by the first
   model's margins (whole passage, or its best clause). If this stays far below the target,
   no bar or decision rule on top of these scores can reach it.
4. How deep the missing faults sit in that ranking: the share of multi-fault replies whose
   faults are all among the likeliest N + k (N their number), and which entries are missed.

By default dev is voices 1-21's 2,121 replies, the set docs/free-text.md compares techniques on.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from cscoach.content.library import load_library
from cscoach.judge import train
from cscoach.judge.check import Checker, passages
from cscoach.judge.features import clauses
from cscoach.judge.meaning import MeaningModel
from cscoach.judge.phrases import Matcher


@dataclass
class Read:
    want: set[str]
    found: set[str]
    passage: dict[str, float]  # the second look's probability, highest over the passages
    clause: dict[str, float]  # ... over the passages' clauses
    margin: dict[str, float]  # the first model's margin, highest over the passages
    clause_margin: dict[str, float]  # ... over the clauses


def read_all(checker: Checker, texts_and_labels: list[tuple[str, set[str]]]) -> list[Read]:
    model = checker.model
    reranker = model.reranker
    assert reranker is not None
    faults = [model.labels[k] for k in model.faults]

    def look(text: str) -> tuple[dict[str, float], dict[str, float]]:
        mended = checker._mended(text)
        margins = model.margins(mended)
        score = reranker.text_score(mended)
        base = reranker.entry_base(mended)
        hits = {h.entry_id for h in checker.matcher.find_all(text) if h.kind == "dont_say"}
        probs = {label: reranker.probability(
            score + reranker.entry_score(base, label), margins, model.index[label],
            model.faults, model.steps, label in hits, bool(hits - {label})) for label in faults}
        return probs, {label: float(margins[model.index[label]]) for label in faults}

    out = []
    for text, want in texts_and_labels:
        found = {f.entry.id for f in checker.check(text).findings}
        r = Read(want, found, dict.fromkeys(faults, 0.0), dict.fromkeys(faults, 0.0),
                 dict.fromkeys(faults, -9.0), dict.fromkeys(faults, -9.0))
        for a, b in passages(text):
            probs, margins = look(text[a:b])
            for label in faults:
                r.passage[label] = max(r.passage[label], probs[label])
                r.margin[label] = max(r.margin[label], margins[label])
            for x, y in clauses(text[a:b]):
                probs, margins = look(text[a + x:a + y])
                for label in faults:
                    r.clause[label] = max(r.clause[label], probs[label])
                    r.clause_margin[label] = max(r.clause_margin[label], margins[label])
        out.append(r)
    return out


def score_sets(reads: list[Read], name: Callable[[Read], set[str]]) -> tuple[float, float]:
    """(all faults named in multi-fault replies, share of named entries that are right)."""
    several = named = right = said = 0
    for r in reads:
        got = name(r)
        right += len(got & r.want)
        said += len(got)
        if len(r.want) >= 2:
            several += 1
            named += r.want <= got
    return named / several if several else 1.0, right / said if said else 1.0


def main() -> None:
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps,
                      MeaningModel.load())
    every = "--all-voices" in sys.argv
    dev = [e for e in train.load_corpus() if train.is_dev(e.text)
           and (every or int(e.voice.removeprefix("voice")) <= 21)]
    reads = read_all(checker, [(e.text, set(e.meta["dont_say"])) for e in dev])
    multi = sum(len(r.want) >= 2 for r in reads)
    print(f"dev: {len(reads)} replies, {multi} with two faults or more\n")
    print("| decision | all named | named entries right |")
    print("|---|---|---|")
    a, p = score_sets(reads, lambda r: r.found)
    print(f"| shipped judge | {a:.3f} | {p:.3f} |")
    for bar_p, bar_c in ((0.5, 1.0), (0.4, 1.0), (0.3, 1.0), (0.5, 0.6), (0.4, 0.5),
                         (0.3, 0.4), (0.2, 0.3)):
        def more(r: Read, bp: float = bar_p, bc: float = bar_c) -> set[str]:
            if not r.found:
                return r.found
            return r.found | {k for k in r.passage if r.passage[k] > bp or r.clause[k] > bc}
        a, p = score_sets(reads, more)
        print(f"| once one is taken, also any entry above {bar_p} on a passage"
              f"{f' or {bar_c} on a clause' if bar_c < 1 else ''} | {a:.3f} | {p:.3f} |")
    rankings: dict[str, Callable[[Read, str], float]] = {
        "second look, passage": lambda r, k: r.passage[k],
        "second look, passage or clause": lambda r, k: max(r.passage[k], r.clause[k]),
        "first model's margin, passage": lambda r, k: r.margin[k],
        "first model's margin, passage or clause": lambda r, k: max(r.margin[k],
                                                                     r.clause_margin[k]),
    }
    for label, rank in rankings.items():
        def top(r: Read, rank: Callable[[Read, str], float] = rank) -> set[str]:
            return set(sorted(r.passage, key=lambda k: (-rank(r, k), k))[:len(r.want)])
        a, p = score_sets([r for r in reads if len(r.want) >= 2], top)
        print(f"| told the number of faults: the likeliest by {label} | {a:.3f} | {p:.3f} |")
    several = [r for r in reads if len(r.want) >= 2]
    best = rankings["second look, passage or clause"]
    missed: Counter[str] = Counter()
    print("\nby the second look on passage or clause, all faults among the likeliest N + k:")
    for extra in (0, 1, 2, 3, 5):
        inside = 0
        for r in several:
            order = sorted(r.passage, key=lambda k: (-best(r, k), k))
            inside += r.want <= set(order[:len(r.want) + extra])
            if extra == 0:
                missed.update(r.want - set(order[:len(r.want)]))
        print(f"   k = {extra}: {inside / len(several):.3f}")
    print("missed among the likeliest N: " + ", ".join(f"{e} {n}" for e, n in missed.most_common()))


if __name__ == "__main__":
    main()
