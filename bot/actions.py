"""Actions out: what the core asks a platform to do. Adapters turn them into API calls."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.events import Chat, User

BUTTON_DATA_LIMIT = 64  # bytes: Telegram's callback_data limit, the tightest of our platforms


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str

    def __post_init__(self) -> None:
        if not self.data or len(self.data.encode()) > BUTTON_DATA_LIMIT:
            raise ValueError(
                f"button data must be 1..{BUTTON_DATA_LIMIT} bytes, got {self.data!r}: "
                "keep the payload in the database and put its key here"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class Send(Action):
    """A new message in a chat; with thread_id, a reply in that thread where the platform has threads."""

    chat: Chat
    text: str
    buttons: tuple[Button, ...] = ()
    thread_id: str | None = None
    reply_to: str | None = None
    attachment: Attachment | None = None


class PrivateVia(StrEnum):
    DM = "dm"
    EPHEMERAL = "ephemeral"


@dataclass(frozen=True, slots=True, kw_only=True)
class PrivateNotice(Action):
    """Something only `user` may see. `context` is the chat it is about (for ephemeral messages)."""

    user: User
    text: str
    context: Chat | None = None
    prefer: PrivateVia = PrivateVia.DM
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Update(Action):
    chat: Chat
    message_id: str
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete(Action):
    chat: Chat
    message_id: str


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class Result:
    """What the platform gave back: the id of the message sent or changed, if any."""

    message_id: str | None = None
    chat: Chat | None = None
