"""doctor, forget, reindex and the writer lock, on a real vault."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.conftest import write_note
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import HashEmbedder, Vault, WriterBusy, doctor, forget, reindex, status
from trailkeep.vault.lock import PostgresAdvisoryLock, WriterLock


@contextlib.contextmanager
def held_elsewhere(vault: Vault, what: str = "long batch") -> Iterator[None]:
    """The vault's writer lock held by another thread (as by another writer) for the block."""
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with vault.lock.hold(what):
            held.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(5)
        yield
    finally:
        release.set()
        t.join()


def _ingest(vault: Vault, name: str, body: str, client: str = "Acme") -> int:
    p = write_note(vault.settings.inbox, name, f"---\nclient: {client}\n---\n# {name}\n\n{body}\n")
    out = Ingestor(vault).ingest_file(p)
    assert out.source_id is not None
    return out.source_id


@pytest.mark.sqlite_only
def test_doctor_finds_and_repairs_every_kind_of_disagreement(vault: Vault) -> None:
    _ingest(vault, "a.md", "alpha beta")
    _ingest(vault, "b.md", "gamma delta")
    assert doctor(vault).ok
    with vault.engine.begin() as c:
        ids = [r[0] for r in c.execute(text("SELECT id FROM chunk ORDER BY id"))]
        c.execute(text("DELETE FROM chunk_fts WHERE rowid = :i"), {"i": ids[0]})
        c.execute(text("INSERT INTO chunk_fts(rowid, body) VALUES (9999, 'ghost')"))
    vault.vectors.delete([ids[1]])
    vault.vectors.upsert([8888], HashEmbedder().embed(["orphan"]), [{"client": ""}])
    rep = doctor(vault)
    assert not rep.ok
    assert rep.missing_keyword == [ids[0]] and rep.orphan_keyword == [9999]
    assert rep.missing_vectors == [ids[1]] and rep.orphan_vectors == [8888]
    doctor(vault, repair=True)
    assert doctor(vault).ok


def test_doctor_detects_a_corrupt_blob(vault: Vault) -> None:
    _ingest(vault, "a.md", "alpha")
    (sha,) = vault.blobs.all()
    vault.blobs.path(sha).write_bytes(b"tampered")
    assert doctor(vault).corrupt_blobs == [sha]


def test_forget_document_leaves_a_tombstone(vault: Vault) -> None:
    _ingest(vault, "a.md", "secret project details")
    _ingest(vault, "b.md", "other things")
    doc_id = search(vault, "secret project", k=1)[0].document_id
    rep = forget(vault, document_id=doc_id)
    assert rep.documents == 1 and rep.blobs == 1 and "Backups" in rep.message()
    assert not [h for h in search(vault, "secret project", k=5) if "secret" in h.quote]
    assert doctor(vault).ok
    # The file is still in the inbox; touching it or re-ingesting does not bring it back.
    p = vault.settings.inbox / "a.md"
    p.write_text(p.read_text() + "\nmore\n")
    Ingestor(vault).ingest_file(p)
    assert not [h for h in search(vault, "secret project", k=5) if "secret" in h.quote]


def test_forget_client_and_source(vault: Vault) -> None:
    from dataclasses import replace

    from trailkeep.vault.clients import ClientSpec

    vault.settings = replace(
        vault.settings, clients=(ClientSpec("acme", "Acme"), ClientSpec("globex", "Globex"))
    )
    vault.sync_clients(vault.settings.clients)
    _ingest(vault, "a.md", "acme stuff", client="Acme")
    sid = _ingest(vault, "b.md", "globex stuff", client="Globex")
    forget(vault, client_id="acme")
    assert status(vault)["documents"] == 1
    forget(vault, source_id=sid)
    st = status(vault)
    assert st["documents"] == 0 and st["chunks"] == 0
    assert doctor(vault).ok


def test_reindex_with_another_embedder(vault: Vault) -> None:
    _ingest(vault, "a.md", "alpha")

    class Other(HashEmbedder):
        @property
        def id(self) -> str:
            return "other-384"

    v2 = Vault.open(vault.settings, Other())
    assert not doctor(v2).ok  # chunks embedded by the old embedder only
    assert reindex(v2) == status(v2)["chunks"]
    rep = doctor(v2)
    assert rep.ok and rep.stale_collections == []
    v2.close()


