"""Consistency checks and repair (doctor), forgetting, and re-embedding (reindex)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from .clients import ClientDirectory
from .errors import NotFound
from .records import CLIENT_MARKERS, DOC_DRAFT, DRAFTS_DIR, db_ts
from .store import Vault, chunk_body, utcnow
from .work import delete_draft, detach_work, resync_document


@dataclass
class DoctorReport:
    chunks: int = 0
    missing_keyword: list[int] = field(default_factory=list)
    orphan_keyword: list[int] = field(default_factory=list)
    not_embedded: list[int] = field(default_factory=list)
    missing_vectors: list[int] = field(default_factory=list)
    orphan_vectors: list[int] = field(default_factory=list)
    missing_blobs: list[str] = field(default_factory=list)
    corrupt_blobs: list[str] = field(default_factory=list)
    stale_collections: list[str] = field(default_factory=list)
    repaired: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.missing_keyword
            or self.orphan_keyword
            or self.not_embedded
            or self.missing_vectors
            or self.orphan_vectors
            or self.missing_blobs
            or self.corrupt_blobs
        )

    @property
    def only_waiting(self) -> bool:
        """Nothing is wrong but chunks that wait for their vectors."""
        return bool(self.not_embedded) and not (
            self.missing_keyword
            or self.orphan_keyword
            or self.missing_vectors
            or self.orphan_vectors
            or self.missing_blobs
            or self.corrupt_blobs
        )

    def lines(self) -> list[str]:
        def n(xs: list[Any]) -> str:
            return f"{len(xs)}" + (f" (e.g. {xs[:5]})" if xs else "")

        return [
            f"chunks in SQL: {self.chunks}",
            f"chunks missing from the keyword index: {n(self.missing_keyword)}",
            f"keyword rows without a chunk: {n(self.orphan_keyword)}",
            f"chunks not yet embedded by the configured embedder: {n(self.not_embedded)}",
            f"chunks marked embedded but missing from the vector index: {n(self.missing_vectors)}",
            f"vectors without a chunk: {n(self.orphan_vectors)}",
            f"sources whose original bytes are missing from blobs/: {n(self.missing_blobs)}",
            f"blobs whose bytes do not match their sha256: {n(self.corrupt_blobs)}",
            f"vector collections of other embedders (reindex leftovers): "
            f"{len(self.stale_collections)}",
        ] + [f"repaired {k}: {v}" for k, v in self.repaired.items()]


def doctor(vault: Vault, repair: bool = False, verify_blobs: bool = True) -> DoctorReport:
    rep = DoctorReport()
    with vault.engine.connect() as c:
        rows = c.execute(text("SELECT id, embedded_by FROM chunk")).all()
        sql_ids = {int(r[0]) for r in rows}
        embedded = {int(r[0]) for r in rows if r[1] == vault.embedder.id}
        kw_ids = vault.keyword.ids(c)
        shas = [
            str(r[0])
            for r in c.execute(
                text(
                    "SELECT DISTINCT sha256 FROM source WHERE status != 'forgotten' "
                    "AND sha256 NOT LIKE 'unreadable:%' AND kept = 'blob'"
                )
            )
        ]
    vec_ids = vault.vectors.ids()
    rep.chunks = len(sql_ids)
    rep.missing_keyword = sorted(sql_ids - kw_ids)
    rep.orphan_keyword = sorted(kw_ids - sql_ids)
    rep.not_embedded = sorted(sql_ids - embedded)
    rep.missing_vectors = sorted(embedded - vec_ids)
    rep.orphan_vectors = sorted(vec_ids - sql_ids)
    for sha in shas:
        if not vault.blobs.has(sha):
            rep.missing_blobs.append(sha)
        elif verify_blobs and not vault.blobs.verify(sha):
            rep.corrupt_blobs.append(sha)
    rep.stale_collections = vault.vectors.other_collections()
    if repair:
        _repair(vault, rep)
    return rep


def _repair(vault: Vault, rep: DoctorReport) -> None:
    with vault.writer("doctor --repair"):
        with vault.engine.begin() as c:
            if rep.missing_keyword:
                rows = _chunk_bodies(c, rep.missing_keyword)
                vault.keyword.add(c, rows)
            if rep.orphan_keyword:
                vault.keyword.delete(c, rep.orphan_keyword)
            if rep.missing_vectors:
                _unmark(c, rep.missing_vectors)
        if rep.orphan_vectors:
            vault.vectors.delete(rep.orphan_vectors)
        embedded = vault.embed_pending()
        for name in rep.stale_collections:
            vault.vectors.drop_named(name)
    rep.repaired = {
        "keyword rows added": len(rep.missing_keyword),
        "keyword rows removed": len(rep.orphan_keyword),
        "chunks embedded": embedded,
        "orphan vectors removed": len(rep.orphan_vectors),
        "stale collections dropped": len(rep.stale_collections),
    }


def _chunk_bodies(c: Connection, ids: list[int]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for i in range(0, len(ids), 500):
        marks = ",".join(str(x) for x in ids[i : i + 500])
        out.extend(
            (int(r[0]), chunk_body(str(r[1]), str(r[2])))
            for r in c.execute(text(f"SELECT id, context, text FROM chunk WHERE id IN ({marks})"))
        )
    return out


def _unmark(c: Connection, ids: list[int]) -> None:
    for i in range(0, len(ids), 500):
        marks = ",".join(str(x) for x in ids[i : i + 500])
        c.execute(text(f"UPDATE chunk SET embedded_by=NULL WHERE id IN ({marks})"))


def reindex(vault: Vault) -> int:
    """Re-embed every chunk with the configured embedder and drop other embedders' vectors."""
    from .space import ensure_room_for

    ensure_room_for(vault.settings)  # a full disk stops here cleanly, before any write
    with vault.writer("reindex"):
        with vault.engine.begin() as c:
            c.execute(
                text(
                    "UPDATE chunk SET embedded_by=NULL "
                    "WHERE embedded_by IS NULL OR embedded_by <> :e"
                ),
                {"e": vault.embedder.id},
            )
        n = vault.embed_pending()
        for name in vault.vectors.other_collections():
            vault.vectors.drop_named(name)
    return n


