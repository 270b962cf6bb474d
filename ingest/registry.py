"""Parser registry: the parser with the highest score for (name, first bytes) wins.

A parser declines with ``None``; when every parser declines, :class:`UnsupportedFormat` is raised
(never a silent guess). ``register()`` is the extension point; ``reset()`` restores the defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, Protocol

from trailkeep.vault.records import Origin, ParsedDocument, ParseProblem

from .errors import UnsupportedFormat

HEAD_BYTES = 4096


class Parser(Protocol):
    name: str

    def score(self, name: str, head: bytes) -> int | None: ...

    def parse(
        self, stream: BinaryIO, *, origin: Origin
    ) -> Iterator[ParsedDocument | ParseProblem]: ...


_PARSERS: list[Parser] = []
_LOADED = False  # the default parsers are imported on first use (they pull YAML, ijson, ...)


def _defaults() -> list[Parser]:
    if not _LOADED:
        reset()
    return _PARSERS


def register(parser: Parser) -> None:
    _defaults()
    _PARSERS[:] = [p for p in _PARSERS if p.name != parser.name]
    _PARSERS.append(parser)


def parsers() -> list[Parser]:
    return list(_defaults())


def pick(name: str, head: bytes) -> Parser:
    best: tuple[int, Parser] | None = None
    for p in _defaults():
        s = p.score(name, head)
        if s is not None and (best is None or s > best[0]):
            best = (s, p)
    if best is None:
        raise UnsupportedFormat(f"no parser accepts {name!r}")
    return best[1]


def accepts(name: str) -> bool:
    """Cheap name-only check used by the watcher's filter (content is checked later)."""
    return any(p.score(name, b"") is not None for p in _defaults())


def reset() -> None:
    global _LOADED
    from .parsers.chats import ChatExportParser
    from .parsers.email import EmailParser
    from .parsers.notes import NotesParser
    from .parsers.plaintext import PlainTextParser
    from .parsers.sessions import SessionParser
    from .parsers.timesheet import TimesheetParser

    _LOADED = True
    _PARSERS.clear()
    register(NotesParser())
    register(ChatExportParser())
    register(EmailParser())
    register(TimesheetParser())
    register(PlainTextParser())
    register(SessionParser())
