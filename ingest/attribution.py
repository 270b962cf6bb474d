"""Who material belongs to: one decision function over a document's facts, used at ingest and
again over the whole vault whenever clients.toml, ``[me]`` or an assignment changes, so that the
order in which files and settings arrived never decides who a client is.
notes/0013-attribution-and-scope.md has the rules and why.

Each entry gets a **client** (a clients.toml id or None) and a **scope**, the key every
client-scoped read filters on (``vault.records.SCOPE_*``):

- a client id: in that client's scope only;
- ``*`` general: the user's own material — a note, chat or draft with no client, in a document
  none of whose entries belongs to a client, naming no client — in every client's scope;
- ``?`` unattributed: email, sessions and labelled notes nobody could be resolved for; in no
  client's scope until attributed (the review queue lists them);
- ``!`` mixed: no client of its own, in a document (or a text) that belongs to several clients;
  in no client's scope.

Rules, in order: the user's correction (``clients set``) > an assignment (``clients assign``) >
what the material says (a label, an address, a project folder, the client's names in the text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from trailkeep.vault.clients import ClientDirectory, ClientSpec, label_key, legacy_label_key
from trailkeep.vault.mailtext import forwarded_from
from trailkeep.vault.records import (
    DOC_CHAT,
    DOC_DRAFT,
    DOC_EMAIL,
    DOC_NOTE,
    DOC_SESSION,
    SCOPE_GENERAL,
    SCOPE_MIXED,
    SCOPE_UNATTRIBUTED,
    STATE_INFERRED_ME,
    ParsedDocument,
    inferred_from_state,
)

# Bump when the rules change: every vault re-attributes what it holds once.
# vault_meta keys: the fingerprint the vault was last attributed with, and the user's own
# addresses inferred from the mail then (JSON: address -> why)
STATE_FINGERPRINT = "attribution"
RULES_VERSION = 12  # 3: addresses in text, hyphenated names, name parts; 4: mixed documents;
# 5: each version's own label, a chat turn naming another client is mixed, projects name clients;
# 6: names joined to other words ("Northwind-based", "redfalcon_v2"; vault/clients.py)
# 7: names folded (accents, look-alike letters, "&"), in code identifiers and capitals; an old
# version partly said again under a new label is mixed; 8: codenames as words, long names
# joined; a stranger's message takes its thread's client only if they were in the thread and
# name no other client; the user's own address is never a sender rule; clients.toml wins
# over an assignment it contradicts; 9: a note's front matter values, folders and file name
# name clients; in one client's chat, the turns after one naming another client are held;
# 10: a sender's assignment does not carry its mail to another client's people; 11: the
# user's mail to correspondents all given to general is general; 12: a correction holds for
# the same passage (key and words) in later versions
# Entry meta key: the label of the version an entry was written in (a note relabelled from one
# client to another keeps its older versions with the client they named).
ENTRY_LABEL = "client_label"
# Document kinds whose unattributed entries are never general: what arrives from outside
# (mail) or from a folder of some project (coding-agent sessions) is somebody's.
NEVER_GENERAL = (DOC_EMAIL, DOC_SESSION)


@dataclass
class EntryFacts:
    key: str
    kind: str
    text: str
    title: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    user_client: str | None = None  # the user's correction, when ``user_set``
    user_set: bool = False
    row_id: int | None = None  # stored entries; None for entries not written yet


@dataclass
class DocFacts:
    kind: str
    title: str
    label: str | None  # a client label the file carries (front matter ``client:``)
    meta: Mapping[str, Any]
    entries: list[EntryFacts]
    document_id: int | None = None


@dataclass(frozen=True)
class Decision:
    client: str | None
    scope: str
    problem: str | None = None  # for work lines: why no client


@dataclass
class DocDecision:
    client: str | None
    entries: list[Decision]


def make_context(
    clients: Sequence[ClientSpec],
    me_emails: Iterable[str],
    inferred_raw: str | None,
    rules: Mapping[str, str],
    former: Sequence[ClientSpec] = (),
    me_not: Iterable[str] = (),
) -> Context:
    """What attribution depends on, from its stored parts: clients.toml's clients, ``[me]``
    emails, the inferred addresses as stored (``STATE_INFERRED_ME``), the assignments and the
    clients no longer listed. The one constructor: `status`'s quick path compares the same
    fingerprint."""
    # an address the user said is not theirs never counts, whatever a process inferred
    # before it read that (review: a running watcher's stored inference)
    rejected = {a.lower() for a in me_not}
    me = {a.lower() for a in me_emails} | (set(inferred_from_state(inferred_raw)) - rejected)
    listed = {c.id for c in clients}
    gone = ClientDirectory(tuple(c for c in former if c.id not in listed))
    said = (*sorted({a.lower() for a in me_emails}), *sorted(f"not:{a.lower()}" for a in me_not))
    return Context(ClientDirectory(tuple(clients)), frozenset(me), rules, gone, said)


@dataclass(frozen=True)
class Context:
    """What attribution depends on besides the document: clients.toml, the user's own
    addresses (``[me]`` and inferred) and the user's assignments (``clients assign``)."""

    directory: ClientDirectory
    me: frozenset[str] = frozenset()
    rules: Mapping[str, str] = field(default_factory=dict)  # key -> client id or "*"
    # Clients clients.toml listed once and no longer does (their names and aliases, as the
    # vault recorded them). Not in the fingerprint: the set changes only with clients.toml.
    former: ClientDirectory = field(default_factory=ClientDirectory)
    # [me] as config.toml says it (emails and not_emails): a change re-infers the rest, even
    # when the address listed was already inferred
    said: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        import hashlib

        rules = sorted(self.rules.items())
        me = sorted(self.me)
        blob = json.dumps([RULES_VERSION, self.directory.fingerprint(), me, rules, *self.said])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def rule(self, *keys: str) -> str | None:
        """The user's assignment for the first key that has one. An assignment to a client
        clients.toml no longer lists (its id was renamed or removed) is no assignment: the
        material falls back on what clients.toml says, never on a client nobody can see. Nor
        is one that clients.toml now contradicts — it gives the address, the domain or the
        label to another client (QA, session 17: an address assigned to Clearview, moved to
        Northwind in clients.toml later, stayed Clearview's): clients.toml is the truth."""
        for k in keys:
            if k and k in self.rules and self.listed(self.rules[k]):
                listed = self._listed_owner(k)
                if listed is not None and listed != self.rules[k]:
                    return listed
                return self.rules[k]
        return None

    def _listed_owner(self, key: str) -> str | None:
        """The client clients.toml gives an assignment's key to, if any."""
        if key.startswith("label:"):
            spec = self.directory.get(key.removeprefix("label:"))
            return spec.id if spec else None
        if key.startswith("path:"):
            return self.directory.by_path(key.removeprefix("path:"))
        if key.startswith("message:"):
            return None
        return self.directory.by_address(key if "@" in key else f"someone@{key}")

    def corrected(self, e: EntryFacts) -> bool:
        """The user set this entry's client (`clients set`), to one still listed."""
        return e.user_set and self.listed(e.user_client)

    def listed(self, client: str | None) -> bool:
        """``client`` is general ("*"/None) or a client clients.toml lists now."""
        return client in (None, SCOPE_GENERAL) or self.directory.get_id(client) is not None


