"""User content as text, never live markup: the one escaping function of the web page.

Mail, notes, chats, answers, drafts, titles and file names reach Streamlit elements that render
Markdown (``st.markdown``, ``st.caption``, ``st.info``, expander labels, radio options, chat
messages). A client's plain-text mail containing ``![x](http://host/pixel.png)`` must not become
an image the browser fetches (a tracking beacon), ``[pay here](javascript:…)`` must not become a
link, ``<script>`` must not be markup, and ``:red[…]``, ``$x$`` or a table must stay as typed.

:func:`safe_md` turns any text into Markdown that displays that text: images and raw HTML are
removed (an image is named with the host it came from), a link is shown as its text and its
address, and every Markdown/HTML metacharacter is backslash-escaped (CommonMark escapes any ASCII
punctuation), so nothing the text contains is ever interpreted — Streamlit's extensions
included (``:red[…]``, ``:smile:``, ``:material/x:``, ``$…$``: checked in Chromium, see
tests/ui/test_browser.py). A bare address (``http://…``) may still be made a link by the
renderer; it then shows its own address, which is the rule: a link is shown with its address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

__all__ = ["md_table", "plain", "safe_md", "safe_quote", "shown"]

# A Markdown image or link with an inline destination: ![alt](url "title") / [text](url).
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\s*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|javascript|data|file):[^<>\s]*)>", re.I)
# Raw HTML: elements whose content is never text, comments, and any tag-shaped run.
_HTML_BLOCKS = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript|svg|math)\b[^>]*>.*?</\1\s*>",
    re.I | re.S,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>")
_IMG_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
# Control characters other than tab and newline (a terminal escape, a NUL) never display.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def _removed(alt: str, url: str) -> str:
    """What stands where an image was: its alt text and the host it would have come from —
    not its address, which a renderer would turn into a link one click from the tracker (its
    path carries the tracking id; QA, session 7), and without "www." (which GFM links)."""
    host = urlsplit(url).netloc if "//" in url else ""
    host = host.rsplit("@", 1)[-1].removeprefix("www.")
    where = f"from {host}" if host else ""
    return (
        "[image removed"
        + (": " if alt or where else "")
        + ", ".join(x for x in (alt, where) if x)
        + "]"
    )


def _image(m: re.Match[str]) -> str:
    return _removed(m.group(1).strip(), m.group(2).strip())


def _link(m: re.Match[str]) -> str:
    label, url = m.group(1).strip(), m.group(2).strip()
    if not url or label == url:
        return label or url
    return f"{label} ({url})" if label else url


def _tag(m: re.Match[str]) -> str:
    src = _IMG_SRC.search(m.group(0)) if m.group(0).lower().startswith("<img") else None
    return _removed("", src.group(1)) if src else ""


def plain(text: object) -> str:
    """The text a reader should see: images named with their address, links with theirs, raw
    HTML and control characters gone. No escaping yet (see :func:`safe_md`)."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL.sub("", s)
    s = _HTML_BLOCKS.sub("", s)
    s = _COMMENT.sub("", s)
    s = _TAG.sub(_tag, s)
    s = _IMAGE.sub(_image, s)
    s = _LINK.sub(_link, s)
    return _AUTOLINK.sub(lambda m: m.group(1), s)


def _escape(s: str) -> str:
    return _PUNCT.sub(r"\\\1", s)


def safe_md(text: object, *, lines: bool = True, limit: int | None = None) -> str:
    """Markdown that shows ``text`` exactly as text (after :func:`plain`).

    ``lines=True`` keeps line breaks (hard breaks; blank lines stay paragraph breaks) and
    leading indentation (as no-break spaces, never a code block); ``lines=False`` folds all
    whitespace to single spaces, for labels (expanders, captions, radio options, tabs).
    ``limit`` cuts the visible text to that many characters (with "…") before escaping, so an
    escape sequence is never cut in half."""
    s = plain(text)
    if not lines:
        s = " ".join(s.split())
        if limit is not None and len(s) > limit:
            s = s[: max(0, limit - 1)].rstrip() + "…"
        return _escape(s)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)].rstrip() + "…"
    out = []
    for line in s.split("\n"):
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)].replace("\t", "    ")
        out.append("\u00a0" * len(indent) + _escape(body.rstrip()))
    # Two trailing spaces make a hard break; an empty line stays a paragraph break.
    return "  \n".join(out).replace("  \n  \n", "\n\n")


def safe_quote(text: object, *, limit: int | None = None) -> str:
    """A block quote of ``text`` (escaped as :func:`safe_md`), every line kept."""
    body = safe_md(text, limit=limit)
    return "\n".join("> " + ln if ln else ">" for ln in body.split("\n"))


def md_table(rows: Sequence[Mapping[str, object]], right: Sequence[str] = ()) -> str:
    """A Markdown table of ``rows`` (the first row's keys are the columns; ``right`` the
    columns aligned right), every cell escaped as :func:`safe_md` on one line, "—" for an
    empty one. The page draws it without pandas or pyarrow (about 80 MB a dataframe costs)."""
    if not rows:
        return ""
    cols = list(rows[0])
    head = "| " + " | ".join(safe_md(c, lines=False) for c in cols) + " |"
    rule = "|" + "|".join("---:" if c in right else "---" for c in cols) + "|"
    body = [
        "| " + " | ".join(safe_md(r.get(c), lines=False) or "—" for c in cols) + " |" for r in rows
    ]
    return "\n".join([head, rule, *body])


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """What a reader sees of Markdown made by :func:`safe_md` (escapes resolved, hard breaks as
    newlines, no-break indentation as spaces): for tests that compare page text."""
    s = _ESCAPED.sub(r"\1", markdown.replace("  \n", "\n"))
    return s.replace("\u00a0", " ")
