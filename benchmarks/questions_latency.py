"""Per-question latency on a 5,000-passage knowledge base.

Builds a knowledge base by taking the sample's entries and writing variants of them (sections of
invented documents with shuffled sentences), so the index has the size of a large organisation's
guidance, then times `Answerer.answer` on the dev questions.

    python benchmarks/questions_latency.py [--passages 5000] [--retriever hybrid|bm25] [--repeat 3]
        [--query-precision int8|float32]

The embeddings are cached in var/cache/ like the bot's (one vector per phrasing), so only the
first run pays for building them (about two minutes on two cores for 5,000 passages);
`build_seconds` says which it was. `reload_seconds` is the rebuild after one FAQ entry is added,
as when an admin approves a draft: only the new entry's phrasings are encoded.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from handlers.questions.evaluation import add_query_precision, knowledge_base
from handlers.questions.kb import KnowledgeBase
from handlers.questions.retrieval.answerer import Answerer

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def grow(kb: KnowledgeBase, size: int, seed: int = 3) -> KnowledgeBase:
    rng = random.Random(seed)
    entries = list(kb.entries)
    base = list(kb.entries)
    while len(entries) < size:
        source = rng.choice(base)
        sentences = source.text.split(". ")
        rng.shuffle(sentences)
        entries.append(
            replace(
                source,
                id=f"generated-{len(entries)}#s",
                kind="passage",
                text=". ".join(sentences),
                alternatives=(),
            )
        )
    return KnowledgeBase(tuple(entries), kb.synonyms)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=5000)
    parser.add_argument("--retriever", choices=["bm25", "hybrid"], default="hybrid")
    parser.add_argument("--repeat", type=int, default=3, help="times through the questions")
    add_query_precision(parser)
    args = parser.parse_args()
    kb = knowledge_base(SHARED / "kb-sample")
    big = grow(kb, args.passages)
    started = time.perf_counter()
    cache = Path("var") / "cache"
    answerer = Answerer(big, args.retriever, cache_dir=cache, query_precision=args.query_precision)
    build = time.perf_counter() - started
    added = replace(
        kb.entries[0],
        id="benchmark-approved-entry",
        kind="faq",
        title="What is the pension contribution rate this year?",
        text=f"Set nationally each April (benchmark run {time.time():.0f}).",
        alternatives=(),
    )
    started = time.perf_counter()
    Answerer(
        replace(big, entries=(*big.entries, added)),
        args.retriever,
        cache_dir=cache,
        query_precision=args.query_precision,
    )
    reload = time.perf_counter() - started
    questions = [
        json.loads(line)["question"]
        for line in (SHARED / "questions-dev.jsonl").read_text().splitlines()
    ]
    for q in questions[:10]:
        answerer.answer(q)
    latencies = []
    for q in questions * args.repeat:
        t = time.perf_counter()
        answerer.answer(q)
        latencies.append((time.perf_counter() - t) * 1000)
    print(
        json.dumps(
            {
                "retriever": args.retriever,
                "query_precision": answerer.query_precision,
                "passages": len(big.entries),
                "questions": len(questions) * args.repeat,
                "build_seconds": round(build, 2),
                "reload_seconds": round(reload, 2),
                "mean_ms": round(float(np.mean(latencies)), 3),
                "p99_ms": round(float(np.percentile(latencies, 99)), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
