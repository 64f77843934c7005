"""Slack requests in (signed, over HTTP) -> core events, through the real slack-bolt app."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence

from adapters.slack.adapter import SlackAdapter
from bot.errors import SendAgain
from bot.events import ButtonPressed, ChatKind, MessageEdited, MessagePosted
from tests.slack import payloads as p
from tests.slack.conftest import MakeAdapter
from tests.slack.fake_slack import BOT_USER
from tests.support import Inbox


def port_of(adapter: SlackAdapter) -> int:
    assert adapter.bound_port is not None
    return adapter.bound_port


async def test_a_channel_post_arrives_with_author_name_and_thread(
    running: tuple[SlackAdapter, Inbox],
) -> None:
    adapter, inbox = running
    event = p.message("Anyone used the new referral form?", thread_ts="1709999999.000001")
    assert await p.send_event(port_of(adapter), p.callback(event)) == 200
    [posted] = await inbox.wait_for(1)
    assert isinstance(posted, MessagePosted) and not isinstance(posted, MessageEdited)
    assert posted.text == "Anyone used the new referral form?"
    assert posted.user.id == p.ALICE and posted.user.name == "alice"
    assert posted.chat.id == p.GROUP and posted.chat.kind is ChatKind.GROUP
    assert posted.thread_id == "1709999999.000001"
    assert posted.message_id == event["ts"]


async def test_forged_and_replayed_requests_get_401_and_reach_nobody(
    running: tuple[SlackAdapter, Inbox],
) -> None:
    adapter, inbox = running
    port = port_of(adapter)
    event = p.callback(p.message("hello"))
    assert await p.send_event(port, event, secret="not-our-secret") == 401
    six_minutes_ago = int(time.time()) - 360
    assert await p.send_event(port, event, at=six_minutes_ago) == 401
    body = json.dumps(event)
    tampered = p.sign(body)
    status, _ = await p.post(port, body.replace("hello", "hacked"), "application/json", tampered)
    assert status == 401
    await asyncio.sleep(0.2)
    assert inbox.events == []
    assert await p.send_event(port, event) == 200  # the same request, properly signed, gets in
    await inbox.wait_for(1)


async def test_a_retry_carries_the_same_event_id_and_mention_twins_share_it(
    running: tuple[SlackAdapter, Inbox],
) -> None:
    adapter, inbox = running
    port = port_of(adapter)
    event = p.message(f"<@{BOT_USER}> what is the lone working policy?")
    first = p.callback(event)
    assert await p.send_event(port, first) == 200
    # Slack did not hear our ack in time and sends it again; the core de-duplicates, so the
    # adapter passes it on rather than dropping it (the first try may have crashed).
    assert await p.send_event(port, first, retry=1) == 200
    mention = p.app_mention(event["text"], ts=event["ts"])
    assert await p.send_event(port, p.callback(mention)) == 200
    events = await inbox.wait_for(3)
    assert len({e.dedup_key for e in events}) == 1
    assert all(isinstance(e, MessagePosted) and e.mentions_bot for e in events)
    assert events[0].text == "what is the lone working policy?"  # type: ignore[attr-defined]


async def test_edits_files_dms_and_own_messages(running: tuple[SlackAdapter, Inbox]) -> None:
    adapter, inbox = running
    port = port_of(adapter)
    original = p.message("Visited the family today")
    files = [{"id": "F1", "name": "care-plan-J-Smith.pdf", "title": "care plan"}]
    await p.send_event(port, p.callback(p.message("see attached", files=files)))
    await p.send_event(port, p.callback(p.edited(original, "Visited a family today")))
    await p.send_event(port, p.callback(p.message("hi bot", channel="DALICE")))
    await p.send_event(port, p.callback(p.message("our own card", user=BOT_USER)))
    await p.send_event(port, p.callback(p.edited(original, original["text"])))  # an unfurl
    events = await inbox.wait_for(3)
    await asyncio.sleep(0.3)
    assert len(events) == 3, events
    shared, edit, dm = events_by_kind(events)
    assert shared.text == "see attached" and shared.file_names == ("care-plan-J-Smith.pdf",)
    assert isinstance(edit, MessageEdited) and edit.text == "Visited a family today"
    assert edit.message_id == original["ts"]
    assert dm.chat.kind is ChatKind.DIRECT and dm.text == "hi bot"


def events_by_kind(events: Sequence[object]) -> tuple[MessagePosted, MessagePosted, MessagePosted]:
    shared = next(e for e in events if isinstance(e, MessagePosted) and e.file_names)
    edit = next(e for e in events if isinstance(e, MessageEdited))
    dm = next(e for e in events if isinstance(e, MessagePosted) and e.chat.kind is ChatKind.DIRECT)
    return shared, edit, dm


async def test_slash_command_and_button_reach_the_core_with_slacks_deadline(
    make_adapter: MakeAdapter,
) -> None:
    seen: list[tuple[object, float | None]] = []

    async def sink(event: object, *, answer_within: float | None = None) -> None:
        seen.append((event, answer_within))  # the core answers by then (tests/core)

    adapter = make_adapter()
    await adapter.start(sink)
    try:
        port = port_of(adapter)
        assert await p.send_form(port, p.slash("learn safeguarding-basics")) == 200
        card = {"ts": "1710000000.000777", "text": "card"}
        press = p.block_actions(card, "mod:restore:42", user=p.MOD, channel=p.MODS)
        assert await p.press(port, press) == 200
    finally:
        await adapter.stop()
    (command, command_deadline), (pressed, press_deadline) = seen
    assert isinstance(command, MessagePosted) and command.text == "/learn safeguarding-basics"
    assert isinstance(pressed, ButtonPressed) and pressed.data == "mod:restore:42"
    assert pressed.message_id == card["ts"] and pressed.chat.id == p.MODS
    # Slack gives up on an answer after 3 seconds
    assert command_deadline is not None and press_deadline is not None
    assert command_deadline < 3 and press_deadline < 3


async def test_what_the_core_could_not_record_is_answered_503_so_slack_sends_it_again(
    make_adapter: MakeAdapter,
) -> None:
    async def sink(event: object, *, answer_within: float | None = None) -> None:
        raise SendAgain("the database did not record it")

    adapter = make_adapter()
    await adapter.start(sink)
    try:
        port = port_of(adapter)
        assert await p.send_event(port, p.callback(p.message("a post"))) == 503
        assert await p.send_form(port, p.slash("help")) == 503
    finally:
        await adapter.stop()


async def test_the_request_url_check_is_answered_with_the_challenge(
    running: tuple[SlackAdapter, Inbox],
) -> None:
    adapter, inbox = running
    body = json.dumps(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    status, answer = await p.post(port_of(adapter), body, "application/json", p.sign(body))
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in answer
    assert inbox.events == []


async def test_stop_lets_acked_events_finish(make_adapter: MakeAdapter) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def slow_sink(event: object, *, answer_within: float | None = None) -> None:
        started.set()
        await asyncio.sleep(0.5)
        finished.append(type(event).__name__)

    adapter = make_adapter()
    await adapter.start(slow_sink)
    assert await p.send_event(port_of(adapter), p.callback(p.message("late one"))) == 200
    await asyncio.wait_for(started.wait(), 5)
    await adapter.stop()  # Slack has its ack and will not send it again: it must not be lost
    assert finished == ["MessagePosted"]
