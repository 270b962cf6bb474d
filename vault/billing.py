"""Work items and invoices: exact money, never billed twice, gapless numbers.

Work items come from entries of kind ``work`` (note lines, note front matter, timesheet rows;
the ingest side parses them). Their identity survives new versions of their note
(:func:`sync_work_items`): an unchanged line is the same item; a changed line of an unbilled item
updates it; a changed or removed line of a billed item is flagged and never billed again.

Money (notes/0010-work-log-and-invoices.md): hours are exact rationals ("2.5", "1/3"); each
line = hours x rate rounded half-up to cents; subtotal = sum of lines; tax = subtotal x tax_rate
rounded half-up to cents; total = subtotal + tax. Decimal strings everywhere, never floats.

Invoices: ``create`` makes (or returns) the one draft per client and period, reserving the
items; ``issue`` assigns ``INV-<year>-<nnnn>`` from a counter row updated in the issuing
transaction (under the writer lock), so numbers are unique and gapless; an issued invoice is
never edited; ``credit`` issues a credit note (``CN-<year>-<nnnn>``) that reverses it and
releases its items for a corrected invoice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, text

from .clients import ClientSpec
from .errors import NotFound, TrailkeepError
from .records import db_ts
from .store import Vault, utcnow

CENT = Fraction(1, 100)
BILLED = ("issued", "paid", "credited")


class BillingError(TrailkeepError):
    """An invoice operation that cannot be done (missing rate, nothing to bill, frozen)."""


# ---------------------------------------------------------------------------------- money
def to_fraction(value: str | Decimal | int) -> Fraction:
    return Fraction(str(value))


def round_cents(x: Fraction) -> Decimal:
    """Half-up (away from zero) to cents, exactly."""
    sign = -1 if x < 0 else 1
    cents = (abs(x) / CENT + Fraction(1, 2)).__floor__()
    return (Decimal(sign * cents) / 100).quantize(Decimal("0.01"))


def line_amount(hours: str, rate: str | Decimal) -> Decimal:
    return round_cents(to_fraction(hours) * to_fraction(rate))


def totals(amounts: Sequence[Decimal], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    subtotal = sum(amounts, Decimal("0.00")).quantize(Decimal("0.01"))
    tax = round_cents(to_fraction(subtotal) * to_fraction(tax_rate))
    return subtotal, tax, (subtotal + tax).quantize(Decimal("0.01"))


def show_hours(hours: str) -> str:
    """Hours for people: exact when finite ("1.25"), else to 2 places ("0.33")."""
    if "/" not in hours:
        return hours
    f = to_fraction(hours)
    return str((Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.01")))


# ---------------------------------------------------------------------------------- work items
def _work_sha(w: dict[str, Any], client_id: str | None) -> str:
    parts = [
        str(w.get(k) or "") for k in ("origin", "day", "hours", "description", "rate", "problem")
    ]
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
    for entry_id, client_id, w, line in unmatched_new:
        # A changed line: the first remaining item of the same client and day.
        pair = next(
            (
                i
                for i in rest
                if i["client_label"] == str(w.get("client") or "") and i["day"] == w.get("day")
            ),
            None,
        )
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
        "p": w.get("problem") or (None if client_id else "no client"),
        "o": str(w.get("origin") or "line"),
        "t": now,
    }


def _insert_item(
    c: Connection, doc_id: int, entry_id: int, client_id: str | None, w: dict[str, Any], now: str
) -> None:
    c.execute(
        text(
            "INSERT INTO work_item (document_id, entry_id, origin, line_sha, client_id, "
            "client_label, day, hours, rate, description, problem, created_at, updated_at) "
            "VALUES (:d, :e, :o, :sha, :c, :cl, :day, :h, :r, :desc, :p, :t, :t)"
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
            "flag=NULL, updated_at=:t WHERE id=:i"
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
    """Before entries are forgotten: unbilled items go with them; billed items stay (the
    invoice needs them) without their source, flagged."""
    if not entry_ids:
        return
    marks = ",".join(str(int(i)) for i in entry_ids)
    c.execute(
        text(
            f"DELETE FROM work_item WHERE entry_id IN ({marks}) AND (invoice_id IS NULL OR "
            "invoice_id IN (SELECT id FROM invoice WHERE status = 'draft'))"
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

    @property
    def billable(self) -> bool:
        return self.problem is None and self.hours is not None and self.day is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "day": self.day,
            "hours": show_hours(self.hours) if self.hours else None,
            "rate": self.rate,
            "description": self.description,
            "origin": self.origin,
            "entry_id": self.entry_id,
            "invoice": self.invoice_number or (self.invoice_id and f"draft {self.invoice_id}"),
            "problem": self.problem,
            "flag": self.flag,
        }


def _items(c: Connection, where: str, p: dict[str, Any]) -> list[WorkItem]:
    rows = c.execute(
        text(
            "SELECT w.id, w.client_id, w.client_label, w.day, w.hours, w.rate, w.description, "
            "w.origin, w.entry_id, w.invoice_id, i.number, i.status, w.problem, w.flag "
            "FROM work_item w LEFT JOIN invoice i ON i.id = w.invoice_id "
            f"WHERE NOT w.removed AND {where} ORDER BY w.day, w.id"
        ),
        p,
    )
    return [WorkItem(*r) for r in rows]


def list_work(vault: Vault, client: str | None = None, unbilled: bool = False) -> list[WorkItem]:
    parts, p = ["TRUE"], {}
    if client:
        parts.append("w.client_id = :c")
        p["c"] = client
    if unbilled:
        parts.append("w.invoice_id IS NULL")
    with vault.engine.connect() as c:
        return _items(c, " AND ".join(parts), p)


# ---------------------------------------------------------------------------------- invoices
@dataclass
class InvoiceLine:
    description: str
    hours: str
    rate: str
    amount: Decimal
    work_item_id: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "hours": show_hours(self.hours),
            "rate": self.rate,
            "amount": str(self.amount),
            "work_item_id": self.work_item_id,
        }


@dataclass
class InvoiceView:
    id: int
    kind: str
    number: str | None
    client: str
    client_name: str
    period: str
    currency: str
    status: str
    tax_rate: Decimal
    lines: list[InvoiceLine] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    issued_on: str | None = None
    due_on: str | None = None
    paid_on: str | None = None
    credit_of: int | None = None
    billing_address: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "client": self.client,
            "period": self.period,
            "currency": self.currency,
            "status": self.status,
            "tax_rate": str(self.tax_rate),
            "lines": [ln.as_json() for ln in self.lines],
            "subtotal": str(self.subtotal),
            "tax": str(self.tax),
            "total": str(self.total),
            "issued_on": self.issued_on,
            "due_on": self.due_on,
            "paid_on": self.paid_on,
            "credit_of": self.credit_of,
        }


def _spec(vault: Vault, client_id: str) -> ClientSpec:
    for s in vault.settings.clients:
        if s.id == client_id:
            return s
    raise BillingError(f"client {client_id!r} is not in clients.toml; invoices need its details")


def _check_period(period: str) -> None:
    try:
        y, m = period.split("-")
        date(int(y), int(m), 1)
        if len(y) != 4 or len(m) != 2:
            raise ValueError
    except ValueError:
        raise BillingError(f"period {period!r} is not YYYY-MM") from None


def _draft_lines(vault: Vault, items: Sequence[WorkItem], spec: ClientSpec) -> list[InvoiceLine]:
    no_rate = [i for i in items if i.rate is None and spec.rate is None]
    if no_rate:
        raise BillingError(
            f"client {spec.id!r} has no rate in clients.toml and {len(no_rate)} item(s) carry "
            f'none (first: {no_rate[0].day} {no_rate[0].description!r}); add `rate = "..."` '
            "to the client in clients.toml"
        )
    lines = []
    for i in items:
        assert i.hours is not None
        rate = i.rate if i.rate is not None else str(spec.rate)
        desc = f"{i.day} {i.description}"
        lines.append(InvoiceLine(desc, i.hours, rate, line_amount(i.hours, rate), i.id))
    return lines


def _view(vault: Vault, c: Connection, invoice_id: int) -> InvoiceView:
    r = c.execute(text("SELECT * FROM invoice WHERE id=:i"), {"i": invoice_id}).first()
    if r is None:
        raise NotFound("invoice", invoice_id)
    m = r._mapping
    spec = next((s for s in vault.settings.clients if s.id == m["client_id"]), None)
    v = InvoiceView(
        id=int(m["id"]),
        kind=str(m["kind"]),
        number=m["number"],
        client=str(m["client_id"]),
        client_name=spec.name if spec else str(m["client_id"]),
        period=str(m["period"]),
        currency=str(m["currency"]),
        status=str(m["status"]),
        tax_rate=Decimal(str(m["tax_rate"])),
        issued_on=m["issued_on"],
        due_on=m["due_on"],
        paid_on=m["paid_on"],
        credit_of=m["credit_of"],
        billing_address=spec.billing_address if spec else "",
    )
    if v.status == "draft":
        if spec is None:
            raise BillingError(f"client {v.client!r} is not in clients.toml")
        items = _items(c, "w.invoice_id = :i", {"i": invoice_id})
        v.lines = _draft_lines(vault, items, spec)
        v.subtotal, v.tax, v.total = totals([ln.amount for ln in v.lines], v.tax_rate)
    else:
        v.lines = [
            InvoiceLine(str(x[0]), str(x[1]), str(x[2]), Decimal(str(x[3])), x[4])
            for x in c.execute(
                text(
                    "SELECT description, hours, rate, amount, work_item_id FROM invoice_line "
                    "WHERE invoice_id=:i ORDER BY position"
                ),
                {"i": invoice_id},
            )
        ]
        v.subtotal, v.tax, v.total = (Decimal(str(m[k])) for k in ("subtotal", "tax", "total"))
    return v


def get_invoice(vault: Vault, invoice_id: int) -> InvoiceView:
    with vault.engine.connect() as c:
        return _view(vault, c, invoice_id)


def list_invoices(vault: Vault, client: str | None = None) -> list[InvoiceView]:
    with vault.engine.connect() as c:
        ids = [
            int(r[0])
            for r in c.execute(
                text(
                    "SELECT id FROM invoice WHERE (CAST(:c AS TEXT) IS NULL OR client_id = :c) "
                    "ORDER BY id"
                ),
                {"c": client},
            )
        ]
        return [_view(vault, c, i) for i in ids]


def create_invoice(vault: Vault, client: str, period: str) -> InvoiceView:
    """The draft for (client, period) holding every unbilled item dated in the period. A second
    call returns the same draft (with items that appeared since); an item is never on two."""
    _check_period(period)
    spec = _spec(vault, client)
    with vault.writer("invoice create"), vault.engine.begin() as c:
        items = _items(
            c,
            "w.client_id = :c AND w.invoice_id IS NULL AND substr(w.day, 1, 7) = :p "
            "AND w.problem IS NULL AND w.hours IS NOT NULL",
            {"c": spec.id, "p": period},
        )
        row = c.execute(
            text(
                "SELECT id FROM invoice WHERE client_id=:c AND period=:p AND status='draft' "
                "AND kind='invoice'"
            ),
            {"c": spec.id, "p": period},
        ).first()
        if row is None and not items:
            raise BillingError(f"nothing unbilled for {spec.id} in {period}")
        _draft_lines(vault, items, spec)  # a missing rate blocks the invoice here, clearly
        if row is None:
            res = c.execute(
                text(
                    "INSERT INTO invoice (kind, client_id, period, status, currency, tax_rate, "
                    "created_at) VALUES ('invoice', :c, :p, 'draft', :cur, :tax, :t) RETURNING id"
                ),
                {
                    "c": spec.id,
                    "p": period,
                    "cur": spec.currency,
                    "tax": str(spec.tax_rate),
                    "t": db_ts(utcnow()),
                },
            )
            invoice_id = int(res.scalar_one())
        else:
            invoice_id = int(row[0])
        if items:
            marks = ",".join(str(i.id) for i in items)
            c.execute(
                text(f"UPDATE work_item SET invoice_id=:i WHERE id IN ({marks})"),
                {"i": invoice_id},
            )
        return _view(vault, c, invoice_id)


def _next_number(c: Connection, series: str, year: int) -> str:
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


def _freeze(c: Connection, invoice_id: int, lines: Sequence[InvoiceLine]) -> None:
    for pos, ln in enumerate(lines):
        c.execute(
            text(
                "INSERT INTO invoice_line (invoice_id, position, work_item_id, description, "
                "hours, rate, amount) VALUES (:i, :p, :w, :d, :h, :r, :a)"
            ),
            {
                "i": invoice_id,
                "p": pos,
                "w": ln.work_item_id,
                "d": ln.description,
                "h": ln.hours,
                "r": ln.rate,
                "a": str(ln.amount),
            },
        )


def payment_terms_days(vault: Vault) -> int:
    me = vault.settings.extra.get("me", {})
    try:
        return int(me.get("payment_terms_days", 30)) if isinstance(me, dict) else 30
    except (TypeError, ValueError):
        raise BillingError("[me] payment_terms_days must be a whole number of days") from None


def issue_invoice(vault: Vault, invoice_id: int, today: date) -> InvoiceView:
    terms = payment_terms_days(vault)
    with vault.writer("invoice issue"), vault.engine.begin() as c:
        v = _view(vault, c, invoice_id)
        if v.status != "draft":
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; it cannot be issued")
        if not v.lines:
            raise BillingError(f"invoice {v.id} has no lines (its items changed); nothing to issue")
        number = _next_number(c, "INV", today.year)
        _freeze(c, invoice_id, v.lines)
        c.execute(
            text(
                "UPDATE invoice SET status='issued', number=:n, subtotal=:s, tax=:x, total=:t, "
                "issued_on=:on, due_on=:due WHERE id=:i AND status='draft'"
            ),
            {
                "n": number,
                "s": str(v.subtotal),
                "x": str(v.tax),
                "t": str(v.total),
                "on": today.isoformat(),
                "due": (today + timedelta(days=terms)).isoformat(),
                "i": invoice_id,
            },
        )
        return _view(vault, c, invoice_id)


def mark_paid(vault: Vault, invoice_id: int, today: date) -> InvoiceView:
    with vault.writer("invoice paid"), vault.engine.begin() as c:
        v = _view(vault, c, invoice_id)
        if v.status != "issued" or v.kind != "invoice":
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; only issued can be paid")
        c.execute(
            text("UPDATE invoice SET status='paid', paid_on=:d WHERE id=:i"),
            {"d": today.isoformat(), "i": invoice_id},
        )
        return _view(vault, c, invoice_id)


def discard_draft(vault: Vault, invoice_id: int) -> None:
    with vault.writer("invoice discard"), vault.engine.begin() as c:
        v = _view(vault, c, invoice_id)
        if v.status != "draft":
            raise BillingError(f"invoice {v.number} is {v.status}; use a credit note instead")
        c.execute(text("UPDATE work_item SET invoice_id=NULL WHERE invoice_id=:i"), {"i": v.id})
        c.execute(text("DELETE FROM invoice WHERE id=:i"), {"i": v.id})


def credit_invoice(vault: Vault, invoice_id: int, today: date) -> InvoiceView:
    """A credit note reversing an issued invoice in full; its items become unbilled again (so a
    corrected invoice can bill them) and take their notes' current text."""
    with vault.writer("invoice credit"), vault.engine.begin() as c:
        v = _view(vault, c, invoice_id)
        if v.kind != "invoice" or v.status not in ("issued", "paid"):
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; it cannot be credited")
        number = _next_number(c, "CN", today.year)
        res = c.execute(
            text(
                "INSERT INTO invoice (kind, client_id, period, status, number, currency, "
                "tax_rate, subtotal, tax, total, issued_on, credit_of, created_at) VALUES "
                "('credit', :c, :p, 'issued', :n, :cur, :tr, :s, :x, :t, :on, :of, :now) "
                "RETURNING id"
            ),
            {
                "c": v.client,
                "p": v.period,
                "n": number,
                "cur": v.currency,
                "tr": str(v.tax_rate),
                "s": str(-v.subtotal),
                "x": str(-v.tax),
                "t": str(-v.total),
                "on": today.isoformat(),
                "of": v.id,
                "now": db_ts(utcnow()),
            },
        )
        credit_id = int(res.scalar_one())
        _freeze(
            c,
            credit_id,
            [
                InvoiceLine(f"credit: {ln.description}", ln.hours, ln.rate, -ln.amount, None)
                for ln in v.lines
            ],
        )
        c.execute(text("UPDATE invoice SET status='credited' WHERE id=:i"), {"i": v.id})
        released = [
            (int(r[0]), int(r[1]))
            for r in c.execute(
                text("SELECT id, entry_id FROM work_item WHERE invoice_id=:i"), {"i": v.id}
            )
        ]
        now = db_ts(utcnow())
        for item_id, entry_id in released:
            e = c.execute(
                text("SELECT client_id, meta FROM entry WHERE id=:e"), {"e": entry_id}
            ).first()
            w = json.loads(e[1] or "{}").get("work") if e else None
            if isinstance(w, dict) and e is not None:
                _update_item(c, item_id, entry_id, e[0], w, now)
            c.execute(
                text("UPDATE work_item SET invoice_id=NULL, flag=NULL WHERE id=:i"),
                {"i": item_id},
            )
        return _view(vault, c, credit_id)


__all__ = [
    "BILLED",
    "CENT",
    "BillingError",
    "InvoiceLine",
    "InvoiceView",
    "WorkItem",
    "create_invoice",
    "credit_invoice",
    "detach_work",
    "discard_draft",
    "get_invoice",
    "issue_invoice",
    "line_amount",
    "list_invoices",
    "list_work",
    "mark_paid",
    "payment_terms_days",
    "resync_document",
    "round_cents",
    "show_hours",
    "sync_work_items",
    "to_fraction",
    "totals",
]
