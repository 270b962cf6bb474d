"""The built-in invoice formats (billing/formats.py) on an invoice built in memory: HTML that
styles, a PDF that shows WinAnsi text whole, Markdown that reads plainly and injects nothing."""

from __future__ import annotations

import html
import re
import zlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from trailkeep.billing import InvoiceLine, InvoiceView, render

# CommonMark + GFM tables + strikethrough, as tests/ui/test_markup.py renders Markdown.
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

ME = {"name": "Sam Example", "address": "9 Side St", "tax_id": "DE-123: 4"}


def invoice(*descriptions: str, client_name: str = "Acme Health") -> InvoiceView:
    return InvoiceView(
        id=7,
        kind="invoice",
        number="INV-2026-0004",
        client="acme",
        client_name=client_name,
        period="2026-10",
        currency="EUR",
        status="issued",
        tax_rate=Decimal("0.20"),
        lines=[
            InvoiceLine(d, "1.5", "100.00", Decimal("150.00"), n)
            for n, d in enumerate(descriptions, 1)
        ],
        subtotal=Decimal("150.00") * len(descriptions),
        issued_on="2026-11-02",
        due_on="2026-11-16",
        billing_address="1 Main St\nSpringfield",
    )


# ------------------------------------------------------------------------------------------ HTML
def test_html_style_has_single_braces() -> None:
    page = render("html", invoice("2026-10-03 review"), ME).decode()
    css = re.search(r"<style>(.*?)</style>", page, re.S)
    assert css is not None
    rules = css.group(1)
    assert "{{" not in rules and "}}" not in rules
    assert re.fullmatch(r"([^{}]+\{[^{}]+\})+", rules), rules  # selector{declarations}, each once
    assert "table{border-collapse:collapse;width:100%}" in rules
    assert ".n{text-align:right}" in rules


# ------------------------------------------------------------------------------------------- PDF
def streams(data: bytes) -> list[bytes]:
    """A PDF's streams, inflated when compressed (fpdf2 compresses page content with zlib)."""
    out = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def pdf_text(data: bytes) -> bytes:
    """The text shown by a PDF's content streams (each `(...) Tj`), with PDF escapes undone."""
    shown = []
    for body in streams(data):
        for s in re.findall(rb"\(((?:[^\\()]|\\.)*)\) Tj", body, re.S):
            shown.append(re.sub(rb"\\(.)", rb"\1", s, flags=re.S))
    return b"\n".join(shown)


def test_pdf_shows_winansi_characters_as_cp1252() -> None:
    desc = "€ 5 — 10 – “quoted” ‘single’ … • (paren) back\\slash Müller?"
    data = render("pdf", invoice(desc), ME)
    text = pdf_text(data)
    for b in (b"\x80", b"\x97", b"\x96", b"\x93", b"\x94", b"\x91", b"\x92", b"\x85", b"\x95"):
        assert b in text, b
    assert desc.encode("cp1252") in text  # the whole description, in cp1252
    assert b"EUR 150.00" in text
    # The literal string is still escaped: its parentheses and backslash do not end or break it.
    assert re.search(rb"\\\(paren\\\) back\\\\slash", b"".join(streams(data)))


def test_a_pdf_that_would_lose_characters_is_refused_naming_them() -> None:
    """QA, session 14: a Japanese client's invoice came out "To: ?????????" with its lines as
    question marks, and the command said nothing. An invoice that cannot be shown whole is
    refused, naming what it lacks and what to do; HTML shows it whole."""
    from trailkeep.billing import BillingError

    with pytest.raises(BillingError, match=r"cannot show .*精.*--format html"):
        render("pdf", invoice("調整", client_name="さくら精機"), ME)
    with pytest.raises(BillingError, match="✓"):
        render("pdf", invoice("checked ✓"), ME)
    page = render("html", invoice("調整", client_name="さくら精機"), ME).decode()
    assert "さくら精機" in page and "調整" in page


def test_pdf_wraps_a_long_description_whole_with_amounts_aligned() -> None:
    words = [f"word{n:03d}" for n in range(40)]
    desc = " ".join(words)[:300]
    assert len(desc) == 300
    data = render("pdf", invoice(desc, "short line"), ME)
    lines = pdf_text(data).decode("cp1252").splitlines()
    wrapped = [ln for ln in lines if ln.startswith("word")]  # only the description has words
    assert not any("..." in ln for ln in lines)
    assert len(wrapped) > 1 and " ".join(wrapped) == desc
    # The amounts stand at the same x on every row: the description's first line and the next.
    xs = re.findall(rb"BT ([\d.]+) [\d.]+ Td \(150\.00\) Tj", b"".join(streams(data)))
    assert len(xs) == 2 and xs[0] == xs[1]


# -------------------------------------------------------------------------------------- Markdown
def test_markdown_shows_dates_and_commas_plainly() -> None:
    md = render("md", invoice("2026-10-03 description, with comma; 50% done."), ME).decode()
    assert "| 2026-10-03 description, with comma; 50% done. | 1.5 | 100.00 | 150.00 |" in md
    assert "Tax ID: DE-123: 4  " in md and "1 Main St  " in md


HOSTILE = [
    "a | b",
    "<b>bold</b> <img src=http://h/p.png>",
    "*em* **strong** _em_ __strong__",
    "`code` ``more``",
    "[pay](http://evil.example) ![x](http://h/p.png) [ref][1]",
    "<http://h/auto> <sam@acme.example>",
    "see http://h/x and www.acme.example or sam@acme.example",
    "&amp; &lt;script&gt; &#60;",
    "~~strike~~ ~one~",
    "back\\slash \\*kept\\* trailing\\",
    "$x^2$ :red[red] :smile:",
]


def cell(md: str) -> str:
    """The rendered first description cell of the invoice's table."""
    rendered = MD.render(md)
    m = re.search(r"<tbody>\s*<tr>\s*<td>(.*?)</td>", rendered, re.S)
    assert m is not None, rendered
    return m.group(1)


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_cells_inject_no_markup(text: str) -> None:
    shown = cell(render("md", invoice(text), ME).decode())
    assert "<" not in shown, shown  # no tag: no link, image, emphasis, code or strike
    assert html.unescape(shown) == text


@given(st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, exclude_characters="\x7f")))
def test_any_description_is_shown_exactly(text: str) -> None:
    flat = " ".join(text.split())
    shown = cell(render("md", invoice(flat or "x"), ME).decode())
    assert "<" not in shown and html.unescape(shown) == (flat or "x")


def test_from_and_to_lines_start_no_block() -> None:
    me = {"name": "# Sam", "address": "1. Main St\n- unit 2\n> quoted\n+ plus\n===\n2) two"}
    md = render("md", invoice("x", client_name="---"), me).decode()
    tags = set(re.findall(r"<([a-z0-9]+)", MD.render(md)))
    assert tags <= {"h1", "p", "br", "strong", "table", "thead", "tbody", "tr", "th", "td"}, tags
    assert MD.render(md).count("<h1>") == 1
    for shown in ("# Sam", "1. Main St", "- unit 2", "&gt; quoted", "+ plus", "===", "2) two"):
        assert shown in MD.render(md)


def test_a_tax_rate_reads_as_a_percentage() -> None:
    """QA, session 7: invoices said "Tax (0.20)"."""
    from decimal import Decimal

    from trailkeep.billing.formats import percent

    assert percent(Decimal("0.20")) == "20 %"
    assert percent(Decimal("0.0825")) == "8.25 %"
    assert percent(Decimal("0")) == "0 %"
