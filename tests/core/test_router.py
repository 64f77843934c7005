"""Commands land where they belong: admin-only, room-only, and /setup registering a room."""

from __future__ import annotations

from bot.config import ChatRole
from bot.store import Store
from tests.support import ADMIN, ALICE, GROUP, MODS, RecordingAdapter, dm, make_app, post


async def test_setup_is_for_admins_only(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter) as app:
        await app.handle(post("/setup moderators", user=ALICE, chat=MODS))
        assert await app.ctx.rooms.role_of(MODS) is None
        await app.handle(post("/setup moderators", user=ADMIN, chat=MODS))
        assert await app.ctx.rooms.role_of(MODS) is ChatRole.MODERATORS
    assert adapter.private(ALICE) == ["/setup is for the bot's admins only."]
    assert adapter.to(MODS)[-1] == "Done: this chat is now the moderators' room."


async def test_setup_with_a_wrong_word_says_what_it_needs(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter) as app:
        await app.handle(post("/setup modertors", user=ADMIN, chat=MODS))
    assert "group, moderators, experts, off" in adapter.private(ADMIN)[0]


async def test_a_room_command_elsewhere_says_where_it_works(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter) as app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        await app.handle(post("/stats", user=ALICE, chat=GROUP))
        await app.handle(post("/stats", user=ALICE, chat=dm(ALICE)))
    assert adapter.private(ALICE) == [
        "/stats works in the moderators' room.",
        "/stats works in the moderators' room.",
    ]


async def test_help_lists_only_what_works_here(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter) as app:
        await app.handle(post("/help", user=ALICE, chat=dm(ALICE)))
    (text,) = adapter.private(ALICE)
    assert "/help" in text and "/start" in text
    assert "/setup" not in text and "/stats" not in text


async def test_help_without_its_slash_in_a_dm_lists_the_commands(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, ("handlers.admin", "handlers.questions")) as app:
        await app.handle(post("/help", user=ALICE, chat=dm(ALICE)))
        await app.handle(post("help", user=ALICE, chat=dm(ALICE)))
        await app.handle(post("Help?", user=ALICE, chat=dm(ALICE)))
    listing, bare, asked = adapter.private(ALICE)
    assert bare == listing and asked == listing
