"""A breach in a Slack channel: deleted with the admin's token, a card for the moderators,
Restore pressed, reposted; without the admin token the core falls back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.slack import payloads as p
from tests.slack.fake_slack import ADMIN_TOKEN, BOT_TOKEN, FakeSlack
from tests.slack.scenario import cards, labels, port, press, slack_bot
from tests.support import require_ocr, until

BREACH = "visited Doreen Pike at 14 Elm Road today, NHS 943 476 5919, she's refusing meds"
FEATURES = ("handlers.admin", "handlers.moderation")


def deleted_by_admin(fake: FakeSlack) -> list[str]:
    return [str(c.params["ts"]) for c in fake.of("chat.delete") if c.token == ADMIN_TOKEN]


def told_alice(fake: FakeSlack) -> list[str]:
    return fake.texts(f"D{p.ALICE}") + [e["text"] for e in fake.ephemerals if e["user"] == p.ALICE]


async def test_breach_deleted_reviewed_and_restored(fake: FakeSlack, tmp_path: Path) -> None:
    post = p.message(BREACH)
    fake.member_post(p.GROUP, post["ts"], p.ALICE, BREACH)
    async with slack_bot(fake, tmp_path, features=FEATURES) as (_, adapter):
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        await until(lambda: deleted_by_admin(fake) == [post["ts"]])
        assert (p.GROUP, post["ts"]) not in fake.messages
        await until(lambda: len(cards(fake, p.MODS)) == 1)
        card = dict(cards(fake, p.MODS)[0])  # a copy: the fake updates its own in place
        assert "Doreen Pike" not in card["text"]  # the moderators see a redacted preview
        assert "Restore" in labels(card)
        await until(lambda: len(told_alice(fake)) == 1)  # the author is told privately
        assert "Doreen Pike" not in " ".join(told_alice(fake))

        assert await press(adapter, card, "Restore", user=p.MOD, channel=p.MODS) == 200
        await until(lambda: any(BREACH in t for t in fake.texts(p.GROUP)))
        [repost] = [t for t in fake.texts(p.GROUP) if BREACH in t]
        assert "alice" in repost.split(BREACH)[0]  # reposted by the bot, naming the author

        # the card is updated in place to show the decision
        def decided() -> dict[str, Any]:
            [now] = [m for m in fake.posted(p.MODS) if m["ts"] == card["ts"]]
            return now

        await until(lambda: "restored" in decided()["text"])
        assert "restored" not in card["text"]
        assert any(c.params["ts"] == card["ts"] for c in fake.of("chat.update"))
        assert "Restore" not in labels(decided())  # no second restore from a stale card


async def test_without_the_admin_token_the_author_is_asked(fake: FakeSlack, tmp_path: Path) -> None:
    post = p.message(BREACH)
    fake.member_post(p.GROUP, post["ts"], p.ALICE, BREACH)
    async with slack_bot(fake, tmp_path, features=FEATURES, admin=False) as (_, adapter):
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        await until(lambda: len(cards(fake, p.MODS)) == 1)
        await until(lambda: len(told_alice(fake)) == 1)
    assert (p.GROUP, post["ts"]) in fake.messages  # still there: only the author can remove it
    [card] = cards(fake, p.MODS)
    assert "Doreen Pike" not in card["text"] and "STILL VISIBLE" in card["text"]
    [notice] = told_alice(fake)
    assert "please delete it" in notice and "Doreen Pike" not in notice


FILES = Path(__file__).resolve().parents[1] / "moderation" / "scenarios" / "files"


async def test_a_shared_photo_is_fetched_read_and_held(fake: FakeSlack, tmp_path: Path) -> None:
    """Issue 18: files.info, then url_private with the bot token; the photo's text is screened."""
    require_ocr()
    fake.files["F0PHOTO"] = ("IMG_0412.jpg", "image/jpeg", (FILES / "careplan.jpg").read_bytes())
    post = p.message("from today's visit", files=[{"id": "F0PHOTO", "name": "IMG_0412.jpg"}])
    fake.member_post(p.GROUP, post["ts"], p.ALICE, post["text"])
    async with slack_bot(fake, tmp_path, features=FEATURES) as (_, adapter):
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        await until(lambda: len(cards(fake, p.MODS)) == 1, within=60)
        assert fake.downloads == ["F0PHOTO"]
        assert [c.token for c in fake.of("files.info")] == [BOT_TOKEN]
        card = cards(fake, p.MODS)[0]
        assert "File IMG_0412.jpg (JPEG image): [PERSON]" in card["text"]
        assert "Doreen" not in card["text"] and "Elm Road" not in card["text"]
        assert deleted_by_admin(fake) == [post["ts"]]
        # Show original: the photo itself, uploaded privately to the moderator who asks
        assert await press(adapter, card, "Show original", user=p.MOD, channel=p.MODS) == 200
        await until(lambda: len(fake.shared_uploads) == 1)
        [upload] = fake.shared_uploads
        assert upload["channel"] == f"D{p.MOD}" and upload["title"] == "IMG_0412.jpg"
        assert upload["content"] == (FILES / "careplan.jpg").read_bytes()


async def test_without_the_files_scope_the_card_says_what_to_do(
    fake: FakeSlack, tmp_path: Path
) -> None:
    """An app installed before files were read: the file is held, and the reason says why."""
    fake.files_scope = False
    fake.files["F0DOC"] = ("notes.pdf", "application/pdf", b"%PDF-1.4")
    post = p.message("notes", files=[{"id": "F0DOC", "name": "notes.pdf"}])
    fake.member_post(p.GROUP, post["ts"], p.ALICE, post["text"])
    async with slack_bot(fake, tmp_path, features=FEATURES) as (_, adapter):
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        await until(lambda: len(cards(fake, p.MODS)) == 1)
        card = cards(fake, p.MODS)[0]
        assert "could not read this PDF: the Slack app may not read files yet" in card["text"]
        assert "files:read" in card["text"]
        assert fake.downloads == []
