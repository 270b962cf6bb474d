"""Numbered schema migrations, applied in order when a vault is opened.

Each migration runs in one transaction together with its row in ``schema_migrations``; SQLite's
DDL is transactional, so a failing migration leaves the file exactly as it was. ``create_all()``
is never used: the SQLModel classes in ``models.py`` describe these tables, and a test checks that
both agree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from . import dialect
from .errors import MigrationError, SchemaTooNew
from .keyword import KeywordIndex

Step = Callable[[Connection, KeywordIndex], None]

_CORE = """
CREATE TABLE client (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    origin TEXT NOT NULL DEFAULT 'clients.toml',
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE project (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    client_id TEXT REFERENCES client(id),
    UNIQUE (name, client_id)
);
CREATE TABLE source (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    parser TEXT,
    status TEXT NOT NULL,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (path, sha256)
);
CREATE INDEX ix_source_sha256 ON source (sha256);
CREATE INDEX ix_source_status ON source (status);
CREATE TABLE document (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    title TEXT NOT NULL,
    client_id TEXT REFERENCES client(id),
    project_id INTEGER REFERENCES project(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    UNIQUE (kind, external_id)
);
CREATE TABLE version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    source_id INTEGER REFERENCES source(id) ON DELETE SET NULL,
    content_sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    tz_offset_min INTEGER NOT NULL DEFAULT 0,
    current BOOLEAN NOT NULL,
    revises_id INTEGER REFERENCES version(id) ON DELETE SET NULL,
    UNIQUE (document_id, number)
);
CREATE TABLE entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES version(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    author TEXT,
    ts TIMESTAMP,
    tz_offset_min INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL,
    parent_id INTEGER REFERENCES entry(id) ON DELETE SET NULL,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    client_id TEXT REFERENCES client(id),
    on_current_path BOOLEAN NOT NULL DEFAULT 1,
    current BOOLEAN NOT NULL DEFAULT 1,
    indexed BOOLEAN NOT NULL DEFAULT 1,
    content_sha256 TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    UNIQUE (version_id, key)
);
CREATE INDEX ix_entry_document ON entry (document_id);
CREATE INDEX ix_entry_client ON entry (client_id);
CREATE INDEX ix_entry_ts ON entry (ts);
CREATE TABLE link (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    from_entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
    to_entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
    UNIQUE (kind, from_entry_id, to_entry_id)
);
CREATE INDEX ix_link_to ON link (to_entry_id);
CREATE TABLE entry_tag (
    entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (entry_id, tag)
);
CREATE TABLE chunk (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL,
    context TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    embedded_by TEXT,
    UNIQUE (entry_id, ord)
);
CREATE INDEX ix_chunk_embedded ON chunk (embedded_by);
CREATE TABLE source_document (
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES version(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, document_id, version_id)
);
CREATE TABLE tombstone (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, key)
);
CREATE TABLE file_state (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE vault_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _script(conn: Connection, script: str) -> None:
    for stmt in script.split(";"):
        if stmt.strip():
            conn.execute(text(dialect.ddl(conn, stmt)))


def _core(conn: Connection, kw: KeywordIndex) -> None:
    _script(conn, _CORE)


def _keyword(conn: Connection, kw: KeywordIndex) -> None:
    kw.create(conn)


def _entry_key_index(conn: Connection, kw: KeywordIndex) -> None:
    # Email threading looks messages up by Message-ID (the entry key) across documents.
    conn.execute(text("CREATE INDEX ix_entry_key ON entry (key)"))


def _llm_calls(conn: Connection, kw: KeywordIndex) -> None:
    # The audit log of every model call. The API key is never part of it.
    _script(
        conn,
        "CREATE TABLE llm_call (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "created_at TIMESTAMP NOT NULL, purpose TEXT NOT NULL, backend TEXT NOT NULL, "
        "model TEXT NOT NULL, prompt TEXT NOT NULL, response TEXT NOT NULL DEFAULT '', "
        "input_tokens INTEGER, output_tokens INTEGER, latency_ms INTEGER, error TEXT)",
    )


_BILLING = """
CREATE TABLE invoice (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'invoice',
    client_id TEXT NOT NULL REFERENCES client(id),
    period TEXT NOT NULL,
    status TEXT NOT NULL,
    number TEXT UNIQUE,
    currency TEXT NOT NULL,
    tax_rate TEXT NOT NULL,
    subtotal TEXT,
    tax TEXT,
    total TEXT,
    issued_on TEXT,
    due_on TEXT,
    paid_on TEXT,
    credit_of INTEGER REFERENCES invoice(id),
    created_at TIMESTAMP NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX ux_invoice_open_draft ON invoice (client_id, period)
    WHERE status = 'draft' AND kind = 'invoice';
CREATE UNIQUE INDEX ux_invoice_credit_of ON invoice (credit_of) WHERE credit_of IS NOT NULL;
CREATE TABLE work_item (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER REFERENCES document(id),
    entry_id INTEGER REFERENCES entry(id),
    origin TEXT NOT NULL,
    line_sha TEXT NOT NULL,
    client_id TEXT REFERENCES client(id),
    client_label TEXT NOT NULL DEFAULT '',
    day TEXT,
    hours TEXT,
    rate TEXT,
    description TEXT NOT NULL,
    invoice_id INTEGER REFERENCES invoice(id),
    removed BOOLEAN NOT NULL DEFAULT 0,
    problem TEXT,
    flag TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ix_work_item_client ON work_item (client_id, day);
CREATE INDEX ix_work_item_document ON work_item (document_id);
CREATE TABLE invoice_line (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id INTEGER NOT NULL REFERENCES invoice(id),
    position INTEGER NOT NULL,
    work_item_id INTEGER REFERENCES work_item(id),
    description TEXT NOT NULL,
    hours TEXT NOT NULL,
    rate TEXT NOT NULL,
    amount TEXT NOT NULL
);
CREATE TABLE invoice_counter (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);
"""


def _billing(conn: Connection, kw: KeywordIndex) -> None:
    # Work items (billable lines with a stable identity across note versions) and invoices.
    _script(conn, _BILLING)


def _neighbour_indexes(conn: Connection, kw: KeywordIndex) -> None:
    # Search looks up the turns next to each hit: the replies to it.
    conn.execute(text("CREATE INDEX ix_entry_parent ON entry (parent_id)"))


def _scopes(conn: Connection, kw: KeywordIndex) -> None:
    # Issue 15 (notes/0013): every entry carries the scope client-scoped reads filter on;
    # until the first re-attribution an entry is its client's, or nobody's (fail closed).
    conn.execute(text("ALTER TABLE entry ADD COLUMN scope TEXT NOT NULL DEFAULT '?'"))
    conn.execute(text("UPDATE entry SET scope = client_id WHERE client_id IS NOT NULL"))
    conn.execute(text("CREATE INDEX ix_entry_scope ON entry (scope)"))
    # The file each entry came from (a reply in a thread is cited as its own file, not as the
    # thread's first); older entries fall back to their version's source.
    conn.execute(
        text(
            dialect.ddl(
                conn, "ALTER TABLE entry ADD COLUMN source_id INTEGER REFERENCES source(id)"
            )
        )
    )
    conn.execute(
        text(
            dialect.ddl(
                conn,
                "CREATE TABLE attribution_rule (key TEXT PRIMARY KEY, client TEXT NOT NULL, "
                "created_at TIMESTAMP NOT NULL)",
            )
        )
    )
    # Clients the first round made from labels in files: the label goes back to the document
    # (it is re-resolved against clients.toml; no client is made from a label any more).
    rows = conn.execute(
        text(
            "SELECT d.id, d.meta, c.name FROM document d JOIN client c ON c.id = d.client_id "
            "WHERE c.origin <> 'clients.toml'"
        )
    ).all()
    for doc_id, meta, name in rows:
        m = json.loads(meta or "{}")
        m.setdefault("client_label", name)
        conn.execute(
            text("UPDATE document SET meta = :m WHERE id = :d"),
            {"m": json.dumps(m, sort_keys=True), "d": doc_id},
        )


def _in_place_and_tails(conn: Connection, kw: KeywordIndex) -> None:
    # Issue 18: files read in place from watched folders keep no copy in blobs/ (doctor does
    # not look for one), and a growing file (a coding-agent session) remembers where a re-read
    # may start: the offset, the hash of everything before it, the next entry position.
    conn.execute(text("ALTER TABLE source ADD COLUMN kept TEXT NOT NULL DEFAULT 'blob'"))
    conn.execute(text(dialect.ddl(conn, "ALTER TABLE file_state ADD COLUMN resume_offset INTEGER")))
    conn.execute(text("ALTER TABLE file_state ADD COLUMN resume_sha256 TEXT"))
    conn.execute(
        text(dialect.ddl(conn, "ALTER TABLE file_state ADD COLUMN resume_position INTEGER"))
    )


def _hashed_tombstones(conn: Connection, kw: KeywordIndex) -> None:
    # Issue 20: tombstones keep hashes, never readable titles (section paths, note ids).
    import hashlib

    for rowid, key in conn.execute(
        text("SELECT id, key FROM tombstone WHERE kind <> 'sha256' AND key NOT LIKE 'h:%'")
    ).all():
        digest = "h:" + hashlib.sha256(str(key).encode("utf-8", "surrogatepass")).hexdigest()
        conn.execute(text("UPDATE tombstone SET key = :k WHERE id = :i"), {"k": digest, "i": rowid})


def _drafts_without_cues(conn: Connection, kw: KeywordIndex) -> None:
    # Session 10: a draft's placeholder headings ("## Decisions", "[✎ TO WRITE: decisions]")
    # are not the user's decisions; drafts saved before carry the trail cues they were given.
    conn.execute(
        text(
            "DELETE FROM entry_tag WHERE origin = 'cue' AND entry_id IN (SELECT e.id FROM entry "
            "e JOIN document d ON d.id = e.document_id WHERE d.kind = 'draft')"
        )
    )


def _same_work_keys(conn: Connection, kw: KeywordIndex) -> None:
    # Session 16: the same work is compared by its words in any case and its hours to the
    # hundredth ("1h20m" = 1.33), not by SQL's lower() (ASCII only) and the exact hours.
    from .work import same_hours, same_words

    conn.execute(text("ALTER TABLE work_item ADD COLUMN same_words TEXT"))
    conn.execute(text("ALTER TABLE work_item ADD COLUMN same_hours TEXT"))
    for rowid, hours, description in conn.execute(
        text("SELECT id, hours, description FROM work_item")
    ).all():
        conn.execute(
            text("UPDATE work_item SET same_words = :w, same_hours = :h WHERE id = :i"),
            {"w": same_words(description), "h": same_hours(hours), "i": rowid},
        )


MIGRATIONS: list[tuple[int, str, Step]] = [
    (1, "core tables", _core),
    (2, "keyword index", _keyword),
    (3, "entry key index", _entry_key_index),
    (4, "model call audit log", _llm_calls),
    (5, "work items and invoices", _billing),
    (6, "entry parent index", _neighbour_indexes),
    (7, "entry scopes and attribution rules", _scopes),
    (8, "sources read in place, growing files", _in_place_and_tails),
    (9, "tombstones as hashes", _hashed_tombstones),
    (10, "drafts carry no trail cues", _drafts_without_cues),
    (11, "same-work keys for work items", _same_work_keys),
]


def current_version(conn: Connection) -> int:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
    )
    row = conn.execute(text("SELECT MAX(version) FROM schema_migrations")).first()
    return int(row[0]) if row and row[0] is not None else 0


