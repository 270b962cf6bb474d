"""Open money for the morning briefing: unbilled work per client and invoices not settled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from trailkeep.vault import Vault
from trailkeep.vault import work as store

from .errors import BillingError
from .invoices import InvoiceView, get_invoice
from .money import exact_hours, line_amount, show_hours


@dataclass(frozen=True)
class Unbilled:
    client: str
    hours: str  # exact ("7.25"; a third of an hour shown to 2 places)
    amount: Decimal | None  # None: neither the items nor clients.toml give a rate
    currency: str | None
    items: int


def unbilled(vault: Vault, today: date, client: str | None) -> list[Unbilled]:
    """Per client: work items dated up to ``today`` on no invoice, with the exact hours and the
    amount an invoice would bill (each line rounded half-up to cents, as ``invoice create``)."""
    specs = {c.id: c for c in vault.settings.clients}
    sums: dict[str, tuple[Fraction, Decimal | None, int]] = {}
    for item in store.list_work(vault, client, unbilled=True):
        if not item.billable or item.client is None or str(item.day) > today.isoformat():
            continue
        assert item.hours is not None
        spec = specs.get(item.client)
        rate = item.rate if item.rate is not None else (spec.rate if spec else None)
        hours, amount, n = sums.get(item.client, (Fraction(0), Decimal(0), 0))
        currency = spec.currency if spec else ""
        line = None if rate is None or amount is None else line_amount(item.hours, rate, currency)
        sums[item.client] = (
            hours + Fraction(item.hours),
            None if line is None or amount is None else amount + line,
            n + 1,
        )
    out = []
    for cid in sorted(sums):
        hours, amount, n = sums[cid]
        shown = str(hours.numerator) if hours.denominator == 1 else str(hours)
        spec = specs.get(cid)
        out.append(
            Unbilled(
                cid, show_hours(exact_hours(shown)), amount, spec.currency if spec else None, n
            )
        )
    return out


def open_invoices(
    vault: Vault, client: str | None
) -> tuple[list[InvoiceView | tuple[int, str, str, str]], list[InvoiceView]]:
    """(drafts, issued invoices not paid), oldest first. A draft whose total cannot be
    computed (its client left clients.toml, no rate) is (id, client, period, the reason)."""
    with store.reading(vault) as c:
        ids = store.invoice_ids(c, client, open_only=True)
        rows = {i: store.invoice_row(c, i) for i in ids}
    drafts: list[InvoiceView | tuple[int, str, str, str]] = []
    unpaid: list[InvoiceView] = []
    for i, row in rows.items():
        try:
            view = get_invoice(vault, i)
        except BillingError as exc:
            drafts.append((i, str(row["client_id"]), str(row["period"]), str(exc)))
            continue
        (drafts if row["status"] == "draft" else unpaid).append(view)
    return drafts, unpaid


__all__ = ["Unbilled", "open_invoices", "unbilled"]
