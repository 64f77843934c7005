"""Answer or abstain: a logistic regression over ranking signals, fitted on labelled questions,
with the threshold chosen on out-of-fold probabilities (k-fold cross-validation) so that the
share of answerable questions answered and the share of the others held back are both as high
as they can be together. Stored as JSON beside the index.

The regression only speaks for questions like the ones it was fitted on. A question further from
every entry than any answerable labelled question was ("banana bread recipe", "hello there") lies
outside them, where a straight line can say anything: being far from the examples of what the
guidance does not cover read as confidence. So the calibration also keeps a floor, the lowest
value of one signal (the best similarity to an entry) among the answerable questions it was
fitted on (less a little slack), and never answers below it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

# the floor sits this far below the least similar answerable question fitted on: the next set's
# answerable questions reach a little lower (held out, 3 of 120 fell under a floor at the lowest)
FLOOR_SLACK = 0.95
SHIPPED = Path(__file__).resolve().parents[1] / "calibration"  # the product's, one per retriever


def shipped_path(retriever: str) -> Path:
    return SHIPPED / f"{retriever}.json"


class CalibrationMismatch(ValueError):
    pass


@dataclass
class Calibration:
    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: float = 0.5
    signals: list[str] = field(default_factory=list)
    fitted_on: str = ""
    floor_signal: str = ""  # no floor in a calibration saved before floors
    floor: float = 0.0

    def answers(self, features: Sequence[float]) -> bool:
        """Sure enough to answer: above the threshold, and not below the floor."""
        return self.probability(features) >= self.threshold and self.within(features)

    def within(self, features: Sequence[float]) -> bool:
        """At least as near the guidance as the answerable questions it was fitted on."""
        if not self.floor_signal:
            return True
        return float(features[self.signals.index(self.floor_signal)]) >= self.floor

    def probability(self, features: Sequence[float]) -> float:
        x = (np.asarray(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(1 / (1 + np.exp(-(x @ np.asarray(self.weights) + self.bias))))

    def check(self, signals: Sequence[str]) -> None:
        if list(signals) != self.signals or (
            self.floor_signal and self.floor_signal not in self.signals
        ):
            raise CalibrationMismatch(
                f"the calibration was fitted on the signals {self.signals}, the retriever gives "
                f"{list(signals)}: refit it with `python -m bot eval questions --fit`"
            )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        return cls(**json.loads(path.read_text()))


def _regression(
    features: np.ndarray, labels: np.ndarray, l2: float = 1.0, steps: int = 3000
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
    features: np.ndarray, labels: np.ndarray, folds: int = 5, seeds: Sequence[int] = (7, 8, 9)
) -> np.ndarray:
    """Out-of-fold probabilities: each question scored by models that never saw it (the mean
    over a few shuffles, so one lucky split does not decide)."""
    out = np.zeros(len(labels))
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(labels))
        for k in range(folds):
            test = order[k::folds]
            train = np.setdiff1d(order, test)
            model = _regression(features[train], labels[train])
            out[test] += [model.probability(f) for f in features[test]]
    return out / len(seeds)


def balanced_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The threshold at which the worse of (answerable answered, unanswerable held back) is best;
    among equals, the middle one."""
    answerable, other = probabilities[labels == 1], probabilities[labels == 0]
    if not len(answerable) or not len(other):
        return 0.5
    candidates = np.linspace(0.05, 0.95, 181)
    worst = np.array([min((answerable >= t).mean(), (other < t).mean()) for t in candidates])
    best = candidates[worst >= worst.max() - 1e-9]
    return float(np.median(best))


def fit(
    features: np.ndarray,
    labels: np.ndarray,
    signals: Sequence[str],
    fitted_on: str = "",
    floor_signal: str = "",
) -> Calibration:
    calibration = _regression(features, labels)
    calibration.signals = list(signals)
    calibration.fitted_on = fitted_on
    probabilities = cross_validated(features, labels)
    if floor_signal and labels.any():
        column = features[:, calibration.signals.index(floor_signal)]
        calibration.floor_signal = floor_signal
        calibration.floor = FLOOR_SLACK * float(column[labels == 1].min())
        # the threshold is chosen for the whole rule: below the floor nothing is answered
        probabilities = np.where(column >= calibration.floor, probabilities, 0.0)
    calibration.threshold = balanced_threshold(probabilities, labels)
    return calibration
