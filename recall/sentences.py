"""Sentences of prose, as the trail, the briefing, the answer checks and the scope clip read
them: blank lines and markdown list items, headings and quotes start a new one; a wrapped line
does not; a sentence ends at . ! ? before white space (not after e.g., i.e., vs. …).

(``trailkeep.ingest.cues`` has its own splitter, for cue tags: it masks code first, which the
trail's diffs and quotes must keep.)"""

from __future__ import annotations

import re

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|#{1,6}\s|>|\|)")
_MARKER = re.compile(r"\s*(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+|#{1,6}\s+|>\s*)")
_END = re.compile(r"[.!?]+[\"')\]]*\s+")
_ABBREV = frozenset(
    "e.g i.e vs etc cf mr mrs ms dr st no approx fig al prof jr sr inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    # dotted initialisms, and German and French ones (QA, session 17: "our U.S." / "team
    # before the call?", "bis ca." / "15 Uhr Bescheid geben?" were two sentences each)
    "u.s u.k a.m p.m ca nr bzw usw z.b evtl ggf vgl inkl env p.ex cf. resp dept est".split()
)  # "by Nov. 14 to Mr. Olsen's team" is one sentence (QA, session 12)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: blank lines and markdown list items,
    headings and quotes start a new one; a wrapped line does not; a sentence ends at . ! ?
    before white space (not after e.g., i.e., vs. and the like)."""
    units: list[tuple[int, int]] = []
    start: int | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if start is not None and (blank or _LIST_ITEM.match(line)):
            units.append((start, pos))
            start = None
        if not blank and start is None:
            start = pos
        pos += len(line)
    if start is not None:
        units.append((start, pos))
    out: list[tuple[int, int]] = []
    for a, b in units:
        marker = _MARKER.match(text, a, b)
        s = a = marker.end() if marker else a
        for m in _END.finditer(text, a, b):
            word = text[s : m.start()].rsplit(None, 1)[-1].lower() if text[s : m.start()] else ""
            if word.rstrip(".") in _ABBREV or re.fullmatch(r"[a-z]", word):
                continue
            if re.fullmatch(r"[(\[]?\?[\w.-]+", word) and m.group().startswith("?"):
                continue  # "?final?": quote marks a charset turned into "?", not a question
            out.append((s, m.start() + len(m.group().rstrip())))
            s = m.end()
        out.append((s, b))
    spans = []
    for a, b in out:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        a, b = a + lead, a + len(seg.rstrip())
        if b > a:
            spans.append((a, b))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each on one line (whitespace collapsed)."""
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


__all__ = ["sentence_spans", "sentences"]
