"""The questions feature's side of the web console (bot/desks.py's QuestionsDesk)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import func, select

from bot.context import Context
from bot.desks import DraftItem, Escalated, Outcome, Week
from bot.events import User
from bot.store.weeks import as_date, last_weeks, week_of
from handlers.questions.records import DraftFaq, QuestionRecord
from handlers.questions.retrieval.answerer import Answerer

# a question's status, as the weekly figures name it
STATUS_NAMES = {
    "answered": "answered",
    "choices": "choices",
    "picked": "choices",
    "escalated": "escalated",
    "expert_answered": "escalated",
}
ESCALATED = ["escalated", "expert_answered"]
Decider = Callable[[Context, int, bool, str], Awaitable[Outcome]]


class QuestionsConsole:
    def __init__(self, decide: Decider) -> None:
        self._decide = decide

    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        mondays = last_weeks(ctx.clock.now().date(), count)
        since = datetime.combine(mondays[0], time(), UTC)
        week = week_of(QuestionRecord.asked_at, ctx.store.is_postgres)
        async with ctx.store.session() as s:
            rows = (
                await s.execute(
                    select(week, QuestionRecord.status, QuestionRecord.feedback, func.count())
                    .where(QuestionRecord.asked_at >= since)
                    .group_by(week, QuestionRecord.status, QuestionRecord.feedback)
                )
            ).all()
        counts: dict[Any, dict[str, int]] = defaultdict(dict)
        for monday, status, feedback, n in rows:
            day = counts[as_date(monday)]
            for name in (STATUS_NAMES.get(status), feedback):
                if name:
                    day[name] = day.get(name, 0) + n
        return [Week(m, dict(counts.get(m, {}))) for m in mondays]

    async def most_escalated(self, ctx: Context, limit: int) -> list[Escalated]:
        n = func.count().label("n")
        async with ctx.store.session() as s:
            rows = (
                await s.execute(
                    select(QuestionRecord.text, QuestionRecord.entry_id, n)
                    .where(QuestionRecord.status.in_(ESCALATED))
                    .group_by(QuestionRecord.text, QuestionRecord.entry_id)
                    .order_by(n.desc())
                    .limit(limit * 3)
                )
            ).all()
        merged: dict[str, int] = {}
        for text, entry_id, count in rows:
            words = text or self._entry_title(ctx, entry_id)
            merged[words] = merged.get(words, 0) + int(count)
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Escalated(words, count) for words, count in ranked]

    @staticmethod
    def _entry_title(ctx: Context, entry_id: str | None) -> str:
        answerer = ctx.services.find(Answerer)
        entry = answerer.kb.get(entry_id) if answerer and entry_id else None
        if entry is not None:
            return f"(words no longer kept) nearest entry: {entry.title}"
        return "(words no longer kept, no entry near it)"

    async def drafts(self, ctx: Context) -> list[DraftItem]:
        async with ctx.store.session() as s:
            rows = await s.scalars(
                select(DraftFaq).where(DraftFaq.status == "pending").order_by(DraftFaq.id)
            )
            return [
                DraftItem(d.id, d.kind, d.question, d.answer, d.saved_by, d.saved_at)
                for d in rows.all()
            ]

    async def decide_draft(
        self, ctx: Context, draft_id: int, approve: bool, actor: User
    ) -> Outcome:
        return await self._decide(ctx, draft_id, approve, actor.name)
