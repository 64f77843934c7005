"""The pipeline every event passes once it is recorded (bot/intake.py): guard, screen group
posts, route.

Middlewares share one shape, `async (event, ctx, call_next)`, and are composed once at start-up.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial

from bot.context import Context
from bot.events import ButtonPressed, ChatKind, ChatMigrated, Event, Message
from bot.intake import from_database
from bot.replies import reply
from bot.router import Router

log = logging.getLogger("bot.pipeline")

Next = Callable[[Event], Awaitable[None]]
Middleware = Callable[[Event, Context, Next], Awaitable[None]]


def compose(middlewares: Sequence[Middleware], ctx: Context, endpoint: Next) -> Next:
    handler = endpoint
    for middleware in reversed(middlewares):
        handler = partial(middleware, ctx=ctx, call_next=handler)  # type: ignore[call-arg]
    return handler


async def guard(event: Event, ctx: Context, call_next: Next) -> None:
    """A failing handler is logged with context and answered politely; the adapter loop goes on."""
    try:
        await call_next(event)
    except Exception as exc:
        if from_database(exc):
            raise  # not the handler's fault: the intake has the platform send it again
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
    """The one screening point: every message is screened before anything else sees it, as its
    kind of chat calls for. A group post or edit that identifies someone is held and goes no
    further. A direct message is private: it goes on as written, carrying a redacted version
    for whatever a feature would show others (the experts' room, a draft FAQ, stored text)."""
    if isinstance(event, Message) and not event.user.is_bot:
        if event.chat.kind is ChatKind.GROUP:
            if not await ctx.moderation.screen(event, ctx):
                return
        elif (found := await ctx.moderation.redaction(event, ctx)) is not None:
            event = replace(event, redacted=found.text, left_out=found.left_out)
    await call_next(event)


async def follow_migration(event: Event, ctx: Context, call_next: Next) -> None:
    if isinstance(event, ChatMigrated):
        await ctx.rooms.move(event.platform, event.chat.id, event.new_chat_id)
        return
    await call_next(event)


MIDDLEWARES: tuple[Middleware, ...] = (
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
