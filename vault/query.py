"""Read-side queries. Readers never take the writer lock and never write."""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text

from . import dialect
from .clients import ClientDirectory
from .records import (
    NOT_SEARCHED_BY_DEFAULT,
    SCOPE_GENERAL,
    Hit,
    db_ts,
    from_utc,
    parse_db_ts,
)
from .store import Vault


def _bind(params: dict[str, object], prefix: str, values: Sequence[str]) -> str:
    """Bound placeholders for ``values`` (``:prefix0, :prefix1, …``), added to ``params``."""
    for i, v in enumerate(values):
        params[f"{prefix}{i}"] = v
    return ", ".join(f":{prefix}{i}" for i in range(len(values)))


@dataclass(frozen=True)
class Filters:
    # A client id: that client's scope — its own entries and the user's general material
    # (scope "*"), never anything unattributed or mixed (notes/0013-attribution-and-scope.md).
    client: str | None = None
    kinds: tuple[str, ...] = ()  # entry kinds
    document_kinds: tuple[str, ...] = ()
    without_document_kinds: tuple[str, ...] = ()  # e.g. drafts, when they are no evidence
    document_id: int | None = None
    project: str | None = None
    since: datetime | None = None  # naive UTC
    until: datetime | None = None
    current_only: bool = False
    tags: tuple[str, ...] = ()  # entries carrying one of these (shown) trail tags
    extra: dict[str, Any] = field(default_factory=dict)

    def sql(self) -> tuple[str, dict[str, object]]:
        """A WHERE fragment over aliases c (chunk), e (entry), d (document)."""
        parts = ["e.indexed"]
        p: dict[str, object] = {}
        if self.client:
            parts.append(f"e.scope IN (:f_client, '{SCOPE_GENERAL}')")
            p["f_client"] = self.client
        if self.kinds:
            parts.append(f"e.kind IN ({_bind(p, 'f_kind', self.kinds)})")
        else:
            quiet = ", ".join(f"'{k}'" for k in NOT_SEARCHED_BY_DEFAULT)
            parts.append(f"e.kind NOT IN ({quiet})")
        if self.document_kinds:
            parts.append(f"d.kind IN ({_bind(p, 'f_dkind', self.document_kinds)})")
        if self.without_document_kinds:
            parts.append(f"d.kind NOT IN ({_bind(p, 'f_xkind', self.without_document_kinds)})")
        if self.document_id is not None:
            parts.append("d.id = :f_doc")
            p["f_doc"] = self.document_id
        if self.project:
            parts.append("d.project_id IN (SELECT id FROM project WHERE name = :f_project)")
            p["f_project"] = self.project
        if self.since:
            parts.append("e.ts >= :f_since")
            p["f_since"] = db_ts(self.since)
        if self.until:
            parts.append("e.ts < :f_until")
            p["f_until"] = db_ts(self.until)
        if self.current_only:
            parts.append("e.current")
        if self.tags:
            parts.append(
                f"e.id IN (SELECT entry_id FROM entry_tag WHERE tag IN "
                f"({_bind(p, 'f_tag', self.tags)}) AND {SHOWN_TAGS_SQL})"
            )
        return " AND ".join(parts), p


def keyword_search(vault: Vault, query: str, k: int, filters: Filters) -> list[tuple[int, float]]:
    where, params = filters.sql()
    with vault.engine.connect() as c:
        return vault.keyword.search(c, query, k, where, params)


def term_frequencies(vault: Vault, words: Sequence[str]) -> tuple[int, dict[str, int]]:
    """(chunks in the keyword index, chunks holding each word — stems included)."""
    with vault.engine.connect() as c:
        return vault.keyword.frequencies(c, words)


def estimated_frequencies(vault: Vault, words: Sequence[str]) -> tuple[int, dict[str, int]]:
    """:func:`term_frequencies` from a cache, the index size its highest id: for every search."""
    with vault.engine.connect() as c:
        return vault.keyword.estimated_frequencies(c, words)


def chunks_holding(
    vault: Vault, words: Sequence[str], chunk_ids: Sequence[int]
) -> dict[str, set[int]]:
    """For each word, which of the given chunks hold it (the keyword index's stemming)."""
    with vault.engine.connect() as c:
        return vault.keyword.holding(c, words, chunk_ids)


