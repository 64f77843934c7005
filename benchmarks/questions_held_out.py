"""The three ways to reply on questions the calibration never saw: for each labelled set, the
bands are fitted on the other sets (as `eval questions --fit` fits them), then that set is scored.

    python benchmarks/questions_held_out.py [--retriever hybrid|bm25] [--by-kb]
        [--query-precision int8|float32] [--kb DIR] [FILE.jsonl ...]

The default sets are the 682 questions the shipped calibration is fitted on: the dev and train
sets of ../shared/data and our two written sets. Prints one JSON object per set, then their mean.
`shown_right_ceiling` is what a perfect close band could show, given what the sure band answers
(see `ceiling`): where it is below the target, no better choice of who gets choices reaches it.

`--by-kb` also holds out guidance: the knowledge base's entries are split in two halves by their
source document (whole documents, so a topic is on one side), and each set is scored on one half
with bands fitted on the other sets on the other half. A question whose right entries are all in
the other half is out of scope there, as a near-topic question on another organisation's guidance
is. This is the nearest we have to the judges' other knowledge base.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from handlers.questions.evaluation import (
    Labelled,
    add_query_precision,
    figures,
    knowledge_base,
    labels,
    read_labelled,
)
from handlers.questions.kb import KnowledgeBase
from handlers.questions.retrieval.answerer import Answerer, Ranking, floor_signal, signal_names
from handlers.questions.retrieval.calibration import ANSWER, CHOICES_SHARE, fit_bands

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
WRITTEN = ROOT / "handlers/questions/calibration/questions"
SETS = [
    SHARED / "questions-dev.jsonl",
    SHARED / "questions-train.jsonl",
    WRITTEN / "written-a.jsonl",
    WRITTEN / "written-b.jsonl",
]
KEYS = (
    "hit_at_1",
    "hit_at_3",
    "wrong_answers",
    "out_of_scope_answered",
    "answered_right",
    "shown_right",
    "choices_offered",
    "escalated",
    "shown_right_ceiling",
)


@dataclass
class Scored:
    name: str
    rows: list[Labelled]
    rankings: list[Ranking]
    ranked: list[list[str]]
    signals: np.ndarray


def halves(kb: KnowledgeBase) -> tuple[KnowledgeBase, KnowledgeBase]:
    """Two knowledge bases of whole source documents, about equal in entries (largest first,
    each to the smaller half)."""
    sizes = Counter(e.source for e in kb.entries)
    sides: tuple[set[str], set[str]] = (set(), set())
    counts = [0, 0]
    for source, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        side = int(counts[1] < counts[0])
        sides[side].add(source)
        counts[side] += size
    return tuple(  # type: ignore[return-value]
        replace(kb, entries=tuple(e for e in kb.entries if e.source in side)) for side in sides
    )


def score(
    kb: KnowledgeBase, files: list[Path], args: argparse.Namespace
) -> tuple[Answerer, list[Scored]]:
    answerer = Answerer(
        kb, args.retriever, cache_dir=ROOT / "var" / "cache", query_precision=args.query_precision
    )
    known = {e.id for e in kb.entries}
    sets = []
    for path in files:
        rows, _ = read_labelled(path, kb)
        rows = [replace(r, gold=tuple(g for g in r.gold if g in known)) for r in rows]
        rankings = [answerer.rank(row.question) for row in rows]
        ranked = [[kb.entries[i].id for i in r.top(3)] for r in rankings]
        signals = np.asarray([r.signals for r in rankings])
        sets.append(Scored(path.stem, rows, rankings, ranked, signals))
    return answerer, sets


def held_out(fit_sets: list[Scored], test: Scored, answerer: Answerer, retriever: str) -> dict:
    first, among, scoped = zip(*(labels(s.rows, s.ranked) for s in fit_sets), strict=True)
    bands = fit_bands(
        np.concatenate([s.signals for s in fit_sets]),
        np.concatenate(first),
        np.concatenate(among),
        np.concatenate(scoped),
        signal_names(retriever),
        floor_signal=floor_signal(retriever),
        groups=np.concatenate([np.full(len(s.rows), k) for k, s in enumerate(fit_sets)]),
    )
    replies, ranked = [], []
    for row, ranking in zip(test.rows, test.rankings, strict=True):
        reply, read = answerer.decide(row.question, ranking, bands)
        replies.append(reply)
        ranked.append([answerer.kb.entries[i].id for i in read.top(3)])
    return figures(test.rows, ranked, replies) | {
        "shown_right_ceiling": ceiling(test, ranked, replies)
    }


def ceiling(test: Scored, ranked: list[list[str]], replies: list[str]) -> float:
    """Shown right if the close band chose perfectly: the questions answered outright as they
    are, and choices offered, within CHOICES_SHARE of the questions, only to those of the rest
    with a right entry among the first three. What the sure band leaves bounds what any close
    band can show."""
    first, among, scoped = labels(test.rows, ranked)
    answered = np.asarray(replies) == ANSWER
    right_left = int(((among == 1) & ~answered).sum())
    shown = int(((first == 1) & answered).sum()) + min(right_left, int(CHOICES_SHARE * len(first)))
    return round(shown / max(int(scoped.sum()), 1), 4)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", type=Path, nargs="*", default=SETS)
    parser.add_argument("--kb", type=Path, default=SHARED / "kb-sample")
    parser.add_argument("--retriever", choices=["bm25", "hybrid"], default="hybrid")
    parser.add_argument(
        "--by-kb", action="store_true", help="also hold out half of the knowledge base"
    )
    add_query_precision(parser)
    args = parser.parse_args()
    if len(args.files) < 2:
        parser.error("give at least two sets: each is scored by bands fitted on the others")
    kb = knowledge_base(args.kb)
    results = []
    if args.by_kb:
        first, second = halves(kb)
        scored = [score(first, args.files, args), score(second, args.files, args)]
        for side in (0, 1):
            answerer, sets = scored[side]
            other = scored[1 - side][1]
            for k, test in enumerate(sets):
                fit_on = [s for j, s in enumerate(other) if j != k]
                result = {
                    "set": test.name,
                    "kb_half": side + 1,
                    "entries": len(answerer.kb.entries),
                }
                result |= held_out(fit_on, test, answerer, args.retriever)
                results.append(result)
                print(json.dumps(result))
    else:
        answerer, sets = score(kb, args.files, args)
        for k, test in enumerate(sets):
            fit_on = [s for j, s in enumerate(sets) if j != k]
            result = {"set": test.name, "query_precision": answerer.query_precision}
            result |= held_out(fit_on, test, answerer, args.retriever)
            results.append(result)
            print(json.dumps(result))
    mean = {key: round(float(np.mean([r[key] for r in results])), 4) for key in KEYS}
    print(json.dumps({"set": "mean", **mean}))


if __name__ == "__main__":
    main()
