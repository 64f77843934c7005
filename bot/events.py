"""Events in: what happened on a platform, in the core's own words (no SDK types)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChatKind(StrEnum):
    GROUP = "group"
    DIRECT = "direct"


@dataclass(frozen=True, slots=True)
class Chat:
    platform: str
    id: str
    kind: ChatKind
    title: str | None = None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class User:
    platform: str
    id: str
    name: str
    is_bot: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class AttachedFile:
    """A file or photo that came with a message: its bytes as the adapter fetched them, or why
    it could not (`error`, in a moderator's words: "it is larger than 20 MB"). Never an SDK
    object; the name alone is also in `Message.file_names`."""

    name: str
    mime_type: str = "application/octet-stream"
    content: bytes | None = None
    error: str | None = None

    def __repr__(self) -> str:  # a file's bytes never reach a log line or a traceback
        size = "no bytes" if self.content is None else f"{len(self.content)} bytes"
        return f"AttachedFile({self.name!r}, {self.mime_type!r}, {size})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    event_id: str
    chat: Chat
    user: User
    time: datetime

    @property
    def platform(self) -> str:
        return self.chat.platform

    @property
    def dedup_key(self) -> str:
        return f"{self.chat.platform}:{self.event_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Event):
    """What a post and an edit of one both carry; screening reads either."""

    message_id: str
    text: str
    thread_id: str | None = None
    file_names: tuple[str, ...] = ()
    files: tuple[AttachedFile, ...] = ()  # the contents, where the adapter could fetch them
    mentions_bot: bool = False
    # Set by screening on a direct message that identifies someone: the text with what
    # identifies them replaced ("[PERSON]"), and what was left out in plain words. A DM is
    # answered as written; only what others would see (stored, forwarded) uses `shareable`.
    redacted: str | None = None
    left_out: str = ""

    @property
    def screened_text(self) -> str:
        """Everything in the post a reader can see: text, captions and file names."""
        if not self.file_names:
            return self.text
        # no empty first line for a file posted without a caption: the detector reads a line
        # break before a lone word as the start of a sentence about someone
        return "\n".join(part for part in (self.text, *self.file_names) if part)

    @property
    def shareable(self) -> str:
        """The text as others may see it: redacted where screening found someone."""
        return self.text if self.redacted is None else self.redacted


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Message):
    """A new message: screened, then routed to commands, answers and questions."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageEdited(Message):
    """An edit of a message already posted: screened again, never answered."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed(Event):
    message_id: str
    data: str
    thread_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    """Someone joined a group: no feature answers it, but the pipeline records the member, so
    `enrol --members PLATFORM` can enrol them before they ever post."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatMigrated(Event):
    """The platform gave the chat a new id (a Telegram group upgraded to a supergroup)."""

    new_chat_id: str
