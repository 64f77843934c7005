"""Programme files: the two samples load; broken files are reported by file, line and field."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.learning import cli
from handlers.learning.programmes import Kind, ProgrammeError, load_programmes
from tests.learning.conftest import PROGRAMMES

GOOD_HEAD = """id: sample
title: Sample
description: A sample.
cpd_minutes: 5
badge: {name: Sample, criteria: Finish it.}
tasks:
"""


def test_the_sample_programmes_have_ten_mixed_tasks_each() -> None:
    programmes = load_programmes(PROGRAMMES)
    assert {p.title for p in programmes.values()} == {
        "Confidentiality in closed groups",
        "Social media in practice",
    }
    for programme in programmes.values():
        assert len(programme.tasks) == 10
        assert {t.kind for t in programme.tasks} == set(Kind)
        assert all(len(t.text) <= 1000 and t.minutes <= 5 for t in programme.tasks)


def check(tmp_path: Path, body: str) -> list[str]:
    (tmp_path / "p.yaml").write_text(GOOD_HEAD + body)
    with pytest.raises(ProgrammeError) as caught:
        load_programmes(tmp_path)
    return [str(p) for p in caught.value.problems]


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    problems = check(
        tmp_path,
        """  - id: q1
    kind: quiz
    title: Q
    text: Which?
    options:
      - {text: A, feedback: Because.}
      - {text: B, feedback: Because.}
    correct: 3
  - id: q2
    kind: essay
    title: E
    text: Write.
    colour: red
""",
    )
    assert (
        problems[0]
        == f"{tmp_path / 'p.yaml'}:14: tasks[0].correct: `correct` must be between 1 and 2, got 3"
    )
    assert any(":16: tasks[1].kind:" in p for p in problems)
    assert any(":19: tasks[1].colour: unknown field" in p for p in problems)


def test_broken_yaml_and_long_text(tmp_path: Path) -> None:
    problems = check(tmp_path, "  - id: a\n    kind: [unclosed\n")
    assert ":8:" in problems[0] and "not valid YAML" in problems[0]
    long = "x" * 1001
    problems = check(
        tmp_path,
        f"  - id: a\n    kind: read-reflect\n    title: T\n    text: {long}\n    reflection: R?\n",
    )
    assert ":10: tasks[0].text:" in problems[0] and "1000" in problems[0]


def test_cli_check_exits_2_on_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run_check(argparse.Namespace(dir=PROGRAMMES)) == 0
    (tmp_path / "p.yaml").write_text("id: x\n")
    assert cli.run_check(argparse.Namespace(dir=tmp_path)) == 2
    assert "p.yaml:1: title: is required" in capsys.readouterr().err


def test_python_m_bot_programmes_check(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("id: x\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "programmes", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROGRAMMES.parents[2],
    )
    assert done.returncode == 2
    assert "p.yaml:1: title: is required" in done.stderr
