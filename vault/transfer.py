"""`trailkeep migrate-to`: move an embedded vault (SQLite + Chroma on disk + blobs) to servers
(PostgreSQL + a Chroma server, blobs to a shared folder), checked by comparing dumps.

Rows are copied table by table in dependency order with their ids (so links, versions and
citations keep pointing at the same things), then PostgreSQL's id sequences are moved past them.
Vectors are copied as stored (no re-embedding). The target database must be empty (migrated
here, to the same schema version). Nothing is deleted from the source.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import text

from .embedder import Embedder
from .errors import TransferError
from .records import CLIENT_MARKERS
from .settings import Settings
from .store import Vault

# Parents before children (foreign keys).
TABLES = (
    "client",
    "project",
    "source",
    "document",
    "version",
    "entry",
    "link",
    "entry_tag",
    "chunk",
    "source_document",
    "tombstone",
    "file_state",
    "vault_meta",
    "llm_call",
    "invoice",
    "work_item",
    "invoice_line",
    "invoice_counter",
)
BOOLEAN_COLUMNS = {
    "version": ("current",),
    "entry": ("on_current_path", "current", "indexed"),
    "work_item": ("removed",),
}
BATCH = 2000


@dataclass(frozen=True)
class TransferReport:
    rows: dict[str, int]
    vectors: int
    blobs: int
    dumps_equal: bool


def migrate_to(
    source: Vault,
    embedder: Embedder,
    database_url: str,
    chroma_url: str | None,
    chroma_token: str | None = None,
    blobs_dir: Path | None = None,
    vector_namespace: str = "",
) -> TransferReport:
    from .maintenance import dump
    from .space import ensure_room, ensure_room_for

    ensure_room_for(source.settings)
    if blobs_dir is not None:
        size = sum(f.stat().st_size for f in source.settings.blobs.rglob("*") if f.is_file())
        ensure_room(blobs_dir, size, source.settings.min_free_bytes, home=source.settings.home)
    if not source.settings.embedded:
        raise TransferError("the source vault is already on a database server")
    target_settings: Settings = replace(
        source.settings,
        database_url=database_url,
        chroma_url=chroma_url,
        chroma_token=chroma_token,
        blobs_dir=blobs_dir or source.settings.blobs,
        vector_namespace=vector_namespace,
    )
    target = Vault.open(target_settings, embedder)
    try:
        with target.engine.connect() as c:
            if c.execute(text("SELECT COUNT(*) FROM document")).scalar_one():
                raise TransferError("the target database already holds a vault; use an empty one")
        rows: dict[str, int] = {}
        with source.writer("migrate-to"), target.writer("migrate-to"):
            with source.engine.connect() as src, target.engine.begin() as dst:
                dst.execute(text("DELETE FROM client"))  # clients.toml sync; copied with ids
                # (and what names each client, kept beside them: copied too)
                dst.execute(text("DELETE FROM vault_meta WHERE key = :k"), {"k": CLIENT_MARKERS})
                for table in TABLES:
                    rows[table] = _copy_table(src, dst, table)
                for table in TABLES:
                    if table in ("entry_tag", "source_document", "invoice_counter"):
                        continue
                    if table in ("client", "file_state", "vault_meta"):
                        continue  # text keys, no sequence
                    dst.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                        )
                    )
                # The keyword index is rebuilt from the chunks (same text, other engine).
                target.keyword.add(
                    dst,
                    [
                        (int(r[0]), _body(str(r[1]), str(r[2])))
                        for r in src.execute(text("SELECT id, context, text FROM chunk"))
                    ],
                )
            vectors = _copy_vectors(source, target)
            blobs = _copy_blobs(source.settings.blobs, target.settings.blobs)
        equal = dump(source) == dump(target)
        return TransferReport(rows, vectors, blobs, equal)
    finally:
        target.close()


def _body(context: str, body: str) -> str:
    from .store import chunk_body

    return chunk_body(context, body)


def _copy_table(src: object, dst: object, table: str) -> int:
    from sqlalchemy import Connection

    assert isinstance(src, Connection) and isinstance(dst, Connection)
    result = src.execute(text(f"SELECT * FROM {table}"))
    cols = list(result.keys())
    bools = BOOLEAN_COLUMNS.get(table, ())
    sql = text(
        f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
    )
    n = 0
    while True:
        batch = result.fetchmany(BATCH)
        if not batch:
            break
        data = []
        for r in batch:
            row = dict(r._mapping)
            for b in bools:
                if row.get(b) is not None:
                    row[b] = bool(row[b])
            data.append(row)
        dst.execute(sql, data)
        n += len(data)
    return n


def _copy_vectors(source: Vault, target: Vault) -> int:
    col = source.vectors._collection(False)
    if col is None:
        return 0
    n, offset = 0, 0
    while True:
        got = col.get(include=["embeddings", "metadatas"], limit=1000, offset=offset)
        ids = got["ids"]
        if not ids:
            break
        target.vectors.upsert([int(i) for i in ids], got["embeddings"], got["metadatas"])
        n += len(ids)
        offset += len(ids)
    return n


def _copy_blobs(src: Path, dst: Path) -> int:
    if src.resolve() == dst.resolve():
        return 0
    n = 0
    for p in src.rglob("*"):
        if p.is_file():
            target = dst / p.relative_to(src)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copy2(p, target)
                n += 1
    return n


__all__ = [
    "BATCH",
    "BOOLEAN_COLUMNS",
    "TABLES",
    "TransferError",
    "TransferReport",
    "migrate_to",
]
