"""Time questions asked in words: "when did I first mention X?", "when did we last discuss X?",
"when was X first raised?". They are answered from the trail by `when` (the first and last
appearance, cited, and whether it is still current) rather than by the passages closest to the
question — those are the newest version as often as not (QA, session 10: "when did I first
decide to use SQLite" cited only the eighth version). notes/0014-time-questions.md."""

from __future__ import annotations

import re
from dataclasses import replace

from trailkeep.vault import Filters, Hit, Vault
from trailkeep.vault.clients import ClientDirectory
from trailkeep.vault.records import DOC_DRAFT

from .timeline import When, bare_phrase, when

_VERBS = (
    r"(?:mention|say|said|write|wrote|written|talk(?:ed)?\s+about|discuss|decide(?:d)?(?:\s+to)?|"
    r"bring\s+up|brought\s+up|raise|propose|suggest|use|note|consider|plan|try|tried|"
    r"start(?:ed)?\s+(?:using|talking\s+about)|hear\s+about|heard\s+about)(?:e?d)?"
)
_WHEN_I = re.compile(
    r"^\s*when\s+(?:did|have|had)\s+(?:i|we)\s+(?:(?P<which>first|last)\s+)?(?:ever\s+)?"
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
    topic = re.sub(
        r"^(?:the\s+(?:phrase|words?|idea\s+of)\s+|(?:the|a|an|our|my)\s+)",
        "",
        m.group("topic").strip(),
        flags=re.I,
    )
    return (m.group("which") or "both").lower(), topic


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
    got = when(vault, asked[1], scoped)
    # drafts are what was written from the history, not history (notes/0011; review, session 10)
    got.appearances = [h for h in got.appearances if h.document_kind != DOC_DRAFT]
    if not got.appearances:
        return None
    return _told(asked[0], got)


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


__all__ = ["answer_when", "question_scope", "when_question"]
