"""Test doubles shared by the suites: a recording adapter and an app factory."""

from __future__ import annotations

import asyncio
import inspect
import io
import itertools
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.adapter import ROOMS, ConsoleAdapter, room_chat
from adapters.console.session import ConsoleSession
from bot.actions import Action, Delete, PrivateNotice, Result, Send, Update
from bot.adapter import Capabilities, EventSink
from bot.app import App
from bot.clock import ManualClock, ScenarioClock
from bot.config import Settings, load_settings
from bot.crypto import Crypto
from bot.errors import PlatformError
from bot.events import Chat, ChatKind, Event, MessagePosted, User
from bot.feature import Feature, load_features
from bot.store import Store

PLATFORM = "test"
GROUP = Chat(PLATFORM, "g1", ChatKind.GROUP, "Practice group")
MODS = Chat(PLATFORM, "mods", ChatKind.GROUP, "Moderators")
EXPERTS = Chat(PLATFORM, "experts", ChatKind.GROUP, "Experts")
ALICE = User(PLATFORM, "u-alice", "alice")
BOB = User(PLATFORM, "u-bob", "bob")
ADMIN = User(PLATFORM, "u-admin", "admin")


def dm(user: User) -> Chat:
    return Chat(user.platform, f"dm-{user.id}", ChatKind.DIRECT, user.name)


ALL_CAPABILITIES = Capabilities(
    delete_others=True, ephemeral=True, threads=True, buttons=True, edit=True
)


@dataclass
class RecordingAdapter:
    """Performs nothing, remembers everything; can be told to fail the next actions."""

    platform: str = PLATFORM
    capabilities: Capabilities = ALL_CAPABILITIES
    actions: list[Action] = field(default_factory=list)
    failures: list[PlatformError] = field(default_factory=list)
    sink: EventSink | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def start(self, sink: EventSink) -> None:
        self.sink = sink

    async def stop(self) -> None:
        self.sink = None

    async def perform(self, action: Action) -> Result:
        if self.failures:
            raise self.failures.pop(0)
        self.actions.append(action)
        if isinstance(action, Send):
            return Result(str(next(self._ids)), action.chat)
        if isinstance(action, PrivateNotice):
            return Result(str(next(self._ids)), dm(action.user))
        if isinstance(action, Update | Delete):
            return Result(action.message_id, action.chat)
        return Result(None)

    def texts(self, kind: type[Action] = Action) -> list[str]:
        return [getattr(a, "text", "") for a in self.actions if isinstance(a, kind)]

    def to(self, chat: Chat) -> list[str]:
        return [a.text for a in self.actions if isinstance(a, Send | Update) and a.chat == chat]

    def private(self, user: User) -> list[str]:
        found = []
        for a in self.actions:
            if isinstance(a, PrivateNotice) and a.user == user:
                found.append(a.text)
            elif isinstance(a, Send) and a.chat == dm(user):
                found.append(a.text)
        return found


@dataclass
class Inbox:
    """A sink that keeps what an adapter delivered and lets a test wait for it."""

    events: list[Event] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def __call__(self, event: Event, *, answer_within: float | None = None) -> None:
        async with self._arrived:
            self.events.append(event)
            self._arrived.notify_all()

    async def wait_for(self, count: int, within: float = 5.0) -> list[Event]:
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.events) >= count)
        return self.events


def make_settings(database_url: str, **sections: dict[str, object]) -> Settings:
    base = load_settings(env={"DATABASE_URL": database_url})
    data = base.model_dump()
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(data.get(key), dict) else value
    data["bot"] = {**data["bot"], "admins": [ADMIN.key]}
    return Settings(**data, secrets=base.secrets)


