"""Sign-in to the web console without passwords: one-time links and the sessions they open.

A link is sent in a direct message by a chat command (`/console`, `/mycpd`); it works once and for
LINK_MINUTES. Redeeming it opens a session of SESSION_HOURS. Only a SHA-256 of each token is
stored, so a copy of the database opens nothing. This module knows no HTTP: the web adapter sets
the cookie and checks the CSRF token it hands out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import String, delete, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.actions import PrivateNotice, PrivateVia
from bot.clock import Clock
from bot.context import Context
from bot.events import ChatKind, MessagePosted, User
from bot.replies import reply
from bot.store import Base, Store, UTCDateTime

LINK_MINUTES = 10
SESSION_HOURS = 8


class WebRole(StrEnum):
    ADMIN = "admin"
    MODERATOR = "moderator"
    LEARNER = "learner"

    @property
    def runs_console(self) -> bool:
        return self in (WebRole.ADMIN, WebRole.MODERATOR)


class SignInLink(Base):
    __tablename__ = "web_sign_in_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    user_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebSessionRecord(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    user_name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


@dataclass(frozen=True, slots=True)
class WebSession:
    user: User
    role: WebRole
    csrf: str
    expires_at: datetime

    def csrf_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given, self.csrf)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WebAccess:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def issue_link(self, user: User, role: WebRole) -> str:
        """A new one-time token for `user` in `role`, valid LINK_MINUTES."""
        token = secrets.token_urlsafe(32)
        async with self._store.session() as s:
            s.add(
                SignInLink(
                    token_hash=_hash(token),
                    platform=user.platform,
                    user_id=user.id,
                    user_name=user.name,
                    role=role.value,
                    expires_at=self._clock.now() + timedelta(minutes=LINK_MINUTES),
                )
            )
        return token

    async def is_open(self, token: str) -> bool:
        """Whether the link could still be used (the sign-in page asks before it shows its form)."""
        async with self._store.session() as s:
            link = await s.get(SignInLink, _hash(token))
        return link is not None and link.used_at is None and link.expires_at > self._clock.now()

    async def redeem(self, token: str) -> tuple[str, WebSession] | None:
        """Use the link once: a new session's token and the session, or None when the link is
        unknown, used or expired. Two tabs opening one link at once: one of them wins."""
        now = self._clock.now()
        key = _hash(token)
        async with self._store.session() as s:
            claimed = await s.execute(
                update(SignInLink)
                .where(
                    SignInLink.token_hash == key,
                    SignInLink.used_at.is_(None),
                    SignInLink.expires_at > now,
                )
                .values(used_at=now)
            )
            if not getattr(claimed, "rowcount", 0):
                return None
            link = await s.get(SignInLink, key)
            assert link is not None
            session_token = secrets.token_urlsafe(32)
            record = WebSessionRecord(
                token_hash=_hash(session_token),
                platform=link.platform,
                user_id=link.user_id,
                user_name=link.user_name,
                role=link.role,
                csrf=secrets.token_urlsafe(24),
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
            s.add(record)
        return session_token, _session(record)

    async def session(self, token: str) -> WebSession | None:
        async with self._store.session() as s:
            record = await s.get(WebSessionRecord, _hash(token))
        if record is None or record.expires_at <= self._clock.now():
            return None
        return _session(record)

    async def end(self, token: str) -> None:
        async with self._store.session() as s:
            await s.execute(
                delete(WebSessionRecord).where(WebSessionRecord.token_hash == _hash(token))
            )

    async def purge(self) -> int:
        """Drop expired sessions and links; returns how many rows went."""
        now = self._clock.now()
        async with self._store.session() as s:
            links = await s.execute(delete(SignInLink).where(SignInLink.expires_at < now))
            sessions = await s.execute(
                delete(WebSessionRecord).where(WebSessionRecord.expires_at < now)
            )
        return int(getattr(links, "rowcount", 0)) + int(getattr(sessions, "rowcount", 0))


def _session(record: WebSessionRecord) -> WebSession:
    return WebSession(
        user=User(record.platform, record.user_id, record.user_name),
        role=WebRole(record.role),
        csrf=record.csrf,
        expires_at=record.expires_at,
    )


async def send_link(ctx: Context, event: MessagePosted, role: WebRole, page: str) -> None:
    """The chat commands' side of sign-in: a one-time link in the member's DM, and a word where
    they asked when that was a group."""
    base = ctx.settings.web.public_url
    if base is None:
        await reply(ctx, event, "This bot process does not serve the web console.", private=True)
        return
    token = await WebAccess(ctx.store, ctx.clock).issue_link(event.user, role)
    await ctx.act(
        PrivateNotice(
            user=event.user,
            text=f"Your sign-in link to {page}, for you only: it works once, within "
            f"{LINK_MINUTES} minutes, and keeps you signed in for {SESSION_HOURS} hours.\n"
            f"{base}/signin?t={token}",
            context=event.chat,
            prefer=PrivateVia.DM,
        )
    )
    if event.chat.kind is not ChatKind.DIRECT and ctx.capabilities(event.platform).ephemeral:
        # where a private word in the chat would itself land in the DM, the link says enough
        await reply(ctx, event, "I have sent you a sign-in link privately.", private=True)
