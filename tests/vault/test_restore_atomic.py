"""Restore is atomic (issue 20): the backup is copied beside the home, checked, then swapped in
by renames. Whatever moment a restore is killed at, the live vault is the old one, untouched, or
the whole restored one; `status` and `doctor` work on it; a leftover is cleaned up by the next
command; one copy of a previous home is kept aside, never more.

The kill test runs `trailkeep restore --force` in a child process (hash embedder) and SIGKILLs it
at random moments over a whole restore's duration; each round restores the backup that is *not*
live, so "old or new" is a real distinction every time. The vault is compared by its canonical
dump (read through SQL only: this process never opens Chroma on a folder that is then renamed).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import pytest

from tests.conftest import make_notes, make_settings
from trailkeep.vault import Vault, dump, init_home
from trailkeep.vault.backup import (
    _LOCK,
    _MARK,
    BackupError,
    _copy_backup,
    _identity,
    _write_mark,
    aside_path,
    cleanup_interrupted_restore,
    restore_home,
)
from trailkeep.vault.lock import in_use_by
from trailkeep.vault.store import make_engine

pytestmark = pytest.mark.sqlite_only

ENV = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "ANONYMIZED_TELEMETRY": "False"}
ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "trailkeep.ui")


def cli(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        timeout=timeout,
    )


def fingerprint(home: Path) -> str:
    """The canonical dump of the vault in ``home``, read through SQL only."""
    engine = make_engine(home / "trailkeep.sqlite3")
    try:
        rows = dump(cast(Vault, type("SqlOnly", (), {"engine": engine})()))
    finally:
        engine.dispose()
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def make_vault(home: Path, src: Path, notes: int, marker: str, seed: int) -> None:
    make_notes(src, notes, seed=seed, prefix=marker)
    (src / f"{marker}.md").write_text(f"---\ntitle: {marker}\n---\n# {marker}\n\n{marker} here\n")
    r = cli(home, "ingest", "-q", str(src))
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def two_backups(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """An 'old' vault (the home) and a backup of it, a 'new' vault's backup, and their dumps."""
    root = tmp_path_factory.mktemp("restore")
    old, new = root / "old", root / "new"
    make_vault(old, root / "src-old", 60, "old-marker", seed=1)
    make_vault(new, root / "src-new", 150, "new-marker", seed=2)
    for home, bk in ((old, root / "bk-old"), (new, root / "bk-new")):
        r = cli(home, "backup", str(bk))
        assert r.returncode == 0, r.stderr
    return {
        "root": root,
        "bk-old": root / "bk-old",
        "bk-new": root / "bk-new",
        "old": fingerprint(old),
        "new": fingerprint(new),
    }


def fresh_home(two: dict[str, Path | str], where: Path) -> Path:
    """A home holding the old vault (restored from its backup, the ordinary way)."""
    home = where / "home"
    restore_home(cast(Path, two["bk-old"]), make_settings(home))
    assert fingerprint(home) == two["old"]
    return home


def beside(home: Path) -> list[str]:
    return sorted(p.name for p in home.parent.iterdir() if p.name.startswith(home.name))


