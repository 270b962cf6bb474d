"""A red-team pass on confidentiality (QA, session 16): each case put one client's material
in another client's scope — search, and so `ask`, drafts, the page and MCP, which share
`recall.scope.admit` — while the product promised to fail closed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.chats import msg, node
from tests.ingest.test_attribution import CLIENTS, cli, clients_vault, open_vault, scope_of
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import Filters, Vault
from trailkeep.vault.clients import ClientDirectory, ClientSpec

NORTHWIND = ClientSpec(
    id="northwind",
    name="Northwind Home Health",
    aliases=("Northwind", "NWHH"),
    domains=("northwind.example",),
    people=("Dana Whitfield",),
    projects=("REDKITE",),
)
BLUEFIN = ClientSpec(
    id="bluefin",
    name="Bluefin Capital",
    aliases=("Bluefin",),
    domains=("bluefin.example",),
    people=("Oscar Brennan",),
)
CAFE = ClientSpec(
    id="cafe",
    name="Café Lumière",
    aliases=("O'Malley & Sons",),
    people=("José Ramírez", "Siobhan O'Neill"),
    billing_address="12 Quay Street, Leith\nEdinburgh EH6 6LX",
)


@pytest.mark.parametrize(
    ("said", "client"),
    [
        ("@Bluefin team said the budget is set", "bluefin"),  # a mention
        ("BRENNAN approved the pricing", "bluefin"),  # a surname in capitals
        ("The Blu\u0435fin team said so", "bluefin"),  # a Cyrillic е
        ("The \uff22\uff4c\uff55\uff45\uff46\uff49\uff4e team", "bluefin"),  # full-width
        ("The Blue\u034ffin team said so", "bluefin"),  # a combining grapheme joiner
        ("The Cafe Lumiere team said so", "cafe"),  # no accents
        ("Jose Ramirez said so", "cafe"),
        ("Ramirez said so", "cafe"),
        ("O\u2019Malley & Sons said so", "cafe"),  # the apostrophe Word types
        ("O'Malley and Sons said so", "cafe"),
        ("O'NEILL said so", "cafe"),
        ("The ACME-wide rollout".replace("ACME", "NWHH"), "northwind"),
        ("client = NwhhClient()".replace("Nwhh", "Redkite"), "northwind"),
        ("getBluefinDeals(); // the budget", "bluefin"),
        ("class BluefinLoader:", "bluefin"),
        ("Project Red Kite slipped again", "northwind"),  # a codename in capitals, as words
        ("the red-kite rollout", "northwind"),
        ("ping @danawhitfield on it", "northwind"),  # a long name joined
        ("the BluefinCapital deck", "bluefin"),
        # a person as a handle or mailbox name (blind trial, session 22: these reached
        # another client's draft and prompt)
        ("Send the capabilities deck to dana.whitfield", "northwind"),
        ("Ping @oscar.brennan about it", "bluefin"),
        ("ask jose.ramirez for the menu", "cafe"),
        ("sync with whitfield.dana about it", "northwind"),  # surname first, joined
        ("Whitfield, Dana: approved", "northwind"),
        ("cc d.whitfield on the rollout", "northwind"),  # an initial and the surname
        ("login dwhitfield expired", "northwind"),
        ("the o_brennan account", "bluefin"),
        # a client's id in lower case when it is no English word (session 22 leftover)
        ("ping northwind about the export", "northwind"),
        # the billing address of a client (its street line)
        ("drop the keys at 12 Quay Street, Leith", "cafe"),
    ],
)
def test_a_client_is_named_in_the_forms_people_write(said: str, client: str) -> None:
    directory = ClientDirectory((NORTHWIND, BLUEFIN, CAFE))
    assert directory.named_in(said) == [client]
    (found,) = directory.markers_in(said)
    assert found[1] in said  # the words as written, not as folded
    masked = directory.mask(said, "[X]")
    assert "[X]" in masked and directory.named_in(masked) == []


@pytest.mark.parametrize(
    "said",
    [
        "x@Bluefin is not an address we know",  # the part after "@" of an address
        "beta-testing the open-beta",
        "The acmes and accountability",
        "Will do, said the team",
        "a clear view of the north wind",  # an alias is not split into words
        "we met oscar. brennan was late",  # review: a sentence end is not a name's gap
        "brennan oscar, surname first as two words",
        # (a surname in lower case that spells no English word counts since session 25:
        # "d. whitfield" is Whitfield, fail closed)
        "the dwhitfields list",  # inside a longer word
    ],
)
def test_words_that_only_look_like_a_client_name_nobody(said: str) -> None:
    assert ClientDirectory((NORTHWIND, BLUEFIN, CAFE)).named_in(said) == []


def test_an_initial_and_surname_joined_into_a_word_is_that_word() -> None:
    """Review, session 23: "Tom Hanks" made "Thanks" a marker, "Dan Rivers" "drivers"."""
    people = ClientSpec(id="x", name="Xylo Co", people=("Tom Hanks", "Dan Rivers", "Sam Miles"))
    directory = ClientDirectory((people,))
    assert directory.named_in("Thanks for the drivers list, it smiles") == []
    assert directory.named_in("cc t.hanks and d_rivers") == ["x"]


def visible_to(v: Vault, client: str, query: str, needle: str) -> bool:
    return any(
        needle in h.quote or needle in h.title
        for h in search(v, query, k=20, filters=Filters(client=client))
    )


def test_a_section_headed_for_another_client_is_withheld_from_the_labelled_client(
    tmp_path: Path,
) -> None:
    v = clients_vault(tmp_path)
    note = tmp_path / "in" / "weekly.md"
    note.parent.mkdir()
    note.write_text(
        "---\nclient: northwind\n---\n# Northwind weekly\n\nDana confirmed the claims export.\n\n"
        "## Clearview Vision Therapy\n\nTheir budget is KESTREL7 for the rollout.\n"
    )
    Ingestor(v).ingest_file(note)
    assert not visible_to(v, "northwind", "budget rollout", "KESTREL7")
    assert not visible_to(v, "clearview", "budget rollout", "KESTREL7")
    assert visible_to(v, "northwind", "claims export", "claims export")
    v.close()


def test_a_daily_note_with_a_top_heading_per_client_serves_each_its_own_part(
    tmp_path: Path,
) -> None:
    """QA, session 16: the first of several top headings was taken as the note's title, so
    Clearview's part was "Northwind > Clearview" and withheld from Clearview too."""
    v = clients_vault(tmp_path)
    note = tmp_path / "in" / "2026-11-02.md"
    note.parent.mkdir()
    note.write_text(
        "# Northwind\n\nNorthwind asked for the retry window to be tripled.\n\n"
        "# Clearview\n\nClearview wants the portal to show exercise streaks.\n"
    )
    Ingestor(v).ingest_file(note)
    assert visible_to(v, "clearview", "exercise streaks", "exercise streaks")
    assert visible_to(v, "northwind", "retry window", "retry window")
    assert not visible_to(v, "northwind", "exercise streaks", "exercise streaks")
    assert not visible_to(v, "clearview", "retry window", "retry window")
    v.close()


