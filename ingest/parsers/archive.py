"""Reading JSON exports safely: bounded zip members (never extracted to disk: no zip slip) and
streamed JSON (ijson) so a 300 MB export never sits in memory as Python objects."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any, BinaryIO

import ijson

from ..errors import ParseError

MAX_MEMBER_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed: beyond this a member is treated as a zip bomb


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


def open_zip(stream: BinaryIO) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ParseError(f"not a readable zip archive: {exc}") from exc


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


def json_items(stream: BinaryIO, what: str) -> Iterator[Any]:
    """Items of a top-level JSON list, or the single top-level object, streamed."""
    head = stream.read(4096)
    c = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    stream = io.BufferedReader(_Prefixed(head, stream), 1 << 16)
    if c == b"[":
        yield from ijson.items(stream, "item", use_float=True)
    elif c == b"{":
        yield from ijson.items(stream, "", use_float=True)
    elif not c:
        raise ParseError(f"{what}: empty file")
    else:
        raise ParseError(f"{what}: not JSON (starts with {c!r})")