@dataclass(frozen=True)
class ForgetReport:
    documents: int
    entries: int
    chunks: int
    sources: int
    blobs: int
    tombstones: int
    # Original files kept because they also hold material not forgotten (a chat export with
    # another client's conversations, a daily note mixing clients): their stored bytes still
    # hold the forgotten text.
    kept: tuple[str, ...] = ()
    drafts: int = 0  # draft files (in the home's drafts/) that quoted it, deleted with it
    # forget --client: its draft invoices go (nothing was issued); issued ones and credit
    # notes stay, as the records a bookkeeper must keep (QA, session 16: an empty draft was
    # left, and nothing was said of the issued ones)
    invoice_drafts: int = 0
    invoices_kept: int = 0
    # forget --client: entries of other clients or general material that named it, forgotten
    # too (new user's trial, session 30: a client's mail naming the forgotten client's person
    # went, and nothing said so)
    elsewhere: int = 0

    def message(self) -> str:
        out = (
            f"forgot {self.documents} document(s), {self.entries} entr(y/ies), "
            f"{self.chunks} chunk(s), {self.sources} source(s), {self.blobs} blob(s); "
            f"{self.tombstones} tombstone(s) keep them from coming back. "
        )
        if self.drafts:
            out += f"{self.drafts} draft(s) quoting it were deleted with it (drafts/). "
        if self.elsewhere:
            out += (
                f"{self.elsewhere} of the entries were another client's or your general "
                "material naming it (a name, an address, one of its people): they went too. "
            )
        if self.invoice_drafts:
            out += f"{self.invoice_drafts} draft invoice(s) of the client were discarded. "
        if self.invoices_kept:
            out += (
                f"{self.invoices_kept} issued invoice(s) and credit note(s) of the client are "
                "kept as records (numbers are gapless; `trailkeep invoice list` shows them). "
            )
        if self.kept:
            names = ", ".join(self.kept[:5]) + (" …" if len(self.kept) > 5 else "")
            out += (
                f"{len(self.kept)} original file(s) also hold other material, so their stored "
                f"copy is kept and still holds the forgotten text: {names} (`trailkeep forget "
                "--source PATH` removes a file with everything read from it). "
            )
        return out + (
            "Backups made before now still hold this material: delete or re-make them to erase it."
        )


