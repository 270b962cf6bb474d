"""Ask: chat-style, cited answers that stream, with the trail under each answer. Questions,
answers and quotes are shown as text (safe_md), never as markup."""

from __future__ import annotations

import streamlit as st

from trailkeep.ui import answers, page
from trailkeep.ui.markup import safe_md


def body(ctx: page.Ctx) -> None:
    flt = page.sidebar_filters(ctx, "ask")
    st.caption(safe_md(f"Backend: {ctx.backend_description()}", lines=False))
    if page.is_empty(ctx.vault):
        page.first_run(ctx.settings)
    # One conversation per client filter: switching to another client shows that client's
    # questions, never the answers and passages of the client before (QA: Acme's answers
    # stayed on screen under Northwind's filter).
    scope = flt.client or ""
    history = st.session_state.setdefault("ask_history", {}).setdefault(scope, [])
    if scope:
        st.caption(safe_md(f"Asking within {ctx.client_name(scope)}'s history.", lines=False))
    for q, ans in history:
        with st.chat_message("user"):
            st.markdown(safe_md(q))
        with st.chat_message("assistant"):
            answers.show_answer(ctx, ans)
    question = st.chat_input(
        "Ask your history — e.g. what did we decide about the export, and why?"
    )
    if not question:
        return
    from trailkeep.recall import ask  # retrieval and the model edge: only when asked

    with st.chat_message("user"):
        st.markdown(safe_md(question))
    with st.chat_message("assistant"):
        box = st.empty()
        parts: list[str] = []

        def stream(piece: str) -> None:
            parts.append(piece)
            box.markdown(safe_md("".join(parts)) + "▌")

        with st.spinner("Searching your history…"):
            ans = ask(
                ctx.vault,
                question,
                flt,
                ctx.backend(),
                on_text=stream,
                redact=ctx.settings.redact,
            )
        if parts and ans.backend != "extractive" and not ans.abstained:
            box.markdown(safe_md(ans.answer))
            answers.show_answer(ctx, ans, streamed=True)
        else:
            box.empty()
            answers.show_answer(ctx, ans)
    history.append((question, ans))


page.page("Ask your history", body)
