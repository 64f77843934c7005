"""Retrieve, then answer or abstain on a calibrated confidence.

`bm25` ranks by BM25 alone. `hybrid` adds sentence embeddings: each entry scores its best
phrasing (question, alternatives, sentences), the story-then-question kind of message is also
read by its last sentence, and BM25 (normalised to the best hit) is fused with weight `ALPHA`.
The confidence is a pair of logistic regressions over the signals of `signal_names()`
(calibration.py `Bands`), fitted on labelled questions and shipped with the product; they choose
one of three replies: answer with the first entry, offer the first three as choices, or ask a
person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from handlers.questions.kb import Entry, KnowledgeBase
from handlers.questions.retrieval.analysis import Analyser
from handlers.questions.retrieval.bm25 import Bm25Index
from handlers.questions.retrieval.calibration import ANSWER, ESCALATE, Bands, Calibration
from handlers.questions.retrieval.onnx import QUERY_PRECISION
from handlers.questions.retrieval.unstated import Stated, asked, stated, unstated

if TYPE_CHECKING:
    from handlers.questions.retrieval.dense import DenseIndex, Encoder
    from handlers.questions.retrieval.scope import NotCovered

ALPHA = 0.2  # weight of BM25 in the hybrid score, chosen on three labelled sets together
LAST_SENTENCE = 0.25  # weight of a long message's last sentence, where the question usually is
_SENTENCES = re.compile(r"(?<=[.?!])\s+")

BM25_SIGNALS = ("margin", "bm25", "coverage", "unknown_word", "unstated")
HYBRID_SIGNALS = (
    "top",
    "margin",
    "bm25",
    "dense",
    "agree",
    "coverage",
    "unknown_word",
    "not_covered",
    "not_covered_3",
    "unstated",
)


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float


CHOICES_SHOWN = 3  # entries offered when the bot is close but not sure
SHORT_QUESTION = 4  # words: a question this short that would go to a person is read again


@dataclass(frozen=True)
class Answer:
    answered: bool
    confidence: float
    entry: Entry | None
    hits: list[Hit] = field(default_factory=list)
    signals: list[float] = field(default_factory=list)
    reply: str = ESCALATE  # ANSWER | CHOICES | ESCALATE
    choices: tuple[Entry, ...] = ()  # the first entries, best first (for CHOICES, and after)


@dataclass(frozen=True)
class Ranking:
    scores: np.ndarray  # one per entry, higher is better: exact for the first three (see
    # DenseIndex.fuse); on a large index the others may be upper bounds, still below those
    signals: list[float]  # in the order of signal_names()

    def top(self, k: int) -> list[int]:
        return best_first(self.scores, k)


def best_first(scores: np.ndarray, k: int) -> list[int]:
    """The indexes of the k highest scores, best first. Equal scores keep the order of their
    entries, so the same scores give the same entries however they were computed (a knowledge
    base may hold the same text twice; a full sort broke such ties by the other scores)."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    near = np.flatnonzero(scores >= kth)
    return [int(i) for i in near[np.argsort(-scores[near], kind="stable")][:k]]


def signal_names(retriever: str) -> tuple[str, ...]:
    return HYBRID_SIGNALS if retriever == "hybrid" else BM25_SIGNALS


def floor_signal(retriever: str) -> str:
    """The signal the calibration's floor is on: how near the question is to the best entry."""
    return "dense" if retriever == "hybrid" else "bm25"


