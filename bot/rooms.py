"""Which chat plays which role: practice groups, the moderators' room, the experts' room.

Every group post asks for its chat's role and options and for its moderators' room, so what was
read is kept for `CACHE_SECONDS`: a change made here shows at once, one made by another instance
(a moderator's /mode there) within that time.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import ChatRole
from bot.events import Chat, ChatKind
from bot.store import Store
from bot.store.models import ChatRecord

CACHE_SECONDS = 5.0


class Rooms:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._read: dict[tuple[str, ...], tuple[float, Any]] = {}

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._store.session() as s:
                yield s
        finally:
            self._read.clear()

    def _cached(self, key: tuple[str, ...]) -> tuple[bool, Any]:
        found = self._read.get(key)
        if found is None or found[0] < time.monotonic():
            return False, None
        return True, found[1]

    def _keep(self, key: tuple[str, ...], value: Any) -> None:
        if len(self._read) > 10_000:
            self._read.clear()
        self._read[key] = (time.monotonic() + CACHE_SECONDS, value)

    async def register(
        self, chat: Chat, role: ChatRole, options: dict[str, Any] | None = None
    ) -> None:
        """Give a chat its role. Instances starting together on one database may all register
        the chats of the config at once: one adds the row, the others update it."""
        try:
            await self._register(chat, role, options)
        except IntegrityError:
            # another instance added this chat between our look and our write: update theirs
            await self._register(chat, role, options)

    async def _existing(self, s: AsyncSession, chat: Chat) -> ChatRecord | None:
        found: ChatRecord | None = await s.scalar(
            select(ChatRecord).where(
                ChatRecord.platform == chat.platform, ChatRecord.chat_id == chat.id
            )
        )
        return found

    async def _register(self, chat: Chat, role: ChatRole, options: dict[str, Any] | None) -> None:
        async with self._writing() as s:
            row = await self._existing(s, chat)
            if row is None:
                s.add(
                    ChatRecord(
                        platform=chat.platform,
                        chat_id=chat.id,
                        role=role.value,
                        title=chat.title,
                        options=options or {},
                        active=True,
                        registered_at=self._clock.now(),
                    )
                )
            else:
                row.role = role.value
                row.title = chat.title or row.title
                row.active = True
                if options is not None:
                    row.options = options

    async def role_of(self, chat: Chat) -> ChatRole | None:
        if chat.kind is ChatKind.DIRECT:
            return None
        row = await self._row(chat.platform, chat.id)
        return ChatRole(row.role) if row is not None and row.active else None

    async def find(self, platform: str, role: ChatRole) -> Chat | None:
        chats = await self.all(platform, role)
        return chats[0] if chats else None

    async def all(self, platform: str | None, role: ChatRole) -> list[Chat]:
        key = ("all", platform or "", role.value)
        hit, chats = self._cached(key)
        if hit:
            return list(chats)
        query = select(ChatRecord).where(ChatRecord.role == role.value, ChatRecord.active)
        if platform is not None:
            query = query.where(ChatRecord.platform == platform)
        async with self._store.session() as s:
            rows = (await s.scalars(query.order_by(ChatRecord.id))).all()
        chats = [Chat(r.platform, r.chat_id, ChatKind.GROUP, r.title) for r in rows]
        self._keep(key, chats)
        return list(chats)

    async def options(self, chat: Chat) -> dict[str, Any]:
        row = await self._row(chat.platform, chat.id)
        return dict(row.options) if row is not None else {}

    async def set_options(self, chat: Chat, **changes: Any) -> dict[str, Any]:
        async with self._writing() as s:
            row = await s.scalar(
                select(ChatRecord).where(
                    ChatRecord.platform == chat.platform, ChatRecord.chat_id == chat.id
                )
            )
            if row is None:
                raise LookupError(f"chat {chat.key} is not registered")
            row.options = {**row.options, **changes}
            return dict(row.options)

    async def move(self, platform: str, old_id: str, new_id: str) -> None:
        async with self._writing() as s:
            await s.execute(
                update(ChatRecord)
                .where(ChatRecord.platform == platform, ChatRecord.chat_id == old_id)
                .values(chat_id=new_id)
            )

    async def deactivate(self, chat: Chat) -> None:
        async with self._writing() as s:
            await s.execute(
                update(ChatRecord)
                .where(ChatRecord.platform == chat.platform, ChatRecord.chat_id == chat.id)
                .values(active=False)
            )

    async def _row(self, platform: str, chat_id: str) -> ChatRecord | None:
        """The chat's row as read (detached: never changed through this)."""
        key = ("row", platform, chat_id)
        hit, row = self._cached(key)
        if hit:
            return row  # type: ignore[no-any-return]
        async with self._store.session() as s:
            row = await s.scalar(
                select(ChatRecord).where(
                    ChatRecord.platform == platform, ChatRecord.chat_id == chat_id
                )
            )
        self._keep(key, row)
        return row
