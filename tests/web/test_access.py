"""Sign-in links and sessions (bot/web_access.py) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ScenarioClock
from bot.events import User
from bot.store import Store
from bot.web_access import LINK_MINUTES, SESSION_HOURS, WebAccess, WebRole

MOD = User("console", "mod", "mod")


def _clock() -> ScenarioClock:
    clock = ScenarioClock()
    clock.set(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    return clock


async def test_a_link_opens_one_session_once(store: Store) -> None:
    access = WebAccess(store, _clock())
    token = await access.issue_link(MOD, WebRole.MODERATOR)

    assert await access.is_open(token)
    first = await access.redeem(token)
    second = await access.redeem(token)

    assert first is not None and second is None
    session_token, session = first
    assert session.user == MOD and session.role is WebRole.MODERATOR
    assert await access.session(session_token) == session
    assert not await access.is_open(token)


async def test_a_link_expires_after_ten_minutes(store: Store) -> None:
    clock = _clock()
    access = WebAccess(store, clock)
    token = await access.issue_link(MOD, WebRole.MODERATOR)
    clock.advance(timedelta(minutes=LINK_MINUTES, seconds=1))

    assert await access.redeem(token) is None


async def test_a_session_lasts_eight_hours_and_ends_on_sign_out(store: Store) -> None:
    clock = _clock()
    access = WebAccess(store, clock)
    redeemed = await access.redeem(await access.issue_link(MOD, WebRole.ADMIN))
    assert redeemed is not None
    token, session = redeemed
    assert session.csrf_matches(session.csrf) and not session.csrf_matches(None)

    clock.advance(timedelta(hours=SESSION_HOURS) - timedelta(seconds=1))
    assert await access.session(token) is not None
    clock.advance(timedelta(seconds=2))
    assert await access.session(token) is None

    redeemed = await access.redeem(await access.issue_link(MOD, WebRole.ADMIN))
    assert redeemed is not None
    await access.end(redeemed[0])
    assert await access.session(redeemed[0]) is None


async def test_only_hashes_of_tokens_are_stored(store: Store) -> None:
    from sqlalchemy import text

    access = WebAccess(store, _clock())
    token = await access.issue_link(MOD, WebRole.MODERATOR)
    redeemed = await access.redeem(token)
    assert redeemed is not None
    async with store.session() as s:
        links = (await s.execute(text("SELECT token_hash FROM web_sign_in_links"))).scalars().all()
        sessions = (await s.execute(text("SELECT token_hash FROM web_sessions"))).scalars().all()
    assert token not in links and redeemed[0] not in sessions


async def test_expired_links_and_sessions_are_purged(store: Store) -> None:
    from sqlalchemy import func, select

    from bot.web_access import SignInLink, WebSessionRecord

    clock = _clock()
    access = WebAccess(store, clock)
    redeemed = await access.redeem(await access.issue_link(MOD, WebRole.ADMIN))
    await access.issue_link(MOD, WebRole.ADMIN)
    assert redeemed is not None

    assert await access.purge() == 0
    clock.advance(timedelta(hours=SESSION_HOURS, minutes=1))
    assert await access.purge() == 3  # two links and one session
    async with store.session() as s:
        for table in (SignInLink, WebSessionRecord):
            assert await s.scalar(select(func.count()).select_from(table)) == 0
