"""The meaning judge: which "don't say" entries and which of the seven steps a text performs, by a
linear model over words and letter n-grams, and for each "don't say" it proposes a second look
that knows negation and contrast (trained by `python -m cscoach.judge.train` on corpus/, shipped
as judge/model.npz). Inference is numpy only: no scikit-learn at run time."""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscoach.judge.features import features, scope_features

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_FILE = "model.npz"
STEP_IDS = ("greet", "listen", "ask", "empathize", "resolve", "check", "follow_up")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Margins above which a label is taken. A phrasing of the phrasebook (or a step cue) found
    in the text lowers the bar to `*_with_phrase`: the list is a high-precision signal, and the
    model can still overrule it (a negation: "잘못이 전혀 아니에요")."""

    fault: float
    fault_with_phrase: float
    step: float
    step_with_phrase: float
    # With a second look (`Reranker`): an entry is a candidate above `candidate`, and is taken
    # when the second look's probability is above `accept` (`accept_with_phrase` where a listed
    # phrasing of it is found).
    candidate: float = -0.3
    accept: float = 0.6
    accept_with_phrase: float = 0.5
    # Once one "don't say" is taken in a text, another is taken above this (a text that does
    # one harm often does a second: the second fault of a reply is the one most often refused).
    # 1.0: no second bar (a model file written before it).
    accept_second: float = 1.0
    # The reply-level look (`ReplyLook`) names the likeliest entry of a passage in which no
    # entry passed its bar when it is surer than this that the passage holds one.
    accept_reply: float = 1.0
    # Once one is taken, each sentence of a passage of several is also read on its own for the
    # others ("Your problem, not mine. And I am too busy for this.": the first sentence is
    # *dont-care* on its own, and drowned by the second in the whole).
    accept_sentence: float = 1.0

    def as_array(self) -> list[float]:
        return [self.fault, self.fault_with_phrase, self.step, self.step_with_phrase,
                self.candidate, self.accept, self.accept_with_phrase, self.accept_second,
                self.accept_reply, self.accept_sentence]


def tf_vector(names: list[str], vocabulary: dict[str, int]
              ) -> tuple[list[int], list[float]]:
    """The known features of a text and their weights 1 + log(count)."""
    rows: list[int] = []
    tf: list[float] = []
    for name, n in Counter(names).items():
        j = vocabulary.get(name)
        if j is not None:
            rows.append(j)
            tf.append(1.0 + math.log(n))
    return rows, tf


class Reranker:
    """The second look at a candidate "don't say": is this text doing the harm, or does it only
    share its words (a negation, a contrast, a look-alike)? One logistic model shared by all
    entries, over the text's words and n-grams, what it negates or sets aside
    (`scope_features`), and the first model's margins: the candidate's, the best other entry's,
    the seven steps' and which entry it is. Trained on the first model's margins on texts it
    did not train on (cross-validation folds), so it learns where the first model errs."""

    def __init__(self, vocabulary: dict[str, int], weights: NDArray[Any], dense: NDArray[Any],
                 bias: float) -> None:
        self.vocabulary = vocabulary
        self.weights = weights
        self.dense = dense  # see `dense_features`
        self.bias = bias

    def names(self, text: str) -> list[str]:
        return features(text) + scope_features(text)

    @staticmethod
    def entry_base(text: str) -> list[str]:
        """What the second look weighs per entry: the words, word pairs and what is negated or
        set aside ("본사" can send a customer away or only name who made the mistake; which,
        depends on the entry asked about), without the letter n-grams."""
        return [f for f in features(text) if f[0] in "wbK"] + scope_features(text)

    def entry_score(self, base: list[str], label: str) -> float:
        """The part of the score that belongs to one entry (`label|feature`)."""
        import numpy as np

        if not base:
            return 0.0
        rows, tf = tf_vector([label + "|" + f for f in base], self.vocabulary)
        if not rows:
            return 0.0
        x = np.array(tf, dtype=np.float32)
        x /= float(np.sqrt(len(base)))
        return float(x @ self.weights[np.array(rows, dtype=np.intp)])

    def text_score(self, text: str) -> float:
        """The sparse part of the score (the same for every entry of one text)."""
        import numpy as np

        rows, tf = tf_vector(self.names(text), self.vocabulary)
        if not rows:
            return 0.0
        x = np.array(tf, dtype=np.float32)
        x /= float(np.sqrt(x @ x))
        return float(x @ self.weights[np.array(rows, dtype=np.intp)])

    def probability(self, text_score: float, margins: NDArray[Any], k: int,
                    faults: NDArray[Any], steps: NDArray[Any], phrased: bool = False,
                    other_phrased: bool = False) -> float:
        dense = dense_features(margins, k, faults, steps, phrased, other_phrased)
        z = text_score + float(dense @ self.dense) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


DENSE_HEAD = 4  # columns before the steps' margins in `dense_features`


def reply_features(probs: NDArray[Any], fault_margins: NDArray[Any], listed: int
                   ) -> NDArray[Any]:
    """What the reply-level look reads of one passage: the second look's three highest
    probabilities (0 for an entry that was no candidate), the first model's three highest
    "don't say" margins, how many entries are above one half, their sum, and how many entries'
    listed phrasings are in it. Two entries at 0.6 each say more than either alone."""
    import numpy as np

    p = np.sort(probs)[::-1]
    m = np.sort(fault_margins)[::-1]
    out = np.zeros(10, dtype=np.float32)
    out[:3] = p[:3]
    out[3:6] = m[:3]
    out[6] = float((probs > 0.5).sum())
    out[7] = float(probs.sum())
    out[8] = float(listed > 0)
    out[9] = float(listed)
    return out


class ReplyLook:
    """The reply-level look: does this passage contain a "don't say" at all, from what the
    second look found for every entry (`reply_features`)? When it is sure and no entry passed
    its bar, the likeliest entry is named. Trained on held-out second looks."""

    def __init__(self, weights: NDArray[Any], bias: float) -> None:
        self.weights = weights
        self.bias = bias

    def probability(self, probs: NDArray[Any], fault_margins: NDArray[Any], listed: int
                    ) -> float:
        z = float(reply_features(probs, fault_margins, listed) @ self.weights) + self.bias
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def dense_features(margins: NDArray[Any], k: int, faults: NDArray[Any], steps: NDArray[Any],
                   phrased: bool = False, other_phrased: bool = False) -> NDArray[Any]:
    """The candidate's margin, the best other entry's, whether a listed phrasing of this entry
    is in the text and whether one of another entry is (the list is precise: "택배사 문제라 저희
    잘못이 아닙니다" lists *excuses*, so the shared words are less likely also *not-my-job*),
    the steps' margins, then which label it is (one column per label)."""
    import numpy as np

    others = margins[faults[faults != k]]
    out = np.zeros(DENSE_HEAD + len(steps) + len(margins), dtype=np.float32)
    out[0] = margins[k]
    out[1] = float(others.max()) if len(others) else 0.0
    out[2] = float(phrased)
    out[3] = float(other_phrased)
    out[DENSE_HEAD:DENSE_HEAD + len(steps)] = margins[steps]
    out[DENSE_HEAD + len(steps) + k] = 1.0
    return out


class MeaningModel:
    """Weights per feature and label; `margins(text)` is the linear score of every label."""

    def __init__(self, labels: tuple[str, ...], vocabulary: dict[str, int],
                 idf: NDArray[Any], weights: NDArray[Any], bias: NDArray[Any],
                 thresholds: Thresholds, platt: tuple[float, float],
                 reranker: Reranker | None = None,
                 step_bars: dict[str, float] | None = None,
                 reply_look: ReplyLook | None = None) -> None:
        import numpy as np

        self.labels = labels
        self.index = {label: i for i, label in enumerate(labels)}
        self.vocabulary = vocabulary
        self.idf = idf
        self.weights = weights  # features x labels
        self.bias = bias
        self.thresholds = thresholds
        self.platt = platt
        self.reranker = reranker
        # A step's own margin bar, where the training set's held-out folds chose one (a step
        # the model takes too readily, *resolve*, needs more); else `thresholds.step`.
        self.step_bars = dict(step_bars or {})
        self.reply_look = reply_look
        self.faults = np.array([i for i, label in enumerate(labels) if label not in STEP_IDS],
                               dtype=np.intp)
        self.steps = np.array([i for i, label in enumerate(labels) if label in STEP_IDS],
                              dtype=np.intp)

    @classmethod
    def load(cls, path: Path | None = None) -> MeaningModel:
        import numpy as np

        source = path if path is not None else resources.files("cscoach.judge") / MODEL_FILE
        with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            names = bytes(data["features"]).decode("utf-8").split("\n")
            labels = tuple(bytes(data["labels"]).decode("utf-8").split("\n"))
            t = [float(x) for x in data["thresholds"]]
            a, b = (float(x) for x in data["platt"])
            reranker = None
            if "r_features" in data:
                r_names = bytes(data["r_features"]).decode("utf-8").split("\n")
                reranker = Reranker({name: i for i, name in enumerate(r_names)},
                                    data["r_weights"].astype(np.float32),
                                    data["r_dense"].astype(np.float32), float(data["r_bias"]))
            step_bars = None
            if "step_bars" in data:
                step_bars = dict(zip(STEP_IDS, (float(x) for x in data["step_bars"]),
                                     strict=True))
            reply_look = None
            if "s_weights" in data:
                reply_look = ReplyLook(data["s_weights"].astype(np.float32),
                                       float(data["s_bias"]))
            return cls(labels, {name: i for i, name in enumerate(names)},
                       data["idf"].astype(np.float32), data["weights"].astype(np.float32),
                       data["bias"].astype(np.float32), Thresholds(*t), (a, b), reranker,
                       step_bars, reply_look)

    def step_bar(self, step: str) -> float:
        return self.step_bars.get(step, self.thresholds.step)

    def margins(self, text: str) -> NDArray[Any]:
        """The score of every label for `text` (0 where the text has no known feature)."""
        import numpy as np

        rows, tf = tf_vector(features(text), self.vocabulary)
        if not rows:
            return self.bias.copy()
        idx = np.array(rows, dtype=np.intp)
        x = np.array(tf, dtype=np.float32) * self.idf[idx]
        x /= float(np.sqrt(x @ x))
        result: NDArray[Any] = x @ self.weights[idx] + self.bias
        return result

    def confidence(self, margin: float) -> float:
        """A margin as a probability (Platt scaling, fitted on held-out folds of the training
        set)."""
        a, b = self.platt
        return 1.0 / (1.0 + math.exp(-(a * margin + b)))


@functools.lru_cache(maxsize=1)
def shipped() -> MeaningModel:
    return MeaningModel.load()

