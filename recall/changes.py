"""What changed in a time: "what changed since May?", "what happened in March?", "anything new
since last week?", "what did we decide before May?".

Such a question names a time and nothing to search for: the judge finds no word but the time
and says "your history doesn't say" (QA, session 20). It is answered with what the trail
recorded as decided or given up then — entries tagged ``decision`` or ``dead_end``
(notes/0005), written inside the window (their own date, not the day they were imported) and
inside any ``--since``/``--until`` given, current, in the scope asked and clipped by its rule —
oldest first, since it reads as a story. A question that also names a topic ("what changed in
the matching rule since May?"), a day ("since March 3"), two months ("between March and May")
or another client than the one selected is asked as any other question. notes/0005-trail-cues.md,
"What changed in a time".
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from trailkeep.vault import Filters, Vault
from trailkeep.vault.clients import ClientDirectory
from trailkeep.vault.query import entry_hits, tagged_entries

from .answer import NOT_FOUND, Answer, _client_name, extractive, quoted
from .answerable import content_terms
from .asked_when import question_scope
from .dates import EARLIEST, MONTH_NAMES, window
from .tagged import in_scope, scope_names

SHOWN = 8  # the most listed; the answer says how many more
CHANGE_TAGS = ("decision", "dead_end")

_ASKS_CHANGES = re.compile(
    r"^\W*(?:so\s+|and\s+)?(?:"
    r"what(?:'s|’s|\s+has|\s+have|\s+is|\s+was|\s+were)?\s+(?:been\s+)?"
    r"(?:changed|new|happened|going\s+on|moved|decided)|"
    r"what\s+(?:(?:were|are)\s+)?(?:the\s+)?(?:changes|news|updates|developments)|"
    r"what\s+did\s+(?:we|i|they)\s+(?:change|decide|drop|give\s+up)|"
    r"(?:(?:is|was|has)\s+there\s+)?any(?:thing)?\s+(?:new|changed|changes|news|updates)|"
    r"(?:were|are)\s+there\s+any\s+(?:changes|updates|news)"
    r")\b",
    re.IGNORECASE,
)
_MONTH = f"(?:{MONTH_NAMES})"
# the words that say when, taken out before asking what else the question names
_TIME_WORDS = re.compile(
    r"\b(?:since|before|after|until|till|prior\s+to|in|during|from|over|the|of|start|end|"
    rf"beginning|last|this|week|month|year|yesterday|today|so\s+far|\d{{4}}|{_MONTH})\b",
    re.IGNORECASE,
)
# a day ("since March 3", "after 3/14"), or a span between two times: not one window `window`
# reads — searched as words instead of listed for the wrong days (review, session 21)
_NOT_ONE_WINDOW = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b|"
    r"\b\d{1,4}[/.-]\d{1,2}\b|\bbetween\b|\b(?:to|and|through|till|until)\s+"
    rf"(?:{_MONTH}|last|this|yesterday|today)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:(?P<side>since|after|before|until|till|prior\s+to)\s+)?"
    r"(?:yesterday|today|(?:last|this)\s+(?:week|month|year))\b",
    re.IGNORECASE,
)


def asked_changes(question: str, names: list[str], today: date) -> tuple[datetime, datetime] | None:
    """[start, end) when the question asks what changed in one time and names nothing else to
    search for; None otherwise."""
    m = _ASKS_CHANGES.search(question)
    if m is None or _NOT_ONE_WINDOW.search(question):
        return None
    span = window(question, today)
    if span is None:
        return None
    rel = _RELATIVE.search(question)
    if rel is not None and rel.group("side"):
        # "since last week" runs to today, not to last Sunday; "before last week" is not one
        # window (review, session 21)
        side = rel.group("side").lower()
        if side not in ("since", "after"):
            return None
        start = span[0] if side == "since" else span[1]
        span = (start, datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(1))
    if content_terms(_TIME_WORDS.sub(" ", question[m.end() :]), names):
        return None
    return span


def answer_changes(
    vault: Vault, question: str, filters: Filters | None, today: date | None = None
) -> Answer | None:
    """What was decided or given up in the time a question names, oldest first, in its scope;
    None when it does not ask that."""
    if _ASKS_CHANGES.search(question) is None:
        return None  # before the names: every question comes through here (review)
    today = today or date.today()
    span = asked_changes(question, scope_names(vault), today)
    if span is None:
        return None
    if filters and filters.client:
        named = ClientDirectory(vault.settings.clients).named_in(question)
        if any(c != filters.client for c in named):
            return None  # about another client: the judge says it is outside this scope
    scoped, named = question_scope(vault, question, filters)
    base = scoped or Filters()
    start, end = span
    # inside any window the caller set too (`--since`, `--until`: naive UTC, the page's dates)
    if base.since is not None:
        start = max(start, _aware(base.since))
    if base.until is not None:
        end = min(end, _aware(base.until))
    flt = replace(base, tags=CHANGE_TAGS, since=start, until=end, current_only=True)
    where = f" in {_client_name(vault, flt.client)}'s history" if flt.client else ""
    when = _span(start, end, today)
    searched = f"looked at what your history tags as decisions or dead ends{where}, {when}"
    ids = tagged_entries(vault, flt, limit=100_000, oldest_first=True)
    cites = in_scope(vault, entry_hits(vault, ids[: SHOWN * 4]), flt, named)
    cites.sort(key=lambda h: (h.timestamp is None, h.timestamp, h.entry_id))
    if not cites:
        why = (
            f"nothing{where} written {when} is tagged as a decision or a dead end; ask about a "
            "topic to search what was written then"
        )
        return Answer(question, NOT_FOUND, True, why, "extractive", [], searched)
    heading = (
        f"What your history records as decided or given up{where}, {when} (quoted, oldest first)"
    )
    text, shown = extractive(question, vault, cites, SHOWN, today, heading)
    if len(ids) > len(shown):
        text += (
            f"\n(up to {len(ids) - len(shown)} more tagged then: narrow the time, or ask about "
            "a topic)"
        )
    return quoted(vault, question, text, shown, searched, flt)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _span(start: datetime, end: datetime, today: date) -> str:
    first, last = start.date(), (end - timedelta(microseconds=1)).date()

    def day(d: date) -> str:
        return f"{d:%B} {d.day}, {d.year}"

    if start <= EARLIEST:
        return f"up to {day(last)}"
    if last >= today:
        return f"since {day(first)}"
    return f"from {day(first)} to {day(last)}" if first != last else f"on {day(first)}"


__all__ = ["answer_changes", "asked_changes"]
