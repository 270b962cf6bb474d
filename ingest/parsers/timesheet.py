"""Timesheet CSV: ``date,client,hours,description[,rate]``, one work item (entry) per row.

The header names the columns (any order, case-insensitive). A bad row is reported by its line
number (a :class:`ParseProblem`) and the good rows are ingested. Hours as in
:func:`trailkeep.ingest.worklog.parse_duration` ("2.5", "2,5", "90m", "1h15m"); a row's ``rate``
overrides the client's. The file is versioned like a note: re-dropping an edited timesheet is a new
version, and the vault matches its rows to the work items already known.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from trailkeep.vault.records import Origin, ParsedDocument, ParsedEntry, ParseProblem

from ..errors import ParseError
from ..text import parse_time, text_lines
from ..worklog import hours_text, parse_duration

DOC_TIMESHEET = "timesheet"
REQUIRED = ("date", "client", "hours", "description")
# A busy consultant logs a few thousand rows a year; 50,000 rows are decades of work. The rows are
# held until the document is stored (about 1 kB each), so the limit is what bounds memory: a
# timesheet of any size parses in under ~60 MB (notes/0010, "How many rows").
MAX_ROWS = 50_000
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


# Excel in German, French and other locales saves CSV with ";" (the comma is their decimal
# mark), and some tools with tabs (QA, session 14: a ";" timesheet was "no parser accepts").
DELIMITERS = (",", ";", "\t")


def _delimiter(first_line: str) -> str:
    """The delimiter whose split of the header names every required column (a comma if none)."""
    for d in DELIMITERS:
        if set(REQUIRED) <= {c.strip().strip('"').lower() for c in first_line.split(d)}:
            return d
    return ","


def _header(head: bytes) -> list[str]:
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace").strip().lower()
    return [c.strip().strip('"') for c in first.split(_delimiter(first))]


class TimesheetParser:
    name = "timesheet-csv"

    def score(self, name: str, head: bytes) -> int | None:
        if not name.lower().endswith(".csv"):
            return None
        if head and not set(REQUIRED) <= set(_header(head)):
            return None
        return 60

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[ParsedDocument | ParseProblem]:
        lines, encoding, sha256 = text_lines(stream, origin.name)  # never the whole text
        lines = iter(lines)
        first = next(lines, "")
        delimiter = _delimiter(first)
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            header = [c.strip().lower() for c in next(reader)]
        except StopIteration:
            raise ParseError(f"{origin.name}: empty timesheet") from None
        except csv.Error as exc:
            raise ParseError(f"{origin.name}: {exc}") from exc
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ParseError(
                f"{origin.name}: timesheet header lacks {', '.join(missing)} "
                "(expected date,client,hours,description[,rate])"
            )
        col = {name: header.index(name) for name in (*REQUIRED, "rate") if name in header}
        entries: list[ParsedEntry] = []
        seen: dict[str, int] = {}
        shared: dict[Any, Any] = {}  # one object per repeated date, client, hours, title
        rows = 0
        try:
            for row in reader:
                line = reader.line_num
                rows += 1
                if rows > MAX_ROWS:
                    yield ParseProblem(f"line {line}", f"more than {MAX_ROWS} rows; rest skipped")
                    break
                if not any(c.strip() for c in row):
                    continue
                if len(row) != len(header) and any(c.strip() for c in row[len(header) :]):
                    # "2026-03-02,acme,1,5,workshop": a decimal comma shifted the cells, and
                    # billing 1 h described as "5" would be wrong (QA, session 12)
                    yield ParseProblem(
                        f"{origin.name} line {line}",
                        f"{len(row)} cells for {len(header)} columns (a {_NAMES[delimiter]} "
                        'inside a value? quote it: "1,5")',
                    )
                    continue
                try:
                    entries.append(_row_entry(row, col, line, seen, shared))
                except ParseError as exc:
                    yield ParseProblem(f"{origin.name} line {line}", str(exc))
        except csv.Error as exc:
            yield ParseProblem(f"{origin.name} line {reader.line_num}", str(exc))
        if not entries:
            raise ParseError(f"{origin.name}: no valid timesheet rows")
        yield ParsedDocument(
            kind=DOC_TIMESHEET,
            external_id=f"path:{origin.identity}",
            title=origin.name,
            content_sha256=sha256,
            timestamp=origin.mtime,
            entries=entries,
            versioned=True,
            meta={"encoding": encoding, "path": origin.identity, "rows": len(entries)},
        )


def _cell(row: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def _row_entry(
    row: list[str],
    col: dict[str, int],
    line: int,
    seen: dict[str, int],
    shared: dict[Any, Any],
) -> ParsedEntry:
    """One row as a work item. ``shared`` holds one copy of each value rows repeat (a day's
    date, the client, the hours, the title): a 50,000-row file keeps one of each, not 50,000."""

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    day_raw, client = _cell(row, col, "date"), one(_cell(row, col, "client"))
    when = shared.get(("time", day_raw))
    if when is None and day_raw:
        when = shared.setdefault(("time", day_raw), parse_time(day_raw))
    if when is None:
        raise ParseError(f"date {day_raw!r} is not a date (use YYYY-MM-DD)")
    if not client:
        raise ParseError("no client")
    hours = parse_duration(_cell(row, col, "hours"))
    desc = _cell(row, col, "description")
    if not desc:
        raise ParseError("no description")
    rate_raw = _cell(row, col, "rate")
    rate: str | None = None
    if rate_raw:
        if re.fullmatch(r"\d{1,3},\d{3}", rate_raw):
            # "1,250" is 1250 in English and 1.25 in German: billed as 1.25 it lost a thousand
            # times the money (QA, session 16). Refused, never guessed.
            raise ParseError(
                f"rate {rate_raw!r} is ambiguous (thousands or decimals?): write "
                f"{rate_raw.replace(',', '')} or {rate_raw.replace(',', '.')}"
            )
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", rate_raw):  # "1,250.00"
            rate_raw = rate_raw.replace(",", "")
        elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d+", rate_raw):  # "1.250,00"
            rate_raw = rate_raw.replace(".", "").replace(",", ".")
        try:
            r = Decimal(rate_raw.replace(",", ".") if rate_raw.count(",") == 1 else rate_raw)
        except InvalidOperation:
            raise ParseError(f"rate {rate_raw!r} is not a number") from None
        if not r.is_finite() or r < 0:
            raise ParseError(f"rate {rate_raw!r} is not a positive amount")
        # a plain decimal string: "1e3" is "1000", "-0" is "0" (QA, session 16: printed as
        # "1E+3" and "-0" on the invoice)
        rate = one(format(abs(r) if r == 0 else r, "f"))
    day = one(when.date().isoformat())
    text = f"{day} {client} {_cell(row, col, 'hours')}: {desc}"
    norm = "|".join(c.strip().lower() for c in row)
    key = "row:" + hashlib.sha256(norm.encode()).hexdigest()[:12]
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        key = f"{key}#{seen[key]}"
    return ParsedEntry(
        key=key,
        kind="work",
        text=text,
        position=line,
        title=one(f"timesheet {day} {client}"),
        client=client,
        timestamp=when,
        meta={
            "work": {
                "origin": "timesheet",
                "day": day,
                "client": client,
                "hours": one(hours_text(hours)),
                "description": desc,
                "rate": rate,
                "line": line,
            }
        },
    )
