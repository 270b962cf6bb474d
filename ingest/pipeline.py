"""ingest_file: one file in the inbox -> sources, blobs, documents, chunks, vectors.

Order matters for crash safety (notes/0001-data-model.md): the source row is written as
``pending`` first, the original bytes go to blobs/ before parsing, each document is one SQL
transaction, and vectors come last from the "not yet embedded" chunks. A process killed at any
point leaves a pending source (retried at the next start) and at worst chunks without vectors
(embedded by the next writer) — never half a document.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Concatenate, ParamSpec, TypeVar

from trailkeep.vault import Origin, TrailkeepError, Vault
from trailkeep.vault import ownership as own
from trailkeep.vault.clients import ClientSpec
from trailkeep.vault.errors import DiskFull
from trailkeep.vault.filestate import (
    Resume,
    keep_in_place,
    next_position,
    resume_point,
    set_resume_point,
    unfinished_sources,
)
from trailkeep.vault.maintenance import forgotten_markers, names_forgotten, said_to, tomb_key
from trailkeep.vault.records import (
    DOC_DRAFT,
    DOC_EMAIL,
    DOC_NOTE,
    DOC_SESSION,
    ParsedDocument,
    ParseProblem,
)
from trailkeep.vault.space import as_disk_full, ensure_room_for, is_disk_full

from . import reattribution, registry
from .attribution import ENTRY_LABEL, STATE_FINGERPRINT, Context, decide, facts_of, merge
from .chunking import chunk_document
from .cues import cue_sentences, heading_tags, label_tags
from .errors import (
    BinaryContent,
    FileChanged,
    FileTooLarge,
    IngestError,
    UnsafeFile,
    UnsupportedFormat,
)
from .filters import is_conflict_copy, is_ignored
from .text import binary_head, composed
from .threading import drop_repeated_turns, email_thread, follow_rename

INGESTED, DUPLICATE, PARTIAL, FAILED = "ingested", "duplicate", "partial", "failed"
DONE = (INGESTED, DUPLICATE, PARTIAL)
SKIPPED, GONE, CHANGING = "skipped", "gone", "changing"
SETTINGS_FILES = frozenset({"clients.toml", "config.toml"})
EMBED_BATCH = 256


@dataclass
class Outcome:
    path: str
    status: str
    error: str | None = None
    documents: int = 0
    source_id: int | None = None
    note: str | None = None  # worth knowing, not a problem ("stored, not current: …")


@dataclass
class Summary:
    ingested: int = 0
    duplicates: int = 0
    partial: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        self.outcomes.append(o)
        if o.status == INGESTED:
            self.ingested += 1
        elif o.status == DUPLICATE:
            self.duplicates += 1
        elif o.status == PARTIAL:
            self.partial += 1
        elif o.status == FAILED:
            self.failed += 1
        else:
            self.skipped += 1


class _SessionTail:
    """Parses the appended lines of a session file (after its header line), numbering the new
    entries after those already stored; the stored title stays unless the tail names a better
    one (a summary or a custom title)."""

    name = "agent-session"

    def __init__(self, position: int, offset: int = 0) -> None:
        self.position = position
        self.offset = offset  # where in the file the appended part was read from

    def score(self, name: str, head: bytes) -> int | None:
        return None

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[ParsedDocument | ParseProblem]:
        from .parsers.sessions import _lines, parse_lines

        for item in parse_lines(_lines(stream), origin=origin, start_position=self.position):
            if isinstance(item, ParsedDocument) and item.meta.get("title_from") not in (
                "summary",
                "custom-title",
            ):
                item.meta["keep_title"] = True
            yield item


def keep_session_title(item: ParsedDocument, stored_meta: Mapping[str, Any]) -> None:
    """A session rewritten from a later point (a compaction) starts at a later prompt, or at
    none: it is still called by its first (QA, session 10). What the title came from stays
    with it, or the next rewrite would take a later prompt after all (review, session 10)."""
    if (
        item.kind == DOC_SESSION
        and stored_meta.get("title_from") == "first_prompt"
        and item.meta.get("title_from") in ("first_prompt", "none")
    ):
        item.meta["keep_title"] = True
        item.meta["title_from"] = "first_prompt"


def earlier_text(doc: ParsedDocument, version: int) -> str:
    """What to tell of a file whose new text is dated before the document's current version
    (a dated note edited back): it is history, not current, and how to change that (QA,
    session 13: nothing said the file on disk was not the current version)."""
    day = doc.timestamp.date().isoformat() if doc.timestamp else "its date"
    return (
        f"“{doc.title}” now says what it said on {day}: stored as version {version} by that "
        "date, and a later-dated version stays current (give the note a later `updated:` "
        "date to make this text current)"
    )


def forgotten_again(item: ParsedDocument) -> str:
    """What to say when new content arrives at a forgotten document's identity. A file's
    identity is its path, so another name keeps it; a thread, conversation or session is
    known by its own ids, whatever the file is called (QA: a renamed copy of a forgotten
    email was told to save it under another name)."""
    # never its title: a forgotten document's name is kept as a hash only, and this message
    # is stored with the source (QA, session 9: "Twice: this note was forgotten…")
    what = f"this {item.kind} was forgotten (trailkeep forget)"
    if item.external_id.startswith("path:"):
        return f"{what}; its new content is not stored. To keep it, save it under another name."
    return (
        f"{what}; its messages are not stored again, under any file name — they are known by "
        f"the {item.kind}'s own ids. Nothing else in this file was affected."
    )


CUE_TAGS = ("decision", "dead_end", "open_question")


def sentence_cues(doc: ParsedDocument) -> None:
    """Trail tags at sentence level (notes/0005): each entry keeps the sentences that carry a
    cue (``meta["cues"]``: tag, sentence, offsets into its text) and its cue tags are theirs.
    A section's own heading counts as its label ("## Decisions" tags the items under it), and a
    note's front-matter tags as the label of all of it (``tags: [decision]``)."""
    if doc.kind == DOC_DRAFT:
        # A draft is what was written from the history, not history: its placeholders
        # ("[✎ TO WRITE: decisions]") and its quotes are no decision or dead end of the trail
        # (QA, session 10: the Trail showed a draft's empty heading as a decision).
        for e in doc.entries:
            e.tags = tuple(t for t in e.tags if t not in CUE_TAGS)
        return
    noted = label_tags(doc.meta.get("tags"))
    for e in doc.entries:
        if not e.indexed or not e.text.strip() or e.kind in ("tool_result", "context"):
            continue
        head = ""
        labelled: tuple[str, ...] = ()
        if e.kind == "section" and e.title:  # its heading: a label or a cue for all of it
            heading = e.title.rsplit(" > ", 1)[-1].strip()
            head, labelled = "## " + heading + "\n", heading_tags(heading)
        labelled = (*labelled, *noted)
        cues = [c for c in cue_sentences(head + e.text) if c.start >= len(head)]
        e.tags = tuple(
            sorted({t for t in e.tags if t not in CUE_TAGS} | {c.tag for c in cues} | set(labelled))
        )
        if cues:
            e.meta["cues"] = [
                {
                    "tag": c.tag,
                    "sentence": c.sentence[:500],
                    "start": c.start - len(head),
                    "end": c.end - len(head),
                }
                for c in cues[:20]
            ]


