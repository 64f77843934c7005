"""The pipeline as members experience it: once-only processing, screening first, polite failures."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import OperationalError

from bot import intake
from bot.actions import Button, PrivateNotice, Send
from bot.context import Context, Redaction
from bot.errors import SendAgain
from bot.events import ButtonPressed, Message, MessageEdited, MessagePosted
from bot.feature import AppBuilder
from bot.replies import reply
from bot.store import Store
from tests.support import ALICE, BOB, GROUP, RecordingAdapter, dm, make_app, post, until


@dataclass
class EchoFeature:
    """Answers questions by echoing their length; fails on 'boom'; has a button and a command."""

    name: str = "echo"
    seen: list[str] = field(default_factory=list)

    def setup(self, app: AppBuilder) -> None:
        app.router.command("ping", self.ping, help="answer pong")
        app.router.button("echo:", self.press)
        app.router.question(self.question)

    async def start(self, ctx: Context) -> None:
        return None

    async def stop(self, ctx: Context) -> None:
        return None

    async def ping(self, event: MessagePosted, ctx: Context) -> None:
        await reply(ctx, event, "pong", buttons=(Button("Again", "echo:again"),))

    async def press(self, event: ButtonPressed, ctx: Context) -> None:
        self.seen.append(event.data)
        await reply(ctx, event, f"pressed {event.data}")

    async def question(self, event: MessagePosted, ctx: Context) -> None:
        if event.text == "boom":
            raise RuntimeError("the handler broke")
        self.seen.append(event.text)
        await reply(ctx, event, f"{len(event.text)} characters")


class HoldEverything:
    def __init__(self) -> None:
        self.screened: list[str] = []

    async def screen(self, event: Message, ctx: Context) -> bool:
        self.screened.append(event.text)
        return "secret" not in event.text

    async def redaction(self, event: Message, ctx: Context) -> Redaction | None:
        if "secret" not in event.text:
            return None
        return Redaction(event.text.replace("secret", "[SECRET]"), "a secret")


async def test_a_redelivered_event_is_processed_once(store: Store) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    event = post("what is s42?", chat=dm(ALICE))
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(event)
        await app.handle(event)
    assert echo.seen == ["what is s42?"]
    assert adapter.private(ALICE) == ["12 characters"]


async def test_a_redelivered_event_is_processed_once_across_a_restart(store: Store) -> None:
    event = post("what is s42?", chat=dm(ALICE))
    first, second = EchoFeature(), EchoFeature()
    async with make_app(store, RecordingAdapter(), [first]) as app:
        await app.handle(event)
    async with make_app(store, RecordingAdapter(), [second]) as app:
        await app.handle(event)
    assert first.seen == ["what is s42?"]
    assert second.seen == []


async def test_event_ids_are_forgotten_after_the_retention_days_and_recent_ones_kept(
    store: Store,
) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.clock import ManualClock
    from bot.store.models import ProcessedEvent

    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    old, recent = post("first", chat=dm(ALICE)), post("second", chat=dm(ALICE))
    echo = EchoFeature()
    async with make_app(store, RecordingAdapter(), [echo], clock=clock) as app:
        await app.handle(old)
        clock.advance(timedelta(days=6))
        await app.handle(recent)
        clock.advance(timedelta(days=1, minutes=1))  # `old` is now 7 days and a minute old
        await app.run_jobs_once()
        async with store.session() as s:
            keys = set(await s.scalars(select(ProcessedEvent.key)))
            assert await s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
        assert keys == {recent.dedup_key}
        await app.handle(recent)  # still recognised as a re-delivery
    assert echo.seen == ["first", "second"]


async def test_a_notice_waiting_longer_than_the_retention_days_is_dropped(store: Store) -> None:
    from datetime import timedelta

    from bot.clock import ManualClock

    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    async with make_app(store, RecordingAdapter(), [EchoFeature()], clock=clock) as app:
        members = app.ctx.members
        await members.keep_for_later(PrivateNotice(user=ALICE, text="an old task"))
        clock.advance(timedelta(days=29))
        await members.keep_for_later(PrivateNotice(user=ALICE, text="this week's task"))
        await members.keep_for_later(PrivateNotice(user=BOB, text="bob's old one"))
        clock.advance(timedelta(days=1, minutes=1))  # the first is 30 days and a minute old
        await app.run_jobs_once()
        assert [n.text for n in await members.take_waiting(ALICE)] == ["this week's task"]
        assert [n.text for n in await members.take_waiting(BOB)] == ["bob's old one"]


async def test_an_event_claimed_by_a_crashed_process_is_processed_on_retry(store: Store) -> None:
    from datetime import timedelta

    from bot.store.models import ProcessedEvent

    event = post("still there?", chat=dm(ALICE))
    echo = EchoFeature()
    async with make_app(store, RecordingAdapter(), [echo]) as app:
        stale = app.clock.now() - intake.CLAIM_LEASE - timedelta(seconds=1)
        async with store.session() as s:
            s.add(ProcessedEvent(key=event.dedup_key, claimed_at=stale, done=False))
        await app.handle(event)
    assert echo.seen == ["still there?"]


async def test_a_failing_handler_is_answered_politely_and_the_next_event_goes_on(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(post("boom", chat=dm(ALICE)))
        await app.handle(post("next one", chat=dm(ALICE)))
    said = adapter.private(ALICE)
    assert "something went wrong" in said[0]
    assert said[1] == "8 characters"
    failure = [r for r in caplog.records if r.getMessage() == "handler failed"]
    assert failure and failure[0].chat == dm(ALICE).key  # type: ignore[attr-defined]


async def test_every_group_post_is_screened_before_routing_and_held_posts_go_no_further(
    store: Store,
) -> None:
    adapter, echo, gate = RecordingAdapter(), EchoFeature(), HoldEverything()
    async with make_app(store, adapter, [echo]) as app:
        app.ctx.moderation = gate
        await app.handle(post("@bot a secret question", mentions_bot=True))
        await app.handle(post("@bot a fine question", mentions_bot=True))
        await app.handle(post("secret in a DM is not a group post", chat=dm(ALICE)))
    assert gate.screened == ["@bot a secret question", "@bot a fine question"]
    assert echo.seen == ["@bot a fine question", "secret in a DM is not a group post"]


async def test_a_direct_message_goes_on_as_written_carrying_what_others_may_see(
    store: Store,
) -> None:
    seen: list[MessagePosted] = []

    class Keeper(EchoFeature):
        async def question(self, event: MessagePosted, ctx: Context) -> None:
            seen.append(event)

    adapter, gate = RecordingAdapter(), HoldEverything()
    async with make_app(store, adapter, [Keeper()]) as app:
        app.ctx.moderation = gate
        await app.handle(post("a secret about Mr X", chat=dm(ALICE)))
        await app.handle(post("nothing to hide", chat=dm(ALICE)))
    secret, plain = seen
    assert secret.text == "a secret about Mr X" and secret.shareable == "a [SECRET] about Mr X"
    assert secret.left_out == "a secret" and gate.screened == []  # nothing held
    assert plain.shareable == "nothing to hide" and plain.left_out == ""


async def test_edits_are_screened_but_not_answered(store: Store) -> None:
    adapter, echo, gate = RecordingAdapter(), EchoFeature(), HoldEverything()
    original = post("@bot hello", mentions_bot=True)
    edited = MessageEdited(
        event_id=uuid.uuid4().hex,
        chat=GROUP,
        user=ALICE,
        time=original.time,
        message_id=original.message_id,
        text="@bot hello again",
        mentions_bot=True,
    )
    async with make_app(store, adapter, [echo]) as app:
        app.ctx.moderation = gate
        await app.handle(edited)
    assert gate.screened == ["@bot hello again"]
    assert echo.seen == []
    assert not isinstance(edited, MessagePosted)  # its own type: nothing takes it for a post


async def test_ordinary_group_chatter_gets_no_reply(store: Store) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(post("morning all"))
    assert adapter.actions == []


async def test_unknown_command_gets_a_specific_private_answer(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, [EchoFeature()]) as app:
        await app.handle(post("/frobnicate now"))
    (notice,) = adapter.actions
    assert isinstance(notice, PrivateNotice) and notice.user == ALICE
    assert "/frobnicate" in notice.text and "/help" in notice.text


async def test_empty_direct_message_is_answered_and_empty_group_post_ignored(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, [EchoFeature()]) as app:
        await app.handle(post("   ", chat=dm(ALICE)))
        await app.handle(post(""))
    assert adapter.private(ALICE) == ["Your message was empty. Ask me a question, or send /help."]
    assert len(adapter.actions) == 1


async def test_control_characters_are_dropped_and_huge_messages_survive(store: Store) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    huge = "x" * 100_000
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(post("a\x00b\x07c\nd", chat=dm(ALICE)))
        await app.handle(post(huge, chat=dm(BOB)))
    assert echo.seen == ["abc\nd", huge]
    assert adapter.private(BOB) == ["100000 characters"]


async def test_buttons_route_by_prefix_and_stale_buttons_say_so(store: Store) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(post("/ping", chat=dm(ALICE)))
        sent = adapter.actions[-1]
        assert isinstance(sent, Send) and sent.buttons[0].label == "Again"
        press = ButtonPressed(
            event_id="p1",
            chat=dm(ALICE),
            user=ALICE,
            time=app.clock.now(),
            message_id="1000",
            data=sent.buttons[0].data,
        )
        await app.handle(press)
        await app.handle(
            ButtonPressed(
                event_id="p2",
                chat=dm(ALICE),
                user=ALICE,
                time=app.clock.now(),
                message_id="1000",
                data="gone:123",
            )
        )
    assert echo.seen == ["echo:again"]
    assert adapter.private(ALICE)[-2:] == ["pressed echo:again", "That button is no longer active."]


def _outage() -> OperationalError:
    return OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))


async def test_an_event_the_database_cannot_record_is_not_taken_and_its_resend_is_handled_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter, echo = RecordingAdapter(), EchoFeature()
    event = post("are you there?", chat=dm(ALICE))
    async with make_app(store, adapter, [echo]) as app:
        real_session = store.session

        @asynccontextmanager
        async def down() -> AsyncIterator[None]:
            raise _outage()
            yield

        monkeypatch.setattr(store, "session", down)
        with pytest.raises(SendAgain):
            await app.handle(event)
        monkeypatch.setattr(store, "session", real_session)
        await app.handle(event)  # the platform sends it again
        await app.handle(event)  # and once more: a duplicate now
    assert echo.seen == ["are you there?"]
    assert adapter.private(ALICE) == ["14 characters"]


async def test_a_database_failure_part_way_lets_the_event_go_for_its_resend(store: Store) -> None:
    adapter = RecordingAdapter()
    failures = [_outage()]

    class Flaky(EchoFeature):
        async def question(self, event: MessagePosted, ctx: Context) -> None:
            if failures:
                raise failures.pop()
            await super().question(event, ctx)

    echo = Flaky()
    event = post("still there?", chat=dm(ALICE))
    async with make_app(store, adapter, [echo]) as app:
        with pytest.raises(SendAgain):
            await app.handle(event)
        assert adapter.actions == []  # no apology: the member's question is answered instead
        await app.handle(event)
        await app.handle(event)
    assert echo.seen == ["still there?"]
    assert adapter.private(ALICE) == ["12 characters"]


class TwoReplies(EchoFeature):
    """Answers a question in two messages; the database fails between them the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = [_outage()]

    async def question(self, event: MessagePosted, ctx: Context) -> None:
        await reply(ctx, event, "first part")
        if self.failures:
            raise self.failures.pop()
        await reply(ctx, event, "second part")


