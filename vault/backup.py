"""Backup and restore of a whole home: SQL (SQLite online backup), vectors (Chroma's files,
its SQLite through the online backup too), blobs, config.toml and clients.toml.

Consistency while the watcher runs: every writer (watcher, CLI, UI) takes the writer lock for
each batch, and Chroma is written only by writers. The blobs (immutable, content-addressed) are
copied first without the lock; then, under the lock, the SQL snapshot is taken, Chroma is copied
and any blob added meanwhile is copied too. So the snapshot is one moment of the vault, and the
watcher waits only for the SQL and vector copy. See RELIABILITY.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import VaultError
from .settings import Settings
from .store import Vault

MANIFEST = "trailkeep-backup.json"
FORMAT = 1


class BackupError(VaultError):
    pass


@dataclass(frozen=True)
class BackupReport:
    path: Path
    blobs: int
    bytes: int
    locked_seconds: float
    seconds: float


def _sqlite_copy(src: Path, dst: Path) -> None:
    """The online backup API: a consistent copy even while others read or write."""
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    try:
        with d:
            s.backup(d)
    finally:
        d.close()
        s.close()
    os.chmod(dst, 0o600)


def _copy_tree(src: Path, dst: Path, skip: set[str] = frozenset()) -> int:  # type: ignore[assignment]
    n = 0
    for root, dirs, files in os.walk(src):
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True, mode=0o700)
        for f in files:
            if (rel / f).as_posix() in skip or f.endswith(("-wal", "-shm", "-journal")):
                continue
            target = dst / rel / f
            if not target.exists():
                shutil.copy2(Path(root) / f, target)
                os.chmod(target, 0o600)
                n += 1
        dirs.sort()
    return n


def _blob_files(root: Path) -> set[str]:
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def backup(vault: Vault, dest: Path) -> BackupReport:
    """Write a snapshot of the home to ``dest`` (a new or empty folder)."""
    s = vault.settings
    t0 = time.perf_counter()
    if not s.embedded or s.chroma_url:
        raise BackupError(
            "this vault lives on servers: back up PostgreSQL with pg_dump, the Chroma server's "
            "persist directory, and the blob folder (DEPLOY.md, 'Backups')"
        )
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty; back up into a new folder")
    if dest.resolve().is_relative_to(s.home.resolve()):
        raise BackupError("the backup folder must be outside the home")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(dest, 0o700)
    blobs_dst = dest / "blobs"
    _copy_tree(s.blobs, blobs_dst)  # the bulk, without holding anyone up
    with vault.writer("backup"):
        t_lock = time.perf_counter()
        _sqlite_copy(s.db_path, dest / s.db_path.name)
        chroma_dst = dest / "chroma"
        chroma_dst.mkdir(mode=0o700)
        chroma_db = s.chroma_path / "chroma.sqlite3"
        if chroma_db.exists():
            _sqlite_copy(chroma_db, chroma_dst / "chroma.sqlite3")
        _copy_tree(s.chroma_path, chroma_dst, skip={"chroma.sqlite3"})
        # Blobs written since the first pass, and none that were forgotten meanwhile.
        _copy_tree(s.blobs, blobs_dst)
        for rel in _blob_files(blobs_dst) - _blob_files(s.blobs):
            (blobs_dst / rel).unlink()
        locked = time.perf_counter() - t_lock
    for name in ("config.toml", "clients.toml"):
        if (s.home / name).exists():
            shutil.copy2(s.home / name, dest / name)
            os.chmod(dest / name, 0o600)
    blobs = _blob_files(blobs_dst)
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    (dest / MANIFEST).write_text(
        json.dumps(
            {
                "format": FORMAT,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "embedder": vault.embedder.id,
                "blobs": len(blobs),
                "bytes": size,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return BackupReport(dest, len(blobs), size, locked, time.perf_counter() - t0)


def restore(src: Path, settings: Settings, force: bool = False) -> Path | None:
    """Bring a backup back into ``settings.home``. An existing vault there is refused, or with
    ``force`` moved aside (never deleted); returns where it was moved."""
    manifest = src / MANIFEST
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} is not a trailkeep backup ({exc})") from exc
    if int(meta.get("format", 0)) > FORMAT:
        raise BackupError(f"{src} was written by a newer trailkeep (format {meta['format']})")
    home = settings.home
    moved: Path | None = None
    if settings.db_path.exists():
        if not force:
            raise BackupError(
                f"{home} already holds a vault; restore into a new home, or use --force to move "
                "it aside first"
            )
        moved = home.with_name(f"{home.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
        os.rename(home, moved)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(home, 0o700)
    for name in (settings.db_path.name, "config.toml", "clients.toml"):
        if (src / name).exists():
            shutil.copy2(src / name, home / name)
            os.chmod(home / name, 0o600)
    for sub in ("chroma", "blobs"):
        if (src / sub).exists():
            _copy_tree(src / sub, home / sub)
    for d in (settings.inbox, settings.quarantine):
        with contextlib.suppress(OSError):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return moved
