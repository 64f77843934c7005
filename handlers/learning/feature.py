"""Bite-size learning in chat: /learn, enrolment, task answers, reflections, progress, CPD, badges."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actions import Attachment, Button, PrivateNotice
from bot.config import Settings
from bot.context import Context
from bot.errors import ConfigError
from bot.events import ButtonPressed, ChatKind, MessagePosted, User
from bot.feature import AppBuilder
from bot.replies import reply
from bot.router import command_args
from handlers.learning.badges import build_credential, load_signing_key, sign
from handlers.learning.catalogue import Catalogue
from handlers.learning.engine import DeliveryEngine
from handlers.learning.enrolments import (
    apply_choice,
    cancel_planned,
    defaults,
    learner_enrolments,
    replan,
    start_enrolment,
)
from handlers.learning.messages import PREFIX, task_buttons
from handlers.learning.models import Badge, Delivery, Enrolment, State, Status
from handlers.learning.planning import rules_of
from handlers.learning.programmes import ProgrammeError
from handlers.learning.records import SKIPPED, cpd_csv, cpd_entries, cpd_markdown, local, report
from handlers.learning.responses import Outcome, answer, mark, open_delivery, reflect
from handlers.learning.schedule import ScheduleError, parse_choice, parse_quiet

log = logging.getLogger(__name__)

_PICK = re.compile(r"^\s*(?:[1-5]|[a-eA-E])\s*[.)]?\s*$")
SCHEDULE_HELP = (
    "Reply with days, a time and optionally a time zone, for example "
    "`tue thu 09:30` or `mon wed fri 10:00 Europe/London`."
)


class LearningFeature:
    name = "learning"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.learning = settings.learning
        self._catalogue: Catalogue | None = None
        self._engine: DeliveryEngine | None = None

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            raise RuntimeError("the learning feature has not started")
        return self._catalogue

    @property
    def engine(self) -> DeliveryEngine:
        if self._engine is None:
            raise RuntimeError("the learning feature has not started")
        return self._engine

    def setup(self, app: AppBuilder) -> None:
        r = app.router
        r.command("learn", self.learn, help="bite-size learning programmes: list and join")
        r.command("progress", self.progress, help="your learning: done, streak, next task")
        r.command("pause", self.pause, help="pause your learning tasks")
        r.command("resume", self.resume, help="start your paused learning tasks again")
        r.command("stop", self.stop_learning, help="leave a learning programme")
        r.command(
            "schedule", self.schedule, help="days and time for tasks: /schedule tue thu 09:30"
        )
        r.command("cpd", self.cpd, help="your CPD record as CSV and Markdown, privately")
        r.button(PREFIX, self.press)
        r.text(self.expects_text, self.on_text)
        app.jobs.every(self.learning.tick_seconds, "learning.deliver", self.deliver_job)
        app.jobs.every(max(60.0, self.learning.tick_seconds), "learning.remind", self.remind_job)
        app.stats.append(self.stats)

    async def start(self, ctx: Context) -> None:
        try:
            self._catalogue = Catalogue.from_folder(self.learning.programmes_dir)
        except ProgrammeError as exc:
            raise ConfigError(f"learning.programmes_dir: {exc}") from None
        self._engine = DeliveryEngine(self._catalogue, self.learning)
        ctx.services.put(self._engine)

    async def stop(self, ctx: Context) -> None:
        return None

    # -- jobs --------------------------------------------------------------------------------

    async def deliver_job(self, ctx: Context) -> None:
        await self.engine.tick(ctx)

    async def remind_job(self, ctx: Context) -> None:
        await self.engine.remind(ctx)

    async def stats(self, ctx: Context) -> str:
        async with ctx.store.session() as s:
            figures = await report(s, self.catalogue)
        return "Learning\n" + "\n".join(f.line() for f in figures)

    # -- commands ----------------------------------------------------------------------------

    async def learn(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            mine = {e.programme_id: e.status for e in await learner_enrolments(s, event.user)}
        lines = ["Bite-size learning: one short task on your chosen days, privately."]
        buttons = []
        for programme in self.catalogue.programmes.values():
            status = mine.get(programme.id)
            note = f" (you: {status})" if status and status != Status.STOPPED else ""
            lines.append(
                f"• {programme.title}: {len(programme.tasks)} tasks, "
                f"{programme.cpd_minutes} min CPD{note}. {programme.description}"
            )
            buttons.append(Button(f"Join: {programme.title}"[:75], f"{PREFIX}enrol:{programme.id}"))
        await reply(ctx, event, "\n".join(lines), buttons=tuple(buttons), private=True)

    async def progress(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            enrolments = await learner_enrolments(s, event.user)
            parts = []
            for e in enrolments:
                if e.status in (Status.CHOOSING, Status.STOPPED):
                    continue
                parts.append(await self._progress_line(s, e))
        text = (
            "\n".join(parts) if parts else "You're not in a programme yet. Send /learn to join one."
        )
        await reply(ctx, event, text, private=True)

    async def _progress_line(self, s: AsyncSession, e: Enrolment) -> str:
        rows = (
            await s.execute(
                select(Delivery.state, Delivery.choice, Delivery.due_at, Delivery.content)
                .where(Delivery.enrolment_id == e.id, Delivery.kind == "task")
                .order_by(Delivery.due_at)
            )
        ).all()
        done = [r for r in rows if r.state == State.ANSWERED and r.choice != SKIPPED]
        streak = 0
        for r in reversed([r for r in rows if r.state in (State.SENT, State.ANSWERED)]):
            if r.state != State.ANSWERED or r.choice == SKIPPED:
                break
            streak += 1
        programme = self.catalogue.get(e.programme_id)
        title = programme.title if programme else e.programme_id
        line = f"{title}: {len(done)} of {len(e.task_ids)} done, streak {streak}"
        pending = [r for r in rows if r.state == State.PENDING]
        if e.status == Status.COMPLETED:
            return line + ". Completed: well done!"
        if e.status == Status.PAUSED:
            return line + ". Paused: send /resume to carry on."
        if pending:
            return (
                line
                + f". Next: “{pending[0].content['title']}” on {local(pending[0].due_at, e.timezone)}"
                + f" ({rules_of(e, self.learning).describe()})."
            )
        return line + ". No more tasks to send: answer any you missed to complete it."

    async def _change(self, event: MessagePosted, ctx: Context, verb: str) -> None:
        wanted = command_args(event.text).strip().lower()
        now = ctx.clock.now()
        changed = []
        in_flight = 0
        async with ctx.store.session() as s:
            for e in await learner_enrolments(s, event.user):
                if wanted and wanted not in (e.programme_id, self._title(e).lower()):
                    continue
                title = self._title(e)
                if verb == "pause" and e.status == Status.ACTIVE:
                    e.status = Status.PAUSED.value
                    in_flight += await cancel_planned(s, e.id)
                    changed.append(title)
                elif verb == "resume" and e.status == Status.PAUSED:
                    e.status = Status.ACTIVE.value
                    e.missed_in_row = 0
                    due = await replan(s, e, self.catalogue, rules_of(e, self.learning), now)
                    when = f": next task {local(due, e.timezone)}" if due else ""
                    changed.append(title + when)
                elif verb == "stop" and e.status in (Status.ACTIVE, Status.PAUSED, Status.CHOOSING):
                    e.status = Status.STOPPED.value
                    e.finished_at = now
                    in_flight += await cancel_planned(s, e.id)
                    changed.append(title)
        if not changed:
            none = {
                "pause": "You have no active programme to pause.",
                "resume": "You have no paused programme to resume.",
                "stop": "You're not in any programme. Send /learn to see them.",
            }[verb]
            await reply(ctx, event, none, private=True)
            return
        text = {
            "pause": "Paused: {}. Send /resume when you're ready.",
            "resume": "Resumed: {}.",
            "stop": "You've left: {}. Your CPD record keeps what you did. /learn to join again.",
        }[verb].format("; ".join(changed))
        if in_flight:
            text += " One task was already on its way as you asked; you can ignore it."
        await reply(ctx, event, text, private=True)

    async def pause(self, event: MessagePosted, ctx: Context) -> None:
        await self._change(event, ctx, "pause")

    async def resume(self, event: MessagePosted, ctx: Context) -> None:
        await self._change(event, ctx, "resume")

    async def stop_learning(self, event: MessagePosted, ctx: Context) -> None:
        await self._change(event, ctx, "stop")

    async def schedule(self, event: MessagePosted, ctx: Context) -> None:
        args = command_args(event.text)
        now = ctx.clock.now()
        async with ctx.store.session() as s:
            enrolments = [
                e
                for e in await learner_enrolments(s, event.user)
                if e.status in (Status.ACTIVE, Status.PAUSED)
            ]
            if not enrolments:
                await reply(ctx, event, "You're not in a programme yet. Send /learn.", private=True)
                return
            if not args:
                text = "\n".join(
                    f"{self._title(e)}: {rules_of(e, self.learning).describe()}" for e in enrolments
                )
                await reply(
                    ctx,
                    event,
                    f"{text}\nChange it with /schedule tue thu 09:30 [Time/Zone], "
                    "or quiet hours with /schedule quiet 19:00-08:00 (or quiet off).",
                    private=True,
                )
                return
            try:
                if args.lower().startswith("quiet"):
                    quiet = parse_quiet(args[5:])
                    for e in enrolments:
                        rules = rules_of(e, self.learning)
                        type(rules).build(self.learning, rules.days, rules.at, rules.zone, quiet)
                    for e in enrolments:
                        e.quiet = f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}" if quiet else None
                else:
                    choice = parse_choice(args)
                    for e in enrolments:
                        rules = apply_choice(e, choice, self.learning)
                        if e.status == Status.ACTIVE:
                            await replan(s, e, self.catalogue, rules, now)
                    if choice.zone is not None:
                        await ctx.members.set_timezone(event.user, choice.zone.key)
            except ScheduleError as exc:
                await s.rollback()
                await reply(ctx, event, f"{exc} Nothing was changed.", private=True)
                return
            text = "\n".join(
                f"{self._title(e)}: {rules_of(e, self.learning).describe()}" for e in enrolments
            )
        await reply(ctx, event, f"Done. {text}", private=True)

    async def cpd(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            entries = await cpd_entries(s, event.user, self.learning.professional_standard)
        if not entries:
            await reply(
                ctx, event, "Your CPD record is empty so far: answer a task first.", private=True
            )
            return
        stamp = ctx.clock.now().strftime("%Y-%m-%d")
        minutes = sum(e.minutes for e in entries)
        files = (
            Attachment(f"cpd-{stamp}.csv", cpd_csv(entries).encode(), "text/csv"),
            Attachment(
                f"cpd-{stamp}.md",
                cpd_markdown(entries, event.user.name).encode(),
                "text/markdown",
            ),
        )
        for i, attachment in enumerate(files):
            text = (
                f"Your CPD record: {len(entries)} activities, {minutes} minutes." if i == 0 else ""
            )
            await ctx.act(
                PrivateNotice(user=event.user, text=text, context=event.chat, attachment=attachment)
            )

    # -- buttons -----------------------------------------------------------------------------

    async def press(self, event: ButtonPressed, ctx: Context) -> None:
        parts = event.data[len(PREFIX) :].split(":")
        verb, args = parts[0], parts[1:]
        try:
            if verb == "enrol" and len(args) == 1:
                await self._enrol(event, ctx, args[0])
                return
            numbers = [int(a) for a in args]
        except ValueError:
            numbers = []
        now = ctx.clock.now()
        outcome: Outcome | None = None
        async with ctx.store.session() as s:
            if verb == "a" and len(numbers) == 2:
                outcome = await answer(
                    s, event.user, numbers[0], numbers[1], now, self.catalogue, self.learning
                )
            elif verb in ("done", "skip") and len(numbers) == 1:
                outcome = await mark(s, event.user, numbers[0], verb == "skip", now, self.catalogue)
        if verb in ("go", "cancel") and len(numbers) == 1:
            await self._confirm(event, ctx, numbers[0], cancel=verb == "cancel")
            return
        if outcome is None:
            await reply(ctx, event, "That button is no longer active.", private=True)
            return
        await reply(ctx, event, outcome.text, private=True)
        if outcome.completed is not None:
            await self._complete(ctx, outcome.completed, event.user)

    async def _enrol(self, event: ButtonPressed, ctx: Context, programme_id: str) -> None:
        programme = self.catalogue.get(programme_id)
        if programme is None:
            await reply(
                ctx, event, "That programme is no longer offered. Send /learn.", private=True
            )
            return
        zone = await ctx.members.timezone(event.user) or self.settings.bot.timezone
        d = defaults(self.learning, zone)
        async with ctx.store.session() as s:
            enrolment, fresh = await start_enrolment(
                s, event.user, programme_id, self.catalogue, d, ctx.clock.now()
            )
            status, eid = enrolment.status, enrolment.id
            current = rules_of(enrolment, self.learning).describe()
        if not fresh:
            await reply(
                ctx,
                event,
                f"You're already in {programme.title} ({status}). /progress shows where you are.",
                private=True,
            )
            return
        await reply(
            ctx,
            event,
            f"You're joining {programme.title}. When would you like tasks? "
            f"Suggested: {current}. Press “Use these”, or {SCHEDULE_HELP}",
            buttons=(
                Button("Use these", f"{PREFIX}go:{eid}"),
                Button("Cancel", f"{PREFIX}cancel:{eid}"),
            ),
            private=True,
        )

    async def _confirm(
        self,
        event: ButtonPressed | MessagePosted,
        ctx: Context,
        enrolment_id: int,
        *,
        cancel: bool = False,
        choice_text: str | None = None,
    ) -> None:
        now = ctx.clock.now()
        async with ctx.store.session() as s:
            e = await s.get(Enrolment, enrolment_id)
            if e is None or (e.platform, e.user_id) != (event.user.platform, event.user.id):
                await reply(ctx, event, "That button is no longer active.", private=True)
                return
            if e.status != Status.CHOOSING:
                await reply(
                    ctx,
                    event,
                    f"That's already settled: {self._title(e)} is {e.status}.",
                    private=True,
                )
                return
            if cancel:
                e.status = Status.STOPPED.value
                await reply(ctx, event, f"OK, you haven't joined {self._title(e)}.", private=True)
                return
            try:
                choice = parse_choice(choice_text) if choice_text else None
                rules = apply_choice(e, choice, self.learning)
            except ScheduleError as exc:
                await s.rollback()
                await reply(ctx, event, f"{exc} {SCHEDULE_HELP}", private=True)
                return
            e.status = Status.ACTIVE.value
            e.missed_in_row = 0
            due = await replan(s, e, self.catalogue, rules, now)
            title, zone = self._title(e), e.timezone
        if choice is not None and choice.zone is not None:
            await ctx.members.set_timezone(event.user, choice.zone.key)
        first = f" Your first task comes {local(due, zone)}." if due else ""
        await reply(
            ctx,
            event,
            f"Welcome to {title}: tasks {rules.describe()}.{first} "
            "/progress, /pause, /resume, /stop and /schedule change it.",
            private=True,
        )

    # -- free text ---------------------------------------------------------------------------

    async def expects_text(self, event: MessagePosted, ctx: Context) -> bool:
        if event.chat.kind is not ChatKind.DIRECT or not event.text.strip():
            return False
        async with ctx.store.session() as s:
            if await self._choosing(s, event.user) is not None:
                return True
            if await open_delivery(s, event.user, wants_text=True) is not None:
                return True
            row = await open_delivery(s, event.user, wants_text=False)
        # an answer typed instead of pressed; other text is for the questions feature
        return row is not None and bool(_PICK.match(event.text))

    async def _choosing(self, s: AsyncSession, user: User) -> Enrolment | None:
        return await s.scalar(
            select(Enrolment)
            .where(
                Enrolment.platform == user.platform,
                Enrolment.user_id == user.id,
                Enrolment.status == Status.CHOOSING.value,
            )
            .order_by(Enrolment.id.desc())
            .limit(1)
        )

    async def on_text(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            choosing = await self._choosing(s, event.user)
            row = None
            if choosing is None:
                typed_pick = bool(_PICK.match(event.text))
                row = await open_delivery(s, event.user, wants_text=not typed_pick)
        if choosing is not None:
            await self._confirm(event, ctx, choosing.id, choice_text=event.text)
            return
        if row is None:
            return
        if row.content.get("kind") in ("quiz", "scenario"):
            await reply(
                ctx,
                event,
                f"Please answer “{row.content['title']}” with one of the buttons:",
                buttons=task_buttons(row.id, row.content),
            )
            return
        if not await ctx.moderation.screen(event, ctx):
            async with ctx.store.session() as s:
                await s.execute(
                    update(Delivery)
                    .where(Delivery.id == row.id)
                    .values(held=True)
                    .execution_options(synchronize_session=False)
                )
            await reply(
                ctx,
                event,
                "I haven't saved that reflection: it seems to identify a person (a name or "
                "details that could point to someone). It has been held for the moderators, "
                "as a group post would be. Please write it again without them.",
            )
            return
        async with ctx.store.session() as s:
            fresh = await s.get(Delivery, row.id)
            assert fresh is not None
            outcome = await reflect(
                s, event.user, fresh, event.text, ctx.clock.now(), self.catalogue
            )
        await reply(ctx, event, outcome.text)
        if outcome.completed is not None:
            await self._complete(ctx, outcome.completed, event.user)

    # -- completion --------------------------------------------------------------------------

    async def _complete(self, ctx: Context, enrolment: Enrolment, user: User) -> None:
        programme = self.catalogue.get(enrolment.programme_id)
        if programme is None:
            return
        now = ctx.clock.now()
        credential = build_credential(programme, user.name, user.key, now, self.learning)
        token = sign(credential, load_signing_key(self.learning))
        try:
            async with ctx.store.session() as s:
                s.add(Badge(enrolment_id=enrolment.id, credential=token, issued_at=now))
        except IntegrityError:
            return  # already issued (a second completion event)
        await ctx.act(
            PrivateNotice(
                user=user,
                text=(
                    f"Congratulations, you've completed {programme.title}! Here is your "
                    f"Open Badge “{programme.badge.name}” (a signed OpenBadgeCredential). "
                    "Anyone can check it with `python -m bot badges verify FILE`."
                ),
                attachment=Attachment(
                    f"{programme.id}-badge.jwt", token.encode(), "application/jwt"
                ),
            )
        )
        log.info("badge issued", extra={"programme": programme.id, "enrolment": enrolment.id})

    def _title(self, e: Enrolment) -> str:
        programme = self.catalogue.get(e.programme_id)
        return programme.title if programme else e.programme_id


def create(settings: Settings) -> LearningFeature:
    return LearningFeature(settings)