async def test_a_resend_after_a_failure_part_way_sends_only_what_was_not_sent(
    store: Store,
) -> None:
    adapter, feature = RecordingAdapter(), TwoReplies()
    event = post("tell me in two parts", chat=dm(ALICE))
    async with make_app(store, adapter, [feature]) as app:
        with pytest.raises(SendAgain):
            await app.handle(event)
        assert adapter.private(ALICE) == ["first part"]
        await app.handle(event)  # the platform sends it again
        await app.handle(event)  # and again: done now
    assert adapter.private(ALICE) == ["first part", "second part"]


async def test_a_takeover_after_a_crash_repeats_no_answer_the_dead_instance_sent(
    store: Store,
) -> None:
    from datetime import timedelta

    from bot.store.models import ProcessedEvent

    adapter, echo = RecordingAdapter(), EchoFeature()
    event = post("are you still there?", chat=dm(ALICE))
    other = post("and this one?", chat=dm(ALICE))
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(event)
        await app.handle(other)
        # the instance died after answering, before marking either event done; the claims lapse
        stale = app.clock.now() - intake.CLAIM_LEASE - timedelta(seconds=1)
        async with store.session() as s:
            for key in (event.dedup_key, other.dedup_key):
                row = await s.get(ProcessedEvent, key)
                assert row is not None
                row.done, row.claimed_at = False, stale
        await app.handle(event)  # the re-send, taken over by another instance
    assert adapter.private(ALICE) == ["20 characters", "13 characters"]
    assert echo.seen == ["are you still there?", "and this one?", "are you still there?"]


