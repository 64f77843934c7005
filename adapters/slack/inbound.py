"""Slack payloads in, core events out: pure functions, no I/O (names come from a lookup)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.events import ButtonPressed, Chat, ChatKind, MessageEdited, MessagePosted, User

PLATFORM = "slack"
SLASH_COMMAND = "/practicebot"

# Message subtypes that are a member's post; every other subtype (joins, deletions, bot
# messages, topic changes) is housekeeping the core has no use for.
_POST_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}

Payload = Mapping[str, Any]


def _time(ts: str | None) -> datetime:
    return datetime.fromtimestamp(float(ts or 0), UTC)


def chat_of(channel_id: str, channel_type: str | None = None) -> Chat:
    # Slack's ids say the kind: D... is a direct message with the bot; C/G are channels.
    direct = channel_type == "im" or (channel_type is None and channel_id.startswith("D"))
    return Chat(PLATFORM, channel_id, ChatKind.DIRECT if direct else ChatKind.GROUP)


def _file_names(message: Payload) -> tuple[str, ...]:
    return tuple(str(f.get("name") or f.get("title") or "") for f in message.get("files") or ())


def _mentions(text: str, bot_user_id: str) -> bool:
    return bool(bot_user_id) and f"<@{bot_user_id}" in text


def _without_mention(text: str, bot_user_id: str) -> str:
    # "<@U123> how do I..." reads to the core as "how do I..."
    return re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>\s*", "", text).strip()


def post_key(channel_id: str, ts: str) -> str:
    """One post, one key: Slack sends a mention as both `message` and `app_mention`, each with its
    own event_id, and retries either with the same one; channel + ts is the same in all of them."""
    return f"post:{channel_id}:{ts}"


def message_event(
    event: Payload, bot_user_id: str, user_name: str
) -> MessagePosted | MessageEdited | None:
    """A `message` (any subtype) or `app_mention` event; None for what the core ignores."""
    subtype = event.get("subtype")
    channel = str(event.get("channel") or "")
    chat = chat_of(channel, event.get("channel_type"))
    if subtype == "message_changed":
        message = event.get("message") or {}
        previous = event.get("previous_message") or {}
        if (message.get("text"), _file_names(message)) == (
            previous.get("text"),
            _file_names(previous),
        ):
            return None  # a link unfurl or reaction summary: nothing the member wrote changed
        edited = (message.get("edited") or {}).get("ts") or event.get("event_ts") or ""
        return _posted(
            MessageEdited, message, chat, bot_user_id, user_name, f"edit:{channel}:{edited}"
        )
    if subtype not in _POST_SUBTYPES or event.get("bot_id"):
        return None
    key = post_key(channel, str(event.get("ts")))
    return _posted(MessagePosted, event, chat, bot_user_id, user_name, key)


def _posted(
    kind: type[MessagePosted] | type[MessageEdited],
    message: Payload,
    chat: Chat,
    bot_user_id: str,
    user_name: str,
    event_id: str,
) -> MessagePosted | MessageEdited | None:
    user_id = message.get("user")
    if not user_id or user_id == bot_user_id:
        return None
    text = str(message.get("text") or "")
    ts = str(message.get("ts"))
    thread = message.get("thread_ts")
    return kind(
        event_id=event_id,
        chat=chat,
        user=User(PLATFORM, str(user_id), user_name),
        time=_time(ts),
        message_id=ts,
        text=_without_mention(text, bot_user_id) if bot_user_id else text,
        thread_id=str(thread) if thread and thread != ts else None,
        file_names=_file_names(message),
        mentions_bot=_mentions(text, bot_user_id),
    )


def command_event(body: Payload) -> MessagePosted:
    """`/practicebot learn 3` reads to the core as the text "/learn 3"."""
    words = str(body.get("text") or "").strip()
    text = f"/{words}" if words else "/help"
    trigger = str(body.get("trigger_id"))
    return MessagePosted(
        event_id=f"command:{trigger}",
        chat=chat_of(str(body.get("channel_id")), _channel_type(body.get("channel_name"))),
        user=User(PLATFORM, str(body.get("user_id")), str(body.get("user_name") or "")),
        time=datetime.now(UTC),
        message_id=f"command:{trigger}",
        text=text,
    )


def _channel_type(name: object) -> str | None:
    return "im" if name == "directmessage" else None


def button_events(body: Payload) -> list[ButtonPressed]:
    """A `block_actions` payload: one event per button action in it (Slack sends one)."""
    container = body.get("container") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    message = body.get("message") or {}
    message_ts = str(container.get("message_ts") or message.get("ts") or "")
    thread = message.get("thread_ts")
    user = body.get("user") or {}
    pressed = []
    for action in body.get("actions") or ():
        if action.get("type") != "button" or not action.get("value"):
            continue
        action_ts = str(action.get("action_ts") or "")
        pressed.append(
            ButtonPressed(
                # Slack does not retry interactive payloads; channel + message + press time
                # still names this one press should the same payload arrive twice.
                event_id=f"press:{channel}:{message_ts}:{action_ts}",
                chat=chat_of(channel),
                user=User(
                    PLATFORM, str(user.get("id")), str(user.get("username") or user.get("name"))
                ),
                time=_time(action_ts),
                message_id=message_ts,
                data=str(action["value"]),
                thread_id=str(thread) if thread and thread != message_ts else None,
            )
        )
    return pressed
