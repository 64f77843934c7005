"""The chat around tasks: enrolment buttons and schedule replies, answers, reflections."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actions import Button
from bot.context import Context
from bot.events import ButtonPressed, ChatKind, MessagePosted, User
from bot.replies import reply
from handlers.learning.completion import issue_badge
from handlers.learning.enrolments import (
    apply_choice,
    defaults,
    replan,
    start_enrolment,
)
from handlers.learning.messages import PREFIX, task_buttons
from handlers.learning.models import Delivery, Enrolment, Status
from handlers.learning.planning import rules_of
from handlers.learning.records import local
from handlers.learning.responses import Outcome, answer, mark, open_delivery, reflect
from handlers.learning.schedule import ScheduleError, looks_like_schedule, parse_choice
from handlers.learning.state import LearningState

_PICK = re.compile(r"^\s*(?:[1-5]|[a-eA-E])\s*[.)]?\s*$")
REFLECTION_LIMIT = 3000  # characters: a few minutes' writing, and a readable CPD record
SCHEDULE_HELP = (
    "Reply with days, a time and optionally a time zone, for example "
    "`tue thu 09:30` or `mon wed fri 10:00 Europe/London`."
)


class Dialogue:
    def __init__(self, state: LearningState) -> None:
        self.state = state

    async def press(self, event: ButtonPressed, ctx: Context) -> None:
        verb, _, rest = event.data[len(PREFIX) :].partition(":")
        if verb == "enrol":
            await self._enrol(event, ctx, rest)
            return
        try:
            numbers = [int(part) for part in rest.split(":")]
        except ValueError:
            numbers = []
        if verb in ("go", "cancel") and len(numbers) == 1:
            await self._confirm(event, ctx, numbers[0], cancel=verb == "cancel")
            return
        outcome = await self._respond(ctx, event.user, verb, numbers)
        if outcome is None:
            await reply(ctx, event, "That button is no longer active.", private=True)
            return
        await reply(ctx, event, outcome.text, private=True)
        if outcome.completed is not None:
            await issue_badge(ctx, self.state, outcome.completed, event.user)

    async def _respond(
        self, ctx: Context, user: User, verb: str, numbers: list[int]
    ) -> Outcome | None:
        """An answer (`a:delivery:option`), `done:delivery` or `skip:delivery`."""
        now, catalogue = ctx.clock.now(), self.state.catalogue
        async with ctx.store.session() as s:
            if verb == "a" and len(numbers) == 2:
                return await answer(
                    s, user, numbers[0], numbers[1], now, catalogue, self.state.learning
                )
            if verb in ("done", "skip") and len(numbers) == 1:
                return await mark(s, user, numbers[0], verb == "skip", now, catalogue)
        return None

    async def _enrol(self, event: ButtonPressed, ctx: Context, programme_id: str) -> None:
        programme = self.state.catalogue.get(programme_id)
        if programme is None:
            await reply(
                ctx, event, "That programme is no longer offered. Send /learn.", private=True
            )
            return
        zone = await ctx.members.timezone(event.user) or self.state.settings.bot.timezone
        d = defaults(self.state.learning, zone)
        async with ctx.store.session() as s:
            enrolment, fresh = await start_enrolment(
                s, event.user, programme_id, self.state.catalogue, d, ctx.clock.now()
            )
            status, eid = enrolment.status, enrolment.id
            current = rules_of(enrolment, self.state.learning).describe()
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
            f"Suggested: {current}. Press “Use these”, or {SCHEDULE_HELP}"
            + ("" if event.chat.kind is ChatKind.DIRECT else " (in a direct message with me)"),
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
                    f"That's already settled: {self.state.title(e)} is {e.status}.",
                    private=True,
                )
                return
            if cancel:
                e.status = Status.STOPPED.value
                await reply(
                    ctx, event, f"OK, you haven't joined {self.state.title(e)}.", private=True
                )
                return
            try:
                choice = parse_choice(choice_text) if choice_text else None
                rules = apply_choice(e, choice, self.state.learning)
            except ScheduleError as exc:
                await s.rollback()
                await reply(ctx, event, f"{exc} {SCHEDULE_HELP}", private=True)
                return
            e.status = Status.ACTIVE.value
            e.missed_in_row = 0
            due = await replan(s, e, self.state.catalogue, rules, now)
            title, zone = self.state.title(e), e.timezone
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
            if looks_like_schedule(event.text) and await self._choosing(s, event.user):
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
            choosing = None
            if looks_like_schedule(event.text):
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
        if len(event.text) > REFLECTION_LIMIT:
            await reply(
                ctx,
                event,
                f"That's longer than a reflection needs ({len(event.text)} characters); please "
                f"keep it under {REFLECTION_LIMIT} and send it again.",
            )
            return
        async with ctx.store.session() as s:
            fresh = await s.get(Delivery, row.id)
            assert fresh is not None
            # screened already: a CPD record is shown to others (an assessor, the regulator),
            # so it keeps the reflection without what identifies someone
            outcome = await reflect(
                s, event.user, fresh, event.shareable, ctx.clock.now(), self.state.catalogue
            )
        without = (
            f"\n(I saved it without {event.left_out}: a CPD record may be shown to others, "
            "such as an assessor or your regulator.)"
            if event.left_out
            else ""
        )
        await reply(ctx, event, outcome.text + without)
        if outcome.completed is not None:
            await issue_badge(ctx, self.state, outcome.completed, event.user)

    # -- completion --------------------------------------------------------------------------
