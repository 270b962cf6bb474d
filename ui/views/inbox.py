"""Inbox: the watcher's state, an uploader, what belongs to no client yet, failures and
partly imported files (each with a retry), and what was read recently."""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import streamlit as st

from trailkeep.ui import page, readable
from trailkeep.ui.markup import safe_md
from trailkeep.vault.browse import failed_sources, recent_sources

MAX_UPLOAD_MB = 1024


_FLASH = "inbox-flash"  # a message that must outlive the rerun that follows an action


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


STATUS_WORDS = {
    "ingested": "imported",
    "duplicate": "already in the vault",
    "partial": "partly imported",
    "failed": "could not be read",
    "pending": "being read",
    "forgotten": "forgotten",
}


def reason(row: dict[str, Any]) -> str:
    """A source's error without its own file name in front ("notes.csv line 7: …" ->
    "line 7: …"), one line."""
    err = " ".join(str(row.get("error") or "").split())
    name = str(row.get("name") or "")
    if name and err.startswith(name):
        err = err[len(name) :].lstrip(" :")
    return err


def recent_rows(rows: list[dict[str, Any]]) -> list[dict[str, object]]:
    return [
        {
            # the versions of one note are told apart (QA, session 10: three identical rows)
            "file": readable.cell(
                f"{r['name']} (version {r['version']})"
                if (r.get("version") or 0) > 1
                else r["name"],
                80,
            ),
            "result": STATUS_WORDS.get(str(r["status"]), readable.dash(r["status"])),
            "read as": readable.dash(str(r["parser"]).replace("-", " ") if r["parser"] else None),
            "when": readable.minute(r["updated_at"]),
            "note": readable.cell(reason(r) or None, 160),
        }
        for r in rows
    ]


def _retry_button(ctx: page.Ctx, row: dict[str, Any]) -> None:
    if st.button("Retry", key=f"retry-{row['id']}"):
        from trailkeep.ingest import Ingestor

        summary = Ingestor(ctx.vault).retry([int(row["id"])])
        st.info(
            f"{summary.ingested} ingested, {summary.partial} partly imported, "
            f"{summary.failed} still failing"
        )


def problems(ctx: page.Ctx) -> None:
    """Files that could not be read, and files partly imported (some lines refused), apart."""
    rows = failed_sources(ctx.vault)
    failed = [r for r in rows if r["status"] != "partial"]
    partial = [r for r in rows if r["status"] == "partial"]
    st.subheader(f"Failures ({len(failed)})")
    if not failed:
        st.caption("Every file could be read.")
    for bad in failed:
        cols = st.columns([5, 1])
        with cols[0]:
            st.markdown(f"**{safe_md(bad['name'], lines=False)}** — could not be read")
            st.caption(safe_md(reason(bad), lines=False, limit=600))
        with cols[1]:
            _retry_button(ctx, bad)
    if partial:
        st.subheader(f"Partly imported ({len(partial)})")
        st.caption("The rest of each file is in the vault; fix the line and drop it in again.")
    for part in partial:
        cols = st.columns([5, 1])
        with cols[0]:
            st.markdown(
                f"**{safe_md(part['name'], lines=False)}** — partly imported, "
                + safe_md(reason(part), lines=False, limit=600)
            )
        with cols[1]:
            _retry_button(ctx, part)


def body(ctx: page.Ctx) -> None:
    s = ctx.settings
    w = page.watcher_state(s)
    state = w.get("state", "unknown")
    c1, c2, c3 = st.columns(3)
    c1.metric("Watcher", state)
    c2.metric("Waiting to be read", w.get("pending", 0))
    c3.metric("Processed since start", w.get("processed", 0))
    if w.get("detail"):
        st.caption(safe_md(w["detail"], lines=False))
    if w.get("last_error"):
        st.warning(safe_md(f"Watcher: {w['last_error']}"))
    st.markdown("**Your inbox folder** (files put here are read within seconds)")
    st.code(str(s.inbox), language=None)
    up = st.file_uploader("Add files to the inbox", accept_multiple_files=True)
    if up and st.button("Save to inbox", type="primary"):
        for f in up:
            path = save_upload(s.inbox, f.name, f.getvalue())
            st.success(safe_md(f"Saved {os.path.basename(path)}; it is read once it is complete."))
    attribution(ctx)
    problems(ctx)
    st.subheader("Recent")
    rows = recent_sources(ctx.vault)
    if rows:
        page.table(recent_rows(rows))
    else:
        page.first_run(s)


