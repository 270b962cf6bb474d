"""Dates named in a text — "by Nov 4", "closes October on Nov 10", "next Tuesday", "2026-11-20" —
resolved against the date the text was written (notes/0016-briefing-and-mcp.md).

Precision first. Candidates are found here by narrow patterns that always name a day: a month
name with a day number (either order, an optional year), an ISO date, a weekday after a word
that points ahead ("on", "by", "until", "before", "due", "for", "next", "this", "coming"),
"tomorrow", "in/within N days|weeks", "end of the week|month". Each candidate is resolved by
``dateparser.parse`` with the text's own date as ``RELATIVE_BASE`` and ``PREFER_DATES_FROM =
"future"`` (an undated "Nov 4" written on Oct 28 is the coming one). "End of the week|month" is
computed here (dateparser does not read it). Never taken: times ("10:30", "5pm"), numbers with
units ("2.5h", "$1,200.50"), versions ("2.5", "v1.2.3"), bare ordinals ("the 14th": which
month?), numeric day/month forms ("11/4": US or European?), "today", "next week", a bare weekday
("Lauren's Friday upload came back"), "last Friday", "every Monday", a date followed by a time
with seconds or a zone offset (a log line, a reply header), and the header lines of quoted
replies ("On Tue, Nov 3, 2026, Dana wrote:", "Sent: Friday, ...").

``dateparser`` is imported on first use (about 0.2 s; its first parse loads the English data,
about 0.3 s more), so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .sentences import sentence_spans

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
# Not a date when a digit, a decimal point or a time separator follows the number ("Nov 4.5",
# "May 10:30") or a digit/currency/decimal sits before it ("2.4 November", "$4 Nov").
_AFTER = r"(?![\d:]|[.,]\d|\s*(?:%|h\b|hrs?\b|hours?\b|am\b|pm\b))"
_BEFORE = r"(?<![\w.,$€£/-])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_COUNT = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "iso",
        re.compile(r"(?<![\w.-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:3[01]|[12]\d|0[1-9])(?![\w-])"),
    ),
    ("month_day", re.compile(rf"\b{_MONTH}\.?\s+{_BEFORE}{_DAY}\b{_YEAR}{_AFTER}")),
    ("day_month", re.compile(rf"{_BEFORE}\b{_DAY}(?:\s+of)?\s+{_MONTH}\b\.?{_YEAR}{_AFTER}")),
    (
        "weekday",
        # Only after a word that points ahead ("on Friday", "by next Tuesday", "this Friday"):
        # a bare weekday is as often a past one ("Lauren's Friday upload came back...").
        # "by EOD Friday", "COB Wednesday": the end of that working day (QA, session 11).
        re.compile(
            r"\b(?:(?i:on|by|until|till|before|due|for|next|this|coming)\s+"
            r"(?:(?:the\s+)?(?i:eod|cob|end of (?:the )?(?:day|business)(?: on)?)\s+)?"
            r"|(?:EOD|COB)\s+)"
            rf"(?:(?i:next|this|coming)\s+)?(?P<wd>{_WEEKDAY})\b(?!s\b|'s\b)"
        ),
    ),
    ("tomorrow", re.compile(r"\b[Tt]omorrow\b")),
    (
        "in_days",
        re.compile(
            r"\b(?:in|within|In|Within)\s+(?P<n>\d{1,2}|" + "|".join(_COUNT) + r")\s+"
            r"(?P<unit>days?|weeks?)\b"
        ),
    ),
    ("end_of", re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<unit>week|month)\b")),
)
# German and French (QA, session 14: "bis zum 5. Januar", "avant le 5 janvier", "bis Freitag",
# "d'ici vendredi" never reached the briefing). Read without dateparser: the month or weekday
# by name, the year nearest the text's own date, as in English.
_FOREIGN_MONTHS = {
    **dict.fromkeys(("januar", "jänner", "janvier", "janv"), 1),
    **dict.fromkeys(("februar", "février", "fevrier", "févr", "fevr"), 2),
    **dict.fromkeys(("märz", "maerz", "mars"), 3),
    **dict.fromkeys(("april", "avril"), 4),
    **dict.fromkeys(("mai",), 5),
    **dict.fromkeys(("juni", "juin"), 6),
    **dict.fromkeys(("juli", "juillet", "juil"), 7),
    **dict.fromkeys(("august", "août", "aout"), 8),
    **dict.fromkeys(("september", "septembre"), 9),
    **dict.fromkeys(("oktober", "octobre"), 10),
    **dict.fromkeys(("november", "novembre"), 11),
    **dict.fromkeys(("dezember", "décembre", "decembre", "déc", "dec"), 12),
}
_FOREIGN_WEEKDAYS = {
    **dict.fromkeys(("montag", "lundi"), 0),
    **dict.fromkeys(("dienstag", "mardi"), 1),
    **dict.fromkeys(("mittwoch", "mercredi"), 2),
    **dict.fromkeys(("donnerstag", "jeudi"), 3),
    **dict.fromkeys(("freitag", "vendredi"), 4),
    **dict.fromkeys(("samstag", "samedi"), 5),
    **dict.fromkeys(("sonntag", "dimanche"), 6),
}


def _names(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_FOREIGN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "foreign_day_month",  # "5. Januar", "5 janvier 2027", "1er mars"
        re.compile(
            rf"{_BEFORE}\b(?P<d>3[01]|[12]\d|0?[1-9])(?:\.|er)?\s+"
            rf"(?P<m>(?i:{_names(_FOREIGN_MONTHS)}))\b(?!-)\.?(?:\s+(?P<year>(?:19|20)\d\d))?"
            rf"{_AFTER}"
        ),
    ),
    (
        "foreign_weekday",  # after a word pointing ahead, as in English: "bis Freitag"
        re.compile(
            r"\b(?i:bis(?:\s+zum|\s+spätestens)?|spätestens(?:\s+am)?|am|zum|vor|ab|"
            r"d['’]ici|avant|pour|jusqu['’]à|dès|le)\s+"
            r"(?:(?i:nächsten|kommenden|diesen|diesem|nächstem|kommendem)\s+)?"
            rf"(?P<fwd>(?i:{_names(_FOREIGN_WEEKDAYS)}))\b(?!\s+(?i:dernier|letzten))"
        ),
    ),
)


def _foreign(kind: str, m: re.Match[str], written: date) -> date | None:
    if kind == "foreign_weekday":
        ahead = (_FOREIGN_WEEKDAYS[m.group("fwd").lower()] - written.weekday()) % 7 or 7
        return written + timedelta(days=ahead)
    month, day = _FOREIGN_MONTHS[m.group("m").lower()], int(m.group("d"))
    try:
        if m.group("year"):
            return date(int(m.group("year")), month, day)
        got = date(written.year, month, day)
    except ValueError:
        return None
    if got < written:  # the nearest one, as in English: ahead unless half a year back
        with contextlib.suppress(ValueError):
            later = got.replace(year=got.year + 1)
            got = later if (written - got).days > 183 else got
    return got


# A line that only reports when someone else wrote: the head of a quoted reply or a forward.
_HEADER_LINE = re.compile(
    r"^\s*(?:>|On\b.{0,120}\bwrote:?\s*$|(?:Sent|Date|From|To|Cc|Subject|Gesendet|Envoyé)\s*:"
    r"|On\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,"  # "On Tue, Aug 3, 2010 at 7:17 AM, X"
    r"|On\s.{0,60}\d{1,2}:\d\d(?:\s*[ap]\.?m\.?)?,"  # (its "wrote:" on the next line)
    r"|Am\b.{0,120}\bschrieb\b|Le\b.{0,120}\ba\s+écrit)",  # German and French quote heads
    re.I,
)
MAX_QUOTE = 300


@dataclass(frozen=True)
class NamedDate:
    day: date
    quote: str  # the sentence naming it, whitespace collapsed
    text: str  # the words that named it ("by Nov 4" -> "Nov 4")


@lru_cache(maxsize=1)
def _parse() -> Any:
    import dateparser

    return dateparser.parse


@lru_cache(maxsize=4096)
def _resolve(words: str, base: datetime) -> date | None:
    got = _parse()(
        words,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
    )
    return None if got is None else got.date()


def _end_of(unit: str, base: date) -> date:
    if unit == "week":  # the working week: its Friday (a Saturday or Sunday: the next one)
        return base + timedelta(days=(4 - base.weekday()) % 7)
    nxt = (base.replace(day=1) + timedelta(days=32)).replace(day=1)
    return nxt - timedelta(days=1)


def resolve(kind: str, m: re.Match[str], written: date) -> date | None:
    """The day a candidate names, read from ``written`` (the text's own date)."""
    words = m.group(0)
    base = datetime(written.year, written.month, written.day, 12)
    if kind == "end_of":
        return _end_of(m.group("unit"), written)
    if kind.startswith("foreign_"):
        return _foreign(kind, m, written)
    if kind == "in_days":
        raw = m.group("n").lower()
        n = _COUNT.get(raw) or int(raw)
        return written + timedelta(days=n * (7 if m.group("unit").startswith("week") else 1))
    if kind == "weekday":
        words = m.group("wd")  # "next Tuesday" is read as the coming Tuesday, as dateparser does
    got = _resolve(words, base)
    if got is None:
        return None
    if (
        kind == "weekday"
        and got.weekday() == written.weekday()
        and not re.search(r"(?i)\b(?:next|coming)\b", m.group(0))
        and not re.match(r"(?i)\s*(?:,\s*)?(?:next\s+week|week\b)", m.string[m.end() :])
    ):
        # "by Friday" written on a Friday is that day, as "October 28" on October 28 is: a
        # deadline read a week late is missed, one read early is only early (QA, session 18:
        # "send the figures by Friday, the board pack closes tonight" was listed a week on)
        return written
    # "future" is strict: "October 28" written on October 28 is that day, not next year's.
    same_day = (got.month, got.day) == (written.month, written.day)
    if kind in ("month_day", "day_month") and not m.group("year"):
        if same_day:
            return written
        # A day with no year is the one nearest the text's own date: "was due December 20"
        # written on December 28 is that December 20, not next year's, and "as discussed on
        # Dec 30" written on January 3 is the Dec 30 just gone (QA, session 11); "by January
        # 5" written in December is still the coming one.
        if (got - written).days > 183:
            with contextlib.suppress(ValueError):  # February 29
                return got.replace(year=got.year - 1)
    return got


# Every candidate holds one of these (case as written): only the lines around them are read, so
# a long mail with no date in it costs a few substring scans, not seven regular expressions.
_ANCHORS = (
    *"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    *"Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "omorrow",
    " day",
    " week",
    "end of",
    "-0",
    "-1",
)
# German and French months and weekdays the English anchors do not hold ("Januar" holds "Jan",
# "November" is English too): their patterns also read the English anchors' windows.
_FOREIGN_ANCHORS = (
    *"Mär mär Maerz Mai Okt okt Dez dez janv anvier févr évrier evrier mars avril juin".split(),
    *"juil août aout ptembre ctobre ovembre écembre ecembre déc Juni Juli".split(),
    *"Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag".split(),
    *"lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
    *"Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche".split(),
    " mai ",
)
WINDOW = 120  # characters either side of an anchor, on a line longer than twice this
# A date followed by a time with seconds or a zone offset is a machine's timestamp ("Feb 13
# 17:12:22", "16 Nov 2010 06:51:17 -0800"): a log line or a reply header, never a deadline.
_STAMP = re.compile(r",?\s+(?:(?:19|20)\d\d\s+)?(?:at\s+)?\d{1,2}:\d\d:\d\d|\s+[+-]\d{4}\b")


# Words of German and French that English mail rarely holds: a text with none of them and no
# letter beyond ASCII is not read for German and French dates (the daily briefing over a year
# of English mail was 30 % slower reading them everywhere: BENCHMARKS.md, session 14).
_FOREIGN_WORDS = (
    *(" bis ", " der ", " die ", " den ", " und ", " zum ", " auf ", " mit ", " sich ", "Bitte"),
    *(" le ", " la ", " les ", " des ", " du ", " avant ", "d'ici", " pour ", " vous ", " nous "),
)


def _maybe_foreign(text: str) -> bool:
    return not text.isascii() or any(w in text for w in _FOREIGN_WORDS)


def _windows(text: str, anchors: tuple[str, ...] = _ANCHORS) -> list[tuple[int, int]]:
    """Spans of ``text`` worth reading: the lines (or, on long lines, about WINDOW characters
    either side, cut at spaces) around each anchor, merged."""
    spots: list[int] = []
    for anchor in anchors:
        i = text.find(anchor)
        while i >= 0:
            spots.append(i)
            i = text.find(anchor, i + 1)
    spans: list[tuple[int, int]] = []
    for p in sorted(spots):
        ls = text.rfind("\n", 0, p) + 1
        le = text.find("\n", p)
        le = len(text) if le < 0 else le
        a, b = max(ls, p - WINDOW), min(le, p + WINDOW)
        if a > ls:
            sp = text.rfind(" ", ls, a)
            a = ls if sp < 0 else sp + 1
        if b < le:
            sp = text.find(" ", b, le)
            b = le if sp < 0 else sp
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    return spans


def _sentence(text: str, start: int, stop: int) -> tuple[int, int]:
    """The sentence of ``text`` holding start..stop (sentences of its paragraph only)."""
    pa = text.rfind("\n\n", 0, start)
    pa = 0 if pa < 0 else pa + 2
    pb = text.find("\n\n", stop)
    pb = len(text) if pb < 0 else pb
    for a, b in sentence_spans(text[pa:pb]):
        if a + pa <= start < b + pa:
            return a + pa, max(b + pa, stop)
    return start, stop


# "on Thursday" in a sentence told in the past is the Thursday that was ("both asked about
# pricing on Thursday"); precision first, so a past-tense verb without a future one drops it.
_PAST = re.compile(
    r"\b(?i:was|were|did|had|went|came|met|said|told|sent|got|took|gave|made|saw|spoke|"
    r"(?!need|feed|seed|speed|indeed|proceed|succeed|exceed)[a-z]{2,}ed)\b"
)
_FUTURE = re.compile(r"\b(?i:will|shall|going to|gonna|let's|please|can you|could you)\b|'ll\b")


def _told_in_the_past(words: str, sentence: str) -> bool:
    """A weekday after "on" alone, in a sentence with a past-tense verb and no future."""
    lead = words.split()[0].lower()
    return lead == "on" and bool(_PAST.search(sentence)) and not _FUTURE.search(sentence)


# A date the sentence says will not happen ("we cannot go live on March 2") or that a change
# leaves behind ("move go-live from March 2 to March 16") is not ahead of anyone (QA, session
# 8: both were listed under "Dates ahead"). A contrast after the negation gives the date back:
# "we can't do Tuesday but Thursday works".
_NEGATION = re.compile(
    r"\b(?i:cannot|can't|can not|couldn't|could not|won't|will not|isn't|aren't|not going to|"
    r"no longer|not on|not by|instead of|rather than|unable to)\b"
)
_CONTRAST = re.compile(r"\b(?i:but|instead|rather|however|so|then)\b|[;:]")
_MOVED = re.compile(
    r"\b(?i:mov|push|postpon|reschedul|shift|slip|delay|bump)\w*\b.*\bfrom\s+(?:the\s+)?$"
)


# A date the sentence says is met is not ahead either: "Done — signed off, so December 4 is
# covered", "delivered ahead of the Dec 4 deadline" (QA, session 18: listed under "Dates ahead",
# quoting the user's own reply). Only with the date: "We delivered the draft; the final is due
# December 4" still has December 4 ahead.
_MET_AFTER = re.compile(
    r"^(?:\s*(?:'s|’s))?(?:\s+(?:deadline|due date|milestone))?\s+(?:is|was|has been|are|were)\s+"
    r"(?:now\s+|already\s+|fully\s+)?(?:covered|met|handled|taken care of|done|sorted|"
    r"satisfied|cleared)\b",
    re.IGNORECASE,
)
_MET_BEFORE = re.compile(
    r"\b(?:done|finished|completed|delivered|sent|submitted|signed off|shipped|filed|met)\b"
    r"[^.;?!]{0,60}\b(?:ahead of|in time for|well before)\s+(?:the\s+)?$",
    re.IGNORECASE,
)  # not plain "before": "I've sent the SOW, it needs your signature before Dec 4" is ahead
# the date is what is met only when it leads its clause: "Catering for December 4 is covered"
# says nothing of December 4 (review, session 20)
_OF_SOMETHING = re.compile(r"\b(?:for|of|on|at|by|from|to|until|till|with)\s+(?:the\s+)?$", re.I)


# ... or that it will not hold, after it: "April 15 is not realistic", "Dec 4 won't work"
# (QA, session 20: listed under "Dates ahead", quoting the sentence that gave it up)
_OFF_AFTER = re.compile(
    r"^(?:\s*(?:'s|’s))?(?:\s+(?:deadline|date|go-live|launch|slot))?\s*(?:\s(?:is|was|looks|"
    r"seems)(?:\s+(?:now|just|simply|clearly))?\s+(?:not|no longer|un)|\s(?:isn't|isn’t|wasn't|"
    r"wasn’t)|(?:'s|’s) not)\s*(?:realistic|feasible|"
    r"possible|doable|going to (?:work|happen)|achievable|workable|an option|happening|likely)\b|"
    r"^\s+(?:won't|will not|doesn't|does not|can't|cannot)\s+(?:work|happen|hold)\b",
    re.IGNORECASE,
)


def _met(before: str, after: str) -> bool:
    """Does the sentence say the date is met ("… is covered" after it, "done ahead of"
    before), or given up ("… is not realistic")?"""
    leads = not _OF_SOMETHING.search(before)
    return (
        (leads and bool(_MET_AFTER.match(after)))
        or (leads and bool(_OFF_AFTER.match(after)))
        or (bool(_MET_BEFORE.search(before)) and not _FUTURE.search(before))
    )


def _not_ahead(before: str) -> bool:
    """Does the sentence, up to the date, negate it or move away from it?"""
    if _MOVED.search(before):
        return True
    negations = list(_NEGATION.finditer(before))
    return bool(negations) and not _CONTRAST.search(before, negations[-1].end())


def named_dates(text: str, written: date) -> list[NamedDate]:
    """Every date ``text`` names, resolved against ``written``, with the sentence naming it;
    in text order, each (day, sentence) once. Dates the sentence negates or moves away from
    are not among them (see :func:`date_changes`)."""
    return read_dates(text, written)[0]


@dataclass(frozen=True)
class DateChanges:
    """What a text says against dates named before it (QA, session 9: a deadline a later mail
    moved stayed under "Dates ahead" beside the new one)."""

    withdrawn: frozenset[date]  # "cannot make Dec 4", "moved from Dec 4 to Dec 11": Dec 4
    moves: tuple[NamedDate, ...]  # "the review moves to Dec 11": the new date, with its sentence


# A new date a change leads to: "moved/pushed/postponed … to Dec 11", "the new date is …",
# "now due …". Not in a question ("Could we move it to Friday?" asks; it does not decide).
_MOVED_TO = re.compile(
    r"(?:\b(?i:mov|push|postpon|reschedul|shift|slip|slipp|delay|bump)\w*\b.*"
    r"\b(?i:to|until|till|for)\s+(?:the\s+)?(?:(?i:next|this|coming)\s+)?"
    r"|\b(?i:new (?:date|deadline|due date) is|now (?:due|on|by|planned for|scheduled for))\s+"
    r"(?:(?i:on|by|the)\s+)?)$"
)


def date_changes(text: str, written: date) -> DateChanges:
    """The dates ``text`` withdraws, and the dates it moves something to."""
    return read_dates(text, written)[1]


def read_dates(text: str, written: date) -> tuple[list[NamedDate], DateChanges]:
    """:func:`named_dates` and :func:`date_changes` of ``text`` in one reading."""
    ahead_: list[NamedDate] = []
    withdrawn: set[date] = set()
    moves: list[NamedDate] = []
    for nd, ahead, before in _scan(text, written):
        if not ahead:
            withdrawn.add(nd.day)
            continue
        ahead_.append(nd)
        if _MOVED_TO.search(before) and not nd.quote.rstrip().endswith("?"):
            moves.append(nd)
    # A date the same text takes back is not ahead: "Workshop on December 7. … we can't do
    # December 7", "the audit was to be on Dec 1 but it is postponed to Dec 5" (QA, session 16:
    # Dec 7 and Dec 1 stayed under "Dates ahead")
    ahead_ = [
        nd
        for nd in ahead_
        if nd.day not in withdrawn
        and not any(
            m.quote == nd.quote
            and m.day != nd.day
            and 0 <= nd.quote.find(nd.text) < nd.quote.find(m.text)
            for m in moves
        )
    ]
    return ahead_, DateChanges(frozenset(withdrawn), tuple(moves))


def _scan(text: str, written: date) -> Iterator[tuple[NamedDate, bool, str]]:
    """(date, ahead, the sentence up to it) for every date ``text`` names, in text order."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    read: tuple[tuple[tuple[str, ...], tuple[tuple[str, re.Pattern[str]], ...]], ...] = (
        ((_ANCHORS, (*_PATTERNS, *_FOREIGN_PATTERNS)), (_FOREIGN_ANCHORS, _FOREIGN_PATTERNS))
        if _maybe_foreign(text)
        else ((_ANCHORS, _PATTERNS),)
    )
    for anchors, patterns in read:
        for a, b in _windows(text, anchors):
            for kind, pat in patterns:
                for m in pat.finditer(text, a, b):
                    found.append((m.start(), m.end(), kind, m))
    if not found:
        return
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    seen: set[tuple[date, str, bool]] = set()
    end = -1
    for i, (start, stop, kind, m) in enumerate(found):
        if start < end:  # inside a longer candidate
            continue
        end = stop
        if kind.endswith("weekday") and i + 1 < len(found) and found[i + 1][0] - stop <= 2:
            continue  # "Thursday, September 13": the date itself says it
        if not kind.endswith("weekday") and _STAMP.match(text, stop):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", stop)
        if _HEADER_LINE.match(text[line_start : line_end if line_end >= 0 else len(text)]):
            continue
        a, b = _sentence(text, start, stop)
        if kind == "weekday" and _told_in_the_past(m.group(0), text[a:b]):
            continue
        ahead = not _not_ahead(text[a:start]) and not _met(text[a:start], text[stop:b])
        day = resolve(kind, m, written)
        if day is None:
            continue
        if kind == "weekday" and (dom := _ORDINAL_AFTER.match(text, stop)):
            day = _weekday_on(day.weekday(), int(dom.group(1)), written) or day
        quote = " ".join(text[a:b].split())
        if len(quote) > MAX_QUOTE:
            quote = _around(text, a, b, start, stop)
        if (day, quote, ahead) in seen:
            continue
        seen.add((day, quote, ahead))
        yield NamedDate(day, quote, m.group(0)), ahead, text[a:start]


# "Friday the 13th", "Monday, 2nd": the weekday with its day of the month (QA, session 13:
# "by Friday the 13th" was taken as the coming Friday, a week early)
_ORDINAL_AFTER = re.compile(r",?\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)


def _weekday_on(weekday: int, dom: int, written: date) -> date | None:
    """The first day from ``written`` on that is the ``dom``-th of its month and falls on
    ``weekday``, within a year; None when there is none."""
    y, mo = written.year, written.month
    for _ in range(13):
        try:
            d = date(y, mo, dom)
        except ValueError:
            d = None
        if d is not None and d >= written and d.weekday() == weekday:
            return d
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return None


def _around(text: str, a: int, b: int, start: int, stop: int) -> str:
    """About MAX_QUOTE characters of the sentence a..b around start..stop, on word bounds."""
    half = (MAX_QUOTE - (stop - start)) // 2
    lo, hi = max(a, start - half), min(b, stop + half)
    cut = text[lo:hi]
    if lo > a and " " in cut:
        cut = cut.split(" ", 1)[1]
    if hi < b and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return ("… " if lo > a else "") + " ".join(cut.split()) + (" …" if hi < b else "")


__all__ = ["DateChanges", "NamedDate", "date_changes", "named_dates", "read_dates", "resolve"]
