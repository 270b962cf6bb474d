"""What every Streamlit page shares: settings and the vault (once per process), the password
gate, the page runner (errors shown as messages, never tracebacks; the page refreshed when the
vault changes), links between pages, sidebar filters, and the first-run help.

This module is the Streamlit edge: it reads the environment (``TRAILKEEP_HOME``, the API key via
:mod:`trailkeep.ui.backend_config`) and passes settings down. It imports nothing heavy: the
vault opens (SQL and Chroma) on the first page, the embedding model loads on the first search,
never at start-up (bench/ui.py measures both).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import streamlit as st

from trailkeep.vault import Filters, Settings, TrailkeepError, load_settings

from . import auth, backend_config
from .markup import code_lines, md_table, safe_md

if TYPE_CHECKING:
    from trailkeep.recall import Backend
    from trailkeep.vault import Vault

APP_NAME = "trailkeep"
ICON = Path(__file__).resolve().parent / "static" / "icon.svg"
REFRESH_SECONDS = 5.0
NAV: dict[str, Any] = {}  # url path -> st.Page, set by app.py on every run
_NAV_FLAG = "_trailkeep_nav"
_STAMP = "_trailkeep_vault_stamp"
KINDS = ["message", "section", "email", "thinking", "artifact", "work", "attachment"]
# What each kind is, in the user's words (QA, session 10: the filter listed "section" and
# "thinking")
KIND_WORDS = {
    "message": "chat and session turns",
    "section": "notes (a section each)",
    "email": "email",
    "thinking": "a model's reasoning",
    "artifact": "chat artifacts (code, documents)",
    "work": "work log lines",
    "attachment": "email attachments",
}


@dataclass
class Ctx:
    settings: Settings
    vault: Vault

    def backend(self, choice: str | None = None) -> Backend | None:
        """The configured model backend; one that cannot be made (no key for the backend
        config.toml names) is said, and the page answers offline rather than not at all (QA,
        session 15: a question got only the configuration error)."""
        try:
            return backend_config.make_backend(self.settings, choice, os.environ)
        except TrailkeepError as exc:
            st.warning(safe_md(f"{exc} — answering offline, from your history alone."))
            return None

    def backend_description(self) -> str:
        return backend_config.describe(self.settings, os.environ)

    def client_name(self, client_id: str | None) -> str:
        """A client's name from clients.toml; "—" for none; an unknown id as it is."""
        if not client_id:
            return "—"
        return next((c.name for c in self.settings.clients if c.id == client_id), client_id)


@st.cache_resource(show_spinner="Opening the vault…")
def _open(home: str, embedder: str) -> Vault:
    from trailkeep.vault import Vault, get_embedder, init_home

    s = load_settings(os.environ, Path(home))
    if not s.home.exists():
        init_home(s)
    # The embedding model is not loaded here: it loads on the first search (about 0.5 s and
    # 180 MB), so pages that only read SQL never pay for it.
    return Vault.open(s, get_embedder(embedder))


def warm() -> None:
    """Open the vault into the cache before the first page asks for it (server start-up)."""
    s = load_settings(os.environ)
    _open(str(s.home), s.embedder)


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
    st.title(APP_NAME)
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
    """Run one page: password gate, then the body; errors become messages. While the page is
    open it polls the vault and reruns when files were processed or the vault changed."""
    st.set_page_config(page_title=f"{title} · {APP_NAME}", page_icon=icon(), layout="wide")
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
        st.error(f"Something went wrong: {type(exc).__name__}: {safe_md(exc, lines=False)}")
    # Read after the body: what the page itself wrote (a draft saved, an invoice issued) must
    # not rerun it and wipe its own message; changes from elsewhere after this point do.
    st.session_state[_STAMP] = change_stamp(ctx)
    _watch(ctx)


def icon() -> str:
    """The app's icon (ui/static/icon.svg; an emoji if the file was not installed)."""
    return str(ICON) if ICON.exists() else "🧭"


# ---------------------------------------------------------------------------- refresh
def change_stamp(ctx: Ctx) -> tuple[object, ...]:
    """Something that changes whenever the vault does, cheap enough to read every few seconds:
    the watcher's processed count and the most recently updated source (id, status, time).

    Reads one row; vault.browse has no "changed since" function yet."""
    from trailkeep.vault.browse import recent_sources

    w = watcher_state(ctx.settings)
    last = recent_sources(ctx.vault, limit=1)
    top = last[0] if last else {}
    return (
        w.get("processed"),
        w.get("failed"),
        top.get("id"),
        top.get("status"),
        str(top.get("updated_at")),
    )


@st.fragment(run_every=REFRESH_SECONDS)
def _watch(ctx: Ctx) -> None:
    """Rerun the whole page when the vault changed since it was drawn (a tab left open on
    "your vault is empty" shows the new files without a reload)."""
    try:
        stamp = change_stamp(ctx)
    except Exception:  # a busy or closing vault: look again at the next tick
        return
    if stamp != st.session_state.get(_STAMP, stamp):
        st.session_state[_STAMP] = stamp
        st.rerun(scope="app")


# ---------------------------------------------------------------------------- links
def navigating() -> None:
    """Called by app.py: this session runs under st.navigation (page links work)."""
    st.session_state[_NAV_FLAG] = True


