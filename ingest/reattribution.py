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
from typing import Any

from trailkeep.vault import ConfigError, Vault
from trailkeep.vault import ownership as own
from trailkeep.vault.clients import (
    ClientDirectory,
    ClientSpec,
    load_clients,
    public_mail_domain,
    registered_name,
)
from trailkeep.vault.filestate import current_note_sections, current_sources_saying
from trailkeep.vault.maintenance import forgotten_markers, tomb_key
from trailkeep.vault.records import CLIENT_MARKERS, DOC_NOTE, SCOPE_GENERAL, inferred_from_state

from .attribution import (
    STATE_FINGERPRINT,
    STATE_INFERRED_ME,
    Context,
    DocFacts,
    EntryFacts,
    decide,
    infer_me,
    label_rule_key,
    make_context,
    path_rule_key,
)
from .errors import AssignmentRefused


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
                user_client=_user_client(e) if e.user_set else None,
                user_set=e.user_set,
                row_id=e.id,
            )
            for e in d.entries
        ],
        document_id=d.id,
    )


def _user_client(e: own.StoredEntry) -> str | None:
    """The client the user gave an entry (`clients set`); None: general. Corrections made
    before session 17 kept it only in the client column."""
    chosen = e.meta.get("client_set_to", e.client)
    return None if chosen in (None, SCOPE_GENERAL) else str(chosen)


def inferred_me(vault: Vault) -> dict[str, str]:
    """The own addresses inferred when the vault was last attributed (address -> why)."""
    return inferred_from_state(own.get_state(vault, STATE_INFERRED_ME))


def context(vault: Vault, clients: Sequence[ClientSpec] | None = None) -> Context:
    """What attribution depends on, as the vault knows it now. ``clients`` defaults to the
    settings' (the CLI and the page re-read them on every command and page run)."""
    return make_context(
        vault.settings.clients if clients is None else clients,
        vault.settings.me_emails,
        own.get_state(vault, STATE_INFERRED_ME),
        own.rules(vault),
        former_clients(vault),
        vault.settings.me_not,
    )


def former_clients(vault: Vault) -> list[ClientSpec]:
    """Every client the vault recorded from clients.toml (id, name, aliases, and what else
    named it: codenames, people, domains, addresses); the context keeps those clients.toml no
    longer lists."""
    out = []
    try:
        marks = json.loads(own.get_state(vault, CLIENT_MARKERS) or "{}")
    except ValueError:
        marks = {}
    for cid, name, aliases in own.recorded_clients(vault):
        try:
            said = tuple(str(a) for a in json.loads(aliases or "[]"))
        except ValueError:
            said = ()
        m = marks.get(cid) if isinstance(marks.get(cid), dict) else {}

        def listed(key: str, m: dict[str, Any] = m) -> tuple[str, ...]:
            v = m.get(key)
            return tuple(str(x) for x in v) if isinstance(v, list) else ()

        out.append(
            ClientSpec(
                str(cid),
                str(name or cid),
                aliases=said,
                projects=listed("projects"),
                people=listed("people"),
                domains=listed("domains"),
                emails=listed("emails"),
            )
        )
    return out


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
    s = vault.settings
    found = infer_me(own.email_headers(vault), directory, s.me_emails, s.me_not)
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
        reread_waiting_notes(vault, ctx.directory.clients)
        return None
    specs = ctx.directory.clients
    vault.sync_clients(specs)
    if refresh_inferred_me(vault, ctx.directory):
        ctx = context(vault, clients)
    rep = reattribute(vault, ctx)
    own.prune_label_clients(vault, [c.id for c in specs])
    own.set_state(vault, STATE_FINGERPRINT, rep.fingerprint)
    reread_waiting_notes(vault, specs)
    reread_newly_labelled_notes(vault, specs)
    return rep


# what a note read before clients.toml named any client says of a dash-form work line
# ("'kittiwake' is no client's yet: write - 1.5h kittiwake: what, which bills once clients.toml
# names the client")
WAITING = "is no client's yet"


def reread_waiting_notes(vault: Vault, specs: Sequence[ClientSpec]) -> int:
    """Read again the notes whose dash-form work lines ("- 1.5h kittiwake - travel": work
    under a client's label, a note's line under any other) waited for clients.toml to name a
    client, once it names one: the hours the warning promised to bill, billed, the others
    left a note's lines. Only a note's current version (an edit since is what the note says
    now). Checked on every re-attribution and command (a re-read cut short is finished by the
    next). The number of notes read."""
    if not specs:
        return 0
    waiting = current_sources_saying(vault, WAITING)
    if not waiting:
        return 0
    from .pipeline import Ingestor  # (the pipeline attributes with this module)

    Ingestor(vault, clients=specs).read_again(waiting)
    if vault.pending_count():  # (no model loaded on a command's path for nothing)
        vault.embed_pending()
    return len(waiting)


