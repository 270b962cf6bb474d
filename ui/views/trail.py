"""Trail: how a topic evolved — revisions, dead ends and decisions on a timeline, what each
step changed — and a "when" box: when a phrase was first and last said, still current?"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from trailkeep.recall import document_trail, topic_trail
from trailkeep.recall.timeline import when
from trailkeep.recall.trail import Step
from trailkeep.ui import answers, page, readable
from trailkeep.ui.markup import safe_md
from trailkeep.vault import Filters, Hit

LABEL_WIDTH = 26  # characters per line of a document's name on the chart's axis


def _day(ts: str | None) -> str:
    return readable.day(ts, missing="undated")


def wrap(title: str, width: int = LABEL_WIDTH, lines: int = 3) -> str:
    """A document's name in lines of about ``width`` characters (at most ``lines``, the last
    ending in "…" when cut), joined by newlines: the chart draws each as a line of its label."""
    words, out, cur = title.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return "\n".join(x if len(x) <= width + 8 else x[: width + 7] + "…" for x in out) or "—"


def whose(ctx: page.Ctx, flt: Filters) -> str:
    """ "your", or the client's name as a possessive ("Acme Health’s", "Beta Logistics’") when
    the filter confines the page to one client's scope."""
    if not flt.client:
        return "your"
    name = safe_md(ctx.client_name(flt.client), lines=False)
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def _subject(hit: Hit) -> str:
    """An entry's title; an email's without its sender ("Cara <cara@acme.example>: Claims
    export", as the email parser titles a message, is "Claims export")."""
    if hit.kind == "email":
        for sep in (">: ", "unknown sender: "):
            if sep in hit.title:
                return hit.title.split(sep, 1)[1]
    return hit.title


def row_name(hit: Hit) -> str:
    """A step's document as the chart names it: its title, else the entry's (an email's
    subject), else its file's name, else its number: never a row without a label."""
    for text in (hit.document, _subject(hit), readable.file_name(hit.source) if hit.source else ""):
        if text and text.strip() and text.strip() != readable.DASH:
            return " ".join(text.split())
    return f"document {hit.document_id}"


def when_box(ctx: page.Ctx, flt: Filters) -> None:
    phrase = st.text_input(
        "When did I say…",
        placeholder="an exact phrase: first said, last said, still in the current version?",
        key="when-phrase",
    )
    if not phrase.strip():
        return
    data = when(ctx.vault, phrase, flt).as_json()
    if data["match"] == "none":
        # within a client's scope: that client's history, never a hint of anyone else's
        st.info(f"“{safe_md(phrase, lines=False)}” is nowhere in {whose(ctx, flt)} history.")
        return
    if data["match"] == "topic":
        st.caption("No exact phrase; the earliest and latest passages that match the topic well:")
    for label in ("first", "last"):
        a: dict[str, Any] = data[label]
        st.markdown(
            f"**{label.capitalize()}:** {_day(a['timestamp'])} — "
            f"{safe_md(a['document'], lines=False)} v{a['version']}  \n> "
            + safe_md(a["quote"], lines=False, limit=300)
        )
    docs = data["present_in"]
    versions = "; ".join(
        f"{safe_md(d['document'], lines=False)}: v{', v'.join(str(n) for n in d['versions'])}"
        + (
            ""
            if len(docs) == 1
            else f" ({'still' if d['in_current'] else 'no longer'} in its current version)"
        )
        for d in docs
    )
    if len(docs) == 1:
        st.markdown(
            f"**In the current version:** {'yes' if data['in_current'] else 'no'} · in {versions}"
        )
    else:  # several documents: each says whether its own current version still has it
        st.markdown(f"**In:** {versions}")


