"""Which client an entry belongs to (clients belong to entries; the document's is the default).

- notes: front-matter ``client`` (the parser sets it);
- chats: a conversation whose title names exactly one client gives it to its entries; an entry
  that names exactly one *other* client belongs to that one instead;
- email: mail from the user (``[me] emails``) is outgoing and belongs to the client it was sent
  to; incoming mail belongs to its sender's client; an address in a client's ``emails`` wins
  over its domain; unknown senders stay unattributed;
- corrections by the user (`trailkeep client set`) win over both (they are stored, not derived).
"""

from __future__ import annotations

from trailkeep.vault.clients import ClientDirectory
from trailkeep.vault.records import DOC_CHAT, DOC_EMAIL, ParsedDocument


def attribute(doc: ParsedDocument, directory: ClientDirectory, me: tuple[str, ...] = ()) -> None:
    _attribute_work(doc, directory)
    if not directory.clients:
        return
    if doc.kind == DOC_EMAIL:
        _attribute_email(doc, directory, me)
        return
    if doc.kind != DOC_CHAT:
        return
    if doc.client is None:
        named = directory.named_in(doc.title)
        if len(named) == 1:
            doc.client = named[0]
    for e in doc.entries:
        if e.client is not None or not e.indexed:
            continue
        named = [c for c in directory.named_in(e.text) if c != doc.client]
        if len(named) == 1 and (doc.client is None or doc.client not in directory.named_in(e.text)):
            e.client = named[0]


def _attribute_email(doc: ParsedDocument, directory: ClientDirectory, me: tuple[str, ...]) -> None:
    mine = {m.lower() for m in me}
    for e in doc.entries:
        m = e.meta
        sender = [str(a[1]) for a in m.get("from", [])]
        if e.kind != "email":
            continue
        client = None
        if sender and sender[0] in mine:
            m["direction"] = "outgoing"
            for addr in [str(a[1]) for k in ("to", "cc") for a in m.get(k, [])]:
                client = directory.by_address(addr)
                if client:
                    break
        else:
            m["direction"] = "incoming"
            client = directory.by_address(sender[0]) if sender else None
        e.client = client
        if client and doc.client is None:
            doc.client = client
    for e in doc.entries:  # attachments follow their message
        if e.kind == "attachment" and e.client is None:
            e.client = doc.entries[0].client


def _attribute_work(doc: ParsedDocument, directory: ClientDirectory) -> None:
    """A work item's client must be one in clients.toml: an unknown name is reported on the
    item, never guessed and never made into a new client."""
    for e in doc.entries:
        work = e.meta.get("work")
        if e.kind != "work" or not isinstance(work, dict):
            continue
        name = str(work.get("client") or "")
        spec = directory.get(name) if name else None
        if spec is None:
            e.client = None
            if name and not work.get("problem"):
                work["problem"] = f"unknown client {name!r} (not in clients.toml)"
        else:
            e.client = spec.id
            work["client"] = spec.id
