"""`python -m bot kb check DIR` and `python -m bot kb import PATH --kb DIR`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.plugins import CliCommand
from bot.wording import counted
from handlers.questions.kb import load_kb
from handlers.questions.kb.importing import ImportFailed, to_markdown


def configure_check(parser: argparse.ArgumentParser) -> None:
    """Validate a knowledge base folder; errors name file, line and field."""
    parser.add_argument("dir", type=Path, help="knowledge base folder")


def run_check(args: argparse.Namespace) -> int:
    kb, errors = load_kb(args.dir)
    for error in errors:
        print(error, file=sys.stderr)
    faqs = sum(e.kind == "faq" for e in kb.entries)
    print(
        f"{args.dir}: {counted(faqs, 'FAQ entry', 'FAQ entries')}, "
        f"{counted(len(kb.entries) - faqs, 'passage')}, {counted(len(errors), 'error')}"
    )
    return 2 if errors else 0


def configure_import(parser: argparse.ArgumentParser) -> None:
    """Import a PDF, DOCX, HTML or Markdown document as guidance passages."""
    parser.add_argument("path", type=Path, help="document to import")
    parser.add_argument("--kb", type=Path, required=True, help="knowledge base folder to add it to")
    parser.add_argument("--title", help="guidance title (default: the document's own)")
    parser.add_argument("--owner", default="unknown", help="who owns the guidance")


def run_import(args: argparse.Namespace) -> int:
    try:
        title, markdown = to_markdown(args.path)
    except ImportFailed as exc:
        print(f"{args.path}: {exc}", file=sys.stderr)
        return 2
    target = args.kb / f"{args.path.stem}.md"
    if target.exists():
        print(f"{target}: already exists; remove it or rename the document first", file=sys.stderr)
        return 2
    front = f"---\ntitle: {args.title or title}\nowner: {args.owner}\nreviewed: {date.today().isoformat()}\n---\n\n"
    args.kb.mkdir(parents=True, exist_ok=True)
    target.write_text(front + markdown, encoding="utf-8")
    kb, errors = load_kb(args.kb)
    added = [e for e in kb.entries if e.id.startswith(f"{args.path.stem}#")]
    for error in errors:
        print(error, file=sys.stderr)
    print(f"imported {args.path} as {target}: {counted(len(added), 'passage')}")
    return 0 if added else 2


import_command = CliCommand(configure_import, run_import, group_help="knowledge base tools")
check_command = CliCommand(configure_check, run_check, group_help="knowledge base tools")
