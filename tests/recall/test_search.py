from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.conftest import write_note
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.recall.dates import window
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
