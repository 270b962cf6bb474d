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
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import BillingError
from .invoices import InvoiceView

if TYPE_CHECKING:
    from fpdf import FPDF

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
    """The invoice in format ``name``: an issued one with the seller it was issued by, a draft
    with today's ``[me]``. What ``[me]`` lacked when it was issued (the warning said so) is
    taken from today's: a document only gains what it was missing."""
    seller = me if view.seller is None else {**me, **{k: v for k, v in view.seller.items() if v}}
    return get_format(name).render(view, seller)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# Markup wherever it stands: escapes, code, emphasis, links and images, raw HTML and autolinks
# (`<`, `>`), entities, table cells, GFM strikethrough, and `$` (Streamlit's st.markdown, which
# shows this Markdown on the invoices page, reads `$...$` as LaTeX).
_INLINE = re.compile(r"([\\`*_\[<>&|~$])")
# Markup only in context: a link's destination (`](`), a URL scheme (`http://`), a Streamlit
# shortcode or colour (`:smile:`, `:red[`), a host name or an e-mail address an autolinker would
# link (`acme.com`, `sam@acme`). A date (2026-10-03), a comma, a sentence's full stop or
# "Tax ID: 1" is none of these, and reads as written.
_CONTEXT = re.compile(r"((?<=\])\(|:(?=//|[A-Za-z_])|(?<=\w)[.@](?=[A-Za-z]))")
# What starts a block at the beginning of a line (the From and To lines are lines): a heading,
# quote, list item, rule or setext underline, or an ordered list item (`1. `, `1) `).
_BLOCK = re.compile(r"^([#>+=-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def _md(text: object) -> str:
    """One line of the user's text as Markdown that shows exactly that text (also as a table
    cell), escaping only what would be read as markup, so dates and commas read plainly."""
    flat = " ".join(_CONTROL.sub("", str(text)).split())
    flat = _CONTEXT.sub(r"\\\1", _INLINE.sub(r"\\\1", flat))
    return _ORDERED.sub(r"\1\\\2", _BLOCK.sub(r"\\\1", flat))


def percent(rate: Decimal) -> str:
    """A tax rate as people read it: 0.0825 -> "8.25 %", 0.2 -> "20 %" (exact, no float)."""
    p = (rate * 100).normalize()
    return f"{p:f} %"


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


def _dates(v: InvoiceView) -> list[str]:
    """Period, issue and due dates, and for a credit note the invoice it reverses (QA,
    session 12: a credit note printed "Due None" and never named what it credits)."""
    out = [f"Period {v.period}"]
    if v.credit_of_number:
        out.append(f"Credits invoice {v.credit_of_number}")
    if v.issued_on:
        out.append(f"Issued {v.issued_on}")
    if v.due_on:
        out.append(f"Due {v.due_on}")
    return out


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
    meta = [e(x) for x in _dates(v)]
    lines += ["  \n".join(meta), "", f"| Description | Hours | Rate ({v.currency}) | Amount |"]
    lines += ["|---|---:|---:|---:|"]
    for d, h, r, a in _rows(v):
        lines.append(f"| {e(d)} | {h} | {r} | {a} |")
    lines += [
        "",
        f"Subtotal: {v.currency} {v.subtotal}  ",
        f"Tax ({percent(v.tax_rate)}): {v.currency} {v.tax}  ",
        f"**Total: {v.currency} {v.total}**",
        "",
    ]
    return "\n".join(lines)


# A plain string, not part of the f-string below: CSS braces are written once, as CSS has them.
_CSS = (
    "body{font-family:sans-serif;max-width:48em;margin:2em auto}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.3em}"
    ".n{text-align:right}"
)


def html_page(v: InvoiceView, me: Mapping[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(d)}</td><td class=n>{e(h)}</td><td class=n>{e(r)}</td>"
        f"<td class=n>{e(a)}</td></tr>"
        for d, h, r, a in _rows(v)
    )
    to = "<br>".join(e(x) for x in [v.client_name, *v.billing_address.splitlines()])
    frm = "<br>".join(e(x) for x in _me_lines(me))
    dates = " · ".join(e(x) for x in _dates(v))
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{e(_heading(v))}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(_heading(v))}</h1><p><b>From</b><br>{frm}</p><p><b>To</b><br>{to}</p>"
        f"<p>{dates}</p><table><tr><th>Description</th><th class=n>Hours</th>"
        f"<th class=n>Rate ({e(v.currency)})</th><th class=n>Amount</th></tr>{rows}</table>"
        f"<p class=n>Subtotal {e(v.currency)} {v.subtotal}<br>Tax ({percent(v.tax_rate)}) "
        f"{e(v.currency)} {v.tax}<br><b>Total {e(v.currency)} {v.total}</b></p></body></html>"
    )


