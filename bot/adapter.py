"""The adapter protocol: what every platform (Slack, Telegram, console) offers the core."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.actions import Action, Result
from bot.events import Event

if TYPE_CHECKING:
    from bot.context import Context


class EventSink(Protocol):
    """Where an adapter puts each event (the app's `handle`). Returns once the event is handled;
    with `answer_within` seconds, by then if it is recorded (the work goes on after). Raises
    `bot.errors.SendAgain` when the platform must send it again: answer 5xx, do not confirm."""

    def __call__(
        self, event: Event, /, *, answer_within: float | None = None
    ) -> Awaitable[None]: ...


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


@dataclass(frozen=True, slots=True)
class Probe:
    """What the operators' endpoints ask the app."""

    # None when the app has started and its database answers; else why not, in one line
    not_ready: Callable[[], Awaitable[str | None]]
    # the app's metrics as Prometheus text, and its content type
    metrics: Callable[[], tuple[bytes, str]]


@runtime_checkable
class ServesHttp(Protocol):
    """An adapter with an HTTP port (run's --port): the app hands it the probe before it starts,
    so the port also answers GET /healthz, /readyz and /metrics."""

    def serve_operators(self, probe: Probe) -> None: ...


@runtime_checkable
class ServesConsole(Protocol):
    """An adapter whose HTTP port also serves the web console (/console, /me): the app hands it
    its context once the features have started (they put the console's desks in ctx.services)."""

    def serve_console(self, ctx: Context) -> None: ...
