"""The application: store, context, features, adapters and scheduler with one lifecycle."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import event as sqlalchemy_event

from bot import plugins
from bot.adapter import Adapter, HasCommandMenu, Probe, ServesConsole, ServesHttp
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import Context
from bot.crypto import Crypto
from bot.errors import StorageUnavailable
from bot.events import Chat, ChatKind, Event
from bot.feature import AppBuilder, Feature, load_features
from bot.intake import Intake, purge_processed_events
from bot.members import Members
from bot.metrics import Metrics
from bot.outbox import Outbox
from bot.pipeline import build_pipeline
from bot.rooms import Rooms
from bot.store import Store
from bot.web_access import WebAccess

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600.0
READY_PING_SECONDS = 2.0
DRAIN_SECONDS = 30.0


async def _purge(ctx: Context) -> None:
    """The core's own rows that nobody needs after a while (features purge their own)."""
    await purge_processed_events(ctx)
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.bot.pending_notice_days)
    dropped = await ctx.members.drop_waiting_before(cutoff)
    if dropped:
        log.info("undelivered notices dropped", extra={"count": dropped})
    expired = await WebAccess(ctx.store, ctx.clock).purge()
    if expired:
        log.info("expired web sign-in links and sessions dropped", extra={"count": expired})


class App:
    """`async with App(settings, adapters) as app:` runs the bot; `app.handle` is every adapter's sink."""

    def __init__(
        self,
        settings: Settings,
        adapters: Sequence[Adapter],
        *,
        clock: Clock | None = None,
        store: Store | None = None,
        features: Sequence[Feature] | None = None,
        crypto: Crypto | None = None,
        run_scheduler: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.store = store or Store(settings.database_url)
        self.adapters = {adapter.platform: adapter for adapter in adapters}
        secret = settings.secrets.PRACTICEBOT_SECRET_KEY
        if crypto is None and secret is not None:
            crypto = Crypto(secret.get_secret_value())
        rooms = Rooms(self.store, self.clock)
        members = Members(self.store, self.clock)
        self.metrics = Metrics()
        self.ctx = Context(
            settings=settings,
            store=self.store,
            clock=self.clock,
            rooms=rooms,
            members=members,
            outbox=Outbox(self.adapters, rooms, members, self.metrics),
            crypto_key=crypto,
            metrics=self.metrics,
        )
        self.features = list(features) if features is not None else load_features(settings)
        self.builder = AppBuilder(settings)
        self.builder.jobs.every(PURGE_EVERY_SECONDS, "core-retention", _purge)
        for feature in self.features:
            feature.setup(self.builder)
        self.builder.router.freeze()
        self._intake = Intake(self.ctx, build_pipeline(self.ctx, self.builder.router))
        self.metrics.events_in_hand.set_function(lambda: self._intake.in_hand)
        self._run_scheduler = run_scheduler
        self._exit = AsyncExitStack()
        self._started = False
        self.probe = Probe(self._not_ready, self.metrics.exposition)

    async def __aenter__(self) -> App:
        try:
            await self._start()
        except BaseException:
            # e.g. an adapter refused its token: stop what had started, then say why
            await self._exit.aclose()
            raise
        return self

    async def _start(self) -> None:
        await self.store.start()
        self._exit.push_async_callback(self.store.stop)
        self._count_database_errors()
        await self._register_configured_chats()
        for feature in self.features:
            await feature.start(self.ctx)
            self._exit.push_async_callback(feature.stop, self.ctx)
        # after the adapters stop taking events, work answered before it finished may end
        self._exit.push_async_callback(self._intake.drain, DRAIN_SECONDS)
        menu = self.builder.router.menu()
        for adapter in self.adapters.values():
            if isinstance(adapter, HasCommandMenu):
                await adapter.set_commands(menu)
            if isinstance(adapter, ServesHttp):
                adapter.serve_operators(self.probe)
            if isinstance(adapter, ServesConsole):
                adapter.serve_console(self.ctx)
            await adapter.start(self.handle)
            self._exit.push_async_callback(adapter.stop)
        if self._run_scheduler and self.builder.jobs.items:
            await self._start_scheduler()
        self._started = True
        log.info(
            "started",
            extra={
                "platforms": ",".join(self.adapters),
                "features": ",".join(f.name for f in self.features),
                "database": "postgresql" if self.store.is_postgres else "sqlite",
            },
        )

    async def _start_scheduler(self) -> None:
        try:
            runner_class = plugins.load(plugins.SCHEDULER)
        except plugins.PluginMissing as exc:
            log.warning("scheduled jobs will not run", extra={"reason": str(exc)})
            return
        runner: plugins.JobRunner = runner_class(self.ctx, self.builder.jobs.items)
        await runner.start()
        self._exit.push_async_callback(runner.stop)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._started = False
        await self._exit.aclose()

    async def handle(self, event: Event, /, *, answer_within: float | None = None) -> None:
        """The sink every adapter pushes events into (see `bot.adapter.EventSink`). Raises only
        SendAgain: a handler's failure is answered politely and the adapter loop goes on."""
        await self._intake.handle(event, answer_within=answer_within)

    async def _not_ready(self) -> str | None:
        if not self._started:
            return "starting"
        try:
            async with asyncio.timeout(READY_PING_SECONDS):
                await self.store.ping()
        except TimeoutError:
            return f"the database did not answer within {READY_PING_SECONDS:g}s"
        except StorageUnavailable as exc:
            return str(exc)
        return None

    def _count_database_errors(self) -> None:
        def counted(_context: Any) -> None:
            self.metrics.database_errors.inc()

        engine = self.store.engine.sync_engine
        sqlalchemy_event.listen(engine, "handle_error", counted)
        self._exit.callback(sqlalchemy_event.remove, engine, "handle_error", counted)

    async def run_jobs_once(self) -> None:
        """Run every scheduled job once, now (console `@tick`, tests)."""
        for item in self.builder.jobs.items:
            try:
                await item.job(self.ctx)
            except Exception:
                log.exception("job failed", extra={"job": item.name})

    async def _register_configured_chats(self) -> None:
        for chat in self.settings.chats:
            await self.ctx.rooms.register(
                Chat(chat.platform, chat.id, ChatKind.GROUP, chat.title), chat.role
            )
