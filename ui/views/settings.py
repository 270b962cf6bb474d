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
    st.subheader("Counts")
    data = status(ctx.vault)
    cols = st.columns(4)
    cols[0].metric("Documents", data["documents"])
    cols[1].metric("Entries", data["entries"])
    cols[2].metric("Chunks", data["chunks"])
    cols[3].metric("Embedded", data["embedded"])
    st.json(data["sources"])
    unattributed = data.get("unattributed", {})
    if unattributed.get("emails"):
        st.caption(
            f"{unattributed['emails']} email(s) belong to no client; add their domains to "
            "clients.toml."
        )
    if st.button("Check the vault (doctor)"):
        with st.spinner("Comparing SQL, keyword index, vectors and blobs…"):
            report = doctor(ctx.vault)
        if report.ok:
            st.success("SQL, keyword index, vectors and blobs agree.")
        else:
            st.error("Problems found: run `trailkeep doctor --repair`.")
            st.code("\n".join(report.lines()))


web.page("Settings and health", body)
