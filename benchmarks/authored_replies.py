"""The scenarios' right replies, read by the judge as if a trainee had typed them: how many it
flags with a "don't say" (each a false alarm), and where. The scenarios were written by other
hands than the corpus, and the judge is never trained on them, so this is a measure of
precision on writing it has not seen. Prints figures; asserts nothing.

    python benchmarks/authored_replies.py [--verbose]

A right reply: one that raises the customer's mood, performs at least one of the seven steps,
and neither breaks a lesson nor exercises a phrasebook entry (`breaks`, `phrases`), in Korean
and in English. (A trap that pleases the customer for now, "The front page is guaranteed", has
no steps.) A composed message counts once
per set of parts the author wrote, so one flagged part can flag several; the distinct
sentences flagged are counted too.
"""

from __future__ import annotations

import sys
from collections import Counter

from cscoach.content.library import load_library
from cscoach.judge.check import Checker
from cscoach.judge.phrases import Matcher


def main() -> None:
    verbose = "--verbose" in sys.argv
    library = load_library()
    checker = Checker(Matcher(library.phrasebook, mend_slips=True), library.steps)
    replies = flagged = 0
    by_entry: Counter[str] = Counter()
    by_lang: Counter[str] = Counter()
    per_lang: Counter[str] = Counter()
    sentences: set[tuple[str, str]] = set()  # (entry, the words it was found in)
    for scenario in sorted(library.all_scenarios(), key=lambda s: s.id):
        for node in scenario.nodes.values():
            for choice in node.choices:
                if choice.mood <= 0 or not choice.steps or choice.phrases or choice.breaks:
                    continue
                for lang in ("ko", "en"):
                    text = getattr(choice.says, lang)
                    replies += 1
                    per_lang[lang] += 1
                    findings = checker.check(text).findings
                    if not findings:
                        continue
                    flagged += 1
                    by_lang[lang] += 1
                    by_entry.update({f.entry.id for f in findings})
                    sentences.update((f.entry.id, f.hit.phrase) for f in findings)
                    if verbose:
                        for f in findings:
                            print(f"  {scenario.id} {lang} {f.entry.id} {f.confidence:.2f}: "
                                  f"{f.hit.phrase[:120]}")
    print(f"right replies of the scenarios: {replies}; flagged {flagged} "
          f"({flagged / max(1, replies):.3f}): Korean {by_lang['ko']} of {per_lang['ko']}, "
          f"English {by_lang['en']} of {per_lang['en']}")
    print(f"distinct sentences flagged: {len(sentences)} "
          f"({sum(any('가' <= ch <= '힣' for ch in p) for _, p in sentences)} of them Korean)")
    print("entries named: " + ", ".join(f"{e} {n}" for e, n in by_entry.most_common()))


if __name__ == "__main__":
    main()
