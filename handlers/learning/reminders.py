"""One reminder per unanswered task, after the configured delay in working time.

Claimed like deliveries (a conditional UPDATE, SKIP LOCKED on PostgreSQL). A crash mid-send
leaves the claim in place and the reminder is not sent again: a reminder may be lost, never
doubled. A reminder that has gone stale (the next task already went out, e.g. after downtime) is
dropped rather than sent after the newer task.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select, update

from bot.actions import PrivateNotice
from bot.context import Context
from bot.events import User
from handlers.learning.models import Delivery, Enrolment, State, Status


async def send_reminders(ctx: Context, chunk: int = 100) -> int:
    now = ctx.clock.now()
    due = and_(
        Delivery.reminder.is_(None),
        Delivery.remind_at <= now,
        Delivery.state == State.SENT.value,
    )
    pick = select(Delivery.id).where(due).order_by(Delivery.remind_at).limit(chunk)
    if ctx.store.is_postgres:
        pick = pick.with_for_update(skip_locked=True)
    sent = 0
    while True:
        async with ctx.store.session() as s:
            rows = (
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(pick.scalar_subquery()), due)
                    .values(reminder="sending")
                    .returning(
                        Delivery.id, Delivery.enrolment_id, Delivery.content, Delivery.sent_at
                    )
                    .execution_options(synchronize_session=False)
                )
            ).all()
            if not rows:
                return sent
            ids = {r.enrolment_id for r in rows}
            enrolments = {
                e.id: e
                for e in (await s.scalars(select(Enrolment).where(Enrolment.id.in_(ids)))).all()
            }
            newest = dict(
                (
                    await s.execute(
                        select(Delivery.enrolment_id, func.max(Delivery.sent_at))
                        .where(Delivery.enrolment_id.in_(ids), Delivery.kind == "task")
                        .group_by(Delivery.enrolment_id)
                    )
                ).all()
            )
        for row in rows:
            enrolment = enrolments.get(row.enrolment_id)
            stale = newest.get(row.enrolment_id) not in (None, row.sent_at)
            outcome = "skipped"
            if enrolment is not None and enrolment.status == Status.ACTIVE and not stale:
                content = row.content
                await ctx.act(
                    PrivateNotice(
                        user=User(enrolment.platform, enrolment.user_id, enrolment.user_name),
                        text=(
                            f"A gentle reminder: “{content['title']}” ({content['programme']}) "
                            f"is waiting for you above. It takes about {content['minutes']} "
                            "minutes."
                        ),
                    )
                )
                outcome = "sent"
                sent += 1
            async with ctx.store.session() as s:
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id == row.id)
                    .values(reminder=outcome)
                    .execution_options(synchronize_session=False)
                )
