"""Questions asked, their answers, feedback, escalations and draft FAQ entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import Base, UTCDateTime


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
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
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
