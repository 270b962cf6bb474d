"""`status` without opening the vault the usual way, when nothing needs doing first.

Opening a vault migrates its schema and re-attributes what is stored when clients.toml, ``[me]``
or an assignment changed (notes/0013) — and imports SQLAlchemy, which alone is half of
`status`'s time. When the embedded vault is already current (this version's schema, attributed
with today's settings) none of that has anything to do, and the counts are read through the
standard library's ``sqlite3``, read-only. Anything else — a server database, an older schema,
a changed clients.toml, a restore left half done — returns None and the caller takes the usual
way. Imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

from trailkeep.vault.backup import cleanup_interrupted_restore
from trailkeep.vault.lite import current_state, read_only, status_read_only
from trailkeep.vault.settings import Settings

from .attribution import STATE_FINGERPRINT, STATE_INFERRED_ME, make_context


def quick_status(settings: Settings, embedder_id: str) -> dict[str, Any] | None:
    """`status`'s report from a current embedded vault, or None (open it the usual way)."""
    if not settings.embedded or cleanup_interrupted_restore(settings.home):
        return None
    with read_only(settings.db_path, settings.lock_timeout) as con:
        if con is None:
            return None
        state = current_state(con, (STATE_FINGERPRINT, STATE_INFERRED_ME))
        if state is None:
            return None
        ctx = make_context(
            settings.clients,
            settings.me_emails,
            state["meta"].get(STATE_INFERRED_ME),
            state["rules"],
            me_not=settings.me_not,
        )
        if state["meta"].get(STATE_FINGERPRINT) != ctx.fingerprint():
            return None
        return status_read_only(con, embedder_id)


def stored_status(settings: Settings, embedder_id: str) -> dict[str, Any] | None:
    """The counts as stored, read-only, whatever settings they were attributed with: what
    `status` shows while clients.toml does not read (nothing may be re-attributed then), or
    None when they cannot be read that way (a server database, an older schema, a restore
    left half done)."""
    if not settings.embedded or cleanup_interrupted_restore(settings.home):
        return None
    with read_only(settings.db_path, settings.lock_timeout) as con:
        if con is None or current_state(con, (STATE_FINGERPRINT,)) is None:
            return None
        return status_read_only(con, embedder_id)


__all__ = ["quick_status", "stored_status"]
