"""Detector speed on posts of 1 to 4 sentences and on very long posts, one core.

    .venv/bin/python benchmarks/moderation_speed.py [--posts 5000]

Posts are assembled from sentence templates (identifiers, names, safe chatter) so that every
recogniser has work to do; each scan is timed on its own after a warm-up pass.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.moderation.detector import Detector

SENTENCES = [
    "Visited Mrs Holloway at 14 Elm Road today.",
    "NHS 943 476 5919 if the ward needs it.",
    "Her son's mobile is 07700 900123.",
    "Thanks Priya for the MCA refresher this morning!",
    "Team meeting moved to Tuesday 12/03/2025 at 10:30 in room 2.14.",
    "Does anyone have a template for a carer's assessment?",
    "The 97-year-old man with MND in Nether Brantley wants a second opinion.",
    "Dawn has relapsed and the kids are back with her sister.",
    "Duty team is on 0300 123 4567 out of hours.",
    "Mosaic ID 4471902 has been open since March.",
    "Under s.136 the police can take someone to a place of safety.",
    "Postcode is LS9 7HB, ring the top bell.",
]


def posts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4))) for _ in range(count)]


def timed(detector: Detector, texts: list[str]) -> dict[str, float]:
    for text in texts[:200]:
        detector.scan(text)
    timings = []
    for text in texts:
        began = time.perf_counter()
        detector.scan(text)
        timings.append(time.perf_counter() - began)
    timings.sort()
    return {
        "messages": len(timings),
        "messages_per_second": round(len(timings) / sum(timings), 1),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 3),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 3),
        "max_ms": round(timings[-1] * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    detector = Detector()
    print(json.dumps({"case": "1-4 sentences"} | timed(detector, posts(args.posts))))
    long_post = " ".join(posts(2000))[:100_000]
    print(json.dumps({"case": "100 KB post"} | timed(detector, [long_post] * 5)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
