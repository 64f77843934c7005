"""Telegram's length limits: 4096 characters a message, 1024 a caption."""

from __future__ import annotations

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def utf16_length(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` units, cut at a paragraph, line or word break where there is one."""
    pieces: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        cut = _fit(rest, limit)
        window = rest[:cut]
        for mark in ("\n\n", "\n", " "):
            at = window.rfind(mark)
            if at > cut // 2:
                cut = at + len(mark)
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n")
    pieces.append(rest)
    return pieces


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One piece only (an edit cannot become two messages): cut and mark the cut."""
    if utf16_length(text) <= limit:
        return text
    return text[: _fit(text, limit - 1)].rstrip() + "…"


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