def _addresses(meta: Mapping[str, Any], *fields: str) -> list[str]:
    out = []
    for f in fields:
        for pair in meta.get(f) or []:
            if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1]:
                out.append(str(pair[1]).strip().lower())
    return out


def email_keys(address: str) -> tuple[str, str]:
    """The review/assignment keys of an address: itself and its domain."""
    a = address.lower()
    return a, a.rsplit("@", 1)[-1]


def label_rule_key(label: str) -> str:
    return "label:" + label_key(label)


def path_rule_key(folder: str) -> str:
    return "path:" + folder.rstrip("/")


def _email(e: EntryFacts, ctx: Context) -> str | None:
    """A message's own client (before the thread is considered)."""
    m = e.meta
    sender = _addresses(m, "from")
    rcpts = [a for a in _addresses(m, "to", "cc") if a not in ctx.me]
    if sender and sender[0] not in ctx.me:
        # The user's own address goes by its recipients whatever was assigned to it before it
        # was known to be theirs (QA, session 17: assigned to Acme from the review queue, all
        # of the user's later mail — to Bluefin too — was Acme's)
        hit = ctx.rule(*email_keys(sender[0]))
        listed = ctx.directory.by_address(sender[0])
        if listed is not None and hit != listed:
            hit = None  # an address clients.toml lists beats an assignment of its domain
        if m.get("auth_failed") and (
            hit not in (None, SCOPE_GENERAL) or ctx.directory.by_address(sender[0])
        ):
            # The receiving server did not believe this client's From (DMARC or SPF failed):
            # in no client's scope until the user gives the message to one (QA, session 14)
            return SCOPE_MIXED
        if hit is not None:
            # (clients.toml's own address is its client's, whatever the mail names)
            return hit if listed is not None else _as_assigned(e, ctx, hit, sender[0], rcpts)
    if sender and sender[0] not in ctx.me:
        own = ctx.directory.by_address(sender[0])
        if own:
            # A From of one client with a Reply-To or Sender of another: a spoofed From, or a
            # forward set up to answer elsewhere — in neither client's scope, offered for
            # review (QA, session 14: B's mail "From" A's address was A's, and A's reply
            # draft, quoting A's history, would have gone to B's Reply-To)
            answers = {ctx.directory.by_address(a) for a in _addresses(m, "reply_to", "sender")}
            # ... or written to another client's people: the two clients' business, in
            # neither's scope until the user decides (new user's trial, session 32: Rosalind's
            # "Coffee on Thursday?" to another client's Priya, the user in copy, was her
            # client's, "waiting on you" in its briefing, and its reply draft answered her)
            theirs = {_recipient_owner(ctx, a) for a in rcpts if a != sender[0]}
            if (answers | theirs) - {None, own}:
                return SCOPE_MIXED
            return own
    # Outgoing (from [me], or from an address clients.toml does not know): the client its
    # recipients all belong to. Recipients of several clients: mixed.
    owners = set()
    for a in rcpts:
        if sender and a == sender[0]:
            continue
        owner = _recipient_owner(ctx, a)
        if owner is None and not (sender and sender[0] in ctx.me):
            return None  # an unknown recipient: not "all belong to one client"
        if owner is not None:
            owners.add(owner)
    if len(owners) == 1:
        owner = owners.pop()
        if sender and sender[0] not in ctx.me and _claims_another(e, ctx, owner):
            # a stranger writing to one client's people, who signs as another client's person
            # or names another client: not surely the first one's (QA, session 17: "Oscar
            # Brennan (Bluefin Capital)" from a private address, to Acme's Dana, was Acme's)
            return SCOPE_MIXED
        return owner
    if len(owners) > 1:
        return SCOPE_MIXED
    if sender and sender[0] in ctx.me and _to_general(e, ctx, sender[0], rcpts):
        return SCOPE_GENERAL
    return None


