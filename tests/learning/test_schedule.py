"""Due times: learner's local time, working days, bank holidays, clock changes, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from bot.config import LearningSection
from handlers.learning.schedule import (
    Rules,
    ScheduleError,
    parse_choice,
    parse_quiet,
    parse_zone,
)

LONDON = parse_zone("Europe/London")


def rules(
    days: set[int], at: time = time(10), calendar: str = "england-and-wales", **kw: object
) -> Rules:
    settings = LearningSection(holidays=calendar)  # type: ignore[arg-type]
    return Rules.build(settings, frozenset(days), at, kw.get("zone", LONDON), kw.get("quiet"))  # type: ignore[arg-type]


def test_local_time_holds_across_the_spring_and_autumn_clock_changes() -> None:
    r = rules({0, 4})
    assert r.next_due(datetime(2026, 3, 27, 11, tzinfo=UTC)) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert r.next_due(datetime(2026, 10, 23, 11, tzinfo=UTC)) == datetime(
        2026, 10, 26, 10, tzinfo=UTC
    )


def test_bank_holidays_are_skipped_by_calendar() -> None:
    r = rules({4})  # Fridays: Good Friday 3 April 2026 is a holiday everywhere in the UK
    assert r.next_due(datetime(2026, 3, 28, tzinfo=UTC)) == datetime(2026, 4, 10, 9, tzinfo=UTC)
    # 2 January is a bank holiday in Scotland, not in England and Wales
    england = rules({4}).next_due(datetime(2026, 1, 1, 12, tzinfo=UTC))
    scotland = rules({4}, calendar="scotland").next_due(datetime(2026, 1, 1, 12, tzinfo=UTC))
    assert england.date().isoformat() == "2026-01-02"
    assert scotland.date().isoformat() == "2026-01-09"


def test_other_time_zones() -> None:
    r = rules({0}, at=time(9, 30), zone=parse_zone("America/New_York"))
    assert r.next_due(datetime(2026, 3, 2, tzinfo=UTC)) == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def test_reminder_counts_working_hours_only() -> None:
    r = rules({3})
    # Thursday 2 April 16:00 BST: one hour left that day, then Good Friday and Easter Monday off
    assert r.add_working_time(datetime(2026, 4, 2, 15, tzinfo=UTC), 4) == datetime(
        2026, 4, 7, 11, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("tue 25:00", "not a time of day"),
        ("tue 9", "not a time"),
        ("tue 10:00 Mars/Olympus", "not a time zone I know"),
        ("sat 10:00", "working days only"),
        ("whenever", "didn't understand"),
    ],
)
def test_bad_choices_are_explained(words: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_choice(words)


def test_times_outside_working_hours_or_inside_quiet_hours_are_refused() -> None:
    with pytest.raises(ScheduleError, match="outside working hours"):
        rules({0}, at=time(18))
    with pytest.raises(ScheduleError, match="quiet hours"):
        rules({0}, at=time(9), quiet=parse_quiet("08:00-09:30"))
    assert parse_quiet("off") is None


def test_a_choice_keeps_what_is_not_mentioned() -> None:
    choice = parse_choice("thu 09:15")
    assert choice.days == frozenset({3}) and choice.at == time(9, 15) and choice.zone is None


def test_a_reminder_never_lands_in_quiet_hours() -> None:
    r = rules({0}, quiet=parse_quiet("13:00-17:00"))
    # sent Monday 2 March 10:00 GMT; four working hours on would be 14:00, inside quiet hours
    assert r.add_working_time(datetime(2026, 3, 2, 10, tzinfo=UTC), 4) == datetime(
        2026, 3, 3, 9, tzinfo=UTC
    )
