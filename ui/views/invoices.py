"""Invoices: unbilled work per client, create a draft, issue it, download the PDF."""

from __future__ import annotations

from datetime import date

import streamlit as st

from trailkeep.billing import (
    BillingError,
    InvoiceView,
    NamesAnotherClient,
    WorkItem,
    changed_since_billed,
    create_invoice,
    issue_invoice,
    lines_alike,
    lines_naming_others,
    list_invoices,
    list_work,
    render,
    repriced,
    unread_hours,
)
from trailkeep.ui import page, readable
from trailkeep.ui.markup import safe_md
from trailkeep.vault.clients import ClientSpec


def work_rows(ctx: page.Ctx, items: list[WorkItem]) -> list[dict[str, object]]:
    """Work items as the user reads them: the client's name, "—" for nothing, the client's
    rate (marked as such) where the item has none of its own."""
    rates = {c.id: c for c in ctx.settings.clients}
    rows: list[dict[str, object]] = []
    for i in items:
        spec = rates.get(i.client or "")
        if i.rate:
            rate = i.rate
        elif spec is not None and spec.rate is not None:
            rate = f"{spec.rate} {spec.currency} (client rate)"
        else:
            rate = "no rate"
        data = i.as_json()
        rows.append(
            {
                "item": i.id,  # what "the same work as item 10" refers to
                "day": readable.day(i.day),
                "client": ctx.client_name(i.client) if i.client else readable.dash(i.client_label),
                "hours": readable.dash(data["hours"]),
                "rate": rate,
                "description": readable.cell(i.description),
                "from": readable.dash(i.origin.replace("_", " ") if i.origin else None),
                "invoice": readable.dash(data["invoice"]),
                "attention": readable.cell(i.problem or i.flag),
            }
        )
    return rows


_FLASH = "invoices-flash"  # a message that must outlive the rerun that follows an action


def named(message: str, client: ClientSpec) -> str:
    """A billing error as the user reads it: the client's name where it says its id
    ("client 'acme' has no rate…", "nothing unbilled for acme in 2026-03")."""
    return message.replace(f"client {client.id!r}", client.name).replace(
        f" for {client.id} in ", f" for {client.name} in "
    )


def next_number(ctx: page.Ctx, on: date) -> str:
    """The number issuing on ``on`` will most likely give (INV-<year>-<nnnn>, gapless per year;
    the vault allocates it for real when the invoice is issued)."""
    prefix = f"INV-{on.year}-"
    taken = [
        int(n[len(prefix) :])
        for i in list_invoices(ctx.vault)
        if (n := i.number or "").startswith(prefix) and n[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(taken, default=0) + 1:04d}"


def issue(ctx: page.Ctx, inv: InvoiceView, client: ClientSpec) -> None:
    """Issuing numbers the invoice for good: a box to tick first, which names the number and
    the date, then the button."""
    today = date.today()
    sure = st.checkbox(
        f"I have checked this invoice; issue it as number {next_number(ctx, today)}, "
        f"dated {today.isoformat()} (this cannot be undone)",
        key=f"confirm-issue-{inv.id}",
    )
    naming = bool(lines_naming_others(inv, ctx.settings.clients)) and st.checkbox(
        "A line names another client (said above): issue it with that name all the same",
        key=f"allow-names-{inv.id}",
    )
    if st.button("Issue", key=f"issue-{inv.id}", type="primary", disabled=not sure) and sure:
        try:
            done = issue_invoice(ctx.vault, inv.id, today, naming_others=naming)
        except BillingError as exc:
            names = isinstance(exc, NamesAnotherClient)
            box = " Tick the box above to issue it with the name." if names else ""
            st.error(safe_md(named(str(exc) + box, client), lines=False))
            return
        st.session_state[_FLASH] = f"Issued {done.number}"
        st.rerun()


def body(ctx: page.Ctx) -> None:
    s = ctx.settings
    if not s.clients:
        page.clients_help(
            s, "with a `rate`, `currency` and `tax_rate` each, to invoice them", key="invoices"
        )
        return
    if flash := st.session_state.pop(_FLASH, None):
        st.success(safe_md(flash, lines=False))
    names = {c.name: c for c in s.clients}
    client = names[st.selectbox("Client", list(names))]
    # What this client's invoice can bill; items it cannot (a copy of work billed from another
    # file, an unreadable duration) are listed under "need attention" — the page said 6
    # unbilled where the briefing, counting billable work, said 5 (QA, session 10).
    unbilled = list_work(ctx.vault, client.id, unbilled=True)
    items = [i for i in unbilled if i.billable]
    st.subheader(f"Unbilled work ({len(items)})")
    if client.rate is None:
        st.caption(
            safe_md(
                f"{client.name} has no rate in clients.toml ({s.clients_path}): add "
                '`rate = "150.00"` to its [[client]] table to invoice it.',
                lines=False,
            )
        )
    if items:
        page.table(work_rows(ctx, items), right=("hours",))
    # this client's, and work no client could be found for yet — never another client's (QA,
    # session 10: Northwind's flagged item was listed under Acme)
    problems = [
        i
        for i in list_work(ctx.vault)
        if (i.problem or i.flag or not i.billable) and i.client in (client.id, None)
    ]
    if problems:
        with st.expander(f"{readable.plural(len(problems), 'item')} need attention"):
            page.table(work_rows(ctx, problems), right=("hours",))
    periods = sorted({str(i.day)[:7] for i in items if i.day}, reverse=True)
    period = st.selectbox("Period", periods or [date.today().strftime("%Y-%m")])
    if st.button("Create draft invoice", type="primary"):
        try:
            inv = create_invoice(ctx.vault, client.id, period)
        except BillingError as exc:
            st.error(safe_md(named(str(exc), client), lines=False))
        else:
            # rerun: the unbilled list above must lose the items the draft now holds
            st.session_state[_FLASH] = f"Draft {inv.id}: {inv.currency} {inv.total}"
            st.rerun()
    for warning in unread_hours(ctx.vault, client.id):  # hours the drafts below cannot hold
        st.warning(safe_md(warning, lines=False))
    st.subheader("Invoices")
    made = list_invoices(ctx.vault, client.id)
    if not made:
        st.caption(f"No invoices for {client.name} yet: create a draft above.")
    for inv in reversed(made):
        label = f"{inv.number or f'draft {inv.id}'} · {inv.period} · {inv.currency} {inv.total}"
        with st.expander(safe_md(f"{label} · {inv.status}", lines=False)):
            # the md format escapes every text that came from notes or clients.toml
            others = lines_naming_others(inv, s.clients)
            for warning in [*others, *lines_alike(inv), *repriced(ctx.vault, inv)]:
                st.warning(safe_md(warning, lines=False))  # before it goes out
            if inv.status == "draft" and (changed := changed_since_billed(ctx.vault, inv)):
                st.warning(safe_md(changed, lines=False))
            st.markdown(render("md", inv, s.me).decode())
            if inv.status == "draft":
                issue(ctx, inv, client)
            name = inv.number or f"draft-{inv.id}"
            try:
                pdf = render("pdf", inv, s.me)
            except BillingError as exc:  # characters the PDF's fonts lack: HTML instead
                st.warning(safe_md(str(exc), lines=False))
                st.download_button(
                    "Download HTML",
                    render("html", inv, s.me),
                    file_name=f"{name}.html",
                    mime="text/html",
                    key=f"html-{inv.id}",
                )
                continue
            st.download_button(
                "Download PDF",
                pdf,
                file_name=f"{name}.pdf",
                mime="application/pdf",
                key=f"pdf-{inv.id}",
            )


page.page("Invoices", body)
