"""Measure the detector on labelled files: the text read out of each file, judged like a post.

    python -m bot eval moderation --attachments DIR [--errors]

DIR/labels.jsonl has a line a file (`{"file": "x.jpg", "label": "breach"}`; a `kind` is used for
the figures by kind when present); the files lie beside it. Each file is read in this process,
one at a time (Tesseract held to one thread), and decided as the gate decides: held when a page
identifies someone or the file cannot be read. Prints one JSON object: precision, recall,
pages_per_second and p95_seconds_per_file (wall clock per file, reading and screening), and the
same precision/recall by kind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers.moderation.attachments import Limits, Unread, extract
from handlers.moderation.detector import Detector, DetectorSettings, default_recognisers
from handlers.moderation.file_screening import scan_page


@dataclass(frozen=True, slots=True)
class Decided:
    file: str
    kind: str
    breach: bool
    held: bool
    unread: str | None
    pages: int
    seconds: float
    found: str  # the finding types, for --errors


def decide(path: Path, detector: Detector, limits: Limits) -> tuple[bool, str | None, int, str]:
    result = extract(path.name, "", path.read_bytes(), limits)
    if isinstance(result, Unread):
        return True, result.sentence, 0, ""
    types = [
        f.type for page in result.pages for _, found in scan_page(page, detector) for f in found
    ]
    return bool(types), None, len(result.pages), ",".join(dict.fromkeys(types))


def evaluate(folder: Path, detector: Detector, limits: Limits) -> list[Decided]:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one core, as the bot's worker runs it
    rows = [
        json.loads(line)
        for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    decided = []
    for row in rows:
        began = time.perf_counter()
        held, unread, pages, found = decide(folder / row["file"], detector, limits)
        decided.append(
            Decided(
                row["file"],
                str(row.get("kind", Path(row["file"]).suffix.lstrip("."))),
                row["label"] == "breach",
                held,
                unread,
                pages,
                time.perf_counter() - began,
                found,
            )
        )
    return decided


def _precision_recall(decided: Sequence[Decided]) -> dict[str, Any]:
    tp = sum(d.held and d.breach for d in decided)
    fp = sum(d.held and not d.breach for d in decided)
    fn = sum(d.breach and not d.held for d in decided)
    return {
        "files": len(decided),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
    }


def summary(decided: Sequence[Decided]) -> dict[str, Any]:
    seconds = sorted(d.seconds for d in decided)
    total = sum(seconds)
    pages = sum(max(d.pages, 1) for d in decided)
    p95 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] if seconds else 0.0
    kinds = sorted({d.kind for d in decided})
    return _precision_recall(decided) | {
        "pages_per_second": round(pages / total, 3) if total else 0.0,
        "p95_seconds_per_file": round(p95, 3),
        "unreadable": sum(d.unread is not None for d in decided),
        "by_kind": {k: _precision_recall([d for d in decided if d.kind == k]) for k in kinds},
    }


def run(args: argparse.Namespace) -> int:
    folder: Path = args.attachments
    if not (folder / "labels.jsonl").is_file():
        print(f"eval moderation: no labels.jsonl in {folder}", file=sys.stderr)
        return 2
    recognisers = default_recognisers(learned=not args.rules_only)
    detector = Detector(DetectorSettings(sensitivity=args.sensitivity), recognisers)
    detector.scan("Warm-up: visited Jo Bloggs at 1 High Street, SG1 2AB.")
    limits = Limits(max_pages=args.max_pages, seconds=args.read_seconds)
    decided = evaluate(folder, detector, limits)
    print(json.dumps(summary(decided)))
    if args.errors:
        for d in decided:
            if d.held != d.breach:
                what = "MISS" if d.breach else "FALSE ALARM"
                why = d.unread or d.found
                print(f"{what} {d.file} ({d.kind}) {why}", file=sys.stderr)
    return 0
