"""Draft: reply to a client's email or draft a document; edit, export, citations."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from trailkeep.prompts import DOC_KINDS
from trailkeep.recall.draft import Draft, draft_doc, draft_email
from trailkeep.ui import drafts, web
from trailkeep.vault.browse import incoming_emails


def _result(ctx: web.Ctx, key: str) -> None:
    d: Draft | None = st.session_state.get(key)
    if d is None:
        return
    st.caption(f"Backend: {d.backend}" + (f" — {d.reason}" if d.reason else ""))
    text = st.text_area("Draft (edit freely)", d.text, height=420, key=f"{key}-text")
    c1, c2 = st.columns(2)
    c1.download_button("Download .md", text, file_name="draft.md", mime="text/markdown")
    stored = st.session_state.get(f"{key}-path")
    if c2.button("Save my edits as a new version", key=f"{key}-save") and stored:
        out = drafts.save_edit(ctx.vault, Path(stored), text)
        st.success(f"Saved as a new version of the draft ({out.status}).")
    if st.session_state.get(f"{key}-path"):
        st.caption(f"Stored as history: {st.session_state[f'{key}-path']}")
    for i, h in enumerate(d.citations, 1):
        web.citation(i, h)


def body(ctx: web.Ctx) -> None:
    s = ctx.settings
    st.caption(f"Backend: {ctx.backend_description()}")
    if not s.clients:
        st.info("Add your clients to clients.toml in the home to draft for them.")
    reply, doc = st.tabs(["Reply to an email", "Document"])
    names = {f"{c.name} ({c.id})": c for c in s.clients}
    with reply:
        if names:
            label = st.selectbox("Client", list(names), key="reply-client")
            client = names[label]
            mails = incoming_emails(ctx.vault, client.id)
            options = {
                f"{m['date']} · {m['from']} · {m['subject']}": m["message_id"] for m in mails
            }
            pick = st.selectbox("Message", list(options) or ["(no incoming email)"])
            brief = st.text_area("…or a brief, for a new email", key="reply-brief")
            if st.button("Draft reply", type="primary", key="reply-go"):
                reply_to = None if brief.strip() else options.get(pick)
                if reply_to is None and not brief.strip():
                    st.warning("This client has no incoming email yet: write a brief instead.")
                else:
                    with st.spinner("Drafting from this client's history only…"):
                        d = draft_email(
                            ctx.vault,
                            client,
                            reply_to=reply_to,
                            brief=brief.strip() or None,
                            backend=ctx.backend(),
                            redact=s.redact,
                            me_name=str(s.me.get("name") or ""),
                        )
                        path, _ = drafts.save(ctx.vault, d)
                    st.session_state["draft-email"] = d
                    st.session_state["draft-email-path"] = str(path)
            _result(ctx, "draft-email")
    with doc:
        kind = st.selectbox("Kind", DOC_KINDS)
        topic = st.text_input("Topic", key="doc-topic")
        cl = st.selectbox("Client", ["(none: all my history)", *names], key="doc-client")
        if st.button("Draft document", type="primary", disabled=not topic.strip()):
            with st.spinner("Drafting…"):
                d = draft_doc(
                    ctx.vault,
                    kind,
                    topic.strip(),
                    names.get(cl),
                    backend=ctx.backend(),
                    redact=s.redact,
                )
                path, _ = drafts.save(ctx.vault, d)
            st.session_state["draft-doc"] = d
            st.session_state["draft-doc-path"] = str(path)
        _result(ctx, "draft-doc")


web.page("Draft", body)
