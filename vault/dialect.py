"""The few SQL spellings that differ between SQLite and PostgreSQL, in one place.

Everything else in the vault is written in SQL both accept (``ON CONFLICT DO NOTHING``,
``RETURNING``, ``TRUE``/``FALSE``, ``substr``); SQLite-only SQL (FTS5, PRAGMAs, the online
backup) lives in the SQLite implementations only.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine


def name(c: Connection | Engine) -> str:
    return c.dialect.name


def json_text(c: Connection | Engine, column: str, key: str) -> str:
    """The text value of a top-level JSON key in a TEXT column holding JSON."""
    if name(c) == "postgresql":
        return f"(({column})::jsonb ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def concat_agg(c: Connection | Engine, expr: str) -> str:
    if name(c) == "postgresql":
        return f"string_agg({expr}, ',')"
    return f"group_concat({expr}, ',')"


def find(c: Connection | Engine, needle: str, haystack: str) -> str:
    """1-based position of ``needle`` in ``haystack`` (0 when absent)."""
    if name(c) == "postgresql":
        return f"strpos({haystack}, {needle})"
    return f"instr({haystack}, {needle})"


def ddl(c: Connection | Engine, sql: str) -> str:
    """Table definitions are written for SQLite; PostgreSQL gets identity keys and booleans."""
    if name(c) != "postgresql":
        return sql
    return (
        sql.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace(" INTEGER", " BIGINT")
        .replace("BOOLEAN NOT NULL DEFAULT 0", "BOOLEAN NOT NULL DEFAULT FALSE")
        .replace("BOOLEAN NOT NULL DEFAULT 1", "BOOLEAN NOT NULL DEFAULT TRUE")
    )
