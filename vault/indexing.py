"""Vectors: embedding chunks that have none from the configured embedder (outside the writer
lock, storing under it) and removing vectors whose chunk is gone. SQL is the truth.
"""

from __future__ import annotations

from sqlalchemy import text

from .base import (
    VaultBase,
    chunk_body,
)


class IndexingMixin(VaultBase):
    def reconcile_vectors(self) -> int:
        """Remove vectors whose chunk no longer exists. Writers call it at start.

        Takes the writer lock for the comparison (a chunk written meanwhile would look like an
        orphan), but imports Chroma and connects before it: that is ~0.6 s, and the page's
        first vault open waited for it behind `trailkeep ui`'s watcher (bench/ui.py)."""
        self.vectors.ready()
        with self.writer("recover"):
            with self.engine.connect() as c:
                sql_ids = {int(r[0]) for r in c.execute(text("SELECT id FROM chunk"))}
            orphans = sorted(self.vectors.ids() - sql_ids)
            if orphans:
                self.vectors.delete(orphans)
            return len(orphans)

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


__all__ = ["IndexingMixin"]
