"""A full disk is an expected state, not a crash (issue 20).

On a small tmpfs filled to several levels with random bytes, `trailkeep ingest` of a folder of
notes stops with one clear message and exit 75 (never a traceback), nothing is recorded as
failed or quarantined, and `status` and `doctor` still work; once the space is back, the next
ingest finishes the work and the vault equals a clean ingest of the same folder (canonical dump).
In-process, a disk filled by "another program" in the middle of a chat export's ingest leaves
the source pending, with no quarantine copy, and `retry` finishes it.

Needs a tmpfs mount (root here); skipped with the reason when mounting is impossible.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest

from tests.conftest import make_notes, make_settings
from trailkeep.bench.chats import write_export
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, dump, get_embedder, init_home
from trailkeep.vault.errors import DiskFull
from trailkeep.vault.space import RESERVE_NAME, as_disk_full, free_bytes, is_disk_full
from trailkeep.vault.store import make_engine

pytestmark = pytest.mark.sqlite_only

ENV = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "ANONYMIZED_TELEMETRY": "False"}
ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20
MESSAGE = "nothing was lost, run `trailkeep ingest` again when there is room"
# doctor's lines that must read 0 whatever the disk did (chunks not yet embedded may wait)
DAMAGE = (
    "chunks missing from the keyword index",
    "keyword rows without a chunk",
    "chunks marked embedded but missing from the vector index",
    "vectors without a chunk",
    "sources whose original bytes are missing from blobs/",
    "blobs whose bytes do not match their sha256",
)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs, unmounted afterwards."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the disk-full tests fill a small disk)")
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m,mode=0700", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip() or r.returncode}")
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(where: Path, leave: int) -> Path:
    """Random bytes until only ``leave`` bytes are free (another program filling the disk)."""
    f = where / "filler.bin"
    todo = free_bytes(where) - leave
    with f.open("ab") as fh:
        while todo > 0:
            try:
                n = fh.write(os.urandom(min(todo, MB)))
                fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
            todo -= n
    return f


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trailkeep.ui", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        timeout=600,
    )


def fingerprint(home: Path) -> str:
    engine = make_engine(home / "trailkeep.sqlite3")
    try:
        rows = dump(cast(Vault, type("SqlOnly", (), {"engine": engine})()))
    finally:
        engine.dispose()
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def sources(home: Path) -> dict[str, int]:
    db = sqlite3.connect(home / "trailkeep.sqlite3")
    try:
        return dict(db.execute("SELECT status, COUNT(*) FROM source GROUP BY status").fetchall())
    finally:
        db.close()


# `trailkeep status` then `trailkeep doctor` through the CLI's entry point, in one child process
STATUS_AND_DOCTOR = r"""
import sys
from trailkeep.ui.cli import main
for cmd in ("status", "doctor"):
    print("== " + cmd, flush=True)
    try:
        main(["--home", sys.argv[1], cmd], standalone_mode=False, obj={})
    except SystemExit as exc:
        print("exit", exc.code)
