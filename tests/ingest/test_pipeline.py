"""GIVEN files in a real home WHEN ingested THEN sources, versions, chunks and vectors agree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import write_note
from trailkeep.ingest import Ingestor, walk
from trailkeep.recall import search
from trailkeep.vault import Vault, doctor, status

NOTE = "---\ntitle: Acme import\nclient: Acme\ndate: 2026-03-04\n---\n# Acme import\n\n{body}\n"


def rows(vault: Vault, sql: str) -> list[tuple[object, ...]]:
    with vault.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(sql))]


def test_ingest_then_search_cites_the_note(vault: Vault, ingestor: Ingestor) -> None:
    p = write_note(vault.settings.inbox, "acme.md", NOTE.format(body="We match on clinic id."))
    out = ingestor.ingest_file(p)
    assert out.status == "ingested" and out.documents == 1
    hits = search(vault, "clinic id", k=3)
    assert hits and hits[0].quote == "We match on clinic id."
    # No clients.toml: the label "Acme" resolves to nobody and no client is made from it
    # (notes/0013); it waits for review, in no client's scope.
    assert hits[0].client is None and hits[0].source == "acme.md" and hits[0].current
    assert doctor(vault).ok


def test_same_bytes_again_is_a_duplicate_and_adds_nothing(vault: Vault, ingestor: Ingestor) -> None:
    p = write_note(vault.settings.inbox, "a.md", NOTE.format(body="one"))
    ingestor.ingest_file(p)
    before = status(vault)
    assert ingestor.ingest_file(p).status == "duplicate"
    copy = write_note(vault.settings.inbox, "copy-of-a.md", NOTE.format(body="one"))
    assert ingestor.ingest_file(copy).status == "duplicate"
    after = status(vault)
    for k in ("documents", "entries", "chunks"):
        assert after[k] == before[k]
    assert rows(vault, "SELECT status FROM source WHERE path LIKE '%/a.md'") == [("ingested",)]
    # a run killed after the write, before its source was finished, left it pending: the
    # next run finds nothing new, and the file is still the one that stored it (review,
    # session 10: it was recorded "duplicate", and no source held those bytes as ingested)
    with vault.engine.begin() as c:
        c.execute(text("UPDATE source SET status = 'pending' WHERE path LIKE '%/a.md'"))
    assert ingestor.ingest_file(p).status == "duplicate"  # what this run did: nothing new
    assert rows(vault, "SELECT status FROM source WHERE path LIKE '%/a.md'") == [("ingested",)]


def test_edit_makes_a_new_version_and_revert_another(vault: Vault, ingestor: Ingestor) -> None:
    p = write_note(vault.settings.inbox, "a.md", NOTE.format(body="upsert by record number"))
    ingestor.ingest_file(p)
    p.write_text(NOTE.format(body="match on record number plus clinic"))
    assert ingestor.ingest_file(p).status == "ingested"
    p.write_text(NOTE.format(body="upsert by record number"))  # a revert
    assert ingestor.ingest_file(p).status == "ingested"
    versions = rows(vault, "SELECT number, current, revises_id IS NOT NULL FROM version ORDER BY 1")
    assert versions == [(1, 0, 0), (2, 0, 1), (3, 1, 1)]
    old = [h for h in search(vault, "clinic", k=5) if "clinic" in h.quote]
    assert old and old[0].version == 2 and old[0].current is False
    links = rows(vault, "SELECT COUNT(*) FROM link WHERE kind='revises'")
    assert links == [(2,)]
    assert doctor(vault).ok


def test_line_ends_or_a_bom_make_no_version(vault: Vault, ingestor: Ingestor) -> None:
    """QA, session 14: a sync client switching LF to CRLF, then Notepad adding a BOM, made v2
    and v3 of a note with no word changed ("said in Plan v1, v2, v3")."""
    body = NOTE.format(body="upsert by record number")
    p = write_note(vault.settings.inbox, "a.md", body)
    ingestor.ingest_file(p)
    p.write_bytes(body.replace("\n", "\r\n").encode())
    ingestor.ingest_file(p)
    p.write_bytes(b"\xef\xbb\xbf" + body.replace("\n", "\r\n").encode())
    ingestor.ingest_file(p)
    assert rows(vault, "SELECT number FROM version") == [(1,)]
    p.write_bytes(b"\xef\xbb\xbf" + NOTE.format(body="match on clinic").encode())
    assert ingestor.ingest_file(p).status == "ingested"  # a real edit is still a version
    assert rows(vault, "SELECT COUNT(*) FROM version") == [(2,)]


def test_a_renamed_note_edited_later_is_the_same_note(vault: Vault, ingestor: Ingestor) -> None:
    """Renamed in the inbox (read as a duplicate), then edited: a new version of that note,
    not a second document (QA, session 13). A copy beside its original is a new document."""
    inbox = vault.settings.inbox
    p = write_note(inbox, "plan.md", NOTE.format(body="output in Postgres"))
    ingestor.ingest_file(p)
    moved = p.rename(inbox / "iguana-plan.md")
    assert ingestor.ingest_file(moved).status == "duplicate"
    moved.write_text(NOTE.format(body="output in S3 instead"))
    assert ingestor.ingest_file(moved).status == "ingested"
    assert status(vault)["documents"] == 1
    assert rows(vault, "SELECT number, current FROM version ORDER BY 1") == [(1, 0), (2, 1)]
    moved.write_text(NOTE.format(body="output in S3, gzipped"))  # edited again, in place
    ingestor.ingest_file(moved)
    assert status(vault)["documents"] == 1
    # a new file at the old path is a new note; the moved one keeps its current version
    fresh = write_note(inbox, "plan.md", NOTE.format(body="an unrelated plan"))
    ingestor.ingest_file(fresh)
    assert status(vault)["documents"] == 2
    current = (
        "SELECT d.external_id, v.number FROM version v JOIN document d ON d.id = v.document_id "
    )
    assert rows(vault, current + "WHERE v.current ORDER BY d.id") == [
        ("path:iguana-plan.md", 3),
        ("path:plan.md", 1),
    ]
    vault_ids = rows(vault, "SELECT external_id FROM document ORDER BY id")
    assert vault_ids == [("path:iguana-plan.md",), ("path:plan.md",)]
    # renamed again, then edited: still the one note
    again = moved.rename(inbox / "final.md")
    ingestor.ingest_file(again)
    again.write_text(NOTE.format(body="output in S3, partitioned by day"))
    ingestor.ingest_file(again)
    assert status(vault)["documents"] == 2
    # a copy whose original stays where it was, then edited: its own document
    copy = write_note(inbox, "copy.md", again.read_text())
    assert ingestor.ingest_file(copy).status == "duplicate"
    copy.write_text(NOTE.format(body="a variant for the other team"))
    ingestor.ingest_file(copy)
    assert status(vault)["documents"] == 3
    assert doctor(vault).ok
    moved_ids = rows(vault, "SELECT external_id FROM document ORDER BY id")
    assert moved_ids[0] == ("path:final.md",)


def test_forgetting_a_renamed_note_forgets_its_old_path_too(
    vault: Vault, ingestor: Ingestor
) -> None:
    from trailkeep.vault import forget

    inbox = vault.settings.inbox
    p = write_note(inbox, "plan.md", NOTE.format(body="the heron merger closes in March"))
    ingestor.ingest_file(p)
    moved = p.rename(inbox / "plan-2026.md")
    ingestor.ingest_file(moved)
    moved.write_text(NOTE.format(body="the heron merger closes in April"))
    ingestor.ingest_file(moved)
    assert rows(vault, "SELECT external_id FROM document") == [("path:plan-2026.md",)]
    forget(vault, document_id=rows(vault, "SELECT id FROM document")[0][0])
    again = write_note(inbox, "plan.md", NOTE.format(body="the heron merger, once more"))
    assert ingestor.ingest_file(again).status == "skipped"  # its old identity is forgotten too
    assert status(vault)["documents"] == 0


def test_a_dated_note_edited_back_says_it_is_not_current(vault: Vault, ingestor: Ingestor) -> None:
    """A dated note whose file goes back to an earlier-dated text is stored by its date, and
    the later-dated version stays current: the outcome says so and how to change it."""
    inbox = vault.settings.inbox
    first = "---\ndate: 2026-01-05\n---\n# Plan\n\nOutput in Postgres.\n"
    p = write_note(inbox, "plan.md", first)
    assert ingestor.ingest_file(p).note is None
    p.write_text("---\ndate: 2026-01-05\nupdated: 2026-01-12\n---\n# Plan\n\nOutput in S3.\n")
    assert ingestor.ingest_file(p).note is None
    p.write_text(first.replace("Postgres", "Postgres, partitioned"))  # dated as the first
    out = ingestor.ingest_file(p)
    assert out.status == "ingested" and "now says what it said on 2026-01-05" in str(out.note)
    assert "later `updated:`" in str(out.note)
    assert rows(vault, "SELECT number, current FROM version ORDER BY 1") == [(1, 0), (2, 0), (3, 1)]


def test_failure_is_recorded_quarantined_and_retried(vault: Vault, ingestor: Ingestor) -> None:
    inbox = vault.settings.inbox
    bad = inbox / "junk.md"
    bad.write_bytes(b"\x00\x01binary\x00")
    out = ingestor.ingest_file(bad)
    assert out.status == "failed" and "binary" in (out.error or "")
    q = list(vault.settings.quarantine.iterdir())
    assert any(x.name.endswith(".error.txt") for x in q)
    assert any(not x.name.endswith(".error.txt") for x in q)  # the bytes, linked
    assert status(vault)["failures"][0]["source"] == str(bad)
    # Other files are unaffected, and a fixed file is ingested.
    good = write_note(inbox, "good.md", NOTE.format(body="fine"))
    assert ingestor.ingest_file(good).status == "ingested"
    bad.write_text("# Fixed\n\nnow text\n")
    assert ingestor.ingest_file(bad).status == "ingested"


def test_unsupported_and_unsafe_files(vault: Vault, ingestor: Ingestor, tmp_path: Path) -> None:
    inbox = vault.settings.inbox
    (inbox / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert "no parser" in (ingestor.ingest_file(inbox / "photo.jpg").error or "")
    fifo = inbox / "pipe.md"
    os.mkfifo(fifo)
    out = ingestor.ingest_file(fifo)  # must not block
    assert out.status == "failed" and "regular" in (out.error or "")
    secret = tmp_path / "outside.md"
    secret.write_text("# secret\n\noutside the inbox\n")
    (inbox / "link.md").symlink_to(secret)
    out = ingestor.ingest_file(inbox / "link.md")
    assert out.status == "failed" and "symbolic link" in (out.error or "")
    loop = inbox / "loop.md"
    loop.symlink_to(loop)
    assert ingestor.ingest_file(loop).status == "failed"
    assert ingestor.ingest_file(inbox / "vanished.md").status == "gone"
    assert not search(vault, "outside the inbox", k=3)


def test_size_limits(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from trailkeep.vault import get_embedder

    s = replace(settings, max_note_bytes=1000, max_file_bytes=5000)
    v = Vault.open(s, get_embedder("hash"))
    ing = Ingestor(v)
    big_note = write_note(s.inbox, "big.md", "# Big\n\n" + "word " * 400)
    assert "note limit" in (ing.ingest_file(big_note).error or "")
    huge = s.inbox / "huge.md"
    with huge.open("wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(10**9)
    assert "limit" in (ing.ingest_file(huge).error or "")
    v.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_is_a_clear_error(vault: Vault, ingestor: Ingestor) -> None:
    p = write_note(vault.settings.inbox, "locked.md", "# x\n\ny\n")
    p.chmod(0)
    out = ingestor.ingest_file(p)
    assert out.status == "failed" and "denied" in (out.error or "").lower()


def test_walk_skips_junk_hidden_dirs_and_symlinked_dirs(vault: Vault, tmp_path: Path) -> None:
    inbox = vault.settings.inbox
    for name in (".DS_Store", "~$draft.md", "x.md.part", "y.crdownload", ".z.swp", "ok.md"):
        (inbox / name).write_text("# t\n\nx\n")
    (inbox / ".obsidian").mkdir()
    (inbox / ".obsidian" / "w.md").write_text("x")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "o.md").write_text("x")
    (inbox / "linked").symlink_to(outside)
    (inbox / "link.md").symlink_to(outside / "o.md")
    os.mkfifo(inbox / "fifo.md")
    not_files: list[Path] = []
    assert [p.name for p in walk([inbox], not_files)] == ["ok.md"]
    # inside a folder a link or a FIFO is passed over, never opened and never a failure (QA,
    # session 14: a symlink in a notes folder made `ingest` exit 65 for good); named by
    # itself, it is read and refused with its reason (test_unsupported_and_unsafe_files)
    assert sorted(p.name for p in not_files) == ["fifo.md", "link.md", "linked"]
    assert [p.name for p in walk([inbox / "link.md"])] == ["link.md"]


def test_sync_conflict_copies_and_sync_folders_are_not_notes(vault: Vault, tmp_path: Path) -> None:
    """QA, session 14: a Dropbox "(conflicted copy …)" sharing the note's front-matter id
    became its current version; Syncthing's ".sync-conflict-…" and OneDrive's "-DESKTOP-…"
    copies became second current notes; Synology's "#recycle" and Logseq's backups were read
    as notes; rclone's ".partial" and Resilio's ".!sync" failed for good. Conflict copies are
    named for the user to resolve; the rest is junk."""
    inbox = vault.settings.inbox
    names = [
        "Meeting (conflicted copy 2026-11-30).md",
        "Plan (Sam's MacBook's conflicted copy).md",
        "Plan.sync-conflict-20261130-101010-ABCDEFG.md",
        "Plan-DESKTOP-AB12CD.md",
        "#recycle/Plan.md",
        "logseq/bak/pages/Plan.md",
        "@eaDir/Plan.md/SynoEAStream",
        "Draft.md.partial",
        "Draft.md.!sync",
        "Icon\r",
        "Plan.md",
        "Desktop setup.md",
    ]
    for name in names:
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_text("---\nid: plan\n---\n# Plan\n\nx\n")
    passed: list[Path] = []
    assert sorted(p.name for p in walk([inbox], passed)) == ["Desktop setup.md", "Plan.md"]
    assert sorted(p.name for p in passed) == sorted(names[:4])


def test_summary_counts(vault: Vault, ingestor: Ingestor) -> None:
    inbox = vault.settings.inbox
    write_note(inbox, "a.md", NOTE.format(body="a"))
    write_note(inbox, "b.md", NOTE.format(body="b"))
    (inbox / "c.md").write_bytes(b"")  # an empty note: skipped, not failed (session 18)
    (inbox / "d.json").write_bytes(b"{not json")
    s = ingestor.ingest_paths(list(walk([inbox])))
    assert (s.ingested, s.duplicates, s.failed, s.skipped) == (2, 0, 1, 1)
    s2 = ingestor.ingest_paths(list(walk([inbox])))
    assert (s2.ingested, s2.duplicates) == (0, 2)
    assert doctor(vault).ok


def test_a_failure_the_same_path_has_since_outgrown_is_history(
    vault: Vault, ingestor: Ingestor
) -> None:
    """A file that failed and is then read whole at the same path: its failure leaves
    `status`, the briefing's health and `retry`, and its quarantine copy goes (QA, session 5:
    it stayed "failed" forever). A failure nothing has replaced stays."""
    from trailkeep.vault.briefing import failures
    from trailkeep.vault.filestate import unfinished_sources

    stuck = vault.settings.inbox / "conversations.json"
    stuck.write_text('[{"id": "c1", "title": "Puff')  # half copied, never finished
    assert ingestor.ingest_file(stuck).status == "failed"
    note = vault.settings.inbox / "notes.md"
    note.write_bytes(b"\x00\x01binary\x00" * 10)  # a bad save, fixed later
    assert ingestor.ingest_file(note).status == "failed"
    assert status(vault)["sources"]["failed"] == 2 and len(failures(vault)) == 2
    assert len(list(vault.settings.quarantine.iterdir())) == 4  # a link and a note each
    note.write_text("# Notes\n\nNow a real note.\n")
    assert ingestor.ingest_file(note).status == "ingested"
    assert status(vault)["sources"]["failed"] == 1
    assert [f["source"] for f in failures(vault)] == ["conversations.json"]
    assert [r[2] for r in unfinished_sources(vault)] == ["conversations.json"]
    assert len(list(vault.settings.quarantine.iterdir())) == 2


def test_a_warning_said_by_many_parts_is_said_once_with_its_count() -> None:
    """QA, session 11: an mbox of four messages dropped for a forgotten client repeated "1 of 1
    part(s) not stored …" once per message in the file's status."""
    from trailkeep.ingest.pipeline import said_once

    assert said_once(["x not stored", "y", "x not stored", "x not stored"]) == [
        "x not stored (3 times)",
        "y",
    ]
    assert said_once([]) == []