def _to_general(e: EntryFacts, ctx: Context, sender: str, rcpts: list[str]) -> bool:
    """The user's mail to correspondents all given to general, naming no client: general too
    (new user's trial, session 29: `clients assign priya@… --general` left the user's own
    mail to her in review, "1 re-attributed" said all the same)."""
    others = [a for a in rcpts if a != sender]
    return (
        bool(others)
        and all(ctx.rule(*email_keys(a)) == SCOPE_GENERAL for a in others)
        and not _named(ctx, *_display_names(e.meta, "to", "cc"), e.title, e.text)
    )


def _as_assigned(e: EntryFacts, ctx: Context, hit: str, sender: str, rcpts: list[str]) -> str:
    """A message whose sender the user assigned (``hit``: a client id, or "*" for general).
    The assignment is a default, not a verdict (notes/0013, "An assigned sender"): mail to
    another client's people — listed in clients.toml or assigned from the review queue — or
    naming another client (a recipient's name, "Mira Okafor" at a private address; the
    subject; the text) waits for review; given to general, it is the one client it points
    at (new user's trial, session 28: the user's address, taken out of [me] and given to
    Northwind, moved their replies to Castellan into Northwind's scope)."""
    theirs = {o for a in rcpts if a != sender and (o := _recipient_owner(ctx, a))}
    people = _display_names(e.meta, "to", "cc")
    others = (theirs | _named(ctx, *people, e.title, e.text)) - {hit}
    if not others:
        return hit
    return others.pop() if hit == SCOPE_GENERAL and len(others) == 1 else SCOPE_MIXED


def _claims_another(e: EntryFacts, ctx: Context, client: str) -> bool:
    """Does a message whose sender clients.toml does not know name a client other than
    ``client`` — in the sender's display name, its subject or its text?"""
    return bool(_named(ctx, *_display_names(e.meta, "from"), e.title, e.text) - {client})


def _display_names(meta: Mapping[str, Any], *fields: str) -> list[str]:
    """The display names of the message's ``fields`` ("Mira Okafor" of her address)."""
    return [
        str(p[0])
        for f in fields
        for p in meta.get(f) or []
        if isinstance(p, list | tuple) and len(p) == 2 and p[0]
    ]


def _recipient_owner(ctx: Context, address: str) -> str | None:
    """The client a recipient's address belongs to: clients.toml's, or the user's assignment
    (not general)."""
    ruled = ctx.rule(*email_keys(address))
    return ctx.directory.by_address(address) or (ruled if ruled != SCOPE_GENERAL else None)


