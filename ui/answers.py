"""Answers, citations and trails as the Ask and Draft pages show them. Everything quoted from
the vault goes through :func:`trailkeep.ui.markup.safe_md`: it is text, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import streamlit as st

from . import readable
from .markup import safe_md, safe_quote
from .page import Ctx, link, table

if TYPE_CHECKING:
    from trailkeep.recall import Answer
    from trailkeep.recall.trail import Step
    from trailkeep.vault import Hit


def when(h: Hit) -> str:
    return readable.day(h.timestamp, missing="undated")


def _extras(h: Hit) -> tuple[str, str, str]:
    return (
        readable.file_name(h.source) if h.source else "",
        h.title or "",
        f"entry {h.entry_id}",
    )


def citation_labels(hits: Sequence[Hit]) -> list[str]:
    """ "[n] document — date" for each hit; where two would read the same, the source file's
    name is added, then the entry's title, then the entry id, until each label is its own."""
    labels = [f"{h.document} — {when(h)}" for h in hits]
    for k in range(3):
        seen: dict[str, int] = {}
        for lab in labels:
            seen[lab] = seen.get(lab, 0) + 1
        new = []
        for lab, h in zip(labels, hits, strict=True):
            extra = _extras(h)[k]
            new.append(f"{lab} · {extra}" if seen[lab] > 1 and extra and extra not in lab else lab)
        labels = new
    return [f"[{i}] {lab}" for i, lab in enumerate(labels, 1)]


def citation(ctx: Ctx, label: str, h: Hit) -> None:
    with st.expander(safe_md(label, lines=False)):
        st.markdown(safe_quote(h.quote.strip()))
        st.caption(
            safe_md(
                f"from {readable.file_name(h.source)} · {ctx.client_name(h.client)} · "
                f"{h.kind} · document {h.document_id}, entry {h.entry_id}, version {h.version}"
                + ("" if h.current else " · superseded by a later version"),
                lines=False,
            )
        )
        link("vault", "Open in the vault", document=h.document_id)


def citations(ctx: Ctx, hits: Sequence[Hit]) -> None:
    for label, h in zip(citation_labels(hits), hits, strict=True):
        citation(ctx, label, h)


def trail_table(steps: Sequence[Step]) -> None:
    if not steps:
        return
    rows: list[dict[str, object]] = [
        {
            "date": when(s.hit),
            "document": readable.cell(s.hit.document, 80),
            "marked": ", ".join(t.replace("_", " ") for t in s.tags) or readable.DASH,
            "current": "yes" if s.hit.current else "superseded",
            "text": readable.cell(s.hit.quote, 160),
        }
        for s in steps
    ]
    table(rows)


def show_answer(ctx: Ctx, ans: Answer, streamed: bool = False) -> None:
    if ans.abstained:
        st.warning(safe_md(ans.answer))
        st.caption(safe_md(f"Why: {ans.reason}. What was searched: {ans.searched}."))
        if ans.closest:
            st.subheader("Closest, but not an answer")
            citations(ctx, ans.closest)
        return
    if not streamed:
        st.markdown(safe_md(ans.answer))
    if ans.reason:
        st.caption(safe_md(ans.reason))
    citations(ctx, ans.citations)
    if ans.dropped_citations:
        st.caption(
            "The model cited passages it was never sent, shown as \\[?\\]: "
            + ", ".join(f"\\[{n}\\]" for n in ans.dropped_citations)
        )
    if ans.trail:
        st.subheader("How it got here")
        trail_table(ans.trail)
