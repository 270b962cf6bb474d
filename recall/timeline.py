"""Time questions over every version of every document: when a phrase was first and last said,
whether it is still in the current version (:func:`when`), and what changed between two
versions of a document (:func:`diff`). notes/0014-time-questions.md.

``when`` matches an **exact phrase**: case-insensitive, with whitespace, quotes (straight or
curly) and dashes (-, ‐, –, —, ...) normalised (:func:`normalise`), on word boundaries; between
two words a space, a dash or a comma is the same break ("nightly-export" = "nightly export";
not between two digits: "2:30"). The
keyword index finds the candidates (a superset: it also folds stems and diacritics) and each one
is verified here against the entry's text, so the answer is exact whatever the vault's size.
Without an exact match it falls back to the earliest and latest *strongly* matching passages for
the topic (hybrid search, strength as in ``ask``), labelled ``"match": "topic"``.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from trailkeep.vault import Filters, Hit, Vault, iso
from trailkeep.vault.history import (
    EntryRow,
    document_title,
    document_versions,
    lineages,
    passing,
    phrase_entries,
    version_entries,
)
from trailkeep.vault.records import DOC_DRAFT

from .errors import TimelineError
from .retrieval import search_detailed
from .scope import admit, scope_for
from .sentences import sentence_spans, sentences

_EPOCH = datetime.min.replace(tzinfo=UTC)
QUOTE_CHARS = 400  # a quote longer than this is cut around the phrase
TOPIC_POOL = 30  # hits the topic fallback looks at


# ------------------------------------------------------------------------------- normalising
_QUOTES = {**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"')}
_DASHES = frozenset("-‐‑‒–—―−")


def normalise(s: str) -> tuple[str, list[int]]:
    """(the normalised text, for each of its characters the index it came from in ``s``).

    Lower case; curly quotes become straight ones; every dash becomes ``-`` and the spaces
    around it go ("a — b" = "a-b"); every run of whitespace becomes one space."""
    out: list[str] = []
    where: list[int] = []
    pending_space = -1  # index of a whitespace run not yet written
    after_dash = False
    for i, ch in enumerate(s):
        if ch.isspace():
            if pending_space < 0 and not after_dash:
                pending_space = i
            continue
        if ch in _DASHES:
            pending_space = -1
            after_dash = True
            out.append("-")
            where.append(i)
            continue
        if pending_space >= 0 and out:
            out.append(" ")
            where.append(pending_space)
        pending_space = -1
        after_dash = False
        for low in _QUOTES.get(ch, ch).lower():
            out.append(low)
            where.append(i)
    return "".join(out), where


def _wordish(ch: str) -> bool:
    """A letter or digit of a spaced script (CJK runs have no word boundaries to respect)."""
    return ch.isalnum() and not ("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")


@functools.lru_cache(maxsize=64)
def _pattern(phrase: str) -> tuple[re.Pattern[str], str] | None:
    """A regular expression that finds, in raw text, what :func:`normalise` would make equal to
    the normalised phrase (one C-speed scan per candidate instead of normalising its text):
    a space is any white space, a dash any dash with any white space around it, a quote any
    quote of its kind; case is ignored. Every start is tried (a lookahead), so a match that
    fails its word boundary does not hide an overlapping one that passes."""
    needle = normalise(phrase)[0].strip()
    if not needle:
        return None
    single = "".join(k for k, v in _QUOTES.items() if v == "'") + "'"
    double = "".join(k for k, v in _QUOTES.items() if v == '"') + '"'
    dashes = re.escape("".join(sorted(_DASHES)))
    parts = []
    pieces = _BETWEEN.split(needle)
    for i, piece in enumerate(pieces):
        if i % 2 and not (pieces[i - 1][-1:].isdigit() and pieces[i + 1][:1].isdigit()):
            # between two words a space, a dash or a comma is the same break ("nightly-export"
            # is said "nightly export"; "go-live, March 16" as "go-live March 16" — they fell
            # back to a topic match: QA, session 16); between two digits it is not ("2:30")
            parts.append(r"[\s,;:" + dashes + r"]+")
            continue
        for ch in piece:
            if ch == " ":
                parts.append(r"\s+")
            elif ch == "-":
                parts.append(r"\s*[" + dashes + r"]\s*")
            elif ch in "'\"":
                parts.append("[" + re.escape(single if ch == "'" else double) + "]")
            else:
                parts.append(re.escape(ch))
    return re.compile("(?=(" + "".join(parts) + "))", re.IGNORECASE), needle


# a break between two words of a phrase: spaces, a dash, a comma, a semicolon or a colon
_BETWEEN = re.compile(r"(?<=\w)([ ,;:-]+)(?=\w)")


def find_phrase(text: str, phrase: str, first: bool = False) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every exact occurrence of ``phrase`` (see :func:`normalise`),
    on word boundaries: "plan" is not found in "planned". ``first``: stop at the first."""
    compiled = _pattern(phrase)
    if compiled is None:
        return []
    pattern, needle = compiled
    left, right = _wordish(needle[0]), _wordish(needle[-1])
    out = []
    for m in pattern.finditer(text):
        a, b = m.span(1)
        if left and a > 0 and _wordish(text[a - 1]):
            continue
        if right and b < len(text) and _wordish(text[b]):
            continue
        out.append((a, b))
        if first:
            break
    return out


