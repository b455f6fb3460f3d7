"""Trains the meaning judge (judge/model.npz) from corpus/ and the phrasebook, reproducibly:

    pip install -e '.[train]'
    python -m cscoach.judge.train [--out src/cscoach/judge/model.npz]

One linear SVM per label (18 "don't say" entries, seven steps), one-vs-rest, on TF-IDF weighted
words, word pairs and letter n-grams (`cscoach.judge.features`); then the second look at each
candidate "don't say" (`cscoach.judge.meaning.Reranker`), a logistic model trained on the SVMs'
margins on texts they did not train on (3 folds, the same folds as the confidence's sigmoid).
The dev split (CRC-32 of the text mod 5 == 0) is never trained on. scikit-learn is needed here
only, never at run time."""

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
from cscoach.judge.meaning import (
    DENSE_HEAD,
    MODEL_FILE,
    STEP_IDS,
    MeaningModel,
    ReplyLook,
    Reranker,
    Thresholds,
    dense_features,
    reply_features,
    tf_vector,
)

ROOT = Path(__file__).resolve().parents[3]
SEED = 20240611
C = 0.5  # chosen on the dev split (docs/free-text.md): 0.2, 0.3, 0.5, 0.8 and 1 measured
MIN_DF = 2  # a feature seen in one training text only is left out (half the file, same marks)
FOLDS = 3
RERANK_C = 3.0  # chosen on the dev split: 0.3, 1, 3, 10 and 30 measured (docs/free-text.md)
# Margins and probabilities chosen on the dev split by benchmarks/judge_technique.py
# (docs/free-text.md); `fault` and `fault_with_phrase` are used only by a model without the
# second look.
THRESHOLDS = Thresholds(fault=0.5, fault_with_phrase=0.0, step=0.25, step_with_phrase=0.0,
                        candidate=-0.3, accept=0.85, accept_with_phrase=0.7, accept_second=0.5,
                        accept_reply=0.9, accept_sentence=0.8)
