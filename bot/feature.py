"""What a feature (handlers/<name>/feature.py) offers the app, and what the app offers it at setup."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.config import Settings
from bot.context import Context, Job
from bot.router import Router

log = logging.getLogger(__name__)

FEATURES = ("handlers.admin", "handlers.moderation", "handlers.questions", "handlers.learning")


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


def load_features(settings: Settings, names: tuple[str, ...] = FEATURES) -> list[Feature]:
    features: list[Feature] = []
    for name in names:
        module_name = f"{name}.feature"
        if importlib.util.find_spec(name) is None or importlib.util.find_spec(module_name) is None:
            log.warning("feature not installed", extra={"feature": name})
            continue
        module = importlib.import_module(module_name)
        features.append(module.create(settings))
    return features
