"""Hybrid retrieval: vector (cosine) + keyword (BM25) fused by reciprocal rank.

Supersession: entries that are no longer current (older note versions, abandoned chat branches)
stay findable but rank below current ones. One hit per entry (its best chunk).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from trailkeep.vault import Filters, Hit, Vault, hydrate, keyword_search, vector_search

from .dates import window

RRF_K = 60
NOT_CURRENT_PENALTY = 0.5  # multiplies the fused score of superseded entries
IN_WINDOW_BOOST = 1.5  # multiplies the fused score of hits inside a date the question names


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    keyword_ids: set[int] = field(default_factory=set)  # chunks the keyword index matched
    vector_sim: dict[int, float] = field(default_factory=dict)  # chunk id -> cosine


def search_detailed(
    vault: Vault,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    pool: int = 50,
    today: date | None = None,
) -> SearchResult:
    """Hybrid search. With ``today``, a date written in the query ("in March", "last week")
    boosts the hits inside it."""
    filters = filters or Filters()
    span = window(query, today) if today is not None else None
    query = query.strip()
    if not query:
        return SearchResult(query, [])
    kw = keyword_search(vault, query, pool, filters)
    vec = vault.embedder.embed([query])[0]
    vs = vector_search(vault, vec, pool, filters)
    fused: dict[int, float] = {}
    for ranking in (kw, vs):
        for rank, (cid, _) in enumerate(ranking):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    hits = hydrate(vault, list(fused.items()))

    def shaped(h: Hit) -> float:
        s = h.score * (1.0 if h.current else NOT_CURRENT_PENALTY)
        if span and h.timestamp is not None and span[0] <= h.timestamp < span[1]:
            s *= IN_WINDOW_BOOST
        return s

    ranked = sorted((replace(h, score=shaped(h)) for h in hits), key=lambda h: -h.score)
    out: list[Hit] = []
    seen_entries: set[int] = set()
    seen_text: set[str] = set()
    for h in ranked:
        # One hit per entry, and near-duplicates (a re-sent draft, a pasted copy) once.
        norm = " ".join(h.quote.lower().split())
        if h.entry_id in seen_entries or norm in seen_text:
            continue
        seen_entries.add(h.entry_id)
        seen_text.add(norm)
        out.append(h)
        if len(out) >= k:
            break
    return SearchResult(query, out, {cid for cid, _ in kw}, dict(vs))


def search(
    vault: Vault,
    query: str,
    k: int = 10,
    filters: Filters | None = None,
    today: date | None = None,
) -> list[Hit]:
    return search_detailed(vault, query, k, filters, today=today).hits