def vector_search(
    vault: Vault, vector: Sequence[float], k: int, filters: Filters
) -> list[tuple[int, float]]:
    """Nearest chunks that pass the filters. Chroma pre-filters on client; SQL does the rest."""
    where: dict[str, Any] | None = None
    if filters.client:  # vectors carry their entry's scope as "client"
        where = {"client": {"$in": [filters.client, SCOPE_GENERAL]}}
    cands = vault.vectors.query(vector, k * 4 + 20, where)
    if not cands:
        return []
    ok = _passing(vault, [cid for cid, _ in cands], filters)
    return [(cid, s) for cid, s in cands if cid in ok][:k]


def _passing(vault: Vault, chunk_ids: Sequence[int], filters: Filters) -> set[int]:
    where, params = filters.sql()
    marks = ",".join(str(int(i)) for i in chunk_ids)
    sql = (
        "SELECT c.id FROM chunk c JOIN entry e ON e.id = c.entry_id "
        f"JOIN document d ON d.id = e.document_id WHERE c.id IN ({marks}) AND {where}"
    )
    with vault.engine.connect() as c:
        return {int(r[0]) for r in c.execute(text(sql), params)}


# A passage is dated when it was first said: a section a later version of its note carries
# over word for word keeps the day it was written (new user's trial, session 29: the unchanged
# "Decision" of a note edited in December was cited as said in December, its trail said March).
# A passage whose words changed is dated by its own version, as before.
# (looked up only past a document's first version: the hits of a long chat are not slowed;
# the time and its offset from the same row). A date window still filters by the version's own
# time: `search --since` finds what a version written then says.
def _first_said(column: str) -> str:
    return (
        f"CASE WHEN v.number > 1 THEN COALESCE((SELECT o.{column} FROM entry o "
        "WHERE o.document_id = e.document_id AND o.key = e.key AND o.kind = e.kind "
        f"AND o.text = e.text ORDER BY o.ts LIMIT 1), e.{column}) ELSE e.{column} END"
    )


_HIT_COLUMNS = (
    f"e.id, e.kind, {_first_said('ts')}, {_first_said('tz_offset_min')}, e.current, "
    "e.client_id, e.title, "
    "d.id, d.title, d.kind, v.number, COALESCE(es.name, s.name)"
)
_HIT_JOINS = (
    "JOIN document d ON d.id = e.document_id JOIN version v ON v.id = e.version_id "
    "LEFT JOIN source s ON s.id = v.source_id LEFT JOIN source es ON es.id = e.source_id"
)


# After the chunk's two columns: what locates the entry inside its file
_HIT_TAIL = "e.key, d.external_id, e.author"


def locator(
    kind: str,
    key: object,
    external_id: object,
    author: object = None,
    when: datetime | None = None,
) -> str | None:
    """Where an entry is inside its file, for a file that holds many: a message's
    Message-ID (an mbox holds hundreds; QA, session 17: "archive.mbox" alone named none of
    them) — or, for a message without one, its sender and date (QA, session 18: such a message
    was cited by the file alone) — a chat turn's conversation and message ids (an export holds
    many conversations, several titled "New chat")."""
    if kind == "email" and key and not str(key).startswith("sha256-"):
        return f"Message-ID <{key}>"
    if kind == "email" and (author or when is not None):
        said = ", ".join(x for x in (str(author or ""), when.isoformat() if when else "") if x)
        return f"the message from {said} (it has no Message-ID)"
    if kind == "message" and external_id and key:
        return f"conversation {str(external_id).split(':', 1)[-1]}, message {key}"
    return None


def _hit(chunk_id: int, quote: str, score: float, r: Any) -> Hit:
    """A hit from a row whose first columns are _HIT_COLUMNS (then the chunk's id and text,
    then _HIT_TAIL)."""
    return Hit(
        score=float(score),
        chunk_id=int(chunk_id),
        document_id=int(r[7]),
        document=str(r[8]),
        entry_id=int(r[0]),
        version=int(r[10]),
        timestamp=from_utc(r[2], r[3]),
        client=r[5],
        kind=str(r[1]),
        current=bool(r[4]),
        quote=quote,
        source=r[11],
        document_kind=str(r[9]),
        title=str(r[6] or ""),
        locator=(
            locator(str(r[1]), r[14], r[15], r[16], from_utc(r[2], r[3])) if len(r) > 16 else None
        ),
    )


