"""A post's files judged like its text: each file's text, page by page, through the detector.

What the moderators' card may show of a file: its name, kind, the page and the lines where
something was found, with each finding replaced by its type; never the image, never a clear word
of what was found.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.events import AttachedFile
from bot.metrics import Metrics
from handlers.moderation.attachments import AttachmentReader, Extracted, FileKind, Unread
from handlers.moderation.detector import Detector, redact
from handlers.moderation.detector.findings import Finding

UNREADABLE = "UNREADABLE_FILE"  # the type a hold carries when a file could not be read
LINES_PER_PAGE = 3  # paragraphs with a finding shown on the card, per page
UNIT_PREVIEW = 200  # characters of each
HEADING_WORDS = 5  # a first line this short, without a full stop, is a heading


@dataclass(frozen=True, slots=True)
class PageFindings:
    page: int  # from 1
    findings: tuple[Finding, ...]
    lines: tuple[str, ...]  # the redacted lines where something was found


@dataclass(frozen=True, slots=True)
class ScreenedFile:
    file: AttachedFile
    kind: FileKind
    pages: tuple[PageFindings, ...] = ()  # only the pages where something was found
    unread: str | None = None  # why it could not be read, in a moderator's words
    # the file's name as moderators see it and the held post keeps it: redacted, since a
    # file's name can name someone ("[PERSON]_careplan.pdf")
    shown_name: str = ""

    @property
    def findings(self) -> list[Finding]:
        return [f for page in self.pages for f in page.findings]

    @property
    def label(self) -> str:
        return f"{self.shown_name or '(a file)'} ({self.kind.value})"

    def card_lines(self) -> list[str]:
        if self.unread is not None:
            return [f"File {self.label}: {self.unread}"]
        return [
            f"File {self.label}{(', ' + self.where(p.page)) if self.where(p.page) else ''}: "
            + " / ".join(p.lines)
            for p in self.pages
        ]

    def where(self, page: int) -> str:
        """'page 2' of a PDF; 'picture 1' in a DOCX (its pages come after its text); '' for an
        image, which is one page."""
        if self.kind is FileKind.DOCX:
            return "text" if page == 1 else f"picture {page - 1}"
        return "" if self.kind.is_image or self.kind is FileKind.TEXT else f"page {page}"


async def screen_files(
    reader: AttachmentReader,
    files: Sequence[AttachedFile],
    detector: Detector,
    metrics: Metrics | None = None,
) -> list[ScreenedFile]:
    """Every file read at once (in the reader's workers), then scanned here."""
    results = await asyncio.gather(*(_timed(reader, file, metrics) for file in files))
    return [_judge(file, result, detector) for file, result in zip(files, results, strict=True)]


async def _timed(
    reader: AttachmentReader, file: AttachedFile, metrics: Metrics | None
) -> Extracted | Unread:
    began = time.perf_counter()
    result = await reader.read(file)
    if metrics is not None:
        metrics.file_read_seconds.observe(time.perf_counter() - began)
        outcome = (
            "unreadable" if isinstance(result, Unread) else "read" if result.read else "not_read"
        )
        metrics.files_read.labels(result.kind.name.lower(), outcome).inc()
    return result


def _judge(file: AttachedFile, result: Extracted | Unread, detector: Detector) -> ScreenedFile:
    shown = redact(file.name, detector.scan(file.name))
    if isinstance(result, Unread):
        return ScreenedFile(file, result.kind, unread=result.sentence, shown_name=shown)
    pages = []
    for number, text in enumerate(result.pages, start=1):
        found = scan_page(text, detector)
        if found:
            pages.append(
                PageFindings(
                    number,
                    tuple(x for _, f in found for x in f),
                    tuple(_clip(redact(u, f)) for u, f in found[:LINES_PER_PAGE]),
                )
            )
    return ScreenedFile(file, result.kind, tuple(pages), shown_name=shown)


def scan_page(text: str, detector: Detector) -> list[tuple[str, list[Finding]]]:
    """The page's paragraphs where the detector found something, with what it found."""
    return [(unit, found) for unit in units(text) if (found := detector.scan(unit))]


def _clip(text: str) -> str:
    return text if len(text) <= UNIT_PREVIEW else text[:UNIT_PREVIEW].rsplit(" ", 1)[0] + " …"


def units(text: str) -> list[str]:
    """A page as the detector reads best: paragraph by paragraph, each on one line (a line break
    in the middle of a sentence, or a heading run into the first sentence, reads to it as a new
    post), headings on their own."""
    found: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        while len(lines) > 1 and _heading(lines[0]):
            found.append(lines.pop(0))
        if lines:
            found.append(" ".join(lines))
    return found


def _heading(line: str) -> bool:
    return len(line.split()) <= HEADING_WORDS and not line.endswith((".", "!", "?", ",", ";"))
