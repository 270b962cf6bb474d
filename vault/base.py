"""What the parts of the Vault share: its attributes, the writer lock, and small SQL helpers.

The Vault (``store.py``) is a front object — open, close, writer, connect — over mixins by
responsibility: ``sources`` (source rows, file states, blobs), ``documents`` (writing a parsed
document: versions, entries, chunks, links), ``corrections`` (the user's), ``indexing``
(vectors), ``audit`` (model calls). Each declares nothing of its own: the attributes live here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import CursorResult

from .records import SOURCE_STATUSES, ParsedEntry

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .blobs import BlobStore
    from .embedder import Embedder
    from .keyword import KeywordIndex
    from .lock import PostgresAdvisoryLock, WriterLock
    from .settings import Settings
    from .vectors import VectorIndex


def schema_table(name: str) -> Any:
    """A table of the schema (``models.py``), imported on the first write: reading the vault
    (`status`, search) never loads SQLModel and its ORM."""
    from . import models

    return getattr(models, name).__table__


class VaultBase:
    settings: Settings
    engine: Engine
    embedder: Embedder
    keyword: KeywordIndex
    vectors: VectorIndex
    blobs: BlobStore
    lock: WriterLock | PostgresAdvisoryLock

    def writer(self, what: str = "write") -> contextlib.AbstractContextManager[None]:
        """The writer lock, re-entrant: one process writes the embedded store at a time."""
        return self.lock.hold(what)


def utcnow() -> datetime:
    return datetime.now(UTC)


def slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return s or "client"


def sha256_text(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()


def _pk(res: CursorResult[Any]) -> int:
    key = res.inserted_primary_key
    assert key is not None
    return int(key[0])


def entry_tag_insert() -> Any:
    return text(
        "INSERT INTO entry_tag (entry_id, tag, origin) VALUES (:e, :t, :o) ON CONFLICT DO NOTHING"
    )


def _entry_meta(e: ParsedEntry) -> dict[str, Any]:
    return {**e.meta, "_parent": e.parent_key} if e.parent_key else e.meta


def chunk_body(context: str, body: str) -> str:
    """What is embedded and keyword-indexed: the chunk with its standalone context."""
    return f"{context}\n{body}" if context else body


def _entry_hash(e: ParsedEntry) -> str:
    return sha256_text(
        json.dumps(
            [e.kind, e.title, e.text, e.author, str(e.timestamp), e.parent_key, e.indexed],
            ensure_ascii=False,
        )
    )


__all__ = [
    "SOURCE_STATUSES",
    "VaultBase",
    "chunk_body",
    "entry_tag_insert",
    "schema_table",
    "sha256_text",
    "slugify",
    "utcnow",
]
