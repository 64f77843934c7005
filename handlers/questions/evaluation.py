"""Measure the retriever: `python -m bot eval questions --kb DIR FILE.jsonl [--retriever bm25|hybrid]`.

Answer-or-abstain uses the calibration shipped in handlers/questions/calibration/ (`--fit`
refits it on the files given); a judged file is never used to tune it. `--cross-validate`
reports out-of-fold figures on the files themselves instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.config import QuestionsSection
from bot.plugins import CliCommand
from handlers.questions.kb import KnowledgeBase, load_kb
from handlers.questions.retrieval.answerer import Answerer, floor_signal, signal_names
from handlers.questions.retrieval.calibration import (
    Calibration,
    CalibrationMismatch,
    balanced_threshold,
    cross_validated,
    fit,
    shipped_path,
)


class BadQuestionsFile(ValueError):
    pass


@dataclass(frozen=True)
class Labelled:
    id: str
    question: str
    gold: tuple[str, ...]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="JSONL: question, gold (ids that answer it; [] = the knowledge base does not)",
    )
    parser.add_argument("--kb", type=Path, required=True, help="knowledge base folder")
    parser.add_argument(
        "--retriever",
        choices=["bm25", "hybrid"],
        default=QuestionsSection().retriever,
        help="default: the product's default",
    )
    add_query_precision(parser)
    parser.add_argument("--errors", action="store_true", help="list the failures on stderr")
    parser.add_argument(
        "--fit", action="store_true", help="refit and store the calibration on the FILEs"
    )
    parser.add_argument(
        "--cross-validate", action="store_true", help="out-of-fold answer/abstain on the FILEs"
    )


def add_query_precision(parser: argparse.ArgumentParser) -> None:
    """`--query-precision`, for eval and the benchmarks alike."""
    parser.add_argument(
        "--query-precision",
        choices=["int8", "float32"],
        default=QuestionsSection().query_precision,
        help="the model the questions run on (hybrid); default: the product's default",
    )


def read_labelled(path: Path, kb: KnowledgeBase) -> tuple[list[Labelled], list[str]]:
    """The questions of a file, and warnings for gold ids the knowledge base does not have."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadQuestionsFile(f"{path}: cannot read: {exc}") from None
    known = {e.id for e in kb.entries}
    rows, warnings = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadQuestionsFile(f"{path}:{number}: not JSON: {exc.msg}") from None
        question = data.get("question") if isinstance(data, dict) else None
        gold = data.get("gold", []) if isinstance(data, dict) else None
        if not isinstance(question, str) or not isinstance(gold, list):
            raise BadQuestionsFile(
                f"{path}:{number}: expected an object with 'question' (text) and 'gold' (a list of ids)"
            )
        unknown = [g for g in gold if g not in known]
        if unknown:
            warnings.append(f"{path}:{number}: gold ids not in the knowledge base: {unknown}")
        rows.append(Labelled(str(data.get("id", f"{path.stem}:{number}")), question, tuple(gold)))
    return rows, warnings


def figures(
    rows: Sequence[Labelled], ranked: Sequence[Sequence[str]], answered: np.ndarray
) -> dict[str, int | float | None]:
    """The retrieval and answer-or-abstain figures of labelled questions, given each one's
    top ids and whether it was answered."""
    scoped = [i for i, r in enumerate(rows) if r.gold]
    outside = [i for i, r in enumerate(rows) if not r.gold]
    hit1 = [ranked[i][0] in rows[i].gold for i in scoped]
    hit3 = [any(h in rows[i].gold for h in ranked[i]) for i in scoped]
    rr = [
        next((1 / (k + 1) for k, h in enumerate(ranked[i]) if h in rows[i].gold), 0.0)
        for i in scoped
    ]

    def share(values: Sequence[float] | np.ndarray) -> float | None:
        return round(float(np.mean(values)), 4) if len(values) else None

    return {
        "questions": len(rows),
        "in_scope": len(scoped),
        "out_of_scope": len(outside),
        "hit_at_1": share(hit1),
        "hit_at_3": share(hit3),
        "mrr": share(rr),
        "answered_in_scope": share(answered[scoped]),
        "abstained_out_of_scope": share(~answered[outside]),
    }


