"""The work-log grammar: billable lines in notes, note front matter, timesheet rows.

Grammar (notes/0010-work-log-and-invoices.md)::

    work line   := BULLET ["[x]"] DURATION CLIENT (":" | " - " | " – " | " — ") DESCRIPTION
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
    - 2h acme — fixed the export             (a spaced dash for the colon; when a colon follows
                                              the label, the colon form wins: "- 1h acme: re-send
                                              - twice", "- 2h acme-corp: x" read as before)

Named, never billed (``unread_work_line``: the note is partial and the line quoted with how to
write it): approximate hours ("- ~2h acme: …", "≈2h", "ca. 2h"); the label before the hours
("- acme: 2h …", "- acme 1.5h: …", "Acme - 2h - …", "Northwind 45m call with Raj"); a markdown
table's rows holding hours under a header with an hours column but no date column ("| client |
hours | … |"). A table with an hours *and* a date column is a timesheet: its rows are work
(``table_rows``; notes/0010, "Timesheets kept as tables"). A
sentence is prose, not work: "Meeting in 2h with the team", "The export takes 2h each night.",
"Phase 1 - 40h budget" are neither.

Hours are kept exact: ``hours_text`` returns a decimal string when the duration is a finite
decimal ("1.25") and a fraction otherwise ("1/3" for 20 minutes), so that amounts computed from
them are exact. The work line's date is the note's date (see the notes parser).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from trailkeep.vault.records import MONTH_NUMBERS

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
# QA, session 19: "- 2h acme — fixed the export" was dropped without a word. A spaced dash
# (-, – or —) for the colon is as plain: the label is still resolved against clients.toml (an
# unknown one is named, never billed). Tried only when the colon form does not match, so a
# line that was billed before is billed the same ("- 1h acme: re-send - twice").
# "-", "--", "–" or "—" between spaces; "–" and "—" also unspaced ("- 1h acme—call": QA), but
# not with a digit on both sides: "25–30" is a range ("- 25.0 h used against the 25–30 hour
# estimate" was read as hours for a client "used against the 25"; blind trial, session 26)
_RANGE = r"(?!(?<=\d)[\u2013\u2014]\d)"  # not the dash of "25–30"
_DASH_SEP = rf"(?:[ \t]+(?:--?|[\u2013\u2014])[ \t]+|[ \t]*{_RANGE}[\u2013\u2014][ \t]*)"
WORK_LINE_DASH = re.compile(
    rf"^[ \t]*[-*+][ \t]+{_DUR_IN_LINE}[ \t]+(?P<client>[^\W_][^:\n]{{0,59}}?){_DASH_SEP}"
    r"(?P<desc>\S.*?)[ \t]*$",
    re.IGNORECASE,
)
MAX_HOURS = Fraction(24)
# hours and a label, and nothing after its colon or dash (or no separator at all)
_NO_DESCRIPTION = re.compile(
    rf"^[ \t]*[-*+][ \t]+{_DUR_IN_LINE}[ \t]+(?P<label>[^\W_][^:\n\u2013\u2014]{{0,59}}?)"
    r"(?P<sep>[ \t]*:|[ \t]+--?|[ \t]*[\u2013\u2014])?[ \t]*$",
    re.IGNORECASE,
)


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
    r"(?:\s?\d{1,5}\s?(?:minutes?|mins?|m)\b)?)[ \t]+"
    r"(?:[^:\n]{1,60}?[ \t]*:|(?P<dash>[^\W_][^:\n]{0,59}?"
    rf"(?:[ \t]+(?:--?|[\u2013\u2014])|[ \t]*{_RANGE}[\u2013\u2014])))[ \t]*\S",
    re.IGNORECASE,
)


def unread_work_line(
    line: str, above: LinesAbove | None = None, labels: frozenset[str] = frozenset()
) -> str | None:
    """Why a line that looks like a work line is not one ("hours '25h' is more than 24…"), or
    None. A bare whole number ("- 3 options: …") is a list, not a duration: not said. Given
    ``above`` (one per run of lines, fed every line in order, "" for a code fence's), a row of
    a markdown table whose header has an hours column is named when it holds hours."""
    if above is not None:
        prev, above.prev = above.prev, line
        if above.table is not None and "|" in line:
            return _unread_table_row(above.table, line, above)
        above.table = _hours_table(prev, line)
        if above.table is not None:
            return None
    if match_work_line(line, labels) is not None:
        return None
    if (empty := _NO_DESCRIPTION.match(_plain(line))) is not None:
        label, sep = empty.group("label").strip(), (empty.group("sep") or "").strip()
        if sep == ":" or label.lower() in labels:
            # "- 2h acme:", "- 2h acme —", "- 2h Acme": hours and a client, and nothing billed
            # for want of what (QA, session 19: neither billed nor named)
            dur = empty.group("dur").strip()
            return f"no description after {label!r}: write - {dur} {label}: what, to bill it"
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
    dur = colon.group(1).strip().lstrip("-*+").strip() if colon else ""
    if colon and _LOOKS_LIKE_WORK.match(colon.group(1) + plain[colon.end() :]):
        return f"{dur!r} is followed by a colon: write - {dur} client: what"
    if colon and not dur.endswith(("m", "M")) and re.search(r"[^\W\d_]", plain[colon.end() :]):
        # "- 1.5h: call about the quotes": hours for no client, a forgotten label as often as
        # the user's own time — named, never lost without a word (session 30). Not "- 3m:
        # ceiling height" (metres as often as minutes)
        return f"{dur!r} names no client: write - {dur} client: what, to bill it"
    m = _LOOKS_LIKE_WORK.match(plain)
    if not m or (m.group("dash") and not re.search(r"[a-z]", m.group("dur"), re.IGNORECASE)):
        # "- 1.2.3 Release - notes": a version, not hours without a unit (a dash, no colon)
        return _unread_other_forms(line, labels)
    if m.group("dash") and _dash_label(m.group("dash")) not in labels:
        if labels:
            return None  # "- 25h drive - …": a note, unless the label is a client's
        # no client known yet (files dropped before clients.toml): said, not lost. The note
        # is read again when its text changes (a re-drop of the same bytes is a duplicate)
        dur, label = m.group("dur").strip(), _dash_label(m.group("dash"))
        return (
            f"{label!r} is no client's yet: write - {dur} {label}: what, which bills once "
            "clients.toml names the client"
        )
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


def match_work_line(line: str, labels: frozenset[str] = frozenset()) -> WorkLine | None:
    """A work line, or None. A line that looks like one but has a bad duration is not one. The
    dash form ("- 2h acme — …") only under one of ``labels`` (the clients' ids, names and
    aliases, lower case): "- 1h standup - nothing new" is a note, not work (review, session
    19: it became an unknown client's work item and left its section)."""
    plain = _plain(line)
    m = WORK_LINE.match(plain)
    if m is None:
        m = WORK_LINE_DASH.match(plain)
        if m is not None and m.group("client").strip().lower() not in labels:
            return None
    if not m:
        return None
    try:
        hours = parse_duration(m.group("dur"))
    except ParseError:
        return None
    return WorkLine(hours, m.group("client").strip(), m.group("desc").strip(), line.strip())


# QA, session 19: work written other ways was dropped without a word — neither billed nor named.
# Each is named with the way to write it, never billed on a guess: approximate hours, the label
# before the hours (with or without a bullet), a table's rows. Prose that looks alike is not
# named: a sentence (ending in ".", "?" or "!"), a "label" holding a word no client name holds
# ("Meeting in 2h with the team", "The export takes 2h each night"), a number ("Phase 1 - 40h
# budget"), or hours followed by a word that makes them a plan or a measure ("2h budget").
_BOX = r"(?:\[[xX ]\][ \t]+)?"
_SEP = r"[ \t]*:[ \t]*|[ \t]+[-\u2013\u2014][ \t]+|[ \t]+"
_APPROX = re.compile(
    rf"^[ \t]*(?:[-*+][ \t]+{_BOX})?(?P<approx>~|\u2248|ca\.|circa|approx\.?)[ \t]?"
    rf"(?:\*\*|__)?{_DUR_IN_LINE}(?:\*\*|__)?(?!\w)[ \t]+[^\W_][^:\n]{{0,59}}?"
    r"(?:[ \t]*:|[ \t]+[-\u2013\u2014][ \t]+)[ \t]*\S",
    re.IGNORECASE,
)
_WORD = r"[^\W_][\w&'.-]{0,39}"  # bounded: a long line is cheap
_LABEL_FIRST = re.compile(
    rf"^[ \t]*(?P<bullet>[-*+][ \t]+{_BOX})?(?P<label>{_WORD}(?:[ \t]{_WORD}){{0,2}})"
    rf"(?P<sep1>{_SEP})(?:~|\u2248)?[ \t]?{_DUR_IN_LINE}(?!\w)(?P<sep2>{_SEP})(?P<desc>\S.*)$",
    re.IGNORECASE,
)
# words that do not stand in a client's label: a sentence's words, and what hours measure
_NOT_A_LABEL = frozenset(
    """a an the this that these those it its we i you he she they our my your their is are was
    were be been being am has have had do does did will would can could should may might must
    shall in on at for of to from by with within without into onto after before about around
    under over every each per and or but nor then than so if when while until till since as
    just only also still even again takes take took taking lasts last lasted wait waits waited
    spend spent spends need needs needed run runs ran set sets get gets got add adds added use
    uses took give gives gave keep keeps kept sleep sleeps expire expires expired timeout ttl
    total budget budgeted estimate estimated eta max maximum min minimum limit interval delay
    duration time times phase sprint week day days step part round chapter episode lesson
    video talk uptime runtime latency approx approximately roughly around nearly almost over
    less more up down out off next first last agenda note notes nb remember reminder todo ca
    circa
    speaker speakers coffee lunch dinner breakfast break pause today tomorrow yesterday""".split()
)
_NOT_A_DESC = frozenset(
    """ago later earlier before after from until till to of per each every a an the in on at
    by is are was were will would be and or then than later long left remaining budget budgeted
    total max maximum estimate estimated eta timeout window interval delay late early slot
    slots faster slower less more tops away break pause today tomorrow tonight""".split()
)


def _dash_label(said: str) -> str:
    """The label of a dash line's "label -" part, lower case."""
    return re.sub(r"[ \t]*(?:--?|[\u2013\u2014])$", "", said).strip().lower()


def _unread_other_forms(line: str, labels: frozenset[str] = frozenset()) -> str | None:
    m = _APPROX.match(line)
    if m:
        said = line[m.start("approx") : m.end("dur")]
        return (
            f"hours {said!r} are approximate, never billed on a guess: write - "
            f"{m.group('dur').rstrip('.')} client: what"
        )
    m = _LABEL_FIRST.match(line)
    if m is None:
        return _hours_last(line, labels)
    label, dur, desc = m.group("label"), m.group("dur").rstrip("."), m.group("desc")
    if ":" not in m.group("sep1") + m.group("sep2") and label.lower() not in labels:
        # no colon ("Jogging 45m around the lake", "- Gym 1h legs", "Flight LH400 - 9h
        # layover"): named only under a client's label ("Northwind 45m call with Raj")
        return None
    words = label.lower().split()
    first = re.split(r"[^\w]+", desc.lower().lstrip("*_~\"'(["), maxsplit=1)[0]
    if (
        any(w.rstrip(".'") in _NOT_A_LABEL or re.fullmatch(r"[\d.,]+", w) for w in words)
        or first in _NOT_A_DESC
        or first[:1].isdigit()  # "Build 3m 20s total": a measure
        or desc.lstrip()[:1] in ("=", "£", "$", "€", "¥")  # "acme August: 19.0h = £1,615.00": a sum
        or re.fullmatch(r"\d+M", dur)  # "Mem: 976M 162M …": megabytes, not minutes
        or (not m.group("bullet") and desc.rstrip("*_ )\"'").endswith((".", "?", "!")))
    ):
        return None
    said = "the label" if m.group("bullet") else "no bullet, and the label"
    return _why_not_billed(m.group("bullet"), dur) or (
        f"{said} {label!r} before the hours {dur!r}: write - {dur} {label}: what"
    )


def _why_not_billed(bullet: str | None, dur: str) -> str | None:
    """Why a line read another way is not billed, before how to write it: an open task is
    planned work, and hours that are no duration are said so."""
    if bullet and "[ ]" in bullet:
        return "an open task is planned work, not done: tick it ([x]) when it is done to bill it"
    try:
        parse_duration(dur)
    except ParseError as exc:
        return str(exc)
    return None


# E2E trial, session 25: "northwind: reviewed break rule constraints 1h" — a client's label, a
# colon, what was done and the hours at the end — was neither billed nor named. Named with the
# way to write it when the label is a client's (or, before clients.toml, any label with a
# colon that no sentence starts with); prose ("Note: the export takes 2h") is not.
_HOURS_LAST = re.compile(
    rf"^[ \t]*(?P<bullet>[-*+][ \t]+{_BOX})?(?P<label>{_WORD}(?:[ \t]{_WORD}){{0,2}})[ \t]*:[ \t]*"
    rf"(?P<desc>[^\W_][^\n]*?)[ \t]*(?:[,;(\u2013\u2014-][ \t]*)?(?:~|\u2248)?"
    rf"(?<![\w.,]){_DUR_IN_LINE}\)?[ \t]*$",
    re.IGNORECASE,
)


def _hours_last(line: str, labels: frozenset[str]) -> str | None:
    m = _HOURS_LAST.match(line)
    if m is None:
        return None
    label, dur, desc = m.group("label"), m.group("dur").rstrip("."), m.group("desc").strip()
    words = desc.lower().split()
    if label.lower() not in labels and (
        labels
        or any(w.rstrip(".'") in _NOT_A_LABEL for w in label.lower().split())
        or (words and words[-1] in _NOT_A_LABEL | _NOT_A_DESC)
    ):
        return None  # "Note: the export takes 2h", "Phase 1: about 40h"
    if words and words[-1] in _NOT_A_DESC | {"takes", "took", "lasts", "about", "for"}:
        return None  # "acme: call in 2h", "acme: the build takes 2h"
    return _why_not_billed(m.group("bullet"), dur) or (
        f"the hours {dur!r} after what was done: write - {dur} {label}: {desc[:40]}"
    )


@dataclass
class _HoursTable:
    hours: tuple[int, ...]  # the columns whose header says hours ("hours", "h", "time", …)
    client: int | None
    what: int | None
    dates: tuple[int, ...] = ()  # the columns whose header says date ("date", "day", …)
    money: bool = False  # a column of money ("rate", "fees", "amount"): a summary when undated


@dataclass
class LinesAbove:
    """What ``unread_work_line`` keeps of the lines above the one it reads: the table a row
    is in."""

    prev: str = ""
    table: _HoursTable | None = None
    # the heading of the section the lines are in (a timesheet table's client, when it names
    # one) and whether clients.toml names any client yet
    heading: str = ""
    clients_known: bool = True


_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
# an hours column says hours ("time (ms)", "duration" and a schedule's "time" are not billed
# hours: review, session 19)
_HOURS_HEAD = re.compile(r"(?:hours?|hrs?|h|hours? spent|time spent)(?: ?\((?:h|hrs?)\))?", re.I)
_CLIENT_HEAD = re.compile(r"(?:client|customer|account|project)s?", re.IGNORECASE)
_WHAT_HEAD = re.compile(
    r"(?:description|desc|what|task|work|activity|notes?|summary|details?)", re.IGNORECASE
)


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.strip().strip("*_`").strip() for c in re.split(r"(?<!\\)\|", row)]


def _hours_table(header: str, rule: str) -> _HoursTable | None:
    """A markdown table's header (the line above its rule) with an hours column, or None."""
    if "|" not in header or len(rule) > 2000 or not _TABLE_RULE.match(rule):
        return None
    heads = _cells(header)
    hours = tuple(i for i, h in enumerate(heads) if _HOURS_HEAD.fullmatch(h))
    if not hours:
        return None
    client = next((i for i, h in enumerate(heads) if _CLIENT_HEAD.fullmatch(h)), None)
    what = next((i for i, h in enumerate(heads) if _WHAT_HEAD.fullmatch(h)), None)
    dates = tuple(i for i, h in enumerate(heads) if _DATE_HEAD.fullmatch(h))
    money = any(_MONEY_HEAD.match(h) for h in heads)
    return _HoursTable(hours, client, what, dates, money)


def _unread_table_row(table: _HoursTable, row: str, above: LinesAbove | None = None) -> str | None:
    """A row of a table with an hours column that holds hours: named with the line to write
    (QA, session 19: a table of the day's work was dropped without a word). A total is not,
    nor a row of a summary (undated, with money: "| Acme | 23.00 | £95/h | £2,185.00 |")."""
    if table.money and not table.dates:
        return None
    cells = _cells(row)
    client = cells[table.client] if table.client is not None and table.client < len(cells) else ""
    if above is not None and table.dates and not client.strip():
        # a timesheet's row with no client of its own, under a heading that names none
        head = " ".join(re.sub(r"\([^)]*\)", " ", above.heading).split())
        dated = any(table_day(cells[i]) for i in table.dates if i < len(cells))
        if dated and head and not above.clients_known and not _PERIOD_HEADING.match(head):
            # said so that the note is read again once clients.toml names a client
            # (ingest/reattribution.reread_waiting_notes)
            return (
                f"the heading {head[:40]!r} over a timesheet table is no client's yet: its rows "
                "are billed once clients.toml names the client"
            )
    if not cells or _TOTAL.fullmatch(cells[0]):
        return None
    dur = None
    for i, said in enumerate(cells):
        if i in table.hours and re.match(r"[~\u2248]?[ \t]?[.,]?\d", said):
            dur = f"{said}h" if re.fullmatch(r"\d{1,4}(?:[.,]\d{1,4})?", said) else said
            break
        if re.fullmatch(_DUR_IN_LINE, said, re.IGNORECASE):
            dur = said
            break
    if dur is None:
        return None

    def cell(i: int | None, default: str) -> str:
        return (cells[i] if i is not None and i < len(cells) else "")[:40] or default

    return (
        f"a table row is not read as work: write - {dur} {cell(table.client, 'client')}: "
        f"{cell(table.what, 'what')}"
    )


# Session 27 (blind trials, sessions 24–27: all four vaults kept their timesheet as a markdown
# table — a heading per client or a client column, a date column, an hours column — and none
# of it was billed). A table whose header has an hours column and a date column is a
# timesheet: each row with a date, hours and a client (its cell, or the section's heading) is a
# work item of that day. A row missing any of them is named, as before, never guessed.
_MONEY_HEAD = re.compile(r"(?:rates?|fees?|amount|cost|price|value|total|sum)\b", re.I)
_DATE_HEAD = re.compile(r"(?:date|day|when|datum|fecha)", re.IGNORECASE)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# "3 Aug 2026", "Mon 3 August 2026", "Aug 3, 2026": a month by its name is no guess between
# day-month and month-day ("03/08/2026" is: not read)
_NAMED_DAY = re.compile(
    r"^(?:(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]{3,9})\.?"
    r"|(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?)\s+(?P<y>\d{4})$"
)


def table_day(cell: str) -> str | None:
    """A table cell's date as YYYY-MM-DD: ISO, or with the month by its name; else None."""
    s = cell.strip()
    m = _ISO_DAY.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        n = _NAMED_DAY.match(s)
        if n is None:
            return None
        month = MONTH_NUMBERS.get((n.group("m1") or n.group("m2")).lower())
        if month is None:
            return None
        y, mo, d = int(n.group("y")), month, int(n.group("d1") or n.group("d2"))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class TableRow:
    """A timesheet table's row read as work: the work and its own day."""

    work: WorkLine
    day: str


_TOTAL = re.compile(r"(?:sub)?totals?|sum|gesamt|total général", re.IGNORECASE)


# What is planned, estimated or charged is no timesheet, whatever its columns: "## Next week",
# "## Estimate (Acme)", "| Date | Hours | Rate | Amount |" (a pasted invoice) — review
_NOT_DONE = re.compile(
    r"\b(?:plan|plans|planned|planning|estimates?|estimated|budgets?|budgeted|agenda|schedule|"
    r"scheduled|forecasts?|invoices?|quotes?|quotation|proposal|next)\b",
    re.IGNORECASE,
)


def table_rows(
    lines: Sequence[str], heading: str | None, title: str = "", until: str | None = None
) -> dict[int, TableRow]:
    """The rows of the timesheet tables among ``lines`` (a code fence's lines given as ""),
    by their index: a table whose header has an hours and a date column, and no column of
    money, in a section whose headings (``title``) say no plan, estimate or invoice; a row
    with a date (not after ``until``, the note's own day: a later one is a plan), hours, a
    client (its cell, else ``heading``) and what was done. Any other row is left where it is,
    for ``unread_work_line`` to name."""
    out: dict[int, TableRow] = {}
    if _NOT_DONE.search(title):
        return out
    table: _HoursTable | None = None
    prev = ""
    for i, line in enumerate(lines):
        if table is not None and "|" in line:
            row = _table_row(table, line, heading) if table.dates and not table.money else None
            if row is not None and (until is None or row.day <= until):
                out[i] = row
        else:
            table = _hours_table(prev, line)
            if table is not None and _NOT_DONE.search(prev):
                table = _HoursTable(table.hours, table.client, table.what)  # read as no dates
        prev = line
    return out


def _table_row(table: _HoursTable, line: str, heading: str | None) -> TableRow | None:
    cells = _cells(line)
    if not cells or _TOTAL.fullmatch(cells[0]):
        return None

    def cell(i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    day = next((d for i in table.dates if (d := table_day(cell(i)))), None)
    said = next((cell(i) for i in table.hours if cell(i)), "")
    client = cell(table.client) or (heading or "")
    if day is None or not said or not client or len(client) > 60:
        return None
    try:
        hours = parse_duration(said)
    except ParseError:
        return None
    skip = {*table.hours, *table.dates, table.client}
    what = cell(table.what) or "; ".join(c for j, c in enumerate(cells) if j not in skip and c)
    if not what:
        return None
    return TableRow(WorkLine(hours, client, what, line.strip()), day)


# A heading that names a period, not a client ("August 2026", "Week 34", "2026-08", "Q3")
_PERIOD_HEADING = re.compile(
    r"^(?:.*\b(?:19|20)\d{2}\b.*|(?:week|wk|month|quarter|q[1-4])\b.*|[\d\s./-]+|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)$",
    re.IGNORECASE,
)


def heading_label(title: str, labels: frozenset[str]) -> str | None:
    """The client a section's heading names, for a timesheet table under it with no client
    column ("## Holme Fen Growers (Truss)"): of the heading, the heading without what is in
    brackets, and what is in brackets, the one that is a client's label (``labels``); else
    None: the rows are named, never billed on a guess — and, before clients.toml names any
    client, the note is read again once it does (``unread_work_line``)."""
    from trailkeep.vault.clients import label_key, loose_label_key

    parts = title.split(" > ")
    if len(parts) < 2:
        return None
    head = parts[-1].strip()
    bare = " ".join(re.sub(r"\([^)]*\)", " ", head).split())
    inner = [str(x).strip() for x in re.findall(r"\(([^)]*)\)", head)]
    exact = {label_key(x) for x in labels}
    loose = {loose_label_key(x) for x in labels}
    for cand in (bare, head, *inner):
        # one of the two without its legal form ("Holme Fen Growers" / "… Growers Ltd"), as
        # clients.toml's labels are matched (vault/clients.ClientDirectory.get)
        if cand and (label_key(cand) in exact | loose or loose_label_key(cand) in exact):
            return cand
    return None
