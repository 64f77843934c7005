"""Per-channel pacing: Slack allows about one message a second per channel, short bursts over."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class ChannelPacer:
    """A token bucket per channel: `burst` messages at once, then `rate` a second.

    Waiting here, before the call, keeps a bulk delivery (a learning round to many DMs, cards to
    one room) under Slack's limit instead of running into `ratelimited` and backing off."""

    def __init__(
        self, rate: float = 1.0, burst: int = 4, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = burst
        self._now = now
        self._buckets: dict[str, _Bucket] = {}

    async def acquire(self, channel: str) -> None:
        bucket = self._buckets.setdefault(channel, _Bucket(float(self._burst), self._now()))
        async with bucket.lock:  # one waiter per channel at a time keeps the order of sends
            while True:
                now = self._now()
                bucket.tokens = min(
                    float(self._burst), bucket.tokens + (now - bucket.updated) * self._rate
                )
                bucket.updated = now
                if bucket.tokens >= 1:
                    bucket.tokens -= 1
                    return
                await asyncio.sleep((1 - bucket.tokens) / self._rate)
