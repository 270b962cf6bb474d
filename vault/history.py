"""Version history: the SQL behind `when`, `diff` and the trail's changes, and the rules that
place a document's versions in time (notes/0014-time-questions.md).

Write side — called by :meth:`Vault._write_document` inside its transaction:

- :func:`same_version`: are these bytes a version this document already has (a no-op), or new
  (also a *revert*: a path whose bytes went back to older content after it had moved on)?
- :func:`reorder`: after a version is added, versions are ordered by the note's own time (ties:
  arrival), numbered 1..n in that order, the last one is current, and each version (and each of
  its entries, by key) revises the one before it in that order.

Read side: :func:`phrase_entries` (exact-phrase candidates through the keyword index),
:func:`document_versions`, :func:`version_entries`, :func:`lineages`, :func:`passing`.
Readers never take the writer lock and never write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from .errors import NotFound
from .keyword import normalize_for_index, strip_diacritics
from .records import Hit, from_utc

if TYPE_CHECKING:
    from .query import Filters
    from .store import Vault

_BATCH = 500


# ---------------------------------------------------------------------------------- write side
def same_version(
    c: Connection, doc_id: int, content_sha256: str, source_id: int | None
) -> tuple[int, int] | None:
    """(version id, number) when ``content_sha256`` is a version this document already has and
    the write is a no-op; None when it makes a new version.

    Bytes equal to *any* known version are a no-op — the same file ingested again, a folder of
    versions re-ingested in any order, a copy under another path — except a **revert**: the
    path these bytes come from last produced a *different* version that is *later* in time
    order than the newest version with these bytes (the file was edited back to old content).
    Without a source (nothing to tell a copy from a revert) only the current version's bytes
    are a no-op, as before.
    """
    rows = c.execute(
        text(
            "SELECT id, number, current FROM version WHERE document_id = :d "
            "AND content_sha256 = :h ORDER BY number"
        ),
        {"d": doc_id, "h": content_sha256},
    ).all()
    if not rows:
        return None
    for r in rows:
        if r[2]:
            return int(r[0]), int(r[1])
    if source_id is None:
        return None
    newest = rows[-1]
    # The version this path produced most recently (by arrival: version ids only grow).
    last = c.execute(
        text(
            "SELECT v.id, v.number, v.content_sha256 FROM version v "
            "JOIN source_document sd ON sd.version_id = v.id "
            "JOIN source s ON s.id = sd.source_id "
            "WHERE v.document_id = :d AND sd.document_id = :d "
            "AND s.path = (SELECT path FROM source WHERE id = :s) "
            "ORDER BY v.id DESC LIMIT 1"
        ),
        {"d": doc_id, "s": source_id},
    ).first()
    if last is None:
        return int(newest[0]), int(newest[1])  # a path that never held this document: a copy
    if str(last[2]) == content_sha256:
        return int(last[0]), int(last[1])  # the same file again
    if int(last[1]) > int(newest[1]):
        return None  # the path had moved on to later content and came back: a revert
    return int(newest[0]), int(newest[1])


def reorder(c: Connection, doc_id: int, added: int) -> tuple[int, bool]:
    """Place the versions of ``doc_id`` in time order after version ``added`` was inserted
    (with its entries); returns the added version's (number, is current).

    Order: the version's own time (``version.created_at``: the note's front-matter
    updated/date, else the date in its file name, else its mtime), ties by arrival (``id``).
    Only what differs is written, so a version arriving last (the usual case) costs a few
    updates; one arriving late is spliced in: later numbers shift up by one, and the version
    after it now revises it (``version.revises_id`` and its entries' ``revises`` links by key).
    The added version's entries were written with the parser's ``current``; they are cleared
    when it does not become current. Entries of other versions change ``current`` only when
    their version's does (a chat's branches keep theirs: a chat has one version).
    """
    rows = c.execute(
        text(
            "SELECT id, number, current, revises_id FROM version WHERE document_id = :d "
            "ORDER BY created_at, id"
        ),
        {"d": doc_id},
    ).all()
    ids = [int(r[0]) for r in rows]
    if [int(r[1]) for r in rows] != list(range(1, len(rows) + 1)):
        # Two passes: UNIQUE (document_id, number) holds after every statement.
        c.execute(text("UPDATE version SET number = -number WHERE document_id = :d"), {"d": doc_id})
        for n, vid in enumerate(ids, 1):
            c.execute(text("UPDATE version SET number = :n WHERE id = :v"), {"n": n, "v": vid})
    last = ids[-1]
    for i, r in enumerate(rows):
        vid, was_current, revises = int(r[0]), bool(r[2]), r[3]
        now_current = vid == last
        if now_current != was_current or vid == added:
            c.execute(
                text("UPDATE version SET current = :c WHERE id = :v"),
                {"c": now_current, "v": vid},
            )
            if vid != added or not now_current:
                c.execute(
                    text("UPDATE entry SET current = :c WHERE version_id = :v"),
                    {"c": now_current, "v": vid},
                )
        prev = ids[i - 1] if i > 0 else None
        if (None if revises is None else int(revises)) != prev or vid == added:
            _relink(c, doc_id, vid, prev)
    return ids.index(added) + 1, added == last


def _relink(c: Connection, doc_id: int, vid: int, prev: int | None) -> None:
    """Version ``vid`` revises ``prev``; so does each of its entries the entry with its key."""
    c.execute(
        text("UPDATE version SET revises_id = :p WHERE id = :v"),
        {"p": prev, "v": vid},
    )
    c.execute(
        text(
            "DELETE FROM link WHERE kind = 'revises' AND from_entry_id IN "
            "(SELECT id FROM entry WHERE version_id = :v) AND to_entry_id IN "
            "(SELECT id FROM entry WHERE document_id = :d AND version_id <> :v)"
        ),
        {"v": vid, "d": doc_id},
    )
    if prev is not None:
        parts = _parts(c, prev)
        pairs = []
        for entry_id, key, kind in _entries_of(c, vid):
            old = parts.get((kind, key)) or parts.get((kind, part_of(key, kind)))
            if old is not None:
                pairs.append({"n": entry_id, "o": old})
        if pairs:
            c.execute(
                text(
                    "INSERT INTO link (kind, from_entry_id, to_entry_id) "
                    "VALUES ('revises', :n, :o) ON CONFLICT DO NOTHING"
                ),
                pairs,
            )


def _entries_of(c: Connection, version_id: int) -> list[tuple[int, str, str]]:
    rows = c.execute(
        text("SELECT id, key, kind FROM entry WHERE version_id = :v ORDER BY position, id"),
        {"v": version_id},
    ).all()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


def _parts(c: Connection, version_id: int) -> dict[tuple[str, str], int]:
    """(kind, key) and (kind, part) -> entry id, for the entries of one version."""
    out: dict[tuple[str, str], int] = {}
    for entry_id, key, kind in _entries_of(c, version_id):
        out.setdefault((kind, key), entry_id)
        out.setdefault((kind, part_of(key, kind)), entry_id)
    return out


_NUMBERED = re.compile(r" (#\d+)$")


def part_of(key: str, kind: str) -> str:
    """Which part of its document an entry is, whatever the document was called: a note
    section's key starts with the note's title ("Spec > Scope", "Spec #2" for a plain-text
    note's second block, "Spec" for the text before the first heading), so a renamed note — or
    one note kept as dated files with no title, each named after its file — linked no section
    to its previous version (QA, session 13). The part is the key without that title: "Scope",
    "#2", "". Other entries (messages, mail) are their key. Keys themselves stay: a forgotten
    section is remembered by its key."""
    if kind != "section":
        return key
    _, sep, rest = key.partition(" > ")
    if sep:
        return rest
    numbered = _NUMBERED.search(key)
    return numbered.group(1) if numbered else ""


# ----------------------------------------------------------------------------------- read side
@dataclass(frozen=True)
class EntryRow:
    """One entry of one version, with what `when`, `diff` and the trail need to show it."""

    entry_id: int
    document_id: int
    document: str
    document_kind: str
    version_id: int
    version: int  # the version's number: its place in time order
    version_current: bool
    current: bool  # the entry's own flag (a chat message off the active branch is not)
    key: str
    kind: str
    title: str
    text: str
    timestamp: datetime | None  # the entry's time, else its version's, offset restored
    client: str | None
    source: str | None
    position: int
    chunk_id: int  # its first chunk (0 when it has none)

    def as_hit(self, quote: str = "", score: float = 0.0) -> Hit:
        """This entry as a search hit: the quote given, else the whole text."""
        return Hit(
            score=score,
            chunk_id=self.chunk_id,
            document_id=self.document_id,
            document=self.document,
            entry_id=self.entry_id,
            version=self.version,
            timestamp=self.timestamp,
            client=self.client,
            kind=self.kind,
            current=self.current,
            quote=quote or self.text,
            source=self.source,
            document_kind=self.document_kind,
            title=self.title,
        )


@dataclass(frozen=True)
class VersionRow:
    id: int
    number: int
    timestamp: datetime | None
    current: bool
    content_sha256: str
    source: str | None
    revises_id: int | None


_ENTRY_COLUMNS = (
    "e.id, e.document_id, d.title, d.kind, v.id, v.number, v.current, e.current, e.key, "
    "e.kind, e.title, e.text, COALESCE(e.ts, v.created_at), "
    "CASE WHEN e.ts IS NULL THEN v.tz_offset_min ELSE e.tz_offset_min END, e.client_id, "
    "COALESCE(es.name, s.name), e.position, "
    "(SELECT MIN(ch.id) FROM chunk ch WHERE ch.entry_id = e.id)"
)
_ENTRY_JOINS = (
    "JOIN document d ON d.id = e.document_id JOIN version v ON v.id = e.version_id "
    "LEFT JOIN source s ON s.id = v.source_id LEFT JOIN source es ON es.id = e.source_id"
)


def _entry_row(r: Any) -> EntryRow:
    return EntryRow(
        entry_id=int(r[0]),
        document_id=int(r[1]),
        document=str(r[2]),
        document_kind=str(r[3]),
        version_id=int(r[4]),
        version=int(r[5]),
        version_current=bool(r[6]),
        current=bool(r[7]),
        key=str(r[8]),
        kind=str(r[9]),
        title=str(r[10] or ""),
        text=str(r[11]),
        timestamp=from_utc(r[12], r[13]),
        client=None if r[14] is None else str(r[14]),
        source=None if r[15] is None else str(r[15]),
        position=int(r[16]),
        chunk_id=int(r[17] or 0),
    )


def entry_rows(vault: Vault, entry_ids: Sequence[int]) -> list[EntryRow]:
    """The entries with these ids (any order; missing ids are skipped)."""
    out: list[EntryRow] = []
    ids = sorted({int(i) for i in entry_ids})
    with vault.engine.connect() as c:
        for i in range(0, len(ids), _BATCH):
            marks = ",".join(str(x) for x in ids[i : i + _BATCH])
            sql = f"SELECT {_ENTRY_COLUMNS} FROM entry e {_ENTRY_JOINS} WHERE e.id IN ({marks})"
            out.extend(_entry_row(r) for r in c.execute(text(sql)))
    return out


_SENTENCE_END = re.compile(r"[.!?]+\s+")
_TOKEN = re.compile(r"[^\W_]+")


def fts_phrase(phrase: str) -> str:
    """The part of ``phrase`` the keyword index is asked for: its longest run inside one
    sentence (chunks are cut at blank lines and sentence ends, never inside a sentence but as
    a last resort, so such a run is always inside one chunk). Empty when it has no word."""
    parts = [p for p in _SENTENCE_END.split(phrase) if _TOKEN.search(p)]
    if not parts:
        return ""
    return max(parts, key=lambda p: len(_TOKEN.findall(p)))


def phrase_entries(vault: Vault, phrase: str, filters: Filters) -> list[EntryRow]:
    """Every entry — of every version of every document — whose chunks the keyword index
    matches for ``phrase`` as a phrase (SQLite FTS5: the tokens in order; PostgreSQL: every
    token). A superset of the exact matches: the tokenizer folds case, diacritics, stems and
    punctuation, so the caller verifies each candidate against the entry text. ``filters``
    as in search (``client``: ``e.scope IN (client, '*')``; ``document_id``; kinds; dates)."""
    part = fts_phrase(phrase)
    if not part:
        return []
    where, params = filters.sql()
    with vault.engine.connect() as c:
        if vault.keyword.name == "postgres-fts":
            p: dict[str, object] = {"phrase": strip_diacritics(normalize_for_index(part))}
            match = "f.tsv @@ plainto_tsquery('english', :phrase)"
            join = "chunk_fts f JOIN chunk c ON c.id = f.chunk_id"
            empty = "SELECT numnode(plainto_tsquery('english', :phrase))"
            if not c.execute(text(empty), p).scalar_one():
                # Only stop words ("to be or not to be"): no query; LIKE on its longest word.
                longest = max(_TOKEN.findall(part), key=len)
                p = {"phrase": f"%{longest}%"}
                match, join = "e.text ILIKE :phrase", "chunk c"
        else:
            # One FTS5 string: its tokenizer splits it like the indexed text, in order.
            match = "chunk_fts MATCH :phrase"
            join = "chunk_fts f JOIN chunk c ON c.id = f.rowid"
            p = {"phrase": '"' + normalize_for_index(part).replace('"', '""') + '"'}
        sql = (
            f"SELECT DISTINCT c.entry_id FROM {join} JOIN entry e ON e.id = c.entry_id "
            f"JOIN document d ON d.id = e.document_id WHERE {match} AND {where}"
        )
        ids = [int(r[0]) for r in c.execute(text(sql), {**p, **params})]
    return entry_rows(vault, ids)


def document_title(vault: Vault, document_id: int) -> str:
    """The document's title; :class:`NotFound` when there is no such document."""
    with vault.engine.connect() as c:
        r = c.execute(text("SELECT title FROM document WHERE id = :d"), {"d": document_id}).first()
    if r is None:
        raise NotFound("document", document_id)
    return str(r[0])


def document_versions(vault: Vault, document_id: int) -> list[VersionRow]:
    """The document's versions in time order (their numbers); NotFound for no document."""
    document_title(vault, document_id)
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT v.id, v.number, v.created_at, v.tz_offset_min, v.current, "
                "v.content_sha256, s.name, v.revises_id FROM version v "
                "LEFT JOIN source s ON s.id = v.source_id WHERE v.document_id = :d "
                "ORDER BY v.number"
            ),
            {"d": document_id},
        ).all()
    return [
        VersionRow(
            id=int(r[0]),
            number=int(r[1]),
            timestamp=from_utc(r[2], r[3]),
            current=bool(r[4]),
            content_sha256=str(r[5]),
            source=None if r[6] is None else str(r[6]),
            revises_id=None if r[7] is None else int(r[7]),
        )
        for r in rows
    ]


