"""Pacing bulk sends to what the platform accepts, learnt from its "retry after" answers.

Waiting out a retry-after and then letting every worker fire at once wastes the platform's
capacity (a stampede of refusals, then idle slots). Once the platform has pushed back, sends are
spaced evenly at the rate it was accepting; each further push-back slows the pace a little, and a
quiet spell speeds it up again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

SLOWER = 1.01
FASTER = 0.995
QUIET = 0.3  # seconds without a push-back before speeding up


class Pacer:
    def __init__(self) -> None:
        self.interval = 0.0  # seconds between sends; 0 until the platform first pushes back
        self._next = 0.0
        self._accepted: deque[float] = deque()
        self._last_push = 0.0
        self._last_change = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        if self.interval:
            self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def accepted(self) -> None:
        now = time.monotonic()
        self._accepted.append(now)
        while self._accepted and self._accepted[0] < now - 1.0:
            self._accepted.popleft()
        if self.interval and now - self._last_push > QUIET and now - self._last_change > QUIET:
            self.interval *= FASTER
            self._last_change = now

    def pushed_back(self, seconds: float) -> None:
        now = time.monotonic()
        if not self.interval:
            self.interval = 1.0 / max(1, len(self._accepted))
        elif now - self._last_change > 0.05:
            self.interval *= SLOWER
            self._last_change = now
        self._last_push = now
        self._next = max(self._next, now + seconds)
