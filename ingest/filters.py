"""Which files in the inbox are worth looking at (names only; content is checked later)."""

from __future__ import annotations

import re
from pathlib import PurePath

JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".localized", "Icon\r"})
JUNK_SUFFIXES = (
    *(".part", ".partial", ".crdownload", ".tmp", ".swp", ".swo", ".swx", ".download", "~"),
    *(".!sync", ".rsls", ".icloud"),  # Resilio's transfers, iCloud's placeholders
)
JUNK_PREFIXES = ("~$", ".#", ".~lock.")
# Folders of sync services, NAS boxes and note apps holding copies, not notes: Synology's and
# QNAP's recycle bins and metadata, Logseq's backups (QA, session 14: "#recycle/Plan.md" and
# "logseq/bak/…" were ingested as current notes).
JUNK_DIRS = frozenset({"#recycle", "@eaDir", "#snapshot", "@Recycle", "@Recently-Snapshot"})
JUNK_DIR_PATHS = (("logseq", "bak"), ("logseq", "version-files"))
# A sync service's conflict copy is a second, diverged copy of a note: read as a note it became
# the note's current version (it shares the front-matter id) or a second current "Plan" (QA,
# session 14). It is left for the user to resolve in the sync app; the resolved note is read.
# Dropbox and Nextcloud "(conflicted copy …)", "(Sam's conflicted copy …)", Syncthing
# ".sync-conflict-<date>-<time>-<device>", OneDrive's "-<DESKTOP|LAPTOP>-<host>" suffix.
CONFLICT_COPY = re.compile(
    r"\([^()]*conflicted copy[^()]*\)|\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]+"
    r"|-(?:DESKTOP|LAPTOP)-[A-Z0-9]{4,}(?=\.[^.]+$)",
    re.IGNORECASE,
)


def is_conflict_copy(name: str) -> bool:
    return bool(CONFLICT_COPY.search(name))


def is_junk_name(name: str) -> bool:
    if name in JUNK_NAMES or name.startswith(JUNK_PREFIXES) or name.endswith(JUNK_SUFFIXES):
        return True
    if is_conflict_copy(name):
        return True
    return name.startswith(".")  # hidden files: editors' temp files, sync metadata


def is_ignored(path: PurePath, root: PurePath | None = None) -> bool:
    """Junk file names and anything inside a hidden directory (below ``root``)."""
    parts = (
        path.relative_to(root).parts
        if root is not None and path.is_relative_to(root)
        else path.parts[-1:]
    )
    folders = parts[:-1]
    if any(p.startswith(".") or p in JUNK_DIRS for p in folders):
        return True
    if any(tuple(folders[i : i + 2]) in JUNK_DIR_PATHS for i in range(len(folders))):
        return True
    return is_junk_name(parts[-1]) if parts else True
