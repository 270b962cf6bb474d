"""Errors raised by the vault.

Tree::

    TrailkeepError                  (root for every package; ingest and recall subclass it too)
     └── VaultError
          ├── WriterBusy            another process holds the writer lock for too long (.holder)
          ├── MigrationError        a schema migration failed; the vault is left at .version
          ├── SchemaTooNew          the file was written by a newer trailkeep
          ├── NotFound              an id given by the user names nothing (.what, .key)
          ├── ConfigError           config.toml / clients.toml cannot be read (.path)
          └── DiskFull              no room for the work on the disk holding .home
                                    (.free, .needed bytes); nothing half-written is left
"""

from __future__ import annotations

from pathlib import Path


class TrailkeepError(Exception):
    """Root of every error trailkeep raises on purpose."""


class VaultError(TrailkeepError):
    pass


class WriterBusy(VaultError):
    def __init__(self, holder: str, waited: float) -> None:
        super().__init__(
            f"another trailkeep writer holds the vault lock ({holder}); waited {waited:.0f}s"
        )
        self.holder = holder
        self.waited = waited


class MigrationError(VaultError):
    def __init__(self, version: int, message: str) -> None:
        super().__init__(f"migration {version:04d} failed, vault left unchanged: {message}")
        self.version = version


class SchemaTooNew(VaultError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"this vault has schema version {found}, this trailkeep knows up to {known}; upgrade"
        )
        self.found = found
        self.known = known


class NotFound(VaultError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"no {what} {key!r}")
        self.what = what
        self.key = key


class ConfigError(VaultError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def _mb(n: int, up: bool) -> str:
    """MB to show: one decimal below 10 MB; rounded down for what is free and up for what is
    needed, so that "needed" never reads as no more than "free"."""
    step = 10 if n < 10 << 20 else 1
    q = n * step / (1 << 20)
    q = -(-q // 1) if up else q // 1
    return f"{q / step:.1f}" if step == 10 else f"{q:.0f}"


class DiskFull(VaultError):
    """An expected state, not a crash: the work stopped before (or cleanly after) running out of
    room, so nothing is half-written and running it again once there is room finishes it.
    ``home`` is the folder on the full disk (the home, or a backup's destination)."""

    def __init__(self, home: Path | str, free: int, needed: int) -> None:
        super().__init__(
            f"the disk holding {home} is full: {_mb(free, False)} MB free, "
            f"{_mb(needed, True)} MB needed"
        )
        self.home = Path(home)
        self.free = free
        self.needed = needed


class BackupError(VaultError):
    """A backup that cannot be made or a restore that cannot be done (kept intact)."""


class EmbedderError(VaultError):
    """An embedder that is unknown, missing its model files, or changed under a vault."""


class TransferError(VaultError):
    """A move between stores (``migrate-to``) that cannot be done."""


class Unreachable(VaultError):
    """A database or Chroma server that does not answer (down, a wrong address or password).
    The message names the server without its password."""


__all__ = [
    "BackupError",
    "ConfigError",
    "DiskFull",
    "EmbedderError",
    "MigrationError",
    "NotFound",
    "SchemaTooNew",
    "TrailkeepError",
    "TransferError",
    "Unreachable",
    "VaultError",
    "WriterBusy",
]
