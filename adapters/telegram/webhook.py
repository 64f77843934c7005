"""Webhook mode: an aiohttp server on --port at /telegram/webhook.

The secret-token check is middleware in front of every handler: a request without Telegram's
X-Telegram-Bot-Api-Secret-Token header, or with the wrong one, gets 401 and reaches nothing.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from telegram import Bot, Update

from adapters.telegram.dispatch import Dispatcher
from adapters.telegram.inbound import ALLOWED_UPDATES

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secret_check(secret: str) -> Middleware:
    expected = secret.encode()

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request refused: bad secret token", extra={"peer": request.remote})
            return web.Response(status=401, text="unauthorised")
        return await handler(request)

    return check


def webhook_app(bot: Bot, dispatcher: Dispatcher, secret: str) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        try:
            data = await request.json()
            update = Update.de_json(data, bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        # Answer only once the core has handled it: if we die first, Telegram sends it again
        # and de-duplication keeps that harmless.
        await dispatcher.handle(update)
        return web.Response(status=200)

    app = web.Application(middlewares=[secret_check(secret)])
    app.router.add_post(PATH, receive)
    return app


class WebhookServer:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        *,
        url: str,
        secret: str,
        port: int,
        host: str = "0.0.0.0",
    ) -> None:
        self._bot = bot
        self._url = url
        self._secret = secret
        self._runner = web.AppRunner(webhook_app(bot, dispatcher, secret), access_log=None)
        self._port = port
        self._host = host
        self.bound_port: int | None = None

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server  # aiohttp offers no public way to read back port 0
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self._port
        # Serve first, then tell Telegram where we are: no update arrives before we can take it.
        await self._bot.set_webhook(
            url=self._url,
            secret_token=self._secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )

    async def stop(self) -> None:
        # The webhook stays registered: other instances behind the same URL keep serving it,
        # and Telegram queues updates while none answers.
        await self._runner.cleanup()
