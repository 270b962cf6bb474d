"""Markdown field notes: YAML front matter, sections by heading as entries, code and wikilinks kept.

Identity (notes/0001-data-model.md): front-matter ``id``, else the path relative to the inbox
(``Origin.identity``), else the absolute path. The version content is the file's bytes.
Timestamp: ``updated`` / ``date`` / ``created`` from front matter, else a date in the file name
(:func:`date_from_name`: daily and journal notes), else the file's mtime.

Front matter is bounded (:func:`split_front_matter`): over 64 KB, or expanding through aliases
past a few thousand nodes ("billion laughs"), or nested too deep, it is kept as text with a
warning, like invalid YAML, within milliseconds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any, BinaryIO

import yaml
from markdown_it import MarkdownIt

from trailkeep.vault.records import DOC_DRAFT, DOC_NOTE, Origin, ParsedDocument, ParsedEntry

from ..cues import tag_text
from ..errors import ParseError
from ..text import decode_text, parse_time
from ..worklog import (
    LinesAbove,
    WorkLine,
    heading_label,
    hours_text,
    match_work_line,
    parse_duration,
    table_rows,
    unread_work_line,
)

_FM = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MD = MarkdownIt("commonmark")
_KNOWN_FM = ("id", "title", "client", "project", "date", "updated", "created", "tags", "hours")
_DAY_IN_NAME = re.compile(r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_DIGIT = re.compile(r"\d")  # no digit, no work line (a regex: a 10 MB section takes 5 s by char)


def parse_when(value: Any) -> datetime | None:
    """Front-matter dates: datetime, date, ISO strings, epoch seconds or milliseconds."""
    return parse_time(value)


def _plain(value: Any) -> Any:
    """Front-matter values made JSON-safe (dates as ISO strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


MAX_FRONT_MATTER = 64 * 1024  # characters
MAX_YAML_NODES = 5_000  # after alias expansion: a "billion laughs" stops here, in milliseconds
MAX_YAML_DEPTH = 64


class _TooLarge(yaml.YAMLError):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts the nodes a document expands to (an alias counts as the whole
    node it repeats) and its nesting depth, and refuses recursive aliases: every structure it
    returns is a finite tree of at most MAX_YAML_NODES nodes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        # "hours: 1:20" is a duration or a clock time, never YAML 1.1's base 60 (80): YAML 1.2
        # dropped it (QA, session 16: a note's 1h20m was refused as "80 hours")
        value = self.construct_scalar(node)
        if isinstance(value, str) and ":" in value:
            return value
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        value = self.construct_scalar(node)
        if isinstance(value, str) and ":" in value:
            return value
        return super().construct_yaml_float(node)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # type: ignore[no-untyped-call]
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise _TooLarge("an alias refers to the node that contains it")
            self._nodes += self._sizes[id(node)]
        else:
            self._depth += 1
            if self._depth > MAX_YAML_DEPTH:
                raise _TooLarge(f"nested deeper than {MAX_YAML_DEPTH} levels")
            before = self._nodes
            node = super().compose_node(parent, index)
            self._depth -= 1
            self._nodes += 1
            self._sizes[id(node)] = self._nodes - before
        if self._nodes > MAX_YAML_NODES:
            raise _TooLarge(f"expands to more than {MAX_YAML_NODES} values (aliases)")
        return node

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        """``date: 2026-02-30`` looks like a timestamp to YAML but is no date: kept as the text
        written (the note is then dated by its file name or mtime, with a warning), never a
        crash that loses the note."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_BoundedLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _BoundedLoader.construct_lenient_timestamp
)
_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.add_constructor("tag:yaml.org,2002:float", _BoundedLoader.construct_yaml_float)


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _flow_too_deep(raw: str) -> bool:
    """Brackets nested past MAX_YAML_DEPTH (quotes ignored: a cheap over-estimate). PyYAML's
    scanner spends long on deep flow collections before the composer sees the first node."""
    s = _NOT_BRACKET.sub("", raw)
    for _ in range(MAX_YAML_DEPTH):
        shorter = s.replace("[]", "").replace("{}", "")
        if shorter == s:
            return len(s) > MAX_YAML_DEPTH
        s = shorter
    return True


def load_yaml(raw: str) -> Any:
    """``yaml.safe_load`` within the bounds above (raises yaml.YAMLError past them)."""
    if _flow_too_deep(raw):
        raise _TooLarge(f"nested deeper than {MAX_YAML_DEPTH} levels")
    loader = _BoundedLoader(raw)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str, str | None]:
    """Return (front matter, body, raw front matter kept as text when broken, warning).

    Bounded: front matter over MAX_FRONT_MATTER characters is not parsed, and the YAML is read
    by :func:`load_yaml`; both are kept as text with a warning."""
    m = _FM.match(text[: MAX_FRONT_MATTER + 1024])
    if not m:
        if not text.startswith("---") or len(text) <= MAX_FRONT_MATTER:
            return {}, text, "", None
        m = _FM.match(text)
        if not m:
            return {}, text, "", None
    raw = m.group(1)
    body = text[m.end() :]
    if len(raw) > MAX_FRONT_MATTER:
        return (
            {},
            body,
            raw,
            (f"front matter is larger than {MAX_FRONT_MATTER // 1024} KB; kept as text"),
        )
    try:
        fm = load_yaml(raw)
    except _TooLarge as exc:
        return {}, body, raw, f"front matter {exc}; kept as text"
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "parse error"
        return {}, body, raw, f"front matter is not valid YAML ({first}); kept as text"
    if fm is None:
        return {}, body, "", None
    if not isinstance(fm, dict):
        return {}, body, raw, "front matter is not a mapping; kept as text"
    return {str(k): v for k, v in fm.items()}, body, "", None


def _sections(body: str) -> list[tuple[int, str, int, int]]:
    """Headings outside code blocks: (level, title, first line, line after the heading)."""
    tokens = _MD.parse(body)
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            title = tokens[i + 1].content.strip() if i + 1 < len(tokens) else ""
            out.append((int(tok.tag[1]), title, tok.map[0], tok.map[1]))
    return out


def wikilinks(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _WIKILINK.finditer(text):
        inner = m.group(2)
        label, _, target = inner.partition("|")
        if not target:
            target, label = label, ""
        out.append({"target": target.strip(), "label": label.strip(), "embed": m.group(1) == "!"})
    return out


class NotesParser:
    name = "markdown-note"

    def score(self, name: str, head: bytes) -> int | None:
        lower = name.lower()
        if lower.endswith((".md", ".markdown", ".mdx")):
            return 50
        return None

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[ParsedDocument]:
        data = stream.read()
        if not data.strip():
            raise ParseError(f"{origin.name}: empty note (no text)")
        text, encoding = decode_text(data, origin.name)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        fm, body, raw_fm, warning = split_front_matter(text)
        title = str(fm.get("title") or "").strip()
        heads = _sections(body)
        if not title:
            # the one top heading is the note's title; several are its parts, and the first
            # is not the title of the others ("# Northwind … # Clearview" in a daily note made
            # "Northwind > Clearview" of Clearview's part, withheld from Clearview: QA,
            # session 16)
            h1s = [h for h in heads if h[0] == 1 and h[1]]
            title = h1s[0][1] if len(h1s) == 1 else _stem(origin.name)
        said = (
            parse_when(fm.get("updated"))
            or parse_when(fm.get("date"))
            or parse_when(fm.get("created"))
        )
        # only the file's mtime tells when: a weak clock (a synced device's), said in meta
        by_mtime = said is None and date_from_name(origin.name) is None
        when = said or name_time(origin.name, origin.mtime)
        for key in ("updated", "date", "created"):
            value = fm.get(key)
            if value not in (None, "") and parse_when(value) is None:
                bad = f"front matter {key}: {str(value)[:40]!r} is not a date; not used"
                warning = f"{warning}; {bad}" if warning else bad
        entries = self._entries(body, heads, title, when)
        draft_id = _opt_str(fm.get("trailkeep_draft"))
        read = text
        if draft_id is None:  # a draft trailkeep wrote is never a source of billable work
            # "- 1.5h kittiwake - travel" is work only once clients.toml names kittiwake: what
            # the note says then is more than its words (a note read before clients.toml is
            # read again when it names the client: ingest/reattribution.py)
            by_label = sorted(
                {
                    ln.strip()
                    for ln in body.split("\n")
                    if match_work_line(ln) is None and match_work_line(ln, origin.labels)
                }
            )
            if by_label:
                read = "\n\0".join([text, *by_label])
            day, undated = work_day(fm, origin.name, when, by_mtime)
            entries = split_work_lines(entries, day, undated, origin.labels)
            # a timesheet table's rows whose client is its heading's, by clients.toml: as
            # above, what the note says then is more than its words
            headed = sorted(
                e.text
                for e in entries
                if e.kind == "work"
                and e.meta["work"].get("origin") == "table"
                and e.meta["work"].get("by_heading")
            )
            if headed:
                read = "\n\0".join([read, *headed])
            for why in unread_work(entries, origin.labels):
                warning = f"{warning}; {why}" if warning else why
            fm_work = front_matter_work(fm, title, day, when, undated)
            if fm_work is not None:
                entries.append(fm_work)
        if raw_fm.strip():
            entries.insert(
                0,
                ParsedEntry(
                    key=f"{title} > (front matter)",
                    kind="front_matter",
                    text=raw_fm,
                    position=-1,
                    title=f"{title} > (front matter)",
                    timestamp=when,
                ),
            )
        if not entries:
            # A stub (Dendron hierarchy notes, templates): front matter only. Its title and
            # description are what it says; keep them as its one entry.
            desc = str(fm.get("desc") or fm.get("description") or "").strip()
            if not fm:
                raise ParseError(f"{origin.name}: note has no text")
            entries = [
                ParsedEntry(
                    key=title,
                    kind="stub",
                    text="\n".join(x for x in (title, desc) if x),
                    position=0,
                    title=title,
                    timestamp=when,
                )
            ]
        ident = fm.get("id")
        external_id = f"id:{ident}" if ident not in (None, "") else f"path:{origin.identity}"
        if draft_id is not None:
            external_id = f"draft:{draft_id}"
        tags = fm.get("tags") or []
        if isinstance(tags, str):
            tags = [t.strip() for t in tags.split(",") if t.strip()]
        meta: dict[str, Any] = {
            "front_matter": _plain({k: v for k, v in fm.items() if k not in _KNOWN_FM}),
            "tags": _plain(tags) if isinstance(tags, list) else [],
            "encoding": encoding,
            "path": origin.identity,
        }
        if project := _opt_str(fm.get("project")):
            meta["project"] = project  # attribution reads it: a codename names its client
        if warning:
            meta["warnings"] = [warning]
        if by_mtime:
            meta["time_from"] = "mtime"
        elif parse_when(fm.get("updated")) is None and said is not None:
            # `date:`/`created:` is when the note was begun, not when this text was written: an
            # edit that keeps it is placed by its file time (ingest/pipeline.py)
            meta["time_from"] = "created"
            if origin.mtime is not None:
                meta["file_time"] = origin.mtime.isoformat()
        yield ParsedDocument(
            kind=DOC_NOTE if draft_id is None else DOC_DRAFT,
            external_id=external_id,
            title=title,
            # of the text, not the bytes: a sync client switching line ends, or Notepad adding
            # a BOM, made a version that changed no word (QA, session 14). A UTF-8 file with
            # LF line ends and no BOM hashes as its bytes, as before.
            content_sha256=hashlib.sha256(read.encode("utf-8", "surrogatepass")).hexdigest(),
            timestamp=when,
            entries=entries,
            client=_opt_str(fm.get("client")),
            project=_opt_str(fm.get("project")),
            versioned=True,
            meta=meta,
        )

    def _entries(
        self,
        body: str,
        heads: list[tuple[int, str, int, int]],
        title: str,
        when: datetime | None,
    ) -> list[ParsedEntry]:
        lines = body.split("\n")
        spans: list[tuple[list[str], int, int]] = []  # (path, start line of text, end line)
        first = heads[0][2] if heads else len(lines)
        if "\n".join(lines[:first]).strip():
            spans.append(([title], 0, first))
        stack: list[tuple[int, str]] = []
        for i, (level, head, _start, head_end) in enumerate(heads):
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, head or "(untitled)"))
            end = heads[i + 1][2] if i + 1 < len(heads) else len(lines)
            path = [h for _, h in stack]
            if path[0] != title:
                path = [title, *path]
            spans.append((path, head_end, end))
        entries = []
        seen: dict[str, int] = {}
        for pos, (path, start, end) in enumerate(spans):
            chunk_text = "\n".join(lines[start:end]).strip("\n")
            if not chunk_text.strip() and len(spans) > 1:
                continue  # a heading straight over its subheadings: no entry of nothing
            key = " > ".join(path)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key} #{seen[key]}"
            entries.append(
                ParsedEntry(
                    key=key,
                    kind="section",
                    text=chunk_text,
                    position=pos,
                    title=" > ".join(path),
                    timestamp=when,
                    indexed=True,
                    tags=tag_text(chunk_text),
                    meta={"wikilinks": wikilinks(chunk_text)} if "[[" in chunk_text else {},
                )
            )
        return entries


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def _opt_str(v: Any) -> str | None:
    if v is None or v == "":
        return None
    return str(v).strip() or None


def date_from_name(name: str) -> date | None:
    """The day a file name carries: ``2026-10-14``, ``20261014``, ``2026_10_14`` (journals),
    ``2026.10.14``, anywhere in the base name (the first valid one); else None."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for m in _DAY_IN_NAME.finditer(base):
        try:
            d = date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        except ValueError:
            continue
        if 1900 <= d.year <= 2199:
            return d
    return None


def name_time(name: str, mtime: datetime | None) -> datetime | None:
    """A note's time when its content has none: the day in its file name (the file's mtime
    when that falls on the same day, for the hour), else the mtime."""
    day = date_from_name(name)
    if day is None:
        return mtime
    if mtime is not None and mtime.date() == day:
        return mtime
    return datetime.combine(day, time(0), tzinfo=UTC)


def work_day(
    fm: dict[str, Any], name: str, when: datetime | None, by_mtime: bool = False
) -> tuple[str | None, str | None]:
    """(the date of a note's work lines, why they have none): front-matter ``date``, else a
    day in the file name (daily notes, :func:`date_from_name`), else the note's timestamp —
    the file's mtime taken on the user's own clock (QA, session 16: a note saved at 21:30 in
    New York on Oct 31 billed in November, its UTC day). A front-matter date that cannot be
    read dates nothing: its work waits, named, rather than being billed today (QA, session
    16: `date: 31/10/2026` put October's workshop on November's invoice)."""
    raw = fm.get("date")
    d = parse_when(raw)
    if d is not None:
        return d.date().isoformat(), None
    day = date_from_name(name)
    if day is not None:
        return day.isoformat(), None
    if raw not in (None, ""):
        return None, f"the note's date {str(raw)[:40]!r} is not a date (write YYYY-MM-DD)"
    if when is None:
        return None, None
    return (when.astimezone() if by_mtime else when).date().isoformat(), None


def work_entry(
    w: WorkLine, key: str, position: int, day: str | None, origin: str, undated: str | None = None
) -> ParsedEntry:
    return ParsedEntry(
        key=key,
        kind="work",
        text=w.line,
        position=position,
        title=f"work {day or 'undated'} {w.client}",
        client=w.client,
        meta={
            "work": {
                "origin": origin,
                "day": day,
                "client": w.client,
                "hours": hours_text(w.hours),
                "description": w.description,
                "rate": None,
                **({"problem": undated} if undated and day is None else {}),
            }
        },
    )


def split_work_lines(
    entries: list[ParsedEntry],
    day: str | None,
    undated: str | None = None,
    labels: frozenset[str] = frozenset(),
) -> list[ParsedEntry]:
    """Each work line becomes its own entry (so billing and per-client scoping work line by
    line) and leaves its section's text. Lines inside code fences are never work lines."""
    out: list[ParsedEntry] = []
    seen: dict[str, int] = {}
    for e in entries:
        if e.kind != "section" or not _DIGIT.search(e.text):
            out.append(e)
            continue
        kept: list[str] = []
        found: list[tuple[WorkLine, str | None, str]] = []  # (work, its day, its origin)
        fenced = False
        lines = e.text.split("\n")
        shown: list[str] = []  # the lines as a table reads them: a code fence's are ""
        for line in lines:
            if _FENCE.match(line):
                fenced = not fenced
                shown.append("")
            else:
                shown.append("" if fenced else line)
        heading = heading_label(e.title, labels) if "|" in e.text else None
        # (the section's own heading says what its tables are: "## Next week", "## Estimate")
        own = e.title.split(" > ")[-1]
        rows = table_rows(shown, heading, own, day) if "|" in e.text else {}
        for i, line in enumerate(lines):
            if i in rows:
                found.append((rows[i].work, rows[i].day, "table"))
                continue
            w = None if not shown[i] else match_work_line(line, labels)
            if w is None:
                kept.append(line)
            else:
                found.append((w, day, "line"))
        if not found:
            out.append(e)
            continue
        rest = "\n".join(kept).strip("\n")
        if rest.strip():
            e.text = rest
            e.tags = tag_text(rest)
            out.append(e)
        for w, on, how in found:
            key = w.key
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
            we = work_entry(w, key, 0, on, how, undated if how == "line" else None)
            if how == "table" and w.client == heading:
                we.meta["work"]["by_heading"] = True
            we.timestamp = e.timestamp
            out.append(we)
    for i, e in enumerate(out):
        e.position = i
    return out


MAX_UNREAD_SAID = 5  # lines that look like work but are not, each named; then a count


def unread_work(entries: list[ParsedEntry], labels: frozenset[str] = frozenset()) -> list[str]:
    """The lines left in sections that look like work lines but cannot be read as one ("- 7.5
    acme: …" has no unit, "- 25h acme: …" is over a day): the user is told instead of the
    hours being lost without a word (QA, session 12). A table's rows are read with its header
    (QA, session 19: "| acme | 3 | fixed the export |" under "| client | hours | … |")."""
    found: list[str] = []
    for e in entries:
        if e.kind != "section" or not _DIGIT.search(e.text):
            continue
        fenced = False
        parts = e.title.split(" > ")
        above = LinesAbove(heading=parts[-1] if len(parts) > 1 else "", clients_known=bool(labels))
        for line in e.text.split("\n"):
            if _FENCE.match(line):
                fenced = not fenced
            why = unread_work_line("" if fenced else line, above, labels)
            if why:
                found.append(f"not a work line, {why}: {line.strip()[:80]!r}")
    if len(found) > MAX_UNREAD_SAID:
        found = [*found[:MAX_UNREAD_SAID], f"and {len(found) - MAX_UNREAD_SAID} more such lines"]
    return found


def front_matter_work(
    fm: dict[str, Any],
    title: str,
    day: str | None,
    when: datetime | None,
    undated: str | None = None,
) -> ParsedEntry | None:
    """``hours:`` in front matter (with ``client``; ``date`` or the note's date) is one item."""
    if "hours" not in fm or fm.get("hours") in (None, ""):
        return None
    raw = str(fm["hours"])
    client = _opt_str(fm.get("client")) or ""
    try:
        hours = parse_duration(raw)
    except ParseError as exc:
        hours, problem = None, str(exc)
    else:
        problem = "" if client else "front matter has hours but no client"
    problem = problem or (undated if day is None else None) or ""
    line = f"{raw.strip()} {client or '(no client)'}: {title}"
    e = ParsedEntry(
        key="work:front-matter",
        kind="work",
        text=line,
        position=10_000,
        title=f"work {day or 'undated'} {client}",
        client=client or None,
        timestamp=when,
        meta={
            "work": {
                "origin": "front_matter",
                "day": day,
                "client": client,
                "hours": hours_text(hours) if hours is not None else None,
                "description": str(fm.get("description") or title),
                "rate": None,
                "problem": problem or None,
            }
        },
    )
    return e
