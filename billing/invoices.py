"""Invoices: never billed twice, gapless numbers, never edited once issued.

``create`` makes (or returns) the one draft per client and period, reserving the items;
``issue`` assigns ``INV-<year>-<nnnn>`` from a counter row updated in the issuing transaction
(under the writer lock), so numbers are unique and gapless; an issued invoice is never edited;
``credit`` issues a credit note (``CN-<year>-<nnnn>``) that reverses it and releases its items
for a corrected invoice. Each operation is one transaction (``trailkeep.vault.work.transaction``):
the rules are checked and the rows written in it, or nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from trailkeep.vault import Vault
from trailkeep.vault import work as store
from trailkeep.vault.clients import ClientDirectory, ClientSpec
from trailkeep.vault.work import Connection, WorkItem

from .errors import BillingError, NamesAnotherClient
from .money import line_amount, line_hours, totals


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
            "hours": line_hours(self.hours),
            "rate": self.rate,
            "amount": str(self.amount),
            "work_item_id": self.work_item_id,
        }

    def row(self) -> tuple[str, str, str, str, int | None]:
        return (self.description, self.hours, self.rate, str(self.amount), self.work_item_id)


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
    credit_of_number: str | None = None  # the number of the invoice a credit note reverses
    # the seller ([me]) as it was when issued; None for a draft (it shows today's [me])
    seller: dict[str, Any] | None = None
    # why a draft cannot be issued as it stands (its client left clients.toml)
    problem: str = ""

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
            **({"problem": self.problem} if self.problem else {}),
        }

    def sums(self) -> tuple[str, str, str]:
        return str(self.subtotal), str(self.tax), str(self.total)


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


def _draft_lines(items: Sequence[WorkItem], spec: ClientSpec) -> list[InvoiceLine]:
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
        amount = line_amount(i.hours, rate, spec.currency)
        lines.append(InvoiceLine(desc, i.hours, rate, amount, i.id))
    return lines


SELLER = ("name", "address", "emails", "tax_id", "bank", "iban")  # [me] as an invoice shows it


def _view(vault: Vault, c: Connection, invoice_id: int) -> InvoiceView:
    m = store.invoice_row(c, invoice_id)
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
    if v.credit_of is not None:
        v.credit_of_number = store.invoice_row(c, int(v.credit_of))["number"]
    # an issued invoice names its parties as they were that day: a copy printed later is the
    # document that was sent (QA, session 12: a renamed client and a new address showed)
    parties = json.loads(m.get("meta") or "{}").get("parties")
    if v.status != "draft" and isinstance(parties, dict):
        v.client_name = str(parties.get("client_name") or v.client_name)
        v.billing_address = str(parties.get("billing_address") or "")
        seller = parties.get("seller")
        v.seller = dict(seller) if isinstance(seller, dict) else None
    if v.status == "draft" and spec is None:
        # QA, session 16: `invoice list`, `show` and `discard` all failed on such a draft,
        # issued invoices too. It is listed with the reason; it can be discarded, not issued.
        v.problem = (
            f"client {v.client!r} is not in clients.toml: discard this draft, or put the client "
            "back to issue it"
        )
    elif v.status == "draft" and spec is not None:
        # a draft is what clients.toml says now — its rate, and its currency and tax with it
        # (QA, session 12: a draft took the new rate but kept the old currency and tax)
        v.currency, v.tax_rate = spec.currency, spec.tax_rate
        v.lines = _draft_lines(store.items_on(c, invoice_id), spec)
        v.subtotal, v.tax, v.total = totals([ln.amount for ln in v.lines], v.tax_rate, v.currency)
    else:
        v.lines = [
            InvoiceLine(d, h, r, Decimal(a), w) for d, h, r, a, w in store.frozen_lines(c, v.id)
        ]
        v.subtotal, v.tax, v.total = (Decimal(str(m[k])) for k in ("subtotal", "tax", "total"))
    return v


def lines_naming_others(inv: InvoiceView, clients: Sequence[ClientSpec]) -> list[str]:
    """What to tell the user before an invoice goes out: each line whose words name another
    client ("compared with Globex's engine") — an invoice would tell its client about another
    (QA, session 10). Said, not changed: the line is the user's own work note."""
    from trailkeep.vault.clients import ClientDirectory

    directory = ClientDirectory(tuple(clients))
    names = {c.id: c.name for c in clients}
    out = []
    for n, line in enumerate(inv.lines, 1):
        others = [names[c] for c in directory.named_in(line.description) if c != inv.client]
        if others:
            out.append(
                f"line {n} ({line.description!r}) names {', '.join(others)}; this invoice goes "
                f"to {inv.client_name}. Edit the work line in its note (or the timesheet) and "
                "ingest it again before you issue it."
            )
    return out


