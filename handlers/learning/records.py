"""What learners did, for them (CPD record) and for the organisation (report, /stats)."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import User
from bot.wording import counted
from handlers.learning.catalogue import Catalogue
from handlers.learning.models import Delivery, Enrolment, State, Status

SKIPPED = 0  # `choice` of a task the learner skipped
CPD_COLUMNS = (
    "date",
    "programme",
    "task",
    "minutes",
    "what I learnt",
    "impact on practice",
    "professional standard",
)


@dataclass(frozen=True, slots=True)
class CpdEntry:
    date: str
    programme: str
    task: str
    minutes: int
    learnt: str
    impact: str
    standard: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.date,
            self.programme,
            self.task,
            str(self.minutes),
            self.learnt,
            self.impact,
            self.standard,
        )


def _learnt(row: Delivery) -> str:
    content = row.content
    if row.reflection:
        return row.reflection
    if row.choice and content.get("options"):
        options = content["options"]
        assert isinstance(options, list)
        option = options[row.choice - 1]
        return f"Chose “{option['text']}”: {option['feedback']}"
    return "Carried out the activity at work."


async def task_rows(
    s: AsyncSession, enrolment: Enrolment
) -> Sequence[Row[str, int | None, dict[str, object], datetime]]:
    """An enrolment's tasks in the order they fall due: state, choice, content and due_at."""
    rows = await s.execute(
        select(Delivery.state, Delivery.choice, Delivery.content, Delivery.due_at)
        .where(Delivery.enrolment_id == enrolment.id, Delivery.kind == "task")
        .order_by(Delivery.due_at)
    )
    return rows.all()


async def cpd_entries(s: AsyncSession, user: User, default_standard: str) -> list[CpdEntry]:
    rows = (
        await s.execute(
            select(Delivery, Enrolment.timezone)
            .join(Enrolment, Enrolment.id == Delivery.enrolment_id)
            .where(
                Enrolment.platform == user.platform,
                Enrolment.user_id == user.id,
                Delivery.kind == "task",
                Delivery.state == State.ANSWERED.value,
                (Delivery.choice.is_(None)) | (Delivery.choice != SKIPPED),
            )
            .order_by(Delivery.answered_at)
        )
    ).all()
    entries = []
    for row, zone in rows:
        assert row.answered_at is not None
        c = row.content
        entries.append(
            CpdEntry(
                date=row.answered_at.astimezone(ZoneInfo(zone)).date().isoformat(),
                programme=str(c["programme"]),
                task=str(c["title"]),
                minutes=int(str(c["minutes"])),
                learnt=_learnt(row),
                impact=str(c.get("impact") or ""),
                standard=str(c.get("standard") or default_standard),
            )
        )
    return entries


def cpd_csv(entries: list[CpdEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CPD_COLUMNS)
    for entry in entries:
        # a leading = + - @ would run as a formula in a spreadsheet
        writer.writerow(["'" + c if c[:1] in "=+-@" else c for c in entry.cells()])
    return out.getvalue()


def cpd_markdown(entries: list[CpdEntry], name: str) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    total = sum(e.minutes for e in entries)
    lines = [
        f"# CPD record: {name}",
        "",
        f"{counted(len(entries), 'activity')}, {counted(total, 'minute')}.",
        "",
        "| " + " | ".join(c[0].upper() + c[1:] for c in CPD_COLUMNS) + " |",
        "|" + "---|" * len(CPD_COLUMNS),
    ]
    lines += ["| " + " | ".join(cell(c) for c in e.cells()) + " |" for e in entries]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class ProgrammeFigures:
    programme_id: str
    title: str
    enrolled: int
    delivered: int
    answered: int
    completed: int
    median_response_minutes: float | None

    @property
    def completion_rate(self) -> float:
        return self.completed / self.enrolled if self.enrolled else 0.0

    def line(self) -> str:
        median = (
            f"{self.median_response_minutes:.0f} min"
            if self.median_response_minutes is not None
            else "n/a"
        )
        return (
            f"{self.title}: enrolled {self.enrolled}, delivered {self.delivered}, "
            f"answered {self.answered}, completion {self.completion_rate:.0%}, "
            f"median response {median}"
        )


async def report(s: AsyncSession, catalogue: Catalogue) -> list[ProgrammeFigures]:
    enrolled = dict(
        (
            await s.execute(
                select(Enrolment.programme_id, func.count())
                .where(Enrolment.status != Status.CHOOSING.value)
                .group_by(Enrolment.programme_id)
            )
        ).all()
    )
    completed = dict(
        (
            await s.execute(
                select(Enrolment.programme_id, func.count())
                .where(Enrolment.status == Status.COMPLETED.value)
                .group_by(Enrolment.programme_id)
            )
        ).all()
    )
    timings = (
        await s.execute(
            select(Enrolment.programme_id, Delivery.state, Delivery.sent_at, Delivery.answered_at)
            .join(Enrolment, Enrolment.id == Delivery.enrolment_id)
            .where(
                Delivery.kind == "task",
                Delivery.state.in_([State.SENT.value, State.ANSWERED.value]),
            )
        )
    ).all()
    delivered: dict[str, int] = {}
    answered: dict[str, list[float]] = {}
    for programme_id, state, sent_at, answered_at in timings:
        delivered[programme_id] = delivered.get(programme_id, 0) + 1
        if state == State.ANSWERED.value and sent_at is not None and answered_at is not None:
            minutes = (answered_at - sent_at).total_seconds() / 60
            answered.setdefault(programme_id, []).append(minutes)
    ids = sorted(set(catalogue.programmes) | set(enrolled))
    return [
        ProgrammeFigures(
            pid,
            catalogue.programmes[pid].title if pid in catalogue.programmes else pid,
            int(enrolled.get(pid, 0)),
            delivered.get(pid, 0),
            len(answered.get(pid, [])),
            int(completed.get(pid, 0)),
            statistics.median(answered[pid]) if answered.get(pid) else None,
        )
        for pid in ids
    ]


def local(when: datetime, zone: str) -> str:
    return when.astimezone(ZoneInfo(zone)).strftime("%a %d %b at %H:%M")
