"""The moderation feature's side of the web console (bot/desks.py's ModerationDesk)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select

from bot.context import Context
from bot.crypto import DecryptionFailed
from bot.desks import DecisionFilter, DecisionItem, HeldItem, Outcome, Week
from bot.events import User
from bot.store.weeks import as_date, last_weeks, week_of
from handlers.moderation.cards import group_name, reason_lines_for, when
from handlers.moderation.records import AuditEntry, HeldPost, HeldPosts
from handlers.moderation.review import CANNOT_DECRYPT, DECISION_ACTIONS, decide

DECIDED = {"restore": "restored", "keep": "kept", "remind": "kept"}


class ModerationConsole:
    async def queue(self, ctx: Context, limit: int) -> tuple[list[HeldItem], int]:
        async with ctx.store.session() as s:
            rows = await s.scalars(
                select(HeldPost)
                .where(HeldPost.decision.is_(None))
                .order_by(HeldPost.id)
                .limit(limit)
            )
            posts = list(rows.all())
            total = await s.scalar(
                select(func.count()).select_from(HeldPost).where(HeldPost.decision.is_(None))
            )
        return [_item(p) for p in posts], int(total or 0)

    async def decide(self, ctx: Context, post_id: int, action: str, actor: User) -> Outcome:
        held = HeldPosts(ctx.store)
        post = await held.get(post_id)
        if post is None or action not in DECISION_ACTIONS:
            return Outcome(False, "That held post or decision does not exist.")
        return await decide(ctx, held, post, action, actor.name)

    async def original(self, ctx: Context, post_id: int, actor: User, reason: str) -> Outcome:
        held = HeldPosts(ctx.store)
        post = await held.get(post_id)
        if post is None:
            return Outcome(False, "That held post does not exist.")
        if post.original is None:
            gone = f" on {when(post.purged_at)}" if post.purged_at else ""
            return Outcome(
                False,
                f"The original of held post #{post.id} is no longer kept "
                f"(deleted{gone} under the retention policy).",
            )
        try:
            text = ctx.crypto.decrypt(post.original)
        except DecryptionFailed:
            return Outcome(False, CANNOT_DECRYPT)
        await held.log(post.id, "show_original", actor.name, ctx.clock.now(), reason=reason)
        return Outcome(True, text)

    async def decisions(self, ctx: Context, wanted: DecisionFilter) -> list[DecisionItem]:
        # plain columns, not entities: an export may be tens of thousands of rows
        query = (
            select(
                AuditEntry.held_post_id,
                AuditEntry.action,
                AuditEntry.actor,
                AuditEntry.at,
                HeldPost.chat_title,
                HeldPost.chat_id,
                HeldPost.types,
            )
            .join(HeldPost, HeldPost.id == AuditEntry.held_post_id)
            .order_by(AuditEntry.id.desc())
        )
        query = _filtered(query, wanted)
        if wanted.limit is not None:
            query = query.limit(wanted.limit)
        async with ctx.store.session() as s:
            rows = (await s.execute(query)).all()
        return [
            DecisionItem(post_id, action, actor, at, title or chat, tuple(types))
            for post_id, action, actor, at, title, chat, types in rows
        ]

    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        mondays = last_weeks(ctx.clock.now().date(), count)
        since = datetime.combine(mondays[0], time(), UTC)
        pg = ctx.store.is_postgres
        counts: dict[Any, dict[str, int]] = defaultdict(dict)
        async with ctx.store.session() as s:
            held_week = week_of(HeldPost.held_at, pg)
            held = await s.execute(
                select(held_week, cast(HeldPost.types, String), func.count())
                .where(HeldPost.held_at >= since)
                .group_by(held_week, cast(HeldPost.types, String))
            )
            for week, types, n in held.all():
                day = counts[as_date(week)]
                day["held"] = day.get("held", 0) + n
                for kind in json.loads(types):
                    day[kind] = day.get(kind, 0) + n
            decided_week = week_of(AuditEntry.at, pg)
            decided = await s.execute(
                select(decided_week, AuditEntry.action, func.count())
                .where(AuditEntry.at >= since, AuditEntry.action.in_(list(DECIDED)))
                .group_by(decided_week, AuditEntry.action)
            )
            for week, action, n in decided.all():
                day = counts[as_date(week)]
                name = DECIDED[action]
                day[name] = day.get(name, 0) + n
        return [Week(m, dict(counts.get(m, {}))) for m in mondays]


def _filtered(query: Any, wanted: DecisionFilter) -> Any:
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.actor:
        query = query.where(AuditEntry.actor == wanted.actor)
    if wanted.since:
        query = query.where(AuditEntry.at >= datetime.combine(wanted.since, time(), UTC))
    if wanted.until:
        end = datetime.combine(wanted.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEntry.at < end)
    return query


def _item(post: HeldPost) -> HeldItem:
    return HeldItem(
        id=post.id,
        group=group_name(post),
        author=post.author_name,
        posted_at=post.posted_at,
        mode=post.mode,
        removed=post.removed,
        types=tuple(dict.fromkeys(post.types)),
        preview=post.preview,
        has_original=post.original is not None,
        reasons=tuple(reason_lines_for(post.types, post.explanations)),
    )