def hydrate(vault: Vault, scored: Sequence[tuple[int, float]]) -> list[Hit]:
    """Turn (chunk_id, score) pairs into hits, keeping the given order."""
    if not scored:
        return []
    marks = ",".join(str(int(cid)) for cid, _ in scored)
    sql = (
        f"SELECT {_HIT_COLUMNS}, c.id, c.text, {_HIT_TAIL} FROM chunk c "
        "JOIN entry e ON e.id = c.entry_id "
        f"{_HIT_JOINS} WHERE c.id IN ({marks})"
    )
    with vault.engine.connect() as c:
        rows = {int(r[12]): r for r in c.execute(text(sql))}
    out = []
    for cid, score in scored:
        r = rows.get(int(cid))
        if r is not None:  # a vector whose chunk is gone is an orphan: skipped
            out.append(_hit(int(cid), str(r[13]), score, r))
    return out


def entry_text(vault: Vault, entry_id: int) -> str | None:
    with vault.engine.connect() as c:
        r = c.execute(text("SELECT text FROM entry WHERE id=:e"), {"e": entry_id}).first()
    return None if r is None else str(r[0])


def status(vault: Vault) -> dict[str, Any]:
    """Counts, failures, the review queue's size and the clients (:mod:`.lite` has the SQL)."""
    from .lite import status_report

    with vault.engine.connect() as c:
        return status_report(
            lambda sql, p: [tuple(r) for r in c.execute(text(sql), dict(p))],
            dialect.find(c, "'@'", "author"),
            vault.embedder.id,
        )


def resolve_client(vault: Vault, name: str) -> str | None:
    """The clients.toml client an id, name or alias names (case and punctuation do not
    matter), or None. Clients are only ever those clients.toml lists (notes/0013)."""
    spec = ClientDirectory(vault.settings.clients).get(name)
    return None if spec is None else spec.id


