"""The trained tagger's forward pass in plain numpy: the same weights, a tenth of the overhead.

spaCy runs a post through some forty small thinc layers; for a 20-word post their Python
overhead is most of the time. This reads the weights of the trained Tok2Vec (hash embeddings,
maxout, layer norm, residual window convolutions) and the softmax once, and runs them as a few
matrix products. A test holds it equal to thinc's own forward pass.

The first two steps (the hash embeddings and the mixing layer) read one token at a time, from
its ids alone, so their output for a token is kept: a post's common words cost a look-up, and
only the blocks that read a window of words run on every post.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from handlers.moderation.detector.recognisers.spacy_runtime import spacy

spacy()  # thinc through spaCy, without torch
from thinc.api import NumpyOps  # noqa: E402

_OPS = NumpyOps()


def _layers(model: Any, name: str) -> list[Any]:
    return [layer for layer in model.walk() if layer.name == name]


class FastTagger:
    def __init__(self, tagger_model: Any, kept: int = 50_000) -> None:
        from threadpoolctl import threadpool_limits

        # Products of 40 x 192 by 192 x 192 gain nothing from more threads, and BLAS threads
        # spin after each: three bot processes on two cores spent 47 ms of CPU a post, most of
        # it there, and answered their platforms too late (benchmarks/cluster.py).
        threadpool_limits(limits=1, user_api="blas")
        self._embeds = [
            (layer.attrs["seed"], layer.get_param("E"))
            for layer in _layers(tagger_model, "hashembed")
        ]
        maxouts = _layers(tagger_model, "maxout")
        norms = _layers(tagger_model, "layernorm")
        self._mixer = (self._maxout(maxouts[0]), self._norm(norms[0]))
        self._blocks = [
            (self._maxout(m), self._norm(n)) for m, n in zip(maxouts[1:], norms[1:], strict=True)
        ]
        windows = _layers(tagger_model, "expand_window")
        self._window = windows[0].attrs["window_size"] if windows else 1
        softmax = _layers(tagger_model, "softmax")[0]
        self._out_w = softmax.get_param("W").T.copy()
        self._out_b = softmax.get_param("b")
        # a token's ids -> its row in _store, the mixing layer's output for it
        self._kept: dict[tuple[int, ...], int] = {}
        self._store = np.zeros((kept, self._mixer[1][0].shape[0]), dtype=np.float32)

    @staticmethod
    def _maxout(layer: Any) -> tuple[np.ndarray, np.ndarray, int]:
        n_out, pieces = layer.get_dim("nO"), layer.get_dim("nP")
        # piece-major columns, so the max over pieces is a few elementwise maxima of blocks
        weights = layer.get_param("W").transpose(1, 0, 2).reshape(pieces * n_out, -1).T.copy()
        bias = layer.get_param("b").T.reshape(-1).copy()
        return weights, bias, pieces

    @staticmethod
    def _norm(layer: Any) -> tuple[np.ndarray, np.ndarray]:
        return layer.get_param("G"), layer.get_param("b")

    @staticmethod
    def _apply(
        x: np.ndarray,
        maxout: tuple[np.ndarray, np.ndarray, int],
        norm: tuple[np.ndarray, np.ndarray],
    ) -> np.ndarray:
        # Few, in-place numpy calls: for a 20-word post each call's overhead outweighs its work.
        weights, bias, pieces = maxout
        full = x @ weights
        full += bias
        width = full.shape[1] // pieces
        y = np.maximum(full[:, :width], full[:, width : 2 * width])
        for piece in range(2, pieces):
            np.maximum(y, full[:, piece * width : (piece + 1) * width], out=y)
        y -= np.add.reduce(y, axis=1, keepdims=True) * (1.0 / width)
        var = np.add.reduce(y * y, axis=1, keepdims=True) * (1.0 / width)
        var += 1e-08
        np.sqrt(var, out=var)
        y /= var
        y *= norm[0]
        y += norm[1]
        result: np.ndarray = y
        return result

    def _expand(self, x: np.ndarray) -> np.ndarray:
        width = self._window
        padded = np.zeros((x.shape[0] + 2 * width, x.shape[1]), dtype=x.dtype)
        padded[width : width + x.shape[0]] = x
        return np.concatenate(
            [padded[offset : offset + x.shape[0]] for offset in range(2 * width + 1)], axis=1
        )

    def _mixed(self, ids: np.ndarray) -> np.ndarray:
        """The embedding and mixing layers, row by row, for tokens with these ids."""
        columns = []
        for column, (seed, table) in enumerate(self._embeds):
            keys = _OPS.hash(np.ascontiguousarray(ids[:, column]), seed) % table.shape[0]
            columns.append(table[keys].sum(axis=1))
        return self._apply(np.concatenate(columns, axis=1), *self._mixer)

    def _tokens(self, ids: np.ndarray) -> np.ndarray:
        kept = self._kept
        keys = [tuple(row) for row in ids.tolist()]
        rows = [kept.get(key, -1) for key in keys]
        missing = [i for i, row in enumerate(rows) if row < 0]
        if missing:
            if len(kept) + len(missing) > len(self._store):
                kept.clear()  # full: start again, and this post's rows are all computed anew
                missing = list(range(len(keys)))
            mixed = self._mixed(ids[missing])
            for i, vector in zip(missing, mixed, strict=True):
                row = kept.setdefault(keys[i], len(kept))
                self._store[row] = vector
                rows[i] = row
        return self._store[rows]

    def probabilities(self, ids: np.ndarray) -> np.ndarray:
        """ids: (tokens, attributes) uint64, in the order the model was trained with."""
        x = self._tokens(ids)
        # thinc pads each post with zero rows as wide as the encoder sees, and the pad rows
        # change from block to block: do the same, then drop them.
        pad = self._window * len(self._blocks)
        x = np.concatenate(
            [np.zeros((pad, x.shape[1]), x.dtype), x, np.zeros((pad, x.shape[1]), x.dtype)]
        )
        for maxout, norm in self._blocks:
            x = x + self._apply(self._expand(x), maxout, norm)
        x = x[pad : x.shape[0] - pad]
        logits = x @ self._out_w + self._out_b
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return probabilities