def version_entries(vault: Vault, version_id: int) -> list[EntryRow]:
    """One version's entries in reading order."""
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                f"SELECT {_ENTRY_COLUMNS} FROM entry e {_ENTRY_JOINS} "
                "WHERE e.version_id = :v ORDER BY e.position, e.id"
            ),
            {"v": version_id},
        ).all()
    return [_entry_row(r) for r in rows]


def lineages(vault: Vault, entry_ids: Sequence[int]) -> dict[int, list[EntryRow]]:
    """For each entry: every entry with its document and key, one per version, in time order
    (the entry itself included) — the same note section across versions. An entry of a
    document with one version has a lineage of one."""
    if not entry_ids:
        return {}
    ids = sorted({int(i) for i in entry_ids})
    out: dict[int, list[EntryRow]] = {}
    with vault.engine.connect() as c:
        for i in range(0, len(ids), _BATCH):
            marks = ",".join(str(x) for x in ids[i : i + _BATCH])
            # candidates: the same key, or any section of the same note (part_of decides)
            rows = c.execute(
                text(
                    f"SELECT {_ENTRY_COLUMNS}, x.id, x.key, x.kind FROM entry x JOIN entry e "
                    "ON e.document_id = x.document_id AND (e.key = x.key OR "
                    "(e.kind = 'section' AND x.kind = 'section')) "
                    f"{_ENTRY_JOINS} WHERE x.id IN ({marks}) ORDER BY x.id, v.number, e.id"
                )
            ).all()
            seen: set[tuple[int, int]] = set()  # (entry, version): one entry per version
            for r in rows:
                x, row = int(r[18]), _entry_row(r)
                if part_of(row.key, row.kind) != part_of(str(r[19]), str(r[20])):
                    continue
                if (x, row.version_id) in seen and row.entry_id != x:
                    continue
                seen.add((x, row.version_id))
                out.setdefault(x, []).append(row)
    return out


def passing(vault: Vault, entry_ids: Sequence[int], filters: Filters) -> set[int]:
    """The entries among these that pass ``filters`` (scope, kinds, dates, document)."""
    if not entry_ids:
        return set()
    where, params = filters.sql()
    ids = sorted({int(i) for i in entry_ids})
    out: set[int] = set()
    with vault.engine.connect() as c:
        for i in range(0, len(ids), _BATCH):
            marks = ",".join(str(x) for x in ids[i : i + _BATCH])
            sql = (
                "SELECT e.id FROM entry e JOIN document d ON d.id = e.document_id "
                f"WHERE e.id IN ({marks}) AND {where}"
            )
            out.update(int(r[0]) for r in c.execute(text(sql), params))
    return out


__all__ = [
    "EntryRow",
    "VersionRow",
    "document_title",
    "document_versions",
    "entry_rows",
    "fts_phrase",
    "lineages",
    "passing",
    "phrase_entries",
    "reorder",
    "same_version",
    "version_entries",
]
