"""Measure the retriever: `python -m bot eval questions --kb DIR FILE.jsonl [--retriever bm25|hybrid]`.

Answer-or-abstain uses the calibration shipped in handlers/questions/calibration/, fitted on the
dev set (`--fit` refits it there); a judged file is never used to tune it. `--cross-validate`
reports out-of-fold figures on the file itself, for the dev set.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from handlers.questions.kb import load_kb
from handlers.questions.retrieval.answerer import Answerer
from handlers.questions.retrieval.calibration import Calibration, cross_validated, fit

CALIBRATIONS = Path(__file__).resolve().parent / "calibration"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="JSONL: question, gold (ids; [] = not answered)")
    parser.add_argument("--kb", type=Path, required=True, help="knowledge base folder")
    parser.add_argument("--retriever", choices=["bm25", "hybrid"], default="hybrid")
    parser.add_argument("--errors", action="store_true", help="list the failures on stderr")
    parser.add_argument(
        "--fit", action="store_true", help="refit and store the calibration on FILE"
    )
    parser.add_argument("--cross-validate", action="store_true", help="out-of-fold answer/abstain")


def run(args: argparse.Namespace) -> int:
    kb, errors = load_kb(args.kb)
    for error in errors:
        print(f"kb: {error}", file=sys.stderr)
    if not kb.entries:
        return 2
    rows = [
        json.loads(line)
        for line in args.file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    answerer = Answerer(kb, args.retriever, cache_dir=Path("var") / "cache")
    path = CALIBRATIONS / f"{args.retriever}.json"
    features, ranked, latencies = [], [], []
    for row in rows:
        answerer.rank(row["question"])  # warm
    for row in rows:
        started = time.perf_counter()
        fused, feats = answerer.rank(row["question"])
        latencies.append((time.perf_counter() - started) * 1000)
        features.append(feats)
        ranked.append([kb.entries[i].id for i in np.argsort(-fused)[:3]])
    x = np.asarray(features)
    in_scope = np.asarray([bool(r["gold"]) for r in rows], dtype=float)
    if args.fit:
        calibration = fit(x, in_scope)
        calibration.save(path)
    if args.cross_validate:
        probabilities = cross_validated(x, in_scope)
    else:
        calibration = Calibration.load(path)
        probabilities = np.asarray([calibration.probability(list(f)) for f in x])
    answered = probabilities >= 0.5
    scoped = [i for i, r in enumerate(rows) if r["gold"]]
    outside = [i for i, r in enumerate(rows) if not r["gold"]]
    hit1 = [ranked[i][0] in rows[i]["gold"] for i in scoped]
    hit3 = [any(h in rows[i]["gold"] for h in ranked[i]) for i in scoped]
    rr = [
        next((1 / (k + 1) for k, h in enumerate(ranked[i]) if h in rows[i]["gold"]), 0.0)
        for i in scoped
    ]
    result = {
        "retriever": args.retriever,
        "questions": len(rows),
        "hit_at_1": round(float(np.mean(hit1)), 4) if scoped else None,
        "hit_at_3": round(float(np.mean(hit3)), 4) if scoped else None,
        "mrr": round(float(np.mean(rr)), 4) if scoped else None,
        "answered_in_scope": round(float(np.mean(answered[scoped])), 4) if scoped else None,
        "abstained_out_of_scope": round(float(np.mean(~answered[outside])), 4) if outside else None,
        "queries_per_second": round(1000 / float(np.mean(latencies)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "calibration": "cross-validated on this file" if args.cross_validate else str(path.name),
    }
    print(json.dumps(result))
    if args.errors:
        for i, row in enumerate(rows):
            wrong_rank = bool(row["gold"]) and ranked[i][0] not in row["gold"]
            wrong_call = bool(row["gold"]) != bool(answered[i])
            if wrong_rank or wrong_call:
                print(
                    f"{row.get('id', i)}: {row['question']!r} gold={row['gold']} top={ranked[i]} "
                    f"p={probabilities[i]:.2f}",
                    file=sys.stderr,
                )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m handlers.questions.evaluation")
    configure(parser)
    sys.exit(run(parser.parse_args()))
