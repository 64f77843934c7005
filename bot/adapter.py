"""The adapter protocol: what every platform (Slack, Telegram, console) offers the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A command as a platform's "/" menu shows it."""

    name: str
    description: str
    where: str = "any"  # as the router says: any, direct, group, moderators, experts


class Adapter(Protocol):
    platform: str
    capabilities: Capabilities

    async def start(self, sink: EventSink) -> None:
        """Begin receiving; every event goes to `sink`. Returns once receiving has started."""

    async def stop(self) -> None: ...

    async def perform(self, action: Action) -> Result:
        """Carry out one action. Raises RetryAfter, ActionNotPermitted, RecipientUnreachable."""
        ...


@runtime_checkable
class HasCommandMenu(Protocol):
    """An adapter whose platform shows a command menu (Telegram's "/"): the app hands it the
    commands the features registered before it starts."""

    async def set_commands(self, menu: Sequence[MenuEntry]) -> None: ...
