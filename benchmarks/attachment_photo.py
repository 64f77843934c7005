"""How long a phone photo of one page takes to decide, on one core (issue 18: ≤ 3 s at p95).

    python benchmarks/attachment_photo.py [--posts FILE.jsonl] [--count 40] [--seed 18]

Renders `--count` phone photos of one page (tilted, sometimes turned, a shadow, soft focus, noise,
strong JPEG: handlers/moderation/training/render_attachments.py) from the posts of FILE (default
../shared/data/confidentiality-dev.jsonl), then decides each as the gate does: the photo to the
bot's reader (a worker process, Tesseract held to one thread), the text back through the
detector. The whole process tree is pinned to one CPU. Prints JSON: p50/p95/max seconds per photo
through the worker ("decided"), and the same for reading in this process ("in_process"), so the
cost of the process hop shows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from pathlib import Path

from bot.events import AttachedFile
from handlers.moderation.attachments import AttachmentReader, Extracted, Limits, extract
from handlers.moderation.detector import Detector
from handlers.moderation.file_screening import scan_page
from handlers.moderation.training.render_attachments import photo

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTS = ROOT.parent / "shared" / "data" / "confidentiality-dev.jsonl"


def figures(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3),
        "max": round(ordered[-1], 3),
    }


async def through_worker(photos: list[bytes], detector: Detector) -> list[float]:
    reader = AttachmentReader(Limits(), max_bytes=20_000_000, workers=1)
    await reader.start()  # a running bot has its worker already
    seconds = []
    for data in photos:
        began = time.perf_counter()
        result = await reader.read(AttachedFile("IMG.jpg", "image/jpeg", data))
        if isinstance(result, Extracted):
            for page in result.pages:
                scan_page(page, detector)
        seconds.append(time.perf_counter() - began)
    reader.close()
    return seconds


def in_process(photos: list[bytes], detector: Detector) -> list[float]:
    seconds = []
    for data in photos:
        began = time.perf_counter()
        result = extract("IMG.jpg", "image/jpeg", data, Limits())
        if isinstance(result, Extracted):
            for page in result.pages:
                scan_page(page, detector)
        seconds.append(time.perf_counter() - began)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, children too
    os.environ["OMP_THREAD_LIMIT"] = "1"
    rows = [json.loads(line) for line in args.posts.read_text().splitlines() if line.strip()]
    rng = random.Random(args.seed)
    texts = [rows[rng.randrange(len(rows))]["text"] for _ in range(args.count)]
    photos = [photo(text, random.Random(rng.randrange(2**32))) for text in texts]
    detector = Detector()
    detector.scan("Warm-up: visited Jo Bloggs at 1 High Street, SG1 2AB.")
    worker = asyncio.run(through_worker(photos, detector))
    local = in_process(photos, detector)
    print(
        json.dumps(
            {
                "photos": len(photos),
                "mean_bytes": round(sum(map(len, photos)) / len(photos)),
                "decided_seconds": figures(worker),
                "in_process_seconds": figures(local),
                "cpus": sorted(os.sched_getaffinity(0)),
            }
        )
    )


if __name__ == "__main__":
    main()
