"""A large knowledge base is searched through an int8 first look (retrieval/coarse.py): what it
ranks and the figures the bands read must be exactly those of reading every phrasing."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from handlers.questions.kb import Entry, KnowledgeBase
from handlers.questions.retrieval import coarse
from handlers.questions.retrieval import dense as dense_module
from handlers.questions.retrieval.answerer import Ranking, best_first
from handlers.questions.retrieval.dense import DenseIndex, Encoder

TOPICS = 40
DIMENSION = 384


class TopicVectors:
    """Stands in for the sentence model: a text lies near its topic's direction ("topic-7 ...")
    and the same text always gets the same vector, so copies of an entry tie as they do in a
    large organisation's guidance."""

    def __init__(self) -> None:
        self._topics = np.random.default_rng(1).normal(size=(TOPICS, DIMENSION))

    def cached(self, texts: list[str], cache_dir: Path | None, label: str) -> np.ndarray:
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            topic = int(text.split()[0].split("-")[1].rstrip("."))
            noise = np.random.default_rng(seed).normal(size=DIMENSION)
            vector = self._topics[topic] + 1.5 * noise
            rows.append(vector / np.linalg.norm(vector))
        return np.asarray(rows, dtype=np.float32)


def _knowledge_base(sources: int = 600, copies: int = 5) -> KnowledgeBase:
    """Entries of a few sentences each, and copies of them with the sentences reordered, as the
    latency benchmark grows the sample to 5,000 passages."""
    rng = np.random.default_rng(2)
    entries = []
    for source in range(sources):
        topic = source % TOPICS
        sentences = [f"topic-{topic} fact {source}-{k} stated here." for k in range(4)]
        for copy in range(copies):
            order = rng.permutation(len(sentences)) if copy else np.arange(len(sentences))
            entries.append(
                Entry(
                    id=f"e{source}-{copy}",
                    kind="passage",
                    title=f"topic-{topic} heading {source}",
                    text=" ".join(sentences[i] for i in order),
                    source=f"guide {source}",
                )
            )
    return KnowledgeBase(tuple(entries))


@pytest.fixture(scope="module")
def indexes() -> tuple[DenseIndex, DenseIndex]:
    kb = _knowledge_base()
    model = cast(Encoder, TopicVectors())
    first_look = DenseIndex(kb, model, None, coarse_from=0)
    every_phrasing = DenseIndex(kb, model, None, coarse_from=10**9)
    assert first_look._look is not None and every_phrasing._look is None
    return first_look, every_phrasing


@pytest.mark.parametrize("at_once", [3, dense_module.FIRST_LOOK])  # 3: the bound finds the rest
def test_a_large_index_ranks_and_scores_exactly_what_reading_every_phrasing_does(
    indexes: tuple[DenseIndex, DenseIndex], at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dense_module, "FIRST_LOOK", at_once)
    first_look, every_phrasing = indexes
    topics = TopicVectors()._topics
    rng = np.random.default_rng(4)
    entries = len(first_look._starts)
    for _ in range(150):
        mix = rng.dirichlet(np.full(TOPICS, 0.1)) @ topics + rng.normal(size=DIMENSION)
        query = (mix / np.linalg.norm(mix)).astype(np.float32)
        lexical = np.where(rng.uniform(size=entries) < 0.05, rng.uniform(0, 0.2, entries), 0.0)
        fused, dense = first_look.fuse(query, lexical, 0.8)
        fused_all, dense_all = every_phrasing.fuse(query, lexical, 0.8)
        top = best_first(fused, 3)
        assert top == best_first(fused_all, 3)
        assert list(fused[top]) == list(fused_all[top])  # the same floats, not nearly
        assert dense.max() == dense_all.max() and np.argmax(dense) == np.argmax(dense_all)


def test_every_exact_similarity_lies_within_the_distance_the_first_look_gives() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(3000, DIMENSION)) * rng.uniform(0.1, 3, size=(3000, 1))
    vectors[:10, 10:] = 0  # a few phrasings on a few dimensions: coarse integers
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    look = coarse.build(vectors)
    assert look is not None
    queries = [rng.normal(size=DIMENSION), vectors[0], vectors[5] + 0.01 * vectors[6]]
    queries += [np.eye(DIMENSION)[3], rng.standard_t(1, size=DIMENSION)]  # one large component
    for query in queries:
        query = (query / np.linalg.norm(query)).astype(np.float32)
        approximate, within = look.similarities(query)
        exact = (query[None, :] @ vectors.T)[0]
        assert np.all(np.abs(exact - approximate) <= within)
        assert within.mean() < 0.05  # close enough to leave most entries unread


def test_the_first_look_reads_a_small_part_of_a_large_index_exactly(
    indexes: tuple[DenseIndex, DenseIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    first_look, _ = indexes
    read: list[int] = []
    exact = first_look._exact

    def counting(vector: np.ndarray, entries: np.ndarray) -> np.ndarray:
        read.append(len(entries))
        return exact(vector, entries)

    monkeypatch.setattr(first_look, "_exact", counting)
    topics = TopicVectors()._topics
    for topic in range(10):
        first_look.fuse(topics[topic].astype(np.float32), np.zeros(len(first_look._starts)), 0.8)
    assert sum(read) < 0.1 * 10 * len(first_look._starts)


class _Saturating:
    """An integer product that adds pairs of products in 16 bits, as onnxruntime's uint8 x int8
    one does on AVX2 without VNNI."""

    def __init__(self, integers: np.ndarray) -> None:
        self._integers = integers.astype(np.int64)

    def run(self, outputs: Any, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        question = feeds["question"][0].astype(np.int64)
        pairs = (self._integers * question).reshape(len(self._integers), -1, 2).sum(axis=2)
        return [np.clip(pairs, -32768, 32767).sum(axis=1)[None, :]]


def test_an_integer_product_that_overflows_is_refused_so_the_index_stays_exact() -> None:
    full_range = np.random.default_rng(6).integers(-127, 128, size=(50, DIMENSION), dtype=np.int8)
    assert not coarse._exact_here(_Saturating(full_range), full_range)
    within = np.clip(full_range, -coarse.WEIGHT_RANGE, coarse.WEIGHT_RANGE)
    assert coarse._exact_here(_Saturating(within), within)


def test_entries_scoring_the_same_come_in_the_knowledge_bases_order() -> None:
    ranking = Ranking(np.array([0.2, 0.7, 0.5, 0.7, 0.7, 0.1]), [])
    assert ranking.top(2) == [1, 3]
    assert ranking.top(4) == [1, 3, 4, 2]
    assert ranking.top(10) == [1, 3, 4, 2, 0, 5]