def reread_newly_labelled_notes(vault: Vault, specs: Sequence[ClientSpec]) -> int:
    """Read again the notes a line of which is work in the dash form under a label clients.toml
    gained since they were read ("- 1h Hivecraft — alert template wording", read before the
    alias "Hivecraft" was added, was a note's line and stayed unbilled without a word: new
    user's trial, session 32). Checked when clients.toml changed. The number of notes read."""
    if not specs:
        return 0
    from .worklog import match_work_line

    labels = frozenset(n.lower() for c in specs for n in (c.id, c.name, *c.aliases) if n)
    todo: dict[tuple[str, str, str], Any] = {}
    for path, name, sha, when, said in current_note_sections(vault):
        if (path, name, sha) not in todo and any(
            match_work_line(ln) is None and match_work_line(ln, labels) is not None
            for ln in said.split("\n")
        ):
            todo[(path, name, sha)] = when
    if not todo:
        return 0
    from .pipeline import Ingestor

    Ingestor(vault, clients=specs).read_again([(*k, when) for k, when in todo.items()])
    if vault.pending_count():
        vault.embed_pending()
    return len(todo)


def reload_clients(vault: Vault) -> tuple[ClientSpec, ...]:
    """clients.toml as it is on disk now (the watcher's settings may be older); a client whose
    id changed is refused as a broken file is (``Vault.renamed_client``)."""
    specs = load_clients(vault.settings.clients_path)
    if why := vault.renamed_client(specs):
        raise ConfigError(str(vault.settings.clients_path), why)
    return specs


def my_addresses(vault: Vault) -> dict[str, str]:
    """The user's own addresses: ``[me] emails`` (source ``config``) and those inferred from
    the mail (source ``inferred``). Address -> source."""
    rejected = set(vault.settings.me_not)  # a watcher may have stored it before reading that
    out = {a: "inferred" for a in inferred_me(vault) if a not in rejected}
    out.update({a.lower(): "config" for a in vault.settings.me_emails})
    return out


def _suggest(key: str, directory: ClientDirectory) -> str | None:
    """A client whose id, name or alias appears inside an unresolved label, domain or folder
    ("northwind-home-health" → northwind); only a unique one, and only as a suggestion."""
    from trailkeep.vault.clients import label_key

    probe = label_key(key.split(":", 1)[-1])
    if key.startswith("message:"):
        return None
    if "@" in key or ("." in key and ":" not in key):
        # a domain (an address's) is its owner's by the name registered under its suffix:
        # "acme.example.evil.example" is evil's, not Acme's (QA, session 17: the queue said
        # "looks like acme" and invited the user to give Acme's scope to it)
        probe = label_key(registered_name(key.rsplit("@", 1)[-1]))
    hits = {
        c.id
        for c in directory.clients
        for n in (c.id, *c.names)
        if len(label_key(n)) >= 4 and label_key(n) in probe
    }
    return hits.pop() if len(hits) == 1 else None


def _person_of(items: list[dict[str, object]], directory: ClientDirectory) -> str | None:
    """The client whose ``people`` names every named sender of these items — one of their
    people writing from a personal address (QA, session 13: the queue showed a bare gmail
    address and suggested nobody). Only a suggestion: the mail stays nobody's until assigned."""
    names = {" ".join(str(i["name"]).lower().split()) for i in items if i.get("name")}
    if not names:
        return None
    hits = {
        c.id for c in directory.clients if names <= {" ".join(p.lower().split()) for p in c.people}
    }
    return hits.pop() if len(hits) == 1 else None


