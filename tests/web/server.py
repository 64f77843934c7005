"""The console group with its web console, on an event loop of its own (a thread), so a
browser driven from the test's thread can use it while chat lines are played into it."""

from __future__ import annotations

import asyncio
import io
import re
import socket
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.console.adapter import ConsoleAdapter
from adapters.console.runner import ROOMS, room_chat
from adapters.console.session import ConsoleSession
from bot.app import App
from bot.clock import ScenarioClock
from bot.config import Settings
from bot.crypto import Crypto
from bot.events import User
from handlers.learning.badges import build_credential, load_signing_key, sign
from handlers.learning.catalogue import Catalogue
from handlers.learning.models import Badge, Delivery, Enrolment, State, Status
from handlers.questions.records import DraftFaq, QuestionRecord

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin\?t=[\w-]+)")
KEY = "web-console-test-key-" + "x" * 24


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def settings_for(tmp: Path, port: int) -> Settings:
    return Settings.model_validate(
        {
            "bot": {"data_dir": str(tmp), "admins": ["console:lead"]},
            "console": {"members": ["alice", "bob", "lead"], "web_port": port},
            # the pages need no sentence model: the lighter retriever starts in a moment
            "questions": {"retriever": "bm25"},
            "web": {"public_url": f"http://127.0.0.1:{port}"},
            "secrets": {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'web.db'}"},
        }
    )


class ConsoleServer:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.settings = settings_for(tmp, self.port)
        self.out = io.StringIO()
        self.adapter = ConsoleAdapter(self.settings, out=self.out, files_dir=tmp / "files")
        self.adapter.web_port = self.port
        self.clock = ScenarioClock()
        self.base = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._ready: Future[None] = Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.app: App | None = None
        self.session: ConsoleSession | None = None

    def start(self) -> ConsoleServer:
        self._thread.start()
        self._ready.result(timeout=60)
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)

    def call(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    def say(self, line: str) -> str:
        """Play one console line; what the bot printed in answer."""
        assert self.session is not None
        start = len(self.out.getvalue())
        self.call(self.session.line(line))
        return self.out.getvalue()[start:]

    def link_for(self, line: str) -> str:
        printed = self.say(line)
        found = LINK.search(printed)
        assert found, printed
        return found.group(1)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        async with App(
            self.settings,
            [self.adapter],
            clock=self.clock,
            crypto=Crypto(KEY),
            run_scheduler=False,
        ) as app:
            self.app = app
            for name, (role, _title) in ROOMS.items():
                await app.ctx.rooms.register(room_chat(name), role)
            self.session = ConsoleSession(
                self.adapter, app.handle, self.clock, app.run_jobs_once, self.settings.bot.name
            )
            await seed(app, self.settings)
            self._ready.set_result(None)
            await self._stop.wait()


async def seed(app: App, settings: Settings) -> None:
    """A learner with a finished programme (CPD entries, a badge), and questions to chart."""
    now = app.ctx.clock.now()
    catalogue = Catalogue.from_folder(settings.learning.programmes_dir)
    programme = next(iter(catalogue.programmes.values()))
    alice = User("console", "alice", "alice")
    async with app.ctx.store.session() as s:
        enrolment = Enrolment(
            platform="console",
            user_id="alice",
            user_name="alice",
            programme_id=programme.id,
            status=Status.COMPLETED.value,
            days="mon,wed,fri",
            at_time="10:00",
            timezone="Europe/London",
            task_ids=[t.id for t in programme.tasks],
            enrolled_at=now - timedelta(days=30),
        )
        s.add(enrolment)
        await s.flush()
        for i, task in enumerate(programme.tasks):
            s.add(_answered(enrolment.id, programme.id, programme.title, task, now, i))
        second = list(catalogue.programmes.values())[1]
        active = Enrolment(
            platform="console",
            user_id="alice",
            user_name="alice",
            programme_id=second.id,
            status=Status.ACTIVE.value,
            days="mon,wed,fri",
            at_time="10:00",
            timezone="Europe/London",
            task_ids=[t.id for t in second.tasks],
            enrolled_at=now,
        )
        s.add(active)
        await s.flush()
        first_task = second.tasks[0]
        s.add(
            Delivery(
                key=f"{active.id}:{first_task.id}",
                enrolment_id=active.id,
                task_id=first_task.id,
                content={"programme": second.title, "title": first_task.title, "minutes": 3},
                due_at=now + timedelta(days=1),
                state=State.PENDING.value,
            )
        )
        credential = build_credential(programme, alice.key, now, settings.learning)
        token = sign(credential, load_signing_key(settings.learning, settings.bot.data_dir))
        s.add(Badge(enrolment_id=enrolment.id, credential=token, issued_at=now))
        for days, status, feedback in QUESTIONS:
            s.add(_question(now - timedelta(days=days), status, feedback))
        s.add(
            DraftFaq(
                question_id=9999,
                question="Can I accept a gift from a family I support?",
                answer="Small gifts may be accepted if recorded; check the gifts policy.",
                saved_by="expert",
                saved_at=now,
            )
        )


QUESTIONS = [
    (0, "answered", "helpful"),
    (1, "answered", None),
    (2, "escalated", None),
    (8, "choices", "not_helpful"),
    (9, "expert_answered", None),
    (15, "answered", "helpful"),
]


def _answered(
    enrolment_id: int, pid: str, title: str, task: Any, now: datetime, i: int
) -> Delivery:
    at = now - timedelta(days=20 - i)
    return Delivery(
        key=f"{enrolment_id}:{task.id}",
        enrolment_id=enrolment_id,
        task_id=task.id,
        content={"programme": title, "title": task.title, "minutes": task.minutes},
        due_at=at,
        state=State.ANSWERED.value,
        sent_at=at,
        answered_at=at + timedelta(minutes=5),
        reflection=f"Reflection {i + 1}: I will check consent before sharing.",
    )


def _question(at: datetime, status: str, feedback: str | None) -> QuestionRecord:
    return QuestionRecord(
        platform="console",
        chat_id="dm:bob",
        chat_kind="direct",
        user_id="bob",
        user_name="bob",
        text="Can I share a case summary with a colleague in another team?",
        status=status,
        feedback=feedback,
        asked_at=at,
    )
