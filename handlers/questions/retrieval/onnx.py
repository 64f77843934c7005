"""The sentence model run by ONNX Runtime instead of torch, when the model is the usual kind
(a transformer, mean pooling, normalised): the same vectors (largest difference 1e-7 on
all-MiniLM-L6-v2) about three times faster on a CPU without AVX-512 (11 ms a question rather than
34 ms on the AMD EPYC machine these figures come from).

The model is exported once with torch's ONNX exporter and kept on disk; sentence-transformers'
own ONNX backend needs optimum-onnx, which does not install beside transformers 5. Anything
unusual (other pooling, no onnxruntime, an export that fails) leaves the model on torch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)


def _plain_mean_pooling(model: Any) -> bool:
    kinds = [type(module).__name__ for module in model]
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        return False
    config = model[1].get_config_dict()
    if "pooling_mode" in config:  # sentence-transformers 6
        return bool(config["pooling_mode"] == "mean")
    modes = [key for key, on in config.items() if key.startswith("pooling_mode_") and on]
    return modes == ["pooling_mode_mean_tokens"]


def _export(model: Any, path: Path, inputs: list[str]) -> None:
    import torch

    transformer = model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            outputs = self.transformer(**dict(zip(inputs, tensors, strict=True)))
            return outputs.last_hidden_state  # type: ignore[no-any-return]

    # a padded pair, so the trace keeps the attention mask (an all-ones sample may let the
    # model drop it)
    sample = model.tokenizer(
        ["an example question", "a longer example question about a home visit"],
        padding=True,
        return_tensors="pt",
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in [*inputs, "last_hidden_state"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with warnings.catch_warnings():  # the tracer's notes on shapes: nothing for an admin to do
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(),
            tuple(sample[name] for name in inputs),
            str(partial),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(partial, path)


class OnnxEncoder:
    def __init__(self, session: Any, model: Any, inputs: list[str]) -> None:
        self._session = session
        self._tokenizer = model.tokenizer
        self._inputs = inputs
        self._max_tokens = int(model.max_seq_length or 512)
        dimension = getattr(model, "get_embedding_dimension", None)
        self.dimension = int((dimension or model.get_sentence_embedding_dimension)())

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths, less padding
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[start : start + batch_size]]
            tokens = self._tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=self._max_tokens,
                return_tensors="np",
            )
            feeds = {name: tokens[name].astype(np.int64) for name in self._inputs}
            hidden = self._session.run(None, feeds)[0]
            mask = tokens["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            chunks.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        if chunks:
            out[order] = np.concatenate(chunks)
        return out


def export_folder() -> Path:
    """Where exported models are kept: one per machine and user, whatever the working folder
    (`PRACTICEBOT_MODEL_CACHE`, else the user's cache folder, else the temporary folder)."""
    chosen = os.environ.get("PRACTICEBOT_MODEL_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "practicebot" / "onnx"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir()) / "practicebot-onnx"
    return folder


def onnx_encoder(model: Any, name: str, model_path: str) -> OnnxEncoder | None:
    """The model on ONNX Runtime, exported the first time; None to stay on torch."""
    if not _plain_mean_pooling(model):
        return None
    try:
        import onnxruntime
    except ImportError:
        return None
    inputs = [
        key
        for key in ("input_ids", "attention_mask", "token_type_ids")
        if key in model.tokenizer(["x"]).keys()
    ]
    weights = sorted(Path(model_path).glob("*.safetensors")) + sorted(
        Path(model_path).glob("*.bin")
    )
    stamp = "|".join(f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    digest = hashlib.sha256(f"{name}|{model_path}|{stamp}|{inputs}".encode()).hexdigest()[:16]
    path = export_folder() / f"{name.replace('/', '_')}-{digest}.onnx"
    try:
        if not path.exists():
            _export(model, path, inputs)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
        options.log_severity_level = 3
        # its threads would otherwise spin after each question, taking the cores the
        # phrasings' product (torch) needs next
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # any failure here only costs speed: say so, stay on torch
        log.warning("sentence model stays on torch: ONNX export or load failed: %s", exc)
        return None
    return OnnxEncoder(session, model, inputs)