def review_groups(vault: Vault, limit: int = 5000) -> list[dict[str, object]]:
    """The review queue: what is in nobody's scope because nobody could be resolved, grouped
    by what one assignment would settle — a correspondent's address (or their domain when
    several share it), an unknown label, a session's project folder — and each message
    addressed to several clients (``message:N``, with the ``clients`` it may go to)."""
    ctx = context(vault)
    me = set(ctx.me)
    gone = forgotten_clients(vault)  # never offered (QA, session 11)
    keyed: list[tuple[str, dict[str, object]]] = []
    # Mail is grouped by the correspondent who opened the thread when assigning that address
    # settles it too: the consultant's own reply (it answers them), or a message written to
    # the opener alone (mail to one client's people is that client's). Anyone else is their
    # own group (QA: a third party's message, written to others too, sat under the opener and
    # stayed unassigned when the opener's address was assigned).
    opener: dict[object, str] = {}
    for row in own.unattributed(vault, limit):
        meta = row["meta"]
        dmeta = row["document_meta"]
        item: dict[str, object] = {
            "document_id": row["document_id"],
            "entry_id": row["entry_id"],
            "kind": row["kind"],
            "from": "",
            "date": str(row["ts"] or "")[:10] or None,
            "subject": row["document"],
        }
        key = ""
        sender = [str(p[1]).lower() for p in meta.get("from") or [] if len(p) == 2]
        named = [str(p[0]).strip() for p in meta.get("from") or [] if len(p) == 2 and p[0]]
        if named:
            item["name"] = named[0]  # "Dana Whitfield", from a personal address
        if row["several_clients"]:
            # a message of several clients: one group per message, to be given to one of the
            # clients it names (its thread may hold other clients' messages)
            item["from"] = sender[0] if sender else ""
            item["subject"] = str(meta.get("subject") or row["document"])
            if row["kind"] not in ("email", "attachment"):
                # a note's or chat's passage about several clients (E2E trial, session 25:
                # held back from every scope, and the review said "nothing to review")
                item["subject"] = " > ".join(x for x in (row["document"], row["title"]) if x)
                item["held"] = "names several clients"
            item["clients"] = [c for c in candidates(row, ctx.directory) if c not in gone]
            # the user's own words about no client: any client, or general (review queue)
            item["names_no_client"] = names_no_client(row, ctx.directory)
            if item["names_no_client"] and "held" in item:
                # (new user's trial, session 30: "names several clients" beside "names no
                # client")
                item["held"] = "names no client, in a note about several"
            elif (
                "held" in item
                and row["kind"] == "message"
                and not ctx.directory.named_in(f"{row['title']}\n{row['text']}")
            ):
                # a chat's turn naming nobody in a chat about several (new user's trial,
                # session 31: "names several clients: give it to one of " and nobody)
                item["held"] = "names no client, in a chat about several"
            if meta.get("auth_failed"):  # its From was not believed, not several clients
                item["unverified"] = str(meta["auth_failed"])
            keyed.append((f"{MESSAGE_KEY}{row['entry_id']}", item))
            continue
        if row["kind"] in ("email", "attachment") and row["document_kind"] == "email":
            rcpts = [
                str(p[1]).lower()
                for f in ("to", "cc")
                for p in meta.get(f) or []
                if len(p) == 2 and str(p[1]).lower() not in me
            ]
            item["from"] = sender[0] if sender else ""
            item["subject"] = str(meta.get("subject") or row["document"])
            if sender and sender[0] not in me:
                first = opener.setdefault(row["document_id"], sender[0])
                key = first if rcpts and set(rcpts) == {first} else sender[0]
            else:
                key = opener.get(row["document_id"]) or (rcpts[:1] or [""])[0]
        elif row["kind"] == "work":
            work = meta.get("work") if isinstance(meta.get("work"), dict) else {}
            label = str((work or {}).get("client") or "")
            key = label_rule_key(label) if label else "label:(none)"
        elif dmeta.get("client_label"):
            key = label_rule_key(str(dmeta["client_label"]))
        elif row["document_kind"] == "session" and dmeta.get("cwd"):
            key = path_rule_key(str(dmeta["cwd"]))
        # nothing one rule would settle (a chat whose turns name no client, a session with no
        # folder): the document itself, so that every item `status` counts can be assigned
        # (QA, session 20: status counted 5, and the review said "nothing to review")
        keyed.append((key or f"{DOCUMENT_KEY}{row['document_id']}", item))
    # Several addresses of one domain: one group for the domain — never a public mail domain
    # (two strangers at gmail.com are two correspondents, not one organisation).
    domains: dict[str, set[str]] = {}
    for key, _ in keyed:
        if "@" in key and not public_mail_domain(key.rsplit("@", 1)[1]):
            domains.setdefault(key.rsplit("@", 1)[1], set()).add(key)
    groups: dict[str, list[dict[str, object]]] = {}
    for key, item in keyed:
        if "@" in key and len(domains.get(key.rsplit("@", 1)[1], ())) > 1:
            key = key.rsplit("@", 1)[1]
        groups.setdefault(key, []).append(item)
    out: list[dict[str, object]] = []
    for k, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        group: dict[str, object] = {
            "key": k,
            "items": items,
            "suggested_client": None
            if several(k)
            else _suggest(k, ctx.directory) or _person_of(items, ctx.directory),
            "several_clients": several(k),
        }
        if several(k):
            group["clients"] = items[0]["clients"]
        out.append(group)
    return out


