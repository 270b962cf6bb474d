"""Backup and restore of a whole home: SQL (SQLite online backup), vectors (Chroma's files,
its SQLite through the online backup too), blobs, config.toml, clients.toml and the draft files
(``drafts/``; backups made before carry none and restore without).

Consistency while the watcher runs: every writer (watcher, CLI, UI) takes the writer lock for
each batch, and Chroma is written only by writers. The blobs (immutable, content-addressed) are
copied first without the lock; then, under the lock, the SQL snapshot is taken, Chroma is copied
and any blob added meanwhile is copied too. So the snapshot is one moment of the vault, and the
watcher waits only for the SQL and vector copy. The manifest holds the sha256 of every file but
the blobs (whose names are their sha256). See RELIABILITY.md.

Restore is atomic (issue 20). The backup is copied into a folder beside the home,
``<home>.restoring-<pid>``, and checked there: every file against the manifest, the blob count,
and ``doctor`` on the new folder (blobs re-hashed). Only then is it swapped in by renames: the
old home becomes ``<home>.before-restore`` (one copy is kept aside; an earlier one there is
replaced) and the new folder becomes the home; the inbox, the user's folder rather than the
vault's, moves over with it. A restore killed before the swap leaves the old home live and
untouched plus a leftover folder; killed during the swap (two renames) it leaves a marker saying
so. :func:`cleanup_interrupted_restore`, cheap enough to run whenever a vault opens, removes the
first and finishes the second.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BackupError
from .lock import WriterLock, in_use_by, pid_alive
from .records import DRAFTS_DIR, INVOICES_DIR
from .settings import DEFAULT_CONFIG, Settings
from .space import RESERVE_BYTES, as_disk_full, ensure_room

if TYPE_CHECKING:
    from .embedder import Embedder
    from .maintenance import DoctorReport
    from .store import Vault

MANIFEST = "trailkeep-backup.json"
FORMAT = 1
ASIDE = ".before-restore"
_RESTORING = ".restoring-"
_DISCARD = ".restore-discard-"
_MARK = ".trailkeep-restore.json"  # in the new folder from the first rename of the swap on
_LOCK = ".trailkeep-restore.lock"  # flock held by the restore (or the cleaner) at work
# In a backup folder while the backup is written, flock held: a folder holding it and no manifest
# is a backup that was cut (killed, power lost) when no live process holds the lock.
_BACKING_UP = ".trailkeep-backup-in-progress"
_DB = "trailkeep.sqlite3"
# What doctor must find clean before a restored copy replaces the home. Chunks not yet embedded
# (a backup taken mid-ingest, or another embedder configured) are not damage: the next writer
# or `reindex` embeds them.
INTEGRITY = (
    "missing_keyword",
    "orphan_keyword",
    "missing_vectors",
    "orphan_vectors",
    "missing_blobs",
    "corrupt_blobs",
)


@dataclass(frozen=True)
class BackupReport:
    path: Path
    blobs: int
    bytes: int
    locked_seconds: float
    seconds: float
    # originals the vault itself lacks or holds damaged: the backup copies the damage, and a
    # restore refuses it until they are fixed (QA, session 9: "backed up", exit 0)
    missing_blobs: tuple[str, ...] = ()
    corrupt_blobs: tuple[str, ...] = ()
    # DEST held a backup of ours that was cut (killed mid-way, no manifest): it was emptied first
    cleared_cut: bool = False


@dataclass(frozen=True)
class RestoreReport:
    home: Path
    moved: Path | None  # where the previous home is now (``<home>.before-restore``), if any
    replaced: bool  # an earlier copy at ``<home>.before-restore`` was replaced
    doctor: DoctorReport  # of the restored copy, before it was swapped in
    blobs: int
    seconds: float
    notes: list[str] = field(default_factory=list)  # an earlier interrupted restore, handled
    # what was forgotten in the replaced home since the backup was made, forgotten again in it
    forgotten_again: int = 0


def aside_path(home: Path) -> Path:
    """Where ``restore --force`` keeps the previous home: one copy, beside the home."""
    return home.with_name(home.name + ASIDE)


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
            if f.startswith(".tmp-"):  # a blob being written (renamed into place when whole)
                continue
            target = dst / rel / f
            if not target.exists():
                try:
                    shutil.copy2(Path(root) / f, target)
                except FileNotFoundError:  # gone meanwhile (a blob forgotten while copying)
                    target.unlink(missing_ok=True)
                    continue
                os.chmod(target, 0o600)
                n += 1
        dirs.sort()
    return n


def _copy_files(src: Path, dst: Path) -> None:
    """The draft files (and rendered invoices): the vault holds each version's bytes, but the
    file is the one the user works on. Edits replace a file whole, so a copy is one version or
    the next; the temporary file of an edit under way (a dot name) is left out, and one
    deleted meanwhile too."""
    if not src.is_dir() or src.is_symlink():
        return
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True, mode=0o700)
        for f in files:
            if f.startswith(".") or not os.path.isfile(os.path.join(root, f)):
                continue
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile: not in the backup
                shutil.copy2(Path(root) / f, dst / rel / f)
                os.chmod(dst / rel / f, 0o600)


def _blob_files(root: Path) -> set[str]:
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_bytes(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, f)).st_size
    return total


def _same_disk(a: Path, b: Path) -> bool:
    def dev(p: Path) -> int:
        p = Path(os.path.abspath(p))
        while not p.exists() and p != p.parent:
            p = p.parent
        return os.stat(p).st_dev

    return dev(a) == dev(b)


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _disk_full_instead(exc: BaseException, where: Path, needed: int) -> None:
    """Raise DiskFull from ``exc`` when it means the disk at ``where`` is full."""
    if isinstance(exc, Exception):
        full = as_disk_full(exc, where, needed)
        if full is not None and full is not exc:
            raise full from exc


def backup(vault: Vault, dest: Path) -> BackupReport:
    """Write a snapshot of the home to ``dest`` (a new or empty folder). When it fails (a full
    disk: DiskFull), what it wrote there is removed again."""
    s = vault.settings
    t0 = time.perf_counter()
    if not s.embedded or s.chroma_url:
        raise BackupError(
            "this vault lives on servers: back up PostgreSQL with pg_dump, the Chroma server's "
            "persist directory, and the blob folder (DEPLOY.md, 'Backups')"
        )
    if dest.resolve().is_relative_to(s.home.resolve()):
        raise BackupError("the backup folder must be outside the home")
    if dest.exists() and not dest.is_dir():
        raise BackupError(f"{dest} is a file; back up into a new folder")
    cleared = False
    fd: int | None = None
    if dest.exists() and any(dest.iterdir()):
        if not _cut_backup(dest, s):
            raise BackupError(f"{dest} is not empty; back up into a new folder")
        # a backup of ours that was cut (no manifest, so nothing restorable): its mark held from
        # here on, so that two backups into it cannot both empty it (review, session 19)
        fd = _hold_mark(dest, create=False)
        _empty(dest, keep=_BACKING_UP)
        cleared = True
    estimate = _tree_bytes(s.blobs) + _tree_bytes(s.chroma_path) + s.db_path.stat().st_size
    # The home's margin when the backup lands on the home's disk; otherwise only a little slack.
    margin = max(s.min_free_bytes, RESERVE_BYTES) if _same_disk(dest, s.home) else RESERVE_BYTES
    ensure_room(dest, estimate, margin, home=dest)
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    if fd is None:
        fd = _hold_mark(dest, create=True)  # another backup began here a moment ago: refused
    try:
        rep = _backup(vault, dest, t0)
        return replace(rep, cleared_cut=cleared)
    except BaseException as exc:
        if created:
            _remove(dest)
        else:  # it was empty: empty it again
            _empty(dest)
        _disk_full_instead(exc, dest, estimate + margin)
        raise
    finally:
        os.close(fd)


def _empty(folder: Path, keep: str = "") -> None:
    for p in folder.iterdir():
        if p.name != keep:
            _remove(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def _cut_backup(dest: Path, s: Settings) -> bool:
    """Whether ``dest`` holds only what a backup of ours left: its in-progress mark, no
    manifest, nothing a backup does not write. (Whether that backup still runs is its mark's
    lock: :func:`_hold_mark`.)"""
    mark = dest / _BACKING_UP
    if not mark.is_file() or (dest / MANIFEST).exists():
        return False
    ours = {
        _BACKING_UP,
        MANIFEST + ".tmp",
        "blobs",
        "chroma",
        s.db_path.name,
        "config.toml",
        "clients.toml",
        DRAFTS_DIR,
        INVOICES_DIR,
    }
    # someone else's files too: not ours to delete
    return all(p.name in ours or p.name.startswith(s.db_path.name) for p in dest.iterdir())


def _hold_mark(dest: Path, create: bool) -> int:
    """An open descriptor of ``dest``'s in-progress mark, its flock held; BackupError when a
    live backup holds it."""
    try:
        fd = os.open(dest / _BACKING_UP, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except FileNotFoundError:  # gone since it was seen: its backup finished or was emptied
        raise BackupError(f"{dest} changed while it was checked; try again") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BackupError(
            f"a backup into {dest} is running; wait for it or use another folder"
        ) from None
    except OSError:
        pass  # a file system without locks (some network shares): the mark alone says it
    return fd


def _backup(vault: Vault, dest: Path, t0: float) -> BackupReport:
    s = vault.settings
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
    _copy_files(s.home / DRAFTS_DIR, dest / DRAFTS_DIR)
    _copy_files(s.home / INVOICES_DIR, dest / INVOICES_DIR)  # the invoices as they were sent
    blobs = _blob_files(blobs_dst)
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file() and p.name != _BACKING_UP)
    files = {
        p.relative_to(dest).as_posix(): {"sha256": _sha256(p), "size": p.stat().st_size}
        for p in sorted(dest.rglob("*"))
        if p.is_file()
        and p.name != _BACKING_UP
        and not p.relative_to(dest).as_posix().startswith("blobs/")
    }
    tmp = dest / (MANIFEST + ".tmp")  # the manifest last, whole: it is what makes a backup
    tmp.write_text(
        json.dumps(
            {
                "format": FORMAT,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "embedder": vault.embedder.id,
                "blobs": len(blobs),
                "bytes": size,
                "files": files,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    os.replace(tmp, dest / MANIFEST)
    # whole now: the mark goes before the check below, so a backup killed during the check is
    # a backup, not a cut one (QA, session 19: its folder kept the mark)
    (dest / _BACKING_UP).unlink(missing_ok=True)
    from .maintenance import doctor

    health = doctor(vault, verify_blobs=True)
    return BackupReport(
        dest,
        len(blobs),
        size,
        locked,
        time.perf_counter() - t0,
        tuple(health.missing_blobs),
        tuple(health.corrupt_blobs),
    )


# ---------------------------------------------------------------------------------- restore


def restore(src: Path, settings: Settings, force: bool = False) -> Path | None:
    """Bring a backup back into ``settings.home`` (see :func:`restore_home`); returns where the
    previous home was moved, if anywhere."""
    return restore_home(src, settings, force=force).moved


def restore_home(
    src: Path,
    settings: Settings,
    *,
    force: bool = False,
    embedder: Embedder | None = None,
    keep_forgotten: bool = False,
) -> RestoreReport:
    """Restore the backup at ``src`` as ``settings.home``, atomically (module docstring).

    A home that holds a vault is refused unless ``force``; with it, the home is moved to
    ``<home>.before-restore`` (replacing an earlier copy there). Raises BackupError when the
    backup does not check out (the home untouched), DiskFull when there is no room beside the
    home for the copy plus ``[vault] min_free_mb``. What the replaced home forgot since the
    backup was made is forgotten in the restored copy too, unless ``keep_forgotten`` (the way
    to undo a forget made by mistake)."""
    t0 = time.perf_counter()
    home = settings.home
    notes = cleanup_interrupted_restore(home)
    meta = _manifest(src)
    if not settings.embedded or settings.chroma_url:
        raise BackupError("restore brings back an embedded vault; this home is set up for servers")
    _check_target(home, settings, force)
    if home.exists() and (busy := in_use_by(home)):
        raise BackupError(
            f"{home} is in use by {busy[0]}: stop it first (a running `trailkeep watch` or "
            "`trailkeep ui`) — a restore swaps the home's folder, and it would go on writing "
            "into the one moved aside"
        )
    if home.exists() and os.path.ismount(home):
        raise BackupError(
            f"{home} is a mount point: a restore swaps folders beside it, on the same disk. "
            "Restore into a folder inside it and point TRAILKEEP_HOME there"
        )
    needed = int(meta.get("bytes") or _tree_bytes(src))
    margin = max(settings.min_free_bytes, RESERVE_BYTES)
    ensure_room(home.parent, needed, margin, home=home)
    work = home.with_name(f"{home.name}{_RESTORING}{os.getpid()}")
    _remove(work)  # a leftover of a dead process that had our pid
    try:
        work.mkdir(parents=True, mode=0o700)
        lock = os.open(work / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        _disk_full_instead(exc, home.parent, needed + margin)
        raise BackupError(
            f"cannot write beside {home} ({exc.strerror}): a restore builds the new vault in "
            f"{work} and swaps it in"
        ) from exc
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            carried = [] if keep_forgotten else _tombstones(settings.db_path)
            _copy_backup(src, work)
            report, blobs, again = _verify(src, work, meta, settings, embedder, carried)
            os.sync()  # the copy is on disk before any rename makes it the home
            moved, replaced = _swap(home, work, settings, force)
        except BaseException as exc:
            if not (work / _MARK).exists():  # not yet swapping: the home is as it was
                _remove(work)
            _disk_full_instead(exc, home.parent, needed + margin)
            raise
    finally:
        os.close(lock)
    return RestoreReport(
        home, moved, replaced, report, blobs, time.perf_counter() - t0, notes, again
    )


def _tombstones(db: Path) -> list[tuple[str, str, str, str]]:
    """The tombstones of the home being replaced (none when it holds no vault): a forget
    holds across a restore of a backup made before it."""
    if not db.exists():
        return []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT kind, key, reason, created_at FROM tombstone").fetchall()
    except sqlite3.Error:
        return []  # a vault too old or too broken to say: the backup's own tombstones hold
    finally:
        con.close()
    return [(str(a), str(b), str(c or ""), str(d)) for a, b, c, d in rows]


def _manifest(src: Path) -> dict[str, Any]:
    try:
        meta = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} is not a trailkeep backup ({exc})") from exc
    if not isinstance(meta, dict):
        raise BackupError(f"{src} is not a trailkeep backup (its manifest is not an object)")
    if int(meta.get("format", 0)) > FORMAT:
        raise BackupError(f"{src} was written by a newer trailkeep (format {meta['format']})")
    return meta


def _occupied(home: Path) -> bool:
    return home.is_dir() and any(home.iterdir())


def _check_target(home: Path, settings: Settings, force: bool) -> None:
    if force:
        return
    if settings.db_path.exists():
        raise BackupError(
            f"{home} already holds a vault; restore into a new home, or use --force to move "
            f"it aside first (to {aside_path(home)}, replacing what is there)"
        )
    if _occupied(home) and aside_path(home).exists():
        raise BackupError(
            f"{home} is not empty and {aside_path(home)} already holds an earlier home; "
            "use --force to move this one there in its place"
        )


def _copy_backup(src: Path, work: Path) -> None:
    for name in (_DB, "config.toml", "clients.toml"):
        if (src / name).exists():
            shutil.copy2(src / name, work / name)
            os.chmod(work / name, 0o600)
    # no drafts/ or invoices/ in backups made before they were kept
    for sub in ("chroma", "blobs", DRAFTS_DIR, INVOICES_DIR):
        if (src / sub).exists():
            _copy_tree(src / sub, work / sub)
    for sub in ("inbox", "quarantine"):
        (work / sub).mkdir(exist_ok=True, mode=0o700)


def _verify(
    src: Path,
    work: Path,
    meta: dict[str, Any],
    settings: Settings,
    embedder: Embedder | None,
    carried: Sequence[tuple[str, str, str, str]] = (),
) -> tuple[DoctorReport, int, int]:
    """The copy against the manifest, what the replaced home forgot forgotten in it too
    (``carried``: its tombstones), then doctor on it; BackupError names what is wrong."""
    from .embedder import get_embedder
    from .maintenance import doctor, forget_again
    from .settings import load_settings
    from .store import Vault

    files = meta.get("files")
    if isinstance(files, dict):  # backups before issue 20 carry no checksums
        for rel, info in sorted(files.items()):
            p = work / rel
            if (
                not p.is_file()
                or p.stat().st_size != info.get("size")
                or _sha256(p) != info.get("sha256")
            ):
                raise BackupError(
                    f"the backup at {src} is damaged: {rel} does not match its manifest; "
                    f"{settings.home} was not touched"
                )
    blobs = len(_blob_files(work / "blobs"))
    if "blobs" in meta and blobs != int(meta["blobs"]):
        raise BackupError(
            f"the backup at {src} is incomplete: {blobs} original files of "
            f"{meta['blobs']}; {settings.home} was not touched"
        )
    rs = replace(
        load_settings({"TRAILKEEP_EMBEDDER": settings.embedder}, work),
        home=work,
        blobs_dir=None,
        database_url=None,
        chroma_url=None,
        chroma_token=None,
        vector_namespace="",
        lock_timeout=settings.lock_timeout,
    )
    v = Vault.open(rs, embedder or get_embedder(settings.embedder))
    try:
        again = forget_again(v, carried)
        if again:
            blobs = len(_blob_files(work / "blobs"))  # the forgotten files' went with them
        report = doctor(v, verify_blobs=True)
    finally:
        _close(v)
    broken = [f"{n}: {getattr(report, n)[:5]}" for n in INTEGRITY if getattr(report, n)]
    if broken:
        raise BackupError(
            f"the restored copy of {src} does not check out ({'; '.join(broken)}); "
            f"{settings.home} was not touched"
        )
    return report, blobs, again


def _close(v: Vault) -> None:
    """Close a vault whose folder is about to be renamed, Chroma's client included: a client
    left open in this process would keep pointing at the old path."""
    v.close()
    v.vectors.close()


def _identity(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_dev, st.st_ino]


def _write_mark(folder: Path, data: dict[str, Any]) -> None:
    tmp = folder / (_MARK + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(data).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, folder / _MARK)


def _read_mark(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / _MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _swap(home: Path, work: Path, settings: Settings, force: bool) -> tuple[Path | None, bool]:
    """The verified copy becomes the home, under the home's writer lock (no write batch of the
    watcher or the UI is cut in two). Stop the watcher first: one already running keeps
    writing to the files it has open, i.e. into ``<home>.before-restore``."""
    hold: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if settings.db_path.exists():
        hold = WriterLock(settings.lock_path, settings.lock_timeout).hold("restore")
    with hold:
        _check_target(home, settings, force)  # again: the copy took a while
        home_id = _identity(home) if _occupied(home) else None
        _write_mark(work, {"state": "swapping", "home_id": home_id, "pid": os.getpid()})
        return _finish_swap(home, work, home_id)


def _finish_swap(
    home: Path, work: Path | None, home_id: list[int] | None
) -> tuple[Path | None, bool]:
    """Every step of the swap, each skipped when already done, so that a swap cut by a kill
    is finished by running this again (``work`` None: the renames are done). ``home_id`` is the
    old home's (dev, inode), or None when there was nothing to move aside."""
    aside = aside_path(home)
    discard = home.with_name(f"{home.name}{_DISCARD}{os.getpid()}")
    replaced = False
    if work is not None and work.exists():
        if home.exists():
            if home_id is not None and _identity(home) == home_id:
                if aside.exists():
                    os.rename(aside, discard)
                    replaced = True
                os.rename(home, aside)
            elif not _occupied(home):
                os.rmdir(home)
            else:  # made since the swap began, by a command run meanwhile: holds no vault
                os.rename(home, discard.with_name(discard.name + "-new"))
        os.rename(work, home)
    moved = aside if home_id is not None else None
    if moved is not None:
        _carry_inbox(moved, home)
    for name in (_MARK, _LOCK):
        with contextlib.suppress(FileNotFoundError):
            (home / name).unlink()
    _remove(discard)
    _remove(discard.with_name(discard.name + "-new"))
    return moved, replaced


