"""FAQ entries approved from experts' answers, and practitioners' phrasings approved as another
way to ask an existing entry: written to `approved-faq.yaml` in the knowledge base folder, a FAQ
file like any other (the loader reads every `*.yaml` FAQ file), so an admin can edit or remove an
item there later. The file is appended to, never rewritten: what an admin wrote in it, comments
included, stays as it was. `approved_path` is the one place that says where the file is."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.files import partial_path
from handlers.questions.kb.model import slugify

APPROVED = "approved-faq.yaml"
HEADER = (
    "# FAQ entries approved by an admin from the practice leads' answers to questions, and\n"
    "# practitioners' own words approved as another phrasing of an entry (phrasing_of). Practice\n"
    "# Bot adds one each time an admin taps Approve under /drafts. Edit them like any FAQ entry.\n"
)
MAX_ID = 60


class ApproveError(RuntimeError):
    pass


@dataclass(frozen=True)
class NewEntry:
    question: str
    answer: str
    source: str


def entry_id(question: str, taken: Collection[str]) -> str:
    """A readable id from the question, unique in the knowledge base."""
    base = slugify(question)[:MAX_ID].strip("-") or "approved-answer"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def approved_path(folder: Path) -> Path:
    return Path(folder) / APPROVED


def add_entry(folder: Path, entry: NewEntry, taken: Collection[str]) -> str:
    """Append one FAQ entry to the folder's approved-faq.yaml; returns its id."""
    new_id = entry_id(entry.question, taken)
    _append(
        folder,
        {
            "id": new_id,
            "question": entry.question.strip(),
            "answer": entry.answer.strip(),
            "source": entry.source,
            "tags": ["approved-from-expert"],
        },
    )
    return new_id


def add_phrasing(folder: Path, target: str, phrasing: str) -> None:
    """Append another way of asking the entry `target` (its id) to approved-faq.yaml."""
    _append(folder, {"phrasing_of": target, "question": " ".join(phrasing.split())})


def _append(folder: Path, item: dict[str, object]) -> None:
    path = approved_path(folder)
    current = ""
    if path.exists():
        try:
            current = path.read_text(encoding="utf-8")
            data = yaml.safe_load(current)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ApproveError(
                f"{path.name} cannot be read ({exc}); fix it, then approve again"
            ) from None
        if data is not None and not isinstance(data, list):
            raise ApproveError(
                f"{path.name} is not a list of FAQ entries; fix it, then approve again"
            )
    text = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, width=100)
    if not current.strip():
        content = HEADER + "\n" + text
    else:
        content = current + ("" if current.endswith("\n") else "\n") + "\n" + text
    partial = partial_path(path)
    try:
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ApproveError(f"cannot write {path}: {exc.strerror or exc}") from None
