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
