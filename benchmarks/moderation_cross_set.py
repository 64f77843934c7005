"""Left-out figures for the detector: fit on all hand-written sets but one, score the one left out.

    .venv/bin/python benchmarks/moderation_cross_set.py [--data ../shared/data] [--epochs 8]

For each of dev, train-a and train-b: the tagger is trained from a blank pipeline on the
generated corpus plus the other two hand-written sets, and the second look at context on fresh
generated posts plus the same two sets (reading what the rules and that fold's tagger find);
then the left-out set is scored with the rules alone, the tagger alone, rules and tagger (a post
is held when either finds something), and rules, tagger and the second look (`combined`: what
ships), and rules and tagger with the tagger's own veto of the rules' names (VETO, tried and off).
The rules were written before these sets were split, and were tuned on dev: their figures on
dev are in-sample. Prints one JSON object.

Each fold's tagger is kept under benchmarks/out/on-SETS (fitted on the generated corpus and the
hand-written SETS) and reused by later runs: about ten minutes each on one core the first time;
delete benchmarks/out to train them again.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.moderation.detector import Detector, DetectorSettings, default_recognisers
from handlers.moderation.detector.recognisers.context_check import ContextCheck, WordVectors
from handlers.moderation.detector.recognisers.learned import LearnedRecogniser
from handlers.moderation.evaluation import load, score, timed_scans
from handlers.moderation.training import context, generate
from handlers.moderation.training.train import (
    DEFAULT_DATA,
    DEFAULT_SETS,
    generated,
    hand_written,
    tagger_on,
)

OUT = Path(__file__).resolve().parent / "out"
# The second look: a rule's name or description is dropped when the model's belief that any of
# its words identify someone stays under this.
VETO = 0.05


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--generated", type=Path, default=generate.DEFAULT_OUT)
    parser.add_argument("--count", type=int, default=24000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--max-minutes", type=float, default=0.0, help="0: no limit")
    parser.add_argument("--sets", nargs="*", default=list(DEFAULT_SETS))
    parser.add_argument("--only", nargs="*", help="left-out sets to run (default: every set)")
    args = parser.parse_args()
    for name in args.sets:
        if not (args.data / f"confidentiality-{name}.jsonl").is_file():
            print(
                f"no labelled set at {args.data / f'confidentiality-{name}.jsonl'}: pass --data DIR",
                file=sys.stderr,
            )
            return 2
    corpus = generated(args.generated, args.count, args.seed)
    vectors = WordVectors.load()
    table: dict[str, dict[str, object]] = {}
    for left in args.only or args.sets:
        began = time.monotonic()
        others = [name for name in args.sets if name != left]
        log = lambda line, left=left: print(f"[{left}] {line}", file=sys.stderr)  # noqa: E731
        nlp = tagger_on(
            others,
            corpus,
            args.data,
            OUT,
            seed=args.seed,
            epochs=args.epochs,
            max_minutes=args.max_minutes,
            log=log,
        )
        examples = load(args.data / f"confidentiality-{left}.jsonl")
        texts = [e.text for e in examples]
        learned = LearnedRecogniser(nlp)
        settings = DetectorSettings()
        rules = default_recognisers(learned=False)
        checked = ContextCheck(
            context.fit_on([*rules, learned], hand_written(args.data, others), vectors), vectors
        )
        rows: dict[str, object] = {
            "fitted_on": [
                *others,
                f"generated ({len(corpus)}; {context.GENERATED} more for the second look)",
            ]
        }
        for name, recognisers in (
            ("rules", rules),
            ("learned", [learned]),
            ("rules_and_tagger", [*rules, learned]),
            ("combined", [*rules, learned, checked]),
            ("tagger_veto", [*rules, LearnedRecogniser(nlp, veto=VETO)]),
        ):
            predictions, speed = timed_scans(Detector(settings, recognisers), texts, rounds=1)
            figures = score(examples, predictions)
            rows[name] = {
                key: figures[key]
                for key in ("precision", "recall", "span_recall", "span_recall_by_type")
            } | {"messages_per_second": speed["messages_per_second"], "p99_ms": speed["p99_ms"]}
        rows["epochs_run"] = nlp.meta.get("epochs_run", args.epochs)
        rows["minutes"] = round((time.monotonic() - began) / 60, 1)
        table[left] = rows
        print(json.dumps({left: rows}), file=sys.stderr)
    print(
        json.dumps(
            {
                "command": "benchmarks/moderation_cross_set.py " + " ".join(sys.argv[1:]),
                "seed": args.seed,
                "epochs": args.epochs,
                "left_out": table,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
