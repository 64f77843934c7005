"""Train the detector's learned layer: a spaCy token tagger (BIO tags) from a blank English pipeline.

    python -m handlers.moderation.training.train                      # the shipped model
    python -m handlers.moderation.training.train --sets train-a train-b --out var/moderation/m

Reads the generated corpus (made first if missing) and the hand-written sets under --data
(`confidentiality-<name>.jsonl`; an organisation's own file can be given with --extra).
Seeded and on one thread, so the same data give the same model.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from handlers.moderation.detector.findings import TYPES
from handlers.moderation.detector.recognisers.learned import FEATURES, MODEL_DIR, add_features
from handlers.moderation.training import generate

DEFAULT_DATA = Path("../shared/data")
DEFAULT_SETS = ("dev", "train-a", "train-b")
LABELS = TYPES  # what the model tags: the detector's own types, in its order
# Hand-written posts are few but written the way people write: each is seen this many times an
# epoch, beside a fresh sample of GENERATED_PER_EPOCH generated posts (so the templates, many as
# they are, do not drown them; a first fold with 3x and the whole corpus each epoch found 0.19
# of the left-out names).
HAND_WRITTEN_WEIGHT = 6
GENERATED_PER_EPOCH = 8000

TAGGER_MODEL: dict[str, Any] = {
    "@architectures": "spacy.Tagger.v2",
    "tok2vec": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 64,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE", "LEMMA"],
            "rows": [5000, 1000, 2500, 1000, 200],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 64,
            "window_size": 1,
            "maxout_pieces": 3,
            "depth": 4,
        },
    },
}


class DataMissing(SystemExit):
    pass


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise DataMissing(
            f"no labelled data at {path}: pass --data DIR (the folder with confidentiality-*.jsonl)"
        )
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def hand_written(data: Path, names: Iterable[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name in names:
        rows.extend(read_jsonl(data / f"confidentiality-{name}.jsonl"))
    return rows


def with_extra(
    data: Path, names: Iterable[str], extra: Iterable[Path]
) -> list[dict[str, Any]] | None:
    """The hand-written sets named, then an organisation's own labelled files; None, after
    saying on stderr which file is missing and what to pass, when one cannot be found."""
    try:
        rows = hand_written(data, names)
        for path in extra:
            rows.extend(read_jsonl(path))
    except DataMissing as missing:
        print(missing.code, file=sys.stderr)
        return None
    return rows


def generated(path: Path, count: int, seed: int) -> list[dict[str, Any]]:
    if not path.is_file():
        rows = generate.generate(count, seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return read_jsonl(path)


def one_thread() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:
        pass


def blank_pipeline() -> Any:
    import spacy

    from handlers.moderation.detector.recognisers.learned import register_features

    register_features()
    nlp = spacy.blank("en")
    nlp.add_pipe(FEATURES)
    tagger: Any = nlp.add_pipe("tagger", config={"model": TAGGER_MODEL})
    tagger.add_label("O")
    for label in LABELS:
        tagger.add_label(f"B-{label}")
        tagger.add_label(f"I-{label}")
    return nlp


def to_example(nlp: Any, row: dict[str, Any]) -> Any:
    from spacy.training import Example

    doc = add_features(nlp.make_doc(row["text"]))
    tags = ["O"] * len(doc)
    taken: set[int] = set()
    for span in sorted(row.get("spans", []), key=lambda s: (s["start"], -s["end"])):
        if span["type"] not in LABELS:
            continue
        aligned = doc.char_span(span["start"], span["end"], span["type"], alignment_mode="expand")
        if aligned is None or any(i in taken for i in range(aligned.start, aligned.end)):
            continue
        taken.update(range(aligned.start, aligned.end))
        for index in range(aligned.start, aligned.end):
            tags[index] = ("B-" if index == aligned.start else "I-") + span["type"]
    return Example.from_dict(doc, {"tags": tags})


def train(
    rows: Sequence[dict[str, Any]],
    weighted: Sequence[dict[str, Any]] = (),
    *,
    seed: int = 16,
    epochs: int = 8,
    max_minutes: float = 0.0,
    log: Callable[[str], None] = print,
) -> Any:
    """Fit a fresh pipeline on `rows` plus `weighted` (seen HAND_WRITTEN_WEIGHT times an epoch).

    With `max_minutes` (0: no limit) training stops early rather than pass that time; the epochs
    run are kept in nlp.meta, so a model stopped by the clock can be retrained with --epochs."""
    import spacy
    from thinc.api import compounding, fix_random_seed

    minibatch: Any = spacy.util.minibatch  # untyped in spaCy
    one_thread()
    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = blank_pipeline()
    examples = [to_example(nlp, row) for row in rows]
    extra = [to_example(nlp, row) for row in weighted]
    optimizer = nlp.initialize(lambda: examples[:500] + extra[:200])
    began = time.monotonic()
    for epoch in range(epochs):
        sample = rng.sample(examples, min(len(examples), GENERATED_PER_EPOCH))
        pool = sample + extra * HAND_WRITTEN_WEIGHT
        rng.shuffle(pool)
        losses: dict[str, float] = {}
        for batch in minibatch(pool, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        minutes = (time.monotonic() - began) / 60
        log(
            f"epoch {epoch + 1}/{epochs}: tagger loss {losses.get('tagger', 0.0):.1f}, {minutes:.1f} min"
        )
        nlp.meta["epochs_run"] = epoch + 1
        if max_minutes and epoch + 1 < epochs and minutes * (epoch + 2) / (epoch + 1) > max_minutes:
            log(f"stopping after epoch {epoch + 1}: the next would pass {max_minutes} min")
            break
    return nlp


def save(nlp: Any, out: Path, info: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    # The model looks words up by hash; the strings it saw in training (every word of every post)
    # are not needed to run it, and the hand-written posts' words stay out of the repository.
    (out / "vocab" / "strings.json").write_text("[]", encoding="utf-8")
    (out / "training.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


# Taggers fitted on every hand-written set but one (or two), for the second look's training and
# for the left-out benchmark: made once, kept here (not in the repository), reused after.
FOLDS = Path("var/moderation/folds")


def tagger_on(
    names: Sequence[str],
    corpus: Sequence[dict[str, Any]],
    data: Path,
    folder: Path = FOLDS,
    *,
    seed: int = 16,
    epochs: int = 8,
    max_minutes: float = 0.0,
    log: Callable[[str], None] = print,
) -> Any:
    """The tagger fitted on the generated corpus and the hand-written sets named: loaded from
    `folder` when an earlier run saved one fitted on the same, else trained (about ten minutes on
    one core) and saved there."""
    from handlers.moderation.detector.recognisers.learned import load_model, model_meta

    fitted_on = sorted(names)
    saved = folder / ("on-" + "+".join(fitted_on))
    meta = model_meta(saved)
    if (
        (saved / "config.cfg").is_file()
        and meta.get("fitted_on") == fitted_on
        and meta.get("generated_posts") == len(corpus)
        and meta.get("seed", seed) == seed
    ):
        nlp = load_model(saved)
        nlp.meta["epochs_run"] = meta.get("epochs_run")
        return nlp
    nlp = train(
        corpus,
        hand_written(data, fitted_on),
        seed=seed,
        epochs=epochs,
        max_minutes=max_minutes,
        log=log,
    )
    info = {
        "fitted_on": fitted_on,
        "generated_posts": len(corpus),
        "seed": seed,
        "epochs_run": nlp.meta.get("epochs_run"),
    }
    save(nlp, saved, info)
    return nlp


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handlers.moderation.training.train", description=__doc__
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder of confidentiality-*.jsonl"
    )
    parser.add_argument(
        "--sets", nargs="*", default=list(DEFAULT_SETS), help="hand-written sets to fit on"
    )
    parser.add_argument(
        "--extra",
        type=Path,
        nargs="*",
        default=[],
        help="more labelled JSONL files (your own posts)",
    )
    parser.add_argument("--generated", type=Path, default=generate.DEFAULT_OUT)
    parser.add_argument(
        "--count", type=int, default=24000, help="generated posts, when the corpus is made"
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument(
        "--max-minutes", type=float, default=0.0, help="stop before passing this (0: no limit)"
    )
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    hand = with_extra(args.data, args.sets, args.extra)
    if hand is None:
        return 2
    corpus = generated(args.generated, args.count, args.seed)
    began = time.monotonic()
    nlp = train(corpus, hand, seed=args.seed, epochs=args.epochs, max_minutes=args.max_minutes)
    save(
        nlp,
        args.out,
        {
            "command": "python -m handlers.moderation.training.train "
            + " ".join(argv or sys.argv[1:]),
            "hand_written_sets": args.sets,
            "extra_files": [p.name for p in args.extra],
            "hand_written_posts": len(hand),
            "generated_posts": len(corpus),
            "generator": f"python -m handlers.moderation.training.generate --count {args.count} --seed {args.seed}",
            "seed": args.seed,
            "epochs": nlp.meta.get("epochs_run", args.epochs),
            "minutes": round((time.monotonic() - began) / 60, 1),
        },
    )
    print(f"saved the model to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
