"""Retrieve, then answer or abstain on a calibrated confidence.

The hybrid retriever fuses normalised BM25 with the best-phrasing embedding similarity
(weight `ALPHA` on BM25, chosen on the dev set). The confidence is a logistic regression over
signals of the ranking (scores, margin, agreement of the two retrievers, query-term coverage),
fitted with cross-validation and stored beside the index; see calibration.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from handlers.questions.kb import Entry, KnowledgeBase
from handlers.questions.retrieval.analysis import Analyser
from handlers.questions.retrieval.bm25 import Bm25Index

ALPHA = 0.3


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float


@dataclass(frozen=True)
class Answer:
    answered: bool
    confidence: float
    entry: Entry | None
    hits: list[Hit] = field(default_factory=list)


def signals(
    bm25: np.ndarray, dense: np.ndarray | None, fused: np.ndarray, coverage: float
) -> list[float]:
    order = np.argsort(-fused)
    top, second = float(fused[order[0]]), float(fused[order[1]]) if len(order) > 1 else 0.0
    bm25_top = float(bm25.max())
    features = [top, top - second, bm25_top / (bm25_top + 5.0), coverage]
    if dense is not None:
        features += [float(dense.max()), float(np.argmax(bm25) == np.argmax(dense))]
    return features


class Answerer:
    def __init__(
        self,
        kb: KnowledgeBase,
        retriever: str,
        model: str = "all-MiniLM-L6-v2",
        cache_dir: Path | None = None,
    ):
        self.kb = kb
        self.retriever = retriever
        self._analyser = Analyser(kb.synonyms, [e.searchable() for e in kb.entries])
        self._bm25 = Bm25Index(kb, self._analyser)
        self._dense = None
        if retriever == "hybrid":
            from handlers.questions.retrieval.dense import DenseIndex

            self._dense = DenseIndex(kb, model, cache_dir)
        self.calibration: object | None = None

    def rank(self, question: str) -> tuple[np.ndarray, list[float]]:
        bm25 = self._bm25.scores(question)
        normalised = bm25 / bm25.max() if bm25.max() > 0 else bm25
        dense = self._dense.scores(question) if self._dense is not None else None
        fused = ALPHA * normalised + (1 - ALPHA) * dense if dense is not None else normalised
        terms = set(self._analyser.query(question))
        coverage = self._coverage(terms, int(np.argmax(fused)))
        return fused, signals(bm25, dense, fused, coverage)

    def _coverage(self, terms: set[str], index: int) -> float:
        if not terms:
            return 0.0
        entry = self.kb.entries[index]
        present = set(self._analyser.document(entry.searchable()))
        return len(terms & present) / len(terms)

    def search(self, question: str, k: int = 3) -> list[Hit]:
        fused, _ = self.rank(question)
        order = np.argsort(-fused)[:k]
        return [Hit(self.kb.entries[i].id, float(fused[i])) for i in order]

    def answer(self, question: str) -> Answer:
        from handlers.questions.retrieval.calibration import Calibration

        if not question.strip() or not self._analyser.words(question):
            return Answer(False, 0.0, None, [])
        fused, features = self.rank(question)
        order = np.argsort(-fused)[:3]
        hits = [Hit(self.kb.entries[i].id, float(fused[i])) for i in order]
        calibration = self.calibration if isinstance(self.calibration, Calibration) else None
        confidence = calibration.probability(features) if calibration else float(features[0])
        threshold = calibration.threshold if calibration else 0.5
        entry = self.kb.entries[int(order[0])]
        return Answer(confidence >= threshold, confidence, entry, hits)
