"""`trailkeep brief`: the morning briefing (recall/brief.py). Without --json it remembers the
visit, so the next briefing's "what changed" starts here; --json (and the MCP tool) do not."""

from __future__ import annotations

import json
from typing import Any

import click

from .context import client_id, clip, day_of, day_option, vault


@click.command("brief")
@click.option("--today", "today_", help="The day to brief for (YYYY-MM-DD; default today).")
@click.option("--client", help="Only this client's scope (id, name or alias).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def brief_cmd(ctx: click.Context, today_: str | None, client: str | None, as_json: bool) -> None:
    """What needs you today: threads waiting on your reply, dates ahead (and overdue), unbilled
    work and unpaid invoices, what changed since your last visit, open questions, inbox health.
    Horizon: [brief] horizon_days (14); mail and notes of the last [brief] lookback_days (60)."""
    from trailkeep.recall.brief import another_day, build_brief, configured, mark_visited
    from trailkeep.vault import utcnow

    v = vault(ctx)
    today = day_option(today_)
    now = utcnow()
    # Another day's briefing (--today) shows what arrived that day and the day before, and is
    # no visit: the next real briefing still starts from the last one (QA, session 8: it said
    # "changed since" a moment after the day it briefed for).
    other = today != now.date() and today_ is not None
    since, until = another_day(today) if other else (None, None)
    b = build_brief(v, today, client_id(v, client), configured(v.settings)[0], since, until)
    if as_json:
        click.echo(json.dumps(b.as_json(), ensure_ascii=False, indent=2))
        return
    _show(b.as_json(), other)
    if not other:
        mark_visited(v, now)


def _ago(days: int) -> str:
    """ "today", "1 day ago", "5 days ago" — as the page says it (new user's trial, session 32:
    "1 days")."""
    return "today" if days == 0 else f"{days} day ago" if days == 1 else f"{days} days ago"


def _show(d: dict[str, Any], other_day: bool = False) -> None:
    who = f"client {d['client']}" if d["client"] else "all clients"
    click.echo(f"Briefing for {d['today']} ({who})")
    click.echo(f"\nWaiting on you ({len(d['waiting'])})")
    for w in d["waiting"]:
        click.echo(
            f"  {w['days']:>3} {'day ' if w['days'] == 1 else 'days'}  {w['client'] or '-'}  "
            f"{w['from']}: {clip(w['subject'], 120)}"
            f"  [{day_of(w['date'])}, message {w['message_id']}, document {w['document_id']}]"
        )
    older = d.get("waiting_older") or {}
    if older.get("threads"):
        click.echo(
            f"  and {older['threads']} older thread(s) still without your reply: last message "
            f"over {older['lookback_days']} days ago, the oldest {day_of(older['oldest'])} "
            "([brief] lookback_days in config.toml)"
        )
    click.echo(f"\nDates ahead, next {d['horizon_days']} days ({len(d['dates'])})")
    for x in d["dates"]:
        flag = "OVERDUE " if x["overdue"] else ""
        click.echo(f"  {x['date']}  {flag}{x['client'] or '-'}  “{x['quote']}”")
        click.echo(f"              said {x['said_on']} in {x['source']} (entry {x['entry_id']})")
    inv = d["invoices"]
    click.echo("\nMoney")
    for u in d["unbilled"]:
        amount = f"{u['amount']} {u['currency'] or ''}".rstrip() if u["amount"] else "no rate"
        click.echo(f"  unbilled  {u['client']}: {u['hours']} h = {amount} ({u['items']} items)")
    for x in inv["drafts"]:
        total = f"{x['total']} {x['currency']}" if x["total"] else x["problem"]
        held = f"; {x['problem']}" if x["total"] and x["problem"] else ""
        click.echo(
            f"  draft     #{x['id']} {x['client']} {x['period']}: {total} (not issued{held})"
        )
    for x in inv["unpaid"]:
        late = ", OVERDUE" if x["overdue"] else ""
        click.echo(
            f"  unpaid    {x['number']} {x['client']}: {x['total']} {x['currency']}, issued "
            f"{_ago(x['days'])} (due {x['due_on']}{late})"
        )
    if not (d["unbilled"] or inv["drafts"] or inv["unpaid"]):
        click.echo("  nothing unbilled or unpaid")
    if other_day:
        click.echo(f"\nWhat arrived from {day_of(d['since'])} to {d['today']} (UTC)")
    else:
        click.echo(f"\nWhat changed since {day_of(d['since'])} {d['since'][11:16]} UTC")
    if not d["changed"]:
        click.echo("  nothing new")
    for g in d["changed"]:
        docs = g["documents"]
        counts = [
            f"{sum(x['what'] == w for x in docs)} {label}"
            for w, label in (
                ("new", "new documents"),
                ("new_version", "new versions"),
                ("new_messages", "documents with new messages"),
            )
            if any(x["what"] == w for x in docs)
        ]
        who = g["client"] or "no client"  # general notes and unattributed mail alike
        click.echo(f"  {who}: " + (", ".join(counts) or "no new documents"))
        for x in docs[:5]:
            click.echo(f"    {x['what']:<12} {x['document']}  [{x['source']}]")
        if len(docs) > 5:
            click.echo(f"    … and {len(docs) - 5} more (--json lists them all)")
        for tag in ("decisions", "dead_ends"):
            for x in g[tag]:
                click.echo(f"    {tag[:-1]:<12} “{clip(x['quote'], 120)}”  [{x['source']}]")
    click.echo(f"\nOpen questions ({len(d['open_questions'])})")
    for q in d["open_questions"][:10]:
        click.echo(f"  {day_of(q['date'])}  {q['client'] or '-'}  “{clip(q['quote'], 140)}”")
        if d_ := q.get("perhaps_decided"):
            click.echo(
                f"      perhaps decided {day_of(d_['date'])}: “{clip(d_['quote'], 120)}”  "
                f"[{d_['source']}]"
            )
    h = d["health"]
    click.echo(
        f"\nInbox: {h.get('failed', len(h['failures']))} files failed or partly read "
        "(trailkeep status), "
        f"{h['unattributed']} items belong to nobody yet (trailkeep clients review)"
    )
