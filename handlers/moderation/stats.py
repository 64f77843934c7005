"""The moderation section of the moderators' /stats: held posts by group, type and decision."""

from __future__ import annotations

from collections import Counter

from bot.context import Context
from handlers.moderation.records import HeldPosts


def _counted(counter: Counter[str]) -> str:
    return ", ".join(
        f"{key} {n}" for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    )


async def moderation_stats(ctx: Context) -> str:
    counts = await HeldPosts(ctx.store).counts()
    total = sum(counts.by_group.values())
    if not total:
        return "Moderation: no posts held."
    return (
        f"Moderation: {total} held. By group: {_counted(counts.by_group)}. "
        f"By type: {_counted(counts.by_type)}. By decision: {_counted(counts.by_decision)}."
    )
