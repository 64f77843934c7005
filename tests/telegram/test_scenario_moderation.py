"""A breach in a Telegram group: removed, a card for the moderators, Restore pressed, reposted."""

from __future__ import annotations

from pathlib import Path

from tests.support import require_ocr, until
from tests.telegram import updates as u
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.scenario import cards, labels, press, telegram_bot

BREACH = "visited Doreen Pike at 14 Elm Road today, NHS 943 476 5919, she's refusing meds"
GROUP_ID = int(u.GROUP["id"])
MODS_ID = int(u.MODS["id"])
ALICE_ID = int(u.ALICE["id"])


def deleted(fake: FakeBotAPI) -> list[int]:
    return [int(p["message_id"]) for p in fake.called("deleteMessage") if p.get("_ok")]


async def test_breach_removed_reviewed_and_restored(fake: FakeBotAPI, tmp_path: Path) -> None:
    fake.admins_who_can_delete.add(GROUP_ID)
    fake.dm_opened.add(ALICE_ID)
    async with telegram_bot(
        fake, tmp_path, features=("handlers.admin", "handlers.moderation")
    ) as _:
        fake.push(u.posted(BREACH, message_id=555))
        await until(lambda: deleted(fake) == [555])
        await until(lambda: len(cards(fake, MODS_ID)) == 1)
        [card] = cards(fake, MODS_ID)
        assert "Doreen Pike" not in card["text"]  # the moderators see a redacted preview
        assert "Restore" in labels(card)
        # the author is told privately why, by DM
        await until(lambda: len(fake.sent_to(ALICE_ID)) == 1)
        assert "Doreen Pike" not in " ".join(fake.sent_to(GROUP_ID))

        answered = len(fake.answered_queries)
        press(fake, card, labels(card).index("Restore"), u.MOD)
        await until(lambda: any(BREACH in text for text in fake.sent_to(GROUP_ID)))
        [repost] = [t for t in fake.sent_to(GROUP_ID) if BREACH in t]
        assert repost.startswith("alice_ng")  # reposted by the bot, naming the author
        # the card is edited in place to show the decision, and the tap was answered
        await until(
            lambda: any(
                int(p["message_id"]) == card["message_id"] for p in fake.called("editMessageText")
            )
        )
        assert len(fake.answered_queries) == answered + 1


async def test_without_the_right_to_delete_the_core_falls_back(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    fake.dm_opened.add(ALICE_ID)  # the bot is a plain member of the group: no admin rights
    async with telegram_bot(
        fake, tmp_path, features=("handlers.admin", "handlers.moderation")
    ) as _:
        fake.push(u.posted(BREACH, message_id=556))
        await until(lambda: len(cards(fake, MODS_ID)) == 1)
        await until(lambda: len(fake.sent_to(ALICE_ID)) == 1)
    assert deleted(fake) == []
    [card] = cards(fake, MODS_ID)
    assert "Doreen Pike" not in card["text"] and "STILL VISIBLE" in card["text"]
    [notice] = fake.sent_to(ALICE_ID)
    assert "please delete it" in notice and "Doreen Pike" not in notice


FILES = Path(__file__).resolve().parents[1] / "moderation" / "scenarios" / "files"


async def test_a_posted_photo_is_fetched_read_and_held(fake: FakeBotAPI, tmp_path: Path) -> None:
    """Issue 18: getFile, then the file's download address; the photo's text is screened."""
    require_ocr()
    fake.admins_who_can_delete.add(GROUP_ID)
    fake.dm_opened.add(ALICE_ID)
    fake.files["AgAC1"] = (FILES / "careplan.jpg").read_bytes()
    async with telegram_bot(
        fake, tmp_path, features=("handlers.admin", "handlers.moderation")
    ) as _:
        fake.push(u.photo("", message_id=557))
        await until(lambda: len(cards(fake, MODS_ID)) == 1, within=60)
        assert fake.downloads == ["AgAC1"]
        [card] = cards(fake, MODS_ID)
        assert "File photo.jpg (JPEG image): [PERSON]" in card["text"]
        assert "Doreen" not in card["text"] and "Elm Road" not in card["text"]
        assert deleted(fake) == [557]
        await until(lambda: len(fake.sent_to(ALICE_ID)) == 1)
        assert "photo.jpg contains a name" in fake.sent_to(ALICE_ID)[0]


async def test_the_group_goes_on_while_a_scan_is_read(fake: FakeBotAPI, tmp_path: Path) -> None:
    """A six-page scan posted first does not hold up the breach posted after it in the chat: the
    breach is removed first, the scan (it names someone too) once it has been read."""
    require_ocr()
    from tests.moderation.test_attachments import TEXT, scanned_pdf

    fake.admins_who_can_delete.add(GROUP_ID)
    fake.files["BQAC1"] = scanned_pdf(6, TEXT)
    async with telegram_bot(
        fake, tmp_path, features=("handlers.admin", "handlers.moderation")
    ) as _:
        fake.push(u.document("minutes", "minutes.pdf", message_id=560))
        fake.push(u.posted(BREACH, message_id=561))
        await until(lambda: len(deleted(fake)) == 2, within=60)
        assert deleted(fake) == [561, 560]
        assert fake.downloads == ["BQAC1"]
        assert len(fake.called("getFile")) == 1
