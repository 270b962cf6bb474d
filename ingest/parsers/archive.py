"""Reading JSON exports safely: bounded zip members (never extracted to disk: no zip slip) and
streamed JSON (ijson) so a 300 MB export never sits in memory as Python objects.

Bounds: a zip's central directory is checked before it is read (at most MAX_MEMBERS members,
MAX_TOTAL_BYTES uncompressed in all); a member is opened only under MAX_MEMBER_BYTES and
MAX_RATIO, and reading past its declared size fails. JSON nested deeper than MAX_JSON_DEPTH
fails before the streaming parser builds it (ijson keeps a path string per level: 30,000 levels
of ``[[[...`` took 2 GB).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

import ijson

from ..errors import ParseError

MAX_MEMBER_BYTES = 4 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_MEMBERS = 50_000
MAX_DIRECTORY_BYTES = 64 * 1024**2
MAX_RATIO = 200  # uncompressed / compressed: beyond this a member is treated as a zip bomb
MAX_JSON_DEPTH = 256


class _Bounded(io.RawIOBase):
    """Reads at most ``limit`` bytes from a zip member; more means the header lied (a bomb)."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self._raw = raw
        self._left = limit
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            data = self._raw.read(min(len(b), self._left + 1))
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError) as exc:
            raise ParseError(
                f"{self._name}: damaged inside the zip ({exc or type(exc).__name__})"
            ) from exc
        if len(data) > self._left:
            raise ParseError(f"{self._name}: expands past its declared size (zip bomb?)")
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)


def zip_member(zf: zipfile.ZipFile, basename: str) -> BinaryIO | None:
    """The member called ``basename`` nearest the top, opened with bounded expansion."""
    cands = [
        i for i in zf.infolist() if not i.is_dir() and i.filename.rsplit("/", 1)[-1] == basename
    ]
    if not cands:
        return None
    info = min(cands, key=lambda i: i.filename.count("/"))
    if info.file_size > MAX_MEMBER_BYTES:
        raise ParseError(f"{info.filename}: {info.file_size} bytes uncompressed is over the limit")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise ParseError(
            f"{info.filename}: compression ratio {info.file_size // info.compress_size}:1 "
            "looks like a zip bomb"
        )
    try:
        raw = zf.open(info)
    except (
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise ParseError(f"{info.filename}: cannot be read from the zip ({exc})") from exc
    return io.BufferedReader(_Bounded(raw, info.file_size, info.filename), 1 << 16)


def _directory(stream: BinaryIO) -> tuple[int, int] | None:
    """(members, central directory bytes) as the end-of-directory record declares them, read
    before ``zipfile`` builds an object per member; None when the stream cannot seek."""
    try:
        end = stream.seek(0, io.SEEK_END)
        start = max(0, end - (65535 + 22 + 20))
        stream.seek(start)
        tail = stream.read()
        stream.seek(0)
    except (OSError, ValueError):
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    members, size = struct.unpack("<HI", tail[at + 10 : at + 16])
    loc = tail.rfind(b"PK\x06\x07", 0, at)
    if (members == 0xFFFF or size == 0xFFFFFFFF) and loc >= 0 and len(tail) >= loc + 20:
        (offset,) = struct.unpack("<Q", tail[loc + 8 : loc + 16])  # the zip64 record
        try:
            stream.seek(offset)
            rec = stream.read(56)
            stream.seek(0)
        except (OSError, ValueError, OverflowError):
            return None
        if rec[:4] == b"PK\x06\x06" and len(rec) >= 48:
            members, size = struct.unpack("<QQ", rec[32:48])
    return members, size


def open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    declared = _directory(stream)
    if declared is not None and (declared[0] > MAX_MEMBERS or declared[1] > MAX_DIRECTORY_BYTES):
        raise ParseError(
            f"the zip declares {declared[0]} members ({declared[1]} directory bytes); "
            f"more than {MAX_MEMBERS} is not an export (zip bomb?)"
        )
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"not a readable zip archive: {exc}") from exc
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_TOTAL_BYTES:
        zf.close()
        raise ParseError(
            f"the zip holds {len(infos)} members, {total} bytes uncompressed: over the limits "
            f"({MAX_MEMBERS} members, {MAX_TOTAL_BYTES} bytes; zip bomb?)"
        )
    return zf


class _Prefixed(io.RawIOBase):
    """``head`` followed by the rest of ``rest``: un-reads a peek on a stream that cannot seek."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)


_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


class _DepthGuard(io.RawIOBase):
    """Passes bytes through and fails (ParseError) once JSON nesting, counted outside strings,
    passes ``limit`` levels (give or take a factor of two: the check is per chunk). It works on
    whole chunks with bytes methods, at about the speed ijson parses."""

    def __init__(self, raw: io.RawIOBase | IO[bytes], limit: int, what: str) -> None:
        self._raw = raw
        self._limit = limit
        self._what = what
        self._open = b""  # brackets still open
        self._in_string = False
        self._backslash = b""  # an escape cut by the chunk boundary

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        if data:
            self._scan(data)
        b[: len(data)] = data
        return len(data)

    def _scan(self, chunk: bytes) -> None:
        buf = self._backslash + chunk
        body = buf.rstrip(b"\\")
        self._backslash = b"\\" if (len(buf) - len(body)) % 2 else b""
        # Escapes out, then only quotes and brackets; then strings out: brackets remain.
        s = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
        if self._in_string:
            s = b'"' + s
        s = _STRINGS.sub(b"", s)
        quote = s.find(b'"')
        self._in_string = quote >= 0
        s = self._open + (s[:quote] if quote >= 0 else s)
        for _ in range(self._limit + 1):
            shorter = s.replace(b"[]", b"").replace(b"{}", b"")
            if shorter == s:
                break
            s = shorter
        else:
            s = b"x" * (self._limit + 1)
        if len(s) > self._limit:
            raise ParseError(f"{self._what}: JSON nested deeper than {self._limit} levels")
        self._open = s


_STRINGS = re.compile(rb'"[^"]*"')


def json_items(stream: BinaryIO, what: str) -> Iterator[Any]:
    """Items of a top-level JSON list, or the single top-level object, streamed (a UTF-8 BOM
    skipped; nesting bounded by MAX_JSON_DEPTH)."""
    head = stream.read(4096)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    c = head.lstrip(b" \t\r\n")[:1]
    guarded = _DepthGuard(_Prefixed(head, stream), MAX_JSON_DEPTH, what)
    stream = io.BufferedReader(guarded, 1 << 16)
    if c == b"[":
        yield from ijson.items(stream, "item", use_float=True)
    elif c == b"{":
        yield from ijson.items(stream, "", use_float=True)
    elif not c:
        raise ParseError(f"{what}: empty file")
    else:
        raise ParseError(f"{what}: not JSON (starts with {c!r})")