def step_changes(s: Step) -> None:
    if s.changed_mind:
        m = s.changed_mind
        st.warning(
            f"Changed mind: “{safe_md(m['from'], lines=False)}” ({_day(m['from_date'])}) → "
            f"“{safe_md(m['to'], lines=False)}” ({_day(m['to_date'])})"
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
        rest = u.get("rest_changed")
        if rest and (rest.get("added") or rest.get("removed")):
            with st.expander(f"The rest of this passage changed by version {u['version']}"):
                lines = [f"+ {x}" for x in rest["added"]] + [f"- {x}" for x in rest["removed"]]
                st.code("\n".join(lines), language="diff")
    if s.order_note:
        notes.append(s.order_note)
    if notes:
        st.caption(safe_md(" · ".join(notes), lines=False))


def time_axis(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The x axis: dates, one tick a day at most. Steps within a few days had ticks every few
    hours, each labelled with the same date (QA, session 10: "2024-03-04 2024-03-04 …"); the
    scale is widened to whole days and ticks fall on day boundaries, a few days apart for a
    span of weeks. Longer spans keep Vega's own ticks (months, years: each a different date)."""
    axis: dict[str, Any] = {"format": "%Y-%m-%d", "labelOverlap": True}
    times = [datetime.fromisoformat(r["when"]) for r in rows if r.get("when")]
    times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times]
    if not times:
        return {"axis": axis}
    days = (max(times) - min(times)).days + 1
    if days > 60:
        return {"axis": axis}
    step = max(1, math.ceil(days / 8))
    axis["tickCount"] = {"interval": "day", "step": step}
    return {"axis": axis, "scale": {"nice": {"interval": "day", "step": 1}}}


def chart_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The timeline as a Vega-Lite spec: one point per step, documents on the y axis with
    whole names a few words a line (labelExpr splits them; never cut mid-word), the full name,
    date and text in the tooltip.

    A plain spec, not altair: altair costs the server about 27 MB, and its data would go
    through pandas and pyarrow (80 MB more). The data sits in the layer, which Streamlit
    passes to the browser as JSON untouched (top-level data it converts to Arrow)."""
    point = {
        "data": {"values": rows},
        "mark": {"type": "point", "filled": True, "size": 140},
        "encoding": {
            # the same dates as the list beside it: "Wed 21" said no month (nor year)
            "x": {"field": "when", "type": "temporal", "title": None, **time_axis(rows)},
            "y": {
                "field": "document",
                "type": "nominal",
                "title": None,
                "axis": {"labelExpr": "split(datum.label, '\\n')", "labelLimit": 0},
            },
            "color": {
                "field": "mark",
                "type": "nominal",
                "title": "step",
                "legend": {"orient": "bottom", "columns": 3},
            },
            "shape": {"field": "mark", "type": "nominal", "legend": None},
            "tooltip": [
                {"field": "day", "type": "nominal", "title": "date"},
                {"field": "title", "type": "nominal", "title": "document"},
                {"field": "mark", "type": "nominal", "title": "step"},
                {"field": "text", "type": "nominal", "title": "text"},
            ],
        },
    }
    height = max(160, 56 * len({r["document"] for r in rows}))
    return {"layer": [point], "height": height}


def body(ctx: page.Ctx) -> None:
    flt = page.sidebar_filters(ctx, "trail")
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
        owner = whose(ctx, flt)
        st.info(
            f"{owner[:1].upper()}{owner[1:]} history says nothing about "
            f"“{safe_md(label, lines=False)}”."
        )
        return
    rows = []
    for s in steps:
        mark = next((t for t in ("decision", "dead_end", "open_question") if t in s.tags), "")
        if not mark:
            mark = "revision" if any(ln["kind"] == "revises" for ln in s.links) else "entry"
        if s.changed_mind:
            mark = "changed mind"
        if not s.hit.current and not (s.unchanged_until or {}).get("current"):
            mark = f"{mark} (superseded)"  # not when later versions kept it word for word
        rows.append(
            {
                "when": s.hit.timestamp.isoformat() if s.hit.timestamp else None,
                "day": _day(s.hit.timestamp.isoformat() if s.hit.timestamp else None),
                "document": wrap(row_name(s.hit)),
                "title": readable.cell(row_name(s.hit), 120),
                "mark": mark.replace("_", " "),
                "text": readable.cell(s.hit.quote, 160),
            }
        )
    left, right = st.columns([3, 2])
    with left:
        st.vega_lite_chart(spec=chart_spec(rows), width="stretch")
    with right:
        for i, s in enumerate(steps, 1):
            tags = ", ".join(t.replace("_", " ") for t in s.tags)
            st.markdown(
                f"**{i}. {answers.when(s.hit)}** — "
                f"{safe_md(s.hit.document, lines=False)} v{s.hit.version}"
                + (f" · {safe_md(tags, lines=False)}" if tags else "")
            )
            st.caption(safe_md(s.hit.quote, lines=False, limit=300))
            step_changes(s)


page.page("Trail", body)