def entry_links(vault: Vault, entry_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    if not entry_ids:
        return {}
    marks = ",".join(str(int(i)) for i in entry_ids)
    out: dict[int, list[dict[str, Any]]] = {int(i): [] for i in entry_ids}
    with vault.engine.connect() as c:
        for r in c.execute(
            text(
                "SELECT kind, from_entry_id, to_entry_id FROM link "
                f"WHERE from_entry_id IN ({marks})"
            )
        ):
            out[int(r[1])].append({"kind": str(r[0]), "entry_id": int(r[2])})
    return out


TRAIL_TAGS = ("decision", "dead_end", "open_question")
# Tag origins: "cue" (ingest, notes/0005), "user" (tag add), "user-removed" (tag remove: kept so
# no later pass re-adds it, not shown), "llm" (a model added it), "cue+llm" (a model confirmed a
# cue), "cue-rejected" (a model rejected a cue: kept, not shown).
TAG_REJECTED = "cue-rejected"
TAG_REMOVED = "user-removed"
SHOWN_TAGS_SQL = f"origin NOT IN ('{TAG_REJECTED}', '{TAG_REMOVED}')"


def entry_tags(vault: Vault, entry_ids: Sequence[int]) -> dict[int, list[str]]:
    if not entry_ids:
        return {}
    marks = ",".join(str(int(i)) for i in entry_ids)
    out: dict[int, list[str]] = {int(i): [] for i in entry_ids}
    with vault.engine.connect() as c:
        for r in c.execute(
            text(
                f"SELECT entry_id, tag FROM entry_tag WHERE entry_id IN ({marks}) "
                f"AND {SHOWN_TAGS_SQL} ORDER BY tag"
            )
        ):
            out[int(r[0])].append(str(r[1]))
    return out


def entry_cues(vault: Vault, entry_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The cue sentences of entries (tag, sentence), from ingest (notes/0005)."""
    if not entry_ids:
        return {}
    marks = ",".join(str(int(i)) for i in entry_ids)
    with vault.engine.connect() as c:
        # a cue whose tag was removed (by the user) or rejected (by a model) is not shown: the
        # trail kept printing "#dead_end: …" after `tag remove dead_end` (QA, session 19)
        hidden = {
            (int(r[0]), str(r[1]))
            for r in c.execute(
                text(
                    f"SELECT entry_id, tag FROM entry_tag WHERE entry_id IN ({marks}) "
                    f"AND NOT ({SHOWN_TAGS_SQL})"
                )
            )
        }
        return {
            int(r[0]): [
                {"tag": str(x.get("tag")), "sentence": str(x.get("sentence"))}
                for x in json.loads(r[1] or "{}").get("cues", [])
                if isinstance(x, dict) and (int(r[0]), str(x.get("tag"))) not in hidden
            ]
            for r in c.execute(text(f"SELECT id, meta FROM entry WHERE id IN ({marks})"))
        }


QUOTE_CHARS = 500


def tagged_entries(
    vault: Vault, filters: Filters, limit: int = 50, oldest_first: bool = False
) -> list[int]:
    """The entries ``filters`` admits (its ``tags`` among them), newest first (or oldest first):
    "what dead ends did we hit?" is a list of what was tagged, not a search (QA, session 19)."""
    where, params = filters.sql()
    way = "ASC" if oldest_first else "DESC"
    sql = (
        "SELECT e.id, MAX(e.ts) FROM entry e JOIN document d ON d.id = e.document_id "
        f"JOIN chunk c ON c.entry_id = e.id WHERE {where} GROUP BY e.id "
        # undated last on both databases (PostgreSQL sorts NULL first when descending)
        f"ORDER BY CASE WHEN MAX(e.ts) IS NULL THEN 1 ELSE 0 END, MAX(e.ts) {way}, e.id {way} "
        "LIMIT :f_limit"
    )
    with vault.engine.connect() as c:
        return [int(r[0]) for r in c.execute(text(sql), {**params, "f_limit": limit})]


def entry_hits(vault: Vault, entry_ids: Sequence[int]) -> list[Hit]:
    """Entries as hits (score 0; the quote is the start of the entry, verbatim)."""
    if not entry_ids:
        return []
    marks = ",".join(str(int(i)) for i in entry_ids)
    sql = (
        f"SELECT {_HIT_COLUMNS}, (SELECT MIN(c.id) FROM chunk c WHERE c.entry_id = e.id), e.text, "
        f"{_HIT_TAIL} FROM entry e {_HIT_JOINS} WHERE e.id IN ({marks})"
    )
    with vault.engine.connect() as c:
        rows = {int(r[0]): r for r in c.execute(text(sql))}
    out = []
    for eid in entry_ids:
        r = rows.get(int(eid))
        if r is None:
            continue
        body = str(r[13])
        quote = body[:QUOTE_CHARS].rsplit(" ", 1)[0] if len(body) > QUOTE_CHARS else body
        out.append(_hit(int(r[12] or 0), quote or body, 0.0, r))
    return out


def entry_owners(vault: Vault, entry_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """Entry id -> whose it is: ("client", its id), or ("general", None) for the user's own
    material, ("several", None) for several clients', ("nobody", None) for unattributed."""
    if not entry_ids:
        return {}
    from .records import SCOPE_GENERAL, SCOPE_MIXED, SCOPE_UNATTRIBUTED

    marks = ",".join(str(int(i)) for i in entry_ids)
    kinds = {SCOPE_GENERAL: "general", SCOPE_MIXED: "several", SCOPE_UNATTRIBUTED: "nobody"}
    with vault.engine.connect() as c:
        rows = c.execute(text(f"SELECT id, scope FROM entry WHERE id IN ({marks})")).all()
    return {
        int(r[0]): (kinds[str(r[1])], None) if str(r[1]) in kinds else ("client", str(r[1]))
        for r in rows
    }


def document_entry_ids(vault: Vault, document_id: int) -> list[int]:
    with vault.engine.connect() as c:
        if (
            c.execute(text("SELECT 1 FROM document WHERE id=:d"), {"d": document_id}).first()
            is None
        ):
            from .errors import NotFound

            raise NotFound("document", document_id)
        return [
            int(r[0])
            for r in c.execute(
                text(
                    "SELECT id FROM entry WHERE document_id = :d AND indexed ORDER BY ts, position"
                ),
                {"d": document_id},
            )
        ]


def linked_entry_ids(vault: Vault, entry_ids: Sequence[int], kinds: Sequence[str]) -> set[int]:
    """Entries linked to these (either direction) by links of the given kinds."""
    if not entry_ids:
        return set()
    marks = ",".join(str(int(i)) for i in entry_ids)
    kinds_sql = ",".join("'" + k.replace("'", "") + "'" for k in kinds)
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                f"SELECT from_entry_id, to_entry_id FROM link WHERE kind IN ({kinds_sql}) "
                f"AND (from_entry_id IN ({marks}) OR to_entry_id IN ({marks}))"
            )
        ).all()
    return {int(x) for r in rows for x in r}


