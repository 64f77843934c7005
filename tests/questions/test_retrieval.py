"""Retrieval and answer-or-abstain as a practitioner and an admin meet them, on a small
knowledge base, with the product's default (hybrid) retriever."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from handlers.questions.kb import KnowledgeBase, load_kb
from handlers.questions.retrieval import onnx
from handlers.questions.retrieval.analysis import Analyser
from handlers.questions.retrieval.answerer import Answerer, signal_names
from handlers.questions.retrieval.calibration import (
    ANSWER,
    CHOICES,
    CHOICES_SHARE,
    ESCALATE,
    WRONG_SHARE,
    Bands,
    Calibration,
    CalibrationMismatch,
    fit,
    fit_bands,
    shipped_path,
)
from handlers.questions.retrieval.dense import (
    DenseIndex,
    Encoder,
    _model_folder,
    _model_path,
    encoder,
)
from handlers.questions.retrieval.scope import NotCovered

SAMPLE = Path(__file__).resolve().parent / "kb"  # a knowledge base written for the tests
QUESTIONS = Path(__file__).resolve().parent / "kb-questions.jsonl"
CALIBRATION = shipped_path("hybrid")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    kb, _ = load_kb(SAMPLE)
    return Answerer(kb, "hybrid", calibration=Bands.load(CALIBRATION))


def test_a_situation_described_in_own_words_finds_the_guidance(answerer: Answerer) -> None:
    answer = answerer.answer("my client's daughter wants to add me on facebook, what do I do?")
    assert answer.answered
    assert answer.entry is not None and "friend-request" in answer.entry.id


@pytest.mark.parametrize(
    "question",
    [
        "How do I get my laptop onto the VPN from home?",
        "When is payday this month?",
        "How many days of annual leave can I carry over?",
    ],
)
def test_questions_the_guidance_does_not_answer_go_to_a_person(
    answerer: Answerer, question: str
) -> None:
    assert not answerer.answer(question).answered


@pytest.mark.parametrize(
    ("question", "plainly"),
    [
        ("Is there a Welsh equivalent of a section 42 enquiry?", "What triggers an s42 enquiry?"),
        (
            "How much does it cost to register a lasting power of attorney?",
            "How do I check that someone has a lasting power of attorney?",
        ),
        (
            "Who can grant section 17 leave under the Mental Health Act?",
            "Who decides whether to apply for detention under the Mental Health Act?",
        ),
    ],
)
def test_a_question_asking_what_the_nearest_entry_does_not_state_is_not_answered_with_it(
    answerer: Answerer, question: str, plainly: str
) -> None:
    # another country, another section, a fee: the entry is on the topic but does not say
    assert answerer.answer(plainly).answered
    assert not answerer.answer(question).answered


@pytest.mark.parametrize(
    "question",
    ["banana bread recipe", "Can you recommend a good film?", "how tall is mount everest"],
)
def test_a_message_about_nothing_the_guidance_covers_gets_neither_an_answer_nor_choices(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.answer(question)
    assert answer.reply == ESCALATE
    assert answerer.calibration is not None and not answerer.calibration.within(answer.signals)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("NQSW", "supervision-and-cpd#newly-qualified-social-workers-asye"),
        ("insta", "friend-requests-from-people-we-support"),
    ],
)
def test_an_acronym_alone_is_read_through_the_synonyms_file_before_it_goes_to_a_person(
    answerer: Answerer, question: str, entry: str
) -> None:
    # the sentence model cannot read it: on a first reading it would go to a person
    assert answerer.calibration is not None
    assert answerer.calibration.reply(answerer.rank(question).signals) == ESCALATE
    answer = answerer.answer(question)
    assert answer.reply in {ANSWER, CHOICES}
    assert entry in [e.id for e in (answer.choices[:1] if answer.answered else answer.choices)]


def test_every_acronym_and_term_of_the_synonyms_file_asked_alone_shows_an_entry(
    answerer: Answerer,
) -> None:
    escalated = [key for key in answerer.kb.synonyms if answerer.answer(key).reply == ESCALATE]
    assert escalated == []


def test_the_floor_is_fitted_below_the_least_similar_answerable_question() -> None:
    rng = np.random.default_rng(3)
    labels = np.repeat([1.0, 0.0], 60)
    similarity = np.where(labels == 1, rng.uniform(0.4, 0.9, 120), rng.uniform(0.1, 0.7, 120))
    features = np.column_stack([similarity, rng.normal(size=120)])
    calibration = fit(features, labels, ["dense", "noise"], floor_signal="dense")
    assert calibration.floor == pytest.approx(0.95 * similarity[labels == 1].min())
    assert calibration.answers([0.9, 0.0])
    assert not calibration.answers([calibration.floor - 0.01, 0.0])
    # a calibration saved before floors loads and answers as it did
    saved = {k: v for k, v in vars(calibration).items() if not k.startswith("floor")}
    assert Calibration(**saved).answers([calibration.floor - 0.01, 0.0]) == (
        calibration.probability([calibration.floor - 0.01, 0.0]) >= calibration.threshold
    )


def test_the_bands_answer_within_the_wrong_answer_limit_and_offer_choices_below_it(
    tmp_path: Path,
) -> None:
    # one signal: the higher it is, the likelier the first entry (and more so the first three)
    rng = np.random.default_rng(5)
    signal = rng.uniform(0, 1, 600)
    first_right = (rng.uniform(0, 1, 600) < signal**2).astype(float)
    shown_right = np.maximum(first_right, rng.uniform(0, 1, 600) < signal).astype(float)
    in_scope = np.maximum(shown_right, rng.uniform(0, 1, 600) < 0.5).astype(float)
    features = np.column_stack([signal, rng.normal(size=600)])
    bands = fit_bands(features, first_right, shown_right, in_scope, ["dense", "noise"], "", "dense")
    replies = np.asarray([bands.reply(f) for f in features])
    answered = replies == ANSWER
    assert 0 < (answered & (first_right == 0)).mean() <= WRONG_SHARE + 0.02
    assert 0 < (replies == CHOICES).mean() <= CHOICES_SHARE + 0.02
    assert (
        bands.reply([0.99, 0.0]) == ANSWER
        and bands.reply([bands.sure.floor - 0.01, 0.0]) == ESCALATE
    )
    bands.save(tmp_path / "bands.json")
    assert Bands.load(tmp_path / "bands.json") == bands
    # a file of one calibration, saved before the bands, answers as before and never offers choices
    old = fit(features, in_scope, ["dense", "noise"], floor_signal="dense")
    old.save(tmp_path / "old.json")
    loaded = Bands.load(tmp_path / "old.json")
    assert loaded.close is None
    assert {loaded.reply(f) for f in features} <= {ANSWER, ESCALATE}


def test_a_misspelt_acronym_question_still_finds_its_entry(answerer: Answerer) -> None:
    top = answerer.search("urgnt DoLS how long does it last?")
    assert top[0].id == "urgent-dols-authorisation"


def test_real_words_are_not_corrected_into_other_words() -> None:
    analyser = Analyser({}, ["housing supervision shouting"])
    assert analyser.correct("He was shouting at the supervison") == (
        "he was shouting at the supervision"
    )


def test_an_out_of_scope_example_the_knowledge_base_answers_is_dropped() -> None:
    kb, _ = load_kb(SAMPLE)
    model = encoder("all-MiniLM-L6-v2")
    index = DenseIndex(kb, model, None)
    with_kb_examples = KnowledgeBase(
        kb.entries,
        kb.synonyms,
        ("Can I accept a friend request from someone I support?", "Where is the staff canteen?"),
    )
    scope = NotCovered(with_kb_examples, model, index, None)
    assert "Where is the staff canteen?" in scope.examples
    assert "Can I accept a friend request from someone I support?" not in scope.examples


def test_a_knowledge_base_adds_its_own_not_covered_examples_and_a_broken_file_is_named(
    tmp_path: Path,
) -> None:
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: Q?\n  answer: A.\n  source: S\n")
    (tmp_path / "not-covered.yaml").write_text("hr:\n  - How do I book a lease car?\n")
    kb, errors = load_kb(tmp_path)
    assert errors == [] and [e.id for e in kb.entries] == ["a"]
    assert kb.not_covered == ("How do I book a lease car?",)
    (tmp_path / "not-covered.yaml").write_text("hr: [unclosed\n")
    kb, errors = load_kb(tmp_path)
    assert kb.not_covered == () and str(errors[0]).startswith("not-covered.yaml:")


def test_a_calibration_fitted_on_other_signals_is_refused_with_the_fix() -> None:
    stale = Calibration([0.1], 0.0, [0.0], [1.0], signals=["top"])
    with pytest.raises(CalibrationMismatch, match="eval questions --fit"):
        stale.check(signal_names("hybrid"))


def test_eval_prints_the_figures_as_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "questions", "--kb", str(SAMPLE), str(QUESTIONS)])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["retriever"] == "hybrid" and result["questions"] == 12
    assert result["query_precision"] == "int8"
    for key in (
        "hit_at_1",
        "hit_at_3",
        "mrr",
        "answered_in_scope",
        "abstained_out_of_scope",
        "wrong_answers",
        "answered_right",
        "shown_right",
        "choices_offered",
        "escalated",
    ):
        assert 0.0 <= result[key] <= 1.0
    assert result["wrong_answers"] <= 1 - result["answered_right"]
    assert result["hit_at_3"] >= result["hit_at_1"] > 0.5
    assert result["queries_per_second"] > 0 and result["p99_ms"] > 0


def test_eval_names_the_line_of_a_broken_questions_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "q.jsonl"
    broken.write_text('{"question": "What is DoLS?", "gold": ["what-is-dols"]}\n{"question": \n')
    assert main(["eval", "questions", "--kb", str(SAMPLE), str(broken)]) == 2
    assert f"{broken}:2: not JSON" in capsys.readouterr().err


def test_eval_warns_about_gold_ids_the_knowledge_base_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"question": "What is DoLS?", "gold": ["what-is-dols"]}\n'
        '{"question": "Who pays for care?", "gold": ["no-such-entry"]}\n'
    )
    assert (
        main(["eval", "questions", "--kb", str(SAMPLE), str(questions), "--retriever", "bm25"]) == 0
    )
    assert f"{questions}:2: gold ids not in the knowledge base: ['no-such-entry']" in (
        capsys.readouterr().err
    )


def test_a_reload_encodes_only_the_phrasings_it_has_not_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = encoder("all-MiniLM-L6-v2")
    real = model.encode
    asked: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        asked.append(list(texts))
        return real(texts)

    monkeypatch.setattr(model, "encode", counting)
    first = model.cached(["a friend request", "a home visit"], tmp_path, "kb")
    again = model.cached(
        ["a home visit", "a gift from a family", "a friend request"], tmp_path, "kb"
    )
    assert asked == [["a friend request", "a home visit"], ["a gift from a family"]]
    np.testing.assert_allclose(again[[0, 2]], first[[1, 0]])
    np.testing.assert_allclose(again[1], real(["a gift from a family"])[0], atol=1e-5)


def test_a_damaged_embedding_cache_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    model = encoder("all-MiniLM-L6-v2")
    model.cached(["a home visit"], tmp_path, "kb")
    (cache_file,) = tmp_path.glob("kb-*.npz")
    cache_file.write_bytes(b"not a numpy file")
    vectors = model.cached(["a home visit", "a friend request"], tmp_path, "kb")
    np.testing.assert_allclose(
        vectors, model.encode(["a home visit", "a friend request"]), atol=1e-5
    )


@pytest.mark.slow
def test_the_model_on_onnx_runtime_gives_the_vectors_torch_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from sentence_transformers import SentenceTransformer

    monkeypatch.setenv("PRACTICEBOT_MODEL_CACHE", str(tmp_path))
    model = Encoder("all-MiniLM-L6-v2")  # not the process's: this one exports afresh
    assert "Loading weights" not in capfd.readouterr().err  # no progress bar at a first start
    assert model.runtime == "onnxruntime" and model.query_precision == "int8"
    (int8,) = tmp_path.glob("*-int8.onnx")  # beside the export: its int8 copy
    assert {p.name for p in tmp_path.glob("*.onnx")} == {int8.name, int8.name.replace("-int8", "")}
    texts = [
        "s42",
        "My client's daughter wants to add me on facebook and I don't know what to say to her.",
        "Can I give a service user a lift in my own car?",
    ]  # different lengths: one padded batch
    torch_model = SentenceTransformer(_model_path("all-MiniLM-L6-v2"), device="cpu")
    expected = torch_model.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(model.encode(texts), expected, atol=1e-5)
    # a question's own texts run on the int8 copy: near the exact vectors, not equal to them
    similarity = (model.encode(texts, queries=True) * expected).sum(axis=1)
    assert similarity.min() > 0.95 and similarity.max() < 1 - 1e-6
    # a later start loads the export alone: no torch in the process (a second, not ten)
    probe = (
        "import sys; from handlers.questions.retrieval.dense import encoder; "
        "e = encoder('all-MiniLM-L6-v2'); print(e.runtime, e.query_precision, 'torch' in sys.modules)"
    )
    env = {**os.environ, "PRACTICEBOT_MODEL_CACHE": str(tmp_path)}
    started = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert started.stdout.split() == ["onnxruntime", "int8", "False"], started.stderr


def test_making_the_int8_copy_silences_the_quantisers_notes_and_nobody_elses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from onnxruntime import quantization

    encoder("all-MiniLM-L6-v2")  # the export exists from here on
    exported = onnx.exported_path(
        "all-MiniLM-L6-v2", _model_folder(_model_path("all-MiniLM-L6-v2"))
    )
    quantise = quantization.quantize_dynamic

    def while_others_log(*args: object, **kwargs: object) -> None:
        logging.getLogger("scheduler").info("a learning task was sent")
        logging.info("a line on the root logger from elsewhere")
        quantise(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(quantization, "quantize_dynamic", while_others_log)
    caplog.set_level(logging.INFO)
    onnx.quantise(exported, tmp_path / "copy.onnx")
    assert (tmp_path / "copy.onnx").stat().st_size > 1_000_000
    messages = [record.getMessage() for record in caplog.records]
    assert "a learning task was sent" in messages
    assert "a line on the root logger from elsewhere" in messages
    package = str(Path(quantization.__file__).parent)
    assert [r.getMessage() for r in caplog.records if r.pathname.startswith(package)] == []
    assert logging.getLogger().filters == []  # nothing left behind


def test_questions_run_on_the_exact_model_when_no_int8_copy_can_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.questions.retrieval import onnx
    from handlers.questions.retrieval.dense import _model_folder

    folder = _model_folder(_model_path("all-MiniLM-L6-v2"))
    exported = onnx.exported_path("all-MiniLM-L6-v2", folder)
    encoder("all-MiniLM-L6-v2")  # the process's model: exported already
    monkeypatch.setenv("PRACTICEBOT_MODEL_CACHE", str(tmp_path))
    copied = tmp_path / exported.name
    copied.write_bytes(exported.read_bytes())  # the export, not its copy
    os.utime(copied, (time.time() - 30 * 86400,) * 2)

    def full_disk(source: Path, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(onnx, "quantise", full_disk)
    model = Encoder("all-MiniLM-L6-v2")
    assert model.runtime == "onnxruntime" and model.query_precision == "float32"
    assert copied.stat().st_mtime > time.time() - 60  # loading it marks it in use
    assert "questions run on the exact model" in caplog.text and "No space left" in caplog.text
    texts = ["Can I give a service user a lift in my own car?"]
    np.testing.assert_allclose(model.encode(texts, queries=True), model.encode(texts))
    exact = Encoder("all-MiniLM-L6-v2", query_precision="float32")  # chosen: no copy is tried
    assert exact.query_precision == "float32" and not list(tmp_path.glob("*-int8.onnx"))


def test_exports_no_installation_has_loaded_for_two_weeks_are_deleted(tmp_path: Path) -> None:
    from handlers.questions.retrieval import onnx

    current = tmp_path / "all-MiniLM-L6-v2-aaaa.onnx"
    stale = [tmp_path / "all-MiniLM-L6-v2-bbbb.onnx", tmp_path / "all-MiniLM-L6-v2-bbbb-int8.onnx"]
    recent = tmp_path / "all-MiniLM-L6-v2-cccc.onnx"  # another virtualenv's, loaded yesterday
    for path in [current, onnx.quantised_path(current), *stale, recent]:
        path.write_bytes(b"model")
    month_ago = time.time() - 30 * 86400
    for path in [current, *stale]:
        os.utime(path, (month_ago, month_ago))
    os.utime(recent, (time.time() - 86400,) * 2)
    deleted = onnx.prune(tmp_path, keep=current)
    assert sorted(deleted) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [current.name, onnx.quantised_path(current).name, recent.name]
    )


def test_the_retrieval_package_runs_questions_on_what_the_bot_runs_them_on_by_default() -> None:
    from bot.config import QuestionsSection

    # eval, the benchmarks and the bot take the config's; direct callers take the package's
    assert onnx.QUERY_PRECISION == QuestionsSection().query_precision


def test_processes_starting_together_export_the_model_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setenv("PRACTICEBOT_MODEL_CACHE", str(tmp_path))
    second_in = threading.Event()

    def second() -> None:
        with onnx.exporting("all-MiniLM-L6-v2"):
            second_in.set()

    waiting = threading.Thread(target=second)
    with onnx.exporting("all-MiniLM-L6-v2"):
        waiting.start()
        assert not second_in.wait(0.5)  # waits while the first exports
    assert second_in.wait(10)  # then finds the export made and loads it
    waiting.join()
