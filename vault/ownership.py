"""Storage for attribution: what an entry's client and scope are stored as, the user's
assignments (``clients assign``), and small key/value state. The rules themselves live in
``trailkeep.ingest.attribution``; this module only reads facts and writes decisions
(notes/0013-attribution-and-scope.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from .base import VaultBase
from .records import REVIEWABLE, SCOPE_GENERAL, SCOPE_MIXED, SCOPE_UNATTRIBUTED, db_ts, from_utc
from .store import Vault, utcnow
from .work import rekey_items

SENTINELS = (SCOPE_GENERAL, SCOPE_MIXED, SCOPE_UNATTRIBUTED)


@dataclass
class StoredEntry:
    id: int
    key: str
    kind: str
    text: str
    title: str
    meta: dict[str, Any]
    client: str | None
    scope: str
    user_set: bool


@dataclass
class StoredDocument:
    id: int
    kind: str
    title: str
    client: str | None
    meta: dict[str, Any]
    entries: list[StoredEntry] = field(default_factory=list)

    @property
    def label(self) -> str | None:
        v = self.meta.get("client_label")
        return str(v) if v else None


@dataclass(frozen=True)
class Assignment:
    entry_id: int
    client: str | None
    scope: str
    problem: str | None = None  # work lines: why they have no client


def _entries(c: Connection, doc_ids: Sequence[int]) -> dict[int, list[StoredEntry]]:
    out: dict[int, list[StoredEntry]] = {d: [] for d in doc_ids}
    marks = ",".join(str(int(d)) for d in doc_ids)
    for r in c.execute(
        text(
            "SELECT id, document_id, key, kind, CASE WHEN indexed THEN text ELSE '' END, title, "
            f"meta, client_id, scope FROM entry WHERE document_id IN ({marks}) "
            "ORDER BY document_id, version_id, position, id"
        )
    ):
        meta = json.loads(r[6] or "{}")
        out[int(r[1])].append(
            StoredEntry(
                int(r[0]),
                str(r[2]),
                str(r[3]),
                str(r[4] or ""),
                str(r[5] or ""),
                meta,
                r[7],
                str(r[8]),
                meta.get("client_set_by") == "user",
            )
        )
    return out


def recorded_clients(vault: Vault) -> list[tuple[str, str, str]]:
    """(id, name, aliases as JSON) of every client the vault recorded from clients.toml —
    those it no longer lists included (attribution holds back what names them)."""
    with vault.engine.connect() as c:
        rows = c.execute(text("SELECT id, name, aliases FROM client")).all()
    return [(str(r[0]), str(r[1] or r[0]), str(r[2] or "[]")) for r in rows]


def _with_project(meta: str | None, project: str | None) -> dict[str, Any]:
    """A document's meta, with the project its front matter named (attribution reads it)."""
    out: dict[str, Any] = json.loads(meta or "{}")
    if project:
        out.setdefault("project", project)
    return out


def stored_documents(
    vault: Vault, document_ids: Sequence[int] | None = None, batch: int = 200
) -> Iterator[StoredDocument]:
    """Documents with all their entries (every version), in id order, a batch at a time."""
    with vault.engine.connect() as c:
        if document_ids is None:
            ids = [int(r[0]) for r in c.execute(text("SELECT id FROM document ORDER BY id"))]
        else:
            ids = sorted({int(i) for i in document_ids})
    for start in range(0, len(ids), batch):
        part = ids[start : start + batch]
        marks = ",".join(str(i) for i in part)
        with vault.engine.connect() as c:
            docs = {
                int(r[0]): StoredDocument(
                    int(r[0]), str(r[1]), str(r[2]), r[3], _with_project(r[4], r[5])
                )
                for r in c.execute(
                    text(
                        "SELECT d.id, d.kind, d.title, d.client_id, d.meta, p.name "
                        "FROM document d LEFT JOIN project p ON p.id = d.project_id "
                        f"WHERE d.id IN ({marks})"
                    )
                )
            }
            for doc_id, entries in _entries(c, part).items():
                if doc_id in docs:
                    docs[doc_id].entries = entries
        for i in part:
            if i in docs:
                yield docs[i]


def find_document(vault: Vault, kind: str, external_id: str) -> StoredDocument | None:
    with vault.engine.connect() as c:
        r = c.execute(
            text("SELECT id FROM document WHERE kind = :k AND external_id = :x"),
            {"k": kind, "x": external_id},
        ).first()
    if r is None:
        return None
    return next(stored_documents(vault, [int(r[0])]), None)


