"""Writing documents: one parsed document in ONE transaction — its versions, entries, chunks
(with the keyword index) and links; clients from clients.toml, projects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from . import dialect, history
from .base import (
    _entry_hash,
    _entry_meta,
    _pk,
    chunk_body,
    entry_tag_insert,
    schema_table,
    utcnow,
)
from .clients import ClientSpec, label_key
from .errors import ConfigError
from .records import (
    CLIENT_MARKERS,
    SCOPE_UNATTRIBUTED,
    ChunkSpec,
    ParsedDocument,
    WriteResult,
    db_ts,
    to_utc,
)
from .sources import SourcesMixin


def _json_list(raw: str) -> list[str]:
    try:
        got = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(x) for x in got] if isinstance(got, list) else []


def _holds_billing(c: Connection, client_id: str) -> bool:
    """Does the client have invoices, billed work or the user's assignments?"""
    return (
        c.execute(
            text(
                "SELECT 1 FROM invoice WHERE client_id = :c UNION ALL "
                "SELECT 1 FROM work_item WHERE client_id = :c AND invoice_id IS NOT NULL "
                "UNION ALL SELECT 1 FROM attribution_rule WHERE client = :c LIMIT 1"
            ),
            {"c": client_id},
        ).first()
        is not None
    )


def _markers(cl: ClientSpec) -> dict[str, list[str]]:
    return {
        "projects": list(cl.projects),
        "people": list(cl.people),
        "domains": list(cl.domains),
        "emails": list(cl.emails),
    }


