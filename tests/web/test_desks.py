"""The weekly figures the console charts, counted by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.clock import ScenarioClock
from bot.config import Settings
from bot.context import Context
from bot.members import Members
from bot.outbox import Outbox
from bot.rooms import Rooms
from bot.store import Store
from bot.store.weeks import last_weeks
from handlers.moderation.desk import ModerationConsole
from handlers.moderation.records import AuditEntry, HeldPost
from handlers.questions.desk import QuestionsConsole
from handlers.questions.records import QuestionRecord

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # a Friday


def _ctx(store: Store) -> Context:
    clock = ScenarioClock()
    clock.set(NOW)
    rooms, members = Rooms(store, clock), Members(store, clock)
    return Context(
        settings=Settings(),
        store=store,
        clock=clock,
        rooms=rooms,
        members=members,
        outbox=Outbox({}, rooms, members),
        crypto_key=None,
    )


def _held(at: datetime, types: list[str], decision: str | None = None) -> HeldPost:
    return HeldPost(
        platform="console",
        chat_id="group",
        message_id=str(at.timestamp()),
        author_id="alice",
        author_name="alice",
        posted_at=at,
        held_at=at,
        mode="enforce",
        removed=True,
        types=types,
        preview="[PERSON]",
        decision=decision,
    )


def test_weeks_start_on_monday() -> None:
    assert last_weeks(date(2026, 3, 27), 3) == [
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]


async def test_moderation_weeks(store: Store) -> None:
    ctx = _ctx(store)
    async with store.session() as s:
        monday = datetime(2026, 3, 23, 0, 0, 30, tzinfo=UTC)  # just after this week began
        sunday = datetime(2026, 3, 22, 23, 59, tzinfo=UTC)  # the last minute of the week before
        for post in (_held(monday, ["PERSON", "ADDRESS"]), _held(sunday, ["PERSON"])):
            s.add(post)
            await s.flush()
            s.add(AuditEntry(held_post_id=post.id, action="held", actor="bot", at=post.held_at))
        s.add(AuditEntry(held_post_id=post.id, action="restore", actor="mod", at=NOW))
        old = _held(NOW - timedelta(weeks=20), ["NHS_NUMBER"])
        s.add(old)

    weeks = await ModerationConsole().weeks(ctx, 2)

    assert [w.start for w in weeks] == [date(2026, 3, 16), date(2026, 3, 23)]
    assert weeks[0].counts == {"held": 1, "PERSON": 1}
    assert weeks[1].counts == {"held": 1, "PERSON": 1, "ADDRESS": 1, "restored": 1}


async def test_questions_weeks_and_most_escalated(store: Store) -> None:
    ctx = _ctx(store)

    async def never(*_: object) -> object:
        raise AssertionError

    async with store.session() as s:
        for days, status, feedback, text in (
            (0, "answered", "helpful", "a"),
            (1, "escalated", None, "why?"),
            (2, "expert_answered", None, "why?"),
            (8, "choices", "not_helpful", "b"),
        ):
            s.add(
                QuestionRecord(
                    platform="console",
                    chat_id="dm:bob",
                    chat_kind="direct",
                    user_id="bob",
                    user_name="bob",
                    text=text,
                    status=status,
                    feedback=feedback,
                    asked_at=NOW - timedelta(days=days),
                )
            )
    desk = QuestionsConsole(never)  # type: ignore[arg-type]

    weeks = await desk.weeks(ctx, 2)
    top = await desk.most_escalated(ctx, 5)

    assert weeks[1].counts == {"answered": 1, "helpful": 1, "escalated": 2}
    assert weeks[0].counts == {"choices": 1, "not_helpful": 1}
    assert [(e.words, e.count) for e in top] == [("why?", 2)]


async def test_learning_weeks_count_tasks_sent_and_answered(store: Store) -> None:
    from handlers.learning.desk import LearningConsole
    from handlers.learning.models import Delivery, Enrolment, State
    from handlers.learning.state import LearningState

    ctx = _ctx(store)
    async with store.session() as s:
        enrolment = Enrolment(
            platform="console",
            user_id="alice",
            user_name="alice",
            programme_id="p",
            status="active",
            days="mon",
            at_time="10:00",
            timezone="Europe/London",
            task_ids=["a", "b", "c"],
            enrolled_at=NOW,
        )
        s.add(enrolment)
        await s.flush()
        for task, days, state in (
            ("a", 1, State.ANSWERED),
            ("b", 2, State.SENT),
            ("c", 9, State.ANSWERED),
        ):
            at = NOW - timedelta(days=days)
            s.add(
                Delivery(
                    key=task,
                    enrolment_id=enrolment.id,
                    task_id=task,
                    content={},
                    due_at=at,
                    sent_at=at,
                    state=state.value,
                )
            )

    weeks = await LearningConsole(LearningState(ctx.settings)).weeks(ctx, 2)

    assert [w.counts for w in weeks] == [{"sent": 1, "answered": 1}, {"sent": 2, "answered": 1}]
