"""The Vault: the only code that talks to SQL, the vector index and the blob store.

Writes happen under the writer lock (``with vault.writer():``), one SQL transaction per document.
Readers never take the lock and never write. SQL is the truth; the keyword index is written in
the same transaction as the chunks; vectors are filled in afterwards from the chunks whose
``embedded_by`` is not the configured embedder (``embed_pending``), so a crash between the two
leaves only "not yet embedded" chunks, which the next writer embeds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import CursorResult

from . import dialect, history
from .blobs import BlobStore
from .clients import ClientSpec
from .embedder import Embedder
from .keyword import KeywordIndex, PostgresFtsIndex, SqliteFts5Index
from .lock import PostgresAdvisoryLock, WriterLock
from .migrations import migrate
from .models import (
    Chunk,
    Document,
    Entry,
    EntryTag,
    LlmCall,
    Project,
    Source,
    Version,
)
from .records import (
    SCOPE_GENERAL,
    SCOPE_UNATTRIBUTED,
    ChunkSpec,
    ParsedDocument,
    ParsedEntry,
    WriteResult,
    db_ts,
    to_utc,
)
from .settings import Settings
from .vectors import VectorIndex

SOURCE_STATUSES = ("pending", "ingested", "duplicate", "partial", "failed", "forgotten")


def utcnow() -> datetime:
    return datetime.now(UTC)


def slugify(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return s or "client"


def sha256_text(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        # Let SQLAlchemy's BEGIN (below) start transactions, so DDL is transactional too.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_server_engine(url: str) -> Engine:
    """PostgreSQL (``postgresql+psycopg://...``). Other servers are refused clearly."""
    if not url.startswith(("postgresql+psycopg://", "postgresql://")):
        from .errors import ConfigError

        raise ConfigError("database_url", f"only PostgreSQL is supported, not {url.split(':')[0]}")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=16)


@dataclass(frozen=True)
class EmbedReport:
    embedded: int
    seconds: float


