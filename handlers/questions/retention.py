"""How long a question's words are kept: the text of a question (and an expert's answer to it) is
kept while a feature needs it, which is until `questions.retention_days` after it was answered.
A question still waiting for an expert keeps its text until it is answered; what is left after the
purge (which entry answered, the confidence, the feedback) says nothing about anyone."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, func, update

from bot.context import Context
from handlers.questions.records import DraftFaq, QuestionRecord

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600.0


async def purge_question_texts(ctx: Context) -> None:
    """The scheduled job: words of questions answered more than retention_days ago are deleted."""
    now = ctx.clock.now()
    cutoff = now - timedelta(days=ctx.settings.questions.retention_days)
    async with ctx.store.session() as s:
        purged = await s.execute(
            update(QuestionRecord)
            .where(
                QuestionRecord.purged_at.is_(None),
                QuestionRecord.status.in_(("answered", "expert_answered")),
                func.coalesce(QuestionRecord.answered_at, QuestionRecord.asked_at) < cutoff,
            )
            .values(text="", expert_answer=None, purged_at=now)
        )
        # an approved draft lives on in the knowledge base; a discarded one is not needed
        dropped = await s.execute(
            delete(DraftFaq).where(
                DraftFaq.status.in_(("approved", "discarded")), DraftFaq.decided_at < cutoff
            )
        )
    counts = {"questions": purged.rowcount, "drafts": dropped.rowcount}  # type: ignore[attr-defined]
    if any(counts.values()):
        log.info("question texts purged", extra=counts)
