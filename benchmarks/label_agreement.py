"""How far two labellers agree on which entries a reply holds, and how the judge compares with
each, on the dev replies labelled a second time, cold (corpus/second-labels/). Prints figures;
asserts nothing.

    python benchmarks/label_agreement.py

For each pair (reference, other): "contains a don't say" alike; by entry, the share of the
other's entries that are the reference's (precision) and of the reference's that the other names
(recall); multi-fault replies of the reference whose faults the other names all of; the whole
entry set alike. The last row is the judge on the replies whose entry sets both labellers agree
on, where label noise cannot be what it misses. Then, by entry, how many of the corpus' labels
the second labeller names and how many the judge names.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from cscoach.content.library import load_library
from cscoach.judge import train
from cscoach.judge.check import Checker
from cscoach.judge.meaning import MeaningModel
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent
Sets = list[set[str]]


def row(name: str, ref: Sets, other: Sets) -> str:
    alike = sum(bool(r) == bool(o) for r, o in zip(ref, other, strict=True))
    right = sum(len(r & o) for r, o in zip(ref, other, strict=True))
    said, want = sum(map(len, other)), sum(map(len, ref))
    multi = [(r, o) for r, o in zip(ref, other, strict=True) if len(r) >= 2]
    named = sum(r <= o for r, o in multi)
    same = sum(r == o for r, o in zip(ref, other, strict=True))
    return (f"| {name} | {len(ref)} | {alike / len(ref):.3f} | {right / max(1, said):.3f} | "
            f"{right / max(1, want):.3f} | {named}/{len(multi)} ({named / max(1, len(multi)):.2f}) "
            f"| {same / len(ref):.3f} |")


def main() -> None:
    corpus = {e.text: set(e.meta["dont_say"]) for e in train.load_corpus()}
    second = [json.loads(line) for path in sorted((ROOT / "corpus" / "second-labels").glob(
        "*.jsonl")) for line in path.read_text("utf-8").splitlines() if line.strip()]
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps,
                      MeaningModel.load())
    first = [corpus[r["text"]] for r in second]
    other = [set(r["dont_say"]) for r in second]
    judge = [{f.entry.id for f in checker.check(r["text"]).findings} for r in second]
    agreed = [i for i, (a, b) in enumerate(zip(first, other, strict=True)) if a == b]
    print("| reference → other | replies | any fault alike | by entry precision | "
          "by entry recall | multi-fault all named | entry set alike |")
    print("|---|---|---|---|---|---|---|")
    print(row("corpus → second labeller", first, other))
    print(row("second labeller → corpus", other, first))
    print(row("corpus → judge", first, judge))
    print(row("second labeller → judge", other, judge))
    print(row("both labellers (where alike) → judge", [first[i] for i in agreed],
              [judge[i] for i in agreed]))
    total: Counter[str] = Counter()
    by_second: Counter[str] = Counter()
    by_judge: Counter[str] = Counter()
    for want, theirs, ours in zip(first, other, judge, strict=True):
        total.update(want)
        by_second.update(want & theirs)
        by_judge.update(want & ours)
    print("\n| entry | corpus labels | named by the second labeller | named by the judge |")
    print("|---|---|---|---|")
    for entry in sorted(total, key=lambda e: (by_second[e] / total[e], e)):
        print(f"| {entry} | {total[entry]} | {by_second[entry] / total[entry]:.2f} | "
              f"{by_judge[entry] / total[entry]:.2f} |")


if __name__ == "__main__":
    main()
