"""Which thread an email belongs to (notes/0008-email.md): the thread of the same Message-ID,
or of a message it replies to or references; else, for mail without threading headers, the
thread with the same normalized subject and a shared participant within a time window; else
its own root. The vault answers the lookups (``trailkeep.vault.threads``)."""

from __future__ import annotations

from datetime import timedelta

from trailkeep.vault import ParsedDocument, Vault
from trailkeep.vault.threads import document_holding, same_subject

WINDOW_DAYS = 30


def email_thread(vault: Vault, doc: ParsedDocument, window_days: int = WINDOW_DAYS) -> str:
    """The external id of the thread document ``doc`` (one parsed message) belongs to."""
    e = doc.entries[0]
    hint = doc.meta.get("thread_hint") or {}
    refs = [*reversed(e.meta.get("in_reply_to", [])), *reversed(e.meta.get("references", []))]
    for i, k in enumerate([e.key, *refs]):
        found = document_holding(vault, k, doc.kind)
        if found is None:
            continue
        if i > 0 and hint.get("new_topic") and found[1] != hint.get("subject"):
            # A reply that deliberately changed the subject starts its own thread (its
            # replies follow it by In-Reply-To); notes/0008-email.md.
            return f"email:{e.key}"
        return found[0]
    subject = str(hint.get("subject") or "")
    if hint.get("has_thread_headers") or len(subject) < 4 or doc.timestamp is None:
        return doc.external_id
    people = set(hint.get("participants") or [])
    window = timedelta(days=window_days)
    for external_id, meta in same_subject(
        vault, doc.kind, subject, doc.timestamp - window, doc.timestamp + window
    ):
        theirs = {str(a[1]) for k in ("from", "to", "cc") for a in meta.get(k, [])}
        if people & theirs:
            return external_id
    return doc.external_id


__all__ = ["WINDOW_DAYS", "email_thread"]
