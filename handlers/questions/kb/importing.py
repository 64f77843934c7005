"""Documents into Markdown guidance: headings become `## ` sections (pypdf, python-docx,
BeautifulSoup do the parsing)."""

from __future__ import annotations

import re
from pathlib import Path


class ImportFailed(ValueError):
    pass


def to_markdown(path: Path) -> tuple[str, str]:
    """(title, markdown body with `## ` sections)."""
    if not path.exists():
        raise ImportFailed("no such file")
    suffix = path.suffix.lower()
    if suffix in {".md", ".markdown"}:
        text = path.read_text(encoding="utf-8")
        body = re.sub(r"^#{1,6}\s+", "## ", text, flags=re.MULTILINE)
        return path.stem.replace("-", " ").capitalize(), body
    if suffix == ".docx":
        return _docx(path)
    if suffix in {".html", ".htm"}:
        return _html(path)
    if suffix == ".pdf":
        return _pdf(path)
    raise ImportFailed(
        f"cannot import {suffix or 'a file without an extension'}: expected .pdf, .docx, .html or .md"
    )


def _docx(path: Path) -> tuple[str, str]:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ImportFailed(f"not a readable Word document: {exc}") from None
    title, lines = path.stem, []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        text = paragraph.text.strip()
        if not text:
            continue
        if style == "title":
            title = text
        elif style.startswith("heading"):
            lines.append(f"\n## {text}\n")
        else:
            lines.append(text)
    return title, "\n".join(lines)


def _html(path: Path) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    title = soup.title.get_text(strip=True) if soup.title else path.stem
    lines = []
    for node in soup.find_all(["h1", "h2", "h3", "p", "li"]):
        text = node.get_text(" ", strip=True)
        if not text:
            continue
        lines.append(f"\n## {text}\n" if node.name in {"h1", "h2", "h3"} else text)
    return title, "\n".join(lines)


def _pdf(path: Path) -> tuple[str, str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
    except Exception as exc:
        raise ImportFailed(f"not a readable PDF: {exc}") from None
    title = (reader.metadata.title if reader.metadata else None) or path.stem
    lines = []
    for page in reader.pages:
        for line in (page.extract_text() or "").splitlines():
            stripped = line.strip()
            if not stripped:
                continue
            # PDFs keep no heading marks: a short line in Title Case or numbered reads as a heading
            if len(stripped) < 70 and (
                re.match(r"^\d+(\.\d+)*\s+\w", stripped) or stripped.istitle()
            ):
                lines.append(f"\n## {stripped}\n")
            else:
                lines.append(stripped)
    return title, "\n".join(lines)
