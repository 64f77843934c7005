"""The Telegram adapter: python-telegram-bot's Application for the Bot API, rate limited."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import error as tg
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot

from adapters.connecting import Backoff, Connector, Details
from adapters.http_port import HttpPort
from adapters.telegram.commands import DEFAULT_MENU, publish
from adapters.telegram.dispatch import Dispatcher
from adapters.telegram.errors import translated
from adapters.telegram.inbound import PLATFORM, BotIdentity
from adapters.telegram.outbound import Outbound
from adapters.telegram.polling import Poller
from adapters.telegram.webhook import PATH, WebhookServer, secret_check
from adapters.web import mount_console
from bot.actions import Action, Result
from bot.adapter import Capabilities, EventSink, MenuEntry, Probe
from bot.context import Context
from bot.errors import ConfigError, PlatformError

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret: str
    port: int
    host: str = "0.0.0.0"


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's published limits: about 30 messages a second overall, 20 a minute per group."""

    overall: float = 30
    overall_period: float = 1.0
    per_group: float = 20
    group_period: float = 60.0


TelegramApplication = Application[ExtBot[int], Any, Any, Any, Any, Any]


class _RetryAfterIsOurs(logging.Filter):
    """AIORateLimiter logs every 429 it passes on (max_retries=0) as an error with a traceback.
    We hand each one to the core as RetryAfter, which waits and logs it once, as a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Rate limit hit after maximum of 0 retries" not in record.getMessage()


_RATE_LIMITER_LOG = logging.getLogger("telegram.ext.AIORateLimiter")
if not any(isinstance(f, _RetryAfterIsOurs) for f in _RATE_LIMITER_LOG.filters):
    _RATE_LIMITER_LOG.addFilter(_RetryAfterIsOurs())


def build_application(token: str, api_url: str, limits: RateLimits) -> TelegramApplication:
    root = api_url.rstrip("/").removesuffix("/bot")
    application: TelegramApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        # max_retries=0: a 429 comes back to us as RetryAfter for the core's outbox to honour,
        # so the wait is visible to the core (bulk senders pace themselves on it).
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=limits.overall,
                overall_time_period=limits.overall_period,
                group_max_rate=limits.per_group,
                group_time_period=limits.group_period,
                max_retries=0,
            )
        )
        .updater(None)  # we poll and serve the webhook ourselves, confirming after handling
        .build()
    )
    return application


class TelegramAdapter:
    platform = PLATFORM
    # delete_others: yes where the bot is an admin with can_delete_messages and the post is under
    # 48 hours old; otherwise perform(Delete) raises ActionNotPermitted and the core falls back.
    # threads: no. Telegram has no reply threads to open under any post (the core would send
    # message_thread_id=<post id>, which Telegram refuses); forum topics still arrive as
    # event.thread_id and replies go back into them, and reply_to quotes the post.
    capabilities = Capabilities(
        delete_others=True, ephemeral=False, threads=False, buttons=True, edit=True
    )

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        webhook: Webhook | None = None,
        limits: RateLimits | None = None,
        menu: Sequence[MenuEntry] = DEFAULT_MENU,
        poll_timeout: float = 30.0,
        backoff: Backoff | None = None,
        http_port: int | None = None,
        file_max_bytes: int = 20_000_000,
    ) -> None:
        """`webhook` serves Telegram's updates on its port; `http_port` (polling) serves only the
        operators' endpoints, on all interfaces."""
        self._application = build_application(token, api_url, limits or RateLimits())
        self._api_host = urlsplit(api_url).netloc or api_url
        self._backoff = backoff or Backoff()
        self._connector: Connector | None = None
        self._webhook = webhook
        self._menu = tuple(menu)
        self._started = False
        self._poll_timeout = poll_timeout
        self._file_max_bytes = file_max_bytes
        self._outbound = Outbound(self.bot)
        self._receiver: Poller | WebhookServer | None = None
        self._http: HttpPort | None = None
        if webhook is not None:
            self._http = HttpPort.at(webhook.host, webhook.port)
            self._http.mount("POST", PATH, secret_check(webhook.secret, self._on_webhook))
        elif http_port is not None:
            self._http = HttpPort.at("0.0.0.0", http_port)

    @property
    def bot(self) -> ExtBot[int]:
        return self._application.bot

    @property
    def webhook_port(self) -> int | None:
        return self._http.bound_port if self._http and self._webhook else None

    def serve_operators(self, probe: Probe) -> None:
        if self._http is not None:
            self._http.serve_operators(probe)

    def serve_console(self, ctx: Context) -> None:
        if self._http is not None:
            mount_console(self._http, ctx)

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        if not isinstance(self._receiver, WebhookServer):
            return web.Response(status=503, text="not connected to Telegram yet")
        return await self._receiver.receive(request)

    @property
    def connected(self) -> bool:
        return self._connector is not None and self._connector.connected

    async def start(self, sink: EventSink) -> None:
        """Connects, or (Telegram unreachable) says so in one line and keeps trying meanwhile."""
        if self._http is not None:
            await self._http.start()  # health answers while Telegram is still being reached
        self._connector = Connector(
            "telegram", self._api_host, lambda: self._connect(sink), _unreachable, self._backoff
        )
        try:
            await self._connector.start()
        except BaseException:
            if self._http is not None:
                await self._http.stop()
            raise

    async def _connect(self, sink: EventSink) -> Details:
        try:
            with translated():
                await self._application.initialize()  # getMe: a wrong token fails here, loudly
        except PlatformError as exc:
            if isinstance(exc.__cause__, tg.InvalidToken):
                raise ConfigError(
                    f"TELEGRAM_BOT_TOKEN: Telegram refused it ({exc.__cause__})"
                ) from None
            raise
        await publish(self.bot, self._menu)
        me = BotIdentity(self.bot.id, self.bot.username)
        dispatcher = Dispatcher(self.bot, me, self._outbound, sink, self._file_max_bytes)
        receiver: Poller | WebhookServer
        if self._webhook is None:
            receiver = Poller(self.bot, dispatcher, timeout=self._poll_timeout)
        else:
            receiver = WebhookServer(
                self.bot, dispatcher, url=self._webhook.url, secret=self._webhook.secret
            )
        try:
            await receiver.start()
        except BaseException:
            await receiver.stop()  # a next try starts a fresh one
            raise
        self._receiver = receiver
        self._started = True
        return {"bot": me.username, "mode": "webhook" if self._webhook else "polling"}

    async def set_commands(self, menu: Sequence[MenuEntry]) -> None:
        """The core's own command list (name, help, where); replaces the default menu."""
        self._menu = tuple(menu)
        if self._started:
            await publish(self.bot, self._menu)

    async def stop(self) -> None:
        self._started = False
        if self._connector is not None:
            await self._connector.stop()
        if self._receiver is not None:
            await self._receiver.stop()
            self._receiver = None
        if self._http is not None:
            await self._http.stop()
        await self._application.shutdown()
        # a start that never got through (refused, or stopped while still trying) leaves the
        # bot's HTTP clients open; the application's shutdown only closes what it initialised
        await self.bot.shutdown()

    async def perform(self, action: Action) -> Result:
        return await self._outbound.perform(action)


def _unreachable(exc: BaseException) -> bool:
    # BadRequest is a NetworkError in PTB's hierarchy, but it is Telegram answering "no"
    return isinstance(exc, tg.NetworkError) and not isinstance(exc, tg.BadRequest)