def link(to: str, label: str, icon: str | None = None, **params: object) -> None:
    """A link to another page (its url path) with query parameters. Under the app's navigation
    it is an st.page_link (same tab, same session; ``icon`` a ":material/…:" name, drawn with
    the font Streamlit serves itself); a page run on its own (AppTest) gets a Markdown link to
    the same address."""
    query = {k: str(v) for k, v in params.items() if v is not None}
    target = NAV.get(to) if st.session_state.get(_NAV_FLAG) else None
    if target is not None:
        st.page_link(target, label=safe_md(label, lines=False), icon=icon, query_params=query)
    else:
        st.markdown(f"[{safe_md(label, lines=False)}]({href(to, **query)})")


def table(rows: list[dict[str, object]], right: tuple[str, ...] = ()) -> None:
    """Rows as a Markdown table, every cell escaped (no dataframe: pandas and pyarrow would
    add about 80 MB to the server for tables of a few dozen rows)."""
    if rows:
        st.markdown(md_table(rows, right))


def href(to: str, **params: object) -> str:
    """A relative address of a page with query parameters (for Markdown links, table cells)."""
    query = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return f"./{to}?{query}" if query else f"./{to}"


# ---------------------------------------------------------------------------- first run
def is_empty(v: Vault) -> bool:
    from trailkeep.vault import status

    return int(status(v)["documents"]) == 0


def first_run(s: Settings) -> None:
    """What to do first in an empty vault: where the inbox is and what it understands."""
    st.info(
        "**Your vault is empty.** Put files into your inbox folder, or use the uploader on the "
        "Inbox page; they are read within seconds while `trailkeep ui` runs, and this page "
        "updates by itself."
    )
    st.markdown("**Your inbox folder**")
    st.markdown(code_lines(s.inbox))
    st.markdown(
        "**What it understands**\n\n"
        "- ChatGPT exports (`conversations.json` or the export .zip) and Claude exports "
        "(`conversations.json`, `projects.json`)\n"
        "- Claude Code sessions and Codex CLI rollouts (`.jsonl`)\n"
        "- client email: `.eml`, `.mbox`, Maildir folders\n"
        "- notes: Markdown (`.md`), plain text (`.txt`, `.org`, `.rst`), with work lines like "
        "`- 2.5h acme: fixed the export`\n"
        "- timesheets: `.csv` with `date,client,hours,description[,rate]`"
    )
    if not s.clients:
        clients_help(s, "so that mail, notes and work are filed under the right client")


CLIENTS_TEMPLATE = """\
# clients.toml: who your clients are. One [[client]] table per client; remove the leading
# "# " of the lines below and fill in your own. trailkeep re-reads this file on every page.
#
# [[client]]
# name = "Acme Health"              # shown everywhere
# id = "acme"                       # optional short id (--client accepts id, name or alias)
# aliases = ["Acme", "ACME Corp"]   # other names they go by in notes and chats
# domains = ["acme.example"]        # their mail domain(s)
# emails = ["cto@gmail.example"]    # single addresses (win over a domain)
# people = ["Dana Whitfield"]       # their people, as named in your notes
# projects = ["Bluefinch"]          # codenames: any text naming one is theirs
# paths = ["~/src/acme-*"]          # project folders of your coding-agent sessions
# rate = "150.00"                   # hourly rate, as a string (exact money)
# currency = "USD"
# tax_rate = "0.0825"
# billing_address = "1 Main St\\nSpringfield"
"""

CLIENTS_EXAMPLE = """\
[[client]]
name = "Acme Health"
id = "acme"
domains = ["acme.example"]
rate = "150.00"
currency = "USD"
"""


def write_clients_template(path: Path) -> bool:
    """Create a commented clients.toml at ``path`` when there is none; never overwrite.
    True when it was created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(CLIENTS_TEMPLATE)
    return True


def clients_help(s: Settings, why: str, key: str = "clients") -> None:
    """Where clients.toml is, an example, and a button that creates a commented template."""
    path = s.clients_path
    st.info(f"Add your clients to **clients.toml** {why}.")
    st.markdown("**The file**")
    st.markdown(code_lines(path))
    st.markdown("**An example**")
    st.markdown(code_lines(CLIENTS_EXAMPLE))
    if path.exists():
        st.caption("The file exists: open it in your editor and add a [[client]] table.")
    elif st.button("Create a commented clients.toml", key=f"{key}-template"):
        if write_clients_template(path):
            st.success(f"Created {path}: open it in your editor and fill in your clients.")
        else:
            st.caption("It exists already: nothing was changed.")


# ---------------------------------------------------------------------------- filters
def client_options(s: Settings) -> dict[str, str | None]:
    out: dict[str, str | None] = {"All clients": None}
    for c in s.clients:
        out[c.name if c.name != c.id else c.id] = c.id
    return out


def sidebar_filters(ctx: Ctx, key: str) -> Filters:
    sb = st.sidebar
    sb.header("Filters")
    opts = client_options(ctx.settings)
    client = opts[sb.selectbox("Client", list(opts), key=f"{key}-client")]
    project = sb.text_input("Project", key=f"{key}-project").strip() or None
    kinds = sb.multiselect(
        "Kind", KINDS, format_func=lambda k: KIND_WORDS.get(k, k), key=f"{key}-kinds"
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
    day = d + timedelta(days=1) if end else d
    return datetime.combine(day, dtime())


# ---------------------------------------------------------------------------- watcher
def watcher_state(s: Settings) -> dict[str, Any]:
    from trailkeep.ingest.heartbeat import watcher_state as state

    return state(s.home)