def test_writer_lock_names_the_holder_and_times_out(vault: Vault) -> None:
    other: WriterLock | PostgresAdvisoryLock
    if vault.settings.embedded:
        other = WriterLock(vault.settings.lock_path, timeout=0.3)
    else:
        other = PostgresAdvisoryLock(vault.engine, timeout=0.3)
    with held_elsewhere(vault):
        t0 = time.monotonic()
        with pytest.raises(WriterBusy) as exc, other.hold():
            pass
        assert "long batch" in str(exc.value) and time.monotonic() - t0 < 2
    with other.hold():  # free again
        pass


def test_forget_keeps_no_bytes_and_no_title(vault: Vault) -> None:
    """QA, session 9: a copy of the forgotten note under another name kept its bytes in
    blobs/; an edit of the forgotten note was "not stored" but its bytes were; and the source's
    message named the forgotten title."""
    body = "# Heron plan\n\nConfidential: the heron merger closes in March.\n"
    for name in ("a.md", "b.md"):  # the same bytes: b.md is a duplicate
        Ingestor(vault).ingest_file(write_note(vault.settings.inbox, name, body))
    doc_id = search(vault, "heron merger", k=1)[0].document_id
    rep = forget(vault, document_id=doc_id)
    assert rep.blobs == 1
    blobs = [p for p in vault.settings.blobs.rglob("*") if p.is_file()]
    assert not [p for p in blobs if b"heron" in p.read_bytes()]
    p = vault.settings.inbox / "a.md"
    p.write_text(body + "\nSecret walrus codename Bluefin.\n")
    out = Ingestor(vault).ingest_file(p)
    assert out.status == "skipped" and "forgotten" in (out.error or "")
    assert "Heron" not in (out.error or "")
    blobs = [p for p in vault.settings.blobs.rglob("*") if p.is_file()]
    assert not [p for p in blobs if b"walrus" in p.read_bytes() or b"heron" in p.read_bytes()]
    with vault.engine.connect() as c:
        from sqlalchemy import text

        errors = [str(r[0]) for r in c.execute(text("SELECT error FROM source")) if r[0]]
    assert not [e for e in errors if "Heron" in e or "heron" in e]
    assert doctor(vault).ok


def test_writers_start_by_dropping_vectors_whose_chunk_is_gone(vault: Vault) -> None:
    """reconcile_vectors (the watcher's start) removes orphan vectors and keeps live ones; it
    holds the writer lock for the comparison, not for connecting to Chroma."""
    _ingest(vault, "a.md", "alpha beta")
    live = vault.vectors.ids()
    assert live
    vault.vectors.upsert([8888], HashEmbedder().embed(["orphan"]), [{"client": ""}])
    vault.vectors.close()  # a writer starting: no Chroma client yet
    out: list[int] = []
    r = threading.Thread(target=lambda: out.append(vault.reconcile_vectors()))
    with held_elsewhere(vault):
        r.start()
        deadline = time.monotonic() + 10
        while vault.vectors._client_obj is None and time.monotonic() < deadline:
            time.sleep(0.01)
        connected_while_waiting = vault.vectors._client_obj is not None and not out
    r.join(10)
    assert connected_while_waiting and out == [1]
    assert vault.vectors.ids() == live


def test_an_up_to_date_vault_opens_while_a_writer_works(vault: Vault) -> None:
    """Opening takes the writer lock only to set up (a new home, a migration) or to write
    changed clients: the page's first open, or a search, does not wait for an ingest's batch
    or the watcher's start. A vault with a migration to do still waits, and says for whom."""
    from dataclasses import replace

    from trailkeep.vault import get_embedder
    from trailkeep.vault.clients import ClientSpec

    s = replace(vault.settings, lock_timeout=0.3)
    whose = "long batch" if s.embedded else None  # PostgreSQL names the holder's connection
    with held_elsewhere(vault):
        Vault.open(s, get_embedder("hash")).close()  # no wait, no WriterBusy
        # clients.toml changed: that write waits for the lock, and says whose it is
        changed = replace(s, clients=(ClientSpec(id="zeta", name="Zeta"),))
        with pytest.raises(WriterBusy, match=whose):
            Vault.open(changed, get_embedder("hash"))
        with vault.engine.begin() as c:  # a migration to do
            c.execute(
                text(
                    "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) "
                    "FROM schema_migrations)"
                )
            )
        with pytest.raises(WriterBusy, match=whose):
            Vault.open(s, get_embedder("hash"))
