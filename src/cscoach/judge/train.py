"""Trains the meaning judge (judge/model.npz) from corpus/ and the phrasebook, reproducibly:

    pip install -e '.[train]'
    python -m cscoach.judge.train [--out src/cscoach/judge/model.npz]

One linear SVM per label (18 "don't say" entries, seven steps), one-vs-rest, on TF-IDF weighted
words, word pairs and letter n-grams (`cscoach.judge.features`); the dev split (CRC-32 of the
text mod 5 == 0) is never trained on. scikit-learn is needed here only, never at run time."""

from __future__ import annotations

import argparse
import json
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cscoach.content.model import Phrasebook, StepCatalog
from cscoach.judge.features import features
from cscoach.judge.meaning import MODEL_FILE, MeaningModel, Thresholds

STEP_IDS = ("greet", "listen", "ask", "empathize", "resolve", "check", "follow_up")
ROOT = Path(__file__).resolve().parents[3]
SEED = 20240611
C = 0.3  # chosen on the dev split (docs/free-text.md)
MIN_DF = 2  # a feature seen in one training text only is left out (half the file, same marks)
# Margins chosen on the dev split by benchmarks/judge_technique.py (docs/free-text.md).
THRESHOLDS = Thresholds(fault=0.5, fault_with_phrase=0.0, step=0.25, step_with_phrase=0.0)


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: frozenset[str]
    voice: str = ""
    lang: str = ""
    hard: bool = False
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def is_dev(text: str) -> bool:
    return zlib.crc32(text.encode("utf-8")) % 5 == 0


def load_corpus(folder: Path | None = None) -> list[Example]:
    folder = folder if folder is not None else ROOT / "corpus"
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        voice = path.stem.split("-")[0]
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append(Example(r["text"], frozenset(r["dont_say"]) | frozenset(r["steps"]),
                                   voice, r["lang"], bool(r.get("hard")), r))
    return out


def from_phrasebook(phrasebook: Phrasebook, steps: StepCatalog) -> list[Example]:
    """Each listed phrasing as a short example of its entry, each look-alike (`not_when`) as a
    clean one, each step cue as an example of its step."""
    out = []
    for entry in phrasebook.entries:
        for phrases in entry.dont_say.values():
            out += [Example(p, frozenset({entry.id})) for p in phrases]
        for phrases in entry.not_when.values():
            out += [Example(p, frozenset()) for p in phrases]
    for step in steps.steps:
        for phrases in step.cues.values():
            out += [Example(p, frozenset({step.id})) for p in phrases]
    return out


def labels_of(phrasebook: Phrasebook) -> tuple[str, ...]:
    return tuple(sorted(e.id for e in phrasebook.entries)) + STEP_IDS


def _matrix(texts: Sequence[str], vocabulary: dict[str, int], idf: Any) -> Any:
    import numpy as np
    import scipy.sparse as sp

    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    for text in texts:
        row: dict[int, float] = {}
        for name, n in Counter(features(text)).items():
            j = vocabulary.get(name)
            if j is not None:
                row[j] = (1.0 + float(np.log(n))) * float(idf[j])
        norm = float(np.sqrt(sum(v * v for v in row.values()))) or 1.0
        for j in sorted(row):
            indices.append(j)
            values.append(row[j] / norm)
        indptr.append(len(indices))
    return sp.csr_matrix((np.array(values, dtype=np.float64), indices, indptr),
                         shape=(len(texts), len(vocabulary)))


def _fit_svms(x: Any, y: Any, c: float) -> tuple[Any, Any]:
    import numpy as np
    from sklearn.svm import LinearSVC

    weights = []
    bias = []
    for k in range(y.shape[1]):
        if y[:, k].any():
            svm = LinearSVC(C=c, class_weight="balanced", random_state=SEED, max_iter=5000)
            svm.fit(x, y[:, k])
            weights.append(svm.coef_[0])
            bias.append(svm.intercept_[0])
        else:
            weights.append(np.zeros(x.shape[1]))
            bias.append(-1.0)
    return np.vstack(weights).T, np.array(bias)


def fit(examples: Iterable[Example], labels: Sequence[str], c: float = C,
        min_df: int = MIN_DF, thresholds: Thresholds = THRESHOLDS,
        platt: tuple[float, float] | None = None) -> MeaningModel:
    """A model trained on `examples` (Platt scaling by 3-fold cross-validation unless given)."""
    import numpy as np

    data = list(examples)
    texts = [e.text for e in data]
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(features(text)))
    names = sorted(name for name, n in df.items() if n >= min_df)
    vocabulary = {name: i for i, name in enumerate(names)}
    idf = np.array([np.log((1 + len(texts)) / (1 + df[n])) + 1 for n in names])
    x = _matrix(texts, vocabulary, idf)
    y = np.array([[label in e.labels for label in labels] for e in data], dtype=np.int8)
    weights, bias = _fit_svms(x, y, c)
    if platt is None:
        platt = _platt(x, y, c)
    return MeaningModel(tuple(labels), vocabulary, idf.astype(np.float16).astype(np.float32),
                        weights.astype(np.float16).astype(np.float32),
                        bias.astype(np.float32), thresholds, platt)


def _platt(x: Any, y: Any, c: float) -> tuple[float, float]:
    """One sigmoid for all labels, fitted on margins of texts each fold did not train on."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    fold = np.arange(x.shape[0]) % 3
    margins = []
    truth = []
    for f in range(3):
        w, b = _fit_svms(x[fold != f], y[fold != f], c)
        margins.append((x[fold == f] @ w + b).ravel())
        truth.append(y[fold == f].ravel())
    lr = LogisticRegression(C=1.0, random_state=SEED)
    lr.fit(np.concatenate(margins).reshape(-1, 1), np.concatenate(truth))
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def save(model: MeaningModel, path: Path) -> None:
    import numpy as np

    names = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    t = model.thresholds
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            features=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            labels=np.frombuffer("\n".join(model.labels).encode("utf-8"), dtype=np.uint8),
            idf=model.idf.astype(np.float16),
            weights=model.weights.astype(np.float16),
            bias=model.bias.astype(np.float32),
            thresholds=np.array([t.fault, t.fault_with_phrase, t.step, t.step_with_phrase],
                                dtype=np.float32),
            platt=np.array(model.platt, dtype=np.float32))


def training_set(phrasebook: Phrasebook, steps: StepCatalog,
                 corpus: list[Example] | None = None) -> list[Example]:
    """What the shipped model learns from: the corpus outside the dev split, and the
    phrasebook's phrasings and cues."""
    corpus = corpus if corpus is not None else load_corpus()
    return [e for e in corpus if not is_dev(e.text)] + from_phrasebook(phrasebook, steps)


def main(argv: list[str] | None = None) -> None:
    from cscoach.content.library import load_library

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL_FILE))
    args = parser.parse_args(argv)
    library = load_library(ROOT)
    data = training_set(library.phrasebook, library.steps)
    model = fit(data, labels_of(library.phrasebook))
    save(model, args.out)
    print(f"{args.out}: {len(model.vocabulary):,} features x {len(model.labels)} labels, "
          f"trained on {len(data):,} texts, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