def attribution(ctx: page.Ctx) -> None:
    """The review queue: what belongs to nobody yet, one assignment per group."""
    from trailkeep.ingest.reattribution import assign, review_groups, whole_document

    if flash := st.session_state.pop(_FLASH, None):
        st.success(safe_md(flash, lines=False))
    groups = review_groups(ctx.vault)
    n = sum(len(g["items"]) for g in groups)  # type: ignore[arg-type,misc]
    st.subheader(
        f"Attribution: {readable.plural(n, 'item')} {'belongs' if n == 1 else 'belong'} to no "
        "client yet"
        if n
        else "Attribution"
    )
    if not groups:
        st.caption("Everything belongs to a client, or is your own general material.")
        return
    st.caption(
        "Until you assign them, these are in no client's drafts or answers. Assigning also "
        "re-attributes everything already in the vault."
    )
    clients = {c.name: c.id for c in ctx.settings.clients}
    choices = [*clients, "General (my own material)"]
    for g in groups[:30]:
        key = str(g["key"])
        items = g["items"]
        assert isinstance(items, list)
        mixed = bool(g.get("several_clients"))
        names = sorted({str(it["name"]) for it in items if it.get("name")})
        who = f" ({', '.join(names[:3])})" if names else ""
        unverified = items[0].get("unverified") if mixed else None
        why = (
            "sender not verified"
            if unverified
            else str(items[0].get("held") or "to several clients")
        )
        title = f"“{items[0]['subject']}”, {why}" if mixed else f"{key}{who}"
        with st.expander(safe_md(f"{title} — {readable.plural(len(items), 'item')}", lines=False)):
            if unverified:
                st.caption(
                    safe_md(
                        f"The receiving mail server did not believe who this message says it "
                        f"is from ({unverified}), so no client's drafts or answers see it. "
                        "Give it to the client only if you know it is theirs.",
                        lines=False,
                    )
                )
            elif mixed and items[0].get("names_no_client"):
                st.caption(
                    "This passage names no client, but its note is about several, so no "
                    "client's drafts or answers see it. Give it to a client, or make it general."
                )
            elif mixed:
                st.caption(
                    "This message concerns more than one client, so no client's drafts or "
                    "answers see it. Give it to the one it belongs to."
                )
            for it in items[:8]:
                st.text(f"{it['date'] or 'undated'} · {it['kind']} · {it['subject']}")
            hint = g["suggested_client"]
            named = g.get("clients")
            allowed = {str(c) for c in named} if mixed and isinstance(named, list) else set()
            # a passage of the user's note naming no client, held for its note's sake:
            # any client, or general (blind trial, session 27: an empty choice)
            own = mixed and bool(items[0].get("names_no_client"))
            options = (
                [n for n, c in clients.items() if c in allowed] if mixed and not own else choices
            )
            suggested = next((n for n, c in clients.items() if c == hint), None)
            if suggested and not mixed:
                # a suggestion only (its label, domain or folder names the client): never picked
                st.caption(safe_md(f"Suggested: {suggested} (a name matches)", lines=False))
            # Nothing preselected, ever: one click must not guess a client, nor make a stranger's
            # mail general (general material is in every client's scope).
            pick = st.selectbox(
                "Belongs to",
                options,
                index=None,
                placeholder="Choose the client",
                key=f"as-{key}",
            )
            # one document (a chat, a session) has no address or label to add to clients.toml
            one_doc = whole_document(key)
            remember = (
                not mixed
                and not one_doc
                and st.checkbox("Also add it to clients.toml", key=f"rem-{key}")
            )
            # nothing chosen: the button does nothing, and says why
            go = st.button(
                "Assign",
                key=f"go-{key}",
                disabled=pick is None,
                help="Choose the client first." if pick is None else None,
            )
            if go and pick is not None:
                target = clients.get(pick, "*")
                if remember and target != "*":
                    from trailkeep.ui.config_files import remember as write_down

                    write_down(ctx.settings.clients_path, target, key)
                rep = assign(ctx.vault, key, target)
                changed = rep.changed if rep else 0
                # said after the rerun that drops the group (QA, session 10: shown, then wiped)
                done = readable.plural(changed, "entry", "entries")
                st.session_state[_FLASH] = f"{title} → {pick}: {done} re-attributed"
                st.rerun()


page.page("Inbox", body)
