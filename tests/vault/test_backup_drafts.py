"""Backups keep the drafts folder: draft files come back byte for byte; older backups, made
before drafts were kept, still restore."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import make_settings
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, doctor, get_embedder, init_home
from trailkeep.vault.backup import MANIFEST, backup, restore

pytestmark = pytest.mark.sqlite_only

DRAFT = "---\ndraft_id: 20260301-abc\nkind: email\n---\n# Re: the quote\n\nDear Ann, … €40\n"


def a_home_with_a_draft(home: Path) -> tuple[Vault, Path]:
    s = make_settings(home)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    folder = home / "drafts"
    folder.mkdir(mode=0o700)
    draft = folder / "20260301-abc-re-the-quote.md"
    draft.write_bytes(DRAFT.encode())
    assert Ingestor(v).ingest_file(draft).status == "ingested"
    return v, draft


def test_drafts_come_back_byte_identical(tmp_path: Path) -> None:
    # GIVEN a home with a draft file
    v, draft = a_home_with_a_draft(tmp_path / "home")
    # WHEN it is backed up and restored into a new home
    backup(v, tmp_path / "bk")
    v.close()
    restore(tmp_path / "bk", make_settings(tmp_path / "restored"))
    # THEN the draft is there, byte for byte, and checked by the manifest
    back = tmp_path / "restored" / "drafts" / draft.name
    assert back.read_bytes() == draft.read_bytes()
    assert back.stat().st_mode & 0o077 == 0
    files = json.loads((tmp_path / "bk" / MANIFEST).read_text())["files"]
    assert f"drafts/{draft.name}" in files
    r = Vault.open(make_settings(tmp_path / "restored"), get_embedder("hash"))
    assert doctor(r, verify_blobs=True).ok
    r.close()


def test_rendered_invoices_come_back_too(tmp_path: Path) -> None:
    """QA, session 14: `restore` did not bring back invoices/ — the PDFs as they were sent."""
    v, _ = a_home_with_a_draft(tmp_path / "home")
    sent = tmp_path / "home" / "invoices" / "INV-2026-0001.pdf"
    sent.parent.mkdir(mode=0o700)
    sent.write_bytes(b"%PDF-1.3 as sent")
    backup(v, tmp_path / "bk")
    v.close()
    restore(tmp_path / "bk", make_settings(tmp_path / "restored"))
    back = tmp_path / "restored" / "invoices" / sent.name
    assert back.read_bytes() == sent.read_bytes() and back.stat().st_mode & 0o077 == 0


def test_a_damaged_draft_in_a_backup_is_refused(tmp_path: Path) -> None:
    v, draft = a_home_with_a_draft(tmp_path / "home")
    backup(v, tmp_path / "bk")
    v.close()
    (tmp_path / "bk" / "drafts" / draft.name).write_text("changed", encoding="utf-8")
    from trailkeep.vault.errors import BackupError

    with pytest.raises(BackupError, match="does not match its manifest"):
        restore(tmp_path / "bk", make_settings(tmp_path / "restored"))


def test_a_backup_without_drafts_still_restores(tmp_path: Path) -> None:
    # GIVEN a backup made before drafts were kept (no drafts/ folder, none in the manifest)
    v, _ = a_home_with_a_draft(tmp_path / "home")
    backup(v, tmp_path / "bk")
    v.close()
    shutil.rmtree(tmp_path / "bk" / "drafts", ignore_errors=True)
    meta = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    meta["files"] = {k: x for k, x in meta["files"].items() if not k.startswith("drafts/")}
    (tmp_path / "bk" / MANIFEST).write_text(json.dumps(meta))
    # WHEN it is restored THEN the vault comes back, without a drafts folder
    restore(tmp_path / "bk", make_settings(tmp_path / "restored"))
    assert not (tmp_path / "restored" / "drafts").exists()
    r = Vault.open(make_settings(tmp_path / "restored"), get_embedder("hash"))
    assert doctor(r, verify_blobs=True).ok
    r.close()
