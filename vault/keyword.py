"""Keyword index behind a small interface, so PostgreSQL full-text can replace FTS5 later.

SQLite implementation: an FTS5 table ``chunk_fts`` whose rowid is the chunk id, written in the
same transaction as the chunk rows. Tokenizer choice: ``notes/0003-keyword-index.md``.
CJK text has no spaces, so unicode61 would make a whole run one token; we space out CJK
characters before indexing and querying (each becomes a token; queries become phrases).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from sqlalchemy import Connection, text

FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
RANK_FIRST = 300  # FTS5 ranks this many alone before the joins and filters
PRUNE_MIN_ROWS = 20_000  # below this every query term is kept
MAX_DF_SHARE = 0.5  # above this share of chunks a term's BM25 IDF is <= 0

_CJK = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f])"
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Very common words add noise to OR-queries and cost time; BM25 would weigh them low anyway.
_STOP = frozenset(
    (
        "a an the and or of to in on at by for with is are was were be been it its this that "
        "what when where who whom which why how do does did i you he she we they me my our "
        "your their his her as from about into than then so if not no"
    ).split()
)
STOP_WORDS = _STOP  # public: words no lookup is about


def normalize_for_index(s: str) -> str:
    return _CJK.sub(r" \1 ", s)


def strip_diacritics(s: str) -> str:
    """'élèves' -> 'eleves' (FTS5 does this in its tokenizer; PostgreSQL needs it done here)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def query_terms(query: str) -> list[str]:
    """Split a user query into FTS terms (each a quoted word or CJK phrase)."""
    terms: list[str] = []
    for raw in normalize_for_index(query).split():
        for w in _WORD.findall(raw):
            if w.lower() in _STOP:
                continue
            terms.append(w)
    # CJK characters next to each other in the query form one phrase.
    out: list[str] = []
    buf: list[str] = []
    for t in terms:
        if len(t) == 1 and _CJK.match(t):
            buf.append(t)
            continue
        if buf:
            out.append('"' + " ".join(buf) + '"')
            buf = []
        out.append('"' + t.replace('"', "") + '"')
    if buf:
        out.append('"' + " ".join(buf) + '"')
    seen: set[str] = set()
    uniq = []
    for t in out:
        if t.lower() not in seen:
            seen.add(t.lower())
            uniq.append(t)
    return uniq


class CommonTermPruner:
    """Drops query terms found in more than MAX_DF_SHARE of a large index. In BM25 their IDF is
    <= 0 (FTS5 clamps it to ~0), so ranking does not change — but OR-ing them makes the engine
    score most of the table: 4 such terms cost ~300 ms at 100k chunks in FTS5, ~1 s at 1M in
    PostgreSQL. Small indexes keep every term (the query is fast there, and matching at all is
    evidence the abstention rule uses). Document frequencies are cached until the index grows by
    5 %. notes/0003."""

    def __init__(self) -> None:
        self.min_rows = PRUNE_MIN_ROWS
        self._df: dict[str, tuple[int, int]] = {}  # term -> (index size seen, documents)

    def keep(self, conn: Connection, terms: list[str], size_sql: str, df_sql: str) -> list[str]:
        if not terms:
            return terms
        n = int(conn.execute(text(size_sql)).scalar_one())
        if n < self.min_rows:
            return terms
        return [t for t in terms if self._df_of(conn, t, n, df_sql) <= MAX_DF_SHARE * n]

    def estimate(
        self, conn: Connection, terms: Sequence[str], size_sql: str, df_sql: str
    ) -> tuple[int, dict[str, int]]:
        """(index size — its highest id, an upper bound —, each term's document frequency),
        cached like :meth:`keep`'s: cheap enough for every search (a lookup's rare words)."""
        n = int(conn.execute(text(size_sql)).scalar_one())
        return n, {t: self._df_of(conn, t, n, df_sql) for t in terms}

    def _df_of(self, conn: Connection, t: str, n: int, df_sql: str) -> int:
        cached = self._df.get(t)
        if cached is None or abs(n - cached[0]) > 0.05 * n:
            df = int(conn.execute(text(df_sql), {"t": t}).scalar_one())
            if len(self._df) > 50_000:
                self._df.clear()
            self._df[t] = cached = (n, df)
        return cached[1]


