"""Who material belongs to: `clients set|list|review|assign` (`client set` is the same), and
`me` — the user's own addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .context import client_id, emit, vault

if TYPE_CHECKING:
    from trailkeep.vault import Hit, Vault


@click.group("clients")
def clients_grp() -> None:
    """Clients: who an entry, a document or a correspondent belongs to."""


MAX_CHECKED = 2000  # a document's entries read for names of other clients


@clients_grp.command("set")
@click.argument("client", required=False)
@click.option("--entry", "entry_id", type=int, help="One entry (message, section, email).")
@click.option("--document", "document_id", type=int, help="Every entry of a document.")
@click.option(
    "--auto",
    is_flag=True,
    help="Undo an earlier `clients set`: attribution decides again from clients.toml.",
)
@click.pass_context
def client_set(
    ctx: click.Context,
    client: str | None,
    entry_id: int | None,
    document_id: int | None,
    auto: bool,
) -> None:
    """Give an entry or a whole document to CLIENT (id, name or alias), or with `none` make it
    your own general material (read in a client's scope only while it names no client); with
    --auto, take back what you set and let attribution decide again."""
    if (entry_id is None) == (document_id is None):
        raise click.UsageError("give exactly one of --entry, --document")
    if (client is None) == (not auto):
        raise click.UsageError("give a CLIENT (or `none`), or --auto")
    v = vault(ctx)
    if auto:
        _back_to_automatic(v, entry_id, document_id)
        return
    assert client is not None
    cid = None if client.lower() == "none" else client_id(v, client)
    moved = _entries(v, entry_id, document_id)  # read once, before: their clients then
    n = v.set_client(cid, entry_id=entry_id, document_id=document_id)
    click.echo(f"{n} entr(y/ies) now belong to {cid or 'no client (your general material)'}")
    for other, h in _naming_others(v, cid, moved).items():
        # the user's choice holds; what it lets through is said (new user's trial, session
        # 30: a reply from another client's domain, set to this client, reached its drafts
        # without a word) — and how to undo it: to whom it was, not to whom it names
        click.echo(
            f"warning: entry {h.entry_id} names {other} (its words, sender or file): "
            + (
                f"{cid}'s drafts and answers may now quote it"
                if cid
                else "it stays out of every client's scope while it does"
            )
            + f"; `trailkeep clients set {h.client or 'none'} --entry {h.entry_id}` undoes this",
            err=True,
        )


def _back_to_automatic(v: Vault, entry_id: int | None, document_id: int | None) -> None:
    """`clients set --auto`: the user's corrections go, and the entries are decided again as
    if never corrected; what they are now is said, one line per outcome."""
    from trailkeep.ingest.reattribution import context, reattribute
    from trailkeep.vault.query import entry_owners

    released, docs = v.unset_client(entry_id=entry_id, document_id=document_id)
    if not released:
        click.echo("nothing to undo: no client was set by hand there")
        return
    reattribute(v, context(v), docs)
    said: dict[str, int] = {}
    for kind, client in entry_owners(v, released).values():
        who = {
            "general": "your general material",
            "several": "several clients' (waits in `trailkeep clients review`)",
            "nobody": "nobody's yet (waits in `trailkeep clients review`)",
        }.get(kind, str(client))
        said[who] = said.get(who, 0) + 1
    click.echo(f"{len(released)} entr(y/ies) attributed automatically again:")
    for who, k in sorted(said.items()):
        click.echo(f"  {k} → {who}")


def _entries(v: Vault, entry_id: int | None, document_id: int | None) -> list[Hit]:
    """The entry, or a document's entries (up to ``MAX_CHECKED``), as they are now."""
    from trailkeep.vault.query import document_entry_ids, entry_hits

    ids = [entry_id] if entry_id is not None else document_entry_ids(v, int(document_id or 0))
    return entry_hits(v, ids[:MAX_CHECKED])


def _naming_others(v: Vault, cid: str | None, hits: list[Hit]) -> dict[str, Hit]:
    """Other clients the entries name (words, Message-ID, file name, title): client -> the
    first entry naming it."""
    from trailkeep.vault.clients import ClientDirectory
    from trailkeep.vault.query import entry_text

    others = ClientDirectory(tuple(c for c in v.settings.clients if c.id != cid))
    found: dict[str, Hit] = {}
    for h in hits:
        said = (entry_text(v, h.entry_id) or h.quote, h.locator, h.source, h.title, h.document)
        for other in others.named_in("\n".join(x for x in said if x)):
            found.setdefault(other, h)
    return found


# `trailkeep client set ...` (the first round's spelling) is the same group, not listed twice.
client_alias = click.Group(
    "client", commands=clients_grp.commands, hidden=True, help=clients_grp.help
)


@clients_grp.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def clients_list(ctx: click.Context, as_json: bool) -> None:
    """The clients clients.toml lists (the only clients there are)."""
    v = vault(ctx)
    # its addresses too, and whether it was forgotten (it stays listed while clients.toml
    # lists it, and nothing of it comes back): QA, session 14
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "aliases": list(c.aliases),
            "domains": list(c.domains),
            "emails": list(c.emails),
            "forgotten": v.is_tombstoned("client", c.id),
        }
        for c in v.settings.clients
    ]
    if as_json:
        emit({"clients": rows, "path": str(v.settings.clients_path)})
        return
    if not rows:
        click.echo(f"no clients yet: add them to {v.settings.clients_path} (README: clients.toml)")
    for c, row in zip(v.settings.clients, rows, strict=True):
        gone = "  (forgotten: nothing of it is kept or comes back)" if row["forgotten"] else ""
        click.echo(f"{c.id:16} {c.name}  {', '.join((*c.aliases, *c.domains, *c.emails))}{gone}")


