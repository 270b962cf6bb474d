"""Decoding helpers shared by parsers."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, time
from typing import Any

from .errors import ParseError

_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)}


def decode_text(data: bytes, what: str = "file") -> tuple[str, str]:
    """Decode bytes as text: UTF-8 (BOM allowed), UTF-16 with a BOM, else cp1252 when the bytes
    look like legacy text. Returns (text, encoding). Binary content raises ParseError."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ParseError(f"{what}: broken UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise ParseError(f"{what}: binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first = exc.start
    sample = data[:65536]
    if sum(1 for b in sample if b in _CONTROL) > len(sample) // 100:
        raise ParseError(f"{what}: binary content (control bytes), not a text file")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise ParseError(f"{what}: not valid UTF-8 (first bad byte at offset {first})") from exc


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
