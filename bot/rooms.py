"""Which chat plays which role: practice groups, the moderators' room, the experts' room."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bot.clock import Clock
from bot.config import ChatRole
from bot.events import Chat, ChatKind
from bot.store import Store
from bot.store.models import ChatRecord


class Rooms:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def register(
        self, chat: Chat, role: ChatRole, options: dict[str, Any] | None = None
    ) -> None:
        async with self._store.session() as s:
            row = await s.scalar(
                select(ChatRecord).where(
                    ChatRecord.platform == chat.platform, ChatRecord.chat_id == chat.id
                )
            )
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
        query = select(ChatRecord).where(ChatRecord.role == role.value, ChatRecord.active)
        if platform is not None:
            query = query.where(ChatRecord.platform == platform)
        async with self._store.session() as s:
            rows = (await s.scalars(query.order_by(ChatRecord.id))).all()
        return [Chat(r.platform, r.chat_id, ChatKind.GROUP, r.title) for r in rows]

    async def options(self, chat: Chat) -> dict[str, Any]:
        row = await self._row(chat.platform, chat.id)
        return dict(row.options) if row is not None else {}

    async def set_options(self, chat: Chat, **changes: Any) -> dict[str, Any]:
        async with self._store.session() as s:
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
        async with self._store.session() as s:
            await s.execute(
                update(ChatRecord)
                .where(ChatRecord.platform == platform, ChatRecord.chat_id == old_id)
                .values(chat_id=new_id)
            )

    async def deactivate(self, chat: Chat) -> None:
        async with self._store.session() as s:
            await s.execute(
                update(ChatRecord)
                .where(ChatRecord.platform == chat.platform, ChatRecord.chat_id == chat.id)
                .values(active=False)
            )

    async def _row(self, platform: str, chat_id: str) -> ChatRecord | None:
        async with self._store.session() as s:
            return await s.scalar(
                select(ChatRecord).where(
                    ChatRecord.platform == platform, ChatRecord.chat_id == chat_id
                )
            )