def _joins_thread(e: EntryFacts, ctx: Context, party: set[str], client: str) -> bool:
    """May a message with no client of its own take its thread's ``client``? The user's own
    do; anyone else's only when they were in the conversation (a sender or a recipient of the
    thread's client messages) and it names no other client. A stranger's reply pointing at a
    client's message, or a headerless "Re:" joined by its subject, is not the client's
    because of where it sits (QA, session 17: Bluefin's Oscar, from a private address,
    answered Acme's Dana; his message, and his fund's figures, were Acme's)."""
    sender = _addresses(e.meta, "from")
    if _forwards_another(e, ctx, client):
        return False  # the user's own forward of another client's mail too
    if sender and sender[0] in ctx.me:
        return True
    # a message without a sender is nobody's by where it sits (review of session 17)
    return bool(sender) and sender[0] in party and not _claims_another(e, ctx, client)


def _forwards_another(e: EntryFacts, ctx: Context, client: str) -> bool:
    """Does the message forward mail from another client (its address, domain or a person's
    name in the forwarded From)? Then it holds that client's message, whoever forwarded it
    (QA, session 17: Acme's Dana forwarded Bluefin's term sheet; its figures were Acme's, in
    Acme's search and draft prompt)."""
    for said in forwarded_from(e.text):
        owners = set(ctx.directory.named_in(said))
        for a in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", said):
            if (owner := ctx.directory.by_address(a.lower())) is not None:
                owners.add(owner)
        if owners - {client}:
            return True
    return False


def _named(ctx: Context, *texts: str) -> set[str]:
    out: set[str] = set()
    for t in texts:
        if t:
            out.update(ctx.directory.named_in(t))
    return out


def _work(e: EntryFacts, ctx: Context) -> Decision:
    w = e.meta.get("work")
    label = str(w.get("client") or "") if isinstance(w, Mapping) else ""
    if not label:
        return Decision(None, SCOPE_UNATTRIBUTED, "no client")
    ruled = ctx.rule(label_rule_key(label), "label:" + legacy_label_key(label))
    if ruled and ruled != SCOPE_GENERAL:
        return Decision(ruled, ruled)
    spec = ctx.directory.get(label)
    if spec is None:
        return Decision(None, SCOPE_UNATTRIBUTED, f"unknown client {label!r} (not in clients.toml)")
    return Decision(spec.id, spec.id)


def _by_label(label: str, ctx: Context) -> tuple[str | None, bool]:
    """(the client a label names — None when the user ruled it general —, whether it resolved)."""
    ruled = ctx.rule(label_rule_key(label))
    if ruled is not None:
        return (None if ruled == SCOPE_GENERAL else ruled), True
    spec = ctx.directory.get(label)
    return (spec.id, True) if spec is not None else (None, False)


_LONG = 20  # characters: a sentence long enough to say something (not a heading)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences_of(text: str) -> set[str]:
    parts = _SENTENCE_END.split(text)
    return {" ".join(p.split()).casefold() for p in parts if len(p.strip()) >= _LONG}


def _current_sentences(doc: DocFacts) -> set[str]:
    """The sentences of the entries written under the document's current label."""
    if not doc.label:
        return set()
    key = label_key(doc.label)
    out: set[str] = set()
    for e in doc.entries:
        lab = e.meta.get(ENTRY_LABEL)
        if isinstance(lab, str) and label_key(lab) == key:
            out |= _sentences_of(e.text)
    return out


def _restated(text: str, current: set[str]) -> float:
    """The share of what this older entry says that the current version says again."""
    said = _sentences_of(text)
    if not said:
        return float(bool(text.strip()) and " ".join(text.split()).casefold() in current)
    return len(said & current) / len(said)


def _front_words(meta: Mapping[str, Any]) -> list[str]:
    """A note's front-matter project and tags (the words that may name a client)."""
    tags = meta.get("tags")
    words = [str(t) for t in tags if isinstance(t, str | int)] if isinstance(tags, list) else []
    project = meta.get("project")
    return [*words, project] if isinstance(project, str) else words


def _front_values(meta: Mapping[str, Any]) -> list[str]:
    """Every value a note's front matter holds (``cc:``, ``attendees:``, nested lists and
    tables too), with its project and tags: the words that may name a client (leak hunt,
    session 25: `project: HALYARD` or `cc: Priya Vandersloot` beside `client: kestrel` put
    Lumora's figures in Kestrel's draft)."""
    out = [str(w) for w in _front_words(meta)]
    todo: list[Any] = [meta.get("front_matter")]
    while todo:
        v = todo.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, Mapping):
            todo.extend(v.values())
            out.extend(str(k) for k in v)
        elif isinstance(v, list | tuple):
            todo.extend(v)
    return out


