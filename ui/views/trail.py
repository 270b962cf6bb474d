"""Trail: how a topic evolved — revisions, dead ends and decisions on a timeline."""

from __future__ import annotations

import altair as alt
import streamlit as st

from trailkeep.recall import document_trail, topic_trail
from trailkeep.ui import web


def body(ctx: web.Ctx) -> None:
    flt = web.sidebar_filters(ctx, "trail")
    doc = st.query_params.get("document")
    topic = st.text_input("Topic", placeholder="claims export, patient matching, …")
    if doc and not topic:
        steps = document_trail(ctx.vault, int(doc), flt.client)
        label = f"document {doc}"
    elif topic.strip():
        steps = topic_trail(ctx.vault, topic, flt)
        label = topic
    else:
        st.caption("Type a topic to see how it evolved across chats, email and notes.")
        return
    if not steps:
        st.info(f"Your history says nothing about “{label}”.")
        return
    rows = []
    for s in steps:
        mark = next((t for t in ("decision", "dead_end", "open_question") if t in s.tags), "")
        if not mark:
            mark = "revision" if any(ln["kind"] == "revises" for ln in s.links) else "entry"
        if not s.hit.current:
            mark = f"{mark} (superseded)"
        rows.append(
            {
                "when": s.hit.timestamp.isoformat() if s.hit.timestamp else None,
                "document": s.hit.document[:40],
                "mark": mark,
                "text": " ".join(s.hit.quote.split())[:120],
            }
        )
    left, right = st.columns([3, 2])
    with left:
        chart = (
            alt.Chart(alt.Data(values=rows))  # type: ignore[no-untyped-call]
            .mark_point(filled=True, size=140)
            .encode(
                x=alt.X("when:T", title=None),
                y=alt.Y("document:N", title=None),
                color=alt.Color("mark:N", title="step"),
                shape=alt.Shape("mark:N", legend=None),
                tooltip=["when:T", "document:N", "mark:N", "text:N"],
            )
            .properties(height=max(160, 40 * len({r["document"] for r in rows})))
        )
        st.altair_chart(chart, width="stretch")
    with right:
        for i, s in enumerate(steps, 1):
            tags = f" · {', '.join(s.tags)}" if s.tags else ""
            st.markdown(f"**{i}. {web.when(s.hit)}** — {s.hit.document}{tags}")
            st.caption(" ".join(s.hit.quote.split())[:300])


web.page("Trail", body)
