"""Time questions asked in words: "when did I first mention X?", "when did we last discuss X?",
"when was X first raised?". They are answered from the trail by `when` (the first and last
appearance, cited, and whether it is still current) rather than by the passages closest to the
question — those are the newest version as often as not (QA, session 10: "when did I first
decide to use SQLite" cited only the eighth version). notes/0014-time-questions.md."""

from __future__ import annotations

import re
from dataclasses import replace

from trailkeep.vault import Filters, Hit, Vault
from trailkeep.vault.briefing import own_addresses
from trailkeep.vault.clients import ClientDirectory
from trailkeep.vault.query import entry_authors
from trailkeep.vault.records import DOC_EMAIL, DOC_NOTE

from .answerable import support
from .timeline import When, bare_phrase, when

_VERBS = (
    r"(?:mention|say|said|write|wrote|written|talk(?:ed)?\s+about|discuss|decide(?:d)?(?:\s+to)?|"
    r"bring\s+up|brought\s+up|raise|propose|suggest|use|note|consider|plan|try|tried|"
    r"start(?:ed)?\s+(?:using|talking\s+about)|hear\s+about|heard\s+about)(?:e?d)?"
)
_WHEN_I = re.compile(
    r"^\s*when\s+(?:did|have|had)\s+(?P<who>i|we)\s+(?:(?P<which>first|last)\s+)?(?:ever\s+)?"
    + _VERBS
    + r"(?:\s+(?:about|of|on))?\s+(?P<topic>.+?)[\s?.!]*$",
    re.IGNORECASE,
)
_WHEN_WAS = re.compile(
    r"^\s*when\s+(?:was|were)\s+(?P<topic>.+?)\s+(?P<which>first|last)\s+"
    r"(?:mentioned|discussed|raised|decided|proposed|suggested|used|written|said|brought\s+up)"
    r"[\s?.!]*$",
    re.IGNORECASE,
)


def when_question(question: str) -> tuple[str, str] | None:
    """("first" | "last" | "both", the phrase) when the question asks when something was said."""
    m = _WHEN_I.match(question) or _WHEN_WAS.match(question)
    if not m or not m.group("topic").strip():
        return None
    return (m.group("which") or "both").lower(), _topic(m)


def asks_about_me(question: str) -> bool:
    """ "When did *I* first say …": the user's own words are asked for, not a client's mail or
    an assistant's reply ("we" and "when was … mentioned" ask about anyone's)."""
    m = _WHEN_I.match(question)
    return bool(m and m.group("who").lower() == "i")


def _topic(m: re.Match[str]) -> str:
    return re.sub(
        r"^(?:the\s+(?:phrase|words?|idea\s+of)\s+|(?:the|a|an|our|my)\s+)",
        "",
        m.group("topic").strip(),
        flags=re.I,
    )


def _at(h: Hit) -> str:
    day = h.timestamp.date().isoformat() if h.timestamp else "an undated moment"
    version = f", version {h.version}" if h.version > 1 or not h.current else ""
    return f"{day} in “{h.document}”{version}"


def question_scope(
    vault: Vault, question: str, filters: Filters | None
) -> tuple[Filters | None, list[str]]:
    """(the filters a question is asked with, the clients it names when none was selected).
    Asked with no client selected, a question about one client is asked within that client's
    scope: another client's passages cannot answer it (QA: "what did we decide about push
    notifications for Northwind?" was answered from Clearview's chat)."""
    if filters and filters.client:
        return filters, []
    named = ClientDirectory(vault.settings.clients).named_in(question)
    if len(named) == 1:
        filters = replace(filters or Filters(), client=named[0])
    return filters, named


def answer_when(
    vault: Vault, question: str, filters: Filters | None
) -> tuple[str, list[Hit], str] | None:
    """(answer, citations, what was searched) for a "when did I …" question the trail can
    answer; None for any other question, or when nothing was said about it."""
    asked = when_question(question)
    if asked is None or not any(ch.isalnum() for ch in bare_phrase(asked[1])):
        return None
    scoped, _ = question_scope(vault, question, filters)
    got = when(vault, asked[1], scoped)  # drafts are not history: `when` leaves them out
    if got.match != "exact":
        # Not said word for word: a passage on the topic counts only when it holds what was
        # asked (the answerability rule, notes/0006), else the question goes to `ask`, which
        # says the history doesn't say (QA, session 16: "when was the Kafka export first
        # discussed?" cited the SFTP export as "the earliest passage on it").
        got.appearances = holding(vault, asked[1], got.appearances)
    if not got.appearances:
        return None
    if not asks_about_me(question):
        return _told(asked[0], got)
    mine = written_by_me(vault, got.appearances)
    if mine:
        got.appearances = mine
        return _told(asked[0], got)
    # only others said it: tell who did and when, and that the user never wrote it (QA, session
    # 10: the first appearance by anyone was told as "first said" by the user)
    text, cites, searched = _told(asked[0], got)
    return f"Your own words never say it; others did. {text}", cites, searched


def holding(vault: Vault, phrase: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` (in time order) from the first to the last that on its own supports
    ``phrase``'s content terms as an answer must (notes/0006); none when together they do not.
    Each check reads the keyword index, so only the ends are looked for, not every hit."""
    names = [n for c in vault.settings.clients for n in (c.id, *c.names)]

    def ok(found: list[Hit]) -> bool:
        return support(vault, phrase, found, names).ok

    if not hits or not ok(hits):  # one look at them all first
        return []
    first = next((i for i, h in enumerate(hits) if ok([h])), None)
    if first is None:
        return []
    last = next(i for i in range(len(hits) - 1, first - 1, -1) if ok([hits[i]]))
    return hits[first : last + 1]


def written_by_me(vault: Vault, hits: list[Hit]) -> list[Hit]:
    """The passages the user wrote: notes, the user's turns in chats and sessions, and mail
    sent from the user's own addresses (``[me]`` or inferred)."""
    authors = entry_authors(vault, [h.entry_id for h in hits])
    me = own_addresses(vault)

    def mine(h: Hit) -> bool:
        author = (authors.get(h.entry_id) or "").lower()
        if h.document_kind == DOC_NOTE:
            return True
        if h.document_kind == DOC_EMAIL:
            return author in me
        return h.kind == "message" and author == "user"

    return [h for h in hits if mine(h)]


def _told(which: str, got: When) -> tuple[str, list[Hit], str]:
    first, last = got.appearances[0], got.appearances[-1]
    exact = got.match == "exact"
    cites: list[Hit] = []

    def cite(h: Hit, label: str, quoted: bool = True) -> str:
        cites.append(h)
        quote = f": “{h.quote.rstrip()}”" if quoted else ""
        return f"{label} {_at(h)} [{len(cites)}]{quote}"

    if first is last:
        parts = [cite(first, "said once:" if exact else "one passage on it:")]
    elif which == "last":
        parts = [cite(last, "last said:" if exact else "the latest passage on it:")]
    else:
        parts = [
            cite(first, "first said:" if exact else "the earliest passage on it:"),
            cite(last, "last:" if exact else "the latest:", quoted=which == "both"),
        ]
    text = "; ".join(parts)
    text = ("" if exact else f"No passage says “{got.query}” word for word. ") + (
        text[0].upper() + text[1:]
    )
    text += "" if text.endswith((".", "”")) else "."
    if exact:
        text += (
            " It is still in the current version."
            if got.in_current
            else " It is no longer in the current version of any document."
        )
    searched = f"when: {got.searched} ({len(got.appearances)} appearance(s))"
    return text, cites, searched


__all__ = ["answer_when", "asks_about_me", "question_scope", "when_question", "written_by_me"]
