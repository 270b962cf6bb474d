"""Trail steps only where the topic is, each with what changed since the previous version and,
when a value or a decision was reversed, ``changed_mind`` (notes/0014); `diff` of versions."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tests.conftest import write_note
from tests.recall.test_timeline import write_essay
from tests.ui.test_cli import schema
from trailkeep.ingest import Ingestor
from trailkeep.recall import document_trail, topic_trail, trail_json
from trailkeep.recall.errors import TimelineError
from trailkeep.recall.timeline import diff, sentence_changes, when
from trailkeep.recall.trail import SAME_TIME, decision_reversed, value_changed, values
from trailkeep.vault import NotFound, Settings, Vault


def essay_trail(vault: Vault, tmp_path: Path, topic: str) -> list[dict[str, object]]:
    Ingestor(vault).ingest_paths(write_essay(tmp_path / "essay"))
    data = trail_json(topic, topic_trail(vault, topic))
    jsonschema.validate(data, schema("trail"))
    return data["steps"]  # type: ignore[no-any-return]


def test_steps_only_where_the_topic_appeared_changed_or_was_dropped(
    vault: Vault, tmp_path: Path
) -> None:
    # GIVEN one essay in 11 versions: "nightly export" is said in v3..v7, dropped in v8
    steps = essay_trail(vault, tmp_path, "nightly export")
    # THEN two steps, not one per version: where it appeared, and where it was dropped
    assert [(s["version"], s["topic_removed"]) for s in steps] == [(3, False), (8, True)]
    first, dropped = steps
    assert first["changed"] == {
        "added": ["The “nightly — export” runs at 2am."],
        "removed": [],
        "from_version": 2,
        "from_entry_id": first["changed"]["from_entry_id"],  # type: ignore[index]
    }
    assert first["unchanged_until"] == {
        "version": 7,
        "timestamp": "2024-07-08T00:00:00+00:00",
        "current": False,
        # the rest of the passage did change meanwhile: said (session 18)
        "rest_changed": {
            "added": [
                "The budget is $5,500.",
                "Patient matching uses the record number plus clinic.",
            ],
            "removed": ["The budget is $4,000."],
        },
    }
    assert dropped["changed"]["removed"] == ["The “nightly — export” runs at 2am."]  # type: ignore[index]
    assert dropped["changed"]["from_version"] == 7  # type: ignore[index]


def test_a_changed_value_is_a_changed_mind(vault: Vault, tmp_path: Path) -> None:
    steps = essay_trail(vault, tmp_path, "budget")
    assert [s["version"] for s in steps] == [1, 6]
    assert steps[0]["changed_mind"] is None
    assert steps[1]["changed_mind"] == {
        "from": "The budget is $4,000.",
        "from_date": "2024-01-02T00:00:00+00:00",  # when it was first said, not v5
        "to": "The budget is $5,500.",
        "to_date": "2024-06-07T00:00:00+00:00",
    }
    assert steps[1]["unchanged_until"]["current"] is True  # type: ignore[index]


def test_a_decision_taken_back_is_a_changed_mind(vault: Vault, tmp_path: Path) -> None:
    inbox = vault.settings.inbox
    write_note(
        inbox,
        "db-1.md",
        "---\nid: db\ndate: 2026-02-01\n---\n# Registry store\n\n"
        "We decided to use Postgres for the registry.\n",
    )
    write_note(
        inbox,
        "db-2.md",
        "---\nid: db\ndate: 2026-03-01\n---\n# Registry store\n\n"
        "We decided not to use Postgres for the registry; SQLite instead.\n",
    )
    # Arriving newest first: still placed by their dates.
    Ingestor(vault).ingest_paths([inbox / "db-2.md", inbox / "db-1.md"])
    steps = topic_trail(vault, "Postgres registry")
    assert [s.hit.version for s in steps] == [1, 2]
    m = steps[1].changed_mind
    assert m is not None and m["from"] == "We decided to use Postgres for the registry."
    assert (m["from_date"][:10], m["to_date"][:10]) == ("2026-02-01", "2026-03-01")
    assert steps[0].changed_mind is None and not steps[0].hit.current and steps[1].hit.current


def test_changed_mind_rules() -> None:
    assert values("Ship on March 3rd for $4,000 (20%) at 2pm.") == [
        "march 3rd",
        "$4,000",
        "20%",
        "2pm",
    ]
    assert value_changed("The deadline is March 3.", "The deadline is April 7.")
    assert value_changed("We bill 40 hours at 150 USD.", "We bill 45 hours at 150 USD.")
    # the same value, or another sentence that happens to hold a number, is no change of mind
    assert not value_changed("The deadline is March 3.", "The deadline is March 3 at the latest.")
    assert not value_changed("The deadline is March 3.", "We hired 3 more people for QA.")
    assert not value_changed("The budget is fine.", "The budget is fine, really.")
    assert decision_reversed(
        "We decided to match patients on record number.",
        "We decided to no longer match patients on record number alone.",
    )
    # QA, session 16: a decision taken back in other words than "not" or "instead"
    for taken_back in (
        "We decided against SFTP, we are using the API for the nightly export.",
        "We decided to switch from SFTP to the API for the nightly export.",
        "We ruled out SFTP; we decided on the API for the nightly export.",
        "We decided we are dropping SFTP for the nightly export and will use the API.",
    ):
        assert decision_reversed("We will use SFTP for the nightly export.", taken_back)
    assert not decision_reversed(  # about something else
        "We decided to use Postgres for the registry.",
        "We decided not to send the weekly report.",
    )
    assert not decision_reversed(  # no reversal word
        "We decided to use Postgres for the registry.",
        "We decided to use Postgres 16 for the registry.",
    )
    assert sentence_changes(["a", "b", "c"], ["a", "x", "c", "d"]) == (["x", "d"], ["b"])


def test_same_timestamp_is_said_and_document_trail_has_changes(
    vault: Vault, tmp_path: Path
) -> None:
    for i, body in enumerate(("We ship weekly.", "We ship weekly. We ship on Fridays.")):
        # `updated:` says when the text was written: two texts saying the same day tie (a
        # `date:` alone is when the note was begun, and an edit is placed by its file time)
        write_note(
            tmp_path, f"n{i}.md", f"---\nid: n\nupdated: 2026-05-01\n---\n# Ship\n\n{body}\n"
        )
        Ingestor(vault).ingest_file(tmp_path / f"n{i}.md")
    steps = topic_trail(vault, "ship weekly")
    assert [s.hit.version for s in steps] == [1, 2]
    assert steps[1].order_note == SAME_TIME and steps[0].order_note is None
    doc = steps[0].hit.document_id
    sections = [s for s in document_trail(vault, doc) if s.hit.kind == "section"]
    assert sections[1].changed["added"] == ["We ship on Fridays."]
    assert sections[0].changed == {}  # no version before it


def test_diff_of_versions(vault: Vault, tmp_path: Path) -> None:
    Ingestor(vault).ingest_paths(write_essay(tmp_path / "essay"))
    doc = when(vault, "budget").appearances[0].document_id
    d = diff(vault, doc)
    # only the front matter changed (front matter is not what a note says)
    assert (d.from_version, d.to_version, d.added, d.removed, d.unified) == (10, 11, [], [], "")
    d = diff(vault, doc, 7, 8)
    assert d.removed == ["The “nightly — export” runs at 2am."] and d.added == []
    assert d.as_json()["from_timestamp"] == "2024-07-08T00:00:00+00:00"
    with pytest.raises(TimelineError, match=r"versions 1\.\.11, not 12"):
        diff(vault, doc, 1, 12)
    with pytest.raises(NotFound):
        diff(vault, 9999)
    write_note(tmp_path, "one.md", "# One\n\nOnly once.\n")
    Ingestor(vault).ingest_file(tmp_path / "one.md")
    one = when(vault, "only once").appearances[0].document_id
    with pytest.raises(TimelineError, match=r"has one version: .* read once"):
        diff(vault, one)


def test_trail_page_shows_changes_and_the_when_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    import trailkeep.ui
    from tests.conftest import make_settings, server_env
    from trailkeep.ui import markup
    from trailkeep.vault import get_embedder, init_home

    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_paths(write_essay(tmp_path / "essay"))
    v.close()
    monkeypatch.setenv("TRAILKEEP_HOME", str(s.home))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    for k, val in server_env(s.home).items():  # the same vault when the tests use servers
        monkeypatch.setenv(k, val)
    page = Path(trailkeep.ui.__file__).resolve().parent / "views" / "trail.py"
    at = AppTest.from_file(str(page), default_timeout=60)
    at.run()
    at.text_input[0].set_value("budget").run()
    at.text_input[1].set_value("budget is $4,000").run()
    assert not at.exception, at.exception
    # as a reader sees it (user text on the page is escaped Markdown, issue #19)
    shown = markup.shown(
        "\n".join(str(x.value) for x in [*at.markdown, *at.warning, *at.caption, *at.code])
    )
    assert "Changed mind: “The budget is $4,000.” (2024-01-02)" in shown
    assert "+ The budget is $5,500." in shown and "unchanged through v11" in shown
    assert "**First:** 2024-01-02 — Essay v1" in shown and "**Last:** 2024-05-06" in shown
    assert "**In the current version:** no" in shown


def test_a_phrase_topic_has_steps_only_where_the_phrase_is(vault: Vault, tmp_path: Path) -> None:
    """A topic the history says word for word is that phrase: versions that share its words
    but not the phrase are no steps, and the version that dropped it is marked (QA, session
    10: every version that said "claims" and "export" was a step, the removal unmarked)."""
    files = []
    for i in range(6):
        said = ["The pipeline moves claims from intake to the export queue."]
        if i in (1, 2, 4):
            said.append("We run the nightly claims export at 2am.")
        said.append(f"Version marker {i}.")
        files.append(
            write_note(
                tmp_path,
                f"v{i}.md",
                f"---\nid: claims\ndate: 2026-09-0{i + 1}\n---\n# Claims\n\n{' '.join(said)}\n",
            )
        )
    Ingestor(vault).ingest_paths(files)
    steps = trail_json("x", topic_trail(vault, "nightly claims export"))["steps"]
    assert [(s["version"], s["topic_removed"]) for s in steps] == [
        (2, False),
        (4, True),
        (5, False),
        (6, True),
    ]


def test_a_section_whose_heading_says_the_phrase_is_a_step(vault: Vault, tmp_path: Path) -> None:
    """Review, session 10: in phrase mode a section whose heading says the phrase (its body
    does not) was dropped, though `when` counts the heading."""
    files = [
        write_note(
            tmp_path,
            "a.md",
            "---\ndate: 2026-03-01\n---\n# Kickoff\n\nThe nightly claims export runs at 2am.\n",
        ),
        write_note(
            tmp_path,
            "b.md",
            "---\ndate: 2026-03-10\n---\n# Ops log\n\n## Nightly claims export\n\nMoved to 3am: "
            "the clinic backup holds the table until then.\n",
        ),
    ]
    Ingestor(vault).ingest_paths(files)
    steps = topic_trail(vault, "nightly claims export")
    assert {s.hit.document for s in steps} == {"Kickoff", "Ops log"}


@pytest.mark.parametrize("named", ["title", "file"])
def test_a_renamed_note_still_revises_its_sections(
    vault: Vault, tmp_path: Path, named: str
) -> None:
    """One note (front-matter id) whose title changed, or which has no title and is kept as
    dated files (its title is each file's name): each section still revises the same section
    of the version before, so the trail shows what changed (QA, session 13)."""
    inbox = vault.settings.inbox
    for day, month in (("2026-01-06", "March"), ("2026-01-10", "April")):
        head = f"title: Hippo plan {day}\n" if named == "title" else ""
        body = f"---\nid: hippo\ndate: {day}\n{head}---\n\nThe hippo rollout starts in {month}.\n"
        body += "\n## Risks\n\nThe hippo vendor is late.\n"
        Ingestor(vault).ingest_file(write_note(inbox, f"hippo-{day}.md", body))
    steps = trail_json("hippo rollout", topic_trail(vault, "hippo rollout"))["steps"]
    assert [s["version"] for s in steps] == [1, 2]
    assert steps[1]["changed"]["removed"] == ["The hippo rollout starts in March."]  # type: ignore[index]
    assert steps[1]["changed_mind"]["to"] == "The hippo rollout starts in April."  # type: ignore[index]
    assert {"kind": "revises", "entry_id": steps[0]["entry_id"]} in steps[1]["links"]  # type: ignore[operator]
    # every section of the later version revises its own, and only its own
    risks = trail_json("hippo vendor", topic_trail(vault, "hippo vendor"))["steps"]
    assert [s["version"] for s in risks] == [1]  # said once, unchanged since


def ingest_edited_chat(vault: Vault) -> None:
    """A conversation whose message "The axolotl budget is 55k." was edited to "70k" a week
    later."""
    import json

    from tests.fixtures.chats import msg, node

    m = {
        "u1": node("u1", None, ["u2", "u2b"], msg("u1", "user", "Plan the budget.", 1767225600.0)),
        "u2": node("u2", "u1", [], msg("u2", "user", "The axolotl budget is 55k.", 1767225700.0)),
        "u2b": node(
            "u2b", "u1", [], msg("u2b", "user", "The axolotl budget is 70k.", 1767830400.0)
        ),
    }
    conv = {"title": "Budget", "create_time": 1767225600.0, "update_time": 1767830400.0}
    conv |= {"mapping": m, "current_node": "u2b", "id": "c1", "conversation_id": "c1"}
    p = vault.settings.inbox / "conversations.json"
    p.write_text(json.dumps([conv]))
    Ingestor(vault).ingest_file(p)


def test_an_edited_chat_message_changes_mind_from_when_it_was_sent(vault: Vault) -> None:
    """A chat edit has no earlier version: its changed mind dates the message it revises."""
    ingest_edited_chat(vault)
    steps = trail_json("axolotl budget", topic_trail(vault, "axolotl budget"))["steps"]
    mind = steps[-1]["changed_mind"]
    assert mind["from"] == "The axolotl budget is 55k."  # type: ignore[index]
    assert mind["from_date"] == "2026-01-01T00:01:40+00:00"  # type: ignore[index]
    assert mind["to_date"] == "2026-01-08T00:00:00+00:00"  # type: ignore[index]


def _revises(vault: Vault) -> tuple[list[tuple[int, int]], int]:
    """(position of the new entry, position of the entry it revises) of every revises link,
    and how many entries the current version has."""
    from sqlalchemy import text

    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT n.position, o.position FROM link l JOIN entry n ON n.id = l.from_entry_id "
                "JOIN entry o ON o.id = l.to_entry_id WHERE l.kind = 'revises' ORDER BY n.id"
            )
        ).all()
        n = c.execute(text("SELECT COUNT(*) FROM entry WHERE current")).scalar_one()
    return [(int(a), int(b)) for a, b in rows], int(n)


_LONG = " ".join(["word"] * 160)  # over half of MERGE_CHARS: blocks stay apart


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        (  # headings under a changed title
            "a.md",
            "---\ntitle: Spec\n---\nIntro.\n\n## Scope\n\nBilling.\n\n## Risks\n\nLate.\n",
            "---\ntitle: Spec v2\n---\nIntro!\n\n## Scope\n\nBilling, reports.\n\n## Risks\n\nLater.\n",
        ),
        (  # text before an H1 that equals the title: two parts, not one
            "ops.md",
            "Preamble.\n\n# ops\n\nBody one.\n",
            "Preamble two.\n\n# ops\n\nBody two.\n",
        ),
        (  # plain-text blocks (long enough not to be merged), under a title that changed
            "b.txt",
            f"Plan A\n\nFirst {_LONG}.\n\nSecond {_LONG}.\n\nThird {_LONG}.\n",
            f"Plan B\n\nFirst {_LONG}!\n\nSecond {_LONG}!\n\nThird {_LONG}!\n",
        ),
    ],
)
def test_each_part_revises_its_own_part_once(
    vault: Vault, name: str, first: str, second: str
) -> None:
    p = vault.settings.inbox / name
    p.write_text(first)
    Ingestor(vault).ingest_file(p)
    p.write_text(second)
    Ingestor(vault).ingest_file(p)
    links, parts = _revises(vault)
    assert parts >= 2 and len(links) == parts, links
    assert all(new == old for new, old in links), links


def test_a_note_read_once_has_no_change_between_its_paragraphs(vault: Vault) -> None:
    """Two parts of one version are two parts: no step says one changed into the other."""
    p = vault.settings.inbox / "zebra.txt"
    p.write_text(
        f"Zebra\n\nThe zebra budget is 50k. {_LONG}.\n\nThe zebra budget is 70k. {_LONG}.\n"
    )
    Ingestor(vault).ingest_file(p)
    steps = trail_json("zebra budget", topic_trail(vault, "zebra budget"))["steps"]
    assert len(steps) == 2, steps
    for st in steps:
        assert st["changed"]["from_version"] is None and st["changed_mind"] is None, st  # type: ignore[index]


def test_a_passage_kept_to_the_current_version_is_not_superseded_and_drafts_are_no_step(
    tmp_path: Path,
) -> None:
    """QA, session 14: `trail "exceptions file"` showed the decision's v1 "(superseded)" and not
    v2, which says the same about it (so the trail never said it was still current), and its
    last steps were two drafts made today quoting the history."""
    from click.testing import CliRunner

    from tests.conftest import server_env
    from trailkeep.ui.cli import main

    home, notes = tmp_path / "home", tmp_path / "notes"
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}

    def cli(*args: str) -> str:
        r = CliRunner().invoke(main, ["--home", str(home), *args], env=env, obj={})
        assert r.exit_code == 0, r.output
        return r.stdout

    cli("init")
    head = "---\nid: decision\ntitle: Export decision\ndate: 2026-03-02\n"
    body = "# Exceptions file\n\nWe decided to write the rows to an exceptions file. {who}\n"
    write_note(notes / "v1", "d.md", head + "---\n" + body.format(who="Raj reviews it."))
    write_note(
        notes / "v2", "d.md", head + "updated: 2026-03-04\n---\n" + body.format(who="Dana does.")
    )
    write_note(
        notes,
        "draft.md",
        "---\ntrailkeep_draft: d1\ndate: 2026-11-30\n---\n# Status\n\n"
        "“We decided to write the rows to an exceptions file.”\n",
    )
    cli("ingest", str(notes / "v1"))
    cli("ingest", str(notes / "v2"), str(notes / "draft.md"))
    out = cli("trail", "exceptions file")
    assert "(superseded)" not in out and "unchanged on it through v2, still current" in out, out
    assert "Status" not in out, out


def test_a_clipped_mail_steps_with_its_part_on_the_topic(vault: Vault) -> None:
    """QA, session 14: in a client's trail, a client's mail that also names another client was
    clipped to its own sentences, and the step quoted the last part: the signature."""
    from tests.recall.test_answerable import with_clients
    from trailkeep.vault import Filters

    with_clients(
        vault,
        '[[client]]\nname = "Equipe Ete"\nid = "ete"\ndomains = ["ete.example"]\n'
        '[[client]]\nname = "Mueller Soehne"\nid = "mueller"\n',
    )
    write_note(
        vault.settings.inbox,
        "m.eml",
        "From: Elodie <elodie@ete.example>\nTo: zoe@conseil.example\nSubject: Lancement\n"
        "Date: Tue, 29 Dec 2026 10:00:00 +0100\nMessage-ID: <ete-1@ete.example>\n\n"
        "Bonjour Zoe,\n\nNous avons choisi OVH pour l'hebergement, pour des raisons de cout.\n"
        "Notre directeur a entendu que Mueller Soehne utilise deja votre methode.\n\n"
        "Bien cordialement,\nElodie\nEquipe Ete\n",
    )
    Ingestor(vault).ingest_file(vault.settings.inbox / "m.eml")
    steps = topic_trail(vault, "OVH hebergement", Filters(client="ete"))
    assert [s.hit.quote for s in steps if s.hit.kind == "email"] == [
        "Nous avons choisi OVH pour l'hebergement, pour des raisons de cout."
    ]


def test_a_reply_dated_before_its_question_is_shown_after_it(vault: Vault) -> None:
    """QA, session 16: the answer's sender had a clock 40 minutes behind, so the trail told
    the answer before the question."""
    from trailkeep.recall.trail import CLOCK_BEHIND

    write_note(
        vault.settings.inbox,
        "q.eml",
        "From: Dana <dana@northwind.example>\nTo: sam@me.example\nSubject: Export window\n"
        "Date: Tue, 03 Mar 2026 10:00:00 +0000\nMessage-ID: <q1@northwind.example>\n\n"
        "Should the nightly export window start at 2am or 4am?\n",
    )
    write_note(
        vault.settings.inbox,
        "a.eml",
        "From: Sam <sam@me.example>\nTo: dana@northwind.example\nSubject: Re: Export window\n"
        "Date: Tue, 03 Mar 2026 09:20:00 +0000\nMessage-ID: <a1@me.example>\n"
        "In-Reply-To: <q1@northwind.example>\nReferences: <q1@northwind.example>\n\n"
        "The nightly export window starts at 2am.\n",
    )
    ing = Ingestor(vault)
    for name in ("q.eml", "a.eml"):
        ing.ingest_file(vault.settings.inbox / name)
    steps = topic_trail(vault, "nightly export window")
    said = [s.hit.quote for s in steps]
    assert len(said) == 2 and "2am or 4am" in said[0] and "starts at 2am" in said[1]
    assert steps[1].order_note == CLOCK_BEHIND and steps[0].order_note is None


def test_a_step_unchanged_on_its_topic_says_what_else_changed(vault: Vault) -> None:
    """QA, session 18: v1 "We will use OSRM … The depot in Drammen runs 42 trucks." and v2
    "We dropped OSRM; we will use Google OR-Tools …" (the trucks unchanged): the trail for the
    depot showed v1's passage, #decision, "unchanged on it through v2, still current" — the
    reversed decision as if current. The step now carries what else changed by v2."""
    for n, (day, engine) in enumerate(
        (
            ("2026-03-02", "We will use OSRM for route optimisation."),
            ("2026-03-20", "We dropped OSRM; we will use Google OR-Tools for route optimisation."),
        ),
        1,
    ):
        Ingestor(vault).ingest_file(
            write_note(
                vault.settings.inbox / f"v{n}",
                "routing.md",
                f"---\nid: routing\ndate: {day}\n---\n# Route planning\n\n## Engine\n\n"
                f"{engine} The depot in Drammen runs 42 trucks.\n",
            )
        )
    data = trail_json("Drammen depot trucks", topic_trail(vault, "Drammen depot trucks"))
    jsonschema.validate(data, schema("trail"))
    (step,) = data["steps"]
    assert step["unchanged_until"]["version"] == 2 and step["unchanged_until"]["current"]
    assert step["unchanged_until"]["rest_changed"] == {
        "added": ["We dropped OSRM; we will use Google OR-Tools for route optimisation."],
        "removed": ["We will use OSRM for route optimisation."],
    }


def test_a_when_question_is_dated_by_the_first_version_that_said_it(settings: Settings) -> None:
    """QA, session 18: v2 first said "We dropped OSRM", v3 kept it word for word; search keeps
    the newest copy, so "When did we drop OSRM?" was told v3's day, and `when` skipped v2."""
    from trailkeep.recall import ask
    from trailkeep.vault import get_embedder

    vault = Vault.open(settings, get_embedder("minilm"))  # topic passages are found by meaning

    for n, (day, engine) in enumerate(
        (
            ("2026-03-02", "We will use OSRM for route optimisation."),
            ("2026-03-20", "We dropped OSRM; we will use Google OR-Tools for route optimisation."),
            ("2026-04-02", "We dropped OSRM; we will use Google OR-Tools for route optimisation."),
        ),
        1,
    ):
        cutover = "Cutover moved to 5 May." if n == 3 else "Cutover is planned for 14 April."
        Ingestor(vault).ingest_file(
            write_note(
                vault.settings.inbox / f"v{n}",
                "routing.md",
                f"---\nid: routing\ndate: {day}\n---\n# Route planning\n\n## Engine\n\n"
                f"{engine}\n\n## Cutover\n\n{cutover}\n",
            )
        )
    got = when(vault, "drop OSRM")
    assert [h.version for h in got.appearances] == [1, 2, 3], got.searched
    a = ask(vault, "When did we drop OSRM?")
    assert not a.abstained
    assert a.citations[0].version == 2 and str(a.citations[0].timestamp)[:10] == "2026-03-20"
    assert "2026-03-20" in a.answer and "2026-04-02" not in a.answer
    vault.close()


def test_an_edited_chat_messages_citation_points_to_its_trail_not_diff(vault: Vault) -> None:
    """QA, session 18: an edited chat message was cited "superseded: `trailkeep diff
    --document 1 --from 1` shows what changed", and that command said the document has one
    version. A conversation grows in place: its trail shows the edit."""
    from trailkeep.recall import ask

    ingest_edited_chat(vault)
    a = ask(vault, "What is the axolotl budget?")
    assert any(not h.current for h in a.citations), a.answer
    assert "trailkeep diff" not in a.answer
    assert "edited or replaced later: `trailkeep trail --document" in a.answer


def test_a_search_up_to_a_day_does_not_rank_down_what_was_current_then(vault: Vault) -> None:
    """QA, session 18: `ask "What is the routing budget?" --until 2026-03-31` said the history
    doesn't say: the versions inside the window, ranked down as old, fell behind other notes.
    A version superseded only after the day is what was current then; one superseded inside
    the window is still old (review)."""
    from datetime import datetime

    from trailkeep.recall import search
    from trailkeep.vault import Filters

    for n, (day, budget) in enumerate(
        (("2026-03-02", "18,000"), ("2026-03-20", "24,500"), ("2026-04-02", "31,000")), 1
    ):
        Ingestor(vault).ingest_file(
            write_note(
                vault.settings.inbox / f"v{n}",
                "routing.md",
                f"---\nid: routing\ndate: {day}\n---\n# Route planning\n\n## Budget\n\n"
                f"The routing budget is {budget} EUR for the first phase.\n",
            )
        )
    for i in range(4):  # current notes as close to the words, and never superseded
        write_note(
            vault.settings.inbox,
            f"misc-{i}.md",
            f"---\ndate: 2026-03-1{i}\n---\n# Misc {i}\n\nThe routing budget question {i}.\n",
        )
    Ingestor(vault).ingest_paths(sorted(vault.settings.inbox.glob("misc-*.md")))
    window = Filters(until=datetime(2026, 3, 31))
    top = [h.quote for h in search(vault, "routing budget", k=4, filters=window)]
    # v2 was current on March 31 (v3 came after): first; v1, replaced on March 20, is old then
    assert "24,500" in top[0] and not any("31,000" in q for q in top), top
    until_dec = Filters(until=datetime(2026, 12, 31))
    later = [h.quote for h in search(vault, "routing budget", k=6, filters=until_dec)]
    assert "31,000" in later[0], later  # a window holding every version: today's first