def lines_alike(inv: InvoiceView) -> list[str]:
    """What to tell the user before an invoice goes out: lines alike in day, words and hours
    ("2026-11-02 call with Bob", 0.5h, twice) — two calls, or one line copied into a note twice
    or into a daily note and a week's timesheet, which the client would pay twice (session 30:
    billed twice without a word). Said, not merged: only the user knows which it is."""
    seen: dict[tuple[str, str], list[InvoiceLine]] = {}
    for line in inv.lines:
        seen.setdefault((" ".join(line.description.lower().split()), line.hours), []).append(line)
    twice = [alike for alike in seen.values() if len(alike) > 1]
    if not twice:
        return []
    what, hours, n = twice[0][0].description, twice[0][0].hours, len(twice[0])
    more = f" (and {len(twice) - 1} more such group(s))" if len(twice) > 1 else ""
    return [
        f"{n} lines read the same ({what!r}, {hours}h){more}: each is billed. If "
        "one is a copy, delete it in its note or timesheet and ingest that again before you "
        "issue"
    ]


def get_invoice(vault: Vault, invoice_id: int) -> InvoiceView:
    with store.reading(vault) as c:
        return _view(vault, c, invoice_id)


def list_invoices(vault: Vault, client: str | None = None) -> list[InvoiceView]:
    with store.reading(vault) as c:
        return [_view(vault, c, i) for i in store.invoice_ids(c, client)]


def create_invoice(vault: Vault, client: str, period: str) -> InvoiceView:
    """The draft for (client, period) holding every unbilled item dated in the period. A second
    call returns the same draft (with items that appeared since); an item is never on two."""
    _check_period(period)
    spec = _spec(vault, client)
    with store.transaction(vault, "invoice create") as c:
        items = store.billable_items(c, spec.id, period)
        invoice_id = store.draft_for(c, spec.id, period)
        if invoice_id is None and not items:
            raise BillingError(
                f"nothing unbilled for {spec.id} in {period}" + _changed(c, spec.id, period)
            )
        _draft_lines(items, spec)  # a missing rate blocks the invoice here, clearly
        if invoice_id is None:
            invoice_id = store.insert_draft(
                c,
                spec.id,
                period,
                spec.currency,
                str(spec.tax_rate),
                None if spec.rate is None else str(spec.rate),
            )
        store.reserve(c, invoice_id, [i.id for i in items])
        return _view(vault, c, invoice_id)


def _changed(c: Connection, client: str, period: str) -> str:
    """What to add to "nothing unbilled": billed work whose line changed since (QA, session
    16: hours added to an invoiced line showed only in `work list`, and were easily never
    billed)."""
    flagged = store.changed_items(c, client, period)
    if not flagged:
        return ""
    return (
        f"; {len(flagged)} billed item(s) changed since ({flagged[0].flag}): credit the "
        "invoice that holds them to bill the change (`trailkeep work list` shows them)"
    )