@clients_grp.command("review")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def clients_review(ctx: click.Context, as_json: bool) -> None:
    """What belongs to nobody yet (no client could be resolved), grouped by correspondent,
    domain, unknown label or project folder, and each message addressed to several clients
    (message:N); assign a group with `clients assign`."""
    from trailkeep.ingest.reattribution import review_groups

    v = vault(ctx)
    groups = review_groups(v)
    if as_json:
        emit({"groups": groups})
        return
    if not groups:
        click.echo("nothing to review: everything belongs to a client or is your own material")
        return
    for g in groups:
        hint = f"  (looks like {g['suggested_client']})" if g["suggested_client"] else ""
        items = g["items"]
        assert isinstance(items, list)
        if g.get("several_clients"):
            clients = g["clients"]
            assert isinstance(clients, list)
            why = (
                f"its sender was not verified ({items[0]['unverified']})"
                if items[0].get("unverified")
                else str(items[0].get("held") or "to several clients")
            )
            hint = (
                "  (names no client, in a note about several: give it to a client, or --general)"
                if items[0].get("names_no_client")
                else f"  ({why}: give it to {_one_of(clients, items[0]['entry_id'])})"
            )
        names = sorted({str(it["name"]) for it in items if it.get("name")})
        who = f" ({', '.join(names[:3])})" if names else ""
        click.echo(f"{g['key']}{who}  — {len(items)} item(s){hint}")
        for it in items[:5]:
            click.echo(f"    {it['date'] or 'undated'}  {it['kind']:8} {str(it['subject'])[:70]}")
        if len(items) > 5:
            click.echo(f"    … {len(items) - 5} more")
    click.echo(
        "\nassign: trailkeep clients assign KEY CLIENT [--remember]   (or --general; "
        "message:N goes to one of its clients; document:N is one chat, session or note)"
    )


@clients_grp.command("assign")
@click.argument("key")
@click.argument("client", required=False)
@click.option("--general", is_flag=True, help="Your own material: in every client's scope.")
@click.option(
    "--remember",
    is_flag=True,
    help="Also add the address, domain, label or folder to the client in clients.toml.",
)
@click.option("--forget", "unassign", is_flag=True, help="Remove this assignment.")
@click.pass_context
def clients_assign(
    ctx: click.Context,
    key: str,
    client: str | None,
    general: bool,
    remember: bool,
    unassign: bool,
) -> None:
    """Give everything KEY covers (an address, a domain, label:NAME, path:FOLDER — as
    `clients review` lists them) to CLIENT, or mark it --general. Re-attributes at once. A
    message addressed to several clients (message:N) goes to one of them, never --general."""
    from trailkeep.ingest.reattribution import assign

    if sum((client is not None, general, unassign)) != 1:
        raise click.UsageError("give a CLIENT, or --general, or --forget")
    from trailkeep.ingest.reattribution import several, whole_document

    v = vault(ctx)
    target: str | None = None
    if client is not None:
        target = client_id(v, client)
    elif general:
        target = "*"
    if remember and several(key):
        raise click.UsageError(f"{key} is one thread's messages: nothing to add to clients.toml")
    if remember and whole_document(key):
        raise click.UsageError(f"{key} is one document: nothing to add to clients.toml")
    if remember and target in (None, "*"):
        raise click.UsageError("--remember needs a CLIENT")
    if not remember:
        rep = assign(v, key, target)
    else:
        from trailkeep.ui.config_files import remember as write_down
        from trailkeep.ui.config_files import restore

        path = v.settings.clients_path
        before = path.read_bytes() if path.exists() else None
        field = write_down(path, str(target), key)
        try:
            rep = assign(v, key, target)
        except Exception:
            # clients.toml is changed only for an assignment that holds (QA, session 17: it
            # was written, then the assignment refused)
            restore(path, before)
            raise
        click.echo(f"added {key.split(':', 1)[-1]!r} to {target}'s {field} in clients.toml")
    what = "removed" if unassign else f"→ {'general' if target == '*' else target}"
    changed = rep.changed if rep else 0
    click.echo(f"{key} {what}; {changed} entr(y/ies) re-attributed")
    if unassign:
        return
    from trailkeep.ingest.reattribution import review_groups

    # said, not only counted: an item the assignment did not settle stays in review (new
    # user's trial, session 29: "→ general; 1 re-attributed", and still listed)
    for g in review_groups(v):
        if str(g["key"]).lower() == key.strip().lower():
            items = g["items"]
            assert isinstance(items, list)
            held = sorted({str(it.get("held") or "not settled by this assignment") for it in items})
            click.echo(f"  {len(items)} item(s) still to review: {'; '.join(held)}")
    if "@" in key or ("." in key and ":" not in key):
        click.echo(
            "  (its mail that names another client, or is addressed to one, "
            + ("goes by that client" if target == "*" else "waits for review")
            + ", not by this assignment: see `trailkeep clients review`)"
        )


