"""Measure the retriever: `python -m bot eval questions --kb DIR FILE.jsonl [--retriever bm25|hybrid]`.

The reply (answer, offer choices, or ask a person) uses the calibration shipped in
handlers/questions/calibration/ (`--fit` refits it on the files given); a judged file is never
used to tune it. `--cross-validate` reports out-of-fold answer-or-abstain figures on the files
themselves instead.

What users meet, per set: `wrong_answers` (questions answered outright with a wrong first entry,
out-of-scope ones included, as a share of all questions), `answered_right` (of the questions
answered outright, the share whose first entry is right), `shown_right` (of the in-scope
questions, the share where a right entry was the answer or one of the choices),
`choices_offered` and `escalated` (shares of all questions).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config import QuestionsSection
from bot.plugins import CliCommand
from handlers.questions.kb import KnowledgeBase, load_kb
from handlers.questions.retrieval.answerer import Answerer, Ranking, floor_signal, signal_names
from handlers.questions.retrieval.calibration import (
    ANSWER,
    CHOICES,
    ESCALATE,
    Bands,
    CalibrationMismatch,
    balanced_threshold,
    cross_validated,
    fit_bands,
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
    rows: Sequence[Labelled], ranked: Sequence[Sequence[str]], replies: Sequence[str]
) -> dict[str, int | float | None]:
    """The retrieval and reply figures of labelled questions, given each one's top ids (best
    first; the first three are the choices) and its reply (ANSWER, CHOICES or ESCALATE)."""
    scoped = [i for i, r in enumerate(rows) if r.gold]
    outside = [i for i, r in enumerate(rows) if not r.gold]
    reply = np.asarray(replies)
    answered = reply == ANSWER
    first = np.asarray([bool(ranked[i]) and ranked[i][0] in r.gold for i, r in enumerate(rows)])
    among = np.asarray([any(h in r.gold for h in ranked[i][:3]) for i, r in enumerate(rows)])
    shown = (answered & first) | ((reply == CHOICES) & among)
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
        "hit_at_1": share(first[scoped]),
        "hit_at_3": share(among[scoped]),
        "mrr": share(rr),
        "answered_in_scope": share(answered[scoped]),
        "abstained_out_of_scope": share(~answered[outside]),
        "wrong_answers": share(answered & ~first),
        "answered_right": share(first[answered]),
        "shown_right": share(shown[scoped]),
        "choices_offered": share(reply == CHOICES),
        "escalated": share(reply == ESCALATE),
        "out_of_scope_answered": share(answered[outside]),
    }


def labels(
    rows: Sequence[Labelled], ranked: Sequence[Sequence[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the bands are fitted on: the first entry is right; a right entry is among the first
    three; the guidance answers the question at all."""
    first = [bool(ids) and ids[0] in r.gold for r, ids in zip(rows, ranked, strict=True)]
    among = [any(h in r.gold for h in ids[:3]) for r, ids in zip(rows, ranked, strict=True)]
    scoped = [bool(r.gold) for r in rows]
    return (
        np.asarray(first, dtype=float),
        np.asarray(among, dtype=float),
        np.asarray(scoped, dtype=float),
    )


def knowledge_base(folder: Path) -> KnowledgeBase:
    """A knowledge base for a command line: its errors printed, and an exit with the reason
    when nothing loads (a missing folder, say), rather than a traceback further on."""
    kb, errors = load_kb(folder)
    for error in errors:
        print(f"kb: {error}", file=sys.stderr)
    if not kb.entries:
        raise SystemExit(f"kb: no entries loaded from {folder}")
    return kb


class Refused(Exception):
    """A reason, printed on standard error, why there is nothing to measure."""


