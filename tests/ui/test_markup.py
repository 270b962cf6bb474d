"""The one escaping function (ui/markup.py) against hostile text, and the readable values of
tables (ui/readable.py). What Chromium makes of the result is checked in test_browser.py."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from trailkeep.ui import readable
from trailkeep.ui.markup import code_lines, plain, safe_md, safe_quote, shown

# CommonMark + tables + strikethrough: what the page's renderer does, minus Streamlit's own
# extensions (covered by the browser test).
MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def html(text: str, **kw: object) -> str:
    return MD.render(safe_md(text, **kw))  # type: ignore[arg-type]


def only_paragraphs(out: str) -> bool:
    tags = set(re.findall(r"</?([a-z0-9]+)", out))
    return tags <= {"p", "br"}


HOSTILE = [
    "![x](http://127.0.0.1:8000/pixel.png)",
    "![x](<http://h/p.png> 'title')",
    '<img src="http://h/b.png">',
    "<IMG SRC=http://h/b.png onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<style>body{display:none}</style>",
    "<!-- hidden --> shown",
    "<iframe src=http://h/></iframe>",
    "[pay here](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "<http://h/auto>",
    "[ref]: http://h/r.png\n![r][ref]",
    "&lt;script&gt; &amp; &#60;img src=x&#62; &#x3C;",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "# heading\n=====\n---\n> quote\n- item\n1. item\n    indented code\n```\nfence\n```",
    "**bold** _em_ ~~strike~~ `code` \\*escaped\\*",
    ":red[red] :smile: :material/home: $x^2$ $$y$$",
    "trailing backslash \\",
    "a < b > c & d",
    "Cara <cara@acme.example>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_paragraphs_only(text: str) -> None:
    out = html(text)
    assert only_paragraphs(out), out
    assert "<img" not in out and "<a " not in out and "<script" not in out
    one_line = MD.render(safe_md(text, lines=False))
    assert only_paragraphs(one_line) and "<br" not in one_line


def test_images_are_named_with_their_host_never_shown_nor_linked() -> None:
    """The host says where it came from; the address (its path is the tracking id) would be
    made a link by the renderer, one click from the tracker (QA, session 7)."""
    assert shown(safe_md("see ![x](http://h.example/pixel.png?id=42) here")) == (
        "see [image removed: x, from h.example] here"
    )
    assert shown(safe_md("<img src=http://www.t.example/b.png>")) == (
        "[image removed: from t.example]"
    )
    assert shown(safe_md("![](data:image/png;base64,AAAA)")) == "[image removed]"
    for text in ("![x](http://h.example/p.png)", "<img src='https://www.t.example/b.png?u=1'>"):
        out = html(text)
        assert "<a " not in out and "p.png" not in out and "b.png" not in out


def test_links_show_their_address() -> None:
    assert plain("[pay here](http://evil.example/x)") == "pay here (http://evil.example/x)"
    assert plain("[http://a.example](http://a.example)") == "http://a.example"
    assert plain("<http://h/auto>") == "http://h/auto"
    assert "javascript:alert" in shown(safe_md("[pay](javascript:alert(1))"))


def test_raw_html_is_removed_with_script_content() -> None:
    assert plain("<script>alert(1)</script>ok") == "ok"
    assert plain("<b>bold</b> text") == "bold text"
    assert plain("<!-- x -->y") == "y"
    # Not tags: comparisons and addresses stay.
    assert plain("a < b > c") == "a < b > c"
    assert plain("Cara <cara@acme.example>") == "Cara <cara@acme.example>"


def test_entities_are_shown_as_typed() -> None:
    out = html("&lt;script&gt; &amp;")
    assert "&amp;lt;script&amp;gt;" in out  # the entity's text itself, not "<script>"
    assert shown(safe_md("&lt;b&gt;")) == "&lt;b&gt;"


def test_lines_and_indentation_are_kept_without_code_blocks() -> None:
    out = html("first\n    indented\n\nnew paragraph")
    assert "<pre" not in out and "<code" not in out
    assert out.count("<p>") == 2 and "<br" in out
    assert shown(safe_md("a\n  b")) == "a\n  b"


def test_control_characters_and_bidi_overrides_are_dropped() -> None:
    assert plain("a\x1b[31mb\x00c\u202ed") == "a[31mbcd"


def test_limit_never_cuts_an_escape_in_half() -> None:
    s = safe_md("*" * 50, lines=False, limit=10)
    assert s == "\\*" * 9 + "…"


def test_quote_is_a_block_quote_of_escaped_lines() -> None:
    out = MD.render(safe_quote("line one\n![x](http://h/p.png)"))
    assert out.startswith("<blockquote>") and "<img" not in out
    assert set(re.findall(r"</?([a-z0-9]+)", out)) <= {"blockquote", "p", "br"}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_renders_as_text(text: str) -> None:
    out = html(text)
    assert only_paragraphs(out), (text, out)
    assert only_paragraphs(MD.render(safe_md(text, lines=False)))


@given(st.text(alphabet=st.sampled_from("ab *_[]()!<>`#|\\$:&~-=+.\n"), max_size=80))
def test_escaping_round_trips_to_the_plain_text(text: str) -> None:
    expected = plain(text)
    got = shown(safe_md(expected, lines=False))
    assert got == " ".join(expected.split())


def test_readable_values() -> None:
    assert readable.dash(None) == "—" and readable.dash("") == "—" and readable.dash(0) == "0"
    assert readable.day("2026-03-02 14:05:06.123456") == "2026-03-02"
    assert readable.day(datetime(2026, 3, 2, 9, tzinfo=UTC)) == "2026-03-02"
    assert readable.day(date(2026, 3, 2)) == "2026-03-02"
    assert readable.day(None) == "—" and readable.day(None, missing="undated") == "undated"
    assert readable.minute("2026-03-02 14:05:06.123456") == "2026-03-02 14:05"
    assert readable.minute("2026-03-02T14:05:06Z") == "2026-03-02 14:05"
    # a note dated by its day shows the day, not a "00:00" nobody wrote (QA, session 10)
    assert readable.moment("2026-03-02 00:00:00") == "2026-03-02"
    assert readable.moment("2026-03-02 14:05:06") == "2026-03-02 14:05"
    assert readable.moment(None, missing="undated") == "undated"
    assert readable.cell("a\nb\t c") == "a b c" and readable.cell(None) == "—"
    assert readable.cell("x" * 300, 10) == "x" * 9 + "…"
    assert readable.file_name("/home/me/inbox/a.eml") == "a.eml"
    assert readable.file_name("C:\\in\\b.csv") == "b.csv"
    assert readable.plural(1, "entry", "entries") == "1 entry"
    assert readable.plural(2, "file") == "2 files"


def test_md_table_escapes_every_cell() -> None:
    from trailkeep.ui.markup import md_table

    md = md_table(
        [{"file": "a|b.md", "note": "![x](http://h/p.png)", "n": 3}, {"file": None, "n": 4}],
        right=("n",),
    )
    out = MD.render(md)
    assert out.count("<tr>") == 3 and "<img" not in out and "<a " not in out
    assert "a|b.md" in out and "—" in out and 'style="text-align:right"' in out
    assert md_table([]) == ""


def test_setting_a_key_keeps_the_files_comments_in_place(tmp_path: Path) -> None:
    """The [me] section `init` writes is comments only: a new key goes at its end, after them;
    a key already there changes in place; other sections are untouched (QA, session 10)."""
    from trailkeep.ui.config_files import set_key

    config = tmp_path / "config.toml"
    config.write_text(
        '[me]\n# Your own details.\n# emails = ["sam@example.com"]\n\n[ui]\naddress = "127.0.0.1"\n'
    )
    set_key(config, "me", "emails", '["sam@mine.example"]')
    assert config.read_text() == (
        '[me]\n# Your own details.\n# emails = ["sam@example.com"]\nemails = ["sam@mine.example"]'
        '\n\n[ui]\naddress = "127.0.0.1"\n'
    )
    set_key(config, "me", "emails", '["a@mine.example", "b@mine.example"]')
    assert config.read_text().count("\nemails = [") == 1
    assert 'emails = ["a@mine.example", "b@mine.example"]\n\n[ui]' in config.read_text()
    set_key(config, "ui", "address", '"0.0.0.0"')
    assert config.read_text().endswith('[ui]\naddress = "0.0.0.0"\n')
    # a header with a comment after it is the same section (review, session 10: a second [me])
    config.write_text('[me]  # my own addresses\nname = "Sam"\n')
    set_key(config, "me", "emails", '["sam@mine.example"]')
    assert config.read_text() == (
        '[me]  # my own addresses\nname = "Sam"\nemails = ["sam@mine.example"]\n'
    )


def test_code_lines_show_every_line_fixed_width_and_uninterpreted() -> None:
    md = MarkdownIt("commonmark")
    text = '[[client]]\nname = "A `b` ``c``"\n\n![x](http://h/p.png) <b>x</b>\n`edge`'
    html = md.render(code_lines(text))
    assert "<img" not in html and "<b>" not in html and "<a " not in html
    spans = re.findall(r"<code>(.*?)</code>", html)
    assert [s.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") for s in spans] == [
        "[[client]]",
        'name = "A `b` ``c``"',
        "[image removed: x, from h] x",  # plain(): as everywhere on the page
        "`edge`",
    ]
