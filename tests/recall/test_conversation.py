"""Retrieval over a conversation between named people: the turns around a hit, the person the
question names, and abstaining when that person only asked about someone else's story."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from trailkeep.ingest.chunking import chunk_document
from trailkeep.recall import search_detailed
from trailkeep.recall.answer import judge, tells_own_story
from trailkeep.recall.retrieval import named_authors
from trailkeep.vault import Filters, ParsedDocument, ParsedEntry, Vault

JAN = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
MAR = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

TURNS = [
    ("t1", "Melanie", JAN, "I ran a charity race for mental health last Saturday with my kids."),
    ("t2", "Caroline", JAN, "Wow! How did the charity race go for you and your kids?"),
    ("t3", "Melanie", JAN, "We raised four hundred dollars and I felt proud all weekend."),
    ("t4", "Caroline", JAN, "I painted a sunset over the lake for my art class this week."),
    ("t5", "Melanie", JAN, "Your painting is lovely, you really have a gift for painting!"),
    ("t8", "Melanie", JAN, "We finally adopted a puppy called Oscar."),
    ("t9", "Caroline", JAN, "A golden retriever! Congratulations on the new dog."),
    ("t6", "Caroline", MAR, "My favourite recipe is a spicy lentil soup with cumin."),
    ("t7", "Melanie", MAR, "Yum, that sounds tasty and warming."),
]


def _chat(vault: Vault) -> dict[str, int]:
    entries = []
    prev = None
    for i, (key, who, when, said) in enumerate(TURNS):
        entries.append(
            ParsedEntry(
                key=key,
                kind="message",
                text=said,
                position=i,
                title=who,
                author=who,
                timestamp=when,
                parent_key=prev,
            )
        )
        prev = key
    doc = ParsedDocument(
        kind="chat",
        external_id="chat:caroline-melanie",
        title="Caroline and Melanie",
        content_sha256="c-and-m",
        timestamp=JAN,
        entries=entries,
        versioned=False,
    )
    with vault.writer("test"):
        vault.write_document(doc, chunk_document(doc), None)
        vault.embed_pending()
    from sqlalchemy import text

    with vault.engine.connect() as c:
        return {str(r[1]): int(r[0]) for r in c.execute(text("SELECT id, key FROM entry"))}


def test_the_named_persons_own_turn_comes_first(vault: Vault) -> None:
    ids = _chat(vault)
    res = search_detailed(vault, "Did Caroline like painting?", k=5)
    assert res.named == "Caroline"
    assert res.hits[0].entry_id == ids["t4"]
    # Melanie's compliment shares the word "painting" but is not Caroline's own account.
    assert [h.entry_id for h in res.hits].index(ids["t5"]) > 0


def test_a_turn_is_found_through_the_reply_that_restates_it(vault: Vault) -> None:
    ids = _chat(vault)
    res = search_detailed(vault, "golden retriever", k=5)
    assert res.hits[0].entry_id == ids["t9"]
    # Melanie's turn shares no word with the question; the reply that names the breed lifts it
    # above every other turn that matches no keyword.
    unmatched = [h.entry_id for h in res.hits if h.chunk_id not in res.keyword_ids]
    assert unmatched[0] == ids["t8"]


def test_neighbours_obey_the_filters(vault: Vault) -> None:
    ids = _chat(vault)
    res = search_detailed(vault, "tasty and warming", k=10, filters=Filters(since=MAR))
    got = {h.entry_id for h in res.hits}
    assert ids["t7"] in got and ids["t6"] in got  # t6 is in March: a neighbour that passes
    assert not got & {ids[k] for k in ("t1", "t2", "t3", "t4", "t5", "t8", "t9")}
    res = search_detailed(vault, "tasty and warming", k=10, filters=Filters(until=MAR))
    assert ids["t7"] not in {h.entry_id for h in res.hits}


def test_abstains_when_the_named_person_only_asked_about_it(vault: Vault) -> None:
    _chat(vault)
    q = "How did Caroline feel after her charity race?"
    res = search_detailed(vault, q, k=10)
    strong, why = judge(vault, q, res)
    assert why is not None and "Caroline" in why and not strong
    # The same question about the person who ran it is answered.
    q = "How did Melanie feel after her charity race?"
    strong, why = judge(vault, q, search_detailed(vault, q, k=10))
    assert why is None and strong


@pytest.mark.parametrize(
    "quote,tells",
    [
        ("I ran a charity race last Saturday.", True),
        ("How did the race go for you? Was it fun?", False),
        ("Your painting is lovely, you really have a gift!", False),
        ("We went camping and my son loved it. The lake was calm. Have you been?", True),
        ("We went camping. Have you been?", False),  # half questions
        ("That is a lovely cake! [image: a photo of a cake]", False),  # about the other
        ("Ich bin gestern gelaufen.", True),  # the pronoun test only knows English
        ("Das Rennen war toll. Und du? Wie war's? Wann?", False),  # mostly questions
    ],
)
def test_tells_own_story(quote: str, tells: bool) -> None:
    assert tells_own_story(quote) is tells


def test_named_authors_whole_name_or_first_word() -> None:
    known = ["Jane Doe", "Tim", "Melanie"]
    assert named_authors("What did Jane say about the export?", known) == {"Jane Doe"}
    assert named_authors("what did jane doe decide", known) == {"Jane Doe"}
    assert named_authors("Timeline of the export", known) == set()
    assert named_authors("Did Tim and Melanie meet?", known) == {"Tim", "Melanie"}
    # a possessive names the person too (it missed 131 of LoCoMo's 885 answerable questions)
    assert named_authors("What is Melanie's dog called?", {"Melanie"}) == {"Melanie"}
    assert named_authors("When is Jane's birthday?", known) == {"Jane Doe"}


def test_chat_roles_are_not_people(vault: Vault) -> None:
    from trailkeep.vault.query import vault_authors

    roles = ["user", "assistant", "tool:browser", "unknown", "system"]
    doc = ParsedDocument(
        kind="chat",
        external_id="chat:roles",
        title="Export design",
        content_sha256="roles",
        timestamp=JAN,
        entries=[
            ParsedEntry(
                key=f"r{i}",
                kind="message",
                text=f"The unknown export tool step {i}.",
                position=i,
                title=r,
                author=r,
                timestamp=JAN,
            )
            for i, r in enumerate(roles)
        ],
        versioned=False,
    )
    with vault.writer("test"):
        vault.write_document(doc, chunk_document(doc), None)
        vault.embed_pending()
    assert vault_authors(vault) == []
    res = search_detailed(vault, "which unknown tool did the user and assistant pick?", k=5)
    assert res.named is None and res.hits
    _chat(vault)  # people appear as soon as a conversation between people is added
    assert set(vault_authors(vault)) == {"Caroline", "Melanie"}