def _pdf_text(s: str, lost: set[str]) -> str:
    """Text the PDF's core fonts can show. Their encoding is WinAnsi (cp1252), which has the euro
    sign, dashes, curly quotes, the ellipsis and bullets; a character it lacks is added to
    ``lost`` (the PDF is then refused: :func:`pdf_bytes`). fpdf2 (with ``core_fonts_encoding``
    cp1252) writes the cp1252 bytes and escapes ``\\``, ``(`` and ``)`` of the literal itself."""
    out = s.encode("cp1252", "replace").decode("cp1252")
    if out != s:
        lost.update(ch for ch in s if ch.encode("cp1252", "replace") == b"?" and ch != "?")
    return out


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` in lines at most ``width`` mm wide, broken at spaces (a word wider than a line is
    broken inside it): a long description is shown whole, never cut off."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if pdf.get_string_width(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        line = word
        while pdf.get_string_width(line) > width:
            cut = max(1, len(line) - 1)
            while cut > 1 and pdf.get_string_width(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line]


def pdf_bytes(v: InvoiceView, me: Mapping[str, Any]) -> bytes:
    from fpdf import FPDF

    lost: set[str] = set()

    def t(s: str) -> str:
        return _pdf_text(s, lost)

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "cp1252"  # the WinAnsiEncoding fpdf2 declares for core fonts
    pdf.set_creator("trailkeep")
    pdf.set_title(t(_heading(v)))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, t(_heading(v)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for x in ["From:", *_me_lines(me), "", "To:", v.client_name, *v.billing_address.splitlines()]:
        pdf.cell(0, 5, t(x), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    when = "   ".join(_dates(v))
    pdf.cell(0, 6, t(when), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    desc_w, *num_ws = widths = (100, 20, 30, 30)
    pdf.set_font("Helvetica", "B", 10)
    for w, head in zip(
        widths, ("Description", "Hours", f"Rate {v.currency}", "Amount"), strict=True
    ):
        pdf.cell(w, 7, t(head), border="B", align="L" if w == desc_w else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for desc, *nums in _rows(v):
        # The numbers stand on the description's first line; its further lines leave them empty.
        for k, line in enumerate(_wrap(pdf, t(desc), desc_w - 2 * pdf.c_margin)):
            pdf.cell(desc_w, 6, line)
            for w, cell in zip(num_ws, nums if k == 0 else ["", "", ""], strict=True):
                pdf.cell(w, 6, t(cell), align="R")
            pdf.ln()
    pdf.ln(3)
    for label, amount in (("Subtotal", v.subtotal), (f"Tax ({percent(v.tax_rate)})", v.tax)):
        pdf.cell(150, 6, t(label), align="R")
        pdf.cell(30, 6, t(f"{v.currency} {amount}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(150, 7, "Total", align="R")
    pdf.cell(30, 7, t(f"{v.currency} {v.total}"), align="R", new_x="LMARGIN", new_y="NEXT")
    if lost:
        # An invoice reading "To: ?????????" is no invoice (QA, session 14: a Japanese client's
        # name and lines came out as question marks, and the command said nothing).
        shown = " ".join(sorted(lost)[:12]) + (" …" if len(lost) > 12 else "")
        raise BillingError(
            f"the PDF's fonts cannot show {shown} (in the client's name, the lines or your "
            "details): render it as HTML (`--format html`) and print that to PDF from a browser"
        )
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
