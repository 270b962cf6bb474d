"""Billable work and invoices: `work list`, `invoice create|issue|paid|credit|show|discard|list|
render`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .context import client_id, client_spec, day_option, emit, settings, vault

if TYPE_CHECKING:
    from trailkeep.billing import InvoiceView
    from trailkeep.vault import Vault


@click.group("work")
def work_grp() -> None:
    """Billable work from notes (`- 2.5h acme: ...`, front matter `hours:`) and timesheets."""


@work_grp.command("list")
@click.option("--client", "client")
@click.option("--unbilled", is_flag=True, help="Only items on no invoice.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def work_list(ctx: click.Context, client: str | None, unbilled: bool, as_json: bool) -> None:
    """Work items, with problems (unknown client, bad hours) and flags (changed after billing)."""
    from trailkeep.billing import list_work

    v = vault(ctx)
    items = list_work(v, client_id(v, client), unbilled)
    if as_json:
        click.echo(
            json.dumps({"schema_version": 1, "items": [i.as_json() for i in items]}, indent=2)
        )
        return
    if not items:
        click.echo("no work items")
    for i in items:
        j = i.as_json()
        state = j["invoice"] or "unbilled"
        hours = j["hours"] or "?"
        hours += "" if hours.endswith("m") else "h"  # "1.5h", "1h20m" (not "1h20mh")
        line = f"{i.id:>5}  {i.day or '?':10}  {i.client or '?':10} {hours:>7}  "
        line += f"{i.description[:60]}  [{state}]"
        if i.problem:
            line += f"  ! {i.problem}"
        if i.flag:
            line += f"  ! {i.flag}"
        click.echo(line)


@click.group("invoice")
def invoice_grp() -> None:
    """Invoices: create a draft, issue it (numbered), mark paid, credit, render."""


def _show(v: InvoiceView, as_json: bool) -> None:
    from trailkeep.billing import render

    if as_json:
        click.echo(json.dumps(v.as_json(), indent=2))
        return
    # with the seller, as `render` and the page print it (QA, session 10: "From" was empty)
    me = settings(click.get_current_context()).me
    click.echo(render("md", v, me).decode())
    click.echo(f"id {v.id} · {v.status}")
    if v.problem:
        click.echo(f"! {v.problem}", err=True)


@invoice_grp.command("create")
@click.option("--client", "client", required=True)
@click.option("--period", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def invoice_create(ctx: click.Context, client: str, period: str, as_json: bool) -> None:
    """A draft holding the client's unbilled items dated in PERIOD (or the existing draft)."""
    from trailkeep.billing import create_invoice

    v = vault(ctx)
    inv = create_invoice(v, client_spec(v, client).id, period)
    _warn_before_it_goes_out(v, inv)
    from trailkeep.billing import unread_hours

    for warning in unread_hours(v, inv.client):
        click.echo(f"warning: {warning}", err=True)
    _show(inv, as_json)


def _warn_before_it_goes_out(v: Vault, inv: InvoiceView) -> None:
    from trailkeep.billing import changed_since_billed, lines_alike, lines_naming_others, repriced

    others = lines_naming_others(inv, v.settings.clients)
    for warning in [*others, *lines_alike(inv), *repriced(v, inv)]:
        click.echo(f"warning: {warning}", err=True)
    if changed := changed_since_billed(v, inv):
        click.echo(f"warning: {changed}", err=True)


def _id_cmd(name: str, doc: str) -> Callable[[Callable[..., Any]], click.Command]:
    def deco(f: Callable[..., Any]) -> click.Command:
        f = click.pass_context(f)
        f = click.option("--json", "as_json", is_flag=True)(f)
        f = click.argument("invoice_id", type=int)(f)
        f.__doc__ = doc
        return invoice_grp.command(name)(f)

    return deco


@_id_cmd("issue", "Assign the next number (gapless per year) and freeze the invoice.")
@click.option(
    "--date",
    "on",
    help="Issue date YYYY-MM-DD (default today); not before the last work the invoice bills "
    "nor before the year's last issued invoice (numbers follow dates).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Issue even though billed work of its period changed since it was billed.",
)
@click.option(
    "--allow-names",
    is_flag=True,
    help="Issue even though a line names another client (refused without it: the invoice "
    "would tell its client about another).",
)
def invoice_issue(
    ctx: click.Context,
    invoice_id: int,
    as_json: bool,
    on: str | None,
    force: bool,
    allow_names: bool,
) -> None:
    from trailkeep.billing import (
        NamesAnotherClient,
        changed_since_billed,
        get_invoice,
        issue_invoice,
        repriced,
    )

    v = vault(ctx)
    _seller_warning(v)
    day = day_option(on)
    # said before the number is given, not after (review, session 18): a billed "3h" split
    # into "2h" and "1h" bills the 1h again unless the old invoice is credited first
    draft = get_invoice(v, invoice_id)
    for warning in repriced(v, draft):  # said while it is still a draft (review, session 20)
        click.echo(f"warning: {warning}", err=True)
    changed = changed_since_billed(v, draft)
    if changed and not force:
        raise click.ClickException(
            f"{changed}; nothing was issued — credit that invoice first, or issue this one "
            "anyway with --force"
        )
    try:
        inv = issue_invoice(v, invoice_id, day, naming_others=allow_names)
    except NamesAnotherClient as exc:
        raise click.ClickException(
            f"{exc} If the name is meant to be there, issue it with --allow-names."
        ) from exc
    _warn_before_it_goes_out(v, inv)
    if day > date.today():
        # numbers follow dates within a year: a typo'd future date holds every later invoice
        # of the year until that day (QA, session 12)
        click.echo(
            f"warning: {inv.number} is dated {day}, {(day - date.today()).days} day(s) from "
            f"now: numbers follow dates, so no later invoice of {day.year} can be dated "
            "before it.",
            err=True,
        )
    _show(inv, as_json)


