"""The contents of a document or photo posted in Telegram, for the core to screen: `getFile`,
then the file's download address, up to a size limit (the Bot API's own is 20 MB)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Message

from bot.events import AttachedFile

log = logging.getLogger(__name__)

FETCH_WITHIN = 20.0  # seconds for one file


async def files_of(bot: Bot, message: Message, max_bytes: int) -> tuple[AttachedFile, ...]:
    wanted: list[tuple[str, str, str, int | None]] = []  # file_id, name, mime type, size
    document = message.document
    if document is not None:
        wanted.append(
            (
                document.file_id,
                document.file_name or "document",
                document.mime_type or "application/octet-stream",
                document.file_size,
            )
        )
    if message.photo:
        # Telegram sends each photo in several sizes: the largest one reads best
        largest = max(message.photo, key=lambda size: size.width * size.height)
        wanted.append((largest.file_id, "photo.jpg", "image/jpeg", largest.file_size))
    return tuple(
        await asyncio.gather(*(_one(bot, *entry, max_bytes=max_bytes) for entry in wanted))
    )


async def _one(
    bot: Bot, file_id: str, name: str, mime: str, size: int | None, *, max_bytes: int
) -> AttachedFile:
    too_large = f"it is larger than {max_bytes / 1_000_000:g} MB"
    if size is not None and size > max_bytes:
        return AttachedFile(name, mime, error=too_large)
    try:
        async with asyncio.timeout(FETCH_WITHIN):
            file = await bot.get_file(file_id)
            if file.file_size is not None and file.file_size > max_bytes:
                return AttachedFile(name, mime, error=too_large)
            content = bytes(await file.download_as_bytearray())
    except TimeoutError:
        return AttachedFile(name, mime, error="Telegram did not hand over the file in time")
    except Exception as exc:  # the core holds the file with the reason; the post goes on
        log.warning("telegram file not fetched", extra={"error": type(exc).__name__})
        return AttachedFile(name, mime, error="Telegram did not hand over the file")
    if len(content) > max_bytes:
        return AttachedFile(name, mime, error=too_large)
    return AttachedFile(name, mime, content)