def chat(title: str, turns: list[tuple[str, str]]) -> dict[str, object]:
    mapping: dict[str, object] = {"root": node("root", None, ["m1"], None)}
    for i, (role, said) in enumerate(turns, 1):
        children = [f"m{i + 1}"] if i < len(turns) else []
        mapping[f"m{i}"] = node(
            f"m{i}",
            "root" if i == 1 else f"m{i - 1}",
            children,
            msg(f"m{i}", role, said, 1770909600.0 + 60 * i),
        )
    return {
        "id": "c-both",
        "title": title,
        "create_time": 1770909600.0,
        "update_time": 1770910200.0,
        "current_node": f"m{len(turns)}",
        "mapping": mapping,
    }


def test_the_unnamed_turns_of_a_chat_titled_for_two_clients_are_in_neither_scope(
    tmp_path: Path,
) -> None:
    v = clients_vault(tmp_path)
    path = tmp_path / "conversations.json"
    conv = chat(
        "Clearview and Northwind pricing",
        [
            ("user", "Help me with Northwind's pricing first."),
            ("assistant", "For Northwind, start from the visit volume."),
            ("user", "Now the other one: their budget is OSPREY4 for the rollout."),
            ("assistant", "With OSPREY4 for the rollout, propose three tranches."),
        ],
    )
    path.write_text(json.dumps([conv]))
    Ingestor(v).ingest_file(path)
    assert scope_of(v, "OSPREY4") == {"!"}
    for client in ("northwind", "clearview"):
        assert not visible_to(v, client, "budget rollout tranches", "OSPREY4"), client
    v.close()


