"""Draft: reply to a client's email or draft a document; edit, export, citations.

``?message=<Message-ID>`` (the Briefing's "draft a reply") preselects the message and its
client; ``?client=<id>`` preselects a client."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from trailkeep.prompts import DOC_KINDS
from trailkeep.ui import answers, page
from trailkeep.ui.markup import plain, safe_md
from trailkeep.vault.browse import email_message, incoming_emails

if TYPE_CHECKING:
    from trailkeep.recall.draft import Draft


def _result(ctx: page.Ctx, key: str, client: str | None) -> None:
    """The last draft made on this tab — only while the client it was made for is selected:
    switching client left it on screen, its Save button under the new client (QA, session 10)."""
    d: Draft | None = st.session_state.get(key)
    if d is None:
        return
    if d.client != client:
        st.caption("The last draft was for another client; draft again for this one.")
        return
    st.caption(safe_md(f"Backend: {d.backend}" + (f" — {d.reason}" if d.reason else "")))
    stored = st.session_state.get(f"{key}-path")
    # One text box per draft: with one key for all, Streamlit kept the box's old value, and
    # "Save my edits" stored the previous client's draft as a version of this one (QA, session
    # 10). The stored file is new for every draft.
    box = hashlib.sha256(str(stored or d.text).encode()).hexdigest()[:12]
    text = st.text_area("Draft (edit freely)", d.text, height=420, key=f"{key}-text-{box}")
    c1, c2 = st.columns(2)
    name = re.sub(r"[^a-z0-9]+", "-", d.title.lower()).strip("-")[:60] or "draft"
    c1.download_button(
        "Download .md", plain(text), file_name=f"{name}.md", mime="text/markdown"
    )  # the user's edits are text too
    if c2.button("Save my edits as a new version", key=f"{key}-save") and stored:
        from trailkeep.ui import drafts

        out = drafts.save_edit(ctx.vault, Path(stored), text)
        if out.status == "duplicate":  # QA, session 15: "Saved as a new version (duplicate)"
            st.info("No changes since the last save: nothing new to keep.")
        else:
            st.success(f"Saved as a new version of the draft ({out.status}).")
    if stored:
        st.caption(safe_md(f"Stored as history: {stored}", lines=False))
    if d.dropped_citations:  # as Ask says it (QA, session 15: "[?]" went unexplained)
        st.caption(
            "The model cited passages it was never sent, shown as \\[?\\]: "
            + ", ".join(f"\\[{n}\\]" for n in d.dropped_citations)
        )
    answers.citations(ctx, d.citations)


CHOOSE = "(choose the message to answer)"


def _wanted(ctx: page.Ctx) -> tuple[str | None, dict[str, Any] | None]:
    """(client id, message) asked for in the address, if any."""
    mid = st.query_params.get("message")
    msg = email_message(ctx.vault, mid) if mid else None
    client = st.query_params.get("client") or (msg["scope"] if msg else None)
    return client, msg


def _message_label(m: dict[str, Any]) -> str:
    return f"{m['date'] or 'undated'} · {m['from'] or 'unknown sender'} · {m['subject']}"


def reply_tab(ctx: page.Ctx, clients: dict[str, Any]) -> None:
    s = ctx.settings
    wanted_client, wanted_msg = _wanted(ctx)
    asked = (st.query_params.get("message"), wanted_client)
    # A new ?message= / ?client= preselects once; afterwards the user's own choice stands.
    fresh = any(asked) and st.session_state.get("_draft_for") != asked
    if fresh:
        st.session_state["_draft_for"] = asked
        name = next((k for k, c in clients.items() if c.id == wanted_client), None)
        if name is not None:
            st.session_state["reply-client"] = name
    client = clients[st.selectbox("Client", list(clients), key="reply-client")]
    mails = incoming_emails(ctx.vault, client.id, s.me_emails)
    options: dict[str, str | None] = {_message_label(m): str(m["message_id"]) for m in mails}
    # A ?message= that is not a client's email (unknown, or nobody's yet): said, and no other
    # message picked in its place (QA, session 15: a reply to another email was drafted)
    mid = st.query_params.get("message")
    ids = {c.id for c in clients.values()}
    if mid and (wanted_msg is None or wanted_msg["scope"] not in ids):
        st.warning(
            f"No email with Message-ID {mid} is in your vault."
            if wanted_msg is None
            else "That email belongs to no client yet: give it to one on the Inbox page "
            "(Attribution), then draft the reply."
        )
        options = {CHOOSE: None, **options}
        if fresh:
            st.session_state["reply-msg"] = CHOOSE
    if wanted_msg is not None and wanted_msg["scope"] == client.id:
        key = str(wanted_msg["key"])
        if key not in options.values():  # older than the 50 newest: offer it too
            meta = wanted_msg["meta"]
            sender = (meta.get("from") or [["", ""]])[0]
            label = _message_label(
                {
                    "date": str(wanted_msg["ts"] or "")[:10],
                    "from": sender[0] or sender[1],
                    "subject": meta.get("subject") or "(no subject)",
                }
            )
            options = {label: key, **options}
        if fresh:
            st.session_state["reply-msg"] = next(k for k, v in options.items() if v == key)
    pick = st.selectbox("Message", list(options) or ["(no incoming email)"], key="reply-msg")
    brief = st.text_area("…or a brief, for a new email", key="reply-brief")
    if st.button("Draft reply", type="primary", key="reply-go"):
        reply_to = None if brief.strip() else options.get(pick)
        if reply_to is None and not brief.strip():
            st.warning(
                "Choose the message to answer, or write a brief."
                if pick == CHOOSE
                else "This client has no incoming email yet: write a brief instead."
            )
        else:
            from trailkeep.recall.draft import draft_email
            from trailkeep.ui import drafts

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
    _result(ctx, "draft-email", client.id)


def document_tab(ctx: page.Ctx, clients: dict[str, Any]) -> None:
    kind = st.selectbox("Kind", DOC_KINDS)
    topic = st.text_input("Topic", key="doc-topic")
    cl = st.selectbox("Client", ["(none: my general material only)", *clients], key="doc-client")
    if st.button("Draft document", type="primary", disabled=not topic.strip()):
        from trailkeep.recall.draft import draft_doc
        from trailkeep.ui import drafts

        with st.spinner("Drafting…"):
            d = draft_doc(
                ctx.vault,
                kind,
                topic.strip(),
                clients.get(cl),
                backend=ctx.backend(),
                redact=ctx.settings.redact,
            )
            path, _ = drafts.save(ctx.vault, d)
        st.session_state["draft-doc"] = d
        st.session_state["draft-doc-path"] = str(path)
    _result(ctx, "draft-doc", chosen.id if (chosen := clients.get(cl)) else None)


def body(ctx: page.Ctx) -> None:
    s = ctx.settings
    st.caption(safe_md(f"Backend: {ctx.backend_description()}", lines=False))
    clients = {c.name: c for c in s.clients}
    reply, doc = st.tabs(["Reply to an email", "Document"])
    with reply:
        if clients:
            reply_tab(ctx, clients)
        else:
            page.clients_help(s, "to draft replies from one client's history", key="draft")
    with doc:
        document_tab(ctx, clients)


page.page("Draft", body)