def _path_words(meta: Mapping[str, Any]) -> list[str]:
    """The folders and file name a note was found under, as words ("Lumora/budget.md",
    "halyard-notes.md"): a folder per client is how many keep their notes (leak hunt, session
    25: such notes were general). Of a path outside the inbox, its own folder only."""
    path = str(meta.get("path") or "")
    if not path:
        return []
    p = PurePosixPath(path)
    parts = [*p.parent.parts[-1:], p.stem] if p.is_absolute() else [*p.parent.parts, p.stem]
    return [re.sub(r"[_.]+", " ", x) for x in parts if x not in ("", "/", ".")]


def decide(doc: DocFacts, ctx: Context) -> DocDecision:
    """Client and scope of every entry of one document (in ``doc.entries`` order)."""
    _carry_corrections(doc)
    n = len(doc.entries)
    own: list[str | None] = [None] * n  # per entry: a client id, SCOPE_MIXED, or None
    work: dict[int, Decision] = {}
    doc_client: str | None = None
    unresolved_label = False
    if doc.label:
        doc_client, resolved = _by_label(doc.label, ctx)
        unresolved_label = not resolved
    # An older version written under another label: a file reused for another client keeps
    # its old version with the client that version named (QA, session 10: the old version went
    # to the new one); a label *corrected* (the text the same) moves the old version with it
    # (QA, session 12: the mislabelled version stayed in the scope it was corrected away from).
    # Between the two — some of the old text said again, some not — is neither's: a template
    # reused for another client said its boilerplate again and took the old client's figures
    # along (QA, session 16). Such an entry is mixed, in no client's scope, until the user says.
    unresolved: set[int] = set()
    current: set[str] | None = None  # read only when an older label differs
    for i, e in enumerate(doc.entries):
        lab = e.meta.get(ENTRY_LABEL)
        if not isinstance(lab, str) or not lab or e.kind == "work" or ctx.corrected(e):
            continue
        if doc.label and label_key(lab) == label_key(doc.label):
            continue
        client, resolved = _by_label(lab, ctx)
        if doc_client is not None and client != doc_client:
            if current is None:
                current = _current_sentences(doc)
            share = _restated(e.text, current)
            if share >= 1:
                own[i] = doc_client  # the same words under the corrected label
                continue
            if share > 0:
                own[i] = SCOPE_MIXED
                continue
        if client is not None:
            own[i] = client
        elif not resolved:
            unresolved.add(i)
    # A note's front matter `project:` or `tags:` naming one client is as good as its label;
    # naming several, its parts naming none may be any of theirs (QA, session 16: a note with
    # `project: BLUEHERON`, Bluefin's codename, was general and reached Acme's draft).
    front_named = (
        _named(ctx, *_front_words(doc.meta))
        if doc.kind in (DOC_NOTE, DOC_DRAFT) and not doc.label
        else set()
    )
    if doc.kind == DOC_NOTE and not unresolved_label:
        # the rest of its front matter, its folders and file name name clients too
        front_named |= _named(ctx, *_front_values(doc.meta), *_path_words(doc.meta))
    # a client said only by front matter or the path is weaker than a label: a part naming
    # another client is in neither scope (review, session 25: "Clearview/2026-03-05.md" took
    # its "## NWHH budget" section to Clearview)
    weak = doc_client is None and len(front_named) == 1
    if weak:
        doc_client = next(iter(front_named))
    # a note labelled for one client whose front matter or path names another is about both:
    # what it says is in neither scope (the work lines keep their own labels)
    beside = front_named - {doc_client} if doc_client is not None else set()
    if doc.kind == DOC_SESSION and doc_client is None:
        cwd = str(doc.meta.get("cwd") or "")
        ruled = ctx.rule(path_rule_key(cwd)) if cwd else None
        doc_client = ruled if ruled and ruled != SCOPE_GENERAL else ctx.directory.by_path(cwd)
    for i, e in enumerate(doc.entries):
        if e.user_set and not ctx.corrected(e):
            # given by the user to a client clients.toml does not list now: nobody's until it
            # is listed again — never general (QA, session 17)
            unresolved.add(i)
        elif ctx.corrected(e):
            own[i] = e.user_client or SCOPE_GENERAL
        elif e.kind == "work":
            work[i] = _work(e, ctx)
            own[i] = work[i].client
        elif doc.kind == DOC_EMAIL and e.kind == "email":
            own[i] = _email(e, ctx)
            if own[i] not in (None, SCOPE_MIXED) and _forwards_another(e, ctx, str(own[i])):
                own[i] = SCOPE_MIXED
    if doc.kind == DOC_EMAIL:
        # Unattributed messages follow their thread when they were part of it; attachments
        # follow their message.
        mail = [i for i, e in enumerate(doc.entries) if e.kind == "email"]
        thread = {own[i] for i in mail} - {None, SCOPE_MIXED, SCOPE_GENERAL}
        if len(thread) == 1:
            doc_client = thread_client = str(next(iter(thread)))
            party = {
                a
                for i in mail
                if own[i] == doc_client
                for a in _addresses(doc.entries[i].meta, "from", "to", "cc")
            }
            for i in mail:
                if own[i] == SCOPE_GENERAL and not ctx.corrected(doc.entries[i]):
                    # mail is never general inside a client's thread: the user's reply in it
                    # to a correspondent given to general is the thread's (review, session 29)
                    own[i] = None
            for i in mail:
                if own[i] is None and i not in unresolved and not ctx.corrected(doc.entries[i]):
                    if _joins_thread(doc.entries[i], ctx, party, thread_client):
                        own[i] = doc_client
                    else:
                        unresolved.add(i)
        by_key = {e.key: own[i] for i, e in enumerate(doc.entries) if e.kind == "email"}
        for i, e in enumerate(doc.entries):
            if e.kind == "attachment" and own[i] is None and i not in unresolved:
                parent = str(e.meta.get("_parent") or e.key.split("#att")[0])
                own[i] = by_key.get(parent)
                if own[i] is None and len(thread) == 1:
                    unresolved.add(i)  # the attachment of a message outside the thread's client
        if len(thread) == 1:
            own = [
                doc_client if c is None and i not in unresolved else c for i, c in enumerate(own)
            ]
    elif doc.kind != DOC_SESSION and doc_client is None and not unresolved_label:
        # Notes, chats, drafts, timesheets: what the text names.
        title_named = _named(ctx, doc.title)
        if doc.kind == DOC_CHAT and len(title_named) == 1:
            doc_client = next(iter(title_named))
        elif doc.kind == DOC_CHAT and not title_named:
            mentioned = _named(ctx, *(e.text for i, e in enumerate(doc.entries) if own[i] is None))
            if len(mentioned) == 1:
                doc_client = next(iter(mentioned))  # a chat clearly about one client
    for i, e in enumerate(doc.entries):
        if (
            own[i] is not None
            or i in unresolved
            or e.kind == "work"
            or (doc.kind in NEVER_GENERAL and doc_client is None)
            or unresolved_label
        ):
            continue
        named = _named(ctx, e.text, e.title) - ({doc_client} if doc_client else set())
        if beside:
            own[i] = SCOPE_MIXED
        elif len(named) == 1 and doc_client is None:
            own[i] = next(iter(named))  # names exactly one client: that client's
        elif named and (doc.kind == DOC_CHAT or weak):
            # A turn naming another client inside one client's conversation is about both
            # (QA, session 10: "For Acme you used backoff; for NIGHTJAR apply it…" in a Globex
            # chat went to Acme with Globex's plans): in neither scope.
            own[i] = SCOPE_MIXED
        elif doc_client is not None:
            own[i] = doc_client
        elif len(named) > 1:
            own[i] = SCOPE_MIXED
    if doc.kind == DOC_CHAT and doc_client is not None:
        _hold_what_follows_another(doc, ctx, own, doc_client)
    clients = {c for c in own if c not in (None, SCOPE_MIXED, SCOPE_GENERAL)}
    # a title naming two clients: the parts naming neither may be about either
    title_several = len(front_named) > 1 or (
        doc_client is None and doc.kind not in NEVER_GENERAL and len(_named(ctx, doc.title)) > 1
    )
    if doc_client is None and len(clients) == 1:
        doc_client = next(iter(clients))
    decisions = []
    for i, c in enumerate(own):
        if i in work:
            decisions.append(work[i])
        elif c == SCOPE_GENERAL:
            decisions.append(Decision(None, SCOPE_GENERAL))
        elif c == SCOPE_MIXED:
            decisions.append(Decision(None, SCOPE_MIXED))
        elif c is not None:
            decisions.append(Decision(c, c))
        elif doc.kind in NEVER_GENERAL or unresolved_label or i in unresolved:
            decisions.append(Decision(None, SCOPE_UNATTRIBUTED))
        elif title_several:
            # QA, session 16: the unnamed turns of a chat titled "Bluefin and Acme pricing"
            # went to Acme, the one client its other turns named
            decisions.append(Decision(None, SCOPE_MIXED))
        elif len(clients) == 1 and SCOPE_MIXED not in own:
            # No client of its own in a document that is one client's: that client's only.
            decisions.append(Decision(None, next(iter(clients))))
        elif clients or SCOPE_MIXED in own:
            # ... in a document of several clients — or with one part naming several: the
            # parts naming nobody may be about any of them (session 5: a chat's turn named two
            # clients, its other turns only one's codename, and they were general).
            decisions.append(Decision(None, SCOPE_MIXED))
        else:
            decisions.append(Decision(None, SCOPE_GENERAL))
    if ctx.former.clients:
        _hold_what_names_former_clients(doc, ctx, decisions)
    return DocDecision(doc_client, decisions)


