"""Starting an adapter while its platform cannot be reached: one line, then retries until it can.

An adapter's first try happens in `start()`. When the platform cannot be reached (no network, a
DNS failure, a firewall), `start()` logs one line naming what it cannot reach and returns, and a
task keeps trying with exponential backoff, capped and jittered so that many bots restarting
together do not retry in step. Readiness is logged once, when the adapter connects. A refusal
(a wrong token) is not retried: nothing changes until a setting does, so it is raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Wait `first` seconds, then `factor` times longer each try, never more than `cap`; each
    wait is shortened by a random part of up to `jitter` of it."""

    first: float = 1.0
    cap: float = 60.0
    factor: float = 2.0
    jitter: float = 0.5
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> float:
        """The wait before try number `attempt + 2` (the first retry is attempt 0)."""
        base = min(self.cap, self.first * self.factor ** min(attempt, 64))
        return base * (1 - self.jitter * self.rng.random())


def unreachable_reason(exc: BaseException) -> str:
    """The short reason deep in a network error ("Connection refused", "Name or service not
    known"), without the SDK's wrapping."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TimeoutError):
            return "timed out"
        if isinstance(current, OSError) and current.strerror:
            return str(current.strerror)
        current = current.__cause__ or current.__context__
    return str(exc) or type(exc).__name__


Details = Mapping[str, object]


class Connector:
    """Runs `connect` until it succeeds. `unreachable(exc)` is True for a network failure;
    `connect` returns what the readiness line should say (bot name, mode)."""

    def __init__(
        self,
        platform: str,
        where: str,
        connect: Callable[[], Awaitable[Details]],
        unreachable: Callable[[BaseException], bool],
        backoff: Backoff,
    ) -> None:
        self._platform = platform
        self._where = where
        self._connect = connect
        self._unreachable = unreachable
        self._backoff = backoff
        self._task: asyncio.Task[None] | None = None
        self.connected = False

    async def start(self) -> None:
        """Try once: returns connected, or with retries under way; raises a refusal."""
        try:
            details = await self._connect()
        except Exception as exc:
            if not self._unreachable(exc):
                raise
            delay = self._cannot_reach(exc, attempt=0)
            self._task = asyncio.create_task(
                self._keep_trying(delay), name=f"{self._platform}-connecting"
            )
            return
        self._ready(details, tries=1)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _keep_trying(self, delay: float) -> None:
        attempt = 0
        while True:
            await asyncio.sleep(delay)
            attempt += 1
            try:
                details = await self._connect()
            except Exception as exc:
                if self._unreachable(exc):
                    delay = self._cannot_reach(exc, attempt)
                    continue
                log.error(
                    f"{self._platform}: {self._where} answered but refused to connect: {exc}; "
                    "not trying again until the bot is restarted",
                    extra={"platform": self._platform},
                )
                return
            self._ready(details, tries=attempt + 1)
            return

    def _cannot_reach(self, failure: BaseException, attempt: int) -> float:
        """One line: what cannot be reached, why, and when the next try is. Returns the wait."""
        delay = self._backoff.delay(attempt)
        log.warning(
            f"{self._platform}: cannot reach {self._where} "
            f"({unreachable_reason(failure)}); trying again in {delay:.1f}s",
            extra={"platform": self._platform, "retry_in": round(delay, 2)},
        )
        return delay

    def _ready(self, details: Details, tries: int) -> None:
        self.connected = True
        log.info(
            f"{self._platform}: connected to {self._where}, ready",
            extra={"platform": self._platform, "tries": tries, **details},
        )
