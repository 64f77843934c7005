"""End to end through the core: webhook secret, re-delivery, a 429 storm, a migrated group,
a member who never opened a DM."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp

from bot.actions import PrivateNotice, Send
from bot.config import ChatRole
from bot.events import Chat, ChatKind, User
from tests.support import until
from tests.telegram import updates as u
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.scenario import SECRET, telegram_bot, tg_chat


async def _webhook(port: int, body: dict[str, object], secret: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/telegram/webhook",
            data=json.dumps(body),
            headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
        ) as response,
    ):
        return response.status


async def test_webhook_wrong_secret_is_rejected_and_redelivery_answers_once(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    fake.dm_opened.add(u.ALICE["id"])
    async with telegram_bot(fake, tmp_path, webhook=True) as (_, adapter):
        port = adapter.webhook_port
        assert port is not None
        update = {"update_id": 7001, **u.posted("/help", chat=u.GROUP)}
        assert await _webhook(port, update, "not-the-secret") == 401
        assert fake.sent_to(u.ALICE["id"]) == []
        assert await _webhook(port, update, SECRET) == 200
        # Telegram re-sends an update it thinks we missed (we answered too slowly, say)
        assert await _webhook(port, update, SECRET) == 200
        # /help in a group is answered privately: by DM, once
        answers = fake.sent_to(u.ALICE["id"])
        assert len(answers) == 1 and "/help" in answers[0]


async def test_429_storm_during_bulk_delivery_loses_nothing(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    members = [User("telegram", str(7000 + i), f"learner{i}") for i in range(15)]
    fake.dm_opened.update(int(m.id) for m in members)
    fake.flood["sendMessage"] = (5, 1.0)  # Telegram allows 5 a second here, then 429
    fake.flood_retry_after = 1
    async with telegram_bot(fake, tmp_path) as (app, _):
        results = await asyncio.gather(
            *(app.ctx.act(PrivateNotice(user=m, text=f"task for {m.name}")) for m in members)
        )
    refused = [c for c in fake.calls if c.method == "sendMessage" and not c.params.get("_ok")]
    assert refused, "the storm never happened: the fake did not answer 429"
    for member in members:
        assert fake.sent_to(int(member.id)) == [f"task for {member.name}"]  # once, none lost
    assert all(r.message_id for r in results)


async def test_group_migrated_to_supergroup_keeps_working(fake: FakeBotAPI, tmp_path: Path) -> None:
    new_id = -1004242424242
    fake.add_chat({"id": new_id, "type": "supergroup", "title": "Practice group"})
    async with telegram_bot(fake, tmp_path) as (app, _):
        old = tg_chat(u.OLD_GROUP)
        await app.ctx.rooms.register(old, ChatRole.PRACTICE_GROUP)
        fake.migrated[u.OLD_GROUP["id"]] = new_id
        fake.push(u.migrated(u.OLD_GROUP, new_id))
        new = Chat("telegram", str(new_id), ChatKind.GROUP)

        async def moved() -> bool:
            return await app.ctx.rooms.role_of(new) is ChatRole.PRACTICE_GROUP

        await until(moved)
        assert await app.ctx.rooms.role_of(old) is None
        # A feature still holding the old id: Telegram says "migrated", the message still lands.
        await app.ctx.act(Send(chat=old, text="Weekly reflection prompt"))
        # ...and members posting in the new supergroup are answered there.
        fake.push(u.posted("/help", chat={"id": new_id, "type": "supergroup", "title": "P"}))
        await until(lambda: len(fake.sent_to(new_id)) == 2)
    assert fake.sent_to(new_id)[0] == "Weekly reflection prompt"


async def test_notice_waits_for_a_member_who_never_opened_a_dm(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    alice = User("telegram", str(u.ALICE["id"]), "alice_ng")
    async with telegram_bot(fake, tmp_path) as (app, _):
        await app.ctx.act(
            PrivateNotice(
                user=alice, text="Your post was held for review.", context=tg_chat(u.GROUP)
            )
        )
        [nudge] = fake.sent_to(u.GROUP["id"])
        assert "@alice_ng" in nudge and "held" not in nudge  # reveals nothing in the group
        # Alice opens a DM with the bot: Telegram now lets us write to her.
        fake.dm_opened.add(int(alice.id))
        fake.push(u.posted("/start", chat=u.private_chat(u.ALICE), user=u.ALICE))
        await until(lambda: "Your post was held for review." in fake.sent_to(int(alice.id)))


async def test_the_slash_menu_follows_the_installed_features(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    async with telegram_bot(fake, tmp_path, features=("admin", "learning", "questions")):
        private = {c["command"] for c in fake.commands["all_private_chats"]}
        groups = {c["command"] for c in fake.commands["all_group_chats"]}
    assert {"learn", "cpd", "ask", "help", "start"} <= private
    assert "stats" in groups and "stats" not in private  # it works in the moderators' room
    assert "setup" not in private | groups  # for admins only: not on everyone's menu


async def test_a_member_who_joins_is_known_for_enrolment_before_they_post(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    from sqlalchemy import select

    from bot.events import MemberJoined, User
    from bot.store.models import MemberRecord

    async with telegram_bot(fake, tmp_path) as (app, _):
        joined = User("telegram", "777", "Precious")
        await app.handle(
            MemberJoined(event_id="j1", chat=tg_chat(u.GROUP), user=joined, time=app.clock.now())
        )
        async with app.ctx.store.session() as s:
            names = list(await s.scalars(select(MemberRecord.name)))
    assert names == ["Precious"]
