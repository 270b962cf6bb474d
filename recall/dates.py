"""Dates written in a question ("in March", "last week", "in 2024") as a time window.

The window boosts hits inside it (it does not hide the others: a question's date is often
approximate). A month without a year means its most recent occurrence up to today.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from trailkeep.vault.records import MONTH_NUMBERS

_MONTHS = MONTH_NUMBERS
_MONTH_RX = re.compile(
    r"\b(?:in|during|of|since)?\s*(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b"
    r"(?:\s+(\d{4}))?",
    re.I,
)
_YEAR_RX = re.compile(r"\b(?:in|during|before|until|till|after|since)\s+((?:19|20)\d{2})\b", re.I)
# "before October", "after September", "since March": a side of the month, not the month (QA,
# session 16: both were read as "in October" / "in September")
_SIDE = re.compile(
    r"\b(?P<side>before|until|till|prior\s+to|after|since)\s+"
    r"(?:the\s+(?P<edge>end|start|beginning)\s+of\s+)?$",
    re.I,
)
_UP_TO = ("before", "until", "till", "prior to")
_DAY_AFTER = re.compile(r"\s+\d{1,2}(?:st|nd|rd|th)?\b")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def _side_of(prefix: str) -> tuple[str, str]:
    """("before" | "until" | "after" | "since" | …, "end" | "start" | "") said before a date."""
    m = _SIDE.search(prefix)
    if m is None:
        return "", ""
    return " ".join(m.group("side").lower().split()), (m.group("edge") or "").lower()


def _side(prefix: str, start: datetime, end: datetime, today: date) -> tuple[datetime, datetime]:
    """The window a month or year makes with the words before it: "before October" is up to
    October 1, "until the end of March" up to April 1, "after September" from October 1 to
    today, "since March" from March 1 to today."""
    side, edge = _side_of(prefix)
    if not side:
        return start, end
    if side in _UP_TO:
        return EARLIEST, end if edge == "end" or side in ("until", "till") else start
    after = end if side == "after" and edge != "start" else start
    return after, max(after, _dt(today + timedelta(days=1)))


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
        and not re.search(r"\b(in|during|of|since|before|after|until)\s+may\b", q)
    ):  # "may" is a month only when it reads like one
        month = _MONTHS[m.group(1).lower()]
        if m.group(2):
            year = int(m.group(2))
        elif _side_of(question[: m.start(1)])[0] in _UP_TO:
            year = today.year  # "before December", asked in November: this December
        else:
            year = today.year if month <= today.month else today.year - 1
        if _DAY_AFTER.match(question, m.end(1)):  # "the Sunday before October 25": a day
            return _month(year, month)
        return _side(question[: m.start(1)], *_month(year, month), today)
    y = _YEAR_RX.search(question)
    if y:
        year = int(y.group(1))
        return _side(question[: y.start(1)], _month(year, 1)[0], _month(year + 1, 1)[0], today)
    return None


_SIDED = re.compile(
    r"\b(?:before|until|till|prior\s+to|after|since)\s+"
    r"(?:the\s+(?:end|start|beginning)\s+of\s+)?"
    r"(?:(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b"
    r"(?!\s+\d{1,2}(?:st|nd|rd|th)?\b)(?:\s+\d{4})?"
    r"|(?:19|20)\d{2}\b)",
    re.I,
)


def sided(question: str) -> str:
    """The words that put the question on one side of a date ("before October", "since
    2025"), or "": such a question asks about a time, not about the month's name."""
    m = _SIDED.search(question)
    return m.group(0) if m else ""


# "What was the budget in March?", "the deadline as of May 2026": what held then — the latest
# word up to the end of that month (or day), not a passage that names the month (QA, session 19:
# "what was the budget in March?" abstained, no passage says "March"; "as of May 2026" answered
# with June's July 31).
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
MONTH_NAMES = _MONTH_NAMES  # an alternation of every month name and short form, longest first
_AS_OF = re.compile(
    r"\b(?:as\s+of|as\s+at)\s+(?:the\s+end\s+of\s+)?"
    r"(?P<month>" + _MONTH_NAMES + r")\b(?P<day>\s+\d{1,2}(?:st|nd|rd|th)?\b)?"
    r"(?:,?\s+(?P<year>\d{4}))?",
    re.I,
)
_STATE_IN = re.compile(
    r"^\W*(?:what|which|how\s+much|who)\s+(?:was|were)\b.*?"
    r"\s(?P<phrase>(?:in|during|at\s+the\s+end\s+of)\s+(?P<month>"
    + _MONTH_NAMES
    + r")\b(?!\s+\d{1,2}(?:st|nd|rd|th)?\b)(?:\s+(?P<year>\d{4}))?)",
    re.I,
)

# "what was the budget on February 20?": what held that day, as "as of February 20" reads it
# (QA, session 20: the one abstained where the other answered)
# Only a state named right before the day ("the budget", "the status of the export"), not an
# event on it: "what was decided on March 3?", "who was at the meeting on March 3?" ask what
# happened that day, and read as "as of" they cited January's decision (review, session 21).
_STATE_ON = re.compile(
    r"^\W*(?:what|which|how\s+much|who)\s+(?:was|were)\s+(?P<what>(?:[\w'’-]+\s+){1,5}?)"
    r"(?P<phrase>on\s+(?P<month>" + _MONTH_NAMES + r")\b(?P<day>\s+\d{1,2}(?:st|nd|rd|th)?\b)"
    r"(?:,?\s+(?P<year>\d{4}))?)",
    re.I,
)
_NOT_A_STATE = re.compile(
    r"\b(?:\w+ed|sent|paid|due|said|held|made|given|told|done|spent|shown|seen|written|meeting|"
    r"call|workshop|session|demo|visit|review|decision|discussion|email|mail|message|at|in|to|"
    r"for|with|from|by|about|after|before|since|until|till)\b",
    re.I,
)

# a measure of the month ("the exception rate in November") is not what held at its end
_OF_A_PERIOD = re.compile(
    r"\b(?:rates?|percent(?:age)?s?|shares?|ratios?|counts?|number|numbers|averages?|medians?|"
    r"totals?|how\s+many|visits|hours|revenue|sales|volume)\b",
    re.I,
)


def as_of(question: str, today: date, explicit_only: bool = False) -> tuple[str, datetime] | None:
    """(the words, the moment up to which the history is read) when the question asks what held
    at a time: "as of May 2026", "as of March 3", "what was the budget on March 3?" (a state
    named right before the day, not an event on it), "what was the budget in March?" (a month
    without a year: its latest occurrence up to today; not a measure of the month, "what was
    the exception rate in November?"). ``explicit_only``: "as of …" or "on <day>" only. None
    otherwise. notes/0014-time-questions.md, "Questions that name a time in `ask`"."""
    m = _AS_OF.search(question)
    phrase = m.group(0) if m else ""
    if m is None:  # "what was the budget on February 20?" says a day as plainly
        m = _STATE_ON.search(question)
        # not an event that day, nor a measure of it ("the exception rate on March 16"), nor
        # the day of an event asked after ("the rate after go-live on March 16": a labelled
        # unanswerable question was answered)
        if m is not None and (_OF_A_PERIOD.search(question) or _NOT_A_STATE.search(m["what"])):
            m = None
        phrase = m.group("phrase") if m else ""
    if m is not None:
        day = m.group("day")
    else:
        if explicit_only:
            return None
        m = _STATE_IN.search(question)
        if m is None or (m.group("month").lower() == "may" and "in may" not in question.lower()):
            return None
        if _OF_A_PERIOD.search(question):
            return None
        phrase = m.group("phrase")
        day = None
    month = _MONTHS[m.group("month").lower()]
    if day:
        d = _latest_day(month, int(re.sub(r"\D", "", day)), m.group("year"), today)
        return (phrase, _dt(d + timedelta(days=1))) if d is not None else None
    if m.group("year"):
        year = int(m.group("year"))
    else:
        year = today.year if month <= today.month else today.year - 1
    return phrase, _month(year, month)[1]


def _latest_day(month: int, day: int, year: str | None, today: date) -> date | None:
    """The day named: in the year given, else its latest occurrence up to today ("November 29"
    asked on November 28 is last year's; "February 29", the last leap year's); None when it
    is no day."""
    if year:
        try:
            return date(int(year), month, day)
        except ValueError:
            return None
    for back in range(9):  # a leap day comes back within eight years
        try:
            d = date(today.year - back, month, day)
        except ValueError:
            continue
        if d <= today:
            return d
    return None
