"""trailkeep.ingest: the watcher and the parsers that turn inbox files into vault records."""

from . import registry
from .errors import (
    FileChanged,
    FileTooLarge,
    IngestError,
    ParseError,
    UnsafeFile,
    UnsupportedFormat,
)
from .pipeline import Ingestor, Outcome, Summary, identity_for, walk

registry.reset()

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