def sentence_changes(old: Sequence[str], new: Sequence[str]) -> tuple[list[str], list[str]]:
    """(added, removed): the sentences ``new`` has that ``old`` had not, and the reverse, in
    order (difflib on the two sentence lists)."""
    added: list[str] = []
    removed: list[str] = []
    sm = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op in ("replace", "delete"):
            removed.extend(old[i1:i2])
        if op in ("replace", "insert"):
            added.extend(new[j1:j2])
    return added, removed


def quote_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of ``text`` holding ``text[start:end]``, verbatim (cut to about
    QUOTE_CHARS around the match when the sentence is very long)."""
    spans = sentence_spans(text)
    a = next((s for s, e in spans if s <= start < e), start)
    b = next((e for s, e in spans if s < end <= e), end)
    a, b = min(a, start), max(b, end)
    if b - a > QUOTE_CHARS:
        room = max(0, (QUOTE_CHARS - (end - start)) // 2)
        a, b = max(a, start - room), min(b, end + room)
    return text[a:b]


# -------------------------------------------------------------------------------------- when
@dataclass
class When:
    query: str
    match: str  # "exact", "topic" or "none"
    appearances: list[Hit] = field(default_factory=list)  # in time order
    searched: str = ""

    @property
    def in_current(self) -> bool:
        return any(h.current for h in self.appearances)

    def as_json(self) -> dict[str, Any]:
        present: dict[int, dict[str, Any]] = {}
        for h in self.appearances:
            d = present.setdefault(
                h.document_id,
                {
                    "document_id": h.document_id,
                    "document": h.document,
                    "versions": [],
                    "in_current": False,
                },
            )
            if h.version not in d["versions"]:
                d["versions"].append(h.version)
            d["in_current"] = d["in_current"] or h.current
        return {
            "schema_version": 1,
            "query": self.query,
            "match": self.match,
            "first": appearance(self.appearances[0]) if self.appearances else None,
            "last": appearance(self.appearances[-1]) if self.appearances else None,
            "in_current": self.in_current,
            "appearances": [appearance(h) for h in self.appearances],
            "present_in": list(present.values()),
            "searched": self.searched,
        }


def appearance(h: Hit) -> dict[str, Any]:
    return {
        "timestamp": iso(h.timestamp),
        "document": h.document,
        "document_id": h.document_id,
        "version": h.version,
        "entry_id": h.entry_id,
        "quote": h.quote,
        "current": h.current,
        "kind": h.kind,
        "source": h.source,
    }


def time_key(h: Hit) -> tuple[datetime, int, int, int]:
    """Time order: the timestamp, then (same time) the document, its version number (which
    is its place in time order, ties by arrival), the entry."""
    return (h.timestamp or _EPOCH, h.document_id, h.version, h.entry_id)


def when(vault: Vault, phrase: str, filters: Filters | None = None) -> When:
    """When ``phrase`` was said: every appearance in time order (first, last, in current),
    exact when it can be, else the topic's strong passages, else nothing. ``filters.client``
    confines it to that client's scope (as search does, clipped the same way);
    ``filters.document_id`` to one document."""
    flt = filters or Filters()
    phrase = unicodedata.normalize("NFC", bare_phrase(phrase))  # as stored (ingest/text.py)
    if not any(ch.isalnum() for ch in phrase):
        raise TimelineError(f"{phrase!r} has no word to look for")
    if flt.document_id is not None:
        document_title(vault, flt.document_id)  # NotFound for a document that does not exist
    scope = None
    if flt.client:
        scope = scope_for(flt.client, vault.settings.clients)
        if scope is None:  # a client clients.toml does not list: nothing is sure to be its
            return When(phrase, "none", searched=f"no client {flt.client!r} in clients.toml")
    rows = [r for r in phrase_entries(vault, phrase, flt) if r.kind != "front_matter"]
    if flt.document_id is None:
        # Drafts are what was written from the history, not history: a draft made today that
        # quotes a phrase is not when it was last said (QA, session 14; notes/0011). Asked of
        # the draft itself (--document), it answers.
        rows = [r for r in rows if r.document_kind != DOC_DRAFT]
    found: list[Hit] = []
    texts: dict[int, str] = {}
    for r in rows:
        spots = find_phrase(r.text, phrase, first=True)
        if spots:
            found.append(r.as_hit(quote_around(r.text, *spots[0])))
            texts[r.entry_id] = r.text
        elif r.kind == "section" and find_phrase(heading := r.title.rsplit(" > ", 1)[-1], phrase):
            # a note's section says what its heading says ("Go-live checklist (March 16)"):
            # the heading is not in the section's text (QA, session 8)
            found.append(r.as_hit(heading))
            texts[r.entry_id] = heading
    if scope is not None:
        # A quote clipped to the lines about the client must still say the phrase.
        found = [h for h in admit(found, scope, texts) if find_phrase(h.quote, phrase, True)]
    searched = f"{len(rows)} candidate passages from the keyword index, {len(found)} exact"
    if found:
        return When(phrase, "exact", sorted(found, key=time_key), searched)
    if _IDENTIFIER.fullmatch(phrase):
        # A code, an id, a name written as one token ("TOOLOUT-GIRAFFE", "E1234") is found
        # as written or not at all: passages near it in meaning are not it (QA, session 10).
        return When(phrase, "none", searched=searched + "; an identifier: exact only")
    if any(ch.isdigit() for ch in phrase):
        # "April 30" is not "June 30", nor "phase 2" "phase 1": passages near a date or a
        # number in meaning are another date (QA, session 12: `when "April 30"` gave June 30)
        return When(phrase, "none", searched=searched + "; a date or a number: exact only")
    return _topic(vault, phrase, flt, searched)


# one token with a digit, a hyphen or underscore inside, or a capital after its first letter
_IDENTIFIER = re.compile(r"(?=\S*(?:\d|\w[-_]\w|\w[A-Z]))\S+")
_AROUND = "\"'“”‘’«»„`"


def bare_phrase(phrase: str) -> str:
    """The phrase as the user means it: without the quotes around it or the punctuation that
    ends the sentence it was typed as (`"nightly claims export"`, `nightly claims export?`
    fell back to a topic match: QA, session 10)."""
    p = phrase.strip()
    while True:
        q = p.strip().strip(_AROUND).rstrip(".?!,;:").strip()
        if q == p:
            return p
        p = q


def _topic(vault: Vault, topic: str, flt: Filters, searched: str) -> When:
    from .answer import evidence_strength  # answer imports the trail, which imports this
    from .trail import MIN_TERM_SHARE, stem_word, term_share, topic_terms

    res = search_detailed(vault, topic, k=TOPIC_POOL, filters=flt)
    strong = [h for h in res.hits if evidence_strength(res, h)[0] and h.kind != "front_matter"]
    if flt.document_id is None:
        strong = [h for h in strong if h.document_kind != DOC_DRAFT]
    # A passage is on the topic when it says half its words, as a trail step must: close in
    # meaning is not enough — `when "nightly export"` gave as first mention a section under
    # "Acme export decision" that says neither word (QA, session 14).
    terms = topic_terms(topic)
    # a name of the topic is said, not one like it: "Frankfurt depot" is not "the Hamburg
    # depot", which holds half its words (QA, session 20)
    names = {stem_word(w) for n in named_in_topic(topic) for w in re.findall(r"[^\W_]+", n)}
    strong = [
        h
        for h in strong
        if term_share(terms, h.quote) >= MIN_TERM_SHARE
        and names <= {stem_word(w) for w in re.findall(r"[^\W_]+", h.quote)}
    ]
    searched += f"; topic: {len(res.hits)} passages, {len(strong)} strong"
    if not strong:
        return When(topic, "none", searched=searched)
    return When(
        topic, "topic", sorted(strong + _earlier(vault, strong, flt), key=time_key), searched
    )


def named_in_topic(topic: str) -> set[str]:
    """The names a topic writes: its capitalised words, the first too when a lower-case word
    follows it ("Frankfurt depot"), lower case."""
    from .terms import proper_nouns

    words = topic.split()
    first = (
        {words[0].strip("\"'“”‘’").lower().removesuffix("'s").removesuffix("’s")}
        if len(words) > 1
        and words[0][:1].isupper()
        and words[0][1:2].islower()
        and words[1][:1].islower()
        else set()
    )
    return proper_nouns(topic) | first


def _earlier(vault: Vault, hits: Sequence[Hit], flt: Filters) -> list[Hit]:
    have = {h.entry_id for h in hits}
    return [x for x in said_before(vault, hits, flt).values() if x.entry_id not in have]


def said_before(vault: Vault, hits: Sequence[Hit], flt: Filters | None = None) -> dict[int, Hit]:
    """For each passage (by entry id), the earliest earlier version of its section that already
    said it word for word, as a hit, when there is one (and it passes ``flt``). Search keeps one
    copy of a text repeated across versions (the newest), so "when did we drop OSRM?" was told
    the day of the third version, which kept the sentence, not the second, which first said it
    (QA, session 18)."""
    lines = lineages(vault, [h.entry_id for h in hits])
    found: dict[int, Hit] = {}
    for h in hits:
        line = lines.get(h.entry_id, [])
        at = next((i for i, r in enumerate(line) if r.entry_id == h.entry_id), -1)
        said = " ".join(h.quote.split())
        first = None
        for r in reversed(line[:at] if at > 0 else []):
            if said not in " ".join(r.text.split()):
                break
            first = r
        if first is not None:
            found[h.entry_id] = first.as_hit(quote=h.quote, score=h.score)
    ok = passing(vault, [x.entry_id for x in found.values()], flt or Filters())
    return {e: x for e, x in found.items() if x.entry_id in ok}


def first_said(vault: Vault, hits: Sequence[Hit], flt: Filters | None = None) -> list[Hit]:
    """The passages dated when their words were first said in their section's history: the
    earliest version that already held them, kept as current as the passage is ("when did we
    drop OSRM?" is answered with the day it was first written, not the day of the last copy)."""
    first = said_before(vault, hits, flt)
    out = []
    for h in hits:
        r = first.get(h.entry_id)
        out.append(
            h
            if r is None
            else replace(
                h,
                entry_id=r.entry_id,
                chunk_id=r.chunk_id,
                version=r.version,
                timestamp=r.timestamp,
            )
        )
    return out


# -------------------------------------------------------------------------------------- diff
@dataclass(frozen=True)
class VersionDiff:
    document_id: int
    document: str
    from_version: int
    to_version: int
    from_timestamp: datetime | None
    to_timestamp: datetime | None
    added: list[str]
    removed: list[str]
    unified: str

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "document": self.document,
            "document_id": self.document_id,
            "from": self.from_version,
            "to": self.to_version,
            "from_timestamp": iso(self.from_timestamp),
            "to_timestamp": iso(self.to_timestamp),
            "added": self.added,
            "removed": self.removed,
            "unified": self.unified,
        }


