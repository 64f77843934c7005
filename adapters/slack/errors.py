"""Slack's Web API errors in the core's words, split by what the caller can do about them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError

from bot.errors import ActionNotPermitted, PlatformError, RecipientUnreachable, RetryAfter

_UNREACHABLE = {
    "channel_not_found",
    "user_not_found",
    "users_not_found",
    "not_in_channel",
    "is_archived",
    "cannot_dm_bot",
    "user_disabled",
    "user_not_in_channel",
    "messages_tab_disabled",
}
_NOT_PERMITTED = {
    "cant_delete_message",
    "cant_update_message",
    "edit_window_closed",
    "restricted_action",
    "missing_scope",
    "not_allowed_token_type",
    "message_not_found",
}


def error_code(exc: SlackApiError) -> str:
    return str((exc.response.data or {}).get("error", "")) if exc.response else ""


def _retry_after(exc: SlackApiError) -> float | None:
    response = exc.response
    if response is None or (response.status_code != 429 and error_code(exc) != "ratelimited"):
        return None
    header = {k.lower(): v for k, v in (response.headers or {}).items()}.get("retry-after")
    try:
        return float(header) if header is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


@contextmanager
def translated() -> Iterator[None]:
    """Run a Web API call; raise the core's error for whatever Slack answered.

    Network failures are left alone: the message may or may not have gone out."""
    try:
        yield
    except SlackApiError as exc:
        wait = _retry_after(exc)
        if wait is not None:
            raise RetryAfter(wait, "(slack ratelimited)") from exc
        code = error_code(exc)
        if code in _UNREACHABLE:
            raise RecipientUnreachable(code) from exc
        if code in _NOT_PERMITTED:
            raise ActionNotPermitted(code) from exc
        raise PlatformError(f"slack: {code or exc}") from exc