def run(args: argparse.Namespace) -> int:
    try:
        kb, rows, files = _inputs(args)
        calibration = _calibration(args)
    except Refused as exc:
        print(exc, file=sys.stderr)
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
    rankings, latencies = [], []
    for row in rows:
        started = time.perf_counter()
        answerer.answer(row.question)
        latencies.append((time.perf_counter() - started) * 1000)
        rankings.append(answerer.rank(row.question))
    x = np.asarray([r.signals for r in rankings])
    searchable = [bool(answerer.words(row.question)) for row in rows]
    ranked = [
        [answerer.kb.entries[i].id for i in r.top(3)] if ok else []
        for r, ok in zip(rankings, searchable, strict=True)
    ]
    if args.fit:
        first, among, in_scope = labels(rows, ranked)
        calibration = fit_bands(
            x,
            first,
            among,
            in_scope,
            signal_names(args.retriever),
            ", ".join(p.name for p in args.files),
            floor_signal(args.retriever),
            groups=files,
        )
        calibration.save(shipped_path(args.retriever))
    if args.cross_validate:  # the regression alone: no floor
        _, _, in_scope = labels(rows, ranked)
        probabilities = cross_validated(x, in_scope)
        threshold = balanced_threshold(probabilities, in_scope)
        label = f"cross-validated on the files (threshold {threshold:.2f} chosen on them)"
        replies = [ANSWER if p >= threshold else ESCALATE for p in probabilities]
    else:
        assert calibration is not None
        label = shipped_path(args.retriever).name
        probabilities = np.asarray([calibration.confidence(f) for f in x])
        replies = _replies(answerer, calibration, rows, rankings, searchable, ranked)
    result = {
        "retriever": args.retriever,
        "query_precision": answerer.query_precision,
        **figures(rows, ranked, replies),
        "queries_per_second": round(1000 / float(np.mean(latencies)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 3),
        "calibration": label,
    }
    print(json.dumps(result))
    if args.errors:
        _print_errors(rows, ranked, replies, probabilities, x, calibration)
    return 0


def _inputs(args: argparse.Namespace) -> tuple[KnowledgeBase, list[Labelled], np.ndarray]:
    """The knowledge base, the questions of every file, and the file each question came from."""
    try:
        kb = knowledge_base(args.kb)
    except SystemExit as exc:
        raise Refused(str(exc)) from None
    rows: list[Labelled] = []
    files: list[int] = []
    try:
        for number, path in enumerate(args.files):
            more, warnings = read_labelled(path, kb)
            rows += more
            files += [number] * len(more)
            for warning in warnings:
                print(warning, file=sys.stderr)
    except BadQuestionsFile as exc:
        raise Refused(str(exc)) from None
    if not rows:
        raise Refused("no questions in the files given")
    return kb, rows, np.asarray(files)


def _calibration(args: argparse.Namespace) -> Bands | None:
    """The shipped calibration, unless this run fits one or cross-validates."""
    if args.fit or args.cross_validate:
        return None
    path = shipped_path(args.retriever)
    try:
        calibration = Bands.load(path)
        calibration.check(signal_names(args.retriever))
    except (OSError, CalibrationMismatch) as exc:
        raise Refused(f"calibration {path.name}: {exc}") from None
    return calibration


def _replies(
    answerer: Answerer,
    calibration: Bands,
    rows: Sequence[Labelled],
    rankings: Sequence[Ranking],
    searchable: Sequence[bool],
    ranked: list[list[str]],
) -> list[str]:
    """The bot's way of replying to each question; `ranked` follows any second reading."""
    replies = []
    for k, (row, ranking) in enumerate(zip(rows, rankings, strict=True)):
        if not searchable[k]:  # nothing to search for: the bot says so, nobody is asked
            replies.append(ESCALATE)
            continue
        reply, read = answerer.decide(row.question, ranking, calibration)
        replies.append(reply)
        ranked[k] = [answerer.kb.entries[i].id for i in read.top(3)]
    return replies


def _print_errors(
    rows: Sequence[Labelled],
    ranked: Sequence[Sequence[str]],
    replies: Sequence[str],
    probabilities: np.ndarray,
    x: np.ndarray,
    calibration: Bands | None,
) -> None:
    first, among, _ = labels(rows, ranked)  # after any second reading
    for i, row in enumerate(rows):
        wrong_answer = replies[i] == ANSWER and not first[i]
        missed = bool(row.gold) and not (
            (replies[i] == ANSWER and first[i]) or (replies[i] == CHOICES and among[i])
        )
        if wrong_answer or missed:
            below = calibration is not None and not calibration.within(x[i])
            floor = ", below the floor" if below else ""
            what = "wrong answer" if wrong_answer else "right entry not shown"
            print(
                f"{row.id}: {what}: {row.question!r} gold={list(row.gold)} top={ranked[i]} "
                f"reply={replies[i]} p={probabilities[i]:.2f}{floor}",
                file=sys.stderr,
            )


command = CliCommand(
    configure, run, group_help="measure the detector or the retriever on a labelled file"
)
