"""A learner's journey through the chat, on SQLite and PostgreSQL, with a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.actions import PrivateNotice
from handlers.learning.badges import verify
from handlers.learning.models import Delivery
from tests.learning.conftest import Harness
from tests.support import BOB


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def test_enrol_with_defaults_then_task_arrives_at_local_time_across_clock_change(
    harness: Harness,
) -> None:
    h = harness
    await h.enrol()
    assert "Mon, Wed, Fri at 10:00 (Europe/London)" in h.last_text()
    assert "Fri 27 Mar at 10:00" in h.last_text()
    h.clock.set(at(27, 9, 59))
    await h.tick()
    assert h.tasks() == []
    h.clock.set(at(27, 10, 0))  # GMT: 10:00 local is 10:00 UTC
    await h.tick()
    assert len(h.tasks()) == 1 and "Task 1 of 10" in h.tasks()[0]
    await h.tick()
    assert len(h.tasks()) == 1, "a second tick must not send the task again"
    await h.say("A closed group is still read by many people.")
    # Monday 30 March is BST: 10:00 local is 09:00 UTC
    h.clock.set(at(30, 8, 59))
    await h.tick()
    assert len(h.tasks()) == 1
    h.clock.set(at(30, 9, 0))
    await h.tick()
    assert len(h.tasks()) == 2 and "Task 2 of 10" in h.tasks()[1]


async def test_bad_schedule_words_get_clear_replies_and_change_nothing(harness: Harness) -> None:
    h = harness
    await h.say("/learn")
    await h.press(h.buttons()[0].data)
    await h.say("tue thu 25:00")
    assert "25:00 is not a time of day" in h.last_text()
    await h.say("tue 09:30 Mars/Olympus_Mons")
    assert "not a time zone I know" in h.last_text()
    await h.say("sat 10:00")
    assert "working days only" in h.last_text()
    await h.say("tue 07:00")
    assert "outside working hours" in h.last_text()
    await h.say("tue thu 09:30 Europe/Dublin")
    assert "Tue, Thu at 09:30 (Europe/Dublin)" in h.last_text()
    await h.say("/schedule 26:61")
    assert "not a time of day" in h.last_text() and "Nothing was changed" in h.last_text()
    await h.say("/schedule quiet 09:00-10:00")
    assert "inside your quiet hours" in h.last_text()


async def test_quiz_feedback_double_press_and_typed_answer(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    for day in (27, 30):
        h.clock.set(at(day, 10) - (timedelta(hours=1) if day == 30 else timedelta()))
        await h.tick()
        if day == 27:
            await h.press(h.buttons()[0].data)  # skip the read-reflect task
    quiz = h.buttons()
    assert quiz[0].label.startswith("1. ")
    await h.say("2")  # typed instead of pressed
    assert "Please answer" in h.last_text() and h.last().buttons == quiz  # type: ignore[attr-defined]
    await h.press(quiz[1].data)
    assert "Correct." in h.last_text() and "Combinations of ordinary facts" in h.last_text()
    await h.press(quiz[1].data)
    assert "already answered" in h.last_text()
    await h.press(quiz[0].data)
    assert "already answered" in h.last_text()


async def test_wrong_answer_comes_back_for_spaced_review(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    h.clock.set(at(27, 10))
    await h.tick()
    await h.press(h.buttons()[0].data)
    h.clock.set(at(30, 9))
    await h.tick()
    await h.press(h.buttons()[0].data)  # wrong
    assert "Not quite. The best answer is 2" in h.last_text()
    assert "review" in h.last_text()
    h.clock.set(at(31, 9))
    await h.tick()
    reviews = [t for t in h.tasks() if "Review" in t]
    assert len(reviews) == 1 and "What identifies a person" in reviews[0]
    await h.press(h.buttons()[1].data)
    assert "Correct." in h.last_text()


async def test_a_reflection_naming_someone_is_saved_without_the_name_and_the_learner_told(
    harness: Harness,
) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    await h.tick()
    await h.say("Mrs Patel's son reminded me how small our area is.")
    said = h.last_text()
    assert "saved to your CPD record" in said
    assert "I saved it without a name: a CPD record may be shown to others" in said
    assert not h.gate.held  # a DM is private: nothing is held for the moderators
    async with h.ctx.store.session() as s:
        kept = list(
            await s.scalars(select(Delivery.reflection).where(Delivery.reflection.is_not(None)))
        )
    assert kept == ["[PERSON]'s son reminded me how small our area is."]


async def test_one_reminder_after_four_working_hours(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    await h.tick()
    h.clock.set(at(27, 13, 59))
    await h.tick()
    assert not any("reminder" in t for t in map(str, [getattr(a, "text", "") for a in h.mine()]))
    h.clock.set(at(27, 14))
    await h.tick()
    assert "gentle reminder" in h.last_text()
    h.clock.set(at(27, 16))
    await h.tick()
    texts = [getattr(a, "text", "") for a in h.mine()]
    assert sum("gentle reminder" in t for t in texts) == 1


async def test_three_unanswered_tasks_pause_the_enrolment(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    for when in (at(27, 10), at(30, 9), at(31, 9), at(1, 9, month=4)):
        h.clock.set(when)
        await h.tick()
    assert len(h.tasks()) == 3
    assert "I've paused Confidentiality in closed groups" in h.last_text()
    assert "/resume" in h.last_text()
    h.clock.set(at(2, 9, month=4))
    await h.tick()
    assert len(h.tasks()) == 3
    await h.say("/resume")
    assert "Resumed" in h.last_text()
    h.clock.set(at(7, 9, month=4))  # Good Friday and Easter Monday are bank holidays
    await h.tick()
    assert len(h.tasks()) == 4 and "Task 4 of 10" in h.tasks()[-1]


async def test_stop_mid_delivery_and_old_buttons(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    await h.tick()
    old = h.buttons()
    engine = h.feature.engine
    claimed = await engine._claim(h.ctx, recover=False)
    assert claimed == []  # nothing else due
    await h.say("/stop")
    assert "You've left" in h.last_text()
    await h.press(old[0].data)
    assert "closed" in h.last_text()
    h.clock.set(at(30, 9))
    await h.tick()
    assert len(h.tasks()) == 1


async def test_stop_while_a_task_is_being_sent(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    claimed = await h.feature.engine._claim(h.ctx, recover=False)
    assert len(claimed) == 1
    await h.say("/stop")
    assert "already on its way" in h.last_text()


async def test_cpd_export_and_badge_on_completion(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00", programme=1)
    day = at(27, 10)
    for _ in range(10):
        h.clock.set(day)
        await h.tick()
        task = h.tasks()[-1]
        if "Choose an answer" in task:
            await h.press(h.buttons()[1].data)
        else:
            await h.say("I will check my settings every term.")
        day += timedelta(days=1)
        while day.weekday() >= 5 or day.date().isoformat() in ("2026-04-03", "2026-04-06"):
            day += timedelta(days=1)
        if day >= at(29, 0):
            day = day.replace(hour=9)
    badge = next(a for a in h.mine() if isinstance(a, PrivateNotice) and a.attachment is not None)
    assert badge.attachment is not None and badge.attachment.filename.endswith("-badge.jwt")
    result = verify(badge.attachment.content.decode())
    assert result.credential["name"] == "Social media in practice"
    assert "OpenBadgeCredential" in result.credential["type"]
    await h.say("/progress")
    assert "10 of 10 done" in h.last_text() and "Completed" in h.last_text()
    await h.say("/cpd")
    files = [a.attachment for a in h.mine()[-2:] if isinstance(a, PrivateNotice)]
    assert [f.filename.rsplit(".", 1)[1] for f in files if f] == ["csv", "md"]
    csv_text = files[0].content.decode() if files[0] else ""
    assert csv_text.splitlines()[0].startswith("date,programme,task,minutes")
    assert "I will check my settings every term." in csv_text
    assert "Social Work England professional standard 4" in csv_text
    assert len(csv_text.strip().splitlines()) == 11


async def test_other_learners_buttons_are_refused(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    await h.tick()
    await h.press(h.buttons()[0].data, user=BOB)
    assert "someone else's" in h.last_text(BOB)


async def test_edited_programme_does_not_break_enrolment_in_flight(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    h.clock.set(at(27, 10))
    await h.tick()
    await h.press(h.buttons()[0].data)
    h.clock.set(at(30, 9))
    await h.tick()
    quiz = h.buttons()
    # the organisation rewrites the file: c04 (not yet planned) disappears
    path = h.programmes_dir / "confidentiality-in-closed-groups.yaml"
    text = path.read_text()
    start = text.index("  - id: c04")
    end = text.index("  - id: c05")
    path.write_text(text[:start] + text[end:])
    await h.feature.start(h.ctx)  # reload, as a restart would
    await h.press(quiz[2].data)  # option 3 of the task as it was sent
    assert "You chose 3" in h.last_text()
    h.clock.set(at(31, 9))
    await h.tick()  # c03 was planned (and frozen) before the edit: it goes out as it was
    h.clock.set(at(1, 9, month=4))
    await h.tick()
    sent = [t for t in h.tasks() if ": Review ·" not in t]
    assert "A question that needs case detail" in sent[-2]
    assert "Review your last five posts" in sent[-1]  # c04 is skipped, nothing breaks


async def test_an_earlier_tasks_buttons_still_record_a_late_answer(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    h.clock.set(at(27, 10))
    await h.tick()
    await h.press(h.buttons()[0].data)  # skip c01
    h.clock.set(at(30, 9))
    await h.tick()
    quiz = h.buttons()  # c02, left unanswered
    h.clock.set(at(31, 9))
    await h.tick()
    assert "Task 3 of 10" in h.tasks()[-1]
    await h.press(quiz[1].data)
    assert h.last_text().startswith("That was an earlier task; your answer still counts.")
    assert "Correct." in h.last_text()


async def test_learn_in_a_group_answers_privately(harness: Harness) -> None:
    from bot.actions import PrivateVia
    from tests.support import GROUP, post

    h = harness
    await h.app.handle(post("/learn", chat=GROUP))
    notice = h.adapter.actions[-1]
    assert isinstance(notice, PrivateNotice) and notice.prefer is PrivateVia.EPHEMERAL
    assert h.adapter.to(GROUP) == []


async def test_a_question_while_choosing_a_schedule_is_not_taken_for_one(
    harness: Harness,
) -> None:
    h = harness
    await h.say("/learn")
    await h.press(h.buttons()[0].data)
    await h.say("What counts as identifying information?")
    assert "didn't understand" not in h.last_text()
    await h.say("thu 09:45")
    assert "Thu at 09:45 (Europe/London)" in h.last_text()


async def test_reviews_withdrawn_by_a_pause_come_back_on_resume(harness: Harness) -> None:
    h = harness
    await h.enrol("mon tue wed thu fri 10:00")
    h.clock.set(at(27, 10))
    await h.tick()
    await h.press(h.buttons()[0].data)
    h.clock.set(at(30, 9))
    await h.tick()
    await h.press(h.buttons()[0].data)  # wrong: a review is planned
    await h.say("/pause")
    h.clock.set(at(31, 9))
    await h.tick()
    assert not [t for t in h.tasks() if ": Review ·" in t]
    await h.say("/resume")
    h.clock.set(at(1, 9, month=4))
    await h.tick()
    assert len([t for t in h.tasks() if ": Review ·" in t]) == 1


async def test_an_overlong_reflection_is_returned_not_saved(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(at(27, 10))
    await h.tick()
    await h.say("word " * 1000)
    assert "please keep it under 3000" in h.last_text()
    await h.say("Short and to the point.")
    assert "saved to your CPD record" in h.last_text()


async def test_malformed_or_unknown_learning_buttons_are_declined(harness: Harness) -> None:
    h = harness
    for data in ("learn:a:x:1", "learn:a:999999:1", "learn:zap:1", "learn:enrol:no-such-thing"):
        await h.press(data)
        assert "no longer" in h.last_text(), data