DOCUMENT_KEY = "document:"  # the review queue's key for one document no rule settles


def whole_document(key: str) -> bool:
    """Is this review key one document (``document:<id>``)?"""
    return key.startswith(DOCUMENT_KEY)


def _give_document(vault: Vault, key: str, client: str | None) -> Report:
    """``document:N``: its entries in nobody's scope go to ``client``, or are general (``*``),
    as the user's own correction — only those: what the document holds of a client already
    stays that client's (review, session 20: the whole document moved)."""
    raw = key.removeprefix(DOCUMENT_KEY)
    if client is None:
        raise AssignmentRefused(
            f"{key} was given by hand: `trailkeep clients set CLIENT --entry N` changes it"
        )
    waiting = [
        int(r["entry_id"])
        for r in own.unattributed(vault)
        if raw.isdigit() and int(r["document_id"]) == int(raw) and not r["several_clients"]
    ]
    if not waiting:
        raise AssignmentRefused(f"{key}: nothing of it waits for review; `clients review` lists it")
    for entry in waiting:
        vault.set_client(None if client == "*" else client, entry_id=entry)
    rep = reattribute(vault, context(vault), [int(raw)])
    return Report(documents=1, changed=max(len(waiting), rep.changed), fingerprint=rep.fingerprint)


MESSAGE_KEY = "message:"  # the review queue's key for one message of several clients


def several(key: str) -> bool:
    """Is this review key one message of several clients (``message:<entry id>``)?"""
    return key.startswith(MESSAGE_KEY)


def forgotten_clients(vault: Vault) -> set[str]:
    """The clients.toml ids of clients the user forgot (their tombstones are hashes)."""
    gone, _ = forgotten_markers(vault)
    return {c.id for c in vault.settings.clients if tomb_key("client", c.id) in gone}


def names_no_client(row: dict[str, Any], directory: ClientDirectory) -> bool:
    """Is this held entry a passage of the user's own note that names no listed client (held
    only because its note is about several)? Mail and chats are never: a chat's turn may be
    a client's contact's words (review)."""
    if row["kind"] in ("email", "attachment") or row["document_kind"] != DOC_NOTE:
        return False
    named = directory.named_in(f"{row.get('title') or ''}\n{row.get('text') or ''}")
    return not any(directory.get_id(c) is not None for c in named)


def candidates(row: dict[str, Any], directory: ClientDirectory) -> list[str]:
    """The clients a message of several clients may be given to: those its sender and
    recipients resolve to, those its text names, those its thread's other messages belong to
    — clients.toml's only."""
    meta = row["meta"]
    found = {
        cid
        for f in ("from", "to", "cc")
        for p in meta.get(f) or []
        if len(p) == 2 and (cid := directory.by_address(str(p[1])))
    }
    # (its heading too: a note's "## Brackenfell" section naming another client's person)
    named = set(directory.named_in(f"{row.get('title') or ''}\n{row.get('text') or ''}"))
    found |= named
    if row["kind"] in ("email", "attachment") or not named:
        # a note's or chat's passage naming clients is theirs, not its neighbours' (new
        # user's trial, session 31: a note's "Brackenfell and Hollin Vale" section was offered
        # to, and given to, Quillmotion, whose section followed it)
        found |= set(row.get("thread_clients") or ())
    return sorted(c for c in found if directory.get_id(c) is not None)


def assign(vault: Vault, key: str, client: str | None) -> Report | None:
    """The user's assignment: everything KEY covers (an address, a domain, ``label:…``,
    ``path:…``) belongs to ``client`` (a clients.toml id), or is general (``*``); ``None``
    removes the assignment. What is stored is re-attributed at once. ``message:N`` (a message
    addressed to several clients) goes to one of the clients it names, never to general."""
    key = key.strip()
    if client not in (None, "*") and client in forgotten_clients(vault):
        # QA, session 11: the review offered a forgotten client, and assigning a message to it
        # brought the forgotten client's material back into its scope
        raise AssignmentRefused(
            f"{client} was forgotten (trailkeep forget): nothing is given to it again. Remove "
            "it from clients.toml, or give the item to another client."
        )
    if several(key):
        return _give_message(vault, key, client)
    if whole_document(key):
        return _give_document(vault, key, client)
    if "@" in key or ("." in key and ":" not in key):
        key = key.lower()
    if client is not None and "@" not in key and ":" not in key and public_mail_domain(key):
        raise AssignmentRefused(
            f"{key} is a public mail domain: anyone can have an address there, so it cannot be "
            "one client's. Assign the address instead (trailkeep clients assign "
            f"someone@{key} CLIENT)."
        )
    if client is not None and "@" in key and key in context(vault).me:
        # the user's mail goes by its recipients: an assignment of their own address would
        # make every later mail of theirs, to any client, that client's (QA, session 17)
        raise AssignmentRefused(
            f"{key} is your own address (`trailkeep me`): your mail goes to the client its "
            "recipients belong to, so it cannot be given to one client. Assign the "
            "correspondent's address instead, or `trailkeep me --remove` it if it is not yours."
        )
    # clients.toml as it is on disk: `--remember` may have just written the key into it
    _check_not_listed(key, client, ClientDirectory(reload_clients(vault)))
    own.set_rule(vault, key, client)
    return ensure_current(vault)


