"""What every Streamlit page shares: settings and the vault (once per process), the password
gate, sidebar filters, and errors shown as messages (never tracebacks).

This module is the Streamlit edge: it reads the environment (``TRAILKEEP_HOME``, the API key via
:mod:`trailkeep.ui.backend_config`) and passes settings down.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

import streamlit as st

from trailkeep.ingest.watcher import HEARTBEAT_FILE
from trailkeep.recall import Answer, Backend
from trailkeep.recall.trail import Step
from trailkeep.vault import (
    Filters,
    Hit,
    Settings,
    TrailkeepError,
    Vault,
    get_embedder,
    init_home,
    iso,
    load_settings,
)

from . import auth, backend_config

HEARTBEAT = HEARTBEAT_FILE


@dataclass
class Ctx:
    settings: Settings
    vault: Vault

    def backend(self, choice: str | None = None) -> Backend | None:
        return backend_config.make_backend(self.settings, choice, os.environ)

    def backend_description(self) -> str:
        return backend_config.describe(self.settings, os.environ)


@st.cache_resource(show_spinner="Opening the vault…")
def _open(home: str, embedder: str) -> Vault:
    s = load_settings(os.environ, Path(home))
    if not s.home.exists():
        init_home(s)
    v = Vault.open(s, get_embedder(embedder))
    # The page renders without the model; it loads in the background before the first question.
    warm = getattr(v.embedder, "warm_up", None)
    if warm is not None:
        import threading

        threading.Thread(target=warm, name="embedder-warm-up", daemon=True).start()
    return v


def warm() -> None:
    """Open the vault into the cache before the first page asks for it (server start-up)."""
    s = load_settings(os.environ)
    v = _open(str(s.home), s.embedder)
    getattr(v.embedder, "warm_up", lambda: None)()


def context() -> Ctx:
    s = load_settings(os.environ)
    v = _open(str(s.home), s.embedder)
    # Settings are cheap and may have changed (clients.toml edited): re-read per run, but keep
    # the heavy objects (engine, embedder, Chroma client) from the cached vault.
    v.settings = s
    # clients.toml, [me] or an assignment changed since the last run: re-attribute (notes/0013)
    from trailkeep.ingest.reattribution import ensure_current

    ensure_current(v)
    return Ctx(s, v)


def _password_gate(s: Settings) -> None:
    ui = s.extra.get("ui", {})
    stored = str(ui.get("password_hash", "")) if isinstance(ui, dict) else ""
    if not stored or st.session_state.get("authed") == stored:
        return
    st.title("trailkeep")
    with st.form("login"):
        pw = st.text_input("Password", type="password")
        ok = st.form_submit_button("Open")
    if ok:
        if auth.verify_password(pw, stored):
            st.session_state["authed"] = stored
            st.rerun()
        st.error("Wrong password.")
    st.stop()


def page(title: str, body: Callable[[Ctx], None]) -> None:
    """Run one page: password gate, then the body; errors become messages."""
    try:
        s = load_settings(os.environ)
        _password_gate(s)
        ctx = context()
    except TrailkeepError as exc:
        st.error(f"trailkeep cannot start: {exc}")
        return
    st.title(title)
    try:
        body(ctx)
    except TrailkeepError as exc:
        st.error(str(exc))
    except Exception as exc:  # never a traceback in the page; the message says what failed
        if type(exc).__module__.startswith("streamlit"):
            raise  # st.stop / st.rerun control flow
        st.error(f"Something went wrong: {type(exc).__name__}: {exc}")


def is_empty(v: Vault) -> bool:
    from trailkeep.vault import status

    return int(status(v)["documents"]) == 0


def first_run(s: Settings) -> None:
    st.info(
        f"Your vault is empty. Drop files into **{s.inbox}** (or use the Inbox page's "
        "uploader):\n\n"
        "- ChatGPT exports (`conversations.json` or the export .zip), Claude exports "
        "(`conversations.json`, `projects.json`)\n"
        "- client email: `.eml`, `.mbox`, Maildir folders\n"
        "- Markdown field notes (`.md`), with work lines like `- 2.5h acme: fixed the export`\n"
        "- timesheets: `.csv` with `date,client,hours,description[,rate]`\n\n"
        "Clients are listed in `clients.toml` in the home."
    )


def client_options(s: Settings) -> dict[str, str | None]:
    out: dict[str, str | None] = {"All clients": None}
    for c in s.clients:
        out[f"{c.name} ({c.id})"] = c.id
    return out


def sidebar_filters(ctx: Ctx, key: str) -> Filters:
    sb = st.sidebar
    sb.header("Filters")
    opts = client_options(ctx.settings)
    client = opts[sb.selectbox("Client", list(opts), key=f"{key}-client")]
    project = sb.text_input("Project", key=f"{key}-project").strip() or None
    kinds = sb.multiselect(
        "Kind",
        ["message", "section", "email", "thinking", "artifact", "work", "attachment"],
        key=f"{key}-kinds",
    )
    since = sb.date_input("Since", value=None, key=f"{key}-since")
    until = sb.date_input("Until", value=None, key=f"{key}-until")
    return Filters(
        client=client,
        project=project,
        kinds=tuple(kinds),
        since=_midnight(since),
        until=_midnight(until, end=True),
    )


def _midnight(d: Any, end: bool = False) -> datetime | None:
    if not isinstance(d, date):
        return None
    from datetime import timedelta

    day = d + timedelta(days=1) if end else d
    return datetime.combine(day, dtime())


def when(h: Hit) -> str:
    return (iso(h.timestamp) or "undated")[:10]


def citation(n: int, h: Hit) -> None:
    with st.expander(f"[{n}] {h.document} — {when(h)}"):
        st.markdown("> " + h.quote.strip().replace("\n", "\n> "))
        st.caption(
            f"source: {h.source or '—'} · client: {h.client or 'none'} · kind: {h.kind} · "
            f"document {h.document_id}, entry {h.entry_id}, version {h.version}"
            + ("" if h.current else " · superseded")
        )
        st.markdown(f"[Open in the vault](./vault?document={h.document_id})")


def trail_table(steps: list[Step]) -> None:
    if not steps:
        return
    rows = [
        {
            "date": when(s.hit),
            "document": s.hit.document,
            "tags": ", ".join(s.tags),
            "current": s.hit.current,
            "text": " ".join(s.hit.quote.split())[:160],
        }
        for s in steps
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def show_answer(ans: Answer, streamed: bool = False) -> None:
    if ans.abstained:
        st.warning(ans.answer)
        st.caption(f"Why: {ans.reason}. What was searched: {ans.searched}.")
        if ans.closest:
            st.subheader("Closest, but not an answer")
            for i, h in enumerate(ans.closest, 1):
                citation(i, h)
        return
    if not streamed:
        st.markdown(ans.answer.replace("\n", "  \n"))
    if ans.reason:
        st.caption(ans.reason)
    for i, h in enumerate(ans.citations, 1):
        citation(i, h)
    if ans.dropped_citations:
        st.caption(
            "Citations to passages that were never sent were removed: "
            + ", ".join(f"[{n}]" for n in ans.dropped_citations)
        )
    if ans.trail:
        st.subheader("How it got here")
        trail_table(ans.trail)


def watcher_state(s: Settings) -> dict[str, Any]:
    p = s.home / HEARTBEAT
    try:
        data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"state": "not running", "detail": "no watcher has reported (run `trailkeep ui`)"}
    age = time.time() - float(data.get("updated", 0))
    if data.get("state") == "stopped" or age > 15:
        data["state"] = "not running"
        data["detail"] = f"last report {int(age)} s ago"
    return data
