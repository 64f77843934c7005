"""Telegram's errors in the core's words, split by what the caller can do about them.

A PlatformError means Telegram refused: nothing was sent. Network failures and timeouts are left
as they are, because then the message may or may not have gone out (the learning engine keeps
such sends "in doubt" rather than repeating them blindly).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from telegram import error as tg

from bot.errors import (
    ActionNotPermitted,
    ChatMoved,
    PlatformError,
    RecipientUnreachable,
    RetryAfter,
)

# Bot API descriptions (lower case) that say the recipient cannot get our messages.
_UNREACHABLE = (
    "chat not found",
    "user not found",
    "bot can't initiate conversation",
    "bot was blocked",
    "user is deactivated",
    "peer_id_invalid",
)
# ... and those that say the bot may not do this here.
_NOT_PERMITTED = (
    "message can't be deleted",
    "not enough rights",
    "have no rights",
    "message can't be edited",
    "need administrator rights",
)


def seconds(exc: tg.RetryAfter) -> float:
    """Telegram's wait in seconds, whichever type this PTB version gives it (int or timedelta)."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@contextmanager
def translated(chat_id: str | None = None) -> Iterator[None]:
    """Run a Bot API call; raise the core's error for whatever Telegram answered."""
    try:
        yield
    except tg.RetryAfter as exc:
        raise RetryAfter(seconds(exc), "(telegram 429)") from exc
    except tg.ChatMigrated as exc:
        raise ChatMoved(chat_id or "", str(exc.new_chat_id)) from exc
    except tg.Forbidden as exc:
        raise RecipientUnreachable(str(exc)) from exc
    except tg.BadRequest as exc:
        raise _bad_request(exc) from exc
    except tg.InvalidToken as exc:
        raise PlatformError(f"TELEGRAM_BOT_TOKEN was refused: {exc}") from exc
    except (tg.TimedOut, tg.NetworkError):
        raise  # outcome unknown: not a refusal
    except tg.TelegramError as exc:
        raise PlatformError(str(exc)) from exc


def _bad_request(exc: tg.BadRequest) -> PlatformError:
    text = exc.message.lower()
    if any(phrase in text for phrase in _UNREACHABLE):
        return RecipientUnreachable(exc.message)
    if any(phrase in text for phrase in _NOT_PERMITTED):
        return ActionNotPermitted(exc.message)
    return PlatformError(exc.message)
