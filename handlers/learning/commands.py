"""Learner commands: /learn, /progress, /pause, /resume, /stop, /schedule, /cpd."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.actions import Attachment, Button, PrivateNotice
from bot.context import Context
from bot.events import MessagePosted
from bot.replies import reply
from bot.router import command_args
from bot.wording import counted
from handlers.learning.enrolments import (
    apply_choice,
    cancel_planned,
    learner_enrolments,
    replan,
)
from handlers.learning.messages import PREFIX
from handlers.learning.models import Enrolment, State, Status
from handlers.learning.planning import rules_of
from handlers.learning.records import SKIPPED, cpd_csv, cpd_entries, cpd_markdown, local, task_rows
from handlers.learning.schedule import ScheduleError, parse_choice, parse_quiet
from handlers.learning.state import LearningState


class Commands:
    def __init__(self, state: LearningState) -> None:
        self.state = state

    async def learn(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            mine = {e.programme_id: e.status for e in await learner_enrolments(s, event.user)}
        lines = ["Bite-size learning: one short task on your chosen days, privately."]
        buttons = []
        for programme in self.state.catalogue.programmes.values():
            status = mine.get(programme.id)
            note = f" (you: {status})" if status and status != Status.STOPPED else ""
            lines.append(
                f"• {programme.title}: {counted(len(programme.tasks), 'task')}, "
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
        rows = await task_rows(s, e)
        done = [r for r in rows if r.state == State.ANSWERED and r.choice != SKIPPED]
        streak = 0
        for r in reversed([r for r in rows if r.state in (State.SENT, State.ANSWERED)]):
            if r.state != State.ANSWERED or r.choice == SKIPPED:
                break
            streak += 1
        programme = self.state.catalogue.get(e.programme_id)
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
                + f" ({rules_of(e, self.state.learning).describe()})."
            )
        return line + ". No more tasks to send: answer any you missed to complete it."

    async def _change(self, event: MessagePosted, ctx: Context, verb: str) -> None:
        wanted = command_args(event.text).strip().lower()
        now = ctx.clock.now()
        changed = []
        in_flight = 0
        async with ctx.store.session() as s:
            for e in await learner_enrolments(s, event.user):
                if wanted and wanted not in (e.programme_id, self.state.title(e).lower()):
                    continue
                title = self.state.title(e)
                if verb == "pause" and e.status == Status.ACTIVE:
                    e.status = Status.PAUSED.value
                    in_flight += await cancel_planned(s, e.id)
                    changed.append(title)
                elif verb == "resume" and e.status == Status.PAUSED:
                    e.status = Status.ACTIVE.value
                    e.missed_in_row = 0
                    due = await replan(
                        s, e, self.state.catalogue, rules_of(e, self.state.learning), now
                    )
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
                    f"{self.state.title(e)}: {rules_of(e, self.state.learning).describe()}"
                    for e in enrolments
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
                        rules = rules_of(e, self.state.learning)
                        type(rules).build(
                            self.state.learning, rules.days, rules.at, rules.zone, quiet
                        )
                    for e in enrolments:
                        e.quiet = f"{quiet[0]:%H:%M}-{quiet[1]:%H:%M}" if quiet else None
                else:
                    choice = parse_choice(args)
                    for e in enrolments:
                        rules = apply_choice(e, choice, self.state.learning)
                        if e.status == Status.ACTIVE:
                            await replan(s, e, self.state.catalogue, rules, now)
                    if choice.zone is not None:
                        await ctx.members.set_timezone(event.user, choice.zone.key)
            except ScheduleError as exc:
                await s.rollback()
                await reply(ctx, event, f"{exc} Nothing was changed.", private=True)
                return
            text = "\n".join(
                f"{self.state.title(e)}: {rules_of(e, self.state.learning).describe()}"
                for e in enrolments
            )
        await reply(ctx, event, f"Done. {text}", private=True)

    async def cpd(self, event: MessagePosted, ctx: Context) -> None:
        async with ctx.store.session() as s:
            entries = await cpd_entries(s, event.user, self.state.learning.professional_standard)
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
                f"Your CPD record: {counted(len(entries), 'activity')}, {counted(minutes, 'minute')}."
                if i == 0
                else ""
            )
            await ctx.act(
                PrivateNotice(user=event.user, text=text, context=event.chat, attachment=attachment)
            )
