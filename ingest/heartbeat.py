"""The watcher's heartbeat: a small JSON file in the home, written by the watcher (``Watcher.beat``)
and read by the Inbox page and ``trailkeep status`` in other processes — so a bulk drop the
watcher is still working through is not reported as "0 pending" (QA, session 14)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

HEARTBEAT_FILE = "watcher.json"  # in the home
# a watcher beats every two seconds while it runs; a report older than this is a dead watcher's
STALE_SECONDS = 15.0


def write_heartbeat(path: Path, data: dict[str, Any]) -> None:
    """Replace the heartbeat at ``path`` with ``data`` atomically (a reader never sees half of
    it). Raises OSError, with no temporary file left behind."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def watcher_state(home: Path) -> dict[str, Any]:
    """What the watcher last said (pid, state, pending, processed, last_error, updated), with
    ``state`` "not running" and a ``detail`` when it never reported, stopped, or went quiet."""
    try:
        data: dict[str, Any] = json.loads((home / HEARTBEAT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {
            "state": "not running",
            "detail": "no watcher has reported (`trailkeep ui` or `trailkeep watch` runs one)",
        }
    if not isinstance(data, dict):
        return {"state": "not running", "detail": "the watcher's report is unreadable"}
    try:
        age = time.time() - float(data.get("updated", 0) or 0)
    except (TypeError, ValueError):
        return {"state": "not running", "detail": "the watcher's report is unreadable"}
    if data.get("state") == "stopped" or age > STALE_SECONDS:
        data["state"] = "not running"
        data["detail"] = f"last report {int(age)} s ago"
    return data


__all__ = ["HEARTBEAT_FILE", "STALE_SECONDS", "watcher_state", "write_heartbeat"]