def changed_since_billed(vault: Vault, inv: InvoiceView) -> str | None:
    """A warning for a draft being created or issued while billed work of its client and period
    changed since it was billed: a "3h" line corrected into "2h" and "1h" bills the 1h as new
    work, and the client pays 4h for 3h unless the old invoice is credited (QA, session 18:
    said only when nothing else was billable). None when nothing changed."""
    if inv.kind != "invoice" or inv.status != "draft":
        return None  # an issued invoice's items are its own: nothing to warn before it goes
    with store.reading(vault) as c:
        said = _changed(c, inv.client, inv.period)
    return said[2:] if said else None


def unread_hours(vault: Vault, client: str | None = None) -> list[str]:
    """Files holding hours that were not read as work (a markdown table's rows, a duration
    without its unit): a draft may bill less than was worked (blind trial, session 27: a
    timesheet kept as a table billed none of it, and `invoice create` said nothing). For
    ``client``'s invoice, not the lines of another client's label, nor open tasks (planned,
    not worked: new user's trial, session 30 — the podcast studio's invoice warned of the ski
    shop's to-do)."""
    from pathlib import Path

    directory = ClientDirectory(tuple(vault.settings.clients))
    names = [
        Path(p).name
        for p, said in store.files_with_unread_hours(vault)
        if client is None or _may_be(client, said, directory)
    ]
    if not names:
        return []
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return [
        f"hours in {', '.join(names[:5])}{more} are not billed (not read as work: `trailkeep "
        "status` quotes the lines, and how to write them); a draft may bill less than was "
        "worked"
    ]


# one line a reading named: "not a work line, <why>: '<the line>'"
_UNREAD = re.compile(r"not a work line, (?P<why>.*?): (?P<line>'(?:[^'\\]|\\.)*'|\"[^\"]*\")")


def _may_be(client: str, said: str, directory: ClientDirectory) -> bool:
    """May the lines a reading named (``said``) hold hours of ``client``? Not when each is an
    open task, or labelled for another client ("- 2h beta: …", "- [ ] 1h beta: …")."""
    for m in _UNREAD.finditer(said):
        if m.group("why").startswith("an open task is planned work"):
            continue
        label = re.match(r"\W*[-*+]\s+(?:\[.\]\s+)?\S+\s+([^:\n]{1,60}?)\s*:", m.group("line")[1:])
        spec = directory.get(label.group(1)) if label else None
        if spec is None or spec.id == client:
            return True
    # "and 3 more such lines": unseen, so possibly this client's
    return bool(re.search(r"and \d+ more such lines", said)) or not _UNREAD.search(said)


def repriced(vault: Vault, inv: InvoiceView) -> list[str]:
    """What to tell the user before a draft goes out when its price is not the one it was made
    with: clients.toml's rate, currency or tax rate changed since (a draft follows clients.toml
    until issued), or lines bill work once billed at another rate on an invoice credited since
    (QA, session 19: both changed the total and nothing said so). Empty when neither."""
    if inv.kind != "invoice" or inv.status != "draft":
        return []
    spec = next((s for s in vault.settings.clients if s.id == inv.client), None)
    if spec is None:
        return []  # the draft says its own problem (its client left clients.toml)
    out = []
    with store.reading(vault) as c:
        m = store.invoice_row(c, inv.id)
        made = json.loads(m.get("meta") or "{}").get("made_with") or {}
        then = {"rate": made.get("rate"), "currency": m["currency"], "tax rate": m["tax_rate"]}
        credited = store.credited_rates(c, [ln.work_item_id for ln in inv.lines if ln.work_item_id])
    now = {
        "rate": None if spec.rate is None else str(spec.rate),
        "currency": spec.currency,
        "tax rate": str(spec.tax_rate),
    }
    changes = [
        f"{k} {was} → {is_}"
        for k, was in then.items()
        if was is not None and (is_ := now[k]) is not None and not _same(str(was), is_)
    ]
    if changes:
        out.append(
            f"clients.toml changed since this draft was made ({'; '.join(changes)}): the draft "
            "is priced as clients.toml says now"
        )
    again = [
        (ln, credited[ln.work_item_id])
        for ln in inv.lines
        if ln.work_item_id in credited and not _same(credited[ln.work_item_id][0], ln.rate)
    ]
    if again:
        ln, (rate, number) = again[0]
        out.append(
            f"{len(again)} line(s) bill work once billed at another rate on an invoice credited "
            f"since (first: {ln.description!r} at {rate} on {number}, now {ln.rate})"
        )
    return out


