"""Hybrid retrieval: keyword (BM25) + vector (cosine) fused by weighted reciprocal rank, then
shaped by the conversation around each hit and by the person the question names.

Supersession: entries that are no longer current (older note versions, abandoned chat branches)
stay findable but rank below current ones. One hit per entry (its best chunk). Every constant
below was chosen on the whole LoCoMo dev split, never per question: notes/0009-retrieval.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from trailkeep.vault import Filters, Hit, Vault, hydrate, keyword_search, vector_search
from trailkeep.vault.keyword import STOP_WORDS
from trailkeep.vault.query import (
    chunks_holding,
    drafts_citing_outside,
    entry_authors,
    entry_text,
    estimated_frequencies,
    neighbour_chunks,
    superseded_at,
    vault_authors,
)
from trailkeep.vault.records import DOC_DRAFT

from .dates import window
from .paraphrase import rewordings
from .scope import admit, scope_for
from .terms import stem, words_of


def _text(vault: Vault, h: Hit) -> str:
    return entry_text(vault, h.entry_id) or h.quote


RRF_K = 10  # a first place in either ranking counts for much more than a tenth place
KEYWORD_WEIGHT = 1.5  # BM25 beats this small embedder on conversational text
VECTOR_WEIGHT = 1.0
# the keyword ranking of the question's rewordings (recall/paraphrase.py), against its own words'
REWORDED_WEIGHT = 0.5
# A conversation turn inherits part of the score of the turns around it: the reply that follows
# it (which often restates what it answers) and the turn it answers (which often holds the
# question's words). Only along reply links: note sections do not answer each other. Across
# the whole dev split this moved recall@10 more than any other change.
FROM_NEXT = 0.8
FROM_PREVIOUS = 0.5
NAMED_AUTHOR_BOOST = 3.0  # entries written by the one person the question names
NOT_CURRENT_PENALTY = 0.5  # multiplies the fused score of superseded entries
# A saved draft quotes its sources: it comes after them, not before — and still first for words
# only it holds (new user's trial, session 29: `search` listed two drafts quoting a decision
# above the decision's own note)
DRAFT_PENALTY = 0.5
IN_WINDOW_BOOST = 1.5  # multiplies the fused score of hits inside a date the question names
_WORDS = re.compile(r"[^\W\d_][\w'-]*")
# A lookup (a few words, not a question) for a word few passages hold — a codename, a person,
# an error code — wants the passages that hold it: those holding every such word come first,
# before those only near it in meaning, whatever the turns around them add (QA, session 10: the
# only passage with "fourth-prompt-badger" came second, behind the turn after it). Rare = in at
# most RARE_SHARE of the indexed chunks (never fewer than RARE_MIN). Questions keep the fused
# ranking: a boost for rare words on LoCoMo's questions cost recall@10 (0.774 -> 0.772).
LOOKUP_WORDS = 4
RARE_SHARE = 0.01
RARE_MIN = 3


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    keyword_ids: set[int] = field(default_factory=set)  # chunks the keyword index matched
    vector_sim: dict[int, float] = field(default_factory=dict)  # chunk id -> cosine
    named: str | None = None  # the one known person the query names, if any
    authors: dict[int, str] = field(default_factory=dict)  # entry id -> author, for the hits
    vector: tuple[float, ...] = ()  # the query's embedding (the judge reuses it)
    # the client's own passages among the best that its scope held back whole: each names
    # another client (recall/scope.py); an answer that finds nothing says so
    withheld: int = 0
    # the time the question names ("in March", "before October"), as search read it
    span: tuple[datetime, datetime] | None = None
    # the next passages after the k best (``further`` of them), in order: the judge's second
    # look for one passage that holds the whole question on its own (recall/answer.py)
    further: list[Hit] = field(default_factory=list)


def named_authors(question: str, authors: set[str] | list[str]) -> set[str]:
    """Known authors (chat speakers) the question names: the whole name, or its first word."""
    # "Caroline's" names Caroline
    words = {w.lower().removesuffix("'s").removesuffix("’s") for w in _WORDS.findall(question)}
    low = question.lower()
    out = set()
    for a in authors:
        parts = a.split()
        if not parts:
            continue
        if (len(parts) > 1 and a.lower() in low) or parts[0].lower() in words:
            out.add(a)
    return out


def search_detailed(
    vault: Vault,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    pool: int = 50,
    today: date | None = None,
    further: int = 0,
) -> SearchResult:
    """Hybrid search. With ``today``, a date written in the query ("in March", "last week")
    boosts the hits inside it. ``further``: that many of the next passages are kept apart
    (``SearchResult.further``)."""
    filters = filters or Filters()
    span = window(query, today) if today is not None else None
    query = query.strip()
    if not query:
        return SearchResult(query, [])
    kw = keyword_search(vault, query, pool, filters)
    vec = vault.embedder.embed([query])[0]
    vs = vector_search(vault, vec, pool, filters)
    fused: dict[int, float] = {}
    rankings = [(KEYWORD_WEIGHT, kw), (VECTOR_WEIGHT, vs)]
    if other := _other_words(query):
        # the question in the words a history may use instead ("quote" / "I charge £85 an
        # hour"): a third ranking, weighed under the question's own words (notes/0006)
        reworded = keyword_search(vault, " ".join(other), pool, filters)
        rankings.append((KEYWORD_WEIGHT * REWORDED_WEIGHT, reworded))
    for weight, ranking in rankings:
        for rank, (cid, _) in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + rank + 1)
    hits = hydrate(vault, list(fused.items()))
    # Entry level: the best chunk of each entry carries the entry's score.
    best: dict[int, Hit] = {}
    for h in hits:
        if h.entry_id not in best or h.score > best[h.entry_id].score:
            best[h.entry_id] = h
    base = {e: h.score for e, h in best.items()}
    score = dict(base)
    extra: dict[int, int] = {}  # neighbour entry -> its first chunk, for entries not yet hits
    for entry, nb, chunk, after in neighbour_chunks(vault, list(base), filters):
        gain = base.get(entry, 0.0) * (FROM_PREVIOUS if after else FROM_NEXT)
        score[nb] = score.get(nb, 0.0) + gain
        if nb not in best:
            extra[nb] = chunk
    if extra:
        for h in hydrate(vault, [(cid, 0.0) for cid in extra.values()]):
            best.setdefault(h.entry_id, h)
    rare = _rare_words(vault, query)
    held = chunks_holding(vault, rare, [h.chunk_id for h in best.values()]) if rare else {}
    known = vault_authors(vault)
    named = named_authors(query, known) if known else set()
    who = next(iter(named)) if len(named) == 1 else None
    authors = entry_authors(vault, list(best)) if who else {}

    current_then: set[int] = set()  # superseded only after `until`: current as of it
    if filters.until is not None:
        until = filters.until.replace(tzinfo=UTC) if filters.until.tzinfo is None else filters.until
        old = [h.entry_id for h in best.values() if not h.current]
        current_then = {e for e, t in superseded_at(vault, old).items() if t >= until}

    def shaped(h: Hit) -> float:
        inside = span is not None and h.timestamp is not None and span[0] <= h.timestamp < span[1]
        # a question that names a time asks what was said then: an older version inside it is
        # not outranked by the current one (QA, session 16: "what did we decide before
        # October?" cited October's version first)
        # so does a search up to a day (`--until`): what was current then is not penalised for
        # being superseded after it (QA, session 18: the budget's versions inside the window
        # ranked 11th and 12th, and `ask --until` said the history doesn't say)
        current = h.current or (span is not None and inside) or h.entry_id in current_then
        s = score.get(h.entry_id, 0.0) * (1.0 if current else NOT_CURRENT_PENALTY)
        if who and authors.get(h.entry_id) == who:
            s *= NAMED_AUTHOR_BOOST
        if inside:
            s *= IN_WINDOW_BOOST
        if h.document_kind == DOC_DRAFT:
            s *= DRAFT_PENALTY
        return s

    def holds_rare(h: Hit) -> bool:
        # in the passage itself, not only in the context its chunk was indexed with (a turn's
        # chunk carries the turn it replies to)
        return bool(held) and all(h.chunk_id in held.get(w, ()) and _says(h.quote, w) for w in rare)

    ranked = sorted(
        (replace(h, score=shaped(h)) for h in best.values()),
        key=lambda h: (not holds_rare(h), -h.score),
    )
    # A client's scope: the SQL filter let through its entries and general material; what
    # names another client is clipped to the lines about this one (recall/scope.py).
    scope = scope_for(filters.client, vault.settings.clients) if filters.client else None
    if filters.client and scope is None:
        ranked = []  # a client clients.toml does not list: nothing is sure to be in its scope
    out: list[Hit] = []
    seen_text: set[str] = set()
    withheld = 0
    kw_ids = {cid for cid, _ in kw}
    stale = (
        drafts_citing_outside(
            vault,
            sorted({h.document_id for h in ranked if h.document_kind == DOC_DRAFT}),
            scope.client.id,
        )
        if scope is not None
        else set()
    )
    for h in ranked:
        if h.document_id in stale:
            continue  # a draft quoting what is another client's now
        parts = [h] if scope is None else admit([h], scope, {h.entry_id: _text(vault, h)})
        if (
            scope is not None
            and not parts
            and h.client == scope.client.id
            and h.chunk_id in kw_ids
            and len(out) < k
        ):
            withheld += 1  # one sharing the question's words, not any neighbour in meaning
        for part in parts:
            # Near-duplicates (a re-sent draft, a pasted copy) once.
            norm = " ".join(part.quote.lower().split())
            if norm in seen_text:
                continue
            seen_text.add(norm)
            out.append(part)
        if len(out) >= k + further:
            break
    out, rest = out[:k], out[k : k + further]
    return SearchResult(
        query,
        out,
        kw_ids,
        dict(vs),
        who,
        {h.entry_id: authors[h.entry_id] for h in out if h.entry_id in authors},
        tuple(float(x) for x in vec),
        withheld,
        span,
        rest,
    )


def _other_words(query: str) -> list[str]:
    """The one-word rewordings of the query's words that it does not say itself."""
    asked = [w for w in words_of(query) if w not in STOP_WORDS]
    out: set[str] = set()
    for w in asked:
        out |= rewordings(w, stem)
    return sorted(out - set(asked))


