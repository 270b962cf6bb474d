"""What changed in a time (recall/changes.py): "what changed since May?" lists what the trail
recorded as decided or given up then, oldest first, in the scope asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import write_note
from tests.output.conftest import two_client_settings
from trailkeep.ingest import Ingestor
from trailkeep.recall.answer import ask
from trailkeep.recall.changes import asked_changes
from trailkeep.vault import Filters, Vault, get_embedder

TODAY = date(2026, 7, 15)
NAMES = ["acme", "Acme", "beta", "Beta"]


def utc(*ymd: int) -> datetime:
    return datetime(*ymd, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "span"),
    [
        ("what changed since May?", (utc(2026, 5, 1), utc(2026, 7, 16))),
        ("what happened in March?", (utc(2026, 3, 1), utc(2026, 4, 1))),
        ("what did we decide before May?", (utc(1900, 1, 1), utc(2026, 5, 1))),
        ("what happened last week?", (utc(2026, 7, 6), utc(2026, 7, 13))),
        # review, session 21: "since last week" runs to today, not to last Sunday
        ("anything new since last week?", (utc(2026, 7, 6), utc(2026, 7, 16))),
        ("What's new with Acme since last week?", (utc(2026, 7, 6), utc(2026, 7, 16))),
        ("what changed since yesterday?", (utc(2026, 7, 14), utc(2026, 7, 16))),
        ("what changed in 2025?", (utc(2025, 1, 1), utc(2026, 1, 1))),
        # a topic, no time, a day, two months, a side of a relative time: asked as any other
        ("what changed in the matching rule since May?", None),
        ("what changed?", None),
        ("why did the price change in May?", None),
        ("what changed since March 3?", None),
        ("what changed between March and May?", None),
        ("what changed from March to May?", None),
        ("what happened in May and June?", None),
        ("what happened before last week?", None),
    ],
)
def test_which_questions_ask_what_changed_and_when(
    question: str, span: tuple[datetime, datetime] | None
) -> None:
    assert asked_changes(question, NAMES, TODAY) == span


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("hash"))
    inbox = v.settings.inbox
    for name, client, day, body in (
        (
            "acme-april",
            "acme",
            "2026-04-20",
            "# Export\n\nDecided: nightly SFTP export for Acme.\n",
        ),
        (
            "acme-may",
            "acme",
            "2026-05-12",
            "# Scanner\n\nDoesn't work: the zebra scanners drop the batch at 500 rows.\n",
        ),
        (
            "acme-june",
            "acme",
            "2026-06-03",
            "# Batches\n\nDecided: batches of 200 rows.\n\n# Lunch\n\nThe canteen opens at noon.\n",
        ),
        ("beta-june", "beta", "2026-06-04", "# Pricing\n\nDecided: Beta pays per depot.\n"),
    ):
        write_note(inbox, f"{name}.md", f"---\nclient: {client}\ndate: {day}\n---\n{body}")
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    yield v
    v.close()


def test_what_changed_in_a_time_lists_what_was_decided_or_given_up_then(vault: Vault) -> None:
    """QA, session 20 leftover: "what changed since May?" said "your history doesn't say"."""
    a = ask(vault, "what changed since May?", Filters(client="acme"), today=TODAY)
    assert not a.abstained, a.reason
    quotes = [h.quote for h in a.citations]
    assert len(quotes) == 2 and "zebra scanners" in quotes[0] and "200" in quotes[1]
    assert "since May 1, 2026" in a.answer and "oldest first" in a.answer
    assert "Beta" not in a.answer and "SFTP" not in a.answer and "canteen" not in a.answer
    a = ask(vault, "what happened in June?", today=TODAY)  # no client: both clients'
    assert [h.client for h in a.citations] == ["acme", "beta"], a.answer
    a = ask(vault, "what did we decide before May?", Filters(client="acme"), today=TODAY)
    assert len(a.citations) == 1 and "SFTP" in a.citations[0].quote, a.answer
    a = ask(vault, "anything new in March?", Filters(client="acme"), today=TODAY)
    assert a.abstained and "tagged as a decision or a dead end" in a.reason


def test_what_changed_keeps_to_the_scope_the_dates_set_and_the_client_asked(
    vault: Vault,
) -> None:
    """Review, session 21: the page's Since/Until dates (naive) crashed the comparison with the
    question's window; in Acme's scope, "what changed for Beta since May?" listed Acme's."""
    page = Filters(client="acme", since=datetime(2026, 6, 1), until=datetime(2026, 7, 1))
    a = ask(vault, "what changed since May?", page, today=TODAY)
    assert not a.abstained and len(a.citations) == 1 and "200" in a.citations[0].quote
    a = ask(vault, "what changed for Beta since May?", Filters(client="acme"), today=TODAY)
    assert a.abstained and "outside this scope" in a.reason and "zebra" not in a.answer
    # which client the question names stays unsaid in Acme's view (new user's trial, session 29)
    assert "[another client]" in a.reason and "Beta" not in a.reason


def test_what_changed_lists_the_oldest_first_and_says_how_many_more(tmp_path: Path) -> None:
    """Review, session 21: the newest 32 were taken and then reversed — the oldest were never
    shown, and "24 more" counted wrong."""
    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("hash"))
    try:
        inbox = v.settings.inbox
        for i in range(36):  # more than the 32 looked at first
            day = date(2026, 5, 1) + timedelta(days=i)
            write_note(
                inbox,
                f"d{i:02}.md",
                f"---\nclient: acme\ndate: {day}\n---\n# Step {i}\n\n"
                f"Decided: step number {i} of the rollout.\n",
            )
        Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
        a = ask(v, "what changed since April?", Filters(client="acme"), today=TODAY)
        assert [h.quote.split("step number ")[1][:2].strip() for h in a.citations] == [
            str(i) for i in range(8)
        ]
        assert "up to 28 more tagged then" in a.answer
    finally:
        v.close()
