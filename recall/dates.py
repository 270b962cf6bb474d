"""Dates written in a question ("in March", "last week", "in 2024") as a time window.

The window boosts hits inside it (it does not hide the others: a question's date is often
approximate). A month without a year means its most recent occurrence up to today.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
_MONTH_RX = re.compile(
    r"\b(?:in|during|of|since)?\s*(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b"
    r"(?:\s+(\d{4}))?",
    re.I,
)
_YEAR_RX = re.compile(r"\b(?:in|during)\s+((?:19|20)\d{2})\b", re.I)


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return _dt(start), _dt(end)


def window(question: str, today: date) -> tuple[datetime, datetime] | None:
    q = question.lower()
    if "yesterday" in q:
        d = today - timedelta(days=1)
        return _dt(d), _dt(today)
    if "today" in q:
        return _dt(today), _dt(today + timedelta(days=1))
    monday = today - timedelta(days=today.weekday())
    if "last week" in q:
        return _dt(monday - timedelta(days=7)), _dt(monday)
    if "this week" in q:
        return _dt(monday), _dt(today + timedelta(days=1))
    if "last month" in q:
        first = today.replace(day=1)
        prev = (first - timedelta(days=1)).replace(day=1)
        return _dt(prev), _dt(first)
    if "this month" in q:
        return _dt(today.replace(day=1)), _dt(today + timedelta(days=1))
    if "last year" in q:
        return _month(today.year - 1, 1)[0], _month(today.year, 1)[0]
    if "this year" in q:
        return _month(today.year, 1)[0], _dt(today + timedelta(days=1))
    m = _MONTH_RX.search(question)
    if m and not (
        m.group(1).lower() == "may"
        and not m.group(2)
        and not re.search(r"\b(in|during|of|since)\s+may\b", q)
    ):  # "may" is a month only when it reads like one
        month = _MONTHS[m.group(1).lower()]
        if m.group(2):
            year = int(m.group(2))
        else:
            year = today.year if month <= today.month else today.year - 1
        return _month(year, month)
    y = _YEAR_RX.search(question)
    if y:
        year = int(y.group(1))
        return _month(year, 1)[0], _month(year + 1, 1)[0]
    return None