def pending(engine: Engine) -> bool:
    """Whether the schema lacks a migration (or the database is new), read without writing:
    an up-to-date vault opens without the writer lock."""
    known = max((n for n, _, _ in MIGRATIONS), default=0)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT MAX(version) FROM schema_migrations")).first()
    except Exception:  # no table yet: a new database (sqlite3 and psycopg name it differently)
        return True
    return not row or row[0] is None or int(row[0]) != known


def migrate(
    engine: Engine,
    kw: KeywordIndex,
    migrations: list[tuple[int, str, Step]] | None = None,
) -> int:
    """Apply every pending migration; return the schema version reached."""
    steps = MIGRATIONS if migrations is None else migrations
    known = max((n for n, _, _ in steps), default=0)
    with engine.begin() as conn:
        have = current_version(conn)
    if have > known:
        raise SchemaTooNew(have, known)
    for number, name, step in steps:
        if number <= have:
            continue
        try:
            with engine.begin() as conn:
                step(conn, kw)
                conn.execute(
                    text(
                        "INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES (:v, :n, :t)"
                    ),
                    {
                        "v": number,
                        "n": name,
                        "t": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    },
                )
        except Exception as exc:  # any failure: the transaction rolled back
            raise MigrationError(number, str(exc)) from exc
        have = number
    return have
