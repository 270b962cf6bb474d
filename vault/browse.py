"""Read-only listings for the UI: sources, clients -> documents -> versions -> entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from . import dialect
from .query import SHOWN_TAGS_SQL
from .records import OPEN_PROBLEM
from .store import Vault

NO_CLIENT = "(no client)"


def _rows(vault: Vault, sql: str, **p: object) -> list[dict[str, Any]]:
    with vault.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(text(sql), p)]


def recent_sources(vault: Vault, limit: int = 50) -> list[dict[str, Any]]:
    return _rows(
        vault,
        "SELECT id, name, path, status, parser, error, attempts, updated_at, "
        # the version of its document a file gave (a note saved three times: versions 1–3)
        "(SELECT MAX(v.number) FROM source_document sd JOIN version v ON v.id = sd.version_id "
        "WHERE sd.source_id = source.id) AS version "
        "FROM source ORDER BY updated_at DESC, id DESC LIMIT :n",
        n=limit,
    )


def sources_under(vault: Vault, folder: str) -> dict[str, int]:
    """How many files inside ``folder`` are in each state (ingested, failed, …): each path once,
    in the state of its latest reading (a note saved three times is one file), the folder
    compared exactly (case matters on both backends)."""
    prefix = folder.rstrip("/") + "/"
    rows = _rows(
        vault,
        "SELECT s.status, COUNT(*) AS n FROM source s "
        "WHERE substr(s.path, 1, :n) = :prefix "
        "AND s.id = (SELECT MAX(t.id) FROM source t WHERE t.path = s.path) "
        "GROUP BY s.status",
        n=len(prefix),
        prefix=prefix,
    )
    return {str(r["status"]): int(r["n"]) for r in rows}


def failed_sources(vault: Vault, limit: int = 200) -> list[dict[str, Any]]:
    return _rows(
        vault,
        "SELECT id, name, path, status, error, updated_at FROM source "
        f"WHERE {OPEN_PROBLEM} ORDER BY updated_at DESC LIMIT :n",
        n=limit,
    )


def documents(vault: Vault, client: str | None, limit: int = 500) -> list[dict[str, Any]]:
    """Documents of one client id, of no client (``NO_CLIENT``), or all (None)."""
    where, p = "TRUE", {}
    if client == NO_CLIENT:
        where = "d.client_id IS NULL"
    elif client:
        where, p = "d.client_id = :c", {"c": client}
    return _rows(
        vault,
        "SELECT d.id, d.kind, d.title, d.client_id, d.updated_at, "
        "(SELECT COUNT(*) FROM version v WHERE v.document_id = d.id) AS versions, "
        "(SELECT COUNT(*) FROM entry e WHERE e.document_id = d.id) AS entries "
        f"FROM document d WHERE {where} ORDER BY d.updated_at DESC LIMIT :n",
        n=limit,
        **p,
    )


def versions(vault: Vault, document_id: int) -> list[dict[str, Any]]:
    return _rows(
        vault,
        "SELECT v.id, v.number, v.current, v.created_at, s.name AS source FROM version v "
        "LEFT JOIN source s ON s.id = v.source_id WHERE v.document_id = :d ORDER BY v.number DESC",
        d=document_id,
    )


def entries(vault: Vault, version_id: int) -> list[dict[str, Any]]:
    tags = dialect.concat_agg(vault.engine, "tag")
    rows = _rows(
        vault,
        "SELECT e.id, e.kind, e.title, e.author, e.ts, e.client_id, e.current, e.text, "
        f"(SELECT {tags} FROM entry_tag t WHERE t.entry_id = e.id AND t.{SHOWN_TAGS_SQL}) "
        "AS tags "
        "FROM entry e WHERE e.version_id = :v ORDER BY e.position, e.id",
        v=version_id,
    )
    for r in rows:
        r["tags"] = [t for t in str(r["tags"] or "").split(",") if t]
    return rows


def incoming_emails(
    vault: Vault, client: str, me: Sequence[str] = (), limit: int = 50
) -> list[dict[str, Any]]:
    """A client's recent incoming messages (to reply to), newest first: messages in the
    client's scope whose sender is not one of the user's own addresses (``me``)."""
    mine = {a.lower() for a in me}
    out = []
    for r in _rows(
        vault,
        "SELECT id, key, ts, meta, substr(text, 1, 200) AS preview FROM entry "
        "WHERE kind = 'email' AND scope = :c AND current ORDER BY ts DESC LIMIT :n",
        c=client,
        n=limit * 4,
    ):
        meta = json.loads(r["meta"] or "{}")
        sender = (meta.get("from") or [["", ""]])[0]
        if str(sender[1]).lower() in mine:
            continue
        out.append(
            {
                "entry_id": r["id"],
                "message_id": r["key"],
                "date": str(r["ts"] or "")[:10],
                "subject": meta.get("subject") or "(no subject)",
                "from": sender[0] or sender[1],
                "preview": r["preview"],
            }
        )
        if len(out) >= limit:
            break
    return out


def email_message(vault: Vault, message_id: str) -> dict[str, Any] | None:
    """One stored email by its Message-ID (with or without angle brackets): entry id, key,
    scope, meta, text and time; the current copy first."""
    mid = message_id.strip().strip("<>")
    rows = _rows(
        vault,
        "SELECT id, key, scope, meta, text, ts FROM entry WHERE kind = 'email' "
        "AND key IN (:a, :b) ORDER BY current DESC LIMIT 1",
        a=mid,
        b=f"<{mid}>",
    )
    if not rows:
        return None
    r = rows[0]
    return {**r, "meta": json.loads(r["meta"] or "{}")}


def earlier_subjects(vault: Vault, entry_id: int) -> list[str]:
    """The subjects of the messages of an email's thread sent before it."""
    rows = _rows(
        vault,
        "SELECT o.meta FROM entry e JOIN entry o ON o.document_id = e.document_id "
        "WHERE e.id = :e AND o.kind = 'email' AND o.id != e.id AND o.ts < e.ts",
        e=entry_id,
    )
    return [str(json.loads(r["meta"] or "{}").get("subject") or "") for r in rows]


__all__ = [
    "NO_CLIENT",
    "documents",
    "earlier_subjects",
    "email_message",
    "entries",
    "failed_sources",
    "incoming_emails",
    "recent_sources",
    "sources_under",
    "versions",
]
