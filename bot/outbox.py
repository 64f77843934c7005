"""Every action leaves through here: the adapter for its platform, with retry-after honoured."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

from bot.actions import Action, Delete, PrivateNotice, Result, Send, Update
from bot.adapter import Adapter
from bot.errors import ChatMoved, PlatformError, RecipientUnreachable, RetryAfter
from bot.events import Chat, ChatKind
from bot.members import Members
from bot.metrics import Metrics
from bot.rooms import Rooms

log = logging.getLogger(__name__)

MAX_RETRY_WAIT = 900.0  # seconds in total before a rate-limited action is given up as failed


def platform_of(action: Action) -> str:
    if isinstance(action, PrivateNotice):
        return action.user.platform
    if isinstance(action, Send | Update | Delete):
        return action.chat.platform
    raise TypeError(f"unknown action {type(action).__name__}")


class Outbox:
    def __init__(
        self,
        adapters: dict[str, Adapter],
        rooms: Rooms,
        members: Members,
        metrics: Metrics | None = None,
    ) -> None:
        self._adapters = adapters
        self._rooms = rooms
        self._members = members
        self._metrics = metrics or Metrics()

    @property
    def platforms(self) -> list[str]:
        return list(self._adapters)

    def adapter(self, platform: str) -> Adapter:
        try:
            return self._adapters[platform]
        except KeyError:
            raise PlatformError(f"no adapter is running for platform {platform!r}") from None

    async def act(self, action: Action, *, wait: bool = True) -> Result:
        adapter = self.adapter(platform_of(action))
        waited = 0.0
        while True:
            try:
                return await self._perform(adapter, action)
            except RetryAfter as exc:
                if not wait or waited + exc.seconds > MAX_RETRY_WAIT:
                    raise
                log.warning(
                    "rate limited", extra={"platform": adapter.platform, "seconds": exc.seconds}
                )
                await asyncio.sleep(exc.seconds)
                waited += exc.seconds
            except ChatMoved as exc:
                await self._rooms.move(adapter.platform, exc.old_id, exc.new_id)
                action = _retarget(action, exc.new_id)
            except RecipientUnreachable:
                if isinstance(action, PrivateNotice):
                    return await self._notice_later(action)
                if isinstance(action, Send) and action.chat.kind is ChatKind.GROUP:
                    # removed from the group (or it is gone): stop sending there until /setup again
                    await self._rooms.deactivate(action.chat)
                raise

    async def _perform(self, adapter: Adapter, action: Action) -> Result:
        kind = type(action).__name__
        started = time.perf_counter()
        outcome = "refused"
        try:
            result = await adapter.perform(action)
            outcome = "ok"
            return result
        except RetryAfter:
            outcome = "rate_limited"
            self._metrics.rate_limited.labels(adapter.platform).inc()
            raise
        finally:
            self._metrics.actions.labels(adapter.platform, kind, outcome).inc()
            self._metrics.action_seconds.labels(adapter.platform).observe(
                time.perf_counter() - started
            )

    async def _notice_later(self, notice: PrivateNotice) -> Result:
        """Keep the notice for when the member opens a DM; nudge them, revealing nothing, in the group."""
        await self._members.keep_for_later(notice)
        await self._members.set_reachable(notice.user, False)
        if notice.context is not None and notice.context.kind.value == "group":
            nudge = Send(
                chat=notice.context,
                text=(
                    f"@{notice.user.name}, I have a private message for you. "
                    "Please open a direct chat with me and say hello to read it."
                ),
            )
            await self.act(nudge)
        return Result(None)


def _retarget(action: Action, new_id: str) -> Action:
    if isinstance(action, Send | Update | Delete):
        moved = Chat(action.chat.platform, new_id, action.chat.kind, action.chat.title)
        return replace(action, chat=moved)
    return action
