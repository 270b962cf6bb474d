"""Invoices as files: a registry of output formats (``register_format``), with Markdown, HTML
and PDF (fpdf2) built in. Each renders an :class:`InvoiceView` with the user's details from
``[me]`` and the client's billing details from clients.toml. Amounts are the invoice's own
Decimal strings: rendering never computes money. Every text from the user's files (names,
addresses, work descriptions from notes) is escaped for its format: shown as written, never as
markup, a link or a remote image.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import BillingError
from .invoices import InvoiceView

Render = Callable[[InvoiceView, Mapping[str, Any]], bytes]


@dataclass(frozen=True)
class Format:
    name: str
    render: Render
    suffix: str
    media_type: str


_FORMATS: dict[str, Format] = {}


def register_format(
    name: str, render: Render, *, suffix: str | None = None, media_type: str = "text/plain"
) -> None:
    """Add (or replace) an invoice format: ``render(view, me)`` returns the file's bytes."""
    _FORMATS[name] = Format(name, render, suffix or f".{name}", media_type)


def format_names() -> list[str]:
    return sorted(_FORMATS)


def get_format(name: str) -> Format:
    try:
        return _FORMATS[name]
    except KeyError:
        raise BillingError(
            f"no invoice format {name!r}; known: {', '.join(format_names())}"
        ) from None


def render(name: str, view: InvoiceView, me: Mapping[str, Any]) -> bytes:
    return get_format(name).render(view, me)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def _md(text: object) -> str:
    """One line of the user's text as Markdown that shows exactly that text."""
    flat = " ".join(_CONTROL.sub("", str(text)).split())
    return _PUNCT.sub(r"\\\1", flat)


def _me_lines(me: Mapping[str, Any]) -> list[str]:
    out = [str(me.get("name") or "")]
    out += str(me.get("address") or "").splitlines()
    emails = me.get("emails") or []
    if emails:
        out.append(str(emails[0]))
    for key, label in (("tax_id", "Tax ID"), ("bank", "Bank"), ("iban", "IBAN")):
        if me.get(key):
            out.append(f"{label}: {me[key]}")
    return [x for x in out if x.strip()]


def _heading(v: InvoiceView) -> str:
    word = "Credit note" if v.kind == "credit" else "Invoice"
    return f"{word} {v.number}" if v.number else f"{word} (draft {v.id}, not issued)"


def _rows(v: InvoiceView) -> list[tuple[str, str, str, str]]:
    return [(ln.description, ln.as_json()["hours"], ln.rate, str(ln.amount)) for ln in v.lines]


def markdown(v: InvoiceView, me: Mapping[str, Any]) -> str:
    """The invoice as Markdown. Every text from the user's files (names, addresses, work
    descriptions from notes) is escaped: shown as written, never as markup or a remote image."""
    e = _md
    lines = [f"# {_heading(v)}", ""]
    lines += ["**From**  ", *[f"{e(x)}  " for x in _me_lines(me)], ""]
    to = [v.client_name, *v.billing_address.splitlines()]
    lines += ["**To**  ", *[f"{e(x)}  " for x in to]]
    lines += [""]
    meta = [f"Period: {v.period}"]
    if v.issued_on:
        meta.append(f"Issued: {v.issued_on}")
    if v.due_on:
        meta.append(f"Due: {v.due_on}")
    lines += ["  \n".join(meta), "", f"| Description | Hours | Rate ({v.currency}) | Amount |"]
    lines += ["|---|---:|---:|---:|"]
    for d, h, r, a in _rows(v):
        lines.append(f"| {e(d)} | {h} | {r} | {a} |")
    lines += [
        "",
        f"Subtotal: {v.currency} {v.subtotal}  ",
        f"Tax ({v.tax_rate}): {v.currency} {v.tax}  ",
        f"**Total: {v.currency} {v.total}**",
        "",
    ]
    return "\n".join(lines)


def html_page(v: InvoiceView, me: Mapping[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(d)}</td><td class=n>{e(h)}</td><td class=n>{e(r)}</td>"
        f"<td class=n>{e(a)}</td></tr>"
        for d, h, r, a in _rows(v)
    )
    to = "<br>".join(e(x) for x in [v.client_name, *v.billing_address.splitlines()])
    frm = "<br>".join(e(x) for x in _me_lines(me))
    dates = " · ".join(
        e(x)
        for x in (
            f"Period {v.period}",
            f"Issued {v.issued_on}" if v.issued_on else "",
            f"Due {v.due_on}" if v.due_on else "",
        )
        if x
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{e(_heading(v))}</title><style>body{{font-family:sans-serif;max-width:48em;"
        "margin:2em auto}}table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:"
        "1px solid #ddd;padding:.3em}}.n{{text-align:right}}</style></head><body>"
        f"<h1>{e(_heading(v))}</h1><p><b>From</b><br>{frm}</p><p><b>To</b><br>{to}</p>"
        f"<p>{dates}</p><table><tr><th>Description</th><th class=n>Hours</th>"
        f"<th class=n>Rate ({e(v.currency)})</th><th class=n>Amount</th></tr>{rows}</table>"
        f"<p class=n>Subtotal {e(v.currency)} {v.subtotal}<br>Tax ({v.tax_rate}) "
        f"{e(v.currency)} {v.tax}<br><b>Total {e(v.currency)} {v.total}</b></p></body></html>"
    )


def _latin(s: str) -> str:
    # The PDF core fonts are Latin-1; anything else is replaced visibly, never dropped silently.
    return s.encode("latin-1", "replace").decode("latin-1")


def pdf_bytes(v: InvoiceView, me: Mapping[str, Any]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creator("trailkeep")
    pdf.set_title(_latin(_heading(v)))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(_heading(v)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for x in ["From:", *_me_lines(me), "", "To:", v.client_name, *v.billing_address.splitlines()]:
        pdf.cell(0, 5, _latin(x), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    when = f"Period {v.period}"
    if v.issued_on:
        when += f"   Issued {v.issued_on}   Due {v.due_on}"
    pdf.cell(0, 6, _latin(when), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (100, 20, 30, 30)
    pdf.set_font("Helvetica", "B", 10)
    for w, head in zip(
        widths, ("Description", "Hours", f"Rate {v.currency}", "Amount"), strict=True
    ):
        pdf.cell(w, 7, _latin(head), border="B", align="L" if w == 100 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for row in _rows(v):
        for w, cell in zip(widths, row, strict=True):
            text = cell if len(cell) < 60 else cell[:57] + "..."
            pdf.cell(w, 6, _latin(text), align="L" if w == 100 else "R")
        pdf.ln()
    pdf.ln(3)
    for label, amount in (("Subtotal", v.subtotal), (f"Tax ({v.tax_rate})", v.tax)):
        pdf.cell(150, 6, _latin(label), align="R")
        pdf.cell(30, 6, f"{v.currency} {amount}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(150, 7, "Total", align="R")
    pdf.cell(30, 7, f"{v.currency} {v.total}", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


register_format("md", lambda v, me: markdown(v, me).encode(), media_type="text/markdown")
register_format("html", lambda v, me: html_page(v, me).encode(), media_type="text/html")
register_format("pdf", pdf_bytes, media_type="application/pdf")

__all__ = [
    "Format",
    "format_names",
    "get_format",
    "html_page",
    "markdown",
    "pdf_bytes",
    "register_format",
    "render",
]
