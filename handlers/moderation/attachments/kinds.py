"""Which kind of file this is, from its first bytes first (a name or a MIME type can lie)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePath


class FileKind(StrEnum):
    PDF = "PDF"
    DOCX = "Word document"
    TEXT = "text file"
    JPEG = "JPEG image"
    PNG = "PNG image"
    WEBP = "WebP image"
    HEIC = "HEIC photo"
    OTHER = "file"

    @property
    def is_image(self) -> bool:
        return self in (FileKind.JPEG, FileKind.PNG, FileKind.WEBP, FileKind.HEIC)


_BY_SUFFIX = {
    ".pdf": FileKind.PDF,
    ".docx": FileKind.DOCX,
    ".txt": FileKind.TEXT,
    ".csv": FileKind.TEXT,
    ".md": FileKind.TEXT,
    ".jpg": FileKind.JPEG,
    ".jpeg": FileKind.JPEG,
    ".png": FileKind.PNG,
    ".webp": FileKind.WEBP,
    ".heic": FileKind.HEIC,
    ".heif": FileKind.HEIC,
}
_BY_MIME = {
    "application/pdf": FileKind.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileKind.DOCX,
    "text/plain": FileKind.TEXT,
    "text/csv": FileKind.TEXT,
    "text/markdown": FileKind.TEXT,
    "image/jpeg": FileKind.JPEG,
    "image/png": FileKind.PNG,
    "image/webp": FileKind.WEBP,
    "image/heic": FileKind.HEIC,
    "image/heif": FileKind.HEIC,
}


def _by_magic(head: bytes) -> FileKind | None:
    if head.startswith(b"%PDF"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG"):
        return FileKind.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileKind.WEBP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim"):
        return FileKind.HEIC
    return None


def kind_of(name: str, mime_type: str, head: bytes) -> FileKind:
    """The kind by content where the bytes say it (PDF, images), else by MIME type, else by name.
    A DOCX is a zip, which its first bytes cannot tell from any other zip."""
    found = _by_magic(head[:16])
    if found is not None:
        return found
    base_mime = mime_type.split(";", 1)[0].strip().lower()
    if base_mime in _BY_MIME:
        return _BY_MIME[base_mime]
    return _BY_SUFFIX.get(PurePath(name).suffix.lower(), FileKind.OTHER)
