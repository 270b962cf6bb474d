"""Which document a parsed item continues.

A note renamed in the inbox, then edited, is the note it was (notes/0001, "A renamed note").
An email belongs to the thread of the same Message-ID, or of a message it replies to or
references; else, for mail without threading headers, the thread with the same normalized
subject and two shared participants (one not the user) within a time window; else its own
root (notes/0008-email.md). The vault answers the lookups (``trailkeep.vault.threads``)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from trailkeep.vault import ParsedDocument, Vault
from trailkeep.vault.records import DOC_SESSION
from trailkeep.vault.threads import (
    document_holding,
    entry_texts,
    keys_held_elsewhere,
    same_subject,
    stored_message,
)

from .text import stored_text

WINDOW_DAYS = 30


def email_thread(
    vault: Vault,
    doc: ParsedDocument,
    window_days: int = WINDOW_DAYS,
    me: frozenset[str] = frozenset(),
    path: str = "",
) -> str:
    """The external id of the thread document ``doc`` (one parsed message) belongs to.

    Mail without threading headers joins a thread of the same subject only when the two share
    two participants, one of them not the user (``me``: ``[me]`` and inferred addresses), and
    one's sender is among the other's participants. The user is on every thread: a client's
    "Weekly status" and someone else's "Weekly status" to the user share only the user, and
    joining them put one client's mail in another client's thread (QA, session 10)."""
    e = doc.entries[0]
    if _reuses_an_id(vault, doc, path):
        return f"email:{e.key}"  # its own thread: it says nothing of the one it collided with
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
    people = {str(p).lower() for p in hint.get("participants") or []}
    sender = {str(a[1]).lower() for a in e.meta.get("from", [])}
    window = timedelta(days=window_days)
    for external_id, meta in same_subject(
        vault, doc.kind, subject, doc.timestamp - window, doc.timestamp + window
    ):
        wrote = {str(a[1]).lower() for a in meta.get("from", [])}
        theirs = wrote | {str(a[1]).lower() for k in ("to", "cc") for a in meta.get(k, [])}
        shared = people & theirs
        # the two messages are between the same correspondents: one's sender is among the
        # other's people (a team address on copy is shared by strangers too: review, session 10)
        answers = bool(sender & theirs) or bool(wrote & (people - sender))
        if len(shared) >= 2 and shared - me and answers:
            return external_id
    return doc.external_id


def _reuses_an_id(vault: Vault, doc: ParsedDocument, path: str = "") -> bool:
    """A message whose Message-ID an earlier message holds, from another sender or saying
    something else, is another message: it is re-keyed (its attachments with it), never
    written over the one stored (QA, session 14: a mail from client B carrying client A's
    Message-ID replaced A's message, and took A's thread with it). The same message again
    (an .eml and its copy in an .mbox) has the same sender and words; read again from the
    file it came from (an .mbox that grew), it is that message as this version reads it."""
    e = doc.entries[0]
    held = stored_message(vault, e.key, doc.kind)
    if held is None or (path and held[2] == path):
        return False
    senders = {str(a[1]).lower() for a in e.meta.get("from", [])}
    if held[0] == senders and _words(held[1]) == _words(e.text):
        return False
    digest = hashlib.sha256(f"{sorted(senders)}\n{e.text}".encode()).hexdigest()[:12]
    old, new = e.key, f"{e.key}#reused-{digest}"
    for x in doc.entries:
        if x.key == old or x.key.startswith(f"{old}#att"):
            x.key = new + x.key[len(old) :]
        if x.parent_key == old:
            x.parent_key = new
    doc.meta["reused_message_id"] = old
    return True


def _words(text: str) -> str:
    """A message's words as ingest stores them (composed, no control characters), spaced
    alike: a message stored by an earlier version is compared as the same text."""
    return " ".join(stored_text(text).split())


def follow_rename(vault: Vault, doc: ParsedDocument, path: str, source_id: int) -> bool:
    """A note known by its path (no front-matter ``id``) that is new to the vault continues
    the note whose file was renamed to this path: the rename was read as a duplicate of that
    note, the file it was read from is gone, and now its bytes changed (QA, session 13: the
    edit became a second document, and ``when`` called the replaced sentence current). The
    note takes the new path as its identity: the next edit here is its next version, and a
    new file at the old path is a new note. True when it did."""
    if not (doc.versioned and doc.external_id.startswith("path:")):
        return False
    if vault.current_content(doc.kind, doc.external_id) is not None:
        return False
    found = vault.renamed_from(path, doc.kind, source_id)
    if found is None:
        return False
    old, paths = found
    if any(Path(p).exists() for p in paths):
        return False  # a copy beside its original: a variant, its own note
    vault.rekey_document(doc.kind, old, doc.external_id)
    return True


def drop_repeated_turns(vault: Vault, doc: ParsedDocument) -> int:
    """A session that starts by repeating an earlier one keeps only its own turns (the copies
    are the earlier session's). Returns how many were dropped.

    - Claude Code: a session resumed into a new file (a new session id) repeats the earlier
      messages under their own provider ids (QA, session 9: every turn stored twice, and `when`
      said the copy was the last time a phrase was written).
    - Codex: a forked rollout names the rollout it came from (``forked_from_id``) and copies its
      lines with the times rewritten; the copies are found by what they say, as the leading
      entries the earlier rollout holds word for word (notes/0015)."""
    if doc.kind != DOC_SESSION or not doc.entries:
        return 0
    provider = doc.meta.get("provider")
    if provider == "claude-code":
        held = keys_held_elsewhere(vault, doc.kind, doc.external_id, [e.key for e in doc.entries])
    elif provider == "codex" and doc.meta.get("forked_from"):
        held = _copied_prefix(vault, doc, f"codex:{doc.meta['forked_from']}")
    else:
        return 0
    if not held:
        return 0
    doc.entries = [e for e in doc.entries if e.key not in held]
    for e in doc.entries:
        if e.parent_key in held:
            e.parent_key = None  # its parent is in the earlier session
    doc.links = [ln for ln in doc.links if ln.from_key not in held and ln.to_key not in held]
    doc.meta["repeated_turns"] = len(held)
    return len(held)


def _said(kind: str, author: str | None, text: str) -> tuple[str, str, str]:
    return kind, author or "", " ".join(text.split())


def _copied_prefix(vault: Vault, doc: ParsedDocument, original: str) -> set[str]:
    """Keys of the fork's entries, up to its first turn of its own, that the original holds
    word for word (context lines between them included; none when the original is not in the
    vault)."""
    if original == doc.external_id:
        return set()
    theirs = {_said(*t) for t in entry_texts(vault, doc.kind, original)}
    if not theirs:
        return set()
    ordered = sorted(doc.entries, key=lambda e: e.position)
    own = next(
        (
            e.position
            for e in ordered
            if e.kind != "context" and _said(e.kind, e.author, e.text) not in theirs
        ),
        None,
    )
    return {
        e.key
        for e in ordered
        if (own is None or e.position < own) and _said(e.kind, e.author, e.text) in theirs
    }


__all__ = ["WINDOW_DAYS", "drop_repeated_turns", "email_thread"]
