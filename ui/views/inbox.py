"""Inbox: the watcher's state, recent ingests, failures with a retry, and an uploader."""

from __future__ import annotations

import os
import re
import secrets

import streamlit as st

from trailkeep.ingest import Ingestor
from trailkeep.ui import web
from trailkeep.vault.browse import failed_sources, recent_sources

MAX_UPLOAD_MB = 1024


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, printable."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\- ()@+,]", "_", base).lstrip(". ")
    return base[:150] or "upload"


def save_upload(inbox: os.PathLike[str] | str, name: str, data: bytes) -> str:
    """Write into the inbox atomically (a hidden temp name the watcher ignores, then rename),
    never overwriting: a clash gets a suffix."""
    folder = os.fspath(inbox)
    os.makedirs(folder, exist_ok=True)
    target = safe_name(name)
    stem, dot, ext = target.rpartition(".")
    path = os.path.join(folder, target)
    n = 1
    while os.path.exists(path):
        n += 1
        path = os.path.join(folder, f"{stem} ({n}).{ext}" if dot else f"{target} ({n})")
    tmp = os.path.join(folder, f".upload-{secrets.token_hex(6)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.rename(tmp, path)
    return path


def body(ctx: web.Ctx) -> None:
    s = ctx.settings
    w = web.watcher_state(s)
    state = w.get("state", "unknown")
    c1, c2, c3 = st.columns(3)
    c1.metric("Watcher", state)
    c2.metric("Waiting to settle", w.get("pending", 0))
    c3.metric("Processed since start", w.get("processed", 0))
    if w.get("detail"):
        st.caption(w["detail"])
    if w.get("last_error"):
        st.warning(f"Watcher: {w['last_error']}")
    st.caption(f"Inbox: {s.inbox}")
    up = st.file_uploader("Add files to the inbox", accept_multiple_files=True)
    if up and st.button("Save to inbox", type="primary"):
        for f in up:
            path = save_upload(s.inbox, f.name, f.getvalue())
            st.success(f"saved {os.path.basename(path)}; the watcher ingests it once stable")
    attribution(ctx)
    failures = failed_sources(ctx.vault)
    st.subheader(f"Failures ({len(failures)})")
    for bad in failures:
        cols = st.columns([5, 1])
        cols[0].markdown(f"**{bad['name']}** — {bad['status']}")
        cols[0].caption(str(bad["error"] or "")[:600])
        if cols[1].button("Retry", key=f"retry-{bad['id']}"):
            summary = Ingestor(ctx.vault).retry([int(bad["id"])])
            st.info(
                f"{summary.ingested} ingested, {summary.partial} partial, "
                f"{summary.failed} still failing"
            )
    st.subheader("Recent")
    rows = recent_sources(ctx.vault)
    if rows:
        st.dataframe(
            [{k: r[k] for k in ("name", "status", "parser", "updated_at", "error")} for r in rows],
            hide_index=True,
            width="stretch",
        )
    else:
        web.first_run(s)


def attribution(ctx: web.Ctx) -> None:
    """The review queue: what belongs to nobody yet, one assignment per group."""
    from trailkeep.ingest.reattribution import assign, review_groups

    groups = review_groups(ctx.vault)
    n = sum(len(g["items"]) for g in groups)  # type: ignore[arg-type,misc]
    st.subheader(f"Attribution ({n} item(s) belong to no client yet)")
    if not groups:
        st.caption("Everything belongs to a client, or is your own general material.")
        return
    st.caption(
        "Until you assign them, these are in no client's drafts or answers. Assigning also "
        "re-attributes everything already in the vault."
    )
    clients = {f"{c.name} ({c.id})": c.id for c in ctx.settings.clients}
    choices = [*clients, "General (my own material)"]
    for g in groups[:30]:
        key = str(g["key"])
        items = g["items"]
        assert isinstance(items, list)
        with st.expander(f"{key} — {len(items)} item(s)"):
            for it in items[:8]:
                st.text(f"{it['date'] or 'undated'} · {it['kind']} · {it['subject']}")
            hint = g["suggested_client"]
            default = next((i for i, k in enumerate(choices) if clients.get(k) == hint), 0)
            pick = st.selectbox("Belongs to", choices, index=default, key=f"as-{key}")
            remember = st.checkbox("Also add it to clients.toml", key=f"rem-{key}")
            if st.button("Assign", key=f"go-{key}"):
                target = clients.get(pick, "*")
                if remember and target != "*":
                    from trailkeep.ui.config_files import remember as write_down

                    write_down(ctx.settings.clients_path, target, key)
                rep = assign(ctx.vault, key, target)
                st.success(f"{rep.changed if rep else 0} entr(y/ies) re-attributed")
                st.rerun()


web.page("Inbox", body)
