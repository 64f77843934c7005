"""Words that change with a number: "1 activity", "2 activities"."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    if number == 1:
        return f"1 {singular}"
    if plural is None:
        plural = singular[:-1] + "ies" if singular.endswith("y") else singular + "s"
    return f"{number:,} {plural}"