"""


def usable(home: Path) -> str:
    """`status` works; `doctor` runs and finds no damage (chunks may wait for their vectors)."""
    r = subprocess.run(
        [sys.executable, "-c", STATUS_AND_DOCTOR, str(home)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        timeout=600,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, out
    assert "sources:" in r.stdout and "== doctor" in r.stdout, out
    for label in DAMAGE:
        assert f"{label}: 0" in r.stdout, out
    return r.stdout


# (what, [vault] min_free_mb, bytes left free by the filler)
LEVELS = [
    ("filled to the last byte", 0, 0),
    ("room for part of the folder", 0, 3 * MB),
    pytest.param("under the 200 MB margin", 200, 30 * MB, marks=pytest.mark.slow),
    pytest.param("room for most of it", 0, 6 * MB, marks=pytest.mark.slow),
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """A few notes the vault already holds, a folder of 150 notes to ingest, and the dump of a
    clean ingest of both."""
    root = tmp_path_factory.mktemp("notes")
    seed, notes, clean = root / "seed", root / "notes", root / "clean"
    make_notes(seed, 5, seed=7, prefix="seed")
    make_notes(notes, 150, seed=8)
    for folder in (seed, notes):
        assert cli(clean, "ingest", "-q", str(folder)).returncode == 0
    return {"seed": seed, "notes": notes, "clean": fingerprint(clean)}


@pytest.mark.parametrize(("what", "margin_mb", "left"), LEVELS)
def test_ingest_on_a_full_disk_stops_cleanly_and_finishes_later(
    disk: Path, folders: dict[str, Path | str], what: str, margin_mb: int, left: int
) -> None:
    seed, notes = cast(Path, folders["seed"]), cast(Path, folders["notes"])
    # GIVEN a vault on a small disk, in use (its reserve taken), then filled by another program
    home = disk / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text("[vault]\nmin_free_mb = 0\n")
    assert cli(home, "ingest", "-q", str(seed)).returncode == 0
    assert (home / RESERVE_NAME).exists()
    (home / "config.toml").write_text(f"[vault]\nmin_free_mb = {margin_mb}\n")
    filler = fill(disk, left)
    # WHEN a folder of notes is ingested
    r = cli(home, "ingest", "-q", str(notes))
    # THEN it stops with the clear message and exit 75, never a traceback
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 75, (what, r.returncode, r.stdout, r.stderr)
    assert f"the disk holding {home} is full: " in r.stderr and MESSAGE in r.stderr, r.stderr
    if margin_mb == 200:  # refused before anything was written
        # the margin plus room for the file at hand: never less than the margin
        needed = re.search(r"MB free, (\d+) MB needed", r.stderr)
        assert needed and int(needed[1]) >= 200, r.stderr
        assert sources(home) == {"ingested": 5}
    # AND nothing is failed or quarantined; status and doctor work
    assert sources(home).get("failed", 0) == 0
    assert not list((home / "quarantine").iterdir())
    status = usable(home)
    print(f"\n{what}: {r.stderr.strip()} | {status.splitlines()[3]}", end="")
    # WHEN the space is back and the folder is ingested again
    filler.unlink()
    (home / "config.toml").write_text("[vault]\nmin_free_mb = 0\n")
    r = cli(home, "ingest", "-q", str(notes))
    assert r.returncode == 0, r.stderr
    # THEN the vault is what a clean ingest makes, and doctor passes
    assert fingerprint(home) == folders["clean"]
    dr = cli(home, "doctor")
    assert dr.returncode == 0 and dr.stdout.rstrip().endswith("consistent"), dr.stdout
    assert set(sources(home)) <= {"ingested", "duplicate"}


def test_a_disk_filled_mid_file_leaves_the_source_pending_and_retry_finishes_it(
    disk: Path, tmp_path: Path
) -> None:
    # GIVEN a chat export of 40 conversations, and what a clean ingest of it makes
    export = tmp_path / "conversations.json"
    write_export(export, 40, turns=6, words=40, seed=3)
    ref = make_settings(tmp_path / "ref")
    init_home(ref)
    rv = Vault.open(ref, get_embedder("hash"))
    Ingestor(rv).ingest_file(export)
    expected = dump(rv)
    rv.close()
    # AND a vault on a small disk that another program fills after the first conversation
    s = replace(make_settings(disk / "home"), min_free_bytes=0)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    fillers: list[Path] = []

    def filled_meanwhile(name: str, docs: int) -> None:
        if docs == 1:
            fillers.append(fill(disk, 0))

    ing = Ingestor(v, on_document=filled_meanwhile)
    # WHEN it is ingested
    with pytest.raises(DiskFull) as caught:
        ing.ingest_file(export)
    # THEN the error says so, the source is pending (not failed), nothing is quarantined
    assert caught.value.home == s.home and caught.value.free < MB
    assert sources(s.home) == {"pending": 1}
    assert not list(s.quarantine.iterdir())
    # WHEN the space is back and pending work is retried
    fillers[0].unlink()
    summary = Ingestor(v).retry()
    # THEN it is finished, equal to a clean ingest
    assert summary.ingested == 1 and sources(s.home) == {"ingested": 1}
    assert dump(v) == expected
    v.close()


def test_quarantine_copies_go_once_the_source_is_ingested(tmp_path: Path) -> None:
    s = make_settings(tmp_path / "home", max_note_bytes=10)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    data = b"# A note\n\nlonger than ten bytes\n"
    kw = dict(
        sha=hashlib.sha256(data).hexdigest(),
        path=str(s.inbox / "a.md"),
        name="a.md",
        identity="a.md",
        mtime=datetime(2026, 1, 1, tzinfo=UTC),
    )
    out = Ingestor(v).ingest_bytes(data, **kw)  # type: ignore[arg-type]
    assert out.status == "failed" and sorted(p.name for p in s.quarantine.iterdir()) == [
        f"{out.source_id:06d}-a.md",
        f"{out.source_id:06d}-a.md.error.txt",
    ]
    v.settings = replace(s, max_note_bytes=1 << 20)  # the limit raised, then `retry`
    again = Ingestor(v).ingest_bytes(data, **kw)  # type: ignore[arg-type]
    assert again.status == "ingested" and again.source_id == out.source_id
    assert not list(s.quarantine.iterdir())
    v.close()


def test_a_full_disk_is_told_apart_from_other_errors(tmp_path: Path) -> None:
    import chromadb.errors
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(
        chromadb.errors.InternalError(
            "error returned from database: (code: 13) database or disk is full"
        )
    )
    # SQLite's own SQLITE_FULL, through SQLAlchemy, made real by a page limit
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(OperationalError) as caught, engine.begin() as c:
        c.execute(text("CREATE TABLE t (x BLOB)"))
        c.execute(text("PRAGMA max_page_count = 8"))
        c.execute(text("INSERT INTO t VALUES (zeroblob(100000))"))
    engine.dispose()
    full = as_disk_full(caught.value, tmp_path, needed=5 * MB)
    assert isinstance(full, DiskFull) and full.needed >= 5 * MB
    assert "is full:" in str(full) and "MB needed" in str(full)
    for other in (
        OSError(errno.EACCES, "Permission denied"),
        sqlite3.OperationalError("database is locked"),
        ValueError("no"),
    ):
        assert as_disk_full(other, tmp_path) is None


def test_min_free_mb_is_read_from_config(tmp_path: Path) -> None:
    from trailkeep.vault import DEFAULT_CONFIG, load_settings

    assert "# min_free_mb = 200" in DEFAULT_CONFIG
    home = tmp_path / "h"
    home.mkdir()
    (home / "config.toml").write_text("[vault]\nmin_free_mb = 5\n")
    assert load_settings({}, home).min_free_bytes == 5 * MB
    assert load_settings({}, tmp_path / "none").min_free_bytes == 200 * MB


def test_backup_and_restore_without_room_refuse_before_writing(disk: Path, tmp_path: Path) -> None:
    from trailkeep.vault.backup import backup, restore_home

    # GIVEN a small vault on a big disk, and a small disk with 256 KB left
    s = make_settings(tmp_path / "home")
    init_home(s)
    make_notes(s.inbox, 30, seed=4)
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_paths(sorted(s.inbox.iterdir()))
    filler = fill(disk, MB // 4)
    # WHEN it is backed up onto the small disk: refused before a byte is written
    with pytest.raises(DiskFull) as caught:
        backup(v, disk / "bk")
    assert caught.value.home == disk / "bk" and caught.value.needed > caught.value.free
    assert not (disk / "bk").exists()
    # AND with room, the backup is made; a restore beside a home on the full disk is refused
    filler.unlink()
    backup(v, disk / "bk")
    v.close()
    filler = fill(disk, MB // 4)
    target = replace(make_settings(disk / "restored"), min_free_bytes=0)
    with pytest.raises(DiskFull):
        restore_home(disk / "bk", target)
    assert sorted(p.name for p in disk.iterdir()) == ["bk", "filler.bin"]


def test_the_watcher_waits_out_a_full_disk_and_takes_every_queued_file(
    disk: Path, tmp_path: Path
) -> None:
    """QA, session 11: with the watcher running, a full disk put back in the queue only the
    file at hand; the rest came back at the 5-minute rescan. Every file taken for the pass
    stays queued, one clear message is kept, and the files go in soon after room returns
    (DISK_RETRY_SECONDS), with the rescan an hour away."""
    import threading
    import time

    from trailkeep.ingest.watcher import DISK_RETRY_SECONDS, Watcher

    home = disk / "home"
    # the inbox on another disk (files keep arriving there while the home's disk is full)
    s = replace(make_settings(home), min_free_bytes=0, inbox=tmp_path / "inbox")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        w = Watcher(Ingestor(v), s.inbox, stable_seconds=0.2, rescan_seconds=3600)
        stop = threading.Event()
        t = threading.Thread(target=w.run, args=(stop,), daemon=True)
        t.start()
        deadline = time.monotonic() + 30
        while w.state != "watching" and time.monotonic() < deadline:
            time.sleep(0.05)
        filler = fill(disk, 0)
        for i in range(6):
            (s.inbox / f"n{i}.md").write_text(f"# Note {i}\n\nThe walrus plan, part {i}.\n")
        deadline = time.monotonic() + 20
        while "is full" not in (w.last_error or "") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "is full" in (w.last_error or ""), w.last_error
        assert "nothing was lost: the files wait" in (w.last_error or "")
        time.sleep(1.0)
        assert len(w.tracker) == 6, "every file stays queued while the disk is full"
        filler.unlink()
        deadline = time.monotonic() + DISK_RETRY_SECONDS + 20
        while sources(home).get("ingested", 0) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        t.join(timeout=10)
        assert sources(home) == {"ingested": 6}
    finally:
        v.close()


def test_a_single_watch_pass_stops_on_a_full_disk_with_exit_75(tmp_path: Path) -> None:
    """QA, session 18: `watch --once` on a full disk retried every 10 s until its 600 s
    timeout, then said "processed N file(s)" and exited 0 — a cron job never learned. One
    pass stops as `ingest` does: the message, exit 75, the files untouched."""
    home = tmp_path / "home"
    init_home(make_settings(home))
    (home / "config.toml").write_text("[vault]\nmin_free_mb = 100000000\n")  # more than any disk
    note = home / "inbox" / "n.md"
    note.write_text("# N\n\nnote kept for later\n")
    os.utime(note, (1_700_000_000, 1_700_000_000))  # long stable
    done = cli(home, "watch", "--once")
    assert done.returncode == 75, done.stdout + done.stderr
    assert "is full" in done.stderr and "nothing was lost" in done.stderr
    assert note.read_text() == "# N\n\nnote kept for later\n"


def test_the_watcher_says_a_full_disk_once_whatever_its_free_figure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """QA, session 18: the watcher's warning came again each time the free-space figure of the
    same full disk changed. Said once; the page keeps the latest figure; said again only after
    a file went in (room came back) and the disk filled up again."""
    import logging

    from trailkeep.ingest.watcher import Watcher

    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        w = Watcher(Ingestor(v), s.inbox, stable_seconds=0.0, rescan_seconds=3600)

        def full_warnings() -> int:
            return sum("is full" in r.getMessage() for r in caplog.records)

        with caplog.at_level(logging.INFO, logger="trailkeep.watcher"):
            for free in (5 << 20, 4 << 20, 3 << 20):
                w._disk_full(DiskFull(s.home, free, 64 << 20))
            assert full_warnings() == 1
            assert "3.0 MB free" in (w.last_error or "")
            (s.inbox / "a.md").write_text("# A\n\nThe walrus plan.\n")
            w._full_until = 0.0
            assert w.run_once(timeout=10) == 1
            assert any("room again" in r.getMessage() for r in caplog.records)
            assert w.last_error is None
            w._disk_full(DiskFull(s.home, 2 << 20, 64 << 20))
            assert full_warnings() == 2
    finally:
        v.close()