class KeywordIndex(Protocol):
    name: str

    def create(self, conn: Connection) -> None: ...

    def add(self, conn: Connection, rows: Iterable[tuple[int, str]]) -> None: ...

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None: ...

    def ids(self, conn: Connection) -> set[int]: ...

    def frequencies(self, conn: Connection, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(index size, for each word — or phrase, "turned down" — the number of chunks that
        hold it, stems included)."""
        ...

    def estimated_frequencies(
        self, conn: Connection, words: Sequence[str]
    ) -> tuple[int, dict[str, int]]:
        """Like :meth:`frequencies`, from a cache and the index's highest id (not a count)."""
        ...

    def holding(
        self, conn: Connection, words: Sequence[str], chunk_ids: Sequence[int]
    ) -> dict[str, set[int]]:
        """For each word — or phrase — which of the given chunks hold it (stems included)."""
        ...

    def search(
        self,
        conn: Connection,
        query: str,
        k: int,
        where: str = "",
        params: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        """Best first: (chunk_id, score), higher score = better. ``where`` filters on aliases
        ``c`` (chunk), ``e`` (entry) and ``d`` (document)."""
        ...


class SqliteFts5Index:
    name = "sqlite-fts5"

    def __init__(self) -> None:
        self.pruner = CommonTermPruner()
        self.rank_first = True  # False: the old plan (join, filter, then rank), for the bench

    def create(self, conn: Connection) -> None:
        conn.execute(
            text(f"CREATE VIRTUAL TABLE chunk_fts USING fts5(body, tokenize='{FTS_TOKENIZE}')")
        )

    def add(self, conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
        data = [{"id": cid, "body": normalize_for_index(body)} for cid, body in rows]
        if data:
            conn.execute(text("INSERT INTO chunk_fts(rowid, body) VALUES (:id, :body)"), data)

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            marks = ",".join(str(int(x)) for x in part)
            conn.execute(text(f"DELETE FROM chunk_fts WHERE rowid IN ({marks})"))

    def ids(self, conn: Connection) -> set[int]:
        return {int(r[0]) for r in conn.execute(text("SELECT rowid FROM chunk_fts"))}

    def search(
        self,
        conn: Connection,
        query: str,
        k: int,
        where: str = "",
        params: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        terms = self._informative(conn, query_terms(query))
        if not terms:
            return []
        p: dict[str, object] = {"match": " OR ".join(terms), "k": k, "cap": max(RANK_FIRST, 6 * k)}
        p.update(params or {})
        joins = (
            "JOIN chunk c ON c.id = f.rowid JOIN entry e ON e.id = c.entry_id "
            "JOIN document d ON d.id = e.document_id "
        )
        filters = f"WHERE {where} " if where else ""
        # FTS5 ranks alone first (its own top-k heap) and only the best few hundred are joined
        # and filtered; when the filters leave fewer than k of those, the whole match is
        # filtered as before (notes/0003). Same top k either way.
        sql = (
            "WITH f AS (SELECT rowid, bm25(chunk_fts) AS s FROM chunk_fts "
            "WHERE chunk_fts MATCH :match ORDER BY s LIMIT :cap) "
            f"SELECT f.rowid, f.s FROM f {joins}{filters}ORDER BY f.s LIMIT :k"
        )
        rows = conn.execute(text(sql), p).all() if self.rank_first else []
        if len(rows) < k:
            full = (
                "SELECT f.rowid, bm25(chunk_fts) AS s FROM chunk_fts f "
                f"{joins}WHERE chunk_fts MATCH :match "
                + (f"AND {where} " if where else "")
                + "ORDER BY s LIMIT :k"
            )
            rows = conn.execute(text(full), p).all()
        # bm25() is lower-is-better; flip the sign so higher is better everywhere.
        return [(int(r[0]), -float(r[1])) for r in rows]

    def _informative(self, conn: Connection, terms: list[str]) -> list[str]:
        return self.pruner.keep(
            conn,
            terms,
            "SELECT COALESCE(MAX(rowid), 0) FROM chunk_fts",
            "SELECT COUNT(*) FROM chunk_fts WHERE chunk_fts MATCH :t",
        )

    def estimated_frequencies(
        self, conn: Connection, words: Sequence[str]
    ) -> tuple[int, dict[str, int]]:
        keys = {w: '"' + strip_diacritics(w).replace('"', "") + '"' for w in words}
        n, df = self.pruner.estimate(
            conn,
            list(keys.values()),
            "SELECT COALESCE(MAX(rowid), 0) FROM chunk_fts",
            "SELECT COUNT(*) FROM chunk_fts WHERE chunk_fts MATCH :t",
        )
        return n, {w: df[k] for w, k in keys.items()}

    def frequencies(self, conn: Connection, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        n = int(conn.execute(text("SELECT COUNT(*) FROM chunk_fts")).scalar_one())
        out = {}
        for w in words:
            q = '"' + strip_diacritics(w).replace('"', "") + '"'
            out[w] = int(
                conn.execute(
                    text("SELECT COUNT(*) FROM chunk_fts WHERE chunk_fts MATCH :t"), {"t": q}
                ).scalar_one()
            )
        return n, out

    def holding(
        self, conn: Connection, words: Sequence[str], chunk_ids: Sequence[int]
    ) -> dict[str, set[int]]:
        marks = ",".join(str(int(i)) for i in chunk_ids) or "NULL"
        out: dict[str, set[int]] = {}
        for w in words:
            q = '"' + strip_diacritics(w).replace('"', "") + '"'
            out[w] = {
                int(r[0])
                for r in conn.execute(
                    text(
                        f"SELECT rowid FROM chunk_fts WHERE rowid IN ({marks}) "
                        "AND chunk_fts MATCH :t"
                    ),
                    {"t": q},
                )
            }
        return out


class PostgresFtsIndex:
    """PostgreSQL full-text search: ``chunk_fts(chunk_id, tsv tsvector)`` with a GIN index,
    written in the same transaction as the chunks. The ``english`` configuration stems like
    FTS5's porter tokenizer; ranking is ``ts_rank`` normalised by document length (closest to
    BM25 on our tests) over an OR of the query's terms; diacritics are folded in Python."""

    name = "postgres-fts"
    config = "english"

    def __init__(self) -> None:
        self.pruner = CommonTermPruner()

    def create(self, conn: Connection) -> None:
        conn.execute(
            text("CREATE TABLE chunk_fts (chunk_id BIGINT PRIMARY KEY, tsv tsvector NOT NULL)")
        )
        conn.execute(text("CREATE INDEX ix_chunk_fts_tsv ON chunk_fts USING GIN (tsv)"))

    def add(self, conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
        data = [
            {"id": cid, "body": strip_diacritics(normalize_for_index(body))} for cid, body in rows
        ]
        if data:
            conn.execute(
                text(
                    "INSERT INTO chunk_fts (chunk_id, tsv) "
                    f"VALUES (:id, to_tsvector('{self.config}', :body))"
                ),
                data,
            )

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for i in range(0, len(chunk_ids), 500):
            marks = ",".join(str(int(x)) for x in chunk_ids[i : i + 500])
            conn.execute(text(f"DELETE FROM chunk_fts WHERE chunk_id IN ({marks})"))

    def ids(self, conn: Connection) -> set[int]:
        return {int(r[0]) for r in conn.execute(text("SELECT chunk_id FROM chunk_fts"))}

    def estimated_frequencies(
        self, conn: Connection, words: Sequence[str]
    ) -> tuple[int, dict[str, int]]:
        keys = {w: strip_diacritics(w) for w in words}
        n, df = self.pruner.estimate(
            conn,
            list(keys.values()),
            "SELECT COALESCE(MAX(chunk_id), 0) FROM chunk_fts",
            f"SELECT COUNT(*) FROM chunk_fts WHERE tsv @@ phraseto_tsquery('{self.config}', :t)",
        )
        return n, {w: df[k] for w, k in keys.items()}

    def frequencies(self, conn: Connection, words: Sequence[str]) -> tuple[int, dict[str, int]]:
        n = int(conn.execute(text("SELECT COUNT(*) FROM chunk_fts")).scalar_one())
        sql = f"SELECT COUNT(*) FROM chunk_fts WHERE tsv @@ phraseto_tsquery('{self.config}', :t)"
        return n, {w: int(conn.execute(text(sql), {"t": w}).scalar_one()) for w in words}

    def holding(
        self, conn: Connection, words: Sequence[str], chunk_ids: Sequence[int]
    ) -> dict[str, set[int]]:
        marks = ",".join(str(int(i)) for i in chunk_ids) or "NULL"
        sql = (
            f"SELECT chunk_id FROM chunk_fts WHERE chunk_id IN ({marks}) "
            f"AND tsv @@ phraseto_tsquery('{self.config}', :t)"
        )
        return {w: {int(r[0]) for r in conn.execute(text(sql), {"t": w})} for w in words}

    def search(
        self,
        conn: Connection,
        query: str,
        k: int,
        where: str = "",
        params: dict[str, object] | None = None,
    ) -> list[tuple[int, float]]:
        terms = [strip_diacritics(t.strip('"')) for t in query_terms(query)]
        terms = self.pruner.keep(
            conn,
            terms,
            "SELECT COALESCE(MAX(chunk_id), 0) FROM chunk_fts",
            f"SELECT COUNT(*) FROM chunk_fts WHERE tsv @@ phraseto_tsquery('{self.config}', :t)",
        )
        if not terms:
            return []
        # Each term through plainto_tsquery (stemmed, punctuation-safe), OR-ed together; a CJK
        # run is a phrase, its characters in order (phraseto_tsquery), as in FTS5.
        parts = " || ".join(
            f"{'phraseto' if ' ' in t else 'plainto'}_tsquery('{self.config}', :t{i})"
            for i, t in enumerate(terms)
        )
        sql = (
            f"WITH q AS (SELECT ({parts}) AS query) "
            f"SELECT f.chunk_id, ts_rank(f.tsv, q.query, 1) AS s FROM chunk_fts f CROSS JOIN q "
            "JOIN chunk c ON c.id = f.chunk_id JOIN entry e ON e.id = c.entry_id "
            "JOIN document d ON d.id = e.document_id "
            "WHERE f.tsv @@ q.query "
            + (f"AND {where} " if where else "")
            + "ORDER BY s DESC LIMIT :k"
        )
        p: dict[str, object] = {f"t{i}": t for i, t in enumerate(terms)}
        p["k"] = k
        p.update(params or {})
        return [(int(r[0]), float(r[1])) for r in conn.execute(text(sql), p)]
