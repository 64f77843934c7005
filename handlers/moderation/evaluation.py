"""Measure the detector on a labelled JSONL file: message-level precision/recall, span recall, speed.

    python -m handlers.moderation.evaluation FILE.jsonl [--errors]
    python -m bot eval moderation FILE.jsonl [--errors]      (once the core wires `configure`/`run`)
    python -m bot eval moderation --attachments DIR [--errors]   (files: attachment_evaluation.py)

Prints one JSON object. Speed is the detector alone on this process's one thread, after a warm-up
pass, timing each message's scan. `--errors` writes misses and false alarms to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.plugins import CliCommand
from handlers.moderation.detector import Detector, DetectorSettings, Finding, default_recognisers


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    breach: bool
    spans: tuple[tuple[int, int, str], ...]


class BadLabelledFile(ValueError):
    """A labelled file that cannot be read, with where and why, for the person who gave it."""


def load(path: Path) -> list[Example]:
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise BadLabelledFile(
            f"{path} {what}: give a labelled FILE.jsonl (or --attachments DIR for files)"
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise BadLabelledFile(f"{path} is not UTF-8 text: give a labelled FILE.jsonl") from None
    examples: list[Example] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            examples.append(_example(len(examples) + 1, json.loads(line)))
        except json.JSONDecodeError as error:
            raise BadLabelledFile(f"{path}, line {number}: not JSON ({error.msg})") from None
        except BadLabelledFile as error:
            raise BadLabelledFile(f"{path}, line {number}: {error}") from None
    return examples


def load_rows(rows: Iterable[dict[str, Any]]) -> list[Example]:
    examples = []
    for number, row in enumerate(rows, start=1):
        try:
            examples.append(_example(number, row))
        except BadLabelledFile as error:
            raise BadLabelledFile(f"row {number}: {error}") from None
    return examples


def _example(number: int, row: Any) -> Example:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise BadLabelledFile('each line needs {"text": "...", "label": ..., "spans": [...]}')
    if row.get("label") not in ("breach", "safe"):
        raise BadLabelledFile(f'"label" must be "breach" or "safe", not {row.get("label")!r}')
    try:
        spans = tuple(
            (int(s["start"]), int(s["end"]), str(s["type"])) for s in row.get("spans", [])
        )
    except (KeyError, TypeError, ValueError):
        raise BadLabelledFile('each span needs "start", "end" and "type"') from None
    return Example(str(row.get("id", number)), row["text"], row["label"] == "breach", spans)


def score(examples: Sequence[Example], predictions: Sequence[Sequence[Finding]]) -> dict[str, Any]:
    tp = fp = fn = 0
    spans_total = spans_hit = 0
    by_type: dict[str, list[int]] = {}
    for example, findings in zip(examples, predictions, strict=True):
        flagged = bool(findings)
        tp += flagged and example.breach
        fp += flagged and not example.breach
        fn += (not flagged) and example.breach
        for start, end, kind in example.spans:
            hit = any(f.start < end and start < f.end for f in findings)
            spans_total += 1
            spans_hit += hit
            counts = by_type.setdefault(kind, [0, 0])
            counts[0] += hit
            counts[1] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "messages": len(examples),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "span_recall": round(spans_hit / spans_total, 4) if spans_total else 1.0,
        # A span counts as found when any finding overlaps it, whatever type the finding has.
        "span_recall_by_type": {
            kind: round(hit / total, 4) for kind, (hit, total) in sorted(by_type.items())
        },
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
    }


def timed_scans(
    detector: Detector, texts: Sequence[str], rounds: int = 3
) -> tuple[list[list[Finding]], dict[str, float]]:
    """Scan every text `rounds` times after a warm-up; time each scan.

    The headline figures use this thread's CPU time: the detector alone on one core, not the
    other processes that share the machine. Wall-clock figures are reported beside them.
    """
    for text in texts:  # warm-up: caches, lazy name lists, regex compilation
        detector.scan(text)
    cpu: list[float] = []
    wall: list[float] = []
    predictions: list[list[Finding]] = []
    for round_number in range(rounds):
        for text in texts:
            began_wall, began_cpu = time.perf_counter(), time.thread_time()
            findings = detector.scan(text)
            cpu.append(time.thread_time() - began_cpu)
            wall.append(time.perf_counter() - began_wall)
            if round_number == 0:
                predictions.append(findings)
    cpu_rate, cpu_p99 = _rate_and_p99(cpu)
    wall_rate, wall_p99 = _rate_and_p99(wall)
    return predictions, {
        "messages_per_second": cpu_rate,
        "p99_ms": cpu_p99,
        "wall_messages_per_second": wall_rate,
        "wall_p99_ms": wall_p99,
    }


def _rate_and_p99(timings: list[float]) -> tuple[float, float]:
    if not timings:
        return 0.0, 0.0
    ordered = sorted(timings)
    total = sum(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (round(len(ordered) / total, 1) if total else 0.0), round(p99 * 1000, 3)


def describe_errors(
    examples: Sequence[Example], predictions: Sequence[Sequence[Finding]]
) -> list[str]:
    lines = []
    for example, findings in zip(examples, predictions, strict=True):
        if example.breach and not findings:
            wanted = ", ".join(f"{t}:{example.text[s:e]!r}" for s, e, t in example.spans)
            lines.append(f"MISS {example.id}: {example.text}\n     wanted {wanted}")
        elif findings and not example.breach:
            got = ", ".join(
                f"{f.type}:{example.text[f.start : f.end]!r}({f.confidence})" for f in findings
            )
            lines.append(f"FALSE ALARM {example.id}: {example.text}\n     found {got}")
        elif example.breach:
            missed = [
                f"{t}:{example.text[s:e]!r}"
                for s, e, t in example.spans
                if not any(f.start < e and s < f.end for f in findings)
            ]
            if missed:
                lines.append(f"SPAN MISS {example.id}: {', '.join(missed)}")
    return lines


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=Path, nargs="?", help="JSONL with text, label (breach|safe) and spans"
    )
    parser.add_argument(
        "--attachments",
        type=Path,
        metavar="DIR",
        help="measure on files instead: DIR/labels.jsonl ({file, label} a line) and the files",
    )
    parser.add_argument("--max-pages", type=int, default=30, help="with --attachments")
    parser.add_argument("--read-seconds", type=float, default=20.0, help="with --attachments")
    parser.add_argument(
        "--errors", action="store_true", help="list misses and false alarms on stderr"
    )
    parser.add_argument("--sensitivity", choices=("low", "normal", "high"), default="normal")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the file")
    parser.add_argument(
        "--rules-only",
        action="store_true",
        help="measure the rule-based recognisers without the learned layer",
    )


def run(args: argparse.Namespace) -> int:
    if args.attachments is not None:
        from handlers.moderation import attachment_evaluation

        return attachment_evaluation.run(args)
    if args.file is None:
        print("eval moderation: give a labelled FILE.jsonl or --attachments DIR", file=sys.stderr)
        return 2
    try:
        examples = load(args.file)
    except BadLabelledFile as bad:
        print(f"eval moderation: {bad}", file=sys.stderr)
        return 2
    recognisers = default_recognisers(learned=not args.rules_only)
    detector = Detector(DetectorSettings(sensitivity=args.sensitivity), recognisers)
    layers = "+".join(["rules", *(r.name for r in recognisers if r.name in ("learned", "context"))])
    predictions, speed = timed_scans(
        detector, [e.text for e in examples], rounds=max(1, args.rounds)
    )
    print(json.dumps({"detector": layers} | score(examples, predictions) | speed))
    if args.errors:
        for line in describe_errors(examples, predictions):
            print(line, file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handlers.moderation.evaluation", description=__doc__
    )
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())


command = CliCommand(
    configure, run, group_help="measure the detector or the retriever on a labelled file"
)
