"""Room on the disk: how much is free, the margin kept free, and telling a full disk from other
failures (issue 20).

A full disk is an expected state, not a crash. Work that writes (ingest, reindex, backup, restore,
migrate-to) first checks that what it needs plus ``[vault] min_free_mb`` is free and stops with
:class:`~trailkeep.vault.errors.DiskFull` before writing anything. An ``ENOSPC`` that happens
anyway (another program filled the disk meanwhile) surfaces from SQLite, Chroma or a plain
write; :func:`as_disk_full` recognises each of them so the caller can stop cleanly with the same
error instead of recording a failure or printing a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DiskFull

if TYPE_CHECKING:
    from .settings import Settings

# What a full disk looks like from each layer: SQLite (SQLITE_FULL, also inside chromadb's
# InternalError "error returned from database: (code: 13) ..."), Rust's io errors in Chroma's
# index files, and the C library.
_MESSAGES = (
    "database or disk is full",
    "no space left on device",
    "disk quota exceeded",
    "disk is full",
    "os error 28",
    "os error 122",
)
_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# SQLITE_IOERR ("disk I/O error") is what SQLite reports when its shared-memory file cannot grow;
# it counts as a full disk only when the disk is in fact (nearly) full.
_AMBIGUOUS = ("disk i/o error",)
_NEARLY_FULL = 1 << 20
# Opening a vault writes a little even to read (SQLite's -wal/-shm, Chroma's journal: about
# 64 KB), so on a disk filled to the last byte not even `status` could open it. The home keeps
# RESERVE_BYTES in a file of its own, taken while there is room and given back when a command
# starts on a disk with almost nothing left: `status` and `doctor` keep working.
RESERVE_NAME = ".room-reserve"
RESERVE_BYTES = 1 << 20


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged writer may still use on the filesystem holding ``path`` (or its
    nearest existing parent)."""
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    st = os.statvfs(p)
    return st.f_bavail * st.f_frsize


def ensure_room(path: Path, needed: int, margin: int, *, home: Path | None = None) -> None:
    """Raise :class:`DiskFull` unless ``needed + margin`` bytes are free where ``path`` lives.
    ``home`` names the folder in the message (default ``path``)."""
    free = free_bytes(path)
    if free < needed + margin:
        raise DiskFull(home or path, free, needed + margin)


def ensure_room_for(settings: Settings, needed: int = 0) -> None:
    """The check before work that writes into a vault: the home's disk (SQL, vectors,
    quarantine) and the blob folder's, when that is another disk, must each keep
    ``settings.min_free_bytes`` free after ``needed`` more bytes — and never less than
    RESERVE_BYTES, what opening the vault needs, even with ``min_free_mb = 0``. Takes the
    home's reserve (``RESERVE_NAME``) again once the check passes."""
    margin = max(settings.min_free_bytes, RESERVE_BYTES)
    ensure_room(settings.home, needed, margin, home=settings.home)
    blobs = settings.blobs
    if blobs != settings.home / "blobs" and _device(blobs) != _device(settings.home):
        ensure_room(blobs, needed, margin, home=blobs)
    keep_reserve(settings.home)


def keep_reserve(home: Path) -> None:
    """Make sure the home's reserve exists when there is plenty of room (one stat when it
    does). Never fails: the reserve is a courtesy."""
    target = home / RESERVE_NAME
    if target.exists() or not home.is_dir():
        return
    tmp = home / f".{RESERVE_NAME}.{os.getpid()}.tmp"
    try:
        if free_bytes(home) < 4 * RESERVE_BYTES:
            return
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(RESERVE_BYTES))  # real blocks, not a sparse file
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def release_reserve(home: Path) -> bool:
    """Give the reserve back to the disk when almost nothing is left on it (cheap: one
    statvfs); True if it was given back. Called as a command starts, before the vault opens."""
    try:
        if free_bytes(home) >= RESERVE_BYTES // 4:
            return False
        os.unlink(home / RESERVE_NAME)
        return True
    except OSError:
        return False


def _device(path: Path) -> int:
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    return os.stat(p).st_dev


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps: causes, contexts and SQLAlchemy's ``.orig``."""
    out: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop()
        if any(e is seen for seen in out) or len(out) > 20:
            continue
        out.append(e)
        for nxt in (e.__cause__, e.__context__, getattr(e, "orig", None)):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
    return out


def is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """Whether ``exc`` (or anything it wraps) means "no room left". With ``where``, SQLite's
    ambiguous "disk I/O error" also counts when that disk is nearly full."""
    for e in _chain(exc):
        if isinstance(e, DiskFull):
            return True
        if isinstance(e, OSError) and e.errno in _ERRNOS:
            return True
        text = str(e).lower()
        if any(m in text for m in _MESSAGES):
            return True
        if where is not None and any(m in text for m in _AMBIGUOUS):
            try:
                if free_bytes(where) < _NEARLY_FULL:
                    return True
            except OSError:
                pass
    return False


def as_disk_full(exc: BaseException, home: Path, needed: int = 0) -> DiskFull | None:
    """The :class:`DiskFull` to raise (``from exc``) in place of ``exc``, or None when ``exc``
    is not about room. ``needed`` is what the interrupted work would have taken, if known."""
    if isinstance(exc, DiskFull):
        return exc
    if not is_disk_full(exc, home):
        return None
    try:
        free = free_bytes(home)
    except OSError:
        free = 0
    # What the interrupted write needed is not known: at least a little more than is free.
    return DiskFull(home, free, max(needed, free + (1 << 20)))


__all__ = [
    "RESERVE_NAME",
    "as_disk_full",
    "ensure_room",
    "ensure_room_for",
    "free_bytes",
    "is_disk_full",
    "keep_reserve",
    "release_reserve",
]
