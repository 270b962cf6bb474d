"""The watcher: a thin loop over small deciders (filter, stability tracker, catch-up scan).

Files stay where the user put them (the inbox may be their own notes folder). A change is
ingested once the file is stable: size and mtime unchanged for ``stable_seconds``. At start, a
catch-up scan finds files added or changed while stopped, comparing (size, mtime) with what was
recorded, so unchanged files are not re-hashed. A periodic rescan is the safety net for missed
events. Any failure is recorded on the source and the loop goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from trailkeep.vault.errors import DiskFull
from trailkeep.vault.space import as_disk_full, is_disk_full

from .filters import is_ignored
from .heartbeat import HEARTBEAT_FILE, write_heartbeat
from .pipeline import (
    CHANGING,
    GONE,
    SETTINGS_FILES,
    SKIPPED,
    Ingestor,
    Outcome,
    utf8_name,
    walk,
)

DISK_RETRY_SECONDS = 10.0  # after a full disk, how soon the queued files are tried again
ROOTS_SECONDS = 2.0  # how often the watched folders are looked for (one made after the start)

log = logging.getLogger("trailkeep.watcher")

TERMINAL = ("ingested", "duplicate", "partial", "failed", "skipped")


@dataclass
class _Watch:
    watch: ObservedWatch
    dir_id: tuple[int, int]  # (device, inode) of the folder watched


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


class StabilityTracker:
    """Decides when a file has stopped changing. The clock is injected for tests."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}
        self._lock = threading.Lock()

    def observe(self, path: Path) -> None:
        with self._lock:
            self._seen.setdefault(path, _Seen(-1, -1, self.clock()))

    def forget(self, path: Path) -> None:
        with self._lock:
            self._seen.pop(path, None)

    def __len__(self) -> int:
        return len(self._seen)

    def ready(self) -> list[Path]:
        """Paths whose size and mtime have not changed for ``delay``; vanished ones dropped."""
        now = self.clock()
        out = []
        with self._lock:
            for path, s in list(self._seen.items()):
                try:
                    st = os.lstat(path)
                except OSError:
                    del self._seen[path]
                    continue
                if (st.st_size, st.st_mtime_ns) != (s.size, s.mtime_ns):
                    self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
                    # Untouched for longer than the delay already (catch-up): ready at once.
                    if time.time() - st.st_mtime >= self.delay and s.size == -1:
                        out.append(path)
                        del self._seen[path]
                    continue
                if now - s.since >= self.delay:
                    out.append(path)
                    del self._seen[path]
        return out

    def pending(self) -> list[Path]:
        """The paths observed and not yet ready."""
        with self._lock:
            return list(self._seen)


def wait_until_stable(
    paths: Sequence[Path],
    delay: float,
    timeout: float,
    *,
    on_wait: Callable[[int], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Path]:
    """Wait, at most ``timeout`` seconds, until each of ``paths`` has stopped changing (the
    watcher's rule: size and mtime unchanged for ``delay``); returns those still changing when
    the time ran out. Files untouched for ``delay`` already cost no wait; vanished ones are not
    returned. ``on_wait`` hears once how many files it waits for, if any."""
    tracker = StabilityTracker(delay, clock)
    for p in paths:
        tracker.observe(p)
    deadline = clock() + timeout
    tracker.ready()
    if len(tracker) and on_wait:
        on_wait(len(tracker))
    while len(tracker) and clock() < deadline:
        sleep(min(0.1, delay / 4 + 0.01))
        tracker.ready()
    return tracker.pending()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher, root: Path, real: Path) -> None:
        """Events of the folder ``real``, the watched root ``root`` (the same folder, unless the
        root is kept as a link: then it is watched at the folder it points to, links inside it
        still not followed, and its events are told under the name the user gave it, as
        ``walk`` and the vault know its files)."""
        self.w = watcher
        self.root, self.real = root, real

    def _as_named(self, p: Path) -> Path:
        if self.real != self.root and p.is_relative_to(self.real):
            return self.root / p.relative_to(self.real)
        return p

    def on_any_event(self, event: FileSystemEvent) -> None:
        if (
            event.event_type == "deleted"
            and event.is_directory
            and Path(os.fsdecode(event.src_path)) == self.real
        ):
            # the watched folder itself went: its watch is dead, even if a folder of the same
            # name (and, on ext4, the same inode number) comes back (review, session 15)
            self.w.root_gone(self.root)
            return
        # Our own reads raise "opened"/"closed_no_write": only changes matter.
        if event.event_type not in ("created", "modified", "moved", "closed"):
            return
        for attr in ("dest_path", "src_path"):
            raw = getattr(event, attr, None)
            if not raw:
                continue
            p = self._as_named(Path(os.fsdecode(raw)))
            if event.is_directory:
                if (event.event_type in ("created", "moved") and attr == "dest_path") or (
                    event.event_type == "created"
                ):
                    self.w.request_scan()
                continue
            if event.event_type == "deleted" and attr == "src_path":
                continue
            self.w.consider(p)


