"""Briefing, the first page: what needs you today — threads waiting on your reply (each with a
"draft a reply"), dates ahead and overdue, unbilled work and unpaid invoices, what changed since
your last visit, open questions, inbox health. Every item links to its source in the Vault page.

It shows ``trailkeep.recall.brief.build_brief(vault, today, client).as_json()`` (the contract of
``trailkeep brief --json``); quotes, subjects and names are text (safe_md), never markup. The
first view of a sitting (SITTING, 3 h) remembers the visit, as ``trailkeep brief`` does, so the
next sitting's "what changed" starts there; reloads, new tabs and reruns within the sitting keep
its starting point."""

from __future__ import annotations

import importlib
import inspect
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import streamlit as st

from trailkeep.ui import page, readable
from trailkeep.ui.markup import safe_md

_SINCE = "brief_since"
_MARKED = "brief_marked"
# "What changed since …" lasts a sitting: a reload, a new tab or a visit to another page and
# back within SITTING of the sitting's first view shows the changes since the same mark (the
# visit before the sitting), plus whatever arrived meanwhile. Only the first view of a new
# sitting moves the last-visit mark (recall.brief.mark_visited, as `trailkeep brief` does;
# `--json` and the MCP tool never move it). Before, every first view in a browser session was a
# visit, so a reload wiped the list a second after it was shown.
SITTING = timedelta(hours=3)
# vault_meta: {"since": …, "at": …}, the mark the page's current sitting shows changes since,
# and when the sitting began (the page's own: the CLI reads and writes only the last visit).
_SITTING_KEY = "brief_page_sitting"


def _load() -> Any:
    """The briefing module, or None when this installation has none yet."""
    try:
        brief = importlib.import_module("trailkeep.recall.brief")
    except ImportError:
        return None
    return brief if hasattr(brief, "build_brief") else None


