"""A learning harness on the shared `store` fixture (SQLite and PostgreSQL), with a manual clock."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bot.actions import Action, Button, PrivateNotice, Send
from bot.app import App
from bot.clock import ManualClock
from bot.context import Context, Redaction
from bot.events import ButtonPressed, Message, MessagePosted, User
from bot.store import Store
from handlers.learning.feature import LearningFeature
from tests.support import ALICE, RecordingAdapter, dm, make_app

PROGRAMMES = Path(__file__).resolve().parents[2] / "handlers" / "learning" / "programmes"
# Thursday 26 March 2026, 08:00 UTC: the UK clocks go forward on Sunday the 29th
START = datetime(2026, 3, 26, 8, 0, tzinfo=UTC)


class NameGate:
    """Holds any group post naming one of `names`, and redacts them from a direct message, as
    the moderation feature would."""

    def __init__(self, names: tuple[str, ...] = ("Mrs Patel", "Jordan")) -> None:
        self.names = names
        self.held: list[str] = []

    async def screen(self, event: Message, ctx: Context) -> bool:
        if any(name in event.text for name in self.names):
            self.held.append(event.event_id)
            return False
        return True

    async def redaction(self, event: Message, ctx: Context) -> Redaction | None:
        found = [name for name in self.names if name in event.text]
        if not found:
            return None
        text = event.text
        for name in found:
            text = text.replace(name, "[PERSON]")
        return Redaction(text, "a name")


@dataclass
class Harness:
    app: App
    adapter: RecordingAdapter
    clock: ManualClock
    feature: LearningFeature
    key_file: Path
    programmes_dir: Path
    gate: NameGate = field(default_factory=NameGate)

    @property
    def ctx(self) -> Context:
        return self.app.ctx

    async def say(self, text: str, user: User = ALICE) -> None:
        await self.app.handle(
            MessagePosted(
                event_id=uuid.uuid4().hex,
                chat=dm(user),
                user=user,
                time=self.clock.now(),
                message_id=uuid.uuid4().hex[:8],
                text=text,
            )
        )

    async def press(self, data: str, user: User = ALICE, event_id: str | None = None) -> None:
        await self.app.handle(
            ButtonPressed(
                event_id=event_id or uuid.uuid4().hex,
                chat=dm(user),
                user=user,
                time=self.clock.now(),
                message_id="m1",
                data=data,
            )
        )

    async def tick(self) -> None:
        await self.app.run_jobs_once()

    def mine(self, user: User = ALICE) -> list[Action]:
        return [
            a
            for a in self.adapter.actions
            if (isinstance(a, PrivateNotice) and a.user == user)
            or (isinstance(a, Send) and a.chat == dm(user))
        ]

    def last(self, user: User = ALICE) -> Action:
        return self.mine(user)[-1]

    def last_text(self, user: User = ALICE) -> str:
        return str(getattr(self.last(user), "text", ""))

    def buttons(self, user: User = ALICE) -> tuple[Button, ...]:
        for action in reversed(self.mine(user)):
            found: tuple[Button, ...] = getattr(action, "buttons", ())
            if found:
                return found
        raise AssertionError("no card with buttons was shown")

    def tasks(self, user: User = ALICE) -> list[str]:
        return [
            str(getattr(a, "text", "")) for a in self.mine(user) if " · " in getattr(a, "text", "")
        ]

    async def enrol(
        self, choice: str | None = None, programme: int = 0, user: User = ALICE
    ) -> None:
        await self.say("/learn", user)
        await self.press(self.buttons(user)[programme].data, user)
        if choice is None:
            await self.press(self.buttons(user)[0].data, user)  # "Use these"
        else:
            await self.say(choice, user)


def write_key(path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
async def harness(store: Store, tmp_path: Path) -> AsyncIterator[Harness]:
    key_file = tmp_path / "badge.pem"
    write_key(key_file)
    programmes_dir = tmp_path / "programmes"
    shutil.copytree(PROGRAMMES, programmes_dir)
    adapter = RecordingAdapter()
    clock = ManualClock(START)
    app = make_app(
        store,
        adapter,
        features=("handlers.admin", "handlers.learning"),
        clock=clock,
        learning={
            "badge_key_file": str(key_file),
            "programmes_dir": str(programmes_dir),
            "reminder_hours": 4.0,
        },
        bot={"timezone": "Europe/London"},
    )
    feature = next(f for f in app.features if isinstance(f, LearningFeature))
    async with app:
        h = Harness(app, adapter, clock, feature, key_file, programmes_dir)
        app.ctx.moderation = h.gate
        yield h