def _hold_what_follows_another(
    doc: DocFacts, ctx: Context, own: list[str | None], client: str
) -> None:
    """In one client's conversation, the turns after a turn naming another client answer or
    follow it ("what's the HALYARD budget?" — "918,444, status amber" — "draft a status line
    for that"): in neither scope, until a turn names the conversation's client again (leak
    hunt, session 25: the reply went to Kestrel with Lumora's figures)."""
    held = False
    for i, e in enumerate(doc.entries):
        if e.kind == "work" or ctx.corrected(e):
            continue
        if own[i] == SCOPE_MIXED and _named(ctx, e.text, e.title) - {client}:
            held = True
        elif held and own[i] == client:
            if client in _named(ctx, e.text, e.title):
                held = False
            else:
                own[i] = SCOPE_MIXED


def _hold_what_names_former_clients(doc: DocFacts, ctx: Context, decisions: list[Decision]) -> None:
    """What would be general but names a client clients.toml no longer lists is nobody's, for
    review: removing a finished client must not put its chats and notes in every other
    client's scope (QA, session 17). A conversation naming it anywhere is held whole, as a
    conversation about one client is that client's."""
    whole = bool(ctx.former.named_in(doc.title)) or (
        doc.kind == DOC_CHAT and any(ctx.former.named_in(e.text) for e in doc.entries)
    )
    for i, (e, d) in enumerate(zip(doc.entries, decisions, strict=True)):
        if d.scope == SCOPE_UNATTRIBUTED or ctx.corrected(e) or e.kind == "work":
            continue
        # any scope, not only general: a listed client's note naming the removed client was
        # mixed while both were listed, and became the listed client's alone (review, 17)
        if whole or ctx.former.named_in(f"{e.title}\n{e.text}"):
            decisions[i] = Decision(None, SCOPE_UNATTRIBUTED)


