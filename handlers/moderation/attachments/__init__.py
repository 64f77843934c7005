"""What is inside a file or photo, as text the detector can read (issue 18).

`extract` reads one file in this process (PDF text layer, DOCX, plain text; images and pages
without text by Tesseract OCR); `AttachmentReader` runs it in a process pool with a time limit, so
the group is never kept waiting on OCR. A file that cannot be read comes back as `Unread` with the
reason in words a moderator understands.
"""

from handlers.moderation.attachments.extract import Extracted, Limits, Unread, extract
from handlers.moderation.attachments.kinds import FileKind, kind_of
from handlers.moderation.attachments.reader import AttachmentReader

__all__ = [
    "AttachmentReader",
    "Extracted",
    "FileKind",
    "Limits",
    "Unread",
    "extract",
    "kind_of",
]
