"""Answer-or-abstain on sets the calibration never saw: for each labelled set, the calibration is
fitted on the other sets (as `eval questions --fit` fits it), then that set is scored with it.

    python benchmarks/questions_held_out.py [--retriever hybrid|bm25]
        [--query-precision int8|float32] [FILE.jsonl ...]

The default sets are the 450 questions the shipped calibration is fitted on: the dev set and our
two written sets. Prints one JSON object per set, then their mean.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from handlers.questions.evaluation import (
    add_query_precision,
    figures,
    knowledge_base,
    read_labelled,
)
from handlers.questions.retrieval.answerer import Answerer, floor_signal, signal_names
from handlers.questions.retrieval.calibration import fit

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SETS = [
    SHARED / "questions-dev.jsonl",
    ROOT / "handlers/questions/calibration/questions/written-a.jsonl",
    ROOT / "handlers/questions/calibration/questions/written-b.jsonl",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", type=Path, nargs="*", default=SETS)
    parser.add_argument("--kb", type=Path, default=SHARED / "kb-sample")
    parser.add_argument("--retriever", choices=["bm25", "hybrid"], default="hybrid")
    add_query_precision(parser)
    args = parser.parse_args()
    if len(args.files) < 2:
        parser.error("give at least two sets: each is scored by a calibration fitted on the others")
    kb = knowledge_base(args.kb)
    answerer = Answerer(
        kb, args.retriever, cache_dir=ROOT / "var" / "cache", query_precision=args.query_precision
    )
    sets = []
    for path in args.files:
        rows, _ = read_labelled(path, kb)
        rankings = [answerer.rank(row.question) for row in rows]
        ranked = [[kb.entries[i].id for i in r.top(3)] for r in rankings]
        signals = np.asarray([r.signals for r in rankings])
        sets.append((path.stem, rows, ranked, signals, np.asarray([bool(r.gold) for r in rows])))
    results = []
    for k, (name, rows, ranked, x, _) in enumerate(sets):
        others = [s for j, s in enumerate(sets) if j != k]
        calibration = fit(
            np.concatenate([s[3] for s in others]),
            np.concatenate([s[4] for s in others]).astype(float),
            signal_names(args.retriever),
            floor_signal=floor_signal(args.retriever),
        )
        answered = np.asarray(
            [
                answerer.sure(row.question, list(f), calibration)
                for row, f in zip(rows, x, strict=True)
            ],
            dtype=bool,
        )
        result = {"set": name, "query_precision": answerer.query_precision}
        result |= figures(rows, ranked, answered)
        results.append(result)
        print(json.dumps(result))
    keys = ("hit_at_1", "hit_at_3", "mrr", "answered_in_scope", "abstained_out_of_scope")
    mean = {key: round(float(np.mean([r[key] for r in results])), 4) for key in keys}
    print(json.dumps({"set": "mean", **mean}))


if __name__ == "__main__":
    main()