def _carry_inbox(old_home: Path, home: Path) -> None:
    """The inbox is the user's drop folder, not the vault's: it stays where the user knows it.
    (Restore makes an empty one; the previous home's replaces it.)"""
    old, new = old_home / "inbox", home / "inbox"
    if not old.is_dir() or old.is_symlink():
        return
    if new.exists():
        if not new.is_dir() or _occupied(new):
            return
        os.rmdir(new)
    os.rename(old, new)


def _try_lock(folder: Path) -> int | None:
    """The restore lock of ``folder`` when no live process holds it (then its work was cut),
    else None. A folder made by a restore killed before its lock file existed is judged by the
    pid in its name."""
    path = folder / _LOCK
    try:
        if not path.exists():
            pid = folder.name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and pid_alive(int(pid)):
                return None
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _only_a_skeleton(home: Path) -> bool:
    """What `init` makes (empty folders, the default config.toml), and nothing else."""
    for dirpath, _dirs, files in os.walk(home):
        for f in files:
            p = Path(dirpath) / f
            if p == home / "config.toml":
                with contextlib.suppress(OSError):
                    if p.read_text(encoding="utf-8") == DEFAULT_CONFIG:
                        continue
            if p.name in (_LOCK, "writer.lock"):
                continue
            return False
    return True


