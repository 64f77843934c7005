"""Reading attachments off the event loop: a process pool, a time limit, a size limit.

OCR holds a core for a second or more; on the event loop it would keep every other post in the
group waiting. Each file goes to a worker process (spawned, so no thread or connection of the bot
is copied into it), with `Limits.seconds` for the whole file: the worker stops between pages and
Tesseract is stopped when its time is up, and the caller stops waiting a moment after that.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.events import AttachedFile
from handlers.moderation.attachments.extract import Extracted, Limits, Unread, extract
from handlers.moderation.attachments.kinds import FileKind, kind_of

log = logging.getLogger(__name__)

GRACE_SECONDS = 2.0  # past the worker's own limit, for a page it was already reading


def _one_thread_each() -> None:
    # Tesseract would otherwise start a thread per core for each page; the machine is shared
    os.environ["OMP_THREAD_LIMIT"] = "1"


def _warm() -> bool:
    import pypdfium2  # noqa: F401
    import pytesseract  # noqa: F401

    return True


class AttachmentReader:
    def __init__(self, limits: Limits, *, max_bytes: int, workers: int = 1) -> None:
        self.limits = limits
        self.max_bytes = max_bytes
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._free: asyncio.Semaphore | None = None  # workers not reading a file now
        self.busy = 0  # files being read now (tests and metrics look at it)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_one_thread_each,
            )
        return self._pool

    async def start(self) -> None:
        """Start the workers now, not on a member's first photo."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor(), _warm)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def read(self, file: AttachedFile) -> Extracted | Unread:
        kind = kind_of(file.name, file.mime_type, (file.content or b"")[:16])
        if file.content is None:
            return Unread(kind, file.error or "the platform did not give the file to the bot")
        if len(file.content) > self.max_bytes:
            mb = self.max_bytes / 1_000_000
            return Unread(kind, f"it is larger than {mb:g} MB")
        self.busy += 1
        try:
            return await self._in_worker(file, kind)
        finally:
            self.busy -= 1

    async def _in_worker(self, file: AttachedFile, kind: FileKind) -> Extracted | Unread:
        """The time limit runs from when a worker takes the file, not while it waits its turn (an
        album of photos queues); a worker stays taken until its file is done, even one given up
        on, so the next file's time starts when a worker is really free."""
        assert file.content is not None
        if self._free is None:
            self._free = asyncio.Semaphore(self._workers)
        free = self._free
        await free.acquire()
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(
            self._executor(), extract, file.name, file.mime_type, file.content, self.limits
        )
        job.add_done_callback(lambda _: free.release())
        try:
            async with asyncio.timeout(self.limits.seconds + GRACE_SECONDS):
                return await asyncio.shield(job)
        except TimeoutError:
            return Unread(kind, f"reading it took longer than {self.limits.seconds:g} seconds")
        except BrokenProcessPool:
            log.error("an attachment reader process died; starting a new one")
            self._pool = None
            return Unread(kind, "the reader stopped on it (it may be malformed)")
