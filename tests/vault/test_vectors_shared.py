"""One embedded vector index, several processes: the page and the MCP server read while the
watcher writes (vault/vectors.py). QA, session 7: after the watcher ingested one file, Ask with
a client and every draft on the page failed with Chroma's "Error finding id" until a restart,
and searches without a client silently missed the new file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SERVER_DB, make_settings
from trailkeep.recall import search
from trailkeep.vault import Filters, Vault, get_embedder, init_home

CLIENTS = '[[client]]\nname = "Acme Health"\nid = "acme"\naliases = ["Acme"]\n'


@pytest.mark.skipif(bool(SERVER_DB), reason="the embedded index only: a server is one index")
def test_a_reader_sees_what_another_process_wrote(tmp_path: Path) -> None:
    home = tmp_path / "home"
    s = make_settings(home)
    init_home(s)
    (home / "clients.toml").write_text(CLIENTS)
    env = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "TRAILKEEP_HOME": str(home)}
    cli = [sys.executable, "-m", "trailkeep.ui", "--home", str(home)]

    def ingest(name: str, body: str) -> None:
        (home / "inbox" / name).write_text(body)
        subprocess.run([*cli, "ingest", str(home / "inbox" / name)], env=env, check=True)

    ingest("a.md", "---\nclient: acme\n---\n# Kickoff\n\nThe osprey intake form is ready.\n")
    reader = Vault.open(make_settings(home), get_embedder("hash"))  # the page's long-lived vault
    try:
        scoped = Filters(client="acme")
        assert search(reader, "osprey intake form", k=5, filters=scoped)
        # another process (the watcher, a CLI ingest) writes new vectors
        ingest("b.md", "---\nclient: acme\n---\n# Pelican\n\nThe pelican export runs at 2am.\n")
        hits = search(reader, "pelican export", k=5, filters=scoped)  # raised before
        assert any("pelican" in h.quote for h in hits)
        assert any("pelican" in h.quote for h in search(reader, "pelican export", k=5))
        assert reader.vectors.query(reader.embedder.embed(["pelican export"])[0], 10)
        # and a forget in another process is seen too (no vector of a deleted chunk returned)
        subprocess.run(
            [*cli, "forget", "--source", str(home / "inbox" / "b.md"), "--yes"], env=env, check=True
        )
        assert not any("pelican" in h.quote for h in search(reader, "pelican export", k=5))
    finally:
        reader.close()
