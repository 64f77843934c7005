"""The pipeline every event passes: de-duplicate, guard, screen group posts, route.

Middlewares share one shape, `async (event, ctx, call_next)`, and are composed once at start-up.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.context import Context
from bot.errors import StorageUnavailable
from bot.events import ButtonPressed, ChatKind, ChatMigrated, Event, Message
from bot.replies import reply
from bot.router import Router
from bot.store.models import ProcessedEvent

log = logging.getLogger("bot.pipeline")

T = TypeVar("T")
Next = Callable[[Event], Awaitable[None]]
Middleware = Callable[[Event, Context, Next], Awaitable[None]]

CLAIM_LEASE = timedelta(seconds=60)  # a claim older than this belongs to a crashed process
STORAGE_BACKOFF = (0.5, 1, 2, 4, 8, 15, 30, 60)


class Duplicate(Exception):
    pass


def compose(middlewares: Sequence[Middleware], ctx: Context, endpoint: Next) -> Next:
    handler = endpoint
    for middleware in reversed(middlewares):
        handler = partial(middleware, ctx=ctx, call_next=handler)  # type: ignore[call-arg]
    return handler


async def log_event(event: Event, ctx: Context, call_next: Next) -> None:
    """One structured line per event; never the text of a post."""
    started = time.perf_counter()
    outcome = "handled"
    try:
        await call_next(event)
    except Duplicate:
        outcome = "duplicate"
    except Exception:
        outcome = "failed"
        raise
    finally:
        log.info(
            "event",
            extra={
                "event": type(event).__name__,
                "event_id": event.event_id,
                "platform": event.platform,
                "chat": event.chat.key,
                "chat_kind": event.chat.kind.value,
                "user": event.user.key,
                "outcome": outcome,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


async def deduplicate(event: Event, ctx: Context, call_next: Next) -> None:
    """Process each platform event id once, across retries, instances and restarts."""
    if not await _with_storage_retry(partial(_claim, event, ctx)):
        raise Duplicate(event.dedup_key)
    await call_next(event)
    await _with_storage_retry(partial(_finish, event, ctx))


async def _claim(event: Event, ctx: Context) -> bool:
    now = ctx.clock.now()
    try:
        async with ctx.store.session() as s:
            s.add(ProcessedEvent(key=event.dedup_key, claimed_at=now, done=False))
        return True
    except IntegrityError:
        pass
    # Someone claimed it. Take it over only if that claim is stale and never finished (a crash).
    async with ctx.store.session() as s:
        taken = await s.execute(
            update(ProcessedEvent)
            .where(
                ProcessedEvent.key == event.dedup_key,
                ProcessedEvent.done.is_(False),
                ProcessedEvent.claimed_at < now - CLAIM_LEASE,
            )
            .values(claimed_at=now)
        )
        return bool(getattr(taken, "rowcount", 0))


async def purge_processed_events(ctx: Context) -> int:
    """Forget event ids older than `bot.processed_events_days`: no platform re-sends them."""
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.bot.processed_events_days)
    async with ctx.store.session() as s:
        gone = await s.execute(delete(ProcessedEvent).where(ProcessedEvent.claimed_at < cutoff))
    count = int(getattr(gone, "rowcount", 0) or 0)
    if count:
        log.info("processed event ids purged", extra={"count": count})
    return count


async def _finish(event: Event, ctx: Context) -> None:
    async with ctx.store.session() as s:
        await s.execute(
            update(ProcessedEvent).where(ProcessedEvent.key == event.dedup_key).values(done=True)
        )


async def _with_storage_retry(operation: Callable[[], Awaitable[T]]) -> T:
    """Keep the event while the database is away: back off and try again."""
    for delay in (*STORAGE_BACKOFF, None):
        try:
            return await operation()
        except (SQLAlchemyError, OSError, StorageUnavailable) as exc:
            if isinstance(exc, IntegrityError) or delay is None:
                raise
            log.warning(
                "storage unavailable, retrying",
                extra={"seconds": delay, "error": type(exc).__name__},
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def guard(event: Event, ctx: Context, call_next: Next) -> None:
    """A failing handler is logged with context and answered politely; the adapter loop goes on."""
    try:
        await call_next(event)
    except Duplicate:
        raise
    except Exception:
        log.exception(
            "handler failed",
            extra={
                "event": type(event).__name__,
                "event_id": event.event_id,
                "chat": event.chat.key,
            },
        )
        if isinstance(event, Message | ButtonPressed):
            try:
                await reply(
                    ctx,
                    event,
                    "Sorry, something went wrong on my side and I couldn't do that. "
                    "The team has been told; please try again in a minute.",
                    private=True,
                )
            except Exception:
                log.exception("could not send the apology", extra={"event_id": event.event_id})


def clean_text(text: str) -> str:
    """Drop control characters (keeping newlines and tabs) and put U+FFFD for a lone surrogate
    (JSON can carry "\\ud800"; undecodable console bytes arrive as one), so nothing downstream
    chokes on the text and the rest of it is kept."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(map(_clean_char, text))


def _clean_char(ch: str) -> str:
    kind = unicodedata.category(ch)
    if kind == "Cs":
        return "\ufffd"
    return "" if kind == "Cc" and ch not in "\n\t" else ch


async def sanitise(event: Event, ctx: Context, call_next: Next) -> None:
    if isinstance(event, Message):
        text, names = clean_text(event.text), tuple(map(clean_text, event.file_names))
        if text != event.text or names != event.file_names:
            event = replace(event, text=text, file_names=names)
    await call_next(event)


async def remember_member(event: Event, ctx: Context, call_next: Next) -> None:
    """Note who we met; a member who writes privately can now get the notices waiting for them."""
    direct = event.chat.kind is ChatKind.DIRECT
    await ctx.members.seen(event.user, dm_open=direct)
    if direct:
        for notice in await ctx.members.take_waiting(event.user):
            await ctx.act(notice)
    await call_next(event)


async def moderate(event: Event, ctx: Context, call_next: Next) -> None:
    """Every post in a group (new or edited) is screened before anything else sees it."""
    if (
        isinstance(event, Message)
        and event.chat.kind is ChatKind.GROUP
        and not event.user.is_bot
        and not await ctx.moderation.screen(event, ctx)
    ):
        return
    await call_next(event)


async def follow_migration(event: Event, ctx: Context, call_next: Next) -> None:
    if isinstance(event, ChatMigrated):
        await ctx.rooms.move(event.platform, event.chat.id, event.new_chat_id)
        return
    await call_next(event)


MIDDLEWARES: tuple[Middleware, ...] = (
    log_event,
    deduplicate,
    guard,
    sanitise,
    follow_migration,
    remember_member,
    moderate,
)


def build_pipeline(ctx: Context, router: Router) -> Next:
    return compose(MIDDLEWARES, ctx, partial(_route, router=router, ctx=ctx))


async def _route(event: Event, *, router: Router, ctx: Context) -> None:
    await router.dispatch(event, ctx)