def _same(a: str, b: str) -> bool:
    """Two amounts or codes as written: "140" and "140.00" are one rate."""
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def payment_terms_days(vault: Vault) -> int:
    me = vault.settings.extra.get("me", {})
    try:
        return int(me.get("payment_terms_days", 30)) if isinstance(me, dict) else 30
    except (TypeError, ValueError):
        raise BillingError("[me] payment_terms_days must be a whole number of days") from None


def _last_issued(c: Connection, year: int, kind: str = "invoice") -> tuple[date, str] | None:
    """The latest issue date among the invoices (or credit notes: ``kind`` "credit") numbered in
    ``year`` (``INV-<year>-...``; their year is their issue date's), with that one's number;
    None when there is none yet."""
    latest: tuple[date, str] | None = None
    for i in store.invoice_ids(c):
        m = store.invoice_row(c, i)
        if m["kind"] != kind or not m["number"] or not m["issued_on"]:
            continue
        on = date.fromisoformat(str(m["issued_on"]))
        if on.year == year and (latest is None or on > latest[0]):
            latest = (on, str(m["number"]))
    return latest


def _check_issue_date(c: Connection, invoice_id: int, on: date) -> None:
    """Refuse an issue date that would misdate the invoice: before the last work it bills (it
    would be due, even overdue, before the work was done), or before an invoice already issued
    that year (numbers are gapless per year and must follow their dates, so a later number may
    not carry an earlier date). The error names the earliest date allowed."""
    days = [date.fromisoformat(str(i.day)) for i in store.items_on(c, invoice_id) if i.day]
    last_work = max(days, default=None)
    if last_work is not None and on < last_work:
        earliest = last_work
        before = _last_issued(c, last_work.year)
        if before is not None and before[0] > earliest:
            earliest = before[0]
        raise BillingError(
            f"issue date {on} is before {last_work}, the last work this invoice bills; "
            f"the earliest allowed issue date is {earliest}"
        )
    before = _last_issued(c, on.year)
    if before is not None and on < before[0]:
        raise BillingError(
            f"issue date {on} is before {before[0]}, the date of {before[1]}: invoice numbers "
            f"follow their dates within a year; the earliest allowed issue date is {before[0]}"
        )


def issue_invoice(
    vault: Vault, invoice_id: int, today: date, *, naming_others: bool = False
) -> InvoiceView:
    """Number, freeze and date the draft ``invoice_id`` as issued on ``today`` (the CLI's
    ``--date``); a date before its work or before that year's last invoice is refused, and so
    is a line naming another client unless ``naming_others`` says the user means it (new
    user's trial, session 31: warned, then issued and frozen with another client's codename —
    what an issued invoice says cannot be taken back but by a credit note)."""
    terms = payment_terms_days(vault)
    with store.transaction(vault, "invoice issue") as c:
        v = _view(vault, c, invoice_id)
        if v.status != "draft":
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; it cannot be issued")
        if v.problem:
            raise BillingError(f"invoice {v.id}: {v.problem}")
        if not v.lines:
            raise BillingError(f"invoice {v.id} has no lines (its items changed); nothing to issue")
        _check_issue_date(c, invoice_id, today)
        if (others := lines_naming_others(v, vault.settings.clients)) and not naming_others:
            raise NamesAnotherClient(v.id, others)
        if bad := [i for i in store.items_on(c, invoice_id) if i.problem]:
            raise BillingError(
                f"invoice {v.id} holds work that cannot be billed as it is (item {bad[0].id}: "
                f"{bad[0].problem}); fix the line, then issue"
            )
        number = store.next_number(c, "INV", today.year)
        store.freeze(c, invoice_id, [ln.row() for ln in v.lines])
        due = (today + timedelta(days=terms)).isoformat()
        store.set_issued(
            c,
            invoice_id,
            number,
            v.sums(),
            today.isoformat(),
            due,
            v.currency,
            str(v.tax_rate),
            {
                "client_name": v.client_name,
                "billing_address": v.billing_address,
                "seller": {k: vault.settings.me[k] for k in SELLER if k in vault.settings.me},
            },
        )
        return _view(vault, c, invoice_id)


