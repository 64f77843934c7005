"""Examples of questions guidance does not answer (pay, IT, benefits, law outside it): the other
side of answer-or-abstain. A question nearer these than any guidance goes to a person.

The product's examples are `handlers/questions/scope/not_covered.yaml`; a knowledge base adds its
own in `not-covered.yaml`. An example the knowledge base itself answers (almost the same question
as a phrasing of one of its entries) is left out, so putting a topic in the guidance is enough to
have it answered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from handlers.questions.kb import KnowledgeBase
from handlers.questions.kb.loader import KbError, read_questions
from handlers.questions.retrieval.dense import DenseIndex, Encoder

PRODUCT_EXAMPLES = Path(__file__).resolve().parent.parent / "scope" / "not_covered.yaml"
ANSWERED_BY_KB = 0.8  # cosine to an entry's phrasing at which an example counts as answered


def product_examples() -> list[str]:
    errors: list[KbError] = []
    examples = read_questions(PRODUCT_EXAMPLES, errors)
    if errors:  # our own file: a broken one is a bug, not a user's mistake
        raise RuntimeError("; ".join(map(str, errors)))
    return examples


class NotCovered:
    def __init__(
        self, kb: KnowledgeBase, model: Encoder, index: DenseIndex, cache_dir: Path | None
    ) -> None:
        examples = product_examples() + list(kb.not_covered)
        vectors = model.cached(examples, cache_dir, "scope")
        keep = index.best(vectors) < ANSWERED_BY_KB
        self.examples = [q for q, kept in zip(examples, keep, strict=True) if kept]
        self._vectors = vectors[keep]

    def nearest(self, vector: np.ndarray, k: int = 3) -> tuple[float, float]:
        """The best similarity to an example, and the mean of the k best."""
        if not len(self._vectors):
            return 0.0, 0.0
        best = np.sort(self._vectors @ vector)[::-1][:k]
        return float(best[0]), float(best.mean())
