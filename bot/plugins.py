"""What the core finds at start-up instead of naming: entry points, in five groups.

An adapter, a feature, a command, the scheduler or the console each register themselves in
their package's `pyproject.toml`; an organisation adds its own by installing a package that
declares one, without editing ours.

| group | an entry point refers to |
|---|---|
| `practicebot.features` | `create(settings) -> Feature` |
| `practicebot.adapters` | an `AdapterPlugin` |
| `practicebot.commands` | a `CliCommand`; its name is the words, dotted (`eval.moderation`) |
| `practicebot.scheduler` | a `JobRunner` class (`JobRunner(ctx, jobs)`, `start`, `stop`) |
| `practicebot.console` | `run_console(settings, script, crypto_secret) -> int` |
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.adapter import Adapter
    from bot.config import Settings
    from bot.context import Context
    from bot.feature import ScheduledJob
    from bot.store import Store

log = logging.getLogger(__name__)

FEATURES = "practicebot.features"
ADAPTERS = "practicebot.adapters"
COMMANDS = "practicebot.commands"
SCHEDULER = "practicebot.scheduler"
CONSOLE = "practicebot.console"


class PluginMissing(LookupError):
    """No installed package offers what was asked for."""


def found(group: str) -> list[EntryPoint]:
    """The group's entry points, by name: the same order on every machine."""
    return sorted(entry_points(group=group), key=lambda ep: ep.name)


def load(group: str, name: str | None = None) -> Any:
    """One entry point's object: the one named, or the group's first."""
    for ep in found(group):
        if name is None or ep.name == name:
            return ep.load()
    wanted = f"{name!r} in " if name else ""
    raise PluginMissing(f"no {wanted}{group} installed (pip install -e . registers ours)")


@dataclass(frozen=True, slots=True)
class AdapterPlugin:
    """A platform as `run` meets it: whether its settings ask for it, and how to make it."""

    name: str
    # True when its token is set; raises ConfigError when its settings are half there
    configured: Callable[[Settings], bool]
    # raises ConfigError with one line; builds nothing, reaches nothing
    check: Callable[[Settings], None]
    # (settings, store, *, port) -> Adapter; every adapter gets run's one HTTP port
    create: Callable[..., Adapter]


@dataclass(frozen=True, slots=True)
class CliCommand:
    """A subcommand a package adds to `python -m bot`."""

    configure: Callable[[argparse.ArgumentParser], None]  # its docstring is the help line
    run: Callable[[argparse.Namespace], Any]  # an int, or an awaitable of one
    group_help: str | None = None  # for the first word, when it is a group ("eval")


class JobRunner(Protocol):
    """The port the scheduler implements: run the features' periodic jobs."""

    def __init__(self, ctx: Context, jobs: Sequence[ScheduledJob]) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def asked_for_by(settings: Settings, token: str, others: Sequence[str]) -> bool:
    """A platform is asked for by its token; its other settings without it are a mistake to
    name, not a reason to start the console group without a word."""
    given = settings.secrets.model_dump(exclude_none=True)
    if token in given:
        return True
    found = [name for name in others if name in given]
    if found:
        from bot.errors import ConfigError

        named = " and ".join(found)
        raise ConfigError(
            f"{token}: not set, but {named} {'is' if len(found) == 1 else 'are'} set; set "
            f"{token} too, or unset {named} to start the console group"
        )
    return False


def adapters() -> list[AdapterPlugin]:
    plugins = []
    for ep in found(ADAPTERS):
        plugin = ep.load()
        if not isinstance(plugin, AdapterPlugin):
            raise TypeError(f"entry point {ep.name} in {ADAPTERS} is not an AdapterPlugin")
        plugins.append(plugin)
    return plugins


def create_adapters(settings: Settings, store: Store, port: int) -> list[Adapter]:
    """Every configured platform's adapter, all on the one HTTP port of `run`."""
    chosen = [p for p in adapters() if p.configured(settings)]
    return [p.create(settings, store, port=port) for p in chosen]
