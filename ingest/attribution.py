"""Which client an entry belongs to (clients belong to entries; the document's is the default).

- notes: front-matter ``client`` (the parser sets it);
- chats: a conversation whose title names exactly one client gives it to its entries; an entry
  that names exactly one *other* client belongs to that one instead;
- corrections by the user (`trailkeep client set`) win over both (they are stored, not derived).
"""

from __future__ import annotations

from trailkeep.vault.clients import ClientDirectory
from trailkeep.vault.records import DOC_CHAT, ParsedDocument


def attribute(doc: ParsedDocument, directory: ClientDirectory) -> None:
    if not directory.clients or doc.kind != DOC_CHAT:
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
