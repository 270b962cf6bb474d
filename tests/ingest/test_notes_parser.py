from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from trailkeep.ingest import ParseError
from trailkeep.ingest.parsers.notes import NotesParser, parse_when
from trailkeep.vault import Origin

ORIGIN = Origin(name="n.md", identity="clients/n.md", mtime=datetime(2025, 1, 2, tzinfo=UTC))


def parse(data: bytes | str, origin: Origin = ORIGIN):
    if isinstance(data, str):
        data = data.encode()
    return list(NotesParser().parse(io.BytesIO(data), origin=origin))


def test_front_matter_sections_and_wikilinks() -> None:
    (doc,) = parse(
        "---\nid: abc\ntitle: Acme import\nclient: Acme\nproject: registry\n"
        "updated: 1656000000000\nowner: sam\ntags: [a, b]\n---\n"
        "intro line\n\n# Acme import\n\nfirst\n\n## Plan\nsee [[acme.plan|Plan]] and ![[x#h]]\n"
        "```python\n# not a heading\nx = 1\n```\n### Sub\ndeep\n"
    )
    assert doc.external_id == "id:abc"
    assert doc.title == "Acme import"
    assert doc.client == "Acme" and doc.project == "registry"
    assert doc.timestamp == datetime.fromtimestamp(1656000000, tz=UTC)
    assert doc.meta["front_matter"] == {"owner": "sam"}
    assert doc.meta["tags"] == ["a", "b"]
    keys = [e.key for e in doc.entries]
    assert keys == [
        "Acme import",
        "Acme import #2",
        "Acme import > Plan",
        "Acme import > Plan > Sub",
    ]
    plan = doc.entries[2]
    assert "# not a heading" in plan.text  # code blocks kept, not split as headings
    assert plan.meta["wikilinks"][0]["target"] in ("acme.plan", "Plan")
    assert plan.meta["wikilinks"][1]["embed"] is True


def test_identity_falls_back_to_path_and_mtime() -> None:
    (doc,) = parse("# Title\n\nbody\n")
    assert doc.external_id == "path:clients/n.md"
    assert doc.title == "Title"
    assert doc.timestamp == ORIGIN.mtime


def test_broken_front_matter_is_kept_as_text_with_a_warning() -> None:
    (doc,) = parse("---\ntitle: [unclosed\n---\nbody text\n")
    assert "warnings" in doc.meta
    assert "front matter" in doc.meta["warnings"][0]
    assert doc.entries[0].kind == "front_matter" and "[unclosed" in doc.entries[0].text
    assert doc.entries[1].text == "body text"


@pytest.mark.parametrize(
    "data,msg",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00junk", "binary"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_bad_input_raises_parse_error(data: bytes, msg: str) -> None:
    with pytest.raises(ParseError, match=msg):
        parse(data)


def test_legacy_encoding_is_decoded() -> None:
    (doc,) = parse("# Café\n\nnaïve résumé\n".encode("cp1252"))
    assert doc.meta["encoding"] == "cp1252"
    assert "résumé" in doc.entries[0].text


def test_same_bytes_same_hash_other_bytes_other_hash() -> None:
    a = parse("# T\n\nx\n")[0].content_sha256
    b = parse("# T\n\nx\n")[0].content_sha256
    c = parse("# T\n\ny\n")[0].content_sha256
    assert a == b != c


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T10:00:00+02:00", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        (1656000000000, datetime.fromtimestamp(1656000000, tz=UTC)),
        (1656000000, datetime.fromtimestamp(1656000000, tz=UTC)),
        ("not a date", None),
        (None, None),
    ],
)
def test_parse_when(value: object, expected: datetime | None) -> None:
    got = parse_when(value)
    assert got == expected


def test_stub_note_with_only_front_matter_keeps_title_and_description() -> None:
    (doc,) = parse("---\nid: s1\ntitle: Journal\ndesc: Daily notes live below\n---\n")
    assert [e.kind for e in doc.entries] == ["stub"]
    assert doc.entries[0].text == "Journal\nDaily notes live below"


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-45", "2026-02-30 10:00:00"])
def test_an_impossible_front_matter_date_keeps_the_note(bad: str) -> None:
    """YAML reads `2026-02-30` as a timestamp and then fails on it: the note was lost with a
    parser crash (QA, session 5). It is kept, dated by its file name, with a warning, and the
    rest of its front matter (its client) still counts."""
    (doc,) = parse(
        f"---\ntitle: Bad date\ndate: {bad}\nclient: acme\n---\n\nThe capybara note.\n",
        Origin(name="2026-10-14.md", identity="notes/2026-10-14.md"),
    )
    assert doc.title == "Bad date" and doc.client == "acme"
    assert doc.timestamp is not None and doc.timestamp.date().isoformat() == "2026-10-14"
    assert any("is not a date" in w for w in doc.meta["warnings"])
    assert any("capybara" in e.text for e in doc.entries)