def tomb_key(kind: str, key: str) -> str:
    """What a tombstone keeps: a hash, never a readable title, path or name (a file's own
    sha256 is already one)."""
    if kind == "sha256":
        return key
    return "h:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def forgotten_markers(vault: Vault) -> tuple[set[str], set[str]]:
    """(hashed ids of forgotten clients, hashed markers of forgotten clients)."""
    with vault.engine.connect() as c:
        rows = c.execute(
            text("SELECT kind, key FROM tombstone WHERE kind IN ('client', 'marker')")
        ).all()
    return (
        {str(r[1]) for r in rows if r[0] == "client"},
        {str(r[1]) for r in rows if r[0] == "marker"},
    )


_MARKER_WORD = re.compile(r"[\w][\w.@+'’-]*[\w]|[\w]")


# Where a word is cut into the parts a name is looked for in: hyphens and underscores, and
# between letters and a number ("Gannomere2", "v2": session 15, as the client matcher reads it)
_PARTS = re.compile(r"[-_]+|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _marker_words(text: str, parts: re.Pattern[str] = _PARTS) -> list[str]:
    """The words a marker is looked for in, lower case, possessives dropped. Hyphens,
    underscores and a number join a name to other words as spaces do ("Tendmaloom-Family-
    Clinic", "tendmaloom_v2", "Tendmaloom2", as the client matcher reads them, notes/0013); an
    address or a domain stays one word."""
    out: list[str] = []
    for raw in _MARKER_WORD.findall(text):
        w = raw.lower().removesuffix("'s").removesuffix("’s").rstrip(".")
        if "@" in w or "." in w:
            out.append(w)
        else:
            out += [p for p in parts.split(w) if p]
    return out


# how words were cut before session 15 (no cut at a number): tombstones written then hold
# markers joined that way ("project x2"), and must still be found
_PARTS_BEFORE = re.compile(r"[-_]+")


def _marker_keys(marker: str) -> set[str]:
    """A clients.toml marker as tombstones keep it: as written (lower case) and with its
    words joined by spaces ("Harbor-Lights" is found as "harbor lights", see
    ``_marker_words``)."""
    m = marker.strip().lower()
    return {m, " ".join(_marker_words(m))} - {""}


def names_forgotten(text: str, markers: set[str]) -> bool:
    """Does the text name a forgotten marker? Markers are kept only as hashes, so candidate
    words and runs of up to four words are hashed and looked up."""
    now = _marker_words(text)
    before = _marker_words(text, _PARTS_BEFORE)
    for words in (now, before) if before != now else (now,):
        for i, w in enumerate(words):
            cands = [w]
            if "@" in w:
                cands.append(w.rsplit("@", 1)[1])
            cands += [" ".join(words[i : i + n]) for n in (2, 3, 4) if i + n <= len(words)]
            if any(tomb_key("marker", c) in markers for c in cands):
                return True
    return False


def _naming(c: Connection, markers: list[str]) -> list[Any]:
    """Entries that name one of these (plain) markers: the rule ingest applies to a forgotten
    client's text arriving again (``names_forgotten``), applied to what is already stored.
    SQL narrows to entries holding a marker as a substring; the word rule decides."""
    if not markers:
        return []
    hashed = {tomb_key("marker", m) for m in markers}
    # a marker's first word (its first part, for a hyphenated name): what any mention holds
    probes = sorted({m if "@" in m else re.split(r"[\s_-]+", m)[0] for m in markers} - {""})
    like = " OR ".join(
        f"lower(e.title) LIKE :m{i} OR lower(e.text) LIKE :m{i} OR lower(e.meta) LIKE :m{i}"
        for i in range(len(probes))
    )
    rows = c.execute(
        text(
            "SELECT e.id, d.kind, d.external_id, e.key, e.title, e.text, e.meta, e.client_id, "
            "e.document_id FROM entry e "
            f"JOIN document d ON d.id = e.document_id WHERE {like}"
        ),
        {f"m{i}": f"%{m}%" for i, m in enumerate(probes)},
    ).all()
    return [r for r in rows if names_forgotten(said_to(r[4], r[5], r[6]), hashed)]


def said_to(title: str | None, body: str | None, meta: Any) -> str:
    """What a forgotten client's markers are looked for in: an entry's title and text, and for
    mail the addresses it came from and went to (QA, session 11: a reply addressed to the
    forgotten client's people, naming only another client, came back after a forget)."""
    if isinstance(meta, str):
        try:
            meta = json.loads(meta or "{}")
        except ValueError:
            meta = {}
    people: list[str] = []
    if isinstance(meta, dict):
        for field_ in ("from", "to", "cc"):
            for pair in meta.get(field_) or ():
                if isinstance(pair, list | tuple) and len(pair) == 2:
                    people.append(str(pair[1] or ""))
    return "\n".join([title or "", body or "", " ".join(people)])


def _sources_holding(c: Connection, entry_ids: set[int]) -> set[int]:
    """The sources the entries were read from (an email's own file, else its version's)."""
    out: set[int] = set()
    ids = sorted(entry_ids)
    for i in range(0, len(ids), 500):
        marks = ",".join(str(x) for x in ids[i : i + 500])
        out.update(
            int(r[0])
            for r in c.execute(
                text(
                    "SELECT DISTINCT COALESCE(e.source_id, v.source_id) FROM entry e JOIN "
                    f"version v ON v.id = e.version_id WHERE e.id IN ({marks})"
                )
            )
            if r[0] is not None
        )
    return out


def _emptied_sources(c: Connection, entry_ids: set[int]) -> set[int]:
    """Sources every entry of which is going: a client's email inside another client's thread
    keeps no source row, no blob, once its message is forgotten. Two grouped counts, not a
    query per source (a client's thousands of messages)."""
    if not entry_ids:
        return set()
    ids = ",".join(str(i) for i in sorted(entry_ids))
    going = {
        int(s): int(n)
        for s, n in c.execute(
            text(
                f"SELECT source_id, COUNT(*) FROM entry WHERE id IN ({ids}) "
                "AND source_id IS NOT NULL GROUP BY source_id"
            )
        ).all()
    }
    if not going:
        return set()
    marks = ",".join(str(s) for s in sorted(going))
    total = {
        int(s): int(n)
        for s, n in c.execute(
            text(
                f"SELECT source_id, COUNT(*) FROM entry WHERE source_id IN ({marks}) "
                "GROUP BY source_id"
            )
        ).all()
    }
    return {s for s, n in going.items() if total.get(s) == n}


def forget_again(vault: Vault, tombstones: Sequence[tuple[str, str, str, str]]) -> int:
    """Carry another vault's tombstones (kind, key, reason, created_at) into this one and
    forget what they name here: a restored older backup brought back what was forgotten since
    it was made, and lost the tombstones that kept the file left in the inbox out (QA, session
    18). Returns how many forgets it took (clients, documents, files)."""
    if not tombstones:
        return 0
    with vault.writer("restore: forgotten"), vault.engine.begin() as c:
        for kind, key, reason, created in tombstones:
            c.execute(
                text(
                    "INSERT INTO tombstone (kind, key, reason, created_at) "
                    "VALUES (:k, :key, :r, :t) ON CONFLICT DO NOTHING"
                ),
                {"k": kind, "key": key, "r": reason, "t": created},
            )
        keys: dict[str, set[str]] = {}
        for kind, key, _, _ in tombstones:
            keys.setdefault(kind, set()).add(key)
        clients = [
            str(r[0])
            for r in c.execute(text("SELECT id FROM client"))
            if tomb_key("client", str(r[0])) in keys.get("client", set())
        ]
        documents = [
            int(r[0])
            for r in c.execute(text("SELECT id, kind, external_id FROM document"))
            if tomb_key("document", f"{r[1]}:{r[2]}") in keys.get("document", set())
        ]
        sources = [
            int(r[0])
            for r in c.execute(text("SELECT id, sha256 FROM source WHERE status != 'forgotten'"))
            if str(r[1]) in keys.get("sha256", set())
        ]
    done = 0
    for kw in (
        *({"client_id": x} for x in clients),
        *({"document_id": x} for x in documents),
        *({"source_id": x} for x in sources),
    ):
        try:
            forget(vault, **kw)  # type: ignore[arg-type]
        except NotFound:  # gone with a client forgotten just before
            continue
        done += 1
    return done


def forget(
    vault: Vault,
    *,
    source_id: int | None = None,
    document_id: int | None = None,
    client_id: str | None = None,
) -> ForgetReport:
    """Remove material and leave tombstones so that a file left in place or a later export does
    not bring it back. Blobs are deleted when no remaining source needs them."""
    with vault.writer("forget"), vault.engine.begin() as c:
        doc_ids: set[int] = set()
        entry_ids: set[int] = set()
        elsewhere: set[int] = set()  # of them, another client's or general entries naming it
        source_ids: set[int] = set()
        tomb: list[tuple[str, str]] = []
        versions: list[int] = []
        if source_id is not None:
            if (
                c.execute(text("SELECT 1 FROM source WHERE id=:s"), {"s": source_id}).first()
                is None
            ):
                raise NotFound("source", source_id)
            source_ids.add(source_id)
            # Versions this source made and no other source shares.
            for r in c.execute(
                text(
                    "SELECT sd.document_id, sd.version_id FROM source_document sd "
                    "WHERE sd.source_id=:s AND NOT EXISTS (SELECT 1 FROM source_document o "
                    "WHERE o.version_id = sd.version_id AND o.source_id != :s)"
                ),
                {"s": source_id},
            ).all():
                versions.append(int(r[1]))
                doc_ids.add(int(r[0]))
                entry_ids.update(
                    int(x[0])
                    for x in c.execute(
                        text("SELECT id FROM entry WHERE version_id=:v"), {"v": int(r[1])}
                    )
                )
        if document_id is not None:
            if (
                c.execute(text("SELECT 1 FROM document WHERE id=:d"), {"d": document_id}).first()
                is None
            ):
                raise NotFound("document", document_id)
            doc_ids.add(document_id)
        if client_id is not None:
            if (
                c.execute(text("SELECT 1 FROM client WHERE id=:c"), {"c": client_id}).first()
                is None
            ):
                raise NotFound("client", client_id)
            doc_ids.update(
                int(r[0])
                for r in c.execute(
                    text("SELECT id FROM document WHERE client_id=:c"), {"c": client_id}
                )
            )
            for r in c.execute(
                text(
                    "SELECT e.id, d.kind, d.external_id, e.key FROM entry e JOIN document d "
                    "ON d.id = e.document_id WHERE e.client_id=:c"
                ),
                {"c": client_id},
            ).all():
                entry_ids.add(int(r[0]))
                tomb.append(("entry", f"{r[1]}:{r[2]}:{r[3]}"))
            # The client stays forgotten when its material arrives again inside other files:
            # its id and every marker clients.toml gives it (names, aliases, domains,
            # addresses, people), as hashes only (notes/0013, issue 20).
            tomb.append(("client", client_id))
            spec = next((x for x in vault.settings.clients if x.id == client_id), None)
            # and each part of its people's names that names it alone ("Tomas" of "Tomas
            # Reyes"), as the scope's matcher reads text (QA, session 11: "Tomas, the
            # walrus-grade tier costs more" came back after a forget)
            parts = ClientDirectory(tuple(vault.settings.clients)).name_parts(client_id)
            markers = sorted(
                {k for m in (*(spec.markers if spec else ()), *parts) if m for k in _marker_keys(m)}
            )
            tomb += [("marker", m) for m in markers]
            # What names it in other clients' or general material goes as it would at ingest
            for r in _naming(c, markers):
                entry_ids.add(int(r[0]))
                tomb.append(("entry", f"{r[1]}:{r[2]}:{r[3]}"))
                if r[7] != client_id and int(r[8]) not in doc_ids:  # not in its own documents
                    elsewhere.add(int(r[0]))
        whole_docs: set[int] = set()

        def take_whole(d: int, row: Any) -> None:
            whole_docs.add(d)
            tomb.append(("document", f"{row[0]}:{row[1]}"))
            # a renamed note: its old paths are it too (a file dropped there again)
            for former in json.loads(str(row[2] or "{}")).get("formerly", []):
                tomb.append(("document", f"{row[0]}:{former}"))
            entry_ids.update(
                int(r[0])
                for r in c.execute(text("SELECT id FROM entry WHERE document_id=:d"), {"d": d})
            )
            source_ids.update(
                int(r[0])
                for r in c.execute(
                    text("SELECT source_id FROM source_document WHERE document_id=:d"),
                    {"d": d},
                )
            )

        for d in list(doc_ids):
            row = c.execute(
                text("SELECT kind, external_id, meta FROM document WHERE id=:d"), {"d": d}
            ).first()
            if row is None:
                continue
            remaining = sum(
                1
                for r in c.execute(text("SELECT id FROM version WHERE document_id=:d"), {"d": d})
                if int(r[0]) not in versions
            )
            if document_id == d or client_id is not None or remaining == 0:
                take_whole(d, row)
        # A draft quoting what goes holds it too: it goes with it, file and all (QA, session
        # 14: a draft's quote of a forgotten chat stayed searchable, and in drafts/).
        for d, row in _drafts_citing(c, entry_ids, whole_docs):
            take_whole(d, row)
        draft_files = _draft_files(c, whole_docs)
        emptied = _emptied_sources(c, entry_ids) if client_id is not None else set()
        source_ids |= emptied
        holding = _sources_holding(c, entry_ids)
        chunk_ids = _chunks_of(c, entry_ids)
        vault.keyword.delete(c, chunk_ids)
        detach_work(c, entry_ids, whole_docs)
        invoice_drafts, invoices_kept = 0, 0
        if client_id is not None:
            for iid, status in c.execute(
                text("SELECT id, status FROM invoice WHERE client_id = :c"), {"c": client_id}
            ).all():
                if status == "draft":
                    delete_draft(c, int(iid))
                    invoice_drafts += 1
                else:
                    invoices_kept += 1
        for v in versions:
            _drop_version(c, v)
        _delete_in(c, "entry", "id", entry_ids)
        _delete_in(c, "document", "id", whole_docs)
        for d in doc_ids - whole_docs:  # a version went: its note's work items follow the rest
            resync_document(c, d)
        # A source is dropped once nothing it produced remains.
        shas: set[str] = set()
        dropped_sources = 0
        dropped: set[int] = set()
        for s in source_ids:
            left = c.execute(
                text("SELECT COUNT(*) FROM source_document WHERE source_id=:s"), {"s": s}
            ).scalar_one()
            row = c.execute(
                text("SELECT sha256, name, path, status FROM source WHERE id=:s"), {"s": s}
            ).first()
            if row is None:
                continue
            if left == 0 or s == source_id or s in emptied:
                dropped.add(s)
                if not (row[3] == "duplicate" and _read_elsewhere(c, str(row[0]), source_ids)):
                    shas.add(str(row[0]))
                    tomb.append(("sha256", str(row[0])))
                # else: a copy of a file that stays (a sync service's conflict copy, byte for
                # byte the note): its path goes, not the bytes — they are the note's, and the
                # note edited back to them was refused as forgotten (QA, session 14)
                _forget_source(c, s, str(row[2]))
                c.execute(text("DELETE FROM source_document WHERE source_id=:s"), {"s": s})
                dropped_sources += 1
        kept = tuple(
            sorted(
                {
                    str(r[0])
                    for s in (holding | source_ids) - dropped
                    for r in c.execute(text("SELECT name FROM source WHERE id=:s"), {"s": s})
                }
            )
        )
        for kind, key in tomb:
            c.execute(
                text(
                    "INSERT INTO tombstone (kind, key, reason, created_at) "
                    "VALUES (:k, :key, 'forget', :t) ON CONFLICT DO NOTHING"
                ),
                {"k": kind, "key": tomb_key(kind, key), "t": db_ts(utcnow())},
            )
        if client_id is not None:  # its projects go too
            c.execute(
                text(
                    "UPDATE document SET project_id = NULL WHERE project_id IN "
                    "(SELECT id FROM project WHERE client_id = :c)"
                ),
                {"c": client_id},
            )
            c.execute(text("DELETE FROM project WHERE client_id = :c"), {"c": client_id})
            # what named it (people, domains, codenames) is not kept in the clear either: while
            # clients.toml lists it, opening the vault writes them back from there (review)
            row = c.execute(
                text("SELECT value FROM vault_meta WHERE key = :k"), {"k": CLIENT_MARKERS}
            ).first()
            if row is not None:
                try:
                    marks = json.loads(str(row[0]))
                except ValueError:
                    marks = {}
                if isinstance(marks, dict) and marks.pop(client_id, None) is not None:
                    c.execute(
                        text("UPDATE vault_meta SET value = :v WHERE key = :k"),
                        {"k": CLIENT_MARKERS, "v": json.dumps(marks, sort_keys=True)},
                    )
        # a file that arrived as a duplicate of forgotten bytes holds them too: it is forgotten
        # with them (QA, session 9: a copy under another name kept the text in blobs/)
        for sha in shas:
            for sid, spath in c.execute(
                text("SELECT id, path FROM source WHERE sha256=:h AND status='duplicate'"),
                {"h": sha},
            ).all():
                _forget_source(c, int(sid), str(spath))
        blobs_to_drop = [
            sha
            for sha in shas
            if c.execute(
                text("SELECT COUNT(*) FROM source WHERE sha256=:h AND status != 'forgotten'"),
                {"h": sha},
            ).scalar_one()
            == 0
        ]
    # After the SQL commit: vectors and blobs (a crash here leaves orphans doctor removes).
    vault.vectors.delete(chunk_ids)
    for sha in blobs_to_drop:
        vault.blobs.delete(sha)
    drafts_dir = (vault.settings.home / DRAFTS_DIR).resolve()
    for path in draft_files:
        if path.resolve().parent == drafts_dir:  # trailkeep's own copy, never a user's file
            path.unlink(missing_ok=True)
    return ForgetReport(
        len(whole_docs),
        len(entry_ids),
        len(chunk_ids),
        dropped_sources,
        len(blobs_to_drop),
        len(set(tomb)),
        kept,
        len(draft_files),
        invoice_drafts,
        invoices_kept,
        len(elsewhere),
    )


def _read_elsewhere(c: Connection, sha: str, going: set[int]) -> bool:
    """Did a source that stays read these bytes (it is not a duplicate, nor forgotten now)?"""
    for r in c.execute(
        text("SELECT id FROM source WHERE sha256 = :h AND status IN ('ingested', 'partial')"),
        {"h": sha},
    ):
        if int(r[0]) not in going:
            return True
    return False


def _drafts_citing(c: Connection, entry_ids: set[int], skip: set[int]) -> list[tuple[int, Any]]:
    """(id, row) of the draft documents whose citations name one of the entries, or that
    reply to one of them (a reply quotes the message's points: new user's trial, session 30 —
    the reply to a forgotten mail stayed, quoting it, and searchable)."""
    replied = _message_ids(c, entry_ids)
    out = []
    for r in c.execute(
        text("SELECT id, kind, external_id, meta FROM document WHERE kind = :k"), {"k": DOC_DRAFT}
    ).all():
        if int(r[0]) in skip:
            continue
        front = json.loads(str(r[3] or "{}")).get("front_matter", {})
        cites = front.get("citations") or []
        if any(isinstance(x, dict) and x.get("entry_id") in entry_ids for x in cites) or (
            str(front.get("reply_to") or "").strip().strip("<>") in replied
        ):
            out.append((int(r[0]), r[1:]))
    return out


def _message_ids(c: Connection, entry_ids: set[int]) -> set[str]:
    """The Message-IDs (without angle brackets) of the mail among these entries."""
    if not entry_ids:
        return set()
    marks = ",".join(str(int(i)) for i in sorted(entry_ids))
    rows = c.execute(text(f"SELECT key FROM entry WHERE kind = 'email' AND id IN ({marks})"))
    return {str(r[0]).strip().strip("<>") for r in rows if r[0]} - {""}


def _draft_files(c: Connection, doc_ids: set[int]) -> list[Path]:
    """The files the draft documents among these were read from."""
    if not doc_ids:
        return []
    marks = ",".join(str(d) for d in sorted(doc_ids))
    return [
        Path(str(r[0]))
        for r in c.execute(
            text(
                "SELECT DISTINCT s.path FROM source s JOIN source_document sd ON "
                f"sd.source_id = s.id JOIN document d ON d.id = sd.document_id "
                f"WHERE d.id IN ({marks}) AND d.kind = :k"
            ),
            {"k": DOC_DRAFT},
        )
    ]


def _forget_source(c: Connection, source_id: int, path: str) -> None:
    """A forgotten source keeps its row (its status says what happened) but not its name: a
    file's path often carries its title ("cv-portal-login.md"), and a tombstone is a hash,
    never a readable title (QA, session 11). Its bytes are recognised by their sha256
    tombstone, so nothing looks it up by path any more."""
    c.execute(
        text(
            "UPDATE source SET status='forgotten', error=NULL, updated_at=:t, path=:p, "
            "name='(forgotten)' WHERE id=:s"
        ),
        {"s": source_id, "t": db_ts(utcnow()), "p": f"forgotten:{tomb_key('path', path)}"},
    )


def _drop_version(c: Connection, version_id: int) -> None:
    """Delete one version (its entries and chunks cascade); the previous one becomes current."""
    row = c.execute(
        text("SELECT document_id, current FROM version WHERE id=:v"), {"v": version_id}
    ).first()
    if row is None:
        return
    c.execute(text("DELETE FROM source_document WHERE version_id=:v"), {"v": version_id})
    c.execute(text("UPDATE version SET revises_id=NULL WHERE revises_id=:v"), {"v": version_id})
    c.execute(text("DELETE FROM version WHERE id=:v"), {"v": version_id})
    if row[1]:
        prev = c.execute(
            text("SELECT id FROM version WHERE document_id=:d ORDER BY number DESC LIMIT 1"),
            {"d": row[0]},
        ).first()
        if prev:
            c.execute(text("UPDATE version SET current=TRUE WHERE id=:p"), {"p": prev[0]})
            c.execute(
                text("UPDATE entry SET current=on_current_path WHERE version_id=:p"),
                {"p": prev[0]},
            )


def _chunks_of(c: Connection, entry_ids: set[int]) -> list[int]:
    out: list[int] = []
    ids = sorted(entry_ids)
    for i in range(0, len(ids), 500):
        marks = ",".join(str(x) for x in ids[i : i + 500])
        out.extend(
            int(r[0]) for r in c.execute(text(f"SELECT id FROM chunk WHERE entry_id IN ({marks})"))
        )
    return out


def _delete_in(c: Connection, table: str, col: str, ids: set[int]) -> None:
    xs = sorted(ids)
    for i in range(0, len(xs), 500):
        marks = ",".join(str(x) for x in xs[i : i + 500])
        c.execute(text(f"DELETE FROM {table} WHERE {col} IN ({marks})"))


def dump(vault: Vault) -> list[tuple[object, ...]]:
    """A canonical dump of what the vault knows (no ids, no times of ingest): two vaults that
    hold the same material dump equal, whatever order or how many attempts it took."""
    out: list[tuple[object, ...]] = []
    with vault.engine.connect() as c:
        for r in c.execute(
            text(
                "SELECT d.kind, d.external_id, d.title, d.client_id, v.number, v.content_sha256, "
                "v.current FROM version v JOIN document d ON d.id = v.document_id"
            )
        ):
            out.append(("version", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT d.external_id, v.number, e.key, e.kind, e.text, e.current, e.client_id, "
                "e.on_current_path, p.key FROM entry e JOIN document d ON d.id = e.document_id "
                "JOIN version v ON v.id = e.version_id LEFT JOIN entry p ON p.id = e.parent_id"
            )
        ):
            out.append(("entry", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT d.external_id, v.number, e.key, c.ord, c.text, c.context "
                "FROM chunk c JOIN entry e ON e.id = c.entry_id JOIN version v "
                "ON v.id = e.version_id JOIN document d ON d.id = e.document_id"
            )
        ):
            out.append(("chunk", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT l.kind, a.key, va.number, b.key, vb.number FROM link l "
                "JOIN entry a ON a.id = l.from_entry_id JOIN entry b ON b.id = l.to_entry_id "
                "JOIN version va ON va.id = a.version_id JOIN version vb ON vb.id = b.version_id"
            )
        ):
            out.append(("link", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT d.external_id, v.number, e.key, t.tag FROM entry_tag t "
                "JOIN entry e ON e.id = t.entry_id JOIN version v ON v.id = e.version_id "
                "JOIN document d ON d.id = e.document_id"
            )
        ):
            out.append(("tag", *tuple(r)))
        for r in c.execute(text("SELECT sha256, status FROM source WHERE status != 'duplicate'")):
            out.append(("source", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT w.client_id, w.day, w.hours, w.rate, w.description, w.origin, w.problem, "
                "w.flag, w.removed, i.number, i.status FROM work_item w "
                "LEFT JOIN invoice i ON i.id = w.invoice_id"
            )
        ):
            out.append(("work", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT kind, client_id, period, status, number, subtotal, tax, total, issued_on, "
                "due_on, paid_on FROM invoice"
            )
        ):
            out.append(("invoice", *tuple(r)))
        for r in c.execute(
            text(
                "SELECT i.number, l.position, l.description, l.hours, l.rate, l.amount "
                "FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id"
            )
        ):
            out.append(("invoice_line", *tuple(r)))
    # The same vault on SQLite and PostgreSQL: booleans come back as 0/1 or False/True.
    norm = [tuple(int(x) if isinstance(x, bool) else x for x in row) for row in out]
    return sorted(norm, key=repr)
