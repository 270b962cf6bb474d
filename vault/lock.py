"""One writer at a time, per batch: an flock on ``writer.lock`` in the home.

The lock file holds who has it (pid, host, command, since) so a writer that waits too long can
name the holder. flock is released by the kernel when the holder dies, even by SIGKILL. Each
acquisition opens its own file description, so two threads of one process exclude each other
too; re-entry by the same thread is counted, not re-locked.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import WriterBusy
from .space import as_disk_full


def _describe(what: str) -> str:
    return (
        f"pid {os.getpid()} on {socket.gethostname()} "
        f"({os.path.basename(sys.argv[0]) or 'python'}: {what}) "
        f"since {datetime.now(UTC).isoformat(timespec='seconds')}"
    )


class _Reentrant(abc.ABC):
    """Per-thread re-entry: a thread that holds the lock may enter again without re-locking."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextlib.contextmanager
    def _reentered(self) -> Iterator[bool]:
        """Yields True when this thread already holds the lock (nothing to acquire)."""
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield depth > 0
        finally:
            self._local.depth -= 1

    @contextlib.contextmanager
    def hold(self, what: str = "write") -> Iterator[None]:
        with self._reentered() as inside:
            if inside:
                yield
                return
            with self._locked(what):
                yield

    @abc.abstractmethod
    def _locked(self, what: str) -> contextlib.AbstractContextManager[None]:
        """Take the lock for one batch (each kind of lock says how)."""

    def holder(self) -> str:
        return "unknown holder"

    def _wait_for(self, try_once: Callable[[], bool], timeout: float) -> None:
        """Poll ``try_once`` with backoff until it succeeds, or raise WriterBusy naming the
        holder after ``timeout`` seconds."""
        start = time.monotonic()
        delay = 0.01
        while not try_once():
            waited = time.monotonic() - start
            if waited >= timeout:
                raise WriterBusy(self.holder(), waited)
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)


class WriterLock(_Reentrant):
    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__()
        self.path = path
        self.timeout = timeout

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown holder"
        except OSError:
            return "unknown holder"

    @contextlib.contextmanager
    def _locked(self, what: str) -> Iterator[None]:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # creating the lock file on a full disk
            full = as_disk_full(exc, self.path.parent)
            if full is None:
                raise
            raise full from exc
        try:

            def try_once() -> bool:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    return False

            self._wait_for(try_once, self.timeout)
            # Naming the holder is a courtesy to waiters, never a reason to fail: on a full disk
            # the write gets ENOSPC, and opening a vault to read (status, doctor) must still work.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, _describe(what).encode(), 0)
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class PostgresAdvisoryLock(_Reentrant):
    """The writer lock for a shared PostgreSQL vault: a session advisory lock, so writers on
    different machines exclude each other; released by the server when the holder's connection
    dies. Same interface (and per-thread re-entry) as :class:`WriterLock`."""

    KEY = 0x7472_6B70  # "trkp"

    def __init__(self, engine: Any, timeout: float) -> None:
        super().__init__()
        self.engine = engine
        self.timeout = timeout

    def holder(self) -> str:
        from sqlalchemy import text

        with self.engine.connect() as c:
            row = c.execute(
                text(
                    "SELECT a.application_name, a.client_addr FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.objid = :k AND l.granted"
                ),
                {"k": self.KEY},
            ).first()
        if row is None:
            return "unknown holder"
        return f"{row[0] or 'a client'} (from {row[1] or 'a local socket'})"

    @contextlib.contextmanager
    def _locked(self, what: str) -> Iterator[None]:
        from sqlalchemy import text

        conn = self.engine.connect()
        try:

            def try_once() -> bool:
                got = conn.execute(
                    text("SELECT pg_try_advisory_lock(:k)"), {"k": self.KEY}
                ).scalar()
                conn.commit()
                return bool(got)

            self._wait_for(try_once, self.timeout)
            conn.execute(
                text("SELECT set_config('application_name', :n, false)"),
                {"n": _describe(what)[:63]},
            )
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.KEY})
                conn.execute(text("SELECT set_config('application_name', '', false)"))
                conn.commit()
        finally:
            conn.close()


# A running watcher (`trailkeep watch`, `trailkeep ui`) holds a shared flock on this file in the
# home for its whole life; a restore that would swap the home takes it exclusively, so it never
# swaps a vault from under a process that keeps writing to the old one (QA, session 9: a file
# ingested after `restore --force` went half into the home moved aside). The kernel releases it
# when the process dies.
IN_USE_FILE = "in-use.lock"


def hold_in_use(home: Path, what: str) -> int | None:
    """Mark ``home`` in use by this process until it exits (or the fd is closed). None when
    the mark cannot be made (a full disk, a read-only home): the watcher runs all the same."""
    try:
        fd = os.open(home / IN_USE_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    with contextlib.suppress(OSError):  # who: for the refusal's message only
        (home / f"in-use.{os.getpid()}").write_text(_describe(what))
    return fd


def in_use_by(home: Path) -> list[str]:
    """The processes holding ``home`` in use (empty when none); never waits."""
    path = home / IN_USE_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # none (or unreadable): nobody marked it
        return []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = []
            for p in sorted(home.glob("in-use.*")):
                pid = p.name.rsplit(".", 1)[-1]
                if pid.isdigit() and pid_alive(int(pid)):
                    with contextlib.suppress(OSError):
                        held.append(p.read_text().strip())
            return held or ["another trailkeep process"]
        fcntl.flock(fd, fcntl.LOCK_UN)
        for p in home.glob("in-use.*"):  # notes of processes gone
            if p.name != IN_USE_FILE:
                with contextlib.suppress(OSError):
                    p.unlink()
        return []
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Is a process with this pid running (on this machine)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


__all__ = [
    "IN_USE_FILE",
    "PostgresAdvisoryLock",
    "WriterLock",
    "hold_in_use",
    "in_use_by",
    "pid_alive",
]
