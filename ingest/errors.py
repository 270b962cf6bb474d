"""Errors raised while ingesting.

Tree::

    TrailkeepError (trailkeep.vault.errors)
     └── IngestError                 (.path where known)
          ├── UnsupportedFormat      no parser accepts the file
          │    └── BinaryContent     its first bytes are binary: refused without reading it
          ├── UnsafeFile             not a regular file (FIFO, device, socket, link) or unreadable
          ├── FileTooLarge           over the configured size limit
          ├── FileChanged            the file changed while being read: retried when stable again
          ├── ParseError             the parser could not make sense of the bytes (.detail)
          └── AssignmentRefused      `clients assign` of a key that would give away strangers
"""

from __future__ import annotations

from trailkeep.vault.errors import TrailkeepError


class IngestError(TrailkeepError):
    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class UnsupportedFormat(IngestError):
    pass


class BinaryContent(UnsupportedFormat):
    """The file's first bytes are binary (NUL bytes, no archive signature, not UTF-16): it is
    refused without being read whole."""


class UnsafeFile(IngestError):
    pass


class FileTooLarge(IngestError):
    pass


class FileChanged(IngestError):
    pass


class ParseError(IngestError):
    pass


class AssignmentRefused(IngestError):
    """An assignment that would attribute people who merely share a public mail domain."""


__all__ = [
    "AssignmentRefused",
    "BinaryContent",
    "FileChanged",
    "FileTooLarge",
    "IngestError",
    "ParseError",
    "UnsafeFile",
    "UnsupportedFormat",
]
