"""User content made inert as text: Markdown images and raw HTML removed (an image named by
the host it came from), links shown with their address, control characters gone. Shared by the
page (``trailkeep.ui.markup``, which also escapes what is left) and drafts, which are written
as Markdown files a viewer would render (QA, session 7: a client's tracking pixel, quoted in an
offline draft, stayed live in the draft file)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "plain",
    "printable",
]

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
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


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


def printable(text: object) -> str:
    """One line of text with no control, format or bidi-override character: what a terminal or
    a file name shows as written (an escape sequence in a subject cleared the screen)."""
    return _CONTROL.sub("", "" if text is None else str(text))


def plain(text: object) -> str:
    """The text a reader should see: images named with the host they came from, links with
    their address, raw HTML and control characters gone. No escaping (the page escapes what
    is left: ``trailkeep.ui.markup.safe_md``)."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL.sub("", s)
    s = _HTML_BLOCKS.sub("", s)
    s = _COMMENT.sub("", s)
    s = _TAG.sub(_tag, s)
    s = _IMAGE.sub(_image, s)
    s = _LINK.sub(_link, s)
    return _AUTOLINK.sub(lambda m: m.group(1), s)
