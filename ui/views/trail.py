"""Trail: how a topic evolved — revisions, dead ends and decisions on a timeline, what each
step changed — and a "when" box: when a phrase was first and last said, still current?"""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from trailkeep.recall import document_trail, topic_trail
from trailkeep.recall.timeline import when
from trailkeep.recall.trail import Step
from trailkeep.ui import web
from trailkeep.vault import Filters


def _day(ts: str | None) -> str:
    return (ts or "undated")[:10]


def when_box(ctx: web.Ctx, flt: Filters) -> None:
    phrase = st.text_input(
        "When did I say…",
        placeholder="an exact phrase: first said, last said, still in the current version?",
        key="when-phrase",
    )
    if not phrase.strip():
        return
    data = when(ctx.vault, phrase, flt).as_json()
    if data["match"] == "none":
        st.info(f"“{phrase}” is nowhere in your history.")
        return
    if data["match"] == "topic":
        st.caption("No exact phrase; the earliest and latest passages that match the topic well:")
    for label in ("first", "last"):
        a: dict[str, Any] = data[label]
        st.markdown(
            f"**{label.capitalize()}:** {_day(a['timestamp'])} — {a['document']} "
            f"v{a['version']}  \n> " + " ".join(a["quote"].split())[:300]
        )
    versions = "; ".join(
        f"{d['document']}: v{', v'.join(str(n) for n in d['versions'])}" for d in data["present_in"]
    )
    st.markdown(
        f"**In the current version:** {'yes' if data['in_current'] else 'no'} · in {versions}"
    )


def step_changes(s: Step) -> None:
    if s.changed_mind:
        m = s.changed_mind
        st.warning(
            f"Changed mind: “{m['from']}” ({_day(m['from_date'])}) → “{m['to']}” "
            f"({_day(m['to_date'])})"
        )
    ch = s.changed
    if ch and (ch.get("added") or ch.get("removed")):
        with st.expander(f"What changed since version {ch.get('from_version')}"):
            lines = [f"+ {x}" for x in ch["added"]] + [f"- {x}" for x in ch["removed"]]
            st.code("\n".join(lines), language="diff")
    notes = []
    if s.unchanged_until:
        u = s.unchanged_until
        notes.append(
            f"unchanged through v{u['version']} ({_day(u['timestamp'])})"
            + (", still current" if u["current"] else "")
        )
    if s.order_note:
        notes.append(s.order_note)
    if notes:
        st.caption(" · ".join(notes))


def body(ctx: web.Ctx) -> None:
    flt = web.sidebar_filters(ctx, "trail")
    doc = st.query_params.get("document")
    topic = st.text_input("Topic", placeholder="claims export, patient matching, …")
    when_box(ctx, flt)
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
        if s.changed_mind:
            mark = "changed mind"
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
            st.markdown(f"**{i}. {web.when(s.hit)}** — {s.hit.document} v{s.hit.version}{tags}")
            st.caption(" ".join(s.hit.quote.split())[:300])
            step_changes(s)


web.page("Trail", body)
