"""PostgreSQL + a Chroma server (issue 9). Run by scripts/servers-test (and .ci/run), which start
real servers; without them these tests skip and say why."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import SERVER_CHROMA, SERVER_DB, make_notes, server_env
from tests.output.conftest import two_client_settings
from tests.output.test_drafts import seed
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import Vault, doctor, get_embedder, init_home, load_settings, status
from trailkeep.vault.transfer import migrate_to

pytestmark = pytest.mark.skipif(
    not (SERVER_DB and SERVER_CHROMA),
    reason="no PostgreSQL / Chroma server: run scripts/servers-test (CI does)",
)


def test_migrate_to_moves_an_embedded_vault_exactly(tmp_path: Path) -> None:
    # The source is embedded whatever the environment says.
    src = replace(two_client_settings(tmp_path / "home"), database_url=None, chroma_url=None)
    v = Vault.open(src, get_embedder("hash"))
    seed(v)
    make_notes(src.inbox, 20, seed=4)
    Ingestor(v).ingest_paths(sorted(src.inbox.iterdir()))
    target_env = server_env(tmp_path / "target")
    out = migrate_to(
        v,
        get_embedder("hash"),
        target_env["TRAILKEEP_DATABASE_URL"],
        SERVER_CHROMA,
        blobs_dir=tmp_path / "shared-blobs",
        vector_namespace=target_env["TRAILKEEP_VECTOR_NAMESPACE"],
    )
    assert out.dumps_equal and out.vectors == status(v)["chunks"] and out.blobs > 0
    expected = [h.entry_id for h in search(v, "claims export format", k=5)]
    v.close()
    t = Vault.open(
        replace(
            load_settings({**target_env, "TRAILKEEP_EMBEDDER": "hash"}, tmp_path / "target"),
            blobs_dir=tmp_path / "shared-blobs",
        ),
        get_embedder("hash"),
    )
    assert doctor(t, verify_blobs=True).ok
    # Same material; the keyword engines rank a little differently (FTS5 bm25 / ts_rank).
    assert expected[0] in [h.entry_id for h in search(t, "claims export format", k=5)]
    t.close()


def test_two_machines_share_one_vault_without_doubles_or_losses(tmp_path: Path) -> None:
    """Two homes (two machines), one PostgreSQL, one Chroma, one shared blob folder; both ingest
    the same folder at once: every file is in the vault exactly once."""
    files = tmp_path / "shared-folder"
    make_notes(files, 80, seed=9)
    blobs = tmp_path / "shared-blobs"
    env_for_db = server_env(tmp_path / "practice")
    procs = []
    for name in ("laptop", "desktop"):
        home = tmp_path / name
        home.mkdir()
        (home / "config.toml").write_text(f'[vault]\nblobs = "{blobs}"\n', encoding="utf-8")
        init_home(load_settings({}, home))
        env = {**os.environ, **env_for_db, "TRAILKEEP_EMBEDDER": "hash"}
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "trailkeep.ui",
                    "--home",
                    str(home),
                    "ingest",
                    "-q",
                    str(files),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert "database is locked" not in out + err
    s = replace(
        load_settings({**env_for_db, "TRAILKEEP_EMBEDDER": "hash"}, tmp_path / "laptop"),
        blobs_dir=blobs,
    )
    v = Vault.open(s, get_embedder("hash"))
    with v.engine.connect() as c:
        docs = c.execute(text("SELECT COUNT(*) FROM document")).scalar_one()
        per_sha = c.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT sha256 FROM source WHERE status = 'ingested' "
                "GROUP BY sha256 HAVING COUNT(*) > 1) x"
            )
        ).scalar_one()
    assert docs == 80 and per_sha == 0
    assert doctor(v, verify_blobs=True).ok
    v.close()


def test_a_server_vault_refuses_a_file_backup_clearly(tmp_path: Path) -> None:
    from tests.conftest import make_settings
    from trailkeep.vault.backup import backup
    from trailkeep.vault.errors import BackupError

    v = Vault.open(make_settings(tmp_path / "h"), get_embedder("hash"))
    with pytest.raises(BackupError, match="pg_dump"):
        backup(v, tmp_path / "bk")
    v.close()
