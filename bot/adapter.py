"""The adapter protocol: what every platform (Slack, Telegram, console) offers the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.actions import Action, Result
from bot.events import Event

EventSink = Callable[[Event], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Capabilities:
    delete_others: bool
    ephemeral: bool
    threads: bool
    buttons: bool
    edit: bool


class Adapter(Protocol):
    platform: str
    capabilities: Capabilities

    async def start(self, sink: EventSink) -> None:
        """Begin receiving; every event goes to `sink`. Returns once receiving has started."""

    async def stop(self) -> None: ...

    async def perform(self, action: Action) -> Result:
        """Carry out one action. Raises RetryAfter, ActionNotPermitted, RecipientUnreachable."""
        ...
