"""Ask: chat-style, cited answers that stream, with the trail under each answer."""

from __future__ import annotations

import streamlit as st

from trailkeep.recall import ask
from trailkeep.ui import web


def body(ctx: web.Ctx) -> None:
    flt = web.sidebar_filters(ctx, "ask")
    st.caption(f"Backend: {ctx.backend_description()}")
    if web.is_empty(ctx.vault):
        web.first_run(ctx.settings)
    history = st.session_state.setdefault("ask_history", [])
    for q, ans in history:
        with st.chat_message("user"):
            st.markdown(q)
        with st.chat_message("assistant"):
            web.show_answer(ans)
    question = st.chat_input(
        "Ask your history — e.g. what did we decide about the export, and why?"
    )
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        box = st.empty()
        parts: list[str] = []

        def stream(piece: str) -> None:
            parts.append(piece)
            box.markdown("".join(parts) + "▌")

        with st.spinner("Searching your history…"):
            ans = ask(
                ctx.vault,
                question,
                flt,
                ctx.backend(),
                on_text=stream,
                redact=ctx.settings.redact,
            )
        if parts and ans.backend != "extractive":
            box.markdown(ans.answer)
            web.show_answer(ans, streamed=True)
        else:
            box.empty()
            web.show_answer(ans)
    history.append((question, ans))


web.page("Ask your history", body)