def version_text(entries: Sequence[EntryRow]) -> str:
    """A version as text for a unified diff: each entry under its title path."""
    parts = []
    for e in entries:
        head = "---" if e.kind == "front_matter" else f"## {e.title}" if e.title else ""
        body = e.text.strip("\n")
        parts.append(f"{head}\n{body}\n---" if e.kind == "front_matter" else f"{head}\n{body}")
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def version_sentences(entries: Sequence[EntryRow]) -> list[str]:
    """The sentences a version says (front matter is not said)."""
    return [s for e in entries if e.kind != "front_matter" for s in sentences(e.text)]


def diff(
    vault: Vault, document_id: int, from_version: int | None = None, to_version: int | None = None
) -> VersionDiff:
    """What changed in a document between two versions (numbers: its place in time order).
    Default: the version before the current one -> the current one."""
    title = document_title(vault, document_id)
    versions = document_versions(vault, document_id)
    by_number = {v.number: v for v in versions}
    current = next((v for v in versions if v.current), versions[-1])
    to_n = current.number if to_version is None else to_version
    if len(versions) == 1:
        # QA, session 13: "give --from" led nowhere for a conversation
        kinds = {e.kind for e in version_entries(vault, versions[0].id)}
        grows = not kinds & {"section", "front_matter", "work"}
        raise TimelineError(
            f"document {document_id} has one version: nothing to compare. "
            + (
                "A conversation or a mail thread grows in place: its edited messages and "
                "replies are on its trail (trail --document)."
                if grows
                else "This note has been read once."
            )
        )
    if from_version is not None and from_version == to_n:
        raise TimelineError(
            f"version {to_n} cannot be compared with itself: give an earlier --from or a later --to"
        )
    if from_version is None:
        if to_n - 1 not in by_number:
            raise TimelineError(
                f"document {document_id} has no version before {to_n} "
                f"({len(versions)} version{'s' if len(versions) != 1 else ''}); give --from"
            )
        from_n = to_n - 1
    else:
        from_n = from_version
    for n in (from_n, to_n):
        if n not in by_number:
            raise TimelineError(f"document {document_id} has versions 1..{len(versions)}, not {n}")
    a, b = by_number[from_n], by_number[to_n]
    old, new = version_entries(vault, a.id), version_entries(vault, b.id)
    added, removed = sentence_changes(version_sentences(old), version_sentences(new))
    unified = "".join(
        difflib.unified_diff(
            version_text(old).splitlines(keepends=True),
            version_text(new).splitlines(keepends=True),
            fromfile=f"{title} v{from_n} ({(iso(a.timestamp) or 'undated')[:10]})",
            tofile=f"{title} v{to_n} ({(iso(b.timestamp) or 'undated')[:10]})",
        )
    )
    return VersionDiff(
        document_id, title, from_n, to_n, a.timestamp, b.timestamp, added, removed, unified
    )


__all__ = [
    "TimelineError",
    "VersionDiff",
    "When",
    "diff",
    "find_phrase",
    "normalise",
    "sentence_changes",
    "sentence_spans",
    "sentences",
    "when",
]