def apply_assignments(
    c: Connection, document_id: int, client: str | None, changes: Sequence[Assignment]
) -> list[tuple[int, str]]:
    """Write decisions in the caller's transaction: entries, the document's client, and the
    client of work items not yet on an issued invoice. Returns (chunk id, new scope) for the
    chunks whose vectors must carry the new scope."""
    known = {str(r[0]) for r in c.execute(text("SELECT id FROM client"))}
    c.execute(
        text("UPDATE document SET client_id = :c WHERE id = :d"),
        {"c": client if client in known else None, "d": document_id},
    )
    moved: list[tuple[int, str]] = []
    for a in changes:
        cid = a.client if a.client in known else None
        scope = a.scope if a.scope in known or a.scope in SENTINELS else SCOPE_UNATTRIBUTED
        c.execute(
            text("UPDATE entry SET client_id = :c, scope = :s WHERE id = :e"),
            {"c": cid, "s": scope, "e": a.entry_id},
        )
        c.execute(
            text(
                "UPDATE work_item SET client_id = :c, "
                "problem = CASE WHEN CAST(:c AS TEXT) IS NULL THEN :p ELSE NULL END, "
                "updated_at = :t WHERE entry_id = :e AND (invoice_id IS NULL OR invoice_id IN "
                "(SELECT id FROM invoice WHERE status = 'draft'))"
            ),
            {"c": cid, "p": a.problem or "no client", "t": db_ts(utcnow()), "e": a.entry_id},
        )
        rekey_items(c, a.entry_id, cid)
        # A draft invoice holds one client's items: an item that changed client leaves it.
        c.execute(
            text(
                "UPDATE work_item SET invoice_id = NULL WHERE entry_id = :e AND invoice_id IN "
                "(SELECT id FROM invoice WHERE status = 'draft' AND "
                "(CAST(:c AS TEXT) IS NULL OR client_id <> CAST(:c AS TEXT)))"
            ),
            {"c": cid, "e": a.entry_id},
        )
        moved += [
            (int(r[0]), scope)
            for r in c.execute(text("SELECT id FROM chunk WHERE entry_id = :e"), {"e": a.entry_id})
        ]
    return moved


def apply(vault: Vault, document_id: int, client: str | None, changes: Sequence[Assignment]) -> int:
    """One document's decisions in one transaction (under the writer lock), then the vectors'
    metadata. A crash in between leaves vectors with an old scope: reads filter on SQL too, so
    that costs recall, never confidentiality; the next re-attribution rewrites them."""
    with vault.writer("attribution"), vault.engine.begin() as c:
        moved = apply_assignments(c, document_id, client, changes)
    retag_vectors(vault, moved)
    return len(changes)


def retag_vectors(vault: VaultBase, moved: Sequence[tuple[int, str]]) -> None:
    """Vectors carry their chunk's scope for pre-filtering (chunks not embedded yet get it
    when they are)."""
    if not moved:
        return
    with vault.engine.connect() as c:
        marks = ",".join(str(i) for i, _ in moved)
        embedded = {
            int(r[0])
            for r in c.execute(
                text(f"SELECT id FROM chunk WHERE id IN ({marks}) AND embedded_by IS NOT NULL")
            )
        }
    todo = [(i, s) for i, s in moved if i in embedded]
    if todo:
        with vault.writer("retag vectors"):  # embedded Chroma: one writing process at a time
            vault.vectors.set_scope([i for i, _ in todo], [s for _, s in todo])


# ---------------------------------------------------------------------------- assignments
def rules(vault: Vault) -> dict[str, str]:
    """The user's assignments: key (an address, a domain, ``label:…``, ``path:…``) -> a
    client id or ``*`` (general)."""
    with vault.engine.connect() as c:
        return {
            str(r[0]): str(r[1])
            for r in c.execute(text("SELECT key, client FROM attribution_rule ORDER BY key"))
        }


def set_rule(vault: Vault, key: str, client: str | None) -> None:
    """Assign KEY to a client (or ``*``); ``None`` removes the assignment."""
    with vault.writer("clients assign"), vault.engine.begin() as c:
        c.execute(text("DELETE FROM attribution_rule WHERE key = :k"), {"k": key})
        if client is not None:
            c.execute(
                text("INSERT INTO attribution_rule (key, client, created_at) VALUES (:k, :c, :t)"),
                {"k": key, "c": client, "t": db_ts(utcnow())},
            )


# ---------------------------------------------------------------------------- state
def get_state(vault: Vault, key: str) -> str | None:
    with vault.engine.connect() as c:
        r = c.execute(text("SELECT value FROM vault_meta WHERE key = :k"), {"k": key}).first()
    return None if r is None else str(r[0])


def set_state(vault: Vault, key: str, value: str) -> None:
    with vault.writer("state"), vault.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO vault_meta (key, value) VALUES (:k, :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {"k": key, "v": value},
        )


