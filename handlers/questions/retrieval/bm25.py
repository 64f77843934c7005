"""BM25 over every entry (question, alternatives, answer or passage) with bm25s."""

from __future__ import annotations

import bm25s
import numpy as np

from handlers.questions.kb import KnowledgeBase
from handlers.questions.retrieval.analysis import Analyser

TITLE_WEIGHT = 2  # a question or heading says what the entry is about: count it twice


class Bm25Index:
    def __init__(self, kb: KnowledgeBase, analyser: Analyser) -> None:
        self.ids = [e.id for e in kb.entries]
        self._analyser = analyser
        corpus = [
            analyser.document(
                " ".join([*([e.title, *e.alternatives] * TITLE_WEIGHT), e.text, " ".join(e.tags)])
            )
            for e in kb.entries
        ]
        self._vocab: dict[str, int] = {}
        ids = [[self._vocab.setdefault(t, len(self._vocab)) for t in doc] for doc in corpus]
        self._model = bm25s.BM25()
        self._model.index(
            bm25s.tokenization.Tokenized(ids=ids, vocab=self._vocab), show_progress=False
        )

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """Scores for a query already turned into terms by the shared `Analyser.query`."""
        terms = [t for t in query_terms if t in self._vocab]
        if not terms:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(terms), dtype=np.float32)