def knowledge_base(folder: Path) -> KnowledgeBase:
    """A knowledge base for a command line: its errors printed, and an exit with the reason
    when nothing loads (a missing folder, say), rather than a traceback further on."""
    kb, errors = load_kb(folder)
    for error in errors:
        print(f"kb: {error}", file=sys.stderr)
    if not kb.entries:
        raise SystemExit(f"kb: no entries loaded from {folder}")
    return kb


def run(args: argparse.Namespace) -> int:
    try:
        kb = knowledge_base(args.kb)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    rows: list[Labelled] = []
    try:
        for path in args.files:
            more, warnings = read_labelled(path, kb)
            rows += more
            for warning in warnings:
                print(warning, file=sys.stderr)
    except BadQuestionsFile as exc:
        print(exc, file=sys.stderr)
        return 2
    if not rows:
        print("no questions in the files given", file=sys.stderr)
        return 2
    path = shipped_path(args.retriever)
    calibration = None
    if not (args.fit or args.cross_validate):
        try:
            calibration = Calibration.load(path)
            calibration.check(signal_names(args.retriever))
        except (OSError, CalibrationMismatch) as exc:
            print(f"calibration {path.name}: {exc}", file=sys.stderr)
            return 2
    answerer = Answerer(
        kb,
        args.retriever,
        cache_dir=Path("var") / "cache",
        calibration=calibration,
        query_precision=args.query_precision,
    )
    for row in rows[:20]:
        answerer.answer(row.question)  # warm
    signals, ranked, latencies = [], [], []
    for row in rows:
        started = time.perf_counter()
        answer = answerer.answer(row.question)
        latencies.append((time.perf_counter() - started) * 1000)
        if not answer.hits:  # nothing to search for: still a row for fitting and counting
            answer = replace(answer, signals=answerer.rank(row.question).signals)
        signals.append(answer.signals)
        ranked.append([hit.id for hit in answer.hits])
    x = np.asarray(signals)
    in_scope = np.asarray([bool(r.gold) for r in rows], dtype=float)
    if args.fit:
        calibration = fit(
            x,
            in_scope,
            signal_names(args.retriever),
            ", ".join(p.name for p in args.files),
            floor_signal(args.retriever),
        )
        calibration.save(path)
    if args.cross_validate:  # the regression alone: no floor
        probabilities = cross_validated(x, in_scope)
        threshold = balanced_threshold(probabilities, in_scope)
        label = f"cross-validated on the files (threshold {threshold:.2f} chosen on them)"
        answered = probabilities >= threshold
    else:
        assert calibration is not None
        label = path.name
        probabilities = np.asarray([calibration.probability(f) for f in x])
        answered = np.asarray(
            [
                answerer.sure(row.question, list(f), calibration)
                for row, f in zip(rows, x, strict=True)
            ],
            dtype=bool,
        )
    result = {
        "retriever": args.retriever,
        "query_precision": answerer.query_precision,
        **figures(rows, ranked, answered),
        "queries_per_second": round(1000 / float(np.mean(latencies)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "calibration": label,
    }
    print(json.dumps(result))
    if args.errors:
        for i, row in enumerate(rows):
            wrong_rank = bool(row.gold) and ranked[i][0] not in row.gold
            wrong_call = bool(row.gold) != bool(answered[i])
            if wrong_rank or wrong_call:
                below = calibration is not None and not answered[i] and not calibration.within(x[i])
                floor = ", below the floor" if below else ""
                print(
                    f"{row.id}: {row.question!r} gold={list(row.gold)} top={ranked[i]} "
                    f"p={probabilities[i]:.2f}{floor}",
                    file=sys.stderr,
                )
    return 0


command = CliCommand(
    configure, run, group_help="measure the detector or the retriever on a labelled file"
)
