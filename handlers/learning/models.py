"""The learning tables: enrolments, deliveries (one row per task sent), review cards, badges."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store import Base, UTCDateTime


class Status(StrEnum):
    CHOOSING = "choosing"  # enrolled, still picking days and a time
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    COMPLETED = "completed"


class State(StrEnum):
    PENDING = "pending"  # due at due_at, not yet claimed
    SENDING = "sending"  # claimed by one process under a lease; a send may be under way
    SENT = "sent"  # the platform accepted it (message_id recorded)
    ANSWERED = "answered"
    CANCELLED = "cancelled"  # stopped, paused or superseded before it went out


class Enrolment(Base):
    __tablename__ = "learning_enrolments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    user_name: Mapped[str] = mapped_column(String(255))
    programme_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=Status.CHOOSING)
    days: Mapped[str] = mapped_column(String(32))  # "mon,wed,fri"
    at_time: Mapped[str] = mapped_column(String(5))  # "10:00", the learner's local time
    timezone: Mapped[str] = mapped_column(String(64))
    quiet: Mapped[str | None] = mapped_column(String(11), nullable=True)  # "20:00-08:00"
    # The task ids in order when the learner enrolled: later edits to the file do not reshuffle them
    task_ids: Mapped[list[str]] = mapped_column(JSON)
    missed_in_row: Mapped[int] = mapped_column(Integer, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_learning_enrolments_learner", "platform", "user_id", "programme_id", unique=True),
    )


class Delivery(Base):
    """One (enrolment, task) send. `key` is unique: planning the same send twice is impossible."""

    __tablename__ = "learning_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("learning_enrolments.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8), default="task")  # task | review
    # The task as it was when planned: an edited programme never changes a task already in flight
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(12), default=State.PENDING)
    claim_token: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminder: Mapped[str | None] = mapped_column(String(8), nullable=True)  # sending | sent
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    choice: Mapped[int | None] = mapped_column(Integer, nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reflection: Mapped[str | None] = mapped_column(Text, nullable=True)
    held: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_learning_deliveries_due", "state", "due_at"),
        Index("ix_learning_deliveries_remind", "reminder", "remind_at"),
    )


# The Core table, for executemany statements on the delivery engine's hot path
DELIVERIES = cast(Table, Delivery.__table__)
ENROLMENTS = cast(Table, Enrolment.__table__)


class ReviewCard(Base):
    """FSRS memory state of a quiz item the learner got wrong."""

    __tablename__ = "learning_review_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("learning_enrolments.id", ondelete="CASCADE")
    )
    task_id: Mapped[str] = mapped_column(String(64))
    card: Mapped[dict[str, object]] = mapped_column(JSON)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_learning_review_cards_item", "enrolment_id", "task_id", unique=True),
    )


class Badge(Base):
    __tablename__ = "learning_badges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("learning_enrolments.id", ondelete="CASCADE"), unique=True
    )
    credential: Mapped[str] = mapped_column(Text)  # the VC-JWT, compact form
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
