from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from trailkeep.vault import MigrationError, SchemaTooNew, Vault, get_embedder
from trailkeep.vault import models as _models  # noqa: F401  (registers the tables)
from trailkeep.vault.keyword import SqliteFts5Index
from trailkeep.vault.migrations import MIGRATIONS, migrate
from trailkeep.vault.store import make_engine


def test_migrated_schema_matches_the_models(vault: Vault) -> None:
    insp = inspect(vault.engine)
    for name, table in SQLModel.metadata.tables.items():
        cols = {c["name"] for c in insp.get_columns(name)}
        assert cols == {c.name for c in table.columns}, name


@pytest.mark.sqlite_only
def test_wal_and_foreign_keys(vault: Vault) -> None:
    with vault.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


@pytest.mark.sqlite_only
def test_a_files_earlier_reads_are_found_by_index(vault: Vault) -> None:
    """ "Is this failure history?" (OPEN_PROBLEM: a later read of the same path) and a path's
    earlier reads are lookups, not scans of every source: UNIQUE (path, sha256) gives SQLite
    (and PostgreSQL) an index whose first column is the path."""
    from trailkeep.vault.records import OPEN_PROBLEM

    def plan(sql: str) -> str:
        with vault.engine.connect() as c:
            return " ".join(str(r[-1]) for r in c.execute(text(f"EXPLAIN QUERY PLAN {sql}")))

    for sql in (
        f"SELECT id FROM source WHERE {OPEN_PROBLEM}",
        "SELECT id FROM source WHERE path = 'x' AND id < 5",
    ):
        p = plan(sql)
        assert "SCAN" not in p.replace("SCAN CONSTANT", "") and "(path=?)" in p, p


def test_reopen_is_idempotent(vault: Vault) -> None:
    again = Vault.open(vault.settings, get_embedder("hash"))
    with again.engine.connect() as c:
        versions = [r[0] for r in c.execute(text("SELECT version FROM schema_migrations"))]
    assert versions == [n for n, _, _ in MIGRATIONS]
    again.close()


def test_failed_migration_leaves_the_old_vault_usable(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "v.sqlite3")
    kw = SqliteFts5Index()
    assert migrate(engine, kw) == MIGRATIONS[-1][0]
    with engine.begin() as c:
        c.execute(text("INSERT INTO vault_meta (key, value) VALUES ('k', 'v')"))

    def broken(conn, _kw):  # type: ignore[no-untyped-def]
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        conn.execute(text("ALTER TABLE no_such_table ADD COLUMN y INTEGER"))

    steps = [*MIGRATIONS, (99, "broken", broken)]
    with pytest.raises(MigrationError):
        migrate(engine, kw, steps)
    with engine.connect() as c:
        assert c.execute(text("SELECT value FROM vault_meta WHERE key='k'")).scalar_one() == "v"
        tables = {r[0] for r in c.execute(text("SELECT name FROM sqlite_master"))}
        assert "half_done" not in tables  # the DDL was rolled back with the step
        assert (
            c.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar_one()
            == MIGRATIONS[-1][0]
        )


def test_a_newer_vault_is_refused(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "v.sqlite3")
    migrate(engine, SqliteFts5Index())
    with engine.begin() as c:
        c.execute(text("INSERT INTO schema_migrations VALUES (500, 'future', '2030-01-01')"))
    with pytest.raises(SchemaTooNew):
        migrate(engine, SqliteFts5Index())


def test_drafts_saved_before_lose_their_trail_cues(tmp_path: Path) -> None:
    """Session 10: a draft's placeholder headings were tagged decision; migration 10 drops the
    cue tags drafts were given before, and keeps every other entry's."""
    engine = make_engine(tmp_path / "v.sqlite3")
    kw = SqliteFts5Index()
    assert migrate(engine, kw, MIGRATIONS[:9]) == 9
    with engine.begin() as c:
        for n, kind in ((1, "draft"), (2, "note")):
            c.execute(
                text(
                    "INSERT INTO document (id, kind, external_id, title, created_at, updated_at) "
                    "VALUES (:n, :k, :e, 't', '2026-01-01', '2026-01-01')"
                ),
                {"n": n, "k": kind, "e": f"{kind}:1"},
            )
            c.execute(
                text(
                    "INSERT INTO version (id, document_id, number, content_sha256, created_at, "
                    "current) VALUES (:n, :n, 1, 'h', '2026-01-01', 1)"
                ),
                {"n": n},
            )
            c.execute(
                text(
                    "INSERT INTO entry (id, document_id, version_id, key, kind, text, position, "
                    "content_sha256) VALUES (:n, :n, :n, 'k', 'section', 'x', 0, 'h')"
                ),
                {"n": n},
            )
            c.execute(
                text(
                    "INSERT INTO entry_tag (entry_id, tag, origin) VALUES (:n, 'decision', 'cue')"
                ),
                {"n": n},
            )
    assert migrate(engine, kw) == MIGRATIONS[-1][0]
    with engine.connect() as c:
        assert c.execute(text("SELECT entry_id FROM entry_tag")).all() == [(2,)]
