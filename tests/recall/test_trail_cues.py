"""Cue tags at sentence level on the trail (issue 17): the tag belongs to the sentence that
carries the cue, and a later version only carries the cues it added."""

from __future__ import annotations

from tests.conftest import write_note
from trailkeep.ingest import Ingestor
from trailkeep.recall import document_trail
from trailkeep.vault import Vault

FILLER = " ".join(f"The matching engine handles case {i} of the import." for i in range(40))


def version(n: int, extra: str) -> str:
    return (
        f"---\nid: essay\ndate: 2026-10-{10 + n:02d}\n---\n# Matching essay\n\n"
        f"{FILLER} Fuzzy name matching doesn't work for twins. {extra}\n"
    )


def test_a_dead_end_sentence_is_a_dead_end_once(vault: Vault) -> None:
    ing = Ingestor(vault)
    ing.ingest_file(write_note(vault.settings.inbox, "v1.md", version(1, "")))
    ing.ingest_file(write_note(vault.settings.inbox, "v2.md", version(2, "We add the clinic.")))
    ing.ingest_file(
        write_note(
            vault.settings.inbox,
            "v3.md",
            version(
                3, "**Decided 2026-10-20** on the call with Dana: match on record plus clinic."
            ),
        )
    )
    steps = document_trail(vault, 1)
    by_version = {s.hit.version: s for s in steps}
    assert set(by_version) == {1, 2, 3}
    v1, v2, v3 = by_version[1], by_version[2], by_version[3]
    assert "dead_end" in v1.tags
    assert [c["sentence"] for c in v1.cues if c["tag"] == "dead_end"] == [
        "Fuzzy name matching doesn't work for twins."
    ]
    # the sentence survived into v2 and v3: not a new dead end there
    assert "dead_end" not in v2.tags and "dead_end" not in v3.tags
    assert "decision" in v3.tags
    assert any("Decided 2026-10-20" in c["sentence"] for c in v3.cues)


def test_a_sections_heading_tags_it_in_the_vault(vault: Vault) -> None:
    """QA, session 8: "Portal login" had "## Dead end 1: WordPress plugin" and a prose
    "## Decision", and no tag at all; "Dayton pilot results" was a dead end for an upload the
    retry fixed."""
    note = (
        "# Portal login\n\n## Dead end 1: WordPress plugin\n\nA form plugin stored logs in "
        "the WordPress database.\n\n## Decision\n\nMagic links by email, with a 6-digit code."
        "\n\n## Pilot\n\nOn February 14 the upload failed because the key rotated; the retry "
        "at 03:00 worked.\n"
    )
    Ingestor(vault).ingest_file(write_note(vault.settings.inbox, "login.md", note))
    steps = document_trail(vault, document_trail_id(vault))
    # the title heading straight over its sections is no (empty) step of its own
    assert [s.hit.title for s in steps] == [
        "Portal login > Dead end 1: WordPress plugin",
        "Portal login > Decision",
        "Portal login > Pilot",
    ]
    tags = {s.hit.title.rsplit(" > ", 1)[-1]: s.tags for s in steps}
    assert tags["Dead end 1: WordPress plugin"] == ["dead_end"]
    assert tags["Decision"] == ["decision"]
    assert tags["Pilot"] == []


def document_trail_id(vault: Vault) -> int:
    (only,) = note_ids(vault)
    return only


def test_a_notes_front_matter_tags_label_all_of_it(vault: Vault) -> None:
    """``tags: [decision]`` in a note's front matter is the user's own label for the note (left
    unused until session 9); tags that name no trail tag label nothing."""
    note = (
        "---\ntags: [billing, Decision]\n---\n# Invoice numbering\n\n"
        "Numbers are gapless per year, and a credit note takes the next number.\n"
    )
    other = "---\ntags: [dead-end, open_question]\n---\n# Nightly sync\n\nSync over SFTP.\n"
    plain = "---\ntags: [billing]\n---\n# Rates\n\nThe rate is 120 an hour.\n"
    ing = Ingestor(vault)
    for name, text in (("numbering.md", note), ("sync.md", other), ("rates.md", plain)):
        ing.ingest_file(write_note(vault.settings.inbox, name, text))
    tags = {}
    for doc_id in note_ids(vault):
        for step in document_trail(vault, doc_id):
            tags[step.hit.title] = step.tags
    assert tags == {
        "Invoice numbering": ["decision"],
        "Nightly sync": ["dead_end", "open_question"],
        "Rates": [],
    }


def note_ids(vault: Vault) -> list[int]:
    from sqlalchemy import text

    with vault.engine.connect() as c:
        return [int(r.id) for r in c.execute(text("SELECT id FROM document WHERE kind = 'note'"))]
