"""Importing and checking knowledge bases from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import docx
import pytest

from handlers.questions.kb import load_kb
from handlers.questions.kb_cli import run_check, run_import


def _import(path: Path, kb: Path) -> int:
    return run_import(argparse.Namespace(path=path, kb=kb, title=None, owner="Principal SW"))


def test_html_and_docx_become_cited_passages(tmp_path: Path) -> None:
    html = tmp_path / "lone-working.html"
    html.write_text(
        "<html><head><title>Lone working</title></head><body><h2>Before you go</h2>"
        "<p>Tell your buddy where you are.</p><h2>After the visit</h2><p>Check in.</p></body></html>"
    )
    word = tmp_path / "gifts.docx"
    document = docx.Document()
    document.add_heading("Gifts and hospitality", level=1)
    document.add_paragraph("Decline anything of value.")
    document.save(str(word))
    kb_dir = tmp_path / "kb"
    assert _import(html, kb_dir) == 0
    assert _import(word, kb_dir) == 0
    kb, errors = load_kb(kb_dir)
    assert errors == []
    passage = kb.get("lone-working#before-you-go")
    assert passage is not None and passage.source == "Lone working"
    assert kb.get("gifts#gifts-and-hospitality") is not None


def test_unknown_formats_and_missing_files_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "notes.xyz"
    odd.write_text("x")
    assert _import(odd, tmp_path / "kb") == 2
    assert _import(tmp_path / "missing.pdf", tmp_path / "kb") == 2
    err = capsys.readouterr().err
    assert "expected .pdf, .docx, .html or .md" in err and "no such file" in err


def test_check_exits_2_and_names_the_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: [\n")
    assert run_check(argparse.Namespace(dir=tmp_path)) == 2
    assert "faq.yaml:" in capsys.readouterr().err
