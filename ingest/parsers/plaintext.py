"""Plain text notes: ``.txt``, ``.org`` and ``.rst`` files, read as notes.

One document of kind ``note`` per file, versioned like a markdown note (new bytes, new version),
identity ``path:<Origin.identity>``. Its entries are its paragraphs (blank-line separated
blocks), short ones merged up to about MERGE_CHARS so that an entry is a passage, not a line;
entries are keyed ``<title> #<n>`` in order. Work lines ("2h Acme: call") become work entries,
as in markdown notes.

Title: the first line (an org ``#+TITLE:`` keyword, a reStructuredText title under or between
adornment lines, leading org stars stripped). Timestamp: an org ``#+DATE:`` keyword, else the
day in the file name (:func:`~trailkeep.ingest.parsers.notes.date_from_name`), else the mtime.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from trailkeep.vault.records import DOC_NOTE, Origin, ParsedDocument, ParsedEntry

from ..cues import tag_text
from ..errors import ParseError
from ..text import decode_text, parse_time
from .notes import date_from_name, name_time, split_work_lines, work_day

EXTENSIONS = (".txt", ".org", ".rst")
MERGE_CHARS = 1500
MAX_TITLE = 120

_BLANK = re.compile(r"\n[ \t]*\n")
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")  # rst section underline: ===, ---, ~~~
_ORG_KEYWORD = re.compile(r"^#\+(\w+):[ \t]*(.*)$")
_ORG_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[^\d>\]]*(\d{1,2}:\d{2}))?")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, stripped of surrounding blank lines; empty ones dropped."""
    return [b.strip("\n") for b in _BLANK.split(text) if b.strip()]


def merge_blocks(blocks: list[str], limit: int = MERGE_CHARS) -> list[str]:
    """Consecutive short blocks joined (blank line between) while the result stays within
    ``limit`` characters; a block longer than ``limit`` stays alone (chunking splits it)."""
    out: list[str] = []
    for b in blocks:
        if out and len(out[-1]) + 2 + len(b) <= limit:
            out[-1] = f"{out[-1]}\n\n{b}"
        else:
            out.append(b)
    return out


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """Org ``#+KEY: value`` lines at the top of the file (lower-cased keys), and the index of
    the first line after them."""
    keys: dict[str, str] = {}
    end = 0
    for i, line in enumerate(lines):
        m = _ORG_KEYWORD.match(line.strip())
        if m:
            keys.setdefault(m.group(1).lower(), m.group(2).strip())
            end = i + 1
        elif line.strip():
            break
    return keys, end


def title_of(lines: list[str], keys: dict[str, str], fallback: str) -> str:
    if keys.get("title"):
        return keys["title"][:MAX_TITLE]
    for line in lines:
        s = line.strip()
        if not s or _ADORNMENT.match(s) or _ORG_KEYWORD.match(s):
            continue
        s = s.lstrip("*").strip() or s  # org heading stars
        return s[:MAX_TITLE]
    return fallback


def _org_date(value: str) -> datetime | None:
    m = _ORG_DATE.search(value)
    if not m:
        return None
    return parse_time(f"{m.group(1)}T{m.group(2)}" if m.group(2) else m.group(1))


class PlainTextParser:
    name = "plain-text-note"

    def score(self, name: str, head: bytes) -> int | None:
        return 40 if name.lower().endswith(EXTENSIONS) else None

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[ParsedDocument]:
        data = stream.read()
        if not data.strip():
            raise ParseError(f"{origin.name}: empty note (no text)")
        text, encoding = decode_text(data, origin.name)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        keys, header_end = _header(lines)
        stem = origin.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        title = title_of(lines, keys, stem)
        dated = _org_date(keys.get("date", ""))
        when = dated or name_time(origin.name, origin.mtime)
        body = "\n".join(lines[header_end:])
        entries = [
            ParsedEntry(
                key=f"{title} #{n}",
                kind="section",
                text=block,
                position=n - 1,
                title=title,
                timestamp=when,
                tags=tag_text(block),
            )
            for n, block in enumerate(merge_blocks(paragraphs(body)), 1)
        ]
        if not entries:
            raise ParseError(f"{origin.name}: note has no text")
        by_mtime = dated is None and date_from_name(origin.name) is None
        day, undated = work_day({"date": dated} if dated else {}, origin.name, when, by_mtime)
        entries = split_work_lines(entries, day, undated)
        ext = origin.name.lower().rsplit(".", 1)[-1]
        meta: dict[str, Any] = {"encoding": encoding, "path": origin.identity, "format": ext}
        if keys:
            meta["keywords"] = {k: v for k, v in keys.items() if k not in ("title", "date")}
        yield ParsedDocument(
            kind=DOC_NOTE,
            external_id=f"path:{origin.identity}",
            title=title,
            content_sha256=hashlib.sha256(data).hexdigest(),
            timestamp=when,
            entries=entries,
            versioned=True,
            meta=meta,
        )
