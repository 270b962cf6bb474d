"""Decoding helpers shared by parsers."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, time
from typing import Any

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
