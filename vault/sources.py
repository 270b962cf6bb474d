"""Sources and file states: the source rows of ingested files, duplicates, tombstones,
what the vault remembers of files on disk, and the original bytes (blobs/).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from .base import (
    SOURCE_STATUSES,
    VaultBase,
    _pk,
    schema_table,
    utcnow,
)
from .records import (
    db_ts,
    parse_db_ts,
)


class SourcesMixin(VaultBase):
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
                schema_table("Source")
                .insert()
                .values(
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

    def sources_at(self, path: str) -> list[int]:
        """Ids of the sources read from ``path`` (its versions), not already forgotten."""
        with self.engine.connect() as c:
            rows = c.execute(
                text("SELECT id FROM source WHERE path=:p AND status != 'forgotten' ORDER BY id"),
                {"p": path},
            ).all()
        return [int(r[0]) for r in rows]

    def paths_named(self, name: str) -> list[str]:
        """The paths of the sources (not forgotten) whose file is called ``name`` — the name
        a citation shows ("[a5_forward.eml]")."""
        with self.engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT DISTINCT path FROM source WHERE name=:n AND status != 'forgotten' "
                    "ORDER BY path"
                ),
                {"n": name},
            ).all()
        return [str(r[0]) for r in rows]

    def find_source(self, path: str, sha256: str) -> tuple[int, str] | None:
        with self.engine.connect() as c:
            r = c.execute(
                text("SELECT id, status FROM source WHERE path=:p AND sha256=:s"),
                {"p": path, "s": sha256},
            ).first()
        return None if r is None else (int(r[0]), str(r[1]))

    def renamed_from(self, path: str, kind: str, before: int) -> tuple[str, list[str]] | None:
        """What ``path`` held last, before source ``before``, when those were the very bytes
        of exactly one ``kind`` document read from elsewhere: (its external id, the paths it
        read those bytes from). None for anything else. Whether those files are gone — a
        rename, not a copy — is the caller's to check."""
        with self.engine.connect() as c:
            last = c.execute(
                text(
                    "SELECT sha256, status FROM source WHERE path = :p AND id < :b "
                    "AND status IN ('duplicate', 'ingested', 'partial') ORDER BY id DESC LIMIT 1"
                ),
                {"p": path, "b": before},
            ).first()
            if last is None or last[1] != "duplicate":
                return None
            rows = c.execute(
                text(
                    "SELECT s.path, d.external_id FROM source s "
                    "JOIN source_document sd ON sd.source_id = s.id "
                    "JOIN document d ON d.id = sd.document_id "
                    "WHERE s.sha256 = :s AND s.status IN ('ingested', 'partial') "
                    "AND d.kind = :k AND s.path <> :p"
                ),
                {"s": last[0], "k": kind, "p": path},
            ).all()
        owners = {str(r[1]) for r in rows}
        if len(owners) != 1:
            return None
        return owners.pop(), sorted({str(r[0]) for r in rows})

    def rekey_document(self, kind: str, old: str, new: str) -> None:
        """The document known as ``old`` is known as ``new`` from now on (its file was
        renamed); ``old`` is kept in its meta as ``formerly``, so what was forgotten of it
        stays forgotten (entry tombstones name the identity they were made under) and a
        forget of the document covers its old identity too."""
        import json

        with self.writer("rename"), self.engine.begin() as c:
            row = c.execute(
                text("SELECT id, meta FROM document WHERE kind = :k AND external_id = :x"),
                {"k": kind, "x": old},
            ).first()
            if row is None:
                return
            meta = json.loads(str(row[1] or "{}"))
            meta["formerly"] = sorted({*meta.get("formerly", []), old})
            c.execute(
                text("UPDATE document SET external_id = :n, meta = :m WHERE id = :d"),
                {"n": new, "m": json.dumps(meta, default=str, sort_keys=True), "d": row[0]},
            )

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
        r = self._current_version(kind, external_id, "content_sha256")
        return None if r is None else str(r)

    def current_time(self, kind: str, external_id: str) -> datetime | None:
        """The time of a document's current version (aware UTC), or None."""
        r = self._current_version(kind, external_id, "created_at")
        return None if r is None else parse_db_ts(r)

    def first_time(self, kind: str, external_id: str) -> tuple[datetime | None, dict[str, Any]]:
        """(the time of a document's first version in time order (aware UTC), the meta its
        last stored text was read with: how it was dated), or (None, {})."""
        with self.engine.connect() as c:
            r = c.execute(
                text(
                    "SELECT MIN(v.created_at), MAX(d.meta) FROM version v JOIN document d "
                    "ON d.id = v.document_id WHERE d.kind = :k AND d.external_id = :x"
                ),
                {"k": kind, "x": external_id},
            ).first()
        if r is None or r[0] is None:
            return None, {}
        meta = json.loads(str(r[1] or "{}"))
        return parse_db_ts(r[0]), meta if isinstance(meta, dict) else {}

    def _current_version(self, kind: str, external_id: str, column: str) -> object:
        """One column of a document's current version (its newest, should two be current)."""
        with self.engine.connect() as c:
            r = c.execute(
                text(
                    f"SELECT v.{column} FROM version v JOIN document d ON d.id = v.document_id "
                    "WHERE d.kind = :k AND d.external_id = :x AND v.current "
                    "ORDER BY v.number DESC LIMIT 1"
                ),
                {"k": kind, "x": external_id},
            ).first()
        return None if r is None else r[0]

    def earlier_problems(self, path: str, source_id: int) -> list[tuple[int, str]]:
        """(id, name) of the failed or partial sources of ``path`` before ``source_id``: read
        successfully since, they are history (their quarantine copies can go)."""
        with self.engine.connect() as c:
            return [
                (int(r[0]), str(r[1]))
                for r in c.execute(
                    text(
                        "SELECT id, name FROM source WHERE path=:p AND id < :i "
                        "AND status IN ('failed', 'partial')"
                    ),
                    {"p": path, "i": source_id},
                )
            ]

    def is_tombstoned(self, kind: str, key: str) -> bool:
        with self.engine.connect() as c:
            return self.is_tombstoned_conn(c, kind, key)

    def has_tombstones(self, c: Connection, kind: str) -> bool:
        """Whether anything of this kind was ever forgotten (most vaults: nothing)."""
        row = c.execute(text("SELECT 1 FROM tombstone WHERE kind=:k LIMIT 1"), {"k": kind})
        return row.first() is not None

    def is_tombstoned_conn(self, c: Connection, kind: str, key: str) -> bool:
        from .maintenance import tomb_key

        return (
            c.execute(
                text("SELECT 1 FROM tombstone WHERE kind=:k AND key IN (:h, :key)"),
                {"k": kind, "h": tomb_key(kind, key), "key": key},
            ).first()
            is not None
        )

    def file_state(self, path: str) -> tuple[int, int, str, str, datetime | None] | None:
        """(size, mtime_ns, sha256, status, when it was recorded) of the file last read at
        ``path``."""
        with self.engine.connect() as c:
            r = c.execute(
                text(
                    "SELECT size, mtime_ns, sha256, status, updated_at FROM file_state "
                    "WHERE path=:p"
                ),
                {"p": path},
            ).first()
        if r is None:
            return None
        return (int(r[0]), int(r[1]), str(r[2]), str(r[3]), parse_db_ts(r[4]))

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

    def drop_blob_unless_held(self, sha256: str, source_id: int) -> bool:
        """Delete the blob of ``source_id``'s bytes unless another source, not forgotten,
        holds them too. True when it went."""
        with self.engine.connect() as c:
            held = c.execute(
                text(
                    "SELECT 1 FROM source WHERE sha256=:h AND id != :s "
                    "AND status != 'forgotten' LIMIT 1"
                ),
                {"h": sha256, "s": source_id},
            ).first()
        if held is None:
            self.blobs.delete(sha256)
        return held is None

    def paths_holding(self, shas: Sequence[str]) -> list[str]:
        """The paths the sources of these bytes came from (not forgotten), sorted."""
        if not shas:
            return []
        with self.engine.connect() as c:
            return sorted(
                {
                    str(r[0])
                    for sha in shas
                    for r in c.execute(
                        text("SELECT path FROM source WHERE sha256=:h AND status != 'forgotten'"),
                        {"h": sha},
                    )
                }
            )

    def store_blob(self, sha256: str, data: bytes, *, heal: bool = False) -> Path:
        return self.blobs.put(sha256, data, heal=heal)

    def has_blob(self, sha256: str) -> bool:
        return self.blobs.has(sha256)

    def read_blob(self, sha256: str) -> bytes:
        return self.blobs.read(sha256)

    def blob_path(self, sha256: str) -> Path:
        return self.blobs.path(sha256)


__all__ = ["SourcesMixin"]
