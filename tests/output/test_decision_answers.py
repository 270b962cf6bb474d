"""'What did we decide …?' is answered by the passage that states the decision first (QA,
session 7: three messages asking about the format outranked the note that says "We decided")."""

from __future__ import annotations

from tests.conftest import write_note
from tests.output.test_drafts import seed
from trailkeep.ingest import Ingestor
from trailkeep.recall import ask
from trailkeep.vault import Filters, Vault

ASKING = (
    "From: Cara <cara@acme.example>\nTo: Sam <sam@consult.example>\n"
    "Subject: Re: claims export format\nDate: Mon, 1{i} Mar 2026 10:00:00 +0100\n"
    "Message-ID: <f{i}@acme.example>\n\nAbout the claims export format: should the format be "
    "CSV or JSON Lines or Parquet? The claims export format question is still open for us.\n"
)


def test_the_decision_is_cited_first(bvault: Vault) -> None:
    seed(bvault)
    inbox = bvault.settings.inbox
    for i in range(3):
        write_note(inbox, f"ask{i}.eml", ASKING.format(i=i))
    Ingestor(bvault).ingest_paths(sorted(inbox.glob("ask*.eml")))
    scoped = Filters(client="acme")
    a = ask(bvault, "What did we decide about the claims export format?", scoped)
    assert not a.abstained
    assert "We decided to ship the claims export as JSON Lines" in a.citations[0].quote
    # a question that asks for no decision keeps the search's order
    b = ask(bvault, "Is the claims export format question still open?", scoped)
    assert not b.abstained and "still open" in b.citations[0].quote


def test_an_offline_status_update_puts_the_decision_under_decisions(bvault: Vault) -> None:
    """QA, session 7: every section after the first said "See [1], [2], [3] above"; the
    decision note was listed under "Done" and "Decisions" pointed back at it."""
    from trailkeep.recall.draft import draft_doc

    seed(bvault)
    inbox = bvault.settings.inbox
    for i in range(3):
        write_note(inbox, f"ask{i}.eml", ASKING.format(i=i))
    Ingestor(bvault).ingest_paths(sorted(inbox.glob("ask*.eml")))
    acme = next(c for c in bvault.settings.clients if c.id == "acme")
    d = draft_doc(bvault, "status-update", "claims export", acme)
    decisions = d.text.split("## Decisions", 1)[1].split("## ", 1)[0]
    assert "We decided to ship the claims export as JSON Lines" in decisions
    done = d.text.split("## Done", 1)[1].split("## ", 1)[0]
    assert "We decided" not in done