_AUTHORS: weakref.WeakKeyDictionary[Vault, tuple[int, list[str]]] = weakref.WeakKeyDictionary()


def vault_authors(vault: Vault, limit: int = 200) -> list[str]:
    """Names of people who speak in chats, most frequent first. Cached per vault until an entry
    is added (every search asks, and the GROUP BY scans every message)."""
    with vault.engine.connect() as c:
        newest = int(c.execute(text("SELECT COALESCE(MAX(id), 0) FROM entry")).scalar_one())
    cached = _AUTHORS.get(vault)
    if cached is not None and cached[0] == newest:
        return cached[1][:limit]
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT author, COUNT(*) FROM entry WHERE kind = 'message' AND author IS NOT NULL "
                "AND author NOT IN ('user', 'assistant', 'system', 'tool', 'unknown', 'human', "
                "'model', 'developer', 'function') AND author NOT LIKE 'tool:%' "
                "GROUP BY author ORDER BY 2 DESC LIMIT :n"
            ),
            {"n": 200},
        ).all()
    names = [str(r[0]) for r in rows if str(r[0]).strip() and "@" not in str(r[0])]
    _AUTHORS[vault] = (newest, names)
    return names[:limit]


def neighbour_chunks(
    vault: Vault, entry_ids: Sequence[int], filters: Filters
) -> list[tuple[int, int, int, bool]]:
    """(entry, neighbour entry, the neighbour's first chunk, neighbour comes after) for the turns
    next to the given ones in a conversation: the turn each answers and the turns answering it
    (parent links: chats and email threads). Sections of a note are not neighbours — they do
    not answer each other (notes/0009). Neighbours must pass ``filters``."""
    if not entry_ids:
        return []
    marks = ",".join(str(int(i)) for i in entry_ids)
    with vault.engine.connect() as c:
        pairs = [
            (int(r[0]), int(r[1]), False)
            for r in c.execute(
                text(
                    f"SELECT id, parent_id FROM entry WHERE id IN ({marks}) "
                    "AND parent_id IS NOT NULL"
                )
            )
        ]
        pairs += [
            (int(r[0]), int(r[1]), True)
            for r in c.execute(
                text(f"SELECT parent_id, id FROM entry WHERE parent_id IN ({marks})")
            )
        ]
        pairs = list(dict.fromkeys(pairs))
        if not pairs:
            return []
        where, params = filters.sql()
        nmarks = ",".join(str(n) for n in {n for _, n, _ in pairs})
        first = {
            int(r[0]): int(r[1])
            for r in c.execute(
                text(
                    "SELECT c.entry_id, MIN(c.id) FROM chunk c JOIN entry e ON e.id = c.entry_id "
                    f"JOIN document d ON d.id = e.document_id WHERE c.entry_id IN ({nmarks}) "
                    f"AND {where} GROUP BY c.entry_id"
                ),
                params,
            )
        }
    return [(e, n, first[n], after) for e, n, after in pairs if n in first]


def superseded_at(vault: Vault, entry_ids: Sequence[int]) -> dict[int, datetime]:
    """For each entry of a document that has a later version: when that next version came (the
    entry's words stood until then). Entries of a document's last version are left out."""
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        return {}
    out: dict[int, datetime] = {}
    with vault.engine.connect() as c:
        for r in c.execute(
            text(
                "SELECT e.id, MIN(v2.created_at) FROM entry e "
                "JOIN version v ON v.id = e.version_id "
                "JOIN version v2 ON v2.document_id = v.document_id AND v2.number > v.number "
                f"WHERE e.id IN ({_bind_ints(ids)}) GROUP BY e.id"
            )
        ):
            when = parse_db_ts(r[1])
            if when is not None:
                out[int(r[0])] = when
    return out


