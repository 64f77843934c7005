"""The retention purge: originals of held posts are deleted a set number of days after the decision."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import Context
from handlers.moderation.records import HeldPosts

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600.0


async def purge_originals(ctx: Context) -> None:
    """The scheduled job: originals decided more than retention_days ago are deleted."""
    now = ctx.clock.now()
    cutoff = now - timedelta(days=ctx.settings.moderation.retention_days)
    purged = await HeldPosts(ctx.store).purge_originals(cutoff, now)
    if purged:
        log.info("held post originals purged", extra={"count": purged})