def mark_paid(vault: Vault, invoice_id: int, today: date) -> InvoiceView:
    with store.transaction(vault, "invoice paid") as c:
        v = _view(vault, c, invoice_id)
        if v.kind != "invoice":
            raise BillingError(f"{v.number or v.id} is a credit note; only invoices are paid")
        if v.status != "issued":
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; only issued can be paid")
        if v.issued_on and today < date.fromisoformat(str(v.issued_on)):
            raise BillingError(
                f"payment date {today} is before {v.issued_on}, when {v.number} was issued"
            )
        if today > date.today() + timedelta(days=1):  # a day of slack for time zones
            # a typo'd year ("2062") marked it paid, and off every overdue list, silently
            raise BillingError(
                f"payment date {today} is in the future (today is {date.today()}): mark "
                f"{v.number} paid when the payment has arrived"
            )
        store.set_status(c, invoice_id, "paid", paid_on=today.isoformat())
        return _view(vault, c, invoice_id)


def discard_draft(vault: Vault, invoice_id: int) -> None:
    with store.transaction(vault, "invoice discard") as c:
        v = _view(vault, c, invoice_id)
        if v.status != "draft":
            raise BillingError(f"invoice {v.number} is {v.status}; use a credit note instead")
        store.delete_draft(c, v.id)


def credit_invoice(vault: Vault, invoice_id: int, today: date) -> InvoiceView:
    """A credit note reversing an issued invoice in full; its items become unbilled again (so a
    corrected invoice can bill them) and take their notes' current text."""
    with store.transaction(vault, "invoice credit") as c:
        v = _view(vault, c, invoice_id)
        if v.kind != "invoice":  # QA, session 16: it said "is issued; it cannot be credited"
            raise BillingError(f"{v.number or v.id} is a credit note; it cannot be credited")
        if v.status not in ("issued", "paid"):
            raise BillingError(f"invoice {v.number or v.id} is {v.status}; it cannot be credited")
        # As for invoices: not before what it credits, and numbers follow dates within a year
        if v.issued_on and today < date.fromisoformat(str(v.issued_on)):
            raise BillingError(
                f"credit date {today} is before {v.issued_on}, when {v.number} was issued; "
                f"the earliest allowed credit date is {v.issued_on}"
            )
        before = _last_issued(c, today.year, "credit")
        if before is not None and today < before[0]:
            raise BillingError(
                f"credit date {today} is before {before[0]}, the date of {before[1]}: credit "
                "note numbers follow their dates within a year; the earliest allowed date is "
                f"{before[0]}"
            )
        number = store.next_number(c, "CN", today.year)
        sums = (str(-v.subtotal), str(-v.tax), str(-v.total))
        credit_id = store.insert_credit(
            c, store.invoice_row(c, v.id), number, sums, today.isoformat()
        )
        reversed_lines = [
            InvoiceLine(f"credit: {ln.description}", ln.hours, ln.rate, -ln.amount, None)
            for ln in v.lines
        ]
        store.freeze(c, credit_id, [ln.row() for ln in reversed_lines])
        store.set_status(c, v.id, "credited")
        store.release(c, v.id)
        return _view(vault, c, credit_id)


__all__ = [
    "BillingError",
    "InvoiceLine",
    "InvoiceView",
    "create_invoice",
    "credit_invoice",
    "discard_draft",
    "get_invoice",
    "issue_invoice",
    "list_invoices",
    "mark_paid",
    "payment_terms_days",
    "repriced",
]
