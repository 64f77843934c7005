"""What the web console reads and does, as ports the features fill in (ctx.services).

The web adapter knows no feature: it asks `ctx.services.find(ModerationDesk)` and so on, and a
page whose feature is not installed says so. Each feature puts its desk in at start. Everything
here is plain data: no held post's clear text ever travels through a desk except
`ModerationDesk.original`, which writes an audit entry first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from bot.context import Context
from bot.events import User


@dataclass(frozen=True, slots=True)
class HeldItem:
    id: int
    group: str
    author: str
    posted_at: datetime
    mode: str
    removed: bool
    types: tuple[str, ...]
    preview: str  # redacted: safe to show
    has_original: bool
    reasons: tuple[str, ...] = ()  # what was found and why, in plain words, as on the card


@dataclass(frozen=True, slots=True)
class DecisionItem:
    held_post_id: int
    action: str
    actor: str
    at: datetime
    group: str
    types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DecisionFilter:
    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    limit: int | None = 200


@dataclass(frozen=True, slots=True)
class Week:
    """One week's figures (Monday first), by name: "held", "restored", a finding's type..."""

    start: date
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    message: str


class ModerationDesk(Protocol):
    async def queue(self, ctx: Context, limit: int) -> tuple[list[HeldItem], int]:
        """The oldest undecided held posts, and how many there are in all."""
        ...

    async def decide(self, ctx: Context, post_id: int, action: str, actor: User) -> Outcome:
        """As the card's button does: restore, keep or remind; the card is updated."""
        ...

    async def original(self, ctx: Context, post_id: int, actor: User, reason: str) -> Outcome:
        """The clear text, after an audit entry naming `actor` and `reason`."""
        ...

    async def decisions(self, ctx: Context, wanted: DecisionFilter) -> list[DecisionItem]: ...

    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        """held, restored, kept, and each finding type, per week, the newest `count` weeks."""
        ...


@dataclass(frozen=True, slots=True)
class DraftItem:
    id: int
    kind: str
    question: str
    answer: str
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class Escalated:
    words: str  # the question as asked while kept, else the nearest entry's title
    count: int


class QuestionsDesk(Protocol):
    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        """answered, choices, escalated, helpful, not_helpful per week."""
        ...

    async def most_escalated(self, ctx: Context, limit: int) -> list[Escalated]: ...

    async def drafts(self, ctx: Context) -> list[DraftItem]: ...

    async def decide_draft(
        self, ctx: Context, draft_id: int, approve: bool, actor: User
    ) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class ProgrammeRow:
    programme_id: str
    title: str
    enrolled: int
    active: int
    paused: int
    completed: int


@dataclass(frozen=True, slots=True)
class TaskRow:
    programme_id: str
    task_id: str
    title: str
    sent: int
    answered: int


@dataclass(frozen=True, slots=True)
class LearningOverview:
    programmes: list[ProgrammeRow]
    tasks: list[TaskRow]
    reminders_sent: int
    auto_paused: int
    cpd_minutes: int
    badges_issued: int


class LearningDesk(Protocol):
    async def overview(self, ctx: Context) -> LearningOverview: ...

    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        """Tasks sent, and of those answered, per week they were sent."""
        ...

    def check_programme(self, text: str, file_name: str) -> list[str]:
        """`programmes check`'s problems with one uploaded file; [] when it is valid."""
        ...


@dataclass(frozen=True, slots=True)
class CpdRow:
    date: str
    programme: str
    activity: str
    minutes: int
    reflection: str


@dataclass(frozen=True, slots=True)
class LearnerProgramme:
    title: str
    status: str
    done: int
    total: int
    next_task: str | None
    next_due: str | None = None  # when it is due, in the learner's own time ("Tue 03 Mar at 10:00")


@dataclass(frozen=True, slots=True)
class BadgeItem:
    id: int
    programme: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class LearnerRecord:
    programmes: list[LearnerProgramme]
    cpd: list[CpdRow]
    badges: list[BadgeItem]


class LearnerDesk(Protocol):
    async def record(self, ctx: Context, learner: User) -> LearnerRecord: ...

    async def cpd_csv(self, ctx: Context, learner: User) -> str: ...

    async def credential(self, ctx: Context, learner: User, badge_id: int) -> str | None:
        """The badge's Open Badges 3.0 credential (VC-JWT), if it is the learner's."""
        ...

    def verify(self, credential: str) -> Outcome: ...
