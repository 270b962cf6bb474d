"""What `status` reports, as SQL any connection can run, and a read-only way to run it on an
embedded vault through the standard library's ``sqlite3`` — no SQLAlchemy.

Importing SQLAlchemy alone takes 0.26–0.45 s on these machines, more than half of `status`
(BENCHMARKS.md, "Start-up"). A command that only reads can skip it when the vault is current:
its schema at this version and its attribution made with today's settings (the caller checks
that — :mod:`trailkeep.ingest.quick`); otherwise it opens the vault the usual way, which
migrates and re-attributes first. This module imports nothing heavy, and the SQL stays here,
behind the vault's gate, shared with :func:`trailkeep.vault.query.status`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from .records import OPEN_PROBLEM, REVIEWABLE

# The schema version `trailkeep.vault.migrations` brings a vault to (a test keeps them equal).
SCHEMA_VERSION = 11

Rows = Callable[[str, Mapping[str, object]], list[tuple[Any, ...]]]


def status_report(rows: Rows, find_at: str, embedder_id: str) -> dict[str, Any]:
    """The `status` counts. ``rows(sql, params)`` runs one query; ``find_at`` is the dialect's
    expression for the position of "@" in ``author``."""

    def one(sql: str, **p: object) -> int:
        return int(rows(sql, p)[0][0])

    counts = {
        str(r[0]): int(r[1])
        for r in rows("SELECT status, COUNT(*) FROM source GROUP BY status", {})
    }
    failures = [
        {"source": str(r[0]), "error": str(r[1] or "")}
        for r in rows(
            f"SELECT path, error FROM source WHERE {OPEN_PROBLEM} "
            "ORDER BY updated_at DESC LIMIT 200",
            {},
        )
    ]
    open_problems = {
        str(r[0]): int(r[1])
        for r in rows(
            f"SELECT status, COUNT(*) FROM source WHERE {OPEN_PROBLEM} GROUP BY status", {}
        )
    }
    domains_sql = (
        f"SELECT substr(author, {find_at} + 1) AS dom, COUNT(*) FROM entry "
        "WHERE kind = 'email' AND scope = '?' AND author LIKE '%@%' "
        "GROUP BY dom ORDER BY 2 DESC LIMIT 20"
    )
    return {
        "sources": {
            "ingested": counts.get("ingested", 0),
            "duplicates": counts.get("duplicate", 0),
            "partial": open_problems.get("partial", 0),
            "failed": open_problems.get("failed", 0),
            # sources an interrupted write left unfinished (retried at the next start); the
            # watcher's own queue is `watcher.pending` (ui/cli/home.py); "pending" is kept for
            # scripts written before (session 15)
            "interrupted": counts.get("pending", 0),
            "pending": counts.get("pending", 0),
        },
        "documents": one("SELECT COUNT(*) FROM document"),
        "entries": one("SELECT COUNT(*) FROM entry"),
        "chunks": one("SELECT COUNT(*) FROM chunk"),
        "embedded": one("SELECT COUNT(*) FROM chunk WHERE embedded_by = :e", e=embedder_id),
        "failures": failures,
        "unattributed": {
            # in nobody's scope until attributed (`trailkeep clients review`)
            "entries": one(f"SELECT COUNT(*) FROM entry e WHERE {REVIEWABLE}"),
            "emails": one("SELECT COUNT(*) FROM entry WHERE kind = 'email' AND scope = '?'"),
            "domains": [
                {"domain": str(r[0]), "messages": int(r[1])} for r in rows(domains_sql, {})
            ],
        },
        "clients": [
            {"id": str(r[0]), "name": str(r[1])}
            for r in rows("SELECT id, name FROM client ORDER BY id", {})
        ],
    }


@contextmanager
def read_only(db_path: Path, timeout: float = 5.0) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection to an embedded vault's SQLite file, or None when there is none
    (or it cannot be opened so): the caller then takes the usual way."""
    if not db_path.is_file():
        yield None
        return
    try:
        con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    except sqlite3.Error:
        yield None
        return
    with closing(con):
        try:
            # one snapshot for the currency check and every count (sqlite3 opens none before
            # a SELECT): a concurrent ingest is seen wholly or not at all
            con.execute("BEGIN")
        except sqlite3.Error:
            yield None
            return
        yield con


def run(con: sqlite3.Connection) -> Rows:
    return lambda sql, params: con.execute(sql, dict(params)).fetchall()


def current_state(con: sqlite3.Connection, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """What deciding "is this vault current?" needs: the schema version, the ``vault_meta``
    values under ``keys`` and the user's assignments; None when the schema is not this
    version's (or the file is not a vault)."""
    try:
        version = con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        if version != SCHEMA_VERSION:
            return None
        marks = ",".join("?" for _ in keys)
        meta = dict(con.execute(f"SELECT key, value FROM vault_meta WHERE key IN ({marks})", keys))
        rules = dict(con.execute("SELECT key, client FROM attribution_rule"))
    except sqlite3.Error:
        return None
    return {"meta": meta, "rules": {str(k): str(v) for k, v in rules.items()}}


def status_read_only(con: sqlite3.Connection, embedder_id: str) -> dict[str, Any] | None:
    try:
        return status_report(run(con), "instr(author, '@')", embedder_id)
    except sqlite3.Error:
        return None


__all__ = [
    "SCHEMA_VERSION",
    "current_state",
    "read_only",
    "status_read_only",
    "status_report",
]
