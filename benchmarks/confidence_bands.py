"""How far the judge's confidence can be trusted, on the corpus' dev split (voices 1-21, never
trained on): for each band of confidence, how often the entry it names is one the reply is
labelled with, and how often the reply holds some fault at all. A finding here is an entry the
judge names in a reply (its highest confidence in that reply), not each place it is found.
Prints figures; asserts nothing.

    python benchmarks/confidence_bands.py

`check.SURE` (0.85) is where the reports start saying how sure the judge is.
"""

from __future__ import annotations

from cscoach.content.library import load_library
from cscoach.judge import train
from cscoach.judge.check import SURE, Checker
from cscoach.judge.phrases import Matcher

BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, SURE), (SURE, 0.95), (0.95, 1.01))


def main() -> None:
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps)
    counts = {band: [0, 0, 0] for band in BANDS}  # findings, entry right, reply has a fault
    for e in train.load_corpus():
        if not train.is_dev(e.text) or int(e.voice.removeprefix("voice")) > 21:
            continue
        want = set(e.meta["dont_say"])
        best: dict[str, float] = {}
        for f in checker.check(e.text).findings:
            best[f.entry.id] = max(best.get(f.entry.id, 0.0), f.confidence)
        for entry, confidence in best.items():
            band = next(b for b in BANDS if b[0] <= confidence < b[1])
            counts[band][0] += 1
            counts[band][1] += entry in want
            counts[band][2] += bool(want)
    print("| confidence | findings | entry named is right | reply holds some fault |")
    print("|---|---|---|---|")
    for (low, high), (n, right, some) in counts.items():
        print(f"| {low:.2f}-{min(high, 1.0):.2f} | {n} | {right / max(1, n):.2f} | "
              f"{some / max(1, n):.2f} |")


if __name__ == "__main__":
    main()
