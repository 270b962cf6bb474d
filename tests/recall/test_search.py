from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_note
from tests.fixtures.chats import msg, node
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.recall.dates import EARLIEST, window
from trailkeep.vault import Vault

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "q,start,end",
    [
        (
            "what did we decide in March?",
            datetime(2026, 3, 1, tzinfo=UTC),
            datetime(2026, 4, 1, tzinfo=UTC),
        ),
        (
            "notes from December",
            datetime(2025, 12, 1, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
        (
            "the March 2024 export",
            datetime(2024, 3, 1, tzinfo=UTC),
            datetime(2024, 4, 1, tzinfo=UTC),
        ),
        (
            "what happened last week",
            datetime(2026, 11, 9, tzinfo=UTC),
            datetime(2026, 11, 16, tzinfo=UTC),
        ),
        ("anything in 2024?", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)),
        # QA, session 16: a side of a month was read as the month
        ("what did we decide before October?", EARLIEST, datetime(2026, 10, 1, tzinfo=UTC)),
        ("until the end of March", EARLIEST, datetime(2026, 4, 1, tzinfo=UTC)),
        ("before December?", EARLIEST, datetime(2026, 12, 1, tzinfo=UTC)),  # this December
        (
            "what changed after September?",
            datetime(2026, 10, 1, tzinfo=UTC),
            datetime(2026, 11, 23, tzinfo=UTC),
        ),
        ("since March", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)),
        ("before 2025", EARLIEST, datetime(2025, 1, 1, tzinfo=UTC)),
        # a day after the month is a day: "the Sunday before October 25" is not "before October"
        (
            "the Sunday before October 25",
            datetime(2026, 10, 1, tzinfo=UTC),
            datetime(2026, 11, 1, tzinfo=UTC),
        ),
    ],
)
def test_date_windows(q: str, start: datetime, end: datetime) -> None:
    assert window(q, TODAY) == (start, end)


@pytest.mark.parametrize("q", ["may we export nightly?", "how does the import work?"])
def test_no_window(q: str) -> None:
    assert window(q, TODAY) is None


def test_date_boost_and_duplicate_suppression(vault: Vault) -> None:
    inbox = vault.settings.inbox
    write_note(
        inbox,
        "mar.md",
        "---\ndate: 2026-03-10\n---\n# Export plan\n\nThe export runs weekly on Sundays.\n",
    )
    write_note(
        inbox,
        "may.md",
        "---\ndate: 2026-05-10\n---\n# Export plan v2\n\nThe export runs nightly at two.\n",
    )
    write_note(
        inbox,
        "copy.md",
        "---\ndate: 2026-05-11\n---\n# Forwarded\n\nThe export runs nightly at two.\n",
    )
    ing = Ingestor(vault)
    for n in ("mar.md", "may.md", "copy.md"):
        ing.ingest_file(inbox / n)
    plain = search(vault, "when does the export run", k=5)
    quotes = [h.quote for h in plain]
    assert quotes.count("The export runs nightly at two.") == 1  # the pasted copy shows once
    march = search(vault, "when does the export run in March", k=5, today=TODAY)
    assert march[0].quote == "The export runs weekly on Sundays."


def test_a_lookup_for_a_rare_word_puts_the_passages_holding_it_first(
    vault: Vault, tmp_path: Path
) -> None:
    """A search-box lookup for a word one passage holds returns that passage first, ahead of
    the turns around it, which inherit its score and hold the word only in the context they
    were indexed with (QA, session 10: it came second or third)."""
    turns = [
        ("user", "Third prompt: add jitter to the backoff (third-prompt-ocelot)."),
        ("assistant", "Added jitter to the retry backoff."),
        ("user", "Fourth prompt: write the changelog entry (fourth-prompt-badger)."),
        ("assistant", "Wrote the changelog entry for the retry work."),
        ("user", "Fifth prompt: tidy the retry prompt code (fifth-prompt-gecko)."),
        ("assistant", "Tidied the prompt code after the changelog."),
    ]
    mapping: dict[str, Any] = {"root": node("root", None, ["t0"], None)}
    for i, (role, words) in enumerate(turns):
        kids = [f"t{i + 1}"] if i + 1 < len(turns) else []
        mapping[f"t{i}"] = node(
            f"t{i}", "root" if i == 0 else f"t{i - 1}", kids, msg(f"t{i}", role, words, 1.76e9 + i)
        )
    conv = {
        "id": "c-retry",
        "title": "Retry work",
        "create_time": 1.76e9,
        "update_time": 1.76e9 + 9,
        "current_node": f"t{len(turns) - 1}",
        "mapping": mapping,
    }
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    Ingestor(vault).ingest_file(path)
    for word in ("fourth-prompt-badger", "third-prompt-ocelot", "fifth-prompt-gecko"):
        hits = search(vault, word, k=5)
        assert word in hits[0].quote, (word, [h.quote for h in hits])
