"""Hands Updates to the core: per chat in order, chats side by side, callback queries answered."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from telegram import Bot, Update
from telegram import error as tg

from adapters.telegram.files import files_of
from adapters.telegram.inbound import BotIdentity, events_from
from adapters.telegram.outbound import Outbound
from bot.adapter import EventSink
from bot.errors import SendAgain
from bot.events import MessagePosted

log = logging.getLogger(__name__)

FILE_ANSWER_WITHIN = 1.0  # seconds a post with a file may hold up the updates after it


class Dispatcher:
    def __init__(
        self,
        bot: Bot,
        me: BotIdentity,
        outbound: Outbound,
        sink: EventSink,
        file_max_bytes: int = 20_000_000,
    ) -> None:
        self._bot = bot
        self._file_max_bytes = file_max_bytes
        self._me = me
        self._outbound = outbound
        self._sink = sink

    async def handle_batch(self, updates: Sequence[Update]) -> None:
        """Returns once every update is fully handled, so the caller may then confirm them.
        Raises SendAgain, once every chat's turn is over, when one could not be recorded: then
        nothing of the batch may be confirmed (what was handled is a duplicate next time)."""
        by_chat: dict[int | None, list[Update]] = defaultdict(list)
        for update in updates:
            chat = update.effective_chat
            by_chat[chat.id if chat is not None else None].append(update)
        outcomes = await asyncio.gather(
            *(self._in_order(batch) for batch in by_chat.values()), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self.handle(update)  # SendAgain stops this chat: its order is kept

    async def handle(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._answer(update.callback_query.id)
        try:
            events = events_from(update, self._me)
        except Exception:
            # An update shape we did not foresee: skip it (re-delivery would fail the same way)
            # rather than stop taking the ones after it.
            log.exception("update not understood", extra={"update_id": update.update_id})
            return
        for event in events:
            if isinstance(event, MessagePosted):
                self._outbound.saw_post(event.chat.id, event.message_id, event.time)
                event = await self._with_files(event, update)
            # A post with a file is read off the event loop (OCR can take seconds): once it is
            # recorded, the chat's next updates and the next batch go on while it is read.
            try:
                if isinstance(event, MessagePosted) and event.files:
                    await self._sink(event, answer_within=FILE_ANSWER_WITHIN)
                else:
                    await self._sink(event)
            except SendAgain:
                raise
            except Exception:
                # The App's sink logs and swallows; this keeps a broken sink from stopping intake.
                log.exception("event not handled", extra={"event_id": event.event_id})

    async def _with_files(self, event: MessagePosted, update: Update) -> MessagePosted:
        """The core screens what is inside a document or photo, not only its name."""
        message = update.effective_message
        if message is None or not (message.document or message.photo):
            return event
        files = await files_of(self._bot, message, self._file_max_bytes)
        return replace(event, files=files)

    async def _answer(self, query_id: str) -> None:
        # Answer at once: Telegram shows a spinner on the button until we do.
        try:
            await self._bot.answer_callback_query(query_id)
        except tg.TelegramError as exc:
            # Too late (queries expire) or rate limited: the press itself still counts.
            log.warning("callback query not answered", extra={"error": str(exc)})
