"""Reasoning trails: how a topic evolved, in time order, with what revised and superseded what.

A topic trail starts from the best matches for the topic (current or not: superseded ideas are
the point), adds the entries linked to them by ``revises`` / ``supersedes`` / ``reply_to`` (one
hop), and orders everything by time. A document trail is every indexed entry of one document
(a conversation's edits and regenerations, a note's versions) in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from trailkeep.vault import Filters, Hit, Vault
from trailkeep.vault.query import (
    document_entry_ids,
    entry_hits,
    entry_links,
    entry_tags,
    linked_entry_ids,
)

from .retrieval import search

TRAIL_LINKS = ("revises", "supersedes", "reply_to", "continues")
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class Step:
    hit: Hit
    tags: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, n: int) -> dict[str, Any]:
        return {"n": n, **self.hit.as_json(), "tags": self.tags, "links": self.links}


def _steps(vault: Vault, hits: list[Hit]) -> list[Step]:
    ids = [h.entry_id for h in hits]
    tags = entry_tags(vault, ids)
    links = entry_links(vault, ids)
    steps = [Step(h, tags.get(h.entry_id, []), links.get(h.entry_id, [])) for h in hits]
    steps.sort(key=lambda s: (s.hit.timestamp or _EPOCH, s.hit.document_id, s.hit.entry_id))
    return steps


def topic_trail(
    vault: Vault, topic: str, filters: Filters | None = None, k: int = 12
) -> list[Step]:
    hits = search(vault, topic, k=k, filters=filters)
    seen = {h.entry_id for h in hits}
    extra = linked_entry_ids(vault, list(seen), TRAIL_LINKS) - seen
    more = entry_hits(vault, sorted(extra))
    if filters and filters.client:
        more = [h for h in more if h.client == filters.client]
    return _steps(vault, hits + more)


def document_trail(vault: Vault, document_id: int, client: str | None = None) -> list[Step]:
    hits = entry_hits(vault, document_entry_ids(vault, document_id))
    if client:
        hits = [h for h in hits if h.client == client]
    return _steps(vault, hits)


def trail_json(topic: str, steps: list[Step]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "topic": topic,
        "steps": [s.as_json(i) for i, s in enumerate(steps, 1)],
    }
