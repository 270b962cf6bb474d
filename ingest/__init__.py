"""trailkeep.ingest: the watcher and the parsers that turn inbox files into vault records.

Exports are imported on first use (PEP 562), so that `import trailkeep.ingest.<module>` and
`trailkeep --help` do not pay for every parser's dependencies; type checkers see the real imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
    from .pipeline import Ingestor, Outcome, Summary, identity_for, walk

_EXPORTS = {
    name: ".pipeline" for name in ("Ingestor", "Outcome", "Summary", "identity_for", "walk")
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
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
