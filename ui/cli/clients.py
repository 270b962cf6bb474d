"""Who material belongs to: `clients set` (and `client set`, the same command)."""

from __future__ import annotations

import click

from .context import client_id, vault


@click.group("clients")
def clients_grp() -> None:
    """Clients: who an entry, a document or a correspondent belongs to."""


@clients_grp.command("set")
@click.argument("client")
@click.option("--entry", "entry_id", type=int, help="One entry (message, section, email).")
@click.option("--document", "document_id", type=int, help="Every entry of a document.")
@click.pass_context
def client_set(
    ctx: click.Context, client: str, entry_id: int | None, document_id: int | None
) -> None:
    """Give an entry or a whole document to CLIENT (id, name or alias; `none` to clear)."""
    if (entry_id is None) == (document_id is None):
        raise click.UsageError("give exactly one of --entry, --document")
    v = vault(ctx)
    cid = None if client.lower() == "none" else client_id(v, client)
    n = v.set_client(cid, entry_id=entry_id, document_id=document_id)
    click.echo(f"{n} entr(y/ies) now belong to {cid or 'no client'}")


# `trailkeep client set ...` (the first round's spelling) is the same group, not listed twice.
client_alias = click.Group(
    "client", commands=clients_grp.commands, hidden=True, help=clients_grp.help
)
