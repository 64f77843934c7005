"""Held posts and the audit log on SQLite and PostgreSQL (the shared `store` fixture)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from bot.store import Store
from handlers.moderation.records import AuditEntry, HeldPost, HeldPosts

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def held(
    message_id: str = "m1", *, chat_title: str = "Practice group", types: list[str] | None = None
) -> HeldPost:
    return HeldPost(
        platform="test",
        chat_id="g1",
        chat_title=chat_title,
        message_id=message_id,
        author_id="u-alice",
        author_name="alice",
        posted_at=T0,
        held_at=T0,
        mode="enforce",
        removed=True,
        types=types or ["PERSON"],
        preview="visited [PERSON]",
        original=b"ciphertext",
    )


async def test_a_decision_is_made_once_and_logged_once(store: Store) -> None:
    posts = HeldPosts(store)
    post = await posts.add(held(), actor="detector")
    results = await asyncio.gather(
        posts.decide(post.id, "keep", "mod", T0), posts.decide(post.id, "restore", "sam", T0)
    )
    assert sorted(results) == [False, True]
    stored = await posts.get(post.id)
    assert stored is not None and stored.decided_by in {"mod", "sam"}
    trail = [entry.action for entry in await posts.audit_trail(post.id)]
    assert trail[0] == "held" and len(trail) == 2 and trail[1] == stored.decision


async def test_only_undecided_holds_are_open_for_an_edit(store: Store) -> None:
    posts = HeldPosts(store)
    post = await posts.add(held("m1"), actor="detector")
    assert (await posts.open_for_message("test", "g1", "m1")) is not None
    assert (await posts.open_for_message("test", "g1", "m2")) is None
    await posts.decide(post.id, "keep", "mod", T0)
    assert (await posts.open_for_message("test", "g1", "m1")) is None
    assert [p.id for p in await posts.undecided("test")] == []


async def test_purge_drops_originals_decided_before_the_cutoff_only(store: Store) -> None:
    posts = HeldPosts(store)
    old = await posts.add(held("m1"), actor="detector")
    recent = await posts.add(held("m2"), actor="detector")
    waiting = await posts.add(held("m3"), actor="detector")
    await posts.decide(old.id, "keep", "mod", T0)
    await posts.decide(recent.id, "keep", "mod", T0 + timedelta(days=20))
    now = T0 + timedelta(days=31)
    assert await posts.purge_originals(now - timedelta(days=30), now) == 1
    assert (await posts.get(old.id)).original is None  # type: ignore[union-attr]
    assert (await posts.get(old.id)).purged_at == now  # type: ignore[union-attr]
    assert (await posts.get(recent.id)).original == b"ciphertext"  # type: ignore[union-attr]
    assert (await posts.get(waiting.id)).original == b"ciphertext"  # type: ignore[union-attr]
    assert [e.action for e in await posts.audit_trail(old.id)] == ["held", "keep", "purged"]
    assert await posts.purge_originals(now - timedelta(days=30), now) == 0


async def test_counts_by_group_type_and_decision(store: Store) -> None:
    posts = HeldPosts(store)
    first = await posts.add(held("m1", types=["PERSON", "ADDRESS"]), actor="detector")
    await posts.add(held("m2", types=["PERSON"], chat_title="Nurses"), actor="detector")
    await posts.decide(first.id, "restore", "mod", T0)
    counts = await posts.counts()
    assert counts.by_group == {"Practice group": 1, "Nurses": 1}
    assert counts.by_type == {"PERSON": 2, "ADDRESS": 1}
    assert counts.by_decision == {"restore": 1, "undecided": 1}


async def test_an_edit_replaces_the_held_content_and_is_audited(store: Store) -> None:
    posts = HeldPosts(store)
    post = await posts.add(held(), actor="detector")
    await posts.replace_content(
        post.id, types=["PHONE"], preview="call [PHONE]", original=b"new", at=T0
    )
    stored = await posts.get(post.id)
    assert stored is not None and (stored.types, stored.preview, stored.original) == (
        ["PHONE"],
        "call [PHONE]",
        b"new",
    )
    assert [e.action for e in await posts.audit_trail(post.id)] == ["held", "edited"]


async def test_the_audit_log_refuses_changes_and_deletions(store: Store) -> None:
    posts = HeldPosts(store)
    post = await posts.add(held(), actor="detector")
    for statement in (
        update(AuditEntry).where(AuditEntry.held_post_id == post.id).values(actor="someone else"),
        delete(AuditEntry).where(AuditEntry.held_post_id == post.id),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with store.session() as s:
                await s.execute(statement)
    assert [(e.action, e.actor) for e in await posts.audit_trail(post.id)] == [("held", "detector")]
