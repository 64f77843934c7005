"""A fake chat platform for the delivery benchmark, and the adapter that talks to it.

The server accepts at most `rate` messages in any one-second window and answers 429 with the
exact wait (`retry_after`, fractional seconds) above that. It records every message it accepts,
so duplicates and losses are counted on the platform's side, not the bot's. Like Slack's message
metadata, it can also say whether a message bearing a marker was sent (POST /find): the lookup
the delivery engine uses for sends left in doubt by a crash.
"""

from __future__ import annotations

import collections
import itertools
import time
from typing import Any

import aiohttp
from aiohttp import web

from bot.actions import Action, PrivateNotice, Result
from bot.adapter import Capabilities, EventSink
from bot.errors import PlatformError, RetryAfter

PLATFORM = "bench"


class FakePlatform:
    def __init__(self, rate: int, lookup: bool = True) -> None:
        self.rate = rate
        self.lookup = lookup
        self.accepted: collections.Counter[str] = collections.Counter()  # marker -> count
        self.by_marker: dict[str, str] = {}
        self.refused = 0
        self.first_at: float | None = None
        self.last_new_at: float | None = None
        self._window: collections.deque[float] = collections.deque()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/send", self._send)
        app.router.add_post("/find", self._find)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def unique(self) -> int:
        return len(self.accepted)

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.accepted.values())

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.rate:
            self.refused += 1
            wait = self._window[0] + 1.0 - now
            return web.json_response(
                {"ok": False, "retry_after": round(wait, 4)},
                status=429,
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        self._window.append(now)
        marker = body.get("marker") or f"unmarked-{next(self._ids)}"
        message_id = str(next(self._ids))
        if marker not in self.accepted:
            self.last_new_at = now
            self.by_marker[marker] = message_id
        self.first_at = self.first_at or now
        self.accepted[marker] += 1
        return web.json_response({"ok": True, "message_id": message_id})

    async def _find(self, request: web.Request) -> web.Response:
        if not self.lookup:
            return web.json_response({"ok": False}, status=404)
        body = await request.json()
        found = self.by_marker.get(body["marker"])
        return web.json_response({"ok": True, "message_id": found})


class BenchAdapter:
    """Sends PrivateNotices to the fake platform; marks each with its first button's data."""

    platform = PLATFORM
    capabilities = Capabilities(
        delete_others=False, ephemeral=False, threads=False, buttons=True, edit=False
    )

    def __init__(self, url: str, lookup: bool = True) -> None:
        self._url = url
        self._lookup = lookup
        self._http: aiohttp.ClientSession | None = None

    async def start(self, sink: EventSink) -> None:
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=128))

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()

    def _payload(self, action: PrivateNotice) -> dict[str, Any]:
        return {
            "user": action.user.id,
            "text": action.text,
            "buttons": [[b.label, b.data] for b in action.buttons],
            "marker": action.buttons[0].data if action.buttons else None,
        }

    async def perform(self, action: Action) -> Result:
        if not isinstance(action, PrivateNotice):
            raise PlatformError(f"the bench platform takes private notices, not {action!r}")
        assert self._http is not None
        async with self._http.post(f"{self._url}/send", json=self._payload(action)) as response:
            body = await response.json()
        if response.status == 429:
            raise RetryAfter(float(body["retry_after"]))
        if not body.get("ok"):
            raise PlatformError(str(body))
        return Result(str(body["message_id"]))

    async def find_sent(self, action: Action, marker: str) -> Result | None:
        if not self._lookup:
            return None
        assert self._http is not None
        async with self._http.post(f"{self._url}/find", json={"marker": marker}) as response:
            if response.status != 200:
                return None
            body = await response.json()
        return Result(body["message_id"]) if body.get("message_id") else None
