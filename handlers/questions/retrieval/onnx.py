"""The sentence model run by ONNX Runtime instead of torch, when the model is the usual kind (a
transformer, mean pooling, normalised). It gives the same vectors: the largest difference on
all-MiniLM-L6-v2 is 1.4e-7. It is about three times faster on a CPU without AVX-512: 7.5-11 ms a
question rather than 24-34 ms on the AMD EPYC these figures come from.

The model is exported once, with torch's ONNX exporter, and kept on disk. sentence-transformers'
own ONNX backend needs optimum-onnx, which does not install beside transformers 5. Once the
export exists, the model loads with the `tokenizers` library and onnxruntime alone, without
importing torch or sentence-transformers: a bot process starts in about 1 s rather than 11 s.
Anything unusual (other pooling, no onnxruntime, a failed export) leaves the model on torch.

Questions may run on an int8 copy of the export (`quantise`), about twice as fast again; what is
searched (the knowledge base's phrasings) always runs on the exact model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np

from bot.files import partial_path

log = logging.getLogger(__name__)

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
PADDING_RATIO = 1.5  # a text joins a batch if the batch's longest is at most 1.5 times it
PADDING_SLACK = 8  # plus 8 tokens: short texts are cheap, however padded
UNUSED_DAYS = 14  # an export no installation has loaded for this long is deleted (see prune)
# what questions run on unless told otherwise; the bot's own default is questions.query_precision
# in bot/config.py (the core does not import features), and a test holds the two together
QUERY_PRECISION = "int8"
QUERY_THREADS = 1  # of the int8 questions' model (see load)


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


@contextmanager
def exporting(name: str) -> Iterator[None]:
    """One process at a time exports a model on this machine: several bot processes (or test
    workers) starting together on a cold cache wait for the first export instead of each
    spending half a minute of CPU on the same file."""
    try:
        import fcntl
    except ImportError:  # not POSIX: each exports, as before; the file is replaced atomically
        yield
        return
    lock = export_folder() / f".{name.replace('/', '_')}.lock"
    try:
        handle = lock.open("a")
    except OSError:  # a read-only cache folder: nothing to share anyway
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def exported_path(name: str, model_dir: Path) -> Path:
    """The export of this model, stamped with its weights' files so a changed model is redone."""
    weights = sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin"))
    stamp = "|".join(f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights)
    digest = hashlib.sha256(f"{name}|{model_dir}|{stamp}".encode()).hexdigest()[:16]
    return export_folder() / f"{name.replace('/', '_')}-{digest}.onnx"


class OnnxEncoder:
    def __init__(
        self,
        session: Any,
        tokenizer: Any,
        lower_case: bool,
        pad: dict[str, Any],
        query_session: Any = None,
    ) -> None:
        self._session = session
        self._query_session = query_session or session
        self.query_precision = "int8" if query_session is not None else "float32"
        self._tokenizer = tokenizer  # truncates, never pads: each batch is padded here
        self._lower_case = lower_case
        self._pad_id = int(pad.get("pad_id", 0))
        self._pad_type_id = int(pad.get("pad_type_id", 0))
        self._inputs = [i.name for i in session.get_inputs()]
        self.dimension = int(session.get_outputs()[0].shape[-1])

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, queries: bool = False
    ) -> np.ndarray:
        """Normalised vectors; `queries` runs the questions' model (int8 where it was made)."""
        session = self._query_session if queries else self._session
        texts = [t.lower() for t in texts] if self._lower_case else list(texts)
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.asarray([len(e.ids) for e in encodings], dtype=np.int64)
        order = np.argsort(-lengths, kind="stable")  # similar lengths together, less padding
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows in _batches(lengths[order], batch_size):
            out[order[rows]] = self._run(session, [encodings[i] for i in order[rows]])
        return out

    def _run(self, session: Any, batch: list[Any]) -> np.ndarray:
        width = len(batch[0].ids)  # the longest: batches come longest first
        columns = {
            "input_ids": np.full((len(batch), width), self._pad_id, dtype=np.int64),
            "attention_mask": np.zeros((len(batch), width), dtype=np.int64),
            "token_type_ids": np.full((len(batch), width), self._pad_type_id, dtype=np.int64),
        }
        for row, encoding in enumerate(batch):
            size = len(encoding.ids)
            columns["input_ids"][row, :size] = encoding.ids
            columns["attention_mask"][row, :size] = 1
            columns["token_type_ids"][row, :size] = encoding.type_ids
        feeds = {name: columns[name] for name in self._inputs}
        hidden = np.asarray(session.run(None, feeds)[0])
        mask = columns["attention_mask"].astype(np.float32)[..., None]
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return np.asarray(pooled / norms, dtype=np.float32)


def _batches(lengths: np.ndarray, size: int) -> list[slice]:
    """Runs of at most `size` texts (sorted longest first) in which padding stays small. A long
    question and its short last sentence go to the model apart: padded together, the sentence
    cost as much as the question (an 88-token question with its 20-token last sentence: 27.7 ms
    padded together, 22.6 ms apart, on two cores of an AMD EPYC)."""
    runs: list[slice] = []
    start = 0
    for i, length in enumerate(lengths):
        if i - start == size or lengths[start] > PADDING_RATIO * length + PADDING_SLACK:
            runs.append(slice(start, i))
            start = i
    if len(lengths):
        runs.append(slice(start, len(lengths)))
    return runs