def test_a_template_reused_for_another_client_takes_none_of_its_old_figures_along(
    tmp_path: Path,
) -> None:
    """Three boilerplate sentences said again under the new label, the fourth — the old
    client's figure — not: the old version is neither client's (it went to the new one)."""
    v = clients_vault(tmp_path)
    note = tmp_path / "in" / "weekly-status.md"
    note.parent.mkdir()
    common = (
        "Attendees joined the weekly status call on time.\n"
        "We reviewed the open action items from last week.\n"
        "Next steps were agreed and owners were assigned.\n"
    )
    note.write_text(
        f"---\nclient: clearview\ndate: 2026-10-01\n---\n# Weekly status\n\n{common}"
        "The rollout budget is MERLIN9, approved by the board.\n"
    )
    Ingestor(v).ingest_file(note)
    assert visible_to(v, "clearview", "rollout budget", "MERLIN9")
    note.write_text(
        f"---\nclient: northwind\ndate: 2026-10-08\n---\n# Weekly status\n\n{common}"
        "The claims export moves to April.\n"
    )
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "MERLIN9") == {"!"}
    assert not visible_to(v, "northwind", "rollout budget", "MERLIN9")
    assert visible_to(v, "northwind", "claims export April", "April")
    v.close()


SHARED_FIRST_NAME = CLIENTS.replace('people = ["Dana Whitfield"]', 'people = ["Priya Shah"]')


def test_a_first_name_two_clients_share_withholds_a_general_note_from_both(
    tmp_path: Path,
) -> None:
    """notes/0013: "Priya" alone names neither client for attribution; read as the user's
    general material in one client's scope it may be the other's Priya, so it is withheld
    from both. In a client's own material, its Priya is its own."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(SHARED_FIRST_NAME)
    v = open_vault(home)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "call.md").write_text("# Call\n\nPriya said the FALCON3 budget is set.\n")
    (inbox / "nw.md").write_text(
        "---\nclient: northwind\n---\n# Northwind call\n\nPriya said the HARRIER5 budget is set.\n"
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    for client in ("northwind", "clearview"):
        assert not visible_to(v, client, "budget is set", "FALCON3"), client
    assert visible_to(v, "northwind", "budget is set", "HARRIER5")
    v.close()


@pytest.mark.parametrize(
    ("front", "client"),
    [("project: REDKITE", "northwind"), ("tags: [clearview, draft]", "clearview")],
)
def test_a_front_matter_project_or_tag_naming_a_client_is_its_label(
    tmp_path: Path, front: str, client: str
) -> None:
    v = clients_vault(tmp_path)
    home = v.settings.home
    v.close()
    (home / "clients.toml").write_text(
        CLIENTS.replace(
            'people = ["Dana Whitfield"]', 'people = ["Dana Whitfield"]\nprojects = ["REDKITE"]'
        )
    )
    v = open_vault(home)
    note = tmp_path / "in" / "budget.md"
    note.parent.mkdir()
    note.write_text(f"---\n{front}\n---\n# Budget\n\nThe team said the SHRIKE2 budget is set.\n")
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SHRIKE2") == {client}
    other = "clearview" if client == "northwind" else "northwind"
    assert not visible_to(v, other, "budget is set", "SHRIKE2")
    v.close()


def test_clients_toml_decides_what_an_assignment_cannot_give_away(tmp_path: Path) -> None:
    """`clients assign` gives what clients.toml does not decide; a key it does decide (an
    address at a client's domain, the domain, a label that is a client's name) is refused,
    to general material too (QA, session 16: each moved Clearview's mail or notes into
    Northwind's scope without a word)."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    v.close()
    for key, target in (
        ("priya@clearview.example", "--general"),
        ("clearview.example", "northwind"),
        ("label:clearview", "--general"),
        ("label:Clearview Vision Therapy", "northwind"),
    ):
        out = cli(home, "clients", "assign", key, target, code=1)
        assert "clients.toml" in out and "clearview" in out, (key, out)
    # what clients.toml does not decide is still the user's to give
    cli(home, "clients", "assign", "sam@consultant.example", "northwind")
    cli(home, "clients", "assign", "clearview.example", "clearview")
    # nor does `--remember` write it to Northwind's emails: an address at one client's domain
    # listed under another is under two clients, a clients.toml refused (blind trial, session
    # 22; it used to win over its domain, so a slip in clients.toml gave one client's mail away)
    out = cli(
        home, "clients", "assign", "priya@clearview.example", "northwind", "--remember", code=1
    )
    assert "belongs to two clients" in out and "'clearview.example'" in out
    assert "priya@clearview.example" not in (home / "clients.toml").read_text()
