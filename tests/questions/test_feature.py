"""Asking the bot as a practitioner would: answers with sources, honest abstention, experts' answers back."""

from __future__ import annotations

import sys
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.actions import Send
from bot.clock import ManualClock
from bot.config import ChatRole
from bot.events import ButtonPressed
from bot.store import Store
from handlers.questions.kb.approved import APPROVED
from handlers.questions.records import QuestionRecord
from tests.support import (
    ADMIN,
    ALICE,
    BOB,
    EXPERTS,
    GROUP,
    RecordingAdapter,
    dm,
    make_app,
    post,
)

STARTER_KB = Path(__file__).resolve().parents[2] / "handlers" / "questions" / "starter_kb"
PENSION = "what is the pension contribution rate this year?"

FEATURES = ("handlers.admin", "handlers.questions")
MONDAY_10AM = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@asynccontextmanager
async def _with_experts(store: Store, adapter: RecordingAdapter, clock: ManualClock):  # type: ignore[no-untyped-def]
    """The app with its experts' room registered."""
    async with make_app(store, adapter, FEATURES, clock=clock) as app:
        await app.ctx.rooms.register(EXPERTS, ChatRole.EXPERTS)
        yield app


def _press(adapter: RecordingAdapter, user, label: str, chat, event_id: str) -> ButtonPressed:  # type: ignore[no-untyped-def]
    for action in reversed(adapter.actions):
        for button in getattr(action, "buttons", ()):
            if button.label == label:
                return ButtonPressed(
                    event_id=event_id,
                    chat=chat,
                    user=user,
                    time=post("x").time,
                    message_id="m",
                    data=button.data,
                )
    raise AssertionError(f"no {label!r} button was shown")


