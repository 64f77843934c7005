"""The moderation feature end to end through the app: what authors, groups and moderators see."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Button, Delete, PrivateNotice, Send, Update
from bot.app import App
from bot.clock import ManualClock
from bot.config import ChatRole
from bot.crypto import Crypto
from bot.errors import ActionNotPermitted, ConfigError
from bot.events import ButtonPressed, Chat, MessageEdited, MessagePosted, User
from bot.store import Store
from handlers.moderation.records import HeldPosts
from tests.support import ALICE, BOB, GROUP, MODS, PLATFORM, RecordingAdapter, make_app, post

BREACH = "visited Doreen Pike at 14 Elm Road today, NHS 943 476 5919, she's refusing meds"
REDACTED = "visited [PERSON] at [ADDRESS] today, NHS [NHS_NUMBER], she's refusing meds"
MOD = User(PLATFORM, "u-mod", "mod")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class Bot:
    app: App
    adapter: RecordingAdapter
    clock: ManualClock

    async def say(self, event: MessagePosted) -> MessagePosted:
        await self.app.handle(event)
        return event

    async def press(self, data: str, user: User = MOD, chat: Chat = MODS) -> None:
        card = self.cards()[-1] if self.cards() else None
        await self.app.handle(
            ButtonPressed(
                event_id=uuid.uuid4().hex,
                chat=chat,
                user=user,
                time=self.clock.now(),
                message_id=card.message_id if isinstance(card, Update) else "card",
                data=data,
            )
        )

    def cards(self) -> list[Send | Update]:
        return [a for a in self.adapter.actions if isinstance(a, Send | Update) and a.chat == MODS]

    def buttons(self) -> tuple[Button, ...]:
        sends = [a for a in self.cards() if isinstance(a, Send) and a.buttons]
        return sends[-1].buttons

    def button(self, label: str) -> str:
        return next(b.data for b in self.buttons() if b.label == label)

    def notices_to(self, user: User) -> list[str]:
        return [
            a.text for a in self.adapter.actions if isinstance(a, PrivateNotice) and a.user == user
        ]

    def deleted(self) -> list[str]:
        return [a.message_id for a in self.adapter.actions if isinstance(a, Delete)]


async def start_bot(
    store: Store, adapter: RecordingAdapter | None = None, **moderation: object
) -> tuple[App, Bot]:
    adapter = adapter or RecordingAdapter()
    clock = ManualClock(T0)
    app = make_app(
        store,
        adapter,
        ("handlers.admin", "handlers.moderation"),
        clock=clock,
        moderation=dict(moderation),
    )
    return app, Bot(app, adapter, clock)


@pytest.fixture
async def bot(store: Store) -> AsyncIterator[Bot]:
    app, harness = await start_bot(store)
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        yield harness


async def test_an_identifying_post_is_removed_explained_to_its_author_and_carded(bot: Bot) -> None:
    event = await bot.say(post(BREACH))
    assert bot.deleted() == [event.message_id]
    [notice] = bot.notices_to(ALICE)
    assert "a name, an address, an NHS or CHI number" in notice
    assert REDACTED in notice and "Why it matters" in notice
    [card] = bot.cards()
    assert (
        "Practice group" in card.text
        and "alice" in card.text
        and "02 Mar 2026 10:00 UTC" in card.text
    )
    assert f"Preview: {REDACTED}" in card.text and "Doreen" not in card.text
    assert "A street address shows where a person lives" in card.text
    assert [b.label for b in bot.buttons()] == [
        "Restore",
        "Keep removed",
        "Keep removed and remind author",
        "Show original",
    ]
    assert all(len(b.data.encode()) <= 64 for b in bot.buttons())


async def test_a_breach_taken_over_after_a_crash_is_held_removed_and_carded_once(
    bot: Bot, store: Store
) -> None:
    from bot import intake
    from bot.store.models import ProcessedEvent

    event = await bot.say(post(BREACH))
    # the instance died after carding it, before marking the post done; its claim lapsed
    async with store.session() as s:
        row = await s.get(ProcessedEvent, event.dedup_key)
        assert row is not None
        row.done = False
        row.claimed_at = bot.clock.now() - intake.CLAIM_LEASE - timedelta(seconds=1)
    await bot.say(event)  # the platform's re-send, taken over
    assert bot.deleted() == [event.message_id]
    assert len(bot.notices_to(ALICE)) == 1
    [card] = bot.cards()
    assert "Held post #1 " in card.text
    assert await HeldPosts(store).get(2) is None


async def test_the_card_says_why_in_plain_words_and_keeps_none_of_the_words_found(
    bot: Bot, store: Store
) -> None:
    await bot.say(post("Faith had another fall in the lounge this morning"))
    [card] = bot.cards()
    assert "a name (first name in a post about a fall): A name lets readers know" in card.text
    held = await HeldPosts(store).get(1)
    assert held is not None and held.explanations == [
        ["PERSON", "first name in a post about a fall"]
    ]
    assert "Faith" not in str(held.explanations)
    await bot.say(post(BREACH))
    card = bot.cards()[-1]
    assert "a name (full name)" in card.text
    assert "an NHS or CHI number (10 digits with a valid NHS check digit)" in card.text
    held = await HeldPosts(store).get(2)
    assert held is not None and held.explanations is not None
    assert not any(word in str(held.explanations) for word in ("Doreen", "Elm", "943"))


async def test_a_safe_post_leaves_no_trace(bot: Bot) -> None:
    await bot.say(post("Anyone going to the Care Act 2014 training in Leeds on 12 March?"))
    assert bot.adapter.actions == []
    assert sum((await HeldPosts(bot.app.ctx.store).counts()).by_group.values()) == 0


async def test_restore_reposts_the_original_naming_the_author_and_updates_the_card(
    bot: Bot,
) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Restore"))
    reposts = [a for a in bot.adapter.actions if isinstance(a, Send) and a.chat == GROUP]
    assert len(reposts) == 1 and reposts[0].text.startswith("alice wrote")
    assert BREACH in reposts[0].text
    update = bot.cards()[-1]
    assert isinstance(update, Update)
    assert "Decision: restored (false alarm) by mod at 02 Mar 2026 10:00 UTC" in update.text
    assert "restored your post" in bot.notices_to(ALICE)[-1]


async def test_a_second_press_says_who_decided_and_when(bot: Bot) -> None:
    await bot.say(post(BREACH))
    keep, restore = bot.button("Keep removed"), bot.button("Restore")
    await bot.press(keep)
    bot.clock.advance(timedelta(minutes=5))
    await bot.press(restore, user=BOB)
    answer = [a for a in bot.adapter.actions if isinstance(a, PrivateNotice) and a.user == BOB]
    assert "already decided by mod at 02 Mar 2026 10:00 UTC: kept removed" in answer[-1].text
    assert not [a for a in bot.adapter.actions if isinstance(a, Send) and a.chat == GROUP]


async def test_keep_and_remind_sends_the_policy_reminder_to_the_author(bot: Bot) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Keep removed and remind author"))
    assert "A reminder from the moderators" in bot.notices_to(ALICE)[-1]
    assert "kept removed, author reminded" in bot.cards()[-1].text


async def test_show_original_goes_to_that_moderator_alone_and_is_logged(bot: Bot) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Show original"))
    assert BREACH in bot.notices_to(MOD)[-1]
    assert not any(BREACH in a.text for a in bot.cards())
    [held] = await HeldPosts(bot.app.ctx.store).undecided(PLATFORM)
    assert held.original is not None and b"Doreen" not in held.original  # encrypted at rest
    trail = await HeldPosts(bot.app.ctx.store).audit_trail(held.id)
    assert [(e.action, e.actor) for e in trail] == [("held", "detector"), ("show_original", "mod")]


async def test_buttons_pressed_outside_the_moderators_room_do_nothing(bot: Bot) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Show original"), user=BOB, chat=GROUP)
    assert "Only moderators" in bot.notices_to(BOB)[-1]
    assert not any(BREACH in text for text in bot.notices_to(BOB))


async def test_queue_lists_undecided_posts(bot: Bot) -> None:
    await bot.say(post(BREACH))
    keep_alices = bot.button("Keep removed")
    await bot.say(post("Mrs Holloway's daughter rang again", user=BOB))
    await bot.press(keep_alices)
    await bot.say(post("/queue", user=MOD, chat=MODS))
    listing = bot.cards()[-1].text
    assert "1 held post is waiting" in listing and "bob" in listing and "alice" not in listing


async def test_a_very_long_held_post_is_shown_as_a_bounded_preview(bot: Bot) -> None:
    long_post = BREACH + " " + "and then we talked about the garden for a while " * 400
    assert len(long_post) > 19_000
    await bot.say(post(long_post))
    card = bot.cards()[-1].text
    assert REDACTED in card and len(card) < 1_500
    assert "more characters)" in card and "Doreen" not in card
    for n in range(25):
        await bot.say(post(f"Mrs Holloway's daughter rang again, {n}", user=BOB))
    await bot.say(post("/queue", user=MOD, chat=MODS))
    listing = bot.cards()[-1].text
    assert listing.startswith("26 held posts are waiting for a decision:")
    assert len(listing) < 4_000 and "… and 6 more; decide these first." in listing


async def test_an_edit_that_introduces_a_breach_is_held(bot: Bot) -> None:
    first = await bot.say(post("Visit went fine today"))
    assert bot.adapter.actions == []
    edit = edit_of(first, "Visit to Doreen Pike went fine today")
    await bot.say(edit)
    assert bot.deleted() == [first.message_id]
    assert len(bot.cards()) == 1


async def test_editing_a_held_post_updates_its_card_instead_of_a_new_one(store: Store) -> None:
    adapter = RecordingAdapter(
        capabilities=replace(RecordingAdapter().capabilities, delete_others=False)
    )
    app, bot = await start_bot(store, adapter)
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        first = await bot.say(post(BREACH))
        still = edit_of(first, "visited Doreen Pike today")
        await bot.say(still)
        assert len([a for a in bot.cards() if isinstance(a, Send)]) == 1
        assert "still identifies" in bot.cards()[-1].text
        assert bot.notices_to(ALICE)[-1].startswith("Your edit still identifies a person.")
        assert bot.deleted() == []
        assert "Preview: visited [PERSON] today" in bot.cards()[-1].text
        assert "a name (full name)" in bot.cards()[-1].text
        assert "an address" not in bot.cards()[-1].text  # the edit took the address out
        fixed = edit_of(first, "visited Mrs A today")
        await bot.say(fixed)
        assert "fixed by the author's edit by alice" in bot.cards()[-1].text


async def test_where_the_bot_cannot_delete_the_author_is_asked_and_the_card_says_visible(
    store: Store,
) -> None:
    adapter = RecordingAdapter(
        capabilities=replace(RecordingAdapter().capabilities, delete_others=False)
    )
    app, bot = await start_bot(store, adapter)
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        await bot.say(post(BREACH))
        assert bot.deleted() == []
        assert "cannot remove it there: please delete it now" in bot.notices_to(ALICE)[0]
        assert "STILL VISIBLE" in bot.cards()[0].text


async def test_a_refused_delete_falls_back_to_asking_the_author(store: Store) -> None:
    adapter = RecordingAdapter(failures=[ActionNotPermitted("not an admin")])
    app, bot = await start_bot(store, adapter)
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        await bot.say(post(BREACH))
        assert "please delete it now" in bot.notices_to(ALICE)[0]
        assert "STILL VISIBLE" in bot.cards()[0].text


async def test_audit_mode_leaves_the_post_and_alerts_moderators_only(store: Store) -> None:
    app, bot = await start_bot(store, mode="audit")
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        await bot.say(post(BREACH))
        assert bot.deleted() == [] and bot.notices_to(ALICE) == []
        assert "Audit only: the post is still visible" in bot.cards()[0].text
        assert [b.label for b in bot.buttons()][:3] == [
            "False alarm",
            "Breach noted",
            "Breach: remind author",
        ]


async def test_mode_off_and_the_moderators_room_are_not_screened(bot: Bot) -> None:
    await bot.say(post(BREACH, user=MOD, chat=MODS))
    assert bot.adapter.actions == []
    await bot.say(post("/mode off", user=MOD, chat=MODS))
    assert "Mode for Practice group is now off" in bot.cards()[-1].text
    await bot.say(post(BREACH))
    assert bot.deleted() == []


async def test_sensitivity_per_group_changes_what_is_held(bot: Bot) -> None:
    await bot.say(post("ring 07700 900123 after six"))
    assert len(bot.deleted()) == 1
    await bot.say(post("/sensitivity low", user=MOD, chat=MODS))
    assert "Sensitivity for Practice group is now low" in bot.cards()[-1].text
    await bot.say(post("ring 07700 900123 after six"))
    assert len(bot.deleted()) == 1
    await bot.say(post("/sensitivity extreme", user=MOD, chat=MODS))
    assert "needs one of low, normal, high" in bot.notices_to(MOD)[-1]


async def test_mode_names_the_group_when_there_are_several(bot: Bot) -> None:
    nurses = Chat(PLATFORM, "g2", GROUP.kind, "Nurses")
    await bot.app.ctx.rooms.register(nurses, ChatRole.PRACTICE_GROUP)
    await bot.say(post("/mode audit", user=MOD, chat=MODS))
    assert "Which group?" in bot.notices_to(MOD)[-1]
    await bot.say(post("/mode Nurses audit", user=MOD, chat=MODS))
    await bot.say(post("/mode", user=MOD, chat=MODS))
    assert "1. Practice group: enforce" in bot.cards()[-1].text
    assert "2. Nurses: audit" in bot.cards()[-1].text


async def test_allow_lists_edited_by_moderators_let_posts_through(bot: Bot) -> None:
    await bot.say(post("/allow staff Doreen", user=MOD, chat=MODS))
    await bot.say(post("/allow domain example.com", user=MOD, chat=MODS))
    await bot.say(post("/allow", user=MOD, chat=MODS))
    assert "staff names: Doreen" in bot.cards()[-1].text
    assert "e-mail domains: example.com" in bot.cards()[-1].text
    await bot.say(post("Doreen refused her meds again today, mail doreen.pike@example.com"))
    assert bot.deleted() == []
    await bot.say(post("/disallow staff Doreen", user=MOD, chat=MODS))
    await bot.say(post("Doreen refused her meds again today"))
    assert len(bot.deleted()) == 1


async def test_file_names_and_thread_replies_are_screened_and_restored_in_the_thread(
    bot: Bot,
) -> None:
    reply = replace(
        post("see the attached notes"), thread_id="t1", file_names=("Doreen Pike care plan.pdf",)
    )
    await bot.say(reply)
    assert bot.deleted() == [reply.message_id]
    await bot.press(bot.button("Restore"))
    [repost] = [a for a in bot.adapter.actions if isinstance(a, Send) and a.chat == GROUP]
    assert repost.thread_id == "t1" and "Doreen Pike care plan.pdf" in repost.text


async def test_originals_are_purged_after_the_retention_period(bot: Bot) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Keep removed"))
    bot.clock.advance(timedelta(days=29))
    await bot.app.run_jobs_once()
    await bot.press(bot.button("Show original"))
    assert BREACH in bot.notices_to(MOD)[-1]
    bot.clock.advance(timedelta(days=2))
    await bot.app.run_jobs_once()
    await bot.press(bot.button("Show original"))
    assert "no longer kept" in bot.notices_to(MOD)[-1] and BREACH not in bot.notices_to(MOD)[-1]


async def test_stats_has_a_moderation_section(bot: Bot) -> None:
    await bot.say(post(BREACH))
    await bot.press(bot.button("Keep removed"))
    await bot.say(post("/stats", user=MOD, chat=MODS))
    stats = bot.cards()[-1].text
    assert "Moderation: 1 held" in stats and "Practice group 1" in stats
    assert "NHS_NUMBER 1" in stats and "keep 1" in stats


async def test_enforce_mode_refuses_to_start_without_a_secret_key(store: Store) -> None:
    app, _ = await start_bot(store)
    app.ctx.crypto_key = None
    with pytest.raises(ConfigError, match="PRACTICEBOT_SECRET_KEY"):
        async with app:
            pass


async def test_audit_mode_starts_without_a_key_and_keeps_no_original(store: Store) -> None:
    app, bot = await start_bot(store, mode="audit")
    app.ctx.crypto_key = None
    async with app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(MODS, ChatRole.MODERATORS)
        await bot.say(post(BREACH))
        assert "Show original" not in [b.label for b in bot.buttons()]


def edit_of(event: MessagePosted, text: str) -> MessageEdited:
    return MessageEdited(
        event_id=uuid.uuid4().hex,
        chat=event.chat,
        user=event.user,
        time=event.time,
        message_id=event.message_id,
        text=text,
        thread_id=event.thread_id,
    )


async def test_restore_with_a_changed_key_decides_nothing(bot: Bot) -> None:
    await bot.say(post(BREACH))
    bot.app.ctx.crypto_key = Crypto("another-secret-key-entirely")
    await bot.press(bot.button("Restore"))
    assert "no longer in PRACTICEBOT_SECRET_KEY" in bot.notices_to(MOD)[-1]
    assert len(await HeldPosts(bot.app.ctx.store).undecided(PLATFORM)) == 1
    assert not [a for a in bot.adapter.actions if isinstance(a, Send) and a.chat == GROUP]


@pytest.mark.parametrize("junk", ["\ud800", "\udcff\udcfe"])  # JSON "\ud800"; undecodable bytes
async def test_a_post_holding_a_lone_surrogate_is_held_and_kept_not_lost(
    bot: Bot, junk: str
) -> None:
    await bot.say(post(f"visited Doreen Pike {junk} at 14 Elm Road today"))
    [held] = await HeldPosts(bot.app.ctx.store).undecided(PLATFORM)
    assert "[PERSON]" in bot.cards()[-1].text
    await bot.press(bot.button("Show original"))
    shown = bot.notices_to(MOD)[-1]
    assert "visited Doreen Pike \ufffd" in shown and "at 14 Elm Road today" in shown
    await bot.press(bot.button("Restore"), chat=MODS)
    reposts = [a for a in bot.adapter.actions if isinstance(a, Send) and a.chat == GROUP]
    assert "at 14 Elm Road today" in reposts[-1].text
    assert held.original is not None


def test_text_with_a_lone_surrogate_is_encrypted_and_decrypted_as_it_came() -> None:
    crypto = Crypto("a-long-enough-secret-key")
    assert crypto.decrypt(crypto.encrypt("Doreen \ud800 Pike")) == "Doreen \ud800 Pike"


async def test_a_post_held_with_a_key_no_longer_given_is_explained_to_the_moderator(
    bot: Bot,
) -> None:
    await bot.say(post(BREACH))
    bot.app.ctx.crypto_key = Crypto("a-newer-key-without-the-old-one")
    await bot.press(bot.button("Show original"))
    await bot.press(bot.button("Restore"))
    said = [a.text for a in bot.adapter.actions if isinstance(a, PrivateNotice) and a.user == MOD]
    assert len(said) == 2 and all("no longer in PRACTICEBOT_SECRET_KEY" in t for t in said)
    assert not any("Doreen" in t for t in said)
    [held] = await HeldPosts(bot.app.ctx.store).undecided(PLATFORM)  # nothing was decided
    assert held.decision is None
    bot.app.ctx.crypto_key = Crypto(
        "a-newer-key-without-the-old-one, test-secret-key-for-the-suite"
    )
    await bot.press(bot.button("Show original"))
    assert "visited Doreen Pike" in bot.notices_to(MOD)[-1]
