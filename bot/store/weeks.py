"""Weeks (Monday first, UTC) as the database groups them: the console's weekly figures are
counted by the database, not by loading every row."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def week_of(column: Any, postgres: bool) -> ColumnElement[Any]:
    """The Monday that starts the column's week: a date on SQLite, a timestamp on PostgreSQL."""
    if postgres:
        return func.date_trunc("week", func.timezone("UTC", column))
    # SQLite: back six days, then forward to the next Monday (the same day if it is one)
    return func.date(column, "-6 days", "weekday 1")


def as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_weeks(today: date, count: int) -> list[date]:
    """The Mondays of the newest `count` weeks, oldest first, this week last."""
    this = monday(today)
    return [this - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
