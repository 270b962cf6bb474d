"""Hybrid retrieval: vector (cosine) + keyword (BM25) fused by reciprocal rank.

Supersession: entries that are no longer current (older note versions, abandoned chat branches)
stay findable but rank below current ones. One hit per entry (its best chunk).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from trailkeep.vault import Filters, Hit, Vault, hydrate, keyword_search, vector_search

RRF_K = 60
NOT_CURRENT_PENALTY = 0.5  # multiplies the fused score of superseded entries


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
) -> SearchResult:
    filters = filters or Filters()
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
    ranked = sorted(
        (replace(h, score=h.score * (1.0 if h.current else NOT_CURRENT_PENALTY)) for h in hits),
        key=lambda h: -h.score,
    )
    out: list[Hit] = []
    seen_entries: set[int] = set()
    for h in ranked:
        if h.entry_id in seen_entries:
            continue
        seen_entries.add(h.entry_id)
        out.append(h)
        if len(out) >= k:
            break
    return SearchResult(query, out, {cid for cid, _ in kw}, dict(vs))


def search(vault: Vault, query: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
    return search_detailed(vault, query, k, filters).hits