# A step's bar is the lowest of these at which the training set's held-out folds reach this
# precision (else `THRESHOLDS.step`): chosen without the dev split.
STEP_BARS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
STEP_PRECISION = 0.85


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
    clean one, each step cue as an example of its step and each of its look-alikes as one that
    does not do it."""
    out = []
    for entry in phrasebook.entries:
        for phrases in entry.dont_say.values():
            out += [Example(p, frozenset({entry.id})) for p in phrases]
        for phrases in entry.not_when.values():
            out += [Example(p, frozenset()) for p in phrases]
    for step in steps.steps:
        for phrases in step.cues.values():
            out += [Example(p, frozenset({step.id})) for p in phrases]
        for phrases in step.not_when.values():
            out += [Example(p, frozenset()) for p in phrases]
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
        platt: tuple[float, float] | None = None, rerank: bool = True,
        phrasebook: Phrasebook | None = None) -> MeaningModel:
    """A model trained on `examples`. The SVMs' margins on held-out folds give the confidence's
    sigmoid (unless `platt` is given) and train the second look (unless `rerank` is False);
    with `platt` given and `rerank` False no folds are trained (fast, for tests). The second
    look also reads which listed phrasings `phrasebook` (the project's, unless given) finds in
    each text, as `cscoach check` does."""
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
    model = MeaningModel(tuple(labels), vocabulary, idf.astype(np.float16).astype(np.float32),
                         weights.astype(np.float16).astype(np.float32),
                         bias.astype(np.float32), thresholds, platt or (1.0, 0.0))
    if platt is not None and not rerank:
        return model
    oof = _held_out_margins(x, y, c)
    if platt is None:
        model.platt = _platt(oof, y)
    model.step_bars = _step_bars(oof, y, labels, thresholds.step)
    if rerank:
        # The phrasebook's bare phrasings and step cues are there as negatives only: "not my
        # fault" is *excuses*, and so no other entry (the corpus' writers mostly avoided the
        # listed words, so without them the second look never learns where two entries' words
        # meet); as positives they would teach it that any short text with a candidate is a
        # fault ("Thanks for waiting.").
        found = listed_phrasings(texts, phrasebook)
        model.reranker, held_out = _fit_reranker(texts, oof, y, model, min_df, found,
                                                 [not e.voice for e in data])
        model.reply_look = _fit_reply_look(held_out, oof, y, model, found,
                                           [bool(e.voice) for e in data])
    return model


def _held_out_margins(x: Any, y: Any, c: float) -> Any:
    """Every training text's margins from SVMs trained on the other folds."""
    import numpy as np

    fold = np.arange(x.shape[0]) % FOLDS
    out = np.zeros(y.shape, dtype=np.float64)
    for f in range(FOLDS):
        w, b = _fit_svms(x[fold != f], y[fold != f], c)
        out[fold == f] = x[fold == f] @ w + b
    return out


def _step_bars(oof: Any, y: Any, labels: Sequence[str], default: float) -> dict[str, float]:
    """Each step's bar: the lowest of `STEP_BARS` whose held-out precision is at least
    `STEP_PRECISION` (*resolve* is taken too readily at the common bar: an offer to call back
    or a request to wait reads as a fix)."""
    out = {}
    for k, label in enumerate(labels):
        if label not in STEP_IDS:
            continue
        out[label] = default
        for bar in STEP_BARS:
            taken = oof[:, k] > bar
            if taken.any() and float(y[taken, k].mean()) >= STEP_PRECISION:
                out[label] = bar
                break
        else:
            out[label] = STEP_BARS[-1]
    return out


def _platt(oof: Any, y: Any) -> tuple[float, float]:
    """One sigmoid for all labels, fitted on margins of texts each fold did not train on."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1.0, random_state=SEED)
    lr.fit(oof.reshape(-1, 1), y.ravel())
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def listed_phrasings(texts: Sequence[str], phrasebook: Phrasebook | None = None
                     ) -> list[set[str]]:
    """The entries whose listed phrasings the matcher of typed text (slips mended, as
    `cscoach check` reads) finds in each text."""
    from cscoach.judge.phrases import Matcher

    if phrasebook is None:
        from cscoach.content.library import load_library

        phrasebook = load_library(ROOT).phrasebook
    matcher = Matcher(phrasebook, mend_slips=True)
    return [{h.entry_id for h in matcher.find_all(t) if h.kind == "dont_say"} for t in texts]


def _fit_reranker(texts: Sequence[str], oof: Any, y: Any, model: MeaningModel,
                  min_df: int, found: Sequence[set[str]], negatives_only: Sequence[bool]
                  ) -> tuple[Reranker, dict[tuple[int, int], float]]:
    """The second look, on every (text, entry) whose held-out margin makes it a candidate or
    whose listed phrasing is in the text: right when the text is labelled with the entry. A
    text marked `negatives_only` gives only the entries it is not labelled with. Also each
    row's probability from a second look trained on the other folds' texts (for the
    reply-level look)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    probe = Reranker({}, np.zeros(0), np.zeros(0), 0.0)
    names = [probe.names(t) for t in texts]
    df: Counter[str] = Counter()
    for n in names:
        df.update(set(n))
    shared = sorted(name for name, k in df.items() if k >= min_df)
    bar = model.thresholds.candidate
    labels = model.labels
    rows: list[tuple[int, int]] = [(i, int(k)) for i in range(len(texts)) for k in model.faults
                                   if (oof[i, k] > bar or labels[k] in found[i])
                                   and not (negatives_only[i] and y[i, k])]
    bases = {i: Reranker.entry_base(texts[i]) for i in {i for i, _ in rows}}
    conj_df: Counter[str] = Counter()
    for i, k in rows:
        conj_df.update({labels[k] + "|" + f for f in bases[i]})
    conj = sorted(name for name, n in conj_df.items() if n >= min_df)
    vocabulary = {name: i for i, name in enumerate(shared + conj)}
    sparse = {}
    for i in bases:
        idx, tf = tf_vector(names[i], vocabulary)
        v = np.array(tf, dtype=np.float64)
        v /= float(np.sqrt(v @ v)) or 1.0
        sparse[i] = (idx, v)
    indices: list[int] = []
    values: list[float] = []
    indptr = [0]
    n_dense = DENSE_HEAD + len(model.steps) + len(model.labels)
    for i, k in rows:
        idx, v = sparse[i]
        c_idx, c_tf = tf_vector([labels[k] + "|" + f for f in bases[i]], vocabulary)
        scale = float(np.sqrt(len(bases[i]))) or 1.0
        cells = dict(zip(idx, v.tolist(), strict=True))
        cells.update((j, t / scale) for j, t in zip(c_idx, c_tf, strict=True))
        for j in sorted(cells):
            indices.append(j)
            values.append(cells[j])
        dense = dense_features(oof[i].astype(np.float32), k, model.faults, model.steps,
                               labels[k] in found[i], bool(found[i] - {labels[k]}))
        indices.extend(range(len(vocabulary), len(vocabulary) + n_dense))
        values.extend(float(d) for d in dense)
        indptr.append(len(indices))
    x = sp.csr_matrix((np.array(values), indices, indptr),
                      shape=(len(rows), len(vocabulary) + n_dense))
    truth = np.array([y[i, k] for i, k in rows], dtype=np.int8)
    lr = LogisticRegression(C=RERANK_C, class_weight="balanced", max_iter=5000,
                            random_state=SEED)
    lr.fit(x, truth)
    coef = lr.coef_[0]
    fold = np.array([i % FOLDS for i, _ in rows])
    held = np.zeros(len(rows))
    for f in range(FOLDS):
        part = LogisticRegression(C=RERANK_C, class_weight="balanced", max_iter=5000,
                                  random_state=SEED)
        part.fit(x[fold != f], truth[fold != f])
        held[fold == f] = part.predict_proba(x[fold == f])[:, 1]
    reranker = Reranker(vocabulary, coef[:len(vocabulary)].astype(np.float16).astype(np.float32),
                        coef[len(vocabulary):].astype(np.float32), float(lr.intercept_[0]))
    return reranker, {row: float(p) for row, p in zip(rows, held, strict=True)}


def _fit_reply_look(held_out: dict[tuple[int, int], float], oof: Any, y: Any,
                    model: MeaningModel, found: Sequence[set[str]], use: Sequence[bool]
                    ) -> ReplyLook:
    """The reply-level look, on the corpus' replies (`use`): does the reply hold a "don't
    say", from the held-out second looks of every entry and the held-out margins."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    faults = model.faults
    col = {int(k): j for j, k in enumerate(faults)}
    texts = [i for i in range(len(use)) if use[i]]
    probs = np.zeros((len(use), len(faults)))
    for (i, k), p in held_out.items():
        probs[i, col[k]] = p
    x = np.array([reply_features(probs[i], oof[i, faults], len(found[i])) for i in texts])
    truth = np.array([bool(y[i, faults].any()) for i in texts], dtype=np.int8)
    lr = LogisticRegression(C=1.0, max_iter=5000, random_state=SEED)
    lr.fit(x, truth)
    return ReplyLook(lr.coef_[0].astype(np.float32), float(lr.intercept_[0]))


def save(model: MeaningModel, path: Path) -> None:
    import numpy as np

    names = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    extra: dict[str, Any] = {}
    r = model.reranker
    if r is not None:
        r_names = sorted(r.vocabulary, key=r.vocabulary.__getitem__)
        extra = {"r_features": np.frombuffer("\n".join(r_names).encode("utf-8"), dtype=np.uint8),
                 "r_weights": r.weights.astype(np.float16),
                 "r_dense": r.dense.astype(np.float32),
                 "r_bias": np.array(r.bias, dtype=np.float32)}
    if model.reply_look is not None:
        extra["s_weights"] = model.reply_look.weights.astype(np.float32)
        extra["s_bias"] = np.array(model.reply_look.bias, dtype=np.float32)
    with path.open("wb") as handle:
        np.savez_compressed(
            handle,
            features=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            labels=np.frombuffer("\n".join(model.labels).encode("utf-8"), dtype=np.uint8),
            idf=model.idf.astype(np.float16),
            weights=model.weights.astype(np.float16),
            bias=model.bias.astype(np.float32),
            thresholds=np.array(model.thresholds.as_array(), dtype=np.float32),
            platt=np.array(model.platt, dtype=np.float32),
            step_bars=np.array([model.step_bar(s) for s in STEP_IDS], dtype=np.float32),
            **extra)


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
    model = fit(data, labels_of(library.phrasebook), phrasebook=library.phrasebook)
    save(model, args.out)
    print(f"{args.out}: {len(model.vocabulary):,} features x {len(model.labels)} labels, "
          f"trained on {len(data):,} texts, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
