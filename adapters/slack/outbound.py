"""Core actions out as Slack Web API calls (chat.postMessage, postEphemeral, update, delete)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import translated
from adapters.slack.inbound import PLATFORM, chat_of
from adapters.slack.pacing import ChannelPacer
from bot.actions import (
    Action,
    Attachment,
    Button,
    Delete,
    PrivateNotice,
    PrivateVia,
    Result,
    Send,
    Update,
)
from bot.errors import ActionNotPermitted
from bot.events import Chat, ChatKind, User

SECTION_LIMIT = 3000  # characters in one section block's text


def blocks(text: str, buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
    """Block Kit for a message with buttons: its text in sections, then one actions block.
    (Without buttons we send plain `text`; Slack renders it the same.)"""
    sections: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[i : i + SECTION_LIMIT]}}
        for i in range(0, len(text), SECTION_LIMIT)
    ]
    actions = {
        "type": "actions",
        "block_id": "practicebot",
        "elements": [
            {
                "type": "button",
                "action_id": f"practicebot:{i}",  # unique per block; the value carries the data
                "text": {"type": "plain_text", "text": b.label[:75], "emoji": True},
                "value": b.data,
            }
            for i, b in enumerate(buttons)
        ],
    }
    return [*sections, actions]


def _is_text(attachment: Attachment) -> bool:
    return attachment.mime_type.startswith("text/")


def _with_attachment(text: str, attachment: Attachment | None) -> str:
    # A short text file (a CPD record) travels inside the message as a code block; anything else
    # (a held photo or PDF for a moderator) is uploaded: `_upload`.
    if attachment is None or not _is_text(attachment):
        return text
    body = attachment.content.decode("utf-8", errors="replace")
    return f"{text}\n*{attachment.filename}*\n```{body}```"


class Outbound:
    def __init__(
        self,
        client: AsyncWebClient,
        admin: AsyncWebClient | None,
        pacer: ChannelPacer,
    ) -> None:
        self._client = client
        self._admin = admin
        self._pacer = pacer
        self._dm_channels: dict[str, str] = {}

    async def perform(self, action: Action) -> Result:
        if isinstance(action, Send):
            if action.attachment is not None and not _is_text(action.attachment):
                return await self._upload(
                    action.chat, action.text, action.attachment, action.thread_id
                )
            return await self._post(
                action.chat,
                _with_attachment(action.text, action.attachment),
                action.buttons,
                action.thread_id or action.reply_to,
            )
        if isinstance(action, PrivateNotice):
            return await self._private(action)
        if isinstance(action, Update):
            return await self._update(action)
        if isinstance(action, Delete):
            return await self._delete(action)
        raise TypeError(f"slack cannot perform {type(action).__name__}")

    async def _post(
        self, chat: Chat, text: str, buttons: tuple[Button, ...], thread_ts: str | None
    ) -> Result:
        args: dict[str, Any] = {"channel": chat.id, "text": text}
        if buttons:
            args["blocks"] = blocks(text, buttons)
        if thread_ts:
            args["thread_ts"] = thread_ts
        await self._pacer.acquire(chat.id)
        with translated():
            response = await self._client.chat_postMessage(**args)
        channel = str(response["channel"])
        return Result(str(response["ts"]), chat if channel == chat.id else chat_of(channel))

    async def _private(self, notice: PrivateNotice) -> Result:
        text = _with_attachment(notice.text, notice.attachment)
        context = notice.context
        if (
            notice.prefer is PrivateVia.EPHEMERAL
            and context is not None
            and context.kind is ChatKind.GROUP
        ):
            args: dict[str, Any] = {"channel": context.id, "user": notice.user.id, "text": text}
            if notice.buttons:
                args["blocks"] = blocks(text, notice.buttons)
            await self._pacer.acquire(context.id)
            with translated():
                response = await self._client.chat_postEphemeral(**args)
            return Result(str(response.get("message_ts") or ""), context)
        dm = await self.direct_chat(notice.user)
        if notice.attachment is not None and not _is_text(notice.attachment):
            return await self._upload(dm, text, notice.attachment)
        return await self._post(dm, text, notice.buttons, None)

    async def _upload(
        self, chat: Chat, text: str, attachment: Attachment, thread_ts: str | None = None
    ) -> Result:
        """A file into a chat, with the text as its comment (scope files:write): Slack's three
        calls, getUploadURLExternal, the upload, completeUploadExternal."""
        await self._pacer.acquire(chat.id)
        with translated():
            await self._client.files_upload_v2(
                channel=chat.id,
                content=attachment.content,
                filename=attachment.filename,
                title=attachment.filename,
                initial_comment=text,
                thread_ts=thread_ts,
            )
        return Result(None, chat)

    async def direct_chat(self, user: User) -> Chat:
        channel = self._dm_channels.get(user.id)
        if channel is None:
            with translated():
                response = await self._client.conversations_open(users=user.id)
            channel = str(response["channel"]["id"])
            self._dm_channels[user.id] = channel
        return Chat(PLATFORM, channel, ChatKind.DIRECT, user.name)

    async def _update(self, update: Update) -> Result:
        # blocks=[] drops the buttons of a decided card; Slack keeps the old blocks otherwise.
        args: dict[str, Any] = {
            "channel": update.chat.id,
            "ts": update.message_id,
            "text": update.text,
            "blocks": blocks(update.text, update.buttons) if update.buttons else [],
        }
        with translated():
            response = await self._client.chat_update(**args)
        return Result(str(response.get("ts") or update.message_id), update.chat)

    async def _delete(self, delete: Delete) -> Result:
        # The bot token deletes the bot's own messages; a member's post needs a workspace
        # admin's user token. Try the bot first: it is right for our own cards and notices.
        try:
            with translated():
                await self._client.chat_delete(channel=delete.chat.id, ts=delete.message_id)
        except ActionNotPermitted:
            if self._admin is None:
                raise
            with translated():
                await self._admin.chat_delete(channel=delete.chat.id, ts=delete.message_id)
        return Result(delete.message_id, delete.chat)
