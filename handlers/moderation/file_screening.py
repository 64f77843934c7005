"""A post's files judged like its text: each file's text, page by page, through the detector.

What the moderators' card may show of a file: its name, kind, the page and the lines where
something was found, with each finding replaced by its type; never the image, never a clear word
of what was found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from bot.events import AttachedFile
from handlers.moderation.attachments import AttachmentReader, Extracted, FileKind, Unread
from handlers.moderation.detector import Detector, redact
from handlers.moderation.detector.findings import Finding

UNREADABLE = "UNREADABLE_FILE"  # the type a hold carries when a file could not be read
LINES_PER_PAGE = 3  # lines with a finding shown on the card, per page


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

    @property
    def findings(self) -> list[Finding]:
        return [f for page in self.pages for f in page.findings]

    @property
    def label(self) -> str:
        return f"{self.file.name} ({self.kind.value})"

    def card_lines(self) -> list[str]:
        if self.unread is not None:
            return [f"File {self.label}: {self.unread}"]
        many = len(self.pages) > 1 or self.kind is FileKind.PDF
        return [
            f"File {self.label}{f', page {p.page}' if many else ''}: " + " / ".join(p.lines)
            for p in self.pages
        ]


async def screen_files(
    reader: AttachmentReader, files: Sequence[AttachedFile], detector: Detector
) -> list[ScreenedFile]:
    """Every file read at once (in the reader's workers), then scanned here."""
    results = await asyncio.gather(*(reader.read(file) for file in files))
    return [_judge(file, result, detector) for file, result in zip(files, results, strict=True)]


def _judge(file: AttachedFile, result: Extracted | Unread, detector: Detector) -> ScreenedFile:
    if isinstance(result, Unread):
        return ScreenedFile(file, result.kind, unread=result.sentence)
    pages = []
    for number, text in enumerate(result.pages, start=1):
        findings = detector.scan(text)
        if findings:
            pages.append(PageFindings(number, tuple(findings), _lines_found(text, findings)))
    return ScreenedFile(file, result.kind, tuple(pages))


def _lines_found(text: str, findings: Sequence[Finding]) -> tuple[str, ...]:
    redacted = redact(text, list(findings)).splitlines()
    marks = {f"[{f.type}]" for f in findings}
    found = [" ".join(line.split()) for line in redacted if any(m in line for m in marks)]
    return tuple(found[:LINES_PER_PAGE])
