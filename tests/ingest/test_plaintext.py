"""Plain text notes (.txt, .org, .rst), dates from file names, and no byte-order mark in text."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trailkeep.ingest import Ingestor, ParseError, registry
from trailkeep.ingest.parsers.notes import NotesParser, date_from_name
from trailkeep.ingest.parsers.plaintext import MERGE_CHARS, PlainTextParser, merge_blocks
from trailkeep.ingest.text import decode_text, text_lines
from trailkeep.vault import Origin, Vault, doctor
from trailkeep.vault.records import ParsedDocument

SAMPLES = Path(__file__).parent / "samples" / "plaintext"
MTIME = datetime(2027, 1, 5, 17, 30, tzinfo=UTC)


def parse(data: bytes | str, name: str, mtime: datetime | None = MTIME) -> ParsedDocument:
    if isinstance(data, str):
        data = data.encode()
    (doc,) = PlainTextParser().parse(
        io.BytesIO(data), origin=Origin(name=name, identity=f"notes/{name}", mtime=mtime)
    )
    return doc


def sample(name: str) -> ParsedDocument:
    return parse((SAMPLES / name).read_bytes(), name)


def test_a_daily_text_note() -> None:
    doc = sample("2026-10-14.txt")
    assert doc.kind == "note" and doc.versioned is True
    assert doc.external_id == "path:notes/2026-10-14.txt"
    assert doc.title == "Acme registry import, day log"
    # The date comes from the file name, not from the mtime (a day in 2027).
    assert doc.timestamp == datetime(2026, 10, 14, tzinfo=UTC)
    text = [e for e in doc.entries if e.kind == "section"]
    assert len(text) == 1  # short paragraphs merged into one passage
    assert "Morning call with Dana" in text[0].text and "Open question" in text[0].text
    assert "2h acme" not in text[0].text
    (work,) = [e for e in doc.entries if e.kind == "work"]
    assert work.meta["work"]["day"] == "2026-10-14" and work.client == "acme"
    assert "open_question" in text[0].tags


def test_an_org_journal_takes_title_and_date_from_its_keywords() -> None:
    doc = sample("journal.org")
    assert doc.title == "Globex billing journal"
    assert doc.timestamp == datetime(2026, 10, 12, 9, 30, tzinfo=UTC)
    assert doc.meta["format"] == "org" and doc.meta["keywords"] == {"filetags": ":globex:billing:"}
    body = "\n".join(e.text for e in doc.entries)
    assert "#+TITLE" not in body and "* Decision" in body and "#+RESULTS:" in body


def test_an_rst_title_sits_above_its_underline() -> None:
    doc = sample("deploy.rst")
    assert doc.title == "Deployment guide"
    assert doc.timestamp == MTIME  # no date in content or name: the mtime
    assert "``trailkeep restore``" in doc.entries[-1].text


def test_paragraphs_are_merged_up_to_a_passage_and_long_ones_stand_alone() -> None:
    blocks = [f"paragraph {i} " + "word " * 50 for i in range(20)] + ["x" * 4000, "tail"]
    merged = merge_blocks(blocks)
    assert all(len(m) <= MERGE_CHARS for m in merged if "x" * 4000 not in m)
    assert "x" * 4000 in merged and merged[-1] == "tail"
    assert "\n\n".join(merged) == "\n\n".join(blocks)  # nothing lost, order kept
    doc = parse("Title line\n\n" + "\n\n".join(blocks), "long.txt")
    assert [e.key for e in doc.entries][:2] == ["Title line #1", "Title line #2"]
    assert len(doc.entries) == len(merge_blocks(["Title line", *blocks]))


def test_bad_and_empty_text_notes_raise() -> None:
    with pytest.raises(ParseError, match="binary"):
        sample("broken.txt")
    with pytest.raises(ParseError, match="empty"):
        parse(" \n\n", "empty.txt")


def test_registry_picks_plain_text_for_txt_org_rst() -> None:
    registry.reset()
    for name in ("a.txt", "b.org", "c.RST"):
        assert registry.pick(name, b"hello").name == "plain-text-note"
    assert registry.pick("d.md", b"# x").name == "markdown-note"


def test_ingest_a_text_note(vault: Vault, ingestor: Ingestor) -> None:
    # GIVEN a daily log as a .txt in the inbox, saved a day later
    path = vault.settings.inbox / "2026-10-14.txt"
    path.write_bytes((SAMPLES / "2026-10-14.txt").read_bytes())
    later = datetime(2026, 10, 15, 8, 0, tzinfo=UTC).timestamp()
    os.utime(path, (later, later))
    # WHEN it is ingested
    out = ingestor.ingest_file(path)
    # THEN it is a note dated by its name
    assert out.status == "ingested" and out.documents == 1, out
    from sqlalchemy import text

    with vault.engine.connect() as c:
        kind, created = c.execute(
            text("SELECT kind, created_at FROM document WHERE external_id = :x"),
            {"x": "path:2026-10-14.txt"},
        ).one()
    assert kind == "note" and str(created).startswith("2026-10-14")
    assert doctor(vault).ok


# ---------------------------------------------------------------- dates from file names


@pytest.mark.parametrize(
    "name,day",
    [
        ("2026-10-14.md", date(2026, 10, 14)),
        ("20261014.txt", date(2026, 10, 14)),
        ("2026_10_14.md", date(2026, 10, 14)),  # Logseq journals
        ("2026.10.14.org", date(2026, 10, 14)),
        ("standup 2026-10-14 notes.md", date(2026, 10, 14)),
        ("journals/2026_10_14.md", date(2026, 10, 14)),
        ("2026-10.14.md", None),  # mixed separators: not a date
        ("2026-13-01.md", None),
        ("notes-12345678.md", None),
        ("v1.2.3.md", None),
        ("readme.md", None),
    ],
)
def test_date_from_name(name: str, day: date | None) -> None:
    assert date_from_name(name) == day


def _note(data: str, name: str, mtime: datetime | None = MTIME) -> ParsedDocument:
    (doc,) = NotesParser().parse(
        io.BytesIO(data.encode()), origin=Origin(name=name, identity=name, mtime=mtime)
    )
    assert isinstance(doc, ParsedDocument)
    return doc


def test_a_daily_markdown_note_is_dated_by_its_name() -> None:
    doc = _note("# Tuesday\n\n- 1h acme: review\n", "2026_10_14.md")
    assert doc.timestamp == datetime(2026, 10, 14, tzinfo=UTC)
    work = [e for e in doc.entries if e.kind == "work"]
    assert work[0].meta["work"]["day"] == "2026-10-14"
    # Saved the same day: the mtime gives the hour.
    same_day = datetime(2026, 10, 14, 18, 5, tzinfo=UTC)
    assert _note("# Tuesday\n", "2026-10-14.md", same_day).timestamp == same_day
    # Front matter still wins; no date anywhere: the mtime.
    assert _note("---\ndate: 2026-09-01\n---\nx\n", "2026-10-14.md").timestamp == datetime(
        2026, 9, 1, tzinfo=UTC
    )
    assert _note("# x\n", "ideas.md").timestamp == MTIME


# ---------------------------------------------------------------- byte-order marks


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"# Title\n\nbody\n",
        codecs.BOM_UTF8 + codecs.BOM_UTF8 + b"# Title\n\nbody\n",
        "\ufeff# Title\n\nbody\n".encode("utf-16"),  # a BOM, then an encoded U+FEFF
        "# Title\n\nbody\n".encode("utf-16-le"),  # no BOM at all
        "# Title\n\nbody\n".encode("utf-16-be"),
        codecs.BOM_UTF8 + "# Title\n\nbody café\n".encode("cp1252"),
    ],
)
def test_a_bom_never_hides_the_heading(data: bytes) -> None:
    text, _ = decode_text(data)
    assert "\ufeff" not in text and text.startswith("# Title")
    doc = _note_bytes(data)
    assert doc.title == "Title"


def _note_bytes(data: bytes) -> ParsedDocument:
    (doc,) = NotesParser().parse(io.BytesIO(data), origin=Origin(name="n.md", identity="n.md"))
    assert isinstance(doc, ParsedDocument)
    return doc


def test_bom_seams_inside_text_are_dropped() -> None:
    text, enc = decode_text(b"part one\n" + codecs.BOM_UTF8 + b"part two\n")
    assert enc == "utf-8" and text == "part one\npart two\n"
    doc = parse(codecs.BOM_UTF8 + b"Plain title\n\nbody", "bom.txt")
    assert doc.title == "Plain title"


# Pieces of text as files really hold them: ASCII, accents, a BOM (leading, or a seam between
# joined files), legacy bytes, CR/LF line ends, bytes cp1252 has no character for.
_PIECES = [
    b"date,client,hours,description\r\n",
    b"2026-10-01,acme,1.5,plain\n",
    "caf\u00e9 na\u00efve \u2014 \u201cquoted\u201d\n".encode(),
    codecs.BOM_UTF8,
    b"legacy caf\xe9 \x93quoted\x94\n",
    b"\r",
    b"\n\n",
    b"\x81",
    "\u4e2d\u6587\n".encode(),
    b"\xe4\xb8",  # a character cut in half
    b"x" * 70_000,
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_reading_line_by_line_decodes_as_reading_whole(parts: list[bytes]) -> None:
    """`text_lines` (the timesheet reads a file that way, never the whole text at once) gives
    the same text, encoding and error as `decode_text` on the whole bytes."""
    data = b"".join(parts)
    try:
        whole, encoding = decode_text(data, "f")
    except ParseError as exc:
        with pytest.raises(ParseError) as got:
            lines, _, _ = text_lines(io.BytesIO(data), "f")
            "".join(lines)
        assert str(got.value) == str(exc)
        return
    lines, enc, sha = text_lines(io.BytesIO(data), "f")
    assert ("".join(lines), enc) == (whole, encoding)
    assert sha == hashlib.sha256(data).hexdigest()