def cleanup_interrupted_restore(home: Path) -> list[str]:
    """Deal with what a killed ``restore`` left beside ``home``; returns what was done (or
    found), one sentence each, for the user. Cheap when there is nothing: one listing of the
    home's parent and one stat.

    - ``<home>.restoring-<pid>`` whose restore is dead and had not begun the swap: removed (the
      home was never touched);
    - one that had begun the swap: the swap is finished — the restored copy, already verified,
      becomes the home and the previous home is at ``<home>.before-restore``. When the home was
      made anew meanwhile and already holds a vault, nothing is moved and both are named;
    - a restore still running: named, left alone;
    - ``<home>.restore-discard-*`` (an earlier copy aside being deleted): removed.
    """
    notes: list[str] = []
    parent = home.parent
    prefixes = (home.name + _RESTORING, home.name + _DISCARD)
    try:
        found = sorted(n for n in os.listdir(parent) if n.startswith(prefixes))
    except OSError:
        found = []
    if not found and not (home / _MARK).exists():
        return notes
    for name in found:
        if not name.startswith(prefixes[0]):
            continue
        work = parent / name
        fd = _try_lock(work)
        if fd is None:
            if work.exists():
                notes.append(f"a restore into {home} is running ({work}); left alone")
            continue
        try:
            mark = _read_mark(work)
            if mark is None or mark.get("state") != "swapping":
                _remove(work)
                notes.append(f"removed {work}, left by an interrupted restore; {home} is as it was")
                continue
            home_id = mark.get("home_id")
            ident = list(home_id) if isinstance(home_id, list) else None
            if (
                home.exists()
                and (ident is None or _identity(home) != ident)
                and not _only_a_skeleton(home)
            ):
                notes.append(
                    f"an interrupted restore left a verified copy in {work}, but {home} was made "
                    "anew since and holds data: nothing was moved; the previous home is at "
                    f"{aside_path(home)}"
                )
                continue
            moved, _ = _finish_swap(home, work, ident)
            notes.append(
                f"finished an interrupted restore: {home} is the restored vault"
                + (f"; the previous one is at {moved}" if moved else "")
            )
        finally:
            os.close(fd)
    if (home / _MARK).exists():  # the renames were done, the last steps were not
        fd = _try_lock(home)
        if fd is not None:
            try:
                home_id = (_read_mark(home) or {}).get("home_id")
                _finish_swap(home, None, list(home_id) if isinstance(home_id, list) else None)
            finally:
                os.close(fd)
    for name in found:
        if name.startswith(prefixes[1]) and (parent / name).exists():
            _remove(parent / name)
            notes.append(f"removed {parent / name}, an earlier copy being deleted")
    return notes


__all__ = [
    "ASIDE",
    "FORMAT",
    "MANIFEST",
    "BackupError",
    "BackupReport",
    "RestoreReport",
    "aside_path",
    "backup",
    "cleanup_interrupted_restore",
    "restore",
    "restore_home",
]
