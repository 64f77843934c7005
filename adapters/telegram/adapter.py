"""The Telegram adapter: python-telegram-bot's Application for the Bot API, rate limited."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot

from adapters.telegram.commands import DEFAULT_MENU, publish
from adapters.telegram.dispatch import Dispatcher
from adapters.telegram.errors import translated
from adapters.telegram.inbound import PLATFORM, BotIdentity
from adapters.telegram.outbound import Outbound
from adapters.telegram.polling import Poller
from adapters.telegram.webhook import WebhookServer
from bot.actions import Action, Result
from bot.adapter import Capabilities, EventSink, MenuEntry

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
    ) -> None:
        self._application = build_application(token, api_url, limits or RateLimits())
        self._webhook = webhook
        self._menu = tuple(menu)
        self._started = False
        self._poll_timeout = poll_timeout
        self._outbound = Outbound(self.bot)
        self._receiver: Poller | WebhookServer | None = None

    @property
    def bot(self) -> ExtBot[int]:
        return self._application.bot

    @property
    def webhook_port(self) -> int | None:
        return self._receiver.bound_port if isinstance(self._receiver, WebhookServer) else None

    async def start(self, sink: EventSink) -> None:
        with translated():
            await self._application.initialize()  # getMe: a wrong token fails here, loudly
        await publish(self.bot, self._menu)
        self._started = True
        me = BotIdentity(self.bot.id, self.bot.username)
        dispatcher = Dispatcher(self.bot, me, self._outbound, sink)
        if self._webhook is None:
            self._receiver = Poller(self.bot, dispatcher, timeout=self._poll_timeout)
        else:
            self._receiver = WebhookServer(
                self.bot,
                dispatcher,
                url=self._webhook.url,
                secret=self._webhook.secret,
                port=self._webhook.port,
                host=self._webhook.host,
            )
        await self._receiver.start()
        log.info(
            "telegram started",
            extra={"bot": me.username, "mode": "webhook" if self._webhook else "polling"},
        )

    async def set_commands(self, menu: Sequence[MenuEntry]) -> None:
        """The core's own command list (name, help, where); replaces the default menu."""
        self._menu = tuple(menu)
        if self._started:
            await publish(self.bot, self._menu)

    async def stop(self) -> None:
        self._started = False
        if self._receiver is not None:
            await self._receiver.stop()
            self._receiver = None
        await self._application.shutdown()

    async def perform(self, action: Action) -> Result:
        return await self._outbound.perform(action)
