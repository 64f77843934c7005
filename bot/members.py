"""Members the bot has met: display names, whether a DM reaches them, notices waiting for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actions import Button, PrivateNotice
from bot.clock import Clock
from bot.events import User
from bot.store import Store
from bot.store.models import MemberRecord, PendingNotice


class Members:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._known: set[str] = set()

    async def seen(self, user: User, *, dm_open: bool = False) -> None:
        """Remember a member; `dm_open` when they wrote to the bot privately (a DM now reaches them)."""
        if user.key in self._known and not dm_open:
            return
        async with self._store.session() as s:
            row = await self._row(s, user)
            if row is None:
                s.add(MemberRecord(platform=user.platform, user_id=user.id, name=user.name))
            else:
                row.name = user.name
                if dm_open:
                    row.reachable = True
        self._known.add(user.key)

    async def set_reachable(self, user: User, reachable: bool) -> None:
        await self.seen(user)
        async with self._store.session() as s:
            row = await self._row(s, user)
            if row is not None:
                row.reachable = reachable

    async def is_reachable(self, user: User) -> bool:
        async with self._store.session() as s:
            row = await self._row(s, user)
            return row is None or row.reachable

    async def timezone(self, user: User) -> str | None:
        async with self._store.session() as s:
            row = await self._row(s, user)
            return row.timezone if row is not None else None

    async def set_timezone(self, user: User, zone: str) -> None:
        await self.seen(user)
        async with self._store.session() as s:
            row = await self._row(s, user)
            if row is not None:
                row.timezone = zone

    async def keep_for_later(self, notice: PrivateNotice) -> None:
        payload: dict[str, object] = {
            "text": notice.text,
            "buttons": [[b.label, b.data] for b in notice.buttons],
            "name": notice.user.name,
        }
        async with self._store.session() as s:
            s.add(
                PendingNotice(
                    platform=notice.user.platform,
                    user_id=notice.user.id,
                    payload=payload,
                    created_at=self._clock.now(),
                )
            )

    async def drop_waiting_before(self, cutoff: datetime) -> int:
        """Notices nobody opened a chat to receive, from before `cutoff`; returns how many."""
        async with self._store.session() as s:
            gone = await s.execute(delete(PendingNotice).where(PendingNotice.created_at < cutoff))
        return int(getattr(gone, "rowcount", 0) or 0)

    async def take_waiting(self, user: User) -> list[PrivateNotice]:
        async with self._store.session() as s:
            rows = (
                await s.scalars(
                    select(PendingNotice)
                    .where(
                        PendingNotice.platform == user.platform, PendingNotice.user_id == user.id
                    )
                    .order_by(PendingNotice.id)
                )
            ).all()
            await s.execute(delete(PendingNotice).where(PendingNotice.id.in_([r.id for r in rows])))
        notices = []
        for row in rows:
            pairs = row.payload["buttons"]
            assert isinstance(pairs, list)
            buttons = tuple(Button(str(label), str(data)) for label, data in pairs)
            notices.append(PrivateNotice(user=user, text=str(row.payload["text"]), buttons=buttons))
        return notices

    @staticmethod
    async def _row(s: AsyncSession, user: User) -> MemberRecord | None:
        return await s.scalar(
            select(MemberRecord).where(
                MemberRecord.platform == user.platform, MemberRecord.user_id == user.id
            )
        )
