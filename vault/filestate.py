"""What the vault remembers about files on disk beyond their sources: where a growing file may be
re-read from, and which sources are read in place (no copy in blobs/). notes/0015."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from .records import OPEN_PROBLEM, parse_db_ts
from .store import Vault


@dataclass(frozen=True)
class Resume:
    offset: int  # a line start: re-read from here
    sha256: str  # of the file's bytes before ``offset``
    position: int  # the next entry position for its documents


def resume_point(vault: Vault, path: str) -> Resume | None:
    with vault.engine.connect() as c:
        r = c.execute(
            text(
                "SELECT resume_offset, resume_sha256, resume_position FROM file_state "
                "WHERE path = :p AND resume_offset IS NOT NULL AND status IN "
                "('ingested', 'partial', 'duplicate')"
            ),
            {"p": path},
        ).first()
    return None if r is None or r[1] is None else Resume(int(r[0]), str(r[1]), int(r[2] or 0))


def set_resume_point(vault: Vault, path: str, resume: Resume | None) -> None:
    """After a file's state is recorded (``Vault.set_file_state``): where to re-read it."""
    with vault.writer("file state"), vault.engine.begin() as c:
        c.execute(
            text(
                "UPDATE file_state SET resume_offset = :o, resume_sha256 = :h, "
                "resume_position = :n WHERE path = :p"
            ),
            {
                "o": None if resume is None else resume.offset,
                "h": None if resume is None else resume.sha256,
                "n": None if resume is None else resume.position,
                "p": path,
            },
        )


def next_position(vault: Vault, source_id: int) -> int:
    """One past the highest entry position of the documents a source wrote."""
    with vault.engine.connect() as c:
        return int(
            c.execute(
                text(
                    "SELECT COALESCE(MAX(e.position), -1) + 1 FROM entry e WHERE e.document_id "
                    "IN (SELECT document_id FROM source_document WHERE source_id = :s)"
                ),
                {"s": source_id},
            ).scalar_one()
        )


def keep_in_place(vault: Vault, source_id: int) -> None:
    """This source's bytes stay where they lie (a watched folder): no copy in blobs/."""
    with vault.writer("source"), vault.engine.begin() as c:
        c.execute(text("UPDATE source SET kept = 'in-place' WHERE id = :s"), {"s": source_id})


def unfinished_sources(vault: Vault) -> list[tuple[int, str, str, str]]:
    """(id, path, name, sha256) of sources failed, partial or interrupted (pending)."""
    with vault.engine.connect() as c:
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in c.execute(
                text(
                    "SELECT id, path, name, sha256 FROM source "
                    f"WHERE status = 'pending' OR ({OPEN_PROBLEM}) ORDER BY id"
                )
            )
        ]


def current_sources_saying(vault: Vault, words: str) -> list[tuple[str, str, str, datetime]]:
    """(path, name, sha256, the time of its version) of the sources read in part whose
    message says ``words`` and whose version is still the current one, oldest first."""
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT s.path, s.name, s.sha256, MAX(v.created_at) FROM source s "
                "JOIN source_document sd ON sd.source_id = s.id "
                "JOIN version v ON v.id = sd.version_id AND v.current "
                "WHERE s.status = 'partial' AND s.error LIKE :w "
                "GROUP BY s.id, s.path, s.name, s.sha256 ORDER BY s.id"
            ),
            {"w": f"%{words}%"},
        ).all()
    out = []
    for r in rows:
        if (when := parse_db_ts(r[3])) is not None:
            out.append((str(r[0]), str(r[1]), str(r[2]), when))
    return out


def current_note_sections(vault: Vault) -> list[tuple[str, str, str, datetime, str]]:
    """(path, name, sha256, the time of its version, a section's text) of every section of the
    notes' current versions, by source, oldest first: what a note says now, for a reader to
    look for lines that mean more once clients.toml changed."""
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT s.path, s.name, s.sha256, v.created_at, e.text FROM source s "
                "JOIN source_document sd ON sd.source_id = s.id "
                "JOIN version v ON v.id = sd.version_id AND v.current "
                "JOIN document d ON d.id = sd.document_id AND d.kind = 'note' "
                "JOIN entry e ON e.version_id = v.id AND e.kind = 'section' "
                "WHERE s.status IN ('ingested', 'partial') ORDER BY s.id, e.position"
            )
        ).all()
    out = []
    for r in rows:
        if (when := parse_db_ts(r[3])) is not None:
            out.append((str(r[0]), str(r[1]), str(r[2]), when, str(r[4])))
    return out


def pending_paths(vault: Vault) -> list[str]:
    """Paths of sources an interrupted writer left pending."""
    with vault.engine.connect() as c:
        return [
            str(r[0]) for r in c.execute(text("SELECT path FROM source WHERE status='pending'"))
        ]


__all__ = [
    "Resume",
    "current_note_sections",
    "current_sources_saying",
    "keep_in_place",
    "next_position",
    "pending_paths",
    "resume_point",
    "set_resume_point",
    "unfinished_sources",
]