def test_restore_swaps_in_a_checked_copy_and_keeps_one_copy_aside(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    home = fresh_home(two_backups, tmp_path)
    (home / "inbox" / "dropped.md").write_text("# dropped\n\nnot yet ingested\n")
    # WHEN the new backup is restored over it, twice
    s = make_settings(home)
    with pytest.raises(BackupError, match="already holds a vault"):
        restore_home(cast(Path, two_backups["bk-new"]), s)
    first = restore_home(cast(Path, two_backups["bk-new"]), s, force=True)
    # THEN the home is the new vault, the old one is at <home>.before-restore, the inbox came along
    assert first.moved == aside_path(home) and not first.replaced
    assert fingerprint(home) == two_backups["new"]
    assert fingerprint(aside_path(home)) == two_backups["old"]
    assert (home / "inbox" / "dropped.md").exists()
    assert not (home / _MARK).exists() and not (home / _LOCK).exists()
    second = restore_home(cast(Path, two_backups["bk-old"]), s, force=True)
    # AND a second restore replaces the copy aside: never more than one
    assert second.replaced and fingerprint(aside_path(home)) == two_backups["new"]
    assert beside(home) == ["home", "home.before-restore"]
    assert fingerprint(home) == two_backups["old"]
    assert (home / "inbox" / "dropped.md").exists()
    assert home.stat().st_mode & 0o077 == 0


def test_restore_refuses_a_home_a_watcher_is_writing_to(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    """QA, session 9: `restore --force` beside a running `trailkeep watch` swapped the home;
    the watcher went on writing into the copy moved aside (a file "ingested", found nowhere,
    and doctor inconsistent). While a watcher runs, restore refuses and names it."""
    home = fresh_home(two_backups, tmp_path)
    watch = subprocess.Popen(
        [*CLI, "--home", str(home), "watch"],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not in_use_by(home) and time.monotonic() < deadline:
            time.sleep(0.2)
        with pytest.raises(BackupError, match=r"in use by pid \d+.*watch"):
            restore_home(cast(Path, two_backups["bk-new"]), make_settings(home), force=True)
        assert fingerprint(home) == two_backups["old"] and not aside_path(home).exists()
    finally:
        watch.send_signal(signal.SIGINT)
        watch.wait(timeout=60)
    assert in_use_by(home) == []
    restore_home(cast(Path, two_backups["bk-new"]), make_settings(home), force=True)
    assert fingerprint(home) == two_backups["new"]


def test_a_damaged_backup_is_refused_and_the_home_is_not_touched(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    home = fresh_home(two_backups, tmp_path)
    bad = tmp_path / "bad"
    shutil.copytree(cast(Path, two_backups["bk-new"]), bad)
    db = bad / "chroma" / "chroma.sqlite3"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its manifest"):
        restore_home(bad, make_settings(home), force=True)
    assert fingerprint(home) == two_backups["old"] and beside(home) == ["home"]
    # a blob missing: counted against the manifest
    shutil.rmtree(bad)
    shutil.copytree(cast(Path, two_backups["bk-new"]), bad)
    next(p for p in (bad / "blobs").rglob("*") if p.is_file()).unlink()
    with pytest.raises(BackupError, match="incomplete"):
        restore_home(bad, make_settings(home), force=True)
    assert fingerprint(home) == two_backups["old"] and beside(home) == ["home"]


def _half_done(two: dict[str, Path | str], home: Path, pid: int) -> Path:
    """The folder a restore builds, whole (as after verification), named for ``pid``."""
    work = home.with_name(f"{home.name}.restoring-{pid}")
    work.mkdir(mode=0o700)
    _copy_backup(cast(Path, two["bk-new"]), work)
    return work


def test_cleanup_removes_a_restore_cut_before_the_swap(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    home = fresh_home(two_backups, tmp_path)
    work = _half_done(two_backups, home, 999_999_999)  # no such process
    notes = cleanup_interrupted_restore(home)
    assert any("removed" in n and str(work) in n for n in notes), notes
    assert beside(home) == ["home"] and fingerprint(home) == two_backups["old"]
    assert cleanup_interrupted_restore(home) == []


def test_cleanup_leaves_a_running_restore_alone(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    import fcntl

    home = fresh_home(two_backups, tmp_path)
    work = _half_done(two_backups, home, 999_999_998)
    fd = os.open(work / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as the running restore holds it
    try:
        notes = cleanup_interrupted_restore(home)
        assert any("is running" in n for n in notes) and work.exists()
    finally:
        os.close(fd)
    cleanup_interrupted_restore(home)
    assert not work.exists()


@pytest.mark.parametrize("cut", ["before-first-rename", "between-renames", "after-renames"])
def test_cleanup_finishes_a_swap_cut_by_a_kill(
    two_backups: dict[str, Path | str], tmp_path: Path, cut: str
) -> None:
    home = fresh_home(two_backups, tmp_path)
    (home / "inbox" / "dropped.md").write_text("# dropped\n")
    work = _half_done(two_backups, home, 999_999_997)
    _write_mark(work, {"state": "swapping", "home_id": _identity(home), "pid": 999_999_997})
    if cut in ("between-renames", "after-renames"):
        os.rename(home, aside_path(home))
        if cut == "between-renames":
            # the next command found no home and made an empty one (`init`) before opening it
            init_home(make_settings(home))
        else:
            os.rename(work, home)
    notes = cleanup_interrupted_restore(home)
    assert cut == "after-renames" or any("finished" in n for n in notes), notes
    assert beside(home) == ["home", "home.before-restore"]
    assert fingerprint(home) == two_backups["new"]
    assert fingerprint(aside_path(home)) == two_backups["old"]
    assert (home / "inbox" / "dropped.md").exists()
    assert not (home / _MARK).exists()


def test_a_home_made_anew_with_data_is_never_overwritten_by_a_cut_swap(
    two_backups: dict[str, Path | str], tmp_path: Path
) -> None:
    home = fresh_home(two_backups, tmp_path)
    work = _half_done(two_backups, home, 999_999_996)
    _write_mark(work, {"state": "swapping", "home_id": _identity(home), "pid": 999_999_996})
    os.rename(home, aside_path(home))
    shutil.copytree(aside_path(home), home)  # a home with data, made since by someone
    notes = cleanup_interrupted_restore(home)
    assert any("nothing was moved" in n for n in notes), notes
    assert work.exists() and fingerprint(home) == two_backups["old"]


# `trailkeep status` then `trailkeep doctor`, through the CLI's entry point, in one child
# process (one interpreter start-up instead of two: the kill test runs this after every kill).
STATUS_AND_DOCTOR = r"""
import sys
from trailkeep.ui.cli import main
for cmd in ("status", "doctor"):
    print("== " + cmd, flush=True)
    try:
        main(["--home", sys.argv[1], cmd], standalone_mode=False, obj={})
    except SystemExit as exc:
        if exc.code:
            raise
"""


def _live(home: Path, two: dict[str, Path | str]) -> str:
    """After a kill: the next command's cleanup, then `status` and `doctor` must work and pass,
    and the vault must be one of the two, whole."""
    cleanup_interrupted_restore(home)
    r = subprocess.run(
        [sys.executable, "-c", STATUS_AND_DOCTOR, str(home)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=ROOT,
        timeout=300,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out, out
    assert "sources:" in r.stdout and r.stdout.rstrip().endswith("consistent"), out
    fp = fingerprint(home)
    assert fp in (two["old"], two["new"]), "the live vault is neither the old nor the restored one"
    leftovers = [n for n in beside(home) if n not in ("home", "home.before-restore")]
    assert not leftovers, leftovers
    return "old" if fp == two["old"] else "new"


@pytest.mark.parametrize("kills", [3, pytest.param(20, marks=pytest.mark.slow)])
def test_restore_killed_at_random_moments_leaves_one_whole_vault(
    two_backups: dict[str, Path | str], tmp_path: Path, kills: int
) -> None:
    home = fresh_home(two_backups, tmp_path)
    live = "old"

    def start(target: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*CLI, "--home", str(home), "restore", str(two_backups[f"bk-{target}"]), "--force"],
            env=ENV,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    # A whole restore first: how long one takes (the kills land anywhere in it)
    t0 = time.perf_counter()
    p = start("new")
    _, err = p.communicate(timeout=300)
    whole = time.perf_counter() - t0
    assert p.returncode == 0, err.decode()
    live = _live(home, two_backups)
    assert live == "new"
    rnd = random.Random(20)
    outcomes = []
    for _ in range(kills):
        target = "old" if live == "new" else "new"
        # half the kills anywhere, half in the last stretch (verification, doctor, the swap)
        at = whole * rnd.choice([rnd.uniform(0.05, 0.7), rnd.uniform(0.7, 1.0)])
        p = start(target)
        time.sleep(at)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        _, err = p.communicate(timeout=300)
        assert killed or p.returncode == 0, err.decode()
        now = _live(home, two_backups)
        assert now in (live, target) and (killed or now == target)
        outcomes.append((round(at, 2), killed, now == target))
        live = now
    print(f"whole restore {whole:.2f}s; kills (at s, killed, restored): {outcomes}")
    assert sum(k for _, k, _ in outcomes) >= kills // 2, "most kills must cut a restore"
