"""Messages about nothing practice guidance covers (general knowledge, chat, nonsense): how many
get an entry as their answer, with the shipped calibration. Every one should go to a person.

    python benchmarks/questions_off_topic.py [--kb DIR] [--retriever hybrid|bm25] [FILE]

FILE has one message a line (default: benchmarks/data/off_topic.txt, written by us). In the bot,
greetings and thanks get a short reply before any search; they are searched here all the same.
Prints one JSON object, with each message that was answered and the entry it got.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.config import QuestionsSection
from handlers.questions.evaluation import knowledge_base
from handlers.questions.retrieval.answerer import Answerer
from handlers.questions.retrieval.calibration import CHOICES, Bands, shipped_path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "file", type=Path, nargs="?", default=ROOT / "benchmarks/data/off_topic.txt"
    )
    # the sample knowledge base lies beside a developer's checkout, not in the repository
    parser.add_argument("--kb", type=Path, default=ROOT.parent / "shared/data/kb-sample")
    parser.add_argument(
        "--retriever", choices=["bm25", "hybrid"], default=QuestionsSection().retriever
    )
    args = parser.parse_args()
    kb = knowledge_base(args.kb)
    calibration = Bands.load(shipped_path(args.retriever))
    answerer = Answerer(
        kb, args.retriever, cache_dir=ROOT / "var" / "cache", calibration=calibration
    )
    messages = [line.strip() for line in args.file.read_text().splitlines() if line.strip()]
    answers = [(m, answerer.answer(m)) for m in messages]
    answered = {m: a.entry.id for m, a in answers if a.answered and a.entry is not None}
    offered = sum(a.reply == CHOICES for _, a in answers)
    result = {
        "retriever": args.retriever,
        "messages": len(messages),
        "answered": len(answered),
        "choices_offered": offered,
    }
    print(json.dumps(result | {"answered_with": answered}))


if __name__ == "__main__":
    main()
