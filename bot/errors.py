"""One exception root, split by what the caller can do about it."""

from __future__ import annotations


class PracticeBotError(Exception):
    pass


class ConfigError(PracticeBotError):
    """A setting is wrong or missing. The message names the setting and what is expected."""


class StorageUnavailable(PracticeBotError):
    """The database cannot be reached."""


class SendAgain(PracticeBotError):
    """An event was not taken: the database could not record it, or another instance is still
    handling it. Nothing was acknowledged, so the platform should send it again: a webhook answers
    503, a poller does not confirm it."""


class PlatformError(PracticeBotError):
    """A platform refused or failed an action."""


class RetryAfter(PlatformError):
    """The platform asked us to wait (Slack `ratelimited`, Telegram 429). Try again later."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(f"retry after {seconds:g}s {detail}".strip())
        self.seconds = seconds


class ActionNotPermitted(PlatformError):
    """The bot lacks the right for this action here (delete a member's post, message too old)."""


class RecipientUnreachable(PlatformError):
    """The user or chat cannot receive messages from the bot (blocked, never started a DM, removed)."""


class ChatMoved(PlatformError):
    """The chat has a new id (Telegram group upgraded to a supergroup)."""

    def __init__(self, old_id: str, new_id: str) -> None:
        super().__init__(f"chat {old_id} moved to {new_id}")
        self.old_id = old_id
        self.new_id = new_id
