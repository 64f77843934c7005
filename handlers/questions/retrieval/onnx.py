"""The sentence model run by ONNX Runtime instead of torch, when the model is the usual kind (a
transformer, mean pooling, normalised). It gives the same vectors: the largest difference on
all-MiniLM-L6-v2 is 1.4e-7. It is about three times faster on a CPU without AVX-512: 7.5-11 ms a
question rather than 24-34 ms on the AMD EPYC these figures come from.

The model is exported once, with torch's ONNX exporter, and kept on disk. sentence-transformers'
own ONNX backend needs optimum-onnx, which does not install beside transformers 5. Once the
export exists, the model loads with the `tokenizers` library and onnxruntime alone, without
importing torch or sentence-transformers: a bot process starts in about 1 s rather than 11 s.
Anything unusual (other pooling, no onnxruntime, a failed export) leaves the model on torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def plain_mean_pooling(model_dir: Path) -> bool:
    """The model's own files say: a transformer, mean pooling, then (perhaps) normalising."""
    try:
        modules = _json(model_dir / "modules.json")
        kinds = [m["type"] for m in modules]
        if kinds[:2] != [_TRANSFORMER, _POOLING] or kinds[2:] not in ([], [_NORMALIZE]):
            return False
        pooling = _json(model_dir / modules[1]["path"] / "config.json")
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if "pooling_mode" in pooling:  # written by sentence-transformers 6
        return bool(pooling["pooling_mode"] == "mean")
    modes = [key for key, on in pooling.items() if key.startswith("pooling_mode_") and on]
    return modes == ["pooling_mode_mean_tokens"]


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


def exported_path(name: str, model_dir: Path) -> Path:
    """The export of this model, stamped with its weights' files so a changed model is redone."""
    weights = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    stamp = "|".join(f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    digest = hashlib.sha256(f"{name}|{model_dir}|{stamp}".encode()).hexdigest()[:16]
    return export_folder() / f"{name.replace('/', '_')}-{digest}.onnx"


class OnnxEncoder:
    def __init__(self, session: Any, tokenizer: Any, lower_case: bool) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._lower_case = lower_case
        self._inputs = [i.name for i in session.get_inputs()]
        self.dimension = int(session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        texts = [t.lower() for t in texts] if self._lower_case else list(texts)
        order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths, less padding
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), batch_size):
            batch = self._tokenizer.encode_batch(
                [texts[i] for i in order[start : start + batch_size]]
            )
            columns = {
                "input_ids": [e.ids for e in batch],
                "attention_mask": [e.attention_mask for e in batch],
                "token_type_ids": [e.type_ids for e in batch],
            }
            feeds = {name: np.asarray(columns[name], dtype=np.int64) for name in self._inputs}
            hidden = self._session.run(None, feeds)[0]
            mask = np.asarray(columns["attention_mask"], dtype=np.float32)[..., None]
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            chunks.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        if chunks:
            out[order] = np.concatenate(chunks)
        return out


def load(name: str, model_dir: Path) -> OnnxEncoder | None:
    """The exported model with its tokenizer, without torch; None if there is no export yet or the
    model is not the usual kind."""
    path = exported_path(name, model_dir)
    if not path.exists() or not plain_mean_pooling(model_dir):
        return None
    try:
        import onnxruntime
        from tokenizers import Tokenizer

        settings = _json(model_dir / "sentence_bert_config.json")
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # the file may carry its own fixed padding and truncation; sentence-transformers pads to
        # the longest text of a batch and cuts at the model's max_seq_length
        tokenizer.enable_truncation(max_length=int(settings.get("max_seq_length") or 512))
        pad = tokenizer.padding or {}
        tokenizer.enable_padding(
            pad_id=int(pad.get("pad_id", 0)),
            pad_type_id=int(pad.get("pad_type_id", 0)),
            pad_token=str(pad.get("pad_token", "[PAD]")),
        )
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
        options.log_severity_level = 3
        # its threads would otherwise spin after each question, taking the cores the
        # phrasings' product needs next
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # any failure here only costs speed: say so, stay on torch
        log.warning("sentence model stays on torch: the ONNX model did not load: %s", exc)
        return None
    return OnnxEncoder(session, tokenizer, bool(settings.get("do_lower_case")))


def export(model: Any, name: str, model_dir: Path) -> OnnxEncoder | None:
    """Export a loaded sentence-transformers model (torch), then load the export."""
    if not plain_mean_pooling(model_dir):
        return None
    try:
        import onnxruntime  # noqa: F401  (no runtime: no point exporting)
    except ImportError:
        return None
    path = exported_path(name, model_dir)
    try:
        _export(model, path)
    except Exception as exc:
        log.warning("sentence model stays on torch: ONNX export failed: %s", exc)
        return None
    return load(name, model_dir)


def _export(model: Any, path: Path) -> None:
    import torch

    transformer = model[0].auto_model.eval()
    # a padded pair, so the trace keeps the attention mask (an all-ones sample may let the
    # model drop it)
    sample = model.tokenizer(
        ["an example question", "a longer example question about a home visit"],
        padding=True,
        return_tensors="pt",
    )
    inputs = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            outputs = self.transformer(**dict(zip(inputs, tensors, strict=True)))
            return outputs.last_hidden_state  # type: ignore[no-any-return]

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
