"""The `trailkeep` command: one module per command group, loaded when a command runs.

- :mod:`.context` — the group, settings, the vault, output helpers (imported by every group)
- :mod:`.home` — init, status, doctor, reindex, forget, backup, restore, migrate-to
- :mod:`.capture` — ingest, watch, retry
- :mod:`.recall` — search, ask, trail, log
- :mod:`.clients` — clients set (alias: client set)
- :mod:`.tags` — tag add/remove/refine
- :mod:`.drafting` — draft email/doc
- :mod:`.billing` — work, invoice
- :mod:`.app` — ui (the watcher and the web page)
Other packages add groups through the ``trailkeep.commands`` entry point (``trailkeep bench``).
"""

from .context import main


def run() -> None:  # pragma: no cover - console entry for `python -m`
    main(obj={})


__all__ = ["main", "run"]
