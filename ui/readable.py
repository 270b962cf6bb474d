"""Values as a reader wants them in tables and captions: a day or a minute instead of a
microsecond timestamp, "—" instead of None, one line of plain text in a cell, a file's name
instead of its path. Pure functions (tests/ui/test_markup.py)."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePath

DASH = "—"
_WS = re.compile(r"\s+")


def dash(value: object) -> str:
    """The value as text; "—" for None or an empty string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DASH
    return str(value)


def _parse(value: object) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        try:
            return date.fromisoformat(s[:10])
        except ValueError:
            return None


def day(value: object, missing: str = DASH) -> str:
    """2026-03-02 from a datetime, a date or an ISO/SQL timestamp string."""
    d = _parse(value)
    if d is None:
        return missing if value in (None, "") else str(value)[:10]
    return d.date().isoformat() if isinstance(d, datetime) else d.isoformat()


def minute(value: object, missing: str = DASH) -> str:
    """2026-03-02 14:05 (to the minute); a bare date stays a date."""
    d = _parse(value)
    if d is None:
        return missing if value in (None, "") else str(value)[:16]
    if isinstance(d, datetime):
        return d.strftime("%Y-%m-%d %H:%M")
    return d.isoformat()


def moment(value: object, missing: str = DASH) -> str:
    """Like :func:`minute`, but a time of exactly midnight — a note dated by its day — is the
    day alone (QA, session 10: notes showed a "00:00" nobody wrote)."""
    d = _parse(value)
    if isinstance(d, datetime) and (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0):
        return d.date().isoformat()
    return minute(value, missing)


def cell(value: object, limit: int = 200) -> str:
    """One line of plain text for a table cell (the grid draws text; it is never markup)."""
    s = _WS.sub(" ", dash(value)).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def file_name(path: object) -> str:
    """The last part of a path (either separator); "—" for none."""
    if not path:
        return DASH
    return PurePath(str(path).replace("\\", "/")).name or str(path)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
