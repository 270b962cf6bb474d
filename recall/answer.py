"""Answers from the history. The offline backend is extractive: the best evidence, quoted and
cited, or an explicit abstention when the evidence is too weak (notes/0006-abstention.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trailkeep.vault import Filters, Hit, Vault, iso
from trailkeep.vault.query import entry_text

from .search import SearchResult, search_detailed

NOT_FOUND = "Your history doesn't say. Nothing in the vault matches this question well enough."
# Evidence is strong enough when the best hit matched keywords and is semantically close, or is
# very close semantically on its own. Provisional values; see notes/0006-abstention.md.
MIN_COSINE_WITH_KEYWORDS = 0.25
MIN_COSINE_ALONE = 0.55


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    reason: str
    backend: str
    citations: list[Hit] = field(default_factory=list)
    searched: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "reason": self.reason,
            "backend": self.backend,
            "citations": [{"n": i + 1, **h.as_json()} for i, h in enumerate(self.citations)],
            "trail": [],
        }


def evidence_strength(res: SearchResult, hit: Hit) -> tuple[bool, float]:
    cos = res.vector_sim.get(hit.chunk_id, 0.0)
    keyword = hit.chunk_id in res.keyword_ids
    strong = (keyword and cos >= MIN_COSINE_WITH_KEYWORDS) or cos >= MIN_COSINE_ALONE
    return strong, cos


def verified(vault: Vault, hits: list[Hit]) -> list[Hit]:
    """Keep only citations whose quote really is in the cited entry."""
    out = []
    for h in hits:
        body = entry_text(vault, h.entry_id)
        if body is not None and h.quote and h.quote in body:
            out.append(h)
    return out


def ask_extractive(
    vault: Vault, question: str, filters: Filters | None = None, k: int = 3
) -> Answer:
    res = search_detailed(vault, question, k=max(k, 10), filters=filters)
    searched = f"searched {len(res.keyword_ids)} keyword and {len(res.vector_sim)} vector matches"
    if not res.hits:
        return Answer(question, NOT_FOUND, True, "no passage matched", "extractive", [], searched)
    strong = [h for h in res.hits if evidence_strength(res, h)[0]]
    if not strong:
        best = evidence_strength(res, res.hits[0])[1]
        return Answer(
            question,
            NOT_FOUND,
            True,
            f"evidence too weak (best cosine {best:.2f}, below the calibrated threshold)",
            "extractive",
            [],
            searched,
        )
    cites = verified(vault, strong[:k])
    lines = ["From your history (quoted, not paraphrased):"]
    for i, h in enumerate(cites, 1):
        when = iso(h.timestamp) or "undated"
        lines.append(f"[{i}] {h.quote.strip()}\n    — {h.document}, {when[:10]}")
    return Answer(question, "\n".join(lines), False, "", "extractive", cites, searched)
