"""Telegram Updates in, core events out: pure translation, no network."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram import Chat as TgChat
from telegram import User as TgUser

from bot.events import (
    ButtonPressed,
    Chat,
    ChatKind,
    ChatMigrated,
    Event,
    MemberJoined,
    MessageEdited,
    MessagePosted,
    User,
)

PLATFORM = "telegram"

# The update kinds we ask Telegram for (getUpdates / setWebhook `allowed_updates`).
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")

_COMMAND_TO = re.compile(r"^(/[A-Za-z][\w-]*)@(\w+)")


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who we are on Telegram: needed to spot mentions and `/cmd@OurBot`."""

    id: int
    username: str


def chat_of(chat: TgChat) -> Chat | None:
    if chat.type == TgChat.PRIVATE:
        return Chat(PLATFORM, str(chat.id), ChatKind.DIRECT, chat.full_name or None)
    if chat.type in (TgChat.GROUP, TgChat.SUPERGROUP):
        return Chat(PLATFORM, str(chat.id), ChatKind.GROUP, chat.title)
    return None  # channels are not practice groups


def user_of(user: TgUser) -> User:
    # The core writes "@name" to address someone in a group; a username makes that a real mention.
    return User(PLATFORM, str(user.id), user.username or user.full_name, user.is_bot)


def author_of(message: Message) -> User | None:
    """Who wrote it. An anonymous admin or a linked channel posts as a chat, through a bot
    account (GroupAnonymousBot); it is still a person's post and must be screened, so the author
    is the chat, not a bot."""
    if message.sender_chat is not None:
        sender = message.sender_chat
        return User(PLATFORM, str(sender.id), sender.title or sender.full_name or "admin")
    return user_of(message.from_user) if message.from_user is not None else None


def thread_of(message: Message) -> str | None:
    # Outside forum topics, replies in supergroups also carry message_thread_id; only topics count.
    if message.is_topic_message and message.message_thread_id is not None:
        return str(message.message_thread_id)
    return None


def events_from(update: Update, me: BotIdentity) -> list[Event]:
    """The core events one Update stands for (usually one; none for what we do not handle)."""
    event_id = str(update.update_id)
    if update.callback_query is not None:
        pressed = _pressed(event_id, update.callback_query)
        return [pressed] if pressed is not None else []
    if update.edited_message is not None:
        edited = _posted(event_id, update.edited_message, me, edited=True)
        return [edited] if edited is not None else []
    message = update.message
    if message is None:
        return []
    chat = chat_of(message.chat)
    if chat is None or message.from_user is None:
        return []
    time = _aware(message.date)
    if message.migrate_to_chat_id is not None:
        return [
            ChatMigrated(
                event_id=event_id,
                chat=chat,
                user=user_of(message.from_user),
                time=time,
                new_chat_id=str(message.migrate_to_chat_id),
            )
        ]
    if message.new_chat_members:
        return [
            MemberJoined(
                event_id=f"{event_id}:{member.id}", chat=chat, user=user_of(member), time=time
            )
            for member in message.new_chat_members
            if member.id != me.id
        ]
    posted = _posted(event_id, message, me, edited=False)
    return [posted] if posted is not None else []


def _posted(
    event_id: str, message: Message, me: BotIdentity, *, edited: bool
) -> MessagePosted | MessageEdited | None:
    chat = chat_of(message.chat)
    author = author_of(message)
    if chat is None or author is None:
        return None
    text = message.text if message.text is not None else (message.caption or "")
    file_names: tuple[str, ...] = ()
    if message.document is not None and message.document.file_name:
        file_names = (message.document.file_name,)
    if not text and not file_names and not (message.photo or message.document):
        return None  # service messages (pins, title changes...) say nothing to the core
    mentioned = _mentions(message, me)
    if mentioned:
        text = _without_mention(text, me)
    cls = MessageEdited if edited else MessagePosted
    when = message.edit_date if edited and message.edit_date is not None else message.date
    return cls(
        event_id=event_id,
        chat=chat,
        user=author,
        time=_aware(when),
        message_id=str(message.message_id),
        text=_own_command(text, me),
        thread_id=thread_of(message),
        file_names=file_names,
        mentions_bot=mentioned,
    )


def _pressed(event_id: str, query: CallbackQuery) -> ButtonPressed | None:
    message = query.message
    if message is None or query.data is None:
        return None
    chat = chat_of(message.chat)
    if chat is None:
        return None
    thread = thread_of(message) if isinstance(message, Message) else None
    return ButtonPressed(
        event_id=event_id,
        chat=chat,
        user=user_of(query.from_user),
        # a callback query carries no date of its own: it happens when it arrives
        time=datetime.now(UTC),
        message_id=str(message.message_id),
        data=query.data,
        thread_id=thread,
    )


def _mentions(message: Message, me: BotIdentity) -> bool:
    if message.chat.type == TgChat.PRIVATE:
        return False
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == me.id:
        return True  # replying to the bot is talking to it
    for entity, fragment in message.parse_entities().items():
        if entity.type == MessageEntity.MENTION and fragment[1:].lower() == me.username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == me.id:
            return True
    for entity, fragment in message.parse_caption_entities().items():
        if entity.type == MessageEntity.MENTION and fragment[1:].lower() == me.username.lower():
            return True
    return False


def _without_mention(text: str, me: BotIdentity) -> str:
    stripped = re.sub(rf"@{re.escape(me.username)}\b\s?", "", text, flags=re.IGNORECASE).strip()
    return stripped or text


def _own_command(text: str, me: BotIdentity) -> str:
    """ "/learn@OurBot args" becomes "/learn args"; a command for another bot is left as it is."""
    match = _COMMAND_TO.match(text)
    if match is None or match.group(2).lower() != me.username.lower():
        return text
    return match.group(1) + text[match.end() :]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
