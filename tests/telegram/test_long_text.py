"""Telegram takes 4096 characters a message: longer answers go as several, nothing cut off."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.text_limits import shorten, split_message, utf16_length
from bot.actions import Button, Send, Update
from bot.events import Chat, ChatKind
from tests.support import Inbox
from tests.telegram import updates as u
from tests.telegram.fake_api import FakeBotAPI

GROUP = Chat("telegram", str(u.GROUP["id"]), ChatKind.GROUP, "Practice group")


@given(st.text(alphabet=st.sampled_from("ab c\n😀é"), max_size=400), st.integers(8, 60))
def test_pieces_fit_and_keep_every_word(text: str, limit: int) -> None:
    pieces = split_message(text, limit)
    assert all(utf16_length(p) <= limit for p in pieces)
    assert "".join(text.split()) == "".join("".join(pieces).split())


def test_short_text_is_one_piece_and_edits_are_marked_when_cut() -> None:
    assert split_message("hello") == ["hello"]
    cut = shorten("x" * 5000)
    assert utf16_length(cut) == 4096 and cut.endswith("…")


async def test_long_answer_arrives_whole_with_buttons_on_the_last_part(
    fake: FakeBotAPI, running: tuple[TelegramAdapter, Inbox]
) -> None:
    adapter, _ = running
    paragraphs = [f"Paragraph {i}: " + "guidance " * 60 for i in range(20)]  # about 11,000 chars
    text = "\n\n".join(paragraphs)
    # Telegram slows us down once the first part has gone out
    fake.flood["sendMessage"] = (1, 0.5)
    fake.flood_retry_after = 1
    result = await adapter.perform(
        Send(chat=GROUP, text=text, reply_to="42", buttons=(Button("Helpful", "q:up:1"),))
    )
    calls = [c.params for c in fake.calls if c.method == "sendMessage"]
    sent = [p for p in calls if p.get("_ok")]
    assert len(calls) > len(sent), "no 429 was answered: the test did not test the wait"
    assert len(sent) == 3  # no part sent twice
    assert "".join(text.split()) == "".join("".join(p["text"] for p in sent).split())
    assert [("reply_markup" in p) for p in sent] == [False, False, True]
    assert "reply_parameters" in sent[0] and "reply_parameters" not in sent[1]
    [(_, with_buttons)] = [k for k, m in fake.messages.items() if m.get("reply_markup")]
    assert result.message_id == str(with_buttons)  # the card, for later edits


async def test_an_overlong_edit_is_shortened_not_refused(
    fake: FakeBotAPI, running: tuple[TelegramAdapter, Inbox]
) -> None:
    adapter, _ = running
    card = await adapter.perform(Send(chat=GROUP, text="short"))
    assert card.message_id is not None
    await adapter.perform(Update(chat=GROUP, message_id=card.message_id, text="y" * 5000))
    [edit] = fake.called("editMessageText")
    assert edit.get("_ok") and edit["text"].endswith("…")
