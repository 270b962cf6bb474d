"""Invoices: unbilled work per client, create a draft, issue it, download the PDF."""

from __future__ import annotations

from datetime import date

import streamlit as st

from trailkeep.ui import render, web
from trailkeep.vault.billing import (
    create_invoice,
    issue_invoice,
    list_invoices,
    list_work,
)


def body(ctx: web.Ctx) -> None:
    s = ctx.settings
    if not s.clients:
        st.info("Add clients (with `rate`, `currency`, `tax_rate`) to clients.toml to invoice.")
        return
    names = {f"{c.name} ({c.id})": c for c in s.clients}
    client = names[st.selectbox("Client", list(names))]
    items = list_work(ctx.vault, client.id, unbilled=True)
    st.subheader(f"Unbilled work ({len(items)})")
    if items:
        st.dataframe([i.as_json() for i in items], hide_index=True, width="stretch")
    problems = [i for i in list_work(ctx.vault) if i.problem or i.flag]
    if problems:
        with st.expander(f"{len(problems)} item(s) need attention"):
            for i in problems:
                st.write(f"{i.day} {i.description}: {i.problem or i.flag}")
    periods = sorted({str(i.day)[:7] for i in items if i.day}, reverse=True)
    period = st.selectbox("Period", periods or [date.today().strftime("%Y-%m")])
    if st.button("Create draft invoice", type="primary"):
        inv = create_invoice(ctx.vault, client.id, period)
        st.success(f"Draft {inv.id}: {inv.currency} {inv.total}")
    st.subheader("Invoices")
    for inv in reversed(list_invoices(ctx.vault, client.id)):
        label = f"{inv.number or f'draft {inv.id}'} · {inv.period} · {inv.currency} {inv.total}"
        with st.expander(f"{label} · {inv.status}"):
            st.markdown(render.markdown(inv, s.me))
            if inv.status == "draft" and st.button("Issue", key=f"issue-{inv.id}"):
                done = issue_invoice(ctx.vault, inv.id, date.today())
                st.success(f"Issued {done.number}")
                st.rerun()
            st.download_button(
                "Download PDF",
                render.pdf_bytes(inv, s.me),
                file_name=f"{inv.number or f'draft-{inv.id}'}.pdf",
                mime="application/pdf",
                key=f"pdf-{inv.id}",
            )


web.page("Invoices", body)
