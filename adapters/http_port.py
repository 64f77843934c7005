"""The one HTTP port of a bot process: Slack's events, Telegram's webhook, the operators' endpoints.

Adapters mount their routes when they are made and start the port when they start; it listens
while any of them needs it. Routes are looked up per request, so an adapter that connects later
(its platform could not be reached at start) mounts nothing on a frozen router, and a path whose
adapter is not ready answers 503 (a platform sends it again) rather than 404.

The operators' endpoints:
- `GET /healthz`: 200 while the process serves HTTP (a liveness probe; Docker's HEALTHCHECK);
- `GET /readyz`: 200 when the app has started and the database answers, else 503 and why
  (a load balancer's readiness probe);
- `GET /metrics`: the app's metrics as Prometheus text (bot/metrics.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import ClassVar

from aiohttp import web

from bot.adapter import Probe
from bot.errors import ConfigError

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpPort:
    _open: ClassVar[dict[tuple[str, int], HttpPort]] = {}

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.bound_port: int | None = None
        self._routes: dict[tuple[str, str], Handler] = {}
        self._runner: web.AppRunner | None = None
        self._users = 0

    @classmethod
    def at(cls, host: str, port: int) -> HttpPort:
        """The process's server on host:port, shared by everyone who asks for it; port 0 (a free
        port, in tests) gets one of its own each time."""
        if port == 0:
            return cls(host, port)
        key = (host, port)
        if key not in cls._open:
            cls._open[key] = cls(host, port)
        return cls._open[key]

    def mount(self, method: str, path: str, handler: Handler) -> None:
        self._routes[(method.upper(), path)] = handler

    def serve_operators(self, probe: Probe) -> None:
        self.mount("GET", "/healthz", _healthz)
        self.mount("GET", "/readyz", _readyz(probe))
        self.mount("GET", "/metrics", _metrics(probe))

    async def start(self) -> None:
        self._users += 1
        if self._runner is not None:
            return
        server = web.Application()
        server.router.add_route("*", "/{path:.*}", self._dispatch)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException as exc:
            self._users -= 1
            await runner.cleanup()
            if isinstance(exc, OSError):
                raise ConfigError(
                    f"--port {self.port}: cannot listen on {self.host}:{self.port} "
                    f"({exc.strerror or exc}); choose a free port with --port"
                ) from None
            raise
        self._runner = runner
        self.bound_port = int(runner.addresses[0][1])  # the real one when port=0
        log.debug("serving HTTP", extra={"host": self.host, "port": self.bound_port})

    async def stop(self) -> None:
        self._users = max(0, self._users - 1)
        if self._users or self._runner is None:
            return
        runner, self._runner = self._runner, None
        await runner.cleanup()
        if self._open.get((self.host, self.port)) is self:
            del self._open[(self.host, self.port)]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = self._routes.get((request.method, request.path))
        if handler is not None:
            return await handler(request)
        if any(path == request.path for _, path in self._routes):
            return web.Response(status=405, text="method not allowed")
        return web.Response(status=404, text="not found")


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


def _readyz(probe: Probe) -> Handler:
    async def readyz(request: web.Request) -> web.Response:
        reason = await probe.not_ready()
        if reason is None:
            return web.Response(text="ready\n")
        return web.Response(status=503, text=f"not ready: {reason}\n")

    return readyz


def _metrics(probe: Probe) -> Handler:
    async def metrics(request: web.Request) -> web.Response:
        body, content_type = probe.metrics()
        return web.Response(body=body, headers={"Content-Type": content_type})

    return metrics
