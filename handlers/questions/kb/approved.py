"""FAQ entries approved from experts' answers, and practitioners' phrasings approved as another
way to ask an existing entry (`phrasing_of`): written to `approved-faq.yaml` in the bot's data
folder (`questions/` under `bot.data_dir`), a FAQ file like any other that the loader reads beside
the knowledge base, so an admin can edit or remove an item there later. The knowledge base folder
itself is never written to: it may be read-only, or the package's own starter content. The file
is appended to, never rewritten: what an admin wrote in it, comments included, stays as it was."""

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
    base = slugify(question)
    if len(base) > MAX_ID:  # cut at a word, never inside one
        base = base[: MAX_ID + 1].rsplit("-", 1)[0] if "-" in base[:MAX_ID] else base[:MAX_ID]
    base = base.strip("-") or "approved-answer"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def approved_path(data_dir: Path) -> Path:
    return Path(data_dir) / "questions" / APPROVED


def add_entry(path: Path, entry: NewEntry, taken: Collection[str]) -> str:
    """Append one FAQ entry to the approved file (made, with its folder, if missing); returns
    its id."""
    new_id = entry_id(entry.question, taken)
    _append(
        path,
        {
            "id": new_id,
            "question": entry.question.strip(),
            "answer": entry.answer.strip(),
            "source": entry.source,
            "tags": ["approved-from-expert"],
        },
    )
    return new_id


def add_phrasing(path: Path, target: str, phrasing: str) -> None:
    """Append another way of asking the entry `target` (its id) to the approved file."""
    _append(path, {"phrasing_of": target, "question": " ".join(phrasing.split())})


def _append(path: Path, item: dict[str, object]) -> None:
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
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ApproveError(f"cannot write {path}: {exc.strerror or exc}") from None