def utf8_name(text: str) -> str:
    """A path or file name as text the vault can store: itself when it is UTF-8; else with the
    bytes that are not written as escapes, marked ("[not UTF-8] caf\\xe9.md"). A name from a
    Windows zip or a Latin-1 share reaches Python with its bytes escaped as surrogates, which
    neither SQL nor a lock file can hold: one such file stopped all capture (QA, session 18).
    Its bytes are read from the file itself; only the name it is known by is escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        escaped = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        # marked, so that a file really named "caf\\xe9.md" (UTF-8, with a backslash) is not
        # the same file as the Latin-1 "café.md" (review: two notes became one document)
        head, sep, tail = escaped.rpartition("/")
        return f"{head}{sep}{NOT_UTF8}{tail}"
    return text


NOT_UTF8 = "[not UTF-8] "  # before the escaped name of a file whose name is not UTF-8


def identity_for(path: Path, inbox: Path | None) -> str:
    """Note identity fallback: the path relative to the inbox, else the absolute path."""
    if inbox is not None:
        with contextlib.suppress(ValueError):
            return utf8_name(path.relative_to(inbox).as_posix())
    return utf8_name(str(path))


# Notes are refused above ``ingest.max_note_mb``, everything else above ``ingest.max_file_mb``;
# decided by the name and the size from stat, before a byte is read (issue 20).
NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".org", ".rst")
HEAD_HASH_BYTES = 1 << 20
# A file bigger than this that no parser takes, or whose first bytes are binary, is refused from
# those bytes alone; a smaller one is read, and its bytes kept beside its error in quarantine/
# for a look (cheap at that size).
SNIFF_ABOVE = 8 << 20
TAIL_BYTES = (1 << 16) + 22  # a zip's end-of-central-directory record lies in these


def size_limit(name: str, max_file_bytes: int, max_note_bytes: int) -> tuple[int, str, str]:
    """(limit in bytes, what it limits, the config key) for a file called ``name``."""
    if name.lower().endswith(NOTE_SUFFIXES):
        return max_note_bytes, "note", "ingest.max_note_mb"
    return max_file_bytes, "file", "ingest.max_file_mb"


def read_regular(
    path: Path,
    max_bytes: int,
    *,
    kind: str = "file",
    setting: str = "ingest.max_file_mb",
    room: Callable[[int], None] | None = None,
    sniff: Callable[[bytes, bytes], None] | None = None,
) -> tuple[bytes, os.stat_result]:
    """Read a regular file without following symlinks or blocking on FIFOs; detect changes.

    The size comes from ``lstat`` and a file over ``max_bytes`` is refused (FileTooLarge) before
    it is opened; ``room(size)`` is called next (the free-space check) and may raise. The bytes
    are read into one object of the file's size (no pieces joined afterwards, so memory peaks
    at the file's size, not twice it); a file that grows or changes meanwhile is FileChanged.
    ``sniff(head, tail)`` sees the first ``registry.HEAD_BYTES`` and the last ``TAIL_BYTES`` of
    a file over ``SNIFF_ABOVE`` before the rest is read, and may refuse it unread.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(f"cannot stat: {exc.strerror}", str(path)) from exc
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeFile("a symbolic link: not followed", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFile("not a regular file (FIFO, device, socket or directory)", str(path))
    if st.st_size > max_bytes:
        raise FileTooLarge(
            f"{st.st_size} bytes is over the {kind} limit of {max_bytes} bytes ({setting}); "
            "refused without reading it",
            str(path),
        )
    if room is not None:
        room(st.st_size)
    try:
        fd = os.open(
            path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        )
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile("a symbolic link: not followed", str(path)) from exc
        raise UnsafeFile(f"cannot open: {exc.strerror}", str(path)) from exc
    try:
        st2 = os.fstat(fd)
        if not stat.S_ISREG(st2.st_mode) or (st2.st_ino, st2.st_dev) != (st.st_ino, st.st_dev):
            raise FileChanged("the file was replaced while opening it", str(path))
        size = st2.st_size
        if size > max_bytes:
            raise FileTooLarge(f"grew past the {max_bytes}-byte limit while opening", str(path))
        if sniff is not None and size > SNIFF_ABOVE:
            sniff(os.pread(fd, registry.HEAD_BYTES, 0), os.pread(fd, TAIL_BYTES, size - TAIL_BYTES))
        # One read(2) into one bytes object of size + 1 (the extra byte shows growth): a regular
        # file up to 2 GiB comes back whole. Shorter reads (bigger files, network filesystems)
        # continue in pieces, bounded by the limit.
        data = os.read(fd, size + 1)
        if len(data) <= size:
            parts = [data]
            total = len(data)
            while True:
                b = os.read(fd, min(max(size + 1 - total, 1 << 20), 1 << 30))
                if not b:
                    break
                total += len(b)
                if total > max_bytes:
                    raise FileTooLarge(
                        f"grew past the {max_bytes}-byte limit while reading", str(path)
                    )
                parts.append(b)
            if len(parts) > 1:
                data = b"".join(parts)
                del parts
        st3 = os.fstat(fd)
    finally:
        os.close(fd)
    if (st3.st_size, st3.st_mtime_ns) != (st2.st_size, st2.st_mtime_ns) or len(data) != st3.st_size:
        raise FileChanged("the file changed while it was being read; it will be retried", str(path))
    return data, st3


def said_once(lines: list[str]) -> list[str]:
    """Each warning once, in order, with how many times it was said: an mbox of four messages
    each dropped for a forgotten client said "1 of 1 part(s) not stored" four times (QA,
    session 11)."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return [line if n == 1 else f"{line} ({n} times)" for line, n in counts.items()]


def refuse_unreadable(name: str, head: bytes, tail: bytes = b"") -> None:
    """Refuse, from its first (and last) bytes, a file no parser takes, whose content is binary,
    or that starts like a zip archive without ending like one: such a file is never read whole
    nor copied into blobs/ (QA, session 11: a 1 GB sparse ``.eml``, ``.json``, ``.mbox``,
    ``.csv`` or ``.zip`` was read whole — 1.1 GB of memory — and kept in blobs/ before the
    parser said no)."""
    if head.startswith(b"PK") and b"PK\x05\x06" not in tail:
        raise BinaryContent(
            f"{name}: not a complete zip archive (no end of central directory); refused "
            "without reading it whole"
        )
    if binary_head(head):
        raise BinaryContent(
            f"{name}: binary content (NUL bytes in its first {len(head)} bytes), not a file "
            "trailkeep reads; refused without reading it whole"
        )
    registry.pick(name, head)  # UnsupportedFormat: no parser accepts it


def head_sha256(path: Path, limit: int = HEAD_HASH_BYTES) -> str:
    """sha256 of a file's first ``limit`` bytes (a refused file's key: it is never read
    whole). Opened like :func:`read_regular`: no symlinks followed, no FIFO blocked on."""
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        left = limit
        while left > 0:
            b = os.read(fd, min(left, 1 << 16))
            if not b:
                break
            h.update(b)
            left -= len(b)
    finally:
        os.close(fd)
    return h.hexdigest()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _disk_full_stops(
    method: Callable[Concatenate[Ingestor, _P], _R],
) -> Callable[Concatenate[Ingestor, _P], _R]:
    """A full disk during one file's ingest is an expected state (issue 20): ENOSPC from a
    write, SQLite's "database or disk is full" or Chroma's "disk is full" become DiskFull. The
    source is left *pending* (never failed, no quarantine copy): the next ingest, `retry` or the
    watcher's start finishes it once there is room. A source that is ingested after all loses
    the quarantine copy and note an earlier failure left."""

    @functools.wraps(method)
    def wrapper(self: Ingestor, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            out = method(self, *args, **kwargs)
        except Exception as exc:
            full = as_disk_full(exc, self.settings.home, self.settings.min_free_bytes)
            if full is None:
                raise
            if full is exc:
                raise
            raise full from exc
        if isinstance(out, Outcome) and out.source_id is not None and out.status in DONE:
            self._unquarantine(out.source_id, Path(out.path).name)
            for sid, name in self.vault.earlier_problems(out.path, out.source_id):
                self._unquarantine(sid, name)  # the same path read since: history now
        return out

    return wrapper


# clients.toml is read by the watcher once it has been still this long (and `stable_seconds`)
CLIENTS_STILL_SECONDS = 2.0


class Ingestor:
    """Ingests files into one vault. Thread-compatible: one instance per thread or a lock."""

    def __init__(
        self,
        vault: Vault,
        inbox: Path | None = None,
        on_document: Callable[[str, int], None] | None = None,
        clients: Sequence[ClientSpec] | None = None,
    ) -> None:
        """``on_document(file name, documents so far)`` reports progress inside a large file
        (an export of thousands of conversations, an mbox). ``clients``: clients.toml as the
        caller has just read it (a re-attribution re-reading notes with it)."""
        self.on_document = on_document
        self.vault = vault
        self.settings = vault.settings
        self.inbox = inbox if inbox is not None else vault.settings.inbox
        self._clients = vault.settings.clients if clients is None else tuple(clients)
        self._clients_stamp: tuple[int, int, int, int] | None = self._stamp()
        self.clients_error: str | None = None
        self.clients_exc: TrailkeepError | None = None  # the error itself, to raise again
        self._ctx: Context | None = None
        # the attribution fingerprints documents were decided with since the last refresh
        self._used: set[str] = set()
        self._ctx_fingerprint = ""
        # clients.toml's changed stamp and when it was first seen so (read once still)
        self._pending: tuple[tuple[int, int, int, int] | None, float] | None = None
        self._checked = 0.0
        if clients is None:  # (given: the caller has just re-attributed with them)
            self.refresh()

    # -- attribution (notes/0013)
    def _stamp(self) -> tuple[int, int, int, int] | None:
        """clients.toml's identity on disk: size and mtime, and the inode and its change time —
        a copy that keeps size and mtime (rsync -t, cp -p, a sync tool) is still a change
        (QA, session 17: it was never read, and every pass re-attributed with the old file,
        undoing each command's)."""
        try:
            st = os.stat(self.settings.clients_path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ctime_ns, st.st_ino)

    def refresh(self, every: float = 0.0) -> reattribution.Report | None:
        """Re-read clients.toml when it changed on disk and re-attribute the vault when
        anything attribution depends on changed (at most once per ``every`` seconds unless the
        file changed: the watcher calls this on every pass). A broken clients.toml is reported
        (``clients_error``) and the last good one stays in use for what is stored; the watcher
        holds new files until the file reads again (nothing is attributed by guess)."""
        stamp = self._stamp()
        now = time.monotonic()
        if stamp == self._clients_stamp and now - self._checked < every:
            return None
        if every and stamp != self._clients_stamp and self._settling(stamp):
            return None
        self._checked = now
        if stamp != self._clients_stamp:
            try:
                self._clients = reattribution.reload_clients(self.vault)
                self.clients_error, self.clients_exc = None, None
            except TrailkeepError as exc:
                self.clients_error, self.clients_exc = str(exc), exc
            self._clients_stamp = stamp
        self._ctx = None
        stored = own.get_state(self.vault, STATE_FINGERPRINT)
        if self._used - {stored}:
            # Documents were decided with settings that are not the ones the vault was last
            # attributed with: another process (a command) re-attributed it with newer ones
            # while this one stored a long file with its older copy. Attributed again, all of
            # it (QA, session 17: 463 of 600 messages kept the client clients.toml no longer
            # gave them, for good).
            own.set_state(self.vault, STATE_FINGERPRINT, "")
        self._used.clear()
        return reattribution.ensure_current(self.vault, self._clients)

    def clients_changing(self) -> bool:
        """Has clients.toml changed on disk since it was last read (an edit not yet still, or
        not yet looked at)? The watcher's new files wait for it: a file dropped a second after
        an edit was attributed with the file the user had just replaced (new user's trial,
        session 29)."""
        return self._stamp() != self._clients_stamp

    def _settling(self, stamp: tuple[int, int, int, int] | None) -> bool:
        """A clients.toml changed less than ``stable_seconds`` ago, or gone since less than
        that, is read once it has been still: an editor saving in place empties it for a
        moment, and that moment took every client away — their drafts' items, their chats
        into general (QA, session 17). The watcher's passes only; a command reads it as is."""
        wait = max(self.settings.stable_seconds, CLIENTS_STILL_SECONDS)
        now = time.monotonic()
        if self._pending is None or self._pending[0] != stamp:
            # first seen like this now: measured on our clock, not against its mtime (a
            # synced file may carry a clock ahead of ours)
            self._pending = (stamp, now)
        return now - self._pending[1] < wait

    def settle(self) -> reattribution.Report | None:
        """After a batch of files: the mail that arrived may reveal the user's own addresses
        (no ``[me]``); when they change, the vault is re-attributed."""
        if reattribution.refresh_inferred_me(self.vault, self._context().directory):
            return self.refresh()
        return None

    def _drop_forgotten(self, item: ParsedDocument) -> None:
        """A forgotten client stays forgotten when its material arrives inside another file:
        entries attributed to it, or naming one of its markers (kept as hashes), are dropped
        here, before anything is written (issue 20)."""
        clients, markers = forgotten_markers(self.vault)
        if not clients and not markers:
            return
        before = len(item.entries)
        if (
            markers
            and item.meta.get("title_from") == "first_prompt"
            and names_forgotten(item.title, markers)
        ):
            # a session titled by its first prompt: the title is that one turn's, not what the
            # whole session is about (QA, session 11: a Northwind session whose first turn
            # named a forgotten client lost all its Northwind turns); the turn goes below
            sid = str(item.meta.get("session_id") or "")[:8]
            item.title = f"{item.meta.get('provider') or 'agent'} session {sid}".strip()
            item.meta["title_from"] = "none"
        if markers and names_forgotten(item.title, markers):
            item.entries = []
        else:
            item.entries = [
                e
                for e in item.entries
                if not (e.client and tomb_key("client", e.client) in clients)
                and not (markers and names_forgotten(said_to(e.title, e.text, e.meta), markers))
            ]
        if dropped := before - len(item.entries):
            # Said, not silent: a section that names a forgotten client goes whole, with
            # whatever else it says (QA: another client's paragraph went with it unannounced).
            item.meta.setdefault("warnings", []).append(
                f"{dropped} of {before} part(s) not stored: they name or belong to a client "
                "you forgot (trailkeep forget)"
            )

    def _context(self) -> Context:
        if self._ctx is None:
            self._ctx = reattribution.context(self.vault, self._clients)
            self._ctx_fingerprint = self._ctx.fingerprint()  # once per context, not per file
        return self._ctx

    def _attribute(self, item: ParsedDocument) -> list[own.Assignment]:
        """Decide the client and scope of every entry of ``item`` with the document as it will
        be stored (its thread, its earlier versions); returns the stored entries whose
        decision changed. Called under the writer lock, just before the write."""
        if item.client:
            item.meta["client_label"] = item.client
            if item.versioned:  # each version keeps the label it was written under
                for e in item.entries:
                    e.meta[ENTRY_LABEL] = item.client
        stored = own.find_document(self.vault, item.kind, item.external_id)
        if stored is not None:
            keep_session_title(item, stored.meta)
        new = facts_of(item)
        facts = merge(reattribution.stored_facts(stored) if stored else None, new, item.versioned)
        ctx = self._context()
        self._used.add(self._ctx_fingerprint)
        dec = decide(facts, ctx)
        where = {id(f): i for i, f in enumerate(facts.entries)}
        for e, f in zip(item.entries, new.entries, strict=True):
            d = dec.entries[where[id(f)]]
            e.client, e.scope = d.client, d.scope
            work = e.meta.get("work")
            if d.problem and d.client is None and isinstance(work, dict):
                work.setdefault("problem", d.problem)
        item.client = dec.client
        self._drop_forgotten(item)
        before = {x.id: (x.client, x.scope) for x in stored.entries} if stored else {}
        return [
            own.Assignment(f.row_id, d.client, d.scope, d.problem)
            for f, d in zip(facts.entries, dec.entries, strict=True)
            if f.row_id is not None and before.get(f.row_id) != (d.client, d.scope)
        ]

    # -- files
    @_disk_full_stops
    def ingest_file(self, path: Path, *, embed: bool = True) -> Outcome:
        path = Path(os.path.abspath(path))
        key = utf8_name(str(path))
        s = self.settings
        if path.name.lower() in SETTINGS_FILES:
            # a copy of the settings beside the material it describes is not material, nor a
            # failure: it made every `ingest` of such a folder exit 65 (QA, session 28)
            return Outcome(
                key,
                SKIPPED,
                f"a trailkeep settings file, not material: the one read is "
                f"{s.home / path.name.lower()} (copy it there to use it)",
            )
        limit, kind, setting = size_limit(path.name, s.max_file_bytes, s.max_note_bytes)
        try:
            # Refused by name and stat before a byte is read; then room for the blob and about
            # as much again for its text in SQL, or DiskFull before anything is written.
            data, st = read_regular(
                path,
                limit,
                kind=kind,
                setting=setting,
                room=lambda size: ensure_room_for(s, 2 * size),
                sniff=lambda head, tail: refuse_unreadable(path.name, head, tail),
            )
        except FileNotFoundError:
            return Outcome(key, GONE)
        except FileChanged as exc:
            return Outcome(key, CHANGING, str(exc))
        except IngestError as exc:
            return self._fail_unread(path, exc)
        if not data.strip() and self.vault.file_state(key) is None:
            # a new empty note (Obsidian makes "Untitled.md" before a word is typed) has nothing
            # to keep: not a failure — it made every `ingest` of the folder exit 65 and sat in
            # `status` (QA, session 18). Read once it has text. A note emptied after it was read
            # still fails, loudly: its old text would otherwise stay current without a word.
            # So does any new empty file: a mail client's or a sync's placeholder was
            # quarantined and counted as a failure (new user's trial, session 29).
            what = "note" if path.name.lower().endswith(NOTE_SUFFIXES) else "file"
            return Outcome(
                key, SKIPPED, f"empty {what}: nothing to keep yet; read once it has text"
            )
        sha = hashlib.sha256(data).hexdigest()
        mtime = datetime.fromtimestamp(st.st_mtime, tz=UTC)
        in_place = self.in_place(path)
        if key.endswith(".jsonl"):
            known = self.vault.file_state(key)
            if known is not None and known[2] == sha and known[3] in DONE:
                return Outcome(key, DUPLICATE)  # a session read before, unchanged since
        tail = self._tail(key, data)  # a growing session: only what was appended (notes/0015)
        body, parser = tail if tail is not None else (data, None)
        read_from = parser.offset if isinstance(parser, _SessionTail) else 0
        out = self.ingest_bytes(
            body,
            sha=sha if tail is None else hashlib.sha256(body).hexdigest(),
            path=key,
            name=utf8_name(path.name),
            identity=identity_for(path, self.inbox),
            mtime=mtime,
            embed=embed,
            in_place=in_place,
            parser=parser,
        )
        if out.status not in (CHANGING,):
            with self.vault.writer("file state"):
                self.vault.set_file_state(key, st.st_size, st.st_mtime_ns, sha, out.status)
            self._remember_resume(key, data, out, read_from)
        return out

    # -- files read in place, files that grow
    def in_place(self, path: Path) -> bool:
        """Under a ``[[source]]`` folder: read where it lies, no copy in blobs/."""
        return any(path.is_relative_to(r.path) for r in self.settings.sources)

    def _tail(self, key: str, data: bytes) -> tuple[bytes, registry.Parser] | None:
        """(the session header line + the bytes from the resume point, a parser for them) when
        the file is a session that only grew since it was read; None: read it whole (new, or
        rewritten from the start — compaction, truncation: its prefix no longer hashes the
        same; entries are keyed by the provider's ids, so a whole re-read duplicates nothing)."""
        if not key.endswith(".jsonl"):
            return None
        point = resume_point(self.vault, key)
        if point is None or point.offset <= 0 or len(data) <= point.offset:
            return None
        if hashlib.sha256(data[: point.offset]).hexdigest() != point.sha256:
            return None
        first = data[: data.find(b"\n") + 1]
        body = data[point.offset :]
        if len(first) < point.offset:
            body = first + body
        return body, _SessionTail(point.position, point.offset)

    def _remember_resume(self, key: str, data: bytes, out: Outcome, read_from: int = 0) -> None:
        """Where the next re-read of this session may start. After a tail read, only the part
        that was read is searched for it (parsing a 50 MB session whole to find the point cost
        more than the append itself): the point found there, else the old one, which still
        holds — the tail that was just read was read from it."""
        if not key.endswith(".jsonl") or out.source_id is None or out.status not in DONE:
            return
        from .parsers.sessions import safe_resume_offset

        try:
            if read_from <= 0:
                offset = safe_resume_offset(data)
            else:
                first = data[: data.find(b"\n") + 1]
                head = first if len(first) < read_from else b""  # as _tail parsed it
                found = safe_resume_offset(head + data[read_from:])
                offset = read_from + max(0, found - len(head))
        except Exception:  # never fail an ingest for the optimisation: re-read whole next time
            offset = 0
        point = None
        if offset > 0:
            position = next_position(self.vault, out.source_id)
            point = Resume(offset, hashlib.sha256(data[:offset]).hexdigest(), position)
        set_resume_point(self.vault, key, point)

    @_disk_full_stops
    def ingest_bytes(
        self,
        data: bytes,
        *,
        sha: str,
        path: str,
        name: str,
        identity: str,
        mtime: datetime | None,
        embed: bool = True,
        in_place: bool = False,
        parser: registry.Parser | None = None,
        again: bool = False,
    ) -> Outcome:
        """Store and parse one file's bytes (``in_place``: keep no copy in blobs/; ``parser``:
        this one, not the registry's pick; ``again``: read them even when they are held
        already — what they say changed, not they).

        The write batch is the file for small formats (notes): the duplicate check and every
        document are written under one hold of the writer lock, so two writers never both take
        the same bytes for new. Streaming formats (exports of many conversations) lock per
        document instead, so a 300 MB import does not shut out the UI for minutes; their
        identity is the provider's ids, so a race cannot duplicate them.
        """
        pick_error = None
        if parser is None:
            try:
                parser = registry.pick(name, data[: registry.HEAD_BYTES])
            except IngestError as exc:
                parser, pick_error = None, str(exc)
        streaming = bool(getattr(parser, "streaming", False))
        hold = contextlib.nullcontext() if streaming else self.vault.writer(f"ingest {name}")
        with hold:
            return self._ingest(
                data, sha, path, name, identity, mtime, embed, parser, pick_error, in_place, again
            )

    def _ingest(
        self,
        data: bytes,
        sha: str,
        path: str,
        name: str,
        identity: str,
        mtime: datetime | None,
        embed: bool,
        parser: registry.Parser | None,
        pick_error: str | None,
        in_place: bool = False,
        again: bool = False,
    ) -> Outcome:
        v = self.vault
        with v.writer(f"ingest {name}"):
            if v.is_tombstoned("sha256", sha):
                return Outcome(path, SKIPPED, "forgotten earlier (tombstone); not ingested again")
            if v.is_current_duplicate(sha) and not again:
                if not in_place:
                    # the same bytes again mend a stored original that went missing or bad
                    # (QA, session 9: doctor could not heal it, and a re-drop was a no-op)
                    v.store_blob(sha, data, heal=True)
                same = v.find_source(path, sha)
                if same is not None and same[1] in ("ingested", "partial", "duplicate"):
                    return Outcome(path, DUPLICATE, source_id=same[0])
                sid = v.begin_source(path, name, sha, len(data))
                v.finish_source(sid, "duplicate")
                return Outcome(path, DUPLICATE, source_id=sid)
            # The bytes first (atomic), then the source row: a source never lacks its blob —
            # unless it is read in place from a watched folder, where it stays.
            if not in_place:
                v.store_blob(sha, data)
            before = v.find_source(path, sha)  # this path gave these bytes before: its state
            sid = v.begin_source(path, name, sha, len(data))
            if in_place:
                keep_in_place(v, sid)
        if parser is None:
            return self._fail(sid, path, name, sha, pick_error or "no parser")
        if parser.name == "markdown-note" and len(data) > self.settings.max_note_bytes:
            return self._fail(
                sid,
                path,
                name,
                sha,
                f"{len(data)} bytes is over the note limit of "
                f"{self.settings.max_note_bytes} bytes (ingest.max_note_mb)",
                parser.name,
            )
        # clients.toml as this ingestor last read it (the watcher's is newer than its settings)
        labels = frozenset(
            n.lower() for c in self._clients for n in (c.id, c.name, *c.aliases) if n
        )
        origin = Origin(name=name, identity=identity, mtime=mtime, labels=labels)
        # this path was read before (with other bytes): an older-dated text now is a revert
        before_here = any(s != sid for s in v.sources_at(path))
        notes: list[str] = []
        docs = changed = refused = 0
        errors: list[str] = []
        warnings: list[str] = []
        try:
            for item in parser.parse(io.BytesIO(data), origin=origin):
                if isinstance(item, ParseProblem):
                    errors.append(f"{item.where}: {item.error}")
                    continue
                try:
                    composed(item)
                    sentence_cues(item)
                    if before_here:
                        _after_what_this_file_said(v, item)
                    drop_repeated_turns(v, item)  # a resumed session's copied turns
                    follow_rename(v, item, path, sid)
                    if again and item.versioned:
                        _where_it_stood(v, item)  # read again, not edited
                    elif item.meta.get("time_from") == "created" and item.versioned:
                        _edited_since_created(v, item, before_here)  # the note, once renamed
                    unchanged = v.current_content(item.kind, item.external_id) == (
                        item.content_sha256
                    )
                    chunks = [] if unchanged else chunk_document(item)
                    with v.writer(f"ingest {name}"):
                        if item.kind == DOC_EMAIL:
                            item.external_id = email_thread(
                                v, item, me=self._context().me, path=path
                            )
                            if reused := item.meta.get("reused_message_id"):
                                warnings.append(
                                    f"a message reusing the Message-ID {reused} of another "
                                    "message (another sender or other words) is kept apart, "
                                    "in a thread of its own: nothing was written over"
                                )
                        if v.is_tombstoned("document", f"{item.kind}:{item.external_id}"):
                            # Forget holds, and says so: new content at a forgotten
                            # document's identity (its path, its conversation id) is not
                            # stored, but never silently (QA: an edited note vanished).
                            warnings.append(forgotten_again(item))
                            refused += 1
                            continue
                        reassign = self._attribute(item)
                        res = (
                            v.write_document(item, chunks, sid, reassign)
                            if item.entries
                            else None  # all of it was a forgotten client's
                        )
                    if res is not None:
                        docs += 1
                        changed += not res.noop
                        if res.new_version and not res.current and before_here:
                            notes.append(earlier_text(item, res.version))
                        if self.on_document is not None:
                            self.on_document(name, docs)
                    warnings.extend(str(w) for w in item.meta.get("warnings", []))
                except DiskFull:
                    raise
                except TrailkeepError as exc:
                    errors.append(f"{item.kind} {item.external_id}: {exc}")
        except IngestError as exc:
            errors.append(str(exc))
        except Exception as exc:  # a parser bug must not stop the watcher; recorded, not hidden
            if is_disk_full(exc, self.settings.home):
                raise  # not the file's fault: it stays pending, no quarantine (issue 20)
            errors.append(f"parser {parser.name} crashed: {type(exc).__name__}: {exc}")
        warnings = said_once(warnings)
        if errors and docs == 0:
            return self._fail(sid, path, name, sha, "; ".join(errors)[:4000], parser.name)
        if refused and docs == 0 and not errors:
            # all of it was forgotten content: no bytes of it are kept (QA, session 9: the
            # edited note's new bytes stayed in blobs/ although "not stored")
            refusal = "; ".join(warnings)[:4000]
            with v.writer(f"ingest {name}"):
                v.finish_source(sid, "forgotten", refusal, parser.name)
                if not in_place:
                    v.drop_blob_unless_held(sha, sid)
            return Outcome(path, SKIPPED, refusal, 0, sid)
        status = PARTIAL if errors or warnings else INGESTED
        nothing_new = bool(status == INGESTED and docs and not changed)
        # Bytes already held (an older version of its document, from this path or a copy):
        # nothing changed in the vault, and the count says so — and so does `status`, unless
        # this very path stored them first (QA, session 10: ingest said "10 duplicates" of a
        # copied folder and status counted 7 of them as ingested sources).
        # (a row of this path left pending by a crash after its write is this path's own:
        # ingested, not a duplicate — review, session 10)
        recorded = DUPLICATE if before is None else (before[1] if before[1] in DONE else status)
        if again:
            recorded = status  # what this reading says, not what the earlier one did
        message = "; ".join(errors + warnings)[:4000] or None
        with v.writer(f"ingest {name}"):
            v.finish_source(sid, recorded if nothing_new else status, message, parser.name)
        if embed and v.pending_count() >= 1:
            v.embed_pending()  # the model runs outside the writer lock
        if nothing_new:
            return Outcome(path, DUPLICATE, None, docs, sid)
        return Outcome(path, status, message, docs, sid, "; ".join(notes) or None)

    # -- failures
    def _fail_unread(self, path: Path, exc: IngestError) -> Outcome:
        """Record a file that was not read (whole): no blob, and a key that cannot be taken
        for the sha256 of its bytes. A file refused for its size is named by the sha256 of its
        first MB (``unreadable:head:<hex>``) and its size; others by their path."""
        key = utf8_name(str(path))
        sha = "unreadable:" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
        size = 0
        if isinstance(exc, (FileTooLarge, UnsupportedFormat)):
            with contextlib.suppress(OSError):
                size = os.lstat(path).st_size
                sha = "unreadable:head:" + head_sha256(path)
        name = utf8_name(path.name)
        with self.vault.writer("ingest failure"):
            sid = self.vault.begin_source(key, name, sha, size)
        return self._fail(sid, key, name, None, str(exc))

    def _fail(
        self,
        sid: int,
        path: str,
        name: str,
        sha: str | None,
        error: str,
        parser: str | None = None,
    ) -> Outcome:
        with self.vault.writer("ingest failure"):
            self.vault.finish_source(sid, FAILED, error, parser)
        self._quarantine(sid, name, sha, path, error)
        return Outcome(path, FAILED, error, 0, sid)

    def _unquarantine(self, sid: int, name: str) -> None:
        """Remove the quarantine link and note of a source that is now ingested."""
        base = self.settings.quarantine / f"{sid:06d}-{_safe_name(name)}"
        for p in (base, base.with_name(base.name + ".error.txt")):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()

    def _quarantine(self, sid: int, name: str, sha: str | None, path: str, error: str) -> None:
        """quarantine/<source id>-<name> links to the stored bytes, with an .error.txt beside it.
        The original stays where the user put it."""
        q = self.settings.quarantine
        q.mkdir(parents=True, exist_ok=True, mode=0o700)
        base = q / f"{sid:06d}-{_safe_name(name)}"
        if sha is not None and self.vault.has_blob(sha) and not base.exists():
            with contextlib.suppress(OSError):
                os.link(self.vault.blob_path(sha), base)
        note = (
            f"source: {path}\nsource id: {sid}\nsha256: {sha or '-'}\n"
            f"when: {datetime.now(UTC).isoformat(timespec='seconds')}\nerror: {error}\n"
            "The original file was left where it was. trailkeep retries it when its bytes change, "
            "or run `trailkeep retry`.\n"
        )
        base.with_name(base.name + ".error.txt").write_text(note, encoding="utf-8")

    # -- folders
    @_disk_full_stops
    def ingest_paths(
        self,
        paths: Iterable[Path],
        *,
        progress: Callable[[Outcome], None] | None = None,
    ) -> Summary:
        t0 = time.perf_counter()
        summary = Summary()
        for p in paths:
            out = self.ingest_file(p, embed=False)
            summary.add(out)
            if progress:
                progress(out)
            if self.vault.pending_count() >= EMBED_BATCH:
                self.vault.embed_pending()
        self.vault.embed_pending()
        self.settle()
        summary.seconds = time.perf_counter() - t0
        return summary

    def read_again(self, rows: Iterable[tuple[str, str, str, datetime]]) -> Summary:
        """Read these sources again — (path, name, sha256, the time of their version) — from
        their stored bytes, or their file while it holds them: what they say changed, not they
        (a label clients.toml now names). Each new reading stands where the version it reads
        again stood."""
        summary = Summary()
        for path, name, sha, when in rows:
            data = self._held_bytes(path, sha)
            if data is None:
                continue  # neither stored nor still in its file: read when it changes
            summary.add(
                self.ingest_bytes(
                    data,
                    sha=sha,
                    path=path,
                    name=name,
                    identity=identity_for(Path(path), self.inbox),
                    mtime=when,
                    embed=False,
                    again=True,
                )
            )
        return summary

    def _held_bytes(self, path: str, sha: str) -> bytes | None:
        if self.vault.has_blob(sha):
            return self.vault.read_blob(sha)
        with contextlib.suppress(OSError):
            data = Path(path).read_bytes()
            if hashlib.sha256(data).hexdigest() == sha:
                return data
        return None

    @_disk_full_stops
    def retry(self, source_ids: Iterable[int] | None = None) -> Summary:
        """Re-ingest failed, partial and pending sources (all, or the given ones) from their
        stored bytes (or the file)."""
        only = None if source_ids is None else {int(i) for i in source_ids}
        rows = [r for r in unfinished_sources(self.vault) if only is None or r[0] in only]
        summary = Summary()
        t0 = time.perf_counter()
        for _sid, path, name, sha in rows:
            p = Path(path)
            if p.exists() or not self.vault.has_blob(str(sha)):
                summary.add(self.ingest_file(p, embed=False))
            else:
                data = self.vault.read_blob(str(sha))
                summary.add(
                    self.ingest_bytes(
                        data,
                        sha=str(sha),
                        path=str(path),
                        name=str(name),
                        identity=identity_for(p, self.inbox),
                        mtime=None,
                        embed=False,
                    )
                )
        self.vault.embed_pending()
        summary.seconds = time.perf_counter() - t0
        return summary


def _after_what_this_file_said(v: Vault, doc: ParsedDocument) -> None:
    """A note whose time is only its file's mtime, read again from the same path with other
    words, is the file's newest text whatever the mtime says: a sync client keeps the mtime of
    the device that wrote it, and a device with a wrong clock made a real edit "superseded"
    (QA, session 14; a future mtime kept an old text current). Its time is when it was read,
    unless the current version says later."""
    if doc.meta.get("time_from") != "mtime" or not doc.versioned:
        return
    now = datetime.now(UTC)
    current = v.current_time(doc.kind, doc.external_id)
    if doc.timestamp is None or doc.timestamp > now:
        doc.timestamp = now
    if current is not None and doc.timestamp <= current:
        doc.timestamp = max(now, current + timedelta(seconds=1))


def _where_it_stood(v: Vault, doc: ParsedDocument) -> None:
    """A text read again (not edited) stands where its current version stands: an edit placed
    by its file's time, a note dated by its mtime (review, session 24: the re-read of an edited
    note went behind the edit, and its hours were never billed)."""
    now = v.current_time(doc.kind, doc.external_id)
    if now is not None and doc.timestamp is not None and now != doc.timestamp:
        _move(doc, now)


def _move(doc: ParsedDocument, when: datetime) -> None:
    """Place a document at ``when``, and its passages that were at its time (a work line's day
    is the note's date, as before)."""
    was, doc.timestamp = doc.timestamp, when
    for e in doc.entries:
        if e.timestamp == was and e.kind != "work":
            e.timestamp = when


def _edited_since_created(v: Vault, doc: ParsedDocument, here_before: bool) -> None:
    """A note whose time is its front-matter ``date:`` (when it was begun; no ``updated:``),
    read again with other words and the same date as its first version, is an edit made
    later: it is placed by its file's time, else when it was read, after the current version
    (QA, session 19: three edits of a risk register kept ``date: 2026-01-15``; every version
    was "2026-01-15", `--until February` answered with May's text and `when` said a May
    sentence was first said in January). After such an edit, a text of the same file whose
    date moved forward (the date corrected) is the newest too; a copy from elsewhere with a
    date between is placed by its date. A text with an earlier date is placed by that date,
    as before; so is one after a text that said ``updated:`` (a revert: placed by its date, and
    told). Notes/0014, "`date:` is when a note was begun"."""
    if doc.timestamp is None:
        return
    first, stored = v.first_time(doc.kind, doc.external_id)
    if first is None or stored.get("time_from") != "created":
        return  # a new note (one query, the common case), or one that said `updated:`
    current = v.current_time(doc.kind, doc.external_id)
    if current is None or v.current_content(doc.kind, doc.external_id) in (
        doc.content_sha256,
        None,
    ):
        return
    edit = doc.timestamp == first
    moved_on = here_before and bool(stored.get("edited_later")) and first < doc.timestamp <= current
    if not (edit or moved_on):
        return
    now = datetime.now(UTC)
    raw = doc.meta.get("file_time")
    file_time = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    if file_time is not None and file_time.tzinfo is None:
        file_time = file_time.replace(tzinfo=UTC)
    if file_time is not None and current < file_time <= now:
        _move(doc, file_time)
    else:
        _move(doc, max(now, current + timedelta(seconds=1)))
    doc.meta["edited_later"] = True  # placed by its file time: the next text is judged by it


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isprintable() and ch not in "/\\" else "_" for ch in name)[:120]


