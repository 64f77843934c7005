"""Held posts and the audit log: what moderation keeps, and only about posts it held.

The original text is stored encrypted and only until `retention_days` after the decision; the
redacted preview is safe to keep in clear. The audit log is append-only: rows are added, never
changed or deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from bot.crypto import DecryptionFailed
from bot.store import Base, Store, UTCDateTime


class HeldPost(Base):
    __tablename__ = "moderation_held_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    chat_title: Mapped[str | None] = mapped_column(String(255), nullable=True)
    message_id: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    author_id: Mapped[str] = mapped_column(String(128))
    author_name: Mapped[str] = mapped_column(String(255))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    mode: Mapped[str] = mapped_column(String(16))
    removed: Mapped[bool] = mapped_column(Boolean)
    types: Mapped[list[str]] = mapped_column(JSON)
    # [type, why] for each finding, in plain words ("first name in a post about a fall"): what
    # the card explains; never the words found. None on posts held before it was kept.
    explanations: Mapped[list[list[str]] | None] = mapped_column(JSON, nullable=True)
    preview: Mapped[str] = mapped_column(Text)
    original: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    card_chat_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    card_message_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class HeldFile(Base):
    """A file that came with a held post, kept as long as the post's text: its name and bytes
    sealed together (`pack`, then encrypted), since a file's name can itself name someone
    ("Doreen_Pike_careplan.pdf"); only its type is in clear."""

    __tablename__ = "moderation_held_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    held_post_id: Mapped[int] = mapped_column(ForeignKey("moderation_held_posts.id"), index=True)
    mime_type: Mapped[str] = mapped_column(String(127))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


_NAME_LENGTH = 2  # bytes of the name's length, before the name and the file's bytes


def pack(name: str, content: bytes) -> bytes:
    """A file's name and bytes as one value, to be encrypted together."""
    encoded = name.encode("utf-8", "surrogatepass")[: 2 ** (8 * _NAME_LENGTH) - 1]
    return len(encoded).to_bytes(_NAME_LENGTH, "big") + encoded + content


def unpack(packed: bytes) -> tuple[str, bytes]:
    """The name and bytes `pack` joined."""
    length = int.from_bytes(packed[:_NAME_LENGTH], "big")
    name = packed[_NAME_LENGTH : _NAME_LENGTH + length]
    return name.decode("utf-8", "surrogatepass"), packed[_NAME_LENGTH + length :]


class AuditEntry(Base):
    __tablename__ = "moderation_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    held_post_id: Mapped[int] = mapped_column(ForeignKey("moderation_held_posts.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # why a moderator asked to see an original ("show original" in the web console)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


@dataclass(frozen=True, slots=True)
class Counts:
    by_group: Counter[str]
    by_type: Counter[str]
    by_decision: Counter[str]


