"""The console group as a person at a terminal uses it: rooms, DMs, buttons by number, clock."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from adapters.console.runner import local_secret
from adapters.console.session import ConsoleSession, ScriptError
from bot.actions import Button, PrivateNotice, Send, Update
from bot.clock import ScenarioClock
from bot.config import load_settings
from bot.errors import ConfigError
from bot.events import ButtonPressed, Event, MessageEdited, MessagePosted, User


def make_session(
    tmp_path: Path,
) -> tuple[ConsoleSession, ConsoleAdapter, list[Event], io.StringIO, ScenarioClock]:
    out = io.StringIO()
    settings = load_settings(env={})
    adapter = ConsoleAdapter(settings, out=out, files_dir=tmp_path)
    events: list[Event] = []
    ticks: list[int] = []
    clock = ScenarioClock()

    async def handle(event: Event) -> None:
        events.append(event)

    async def tick() -> None:
        ticks.append(1)

    session = ConsoleSession(adapter, handle, clock, tick, settings.bot.name)
    return session, adapter, events, out, clock


async def test_lines_become_events_in_the_right_chats(tmp_path: Path) -> None:
    session, _, events, _, _ = make_session(tmp_path)
    await session.play(
        [
            "alice> morning all",
            "alice>> a private question",
            "mod@moderators> /queue",
            "alice~> morning everyone",
            "bob> @PracticeBot what is s42? [file: notes.pdf]",
        ]
    )
    kinds = [(type(e).__name__, e.chat.id, e.user.id) for e in events]
    assert kinds == [
        ("MessagePosted", "group", "alice"),
        ("MessagePosted", "dm:alice", "alice"),
        ("MessagePosted", "moderators", "mod"),
        ("MessageEdited", "group", "alice"),
        ("MessagePosted", "group", "bob"),
    ]
    edit = events[3]
    assert isinstance(edit, MessageEdited) and edit.message_id == events[0].message_id  # type: ignore[attr-defined]
    last = events[4]
    assert isinstance(last, MessagePosted)
    assert last.mentions_bot and last.file_names == ("notes.pdf",)
    assert "[file:" not in last.text


async def test_buttons_are_pressed_by_number_on_the_newest_card_a_member_can_see(
    tmp_path: Path,
) -> None:
    session, adapter, events, out, _ = make_session(tmp_path)
    mods = await adapter.perform(
        Send(
            chat=_room("moderators"),
            text="Held post",
            buttons=(Button("Restore", "mod:r:1"), Button("Keep", "mod:k:1")),
        )
    )
    await adapter.perform(
        PrivateNotice(
            user=User("console", "alice", "alice"), text="Quiz", buttons=(Button("A", "learn:a"),)
        )
    )
    await session.line("mod! 2")
    await session.line("alice! 1")
    presses = [e for e in events if isinstance(e, ButtonPressed)]
    assert [(p.user.id, p.data, p.message_id) for p in presses] == [
        ("mod", "mod:k:1", mods.message_id),
        ("alice", "learn:a", "2"),
    ]
    await adapter.perform(
        Update(chat=_room("moderators"), message_id=str(mods.message_id), text="Kept by mod")
    )
    printed = out.getvalue().splitlines()
    assert printed[0] == "[moderators] Held post [1] Restore [2] Keep (card 1)"
    assert printed[1] == "[dm:alice] Quiz [1] A (card 2)"
    assert printed[2].startswith("[moderators] (card 1 updated) Kept by mod")
    with pytest.raises(ScriptError, match=r"the newest card alice may press has buttons 1\.\.1"):
        await session.line("alice! 3")
    with pytest.raises(ScriptError, match="no card"):
        await session.line("sam! 1")


async def test_clock_directives_move_scenario_time_and_tick_runs_jobs(tmp_path: Path) -> None:
    session, _, events, _, _clock = make_session(tmp_path)
    await session.play(["@clock 2026-03-27T09:00Z", "@advance 90m", "alice>> hi", "@tick"])
    assert events[0].time.isoformat() == "2026-03-27T10:30:00+00:00"
    errors = await session.play(["@clock tomorrow", "@advance ages", "@frobnicate", "@redeliver"])
    assert errors[0].startswith("line 1: @clock needs an ISO time")
    assert errors[1].startswith("line 2: @advance needs a duration")
    assert errors[2].startswith("line 3: unknown directive @frobnicate")
    assert len(errors) == 3  # @redeliver re-sent the last event
    assert events[-1].event_id == events[0].event_id


async def test_a_press_goes_to_the_newest_card_that_person_may_press(tmp_path: Path) -> None:
    session, adapter, events, out, _ = make_session(tmp_path)
    expert_card = await adapter.perform(
        Send(chat=_room("experts"), text="Question #1", buttons=(Button("Answer", "q:a:1"),))
    )
    await session.line("alice> can I accept a friend request from someone I support?")
    question = events[-1]
    answer = await adapter.perform(
        Send(
            chat=_room("group"),
            text="No.",
            buttons=(Button("Helpful", "q:h:2"), Button("Not helpful", "q:n:2")),
            reply_to=question.message_id,  # type: ignore[attr-defined]
        )
    )
    await session.line("expert! 1")  # the newest card is alice's answer: not the expert's
    await session.line("alice! 1")
    presses = [(e.user.id, e.data, e.message_id) for e in events if isinstance(e, ButtonPressed)]
    assert presses == [
        ("expert", "q:a:1", expert_card.message_id),
        ("alice", "q:h:2", answer.message_id),
    ]
    with pytest.raises(ScriptError, match="bob has no card with buttons they may press"):
        await session.line("bob! 1")
    with pytest.raises(ScriptError, match="the experts' room"):
        await session.line(f"mod! 1 card {expert_card.message_id}")
    # named by its number, a group card is anyone's to press, as on Slack and Telegram
    await session.line(f"bob! 1 card {answer.message_id}")
    assert [e.user.id for e in events if isinstance(e, ButtonPressed)][-1] == "bob"
    assert f"[1] Helpful [2] Not helpful (card {answer.message_id})" in out.getvalue()


async def test_an_older_card_is_pressed_by_its_number(tmp_path: Path) -> None:
    session, adapter, events, _, _ = make_session(tmp_path)
    older = await adapter.perform(
        Send(chat=_room("moderators"), text="Held post #1", buttons=(Button("Keep", "mod:k:1"),))
    )
    await adapter.perform(
        Send(chat=_room("moderators"), text="Held post #2", buttons=(Button("Keep", "mod:k:2"),))
    )
    await session.line(f"mod! 1 card {older.message_id}")
    pressed = events[-1]
    assert isinstance(pressed, ButtonPressed) and pressed.data == "mod:k:1"
    await adapter.perform(
        Update(chat=_room("moderators"), message_id=str(older.message_id), text="Kept")
    )
    with pytest.raises(ScriptError, match=f"card {older.message_id} has no buttons to press"):
        await session.line(f"mod! 1 card {older.message_id}")
    with pytest.raises(ScriptError, match=r"card 99 has no buttons"):
        await session.line("mod! 1 card 99")


async def test_cards_and_message_numbers_outlive_a_restart(tmp_path: Path) -> None:
    settings = load_settings(env={})
    state = tmp_path / "console-state.json"
    first = ConsoleAdapter(settings, out=io.StringIO(), files_dir=tmp_path, state_file=state)
    card = await first.perform(
        Send(chat=_room("moderators"), text="Held post #1", buttons=(Button("Keep", "mod:k:1"),))
    )
    last = first.next_message_id(author="alice")

    again = ConsoleAdapter(settings, out=io.StringIO(), files_dir=tmp_path, state_file=state)
    assert again.newest_card_for("mod") == (card.message_id, first.shown[str(card.message_id)])
    assert int(again.next_message_id()) == int(last) + 1  # never an id the database has seen

    state.write_text("{not json")
    fresh = ConsoleAdapter(settings, out=io.StringIO(), files_dir=tmp_path, state_file=state)
    assert fresh.newest_card_for("mod") is None  # unreadable: started without, not stopped


def _room(name: str):  # type: ignore[no-untyped-def]
    from adapters.console.adapter import room_chat

    return room_chat(name)


def test_the_local_key_is_made_once_for_this_user_only_and_a_damaged_one_is_named(
    tmp_path: Path,
) -> None:
    base = load_settings(env={})
    settings = base.model_copy(
        update={"bot": base.bot.model_copy(update={"data_dir": tmp_path / "data"})}
    )
    key = local_secret(settings)
    path = tmp_path / "data" / "dev-secret-key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert local_secret(settings) == key, "the same key next time: held posts stay restorable"
    path.write_text("short\n")
    with pytest.raises(ConfigError, match=r"dev-secret-key: the console's local key is shorter"):
        local_secret(settings)