def _bind_ints(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def drafts_citing_outside(vault: Vault, document_ids: Sequence[int], client: str) -> set[int]:
    """The draft documents among these that cite a passage now outside ``client``'s scope (it
    was re-attributed after the draft was written, or forgotten): a draft quotes what it cites,
    and its words are another client's now (leak hunt, session 25: Kestrel's old draft kept
    Lumora's figures in Kestrel's search once an alias said whose they were)."""
    if not document_ids:
        return set()
    cited: dict[int, list[int]] = {}
    with vault.engine.connect() as c:
        for doc_id, meta in c.execute(
            text(f"SELECT id, meta FROM document WHERE id IN ({_bind_ints(document_ids)})")
        ).all():
            try:
                cites = json.loads(str(meta or "{}")).get("front_matter", {}).get("citations")
            except (ValueError, AttributeError):
                cites = None
            if isinstance(cites, list):
                cited[int(doc_id)] = [
                    x["entry_id"]
                    for x in cites
                    if isinstance(x, dict) and isinstance(x.get("entry_id"), int)
                ]
        ids = sorted({i for v in cited.values() for i in v})
        scopes = (
            {
                int(r[0]): str(r[1])
                for r in c.execute(
                    text(f"SELECT id, scope FROM entry WHERE id IN ({_bind_ints(ids)})")
                )
            }
            if ids
            else {}
        )
    return {
        d for d, v in cited.items() if any(scopes.get(i) not in (client, SCOPE_GENERAL) for i in v)
    }


def entry_authors(vault: Vault, entry_ids: Sequence[int]) -> dict[int, str]:
    if not entry_ids:
        return {}
    marks = ",".join(str(int(i)) for i in entry_ids)
    with vault.engine.connect() as c:
        return {
            int(r[0]): str(r[1] or "")
            for r in c.execute(text(f"SELECT id, author FROM entry WHERE id IN ({marks})"))
        }


def tags_to_review(vault: Vault, limit: int) -> list[dict[str, Any]]:
    """Entries that still carry an unreviewed cue tag: id, text, the cue tags."""
    with vault.engine.connect() as c:
        ids = [
            int(r[0])
            for r in c.execute(
                text(
                    "SELECT DISTINCT t.entry_id FROM entry_tag t JOIN entry e ON e.id = t.entry_id "
                    "WHERE t.origin = 'cue' AND e.indexed ORDER BY t.entry_id LIMIT :n"
                ),
                {"n": limit},
            )
        ]
        if not ids:
            return []
        marks = ",".join(str(i) for i in ids)
        texts = {
            int(r[0]): (str(r[1]), r[2], r[3])
            for r in c.execute(
                text(f"SELECT id, text, client_id, scope FROM entry WHERE id IN ({marks})")
            )
        }
        cues: dict[int, list[str]] = {i: [] for i in ids}
        for r in c.execute(
            text(
                f"SELECT entry_id, tag FROM entry_tag WHERE entry_id IN ({marks}) "
                "AND origin = 'cue' ORDER BY tag"
            )
        ):
            cues[int(r[0])].append(str(r[1]))
    return [
        {
            "entry_id": i,
            "text": texts[i][0],
            "client": texts[i][1],
            "scope": texts[i][2],
            "cue_tags": cues[i],
        }
        for i in ids
    ]


__all__ = [
    "QUOTE_CHARS",
    "SHOWN_TAGS_SQL",
    "TAG_REJECTED",
    "TAG_REMOVED",
    "TRAIL_TAGS",
    "Filters",
    "chunks_holding",
    "document_entry_ids",
    "entry_authors",
    "entry_cues",
    "entry_hits",
    "entry_links",
    "entry_owners",
    "entry_tags",
    "entry_text",
    "estimated_frequencies",
    "hydrate",
    "keyword_search",
    "linked_entry_ids",
    "neighbour_chunks",
    "resolve_client",
    "status",
    "superseded_at",
    "tagged_entries",
    "tags_to_review",
    "term_frequencies",
    "vault_authors",
    "vector_search",
]