def test_an_edit_synced_with_an_old_or_future_mtime_is_the_current_text(
    vault: Vault, ingestor: Ingestor
) -> None:
    """QA, session 14: a note with no date but its mtime, edited on a device with a wrong clock
    (a sync client keeps that mtime), was stored "superseded" under the old text; with a future
    mtime, the next real edit was. The same file read again with other words is its newest
    text."""
    import os

    p = write_note(vault.settings.inbox, "budget.md", "# Budget\n\nThe budget is 40k.\n")
    ingestor.ingest_file(p)
    p.write_text("# Budget\n\nUpdate: the budget is now 55k.\n")
    os.utime(p, (1600000000, 1600000000))  # 2020
    ingestor.ingest_file(p)
    current = rows(
        vault,
        "SELECT e.text FROM entry e JOIN version v ON v.id = e.version_id "
        "WHERE v.current AND e.kind = 'section'",
    )
    assert current == [("Update: the budget is now 55k.",)]
    p.write_text("# Budget\n\nThe budget is 60k.\n")
    os.utime(p, (1900000000, 1900000000))  # 2030
    ingestor.ingest_file(p)
    p.write_text("# Budget\n\nThe budget is 70k.\n")
    ingestor.ingest_file(p)  # today's mtime
    current = rows(
        vault,
        "SELECT e.text FROM entry e JOIN version v ON v.id = e.version_id "
        "WHERE v.current AND e.kind = 'section'",
    )
    assert current == [("The budget is 70k.",)]


def test_a_name_that_is_not_utf8_is_its_own_and_never_a_utf8_ones() -> None:
    """Review, session 18: escaped alone, the Latin-1 "café.md" and a file really named
    "caf\\xe9.md" were one key, and two notes became versions of one document."""
    from trailkeep.ingest.pipeline import utf8_name

    latin1 = os.fsdecode(b"/in/caf\xe9.md")
    assert utf8_name(latin1) == "/in/[not UTF-8] caf\\xe9.md"
    assert utf8_name("/in/caf\\xe9.md") == "/in/caf\\xe9.md"  # valid UTF-8: itself
    assert utf8_name("/in/café.md") == "/in/café.md"