def facts_of(doc: ParsedDocument) -> DocFacts:
    """Facts of a freshly parsed document (its ``client`` is the label it carries)."""
    return DocFacts(
        kind=doc.kind,
        title=doc.title,
        label=doc.client,
        meta=doc.meta,
        entries=[
            EntryFacts(
                e.key,
                e.kind,
                e.text if e.indexed else "",
                e.title,
                {**e.meta, "_parent": e.parent_key} if e.parent_key else e.meta,
            )
            for e in doc.entries
        ],
    )


def _carry_corrections(doc: DocFacts) -> None:
    """The user's correction of a passage holds for the same passage in its document's later
    versions: the same key, the same words (new user's trial, session 29: a note's section
    given to general came back to review — a new row, the correction kept on the old one —
    once another section of the note was edited). Words changed since wait again: the user
    decided on other words."""
    said = {(e.key, e.text): e for e in doc.entries if e.user_set}
    for e in doc.entries:
        if not e.user_set and (old := said.get((e.key, e.text))) is not None:
            e.user_set, e.user_client = True, old.user_client


def merge(stored: DocFacts | None, new: DocFacts, versioned: bool) -> DocFacts:
    """The document as it will be after a write: stored entries (all versions) and the new
    ones; for accumulating documents (threads, chats) a new entry replaces the stored one with
    the same key (the user's correction is kept)."""
    if stored is None:
        return new
    if versioned:
        return DocFacts(
            new.kind,
            new.title,
            new.label,
            new.meta,
            stored.entries + new.entries,
            stored.document_id,
        )
    keep = {e.key: e for e in stored.entries}
    merged = []
    fresh = {e.key for e in new.entries}
    for e in new.entries:
        old = keep.get(e.key)
        if old is not None:
            e.row_id, e.user_set, e.user_client = old.row_id, old.user_set, old.user_client
        merged.append(e)
    merged += [e for e in stored.entries if e.key not in fresh]
    label = new.label if new.label is not None else stored.label
    return DocFacts(new.kind, new.title, label, new.meta, merged, stored.document_id)


