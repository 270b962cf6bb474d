"""Backup and restore: a consistent snapshot while the watcher runs; round trip by dump."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import make_notes, make_settings
from tests.output.conftest import two_client_settings
from trailkeep.bench.corpus import mixed
from trailkeep.billing import create_invoice, issue_invoice
from trailkeep.ingest import Ingestor, walk
from trailkeep.ingest.watcher import Watcher
from trailkeep.vault import Vault, doctor, dump, get_embedder, init_home
from trailkeep.vault.backup import backup, restore
from trailkeep.vault.errors import BackupError

pytestmark = pytest.mark.sqlite_only


def test_round_trip_equals_by_dump(tmp_path: Path) -> None:
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    mixed(tmp_path / "src", notes=30, chats=5, mails=12)
    Ingestor(v).ingest_paths(walk([tmp_path / "src"]))
    issue_invoice(v, create_invoice(v, "acme", "2026-03").id, date(2026, 4, 1))
    before = dump(v)
    rep = backup(v, tmp_path / "bk")
    assert rep.blobs > 0
    v.close()
    target = make_settings(tmp_path / "restored")
    restore(tmp_path / "bk", target)
    r = Vault.open(make_settings(tmp_path / "restored"), get_embedder("hash"))
    assert dump(r) == before
    assert doctor(r, verify_blobs=True).ok
    assert (tmp_path / "restored").stat().st_mode & 0o077 == 0
    r.close()
    with pytest.raises(BackupError, match="already holds a vault"):
        restore(tmp_path / "bk", target)
    moved = restore(tmp_path / "bk", target, force=True)
    assert moved is not None and (moved / "trailkeep.sqlite3").exists()
    with pytest.raises(BackupError, match="not empty"):
        backup(Vault.open(target, get_embedder("hash")), tmp_path / "bk")


def test_backup_while_the_watcher_ingests_is_consistent(tmp_path: Path) -> None:
    s = make_settings(tmp_path / "home", stable_seconds=0.1)
    from trailkeep.vault import init_home

    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    stop = threading.Event()
    w = Watcher(Ingestor(v), s.inbox, stable_seconds=0.1, rescan_seconds=0.5)
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    try:
        make_notes(s.inbox, 120, seed=3)
        time.sleep(0.5)
        snaps = []
        for i in range(3):
            snaps.append(backup(v, tmp_path / f"bk{i}"))
            time.sleep(0.3)
    finally:
        stop.set()
        t.join(timeout=60)
    for i, _ in enumerate(snaps):
        home = tmp_path / f"r{i}"
        restore(tmp_path / f"bk{i}", make_settings(home))
        r = Vault.open(make_settings(home), get_embedder("hash"))
        rep = doctor(r, verify_blobs=True)
        assert not (rep.missing_keyword or rep.orphan_keyword or rep.missing_vectors), rep.lines()
        assert not (rep.orphan_vectors or rep.missing_blobs or rep.corrupt_blobs), rep.lines()
        r.close()
    v.close()


def test_backup_refuses_a_folder_inside_the_home(tmp_path: Path) -> None:
    s = make_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    with pytest.raises(BackupError, match="outside the home"):
        backup(v, s.home / "bk")
    v.close()


@pytest.mark.sqlite_only
def test_a_backup_names_damaged_originals_and_a_redrop_mends_them(tmp_path: Path) -> None:
    """QA, session 9: with one original damaged and one gone, `backup` said "backed up"
    (exit 0) and the backup would not restore; `doctor --repair` could not mend the originals
    and dropping the same file again was a no-op."""
    from click.testing import CliRunner

    from tests.conftest import server_env, write_note
    from trailkeep.ui.cli import main

    s = make_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    ing = Ingestor(v)
    a = write_note(s.inbox, "a.md", "# A\n\nThe first note.\n")
    b = write_note(s.inbox, "b.md", "# B\n\nThe second note.\n")
    for p in (a, b):
        ing.ingest_file(p)
    import hashlib

    shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (a, b)]
    with v.blob_path(shas[0]).open("ab") as fh:
        fh.write(b"x")
    v.blob_path(shas[1]).unlink()
    rep = backup(v, tmp_path / "bk1")
    assert rep.missing_blobs == (shas[1],) and rep.corrupt_blobs == (shas[0],)
    v.close()
    r = CliRunner().invoke(
        main,
        ["--home", str(s.home), "backup", str(tmp_path / "bk2")],
        env={"TRAILKEEP_EMBEDDER": "hash", **server_env(s.home)},
        obj={},
    )
    assert r.exit_code == 1 and "will not restore" in r.output, r.output
    r = CliRunner().invoke(
        main,
        ["--home", str(s.home), "doctor", "--repair"],
        env={"TRAILKEEP_EMBEDDER": "hash", **server_env(s.home)},
        obj={},
    )
    assert r.exit_code == 1 and "cannot rebuild them" in r.output
    assert str(a) in r.output and str(b) in r.output
    v = Vault.open(s, get_embedder("hash"))
    for p in (a, b):  # the user drops the originals again
        Ingestor(v).ingest_file(p)
    assert doctor(v).ok
    assert backup(v, tmp_path / "bk3").missing_blobs == ()
    v.close()
    restore(tmp_path / "bk3", make_settings(tmp_path / "home2"))


def _backup_process(home: Path, dest: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.Popen(
        [sys.executable, "-m", "trailkeep.ui", "--home", str(home), "backup", str(dest)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(cond: Callable[[], bool], seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_a_killed_backup_is_replaced_by_the_next_one_and_a_running_one_is_left_alone(
    tmp_path: Path,
) -> None:
    """QA, session 18: a `backup` killed midway left a folder the next `backup` into it called
    "not empty" for good. Now the folder carries an in-progress mark (flock held) until the
    manifest is written: a dead backup's folder is emptied and written again, a live one's is
    refused, and a folder with anyone else's files in it is still refused."""
    home = tmp_path / "home"
    s = make_settings(home)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    make_notes(tmp_path / "src", 12)
    Ingestor(v).ingest_paths(walk([tmp_path / "src"]))
    before = dump(v)
    dest = tmp_path / "bk"
    mark = dest / ".trailkeep-backup-in-progress"
    with v.writer("test"):  # the backup copies the blobs, then waits here for the SQL copy
        proc = _backup_process(home, dest)
        _wait_for(lambda: mark.exists() and (dest / "blobs").exists())
        time.sleep(0.5)
        assert proc.poll() is None
        # while it runs, a second backup into the same folder is refused and wipes nothing
        with pytest.raises(BackupError, match="is running"):
            backup(v, dest)
        assert mark.exists()
        proc.kill()
        proc.communicate(timeout=30)
    assert not (dest / "trailkeep-backup.json").exists() and any(dest.iterdir())
    rep = backup(v, dest)
    assert rep.cleared_cut and not mark.exists()
    v.close()
    restored = tmp_path / "restored"
    restore(dest, make_settings(restored))
    r = Vault.open(make_settings(restored), get_embedder("hash"))
    assert dump(r) == before
    r.close()
    # a cut backup's folder that also holds someone else's file is not ours to empty
    other = tmp_path / "bk2"
    other.mkdir()
    (other / ".trailkeep-backup-in-progress").write_text("")
    (other / "tax-2025.pdf").write_text("mine")
    v = Vault.open(s, get_embedder("hash"))
    with pytest.raises(BackupError, match="not empty"):
        backup(v, other)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(BackupError, match="is a file"):
        backup(v, tmp_path / "a-file")
    v.close()
    assert (other / "tax-2025.pdf").read_text() == "mine"
