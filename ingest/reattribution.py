"""Keeping attribution true to clients.toml at any moment (notes/0013-attribution-and-scope.md).

:func:`ensure_current` is called by every entry point before it reads or writes (the CLI, the
page on each run, the watcher on each pass, :class:`~trailkeep.ingest.Ingestor`): when what
attribution depends on — clients.toml, ``[me]``, the inferred own addresses, the user's
assignments, the rules themselves — differs from what the vault was attributed with, every
document is decided again by the same function that decides at ingest. Cheap when nothing
changed (a file read and two small queries).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from trailkeep.vault import Vault
from trailkeep.vault import ownership as own
from trailkeep.vault.clients import ClientDirectory, ClientSpec, load_clients

from .attribution import Context, DocFacts, EntryFacts, decide, infer_me

STATE_FINGERPRINT = "attribution"
STATE_INFERRED_ME = "me_inferred"


@dataclass(frozen=True)
class Report:
    documents: int
    changed: int
    fingerprint: str


def stored_facts(d: own.StoredDocument) -> DocFacts:
    return DocFacts(
        kind=d.kind,
        title=d.title,
        label=d.label,
        meta=d.meta,
        entries=[
            EntryFacts(
                e.key,
                e.kind,
                e.text,
                e.title,
                e.meta,
                user_client=e.client if e.user_set else None,
                user_set=e.user_set,
                row_id=e.id,
            )
            for e in d.entries
        ],
        document_id=d.id,
    )


def inferred_me(vault: Vault) -> dict[str, str]:
    """The own addresses inferred when the vault was last attributed (address -> why)."""
    raw = own.get_state(vault, STATE_INFERRED_ME)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def context(vault: Vault, clients: Sequence[ClientSpec] | None = None) -> Context:
    """What attribution depends on, as the vault knows it now. ``clients`` defaults to the
    settings' (the CLI and the page re-read them on every command and page run)."""
    directory = ClientDirectory(tuple(vault.settings.clients if clients is None else clients))
    me = {a.lower() for a in vault.settings.me_emails} | set(inferred_me(vault))
    return Context(directory, frozenset(me), own.rules(vault))


def reattribute(vault: Vault, ctx: Context, document_ids: Sequence[int] | None = None) -> Report:
    """Decide every (or the given) document again and write what changed."""
    docs = changed = 0
    for d in own.stored_documents(vault, document_ids):
        docs += 1
        facts = stored_facts(d)
        dec = decide(facts, ctx)
        stored = {e.id: e for e in d.entries}
        diff = [
            own.Assignment(e.row_id, x.client, x.scope, x.problem)
            for e, x in zip(facts.entries, dec.entries, strict=True)
            if e.row_id is not None
            and (stored[e.row_id].client, stored[e.row_id].scope) != (x.client, x.scope)
        ]
        if diff or d.client != dec.client:
            own.apply(vault, d.id, dec.client, diff)
            changed += len(diff)
    return Report(docs, changed, ctx.fingerprint())


def refresh_inferred_me(vault: Vault, directory: ClientDirectory) -> bool:
    """Infer the user's own addresses from the mail in the vault; True when they changed."""
    found = infer_me(own.email_headers(vault), directory)
    before = inferred_me(vault)
    if found == before:
        return False
    own.set_state(vault, STATE_INFERRED_ME, json.dumps(found, sort_keys=True))
    return True


def ensure_current(vault: Vault, clients: Sequence[ClientSpec] | None = None) -> Report | None:
    """Re-attribute the vault when anything attribution depends on changed; None when it is
    already current."""
    ctx = context(vault, clients)
    if own.get_state(vault, STATE_FINGERPRINT) == ctx.fingerprint():
        return None
    specs = ctx.directory.clients
    vault.sync_clients(specs)
    if refresh_inferred_me(vault, ctx.directory):
        ctx = context(vault, clients)
    rep = reattribute(vault, ctx)
    own.prune_label_clients(vault, [c.id for c in specs])
    own.set_state(vault, STATE_FINGERPRINT, rep.fingerprint)
    return rep


def reload_clients(vault: Vault) -> tuple[ClientSpec, ...]:
    """clients.toml as it is on disk now (the watcher's settings may be older)."""
    return load_clients(vault.settings.clients_path)


__all__ = [
    "Report",
    "context",
    "ensure_current",
    "inferred_me",
    "reattribute",
    "refresh_inferred_me",
    "reload_clients",
    "stored_facts",
]
