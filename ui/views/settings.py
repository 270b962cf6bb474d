"""Settings and health: where things live, the backend, whether a key is set, counts."""

from __future__ import annotations

import os

import streamlit as st

from trailkeep.ui import backend_config, web
from trailkeep.vault import doctor, status


def body(ctx: web.Ctx) -> None:
    s = ctx.settings
    st.markdown(
        f"- **Home**: `{s.home}`\n- **Inbox**: `{s.inbox}`\n"
        f"- **Backend**: {ctx.backend_description()}\n"
        f"- **Anthropic API key**: "
        f"{'configured' if backend_config.resolve_api_key(os.environ) else 'not set'}\n"
        f"- **Redaction before model calls**: {'on' if s.redact else 'off'}\n"
        f"- **Embedder**: {ctx.vault.embedder.id}\n"
        f"- **Clients**: {', '.join(c.name for c in s.clients) or 'none in clients.toml'}"
    )
    me(ctx)
    st.subheader("Counts")
    data = status(ctx.vault)
    cols = st.columns(4)
    cols[0].metric("Documents", data["documents"])
    cols[1].metric("Entries", data["entries"])
    cols[2].metric("Chunks", data["chunks"])
    cols[3].metric("Embedded", data["embedded"])
    st.json(data["sources"])
    unattributed = data.get("unattributed", {})
    if unattributed.get("entries"):
        st.caption(
            f"{unattributed['entries']} item(s) belong to no client yet: the Inbox page's "
            "Attribution section assigns them."
        )
    if st.button("Check the vault (doctor)"):
        with st.spinner("Comparing SQL, keyword index, vectors and blobs…"):
            report = doctor(ctx.vault)
        if report.ok:
            st.success("SQL, keyword index, vectors and blobs agree.")
        else:
            st.error("Problems found: run `trailkeep doctor --repair`.")
            st.code("\n".join(report.lines()))


def me(ctx: web.Ctx) -> None:
    """Your own addresses (config.toml [me], or inferred from your mail)."""
    from dataclasses import replace

    from trailkeep.ingest.reattribution import ensure_current, inferred_me, my_addresses
    from trailkeep.ui.config_files import set_me_emails

    st.subheader("Your addresses")
    mine = my_addresses(ctx.vault)
    why = inferred_me(ctx.vault)
    if not mine:
        st.caption("None known yet: add yours so your outgoing mail is recognised.")
    for a, src in sorted(mine.items()):
        st.text(f"{a} — {'config.toml' if src == 'config' else 'inferred: ' + why.get(a, '')}")
    new = st.text_input("Add an address of yours", key="me-add").strip().lower()
    if st.button("Add", key="me-add-go") and "@" in new:
        emails = sorted({*ctx.settings.me_emails, new})
        set_me_emails(ctx.settings.config_path, emails)
        ctx.vault.settings = replace(ctx.settings, me_emails=tuple(emails))
        ensure_current(ctx.vault)
        st.rerun()


web.page("Settings and health", body)
