"""`trailkeep draft`, `work`, `invoice` and `tag`: the commands for the user's weekly output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from trailkeep.recall.draft import DOC_KINDS, Draft, draft_doc, draft_email
from trailkeep.vault import Vault
from trailkeep.vault.billing import (
    InvoiceView,
    create_invoice,
    credit_invoice,
    discard_draft,
    get_invoice,
    issue_invoice,
    list_invoices,
    list_work,
    mark_paid,
)
from trailkeep.vault.clients import ClientSpec

from . import drafts, render
from .backend_config import BACKENDS
from .cli import _client_id, _vault, main, make_backend


def _spec(v: Vault, name: str) -> ClientSpec:
    cid = _client_id(v, name)
    for s in v.settings.clients:
        if s.id == cid:
            return s
    raise click.ClickException(
        f"client {name!r} is not in clients.toml; drafts and invoices need its entry there"
    )


def _day_opt(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD") from None


# ------------------------------------------------------------------------------------ drafts
@main.group("draft")
def draft_grp() -> None:
    """Draft client emails and documents from that client's history, with citations."""


def _finish(v: Vault, d: Draft, as_json: bool, streamed: bool) -> None:
    path, outcome = drafts.save(v, d)
    if as_json:
        click.echo(
            json.dumps(
                {**d.as_json(), "path": str(path), "stored": outcome.status},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not streamed or d.backend == "extractive":
        click.echo(d.text)
    else:
        click.echo()
    if d.reason:
        click.echo(f"\n({d.reason})", err=True)
    click.echo(f"\nsaved: {path}", err=True)


def _stream(as_json: bool, flag: list[bool]) -> Callable[[str], None] | None:
    if as_json:
        return None

    def out(piece: str) -> None:
        flag[0] = True
        click.echo(piece, nl=False)

    return out


@draft_grp.command("email")
@click.option("--client", "client", required=True, help="Client id, name or alias.")
@click.option("--reply-to", "reply_to", help="Message-ID of the client's email to answer.")
@click.option("--brief", help="What the email should say, when it is not a reply.")
@click.option("--backend", type=click.Choice(BACKENDS), help="Default: [answer] backend (auto).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def draft_email_cmd(
    ctx: click.Context,
    client: str,
    reply_to: str | None,
    brief: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Draft a reply (or a new email) to a client, citing what your history says."""
    if (reply_to is None) == (brief is None):
        raise click.UsageError("give exactly one of --reply-to, --brief")
    v = _vault(ctx)
    spec = _spec(v, client)
    streamed = [False]
    d = draft_email(
        v,
        spec,
        reply_to=reply_to,
        brief=brief,
        backend=make_backend(v.settings, backend),
        on_text=_stream(as_json, streamed),
        redact=v.settings.redact,
        me_name=str(v.settings.me.get("name") or ""),
    )
    _finish(v, d, as_json, streamed[0])


@draft_grp.command("doc")
@click.option("--kind", required=True, type=click.Choice(DOC_KINDS))
@click.option("--topic", required=True)
@click.option("--client", "client", help="Only this client's history (and no other's).")
@click.option("--backend", type=click.Choice(BACKENDS), help="Default: [answer] backend (auto).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def draft_doc_cmd(
    ctx: click.Context,
    kind: str,
    topic: str,
    client: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Draft a user guide, requirements, status update or meeting recap (Markdown)."""
    v = _vault(ctx)
    spec = _spec(v, client) if client else None
    streamed = [False]
    d = draft_doc(
        v,
        kind,
        topic,
        spec,
        backend=make_backend(v.settings, backend),
        on_text=_stream(as_json, streamed),
        redact=v.settings.redact,
    )
    _finish(v, d, as_json, streamed[0])


# ------------------------------------------------------------------------------------ work
@main.group("work")
def work_grp() -> None:
    """Billable work from notes (`- 2.5h acme: ...`, front matter `hours:`) and timesheets."""


@work_grp.command("list")
@click.option("--client", "client")
@click.option("--unbilled", is_flag=True, help="Only items on no invoice.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def work_list(ctx: click.Context, client: str | None, unbilled: bool, as_json: bool) -> None:
    """Work items, with problems (unknown client, bad hours) and flags (changed after billing)."""
    v = _vault(ctx)
    items = list_work(v, _client_id(v, client), unbilled)
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
        line = f"{i.id:>5}  {i.day or '?':10}  {i.client or '?':10} {j['hours'] or '?':>6}h  "
        line += f"{i.description[:60]}  [{state}]"
        if i.problem:
            line += f"  ! {i.problem}"
        if i.flag:
            line += f"  ! {i.flag}"
        click.echo(line)


# ------------------------------------------------------------------------------------ invoices
@main.group("invoice")
def invoice_grp() -> None:
    """Invoices: create a draft, issue it (numbered), mark paid, credit, render."""


def _show(v: InvoiceView, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(v.as_json(), indent=2))
        return
    click.echo(render.markdown(v, {}))
    click.echo(f"id {v.id} · {v.status}")


@invoice_grp.command("create")
@click.option("--client", "client", required=True)
@click.option("--period", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def invoice_create(ctx: click.Context, client: str, period: str, as_json: bool) -> None:
    """A draft holding the client's unbilled items dated in PERIOD (or the existing draft)."""
    v = _vault(ctx)
    _show(create_invoice(v, _spec(v, client).id, period), as_json)


def _id_cmd(name: str, doc: str) -> Callable[[Callable[..., Any]], click.Command]:
    def deco(f: Callable[..., Any]) -> click.Command:
        f = click.pass_context(f)
        f = click.option("--json", "as_json", is_flag=True)(f)
        f = click.argument("invoice_id", type=int)(f)
        f.__doc__ = doc
        return invoice_grp.command(name)(f)

    return deco


@_id_cmd("issue", "Assign the next number (gapless per year) and freeze the invoice.")
@click.option("--date", "on", help="Issue date YYYY-MM-DD (default today).")
def invoice_issue(ctx: click.Context, invoice_id: int, as_json: bool, on: str | None) -> None:
    _show(issue_invoice(_vault(ctx), invoice_id, _day_opt(on)), as_json)


@_id_cmd("paid", "Mark an issued invoice paid.")
@click.option("--date", "on", help="Payment date YYYY-MM-DD (default today).")
def invoice_paid(ctx: click.Context, invoice_id: int, as_json: bool, on: str | None) -> None:
    _show(mark_paid(_vault(ctx), invoice_id, _day_opt(on)), as_json)


@_id_cmd("credit", "Issue a credit note reversing an invoice; its items become unbilled again.")
@click.option("--date", "on", help="Credit note date YYYY-MM-DD (default today).")
def invoice_credit(ctx: click.Context, invoice_id: int, as_json: bool, on: str | None) -> None:
    _show(credit_invoice(_vault(ctx), invoice_id, _day_opt(on)), as_json)


@_id_cmd("show", "Show one invoice.")
def invoice_show(ctx: click.Context, invoice_id: int, as_json: bool) -> None:
    _show(get_invoice(_vault(ctx), invoice_id), as_json)


@invoice_grp.command("discard")
@click.argument("invoice_id", type=int)
@click.pass_context
def invoice_discard(ctx: click.Context, invoice_id: int) -> None:
    """Delete a draft (never an issued invoice); its items become unbilled again."""
    discard_draft(_vault(ctx), invoice_id)
    click.echo(f"draft {invoice_id} discarded")


@invoice_grp.command("list")
@click.option("--client", "client")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def invoice_list(ctx: click.Context, client: str | None, as_json: bool) -> None:
    """Every invoice and credit note."""
    v = _vault(ctx)
    invs = list_invoices(v, _client_id(v, client))
    if as_json:
        click.echo(json.dumps({"schema_version": 1, "invoices": [i.as_json() for i in invs]}))
        return
    if not invs:
        click.echo("no invoices")
    for i in invs:
        click.echo(
            f"{i.id:>4}  {i.number or '(draft)':14} {i.client:10} {i.period}  "
            f"{i.currency} {i.total:>10}  {i.status}"
        )


@invoice_grp.command("render")
@click.argument("invoice_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Default: stdout for md/html; <home>/invoices/<number>.pdf for pdf.",
)
@click.pass_context
def invoice_render(ctx: click.Context, invoice_id: int, fmt: str, out: Path | None) -> None:
    """Render an invoice with your [me] details and the client's billing details."""
    v = _vault(ctx)
    inv = get_invoice(v, invoice_id)
    me = v.settings.me
    if fmt == "pdf":
        data = render.pdf_bytes(inv, me)
        if out is None:
            folder = v.settings.home / "invoices"
            folder.mkdir(exist_ok=True, mode=0o700)
            out = folder / f"{inv.number or f'draft-{inv.id}'}.pdf"
        out.write_bytes(data)
        click.echo(str(out))
        return
    body = render.markdown(inv, me) if fmt == "md" else render.html_page(inv, me)
    if out is None:
        sys.stdout.write(body)
    else:
        out.write_text(body, encoding="utf-8")
        click.echo(str(out))


# ------------------------------------------------------------------------------------ tags
@main.group("tag")
def tag_grp() -> None:
    """Correct an entry's tags (decision, dead_end, open_question, ...)."""


@tag_grp.command("add")
@click.argument("tag")
@click.option("--entry", "entry_id", type=int, required=True)
@click.pass_context
def tag_add(ctx: click.Context, tag: str, entry_id: int) -> None:
    """Add TAG to an entry (your correction; origin `user`)."""
    _vault(ctx).set_tag(entry_id, tag, True)
    click.echo(f"entry {entry_id}: +{tag}")


@tag_grp.command("remove")
@click.argument("tag")
@click.option("--entry", "entry_id", type=int, required=True)
@click.pass_context
def tag_remove(ctx: click.Context, tag: str, entry_id: int) -> None:
    """Remove TAG from an entry (a cue tag that was wrong)."""
    _vault(ctx).set_tag(entry_id, tag, False)
    click.echo(f"entry {entry_id}: -{tag}")


@tag_grp.command("refine")
@click.option("--backend", type=click.Choice(BACKENDS), default=None)
@click.option("--limit", type=int, default=100, show_default=True, help="entries this run")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def tag_refine(ctx: click.Context, backend: str | None, limit: int, as_json: bool) -> None:
    """Have the configured model confirm or reject the cue tags (needs a model backend)."""
    from trailkeep.recall.tags import refine_tags

    v = _vault(ctx)
    b = make_backend(v.settings, backend)
    if b is None:
        raise click.ClickException(
            "tag refine needs a model: set ANTHROPIC_API_KEY, or [answer] openai_base_url "
            "with --backend openai-compatible (the cue tags stay as they are)"
        )
    rep = refine_tags(v, b, limit=limit, redact=v.settings.redact)
    if as_json:
        click.echo(json.dumps(rep.as_json(), indent=2))
    else:
        click.echo(
            f"{rep.reviewed} entries reviewed in {rep.calls} calls: {rep.confirmed} cue tags "
            f"confirmed, {rep.rejected} rejected (kept, hidden), {rep.added} added"
            + (
                f"; {rep.unanswered} not answered (offered again next run)"
                if rep.unanswered
                else ""
            )
        )
    if rep.error:
        raise click.ClickException(f"stopped: {rep.error}")


# ------------------------------------------------------------------------------------ backups
@main.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup_cmd(ctx: click.Context, dest: Path) -> None:
    """Snapshot the vault (SQL, vectors, blobs, config) into DEST, safe while the watcher runs."""
    from trailkeep.vault.backup import backup

    rep = backup(_vault(ctx), dest)
    click.echo(
        f"backed up to {rep.path}: {rep.blobs} blob(s), {rep.bytes / 1e6:.1f} MB in "
        f"{rep.seconds:.1f}s (writers paused {rep.locked_seconds:.2f}s)"
    )


@main.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Move an existing vault in the home aside first.")
@click.pass_context
def restore_cmd(ctx: click.Context, src: Path, force: bool) -> None:
    """Bring a backup back into the home (a new home, or --force)."""
    from trailkeep.vault import doctor
    from trailkeep.vault.backup import restore

    from .cli import _settings

    s = _settings(ctx)
    moved = restore(src, s, force)
    if moved:
        click.echo(f"the previous vault was moved to {moved}")
    rep = doctor(_vault(ctx))
    click.echo(f"restored into {s.home}; " + ("doctor: ok" if rep.ok else "doctor found problems:"))
    if not rep.ok:
        for line in rep.lines():
            click.echo("  " + line)
        raise click.exceptions.Exit(1)


@main.command("migrate-to")
@click.option("--database", "database_url", required=True, help="postgresql+psycopg://...")
@click.option("--chroma", "chroma_url", help="http://host:port of a Chroma server.")
@click.option("--chroma-token", help="The Chroma server's auth token, if it needs one.")
@click.option(
    "--blobs",
    "blobs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy the original bytes here (a shared folder); default: leave them.",
)
@click.pass_context
def migrate_to_cmd(
    ctx: click.Context,
    database_url: str,
    chroma_url: str | None,
    chroma_token: str | None,
    blobs_dir: Path | None,
) -> None:
    """Move this embedded vault to PostgreSQL (+ a Chroma server), checked by comparing dumps."""
    from trailkeep.vault import get_embedder
    from trailkeep.vault.transfer import migrate_to

    v = _vault(ctx)
    rep = migrate_to(
        v, get_embedder(v.settings.embedder), database_url, chroma_url, chroma_token, blobs_dir
    )
    click.echo(
        f"copied {sum(rep.rows.values())} rows, {rep.vectors} vectors, {rep.blobs} blobs; "
        f"dumps {'equal' if rep.dumps_equal else 'DIFFER'}"
    )
    if not rep.dumps_equal:
        raise click.exceptions.Exit(1)
    click.echo("Now point config.toml at the servers ([vault] database_url, chroma_url, blobs).")
