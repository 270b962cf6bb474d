"""A vault made by the previous release (schema 4, built by tests/fixtures/make_old_vault.sh
with trailkeep at d6023cd) upgrades without losing anything, and keeps working."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_settings
from trailkeep.billing import list_work
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import MigrationError, Vault, doctor, get_embedder
from trailkeep.vault.keyword import SqliteFts5Index
from trailkeep.vault.migrations import MIGRATIONS, migrate
from trailkeep.vault.store import make_engine

pytestmark = pytest.mark.sqlite_only

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vault-v4.tar.gz"
TABLES = ("document", "version", "entry", "chunk", "link", "entry_tag", "source", "client")


def old_home(tmp_path: Path) -> Path:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    return tmp_path / "home"


def counts(db: Path) -> dict[str, int]:
    c = sqlite3.connect(db)
    try:
        return {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        c.close()


def test_schema_4_upgrades_and_keeps_everything(tmp_path: Path) -> None:
    home = old_home(tmp_path)
    db = home / "trailkeep.sqlite3"
    before = counts(db)
    assert (
        sqlite3.connect(db).execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 4
    )
    assert before["version"] >= 2 and before["chunk"] > 0
    v = Vault.open(make_settings(home), get_embedder("hash"))
    with v.engine.connect() as c:
        assert (
            c.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar_one()
            == (MIGRATIONS[-1][0])
        )
    assert counts(db) == before
    assert doctor(v, verify_blobs=True).ok  # SQL, keyword index, vectors, blobs still agree
    hits = search(v, "JSON Lines", k=5)
    assert hits and hits[0].current and "JSON Lines" in hits[0].quote
    # And it keeps working: a new version of the old note brings its work line in as an item.
    note = home / "inbox" / "plan.md"
    note.write_text(
        "---\nid: export-plan\nclient: acme\ndate: 2026-03-05\n---\n# Export plan\n\n"
        "Shipped the JSON Lines export.\n\n- 2h acme: first draft of the export\n",
        encoding="utf-8",
    )
    assert Ingestor(v).ingest_file(note).status == "ingested"
    (item,) = list_work(v)
    assert (item.client, item.hours) == ("acme", "2")
    with v.engine.connect() as c:
        versions = c.execute(
            text(
                "SELECT COUNT(*) FROM version v JOIN document d ON d.id = v.document_id "
                "WHERE d.external_id = 'id:export-plan'"
            )
        ).scalar_one()
    assert versions == 3
    v.close()


def test_a_failed_upgrade_leaves_the_old_vault_usable(tmp_path: Path) -> None:
    home = old_home(tmp_path)
    db = home / "trailkeep.sqlite3"
    before = counts(db)

    def broken(conn, _kw):  # type: ignore[no-untyped-def]
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        raise RuntimeError("disk full, say")

    steps = [*MIGRATIONS[:4], (5, "broken upgrade", broken)]
    with pytest.raises(MigrationError, match="disk full"):
        migrate(make_engine(db), SqliteFts5Index(), steps)
    assert counts(db) == before
    c = sqlite3.connect(db)
    assert c.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 4
    assert not c.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchall()
    c.close()
    v = Vault.open(make_settings(home), get_embedder("hash"))  # the real upgrade still works
    assert search(v, "JSON Lines", k=3)
    v.close()
