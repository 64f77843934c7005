"""The detector's second look at context: what a moderator notices when it reads the words around a name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from handlers.moderation.detector import Detector, DetectorSettings, default_recognisers
from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers import context_check
from handlers.moderation.detector.recognisers.context_check import (
    Candidate,
    ContextCheck,
    ContextWeights,
    WordVectors,
)
from handlers.moderation.evaluation import load_rows
from handlers.moderation.training import context, generate

needs_weights = pytest.mark.skipif(
    not context_check.available(), reason="no second look trained in the tree"
)


def found(detector: Detector, text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in detector.scan(text)]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def without() -> Detector:
    return Detector(recognisers=default_recognisers(context=False))


@needs_weights
@pytest.mark.parametrize(
    "text",
    [
        "The residents loved the Elvis Presley film on Sunday afternoon, lots of singing along",
        "Reading Brene Brown on shame and vulnerability for my reflective essay",
        "Mrs Okafor (deputy manager) wants the audit folders back by Friday please",
    ],
)
def test_a_film_star_an_author_or_a_manager_is_not_held(
    detector: Detector, without: Detector, text: str
) -> None:
    assert found(without, text), "the rules alone hold it: this test would show nothing"
    assert found(detector, text) == []


@needs_weights
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jadwiga was very low today and would not come out of her room for lunch", "Jadwiga"),
        (
            "can someone sit with Maricel after lunch, she gets unsettled when the lounge is noisy",
            "Maricel",
        ),
    ],
)
def test_a_lone_first_name_the_rules_missed_is_held_by_its_context(
    detector: Detector, without: Detector, text: str, name: str
) -> None:
    assert ("PERSON", name) not in found(without, text)
    assert ("PERSON", name) in found(detector, text)
    finding = next(f for f in detector.scan(text) if text[f.start : f.end] == name)
    assert finding.reason.startswith("a first name")


@needs_weights
def test_names_of_people_in_care_and_numbers_are_kept(detector: Detector) -> None:
    text = (
        "Hilda's daughter rang, NHS number 943 476 5919, she wants the review on the singalong day"
    )
    assert found(detector, text) == [("PERSON", "Hilda"), ("NHS_NUMBER", "943 476 5919")]


@needs_weights
def test_a_staff_name_the_group_set_is_never_added(detector: Detector) -> None:
    text = "can someone sit with Maricel after lunch, she gets unsettled when the lounge is noisy"
    staffed = Detector(DetectorSettings(staff_names=frozenset({"Maricel"})))
    assert ("PERSON", "Maricel") in found(detector, text)
    assert found(staffed, text) == []


def test_without_its_files_the_detector_runs_without_the_second_look(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(context_check, "WEIGHTS_FILE", tmp_path / "absent.npz")
    assert not any(r.name == "context" for r in default_recognisers())
    assert Detector(recognisers=default_recognisers()).scan("Mrs Holloway, 14 Elm Road")


def test_a_pasted_list_of_five_thousand_names_ends_in_a_decision_naming_each() -> None:
    vectors = WordVectors(["ivy"], np.ones((1, 4), np.float32))
    weights = ContextWeights(
        np.zeros(context_check.BITS, np.float32), np.ones(12, np.float32), -1.0, 0.3, 0.5
    )
    text = " ".join(["Ivy"] * 5000)
    hits = list(ContextCheck(weights, vectors).find(Document(text), DetectorSettings()))
    assert len(hits) == 5000
    assert {(hit.type, text[hit.start : hit.end]) for hit in hits} == {("PERSON", "Ivy")}


def test_weights_fitted_on_labelled_posts_save_load_and_screen(tmp_path: Path) -> None:
    vectors = WordVectors.load()
    posts = load_rows(generate.generate(400, seed=7))
    rows = context.candidate_rows(default_recognisers(learned=False), posts, vectors)
    assert {label for _, _, label in rows} == {True, False}
    weights = context.fit(rows, [1.0] * len(rows))
    again = context.fit(rows, [1.0] * len(rows))
    assert np.array_equal(weights.sparse, again.sparse), "the same data must give the same weights"
    weights.save(tmp_path / "context.npz")
    loaded = ContextWeights.load(tmp_path / "context.npz")
    assert (loaded.drop, loaded.add) == (context.DROP, context.ADD)
    check = ContextCheck(loaded, vectors)
    doc = Document("Doreen Pike had a fall in her room at 3am")
    belief = check.belief(doc, Candidate(0, 11, "PERSON", "hit"))
    assert 0.0 <= belief <= 1.0
    assert check.second_look(doc, Hit("NHS_NUMBER", 0, 4, 0.9, "")) is True


def test_training_without_the_labelled_sets_says_where_to_point_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert context.main(["--data", str(tmp_path), "--out", str(tmp_path / "c.npz")]) == 2
    assert "pass --data DIR" in capsys.readouterr().err
    assert not (tmp_path / "c.npz").exists()
