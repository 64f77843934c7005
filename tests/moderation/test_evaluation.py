"""The eval command: one JSON object with the agreed metrics, and readable errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from handlers.moderation import evaluation
from handlers.moderation.detector.recognisers import context_check
from handlers.moderation.detector.recognisers.learned import model_available

ROWS = [
    {
        "id": "a",
        "text": "Visited Mrs Holloway at 14 Elm Road today.",
        "label": "breach",
        "spans": [
            {"start": 8, "end": 20, "type": "PERSON"},
            {"start": 24, "end": 35, "type": "ADDRESS"},
        ],
    },
    {
        "id": "b",
        "text": "Her son's number is 07700 900123, please ring him.",
        "label": "breach",
        "spans": [{"start": 20, "end": 32, "type": "PHONE"}],
    },
    {
        "id": "c",
        "text": "The 14-year-old I mentioned is doing better.",
        "label": "breach",
        "spans": [{"start": 4, "end": 15, "type": "QUASI"}],
    },
    {
        "id": "d",
        "text": "Thanks Priya for the MCA refresher this morning!",
        "label": "safe",
        "spans": [],
    },
    {"id": "e", "text": "Duty team is on 0300 123 4567 today.", "label": "safe", "spans": []},
]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    return path


def run(path: Path, *flags: str) -> int:
    # The rules alone: their answers on these rows are fixed, so the metrics can be checked by hand.
    parser = argparse.ArgumentParser()
    evaluation.configure(parser)
    return evaluation.run(parser.parse_args([str(path), "--rounds", "1", "--rules-only", *flags]))


def test_prints_one_json_object_with_the_agreed_metrics(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(dataset) == 0
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["messages"] == 5
    # Two of three breaches found (the vague "14-year-old" is not enough), no false alarm.
    assert report["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert report["precision"] == 1.0
    assert report["f1"] == pytest.approx(0.8, abs=1e-3)
    assert report["span_recall"] == pytest.approx(3 / 4, abs=1e-3)
    assert report["messages_per_second"] > 0 and report["p99_ms"] > 0
    assert out.err == ""


def test_errors_lists_misses_on_stderr_without_spoiling_the_json(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(dataset, "--errors")
    out = capsys.readouterr()
    json.loads(out.out)
    assert "MISS c:" in out.err
    assert "FALSE ALARM" not in out.err


def test_score_counts_false_alarms_and_span_overlap() -> None:
    from handlers.moderation.detector import Finding

    examples = evaluation.load_rows(ROWS[3:])  # two safe posts
    flagged = [[Finding("PERSON", 7, 12, 0.9, "test")], []]
    report = evaluation.score(examples, flagged)
    assert report["precision"] == 0.0 and report["false_positives"] == 1


def test_recall_is_reported_by_span_type(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(dataset)
    report = json.loads(capsys.readouterr().out)
    assert report["detector"] == "rules"
    assert report["span_recall_by_type"] == {
        "ADDRESS": 1.0,
        "PERSON": 1.0,
        "PHONE": 1.0,
        "QUASI": 0.0,
    }


def test_the_default_eval_measures_the_detector_the_bot_runs(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    evaluation.configure(parser)
    evaluation.run(parser.parse_args([str(dataset), "--rounds", "1"]))
    report = json.loads(capsys.readouterr().out)
    layers = ["rules", "learned"] if model_available() else ["rules"]
    if context_check.available():
        layers.append("context")
    assert report["detector"] == "+".join(layers)


def test_eval_on_attachments_prints_precision_recall_and_speed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18: `eval moderation --attachments DIR` reads DIR/labels.jsonl and the files."""
    from handlers.moderation.training.render_attachments import render_set

    rows = [
        {"text": "Visited Doreen Pike at 14 Elm Road, SG1 2AB, today.", "label": "breach"},
        {"text": "Team meeting moved to Thursday afternoon.", "label": "safe"},
        {"text": "Her NHS number is 943 476 5919, please update the record.", "label": "breach"},
        {"text": "Does anyone have the lone working policy to hand?", "label": "safe"},
    ]
    render_set(rows, tmp_path, ["pdf", "docx"], seed=1)
    assert evaluation.main(["--attachments", str(tmp_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["files"] == 4 and printed["precision"] == 1.0 and printed["recall"] == 1.0
    assert printed["pages_per_second"] > 0 and printed["p95_seconds_per_file"] > 0
    assert set(printed["by_kind"]) == {"pdf", "docx"}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "is a folder"),
        ('{"text": "a", "label": "safe"}\n\n{"text": "b"', "line 3: not JSON"),
        ('{"text": "a"}', 'line 1: "label" must be "breach" or "safe"'),
        ('{"question": "a", "label": "safe"}', 'line 1: each line needs {"text"'),
        (
            '{"text": "a", "label": "breach", "spans": [{"start": 0}]}',
            'line 1: each span needs "start", "end" and "type"',
        ),
    ],
)
def test_a_file_eval_cannot_read_gets_a_clear_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, said: str
) -> None:
    given = tmp_path / "posts.jsonl"
    if content is None:
        given.mkdir()
    else:
        given.write_text(content, encoding="utf-8")
    parser = argparse.ArgumentParser()
    evaluation.configure(parser)
    assert evaluation.run(parser.parse_args([str(given)])) == 2
    error = capsys.readouterr().err
    assert error.startswith("eval moderation: ") and said in error
    assert "Traceback" not in error