async def test_the_notes_of_what_an_event_did_are_purged_with_the_event(store: Store) -> None:
    from datetime import timedelta

    from sqlalchemy import func, select

    from bot.clock import ManualClock
    from bot.store.models import EventEffect, ProcessedEvent

    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    async with make_app(store, RecordingAdapter(), [EchoFeature()], clock=clock) as app:
        await app.handle(post("an old question", chat=dm(ALICE)))
        clock.advance(timedelta(days=app.ctx.settings.bot.processed_events_days, minutes=1))
        new = post("a new question", user=BOB, chat=dm(BOB))
        await app.handle(new)
        await app.run_jobs_once()
        async with store.session() as s:
            events = (await s.scalars(select(ProcessedEvent.key))).all()
            effects = await s.scalar(select(func.count()).select_from(EventEffect))
    assert events == [new.dedup_key]
    assert effects == 1  # the new question's answer


async def test_an_event_another_instance_is_handling_is_sent_again_until_it_is_done(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.store.models import ProcessedEvent

    monkeypatch.setattr(intake, "IN_PROGRESS_WAIT", 0.1)
    echo = EchoFeature()
    event = post("one at a time", chat=dm(ALICE))
    async with make_app(store, RecordingAdapter(), [echo]) as app:
        async with store.session() as s:
            s.add(ProcessedEvent(key=event.dedup_key, claimed_at=app.clock.now(), done=False))
        with pytest.raises(SendAgain):
            await app.handle(event)
        async with store.session() as s:
            row = await s.get(ProcessedEvent, event.dedup_key)
            assert row is not None
            row.done = True
        await app.handle(event)
    assert echo.seen == []  # the other instance did it


async def test_with_a_deadline_an_event_is_answered_once_recorded_and_handled_after(
    store: Store,
) -> None:
    release = asyncio.Event()
    adapter = RecordingAdapter()

    class Slow(EchoFeature):
        async def question(self, event: MessagePosted, ctx: Context) -> None:
            await release.wait()
            await super().question(event, ctx)

    echo = Slow()
    event = post("take your time", chat=dm(ALICE))
    async with make_app(store, adapter, [echo]) as app:
        await app.handle(event, answer_within=1.0)  # returns: recorded, not yet handled
        assert echo.seen == []
        with pytest.raises(SendAgain):  # the platform's retry meanwhile is not a duplicate yet
            await app.handle(event, answer_within=1.0)
        release.set()
    # the app waited for it on the way out
    assert echo.seen == ["take your time"]
    assert adapter.private(ALICE) == ["14 characters"]


async def test_an_instance_with_too_many_events_in_hand_sends_new_ones_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "IN_HAND_LIMIT", 1)
    release = asyncio.Event()

    class Slow(EchoFeature):
        async def question(self, event: MessagePosted, ctx: Context) -> None:
            await release.wait()
            await super().question(event, ctx)

    echo = Slow()
    first, second = post("first", chat=dm(ALICE)), post("second", chat=dm(BOB))
    async with make_app(store, RecordingAdapter(), [echo]) as app:
        await app.handle(first, answer_within=1.0)  # in hand, still being handled
        with pytest.raises(SendAgain, match="busy"):
            await app.handle(second, answer_within=1.0)
        release.set()

        async def resent() -> bool:  # the platform sends it again until it is taken
            try:
                await app.handle(second)
            except SendAgain:
                return False
            return True

        await until(resent)
    assert echo.seen == ["first", "second"]
