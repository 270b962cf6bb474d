"""Billing: exact money, invoices that are never billed twice, and invoice formats.

Above the vault and beside ``trailkeep.recall``: it reads and writes work items and invoice rows
only through ``trailkeep.vault.work`` (the SQL), and keeps the rules here (notes/0010).
"""

from __future__ import annotations

from trailkeep.vault.work import WorkItem, list_work  # the items billing bills

from .errors import NamesAnotherClient
from .formats import Format, format_names, get_format, register_format, render
from .invoices import (
    BillingError,
    InvoiceLine,
    InvoiceView,
    changed_since_billed,
    create_invoice,
    credit_invoice,
    discard_draft,
    get_invoice,
    issue_invoice,
    lines_alike,
    lines_naming_others,
    list_invoices,
    mark_paid,
    payment_terms_days,
    repriced,
    unread_hours,
)
from .money import (
    CENT,
    line_amount,
    minor_digits,
    round_cents,
    show_hours,
    to_fraction,
    totals,
)
from .summary import Unbilled, open_invoices, unbilled

__all__ = [
    "CENT",
    "BillingError",
    "Format",
    "InvoiceLine",
    "InvoiceView",
    "NamesAnotherClient",
    "Unbilled",
    "WorkItem",
    "changed_since_billed",
    "create_invoice",
    "credit_invoice",
    "discard_draft",
    "format_names",
    "get_format",
    "get_invoice",
    "issue_invoice",
    "line_amount",
    "lines_alike",
    "lines_naming_others",
    "list_invoices",
    "list_work",
    "mark_paid",
    "minor_digits",
    "open_invoices",
    "payment_terms_days",
    "register_format",
    "render",
    "repriced",
    "round_cents",
    "show_hours",
    "to_fraction",
    "totals",
    "unbilled",
    "unread_hours",
]
