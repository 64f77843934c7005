"""The explicit, typed context every handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.actions import Action, Result
from bot.adapter import Capabilities
from bot.clock import Clock
from bot.config import Settings
from bot.crypto import Crypto
from bot.effects import handling
from bot.errors import ConfigError
from bot.events import Message
from bot.members import Members
from bot.metrics import Metrics
from bot.outbox import Outbox
from bot.rooms import Rooms
from bot.services import Services
from bot.store import Store


@dataclass(frozen=True, slots=True)
class Redaction:
    text: str  # the message's text with each finding replaced by its type ("[PERSON]")
    left_out: str  # what was found, in plain words ("a name, an NHS number")


class ModerationGate(Protocol):
    async def screen(self, event: Message, ctx: Context) -> bool:
        """A group post or edit: True lets it through; False means it was held (and the gate
        told whoever needs to know)."""
        ...

    async def redaction(self, event: Message, ctx: Context) -> Redaction | None:
        """A direct message: what others may see of it, if it identifies someone."""
        ...


class OpenGate:
    """Until a moderation feature plugs in, posts pass."""

    async def screen(self, event: Message, ctx: Context) -> bool:
        return True

    async def redaction(self, event: Message, ctx: Context) -> Redaction | None:
        return None


@dataclass
class Context:
    settings: Settings
    store: Store
    clock: Clock
    rooms: Rooms
    members: Members
    outbox: Outbox
    crypto_key: Crypto | None
    services: Services = field(default_factory=Services)
    moderation: ModerationGate = field(default_factory=OpenGate)
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def crypto(self) -> Crypto:
        if self.crypto_key is None:
            raise ConfigError(
                "PRACTICEBOT_SECRET_KEY: not set; it is needed to encrypt held posts at rest"
            )
        return self.crypto_key

    async def act(self, action: Action, *, wait: bool = True) -> Result:
        effects = handling()
        if effects is None:  # a scheduled job, a start-up step: not an event's handling
            return await self.outbox.act(action, wait=wait)
        return await effects.act(action, lambda: self.outbox.act(action, wait=wait))

    def capabilities(self, platform: str) -> Capabilities:
        return self.outbox.adapter(platform).capabilities

    @property
    def platforms(self) -> list[str]:
        return self.outbox.platforms


Job = Callable[[Context], Awaitable[None]]