@click.command("me")
@click.option("--add", "add", multiple=True, help="Add one of your own addresses ([me] emails).")
@click.option(
    "--remove",
    "remove",
    multiple=True,
    help="Remove an address from [me] emails, or reject an inferred one ([me] not_emails).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def me_cmd(
    ctx: click.Context, add: tuple[str, ...], remove: tuple[str, ...], as_json: bool
) -> None:
    """Your own addresses: those in config.toml [me], and those inferred from your mail (an
    address that writes to two or more clients, or replies inside client threads)."""
    from trailkeep.ingest.reattribution import ensure_current, inferred_me, my_addresses

    v = vault(ctx)
    if add or remove:
        from dataclasses import replace

        from trailkeep.ui.config_files import (
            own_address_problem,
            same_domain,
            set_me_emails,
            set_me_not,
        )

        problems = [p for a in add if (p := own_address_problem(a, v.settings.clients))]
        if problems:
            raise click.UsageError("; ".join(problems))
        gone = {r.strip().lower() for r in remove}
        inferred = set(my_addresses(v)) - set(v.settings.me_emails)
        # QA, session 14: removing an address that is not listed did nothing, silently
        unknown = sorted(gone - set(v.settings.me_emails) - inferred)
        if unknown:
            raise click.ClickException(
                "; ".join(f"{r} is neither in [me] emails nor inferred" for r in unknown)
            )
        # an inferred address taken out is remembered as not yours (blind trial, session 22:
        # a vendor writing to three clients could not be taken out)
        emails = [a for a in v.settings.me_emails if a not in gone]
        emails += [a.strip().lower() for a in add]
        # an address inferred as yours at the domain of one you list stays yours: listing one
        # narrows what is inferred (a vendor writing to two clients is not you: session 22),
        # and your older address would have become a correspondent to assign (new user's
        # trial, session 28)
        # (not the address typed itself: new user's trial, session 30)
        kept = same_domain(inferred - gone - {a.strip().lower() for a in add}, add)
        emails += kept
        rejected = {a for a in v.settings.me_not if a not in emails} | (gone & inferred)
        set_me_emails(v.settings.config_path, emails)
        if rejected != set(v.settings.me_not):
            set_me_not(v.settings.config_path, sorted(rejected))
        v.settings = replace(
            v.settings, me_emails=tuple(sorted(set(emails))), me_not=tuple(sorted(rejected))
        )
        for r in sorted(gone & inferred) if not as_json else ():
            click.echo(f"{r} is not yours: written to [me] not_emails, never inferred again")
        for k in kept if not as_json else ():
            click.echo(
                f"{k} (inferred, at the same domain) kept in [me] emails: "
                "`--remove` it if it is not yours"
            )
        ensure_current(v)
    mine = my_addresses(v)
    why = inferred_me(v)
    if as_json:
        emit(
            {
                "addresses": [{"address": a, "source": s} for a, s in sorted(mine.items())],
                "inferred_from": {a: why[a] for a in sorted(why) if mine.get(a) == "inferred"},
            }
        )
        return
    if not mine:
        # inferred only against clients.toml's clients (an address writing to two of them, or
        # replying in their threads): before it lists any, nothing can be (new user's trial,
        # session 31: "none known" beside five sent mails, and no word why)
        later = (
            ""
            if v.settings.clients
            else "; they are also inferred from your mail once clients.toml lists your clients"
        )
        click.echo(f"no own addresses known yet: `trailkeep me --add you@example.com`{later}")
    for a, src in sorted(mine.items()):
        click.echo(f"{a}  ({src}{': ' + why[a] if src == 'inferred' and a in why else ''})")


def _one_of(clients: list[str], entry: object = "N") -> str:
    """Whom to give it to: "one of a, b", or the one client (new user's trial, session 29:
    "give it to one of ferrule")."""
    if not clients:
        return f"a client by hand: trailkeep clients set CLIENT --entry {entry}"
    return clients[0] if len(clients) == 1 else f"one of {', '.join(clients)}"
