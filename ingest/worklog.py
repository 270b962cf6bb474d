"""The work-log grammar: billable lines in notes, note front matter, timesheet rows.

Grammar (notes/0010-work-log-and-invoices.md)::

    work line   := BULLET ["[x]"] DURATION CLIENT ":" DESCRIPTION
    BULLET      := "-" | "*" | "+"   (at the start of a line, indentation allowed)
    DURATION    := HOURS | MINUTES | HOURS MINUTES   (may be bold: "**1.5h**")
    HOURS       := NUMBER ("h" | "hr" | "hrs" | "hour" | "hours") ["."]
    MINUTES     := INTEGER ("m" | "min" | "mins" | "minute" | "minutes") ["."]
    SPAN        := H ":" MM ("-" | "–" | "—") H ":" MM   (a timesheet's hours column: its
                               length, past midnight only from evening to morning: "23:30–01:10"
                               is 1h40m; in a note's line it is named, not billed — an agenda
                               looks the same)
    CLOCK       := H ":" MM   (timesheet hours and front matter only: "0:20" is 20 minutes;
                               in a note's line "- 9:30 Acme: standup" is a time of day)
    NUMBER      := digits, optionally "." or "," and digits   ("2,5h" is 2.5 hours; ".5h")
    CLIENT      := the client's id, name or alias as in clients.toml (up to 60 characters)

    - 2.5h acme: fixed the claims export
    - 90m Acme Health: call about the schema
    - 1h15m acme: review
    - [x] 1.5h acme: workshop                (a ticked task; an open "[ ]" one is not billed)

Hours are kept exact: ``hours_text`` returns a decimal string when the duration is a finite
decimal ("1.25") and a fraction otherwise ("1/3" for 20 minutes), so that amounts computed from
them are exact. The work line's date is the note's date (see the notes parser).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction

from .errors import ParseError

_HOURS = r"(?P<h>\d{1,4}(?:[.,]\d{1,4})?)\s?(?:hours?|hrs?|h)"
_MINUTES = r"(?P<m>\d{1,5})\s?(?:minutes?|mins?|m)"
DURATION = re.compile(rf"^(?:{_HOURS})?(?:\s?{_MINUTES})?$", re.IGNORECASE)
CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>[0-5]\d)$")  # "0:20", "1:30": hours and minutes
# "2h30": minutes after the hours without their unit, as French notes write a duration — and
# a time of day ("10h30"). A timesheet's hours column reads it as a duration; a note's line
# names it rather than bill a clock time as hours (QA, session 16: it vanished without a word).
H_MIN = re.compile(r"^(?P<h>\d{1,2})\s?h(?P<m>[0-5]\d)$", re.IGNORECASE)
# "09:10–10:40": a span of the day, billed as its length (across midnight: "23:30–01:10")
SPAN = re.compile(
    r"^(?P<h1>\d{1,2}):(?P<m1>[0-5]\d)\s?[-\u2013\u2014]\s?(?P<h2>\d{1,2}):(?P<m2>[0-5]\d)$"
)
_SPAN_IN_LINE = r"\d{1,2}:[0-5]\d\s?[-\u2013\u2014]\s?\d{1,2}:[0-5]\d"
_DUR_IN_LINE = (
    r"(?P<dur>(?:\d{1,4}(?:[.,]\d{1,4})?|[.,]\d{1,4})\s?(?:hours?|hrs?|h)\.?"
    r"(?:\s?\d{1,5}\s?(?:minutes?|mins?|m)\.?)?"
    r"|\d{1,5}\s?(?:minutes?|mins?|m)\.?)"
)
WORK_LINE = re.compile(
    rf"^[ \t]*[-*+][ \t]+{_DUR_IN_LINE}[ \t]+(?P<client>[^:\n]{{1,60}}?)[ \t]*:[ \t]*"
    r"(?P<desc>\S.*?)[ \t]*$",
    re.IGNORECASE,
)
MAX_HOURS = Fraction(24)


def parse_duration(text: str) -> Fraction:
    """'2.5h', '2,5h', '.5h', '90m', '90 min.', '1h15m', '2 hours', a bare number of hours
    ('2.5'), or a span of the day ('09:10–10:40')."""
    s = text.strip()
    span = SPAN.match(s)
    if span:
        h1, m1, h2, m2 = (int(g) for g in span.groups())
        if h1 > 24 or h2 > 24:
            raise ParseError(f"{text!r} is not a span of the day")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end == start:
            raise ParseError(f"hours {text!r} is zero")
        if end < start and not (start >= 18 * 60 and end <= 8 * 60):
            # past midnight only from an evening into a morning: "11:00-10:00" is a typo, and
            # read as past midnight it billed 23h (review, session 18)
            raise ParseError(f"hours {text!r} end before they start")
        return Fraction((end - start) % (24 * 60), 60)
    s = re.sub(r"(?<=[a-z])\.$", "", s, flags=re.IGNORECASE)  # "90 Min.", "2 hrs."
    if s.startswith((".", ",")):
        s = "0" + s  # ".5h"
    if re.fullmatch(r"\d{1,4}(?:[.,]\d{1,4})?", s):
        s += "h"
    clock = CLOCK.match(s) or H_MIN.match(s)
    if clock:
        s = f"{clock.group('h')}h{clock.group('m')}m"
    m = DURATION.match(s)
    if not m or not (m.group("h") or m.group("m")):
        raise ParseError(f"hours {text!r} is not a duration (use 2.5h, 2,5h, 90m or 1h15m)")
    total = Fraction(0)
    if m.group("h"):
        total += Fraction(m.group("h").replace(",", "."))
    if m.group("m"):
        total += Fraction(int(m.group("m")), 60)
    if total <= 0:
        raise ParseError(f"hours {text!r} is zero")
    if total > MAX_HOURS:
        raise ParseError(f"hours {text!r} is more than {MAX_HOURS} hours in one item")
    return total


def hours_text(h: Fraction) -> str:
    """Exact text for hours: a decimal when finite, else 'n/d'."""
    den = h.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return f"{h.numerator}/{h.denominator}"
    # A finite decimal: scale by a power of ten until it is an integer.
    scale = 0
    while (h * 10**scale).denominator != 1:
        scale += 1
    n = int(h * 10**scale)
    if scale == 0:
        return str(n)
    s = str(n).rjust(scale + 1, "0")
    return f"{s[:-scale]}.{s[-scale:]}"


@dataclass(frozen=True)
class WorkLine:
    hours: Fraction
    client: str
    description: str
    line: str

    @property
    def key(self) -> str:
        """Stable across versions of the note for an unchanged line."""
        norm = " ".join(self.line.split()).lower()
        return "work:" + hashlib.sha256(norm.encode()).hexdigest()[:12]


# A bullet, something like a duration, a label and a colon: what a work line looks like even
# when its duration cannot be read ("- 7.5 acme: …" has no unit, "- 25h acme: …" is too long).
_LOOKS_LIKE_WORK = re.compile(
    r"^[ \t]*[-*+][ \t]+(?P<dur>\d{1,2}\s?h[0-5]\d(?!\w)"
    r"|[-\u2212]?\d[\d.,:]*(?:\s\d{1,2}/\d{1,2})?"
    r"(?:\s?(?:hours?|hrs?|h|minutes?|mins?|m)\b)?"
    r"(?:\s?\d{1,5}\s?(?:minutes?|mins?|m)\b)?)[ \t]+[^:\n]{1,60}?[ \t]*:[ \t]*\S",
    re.IGNORECASE,
)


def unread_work_line(line: str) -> str | None:
    """Why a line that looks like a work line is not one ("hours '25h' is more than 24…"), or
    None. A bare whole number ("- 3 options: …") is a list, not a duration: not said."""
    if match_work_line(line) is not None:
        return None
    span = re.match(
        rf"^[ \t]*[-*+][ \t]+(?:\[[xX ]\][ \t]+)?({_SPAN_IN_LINE})[ \t]+\S[^:\n]{{0,59}}:", line
    )
    if span:
        # a span of the day in a note may be an agenda as well as a log ("- 14:00-16:00 Acme:
        # quarterly review"): named with its length, never billed on a guess (session 18)
        try:
            minutes = int(parse_duration(span.group(1)) * 60)
        except ParseError as exc:
            return str(exc)
        length = f"{minutes // 60}h{minutes % 60:02d}m" if minutes % 60 else f"{minutes // 60}h"
        return (
            f"{span.group(1)!r} is a span of the day ({length}), not billed from a note: write "
            f"- {length} client: what, to bill it"
        )
    if _OPEN_TASK.match(line) and _LOOKS_LIKE_WORK.match(_OPEN_TASK.sub("- ", line)):
        return "an open task is planned work, not done: tick it ([x]) when it is done to bill it"
    plain = _plain(line)
    colon = re.match(
        r"^([ \t]*[-*+][ \t]+[\d.,]+\s?(?:hours?|hrs?|h|minutes?|mins?|m)):", plain, re.I
    )
    if colon and _LOOKS_LIKE_WORK.match(colon.group(1) + plain[colon.end() :]):
        return f"{colon.group(1).split()[-1]!r} is followed by a colon: write - 1.5h client: what"
    m = _LOOKS_LIKE_WORK.match(plain)
    if not m:
        return None
    dur = m.group("dur").strip()
    if re.fullmatch(r"\d+", dur) or (
        (dur[0] in "-\u2212" or "/" in dur) and not re.search(r"[a-z]", dur, re.IGNORECASE)
    ):
        return None  # "- 3 options: …", "- -5 outside: cold": a list, not hours
    # QA, session 16: these lines vanished without a word
    if H_MIN.match(dur):
        h, mins = H_MIN.match(dur).groups()  # type: ignore[union-attr]
        return f"{dur!r} may be a time of day: write {h}h{mins}m for a duration"
    if dur[0] in "-\u2212":
        return f"hours {dur!r} are negative: remove or correct the line it corrects instead"
    if "/" in dur:
        return f"hours {dur!r} are written as a fraction: write them as 1.5h or 1h30m"
    if re.fullmatch(r"\d{1,4}[.,]\d{1,4}", dur):
        return f"hours {dur!r} has no unit (write {dur}h or {dur}m)"
    if re.fullmatch(r"0:[0-5]\d", dur):  # "1:30" may be a time of day in a log: not said
        return f"{dur!r} is not read as a duration in a note: write {int(dur[2:])}m"
    try:
        parse_duration(dur)
    except ParseError as exc:
        return str(exc)
    return None


# A ticked task ("- [x] 1h acme: …", as Obsidian and GitHub write them) is done work; the
# duration may be bold ("- **1.5h** acme: …"). An open task ("- [ ] 2h acme: …") is planned,
# not done: not billed, and named (``unread_work_line``).
_TICKED = re.compile(r"^([ \t]*[-*+][ \t]+)\[[xX]\][ \t]+")
_OPEN_TASK = re.compile(r"^[ \t]*[-*+][ \t]+\[ \][ \t]+")
_BOLD = re.compile(r"^([ \t]*[-*+][ \t]+)(\*\*|__)([^*_\n]{1,20}?)\2(?=[ \t])")


def _plain(line: str) -> str:
    """The line without a ticked box or bold around its duration."""
    return _BOLD.sub(r"\1\3", _TICKED.sub(r"\1", line))


def match_work_line(line: str) -> WorkLine | None:
    """A work line, or None. A line that looks like one but has a bad duration is not one."""
    m = WORK_LINE.match(_plain(line))
    if not m:
        return None
    try:
        hours = parse_duration(m.group("dur"))
    except ParseError:
        return None
    return WorkLine(hours, m.group("client").strip(), m.group("desc").strip(), line.strip())