class HeldPosts:
    """The repository of held posts and their audit trail."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def add(self, post: HeldPost, actor: str, files: Sequence[HeldFile] = ()) -> HeldPost:
        async with self._store.session() as s:
            s.add(post)
            await s.flush()
            for file in files:
                file.held_post_id = post.id
                s.add(file)
            s.add(AuditEntry(held_post_id=post.id, action="held", actor=actor, at=post.held_at))
        return post

    async def files(self, post_id: int) -> list[HeldFile]:
        async with self._store.session() as s:
            rows = await s.scalars(
                select(HeldFile).where(HeldFile.held_post_id == post_id).order_by(HeldFile.id)
            )
            return list(rows.all())

    async def get(self, post_id: int) -> HeldPost | None:
        async with self._store.session() as s:
            return await s.get(HeldPost, post_id)

    async def open_for_message(
        self, platform: str, chat_id: str, message_id: str
    ) -> HeldPost | None:
        """The undecided hold on this message, if any (an edit of a held post updates it)."""
        async with self._store.session() as s:
            return await s.scalar(
                select(HeldPost)
                .where(
                    HeldPost.platform == platform,
                    HeldPost.chat_id == chat_id,
                    HeldPost.message_id == message_id,
                    HeldPost.decision.is_(None),
                )
                .order_by(HeldPost.id.desc())
                .limit(1)
            )

    async def replace_content(
        self,
        post_id: int,
        *,
        types: list[str],
        explanations: list[list[str]],
        preview: str,
        original: bytes | None,
        at: datetime,
    ) -> None:
        async with self._store.session() as s:
            await s.execute(
                update(HeldPost)
                .where(HeldPost.id == post_id)
                .values(
                    types=types, explanations=explanations, preview=preview, original=original
                )
            )
            s.add(AuditEntry(held_post_id=post_id, action="edited", actor="author", at=at))

    async def set_card(self, post_id: int, chat_id: str, message_id: str) -> None:
        async with self._store.session() as s:
            await s.execute(
                update(HeldPost)
                .where(HeldPost.id == post_id)
                .values(card_chat_id=chat_id, card_message_id=message_id)
            )

    async def decide(self, post_id: int, decision: str, actor: str, at: datetime) -> bool:
        """Record the decision unless someone decided first; True when this call decided it."""
        async with self._store.session() as s:
            done = await s.execute(
                update(HeldPost)
                .where(HeldPost.id == post_id, HeldPost.decision.is_(None))
                .values(decision=decision, decided_by=actor, decided_at=at)
            )
            won = bool(getattr(done, "rowcount", 0))
            if won:
                s.add(AuditEntry(held_post_id=post_id, action=decision, actor=actor, at=at))
        return won

    async def log(
        self, post_id: int, action: str, actor: str, at: datetime, reason: str | None = None
    ) -> None:
        async with self._store.session() as s:
            s.add(
                AuditEntry(held_post_id=post_id, action=action, actor=actor, at=at, reason=reason)
            )

    async def audit_trail(self, post_id: int) -> list[AuditEntry]:
        async with self._store.session() as s:
            rows = await s.scalars(
                select(AuditEntry).where(AuditEntry.held_post_id == post_id).order_by(AuditEntry.id)
            )
            return list(rows.all())

    async def undecided(self, platform: str, limit: int = 20) -> list[HeldPost]:
        async with self._store.session() as s:
            rows = await s.scalars(
                select(HeldPost)
                .where(HeldPost.platform == platform, HeldPost.decision.is_(None))
                .order_by(HeldPost.id)
                .limit(limit)
            )
            return list(rows.all())

    async def count_undecided(self, platform: str) -> int:
        async with self._store.session() as s:
            return int(
                await s.scalar(
                    select(func.count())
                    .select_from(HeldPost)
                    .where(HeldPost.platform == platform, HeldPost.decision.is_(None))
                )
                or 0
            )

    async def reencrypt(
        self, rotate: Callable[[bytes], bytes], batch: int = 500
    ) -> tuple[int, list[int]]:
        """Every kept original through `rotate` (the newest key), a batch a transaction, and the
        held files with them; returns how many held posts were re-encrypted and the ids of those
        it could not open, text or file (left as they were)."""
        done, unreadable = await self._reencrypt(
            HeldPost.id, HeldPost.id, HeldPost.original, rotate, batch
        )
        _, files_unreadable = await self._reencrypt(
            HeldFile.id, HeldFile.held_post_id, HeldFile.content, rotate, batch
        )
        return done, sorted({*unreadable, *files_unreadable})

    async def _reencrypt(
        self,
        key: InstrumentedAttribute[int],
        post_of: InstrumentedAttribute[int],
        sealed: InstrumentedAttribute[bytes | None],
        rotate: Callable[[bytes], bytes],
        batch: int,
    ) -> tuple[int, list[int]]:
        """One table's encrypted column through `rotate`, a batch a transaction: how many rows
        were re-encrypted, and the held posts whose rows it could not open."""
        done, unreadable, after = 0, [], 0
        while True:
            async with self._store.session() as s:
                rows = (
                    await s.execute(
                        select(key, post_of, sealed)
                        .where(key > after, sealed.is_not(None))
                        .order_by(key)
                        .limit(batch)
                    )
                ).all()
                for row_id, post_id, content in rows:
                    assert content is not None  # selected for it
                    try:
                        fresh = rotate(content)
                    except DecryptionFailed:
                        unreadable.append(post_id)
                        continue
                    await s.execute(
                        update(key.class_).where(key == row_id).values({sealed.key: fresh})
                    )
                    done += 1
            if len(rows) < batch:
                return done, unreadable
            after = rows[-1][0]

    async def purge_originals(self, decided_before: datetime, at: datetime) -> int:
        """Drop the encrypted originals of posts decided before the cut-off; returns how many."""
        async with self._store.session() as s:
            ids = list(
                (
                    await s.scalars(
                        select(HeldPost.id).where(
                            HeldPost.decided_at < decided_before, HeldPost.original.is_not(None)
                        )
                    )
                ).all()
            )
            if ids:
                await s.execute(
                    update(HeldPost).where(HeldPost.id.in_(ids)).values(original=None, purged_at=at)
                )
                await s.execute(
                    update(HeldFile).where(HeldFile.held_post_id.in_(ids)).values(content=None)
                )
                s.add_all(
                    AuditEntry(held_post_id=i, action="purged", actor="retention", at=at)
                    for i in ids
                )
        return len(ids)

    async def counts(self) -> Counts:
        async with self._store.session() as s:
            rows = (
                await s.execute(
                    select(HeldPost.chat_title, HeldPost.chat_id, HeldPost.types, HeldPost.decision)
                )
            ).all()
        by_group: Counter[str] = Counter()
        by_type: Counter[str] = Counter()
        by_decision: Counter[str] = Counter()
        for title, chat_id, types, decision in rows:
            by_group[title or chat_id] += 1
            by_type.update(types)
            by_decision[decision or "undecided"] += 1
        return Counts(by_group, by_type, by_decision)
