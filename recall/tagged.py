"""Questions that ask for what the trail tagged: dead ends, decisions, open questions.

"What approaches failed?", "what dead ends did we hit with Clearview?", "what decisions did we
make?", "which questions are still open?" are answered with the passages tagged so (notes/0005),
in the scope asked — clipped by the same rule as search (recall/scope.py) — newest first; on a
topic, judged as any answer. notes/0005-trail-cues.md, "Asking for what was tagged".
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from trailkeep.vault import Filters, Hit, Vault
from trailkeep.vault import briefing as sql
from trailkeep.vault.briefing import TextRow, own_names
from trailkeep.vault.query import entry_hits, entry_text, superseded_at, tagged_entries

from .answer import NOT_FOUND, Answer, _client_name, _trail_for, extractive, judge, verified
from .answerable import content_terms
from .asked_when import question_scope
from .brief import decision_said, settled_later
from .dates import EARLIEST, window
from .retrieval import search_detailed
from .scope import admit, scope_for

# "What approaches failed?", "what dead ends did we hit with Clearview?", "what decisions did
# we make?", "which questions are still open?": a list of what the trail tagged (notes/0005),
# not a search for the words "failed" or "decisions" — they are rarely in the passage that says
# "Doesn't work: OR-Tools" (QA, session 19: each said "your history doesn't say").
_ASKS_TAGGED = (
    (
        "dead_end",
        "dead ends",
        re.compile(
            r"\b(?:dead[ -]ends?(?:\s+(?:did|have|had)\s+we\s+(?:hit|run into|ran into|"
            r"reached|reach|met|meet|encountered|encounter|had|have|found|find))?|"
            r"(?:what|which)(?:\s+(?:approaches|ideas|options|things|attempts|routes|designs|"
            r"tools|solutions))?\s+(?:have\s+|had\s+)?(?:failed|did(?:n't| not) work|"
            r"(?:we\s+(?:have\s+)?|were\s+|have\s+been\s+)(?:dropped|abandoned|gave up on|"
            r"given up|ruled out))|what\s+went wrong)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "decision",
        "decisions",
        re.compile(
            r"\b(?:what|which)\s+(?:(?:were|are)\s+(?:the|our)\s+)?decisions\b"
            # decisions still to make are open questions, not decisions made (review)
            r"(?!\s+(?:are|is|remain)\s+(?:still\s+)?(?:pending|open|outstanding|to\b)"
            r"|\s+(?:do|does|will|should)\s+we\b|\s+(?:still\s+)?(?:pending|to\s+(?:make|take)))"
            r"(?:\s+(?:did|have)\s+we\s+(?:make|made|take|taken|reach|reached))?",
            re.IGNORECASE,
        ),
    ),
    (
        "open_question",
        "open questions",
        re.compile(
            r"\b(?:(?:open|unanswered|unresolved)\s+questions?|(?:what|which)\s+questions\s+"
            r"(?:are|remain)\s+(?:still\s+)?(?:open|unanswered))\b",
            re.IGNORECASE,
        ),
    ),
)


def asked_tagged(question: str) -> tuple[str, str, str] | None:
    """(tag, what it is called, the question without the phrase that asks for it), or None."""
    for tag, called, pattern in _ASKS_TAGGED:
        m = pattern.search(question)
        if m:
            return tag, called, (question[: m.start()] + " " + question[m.end() :]).strip()
    return None


def answer_tagged(
    vault: Vault,
    question: str,
    filters: Filters | None,
    k: int = 5,
    today: date | None = None,
) -> Answer | None:
    """The tagged passages a question asks for: every one in scope, newest first, when it names
    nothing else ("what approaches failed?"); those on its topic, judged as any answer, when it
    does ("what dead ends did we hit on routing?"). None when it asks for no tag, or when no
    tagged passage is on its topic (the question is then asked as any other)."""
    asked = asked_tagged(question)
    if asked is None:
        return None
    tag, called, rest = asked
    scoped, named = question_scope(vault, question, filters)
    flt = replace(scoped or Filters(), tags=(tag,), current_only=not (scoped and scoped.until))
    names = [n for c in vault.settings.clients for n in (c.id, *c.names)] + own_names(vault)
    where = f" in {_client_name(vault, flt.client)}'s history" if flt.client else ""
    searched = f"looked at the passages your history tags as {called}{where}"
    if not content_terms(rest, names):
        admitted: set[int] = set()
        if tag == "open_question":
            # still open: no later decision in its own document, as the briefing lists them
            # (QA, session 20: a question decided three lines below was listed as open)
            # ... within the filters asked (project, kind, since: review, session 20)
            admitted = set(tagged_entries(vault, flt, limit=1000))
            rows = {
                r.entry_id: r
                for r in sql.open_questions(vault, flt.client, limit=1000, until=flt.until)
                if r.entry_id in admitted
            }
            ids = list(rows)[: k * 4]
        else:
            ids = tagged_entries(vault, flt, limit=k * 4)
        cites = _in_scope(vault, entry_hits(vault, ids), flt, named)[:k]
        if not cites:
            # tagged, and each decided since: not "nothing is tagged" (QA, session 20)
            why = (
                f"every question{where} tagged as open has a decision after it in its document"
                if admitted
                else f"nothing{where} is tagged as {called} (`trailkeep tag add {tag} --entry "
                "N` marks one)"
            )
            return Answer(
                question,
                NOT_FOUND,
                True,
                why,
                "extractive",
                [],
                searched,
            )
        heading = f"What your history tags as {called}{where} (quoted, newest first)"
        text, cites = extractive(question, vault, cites, k, today, heading)
        if tag == "open_question":
            text, cites = _perhaps_decided(vault, question, (text, cites), rows, flt, named, today)
        return Answer(
            question, text, False, "", "extractive", cites, searched, _trail_for(vault, cites)
        )
    res = search_detailed(vault, rest, k=10, filters=flt, today=today or date.today())
    if len(named) > 1:  # about several clients: theirs, or nobody's (as `gather` keeps them)
        res.hits = [h for h in res.hits if h.client is None or h.client in named]
    strong, refused = judge(vault, rest, res, client=flt.client, today=today)
    if refused is not None:
        return None
    heading = f"What your history tags as {called}{where} on this (quoted)"
    text, cites = extractive(question, vault, strong, k, today, heading)
    return Answer(
        question,
        text,
        False,
        "",
        "extractive",
        cites,
        f"{searched}, on {rest!r}",
        _trail_for(vault, cites),
    )


# "What changed since February?", "what happened in March?", "anything new since last week?":
# what the trail recorded as decided or given up then, oldest first — the question names a
# time and nothing else to search for (QA, session 20: each said "your history doesn't say").
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
# the words that say when, taken out before asking what else the question names
_TIME_WORDS = re.compile(
    r"\b(?:since|before|after|until|till|prior\s+to|in|during|from|over|the|of|start|end|"
    r"beginning|last|this|past|week|month|year|yesterday|today|so\s+far|\d{1,4}(?:st|nd|rd|th)?|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)
CHANGE_TAGS = ("decision", "dead_end")


def asked_changes(question: str, names: list[str], today: date) -> tuple[date, date] | None:
    """(first day, last day) when the question asks what changed in a time and names nothing
    else to search for; None otherwise ("what changed in the matching rule since March?" is a
    question about the rule)."""
    m = _ASKS_CHANGES.search(question)
    if m is None:
        return None
    span = window(question, today)
    if span is None:
        return None
    rest = _TIME_WORDS.sub(" ", question[m.end() :])
    if content_terms(rest, names):
        return None
    return span[0].date(), (span[1] - timedelta(microseconds=1)).date()


def answer_changes(
    vault: Vault, question: str, filters: Filters | None, k: int = 8, today: date | None = None
) -> Answer | None:
    """What was decided or given up in the time a question names, oldest first, in its scope;
    None when it does not ask that."""
    names = [n for c in vault.settings.clients for n in (c.id, *c.names)] + own_names(vault)
    days = asked_changes(question, names, today or date.today())
    if days is None:
        return None
    first, last = days
    scoped, named = question_scope(vault, question, filters)
    start, end = _as_utc(first), _as_utc(last + timedelta(days=1))
    base = scoped or Filters()
    # inside the window and inside any window the caller set (`--since`, `--until`)
    since = max(start, base.since) if base.since else start
    until = min(end, base.until) if base.until else end
    flt = replace(base, tags=CHANGE_TAGS, since=since, until=until, current_only=True)
    where = f" in {_client_name(vault, flt.client)}'s history" if flt.client else ""
    span = _span(first, last, today or date.today())
    searched = f"looked at what your history tags as decisions or dead ends{where}, {span}"
    ids = tagged_entries(vault, flt, limit=k * 4)[::-1]  # oldest first: it reads as a story
    cites = _in_scope(vault, entry_hits(vault, ids), flt, named)
    cites.sort(key=lambda h: (h.timestamp is None, h.timestamp, h.entry_id))
    if not cites:
        why = (
            f"nothing{where} written {span} is tagged as a decision or a dead end; ask about a "
            "topic to search what was written then"
        )
        return Answer(question, NOT_FOUND, True, why, "extractive", [], searched)
    heading = (
        f"What your history records as decided or given up{where}, {span} (quoted, oldest first)"
    )
    text, shown = extractive(question, vault, cites, k, today, heading)
    if len(cites) > k:
        text += f"\n({len(cites) - k} more then: narrow the time, or ask about a topic)"
    return Answer(
        question, text, False, "", "extractive", shown, searched, _trail_for(vault, shown)
    )


def _span(first: date, last: date, today: date) -> str:
    def day(d: date) -> str:
        return f"{d:%B} {d.day}, {d.year}"

    if first <= EARLIEST.date():
        return f"up to {day(last)}"
    if last >= today:
        return f"since {day(first)}"
    return f"from {day(first)} to {day(last)}" if first != last else f"on {day(first)}"


def _as_utc(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _perhaps_decided(
    vault: Vault,
    question: str,
    listed: tuple[str, list[Hit]],
    rows: dict[int, TextRow],
    flt: Filters,
    named: list[str],
    today: date | None,
) -> tuple[str, list[Hit]]:
    """The listed open questions that a later decision of another document may have settled,
    each with that decision, quoted and cited after the list — beside the question, never in
    its place (the briefing's "perhaps decided", notes/0005)."""
    text, cites = listed
    shown = [rows[h.entry_id] for h in cites if h.entry_id in rows]
    settled = settled_later(vault, shown, flt.client, flt.until)
    pairs: list[tuple[int, Hit]] = []
    for i, h in enumerate(cites, 1):
        d = settled.get(h.entry_id)
        if d is None:
            continue
        said = [replace(x, quote=decision_said(vault, d)) for x in entry_hits(vault, [d.entry_id])]
        said = verified(vault, _in_scope(vault, said, flt, named))
        if said:  # verified here: the numbers below count what is shown
            pairs.append((i, said[0]))
    if not pairs:
        return text, cites
    lines, more = extractive(
        question,
        vault,
        [d for _, d in pairs],
        len(pairs),
        today,
        "Perhaps decided since (a later decision elsewhere holds most of the question's words)",
        start=len(cites) + 1,
    )
    asked = ", ".join(f"[{i}] → [{len(cites) + n}]" for n, (i, _) in enumerate(pairs, 1))
    return f"{text}\n\n{lines}\n(question → decision: {asked})", [*cites, *more]


def _in_scope(vault: Vault, hits: list[Hit], flt: Filters, named: list[str]) -> list[Hit]:
    """What the scope may see of tagged passages, as search clips them (review, session 19: a
    line of a client's note naming another client was listed whole). A client with no scope
    (not in clients.toml) sees nothing; asked about several clients, theirs or nobody's. With
    ``until``, only what was current then (a later edit's text is not what was tagged then)."""
    if flt.client:
        scope = scope_for(flt.client, vault.settings.clients)
        if scope is None:
            return []
        hits = admit(hits, scope, {h.entry_id: entry_text(vault, h.entry_id) or "" for h in hits})
    if len(named) > 1:
        hits = [h for h in hits if h.client is None or h.client in named]
    if flt.until is not None:
        later = superseded_at(vault, [h.entry_id for h in hits])
        hits = [h for h in hits if h.current or (later.get(h.entry_id) or flt.until) >= flt.until]
    return hits


__all__ = ["answer_changes", "answer_tagged", "asked_changes", "asked_tagged"]
