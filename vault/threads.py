"""Plain lookups the threading rules need — email threads, resumed agent sessions (the rules
themselves are in ``trailkeep.ingest.threading``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text

from .records import db_ts
from .store import Vault


def document_holding(vault: Vault, key: str, kind: str) -> tuple[str, str] | None:
    """(external id, title) of the document of ``kind`` holding an entry keyed ``key``."""
    with vault.engine.connect() as c:
        row = c.execute(
            text(
                "SELECT d.external_id, d.title FROM entry x "
                "JOIN document d ON d.id = x.document_id "
                "WHERE x.key = :k AND d.kind = :kind LIMIT 1"
            ),
            {"k": key, "kind": kind},
        ).first()
    return None if row is None else (str(row[0]), str(row[1]))


def stored_message(vault: Vault, key: str, kind: str) -> tuple[set[str], str, str] | None:
    """(sender addresses, text, the path of the file it was read from) of the message of
    ``kind`` keyed ``key``, or None."""
    with vault.engine.connect() as c:
        row = c.execute(
            text(
                "SELECT x.meta, x.text, s.path FROM entry x "
                "JOIN document d ON d.id = x.document_id "
                "LEFT JOIN source s ON s.id = x.source_id "
                "WHERE x.key = :k AND d.kind = :kind LIMIT 1"
            ),
            {"k": key, "kind": kind},
        ).first()
    if row is None:
        return None
    meta = json.loads(row[0] or "{}")
    return {str(a[1]).lower() for a in meta.get("from", [])}, str(row[1]), str(row[2] or "")


def same_subject(
    vault: Vault, kind: str, subject: str, lo: datetime, hi: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """(external id, message meta) of messages of ``kind`` documents titled ``subject`` (the
    lower-case key: a title keeps its writer's case, compared here in lower case, which SQL's
    ``lower`` does not do beyond ASCII) sent between ``lo`` and ``hi``."""
    with vault.engine.connect() as c:
        return [
            (str(r[0]), json.loads(r[1] or "{}"))
            for r in c.execute(
                text(
                    "SELECT d.external_id, x.meta, d.title FROM document d JOIN entry x "
                    "ON x.document_id = d.id WHERE d.kind = :kind "
                    "AND x.ts BETWEEN :lo AND :hi AND x.kind = :kind"
                ),
                {"kind": kind, "lo": db_ts(lo), "hi": db_ts(hi)},
            )
            if str(r[2]).lower() == subject
        ]


def keys_held_elsewhere(vault: Vault, kind: str, external_id: str, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` entries of *other* ``kind`` documents already hold."""
    found: set[str] = set()
    with vault.engine.connect() as c:
        for i in range(0, len(keys), 500):
            part = list(keys[i : i + 500])
            marks = ", ".join(f":k{n}" for n in range(len(part)))
            found.update(
                str(r[0])
                for r in c.execute(
                    text(
                        "SELECT x.key FROM entry x JOIN document d ON d.id = x.document_id "
                        f"WHERE d.kind = :kind AND d.external_id != :x AND x.key IN ({marks})"
                    ),
                    {"kind": kind, "x": external_id, **{f"k{n}": k for n, k in enumerate(part)}},
                )
            )
    return found


def entry_texts(vault: Vault, kind: str, external_id: str) -> list[tuple[str, str, str]]:
    """(entry kind, author, text) of every entry of the ``kind`` document ``external_id``
    (empty when there is none)."""
    with vault.engine.connect() as c:
        return [
            (str(r[0]), str(r[1] or ""), str(r[2] or ""))
            for r in c.execute(
                text(
                    "SELECT x.kind, x.author, x.text FROM entry x JOIN document d "
                    "ON d.id = x.document_id WHERE d.kind = :kind AND d.external_id = :x"
                ),
                {"kind": kind, "x": external_id},
            )
        ]


__all__ = [
    "document_holding",
    "entry_texts",
    "keys_held_elsewhere",
    "same_subject",
    "stored_message",
]
