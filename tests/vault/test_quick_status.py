"""`status` read through the standard library's sqlite3 when the vault is current
(ingest/quick.py): the same report as the usual way, and never used when opening the vault
the usual way would have had work to do first."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_settings, server_env
from trailkeep.ingest import Ingestor
from trailkeep.ingest.quick import quick_status
from trailkeep.ingest.reattribution import ensure_current
from trailkeep.vault import Vault, get_embedder, init_home, load_settings, status
from trailkeep.vault.lite import SCHEMA_VERSION
from trailkeep.vault.migrations import MIGRATIONS
from trailkeep.vault.ownership import set_rule

TWOCLIENT = Path(__file__).parents[1] / "fixtures" / "twoclient"

pytestmark = pytest.mark.skipif(
    bool(server_env(Path("x"))), reason="the quick path reads embedded SQLite vaults only"
)


def test_the_schema_version_is_the_migrations_last() -> None:
    assert max(n for n, _, _ in MIGRATIONS) == SCHEMA_VERSION


def populated(home: Path) -> Vault:
    home.mkdir(parents=True)
    shutil.copy(TWOCLIENT / "clients.toml", home / "clients.toml")
    s = make_settings(home, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home)
    v = Vault.open(s, get_embedder("hash"))
    files = sorted(p for p in TWOCLIENT.iterdir() if p.suffix in (".md", ".eml", ".json"))
    (s.inbox / "broken.json").write_text('{"not": "an export"', encoding="utf-8")
    Ingestor(v).ingest_paths([*files, s.inbox / "broken.json"])
    ensure_current(v)
    return v


def test_the_quick_report_equals_the_usual_one(tmp_path: Path) -> None:
    v = populated(tmp_path / "home")
    try:
        usual = status(v)
        quick = quick_status(v.settings, v.embedder.id)
    finally:
        v.close()
    assert usual["documents"] > 10 and usual["sources"]["failed"] == 1
    assert quick == usual


def test_not_used_when_there_is_work_to_do_first(tmp_path: Path) -> None:
    home = tmp_path / "home"
    v = populated(home)
    s, eid = v.settings, v.embedder.id
    v.close()
    assert quick_status(s, eid) is not None
    # clients.toml changed: the vault must be re-attributed first
    changed = (home / "clients.toml").read_text().replace('"NWHH"]', '"NWHH", "North Wind"]')
    (home / "clients.toml").write_text(changed)
    s2 = load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home)
    assert quick_status(s2, eid) is None
    # [me] changed
    assert quick_status(replace(s, me_emails=("me@elsewhere.example",)), eid) is None
    # an assignment was made (stored in the vault) after the last attribution
    v = Vault.open(s, get_embedder("hash"))
    set_rule(v, "x@y.example", "clearview")
    v.close()
    assert quick_status(s, eid) is None
    # an older schema: the usual way migrates first
    v = Vault.open(s, get_embedder("hash"))
    with v.engine.begin() as c:
        c.execute(text("DELETE FROM schema_migrations WHERE version = :n"), {"n": SCHEMA_VERSION})
    v.close()
    assert quick_status(s, eid) is None
    # no vault at all
    assert quick_status(replace(s, home=tmp_path / "none"), eid) is None


def test_status_command_takes_the_quick_way_without_sqlalchemy(tmp_path: Path) -> None:
    """In a fresh process: the report, and SQLAlchemy never imported."""
    v = populated(tmp_path / "home")
    expected = status(v)
    v.close()
    probe = (
        "import json, sys\n"
        "from trailkeep.ui.cli import main\n"
        "sys.argv = ['trailkeep', 'status', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('SQLALCHEMY' if 'sqlalchemy' in sys.modules else 'NO-SQLALCHEMY')\n"
    )
    env = {"TRAILKEEP_HOME": str(tmp_path / "home"), "TRAILKEEP_EMBEDDER": "hash"}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=120,
    ).stdout
    assert out.rstrip().endswith("NO-SQLALCHEMY"), out
    assert f'"documents": {expected["documents"]}' in out


def test_status_with_a_broken_clients_toml_shows_what_is_stored_and_the_error(
    tmp_path: Path,
) -> None:
    """Session 22 leftover: with clients.toml broken `status` printed only the error. It
    shows the counts as stored and the clients the vault knows, says what is held, and
    exits 1 with the error; the vault is not re-attributed on the broken file."""
    import json

    import jsonschema

    from tests.ui.test_mcp import schema
    from trailkeep.ui.cli import main

    home = tmp_path / "home"
    v = populated(home)
    expected = status(v)
    v.close()
    listed = (home / "clients.toml").read_text()
    (home / "clients.toml").write_text(listed + '\n[[client]]\nid = "x"\nname = "Clearview"\n')
    from click.testing import CliRunner

    env = {"TRAILKEEP_HOME": str(home), "TRAILKEEP_EMBEDDER": "hash"}
    r = CliRunner().invoke(main, ["status", "--json"], env=env, obj={})
    assert r.exit_code == 1 and "Clearview" in r.stderr
    got = json.loads(r.stdout)
    jsonschema.validate(got, schema("status"))
    assert got["documents"] == expected["documents"] and "Clearview" in got["clients_error"]
    assert {c["id"] for c in got["clients"]} == {"northwind", "clearview"}
    r = CliRunner().invoke(main, ["status"], env=env, obj={})
    assert r.exit_code == 1
    assert f"documents {expected['documents']}," in r.stdout
    assert "watcher holds new files" in r.stderr and "two clients" in r.stderr
    (home / "clients.toml").write_text(listed)  # nothing was re-attributed meanwhile
    assert quick_status(load_settings(env, home), "hash") is not None
