"""Held posts and the audit log on SQLite and PostgreSQL (the shared `store` fixture)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from bot.crypto import Crypto, DecryptionFailed
from bot.store import Store
from handlers.moderation.records import AuditEntry, HeldFile, HeldPost, HeldPosts, pack, unpack

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def held(
    message_id: str = "m1",
    *,
    chat_title: str = "Practice group",
    types: list[str] | None = None,
    original: bytes = b"ciphertext",
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
        original=original,
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
    why = [["PHONE", "phone number of a person or family"]]
    await posts.replace_content(
        post.id, types=["PHONE"], explanations=why, preview="call [PHONE]", original=b"new", at=T0
    )
    stored = await posts.get(post.id)
    assert stored is not None
    assert (stored.types, stored.explanations, stored.preview, stored.original) == (
        ["PHONE"],
        why,
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


async def test_keys_rotate_re_encrypts_with_the_newest_key_and_names_what_it_cannot_open(
    store: Store, tmp_path: Path
) -> None:
    old, new, lost = Crypto("the-old-key-0123456789"), "the-new-key-0123456789", Crypto("x" * 20)
    posts = HeldPosts(store)
    first = await posts.add(held("m1", original=old.encrypt("Doreen Pike")), actor="d")
    second = await posts.add(held("m2", original=lost.encrypt("Mrs Holloway")), actor="d")
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "keys", "rotate"],
        env={
            **os.environ,
            "DATABASE_URL": store.url.render_as_string(hide_password=False),
            "PRACTICEBOT_SECRET_KEY": f"{new}, the-old-key-0123456789",
            "PYTHONPATH": str(ROOT),
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "re-encrypted 1 held post with the newest of 2 keys" in result.stdout
    assert "1 held post could not be opened with any key given" in result.stderr
    assert f"#{second.id}" in result.stderr
    rotated = await posts.get(first.id)
    assert rotated is not None and rotated.original is not None
    assert Crypto(new).decrypt(rotated.original) == "Doreen Pike"  # the old key is not needed now
    with pytest.raises(DecryptionFailed):
        old.decrypt(rotated.original)
    untouched = await posts.get(second.id)
    assert untouched is not None and lost.decrypt(untouched.original or b"") == "Mrs Holloway"


async def test_held_files_are_kept_encrypted_purged_with_the_post_and_rotated(
    store: Store,
) -> None:
    """Issue 18: a held post's files live and die with its original, under the same keys."""
    named = "Doreen_Pike_careplan.jpg"
    old, new = (
        Crypto("old-key-0123456789abcdef"),
        Crypto("new-key-0123456789abcdef,old-key-0123456789abcdef"),
    )
    posts = HeldPosts(store)
    photo = b"\xff\xd8\xff a photo of a care plan"
    post = await posts.add(
        held(original=old.encrypt("caption")),
        actor="detector",
        files=[
            HeldFile(mime_type="image/jpeg", content=old.encrypt_bytes(pack(named, photo)))
        ],
    )
    [stored] = await posts.files(post.id)
    assert stored.content is not None and photo not in stored.content
    assert b"Doreen" not in stored.content  # a file's name can name someone: sealed with it
    assert unpack(old.decrypt_bytes(stored.content)) == (named, photo)

    done, unreadable = await posts.reencrypt(new.rotate)
    assert (done, unreadable) == (1, [])  # one held post: its text and its file
    [rotated] = await posts.files(post.id)
    assert rotated.content is not None
    assert unpack(Crypto("new-key-0123456789abcdef").decrypt_bytes(rotated.content)) == (
        named,
        photo,
    )

    await posts.decide(post.id, "keep", "mod", T0)
    assert await posts.purge_originals(T0 + timedelta(days=1), T0 + timedelta(days=31)) == 1
    [purged] = await posts.files(post.id)
    assert purged.content is None and purged.mime_type == "image/jpeg"
