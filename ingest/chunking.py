"""Chunking: each chunk is an exact span of its entry's text plus a context line that lets it stand
alone (document title, section path or speaker, date). Decision record: notes/0004-chunking.md.

Spans are cut at blank lines outside code fences, packed up to ``max_chars``; a block longer than
that is cut at sentence ends (prose) or line ends (code), and only as a last resort mid-line.
Because every chunk is a verbatim substring, a citation's quote can always be checked against
the entry it cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trailkeep.vault.records import DOC_CHAT, DOC_SESSION, ChunkSpec, ParsedDocument, ParsedEntry

MAX_CHARS = 600  # ~150 word pieces; cost grows with length (notes/0004-chunking.md)
SMALL_CHARS = 60  # a piece this short never stands alone in a longer text
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of blank-line separated blocks; never splits inside a code fence."""
    out: list[tuple[int, int]] = []
    pos = 0
    start: int | None = None
    in_fence = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if _FENCE.match(line):
            in_fence = not in_fence
        if not stripped and not in_fence:
            if start is not None:
                out.append((start, pos))
                start = None
        elif start is None:
            start = pos
        pos += len(line)
    if start is not None:
        out.append((start, pos))
    return out


def _cut(text: str, start: int, end: int, max_chars: int) -> Iterable[tuple[int, int]]:
    """Cut one oversized block at sentence or line ends."""
    piece = text[start:end]
    is_code = bool(_FENCE.match(piece))
    marks = (
        [m.end() for m in re.finditer(r"\n", piece)]
        if is_code
        else [m.end() for m in _SENTENCE_END.finditer(piece)]
        + [m.end() for m in re.finditer(r"\n", piece)]
    )
    cuts = sorted(set(marks))
    s = 0
    last_ok = 0
    for c in [*cuts, len(piece)]:
        if c - s > max_chars:
            if last_ok > s:
                yield start + s, start + last_ok
                s = last_ok
            while c - s > max_chars:  # no natural cut point: hard split
                yield start + s, start + s + max_chars
                s += max_chars
        last_ok = c
    if s < len(piece):
        yield start + s, start + len(piece)


def _small(text: str, start: int, end: int) -> bool:
    return end - start <= 2 * SMALL_CHARS and len(text[start:end].strip()) <= SMALL_CHARS


def spans(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Verbatim (start, end) spans of at most ``max_chars`` + 2 × ``SMALL_CHARS`` characters;
    in a text longer than ``max_chars``, a piece of ``SMALL_CHARS`` or fewer (a greeting, a
    heading, a sign-off) is joined to its neighbour."""
    if len(text) <= max_chars:
        return [(0, len(text))] if text.strip() else []
    pieces: list[tuple[int, int]] = []
    for b0, b1 in _blocks(text):
        if b1 - b0 > max_chars:
            pieces.extend(_cut(text, b0, b1, max_chars))
        else:
            pieces.append((b0, b1))
    packed: list[tuple[int, int]] = []
    for p0, p1 in pieces:
        # a greeting or a heading alone ("Hi Sam,", "## Options") goes with what follows it,
        # even past max_chars: on its own it is found by its context line and cited as nothing
        if packed and (p1 - packed[-1][0] <= max_chars or _small(text, *packed[-1])):
            packed[-1] = (packed[-1][0], p1)
        else:
            packed.append((p0, p1))
    if len(packed) > 1 and _small(text, *packed[-1]):  # a sign-off ("Best, Sam") goes back
        packed[-2:] = [(packed[-2][0], packed[-1][1])]
    out = []
    for s, e in packed:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if seg.strip():
            out.append((s + lead, e - trail))
    return out


PRECEDING_CHARS = 200  # of the turn a chat message answers, so the chunk stands alone


def context_line(doc: ParsedDocument, entry: ParsedEntry, before: ParsedEntry | None = None) -> str:
    title = entry.title or doc.title
    if doc.title and not title.startswith(doc.title):
        title = f"{doc.title} > {title}"
    parts = [title]
    if entry.author and entry.author != entry.title:
        parts.append(f"({entry.author})")
    when = entry.timestamp or doc.timestamp
    if when is not None:
        parts.append(f"[{when.date().isoformat()}]")
    line = " ".join(parts)
    if before is not None and before.text.strip():
        prev = " ".join(before.text.split())
        if len(prev) > PRECEDING_CHARS:
            prev = prev[:PRECEDING_CHARS].rsplit(" ", 1)[0] + " …"
        line += f"\nin reply to {before.author or 'previous'}: {prev}"
    return line


def chunk_document(doc: ParsedDocument, max_chars: int = MAX_CHARS) -> list[ChunkSpec]:
    out: list[ChunkSpec] = []
    by_key = {e.key: e for e in doc.entries} if doc.kind in (DOC_CHAT, DOC_SESSION) else {}
    for e in doc.entries:
        if not e.indexed:
            continue
        before = by_key.get(e.parent_key) if e.parent_key else None
        ctx = context_line(doc, e, before)
        for i, (s, t) in enumerate(spans(e.text, max_chars)):
            out.append(ChunkSpec(e.key, i, e.text[s:t], ctx, s, t))
    return out
