"""Decoding helpers shared by parsers."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO

from .errors import ParseError

_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)}


def decode_text(data: bytes, what: str = "file") -> tuple[str, str]:
    """Decode bytes as text: UTF-8 (BOM allowed), UTF-16 with a BOM (or without one, when every
    other byte is NUL), else cp1252 when the bytes look like legacy text. Returns (text,
    encoding). Binary content raises ParseError. No byte-order mark is ever left in the text:
    not the leading one, and not the ones concatenated files carry inside (U+FEFF)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(data, "utf-16", what)
    if b"\x00" in data[:65536]:
        guess = _utf16_without_bom(data[:4096])
        if guess is None:
            raise ParseError(f"{what}: binary content (NUL bytes), not a text file")
        text, encoding = _utf16(data, guess, what)
        if any(ord(c) in _CONTROL for c in text[:4096]):
            raise ParseError(f"{what}: binary content (NUL bytes), not a text file")
        return text, encoding
    try:
        return _no_bom(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc.start
    sample = data[:65536]
    if sum(1 for b in sample if b in _CONTROL) > len(sample) // 100:
        raise ParseError(f"{what}: binary content (control bytes), not a text file")
    try:
        # A UTF-8 BOM inside legacy bytes is a seam between concatenated files, not text.
        return _no_bom(data.replace(codecs.BOM_UTF8, b"").decode("cp1252")), "cp1252"
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not valid UTF-8 (first bad byte at offset {first})") from exc


def binary_head(head: bytes) -> bool:
    """Are a file's first bytes binary — NUL bytes, and neither UTF-16 text nor a zip archive?
    (A sparse file, an image or a database renamed ``.eml``: QA, session 11 — 1 GB of them was
    read whole before any parser said no.)"""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"PK")):
        return False
    return b"\x00" in head and _utf16_without_bom(head) is None


STREAM_CHUNK = 1 << 20
_CP1252_BOM = codecs.BOM_UTF8.decode("cp1252")  # "ï»¿": a UTF-8 BOM read as legacy bytes


def text_lines(stream: BinaryIO, what: str = "file") -> tuple[Iterator[str], str, str]:
    """:func:`decode_text` for a file read line by line: the same encodings and errors, but the
    text is never whole in memory (a 1 GB file decoded at once is 1 GB of ``str``, and 4 GB more
    in a ``StringIO``). One pass over the bytes checks the encoding and hashes them, then the
    lines are decoded as they are read. Returns (lines with their ends, encoding, sha256 of the
    bytes). UTF-16 (rare in the files read this way) is decoded whole."""
    start = stream.tell()
    head = stream.read(65536)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        stream.seek(start)
        data = stream.read()
        text, encoding = decode_text(data, what)
        return iter(text.splitlines(keepends=True)), encoding, hashlib.sha256(data).hexdigest()
    sha = hashlib.sha256()
    check = codecs.getincrementaldecoder("utf-8")()
    first_bad: int | None = None
    # offsets as decode_text counts them: after a leading BOM
    offset, chunk = -len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0, head
    while chunk:
        sha.update(chunk)
        if first_bad is None:
            try:
                check.decode(chunk)
            except UnicodeDecodeError as exc:
                first_bad = offset + exc.start
        offset += len(chunk)
        chunk = stream.read(STREAM_CHUNK)
    if first_bad is None:
        try:
            check.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            first_bad = offset - len(exc.object) + exc.start
    encoding = "utf-8" if first_bad is None else "cp1252"
    if first_bad is not None and sum(1 for b in head if b in _CONTROL) > len(head) // 100:
        raise ParseError(f"{what}: binary content (control bytes), not a text file")
    stream.seek(start)
    return _decoded_lines(stream, encoding, what, first_bad), encoding, sha.hexdigest()


def _decoded_lines(
    stream: BinaryIO, encoding: str, what: str, first_bad: int | None
) -> Iterator[str]:
    wrapper = io.TextIOWrapper(
        stream, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline=""
    )
    try:
        for line in wrapper:
            if encoding == "cp1252" and _CP1252_BOM in line:  # a seam between joined files
                line = line.replace(_CP1252_BOM, "")
            yield line.replace("\ufeff", "") if "\ufeff" in line else line
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not valid UTF-8 (first bad byte at offset {first_bad})") from exc
    finally:
        wrapper.detach()  # the stream is the caller's: leave it open


def _no_bom(text: str) -> str:
    return text.replace("\ufeff", "") if "\ufeff" in text else text


def _utf16(data: bytes, codec: str, what: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: broken UTF-16 text ({exc.reason})") from exc
    return _no_bom(text), "utf-16"


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when NULs sit on one side of nearly every byte pair (text
    in a Latin script written as UTF-16 without a BOM, as some Windows tools do), else None."""
    pairs = len(head) // 2
    if pairs < 2:
        return None
    odd = head[1 : 2 * pairs : 2].count(0)
    even = head[0 : 2 * pairs : 2].count(0)
    if odd >= pairs * 0.9 and even == 0:
        return "utf-16-le"
    if even >= pairs * 0.9 and odd == 0:
        return "utf-16-be"
    return None


def parse_time(value: Any) -> datetime | None:
    """Timestamps as sources write them: datetime, date, ISO strings (``Z`` allowed), epoch
    seconds or milliseconds. Naive values are taken as UTC; anything else is None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC)
    if isinstance(value, int | float):
        secs = value / 1000.0 if abs(value) > 1e11 else float(value)
        try:
            return datetime.fromtimestamp(secs, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    return None


# Control characters (C0 but tab and line ends, DEL, C1) and the bidi overrides that spoof
# text direction ("‮gpj.exe"): a subject carrying a terminal's escape sequences cleared the
# screen or wrote the clipboard when `brief` printed it (QA, session 14). Embeddings and
# isolates (U+202A-C, U+2066-9), which right-to-left text needs, stay.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202d\u202e]")


def stored_text(s: str) -> str:
    """``s`` as ingest stores text: no control characters (``_CONTROLS``), composed (NFC)."""
    s = _CONTROLS.sub("", s)
    return s if unicodedata.is_normalized("NFC", s) else unicodedata.normalize("NFC", s)


def composed(doc: Any) -> None:
    """A parsed document's text as stored: composed (NFC) — "spätestens" written decomposed
    (macOS, some mail clients) is the word typed, for `when`'s exact phrase, the client rules
    and search (QA, session 14) — and without control characters (``_CONTROLS``), in its text,
    titles and the names in its metadata. Its content hash stays the parser's: the same bytes
    are the same version."""
    clean = stored_text

    def deep(x: Any) -> Any:
        if isinstance(x, str):
            return clean(x)
        if isinstance(x, list):
            return [deep(v) for v in x]
        if isinstance(x, tuple):
            return tuple(deep(v) for v in x)
        if isinstance(x, dict):
            return {k: deep(v) for k, v in x.items()}
        return x

    doc.title = clean(doc.title)
    for e in doc.entries:
        e.text, e.title = clean(e.text), clean(e.title)
        if e.author:
            e.author = clean(e.author)
        e.meta = deep(e.meta)
