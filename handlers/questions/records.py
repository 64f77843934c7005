"""Questions asked, their answers, feedback, escalations and draft FAQ entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import Base, Store, UTCDateTime


class QuestionRecord(Base):
    """A question that passed moderation; kept to answer it, escalate it and learn from feedback.
    Its words are deleted `questions.retention_days` after it was answered (retention.py)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    chat_kind: Mapped[str] = mapped_column(String(16))
    chat_title: Mapped[str | None] = mapped_column(String(255), nullable=True)
    thread_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    user_id: Mapped[str] = mapped_column(String(128))
    user_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    # answered | choices (offered, none picked yet) | picked | escalated | expert_answered
    status: Mapped[str] = mapped_column(String(24))
    candidates: Mapped[str | None] = mapped_column(Text, nullable=True)  # entry ids, one a line
    feedback: Mapped[str | None] = mapped_column(String(16), nullable=True)
    answering_by: Mapped[str | None] = mapped_column(String(160), nullable=True)
    answering_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    answering_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    expert_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    expert_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DraftFaq(Base):
    """An expert's answer saved for an admin to approve into the knowledge base (kind "answer"),
    or a practitioner's question proposed as another phrasing of the entry `entry_id` (kind
    "phrasing": a picked choice rated helpful, or an expert pointing at an existing entry)."""

    __tablename__ = "faq_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(Integer, unique=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(255))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # | approving | approved | discarded
    decided_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    entry_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="answer", server_default="answer")


class Questions:
    """The questions feature's reads and writes of questions asked (all its SQL on them)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, row: QuestionRecord) -> int:
        async with self._store.session() as s:
            s.add(row)
            await s.flush()
            return row.id

    async def get(self, question_id: int) -> QuestionRecord | None:
        async with self._store.session() as s:
            return await s.get(QuestionRecord, question_id)

    async def set(self, question_id: int, **values: object) -> None:
        async with self._store.session() as s:
            await s.execute(
                update(QuestionRecord).where(QuestionRecord.id == question_id).values(**values)
            )

    async def awaited_from(self, user_key: str) -> QuestionRecord | None:
        """The newest escalated question this expert said they would answer."""
        async with self._store.session() as s:
            return await s.scalar(
                select(QuestionRecord)
                .where(
                    QuestionRecord.answering_by == user_key,
                    QuestionRecord.status == "escalated",
                )
                .order_by(QuestionRecord.id.desc())
            )

    async def escalated(self, limit: int) -> list[QuestionRecord]:
        async with self._store.session() as s:
            rows = await s.scalars(
                select(QuestionRecord)
                .where(QuestionRecord.status == "escalated")
                .order_by(QuestionRecord.id)
                .limit(limit)
            )
            return list(rows.all())


class Drafts:
    """Draft FAQ entries: saved once per question, claimed once by the admin who decides."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, draft: DraftFaq) -> tuple[int, bool]:
        """The draft's number, and whether it is new (one draft a question: the saved one's
        number otherwise)."""
        async with self._store.session() as s:
            existing = await s.scalar(
                select(DraftFaq).where(DraftFaq.question_id == draft.question_id)
            )
            if existing is not None:
                return existing.id, False
            s.add(draft)
            await s.flush()
            return draft.id, True

    async def pending(self) -> list[DraftFaq]:
        async with self._store.session() as s:
            rows = await s.scalars(
                select(DraftFaq).where(DraftFaq.status == "pending").order_by(DraftFaq.id)
            )
            return list(rows.all())

    async def claim(
        self, draft_id: int, status: str, by: str, at: datetime
    ) -> tuple[DraftFaq | None, bool]:
        """Move a pending draft to `status` for `by`: the draft, and whether this call moved it
        (two admins tapping at once: one of them does)."""
        async with self._store.session() as s:
            claimed = await s.execute(
                update(DraftFaq)
                .where(DraftFaq.id == draft_id, DraftFaq.status == "pending")
                .values(status=status, decided_by=by, decided_at=at)
            )
            draft = await s.get(DraftFaq, draft_id)
        return draft, bool(getattr(claimed, "rowcount", 0))

    async def set(self, draft_id: int, **values: object) -> None:
        async with self._store.session() as s:
            await s.execute(update(DraftFaq).where(DraftFaq.id == draft_id).values(**values))
