"""trailkeep.ingest: the watcher and the parsers that turn inbox files into vault records.

Exports are imported on first use (PEP 562), so that `import trailkeep.ingest.<module>` and
`trailkeep --help` do not pay for every parser's dependencies; type checkers see the real imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trailkeep.vault.lazy import lazy_getattr

from . import registry
from .errors import (
    FileChanged,
    FileTooLarge,
    IngestError,
    ParseError,
    UnsafeFile,
    UnsupportedFormat,
)

if TYPE_CHECKING:
    from .pipeline import CHANGING, FAILED, Ingestor, Outcome, Summary, identity_for, walk

_EXPORTS = {
    name: ".pipeline"
    for name in ("CHANGING", "FAILED", "Ingestor", "Outcome", "Summary", "identity_for", "walk")
}

__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = [
    "CHANGING",
    "FAILED",
    "FileChanged",
    "FileTooLarge",
    "IngestError",
    "Ingestor",
    "Outcome",
    "ParseError",
    "Summary",
    "UnsafeFile",
    "UnsupportedFormat",
    "identity_for",
    "registry",
    "walk",
]
