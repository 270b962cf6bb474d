"""Questions that ask for what the trail tagged: dead ends, decisions, open questions.

"What approaches failed?", "what dead ends did we hit with Clearview?", "what decisions did we
make?", "which questions are still open?" are answered with the passages tagged so (notes/0005),
in the scope asked — clipped by the same rule as search (recall/scope.py) — newest first; on a
topic, judged as any answer. notes/0005-trail-cues.md, "Asking for what was tagged".
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from trailkeep.vault import Filters, Hit, Vault
from trailkeep.vault import briefing as sql
from trailkeep.vault.briefing import TextRow, own_names
from trailkeep.vault.query import entry_hits, entry_text, superseded_at, tagged_entries

from .answer import NOT_FOUND, Answer, _client_name, extractive, judge, quoted, verified
from .answerable import content_terms
from .asked_when import question_scope
from .brief import decision_said, settled_later
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
    names = scope_names(vault)
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
        cites = in_scope(vault, entry_hits(vault, ids), flt, named)[:k]
        if not cites:
            # tagged, and each decided since: not "nothing is tagged" (QA, session 20)
            why = (
                f"nothing{where} is tagged as {called} (`trailkeep tag add {tag} --entry "
                "N` marks one)"
            )
            if ids and flt.client:
                # found and held back by the scope (new user's trial, session 30: "every
                # question … has a decision after it", of an open question naming another
                # client)
                why = (
                    f"{len(ids)} passage(s){where} tagged as {called} are held back from this "
                    "scope because they name another client (ask with no client selected to "
                    "read them)"
                )
            elif admitted:
                why = (
                    f"every question{where} tagged as open has a decision after it in its document"
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
        return quoted(vault, question, text, cites, searched, flt)
    res = search_detailed(vault, rest, k=10, filters=flt, today=today or date.today())
    if len(named) > 1:  # about several clients: theirs, or nobody's (as `gather` keeps them)
        res.hits = [h for h in res.hits if h.client is None or h.client in named]
    strong, refused = judge(vault, rest, res, client=flt.client, today=today)
    if refused is not None:
        return None
    heading = f"What your history tags as {called}{where} on this (quoted)"
    text, cites = extractive(question, vault, strong, k, today, heading)
    return quoted(vault, question, text, cites, f"{searched}, on {rest!r}", flt)


def scope_names(vault: Vault) -> list[str]:
    """The names a question may hold without asking about them: clients' and the user's own."""
    return [n for c in vault.settings.clients for n in (c.id, *c.names)] + own_names(vault)


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
        said = verified(vault, in_scope(vault, said, flt, named))
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


def in_scope(vault: Vault, hits: list[Hit], flt: Filters, named: list[str]) -> list[Hit]:
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


__all__ = ["answer_tagged", "asked_tagged", "in_scope", "scope_names"]