class Vault:
    """Open with :meth:`open`; migrations are applied then."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        embedder: Embedder,
        keyword: KeywordIndex,
        vectors: VectorIndex,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.embedder = embedder
        self.keyword = keyword
        self.vectors = vectors
        self.blobs = BlobStore(settings.blobs)
        self.lock: WriterLock | PostgresAdvisoryLock = WriterLock(
            settings.lock_path, settings.lock_timeout
        )

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> Vault:
        settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        for d in (settings.blobs, settings.quarantine):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        kw: KeywordIndex
        lock: WriterLock | PostgresAdvisoryLock
        if settings.database_url:
            engine = make_server_engine(settings.database_url)
            kw = PostgresFtsIndex()
            lock = PostgresAdvisoryLock(engine, settings.lock_timeout)
        else:
            engine = make_engine(settings.db_path)
            kw = SqliteFts5Index()
            lock = WriterLock(settings.lock_path, settings.lock_timeout)
        if not settings.chroma_url:
            settings.chroma_path.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Under the lock: SQL migrations, and Chroma's own first-time setup, which races when
        # two processes open a new home at once ("table collections already exists").
        with lock.hold("open"):
            vectors = VectorIndex(
                settings.chroma_path,
                embedder.id,
                url=settings.chroma_url,
                token=settings.chroma_token,
                namespace=settings.vector_namespace,
            )
            vault = cls(settings, engine, embedder, kw, vectors)
            vault.lock = lock
            migrate(engine, kw)
            if settings.clients:
                vault.sync_clients(settings.clients)
        if settings.embedded:
            with contextlib.suppress(OSError):
                settings.db_path.chmod(0o600)
        return vault

    def close(self) -> None:
        self.engine.dispose()

    def writer(self, what: str = "write") -> contextlib.AbstractContextManager[None]:
        return self.lock.hold(what)

    # ------------------------------------------------------------------ sources
    def begin_source(self, path: str, name: str, sha256: str, size: int) -> int:
        now = utcnow()
        with self.engine.begin() as c:
            row = c.execute(
                text("SELECT id FROM source WHERE path = :p AND sha256 = :s"),
                {"p": path, "s": sha256},
            ).first()
            if row:
                c.execute(
                    text(
                        "UPDATE source SET status='pending', error=NULL, name=:n, "
                        "attempts=attempts+1, updated_at=:t WHERE id=:id"
                    ),
                    {"n": name, "t": db_ts(now), "id": row[0]},
                )
                return int(row[0])
            res = c.execute(
                Source.__table__.insert().values(  # type: ignore[attr-defined]
                    path=path,
                    name=name,
                    sha256=sha256,
                    size=size,
                    status="pending",
                    attempts=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            return _pk(res)

    def finish_source(
        self, source_id: int, status: str, error: str | None = None, parser: str | None = None
    ) -> None:
        assert status in SOURCE_STATUSES
        with self.engine.begin() as c:
            c.execute(
                text(
                    "UPDATE source SET status=:st, error=:e, parser=COALESCE(:p, parser), "
                    "updated_at=:t WHERE id=:id"
                ),
                {"st": status, "e": error, "p": parser, "t": db_ts(utcnow()), "id": source_id},
            )

    def find_source(self, path: str, sha256: str) -> tuple[int, str] | None:
        with self.engine.connect() as c:
            r = c.execute(
                text("SELECT id, status FROM source WHERE path=:p AND sha256=:s"),
                {"p": path, "s": sha256},
            ).first()
        return None if r is None else (int(r[0]), str(r[1]))

    def is_current_duplicate(self, sha256: str) -> bool:
        """Bytes already ingested whose every version is still current: nothing to do."""
        with self.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT s.id, (SELECT COUNT(*) FROM source_document sd JOIN version v "
                    "ON v.id = sd.version_id WHERE sd.source_id = s.id AND NOT v.current), "
                    "(SELECT COUNT(*) FROM source_document sd WHERE sd.source_id = s.id) "
                    "FROM source s WHERE s.sha256 = :s AND s.status IN ('ingested', 'partial')"
                ),
                {"s": sha256},
            ).all()
        return any(r[1] == 0 and r[2] > 0 for r in rows)

    def current_content(self, kind: str, external_id: str) -> str | None:
        """The content hash of a document's current version (to skip unchanged re-imports
        before any chunking)."""
        with self.engine.connect() as c:
            r = c.execute(
                text(
                    "SELECT v.content_sha256 FROM version v "
                    "JOIN document d ON d.id = v.document_id "
                    "WHERE d.kind = :k AND d.external_id = :x AND v.current "
                    "ORDER BY v.number DESC LIMIT 1"
                ),
                {"k": kind, "x": external_id},
            ).first()
        return None if r is None else str(r[0])

    def is_tombstoned(self, kind: str, key: str) -> bool:
        with self.engine.connect() as c:
            return self.is_tombstoned_conn(c, kind, key)

    # ------------------------------------------------------------------ file states
    def file_state(self, path: str) -> tuple[int, int, str, str] | None:
        with self.engine.connect() as c:
            r = c.execute(
                text("SELECT size, mtime_ns, sha256, status FROM file_state WHERE path=:p"),
                {"p": path},
            ).first()
        return None if r is None else (int(r[0]), int(r[1]), str(r[2]), str(r[3]))

    def set_file_state(self, path: str, size: int, mtime_ns: int, sha256: str, status: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO file_state (path, size, mtime_ns, sha256, status, updated_at) "
                    "VALUES (:p, :s, :m, :h, :st, :t) ON CONFLICT(path) DO UPDATE SET "
                    "size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256, "
                    "status=excluded.status, updated_at=excluded.updated_at"
                ),
                {
                    "p": path,
                    "s": size,
                    "m": mtime_ns,
                    "h": sha256,
                    "st": status,
                    "t": db_ts(utcnow()),
                },
            )

    # ------------------------------------------------------------------ clients
    def known_client(self, c: Connection, client_id: str | None) -> str | None:
        """A client id from clients.toml, or None. Clients are never made from labels in
        files (notes/0013): attribution resolves labels before anything is written."""
        if not client_id:
            return None
        row = c.execute(text("SELECT id FROM client WHERE id = :c"), {"c": client_id}).first()
        return None if row is None else str(row[0])

    def sync_clients(self, clients: Sequence[ClientSpec]) -> None:
        """Upsert clients from clients.toml (id, name, aliases)."""
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
        res = c.execute(
            Project.__table__.insert().values(name=name, client_id=client_id)  # type: ignore[attr-defined]
        )
        return _pk(res)

    # ------------------------------------------------------------------ documents
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

    def reconcile_vectors(self) -> int:
        """Remove vectors whose chunk no longer exists. Writers call it at start."""
        with self.engine.connect() as c:
            sql_ids = {int(r[0]) for r in c.execute(text("SELECT id FROM chunk"))}
        orphans = sorted(self.vectors.ids() - sql_ids)
        if orphans:
            self.vectors.delete(orphans)
        return len(orphans)

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
                text("SELECT id FROM document WHERE kind=:k AND external_id=:x"),
                {"k": doc.kind, "x": doc.external_id},
            ).first()
            created = row is None
            if row is None:
                res = c.execute(
                    Document.__table__.insert().values(  # type: ignore[attr-defined]
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
                    Version.__table__.insert().values(  # type: ignore[attr-defined]
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
                version_id = _pk(res)
                prev_version = None  # reorder links the entries
                new_version = cur is not None
            else:
                version_id, number, prev_version, new_version = (
                    int(cur[0]),
                    int(cur[1]),
                    None,
                    False,
                )
                c.execute(
                    text("UPDATE version SET content_sha256=:h WHERE id=:v"),
                    {"h": doc.content_sha256, "v": version_id},
                )
            n_chunks, changed = self._write_entries(
                c, doc, version_id, doc_id, client_id, by_entry, prev_version, stale, source_id
            )
            if doc.versioned or cur is None:
                number, becomes_current = history.reorder(c, doc_id, version_id)
            if doc.versioned and becomes_current:
                # Work items follow the current version; an older one arriving late is history.
                from .billing import sync_work_items

                sync_work_items(c, doc_id, version_id)
            c.execute(
                text(
                    "UPDATE document SET title=CASE WHEN kind = 'email' OR NOT :cur OR :keep "
                    "THEN title ELSE :t END, "
                    "updated_at=CASE WHEN updated_at > :u THEN updated_at ELSE :u END, "
                    "client_id=:c, project_id=COALESCE(:p, project_id), meta=:m WHERE id=:d"
                ),
                {
                    "t": doc.title,
                    "cur": becomes_current,  # an older version arriving late keeps the title
                    # the tail of a growing file knows no better title than the stored one
                    "keep": bool(doc.meta.get("keep_title")),
                    "u": db_ts(ts_utc),
                    "c": client_id,
                    "p": project_id,
                    "m": json.dumps(doc.meta, default=str, sort_keys=True),
                    "d": doc_id,
                },
            )
            if reassign:
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
        prev_version: int | None,
        stale: list[int],
        source_id: int | None = None,
    ) -> tuple[int, bool]:
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
        n_chunks = 0
        changed = False
        fresh_chunks: list[tuple[int, str]] = []
        entry_table = Entry.__table__  # type: ignore[attr-defined]
        chunk_table = Chunk.__table__  # type: ignore[attr-defined]
        for e in doc.entries:
            if self.is_tombstoned_conn(c, "entry", f"{doc.kind}:{doc.external_id}:{e.key}"):
                continue
            e_client = self.known_client(c, e.client)
            scope = e.scope or e_client or SCOPE_UNATTRIBUTED
            h = _entry_hash(e)
            ts, off = to_utc(e.timestamp) if e.timestamp else (None, 0)
            current = e.on_current_path
            old = existing.get(e.key)
            if old is not None:
                if old[2] == h and bool(old[3]) == e.on_current_path:
                    continue
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
                    entry_table.insert().values(
                        document_id=doc_id,
                        version_id=version_id,
                        key=e.key,
                        kind=e.kind,
                        author=e.author,
                        ts=ts,
                        tz_offset_min=off,
                        position=e.position,
                        title=e.title,
                        text=e.text,
                        client_id=e_client,
                        scope=scope,
                        source_id=source_id,
                        on_current_path=e.on_current_path,
                        current=current,
                        indexed=e.indexed,
                        content_sha256=h,
                        meta=json.dumps(_entry_meta(e), default=str, sort_keys=True),
                    )
                )
                entry_id = _pk(res)
                ids[e.key] = entry_id
                for tag in e.tags:
                    c.execute(entry_tag_insert(), {"e": entry_id, "t": tag, "o": "cue"})
            if e.indexed:
                for ch in by_entry.get(e.key, []):
                    res = c.execute(
                        chunk_table.insert().values(
                            entry_id=entry_id,
                            ord=ch.ord,
                            text=ch.text,
                            context=ch.context,
                            char_start=ch.start,
                            char_end=ch.end,
                            embedded_by=None,
                        )
                    )
                    cid = _pk(res)
                    fresh_chunks.append((cid, chunk_body(ch.context, ch.text)))
                    n_chunks += 1
        self.keyword.add(c, fresh_chunks)
        # Parents and links, now that every key has an id.
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
        if prev_version is not None:
            # A new version of a note: each section revises the same section of the previous one.
            c.execute(
                text(
                    "INSERT INTO link (kind, from_entry_id, to_entry_id) "
                    "SELECT 'revises', n.id, o.id FROM entry n JOIN entry o ON o.key = n.key "
                    "WHERE n.version_id = :new AND o.version_id = :old ON CONFLICT DO NOTHING"
                ),
                {"new": version_id, "old": prev_version},
            )
        return n_chunks, changed

    def is_tombstoned_conn(self, c: Connection, kind: str, key: str) -> bool:
        from .maintenance import tomb_key

        return (
            c.execute(
                text("SELECT 1 FROM tombstone WHERE kind=:k AND key IN (:h, :key)"),
                {"k": kind, "h": tomb_key(kind, key), "key": key},
            ).first()
            is not None
        )

    def set_client(
        self, client_id: str | None, *, entry_id: int | None = None, document_id: int | None = None
    ) -> int:
        """The user's correction of an attribution; later imports never undo it."""
        from .errors import NotFound

        with self.writer("client set"), self.engine.begin() as c:
            if client_id is not None and (
                c.execute(text("SELECT 1 FROM client WHERE id=:c"), {"c": client_id}).first()
                is None
            ):
                raise NotFound("client", client_id)
            p: dict[str, int | None]
            if entry_id is not None:
                where, p = "id = :x", {"x": entry_id}
            else:
                where, p = "document_id = :x", {"x": document_id}
                c.execute(
                    text("UPDATE document SET client_id=:c WHERE id=:x"),
                    {"c": client_id, "x": document_id},
                )
            ids = [int(r[0]) for r in c.execute(text(f"SELECT id FROM entry WHERE {where}"), p)]
            if not ids:
                raise NotFound("entry" if entry_id is not None else "document", p["x"])
            marks = ",".join(str(i) for i in ids)
            for eid, meta in c.execute(
                text(f"SELECT id, meta FROM entry WHERE id IN ({marks})")
            ).all():
                m = json.loads(meta or "{}")
                m["client_set_by"] = "user"
                c.execute(
                    text("UPDATE entry SET client_id=:c, scope=:s, meta=:m WHERE id=:i"),
                    {
                        "c": client_id,
                        # "none": the user says it is nobody's, i.e. their own material
                        "s": client_id or SCOPE_GENERAL,
                        "m": json.dumps(m, sort_keys=True),
                        "i": eid,
                    },
                )
            # Work items follow their entry's client unless already billed.
            c.execute(
                text(
                    "UPDATE work_item SET client_id=:c, "
                    "client_label=COALESCE(CAST(:c AS TEXT), ''), "
                    "problem=CASE WHEN CAST(:c AS TEXT) IS NULL THEN 'no client' ELSE NULL END "
                    f"WHERE entry_id IN ({marks}) AND (invoice_id IS NULL OR invoice_id IN "
                    "(SELECT id FROM invoice WHERE status='draft'))"
                ),
                {"c": client_id},
            )
            c.execute(
                text(
                    f"UPDATE work_item SET invoice_id=NULL WHERE entry_id IN ({marks}) AND "
                    "invoice_id IN (SELECT id FROM invoice WHERE status='draft')"
                )
            )
            chunk_ids = [
                int(r[0])
                for r in c.execute(text(f"SELECT id FROM chunk WHERE entry_id IN ({marks})"))
            ]
        # Vectors carry the scope for pre-filtering: retag them (no re-embedding).
        from .ownership import retag_vectors

        retag_vectors(self, [(i, client_id or SCOPE_GENERAL) for i in chunk_ids])
        return len(ids)

    def set_tag(self, entry_id: int, tag: str, on: bool) -> None:
        """The user's correction of a tag (origin ``user``, or ``user-removed``)."""
        from .errors import NotFound
        from .query import TAG_REMOVED

        tag = tag.strip().lower().replace("-", "_")
        if not tag:
            raise ValueError("empty tag")
        with self.writer("tag"), self.engine.begin() as c:
            if c.execute(text("SELECT 1 FROM entry WHERE id=:e"), {"e": entry_id}).first() is None:
                raise NotFound("entry", entry_id)
            c.execute(
                text("DELETE FROM entry_tag WHERE entry_id=:e AND tag=:t"),
                {"e": entry_id, "t": tag},
            )
            # A removal is kept (hidden) so that no later pass puts the tag back.
            c.execute(
                entry_tag_insert(), {"e": entry_id, "t": tag, "o": "user" if on else TAG_REMOVED}
            )

    def review_tags(self, verdicts: dict[int, set[str]]) -> dict[str, int]:
        """Apply a model's verdicts on trail tags (decision, dead_end, open_question), one
        transaction. The user's own tags are never touched; a confirmed cue becomes
        ``cue+llm``, a rejected one ``cue-rejected`` (kept, no longer shown), a tag the cues
        missed is added as ``llm``. Counts of each change."""
        from .query import TAG_REJECTED, TRAIL_TAGS

        counts = {"confirmed": 0, "rejected": 0, "added": 0}
        with self.writer("tag review"), self.engine.begin() as c:
            for entry_id, said in verdicts.items():
                have = {
                    str(r[0]): str(r[1])
                    for r in c.execute(
                        text("SELECT tag, origin FROM entry_tag WHERE entry_id = :e"),
                        {"e": entry_id},
                    )
                }
                for tag in TRAIL_TAGS:
                    origin = have.get(tag)
                    new = None
                    if tag in said and origin == "cue":
                        new, what = "cue+llm", "confirmed"
                    elif tag in said and origin is None:
                        new, what = "llm", "added"
                    elif tag not in said and origin == "cue":
                        new, what = TAG_REJECTED, "rejected"
                    if new is None:
                        continue
                    counts[what] += 1
                    if origin is None:
                        c.execute(entry_tag_insert(), {"e": entry_id, "t": tag, "o": new})
                    else:
                        c.execute(
                            text(
                                "UPDATE entry_tag SET origin = :o WHERE entry_id = :e AND tag = :t"
                            ),
                            {"o": new, "e": entry_id, "t": tag},
                        )
        return counts

    def email_thread(self, doc: ParsedDocument, window_days: int = 30) -> str:
        """The thread document a message belongs to: the thread of the same Message-ID, or of a
        message it replies to or references, else by normalized subject and shared participants
        within a time window (for mail without threading headers), else its own root."""
        e = doc.entries[0]
        hint = doc.meta.get("thread_hint") or {}
        refs = [*reversed(e.meta.get("in_reply_to", [])), *reversed(e.meta.get("references", []))]
        with self.engine.connect() as c:
            for i, k in enumerate([e.key, *refs]):
                row = c.execute(
                    text(
                        "SELECT d.external_id, d.title FROM entry x "
                        "JOIN document d ON d.id = x.document_id "
                        "WHERE x.key = :k AND d.kind = :kind LIMIT 1"
                    ),
                    {"k": k, "kind": doc.kind},
                ).first()
                if row is None:
                    continue
                if i > 0 and hint.get("new_topic") and row[1] != hint.get("subject"):
                    # A reply that deliberately changed the subject starts its own thread
                    # (its replies follow it by In-Reply-To); notes/0008-email.md.
                    return f"email:{e.key}"
                return str(row[0])
            subject = str(hint.get("subject") or "")
            if hint.get("has_thread_headers") or len(subject) < 4 or doc.timestamp is None:
                return doc.external_id
            people = set(hint.get("participants") or [])
            lo = db_ts(doc.timestamp - timedelta(days=window_days))
            hi = db_ts(doc.timestamp + timedelta(days=window_days))
            for row in c.execute(
                text(
                    "SELECT d.external_id, x.meta FROM document d JOIN entry x "
                    "ON x.document_id = d.id WHERE d.kind = :kind AND d.title = :t "
                    "AND x.ts BETWEEN :lo AND :hi AND x.kind = :kind"
                ),
                {"kind": doc.kind, "t": subject, "lo": lo, "hi": hi},
            ):
                m = json.loads(row[1] or "{}")
                theirs = {str(a[1]) for k in ("from", "to", "cc") for a in m.get(k, [])}
                if people & theirs:
                    return str(row[0])
        return doc.external_id

    def record_llm_call(self, **row: Any) -> int:
        """Audit one model call (backend, model, prompt, response, tokens, latency, error)."""
        with self.writer("audit"), self.engine.begin() as c:
            res = c.execute(
                LlmCall.__table__.insert().values(created_at=utcnow(), **row)  # type: ignore[attr-defined]
            )
            return _pk(res)

    def llm_calls(self, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT id, created_at, purpose, backend, model, prompt, response, "
                    "input_tokens, output_tokens, latency_ms, error FROM llm_call "
                    "ORDER BY id DESC LIMIT :n"
                ),
                {"n": limit},
            ).all()
        keys = (
            "id created_at purpose backend model prompt response input_tokens output_tokens "
            "latency_ms error"
        ).split()
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # ------------------------------------------------------------------ vectors
    def pending_count(self) -> int:
        with self.engine.connect() as c:
            return int(
                c.execute(
                    text(
                        "SELECT COUNT(*) FROM chunk WHERE embedded_by IS NULL OR embedded_by != :e"
                    ),
                    {"e": self.embedder.id},
                ).scalar_one()
            )

    def embed_pending(self, batch: int = 256, limit: int | None = None) -> int:
        """Embed chunks that have no vector from the configured embedder.

        The model runs *outside* the writer lock (it is the slow part; other writers — the UI,
        an invoice, a second machine — should not wait for it); only storing the vectors and
        marking the chunks takes the lock, and then only for chunks that still exist and are
        still unembedded (chunk ids are never reused, so a vector never lands on another text).
        """
        done = 0
        while limit is None or done < limit:
            with self.engine.connect() as c:
                rows = c.execute(
                    text(
                        "SELECT c.id, c.context, c.text, e.id, e.document_id, e.client_id, e.kind "
                        "FROM chunk c JOIN entry e ON e.id = c.entry_id "
                        "WHERE c.embedded_by IS NULL OR c.embedded_by != :e "
                        "ORDER BY c.id LIMIT :n"
                    ),
                    {"e": self.embedder.id, "n": batch},
                ).all()
            if not rows:
                break
            vecs = self.embedder.embed([chunk_body(r[1], r[2]) for r in rows])
            with self.writer("embed"):
                marks = ",".join(str(int(r[0])) for r in rows)
                with self.engine.connect() as c:
                    # Client corrections may have changed an entry's client meanwhile: the
                    # metadata is read again under the lock.
                    live = {
                        int(r[0]): r
                        for r in c.execute(
                            text(
                                "SELECT c.id, e.id, e.document_id, e.scope, e.kind "
                                "FROM chunk c JOIN entry e ON e.id = c.entry_id "
                                f"WHERE c.id IN ({marks}) AND "
                                "(c.embedded_by IS NULL OR c.embedded_by != :e)"
                            ),
                            {"e": self.embedder.id},
                        )
                    }
                keep = [
                    (int(r[0]), v) for r, v in zip(rows, vecs, strict=True) if int(r[0]) in live
                ]
                if keep:
                    ids = [i for i, _ in keep]
                    metas = [
                        {
                            "entry_id": int(live[i][1]),
                            "document_id": int(live[i][2]),
                            "client": live[i][3],  # the scope (notes/0013)
                            "kind": live[i][4],
                        }
                        for i in ids
                    ]
                    self.vectors.upsert(ids, [v for _, v in keep], metas)
                    with self.engine.begin() as c:
                        done_marks = ",".join(str(i) for i in ids)
                        c.execute(
                            text(f"UPDATE chunk SET embedded_by=:e WHERE id IN ({done_marks})"),
                            {"e": self.embedder.id},
                        )
            done += len(rows)
        return done

    # ------------------------------------------------------------------ blobs
    def store_blob(self, sha256: str, data: bytes) -> Path:
        return self.blobs.put(sha256, data)

    def has_blob(self, sha256: str) -> bool:
        return self.blobs.has(sha256)

    def read_blob(self, sha256: str) -> bytes:
        return self.blobs.read(sha256)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs.path(sha256)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as c:
            yield c


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


__all__ = ["EmbedReport", "EntryTag", "Vault", "chunk_body", "make_engine", "slugify"]
