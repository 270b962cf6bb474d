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

from trailkeep.recall.inert import plain

__all__ = ["code_lines", "md_table", "plain", "safe_md", "safe_quote", "shown"]

_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


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


def code_lines(text: object) -> str:
    """Markdown showing each line of ``text`` as an inline code span: fixed-width, selectable,
    nothing in it interpreted (after :func:`plain`, which drops control characters and
    rewrites image and HTML syntax, as for all text the page shows). Blank lines are left out.
    For a path or a short file example, where ``st.code`` would load Streamlit's 1.5 MB syntax
    highlighter before the page counts as drawn (bench/ui.py)."""
    out = []
    for line in plain(text).split("\n"):
        body = line.rstrip()
        if not body.strip():
            continue
        ticks = "`" * (max((len(r) for r in re.findall(r"`+", body)), default=0) + 1)
        pad = " " if body.startswith("`") or body.endswith("`") else ""
        out.append(f"{ticks}{pad}{body}{pad}{ticks}")
    return "  \n".join(out)


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
