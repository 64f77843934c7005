"""The learned layer and the corpus it is trained on: what a moderator and a maintainer rely on."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from handlers.moderation.detector import Detector, DetectorSettings, default_recognisers, redact
from handlers.moderation.detector.recognisers.fast_tagger import FastTagger
from handlers.moderation.detector.recognisers.learned import (
    LearnedRecogniser,
    add_features,
    decode,
    model_available,
    model_meta,
    reason_for,
)
from handlers.moderation.training import generate, train

needs_model = pytest.mark.skipif(not model_available(), reason="no trained model in the tree")


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def test_the_generator_is_seeded_and_every_span_indexes_its_text() -> None:
    first = generate.generate(400, seed=3)
    assert first == generate.generate(400, seed=3)
    assert first != generate.generate(400, seed=4)
    for row in first:
        text = str(row["text"])
        spans = row["spans"]
        assert isinstance(spans, list)
        assert (row["label"] == "breach") == bool(spans)
        for span in spans:
            piece = text[span["start"] : span["end"]]
            assert piece.strip() == piece and piece, (row["id"], span)


def test_the_generator_writes_every_type_and_as_many_safe_posts_as_breaches() -> None:
    rows = generate.generate(3000, seed=16)
    labels = Counter(row["label"] for row in rows)
    assert 0.4 < labels["safe"] / len(rows) < 0.6
    types = Counter(span["type"] for row in rows for span in row["spans"])  # type: ignore[attr-defined]
    assert set(types) == set(train.LABELS)


@pytest.fixture(scope="module")
def small_model() -> Any:
    """A model trained for one pass over 300 generated posts: enough to test the machinery."""
    return train.train(generate.generate(300, seed=5), [], epochs=1, log=lambda line: None)


def test_the_numpy_forward_pass_equals_thincs(small_model: Any) -> None:
    tagger = small_model.get_pipe("tagger")
    fast = FastTagger(tagger.model)
    recogniser = LearnedRecogniser(small_model)
    for text in ("Ottoline fell in the lounge", "NHS 943 476 5919, ring her son", "a"):
        doc = add_features(small_model.make_doc(text))
        logits = tagger.model.predict([doc])[0]
        expected = np.exp(logits - logits.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
        got = fast.probabilities(doc.to_array(recogniser.columns))
        assert np.allclose(expected, got, atol=1e-4)


def test_kept_token_rows_give_the_same_probabilities_even_when_the_store_fills(
    small_model: Any,
) -> None:
    """The embedding of each token is kept between posts; a post read after many others (and
    after the store filled and started again) gets exactly what a fresh tagger gives it (thinc's own forward pass)."""
    recogniser = LearnedRecogniser(small_model)
    texts = [
        "Ottoline fell in the lounge",
        "NHS 943 476 5919, ring her son",
        "Mr Achterberg at 14 Elm Road",
        "Ottoline fell again, ring Mr Achterberg",
    ]
    tagger = small_model.get_pipe("tagger")
    docs = [add_features(small_model.make_doc(text)) for text in texts]
    arrays = [doc.to_array(recogniser.columns) for doc in docs]
    fresh = []
    for doc in docs:
        logits = tagger.model.predict([doc])[0]
        expected = np.exp(logits - logits.max(axis=1, keepdims=True))
        fresh.append(expected / expected.sum(axis=1, keepdims=True))
    tiny = FastTagger(small_model.get_pipe("tagger").model, kept=8)  # fills on every post
    roomy = FastTagger(small_model.get_pipe("tagger").model)
    for _ in range(3):
        for ids, expected in zip(arrays, fresh, strict=True):
            assert np.allclose(tiny.probabilities(ids), expected, atol=1e-4)
            assert np.allclose(roomy.probabilities(ids), expected, atol=1e-4)


def test_training_writes_a_model_the_recogniser_loads(tmp_path: Path, small_model: Any) -> None:
    nlp = small_model
    train.save(nlp, tmp_path / "model", {"test": True})
    from handlers.moderation.detector.recognisers.learned import load_model

    loaded = LearnedRecogniser(load_model(tmp_path / "model"))
    detector = Detector(recognisers=[loaded])
    for text in ("", "   ", "🙂", "x" * 9000):
        assert isinstance(detector.scan(text), list)
    assert model_meta(tmp_path / "model") == {"test": True}


def test_training_without_the_labelled_sets_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert train.main(["--data", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--data" in err


def test_bio_tags_decode_to_spans_even_when_a_span_starts_inside() -> None:
    tags = ["O", "B-PERSON", "I-PERSON", "O", "I-ADDRESS", "I-ADDRESS", "B-PHONE"]
    probs = [0.0, 0.9, 0.8, 0.1, 0.7, 0.6, 0.95]
    assert decode(tags, probs) == [
        (1, 3, "PERSON", 0.8),
        (4, 6, "ADDRESS", 0.6),
        (6, 7, "PHONE", 0.95),
    ]


def test_a_learned_finding_explains_itself_in_plain_words() -> None:
    text = "rosalind fell in the garden"
    assert reason_for("PERSON", "rosalind", text, 0, 8) == "a first name, in a post about a fall"
    assert (
        reason_for("PHONE", "0770", text, 0, 4) == "a phone number, read from the words around it"
    )


@needs_model
def test_the_shipped_model_is_part_of_the_default_detector() -> None:
    assert any(r.name == "learned" for r in default_recognisers())
    assert not any(r.name == "learned" for r in default_recognisers(learned=False))


@needs_model
@pytest.mark.parametrize(
    "post",
    [
        "Marvellous day for Ottoline, she walked to the dining room with her frame and no help",
        "Nanna Oona was really chesty overnight, out of hours doctor came at 3",
    ],
)
def test_a_first_name_alone_in_a_care_post_is_held(detector: Detector, post: str) -> None:
    findings = detector.scan(post)
    assert any(f.type == "PERSON" for f in findings), post
    assert "[PERSON]" in redact(post, findings)


@needs_model
@pytest.mark.parametrize(
    "post",
    [
        "Thanks Ottoline for covering my late shift on Friday, owe you one",
        "Zephyrine from payroll says the mileage claims close on the 28th",
    ],
)
def test_a_colleague_in_an_office_post_is_left_alone(detector: Detector, post: str) -> None:
    assert detector.scan(post) == [], post


@needs_model
def test_the_redacted_preview_hides_every_finding_of_either_layer(detector: Detector) -> None:
    post = "Ottoline's daughter rang, her mobile is oh seven seven double oh nine double oh one two three"
    findings = detector.scan(post)
    preview = redact(post, findings)
    for finding in findings:
        assert post[finding.start : finding.end] not in preview
    assert "Ottoline" not in preview


@needs_model
def test_staff_names_are_never_reported_by_the_model() -> None:
    post = "Ottoline fell in the lounge last night"
    detector = Detector(DetectorSettings(staff_names=frozenset({"Ottoline"})))
    assert not any(post[f.start : f.end] == "Ottoline" for f in detector.scan(post))


def test_a_tagger_fitted_without_a_set_is_trained_once_then_reused(tmp_path: Path) -> None:
    """The second look's training reads each hand-written set with a tagger fitted without it;
    those taggers take minutes each, so a second run (or the benchmark) reuses them."""
    data = tmp_path / "data"
    data.mkdir()
    for name, seed in (("one", 1), ("two", 2)):
        rows = generate.generate(20, seed=seed)
        (data / f"confidentiality-{name}.jsonl").write_text(
            "".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8"
        )
    corpus = generate.generate(60, seed=3)
    lines: list[str] = []
    folds = tmp_path / "folds"
    first = train.tagger_on(["two"], corpus, data, folds, epochs=1, log=lines.append)
    assert lines and (folds / "on-two" / "config.cfg").is_file()
    assert model_meta(folds / "on-two")["fitted_on"] == ["two"]
    lines.clear()
    again = train.tagger_on(["two"], corpus, data, folds, epochs=1, log=lines.append)
    assert lines == []  # loaded, not trained
    text = "Ottoline fell in the lounge"
    assert np.allclose(
        LearnedRecogniser(first).tag(text)[2], LearnedRecogniser(again).tag(text)[2], atol=1e-6
    )
    train.tagger_on(["one", "two"], corpus, data, folds, epochs=1, log=lines.append)
    assert lines  # fitted on other sets: a model of its own
    assert (folds / "on-one+two" / "config.cfg").is_file()


@needs_model
def test_the_detector_keeps_numpys_blas_on_one_thread() -> None:
    """Several bot processes share a machine's cores; BLAS threads spinning after each of the
    tagger's small products took most of their CPU (benchmarks/cluster.py). Once a detector is
    made, numpy's products run on one thread."""
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=2, user_api="blas"):
        Detector()
        threads = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert threads and all(count == 1 for count in threads)
