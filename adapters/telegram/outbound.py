"""Core actions out, Bot API calls in: send, DM, edit, delete (with the admin-rights check)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import (
    Bot,
    ChatMember,
    ChatMemberAdministrator,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyParameters,
)
from telegram import error as tg

from adapters.telegram.errors import seconds, translated
from adapters.telegram.inbound import PLATFORM
from adapters.telegram.text_limits import CAPTION_LIMIT, shorten, split_message, utf16_length
from bot.actions import Action, Attachment, Button, Delete, PrivateNotice, Result, Send, Update
from bot.errors import ActionNotPermitted, PlatformError, RecipientUnreachable
from bot.events import Chat, ChatKind

DELETE_WINDOW = timedelta(hours=48)  # Telegram lets bots delete others' posts for 48 hours
RIGHTS_TTL = 300.0  # seconds we trust a getChatMember answer about our own rights
SEEN_LIMIT = 10_000  # post dates remembered to refuse deletes Telegram would refuse anyway
BUTTONS_PER_ROW = 2
SHORT_LABEL = 24  # a longer label (an entry offered as a choice) gets a row of its own


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    # Button.data is at most 64 bytes (Telegram's callback_data limit): it goes out as it is.
    if not buttons:
        return None
    rows: list[list[Button]] = []
    for b in buttons:
        pairs = len(b.label) <= SHORT_LABEL and rows and len(rows[-1]) < BUTTONS_PER_ROW
        if pairs and all(len(other.label) <= SHORT_LABEL for other in rows[-1]):
            rows[-1].append(b)
        else:
            rows.append([b])
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def _patiently(send: Callable[[], Awaitable[Message]]) -> Message:
    while True:
        try:
            return await send()
        except tg.RetryAfter as exc:
            await asyncio.sleep(seconds(exc))


class Outbound:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self._rights: dict[str, tuple[float, bool]] = {}
        self._posted_at: OrderedDict[tuple[str, str], datetime] = OrderedDict()

    def saw_post(self, chat_id: str, message_id: str, when: datetime) -> None:
        self._posted_at[(chat_id, message_id)] = when
        if len(self._posted_at) > SEEN_LIMIT:
            self._posted_at.popitem(last=False)

    async def perform(self, action: Action) -> Result:
        if isinstance(action, Send):
            return await self._send(
                action.chat,
                action.text,
                action.buttons,
                thread_id=action.thread_id,
                reply_to=action.reply_to,
                attachment=action.attachment,
            )
        if isinstance(action, PrivateNotice):
            # On Telegram a private chat's id is the member's user id. Ephemeral messages do not
            # exist, so every private notice is a DM; Forbidden means they never opened one.
            if action.user.id.startswith("-"):
                # An anonymous admin's "user" is the group itself: a DM would post it publicly.
                raise RecipientUnreachable("an anonymous admin cannot be written to privately")
            dm = Chat(PLATFORM, action.user.id, ChatKind.DIRECT, action.user.name)
            return await self._send(dm, action.text, action.buttons, attachment=action.attachment)
        if isinstance(action, Update):
            return await self._edit(action)
        if isinstance(action, Delete):
            return await self._delete(action)
        raise TypeError(f"the Telegram adapter cannot perform {type(action).__name__}")

    async def _send(
        self,
        chat: Chat,
        text: str,
        buttons: tuple[Button, ...],
        *,
        thread_id: str | None = None,
        reply_to: str | None = None,
        attachment: Attachment | None = None,
    ) -> Result:
        reply = (
            ReplyParameters(int(reply_to), allow_sending_without_reply=True) if reply_to else None
        )
        thread = int(thread_id) if thread_id else None
        # Long text goes as several messages; the buttons ride on the last one.
        pieces = split_message(text) if text else []
        caption: str | None = None
        if attachment is not None and pieces and utf16_length(pieces[0]) <= CAPTION_LIMIT:
            caption = pieces.pop(0)
        message: Message | None = None
        with translated(chat.id):
            if attachment is not None:
                message = await self._bot.send_document(
                    chat_id=int(chat.id),
                    document=InputFile(attachment.content, filename=attachment.filename),
                    caption=caption,
                    reply_markup=None if pieces else keyboard(buttons),
                    message_thread_id=thread,
                    reply_parameters=reply,
                )
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                send = functools.partial(
                    self._bot.send_message,
                    chat_id=int(chat.id),
                    text=piece,
                    reply_markup=keyboard(buttons) if last else None,
                    message_thread_id=thread,
                    reply_parameters=reply if message is None else None,
                )
                # Once part of it is out, a 429 is waited out here: handing it back to the core
                # would make it send the whole message, and the parts already out, again.
                message = await (send() if message is None else _patiently(send))
        return Result(str(message.message_id) if message is not None else None, chat)

    async def _edit(self, action: Update) -> Result:
        try:
            with translated(action.chat.id):
                await self._bot.edit_message_text(
                    chat_id=int(action.chat.id),
                    message_id=int(action.message_id),
                    text=shorten(action.text),
                    reply_markup=keyboard(action.buttons),
                )
        except PlatformError as exc:
            # Pressing a button twice asks for the same text again: already done, not a failure.
            if "message is not modified" not in str(exc).lower():
                raise
        return Result(action.message_id, action.chat)

    async def _delete(self, action: Delete) -> Result:
        key = (action.chat.id, action.message_id)
        posted = self._posted_at.get(key)
        if posted is not None and datetime.now(UTC) - posted >= DELETE_WINDOW:
            raise ActionNotPermitted("Telegram lets bots delete posts for 48 hours only")
        if action.chat.kind is ChatKind.GROUP and not await self._may_delete(action.chat.id):
            raise ActionNotPermitted(
                "the bot is not an admin with the right to delete messages in this group"
            )
        try:
            with translated(action.chat.id):
                await self._bot.delete_message(
                    chat_id=int(action.chat.id), message_id=int(action.message_id)
                )
        except ActionNotPermitted:
            self._rights.pop(action.chat.id, None)  # our rights may have changed: ask again
            raise
        except PlatformError as exc:
            # Someone (the author, an admin) removed it first: the post is gone, as asked.
            if "message to delete not found" not in str(exc).lower():
                raise
        self._posted_at.pop(key, None)
        return Result(action.message_id, action.chat)

    async def _may_delete(self, chat_id: str) -> bool:
        cached = self._rights.get(chat_id)
        if cached is not None and time.monotonic() - cached[0] < RIGHTS_TTL:
            return cached[1]
        with translated(chat_id):
            member = await self._bot.get_chat_member(chat_id=int(chat_id), user_id=self._bot.id)
        allowed = member.status == ChatMember.OWNER or (
            isinstance(member, ChatMemberAdministrator) and member.can_delete_messages
        )
        self._rights[chat_id] = (time.monotonic(), allowed)
        return allowed
