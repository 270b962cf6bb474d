"""Vault: browse clients -> documents -> versions and entries. ``?document=ID`` opens one
document (every citation and briefing item links here). Titles, names and text are shown as
text, never markup."""

from __future__ import annotations

import streamlit as st

from trailkeep.ui import page, readable
from trailkeep.ui.markup import safe_md
from trailkeep.vault.browse import NO_CLIENT, documents, entries, versions

PAGE = 50  # entries shown at once: a chat export can hold thousands in one document


# the entries nobody is named as writing: the user's own (notes, work lines)
_NO_AUTHOR = {"section": "you", "work": "you", "front_matter": "you"}


def _doc_label(d: dict[str, object]) -> str:
    return f"{readable.cell(d['title'], 90)} · {d['kind']} · #{d['id']}"


def body(ctx: page.Ctx) -> None:
    clients: dict[str, str | None] = {"All clients": None, "No client": NO_CLIENT}
    clients.update({c.name: c.id for c in ctx.settings.clients})
    wanted = st.query_params.get("document")
    client = clients[st.selectbox("Client", list(clients))]
    docs = documents(ctx.vault, client)
    if not docs:
        if page.is_empty(ctx.vault):
            page.first_run(ctx.settings)
        else:
            st.info("No documents for this client yet.")
        return
    labels = {_doc_label(d): d for d in docs}
    keys = list(labels)
    index = next(
        (i for i, k in enumerate(keys) if wanted and str(labels[k]["id"]) == str(wanted)), 0
    )
    doc = labels[st.selectbox(f"Document ({len(docs)})", keys, index=index)]
    st.caption(
        safe_md(
            f"{ctx.client_name(doc['client_id']) if doc['client_id'] else 'No client'} · "
            f"{readable.plural(int(doc['versions']), 'version')} · "
            f"{readable.plural(int(doc['entries']), 'entry', 'entries')} · "
            f"updated {readable.minute(doc['updated_at'])}",
            lines=False,
        )
    )
    if doc["kind"] in ("note", "draft") or int(doc["versions"]) > 1:
        page.link("trail", "See how it evolved (Trail)", document=doc["id"])
    vers = versions(ctx.vault, int(doc["id"]))
    vlabels = {
        safe_md(
            f"v{v['number']}{' (current)' if v['current'] else ''} · "
            f"{readable.moment(v['created_at'])}"
            + (f" · {readable.file_name(v['source'])}" if v["source"] else ""),
            lines=False,
        ): v
        for v in vers
    }
    ver = vlabels[st.radio("Version", list(vlabels), horizontal=True)]
    rows = entries(ctx.vault, int(ver["id"]))
    start = 0
    if len(rows) > PAGE:
        pages = (len(rows) + PAGE - 1) // PAGE
        n = int(st.number_input(f"Page (of {pages})", 1, pages, 1, key=f"entries-{ver['id']}"))
        start = (n - 1) * PAGE
        st.caption(f"Entries {start + 1}–{min(start + PAGE, len(rows))} of {len(rows):,}")
    for e in rows[start : start + PAGE]:
        head = f"{e['kind']} · {readable.cell(e['title'], 100) if e['title'] else '—'}"
        if e["tags"]:
            head += f" · {', '.join(t.replace('_', ' ') for t in e['tags'])}"
        with st.expander(safe_md(head, lines=False)):
            st.caption(
                safe_md(
                    f"{readable.moment(e['ts'], missing='undated')} · "
                    f"{e['author'] or _NO_AUTHOR.get(e['kind'], 'unknown author')} · "
                    f"{ctx.client_name(e['client_id']) if e['client_id'] else 'No client'} · "
                    f"entry {e['id']}" + ("" if e["current"] else " · not current"),
                    lines=False,
                )
            )
            st.text(e["text"][:5000])


page.page("Vault", body)
