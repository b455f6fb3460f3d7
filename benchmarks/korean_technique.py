"""Why Korean "don't say" phrasings are matched by normalisation and a sound key, not by a
morphological analyser: both techniques on the Korean replies of tests/data/replies.yaml, with
precision, recall, replies per second and start-up time. Prints figures; asserts nothing.

    pip install kiwipiepy        # only for this comparison; cscoach does not need it
    python benchmarks/korean_technique.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import yaml

from cscoach.content.library import load_library
from cscoach.judge.phrases import Matcher

ROOT = Path(__file__).resolve().parent.parent
Detect = Callable[[str], set[str]]


def score(detect: Detect, replies: list[dict[str, object]]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    misses = []
    for r in replies:
        found = detect(str(r["text"]))
        want = set(r.get("dont_say") or [])  # type: ignore[call-overload]
        tp += len(found & want)
        fp += len(found - want)
        fn += len(want - found)
        misses += [f"missed {e}: {r['text']}" for e in want - found]
        misses += [f"false alarm {e}: {r['text']}" for e in found - want]
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, misses)


def kiwi_detector(phrasebook) -> Detect:  # type: ignore[no-untyped-def]
    """Phrasings and text as lemma sequences (endings, particles and punctuation left out); a
    phrasing is found where its lemmas appear in a row, unless a look-alike of its entry is."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def lemmas(text: str) -> tuple[str, ...]:
        return tuple(t.form for t in kiwi.tokenize(text) if t.tag[0] not in "EJS")

    def contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
        n = len(part)
        return bool(n) and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))

    entries = [(e.id, [lemmas(p) for p in e.dont_say.get("ko", ())],
                [lemmas(p) for p in e.not_when.get("ko", ())]) for e in phrasebook.entries]

    def detect(text: str) -> set[str]:
        seq = lemmas(text)
        return {eid for eid, says, nots in entries
                if any(contains(seq, p) for p in says) and not any(contains(seq, p) for p in nots)}

    return detect


def main() -> None:
    replies = yaml.safe_load((ROOT / "tests" / "data" / "replies.yaml").read_text("utf-8"))
    korean = [r for r in replies["replies"] if r["lang"] == "ko"]
    slips = [r for r in korean if r.get("typo")]
    phrasebook = load_library().phrasebook
    start = time.perf_counter()
    matcher = Matcher(phrasebook, mend_slips=True)
    matcher.match("준비")
    shipped_load = time.perf_counter() - start

    def shipped(text: str) -> set[str]:
        return {h.entry_id for h in matcher.find_all(text) if h.kind == "dont_say"}

    techniques: list[tuple[str, Detect, float]] = [
        ("normalisation + sound key (shipped)", shipped, shipped_load)]
    try:
        start = time.perf_counter()
        kiwi = kiwi_detector(phrasebook)
        kiwi("준비")
        techniques.append(("kiwipiepy lemmas", kiwi, time.perf_counter() - start))
    except ImportError:
        print("kiwipiepy is not installed (pip install kiwipiepy): only the shipped technique")
    print(f"{len(korean)} Korean replies, {len(slips)} of them with typing slips")
    for name, detect, load in techniques:
        p, r, _ = score(detect, korean)
        _, r_slips, misses = score(detect, slips)
        texts = [str(x["text"]) for x in korean]
        rounds = 20
        t0 = time.perf_counter()
        for k in range(rounds):
            for t in texts:
                detect(f"{t} {k}")
        rate = rounds * len(texts) / (time.perf_counter() - t0)
        print(f"{name:>36}: precision {p:.3f}  recall {r:.3f}  recall on slips {r_slips:.3f}  "
              f"{rate:,.0f} replies/s  start-up {load * 1000:,.0f} ms")
        for m in misses[:6]:
            print(f"{'':>38}{m}")


if __name__ == "__main__":
    main()