def _seller_warning(v: Any) -> None:
    """An invoice names who bills: rendered with no [me] name or address, its "From" is empty
    (QA, session 9). The seller is read when it is rendered, so adding them later mends it."""
    me = v.settings.me or {}
    missing = [k for k in ("name", "address") if not str(me.get(k) or "").strip()]
    if missing:
        click.echo(
            f"warning: config.toml's [me] has no {' or '.join(missing)}: the invoice will show "
            f"no seller. Add them under [me] in {v.settings.home / 'config.toml'} "
            '(name = "...", address = "...") before you render it.',
            err=True,
        )


@_id_cmd("paid", "Mark an issued invoice paid.")
@click.option("--date", "on", help="Payment date YYYY-MM-DD (default today).")
def invoice_paid(ctx: click.Context, invoice_id: int, as_json: bool, on: str | None) -> None:
    from trailkeep.billing import mark_paid

    _show(mark_paid(vault(ctx), invoice_id, day_option(on)), as_json)


@_id_cmd("credit", "Issue a credit note reversing an invoice; its items become unbilled again.")
@click.option("--date", "on", help="Credit note date YYYY-MM-DD (default today).")
def invoice_credit(ctx: click.Context, invoice_id: int, as_json: bool, on: str | None) -> None:
    from trailkeep.billing import credit_invoice

    _show(credit_invoice(vault(ctx), invoice_id, day_option(on)), as_json)


@_id_cmd("show", "Show one invoice.")
def invoice_show(ctx: click.Context, invoice_id: int, as_json: bool) -> None:
    from trailkeep.billing import get_invoice

    v = vault(ctx)
    inv = get_invoice(v, invoice_id)
    _warn_before_it_goes_out(v, inv)
    _show(inv, as_json)


@invoice_grp.command("discard")
@click.argument("invoice_id", type=int)
@click.pass_context
def invoice_discard(ctx: click.Context, invoice_id: int) -> None:
    """Delete a draft (never an issued invoice); its items become unbilled again."""
    from trailkeep.billing import discard_draft

    discard_draft(vault(ctx), invoice_id)
    click.echo(f"draft {invoice_id} discarded")


@invoice_grp.command("list")
@click.option("--client", "client")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def invoice_list(ctx: click.Context, client: str | None, as_json: bool) -> None:
    """Every invoice and credit note."""
    from trailkeep.billing import list_invoices

    v = vault(ctx)
    invs = list_invoices(v, client_id(v, client))
    if as_json:
        # one schema_version, at the top (QA, session 14: repeated inside every invoice)
        items = [{k: x for k, x in i.as_json().items() if k != "schema_version"} for i in invs]
        emit({"invoices": items})
        return
    if not invs:
        click.echo("no invoices")
    for i in invs:
        click.echo(
            f"{i.id:>4}  {i.number or '(draft)':14} {i.client:10} {i.period}  "
            f"{i.currency} {i.total:>10}  {i.status}" + (f"  ! {i.problem}" if i.problem else "")
        )


@invoice_grp.command("render")
@click.argument("invoice_id", type=int)
@click.option(
    "--format",
    "fmt",
    default="md",
    show_default=True,
    help="md, html, pdf, or a format a plugin registered (trailkeep.billing.register_format).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: stdout for text formats; <home>/invoices/<number>.<format> for the others.",
)
@click.pass_context
def invoice_render(ctx: click.Context, invoice_id: int, fmt: str, out: Path | None) -> None:
    """Render an invoice with your [me] details and the client's billing details."""
    from trailkeep.billing import get_format, get_invoice, render
    from trailkeep.vault import INVOICES_DIR

    form = get_format(fmt)  # an unknown format is refused before the vault opens
    v = vault(ctx)
    inv = get_invoice(v, invoice_id)
    _seller_warning(v)
    _warn_before_it_goes_out(v, inv)
    data = render(fmt, inv, v.settings.me)
    if out is None and form.media_type.startswith("text/"):
        sys.stdout.write(data.decode())
        return
    folder = v.settings.home / INVOICES_DIR
    kept = folder / f"{inv.number or f'draft-{inv.id}'}{form.suffix}"
    if out is None:
        folder.mkdir(exist_ok=True, mode=0o700)
        out = kept
    out.write_bytes(data)
    if inv.number and out.resolve() != kept.resolve():
        # an issued invoice rendered elsewhere is kept in invoices/ too, as it went out (new
        # user's trial, session 29: `--out` left nothing there, though the README says so)
        folder.mkdir(exist_ok=True, mode=0o700)
        kept.write_bytes(data)
        click.echo(f"{out} (kept as {kept})")
        return
    click.echo(str(out))