class DocumentsMixin(SourcesMixin):
    def known_client(self, c: Connection, client_id: str | None) -> str | None:
        """A client id from clients.toml, or None. Clients are never made from labels in
        files (notes/0013): attribution resolves labels before anything is written."""
        if not client_id:
            return None
        row = c.execute(text("SELECT id FROM client WHERE id = :c"), {"c": client_id}).first()
        return None if row is None else str(row[0])

    def renamed_client(self, clients: Sequence[ClientSpec]) -> str | None:
        """Why ``clients`` cannot be taken as they are, or None: a client whose id changed.

        A client without ``id =`` takes its id from its name, so renaming "Acme Health" to
        "Acme Health Inc." in clients.toml made a new client "acme-health-inc" — and the issued
        invoices, billed work and assignments of "acme-health" stayed with a client nobody
        lists: the same work arriving again was billed a second time, and the client's unpaid
        invoice left its lists (QA, session 18). A new id that shares a name or alias with a
        recorded client holding any of those is refused until the id is kept."""
        with self.engine.connect() as c:
            have = {
                str(r[0]): (str(r[1]), str(r[2] or "[]"))
                for r in c.execute(text("SELECT id, name, aliases FROM client"))
            }
            listed = {cl.id for cl in clients}
            for cl in clients:
                if cl.id in have:
                    continue
                said = {label_key(n) for n in (cl.id, *cl.names)}
                for old, (name, aliases) in have.items():
                    if old in listed:
                        continue
                    theirs = {label_key(n) for n in (old, name, *_json_list(aliases))}
                    shared = sorted(said & theirs - {""})
                    if not shared or not _holds_billing(c, old):
                        continue
                    return (
                        f"client {cl.name!r} has the id {cl.id!r}, but the vault knows it as "
                        f"{old!r} ({name!r}; both are called {shared[0]!r}), whose invoices, "
                        f"billed work or assignments would stay behind and be billed again: "
                        f'add id = "{old}" to its [[client]] table (its name can change; its id '
                        f"cannot), or give the new client names of its own"
                    )
        return None

    def sync_clients(self, clients: Sequence[ClientSpec]) -> None:
        """Upsert clients from clients.toml (id, name, aliases). Nothing is written, and the
        writer lock is not taken, when the table already says so (every open calls this).
        A client whose id changed is refused (:meth:`renamed_client`)."""
        want = {cl.id: (cl.name, json.dumps(list(cl.aliases))) for cl in clients}
        with self.engine.connect() as c:
            have = {
                str(r[0]): (str(r[1]), str(r[2]))
                for r in c.execute(text("SELECT id, name, aliases FROM client"))
            }
            row = c.execute(
                text("SELECT value FROM vault_meta WHERE key = :k"), {"k": CLIENT_MARKERS}
            ).first()
        # What else names each client (codenames, people, domains, addresses), kept for the
        # clients clients.toml stops listing: their material must stay out of every other
        # scope (leak hunt, session 25: a removed client's HALYARD notes became general)
        try:
            known: dict[str, Any] = json.loads(str(row[0])) if row else {}
        except ValueError:
            known = {}
        markers = {**known, **{cl.id: _markers(cl) for cl in clients}}
        if all(have.get(k) == v for k, v in want.items()) and markers == known:
            return
        if why := self.renamed_client(clients):
            raise ConfigError(str(self.settings.clients_path), why)
        with self.writer("clients"), self.engine.begin() as c:
            for cl in clients:
                c.execute(
                    text(
                        "INSERT INTO client (id, name, aliases, origin, created_at) "
                        "VALUES (:id, :n, :a, 'clients.toml', :t) ON CONFLICT(id) DO UPDATE SET "
                        "name=excluded.name, aliases=excluded.aliases"
                    ),
                    {
                        "id": cl.id,
                        "n": cl.name,
                        "a": json.dumps(list(cl.aliases)),
                        "t": db_ts(utcnow()),
                    },
                )
            c.execute(
                text(
                    "INSERT INTO vault_meta (key, value) VALUES (:k, :v) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                {"k": CLIENT_MARKERS, "v": json.dumps(markers, sort_keys=True)},
            )

    def _ensure_project(self, c: Connection, name: str | None, client_id: str | None) -> int | None:
        if not name:
            return None
        row = c.execute(
            text(
                "SELECT id FROM project WHERE name=:n "
                "AND (client_id = :c OR (client_id IS NULL AND CAST(:c AS TEXT) IS NULL))"
            ),
            {"n": name, "c": client_id},
        ).first()
        if row:
            return int(row[0])
        res = c.execute(schema_table("Project").insert().values(name=name, client_id=client_id))
        return _pk(res)

    def write_document(
        self,
        doc: ParsedDocument,
        chunks: Sequence[ChunkSpec],
        source_id: int | None,
        reassign: Sequence[Any] = (),
    ) -> WriteResult | None:
        """Store one parsed document in ONE transaction (see :meth:`_write_document`), with
        ``reassign`` (:class:`~trailkeep.vault.ownership.Assignment` for entries already
        stored whose client or scope the new material changed — a thread that became a
        client's). Vectors of chunks it replaced are removed after the commit (a crash in
        between leaves orphan vectors, which the next writer's reconcile or `doctor --repair`
        removes)."""
        from .ownership import retag_vectors

        stale: list[int] = []
        moved: list[tuple[int, str]] = []
        result = self._write_document(doc, chunks, source_id, stale, reassign, moved)
        if stale:
            self.vectors.delete(stale)
        retag_vectors(self, moved)
        return result

    def _write_document(
        self,
        doc: ParsedDocument,
        chunks: Sequence[ChunkSpec],
        source_id: int | None,
        stale: list[int],
        reassign: Sequence[Any] = (),
        moved: list[tuple[int, str]] | None = None,
    ) -> WriteResult | None:
        """Store one parsed document in ONE transaction. ``None`` when it is tombstoned.

        Versioned documents (notes): equal content to the current version is a no-op; anything
        else is a new current version whose entries link ``revises`` to the previous version's
        entries with the same key. Accumulating documents (chats, email threads): entries are
        matched by key, new ones added, changed ones updated.
        """
        if self.is_tombstoned("document", f"{doc.kind}:{doc.external_id}"):
            return None
        by_entry: dict[str, list[ChunkSpec]] = {}
        for ch in chunks:
            by_entry.setdefault(ch.entry_key, []).append(ch)
        now = utcnow()
        ts_utc, ts_off = to_utc(doc.timestamp) if doc.timestamp else (now, 0)
        with self.engine.begin() as c:
            client_id = self.known_client(c, doc.client)
            project_id = self._ensure_project(c, doc.project, client_id)
            row = c.execute(
                text("SELECT id, meta FROM document WHERE kind=:k AND external_id=:x"),
                {"k": doc.kind, "x": doc.external_id},
            ).first()
            created = row is None
            if row is None:
                res = c.execute(
                    schema_table("Document")
                    .insert()
                    .values(
                        kind=doc.kind,
                        external_id=doc.external_id,
                        title=doc.title,
                        client_id=client_id,
                        project_id=project_id,
                        created_at=ts_utc,
                        updated_at=ts_utc,
                        meta=json.dumps(doc.meta, default=str, sort_keys=True),
                    )
                )
                doc_id = _pk(res)
            else:
                doc_id = int(row[0])
            cur = c.execute(
                text(
                    "SELECT id, number, content_sha256 FROM version "
                    "WHERE document_id=:d AND current ORDER BY number DESC LIMIT 1"
                ),
                {"d": doc_id},
            ).first()
            # Version identity (notes/0014): the same content as the current version — or,
            # for versioned documents, as any known version, unless its path had moved on to
            # later content (a revert) — is a no-op (a re-export of an unchanged conversation,
            # a note saved again, a folder of versions ingested again in any order).
            same: tuple[int, int] | None = None
            if cur is not None and cur[2] == doc.content_sha256:
                same = int(cur[0]), int(cur[1])
            elif doc.versioned and not created:
                same = history.same_version(c, doc_id, doc.content_sha256, source_id)
            if same is not None:
                self._record_source(c, source_id, doc_id, same[0])
                return WriteResult(doc_id, same[0], same[1], False, False, True, 0)
            stored_meta = _meta(row[1]) if row is not None else {}
            older = not created and _older_export(doc.meta, stored_meta)
            becomes_current = True
            if doc.versioned or cur is None:
                # Inserted last by arrival; history.reorder (after the entries) places it by
                # its own time, renumbers, sets current and the revises links (notes/0014).
                number = 1 + int(
                    c.execute(
                        text("SELECT COALESCE(MAX(number), 0) FROM version WHERE document_id=:d"),
                        {"d": doc_id},
                    ).scalar_one()
                )
                res = c.execute(
                    schema_table("Version")
                    .insert()
                    .values(
                        document_id=doc_id,
                        number=number,
                        source_id=source_id,
                        content_sha256=doc.content_sha256,
                        created_at=ts_utc,
                        tz_offset_min=ts_off,
                        current=False,
                        revises_id=None,
                    )
                )
                version_id = _pk(res)  # history.reorder links its entries to the version before
                new_version = cur is not None
            else:
                version_id, number, new_version = int(cur[0]), int(cur[1]), False
                if not older:  # the stored content stays the newer export's
                    c.execute(
                        text("UPDATE version SET content_sha256=:h WHERE id=:v"),
                        {"h": doc.content_sha256, "v": version_id},
                    )
            n_chunks, changed = self._write_entries(
                c,
                doc,
                version_id,
                doc_id,
                client_id,
                by_entry,
                stale,
                source_id,
                older,
                tuple(stored_meta.get("formerly", ())),
            )
            if doc.meta.get("whole") and not older:
                # the export holds the whole conversation: what it leaves off its active path
                # is off it, whatever an earlier import said (never two active branches)
                _leave_path(c, version_id, {e.key for e in doc.entries if e.on_current_path})
            meta = stored_meta if older else doc.meta
            if stored_meta.get("formerly") and not older:  # a renamed note's old identities
                meta = {**meta, "formerly": stored_meta["formerly"]}
            if doc.versioned or cur is None:
                number, becomes_current = history.reorder(c, doc_id, version_id)
            if doc.versioned and becomes_current:
                # Work items follow the current version; an older one arriving late is history.
                from .work import sync_work_items

                sync_work_items(c, doc_id, version_id)
            c.execute(
                text(
                    "UPDATE document SET title=CASE WHEN kind = 'email' OR NOT :cur OR :keep "
                    "THEN title ELSE :t END, "
                    "updated_at=CASE WHEN updated_at > :u THEN updated_at ELSE :u END, "
                    "client_id=CASE WHEN :older THEN client_id ELSE :c END, "
                    "project_id=CASE WHEN :older THEN project_id "
                    "ELSE COALESCE(:p, project_id) END, "
                    "meta=:m WHERE id=:d"
                ),
                {
                    "t": doc.title,
                    "cur": becomes_current,  # an older version arriving late keeps the title
                    # the tail of a growing file knows no better title than the stored one;
                    # nor does an export older than the one stored
                    "keep": bool(doc.meta.get("keep_title")) or older,
                    "older": older,
                    "u": db_ts(ts_utc),
                    "c": client_id,
                    "p": project_id,
                    "m": json.dumps(meta, default=str, sort_keys=True),
                    "d": doc_id,
                },
            )
            if reassign and not older:
                from .ownership import apply_assignments

                got = apply_assignments(c, doc_id, client_id, reassign)
                if moved is not None:
                    moved.extend(got)
            self._record_source(c, source_id, doc_id, version_id)
            return WriteResult(
                doc_id,
                version_id,
                number,
                created,
                new_version,
                not created and not new_version and not changed,
                n_chunks,
                becomes_current,
            )

    def _record_source(
        self, c: Connection, source_id: int | None, doc_id: int, version_id: int
    ) -> None:
        if source_id is None:
            return
        c.execute(
            text(
                "INSERT INTO source_document (source_id, document_id, version_id) "
                "VALUES (:s, :d, :v) ON CONFLICT DO NOTHING"
            ),
            {"s": source_id, "d": doc_id, "v": version_id},
        )

    def _write_entries(
        self,
        c: Connection,
        doc: ParsedDocument,
        version_id: int,
        doc_id: int,
        client_id: str | None,
        by_entry: dict[str, list[ChunkSpec]],
        stale: list[int],
        source_id: int | None = None,
        older: bool = False,
        formerly: Sequence[str] = (),
    ) -> tuple[int, bool]:
        """Entries, then their chunks, then the links between them; (chunks, anything changed)."""
        ids, rechunk, changed = self._store_entries(
            c, doc, version_id, doc_id, stale, source_id, older, formerly
        )
        n_chunks = self._store_chunks(c, rechunk, by_entry)
        self._store_links(c, doc, version_id, ids)
        return n_chunks, changed

    def _store_entries(
        self,
        c: Connection,
        doc: ParsedDocument,
        version_id: int,
        doc_id: int,
        stale: list[int],
        source_id: int | None,
        older: bool = False,
        formerly: Sequence[str] = (),
    ) -> tuple[dict[str, int], list[tuple[int, str]], bool]:
        """Insert new entries, update those whose text changed under the same key (their old
        chunks go: ids into ``stale``), skip tombstoned ones. Returns (key -> entry id, (entry
        id, key) of the entries whose chunks must be written, whether anything changed).

        ``older``: the document is an export older than the one stored — it adds what the
        vault lacks (off the active path: the newer export left it out) and changes nothing
        that is stored. ``formerly``: the document's earlier identities (a renamed note):
        a section forgotten under one stays forgotten."""
        existing: dict[str, Any] = {
            str(r[1]): r
            for r in c.execute(
                text(
                    "SELECT id, key, content_sha256, on_current_path, client_id FROM entry "
                    "WHERE version_id=:v"
                ),
                {"v": version_id},
            )
        }
        ids: dict[str, int] = {k: int(r[0]) for k, r in existing.items()}
        rechunk: list[tuple[int, str]] = []
        changed = False
        # One compiled INSERT for every new entry (a statement built per row with .values()
        # was compiled per row: a third of a session file's write time).
        insert_entry = schema_table("Entry").insert()
        tombs = self.has_tombstones(c, "entry")
        for e in doc.entries:
            h = _entry_hash(e)
            old = existing.get(e.key)
            if old is not None and (older or (old[2] == h and bool(old[3]) == e.on_current_path)):
                continue  # stored as it is (an appended session's earlier turns)
            if tombs and any(
                self.is_tombstoned_conn(c, "entry", f"{doc.kind}:{x}:{e.key}")
                for x in (doc.external_id, *formerly)
            ):
                continue
            e_client = self.known_client(c, e.client)
            scope = e.scope or e_client or SCOPE_UNATTRIBUTED
            ts, off = to_utc(e.timestamp) if e.timestamp else (None, 0)
            current = e.on_current_path and not older
            if old is not None:
                changed = True
                c.execute(
                    text("UPDATE entry SET on_current_path=:p, current=:p WHERE id=:id"),
                    {"p": current, "id": old[0]},
                )
                if old[2] == h:
                    continue
                # Text changed under the same key: replace its chunks.
                old_ids = [
                    int(r[0])
                    for r in c.execute(
                        text("SELECT id FROM chunk WHERE entry_id=:e"), {"e": old[0]}
                    )
                ]
                self.keyword.delete(c, old_ids)
                stale.extend(old_ids)
                c.execute(text("DELETE FROM chunk WHERE entry_id=:e"), {"e": old[0]})
                c.execute(
                    text(
                        "UPDATE entry SET text=:t, title=:ti, content_sha256=:h, ts=:ts, "
                        "tz_offset_min=:o, meta=:m, source_id=COALESCE(:s, source_id) "
                        "WHERE id=:id"
                    ),
                    {
                        "s": source_id,
                        "t": e.text,
                        "ti": e.title,
                        "h": h,
                        "ts": None if ts is None else db_ts(ts),
                        "o": off,
                        "m": json.dumps(_entry_meta(e), default=str, sort_keys=True),
                        "id": old[0],
                    },
                )
                entry_id = int(old[0])
            else:
                changed = True
                res = c.execute(
                    insert_entry,
                    {
                        "document_id": doc_id,
                        "version_id": version_id,
                        "key": e.key,
                        "kind": e.kind,
                        "author": e.author,
                        "ts": ts,
                        "tz_offset_min": off,
                        "position": e.position,
                        "title": e.title,
                        "text": e.text,
                        "client_id": e_client,
                        "scope": scope,
                        "source_id": source_id,
                        "on_current_path": current,
                        "current": current,
                        "indexed": e.indexed,
                        "content_sha256": h,
                        "meta": json.dumps(_entry_meta(e), default=str, sort_keys=True),
                    },
                )
                entry_id = _pk(res)
                ids[e.key] = entry_id
                for tag in e.tags:
                    c.execute(entry_tag_insert(), {"e": entry_id, "t": tag, "o": "cue"})
            if e.indexed:
                rechunk.append((entry_id, e.key))
        return ids, rechunk, changed

    def _store_chunks(
        self,
        c: Connection,
        entries: list[tuple[int, str]],
        by_entry: dict[str, list[ChunkSpec]],
    ) -> int:
        """The chunks of these entries, marked not yet embedded, and their keyword index rows
        in the same transaction. Returns how many."""
        insert_chunk = schema_table("Chunk").insert()
        fresh: list[tuple[int, str]] = []
        for entry_id, key in entries:
            for ch in by_entry.get(key, []):
                res = c.execute(
                    insert_chunk,
                    {
                        "entry_id": entry_id,
                        "ord": ch.ord,
                        "text": ch.text,
                        "context": ch.context,
                        "char_start": ch.start,
                        "char_end": ch.end,
                        "embedded_by": None,
                    },
                )
                fresh.append((_pk(res), chunk_body(ch.context, ch.text)))
        self.keyword.add(c, fresh)
        return len(fresh)

    def _store_links(
        self,
        c: Connection,
        doc: ParsedDocument,
        version_id: int,
        ids: dict[str, int],
    ) -> None:
        """Parents and typed links, now that every key has an id; parents that arrived after
        their children; the document's reply links. (A new version's ``revises`` links are
        history.reorder's.)"""
        for e in doc.entries:
            if e.parent_key and e.key in ids and e.parent_key in ids:
                c.execute(
                    text(
                        "UPDATE entry SET parent_id=:p WHERE id=:id "
                        "AND (parent_id IS NULL OR parent_id <> :p)"
                    ),
                    {"p": ids[e.parent_key], "id": ids[e.key]},
                )
        for ln in doc.links:
            if ln.from_key in ids and ln.to_key in ids:
                c.execute(
                    text(
                        "INSERT INTO link (kind, from_entry_id, to_entry_id) "
                        "VALUES (:kind, :f, :t) ON CONFLICT DO NOTHING"
                    ),
                    {"kind": ln.kind, "f": ids[ln.from_key], "t": ids[ln.to_key]},
                )
        # Parents that arrived after their children (email out of order): link them now.
        c.execute(
            text(
                "UPDATE entry SET parent_id = (SELECT p.id FROM entry p "
                "WHERE p.version_id = entry.version_id "
                f"AND p.key = {dialect.json_text(c, 'entry.meta', '_parent')}) "
                "WHERE version_id = :v AND parent_id IS NULL "
                f"AND {dialect.json_text(c, 'meta', '_parent')} IS NOT NULL"
            ),
            {"v": version_id},
        )
        parent_link = doc.meta.get("parent_link")
        if parent_link:
            c.execute(
                text(
                    "INSERT INTO link (kind, from_entry_id, to_entry_id) "
                    "SELECT :k, id, parent_id FROM entry WHERE version_id = :v "
                    "AND parent_id IS NOT NULL AND kind = :kind ON CONFLICT DO NOTHING"
                ),
                {"k": parent_link, "v": version_id, "kind": doc.kind},
            )


def _meta(raw: object) -> dict[str, Any]:
    try:
        got = json.loads(str(raw or "{}"))
    except ValueError:
        return {}
    return got if isinstance(got, dict) else {}


def _older_export(incoming: dict[str, Any], stored: dict[str, Any]) -> bool:
    """An export of a whole conversation last changed before the one already stored (last
    week's download read after this week's, e.g. ``ingest ~/Downloads`` in name order)."""
    new, have = incoming.get("exported_at"), stored.get("exported_at")
    return bool(incoming.get("whole") and new and have and str(new) < str(have))


def _leave_path(c: Connection, version_id: int, on_path: set[str]) -> None:
    """Entries of ``version_id`` not on the active path of the export just read leave it."""
    c.execute(
        text(
            "UPDATE entry SET on_current_path = FALSE, current = FALSE WHERE version_id = :v "
            "AND (current OR on_current_path) AND key NOT IN :keys"
        ).bindparams(bindparam("keys", expanding=True)),
        {"v": version_id, "keys": sorted(on_path) or [""]},
    )


__all__ = ["DocumentsMixin"]