def _aware(raw: object) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def sitting_since(ctx: page.Ctx, now: datetime) -> datetime | None:
    """The mark of the page's sitting still going on at ``now`` (it began less than SITTING
    ago), else None: a new sitting starts."""
    from trailkeep.vault.ownership import get_state

    try:
        data = json.loads(get_state(ctx.vault, _SITTING_KEY) or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    since, began = _aware(data.get("since")), _aware(data.get("at"))
    if since is None or began is None or not timedelta(0) <= now - began < SITTING:
        return None
    return since


def _build(ctx: page.Ctx, mod: Any, today: date, client: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if hasattr(mod, "configured"):
        kwargs["horizon_days"] = mod.configured(ctx.settings)[0]
    since = st.session_state.get(_SINCE)
    if since is None and hasattr(mod, "mark_visited"):
        since = sitting_since(ctx, datetime.now(UTC))
        if since is not None:  # a reload or a new tab in the sitting: its visit is recorded
            st.session_state[_SINCE] = since
            st.session_state[_MARKED] = True
    if since is not None:
        kwargs["since"] = since
    accepted = inspect.signature(mod.build_brief).parameters
    b = mod.build_brief(
        ctx.vault, today, client, **{k: v for k, v in kwargs.items() if k in accepted}
    )
    if since is None:
        st.session_state[_SINCE] = getattr(b, "since", None)
    data: dict[str, Any] = b.as_json()
    return data


def _remember_visit(ctx: page.Ctx, mod: Any) -> None:
    """The first view of a sitting: remember the sitting (what it shows changes since) and the
    visit (where the next sitting's, and `trailkeep brief`'s, changes start)."""
    if st.session_state.get(_MARKED) or not hasattr(mod, "mark_visited"):
        return
    st.session_state[_MARKED] = True
    from trailkeep.vault.ownership import set_state

    now = datetime.now(UTC)
    since = st.session_state.get(_SINCE)
    try:
        if isinstance(since, datetime):
            sitting = {"since": since.isoformat(), "at": now.isoformat()}
            set_state(ctx.vault, _SITTING_KEY, json.dumps(sitting))
        mod.mark_visited(ctx.vault, now)
    except Exception:  # the vault is busy writing: this visit is simply not remembered
        return


def _days(n: object) -> str:
    """How long: "today" for 0 days ("0 days" read as a glitch), "1 day", "5 days"."""
    if not isinstance(n, int):
        return readable.dash(n)
    return "today" if n == 0 else readable.plural(n, "day")


def _ago(n: object) -> str:
    """When: "today", "1 day ago", "5 days ago" (never "0 days ago")."""
    if not isinstance(n, int):
        return readable.dash(n)
    return "today" if n == 0 else f"{readable.plural(n, 'day')} ago"


Link = tuple[str, str, str, dict[str, object]]  # page, label, icon, query parameters


def _row(text: str, links: list[Link]) -> None:
    """One item: its text, then its links (source, actions), side by side when there is room."""
    with st.container(border=True):
        st.markdown(text)
        if links:
            cols = st.columns(len(links))
            for col, (to, label, icon, params) in zip(cols, links, strict=True):
                with col:
                    page.link(to, label, icon, **params)


def _source(item: dict[str, Any]) -> list[Link]:
    doc = item.get("document_id")
    return [("vault", "Open the source", ":material/article:", {"document": doc})] if doc else []


def _who(ctx: page.Ctx, client: str | None) -> str:
    # No client: general notes and unattributed mail alike (unattributed is not general)
    return ctx.client_name(client) if client else "No client"


def waiting(
    ctx: page.Ctx, items: list[dict[str, Any]], older: dict[str, Any] | None = None
) -> None:
    st.subheader(f"Waiting on your reply ({len(items)})")
    if not items:
        st.caption("No client thread is waiting on you.")
    if older and older.get("threads"):
        st.caption(
            f"And {older['threads']} older thread(s) still without your reply: the last "
            f"message is over {older['lookback_days']} days old (the oldest "
            f"{str(older.get('oldest') or '')[:10]}). `[brief] lookback_days` in config.toml "
            "lists them."
        )
    for w in items:
        who = safe_md(w.get("from") or "someone", lines=False)
        subject = safe_md(w.get("subject") or "(no subject)", lines=False)
        text = (
            f"**{_days(w.get('days'))}** · {safe_md(_who(ctx, w.get('client')))} · "
            f"{who}: {subject}  \n"
            + safe_md(f"last message {readable.day(w.get('date'))}", lines=False)
        )
        links = _source(w)
        if w.get("message_id"):
            query = {"message": w["message_id"], "client": w.get("client")}
            links.append(("draft", "Draft a reply", ":material/reply:", query))
        _row(text, links)


def dates(ctx: page.Ctx, items: list[dict[str, Any]], horizon: object) -> None:
    st.subheader(f"Dates ahead, next {horizon} days ({len(items)})")
    if not items:
        st.caption("No date named in recent mail or notes falls in this window.")
    for d in items:
        flag = " · **overdue**" if d.get("overdue") else ""
        said = f"said {readable.day(d.get('said_on'))}" if d.get("said_on") else ""
        where = readable.file_name(d.get("source")) if d.get("source") else ""
        text = (
            f"**{safe_md(readable.day(d.get('date')))}**{flag} · "
            f"{safe_md(_who(ctx, d.get('client')))}  \n"
            f"“{safe_md(d.get('quote'), lines=False)}”  \n"
            + safe_md(" in ".join(x for x in (said, where) if x), lines=False)
        )
        _row(text, _source(d))


def money(ctx: page.Ctx, unbilled: list[dict[str, Any]], inv: dict[str, Any]) -> None:
    """Unbilled work, drafts not issued, invoices not paid: one line each (a phone shows every
    figure; a table would cut its last column)."""
    drafts, unpaid = inv.get("drafts") or [], inv.get("unpaid") or []
    st.subheader("Money")
    if not (unbilled or drafts or unpaid):
        st.caption("Nothing unbilled or unpaid.")
        return
    lines = []
    for u in unbilled:
        amount = f"{u['amount']} {u.get('currency') or ''}".strip() if u.get("amount") else None
        items = f" ({readable.plural(u['items'], 'item')})" if u.get("items") else ""
        lines.append(
            (
                _who(ctx, u.get("client")),
                f"unbilled work, {u.get('hours')} h{items}",
                amount or "no rate in clients.toml",
            )
        )
    for x in drafts:
        total = f"{x['total']} {x.get('currency') or ''}".strip() if x.get("total") else None
        lines.append(
            (
                _who(ctx, x.get("client")),
                f"draft invoice for {readable.dash(x.get('period'))}, not issued"
                + (f": {x['problem']}" if total and x.get("problem") else ""),
                total or readable.dash(x.get("problem")),
            )
        )
    for x in unpaid:
        due = f", due {x['due_on']}" if x.get("due_on") else ""
        late = ", overdue" if x.get("overdue") else ""
        lines.append(
            (
                _who(ctx, x.get("client")),
                f"invoice {readable.dash(x.get('number'))} unpaid, issued "
                f"{_ago(x.get('days'))}{due}{late}",
                f"{x.get('total')} {x.get('currency') or ''}".strip(),
            )
        )
    st.markdown(
        "\n".join(
            f"- **{safe_md(who, lines=False)}** · {safe_md(what, lines=False)} · "
            f"**{safe_md(amount, lines=False)}**"
            for who, what, amount in lines
        )
    )
    page.link("invoices", "Open Invoices", ":material/receipt_long:")


_WHAT = {
    "new": "new document",
    "new_version": "new version",
    "new_messages": "new messages",
}


def changed(ctx: page.Ctx, groups: list[dict[str, Any]], since: object) -> None:
    st.subheader(f"What changed since {readable.minute(since)} UTC")
    if not groups:
        st.caption("Nothing new.")
    for g in groups:
        docs = g.get("documents") or []
        name = _who(ctx, g.get("client"))
        with st.expander(
            safe_md(f"{name}: {readable.plural(len(docs), 'document')}", lines=False),
            expanded=len(groups) == 1,
        ):
            for x in docs[:20]:
                what = _WHAT.get(str(x.get("what")), readable.dash(x.get("what")))
                text = f"{safe_md(what)} · **{safe_md(x.get('document'), lines=False)}**" + (
                    f" · {safe_md(readable.file_name(x['source']))}" if x.get("source") else ""
                )
                _row(text, _source(x))
            for tag, label in (("decisions", "Decision"), ("dead_ends", "Dead end")):
                for x in g.get(tag) or []:
                    text = f"**{label}** · “{safe_md(x.get('quote'), lines=False)}”"
                    _row(text, _source(x))


def questions(ctx: page.Ctx, items: list[dict[str, Any]]) -> None:
    st.subheader(f"Open questions ({len(items)})")
    if not items:
        st.caption("No open question without a later decision.")
    for q in items[:20]:
        text = (
            f"{safe_md(readable.day(q.get('date'), missing='undated'))} · "
            f"{safe_md(_who(ctx, q.get('client')))}  \n"
            f"“{safe_md(q.get('quote'), lines=False)}”"
        )
        if d := q.get("perhaps_decided"):
            text += (
                f"  \nperhaps decided {safe_md(readable.day(d.get('date'), missing='undated'))}: "
                f"“{safe_md(d.get('quote'), lines=False)}”"
            )
        _row(text, _source(q))


def health(data: dict[str, Any]) -> None:
    failures = data.get("failures") or []
    partial = [f for f in failures if f.get("status") == "partial"]
    failed = [f for f in failures if f.get("status") != "partial"]
    n = int(data.get("unattributed") or 0)
    unlisted = int(data.get("failed") or 0) - len(failures)  # a client's briefing lists none
    if not (failures or n or unlisted > 0):
        return
    st.subheader("Inbox")
    parts = []
    if unlisted > 0:
        parts.append(f"{readable.plural(unlisted, 'file')} failed or partly imported")
    if failed:
        parts.append(f"{readable.plural(len(failed), 'file')} could not be read")
    if partial:
        parts.append(f"{readable.plural(len(partial), 'file')} partly imported")
    if n:
        verb = "belongs" if n == 1 else "belong"
        parts.append(f"{readable.plural(n, 'item')} {verb} to no client yet")
    st.markdown(safe_md("; ".join(parts) + "."))
    page.link("inbox", "Review them on the Inbox page", ":material/inbox:")


def _today() -> date:
    """Today, or the day in ``?today=YYYY-MM-DD`` (the briefing as it was on that day)."""
    asked = st.query_params.get("today")
    if asked:
        try:
            return date.fromisoformat(asked)
        except ValueError:
            st.caption(safe_md(f"“{asked}” is not a date (YYYY-MM-DD): showing today."))
    return date.today()


def body(ctx: page.Ctx) -> None:
    mod = _load()
    if mod is None:
        st.info("The briefing is not available in this installation yet.")
        return
    if page.is_empty(ctx.vault):
        page.first_run(ctx.settings)
        return
    options = page.client_options(ctx.settings)
    wanted = st.query_params.get("client")
    index = next((i for i, v in enumerate(options.values()) if v and v == wanted), 0)
    client = options[st.selectbox("Client", list(options), index=index, key="brief-client")]
    today = _today()
    data = _build(ctx, mod, today, client)
    st.caption(safe_md(f"{today:%A %d %B %Y}", lines=False))
    waiting(ctx, data.get("waiting") or [], data.get("waiting_older"))
    dates(ctx, data.get("dates") or [], data.get("horizon_days", 14))
    money(ctx, data.get("unbilled") or [], data.get("invoices") or {})
    changed(ctx, data.get("changed") or [], data.get("since"))
    questions(ctx, data.get("open_questions") or [])
    health(data.get("health") or {})
    _remember_visit(ctx, mod)


page.page("Briefing", body)
