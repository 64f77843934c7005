"""Long polling with getUpdates, confirming an update only after the core has handled it.

Telegram keeps an update until a getUpdates call asks for a higher offset, and then forgets it.
We ask for `last handled update_id + 1` only after the whole previous batch went through the
sink, so a crash re-delivers what was not finished (nothing lost) and the core's de-duplication
(unique key per update_id) drops what had been finished (nothing repeated). So no offset is kept
in the database: Telegram's confirmation is the record (it keeps unconfirmed updates 24 hours).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram import error as tg

from adapters.telegram.dispatch import Dispatcher
from adapters.telegram.errors import seconds
from adapters.telegram.inbound import ALLOWED_UPDATES
from bot.errors import SendAgain

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)


class Poller:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, *, timeout: float = 30.0) -> None:
        self._bot = bot
        self._dispatcher = dispatcher
        self._timeout = timeout
        self._offset: int | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._fetching = False

    async def start(self) -> None:
        # getUpdates is refused while a webhook is set; pending updates stay queued for us.
        await self._bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is None:
            return
        if self._fetching:
            self._task.cancel()  # only a wait for new updates is cut short, never a batch
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
        await self._confirm()

    async def _run(self) -> None:
        failures = unrecorded = 0
        while not self._stopping.is_set():
            try:
                self._fetching = True
                updates = await self._bot.get_updates(
                    offset=self._offset,
                    timeout=int(self._timeout),
                    allowed_updates=list(ALLOWED_UPDATES),
                )
            except tg.RetryAfter as exc:
                await self._pause(seconds(exc))
                continue
            except (tg.TimedOut, tg.NetworkError, tg.Conflict) as exc:
                delay = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                log.warning("getUpdates failed", extra={"error": str(exc), "retry_in": delay})
                await self._pause(delay)
                continue
            finally:
                self._fetching = False
            failures = 0
            if not updates:
                continue
            try:
                await self._dispatcher.handle_batch(updates)
            except SendAgain as exc:
                # not confirmed: Telegram hands the batch over again, and what was handled
                # is recognised then
                delay = BACKOFF[min(unrecorded, len(BACKOFF) - 1)]
                unrecorded += 1
                log.warning("updates not recorded", extra={"error": str(exc), "retry_in": delay})
                await self._pause(delay)
                continue
            unrecorded = 0
            self._offset = updates[-1].update_id + 1

    async def _pause(self, delay: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), delay)
        except TimeoutError:
            pass

    async def _confirm(self) -> None:
        """Tell Telegram the last batch is done, so the next start does not fetch it again."""
        if self._offset is None:
            return
        try:
            await self._bot.get_updates(offset=self._offset, limit=1, timeout=0)
        except tg.TelegramError as exc:
            # Not fatal: the next start gets that batch again and de-duplication drops it.
            log.warning("could not confirm the last updates", extra={"error": str(exc)})