def infer_me(
    messages: Sequence[tuple[int, Mapping[str, Any]]],
    directory: ClientDirectory,
    known: Iterable[str] = (),
    rejected: Iterable[str] = (),
) -> dict[str, str]:
    """The user's own addresses when ``[me]`` does not list them, from email headers alone:
    an address that writes to two or more clients, or that replies inside a client's thread
    (answering a message a client's address sent to it). Address -> the evidence.
    ``messages`` are (thread document id, email meta) pairs.

    ``known`` are the addresses ``[me]`` lists: when there are any, the user has said who
    they are and only a second address writing as them, copying one of those, is inferred
    (blind trial, session 22: a vendor mailing three clients stayed "you" after the user
    listed their address). ``rejected`` (``[me] not_emails``) are never inferred."""
    known = {a.lower() for a in known}
    rejected = {a.lower() for a in rejected}
    writes_to: dict[str, set[str]] = {}
    client_threads: dict[int, set[str]] = {}
    received_from_client: set[str] = set()
    senders: dict[str, set[int]] = {}
    for thread, m in messages:
        sender = _addresses(m, "from")
        if not sender:
            continue
        s = sender[0]
        senders.setdefault(s, set()).add(thread)
        owner = directory.by_address(s)
        rcpts = _addresses(m, "to", "cc")
        if owner:
            client_threads.setdefault(thread, set()).add(owner)
            received_from_client.update(a for a in rcpts if directory.by_address(a) is None)
            continue
        for a in rcpts:
            c = directory.by_address(a)
            if c:
                writes_to.setdefault(s, set()).add(c)
    out: dict[str, str] = {a: "listed in [me]" for a in known}
    for s, clients in writes_to.items():
        if len(clients) >= 2 and not known:
            out[s] = f"writes to {len(clients)} clients"
    for s, threads in senders.items():
        if s in out or directory.by_address(s) is not None or s not in received_from_client:
            continue
        if any(client_threads.get(t) for t in threads) and writes_to.get(s) and not known:
            out[s] = "replies inside client threads"
    for a in rejected:
        out.pop(a, None)
    # A second address of the user's: it writes to a client under a name one of the user's
    # addresses writes under, copying that address (QA, session 11: a reply sent from a
    # personal address, the work address in Cc, left the thread "waiting on you").
    names: dict[str, set[str]] = {}
    for _, m in messages:
        for pair in m.get("from") or []:
            if isinstance(pair, list | tuple) and len(pair) == 2 and pair[0] and pair[1]:
                name = " ".join(str(pair[0]).split()).lower()
                if len(name.split()) >= 2:  # "Priya Shah", not "Priya" or "Support"
                    names.setdefault(str(pair[1]).strip().lower(), set()).add(name)
    for _, m in messages:
        sender = _addresses(m, "from")
        if not sender or sender[0] in out or directory.by_address(sender[0]) is not None:
            continue
        s = sender[0]
        copied = [a for a in _addresses(m, "to", "cc") if a in out]
        if writes_to.get(s) and any(names.get(s, set()) & names.get(a, set()) for a in copied):
            out[s] = f"writes as you to a client, copying {copied[0]}"
    # One of a client's people writing from an address clients.toml does not list is not the
    # user, however many clients they write to (QA, session 17: a contractor both clients
    # list was taken for the user; her words were "yours" and her mail was not answerable)
    shown: dict[str, set[str]] = {}
    for _, m in messages:
        for pair in m.get("from") or []:
            if isinstance(pair, list | tuple) and len(pair) == 2 and pair[0] and pair[1]:
                shown.setdefault(str(pair[1]).strip().lower(), set()).add(str(pair[0]))
    return {
        a: why
        for a, why in out.items()
        if a not in known
        and a not in rejected
        and not directory.named_in(" / ".join(shown.get(a, ())))
    }


__all__ = [
    "ENTRY_LABEL",
    "NEVER_GENERAL",
    "RULES_VERSION",
    "STATE_FINGERPRINT",
    "STATE_INFERRED_ME",
    "Context",
    "Decision",
    "DocDecision",
    "DocFacts",
    "EntryFacts",
    "decide",
    "email_keys",
    "facts_of",
    "infer_me",
    "label_rule_key",
    "make_context",
    "merge",
    "path_rule_key",
]
