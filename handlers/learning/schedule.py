"""When a learner's tasks fall due: their days and local time, inside working hours, outside their
quiet hours, never on a UK bank holiday. Computed in the learner's zone, stored in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.config import LearningSection

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS = frozenset(range(5))  # Monday to Friday
_DAY_WORDS = {name: i for i, name in enumerate(DAY_NAMES)} | {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_CALENDARS = {"england-and-wales": "ENG", "scotland": "SCT"}
SEARCH_DAYS = 800  # a schedule with no possible day in two years is a bug, not a wait


class ScheduleError(ValueError):
    """The learner's words could not be read as a schedule; the message says what to send."""


@cache
def bank_holidays(calendar: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=_CALENDARS[calendar])


@lru_cache(maxsize=8192)
def _working_day(calendar: str, day: date) -> bool:
    return day.weekday() in WORKING_DAYS and day not in bank_holidays(calendar)


def parse_time(word: str) -> time:
    match = _TIME.match(word.strip())
    if match is None:
        raise ScheduleError(f"{word!r} is not a time: use 24-hour HH:MM, for example 09:30")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ScheduleError(
            f"{word} is not a time of day: hours go 00–23 and minutes 00–59 (for example 09:30)"
        )
    return time(hour, minute)


def parse_zone(word: str) -> ZoneInfo:
    try:
        return ZoneInfo(word)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"{word!r} is not a time zone I know: use a name such as Europe/London or Europe/Dublin"
        ) from None


def format_days(days: frozenset[int]) -> str:
    return ", ".join(DAY_NAMES[d].capitalize() for d in sorted(days))


@dataclass(frozen=True, slots=True)
class Choice:
    """What the learner asked for; fields left None keep their current value."""

    days: frozenset[int] | None = None
    at: time | None = None
    zone: ZoneInfo | None = None


def looks_like_schedule(text: str) -> bool:
    """Could this be an attempt at a schedule (rather than, say, a question)?"""
    return any(
        w.lower() in _DAY_WORDS or w.lower() == "weekdays" or w[:1].isdigit() or "/" in w
        for w in text.replace(",", " ").split()
    )


def parse_choice(text: str) -> Choice:
    """Read "tue thu 09:30 Europe/London" (any part may be left out)."""
    days: set[int] = set()
    at: time | None = None
    zone: ZoneInfo | None = None
    for raw in text.replace(",", " ").split():
        word = raw.lower()
        if word in _DAY_WORDS:
            days.add(_DAY_WORDS[word])
        elif word == "weekdays":
            days.update(WORKING_DAYS)
        elif re.match(r"^\d", word):
            at = parse_time(raw)
        elif "/" in raw or raw.upper() == "UTC":
            zone = parse_zone(raw)
        else:
            raise ScheduleError(
                f"I didn't understand {raw!r}. Send days, a time and optionally a time zone, "
                "for example: tue thu 09:30 Europe/London"
            )
    if days - WORKING_DAYS:
        raise ScheduleError("Tasks come on working days only: choose from Monday to Friday.")
    if not (days or at or zone):
        raise ScheduleError("Send days, a time or a time zone, for example: tue thu 09:30")
    return Choice(frozenset(days) or None, at, zone)


def parse_quiet(text: str) -> tuple[time, time] | None:
    """ "19:00-08:00" -> (19:00, 08:00); "off" -> None."""
    if text.strip().lower() in {"off", "none"}:
        return None
    parts = re.split(r"\s*[-–]\s*|\s+to\s+", text.strip())
    if len(parts) != 2:
        raise ScheduleError("Quiet hours look like 19:00-08:00 (or `off`).")
    return parse_time(parts[0]), parse_time(parts[1])


def in_window(moment: time, start: time, end: time) -> bool:
    """Is `moment` in [start, end)? Windows may wrap past midnight (quiet hours 19:00-08:00)."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    # A wall time skipped by a clock change (01:30 on the spring-forward night) maps to the
    # instant just after the gap: zoneinfo reads it with the pre-change offset.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Rules:
    days: frozenset[int]
    at: time
    zone: ZoneInfo
    working_start: time
    working_end: time
    quiet: tuple[time, time] | None
    calendar: str

    @classmethod
    def build(
        cls,
        settings: LearningSection,
        days: frozenset[int],
        at: time,
        zone: ZoneInfo,
        quiet: tuple[time, time] | None = None,
    ) -> Rules:
        rules = cls(
            days,
            at,
            zone,
            settings.working_hours_start,
            settings.working_hours_end,
            quiet,
            settings.holidays,
        )
        rules.check()
        return rules

    def check(self) -> None:
        if not self.days:
            raise ScheduleError("Choose at least one day, Monday to Friday.")
        if not in_window(self.at, self.working_start, self.working_end):
            raise ScheduleError(
                f"{self.at:%H:%M} is outside working hours ({self.working_start:%H:%M}–"
                f"{self.working_end:%H:%M}); choose a time inside them."
            )
        if self.quiet is not None and in_window(self.at, *self.quiet):
            raise ScheduleError(
                f"{self.at:%H:%M} is inside your quiet hours ({self.quiet[0]:%H:%M}–"
                f"{self.quiet[1]:%H:%M}); choose another time or change them."
            )

    def is_working_day(self, day: date) -> bool:
        return _working_day(self.calendar, day)

    def next_due(self, after: datetime) -> datetime:
        """The first due moment strictly after `after` (UTC)."""
        day = after.astimezone(self.zone).date()
        for _ in range(SEARCH_DAYS):
            if day.weekday() in self.days and self.is_working_day(day):
                due = local_to_utc(day, self.at, self.zone)
                if due > after:
                    return due
            day += timedelta(days=1)
        raise ScheduleError("no day in the next two years fits this schedule")

    def next_slot(self, at_or_after: datetime) -> datetime:
        return self.next_due(at_or_after - timedelta(microseconds=1))

    def add_working_time(self, start: datetime, hours: float) -> datetime:
        """`start` plus `hours` counted only in working hours on working days (local time)."""
        remaining = timedelta(hours=hours)
        cursor = start.astimezone(self.zone)
        day = cursor.date()
        for _ in range(SEARCH_DAYS):
            if self.is_working_day(day):
                opens = datetime.combine(day, self.working_start, tzinfo=self.zone)
                closes = datetime.combine(day, self.working_end, tzinfo=self.zone)
                begin = max(opens, cursor)
                if begin < closes:
                    if remaining <= closes - begin:
                        return self._after_quiet((begin + remaining).astimezone(UTC))
                    remaining -= closes - begin
            day += timedelta(days=1)
            cursor = datetime.combine(day, time(0), tzinfo=self.zone)
        raise ScheduleError("no working time in the next two years")

    def _after_quiet(self, moment: datetime) -> datetime:
        if self.quiet is None:
            return moment
        local = moment.astimezone(self.zone)
        if not in_window(local.time(), *self.quiet):
            return moment
        # inside quiet hours: wait for the next working moment after they end
        end_day = local.date() if local.time() < self.quiet[1] else local.date() + timedelta(1)
        ends = local_to_utc(end_day, self.quiet[1], self.zone)
        return self.add_working_time(ends, 0) if ends > moment else moment

    def describe(self) -> str:
        text = f"{format_days(self.days)} at {self.at:%H:%M} ({self.zone.key})"
        if self.quiet is not None:
            text += f", quiet hours {self.quiet[0]:%H:%M}–{self.quiet[1]:%H:%M}"
        return text
