"""Load a knowledge base folder: faq*.yaml, *.md guidance (front matter + `## ` sections),
synonyms.yaml, not-covered.yaml. A broken file is reported by file, line and field; the rest
still loads.

An item of a FAQ file may also be another phrasing of an entry defined anywhere in the folder,
FAQ or guidance section (`phrasing_of: ID` and `question: ...`): the bot adds these to
approved-faq.yaml when an admin approves the words a practitioner used."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from handlers.questions.kb.model import Entry, KnowledgeBase, slugify

DEFAULT_SYNONYMS = Path(__file__).resolve().parent.parent / "starter_kb" / "synonyms.yaml"
SYNONYMS = "synonyms.yaml"
NOT_COVERED = "not-covered.yaml"


@dataclass(frozen=True, slots=True)
class KbError:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


def load_kb(folder: Path, *more_faq: Path) -> tuple[KnowledgeBase, list[KbError]]:
    """The folder's guidance, plus FAQ files kept elsewhere (the entries admins approved, in the
    bot's data folder) where they exist."""
    folder = Path(folder)
    errors: list[KbError] = []
    entries: list[Entry] = []
    phrasings: list[tuple[str, str, str]] = []  # (file, entry id, phrasing)
    if not folder.is_dir():
        return KnowledgeBase(()), [KbError(str(folder), None, None, "not a folder")]
    synonyms_file = folder / SYNONYMS
    for path in sorted(folder.iterdir()):
        if path.suffix in {".yaml", ".yml"} and path.name not in {SYNONYMS, NOT_COVERED}:
            entries += _faq_file(path, errors, phrasings)
        elif path.suffix == ".md" and path.name.lower() != "readme.md":
            entries += _markdown_file(path, errors)
    for path in more_faq:
        if path.is_file():
            entries += _faq_file(path, errors, phrasings)
    seen: dict[str, str] = {}
    unique: list[Entry] = []
    for entry in entries:
        if entry.id in seen:
            errors.append(
                KbError(
                    entry.source,
                    None,
                    "id",
                    f"duplicate id {entry.id!r} (also in {seen[entry.id]})",
                )
            )
            continue
        seen[entry.id] = entry.source
        unique.append(entry)
    unique = _with_phrasings(unique, phrasings, errors)
    synonyms = _synonyms(synonyms_file if synonyms_file.exists() else DEFAULT_SYNONYMS, errors)
    not_covered = folder / NOT_COVERED
    examples = read_questions(not_covered, errors) if not_covered.exists() else []
    return KnowledgeBase(tuple(unique), synonyms, tuple(examples)), errors


def read_questions(path: Path, errors: list[KbError]) -> list[str]:
    """Example questions: a YAML list, or a mapping of group names to lists."""
    parsed = _yaml(path, errors)
    if parsed is None:
        return []
    data = parsed[1]
    groups = data.items() if isinstance(data, dict) else [("", data)]
    questions: list[str] = []
    for name, group in groups:
        if not isinstance(group, list) or not all(isinstance(q, str) for q in group):
            errors.append(
                KbError(path.name, None, str(name) or None, "expected a list of questions (text)")
            )
            continue
        questions += [q.strip() for q in group if q.strip()]
    return questions


def _yaml(path: Path, errors: list[KbError]) -> tuple[str, Any] | None:
    """A YAML file's text and data, or None with the error (file and line) recorded."""
    raw = _read(path, errors)
    if raw is None:
        return None
    try:
        return raw, yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        errors.append(KbError(path.name, line, None, f"invalid YAML: {problem}"))
        return None