class Watcher:
    def __init__(
        self,
        ingestor: Ingestor,
        inbox: Path,
        *,
        stable_seconds: float,
        rescan_seconds: float = 300.0,
        on_outcome: Callable[[Outcome], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        heartbeat: Path | None = None,
        sources: Sequence[Path] = (),
    ) -> None:
        """``sources``: more folders to watch, read in place (``[[source]]`` in config.toml);
        a missing one is watched once it exists (looked for every ROOTS_SECONDS)."""
        self.ingestor = ingestor
        self.inbox = inbox
        self.sources = tuple(sources)
        self.tracker = StabilityTracker(stable_seconds, clock)
        self.rescan_seconds = rescan_seconds
        self.on_outcome = on_outcome
        self.clock = clock
        self._scan_requested = threading.Event()
        self.state = "stopped"
        self.last_error: str | None = None
        self._clients_error: str | None = None  # the clients.toml error last reported
        self.heartbeat = heartbeat
        self.started = time.time()
        self.processed = 0
        self._beat_at = 0.0
        self._full_until = 0.0  # the disk was full: no ingest before this (clock time)
        self._full: DiskFull | None = None  # the last full disk, for a single pass to stop on
        # the folder whose full disk was said, until a file goes in again: said once, not
        # again each time its free-space figure changes (QA, session 18)
        self._said_full: Path | None = None
        self._skipped: dict[str, tuple[int, int, int]] = {}  # path -> (size, mtime, ctime)
        self._unlisted: set[str] = set()  # what was said of folders that could not be listed
        self._batch_left = 0  # files of the batch being read, not yet read
        self._gone: set[Path] = set()  # roots whose folder was deleted: their watch is dead
        self._lock = threading.Lock()
        # a long file beats too: while a 2,000-message mbox was read, `status` said the
        # watcher was not running, and its file "interrupted" (new user's trial, session 29)
        told = ingestor.on_document

        def inside(name: str, docs: int) -> None:
            if told is not None:
                told(name, docs)
            self.beat()

        ingestor.on_document = inside

    def roots(self) -> list[Path]:
        """The inbox and the watched folders that exist now."""
        return [self.inbox, *(r for r in self.sources if r.is_dir())]

    def _root_of(self, path: Path) -> Path:
        for r in self.sources:
            if path.is_relative_to(r):
                return r
        return self.inbox

    def consider(self, path: Path) -> None:
        if is_ignored(path, self._root_of(path)):
            return
        try:
            st = os.lstat(path)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode):
            self.request_scan()
            return
        if not stat.S_ISREG(st.st_mode):  # a link, FIFO, device, socket: never opened (walk)
            return
        if self._unchanged(path, st):
            return
        self.tracker.observe(path)

    def _unchanged(self, path: Path, st: os.stat_result) -> bool:
        """Read before, and neither its size, its mtime nor its inode's change time moved since.
        The change time catches a replacement that keeps size and mtime (a sync tool or
        ``rsync -t`` writing a corrected file; QA, session 14): it moves on any write or
        rename, so a touched file is hashed once more and, unchanged, read as a duplicate."""
        key = utf8_name(str(Path(os.path.abspath(path))))
        if self._skipped.get(key) == (st.st_size, st.st_mtime_ns, st.st_ctime_ns):
            return True  # skipped as it is (an empty note): not read again at every rescan
        known = self.ingestor.vault.file_state(key)
        if known is None or known[3] not in TERMINAL:
            return False
        recorded = known[4]
        return (known[0], known[1]) == (st.st_size, st.st_mtime_ns) and (
            recorded is None or st.st_ctime_ns <= recorded.timestamp() * 1e9
        )

    def root_gone(self, root: Path) -> None:
        """The watched folder ``root`` was deleted (from the observer's thread): watched again
        once it exists, within ROOTS_SECONDS."""
        with self._lock:
            self._gone.add(root)

    def request_scan(self) -> None:
        self._scan_requested.set()

    def scan(self) -> int:
        """Catch-up: queue files whose (size, mtime) differ from what the vault recorded."""
        n = 0
        unlisted: list[tuple[Path, str]] = []
        for p in walk(self.roots(), unreadable=unlisted):
            try:
                st = os.lstat(p)
            except OSError:
                continue
            if self._unchanged(p, st):
                continue
            self.tracker.observe(p)
            n += 1
        told = {
            f"folder not read ({why}): {f}; its files wait until it can be read"
            for f, why in unlisted
        }
        for said in sorted(told - self._unlisted):  # once per folder (again after a fix)
            log.warning("%s", said)
            self.last_error = said
        self._unlisted = told
        return n

    def _process_ready(self, stop: threading.Event | None = None) -> int:
        done = 0
        ready = self.tracker.ready()
        if ready and (self.ingestor.clients_error or self.ingestor.clients_changing()):
            # a broken clients.toml: the files wait, as `ingest` refuses (blind trial, session
            # 22: the watcher stored a note labelled with an alias two clients now claimed
            # under the previous file's owner — a guess the user had just taken back); so do
            # they while an edit of it is not yet read
            self._requeue(ready)
            return 0
        for i, p in enumerate(ready):
            if self.clock() < self._full_until:  # the disk was full a moment ago: wait
                self._requeue(ready[i:])
                break
            if stop is not None and stop.is_set():
                # Ctrl-C or SIGTERM stops between two files, not after a batch of thousands
                # (QA, session 14: 59 s for 1,200 new files); the rest is read at the next
                # start, by its scan
                self._requeue(ready[i:])
                break
            self._batch_left = len(ready) - i  # still to read: "pending" to the page
            self.beat()  # the Inbox page's counts move during a long batch too
            try:
                out = self.ingestor.ingest_file(p)
            except DiskFull as exc:  # expected: say so once, try again in a little while
                self._disk_full(exc)
                # every file taken for this pass waits, not only this one (QA, session 11:
                # the rest left the queue and came back only at the 5-minute rescan)
                self._requeue(ready[i:])
                break
            except Exception as exc:  # the watcher keeps going, whatever happens to one file
                log.exception("ingest of %s failed", p)
                self.last_error = f"{p}: {type(exc).__name__}: {exc}"
                continue
            if self._said_full is not None:
                log.info("there is room again: the waiting files go in")
                if self.last_error and " is full: " in self.last_error:
                    self.last_error = None
                self._said_full = None
            if out.status == CHANGING:
                self.tracker.observe(p)
                continue
            if out.status == SKIPPED and p.name.lower() in SETTINGS_FILES:
                with contextlib.suppress(OSError):  # said once, not at every rescan
                    st = os.stat(p)
                    self._skipped[out.path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            elif out.status == SKIPPED and (out.error or "").startswith("empty "):
                # remembered only while it is still blank: text typed between the read and this
                # stat must not be taken as already seen (review)
                with contextlib.suppress(OSError):
                    st = os.stat(p)
                    if st.st_size <= 4096 and not p.read_bytes().strip():
                        self._skipped[out.path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            if out.status != GONE:
                done += 1
                self.processed += 1  # counted as it happens: the heartbeat shows it
                if self.on_outcome:
                    self.on_outcome(out)
        self._batch_left = 0
        if done:
            self.ingestor.settle()  # mail may have revealed the user's own addresses
        return done

    def _requeue(self, paths: list[Path]) -> None:
        for q in paths:
            self.tracker.observe(q)

    def _disk_full(self, exc: DiskFull) -> None:
        """Say once that the disk is full (the message says nothing was lost), and try again
        in DISK_RETRY_SECONDS: the files stay queued, and the first pass with room takes them."""
        self._full = exc
        said = f"{exc}; nothing was lost: the files wait, and go in when there is room"
        if self._said_full != exc.home:
            log.warning("%s", said)
        self._said_full = exc.home
        self.last_error = said  # the page shows the latest figure
        self._full_until = self.clock() + DISK_RETRY_SECONDS

    def _refresh_clients(self) -> None:
        """Follow clients.toml, and say what happened: a broken file (the last good one stays
        in use), the fix (the error goes — it stayed until a restart: QA, session 17), what
        was attributed again."""
        rep = self.ingestor.refresh(every=2.0)
        err = self.ingestor.clients_error
        if err and err != self._clients_error:
            log.warning(
                "%s; new files wait until clients.toml reads again (what is stored keeps its "
                "clients)",
                err,
            )
            self.last_error = err
        elif not err and self._clients_error and self.last_error == self._clients_error:
            log.info("clients.toml reads again")
            self.last_error = None
        self._clients_error = err
        if rep is not None and rep.changed:
            log.info("clients changed: %d part(s) attributed again", rep.changed)

    def recover(self) -> None:
        """Writers repair at start: embed chunks without vectors, retry interrupted sources."""
        from trailkeep.vault.filestate import pending_paths

        v = self.ingestor.vault
        pending = [Path(p) for p in pending_paths(v)]
        for p in pending:
            if p.exists():
                self.tracker.observe(p)
        v.reconcile_vectors()
        v.embed_pending()

    def run_once(self, timeout: float = 600.0) -> int:
        """Ingest everything new or changed in the inbox, wait for it to be stable, return."""
        self.state = "scanning"
        self.recover()
        self.scan()
        done = 0
        deadline = self.clock() + timeout
        self.ingestor.refresh()
        if self.ingestor.clients_exc is not None:  # as `ingest` does: nothing under a guess
            self.state = "stopped"
            raise self.ingestor.clients_exc
        self._full = None
        while len(self.tracker) and self.clock() < deadline:
            if self.ingestor.clients_changing():
                self.ingestor.refresh()  # edited during the pass: read as it is, as `ingest` does
                if self.ingestor.clients_exc is not None:  # broken: stop, as at the start
                    self.state = "stopped"
                    raise self.ingestor.clients_exc
            done += self._process_ready()
            if self._full is not None:
                # one pass stops on a full disk as `ingest` does (exit 75), rather than wait out
                # its timeout and exit 0: a cron job never learned (QA, session 18)
                self.state = "stopped"
                raise self._full
            if len(self.tracker):
                time.sleep(min(0.1, self.tracker.delay / 4 + 0.01))
        self.state = "stopped"
        return done

    def run(self, stop: threading.Event, poll: float = 0.1) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        watches: dict[Path, _Watch] = {}
        self._watch_roots(observer, watches)
        observer.start()
        self.state = "watching"
        try:
            self.recover()
            self.scan()
            last_scan = last_roots = self.clock()
            while not stop.is_set():
                self.beat()
                try:
                    if self.clock() - last_roots >= ROOTS_SECONDS:
                        last_roots = self.clock()
                        if self._watch_roots(observer, watches):
                            self.request_scan()  # a source folder appeared: read what it holds
                    # clients.toml edited while watching: re-attribute what is stored
                    self._refresh_clients()
                    self._process_ready(stop)  # counts into self.processed
                    if self._scan_requested.is_set() or (
                        self.clock() - last_scan >= self.rescan_seconds
                    ):
                        self._scan_requested.clear()
                        self.scan()
                        last_scan = self.clock()
                except Exception as exc:  # e.g. the vault lock held too long: wait and go on
                    full = as_disk_full(exc, self.ingestor.settings.home)
                    if full is not None:  # one clear message, not SQLAlchemy's (QA, session 11)
                        self._disk_full(full)
                    else:
                        log.warning("watcher loop: %s", exc)
                        self.last_error = str(exc)
                    stop.wait(1.0)
                stop.wait(poll)
        finally:
            self.state = "stopped"
            self.beat(force=True)
            observer.stop()
            observer.join(timeout=5)

    def _watch_roots(self, observer: BaseObserver, watches: dict[Path, _Watch]) -> bool:
        """Watch every root that exists now; drop the watch of one that went away or was made
        again (a new directory: its old watch hears nothing). True when a root was added: a
        source folder created after the start is watched within ROOTS_SECONDS, not at the
        next rescan (QA, session 14)."""
        added = False
        live = {r: _dir_id(r) for r in self.roots()}
        with self._lock:
            gone, self._gone = self._gone, set()
        for root in [r for r, w in watches.items() if live.get(r) != w.dir_id or r in gone]:
            with contextlib.suppress(Exception):  # already gone with its folder
                observer.unschedule(watches.pop(root).watch)
        for root, dir_id in live.items():
            if root in watches or dir_id is None:
                continue
            real = Path(os.path.realpath(root))
            try:
                watch = observer.schedule(_Handler(self, root, real), str(real), recursive=True)
            except OSError as exc:  # removed again, or no permission: tried at the next look
                log.warning("cannot watch %s: %s", root, exc)
                continue
            watches[root] = _Watch(watch, dir_id)
            added = True
        return added

    def beat(self, force: bool = False) -> None:
        """Write ``heartbeat`` (JSON: pid, state, pending, processed, last error) at most every
        two seconds, atomically, for the UI's Inbox page in another process."""
        if self.heartbeat is None or (not force and time.time() - self._beat_at < 2.0):
            return
        self._beat_at = time.time()
        data = {
            "pid": os.getpid(),
            "state": self.state,
            "inbox": str(self.inbox),
            "started": self.started,
            "updated": self._beat_at,
            # waiting to settle + taken for this pass and not yet read (QA, session 14: a
            # bulk drop being read showed "0 pending")
            "pending": len(self.tracker) + self._batch_left,
            "processed": self.processed,
            "last_error": self.last_error,
        }
        try:
            write_heartbeat(self.heartbeat, data)
        except OSError as exc:  # the UI shows "unknown"; ingestion goes on
            if not is_disk_full(exc):  # a full disk is said once, by _disk_full
                log.warning("heartbeat: %s", exc)


__all__ = [
    "HEARTBEAT_FILE",
    "TERMINAL",
    "StabilityTracker",
    "Watcher",
    "wait_until_stable",
]