def _check_not_listed(key: str, client: str | None, directory: ClientDirectory) -> None:
    """clients.toml is the truth: a key it already gives to a client (an address, a domain, a
    label that is a client's name, a folder of its ``paths``) is not given to anyone else or
    made general (QA, session 16: `clients assign bluefin.example acme` and `clients assign
    label:bluefin --general` put Bluefin's mail and notes in Acme's scope, silently)."""
    if client is None:  # removing an assignment gives nothing away
        return
    if key.startswith("label:"):
        spec = directory.get(key.removeprefix("label:"))
        owner, why = (spec.id if spec else None), "its name or alias"
    elif key.startswith("path:"):
        owner, why = directory.by_path(key.removeprefix("path:")), "its paths"
    elif "@" in key:
        owner, why = directory.by_address(key), "its emails or domains"
    else:
        owner, why = directory.by_address(f"someone@{key}"), "its domains"
    if owner is None or owner == client:
        return
    target = "general material" if client == "*" else client
    raise AssignmentRefused(
        f"{key} is {owner}'s in clients.toml ({why}), so it cannot be given to {target}. "
        "clients.toml decides: edit it there if it is wrong."
    )


def _give_message(vault: Vault, key: str, client: str | None) -> Report:
    """``message:N``: message N, addressed to several clients, goes to ``client`` — one of
    the clients it names — as the user's own correction (as `clients set --entry`); its
    attachments follow. Never general: a message naming two clients is not the user's own
    material."""
    raw = key.removeprefix(MESSAGE_KEY)
    row = own.mixed_message(vault, int(raw)) if raw.isdigit() else None
    if row is None:
        raise AssignmentRefused(
            f"{key}: no message of several clients by that key; `clients review` lists them"
        )
    ctx = context(vault)
    allowed = candidates(row, ctx.directory)
    # A passage of the user's note that names no client itself, held because its note is
    # about several (the intro of a timesheet of three clients): the user's to give to any
    # client or to general (blind trial, session 27: "give it to one of )" and no way out).
    # Mail and chats are never general, nor a passage that names a client.
    own_words = names_no_client(row, ctx.directory)
    general = client is None or client == "*"
    if general and not own_words:
        what = (
            "is addressed to several clients"
            if row["kind"] in ("email", "attachment")
            # a note's passage (new user's trial, session 30); a chat's turn is never general
            else "is a chat's turn"
            if row["kind"] == "message"
            else "names a client"
        )
        raise AssignmentRefused(
            f"{key} {what}: give it to one of them (trailkeep clients assign KEY CLIENT); it "
            "cannot be general material"
        )
    if not general:
        if own_words and ctx.directory.get_id(str(client)) is not None:
            allowed = [*allowed, str(client)]
        if client not in allowed:
            raise AssignmentRefused(
                f"{key} is not {client}'s: it names {', '.join(allowed) or 'no listed client'}. "
                "Give it to one of them, or set it by hand (trailkeep clients set CLIENT --entry "
                "N)."
            )
    vault.set_client(None if general else client, entry_id=int(raw))
    rep = reattribute(vault, ctx, [int(row["document_id"])])
    return Report(documents=1, changed=max(1, rep.changed), fingerprint=rep.fingerprint)


__all__ = [
    "DOCUMENT_KEY",
    "MESSAGE_KEY",
    "Report",
    "assign",
    "candidates",
    "context",
    "ensure_current",
    "inferred_me",
    "my_addresses",
    "reattribute",
    "refresh_inferred_me",
    "reload_clients",
    "review_groups",
    "several",
    "stored_facts",
    "whole_document",
]