def make_app(
    store: Store,
    adapter: RecordingAdapter,
    features: Sequence[Feature] | tuple[str, ...] = ("handlers.admin",),
    clock: ManualClock | None = None,
    **sections: dict[str, object],
) -> App:
    """An app on `store` with the given features (objects, or feature package names to load)."""
    settings = make_settings(str(store.url.render_as_string(hide_password=False)), **sections)
    if all(isinstance(f, str) for f in features):
        features = load_features(settings, tuple(str(f) for f in features))
    return App(
        settings,
        [adapter],
        clock=clock or ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        store=store,
        features=list(features),  # type: ignore[arg-type]
        crypto=Crypto("test-secret-key-for-the-suite"),
        run_scheduler=False,
    )


def post(
    text: str,
    user: User = ALICE,
    chat: Chat = GROUP,
    *,
    event_id: str | None = None,
    mentions_bot: bool = False,
) -> MessagePosted:
    return MessagePosted(
        event_id=event_id or uuid.uuid4().hex,
        chat=chat,
        user=user,
        time=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        message_id=uuid.uuid4().hex[:8],
        text=text,
        mentions_bot=mentions_bot,
    )


@asynccontextmanager
async def console_scenario(
    settings: Settings, adapter: ConsoleAdapter, feature_names: tuple[str, ...]
) -> AsyncIterator[ConsoleSession]:
    """The console group with its rooms registered, on a scenario clock, ready to play lines."""
    clock = ScenarioClock()
    async with App(
        settings,
        [adapter],
        clock=clock,
        features=load_features(settings, feature_names),
        crypto=Crypto("scenario-secret-key-0123"),
        run_scheduler=False,
    ) as app:
        for name, (role, _title) in ROOMS.items():
            await app.ctx.rooms.register(room_chat(name), role)
        yield ConsoleSession(adapter, app.handle, clock, app.run_jobs_once, settings.bot.name)


async def until(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait for something the bot does in the background; `check` returns a bool or an awaitable."""
    step = 0.02
    for _ in range(int(within / step)):
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"still not true after {within}s")


async def play_script(
    session: ConsoleSession,
    out: io.StringIO,
    script: Path,
    directives: Mapping[str, Callable[[str], None]] | None = None,
) -> None:
    """Play a console script whose comments carry checks.

    `# expect: TEXT`: TEXT was printed since the previous expectation (in order);
    `# expect-not: TEXT`: the line played just before printed nothing containing TEXT;
    `# NAME: ARG` for a NAME in `directives` calls it with ARG; other comments are ignored.
    """
    seen = 0
    last_line_output = ""
    session.look_for_files_in(script.parent)  # `[file: x.jpg]` beside the script
    lines = script.read_text().splitlines()  # noqa: ASYNC240 (a small local file)
    for number, line in enumerate(lines, 1):
        where = f"{script.name}:{number}"
        printed = out.getvalue()
        name, _, argument = line.removeprefix("#").partition(":")
        if line.startswith("# expect:"):
            wanted = argument.strip()
            found = printed.find(wanted, seen)
            assert found >= 0, f"{where}: expected {wanted!r} in:\n{printed[seen:]}"
            seen = found
        elif line.startswith("# expect-not:"):
            unwanted = argument.strip()
            assert unwanted not in last_line_output, (
                f"{where}: did not expect {unwanted!r} in:\n{last_line_output}"
            )
        elif line.startswith("#") and directives and name.strip() in directives:
            directives[name.strip()](argument.strip())
        elif line.strip() and not line.startswith("#"):
            before = len(printed)
            assert await session.play([line]) == [], where
            last_line_output = out.getvalue()[before:]


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: a platform that cannot be reached (yet)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require_ocr() -> None:
    """OCR tests need Debian's tesseract-ocr: skipped, loudly (`-ra` lists the reason), where it
    is missing; failed instead where PRACTICEBOT_REQUIRE_OCR=1 (CI installs it)."""
    import os
    import shutil

    import pytest

    if shutil.which("tesseract") is not None:
        return
    message = (
        "Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng): "
        "OCR test SKIPPED"
    )
    if os.environ.get("PRACTICEBOT_REQUIRE_OCR") == "1":
        pytest.fail(message)
    pytest.skip(message)