async def test_a_question_gets_an_answer_with_its_source_and_feedback_buttons(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(
            post("can I accept a friend request from someone I support?", chat=dm(ALICE))
        )
    (answer,) = [a for a in adapter.actions if isinstance(a, Send)]
    assert answer.text.startswith("No. Keep personal social media accounts separate")
    assert "Source: Social media and boundaries (sample guidance)" in answer.text
    assert [b.label for b in answer.buttons] == ["Helpful", "Not helpful", "Ask a person"]


async def test_a_question_holding_a_lone_surrogate_is_still_answered(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(
            post("can I accept a friend request \ud800 from someone I support?", chat=dm(ALICE))
        )
    (answer,) = [a for a in adapter.actions if isinstance(a, Send)]
    assert answer.text.startswith("No. Keep personal social media accounts separate")


async def test_in_a_group_the_answer_goes_in_the_thread_of_the_mention(store: Store) -> None:
    adapter = RecordingAdapter()
    question = post("@PracticeBot why did the bot remove my post?", mentions_bot=True)
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(question)
    (answer,) = [a for a in adapter.actions if isinstance(a, Send)]
    assert answer.chat == GROUP and answer.thread_id == question.message_id
    assert "held" in answer.text or "holds" in answer.text


async def test_not_sure_escalates_and_the_experts_answer_comes_back_and_can_be_saved(
    store: Store,
) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.ctx.rooms.register(EXPERTS, ChatRole.EXPERTS)
        await app.handle(
            post("what is the pension contribution rate this year?", user=BOB, chat=dm(BOB))
        )
        assert "I've asked the practice leads" in adapter.private(BOB)[0]
        card = adapter.to(EXPERTS)[0]
        assert card.startswith("Question #1 from bob") and "pension" in card
        await app.handle(_press(adapter, ALICE, "Answer", EXPERTS, "p1"))
        await app.handle(post("It is set nationally each April.", user=ALICE, chat=EXPERTS))
        assert adapter.private(BOB)[-1].endswith("It is set nationally each April.")
        await app.handle(_press(adapter, ALICE, "Save as draft FAQ", EXPERTS, "p2"))
        assert adapter.to(EXPERTS)[-1].startswith("Saved as draft FAQ #1")
        await app.handle(post("/unanswered", user=ALICE, chat=EXPERTS))
        assert adapter.to(EXPERTS)[-1] == "No questions are waiting for an expert."


async def test_without_an_experts_room_the_bot_says_so(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(
            post("what is the pension contribution rate this year?", user=BOB, chat=dm(BOB))
        )
    assert "no experts' room is set up yet" in adapter.private(BOB)[0]


async def test_bad_questions_get_clear_replies(store: Store) -> None:
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(post("/ask", chat=dm(ALICE)))
        await app.handle(post("x" * 10_000, chat=dm(ALICE)))
        await app.handle(post("🙂🙂🙂", chat=dm(ALICE)))
        await app.handle(post("hello", chat=dm(ALICE)))
        await app.handle(post("Great, thank you so much!", chat=dm(ALICE)))
        await app.handle(post("thanks, and can I accept a friend request?", chat=dm(ALICE)))
    said = adapter.private(ALICE)
    assert said[0].startswith("Add your question after /ask")
    assert "10,000 characters" in said[1]
    assert "couldn't find any words" in said[2]
    assert said[3].startswith("Hello alice!")
    assert said[4].startswith("Glad to help, alice.")  # not a question for the experts
    assert said[5].startswith("No.") and "Source:" in said[5]  # thanks, then a question


async def _draft_saved(app, adapter: RecordingAdapter) -> None:  # type: ignore[no-untyped-def]
    """Bob's question goes to the experts; Alice answers it and saves it as draft FAQ #1."""
    await app.ctx.rooms.register(EXPERTS, ChatRole.EXPERTS)
    await app.handle(post(PENSION, user=BOB, chat=dm(BOB)))
    await app.handle(_press(adapter, ALICE, "Answer", EXPERTS, "p1"))
    await app.handle(post("It is set nationally each April.", user=ALICE, chat=EXPERTS))
    await app.handle(_press(adapter, ALICE, "Save as draft FAQ", EXPERTS, "p2"))


@asynccontextmanager
async def _with_a_draft(store: Store, adapter: RecordingAdapter, data: Path):  # type: ignore[no-untyped-def]
    """The app on the starter knowledge base with its data folder at `data`, draft #1 saved.
    Whatever happens, the knowledge base in the package is left as it was."""
    before = {p.name: p.read_bytes() for p in STARTER_KB.iterdir()}
    async with make_app(store, adapter, FEATURES, bot={"data_dir": data}) as app:
        await _draft_saved(app, adapter)
        yield app
    assert {p.name: p.read_bytes() for p in STARTER_KB.iterdir()} == before


async def test_an_approved_draft_is_written_to_the_data_folder_and_answers_the_next_asker(
    store: Store, tmp_path: Path
) -> None:
    approved = tmp_path / "questions" / APPROVED
    adapter = RecordingAdapter()
    async with _with_a_draft(store, adapter, tmp_path) as app:
        await app.handle(post("/drafts", user=ADMIN, chat=dm(ADMIN)))
        listing = adapter.private(ADMIN)[-1]
        assert "#1 Q: what is the pension contribution rate" in listing
        assert f"in {approved}, and reloads it" in listing
        await app.handle(_press(adapter, ADMIN, "Approve #1", dm(ADMIN), "p3"))
        done = adapter.private(ADMIN)[-1]
        assert done.startswith("Approved draft #1: added as FAQ entry ")
        assert f" to {approved}; the knowledge base now has " in done
        written = approved.read_text()
        assert "It is set nationally each April." in written
        assert "Answer from the practice leads (alice), approved by admin on 2026-03-02" in written
        await app.handle(post(PENSION, user=ALICE, chat=dm(ALICE)))
        answer = adapter.private(ALICE)[-1]
        assert answer.startswith("It is set nationally each April.")
        assert "Source: Answer from the practice leads (alice)" in answer
        await app.handle(_press(adapter, ADMIN, "Approve #1", dm(ADMIN), "p4"))
        assert adapter.private(ADMIN)[-1].startswith("Draft #1 was already approved by admin")
        await app.handle(post("/drafts", user=ADMIN, chat=dm(ADMIN)))
        assert adapter.private(ADMIN)[-1] == "No draft FAQ entries are waiting for approval."
    assert written.count("- id:") == 1  # the second tap wrote nothing


async def test_a_discarded_draft_leaves_the_kb_alone(store: Store, tmp_path: Path) -> None:
    adapter = RecordingAdapter()
    async with _with_a_draft(store, adapter, tmp_path) as app:
        await app.handle(post("/drafts", user=ADMIN, chat=dm(ADMIN)))
        await app.handle(_press(adapter, ALICE, "Discard #1", dm(ALICE), "p3"))
        assert adapter.private(ALICE)[-1] == "Only the bot's admins can approve or discard drafts."
        await app.handle(_press(adapter, ADMIN, "Discard #1", dm(ADMIN), "p4"))
        assert adapter.private(ADMIN)[-1] == "Discarded draft #1."
    assert not (tmp_path / "questions" / APPROVED).exists()


@pytest.mark.parametrize(
    ("existing", "why"),
    [("id: [unclosed\n", "cannot be read"), ("just: a mapping\n", "is not a list of FAQ entries")],
)
async def test_a_broken_approved_file_is_named_and_the_draft_stays_pending(
    store: Store, tmp_path: Path, existing: str, why: str
) -> None:
    approved = tmp_path / "questions" / APPROVED
    approved.parent.mkdir()
    approved.write_text(existing)
    adapter = RecordingAdapter()
    async with _with_a_draft(store, adapter, tmp_path) as app:
        await app.handle(post("/drafts", user=ADMIN, chat=dm(ADMIN)))
        await app.handle(_press(adapter, ADMIN, "Approve #1", dm(ADMIN), "p3"))
        refused = adapter.private(ADMIN)[-1]
        assert refused.startswith(f"Draft #1 was not approved: {APPROVED} {why}")
        await app.handle(post("/drafts", user=ADMIN, chat=dm(ADMIN)))
        assert "#1 Q: what is the pension" in adapter.private(ADMIN)[-1]
    assert approved.read_text() == existing


async def test_an_answered_questions_words_are_deleted_after_the_retention_period(
    store: Store,
) -> None:
    adapter = RecordingAdapter()
    clock = ManualClock(MONDAY_10AM)
    async with _with_experts(store, adapter, clock) as app:
        await app.handle(post("why did the bot remove my post?", chat=dm(ALICE)))
        await app.handle(post(PENSION, user=BOB, chat=dm(BOB)))  # waits for an expert
        clock.advance(timedelta(days=89))
        await app.run_jobs_once()
        async with store.session() as s:
            kept = [r.text for r in (await s.scalars(select(QuestionRecord))).all()]
        assert kept == ["why did the bot remove my post?", PENSION]
        clock.advance(timedelta(days=2))
        await app.run_jobs_once()
        async with store.session() as s:
            rows = (await s.scalars(select(QuestionRecord).order_by(QuestionRecord.id))).all()
        assert [r.text for r in rows] == ["", PENSION]  # the waiting one is still needed
        assert rows[0].entry_id is not None and rows[0].purged_at is not None
        await app.handle(_press(adapter, ALICE, "Ask a person", dm(ALICE), "p1"))
        assert "words were deleted 90 days after it was answered" in adapter.private(ALICE)[-1]
        await app.handle(post("/unanswered", user=ALICE, chat=EXPERTS))
        assert PENSION in adapter.to(EXPERTS)[-1]


async def test_a_second_expert_is_told_who_is_answering_and_can_take_over_after_30_minutes(
    store: Store,
) -> None:
    adapter = RecordingAdapter()
    clock = ManualClock(MONDAY_10AM)
    async with _with_experts(store, adapter, clock) as app:
        await app.handle(post(PENSION, user=BOB, chat=dm(BOB)))
        await app.handle(_press(adapter, ALICE, "Answer", EXPERTS, "p1"))
        await app.handle(_press(adapter, ADMIN, "Answer", EXPERTS, "p2"))
        assert adapter.private(ADMIN)[-1] == (
            "alice is already answering question #1 (since 10:00); if there is no answer by "
            "10:30, tap Answer again to take it over."
        )  # 10:00 in London on 2 March is 10:00 UTC
        await app.handle(post("It is set nationally each April.", user=ALICE, chat=EXPERTS))
        assert adapter.private(BOB)[-1].endswith("It is set nationally each April.")

        await app.handle(post("what is my salary band?", user=BOB, chat=dm(BOB)))
        await app.handle(_press(adapter, ALICE, "Answer", EXPERTS, "p3"))
        clock.advance(timedelta(minutes=31))
        await app.handle(_press(adapter, ADMIN, "Answer", EXPERTS, "p4"))
        assert adapter.to(EXPERTS)[-1] == (
            "admin, type your answer to question #2 as your next message here "
            "(taking it over from alice)."
        )
        await app.handle(post("Your payslip shows it.", user=ADMIN, chat=EXPERTS))
        assert adapter.private(BOB)[-1].endswith("Your payslip shows it.")


async def test_without_the_semantic_extra_the_bot_says_so_once_and_answers_with_bm25(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # as a base install has it
    adapter = RecordingAdapter()
    async with make_app(store, adapter, FEATURES) as app:
        await app.handle(
            post("can I accept a friend request from someone I support?", chat=dm(ALICE))
        )
    (answer,) = [a for a in adapter.actions if isinstance(a, Send)]
    assert answer.text.startswith("No. Keep personal social media accounts separate")
    warnings = [r for r in caplog.records if "needs the semantic extra" in r.getMessage()]
    assert len(warnings) == 1 and getattr(warnings[0], "missing", "") == "threadpoolctl"
