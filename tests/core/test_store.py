"""The core's storage on each backend: schema, rooms and members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from bot.clock import ManualClock
from bot.config import ChatRole
from bot.events import Chat, ChatKind
from bot.members import Members
from bot.rooms import Rooms
from bot.store import Store
from tests.support import ALICE, GROUP, MODS


async def test_migrations_create_the_core_tables_and_are_idempotent(store: Store) -> None:
    await store.start()  # a second start finds nothing to do
    async with store.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert {"processed_events", "chats", "members", "pending_notices", "alembic_version"} <= tables


async def test_rooms_register_find_reassign_and_switch_off(store: Store) -> None:
    rooms = Rooms(store, ManualClock())
    await rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
    await rooms.register(MODS, ChatRole.MODERATORS)
    assert await rooms.find("test", ChatRole.MODERATORS) == MODS
    assert await rooms.role_of(GROUP) is ChatRole.PRACTICE_GROUP
    assert await rooms.role_of(Chat("test", "dm", ChatKind.DIRECT)) is None
    await rooms.register(MODS, ChatRole.EXPERTS)
    assert await rooms.find("test", ChatRole.MODERATORS) is None
    await rooms.set_options(GROUP, mode="audit")
    assert (await rooms.options(GROUP))["mode"] == "audit"
    await rooms.deactivate(GROUP)
    assert await rooms.role_of(GROUP) is None
    assert await rooms.all("test", ChatRole.PRACTICE_GROUP) == []


async def test_members_remember_reachability_and_time_zone(store: Store) -> None:
    members = Members(store, ManualClock())
    assert await members.is_reachable(ALICE)
    await members.set_reachable(ALICE, False)
    assert not await members.is_reachable(ALICE)
    await members.seen(ALICE, dm_open=True)
    assert await members.is_reachable(ALICE)
    await members.set_timezone(ALICE, "Europe/London")
    assert await members.timezone(ALICE) == "Europe/London"


async def test_two_instances_registering_one_chat_at_once_both_start(store: Store) -> None:
    """Bot processes starting together register the config's chats together: the one that
    looked before the other's row was written must update that row, not stop with an error."""
    first, second = Rooms(store, ManualClock()), Rooms(store, ManualClock())
    real = second._existing
    looked = False

    async def looked_too_early(s: Any, chat: Chat) -> Any:
        nonlocal looked
        if not looked:
            looked = True
            await first.register(chat, ChatRole.PRACTICE_GROUP)  # lands between look and write
            return None
        return await real(s, chat)

    second._existing = looked_too_early  # type: ignore[method-assign]
    await second.register(GROUP, ChatRole.PRACTICE_GROUP, {"mode": "audit"})
    assert await second.all("test", ChatRole.PRACTICE_GROUP) == [GROUP]
    assert (await second.options(GROUP))["mode"] == "audit"
