"""Settings and health: where things live, the backend, whether a key is set, counts."""

from __future__ import annotations

import os

import streamlit as st

from trailkeep.ui import backend_config, page, readable
from trailkeep.ui.markup import safe_md
from trailkeep.vault import doctor, status

SOURCE_WORDS = {
    "ingested": "imported",
    "duplicates": "already in the vault (duplicates)",
    "partial": "partly imported",
    "failed": "could not be read",
    "pending": "being read",
}


def folders(ctx: page.Ctx) -> None:
    """The folders read in place (config.toml's ``[[source]]``), each with its state: what the
    watcher reads besides the inbox (QA, session 10: no page showed them)."""
    from trailkeep.vault.browse import sources_under

    st.subheader("Folders read in place")
    s = ctx.settings
    if not s.sources:
        st.caption(
            safe_md(
                "None. Coding-agent sessions and notes can be read where they are, never "
                f"copied: add a `[[source]]` table (`path`, `kind`) to {s.home / 'config.toml'} "
                "(`trailkeep init` offers the ones it finds).",
                lines=False,
            )
        )
        return
    rows: list[dict[str, object]] = []
    for r in s.sources:
        counts = sources_under(ctx.vault, str(r.path))
        rows.append(
            {
                "folder": readable.cell(str(r.path), 200),
                "kind": r.kind,
                "state": "watched" if r.path.is_dir() else "not a folder on this machine",
                "files read": sum(counts.values()),
                "could not be read": counts.get("failed", 0),
            }
        )
    page.table(rows, right=("files read", "could not be read"))


def body(ctx: page.Ctx) -> None:
    s = ctx.settings
    key = "configured" if backend_config.resolve_api_key(os.environ) else "not set"
    rows = [
        ("Home", str(s.home)),
        ("Inbox", str(s.inbox)),
        ("Clients file", str(s.clients_path)),
        ("Clients", ", ".join(c.name for c in s.clients) or "none yet"),
        ("Backend", ctx.backend_description()),
        ("Anthropic API key", key),
        ("Redaction before model calls", "on" if s.redact else "off"),
        ("Embedder", ctx.vault.embedder.id),
    ]
    page.table([{"setting": k, "value": readable.cell(v, 300)} for k, v in rows])
    if not s.clients:
        page.clients_help(s, "so that mail, notes and work are filed under them", key="settings")
    me(ctx)
    folders(ctx)
    st.subheader("Counts")
    data = status(ctx.vault)
    cols = st.columns(4)
    cols[0].metric("Documents", data["documents"])
    cols[1].metric("Entries", data["entries"])
    cols[2].metric("Chunks", data["chunks"])
    cols[3].metric("Embedded", data["embedded"])
    st.markdown("**Files read**")
    page.table(
        [{"files": SOURCE_WORDS.get(k, k), "count": int(v)} for k, v in data["sources"].items()],
        right=("count",),
    )
    unattributed = data.get("unattributed", {})
    if unattributed.get("entries"):
        st.caption(
            f"{readable.plural(n := int(unattributed['entries']), 'item')} "
            f"{'belongs' if n == 1 else 'belong'} to no client yet: "
            "the Inbox page's Attribution section assigns them."
        )
    if st.button("Check the vault (doctor)"):
        with st.spinner("Comparing SQL, keyword index, vectors and blobs…"):
            report = doctor(ctx.vault)
        if report.ok:
            st.success("SQL, keyword index, vectors and blobs agree.")
        else:
            st.error("Problems found: run `trailkeep doctor --repair`.")
            st.code("\n".join(report.lines()), language=None)


def me(ctx: page.Ctx) -> None:
    """Your own addresses (config.toml [me], or inferred from your mail)."""
    from trailkeep.ingest.reattribution import inferred_me, my_addresses
    from trailkeep.ui.config_files import own_address_problem, same_domain

    st.subheader("Your addresses")
    mine = my_addresses(ctx.vault)
    why = inferred_me(ctx.vault)
    if not mine:
        st.caption("None known yet: add yours so your outgoing mail is recognised.")
    for a, src in sorted(mine.items()):
        st.text(f"{a} — {'config.toml' if src == 'config' else 'inferred: ' + why.get(a, '')}")
    configured = sorted(ctx.settings.me_emails)
    gone = (
        st.selectbox(
            "Remove an address of yours",
            configured,
            index=None,
            key="me-remove",
            placeholder="one of those in config.toml",
        )
        if configured
        else None
    )
    if gone and st.button("Remove", key="me-remove-go"):
        _set_me(ctx, [a for a in configured if a != gone])
    new = st.text_input("Add an address of yours", key="me-add").strip().lower()
    if st.button("Add", key="me-add-go"):
        problem = own_address_problem(new, ctx.settings.clients) if new else "type an address"
        if problem:
            st.error(safe_md(problem, lines=False))
        else:
            st.session_state.pop("me-add", None)  # the box is empty again after the rerun
            # those inferred at its domain stay yours (see `trailkeep me --add`)
            inferred = {a for a, src in mine.items() if src == "inferred"}
            _set_me(ctx, sorted({*configured, *same_domain(inferred, [new]), new}))


def _set_me(ctx: page.Ctx, emails: list[str]) -> None:
    from dataclasses import replace

    from trailkeep.ingest.reattribution import ensure_current
    from trailkeep.ui.config_files import set_me_emails

    set_me_emails(ctx.settings.config_path, emails)
    ctx.vault.settings = replace(ctx.settings, me_emails=tuple(emails))
    ensure_current(ctx.vault)
    st.rerun()


page.page("Settings and health", body)
