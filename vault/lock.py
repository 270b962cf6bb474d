"""One writer at a time, per batch: an flock on ``writer.lock`` in the home.

The lock file holds who has it (pid, host, command, since) so a writer that waits too long can
name the holder. flock is released by the kernel when the holder dies, even by SIGKILL. Each
acquisition opens its own file description, so two threads of one process exclude each other
too; re-entry by the same thread is counted, not re-locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .errors import WriterBusy


class WriterLock:
    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown holder"
        except OSError:
            return "unknown holder"

    @contextlib.contextmanager
    def hold(self, what: str = "write") -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            start = time.monotonic()
            delay = 0.01
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waited = time.monotonic() - start
                    if waited >= self.timeout:
                        raise WriterBusy(self.holder(), waited) from None
                    time.sleep(delay)
                    delay = min(delay * 1.5, 0.2)
            info = (
                f"pid {os.getpid()} on {socket.gethostname()} "
                f"({os.path.basename(sys.argv[0]) or 'python'}: {what}) "
                f"since {datetime.now(UTC).isoformat(timespec='seconds')}"
            )
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode(), 0)
            self._local.depth = 1
            try:
                yield
            finally:
                self._local.depth = 0
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