def _says(text: str, word: str) -> bool:
    """``word`` in ``text`` as the keyword index would find it, roughly: each part of it, any
    case, its ending free ("migrations" says "migration"), parts joined by anything."""
    parts = [p[: max(3, len(p) - 2)] for p in re.findall(r"[^\W_]+", word.lower())]
    if not parts:
        return False
    rx = r"(?<![^\W_])" + r"[^\W_]*[\W_]+".join(re.escape(p) for p in parts)
    return re.search(rx, text.lower()) is not None


def _rare_words(vault: Vault, query: str) -> list[str]:
    """The words of a lookup query that few passages hold (see RARE_SHARE)."""
    if len(query.split()) > LOOKUP_WORDS or query.rstrip().endswith("?"):
        return []
    words = [
        w
        for w in dict.fromkeys(w.lower() for w in _WORDS.findall(query) if len(w) >= 3)
        if w not in STOP_WORDS
    ]
    if not words:
        return []
    n, df = estimated_frequencies(vault, words)  # cached: a lookup pays no full count
    cap = max(RARE_MIN, RARE_SHARE * n)
    return [w for w in words if 0 < df.get(w, 0) <= cap]


def search(
    vault: Vault,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    today: date | None = None,
) -> list[Hit]:
    return search_detailed(vault, query, k, filters, today=today).hits
