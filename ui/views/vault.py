"""Vault: browse clients -> documents -> versions and entries."""

from __future__ import annotations

import streamlit as st

from trailkeep.ui import web
from trailkeep.vault.browse import NO_CLIENT, documents, entries, versions


def body(ctx: web.Ctx) -> None:
    clients = {"All": None, NO_CLIENT: NO_CLIENT}
    clients.update({f"{c.name} ({c.id})": c.id for c in ctx.settings.clients})
    wanted = st.query_params.get("document")
    client = clients[st.selectbox("Client", list(clients))]
    docs = documents(ctx.vault, client)
    if not docs:
        web.first_run(ctx.settings)
        return
    labels = {f"{d['title']} · {d['kind']} · #{d['id']}": d for d in docs}
    keys = list(labels)
    index = next(
        (i for i, k in enumerate(keys) if wanted and str(labels[k]["id"]) == str(wanted)), 0
    )
    doc = labels[st.selectbox(f"Document ({len(docs)})", keys, index=index)]
    st.caption(
        f"client {doc['client_id'] or 'none'} · {doc['versions']} version(s) · "
        f"{doc['entries']} entries · updated {str(doc['updated_at'])[:16]}"
    )
    vers = versions(ctx.vault, int(doc["id"]))
    vlabels = {
        f"v{v['number']}{' (current)' if v['current'] else ''} · {str(v['created_at'])[:16]}"
        f" · {v['source'] or ''}": v
        for v in vers
    }
    ver = vlabels[st.radio("Version", list(vlabels), horizontal=True)]
    for e in entries(ctx.vault, int(ver["id"])):
        head = f"{e['kind']} · {e['title'] or ''}"[:120]
        if e["tags"]:
            head += f" · {', '.join(e['tags'])}"
        with st.expander(head):
            st.caption(
                f"entry {e['id']} · {str(e['ts'] or 'undated')[:16]} · "
                f"{e['author'] or ''} · client {e['client_id'] or 'none'}"
                + ("" if e["current"] else " · not current")
            )
            st.text(e["text"][:5000])


web.page("Vault", body)
