"""A first look over a large index: every phrasing's similarity to a question from an int8 copy
of the vectors, with a bound on how far each can be from the exact one, so that only the entries
that could come first are scored exactly (dense.py `DenseIndex.fuse`). The answers are the exact
ones; only the work changes.

Reading the float32 vectors is what costs: 39,000 phrasings (5,000 passages) are 60 MB, 2.5-12 ms
a question on one core of a shared AMD EPYC without AVX-512, bound by memory. The int8 copy is
15 MB and onnxruntime's integer product reads it in 0.6-1.2 ms there.

The bound: the question q is quantised to ã and a phrasing p to p̃, and the copy gives ã·p̃
exactly (integers). q·p - ã·p̃ = (q - ã)·p + ã·(p - p̃), so it is at most |q - ã|·|p| +
|ã|·|p - p̃| away, both known: the first for each question, the second for each phrasing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

COARSE_FROM = 10_000  # phrasings from which the first look pays: below, the exact product is
# under a millisecond
SLACK = 1e-4  # for float32 rounding in the exact similarities (at most about 2.3e-5 for 384 terms)
# The copy's integers lie within +-63 and the question's within 1..255: onnxruntime's uint8 x int8
# product on AVX2 adds pairs of products in 16 bits, which full-range int8 overflows (checked
# in `build`, which refuses a product that is not exact).
WEIGHT_RANGE = 63
QUESTION_RANGE = 127
_SHIFT = 128  # the question's integers are stored as uint8 around this


class Int8Look:
    def __init__(
        self, session: Any, scales: np.ndarray, errors: np.ndarray, sums: np.ndarray, norm: float
    ) -> None:
        self._session = session
        self._scales = scales
        self._errors = errors  # |p - p̃| for each phrasing
        self._shifted = _SHIFT * sums * scales  # what the question's shift adds, scaled
        self._norm = norm  # the largest |p|

    def similarities(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each phrasing's approximate similarity to the vector, and how far from the exact one
        it can be (both float64)."""
        query = vector.astype(np.float64)
        step = float(np.abs(query).max()) / QUESTION_RANGE or 1.0
        integers = np.round(query / step)
        read = integers * step
        shifted = (integers + _SHIFT).astype(np.uint8)
        products = self._session.run(None, {"question": shifted[None, :]})[0][0]
        approximate = products * (step * self._scales) - step * self._shifted
        within = float(np.linalg.norm(read)) * self._errors + (
            float(np.linalg.norm(query - read)) * self._norm + SLACK
        )
        return approximate, within


def build(vectors: np.ndarray) -> Int8Look | None:
    """The int8 copy of these vectors, or None where onnxruntime is missing or its product is not
    exact on this machine (then every question reads the float32 vectors, as below COARSE_FROM)."""
    try:
        import onnxruntime
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        return None
    exact = vectors.astype(np.float64)
    peaks = np.abs(exact).max(axis=1)
    scales = np.where(peaks > 0, peaks / WEIGHT_RANGE, 1.0)
    integers = np.round(exact / scales[:, None]).astype(np.int8)
    errors = np.linalg.norm(exact - integers * scales[:, None], axis=1)
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["question", "phrasings"], ["products"])],
        "int8_look",
        [helper.make_tensor_value_info("question", TensorProto.UINT8, [1, vectors.shape[1]])],
        [helper.make_tensor_value_info("products", TensorProto.INT32, [1, len(vectors)])],
        [numpy_helper.from_array(np.ascontiguousarray(integers.T), "phrasings")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # bound by memory: a second thread only waits with it
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    except Exception:  # an onnxruntime without the operator: read the vectors exactly
        return None
    if not _exact_here(session, integers):
        return None
    sums = integers.sum(axis=1, dtype=np.int64).astype(np.float64)
    return Int8Look(session, scales, errors, sums, float(np.linalg.norm(exact, axis=1).max()))


def _exact_here(session: Any, integers: np.ndarray) -> bool:
    """The bound needs the integer product exact: checked on the largest products there are
    (255 where a phrasing's weights are positive, 1 elsewhere) and on a mixed question."""
    largest = np.where(integers[:2] > 0, 255, 1).astype(np.uint8)
    mixed = (np.arange(integers.shape[1]) * 37 % 255 + 1).astype(np.uint8)
    wide = integers.astype(np.int64)
    for question in (*largest, mixed):
        got = session.run(None, {"question": question[None, :]})[0][0]
        if not np.array_equal(got, wide @ question.astype(np.int64)):
            return False
    return True
