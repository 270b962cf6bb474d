"""Which files in the inbox are worth looking at (names only; content is checked later)."""

from __future__ import annotations

from pathlib import PurePath

JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".localized"})
JUNK_SUFFIXES = (".part", ".crdownload", ".tmp", ".swp", ".swo", ".swx", ".download", "~")
JUNK_PREFIXES = ("~$", ".#", ".~lock.")


def is_junk_name(name: str) -> bool:
    if name in JUNK_NAMES or name.startswith(JUNK_PREFIXES) or name.endswith(JUNK_SUFFIXES):
        return True
    return name.startswith(".")  # hidden files: editors' temp files, sync metadata


def is_ignored(path: PurePath, root: PurePath | None = None) -> bool:
    """Junk file names and anything inside a hidden directory (below ``root``)."""
    parts = (
        path.relative_to(root).parts
        if root is not None and path.is_relative_to(root)
        else path.parts[-1:]
    )
    if any(p.startswith(".") for p in parts[:-1]):
        return True
    return is_junk_name(parts[-1]) if parts else True