def load(name: str, model_dir: Path, query_precision: str = "float32") -> OnnxEncoder | None:
    """The exported model with its tokenizer, without torch; None if there is no export yet or the
    model is not the usual kind. With `query_precision` "int8", questions run on an int8 copy
    (made once from the export, see quantised_path); phrasings always run on the exact model."""
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
        pad = dict(tokenizer.padding or {})
        tokenizer.no_padding()
        session = onnxruntime.InferenceSession(
            str(path), _options(min(os.cpu_count() or 1, 4)), providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # any failure here only costs speed: say so, stay on torch
        log.warning("sentence model stays on torch: the ONNX model did not load: %s", exc)
        return None
    query_session = None
    in_use = [path]
    if query_precision == "int8":
        quantised = quantised_path(path)
        try:
            if not quantised.exists():
                quantise(path, quantised)
            # One thread: a question is one short text, and its int8 products gain nothing from a
            # second thread that must wait for the other core. On the shared two-core AMD EPYC,
            # answer() took 10.3 ms (p99 25.0) on one thread against 11.3 ms (p99 27.5) on two,
            # and 17.7 against 21.1 ms (p99 35 against 52) while the other core was busy,
            # alternating question by question in one process (5,000 passages, dev questions)
            query_session = onnxruntime.InferenceSession(
                str(quantised), _options(QUERY_THREADS), providers=["CPUExecutionProvider"]
            )
            in_use.append(quantised)
        except Exception as exc:  # only costs speed: questions run on the exact model
            log.warning("questions run on the exact model: no int8 copy: %s", exc)
    for used in in_use:  # its date says it is in use: see prune()
        with suppress(OSError):  # a read-only cache: the date is only not refreshed
            os.utime(used)
    lower_case = bool(settings.get("do_lower_case"))
    return OnnxEncoder(session, tokenizer, lower_case, pad, query_session)


def _options(threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    # its threads would otherwise spin after each question, taking the cores the phrasings'
    # product needs next
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class _QuantiserNotes(logging.Filter):
    """Drops what onnxruntime's quantiser notes below WARNING: a line for each tensor it leaves
    alone, written straight to the root logger. Every other line on the root logger passes."""

    def __init__(self, package: Path) -> None:
        super().__init__()
        self._package = str(package)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not record.pathname.startswith(self._package)


@contextmanager
def _quiet_quantiser(package: Path) -> Iterator[None]:
    root, own = logging.getLogger(), logging.getLogger("onnxruntime")
    notes, level = _QuantiserNotes(package), own.level
    root.addFilter(notes)
    own.setLevel(logging.WARNING)  # its named loggers (shape inference) say the same things
    try:
        yield
    finally:
        root.removeFilter(notes)
        own.setLevel(level)


def quantised_path(exported: Path) -> Path:
    return exported.with_name(f"{exported.stem}-int8.onnx")


def quantise(exported: Path, target: Path) -> None:
    """An int8 copy of the model's matrix products (dynamic quantisation, one scale per output
    channel), for questions. On all-MiniLM-L6-v2 its vectors are within cosine 0.966 (0.993 on
    average) of the exact ones and a question takes 0.5-0.6 times as long on the AMD EPYC these
    figures come from; the phrasings stay exact, so only the question side moves. Made in about
    5 s, once, by onnxruntime's own tools (no torch)."""
    from onnxruntime import quantization
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    with tempfile.TemporaryDirectory() as work:
        prepared = Path(work) / "prepared.onnx"
        # its tools note each tensor they leave alone: nothing for an admin to act on
        with warnings.catch_warnings(), _quiet_quantiser(Path(quantization.__file__).parent):
            warnings.simplefilter("ignore")
            quant_pre_process(str(exported), str(prepared), skip_symbolic_shape=True)
            partial = partial_path(target)
            quantize_dynamic(
                str(prepared),
                str(partial),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
    os.replace(partial, target)


def export(
    model: Any, name: str, model_dir: Path, query_precision: str = "float32"
) -> OnnxEncoder | None:
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
    prune(path.parent, keep=path)
    return load(name, model_dir, query_precision)


def prune(folder: Path, keep: Path, unused_days: float = UNUSED_DAYS) -> list[Path]:
    """Delete the exports no installation has loaded for `unused_days` (each load refreshes its
    file's date): each virtualenv or model version has its own, about 150 MB with the int8 copy,
    and a machine that makes many (a CI runner) would otherwise fill its disk. One that is
    needed again is simply exported again. Returns what was deleted."""
    keep_too = {keep, quantised_path(keep)}
    cutoff = time.time() - unused_days * 86400
    deleted = []
    for old in [*folder.glob("*.onnx"), *folder.glob("*.partial")]:
        try:
            if old not in keep_too and old.stat().st_mtime < cutoff:
                old.unlink()
                deleted.append(old)
        except OSError:  # another process's file, or gone already: not ours to insist on
            continue
    if deleted:
        log.info("deleted %d sentence-model exports unused for %g days", len(deleted), unused_days)
    return deleted


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
    partial = partial_path(path)
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