class Answerer:
    def __init__(
        self,
        kb: KnowledgeBase,
        retriever: str,
        model: str = "all-MiniLM-L6-v2",
        cache_dir: Path | None = None,
        calibration: Bands | Calibration | None = None,
        query_precision: str = QUERY_PRECISION,
    ) -> None:
        self.kb = kb
        self.retriever = retriever
        self._analyser = Analyser(kb.synonyms, [e.searchable() for e in kb.entries])
        self._bm25 = Bm25Index(kb, self._analyser)
        self._terms = [set(self._analyser.document(e.searchable())) for e in kb.entries]
        self._vocabulary = set().union(*self._terms, self._synonym_terms(kb))
        self._stated: dict[int, Stated] = {}  # read when an entry first comes first: 0.3 ms each
        self._encoder: Encoder | None = None
        self._dense: DenseIndex | None = None
        self._scope: NotCovered | None = None
        if retriever == "hybrid":
            from handlers.questions.retrieval.dense import DenseIndex, encoder
            from handlers.questions.retrieval.scope import NotCovered

            self._encoder = encoder(model, query_precision)
            self._dense = DenseIndex(kb, self._encoder, cache_dir)
            self._scope = NotCovered(kb, self._encoder, self._dense, cache_dir)
        if isinstance(calibration, Calibration):
            calibration = Bands(calibration)
        if calibration is not None:
            calibration.check(signal_names(retriever))
        self.calibration: Bands | None = calibration

    @property
    def query_precision(self) -> str | None:
        """What questions run on: "int8" or "float32"; None for BM25, which has no model."""
        return self._encoder.query_precision if self._encoder is not None else None

    def rank(self, question: str) -> Ranking:
        query_terms = self._analyser.query(question)
        bm25 = self._bm25.scores(query_terms).astype(np.float64)
        best_bm25 = float(bm25.max())
        normalised = bm25 / best_bm25 if best_bm25 > 0 else bm25
        terms = set(query_terms)
        unknown = max(
            map(self._analyser.rarity, self._analyser.unknown_words(question, self._vocabulary)),
            default=0.0,
        )
        if self._dense is None or self._encoder is None or self._scope is None:
            top = int(np.argmax(normalised))
            second = float(np.sort(normalised)[-2]) if len(normalised) > 1 else 0.0
            signals = [
                float(normalised[top]) - second,
                best_bm25 / (best_bm25 + 5.0),
                self._coverage(terms, top),
                unknown,
                self._unstated(question, top),
            ]
            return Ranking(normalised, signals)
        views = self._encoder.encode(self._views(question), queries=True)
        query = views[0]
        if len(views) > 1:  # one blended vector: one pass over the phrasings, not two
            query = (1 - LAST_SENTENCE) * views[0] + LAST_SENTENCE * views[1]
            query = query / np.linalg.norm(query)
        fused, dense = self._dense.fuse(query, ALPHA * normalised, 1 - ALPHA)
        first = best_first(fused, 2)
        top = first[0]
        second = float(fused[first[1]]) if len(first) > 1 else 0.0
        nearest, nearest_3 = self._scope.nearest(views[0])
        signals = [
            float(fused[top]),
            float(fused[top]) - second,
            best_bm25 / (best_bm25 + 5.0),
            float(dense.max()),
            float(np.argmax(bm25) == np.argmax(dense)),
            self._coverage(terms, top),
            unknown,
            nearest,
            nearest_3,
            self._unstated(question, top),
        ]
        return Ranking(fused, signals)

    def _views(self, question: str) -> list[str]:
        corrected = self._analyser.correct(question)
        sentences = [s for s in _SENTENCES.split(corrected.strip()) if len(s.split()) >= 3]
        return [corrected, sentences[-1]] if len(sentences) > 1 else [corrected]

    def _synonym_terms(self, kb: KnowledgeBase) -> set[str]:
        words = " ".join(f"{key} {' '.join(values)}" for key, values in kb.synonyms.items())
        return set(self._analyser.document(words))

    def _unstated(self, question: str, index: int) -> float:
        if index not in self._stated:
            self._stated[index] = stated(self.kb.entries[index].searchable())
        return float(unstated(asked(question), self._stated[index]))

    def _coverage(self, terms: set[str], index: int) -> float:
        return len(terms & self._terms[index]) / len(terms) if terms else 0.0

    def words(self, question: str) -> list[str]:
        """The question's searchable words (none: nothing to search for)."""
        return self._analyser.words(question) if question.strip() else []

    def search(self, question: str, k: int = 3) -> list[Hit]:
        ranking = self.rank(question)
        return [Hit(self.kb.entries[i].id, float(ranking.scores[i])) for i in ranking.top(k)]

    def answer(self, question: str) -> Answer:
        if not self.words(question):
            return Answer(False, 0.0, None, [])
        ranking = self.rank(question)
        if self.calibration is None:  # an uncalibrated index never claims to be sure
            reply, confidence = ESCALATE, 0.0
        else:
            reply, ranking = self.decide(question, ranking)
            confidence = self.calibration.confidence(ranking.signals)
        top = ranking.top(CHOICES_SHOWN)
        hits = [Hit(self.kb.entries[i].id, float(ranking.scores[i])) for i in top]
        entries = tuple(self.kb.entries[i] for i in top)
        return Answer(
            reply == ANSWER, confidence, entries[0], hits, ranking.signals, reply, entries
        )

    def decide(
        self, question: str, ranking: Ranking, calibration: Bands | None = None
    ) -> tuple[str, Ranking]:
        """ANSWER, CHOICES or ESCALATE by the bands (this answerer's, unless others are given),
        and the ranking it is about. A question the bands would send to a person that holds a
        term of the synonyms file ("nqsw", "fb") is read once more with the file's expansions,
        since the sentence model cannot read such terms; that reading decides if it does
        better. Only a short question (cheap to read twice) or one below the floor is read
        again: a second reading of every long question with a term would double the time of
        one question in thirty."""
        bands = calibration or self.calibration
        if bands is None:
            return ESCALATE, ranking
        reply = bands.reply(ranking.signals)
        if reply != ESCALATE or not (
            len(self.words(question)) <= SHORT_QUESTION or not bands.within(ranking.signals)
        ):
            return reply, ranking
        expansions = self._analyser.expansions(question)
        if not expansions:
            return reply, ranking
        again = self.rank(f"{question} ({'; '.join(expansions)})")
        second = bands.reply(again.signals)
        return (second, again) if second != ESCALATE else (reply, ranking)
