"""Work items and the invoice rows that bill them: the storage billing needs, and nothing else.

Work items come from entries of kind ``work`` (note lines, note front matter, timesheet rows;
the ingest side parses them). Their identity survives new versions of their note
(:func:`sync_work_items`): an unchanged line is the same item; a changed line of an unbilled item
updates it; a changed or removed line of a billed item is flagged and never billed again.

The money and the rules of invoices (what may be issued, credited, discarded) live in
``trailkeep.billing``; this module holds only their SQL: the unbilled items of a period,
reserving them on a draft, the next gapless number, freezing lines, setting a status, releasing
items. Every call that writes takes the connection of a transaction opened by
:func:`transaction`, so one invoice operation is one transaction under the writer lock.
Amounts cross this boundary as Decimal strings, never floats (notes/0010).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, bindparam, text

from .errors import NotFound
from .records import db_ts
from .store import Vault, utcnow

BILLED = ("issued", "paid", "credited")


def show_hours(hours: str) -> str:
    """Hours as a decimal number: exact when finite ("1.25"), else to 2 places ("0.33") — the
    machine form of JSON totals. Lines a person checks use :func:`line_hours`."""
    if "/" not in hours:
        return hours
    f = Fraction(hours)
    return str((Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.01")))


def line_hours(hours: str) -> str:
    """Hours of one line, exact: a decimal when finite ("1.25"); a third of an hour as the
    minutes it was written in ("1h20m": "1.33" × 137.50 is 182.88, not the 183.33 the line
    bills — QA, session 9); anything else to 4 places."""
    if "/" not in hours:
        return hours
    f = Fraction(hours)
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d == 1:  # a finite decimal written as a fraction ("29/4")
        return format(Decimal(f.numerator) / Decimal(f.denominator), "f")
    minutes = f * 60
    if minutes.denominator == 1:
        h, m = divmod(int(minutes), 60)
        return f"{h}h{m:02d}m" if h else f"{m}m"
    return str((Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.0001")))


# ---------------------------------------------------------------------------------- work items
def files_with_unread_hours(vault: Vault, limit: int = 50) -> list[tuple[str, str]]:
    """(path, what its reading said) of the files whose last reading named lines that look
    like hours but are not read as work (a table's rows, a duration without its unit): what
    an invoice may be missing."""
    from .records import OPEN_PROBLEM

    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                f"SELECT path, error FROM source WHERE {OPEN_PROBLEM} "
                "AND error LIKE '%not a work line%' AND id = (SELECT MAX(o.id) FROM source o "
                "WHERE o.path = source.path AND o.error LIKE '%not a work line%') "
                "ORDER BY path LIMIT :n"
            ),
            {"n": limit},
        ).all()
    return [(str(r[0]), str(r[1] or "")) for r in rows]  # each path's latest reading


def line_problem(w: Mapping[str, Any], client_id: str | None) -> str | None:
    """What is wrong with a work line itself ("hours 'abc' is not a duration"). Why it has no
    client is attribution's answer and holds only while it has none: until session 9 the
    pipeline wrote "unknown client 'x' (not in clients.toml)" into the line, and a line
    attributed later stayed unbillable once credited (QA, session 9)."""
    p = str(w.get("problem") or "") or None
    if p and client_id and (p.startswith("unknown client ") or p.endswith("no client")):
        return None
    return p


def _work_sha(w: Mapping[str, Any], client_id: str | None) -> str:
    parts = [str(w.get(k) or "") for k in ("origin", "day", "hours", "description", "rate")]
    parts.append(line_problem(w, client_id) or "")
    return hashlib.sha256("|".join([client_id or "", *parts]).encode()).hexdigest()


def sync_work_items(c: Connection, doc_id: int, version_id: int) -> None:
    """Match the work entries of a document's new version to its known work items (in the
    writer's transaction)."""
    new = []
    for r in c.execute(
        text(
            "SELECT id, client_id, meta, text FROM entry WHERE version_id=:v AND kind='work' "
            "ORDER BY position"
        ),
        {"v": version_id},
    ):
        w = json.loads(r[2] or "{}").get("work")
        if isinstance(w, dict):
            new.append((int(r[0]), r[1], w, str(r[3])))
    old = [
        dict(r._mapping)
        for r in c.execute(
            text(
                "SELECT w.*, i.status AS inv_status, i.number AS inv_number FROM work_item w "
                "LEFT JOIN invoice i ON i.id = w.invoice_id "
                "WHERE w.document_id=:d AND NOT w.removed ORDER BY w.id"
            ),
            {"d": doc_id},
        )
    ]
    if not new and not old:
        return
    now = db_ts(utcnow())
    by_sha: dict[str, list[dict[str, Any]]] = {}
    for item in old:
        by_sha.setdefault(str(item["line_sha"]), []).append(item)
    matched: set[int] = set()
    unmatched_new = []
    for entry_id, client_id, w, line in new:
        same = by_sha.get(_work_sha(w, client_id))
        if same:
            item = same.pop(0)
            matched.add(int(item["id"]))
            c.execute(
                text("UPDATE work_item SET entry_id=:e WHERE id=:i"),
                {"e": entry_id, "i": item["id"]},
            )
        else:
            unmatched_new.append((entry_id, client_id, w, line))
    rest = [i for i in old if int(i["id"]) not in matched]
    pairs = _pair_changed(unmatched_new, rest)
    for entry_id, client_id, w, line in unmatched_new:
        pair = pairs.get(entry_id)
        if pair is None:
            _insert_item(c, doc_id, entry_id, client_id, w, now)
            continue
        rest.remove(pair)
        if pair["inv_status"] in BILLED:
            c.execute(
                text("UPDATE work_item SET entry_id=:e, flag=:f, updated_at=:t WHERE id=:i"),
                {
                    "e": entry_id,
                    "f": f"changed after it was billed on {pair['inv_number']}; now: {line}",
                    "t": now,
                    "i": pair["id"],
                },
            )
        else:
            _update_item(c, int(pair["id"]), entry_id, client_id, w, now)
    for item in rest:
        if item["inv_status"] in BILLED:
            c.execute(
                text("UPDATE work_item SET flag=:f, updated_at=:t WHERE id=:i"),
                {
                    "f": f"removed from its note after it was billed on {item['inv_number']}",
                    "t": now,
                    "i": item["id"],
                },
            )
        else:
            c.execute(
                text(
                    "UPDATE work_item SET removed=TRUE, invoice_id=NULL, updated_at=:t WHERE id=:i"
                ),
                {"t": now, "i": item["id"]},
            )


def _same_client(item: Mapping[str, Any], client_id: str | None, w: Mapping[str, Any]) -> bool:
    if client_id and item["client_id"] == client_id:
        return True
    return str(item["client_label"] or "").casefold() == str(w.get("client") or "").casefold()


def _said(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _pair_changed(
    new: list[tuple[int, str | None, dict[str, Any], str]], old: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """Which known item each changed line is (entry id -> item), most alike first: the same
    description for the same client (its hours, day or label's case corrected), then the
    same client and day (its description reworded), then the same description and day (its
    client corrected). A line matching none is new work. (QA, session 12: pairing by client
    and day in file order made a line inserted above a billed one take its place — the billed
    work was billed again and the new work never.)"""

    def same_words(i: Mapping[str, Any], cid: str | None, w: Mapping[str, Any]) -> bool:
        return _same_client(i, cid, w) and _said(i["description"]) == _said(w.get("description"))

    def same_day(i: Mapping[str, Any], cid: str | None, w: Mapping[str, Any]) -> bool:
        return _same_client(i, cid, w) and i["day"] == w.get("day")

    def relabelled(i: Mapping[str, Any], cid: str | None, w: Mapping[str, Any]) -> bool:
        return i["day"] == w.get("day") and _said(i["description"]) == _said(w.get("description"))

    rules = (same_words, same_day, relabelled)
    free = list(old)
    out: dict[int, dict[str, Any]] = {}
    for rule in rules:
        for entry_id, client_id, w, _ in new:
            if entry_id in out:
                continue
            pair = next((i for i in free if rule(i, client_id, w)), None)
            if pair is not None:
                free.remove(pair)
                out[entry_id] = pair
    return out


def same_words(description: object) -> str:
    """A work line's description as the same-work check compares it: compatibility forms
    folded, any case (German and Greek too, not only ASCII), spaces collapsed (QA, session 16:
    "Überprüfung" and "überprüfung", and a double space, were billed twice)."""
    return " ".join(unicodedata.normalize("NFKC", str(description or "")).casefold().split())


def same_hours(hours: object) -> str | None:
    """Hours as the same-work check compares them: to the hundredth, as a spreadsheet writes
    them ("1h20m" is 1.33, "20m" is 0.33; QA, session 16: each was billed twice)."""
    if hours in (None, ""):
        return None
    try:
        h = Fraction(str(hours))
    except (ValueError, ZeroDivisionError):
        return None
    exact = Decimal(h.numerator) / Decimal(h.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _item_values(
    entry_id: int, client_id: str | None, w: dict[str, Any], now: str
) -> dict[str, Any]:
    return {
        "e": entry_id,
        "sha": _work_sha(w, client_id),
        "c": client_id,
        "cl": str(w.get("client") or ""),
        "day": w.get("day"),
        "h": w.get("hours"),
        "r": w.get("rate"),
        "desc": str(w.get("description") or ""),
        "p": line_problem(w, client_id) or (None if client_id else "no client"),
        "o": str(w.get("origin") or "line"),
        "t": now,
        "sw": same_words(w.get("description")),
        "sh": same_hours(w.get("hours")),
    }


def _insert_item(
    c: Connection, doc_id: int, entry_id: int, client_id: str | None, w: dict[str, Any], now: str
) -> None:
    c.execute(
        text(
            "INSERT INTO work_item (document_id, entry_id, origin, line_sha, client_id, "
            "client_label, day, hours, rate, description, problem, created_at, updated_at, "
            "same_words, same_hours) "
            "VALUES (:d, :e, :o, :sha, :c, :cl, :day, :h, :r, :desc, :p, :t, :t, :sw, :sh)"
        ),
        {"d": doc_id, **_item_values(entry_id, client_id, w, now)},
    )


def _update_item(
    c: Connection, item_id: int, entry_id: int, client_id: str | None, w: dict[str, Any], now: str
) -> None:
    c.execute(
        text(
            "UPDATE work_item SET entry_id=:e, origin=:o, line_sha=:sha, client_id=:c, "
            "client_label=:cl, day=:day, hours=:h, rate=:r, description=:desc, problem=:p, "
            "flag=NULL, updated_at=:t, same_words=:sw, same_hours=:sh WHERE id=:i"
        ),
        {"i": item_id, **_item_values(entry_id, client_id, w, now)},
    )
    # A draft invoice holds items of one client and period: an item that moved out leaves it.
    c.execute(
        text(
            "UPDATE work_item SET invoice_id=NULL WHERE id=:i AND invoice_id IS NOT NULL AND "
            "NOT EXISTS (SELECT 1 FROM invoice v WHERE v.id = work_item.invoice_id "
            "AND v.client_id = work_item.client_id AND substr(work_item.day, 1, 7) = v.period)"
        ),
        {"i": item_id},
    )


def detach_work(c: Connection, entry_ids: set[int], documents: set[int]) -> None:
    """Before entries are forgotten: unbilled items go with them; items an issued invoice or a
    credit note names stay (the documents need them) without their source, flagged — and out of
    billing for good when a credit note released them (QA, session 9: deleting those broke the
    invoice's frozen lines, and `forget` died on the foreign key)."""
    if not entry_ids:
        return
    marks = ",".join(str(int(i)) for i in entry_ids)
    unbilled = (
        "(invoice_id IS NULL OR invoice_id IN (SELECT id FROM invoice WHERE status = 'draft'))"
    )
    named = "id IN (SELECT work_item_id FROM invoice_line WHERE work_item_id IS NOT NULL)"
    c.execute(
        text(f"DELETE FROM work_item WHERE entry_id IN ({marks}) AND {unbilled} AND NOT {named}")
    )
    c.execute(
        text(
            "UPDATE work_item SET removed=TRUE, invoice_id=NULL "
            f"WHERE entry_id IN ({marks}) AND {unbilled}"
        )
    )
    docs = ",".join(str(int(d)) for d in documents) or "NULL"
    c.execute(
        text(
            "UPDATE work_item SET entry_id=NULL, flag='its source was forgotten after billing', "
            f"document_id=CASE WHEN document_id IN ({docs}) THEN NULL ELSE document_id END "
            f"WHERE entry_id IN ({marks})"
        )
    )


def resync_document(c: Connection, doc_id: int) -> None:
    row = c.execute(
        text("SELECT id FROM version WHERE document_id=:d AND current"), {"d": doc_id}
    ).first()
    if row is not None:
        sync_work_items(c, doc_id, int(row[0]))


def rekey_items(c: Connection, entry_id: int, client_id: str | None) -> None:
    """An entry's client changed (re-attribution, a correction): its unbilled items are matched
    by the line as it now reads, so that the next version of the note finds them unchanged."""
    row = c.execute(text("SELECT meta FROM entry WHERE id=:e"), {"e": entry_id}).first()
    w = json.loads(row[0] or "{}").get("work") if row else None
    if not isinstance(w, dict):
        return
    c.execute(
        text(
            "UPDATE work_item SET line_sha=:sha WHERE entry_id=:e AND (invoice_id IS NULL OR "
            "invoice_id IN (SELECT id FROM invoice WHERE status = 'draft'))"
        ),
        {"sha": _work_sha(w, client_id), "e": entry_id},
    )


@dataclass(frozen=True)
class WorkItem:
    id: int
    client: str | None
    client_label: str
    day: str | None
    hours: str | None
    rate: str | None
    description: str
    origin: str
    entry_id: int | None
    invoice_id: int | None
    invoice_number: str | None
    invoice_status: str | None
    problem: str | None
    flag: str | None
    same_as: int | None = None  # the item of another file holding the same work

    @property
    def billable(self) -> bool:
        return self.problem is None and self.hours is not None and self.day is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "day": self.day,
            "hours": line_hours(self.hours) if self.hours else None,
            "rate": self.rate,
            "description": self.description,
            "origin": self.origin,
            "entry_id": self.entry_id,
            "invoice": self.invoice_number or (self.invoice_id and f"draft {self.invoice_id}"),
            "problem": self.problem,
            "flag": self.flag,
            "same_as": self.same_as,
        }


# The same work arriving in another file — a timesheet exported again under a new name, a
# daily note's line also typed into the timesheet — is billed once (QA, session 9: the second
# export billed every row again). The one billed is the one an issued invoice holds, else the
# earliest; the others name it (QA, session 16: an earlier note line that gained its client
# later became "the one", and its issued copy was billed again). Rows repeated inside one file
# are the file's own business and stay.
def _issued(alias: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM invoice iv WHERE iv.id = {alias}.invoice_id "
        "AND iv.status <> 'draft')"
    )


# The same work: the same client, day and words (`same_words`: any case, spaces collapsed),
# whatever the hours say — "1h20m" in the note and 1.33 in the timesheet, or a timesheet
# corrected and exported again (2 h → 2.5 h), is one piece of work, not two to bill (QA,
# session 16: each was billed twice, the corrected row in full beside the issued one). When
# the hours differ, the item held says so: one of the two files is wrong.
_SAME_WORK = (
    f"(SELECT MIN(o.id) FROM work_item o WHERE (o.id < w.id OR {_issued('o')}) "
    f"AND NOT {_issued('w')} AND NOT o.removed "
    "AND o.client_id = w.client_id AND o.day = w.day AND o.same_words = w.same_words "
    "AND COALESCE(o.document_id, -1) <> COALESCE(w.document_id, -1) "
    # a table's row and a note's line are settled by the month rules below, never here: a
    # row held for an unissued line while the line is held for the table bills neither
    "AND NOT (w.origin = 'table' AND o.origin IN ('line', 'front_matter')))"
)


# A timesheet kept as a table is the record of its clients' months (session 27: in the four
# blind vaults that kept one, the table held every hour, and the notes' work lines repeated part
# of it — under the same day, or under the note's own later date, in other words). A note's
# line (or front matter's hours) of a client and month that another file's table covers is held
# — billed from the table — unless an issued invoice already holds it; and a table's row is
# never held for an unissued note line, so that the two rules never hold both. A line the
# table lacks is held too, and says so: failing closed here means never billing twice.
_IN_SHEET = (
    "(SELECT MIN(o.id) FROM work_item o WHERE o.origin = 'table' AND NOT o.removed "
    f"AND w.origin IN ('line', 'front_matter') AND NOT {_issued('w')} "
    "AND o.client_id = w.client_id AND substr(o.day, 1, 7) = substr(w.day, 1, 7))"
)
# ... and the other way round: a client's month already billed from notes on an issued invoice
# (before the timesheet arrived) is not billed again from the table — whatever its rows' days
# and words (review: a note line issued under the note's later date let the table's row of
# the same work through). Its rows wait, held, until that invoice is credited.
_BILLED_FROM_NOTES = (
    "(SELECT MIN(o.id) FROM work_item o WHERE o.origin IN ('line', 'front_matter') "
    f"AND NOT o.removed AND {_issued('o')} AND w.origin = 'table' AND NOT {_issued('w')} "
    "AND o.client_id = w.client_id AND substr(o.day, 1, 7) = substr(w.day, 1, 7))"
)


def _sheet_problem(name: str, month: str) -> str:
    return (
        f"the timesheet “{name}” holds this client's work of {month}: billed from there (add "
        "this line's work to it if the timesheet lacks it)"
    )


def _notes_billed_problem(number: str, month: str) -> str:
    return (
        f"this client's work of {month} was billed from your notes on {number}: credit "
        f"{number} to bill the month from this timesheet instead (not billed twice)"
    )


MAX_DAY_HOURS = Fraction(24)


def _overfull_days(c: Connection, days: set[str]) -> dict[str, tuple[Fraction, str]]:
    """Of ``days``, those whose work, every client together, adds up to more than
    MAX_DAY_HOURS — a typo ("22h" for "2.2h") or a day's lines written under another day —
    with the total and the day's longest line, which is most often the wrong one. Work
    repeated from another file counts once; lines with a problem of their own do not count."""
    if not days:
        return {}
    rows = c.execute(
        text(
            "SELECT w.day, w.hours, w.client_label, w.description FROM work_item w "
            "WHERE NOT w.removed AND w.day IN :days AND w.hours IS NOT NULL "
            f"AND w.problem IS NULL AND {_SAME_WORK} IS NULL AND {_IN_SHEET} IS NULL "
            f"AND {_BILLED_FROM_NOTES} IS NULL"
        ).bindparams(bindparam("days", expanding=True)),
        {"days": sorted(days)},
    )
    totals: dict[str, Fraction] = {}
    longest: dict[str, tuple[Fraction, str]] = {}
    for day, hours, label, description in rows:
        try:
            h = Fraction(str(hours))
        except (ValueError, ZeroDivisionError):
            continue
        totals[str(day)] = totals.get(str(day), Fraction(0)) + h
        if h > longest.get(str(day), (Fraction(-1), ""))[0]:
            longest[str(day)] = (h, f"{_shown(h)} {label}: {description}")
    return {d: (t, longest[d][1]) for d, t in totals.items() if t > MAX_DAY_HOURS}


def _shown(hours: Fraction) -> str:
    h = line_hours(str(hours))
    return h if h.endswith("m") else f"{h}h"


def _overfull_problem(day: str, total: Fraction, longest: str) -> str:
    return (
        f"the work on {day} adds up to {_shown(total)} across your notes and timesheets, more "
        f"than {MAX_DAY_HOURS} in a day (the longest line: “{longest}”): check the hours (not "
        "billed until they add up)"
    )


def _same_work_problem(first: int, other: tuple[str, str | None] | None = None) -> str:
    """Why an item is not billed: another file's item holds the same work. ``other``: that
    item's (hours, issued invoice number or None) when its hours differ from this one's."""
    if other is not None:
        hours, number = other
        if number is not None:
            return (
                f"the same work as item {first}, already on {number} with {line_hours(hours)} h: "
                f"credit {number} and correct the other file to bill other hours (reword this "
                "line if it is other work)"
            )
        return (
            f"the same work as item {first} from another file, which says {line_hours(hours)} h: "
            "billed once, as that item; correct the file that is wrong (reword this line if it "
            "is other work)"
        )
    return (
        f"the same work as item {first} from another file: billed once "
        "(reword one of them if it is other work)"
    )


def _of_items(c: Connection, sql: str, ids: set[int]) -> list[Any]:
    """The rows of ``sql`` (selecting ``WHERE w.id IN :ids``) for these items."""
    if not ids:
        return []
    query = text(sql).bindparams(bindparam("ids", expanding=True))
    return list(c.execute(query, {"ids": sorted(ids)}))


def _firsts(c: Connection, ids: set[int]) -> dict[int, tuple[str, str, str | None]]:
    """(hours, same_hours, invoice number) of the items other items are copies of."""
    rows = _of_items(
        c,
        "SELECT w.id, w.hours, w.same_hours, i.number FROM work_item w LEFT JOIN invoice i "
        "ON i.id = w.invoice_id AND i.status <> 'draft' WHERE w.id IN :ids",
        ids,
    )
    return {int(r[0]): (str(r[1]), str(r[2]), r[3]) for r in rows}


def _sheet_names(c: Connection, ids: set[int]) -> dict[int, str]:
    """The titles of the documents holding these (table) items."""
    rows = _of_items(
        c,
        "SELECT w.id, d.title FROM work_item w JOIN document d ON d.id = w.document_id "
        "WHERE w.id IN :ids",
        ids,
    )
    return {int(r[0]): str(r[1]) for r in rows}


def _items(c: Connection, where: str, p: dict[str, Any]) -> list[WorkItem]:
    rows = c.execute(
        text(
            "SELECT w.id, w.client_id, w.client_label, w.day, w.hours, w.rate, w.description, "
            "w.origin, w.entry_id, w.invoice_id, i.number, i.status, w.problem AS problem, "
            "w.flag AS flag, w.same_hours AS same_hours, "
            f"{_SAME_WORK} AS same_as, {_IN_SHEET} AS in_sheet, "
            f"{_BILLED_FROM_NOTES} AS from_notes "
            "FROM work_item w LEFT JOIN invoice i ON i.id = w.invoice_id "
            f"WHERE NOT w.removed AND {where} ORDER BY w.day, w.id"
        ),
        p,
    ).all()
    overfull = _overfull_days(c, {str(r.day) for r in rows if r.day is not None})
    firsts = _firsts(c, {int(r.same_as) for r in rows if r.same_as is not None})
    sheets = _sheet_names(c, {int(r.in_sheet) for r in rows if r.in_sheet is not None})
    firsts_notes = _firsts(c, {int(r.from_notes) for r in rows if r.from_notes is not None})
    items = []
    for r in rows:
        same_as = None if r.same_as is None else int(r.same_as)
        problem = r.problem
        if problem is None and same_as is not None:
            hours, rounded, number = firsts.get(same_as, ("", "", None))
            problem = _same_work_problem(
                same_as, (hours, number) if rounded != r.same_hours else None
            )
        if problem is None and r.in_sheet is not None:
            problem = _sheet_problem(sheets.get(int(r.in_sheet), "a timesheet"), str(r.day)[:7])
        if problem is None and r.from_notes is not None:
            _, _, number = firsts_notes.get(int(r.from_notes), ("", "", None))
            problem = _notes_billed_problem(number or "an issued invoice", str(r.day)[:7])
        unbilled = r.invoice_id is None or r.status == "draft"
        if problem is None and unbilled and str(r.day) in overfull:
            problem = _overfull_problem(str(r.day), *overfull[str(r.day)])
        items.append(
            WorkItem(
                id=r[0],
                client=r[1],
                client_label=r[2],
                day=r[3],
                hours=r[4],
                rate=r[5],
                description=r[6],
                origin=r[7],
                entry_id=r[8],
                invoice_id=r[9],
                invoice_number=r[10],
                invoice_status=r[11],
                problem=problem,
                flag=r.flag,
                same_as=same_as,
            )
        )
    return items


def list_work(vault: Vault, client: str | None = None, unbilled: bool = False) -> list[WorkItem]:
    parts, p = ["TRUE"], {}
    if client:
        parts.append("w.client_id = :c")
        p["c"] = client
    if unbilled:
        parts.append("w.invoice_id IS NULL")
    with vault.engine.connect() as c:
        return _items(c, " AND ".join(parts), p)


# ---------------------------------------------------------------------------------- invoice rows
@contextmanager
def transaction(vault: Vault, what: str) -> Iterator[Connection]:
    """One invoice operation: the writer lock, then one transaction (all of it or none)."""
    with vault.writer(what), vault.engine.begin() as c:
        yield c


@contextmanager
def reading(vault: Vault) -> Iterator[Connection]:
    with vault.engine.connect() as c:
        yield c


def billable_items(c: Connection, client: str, period: str) -> list[WorkItem]:
    """The client's items dated in ``period`` (YYYY-MM) on no invoice and fit to bill."""
    items = _items(
        c,
        "w.client_id = :c AND w.invoice_id IS NULL AND substr(w.day, 1, 7) = :p "
        f"AND w.problem IS NULL AND w.hours IS NOT NULL AND {_SAME_WORK} IS NULL "
        f"AND {_IN_SHEET} IS NULL AND {_BILLED_FROM_NOTES} IS NULL",
        {"c": client, "p": period},
    )
    return [i for i in items if i.problem is None]  # a day of more than 24 h waits


def changed_items(c: Connection, client: str, period: str) -> list[WorkItem]:
    """The client's billed items dated in ``period`` whose line changed after billing."""
    return _items(
        c,
        "w.client_id = :c AND substr(w.day, 1, 7) = :p AND w.flag LIKE 'changed after%'",
        {"c": client, "p": period},
    )


def items_on(c: Connection, invoice_id: int) -> list[WorkItem]:
    return _items(c, "w.invoice_id = :i", {"i": invoice_id})


def invoice_row(c: Connection, invoice_id: int) -> Mapping[str, Any]:
    r = c.execute(text("SELECT * FROM invoice WHERE id=:i"), {"i": invoice_id}).first()
    if r is None:
        raise NotFound("invoice", invoice_id)
    return dict(r._mapping)


def frozen_lines(c: Connection, invoice_id: int) -> list[tuple[str, str, str, str, int | None]]:
    """An issued invoice's lines as written when it was issued: (description, hours, rate,
    amount, work item id)."""
    return [
        (str(x[0]), str(x[1]), str(x[2]), str(x[3]), x[4])
        for x in c.execute(
            text(
                "SELECT description, hours, rate, amount, work_item_id FROM invoice_line "
                "WHERE invoice_id=:i ORDER BY position"
            ),
            {"i": invoice_id},
        )
    ]


def invoice_ids(c: Connection, client: str | None = None, open_only: bool = False) -> list[int]:
    """Invoice ids, oldest first; ``open_only``: invoices (not credit notes) still draft or
    issued and unpaid."""
    extra = " AND kind = 'invoice' AND status IN ('draft', 'issued')" if open_only else ""
    return [
        int(r[0])
        for r in c.execute(
            text(
                "SELECT id FROM invoice WHERE (CAST(:c AS TEXT) IS NULL OR client_id = :c)"
                f"{extra} ORDER BY id"
            ),
            {"c": client},
        )
    ]


def draft_for(c: Connection, client: str, period: str) -> int | None:
    row = c.execute(
        text(
            "SELECT id FROM invoice WHERE client_id=:c AND period=:p AND status='draft' "
            "AND kind='invoice'"
        ),
        {"c": client, "p": period},
    ).first()
    return None if row is None else int(row[0])


def insert_draft(
    c: Connection, client: str, period: str, currency: str, tax_rate: str, rate: str | None = None
) -> int:
    """A new draft, with the terms it was made with (its currency and tax rate, and the
    client's hourly rate in its meta): a draft follows clients.toml, and says so when they
    changed since."""
    res = c.execute(
        text(
            "INSERT INTO invoice (kind, client_id, period, status, currency, tax_rate, "
            "created_at, meta) VALUES ('invoice', :c, :p, 'draft', :cur, :tax, :t, :m) "
            "RETURNING id"
        ),
        {
            "c": client,
            "p": period,
            "cur": currency,
            "tax": tax_rate,
            "t": db_ts(utcnow()),
            "m": json.dumps({"made_with": {"rate": rate}}),
        },
    )
    return int(res.scalar_one())


def credited_rates(c: Connection, item_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """For work items once billed on an invoice credited since: (the rate it billed them at,
    its number), the latest such invoice's."""
    if not item_ids:
        return {}
    marks = ",".join(str(int(i)) for i in item_ids)
    rows = c.execute(
        text(
            "SELECT l.work_item_id, l.rate, i.number FROM invoice_line l JOIN invoice i "
            "ON i.id = l.invoice_id WHERE i.kind = 'invoice' AND i.status = 'credited' "
            f"AND l.work_item_id IN ({marks}) ORDER BY i.id"
        )
    )
    return {int(r[0]): (str(r[1]), str(r[2])) for r in rows}


def reserve(c: Connection, invoice_id: int, item_ids: Sequence[int]) -> None:
    """Put items on a draft: an item is on one invoice at most."""
    if item_ids:
        marks = ",".join(str(int(i)) for i in item_ids)
        c.execute(
            text(f"UPDATE work_item SET invoice_id=:i WHERE id IN ({marks})"), {"i": invoice_id}
        )


def next_number(c: Connection, series: str, year: int) -> str:
    """``<series>-<year>-<nnnn>``: the counter row is updated in the caller's transaction, so
    numbers are unique and gapless (a rolled-back issue takes no number)."""
    res = c.execute(
        text("UPDATE invoice_counter SET last = last + 1 WHERE series=:s AND year=:y"),
        {"s": series, "y": year},
    )
    if res.rowcount == 0:
        c.execute(
            text("INSERT INTO invoice_counter (series, year, last) VALUES (:s, :y, 1)"),
            {"s": series, "y": year},
        )
    last = c.execute(
        text("SELECT last FROM invoice_counter WHERE series=:s AND year=:y"),
        {"s": series, "y": year},
    ).scalar_one()
    return f"{series}-{year}-{int(last):04d}"


def freeze(
    c: Connection, invoice_id: int, lines: Sequence[tuple[str, str, str, str, int | None]]
) -> None:
    """Write an invoice's lines (description, hours, rate, amount, work item id) for good."""
    for pos, (desc, hours, rate, amount, item) in enumerate(lines):
        c.execute(
            text(
                "INSERT INTO invoice_line (invoice_id, position, work_item_id, description, "
                "hours, rate, amount) VALUES (:i, :p, :w, :d, :h, :r, :a)"
            ),
            {"i": invoice_id, "p": pos, "w": item, "d": desc, "h": hours, "r": rate, "a": amount},
        )


def set_issued(
    c: Connection,
    invoice_id: int,
    number: str,
    sums: tuple[str, str, str],
    on: str,
    due: str,
    currency: str,
    tax_rate: str,
    parties: Mapping[str, Any],
) -> None:
    """A draft becomes issued with its number, (subtotal, tax, total), dates, currency and tax
    rate (a draft follows clients.toml until then), and its parties as they were that day."""
    c.execute(
        text(
            "UPDATE invoice SET status='issued', number=:n, subtotal=:s, tax=:x, total=:t, "
            "issued_on=:on, due_on=:due, currency=:cur, tax_rate=:rate, meta=:meta "
            "WHERE id=:i AND status='draft'"
        ),
        {
            "cur": currency,
            "rate": tax_rate,
            "meta": json.dumps({"parties": dict(parties)}, ensure_ascii=False),
            "n": number,
            "s": sums[0],
            "x": sums[1],
            "t": sums[2],
            "on": on,
            "due": due,
            "i": invoice_id,
        },
    )


def set_status(c: Connection, invoice_id: int, status: str, paid_on: str | None = None) -> None:
    c.execute(
        text("UPDATE invoice SET status=:s, paid_on=COALESCE(:d, paid_on) WHERE id=:i"),
        {"s": status, "d": paid_on, "i": invoice_id},
    )


def delete_draft(c: Connection, invoice_id: int) -> None:
    """A draft goes; its items are unbilled again."""
    c.execute(text("UPDATE work_item SET invoice_id=NULL WHERE invoice_id=:i"), {"i": invoice_id})
    c.execute(text("DELETE FROM invoice WHERE id=:i AND status='draft'"), {"i": invoice_id})


def insert_credit(
    c: Connection, of: Mapping[str, Any], number: str, sums: tuple[str, str, str], on: str
) -> int:
    """A credit note for the invoice row ``of``, issued ``on``, with (subtotal, tax, total)."""
    res = c.execute(
        text(
            "INSERT INTO invoice (kind, client_id, period, status, number, currency, "
            "tax_rate, subtotal, tax, total, issued_on, credit_of, created_at, meta) VALUES "
            "('credit', :c, :p, 'issued', :n, :cur, :tr, :s, :x, :t, :on, :of, :now, :meta) "
            "RETURNING id"
        ),
        {
            "c": of["client_id"],
            "p": of["period"],
            "meta": of.get("meta") or "{}",  # to the parties of the invoice it reverses
            "n": number,
            "cur": of["currency"],
            "tr": str(of["tax_rate"]),
            "s": sums[0],
            "x": sums[1],
            "t": sums[2],
            "on": on,
            "of": of["id"],
            "now": db_ts(utcnow()),
        },
    )
    return int(res.scalar_one())


def release(c: Connection, invoice_id: int) -> None:
    """The items of a credited invoice are unbilled again, each taking its note's current
    text (so a corrected invoice bills what the note says now)."""
    released = [
        (int(r[0]), None if r[1] is None else int(r[1]))
        for r in c.execute(
            text("SELECT id, entry_id FROM work_item WHERE invoice_id=:i"), {"i": invoice_id}
        )
    ]
    now = db_ts(utcnow())
    for item_id, entry_id in released:
        e = (
            c.execute(
                text("SELECT client_id, meta, current FROM entry WHERE id=:e"), {"e": entry_id}
            ).first()
            if entry_id is not None
            else None
        )
        w = json.loads(e[1] or "{}").get("work") if e else None
        if entry_id is None or e is None or not e[2] or not isinstance(w, dict):
            # its note was forgotten, or the line is no longer in it: nothing to bill again
            # (QA, session 12: a line deleted after it was billed came back on the corrected
            # invoice; a forgotten note's item made the credit fail)
            c.execute(
                text(
                    "UPDATE work_item SET invoice_id=NULL, removed=TRUE, updated_at=:t WHERE id=:i"
                ),
                {"t": now, "i": item_id},
            )
            continue
        _update_item(c, item_id, entry_id, e[0], w, now)
        c.execute(
            text("UPDATE work_item SET invoice_id=NULL, flag=NULL WHERE id=:i"), {"i": item_id}
        )


__all__ = [
    "BILLED",
    "Connection",
    "WorkItem",
    "billable_items",
    "changed_items",
    "delete_draft",
    "detach_work",
    "draft_for",
    "files_with_unread_hours",
    "freeze",
    "frozen_lines",
    "insert_credit",
    "insert_draft",
    "invoice_ids",
    "invoice_row",
    "items_on",
    "line_hours",
    "line_problem",
    "list_work",
    "next_number",
    "reading",
    "rekey_items",
    "release",
    "reserve",
    "resync_document",
    "set_issued",
    "set_status",
    "show_hours",
    "sync_work_items",
    "transaction",
]