def walk(
    paths: Iterable[Path],
    not_files: list[Path] | None = None,
    unreadable: list[tuple[Path, str]] | None = None,
) -> Iterator[Path]:
    """Files under the given paths: symlinks are not followed, hidden dirs and junk skipped.
    Inside a folder, a link, FIFO, device or socket, or a sync service's conflict copy, is
    passed over (appended to ``not_files``), never opened and never a failure: a notes folder
    holding a symlink made `ingest` exit 65 for good (QA, session 14). A path given by itself
    is yielded whatever it is: asked for by name, it gets its reason — except a link to a
    folder, which is walked under its own name: the inbox or a ``[[source]]`` folder kept as a
    link into a synced drive was refused whole (QA, session 14); the user named it.
    A folder that cannot be listed goes to ``unreadable`` with why: its notes were skipped
    without a word (QA, session 18)."""

    def cannot_list(exc: OSError) -> None:
        if unreadable is not None:
            unreadable.append((Path(exc.filename or "?"), exc.strerror or str(exc)))

    for p in paths:
        if p.is_dir():
            root = p
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False, onerror=cannot_list):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                if not_files is not None:  # a linked folder is not followed: say so
                    not_files += [Path(dirpath) / d for d in dirnames if _linked(dirpath, d)]
                for f in sorted(filenames):
                    fp = Path(dirpath) / f
                    if is_ignored(fp, root):
                        if not_files is not None and is_conflict_copy(f):
                            not_files.append(fp)  # said, for the user to resolve
                        continue
                    if not _regular(fp):
                        if not_files is not None:
                            not_files.append(fp)
                        continue
                    yield fp
        else:
            yield p


def _linked(folder: str, name: str) -> bool:
    return os.path.islink(os.path.join(folder, name))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return True  # gone or unreadable: its reading says so


__all__ = [
    "DOC_NOTE",
    "Ingestor",
    "Outcome",
    "Summary",
    "identity_for",
    "read_regular",
    "walk",
]
