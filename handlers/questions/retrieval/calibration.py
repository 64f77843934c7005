"""Answer or abstain: a logistic regression over ranking signals, fitted on labelled questions
with k-fold cross-validation (the reported figures are out-of-fold), stored as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Calibration:
    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: float = 0.5

    def probability(self, features: list[float]) -> float:
        x = (np.asarray(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(1 / (1 + np.exp(-(x @ np.asarray(self.weights) + self.bias))))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__))

    @classmethod
    def load(cls, path: Path) -> Calibration:
        return cls(**json.loads(path.read_text()))


def fit(
    features: np.ndarray, labels: np.ndarray, l2: float = 1.0, steps: int = 2000
) -> Calibration:
    """Plain gradient descent on the regularised log-loss; small data, no extra dependency."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-6
    x = (features - mean) / scale
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad = p - labels
        w -= 0.1 * (x.T @ grad / len(labels) + l2 * w / len(labels))
        b -= 0.1 * grad.mean()
    return Calibration(w.tolist(), float(b), mean.tolist(), scale.tolist())


def cross_validated(
    features: np.ndarray, labels: np.ndarray, folds: int = 5, seed: int = 7
) -> np.ndarray:
    """Out-of-fold probabilities: each question scored by a model that never saw it."""
    order = np.random.default_rng(seed).permutation(len(labels))
    out = np.zeros(len(labels))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        model = fit(features[train], labels[train])
        out[test] = [model.probability(list(f)) for f in features[test]]
    return out
