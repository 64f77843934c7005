"""The learning feature's side of the web console: the overview (LearningDesk) and each
learner's own page (LearnerDesk), both from bot/desks.py."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.context import Context
from bot.desks import (
    BadgeItem,
    CpdRow,
    LearnerProgramme,
    LearnerRecord,
    LearningOverview,
    Outcome,
    ProgrammeRow,
    TaskRow,
    Week,
)
from bot.events import User
from bot.store.weeks import as_date, last_weeks, week_of
from handlers.learning.badges import BadgeInvalid, load_signing_key, verify
from handlers.learning.engine import AUTO_PAUSE_AFTER
from handlers.learning.enrolments import learner_enrolments
from handlers.learning.models import Badge, Delivery, Enrolment, State, Status
from handlers.learning.programmes import ProgrammeError, load_programme
from handlers.learning.records import SKIPPED, CpdEntry, cpd_csv, cpd_entries, local, task_rows
from handlers.learning.state import LearningState

SENT_STATES = [State.SENT.value, State.ANSWERED.value]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class LearningConsole:
    def __init__(self, state: LearningState) -> None:
        self.state = state

    # the organisation's view -------------------------------------------------------------
    async def overview(self, ctx: Context) -> LearningOverview:
        async with ctx.store.session() as s:
            by_status = (
                await s.execute(
                    select(Enrolment.programme_id, Enrolment.status, func.count()).group_by(
                        Enrolment.programme_id, Enrolment.status
                    )
                )
            ).all()
            # one pass over the deliveries: sent, answered, counted for CPD, reminded
            tasks = (
                await s.execute(
                    select(
                        Enrolment.programme_id,
                        Delivery.task_id,
                        _count(Delivery.state.in_(SENT_STATES)),
                        _count(Delivery.state == State.ANSWERED.value),
                        _count(
                            (Delivery.state == State.ANSWERED.value)
                            & (Delivery.choice.is_(None) | (Delivery.choice != SKIPPED))
                        ),
                        _count(Delivery.reminder == "sent"),
                    )
                    .join(Enrolment, Enrolment.id == Delivery.enrolment_id)
                    .where(Delivery.kind == "task")
                    .group_by(Enrolment.programme_id, Delivery.task_id)
                )
            ).all()
            auto_paused = await s.scalar(
                select(func.count())
                .select_from(Enrolment)
                .where(
                    Enrolment.status == Status.PAUSED.value,
                    Enrolment.missed_in_row >= AUTO_PAUSE_AFTER,
                )
            )
            badges = await s.scalar(select(func.count()).select_from(Badge))
        return LearningOverview(
            programmes=self._programme_rows(by_status),
            tasks=self._task_rows(tasks),
            reminders_sent=sum(int(row[5]) for row in tasks),
            auto_paused=int(auto_paused or 0),
            cpd_minutes=sum(self._minutes(pid, tid) * int(n) for pid, tid, _s, _a, n, _r in tasks),
            badges_issued=int(badges or 0),
        )

    async def weeks(self, ctx: Context, count: int) -> list[Week]:
        mondays = last_weeks(ctx.clock.now().date(), count)
        since = datetime.combine(mondays[0], time(), UTC)
        week = week_of(Delivery.sent_at, ctx.store.is_postgres)
        async with ctx.store.session() as s:
            rows = (
                await s.execute(
                    select(week, func.count(), _count(Delivery.state == State.ANSWERED.value))
                    .where(
                        Delivery.kind == "task",
                        Delivery.state.in_(SENT_STATES),
                        Delivery.sent_at >= since,
                    )
                    .group_by(week)
                )
            ).all()
        counts = {as_date(w): {"sent": int(n), "answered": int(a)} for w, n, a in rows}
        return [Week(m, counts.get(m, {})) for m in mondays]

    def _minutes(self, programme_id: str, task_id: str) -> int:
        programme = self.state.catalogue.get(programme_id)
        task = programme.task(task_id) if programme else None
        return task.minutes if task else 0

    def _programme_rows(self, by_status: Sequence[Any]) -> list[ProgrammeRow]:
        counts: dict[str, dict[str, int]] = {}
        for programme_id, status, n in by_status:
            counts.setdefault(programme_id, {})[status] = int(n)
        ids = sorted(set(self.state.catalogue.programmes) | set(counts))
        rows = []
        for pid in ids:
            c = counts.get(pid, {})
            rows.append(
                ProgrammeRow(
                    programme_id=pid,
                    title=self._title(pid),
                    enrolled=sum(n for st, n in c.items() if st != Status.CHOOSING.value),
                    active=c.get(Status.ACTIVE.value, 0),
                    paused=c.get(Status.PAUSED.value, 0),
                    completed=c.get(Status.COMPLETED.value, 0),
                )
            )
        return rows

    def _task_rows(self, tasks: Sequence[Any]) -> list[TaskRow]:
        rows = []
        for programme_id, task_id, sent, answered, _learnt, _reminded in tasks:
            if not sent:
                continue
            programme = self.state.catalogue.get(programme_id)
            task = programme.task(task_id) if programme else None
            rows.append(
                TaskRow(
                    programme_id,
                    task_id,
                    task.title if task else task_id,
                    int(sent),
                    int(answered or 0),
                )
            )
        return sorted(rows, key=lambda r: (r.programme_id, r.task_id))

    def _title(self, programme_id: str) -> str:
        programme = self.state.catalogue.get(programme_id)
        return programme.title if programme else programme_id

    def check_programme(self, text: str, file_name: str) -> list[str]:
        name = Path(file_name).name or "programme.yaml"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            try:
                load_programme(path)
            except ProgrammeError as exc:
                return [str(p).replace(str(path), name) for p in exc.problems]
        return []

    # the learner's own page ---------------------------------------------------------------
    async def record(self, ctx: Context, learner: User) -> LearnerRecord:
        async with ctx.store.session() as s:
            enrolments = await learner_enrolments(s, learner)
            programmes = [await self._progress(s, e) for e in enrolments]
            entries = await cpd_entries(s, learner, self.state.learning.professional_standard)
            badges = (
                await s.execute(
                    select(Badge.id, Enrolment.programme_id, Badge.issued_at)
                    .join(Enrolment, Enrolment.id == Badge.enrolment_id)
                    .where(Enrolment.platform == learner.platform, Enrolment.user_id == learner.id)
                    .order_by(Badge.id)
                )
            ).all()
        return LearnerRecord(
            programmes=programmes,
            cpd=[_cpd_row(e) for e in entries],
            badges=[BadgeItem(i, self._title(pid), at) for i, pid, at in badges],
        )

    async def _progress(self, s: AsyncSession, e: Enrolment) -> LearnerProgramme:
        rows = await task_rows(s, e)
        done = sum(1 for r in rows if r.state == State.ANSWERED and r.choice != SKIPPED)
        pending = [r for r in rows if r.state == State.PENDING]
        next_task = str(pending[0].content["title"]) if pending else None
        due = local(pending[0].due_at, e.timezone) if pending else None
        return LearnerProgramme(
            self._title(e.programme_id), e.status, done, len(e.task_ids), next_task, due
        )

    async def cpd_csv(self, ctx: Context, learner: User) -> str:
        async with ctx.store.session() as s:
            entries = await cpd_entries(s, learner, self.state.learning.professional_standard)
        return cpd_csv(entries)

    async def credential(self, ctx: Context, learner: User, badge_id: int) -> str | None:
        async with ctx.store.session() as s:
            return await s.scalar(
                select(Badge.credential)
                .join(Enrolment, Enrolment.id == Badge.enrolment_id)
                .where(
                    Badge.id == badge_id,
                    Enrolment.platform == learner.platform,
                    Enrolment.user_id == learner.id,
                )
            )

    def verify(self, credential: str) -> Outcome:
        settings = self.state.settings
        key = load_signing_key(settings.learning, settings.bot.data_dir).public_key()
        try:
            checked = verify(credential, key)
        except BadgeInvalid as exc:
            return Outcome(False, f"Not valid: {exc}")
        name = checked.credential.get("name", "the credential")
        return Outcome(
            True,
            f"Valid: {name} passes the Open Badges 3.0 schema, its signature matches this bot's "
            "issuer key and its claims agree.",
        )


def _cpd_row(entry: CpdEntry) -> CpdRow:
    return CpdRow(entry.date, entry.programme, entry.task, entry.minutes, entry.learnt)
