"""The user's corrections: who an entry belongs to, its tags, and a model's verdicts on the
cue tags (the user's own tags always win).
"""

from __future__ import annotations

import json

from sqlalchemy import text

from .base import (
    VaultBase,
    entry_tag_insert,
)
from .records import (
    SCOPE_GENERAL,
    SCOPE_UNATTRIBUTED,
)


class CorrectionsMixin(VaultBase):
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
                # what the user chose, where re-attribution never writes: while the client is
                # missing from clients.toml (an editor saving in place, an id renamed and back)
                # the entry's client column is not it (QA, session 17: a correction came back
                # as general material)
                m["client_set_to"] = client_id or SCOPE_GENERAL
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

    def unset_client(
        self, *, entry_id: int | None = None, document_id: int | None = None
    ) -> tuple[list[int], list[int]]:
        """Undo the user's corrections of who an entry (or each entry of a document) belongs
        to, so attribution decides it again: (the entries released, their documents). The same
        words under the same key in the document's other versions carried the correction
        (``_carry_corrections``), so they are released with it. Nothing is re-decided here:
        the caller re-attributes the documents."""
        from .errors import NotFound

        with self.writer("client set"), self.engine.begin() as c:
            if entry_id is not None:
                row = c.execute(
                    text("SELECT document_id, key, text FROM entry WHERE id=:i"), {"i": entry_id}
                ).first()
                if row is None:
                    raise NotFound("entry", entry_id)
                where = "document_id=:d AND key=:k AND text=:t"
                p: dict[str, object] = {"d": row[0], "k": row[1], "t": row[2]}
            else:
                if (
                    c.execute(
                        text("SELECT 1 FROM document WHERE id=:d"), {"d": document_id}
                    ).first()
                    is None
                ):
                    raise NotFound("document", document_id)
                where, p = "document_id=:d", {"d": document_id}
            released: list[int] = []
            docs: set[int] = set()
            for eid, doc, meta in c.execute(
                text(f"SELECT id, document_id, meta FROM entry WHERE {where}"), p
            ).all():
                m = json.loads(meta or "{}")
                if m.get("client_set_by") != "user":
                    continue
                m.pop("client_set_by", None)
                m.pop("client_set_to", None)
                # nobody's until decided again: a stop before that hides the entry, never
                # leaves it in the scope the user took back (review, session 31)
                c.execute(
                    text("UPDATE entry SET meta=:m, client_id=NULL, scope=:s WHERE id=:i"),
                    {"m": json.dumps(m, sort_keys=True), "s": SCOPE_UNATTRIBUTED, "i": eid},
                )
                released.append(int(eid))
                docs.add(int(doc))
            marks = ",".join(str(i) for i in released) or "NULL"
            chunks = [
                int(r[0])
                for r in c.execute(text(f"SELECT id FROM chunk WHERE entry_id IN ({marks})"))
            ]
        from .ownership import retag_vectors

        retag_vectors(self, [(i, SCOPE_UNATTRIBUTED) for i in chunks])
        return released, sorted(docs)

    def known_tags(self) -> list[str]:
        """The trail's own tags and every tag in use (shown), sorted."""
        from .query import SHOWN_TAGS_SQL
        from .records import TAGS

        with self.engine.connect() as c:
            used = {
                str(r[0])
                for r in c.execute(
                    text(f"SELECT DISTINCT tag FROM entry_tag WHERE {SHOWN_TAGS_SQL}")
                )
            }
        return sorted({*TAGS, *used})

    def set_tag(self, entry_id: int, tag: str, on: bool) -> bool:
        """The user's correction of a tag (origin ``user``, or ``user-removed``). Whether the
        entry showed the tag before."""
        from .errors import NotFound
        from .query import SHOWN_TAGS_SQL, TAG_REMOVED

        tag = tag.strip().lower().replace("-", "_")
        if not tag:
            raise ValueError("empty tag")
        with self.writer("tag"), self.engine.begin() as c:
            if c.execute(text("SELECT 1 FROM entry WHERE id=:e"), {"e": entry_id}).first() is None:
                raise NotFound("entry", entry_id)
            had = (
                c.execute(
                    text(
                        f"SELECT 1 FROM entry_tag WHERE entry_id=:e AND tag=:t AND {SHOWN_TAGS_SQL}"
                    ),
                    {"e": entry_id, "t": tag},
                ).first()
                is not None
            )
            c.execute(
                text("DELETE FROM entry_tag WHERE entry_id=:e AND tag=:t"),
                {"e": entry_id, "t": tag},
            )
            # A removal is kept (hidden) so that no later pass puts the tag back.
            c.execute(
                entry_tag_insert(), {"e": entry_id, "t": tag, "o": "user" if on else TAG_REMOVED}
            )
        return had

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


__all__ = ["CorrectionsMixin"]
