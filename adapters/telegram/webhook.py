"""Webhook mode: POST /telegram/webhook on the HTTP port of run (adapters/http_port.py).

The secret-token check is middleware in front of the handler: a request without Telegram's
X-Telegram-Bot-Api-Secret-Token header, or with the wrong one, gets 401 and reaches nothing.
An update is answered 200 only once the core has handled it, and 503 when the core could not
record it (the database is away): Telegram sends it again until it gets a 2xx.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Bot, Update

from adapters.telegram.dispatch import Dispatcher
from adapters.telegram.inbound import ALLOWED_UPDATES
from bot.errors import SendAgain

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def secret_check(secret: str, handler: Handler) -> Handler:
    expected = secret.encode()

    async def check(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request refused: bad secret token", extra={"peer": request.remote})
            return web.Response(status=401, text="unauthorised")
        return await handler(request)

    return check


class WebhookServer:
    """Receives updates for the route the adapter mounted; registers the URL with Telegram."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher, *, url: str, secret: str) -> None:
        self._bot = bot
        self._dispatcher = dispatcher
        self._url = url
        self._secret = secret

    async def receive(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
            update = Update.de_json(data, self._bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        # Answer only once the core has handled it: if we die first, Telegram sends it again
        # and de-duplication keeps that harmless.
        try:
            await self._dispatcher.handle(update)
        except SendAgain:
            return web.Response(status=503, text="not recorded; send it again")
        return web.Response(status=200)

    async def start(self) -> None:
        # The route is served already; now tell Telegram where we are.
        await self._bot.set_webhook(
            url=self._url,
            secret_token=self._secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )

    async def stop(self) -> None:
        # The webhook stays registered: other instances behind the same URL keep serving it,
        # and Telegram queues updates while none answers.
        return None