def _read(path: Path, errors: list[KbError]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(
            KbError(path.name, None, None, f"not UTF-8 text (byte {exc.start}); save it as UTF-8")
        )
    except OSError as exc:
        errors.append(KbError(path.name, None, None, f"cannot read: {exc.strerror}"))
    return None


def _with_phrasings(
    entries: list[Entry], phrasings: list[tuple[str, str, str]], errors: list[KbError]
) -> list[Entry]:
    more: dict[str, list[str]] = {}
    ids = {e.id for e in entries}
    for name, entry_id, phrasing in phrasings:
        if entry_id not in ids:
            errors.append(KbError(name, None, "phrasing_of", f"no entry {entry_id!r} to add to"))
            continue
        more.setdefault(entry_id, []).append(phrasing)
    return [
        replace(e, alternatives=(*e.alternatives, *more[e.id])) if e.id in more else e
        for e in entries
    ]


def _faq_file(
    path: Path, errors: list[KbError], phrasings: list[tuple[str, str, str]]
) -> list[Entry]:
    parsed = _yaml(path, errors)
    if parsed is None:
        return []
    raw, data = parsed
    if not isinstance(data, list):
        errors.append(KbError(path.name, 1, None, "expected a list of FAQ entries"))
        return []
    nodes = yaml.compose(raw)  # parsed once already: this only finds each entry's line
    lines = [n.start_mark.line + 1 for n in nodes.value] if nodes is not None else []
    entries = []
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if isinstance(item, dict) and "phrasing_of" in item:
            target, question = str(item["phrasing_of"]).strip(), str(item.get("question") or "")
            if target and question.strip():
                phrasings.append((path.name, target, question.strip()))
            else:
                errors.append(
                    KbError(
                        path.name, line, f"[{index}]", "a phrasing needs phrasing_of and question"
                    )
                )
            continue
        entry = _faq_entry(path.name, line, index, item, errors)
        if entry is not None:
            entries.append(entry)
    return entries


def _faq_entry(
    name: str, line: int | None, index: int, item: Any, errors: list[KbError]
) -> Entry | None:
    if not isinstance(item, dict):
        errors.append(
            KbError(
                name, line, f"[{index}]", "expected a mapping with id, question, answer, source"
            )
        )
        return None
    missing = [
        k for k in ("id", "question", "answer", "source") if not str(item.get(k) or "").strip()
    ]
    if missing:
        errors.append(
            KbError(name, line, f"[{index}].{missing[0]}", "is required and must not be empty")
        )
        return None
    alternatives = item.get("alternatives") or []
    tags = item.get("tags") or []
    if not isinstance(alternatives, list) or not isinstance(tags, list):
        errors.append(
            KbError(name, line, f"[{index}].alternatives", "alternatives and tags must be lists")
        )
        return None
    return Entry(
        id=str(item["id"]).strip(),
        kind="faq",
        title=str(item["question"]).strip(),
        text=str(item["answer"]).strip(),
        source=str(item["source"]).strip(),
        alternatives=tuple(str(a) for a in alternatives),
        tags=tuple(str(t) for t in tags),
    )


def _markdown_file(path: Path, errors: list[KbError]) -> list[Entry]:
    raw = _read(path, errors)
    if raw is None:
        return []
    try:
        post = frontmatter.loads(raw)
    except Exception as exc:  # the front matter's YAML is broken
        errors.append(KbError(path.name, 1, "front matter", f"cannot read: {exc}"))
        return []
    title = str(post.metadata.get("title") or "").strip()
    if not title:
        errors.append(KbError(path.name, 1, "title", "front matter needs a title"))
        return []
    reviewed = post.metadata.get("reviewed")
    owner = post.metadata.get("owner")
    sections = split_sections(post.content)
    if not sections:
        errors.append(
            KbError(path.name, None, "sections", "no '## ' sections: nothing to answer from")
        )
        return []
    return [
        Entry(
            id=f"{path.stem}#{slugify(heading)}",
            kind="passage",
            title=heading,
            text=body,
            source=title,
            reviewed=str(reviewed) if reviewed else None,
            owner=str(owner) if owner else None,
        )
        for heading, body in sections
        if body.strip()
    ]


def split_sections(markdown: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, str]] = []
    heading: str | None = None
    body: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            if heading is not None:
                sections.append((heading, "\n".join(body).strip()))
            heading, body = line[3:].strip(), []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        sections.append((heading, "\n".join(body).strip()))
    return sections


def _synonyms(path: Path, errors: list[KbError]) -> dict[str, tuple[str, ...]]:
    parsed = _yaml(path, errors) if path.exists() else None
    if parsed is None:
        return {}
    data = parsed[1] or {}
    if not isinstance(data, dict):
        errors.append(KbError(path.name, 1, None, "expected a mapping: term: [expansions]"))
        return {}
    return {
        str(k).lower(): tuple(str(v) for v in (vals if isinstance(vals, list) else [vals]))
        for k, vals in data.items()
    }