def email_headers(vault: Vault) -> list[tuple[int, dict[str, Any]]]:
    """(thread document id, message meta) of every email, for inferring the user's addresses."""
    with vault.engine.connect() as c:
        return [
            (int(r[0]), json.loads(r[1] or "{}"))
            for r in c.execute(text("SELECT document_id, meta FROM entry WHERE kind = 'email'"))
        ]


_REVIEW_COLUMNS = (
    "e.id, e.document_id, e.kind, e.ts, e.meta, e.title, d.kind, d.title, d.meta, e.scope, "
    f"CASE WHEN e.scope = '{SCOPE_MIXED}' THEN e.text END, e.tz_offset_min"
)


def unattributed(vault: Vault, limit: int = 5000) -> list[dict[str, Any]]:
    """Entries in nobody's scope that one assignment would settle (``REVIEWABLE``), with what
    the review queue groups them by. A message to several clients (``several_clients``) also
    carries its text and the clients its thread's other entries belong to."""
    return _review_rows(vault, f"{REVIEWABLE} ORDER BY e.ts, e.id LIMIT :n", {"n": limit})


def mixed_message(vault: Vault, entry_id: int) -> dict[str, Any] | None:
    """One message addressed to several clients, or a passage of a note or chat naming or
    following several (scope ``!``), as the review queue lists it; None when the entry is not
    one (any more)."""
    rows = _review_rows(
        vault,
        f"e.id = :e AND e.scope = '{SCOPE_MIXED}' AND e.kind NOT IN ('work', 'attachment') "
        "AND e.current",
        {"e": entry_id},
    )
    return rows[0] if rows else None


def _review_rows(vault: Vault, where: str, p: dict[str, Any]) -> list[dict[str, Any]]:
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                f"SELECT {_REVIEW_COLUMNS} FROM entry e JOIN document d ON d.id = e.document_id "
                f"WHERE {where}"
            ),
            p,
        ).all()
        mixed_docs = sorted({int(r[1]) for r in rows if r[9] == SCOPE_MIXED})
        thread: dict[int, set[str]] = {}
        if mixed_docs:
            marks = ",".join(str(d) for d in mixed_docs)
            for doc, client in c.execute(
                text(
                    "SELECT DISTINCT document_id, client_id FROM entry WHERE document_id IN "
                    f"({marks}) AND client_id IS NOT NULL AND current"
                )
            ):
                thread.setdefault(int(doc), set()).add(str(client))
    out = []
    for r in rows:
        out.append(
            {
                "entry_id": int(r[0]),
                "document_id": int(r[1]),
                "kind": str(r[2]),
                "ts": from_utc(r[3], r[11]),  # in the message's own offset, as search shows
                "meta": json.loads(r[4] or "{}"),
                "title": str(r[5] or ""),
                "document_kind": str(r[6]),
                "document": str(r[7]),
                "document_meta": json.loads(r[8] or "{}"),
                "several_clients": r[9] == SCOPE_MIXED,
                "text": str(r[10] or ""),
                "thread_clients": sorted(thread.get(int(r[1]), ())),
            }
        )
    return out


def count_unattributed(vault: Vault) -> int:
    with vault.engine.connect() as c:
        return int(c.execute(text(f"SELECT COUNT(*) FROM entry e WHERE {REVIEWABLE}")).scalar_one())


def prune_label_clients(vault: Vault, keep: Sequence[str]) -> int:
    """Clients the first round made from labels in files (never again): removed once nothing
    refers to them."""
    marks = ",".join("'" + k.replace("'", "''") + "'" for k in keep) or "''"
    with vault.writer("clients"), vault.engine.begin() as c:
        res = c.execute(
            text(
                f"DELETE FROM client WHERE id NOT IN ({marks}) AND origin <> 'clients.toml' "
                "AND NOT EXISTS (SELECT 1 FROM entry WHERE client_id = client.id) "
                "AND NOT EXISTS (SELECT 1 FROM document WHERE client_id = client.id) "
                "AND NOT EXISTS (SELECT 1 FROM invoice WHERE client_id = client.id) "
                "AND NOT EXISTS (SELECT 1 FROM work_item WHERE client_id = client.id) "
                "AND NOT EXISTS (SELECT 1 FROM project WHERE client_id = client.id)"
            )
        )
        return int(res.rowcount or 0)


__all__ = [
    "Assignment",
    "StoredDocument",
    "StoredEntry",
    "apply",
    "apply_assignments",
    "count_unattributed",
    "email_headers",
    "find_document",
    "get_state",
    "mixed_message",
    "prune_label_clients",
    "recorded_clients",
    "retag_vectors",
    "rules",
    "set_rule",
    "set_state",
    "stored_documents",
    "unattributed",
]
