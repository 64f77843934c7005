"""Reading one file in this process: text per page, or the reason it could not be read.

Runs in a worker process (reader.py): everything here is plain, picklable data in and out.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass

from handlers.moderation.attachments.kinds import FileKind, kind_of
from handlers.moderation.attachments.ocr import OcrTimeout, OcrUnavailable, ocr_image

MIN_TEXT_LAYER = 16  # letters on a PDF page below which it is taken for a scan and OCR'd
PDF_RENDER_DPI = 200
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
MIN_PICTURE_BYTES = 8_000  # a DOCX picture smaller than this is an icon or a rule, not a page  # Tesseract reads print well from about 200 dpi; more costs time, not words


@dataclass(frozen=True, slots=True)
class Limits:
    max_pages: int = 30
    seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class Extracted:
    kind: FileKind
    pages: tuple[str, ...]  # one text per page; an image is one page
    ocr_pages: int = 0
    read: bool = True  # False for a kind not read (a video, a zip): only its name is screened


@dataclass(frozen=True, slots=True)
class Unread:
    kind: FileKind
    reason: str  # why, in a moderator's words: "it is password-protected"

    @property
    def sentence(self) -> str:
        noun = "image" if self.kind.is_image else self.kind.value
        if self.kind is FileKind.PDF:
            noun = "PDF"
        return f"could not read this {noun}: {self.reason}"


class CannotRead(Exception):
    """Raised inside a reader with the reason; becomes `Unread`."""


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    def left(self) -> float:
        return self._at - time.monotonic()

    def check(self) -> None:
        if self.left() <= 0:
            raise CannotRead(f"reading it took longer than {self.seconds:g} seconds")


def extract(name: str, mime_type: str, data: bytes, limits: Limits) -> Extracted | Unread:
    kind = kind_of(name, mime_type, data[:16])
    reader = _READERS.get(kind)
    if reader is None:
        return Extracted(kind, (), read=False)
    deadline = _Deadline(limits.seconds)
    try:
        pages, ocr_pages = reader(data, limits, deadline)
    except CannotRead as exc:
        return Unread(kind, str(exc))
    except OcrTimeout:
        return Unread(kind, f"reading it took longer than {limits.seconds:g} seconds")
    except OcrUnavailable:
        return Unread(kind, "the text recogniser (Tesseract) is not installed on the bot's server")
    except Exception:  # a damaged or disguised file: never the bot's crash
        return Unread(kind, f"it seems damaged, or it is not really a {kind.value}")
    return Extracted(kind, tuple(pages), ocr_pages)


Reader = Callable[[bytes, Limits, _Deadline], tuple[list[str], int]]


def _text(data: bytes, limits: Limits, deadline: _Deadline) -> tuple[list[str], int]:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return [data.decode(encoding)], 0
        except UnicodeDecodeError:
            continue
    return [data.decode("cp1252", errors="replace")], 0


def _docx(data: bytes, limits: Limits, deadline: _Deadline) -> tuple[list[str], int]:
    import zipfile

    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise CannotRead("it is password-protected, or not a Word document")
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    pictures = _docx_pictures(data, limits)
    texts = []
    for picture in pictures:  # a photo of a care plan pasted into a document is read too
        deadline.check()
        texts.append(_picture_text(picture, deadline))
    return ["\n\n".join(p for p in parts if p.strip()), *texts], len(texts)


def _docx_pictures(data: bytes, limits: Limits) -> list[bytes]:
    """The document's pictures big enough to hold text (not icons or bullets), in its order."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(
            info.filename
            for info in archive.infolist()
            if info.filename.startswith("word/media/")
            and info.filename.lower().endswith(PICTURE_SUFFIXES)
            and info.file_size >= MIN_PICTURE_BYTES
        )
        if len(names) + 1 > limits.max_pages:
            raise CannotRead(
                f"it has {len(names)} pictures; files over {limits.max_pages} pages and "
                "pictures are not read"
            )
        return [archive.read(name) for name in names]


def _picture_text(data: bytes, deadline: _Deadline) -> str:
    from PIL import Image

    _register_heif()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError:
        raise CannotRead("a picture in it is too large to read") from None
    # phones save photos as JPEG or HEIC, and screenshots as PNG
    return ocr_image(image, deadline.left(), screen=image.format == "PNG")


def _image(data: bytes, limits: Limits, deadline: _Deadline) -> tuple[list[str], int]:
    return [_picture_text(data, deadline)], 1


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - HEIC then reads as damaged
        return
    register_heif_opener()


def _pdf(data: bytes, limits: Limits, deadline: _Deadline) -> tuple[list[str], int]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise CannotRead("it is password-protected") from None
        raise
    count = len(document)
    if count > limits.max_pages:
        raise CannotRead(f"it has {count} pages; files over {limits.max_pages} pages are not read")
    pages: list[str] = []
    ocr_pages = 0
    for number in range(count):
        deadline.check()
        page = document[number]
        text = page.get_textpage().get_text_range()
        if sum(ch.isalpha() for ch in text) < MIN_TEXT_LAYER:
            image = page.render(scale=PDF_RENDER_DPI / 72).to_pil()
            text = ocr_image(image, deadline.left(), upright=True)
            ocr_pages += 1
        pages.append(text)
    return pages, ocr_pages


_READERS: dict[FileKind, Reader] = {
    FileKind.PDF: _pdf,
    FileKind.DOCX: _docx,
    FileKind.TEXT: _text,
    FileKind.JPEG: _image,
    FileKind.PNG: _image,
    FileKind.WEBP: _image,
    FileKind.HEIC: _image,
}
