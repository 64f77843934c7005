"""What a feature (handlers/<name>/feature.py) offers the app, and what the app offers it at setup."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot import plugins
from bot.config import Settings
from bot.context import Context, Job
from bot.router import Router

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    name: str
    seconds: float
    job: Job


@dataclass
class Jobs:
    items: list[ScheduledJob] = field(default_factory=list)

    def every(self, seconds: float, name: str, job: Job) -> None:
        if any(item.name == name for item in self.items):
            raise ValueError(f"job {name!r} is registered twice")
        self.items.append(ScheduledJob(name, seconds, job))


StatsProvider = Callable[[Context], Awaitable[str]]


@dataclass
class AppBuilder:
    settings: Settings
    router: Router = field(default_factory=Router)
    jobs: Jobs = field(default_factory=Jobs)
    stats: list[StatsProvider] = field(default_factory=list)
    """Sections of the moderators' /stats, one per feature, in registration order."""


class Feature(Protocol):
    name: str

    def setup(self, app: AppBuilder) -> None: ...

    async def start(self, ctx: Context) -> None: ...

    async def stop(self, ctx: Context) -> None: ...


def load_features(settings: Settings, names: Sequence[str] | None = None) -> list[Feature]:
    """The installed features (entry points in `practicebot.features`), or those `names` asks
    for, each named by its entry point ("moderation") or its package ("handlers.moderation")."""
    available = {ep.name: ep for ep in plugins.found(plugins.FEATURES)}
    by_package = {ep.module.removesuffix(".feature"): ep for ep in available.values()}
    chosen = list(available.values())
    if names is not None:
        chosen = []
        for name in names:
            ep = available.get(name) or by_package.get(name)
            if ep is None:
                log.warning("feature not installed", extra={"feature": name})
                continue
            chosen.append(ep)
    return [ep.load()(settings) for ep in chosen]
