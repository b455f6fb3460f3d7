"""The meaning judge: which "don't say" entries and which of the seven steps a text performs, by a
linear model over words and letter n-grams (trained by `python -m cscoach.judge.train` on
corpus/, shipped as judge/model.npz). Inference is numpy only: no scikit-learn at run time."""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cscoach.judge.features import features

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_FILE = "model.npz"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Margins above which a label is taken. A phrasing of the phrasebook (or a step cue) found
    in the text lowers the bar to `*_with_phrase`: the list is a high-precision signal, and the
    model can still overrule it (a negation: "잘못이 전혀 아니에요")."""

    fault: float
    fault_with_phrase: float
    step: float
    step_with_phrase: float


class MeaningModel:
    """Weights per feature and label; `margins(text)` is the linear score of every label."""

    def __init__(self, labels: tuple[str, ...], vocabulary: dict[str, int],
                 idf: NDArray[Any], weights: NDArray[Any], bias: NDArray[Any],
                 thresholds: Thresholds, platt: tuple[float, float]) -> None:
        self.labels = labels
        self.index = {label: i for i, label in enumerate(labels)}
        self.vocabulary = vocabulary
        self.idf = idf
        self.weights = weights  # features x labels
        self.bias = bias
        self.thresholds = thresholds
        self.platt = platt

    @classmethod
    def load(cls, path: Path | None = None) -> MeaningModel:
        import numpy as np

        source = path if path is not None else resources.files("cscoach.judge") / MODEL_FILE
        with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            names = bytes(data["features"]).decode("utf-8").split("\n")
            labels = tuple(bytes(data["labels"]).decode("utf-8").split("\n"))
            t = [float(x) for x in data["thresholds"]]
            a, b = (float(x) for x in data["platt"])
            return cls(labels, {name: i for i, name in enumerate(names)},
                       data["idf"].astype(np.float32), data["weights"].astype(np.float32),
                       data["bias"].astype(np.float32), Thresholds(*t), (a, b))

    def margins(self, text: str) -> NDArray[Any]:
        """The score of every label for `text` (0 where the text has no known feature)."""
        import numpy as np

        counts = Counter(features(text))
        rows: list[int] = []
        tf: list[float] = []
        vocabulary = self.vocabulary
        for name, n in counts.items():
            j = vocabulary.get(name)
            if j is not None:
                rows.append(j)
                tf.append(1.0 + math.log(n))
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

