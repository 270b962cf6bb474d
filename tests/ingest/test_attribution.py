"""Attribution and scope (issue 15, notes/0013): who material belongs to, decided the same way
whatever order files and settings arrive in, and failing closed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_settings, server_env
from tests.fixtures.chats import msg, node
from trailkeep.billing import create_invoice, credit_invoice, issue_invoice, list_work
from trailkeep.ingest import Ingestor
from trailkeep.ingest.reattribution import ensure_current
from trailkeep.recall import search
from trailkeep.vault import ConfigError, Filters, Vault, get_embedder, init_home, load_settings
from trailkeep.vault.records import OPEN_PROBLEM, SCOPE_MIXED

CLIENTS = """
[[client]]
name = "Northwind Home Health"
id = "northwind"
aliases = ["Northwind", "NWHH"]
domains = ["northwind.example"]
people = ["Dana Whitfield"]
rate = "120.00"

[[client]]
name = "Clearview Vision Therapy"
id = "clearview"
aliases = ["Clearview"]
domains = ["clearview.example"]
people = ["Priya Raman"]
rate = "100.00"
"""


def mail(mid: str, frm: str, to: str, subject: str, body: str, reply: str = "") -> str:
    head = (
        f"From: {frm}\nTo: {to}\nSubject: {subject}\nDate: Tue, 13 Oct 2026 09:00:00 -0400\n"
        f"Message-ID: <{mid}>\n"
    )
    if reply:
        head += f"In-Reply-To: <{reply}>\nReferences: <{reply}>\n"
    return head + "\n" + body + "\n"


def open_vault(home: Path) -> Vault:
    s = make_settings(home, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    return Vault.open(s, get_embedder("hash"))


def clients_vault(tmp_path: Path) -> Vault:
    """A vault whose home has the two clients' clients.toml."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    return open_vault(home)


def rows(v: Vault, sql: str) -> list[tuple[object, ...]]:
    with v.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(sql))]


def cli(home: Path, *args: str, code: int = 0) -> str:
    """`trailkeep --home HOME ARGS…` in process; the exit code is checked."""
    from click.testing import CliRunner

    from trailkeep.ui.cli import main

    r = CliRunner().invoke(
        main,
        ["--home", str(home), *args],
        env={"TRAILKEEP_EMBEDDER": "hash", **server_env(home)},
        obj={},
    )
    assert r.exit_code == code, r.output
    return r.output


def drop_files(inbox: Path) -> None:
    """A small two-client inbox, as a new user has it: no [me], the consultant's own domain
    unknown to clients.toml."""
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "01_evv.eml").write_text(
        mail(
            "n1@northwind.example",
            "Dana Whitfield <dana@northwind.example>",
            "Sam <sam@samconsult.example>",
            "EVV export",
            "Can we move the EVV export to nightly?",
        )
    )
    (inbox / "02_re-evv.eml").write_text(
        mail(
            "s1@samconsult.example",
            "Sam <sam@samconsult.example>",
            "Dana Whitfield <dana@northwind.example>",
            "Re: EVV export",
            "Yes: Project Bluefinch runs the EVV export nightly at 2am from Monday.",
            reply="n1@northwind.example",
        )
    )
    (inbox / "2026-10-14.md").write_text(
        "# 2026-10-14\n\n- 2h northwind: EVV export schedule\n"
        "- 1.5h Clearview Vision Therapy: portal login fix\n"
    )
    (inbox / "musings.md").write_text(
        "# How I run discovery calls\n\nI always start with the data the team already has.\n"
    )
    conv = {
        "id": "conv-migration",
        "title": "Data migration idea",
        "create_time": 1760000000.0,
        "update_time": 1760000100.0,
        "current_node": "a1",
        "mapping": {
            "root": node("root", None, ["u1"], None),
            "u1": node(
                "u1",
                "root",
                ["a1"],
                msg("u1", "user", "How should NWHH migrate its visit data?", 1760000000.0),
            ),
            "a1": node(
                "a1",
                "u1",
                [],
                msg(
                    "a1", "assistant", "Stage Bluefinch tables first, then cut over.", 1760000050.0
                ),
            ),
        },
    }
    (inbox / "conversations.json").write_text(json.dumps([conv]))


def test_files_first_then_clients_toml_re_attributes_everything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    v = open_vault(home)
    drop_files(v.settings.inbox)
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    # GIVEN no clients.toml: nothing is anybody's, no client was made from a label, mail and
    # labelled work lines wait for review, the musing is general.
    assert rows(v, "SELECT COUNT(*) FROM client") == [(0,)]
    assert {str(r[0]) for r in rows(v, "SELECT scope FROM entry WHERE kind = 'email'")} == {"?"}
    assert all(i.client is None and i.problem for i in list_work(v))
    v.close()
    # WHEN clients.toml is written afterwards
    (home / "clients.toml").write_text(CLIENTS)
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}, home)
    v = Vault.open(s, get_embedder("hash"))
    assert ensure_current(v) is not None
    # THEN everything already stored is re-attributed
    scopes = dict(rows(v, "SELECT key, scope FROM entry WHERE kind IN ('email', 'message')"))
    assert scopes["n1@northwind.example"] == "northwind"
    # the consultant's reply (unknown domain, no [me]) to Northwind's listed people
    assert scopes["s1@samconsult.example"] == "northwind"
    # the chat names NWHH in one turn and only the codename in the other: both Northwind's
    assert scopes["u1"] == "northwind" and scopes["a1"] == "northwind"
    work = {i.client: i for i in list_work(v)}
    assert set(work) == {"northwind", "clearview"} and not any(i.problem for i in work.values())
    inv = create_invoice(v, "northwind", "2026-10")
    assert [ln.hours for ln in inv.lines] == ["2"]
    general = search(v, "discovery calls data", k=3, filters=Filters(client="clearview"))
    assert general and general[0].source == "musings.md"
    # Clearview's scope never sees Northwind's codename (the reply carries it)
    for q in ("EVV export nightly", "Bluefinch", "migrate visit data"):
        for h in search(v, q, k=10, filters=Filters(client="clearview")):
            assert "Bluefinch" not in h.quote and "EVV" not in h.quote
    v.close()


def test_work_attributed_late_bills_like_any_other(tmp_path: Path) -> None:
    """QA, session 9: work lines ingested before clients.toml kept their "unknown client"
    reason in the line itself: once credited they were unbillable for good, and editing
    another line of the same note flagged the billed, unchanged one as changed after billing."""
    home = tmp_path / "home"
    v = open_vault(home)
    day = v.settings.inbox / "2026-10-14.md"
    day.write_text("# 2026-10-14\n\n- 2h northwind: EVV export schedule\n- 1h clearview: login\n")
    sheet = v.settings.inbox / "hours.csv"
    sheet.write_text("date,client,hours,description\n2026-10-15,NWHH,1.5,Kickoff with Dana\n")
    Ingestor(v).ingest_paths([day, sheet])
    assert {i.problem for i in list_work(v)} == {
        "unknown client 'northwind' (not in clients.toml)",
        "unknown client 'clearview' (not in clients.toml)",
        "unknown client 'NWHH' (not in clients.toml)",
    }
    v.close()
    (home / "clients.toml").write_text(CLIENTS)
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}, home)
    v = Vault.open(s, get_embedder("hash"))
    assert ensure_current(v) is not None
    issued = issue_invoice(v, create_invoice(v, "northwind", "2026-10").id, date(2026, 11, 2))
    assert [ln.hours for ln in issued.lines] == ["2", "1.5"]
    # another line of the note changes: the billed one did not
    day.write_text("# 2026-10-14\n\n- 2h northwind: EVV export schedule\n- 1.5h clearview: login\n")
    Ingestor(v).ingest_paths([day])
    assert [i.flag for i in list_work(v, "northwind")] == [None, None]
    credit_invoice(v, issued.id, date(2026, 11, 3))
    assert [(i.problem, i.invoice_id) for i in list_work(v, "northwind")] == [(None, None)] * 2
    again = create_invoice(v, "northwind", "2026-10")
    assert [ln.hours for ln in again.lines] == ["2", "1.5"]
    assert [i.hours for i in list_work(v, "clearview", unbilled=True)] == ["1.5"]
    v.close()


@pytest.mark.parametrize("watcher", [False, True], ids=["command", "watcher"])
def test_work_written_with_a_dash_bills_once_clients_toml_names_its_client(
    tmp_path: Path, watcher: bool
) -> None:
    """Session 23 leftover: "- 1.5h northwind - travel" read before clients.toml was said to
    bill "once clients.toml names the client" — and never did: the note was not read again,
    and `status` kept the warning. It is read again by a command and by the watcher's next
    pass: its current version only (an edit since is what the note says), standing where that
    version stood; a line under no client's label stays a note's line."""
    home = tmp_path / "home"
    v = open_vault(home)
    inbox = v.settings.inbox
    day = inbox / "2026-10-14.md"
    first = "---\ndate: 2026-10-14\n---\n# Site visit\n\n- 1h standup - nothing new\n"
    day.write_text(first + "- 2h northwind: workshop\n- 9h northwind - a line deleted since\n")
    ingest = Ingestor(v)
    ingest.ingest_paths([day])
    # edited before clients.toml: the edit is what the note says (placed by its file time)
    day.write_text(first + "- 2h northwind: workshop\n- 1.5h northwind - travel to the office\n")
    ingest.ingest_paths([day])
    standup = inbox / "2026-10-15.md"  # only a line under no client's label: a note's line
    standup.write_text("# 2026-10-15\n\n- 1h standup - nothing new\n")
    ingest.ingest_paths([standup])
    undated = inbox / "loose-notes.md"  # no date but its file's
    undated.write_text("# Loose\n\n- 0.5h clearview - call with Priya\n")
    ingest.ingest_paths([undated])
    assert [i.hours for i in list_work(v)] == ["2"]
    edited_at = rows(v, "SELECT created_at FROM version WHERE current ORDER BY document_id")
    if watcher:
        (home / "clients.toml").write_text(CLIENTS)
        ingest.refresh()  # the watcher's pass: clients.toml changed on disk
        # a note dropped after it is read with the clients it names
        later = inbox / "2026-10-16.md"
        later.write_text("# 2026-10-16\n\n- 3h northwind - report\n")
        ingest.ingest_paths([later])
    else:
        v.close()
        (home / "clients.toml").write_text(CLIENTS)
        s = load_settings({"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}, home)
        v = Vault.open(s, get_embedder("hash"))
        assert ensure_current(v) is not None
    got = sorted((i.client, i.hours, i.description, i.problem) for i in list_work(v))
    want = [
        ("clearview", "0.5", "call with Priya", None),
        ("northwind", "1.5", "travel to the office", None),
        ("northwind", "2", "workshop", None),
    ]
    if watcher:
        want.append(("northwind", "3", "report", None))
    assert got == want
    # no problem left open: the standup note's reading is whole now, and says nothing
    assert rows(v, f"SELECT error FROM source WHERE {OPEN_PROBLEM}") == []
    # each reading stands where the version it read again stood
    now = rows(v, "SELECT created_at FROM version WHERE current ORDER BY document_id")
    assert now[: len(edited_at)] == edited_at
    versions = len(rows(v, "SELECT id FROM version"))
    # read once: the next pass finds nothing waiting, the same bytes are a duplicate
    assert (ingest.refresh() if watcher else ensure_current(v)) is None
    assert (ingest if watcher else Ingestor(v)).ingest_paths([day]).duplicates == 1
    assert len(rows(v, "SELECT id FROM version")) == versions
    v.close()


def test_a_reply_is_cited_as_its_own_file(tmp_path: Path) -> None:
    v = clients_vault(tmp_path)
    drop_files(v.settings.inbox)
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    hits = search(v, "Bluefinch nightly 2am Monday", k=5, filters=Filters(client="northwind"))
    sources = {h.quote.split(":")[0]: h.source for h in hits}
    assert sources["Yes"] == "02_re-evv.eml"  # the reply, not the thread's first file
    assert sources["Can we move the EVV export to nightly?"] == "01_evv.eml"
    v.close()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('[[client]]\nname = "Other"\naliases = ["Northwind"]\n', ["'Northwind'", "Other"]),
        ('[[client]]\nname = "Other"\ndomains = ["northwind.example"]\n', ["northwind.example"]),
        ('[[client]]\nname = "Other"\nid = "clearview"\n', ["'clearview'", "twice"]),
        # an address of one client's domain listed under another (blind trial, session 22)
        (
            '[[client]]\nname = "Other"\nemails = ["lee@eu.northwind.example"]\n',
            ["'lee@eu.northwind.example'", "'northwind.example'", "Other"],
        ),
        # a codename or a person under two clients (E2E trial, session 25: accepted, and the
        # codename's notes went to nobody without a word)
        (
            '[[client]]\nname = "Other"\nprojects = ["nwhh"]\n',
            ["project 'nwhh'", "Northwind Home Health", "Other"],
        ),
    ],
)
def test_an_ambiguous_clients_toml_is_refused_naming_both(
    tmp_path: Path, extra: str, words: list[str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS + "\n" + extra)
    with pytest.raises(ConfigError) as err:
        load_settings({}, home)
    msg_ = str(err.value)
    for w in words:
        assert w in msg_, msg_
    assert "Northwind Home Health" in msg_ or "Clearview Vision Therapy" in msg_


def test_every_ambiguity_of_a_clients_toml_is_named_at_once_as_written(tmp_path: Path) -> None:
    """Session 31: the refusal named the first clash only, and in the key the user never
    wrote ('cwm-eithin' for "Cwm Eithin"): fixing it showed the next. Each clash once, as
    written, so one edit mends the file."""
    home = tmp_path / "home"
    home.mkdir()
    extra = (
        '[[client]]\nname = "Other"\naliases = ["NorthWind!"]\n'
        'emails = ["dana@northwind.example", "ann@clearview.example"]\n'
    )
    (home / "clients.toml").write_text(CLIENTS + "\n" + extra)
    with pytest.raises(ConfigError) as err:
        load_settings({}, home)
    msg_ = str(err.value)
    assert "3 problems:" in msg_, msg_
    assert "'NorthWind!'" in msg_ and "'northwind'" not in msg_
    for address in ("'dana@northwind.example'", "'ann@clearview.example'"):
        assert msg_.count(address) == 1, msg_  # under two clients, said once
    assert msg_.rstrip().endswith("nothing is attributed until clients.toml is mended")


def test_a_duplicate_id_does_not_hide_the_rest_of_its_client(tmp_path: Path) -> None:
    """Review, session 31: after "client id appears twice" the client's own domains were not
    read, so its public mail domain came up only after the id was mended."""
    home = tmp_path / "home"
    home.mkdir()
    extra = '[[client]]\nname = "Dup"\nid = "clearview"\ndomains = ["gmail.com"]\n'
    (home / "clients.toml").write_text(CLIENTS + "\n" + extra)
    with pytest.raises(ConfigError) as err:
        load_settings({}, home)
    msg_ = str(err.value)
    assert "2 problems:" in msg_ and "appears twice" in msg_ and "public mail domain" in msg_


@pytest.mark.parametrize("mark", ["*", "?", "!"])
def test_a_client_with_the_id_of_a_scope_mark_is_refused(tmp_path: Path, mark: str) -> None:
    """Review, session 29: "*" is general material's mark (a draft for no client reads it): a
    client by that id would have its material read as general."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(f'[[client]]\nname = "Star Ltd"\nid = "{mark}"\n')
    with pytest.raises(ConfigError, match="Star Ltd"):
        load_settings({}, home)


def test_a_client_written_as_a_plain_table_is_refused_not_ignored(tmp_path: Path) -> None:
    """A new user's first guess at the format, [northwind], must not leave every client
    unknown in silence (its mail would be nobody's): the file is refused, saying how."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text('[northwind]\nname = "Northwind Home Health"\n')
    with pytest.raises(
        ConfigError, match=r"\[northwind\] is not a client: write each client as a \[\[client\]\]"
    ):
        load_settings({}, home)


def test_review_assign_and_me_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # Northwind is listed without its domain: its mail can't be resolved yet.
    (home / "clients.toml").write_text(CLIENTS.replace('domains = ["northwind.example"]\n', ""))
    v = open_vault(home)
    drop_files(v.settings.inbox)
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()

    def run(*args: str, code: int = 0) -> str:
        return cli(home, *args, code=code)

    review = json.loads(run("clients", "review", "--json"))
    groups = {g["key"]: g for g in review["groups"]}
    # the thread (Dana's message and the consultant's reply) is one group, under Dana
    assert len(groups["dana@northwind.example"]["items"]) == 2
    status = json.loads(run("status", "--json"))
    assert status["unattributed"]["entries"] >= 2
    run("clients", "assign", "dana@northwind.example", "northwind", "--remember")
    assert "dana@northwind.example" in (home / "clients.toml").read_text()
    review = json.loads(run("clients", "review", "--json"))
    assert "dana@northwind.example" not in {g["key"] for g in review["groups"]}
    v = open_vault(home)
    scopes = dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'"))
    assert set(scopes.values()) == {"northwind"}
    v.close()
    # The client's id is changed in clients.toml: refused while an assignment (or an invoice)
    # holds the old id, naming both — an assignment to an id no longer listed used to be
    # dropped without a word (session 18: a changed id split a client's billing in two).
    toml = (home / "clients.toml").read_text()
    (home / "clients.toml").write_text(toml.replace('id = "northwind"', 'id = "nwhh"'))
    out = run("status", code=1)
    assert "has the id 'nwhh'" in out and 'add id = "northwind"' in out
    (home / "clients.toml").write_text(
        toml.replace("dana@northwind.example", "x@elsewhere.example")
    )
    run("status")  # the address is no longer listed and the rule still says "northwind"
    v = open_vault(home)
    assert set(dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'")).values()) == {
        "northwind"
    }
    v.close()
    (home / "clients.toml").write_text(toml)
    me = json.loads(run("me", "--add", "Sam@SamConsult.example", "--json"))
    assert {"address": "sam@samconsult.example", "source": "config"} in me["addresses"]
    assert 'emails = ["sam@samconsult.example"]' in (home / "config.toml").read_text()


HARBOR_MESA = """
[[client]]
name = "Harbor Lights Dental"
id = "harbor"
domains = ["harborlights.example"]
people = ["Ken Whitfield", "Priya Sandoval"]

[[client]]
name = "Mesa Freight Logistics"
id = "mesa"
aliases = ["Bluebird"]
domains = ["mesafreight.example"]
people = ["Oren Blackwood", "Ken Adams"]
"""


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("sent to ken.whitfield@harborlights.example by mistake", {"harbor"}),
        ("the mail.harborlights.example relay", {"harbor"}),
        ("ideas for Harbor-Lights hygienists", {"harbor"}),
        ("harbor_lights_dental export", {"harbor"}),
        ("Whitfield liked the demo", {"harbor"}),
        ("Priya's hygienist schedule", {"harbor"}),
        ("Blackwood's team paid for it", {"mesa"}),
        ("Ken called about it", set()),  # a first name two clients' people share: not alone
        # a name part in lower case counts when it spells no English word (leak hunt,
        # session 25: "call with priya" left a note general); "will" and "mesa" stay words
        ("we will see whitfield later", {"harbor"}),
        ("call with priya about the hygienists", {"harbor"}),
        ("the Whitfields and the Blackwoods", {"harbor", "mesa"}),  # plurals
        ("lights on, will do", set()),
        ("notharborlights.example is someone else", set()),
        ("the harbor lights were on", {"harbor"}),  # "Harbor Lights": a leading part of a name
        ("a harbor and some lights", set()),
        # the id, as a proper noun, is the user's handle for the client (QA, session 19: a
        # "# Mesa" section of a daily note was another client's)
        ("# Mesa\n\nOpen question: who owns the depot data?", {"mesa"}),
        ("MESA asked again", {"mesa"}),
        ("a mesa in the desert", set()),
        ("met Har\u00adbor Lights today", {"harbor"}),  # a soft hyphen (QA, session 12)
        ("Black\u200bwood's team paid", {"mesa"}),  # a zero-width space
        ("Black\u2060wood and \ufeffHarbor Lights", {"harbor", "mesa"}),
        ("met Har&shy;bor Lights today", {"harbor"}),  # an HTML entity (leak hunt, session 25)
    ],
)
def test_what_names_a_client(tmp_path: Path, line: str, named: set[str]) -> None:
    """A client is named by its identifiers as people write them: inside an address, with a
    hyphen for a space, by one part of a person's name (QA round, session 5: each of these
    reached another client's scope before)."""
    from trailkeep.vault.clients import ClientDirectory, load_clients

    (tmp_path / "clients.toml").write_text(HARBOR_MESA)
    directory = ClientDirectory(load_clients(tmp_path / "clients.toml"))
    assert set(directory.named_in(line)) == named


def test_a_note_naming_another_clients_address_or_person_stays_out_of_scope(
    tmp_path: Path,
) -> None:
    """Sections that name Mesa and also Harbor (by an address at its domain, a hyphenated name,
    a surname) are in neither client's scope; a scope's own people's first names do not count
    as another client's."""
    home = tmp_path / "home"
    v = open_vault(home)
    try:
        (home / "clients.toml").write_text(HARBOR_MESA)
        v.settings = load_settings(server_env(home), home)
        note = tmp_path / "2026-11-06.md"
        note.write_text(
            "---\ntitle: Thursday\ndate: 2026-11-06\n---\n# Thursday\n\n"
            "## One\nBluebird test data was sent to ken.whitfield@harborlights.example by mistake.\n\n"
            "## Two\nBluebird ideas for Harbor-Lights hygienists.\n\n"
            "## Three\nBluebird pilot feedback: Whitfield liked the demo.\n\n"
            "## Four\nBluebird routing: Ken Adams signed off on the depot list.\n"
        )
        Ingestor(v).ingest_file(note)
        ensure_current(v)
        for client in ("mesa", "harbor"):
            hits = search(v, "Bluebird", k=20, filters=Filters(client=client))
            shown = " ".join(h.quote for h in hits).lower()
            for marker in ("harborlights", "harbor-lights", "whitfield"):
                assert marker not in shown, (client, marker, shown)
        mesa = " ".join(
            h.quote for h in search(v, "Bluebird", k=20, filters=Filters(client="mesa"))
        )
        assert "Ken Adams signed off" in mesa  # Mesa's own Ken is Mesa's
    finally:
        v.close()


MUELLER_SAKURA = """
[[client]]
name = "Müller & Söhne GmbH"
id = "mueller"
aliases = ["Müller"]
projects = ["Bergkristall"]
people = ["Jürgen Weiß"]

[[client]]
name = "さくら精機"
id = "sakura"
aliases = ["Sakura Seiki"]
people = ["田中 太郎"]

[[client]]
name = "Équipe Été SARL"
id = "ete"
aliases = ["Acme"]
"""


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("さくら精機との打ち合わせ：予算", {"sakura"}),  # no spaces around a Japanese name
        ("田中 太郎さんから電話", {"sakura"}),
        ("田中太郎さんから電話", {"sakura"}),  # the name written without its space
        ("田中さんの話", {"sakura"}),  # a surname in two signs
        ("Das Bergkristallprojekt braucht zwölf Server", {"mueller"}),  # a German compound
        ("die Müllers wollen es bis Freitag", {"mueller"}),  # a genitive
        ("Herr Weiß sagte zu", {"mueller"}),
        ("Weißbier im Biergarten", set()),  # a name part takes no suffix
        ("Acmes and other words", set()),  # a short name neither: it would catch words
        ("Sakura Seikis Angebot", {"sakura"}),
    ],
)
def test_a_name_is_found_in_scripts_without_spaces_and_inside_compounds(
    tmp_path: Path, line: str, named: set[str]
) -> None:
    """QA, session 14: a Japanese note naming さくら精機 or 田中 太郎, and a German one writing
    "Bergkristallprojekt" or "die Müllers", named nobody — general material, quoted in another
    client's draft. A name in a script without spaces has no word boundary; a Latin name of five
    letters or more may carry a suffix."""
    from trailkeep.vault.clients import ClientDirectory, load_clients

    (tmp_path / "clients.toml").write_text(MUELLER_SAKURA)
    directory = ClientDirectory(load_clients(tmp_path / "clients.toml"))
    assert set(directory.named_in(line)) == named


def test_an_accented_domain_is_its_punycode_form_and_back(tmp_path: Path) -> None:
    """QA, session 14: clients.toml listing "müller-soehne.de" did not claim mail from
    "@xn--mller-soehne-dlb.de" (the form headers carry), nor the other way round."""
    from trailkeep.vault.clients import ClientDirectory, load_clients

    (tmp_path / "clients.toml").write_text(
        '[[client]]\nname = "Müller"\nid = "mueller"\ndomains = ["müller-soehne.de"]\n'
        '[[client]]\nname = "Été"\nid = "ete"\ndomains = ["xn--t-9fab.fr"]\n'
        'emails = ["anne@xn--t-9fab.fr"]\n'
    )
    d = ClientDirectory(load_clients(tmp_path / "clients.toml"))
    assert d.by_address("juergen@xn--mller-soehne-dlb.de") == "mueller"
    assert d.by_address("juergen@müller-soehne.de") == "mueller"
    assert d.by_address("anne@été.fr") == "ete"
    assert d.named_in("mail to info@xn--mller-soehne-dlb.de") == ["mueller"]
    assert d.named_in("see été.fr for it") == ["ete"]


def test_a_japanese_or_compound_mention_keeps_a_note_out_of_other_scopes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    v = open_vault(home)
    try:
        (home / "clients.toml").write_text(MUELLER_SAKURA)
        v.settings = load_settings(server_env(home), home)
        for name, body in {
            "ja-memo.md": "# 電話メモ\n\n田中 太郎さんから電話：検査ラインの予算は800万円に決まりました。\n",
            "de-memo.md": "# Serverplanung\n\nDas Bergkristallprojekt braucht zwölf Server.\n",
        }.items():
            (tmp_path / name).write_text(body)
            Ingestor(v).ingest_file(tmp_path / name)
        ensure_current(v)
        for client, absent in (("mueller", "800万円"), ("ete", "800万円"), ("ete", "zwölf")):
            hits = search(v, "検査ライン 予算 Server zwölf", k=20, filters=Filters(client=client))
            assert absent not in " ".join(h.quote for h in hits), client
        sakura = search(v, "検査ライン 予算", k=20, filters=Filters(client="sakura"))
        assert any("800万円" in h.quote for h in sakura)  # its own client still sees it
    finally:
        v.close()


def test_a_public_mail_domain_is_nobodys(tmp_path: Path) -> None:
    """Two strangers writing from gmail.com are two correspondents in the review queue, not
    one organisation; gmail.com cannot be assigned to a client, nor listed as its domain (QA,
    session 5: Priya's personal address and an unrelated sender were one group)."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    for n, who in enumerate(("priya.home@gmail.example", "tom.baker77@gmail.example")):
        (v.settings.inbox / f"g{n}.eml").write_text(
            mail(f"g{n}@gmail.example", who, "sam@samconsult.example", f"Hello {n}", "Hi Sam.")
        )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()

    def run(*args: str, code: int = 0) -> str:
        return cli(home, *args, code=code)

    keys = {g["key"] for g in json.loads(run("clients", "review", "--json"))["groups"]}
    assert {"priya.home@gmail.example", "tom.baker77@gmail.example"} <= keys
    assert "gmail.example" not in keys
    assert "public mail domain" in run("clients", "assign", "gmail.example", "clearview", code=1)
    run("clients", "assign", "priya.home@gmail.example", "clearview")  # the address is fine
    (home / "clients.toml").write_text(
        CLIENTS.replace('domains = ["clearview.example"]', 'domains = ["gmail.example"]')
    )
    assert "public mail domain" in run("status", code=1)


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        ("gmail.com", True),
        ("outlook.co.uk", True),
        ("yahoo.co.jp", True),
        ("gmx.de", True),
        ("mail.acme.com", False),  # a company's mail host is the company's
        ("acme.co.uk", False),
        ("harborlights.example", False),
    ],
)
def test_public_mail_domains(domain: str, public: bool) -> None:
    from trailkeep.vault.clients import public_mail_domain

    assert public_mail_domain(domain) is public


def test_a_message_to_two_clients_is_offered_for_review(tmp_path: Path) -> None:
    """A message addressed to both clients' people is in neither client's scope (``!``); the
    review queue offers it, message by message, to be given to one of the clients it names —
    never to "general", never to a client it does not name."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(
        CLIENTS + '\n[[client]]\nname = "Bluefinch Labs"\nid = "bluefinch"\n'
        'domains = ["bluefinch.example"]\n'
    )
    v = open_vault(home)
    v.settings.inbox.mkdir(parents=True, exist_ok=True)
    (v.settings.inbox / "1.eml").write_text(
        mail(
            "b1@samconsult.example",
            "Sam <sam@samconsult.example>",
            "Dana Whitfield <dana@northwind.example>, Priya Raman <priya@clearview.example>",
            "Shared vendor call",
            "Both of you use the same SMS vendor; shall we meet together on Friday?",
        )
    )
    # a reply in the same thread, to Clearview and Bluefinch: not Northwind's, whatever is
    # decided about the first message
    (v.settings.inbox / "2.eml").write_text(
        mail(
            "b2@samconsult.example",
            "Sam <sam@samconsult.example>",
            "Priya Raman <priya@clearview.example>, Ola <ola@bluefinch.example>",
            "Re: Shared vendor call",
            "Clearview and Bluefinch pricing is confidential; Friday works.",
            reply="b1@samconsult.example",
        )
    )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    ids = dict(rows(v, "SELECT key, id FROM entry WHERE kind = 'email'"))
    first, second = ids["b1@samconsult.example"], ids["b2@samconsult.example"]
    assert set(dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'")).values()) == {"!"}
    v.close()

    def run(*args: str, code: int = 0) -> str:
        return cli(home, *args, code=code)

    groups = {g["key"]: g for g in json.loads(run("clients", "review", "--json"))["groups"]}
    g1, g2 = groups[f"message:{first}"], groups[f"message:{second}"]
    assert g1["several_clients"] and g1["suggested_client"] is None
    assert g1["clients"] == ["clearview", "northwind"]
    assert g2["clients"] == ["bluefinch", "clearview"]
    assert g1["items"][0]["subject"] == "Shared vendor call"
    assert g1["items"][0]["from"] == "sam@samconsult.example"
    assert json.loads(run("status", "--json"))["unattributed"]["entries"] >= 2
    out = run("clients", "assign", g1["key"], "--general", code=1)
    assert "several clients" in out and "one of them" in out
    run("clients", "assign", g1["key"], "--remember", "clearview", code=2)
    out = run("clients", "assign", g2["key"], "northwind", code=1)
    assert "not northwind's" in out and "bluefinch, clearview" in out
    run("clients", "assign", g1["key"], "Northwind")
    v = open_vault(home)
    scopes = dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'"))
    assert scopes["b1@samconsult.example"] == "northwind"
    # the reply is still nobody's: Northwind never sees Bluefinch's pricing
    assert scopes["b2@samconsult.example"] != "northwind"
    hits = search(v, "shared SMS vendor Friday", k=3, filters=Filters(client="northwind"))
    assert hits and all("pricing" not in h.quote for h in hits)
    v.close()
    run("clients", "assign", "message:999999", "northwind", code=1)
    # the user's choice holds when clients.toml changes and everything is re-resolved
    toml = (home / "clients.toml").read_text()
    (home / "clients.toml").write_text(toml.replace('"NWHH"]', '"NWHH", "North Wind"]'))
    run("status")
    v = open_vault(home)
    scopes = dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'"))
    assert scopes["b1@samconsult.example"] == "northwind"
    v.close()


@pytest.mark.parametrize(("key", "example"), [("rate", '"150.00"'), ("tax_rate", '"0.0825"')])
def test_a_money_setting_written_as_a_float_is_refused_with_an_example_of_its_kind(
    tmp_path: Path, key: str, example: str
) -> None:
    """A float would round money; the error shows a string of the right kind (QA: a tax rate
    was asked for "like 150.00")."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(f'[[client]]\nname = "Acme"\n{key} = 0.5\n')
    with pytest.raises(ConfigError, match=f"{key} must be a string like {example}"):
        load_settings({}, home)


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("rate", "NaN", "not a number"),
        ("rate", "Infinity", "not a number"),
        ("rate", "-95.00", "negative"),
        ("tax_rate", "20", "a fraction, not a percentage"),
        ("tax_rate", "-0.1", "negative"),
    ],
)
def test_a_money_setting_that_is_no_rate_is_refused(
    tmp_path: Path, key: str, value: str, why: str
) -> None:
    """QA, session 12: "NaN" crashed `invoice create` and the briefing; a negative rate made a
    negative invoice; "20" taxed at 2000 %."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(f'[[client]]\nname = "Acme"\n{key} = "{value}"\n')
    with pytest.raises(ConfigError, match=why):
        load_settings({}, home)


def test_review_groups_each_correspondent_under_their_own_address(tmp_path: Path) -> None:
    """QA, session 7: a third party's message in a thread, written to others too, was listed
    under the thread opener's address, and assigning that address left it unassigned. It is
    its own group; the consultant's reply to the opener goes with the opener. The date shown
    is the message's own (a 23:30 -0500 message is on the 17th, not UTC's 18th)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS.replace('domains = ["northwind.example"]\n', ""))
    v = open_vault(home)
    inbox = v.settings.inbox
    drop_files(inbox)
    (inbox / "03_re-evv.eml").write_text(
        mail(
            "x1@vendor.example",
            "Lee Park <lee@vendor.example>",
            "Ops <ops@vendor.example>, Dana Whitfield <dana@northwind.example>",
            "Re: EVV export",
            "Our side can send the file at 2am too.",
            reply="s1@samconsult.example",
        ).replace("Tue, 13 Oct 2026 09:00:00 -0400", "Tue, 17 Nov 2026 23:30:00 -0500")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    v.close()
    groups = {g["key"]: g for g in json.loads(cli(home, "clients", "review", "--json"))["groups"]}
    assert [i["from"] for i in groups["dana@northwind.example"]["items"]] == [
        "dana@northwind.example",
        "sam@samconsult.example",
    ]
    assert [(i["from"], i["date"]) for i in groups["lee@vendor.example"]["items"]] == [
        ("lee@vendor.example", "2026-11-17")
    ]


def test_review_names_the_sender_and_suggests_the_client_of_their_person(tmp_path: Path) -> None:
    """One of a client's people writing from a personal address stays nobody's (no guess),
    and the queue shows their name and suggests the client whose person they are."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    v = open_vault(home)
    (v.settings.inbox / "g.eml").write_text(
        mail(
            "g1@gmail.example",
            "Dana Whitfield <dana.w71@gmail.com>",
            "Sam <sam@samconsult.example>",
            "Board deck",
            "Can you send the board deck tonight?",
        )
    )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()
    groups = {g["key"]: g for g in json.loads(cli(home, "clients", "review", "--json"))["groups"]}
    g = groups["dana.w71@gmail.com"]
    assert g["items"][0]["name"] == "Dana Whitfield" and g["suggested_client"] == "northwind"
    shown = cli(home, "clients", "review")
    assert "dana.w71@gmail.com (Dana Whitfield)" in shown and "looks like northwind" in shown


def test_a_clients_mail_to_another_clients_people_waits_for_review(tmp_path: Path) -> None:
    """New user's trial, session 32: Priya (Clearview) wrote to Dana (Northwind), the user in
    copy — it was Clearview's, "waiting on you" in Clearview's briefing, and a reply draft
    answered her. It is the two clients' business: in neither's scope until the user decides;
    the same sender's mail to the user alone stays Clearview's."""
    v = clients_vault(tmp_path)
    (v.settings.inbox / "x.eml").write_text(
        mail(
            "x1@clearview.example",
            "Priya Raman <priya@clearview.example>",
            "Dana Whitfield <dana@northwind.example>, Sam <sam@samconsult.example>",
            "Coffee on Thursday?",
            "Dana, shall we compare notes on Thursday?",
        )
    )
    (v.settings.inbox / "y.eml").write_text(
        mail(
            "y1@clearview.example",
            "Priya Raman <priya@clearview.example>",
            "Sam <sam@samconsult.example>",
            "Portal login",
            "The portal login works now.",
        )
    )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    assert scope_of(v, "compare notes") == {SCOPE_MIXED}
    assert scope_of(v, "login works") == {"clearview"}
    v.close()


def test_a_work_line_under_an_alias_added_later_is_billed_once(tmp_path: Path) -> None:
    """New user's trial, session 32: "- 1h Hivecraft — alert template wording", read before
    clients.toml gave Ridgeback the alias "Hivecraft", was a note's line — and stayed unbilled
    without a word once the alias was added. The note is read again when clients.toml changes;
    the hours are billed once, the note's other work unchanged."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    v = open_vault(home)
    (v.settings.inbox / "2026-11-25.md").write_text(
        "# 2026-11-25\n\n## Time\n- 1h Hivecraft — alert template wording\n"
        "- 2h northwind: export schedule\n"
    )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()
    before = cli(home, "work", "list")
    assert "export schedule" in before and "alert template" not in before
    (home / "clients.toml").write_text(
        CLIENTS.replace('aliases = ["Clearview"]', 'aliases = ["Clearview", "Hivecraft"]')
    )
    after = cli(home, "work", "list")
    assert after.count("alert template wording") == 1 and after.count("export schedule") == 1
    assert "clearview" in after.split("alert template")[0].splitlines()[-1]
    assert cli(home, "work", "list") == after  # read once: the next command reads nothing new


def scope_of(v: Vault, needle: str) -> set[str]:
    """The scopes of the entries whose text holds ``needle``."""
    with v.engine.connect() as c:
        found = c.execute(
            text("SELECT scope FROM entry WHERE text LIKE :t"), {"t": f"%{needle}%"}
        ).all()
    return {str(r[0]) for r in found}


def test_a_note_relabelled_for_another_client_keeps_its_old_version_with_the_first(
    tmp_path: Path,
) -> None:
    """A note file reused for another client (its label changed) keeps each version with the
    client that version named (QA, session 10: the old Clearview version became Northwind's,
    and Clearview lost it), in either order of arrival."""
    for order in ((0, 1), (1, 0)):
        home = tmp_path / f"home{order[0]}"
        home.mkdir()
        (home / "clients.toml").write_text(CLIENTS)
        v = open_vault(home)
        note = tmp_path / f"prep{order[0]}" / "meeting-prep.md"
        note.parent.mkdir()
        versions = [
            "---\nclient: clearview\ndate: 2026-10-01\n---\n# Prep\n\nPortal budget is $48,500.\n",
            "---\nclient: northwind\ndate: 2026-10-08\n---\n# Prep\n\nEVV cutover on Monday.\n",
        ]
        for i in order:
            note.write_text(versions[i])
            Ingestor(v).ingest_file(note)
        assert scope_of(v, "$48,500") == {"clearview"}
        assert scope_of(v, "EVV cutover") == {"northwind"}
        assert not [
            h
            for h in search(v, "portal budget", k=10, filters=Filters(client="northwind"))
            if "48,500" in h.quote
        ]
        v.close()


def test_headerless_mail_sharing_only_the_user_starts_its_own_thread(tmp_path: Path) -> None:
    """Mail without threading headers joins a same-subject thread only when it shares two
    participants with it: a stranger's "Weekly status" to the user is not Northwind's because
    Northwind's weekly mail to the user has that subject (QA, session 10); the user's own
    headerless reply to Dana still joins Dana's thread."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    dana = "Dana Whitfield <dana@northwind.example>"
    (inbox / "a.eml").write_text(
        mail("w1@northwind.example", dana, "sam@samconsult.example", "Weekly status", "All green.")
    )
    (inbox / "b.eml").write_text(
        mail(
            "p1@mail.example",
            "P. <p.raman.home@mail.example>",
            "sam@samconsult.example",
            "Weekly status",
            "Our cutover moved to December 10.",
        )
    )
    (inbox / "c.eml").write_text(
        mail("s9@samconsult.example", "sam@samconsult.example", dana, "Re: Weekly status", "Ok.")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "cutover moved") == {"?"}
    hits = search(v, "cutover moved", k=5, filters=Filters(client="northwind"))
    assert not any("cutover" in h.quote for h in hits)
    docs = dict(
        rows(
            v,
            "SELECT e.key, d.external_id FROM entry e JOIN document d ON d.id = e.document_id "
            "WHERE e.kind = 'email'",
        )
    )
    assert docs["s9@samconsult.example"] == docs["w1@northwind.example"]
    assert docs["p1@mail.example"] != docs["w1@northwind.example"]
    v.close()


def test_a_chat_turn_naming_another_client_is_in_neither_scope(tmp_path: Path) -> None:
    """In Clearview's conversation, a turn that names Northwind is about both: in neither
    client's scope (QA, session 10: it went to Northwind with Clearview's plans)."""
    v = clients_vault(tmp_path)
    conv = {
        "id": "conv-cv",
        "title": "Clearview portal planning",
        "create_time": 1760000000.0,
        "update_time": 1760000100.0,
        "current_node": "a1",
        "mapping": {
            "root": node("root", None, ["u1"], None),
            "u1": node(
                "u1", "root", ["a1"], msg("u1", "user", "Plan the portal login fix.", 1760000000.0)
            ),
            "a1": node(
                "a1",
                "u1",
                [],
                msg(
                    "a1",
                    "assistant",
                    "As for Northwind, use backoff; for the portal, the Oxbow tariff feed.",
                    1760000050.0,
                ),
            ),
        },
    }
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    Ingestor(v).ingest_file(path)
    assert scope_of(v, "Oxbow tariff") == {"!"}
    assert scope_of(v, "portal login fix") == {"clearview"}
    for client in ("northwind", "clearview"):
        hits = search(v, "Oxbow tariff feed", k=10, filters=Filters(client=client))
        assert not any("Oxbow" in h.quote for h in hits), client
    v.close()


def test_a_project_codename_and_a_decomposed_name_name_their_client(tmp_path: Path) -> None:
    """`projects` are codenames that name their client, in any case; a person's name written
    decomposed (NFD) is the same name (QA, session 10: both left notes general, in every
    client's scope)."""
    import unicodedata

    from trailkeep.vault.clients import ClientDirectory, ClientSpec, load_clients

    (tmp_path / "clients.toml").write_text(
        CLIENTS.replace(
            'people = ["Priya Raman"]', 'people = ["José Núñez"]\nprojects = ["Nightjar"]'
        )
    )
    d = ClientDirectory(load_clients(tmp_path / "clients.toml"))
    assert d.named_in("NIGHTJAR go-live is Friday") == ["clearview"]
    assert d.named_in("nightjar cutover") == ["clearview"]
    assert d.named_in(unicodedata.normalize("NFD", "Call with José Núñez")) == ["clearview"]
    assert d.named_in(unicodedata.normalize("NFD", "Núñez agreed")) == ["clearview"]
    masked = d.mask(unicodedata.normalize("NFD", "José Núñez, NIGHTJAR"), "[x]")
    assert "Núñez" not in masked and "NIGHTJAR" not in masked
    assert d.named_in("a night jar of honey") == []
    # a label written decomposed resolves too (review, session 10)
    spec = d.get(unicodedata.normalize("NFD", "Clearview Vision Therapy"))
    assert spec is not None and spec.id == "clearview"
    from trailkeep.vault.clients import label_key

    assert (
        label_key(unicodedata.normalize("NFD", "Café Olé")) == label_key("Café Olé") == ("cafe-ole")
    )
    # a label in another script is itself: it was "client", so a note labelled with an
    # unknown Japanese company went to the one client with a Japanese name (QA, session 17)
    jp = ClientDirectory((ClientSpec("sakura", "さくら精機"),))
    assert jp.get("さくら精機") is not None and jp.get("株式会社テスト") is None
    assert jp.get("Client") is None and jp.get(" - ") is None


def test_a_stranger_sharing_a_copied_team_address_starts_its_own_thread(tmp_path: Path) -> None:
    """Review, session 10: a team address on copy made two participants shared with a
    stranger's headerless "Weekly status", and it joined the client's thread."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    dana = "Dana Whitfield <dana@northwind.example>"
    team = "sam@samconsult.example, ops@samconsult.example"
    (inbox / "a.eml").write_text(
        mail("w1@northwind.example", dana, team, "Weekly status", "All green.")
    )
    (inbox / "b.eml").write_text(
        mail("r1@mail.example", "rita@mail.example", team, "Weekly status", "Cutover slipped.")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "Cutover slipped") == {"?"}
    v.close()


def test_a_second_address_writing_as_me_and_copying_me_is_mine() -> None:
    """QA, session 11: a reply sent from the user's personal address, their work address in
    Cc, was not theirs: the thread showed "waiting on you" for the user's own reply. An address
    writing to a client under the name one of the user's addresses writes under, copying that
    address, is the user's; the same name without the copy is not (a namesake)."""
    from trailkeep.ingest.attribution import infer_me
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    d = ClientDirectory(
        (
            ClientSpec("acme", "Acme", domains=("acme.example",)),
            ClientSpec("beta", "Beta", domains=("beta.example",)),
        )
    )
    work = ["Priya Shah", "priya@shah.example"]
    mail = [
        (1, {"from": [work], "to": [["Dana", "dana@acme.example"]]}),
        (2, {"from": [work], "to": [["Bo", "bo@beta.example"]]}),
        (
            1,
            {
                "from": [["Priya Shah", "priya.shah@fastmail.example"]],
                "to": [["Dana", "dana@acme.example"]],
                "cc": [work],
            },
        ),
        (  # the same name, no copy to the user: a namesake, not the user
            3,
            {
                "from": [["Priya Shah", "p.shah@other.example"]],
                "to": [["Dana", "dana@acme.example"]],
            },
        ),
    ]
    got = infer_me(mail, d)
    assert set(got) == {"priya@shah.example", "priya.shah@fastmail.example"}, got
    assert "copying priya@shah.example" in got["priya.shah@fastmail.example"]
    # a client's person from an unlisted address, writing to both clients, is not the user
    # (QA, session 17)
    listed = ClientDirectory(
        (
            ClientSpec("acme", "Acme", domains=("acme.example",), people=("Lena Ortiz",)),
            ClientSpec("beta", "Beta", domains=("beta.example",)),
        )
    )
    lena = ["Lena Ortiz", "lena@contract.example"]
    both = [
        (1, {"from": [lena], "to": [["Dana", "dana@acme.example"]]}),
        (2, {"from": [lena], "to": [["Bo", "bo@beta.example"]]}),
    ]
    assert infer_me(both, listed) == {}


def test_a_corrected_label_takes_the_old_version_with_it(tmp_path: Path) -> None:
    """The same note, its label corrected from one client to the other: the first version is
    the second client's too (QA, session 12: it stayed in the scope it was corrected away
    from, and a scoped search served the other client's confidential discount)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    v = open_vault(home)
    note = tmp_path / "in" / "carrier.md"
    note.parent.mkdir()
    body = "# Carrier\n\nThe carrier gives a 23 percent discount. Keep it confidential.\n"
    for label in ("clearview", "northwind"):
        note.write_text(f"---\nclient: {label}\ndate: 2026-10-01\n---\n{body}")
        Ingestor(v).ingest_file(note)
    assert scope_of(v, "23 percent") == {"northwind"}
    assert not search(v, "carrier discount", k=10, filters=Filters(client="clearview"))
    v.close()


def test_a_name_split_by_an_invisible_character_still_names_its_client() -> None:
    """A soft hyphen or a zero-width space inside a name hides nothing (QA, session 12: an HTML
    mail writing "Blue&shy;fin" reached the other client's scope whole): ingest drops it, and
    the scope rules read past it in what is already stored."""
    from trailkeep.ingest.parsers.email import parse_message

    raw = (
        b"From: Dana <dana@clearview.example>\nTo: me@me.example\nSubject: hi\n"
        b"Message-ID: <z1@x>\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<p>I met North&shy;wind's director, Ken&#8203;ji.</p>\n"
    )
    doc = parse_message(raw, "m.eml")
    assert "I met Northwind's director, Kenji." in doc.entries[0].text


def test_a_scoped_trail_links_only_to_entries_in_its_scope(tmp_path: Path) -> None:
    """My mail to Clearview's person, sent by mistake as a reply on Northwind's thread, is
    Clearview's; its link to the Northwind message it replies to names an entry of another
    scope, so a Clearview trail leaves it out (QA, session 12; get_entry already did)."""
    from trailkeep.recall import document_trail, topic_trail

    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    (home / "config.toml").write_text('[me]\nemails = ["sam@me.example"]\n')
    v = open_vault(home)
    inbox = tmp_path / "in"
    inbox.mkdir()
    first = mail(
        "n1@northwind.example",
        "Dana Whitfield <dana@northwind.example>",
        "sam@me.example",
        "Go-live plan",
        "The go-live stays on March 16.",
    )
    wrong = mail(
        "s1@me.example",
        "Sam <sam@me.example>",
        "Priya Raman <priya@clearview.example>",
        "Re: Go-live plan",
        "Priya, the portal go-live checklist is attached.",
        reply="n1@northwind.example",
    )
    (inbox / "01.eml").write_text(first)
    (inbox / "02.eml").write_text(wrong)
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "portal go-live checklist") == {"clearview"}
    unscoped = topic_trail(v, "portal go-live checklist")
    assert any(s.links for s in unscoped), "the reply is linked to what it replies to"
    steps = topic_trail(v, "portal go-live checklist", Filters(client="clearview"))
    assert steps and all(not s.links for s in steps)
    doc = steps[0].hit.document_id
    assert all(not s.links for s in document_trail(v, doc, "clearview"))
    v.close()


def test_a_client_from_the_mail_server_did_not_believe_is_nobodys(tmp_path: Path) -> None:
    """QA, session 14: a From spoofed as a client's address was taken as written. When the
    receiving server's Authentication-Results say DMARC (or SPF, with no DKIM passing) failed,
    the message is in no client's scope — its thread's client included — until the user gives
    it to one; the review says why."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    real = mail(
        "n1@northwind.example",
        "Dana Whitfield <dana@northwind.example>",
        "Sam <sam@samconsult.example>",
        "Claims export",
        "Please ship the claims export nightly.",
    )
    (inbox / "1.eml").write_text(
        "Authentication-Results: mx.samconsult.example; dkim=pass header.d=northwind.example;"
        " spf=pass; dmarc=pass header.from=northwind.example\n" + real
    )
    spoof = mail(
        "n2@evil.example",
        "Dana Whitfield <dana@northwind.example>",
        "Sam <sam@samconsult.example>",
        "Re: Claims export",
        "Send the full patient list to our new archive address instead.",
        reply="n1@northwind.example",
    )
    (inbox / "2.eml").write_text(
        "Authentication-Results: mx.samconsult.example; dkim=none; spf=fail"
        " smtp.mailfrom=evil.example; dmarc=fail (p=REJECT) header.from=northwind.example\n" + spoof
    )
    soft = mail(
        "n3@northwind.example",
        "Dana Whitfield <dana@northwind.example>",
        "Sam <sam@samconsult.example>",
        "Re: Claims export",
        "Friday works for the first run.",
        reply="n1@northwind.example",
    )
    # SPF failed on a forward, but the client's DKIM signature held: believed
    (inbox / "3.eml").write_text(
        "Authentication-Results: mx.samconsult.example; spf=fail; dkim=pass"
        " header.d=northwind.example\n" + soft
    )
    forged = mail(
        "n4@evil.example",
        "Dana Whitfield <dana@northwind.example>",
        "Sam <sam@samconsult.example>",
        "Re: Claims export",
        "Wire the deposit to the new account.",
        reply="n1@northwind.example",
    )
    # review, session 15: a "dkim=pass" the sender wrote lower down does not cancel the
    # server's own "spf=fail" (a pass counts only from the top header, for the From's domain)
    (inbox / "4.eml").write_text(
        "Authentication-Results: mx.samconsult.example; spf=fail smtp.mailfrom=evil.example;"
        " dkim=none; dmarc=none\n"
        "Authentication-Results: forged.example; dkim=pass header.d=northwind.example\n" + forged
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    scopes = dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'"))
    assert scopes == {
        "n1@northwind.example": "northwind",
        "n2@evil.example": "!",
        "n3@northwind.example": "northwind",
        "n4@evil.example": "!",
    }
    hits = search(v, "patient list archive address", k=5, filters=Filters(client="northwind"))
    assert all("archive" not in h.quote for h in hits)
    v.close()
    groups = json.loads(cli(home, "clients", "review", "--json"))["groups"]
    unverified = {g["items"][0]["unverified"]: g for g in groups if g["several_clients"]}
    assert set(unverified) == {"dmarc=fail", "spf=fail"}
    g = unverified["dmarc=fail"]
    assert g["clients"] == ["northwind"]
    assert "its sender was not verified (dmarc=fail)" in cli(home, "clients", "review")
    cli(home, "clients", "assign", g["key"], "northwind")  # the user knows it is Dana's
    v = open_vault(home)
    assert (
        dict(rows(v, "SELECT key, scope FROM entry WHERE kind = 'email'"))["n2@evil.example"]
        == "northwind"
    )
    v.close()


def test_a_name_written_as_two_words_still_names_its_client() -> None:
    """New user's trial, session 32: a note of one client said "Ridge back Apiaries tried these
    labels too" and "Salt marsh ceramics asked about the printer" — another two clients,
    "Ridgeback Apiaries" and "Saltmarsh Ceramics", unrecognised: the note was that client's own,
    and its draft quoted them. A long word of a name of several words is matched split in two;
    an alias of one word is not ("the salt marsh", "a clear view of the north wind")."""
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    d = ClientDirectory(
        (
            ClientSpec(id="ridgeback", name="Ridgeback Apiaries", aliases=("ridgeback",)),
            ClientSpec(id="saltmarsh", name="Saltmarsh Ceramics"),
            ClientSpec(id="qfb", name="Quillfeather Bindery", aliases=("Quillfeather",)),
        )
    )
    for said, who in (
        ("Ridge back Apiaries tried these labels too.", "ridgeback"),
        ("Salt marsh ceramics asked about the label printer.", "saltmarsh"),
        ("The quill feather bindery people print on the same stock.", "qfb"),
        ("ask quill-feather bindery", "qfb"),
    ):
        assert d.named_in(said) == [who], said
        assert "[x]" in d.mask(said, "[x]"), said
    for said in ("a salty marsh", "ridges back home", "the salt marsh", "quill feather"):
        assert not d.named_in(said), said


def test_a_name_joined_to_other_words_still_names_its_client() -> None:
    """QA, session 15: "Redfalcon-style", "Northwind-based", "Whitfield-approved",
    "redfalcon_v2" and "Greenotter2" named nobody — they reached another client's prompt,
    draft, draft title and MCP results; and a masked address kept its person ("dana@[another
    client]"). Joined by a hyphen, an underscore or a number, a name is named; inside another
    word, a host name or an address it is not."""
    import tomllib

    from trailkeep.vault.clients import ClientDirectory, parse_clients

    clients = parse_clients(tomllib.loads(CLIENTS), Path("clients.toml"))
    d = ClientDirectory(clients)
    for said in (
        "a Northwind-based nurses team",
        "the NWHH-2 rollout",
        "ex-Northwind staff",
        "northwind_v2",
        "Northwind2",
        "Whitfield-approved",
        "Dana Whitfield's list",
        "Clearview-like portal",
        "priya@clearview.example",
    ):
        assert d.named_in(said), said
    for said in ("snorthwinder", "user@northwindy.example", "x.northwinds.com", "NWHHs"):
        assert not d.named_in(said), said
    assert d.mask("mail dana@northwind.example today", "[x]") == "mail [x] today"
    # review, session 15: an address on a subdomain keeps no person; a short alias joined by a
    # hyphen counts only as written ("NWHH-2"), since short names are often words — unless it
    # spells no English word (leak hunt, session 25: "lmh-team" left a note general)
    assert d.mask("to dana@mail.northwind.example", "[x]") == "to [x]"
    assert d.named_in("nwhh_v2") and d.named_in("NWHH-2") and d.named_in("nwhh-testing")
    # an id that spells no English word, in any case and as a plural (leak hunt, session 25)
    assert d.named_in("NoRtHwInD budget") and d.named_in("the northwinds said")


def test_a_clients_note_held_back_for_naming_another_is_said(tmp_path: Path) -> None:
    """QA, session 15: Clearview's own note that also names Northwind was held back from
    Clearview's scope (fail closed), and `ask --client clearview` said a bare "your history
    doesn't say". The passage stays out of the scope; the answer says one was held back and
    where to read it."""
    from trailkeep.recall import ask

    v = clients_vault(tmp_path)
    (v.settings.inbox / "retry.md").write_text(
        "---\nclient: clearview\n---\n# Retry queue\n\nUnlike the greedy approach I used at "
        "Northwind, the retry queue uses exponential backoff with at most five attempts.\n"
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "retry.md"])
    ans = ask(v, "How many attempts does the retry queue make?", Filters(client="clearview"))
    assert ans.abstained and not any("Northwind" in h.quote for h in ans.closest)
    assert "1 of Clearview Vision Therapy's passages were held back" in ans.reason, ans.reason
    assert "no client selected" in ans.reason
    whole = ask(v, "How many attempts does the retry queue make?")
    assert not whole.abstained and "five attempts" in " ".join(h.quote for h in whole.citations)
    v.close()


def test_the_watcher_keeps_a_client_whose_id_changed_and_says_why(tmp_path: Path) -> None:
    """Session 18: a changed client id is refused by the running watcher as a broken
    clients.toml is — the last good one stays in use, the error names what to write — and a
    fixed file clears it."""
    from trailkeep.vault import ownership as own

    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    v = open_vault(home)
    ing = Ingestor(v)
    own.set_rule(v, "dana@northwind.example", "northwind")
    (home / "clients.toml").write_text(CLIENTS.replace('id = "northwind"', 'id = "nwhh"'))
    ing.refresh()
    assert ing.clients_error and 'add id = "northwind"' in ing.clients_error
    assert [c.id for c in ing._clients] == [c.id for c in v.settings.clients]
    (home / "clients.toml").write_text(
        CLIENTS.replace('id = "northwind"', 'id = "northwind"\n# renamed later')
    )
    ing.refresh()
    assert ing.clients_error is None
    v.close()


def test_every_item_status_counts_can_be_assigned_from_the_review(tmp_path: Path) -> None:
    """QA, session 20: an old Codex rollout (no working folder) was counted unattributed by
    `status` (5 items) while `clients review` said "nothing to review": no address, label or
    folder grouped it. It is offered as itself (document:N), and assigned in one action."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS)
    v = open_vault(home)
    lines = [
        {"id": "dddd-0004", "timestamp": "2025-06-01T10:00:00.000Z", "instructions": None},
        {"record_type": "state"},
        {
            "type": "message",
            "id": None,
            "role": "user",
            "content": [{"type": "input_text", "text": "Refactor the depot loader to stream."}],
        },
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "The loader now streams rows."}],
        },
    ]
    path = v.settings.inbox / "rollout-2025-06-01T10-00-00-dddd-0004.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    Ingestor(v).ingest_paths([path])
    v.close()
    status = json.loads(cli(home, "status", "--json"))
    review = json.loads(cli(home, "clients", "review", "--json"))
    counted = status["unattributed"]["entries"]
    assert counted == sum(len(g["items"]) for g in review["groups"]) > 0
    (group,) = review["groups"]
    assert group["key"].startswith("document:")
    # what the document already holds of a client stays that client's (review, session 20:
    # the whole document moved)
    first = int(group["items"][0]["entry_id"])
    v = open_vault(home)
    v.set_client("clearview", entry_id=first)
    v.close()
    cli(home, "clients", "assign", group["key"], "northwind")
    assert json.loads(cli(home, "clients", "review", "--json"))["groups"] == []
    assert json.loads(cli(home, "status", "--json"))["unattributed"]["entries"] == 0
    v = open_vault(home)
    scopes = dict(rows(v, "SELECT id, scope FROM entry"))
    assert scopes.pop(first) == "clearview" and set(scopes.values()) == {"northwind"}
    v.close()
    out = cli(home, "clients", "assign", group["key"], "northwind", "--remember", code=2)
    assert "is one document: nothing to add to clients.toml" in out


def test_an_inferred_address_can_be_rejected_and_none_is_inferred_once_me_is_set(
    tmp_path: Path,
) -> None:
    """Blind trial, session 22: a vendor mailing both clients' people was inferred as the user
    and `me --remove` refused it; listing the user's own address left it inferred."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    expo = "Port Expo <events@portexpo.example>"
    for i, to in enumerate(["dana@northwind.example", "pat@clearview.example"]):
        (v.settings.inbox / f"e{i}.eml").write_text(
            mail(f"e{i}@portexpo.example", expo, to, "Booth offer", "Book a booth.")
        )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()
    assert "events@portexpo.example" in cli(home, "me")  # writes to two clients: inferred
    out = cli(home, "me", "--remove", "events@portexpo.example")
    assert "never inferred again" in out and "events@portexpo.example" not in cli(home, "me")
    assert 'not_emails = ["events@portexpo.example"]' in (home / "config.toml").read_text()
    # the same vault, nothing rejected, but the user's own address listed: inferred no more
    cfg = (home / "config.toml").read_text().replace('not_emails = ["events@portexpo.example"]', "")
    (home / "config.toml").write_text(cfg)
    assert "events@portexpo.example" in cli(home, "me")
    cli(home, "me", "--add", "sam@samconsult.example")
    mine = json.loads(cli(home, "me", "--json"))["addresses"]
    assert mine == [{"address": "sam@samconsult.example", "source": "config"}]


def test_me_before_clients_toml_says_why_nothing_is_inferred(tmp_path: Path) -> None:
    """New user's trial, session 31: before clients.toml, `me` said "no own addresses known
    yet" beside five sent mails, and not that they are inferred once clients are listed."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    v.close()
    assert "once clients.toml lists your clients" not in cli(home, "me")  # listed: said none
    (home / "clients.toml").unlink()
    assert "inferred from your mail once clients.toml lists your clients" in cli(home, "me")


def test_a_note_whose_front_matter_or_folder_names_another_client_is_in_neither_scope(
    tmp_path: Path,
) -> None:
    """Leak hunt, session 25: a note labelled `client: northwind` with `project:`, `cc:` or
    `attendees:` naming Clearview, and a note filed under a folder named for Clearview, were
    Northwind's or general, and Clearview's figures reached Northwind's draft."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    (inbox / "Clearview").mkdir()
    notes = {
        "a.md": "---\nclient: northwind\ncc: Priya Raman\n---\n# Budget\nFigure SECRET-A.\n",
        "b.md": "---\nclient: northwind\nattendees: [NWHH, Clearview]\n---\n# B\nSECRET-B.\n",
        "Clearview/budget.md": "# Budget\nRollout figure SECRET-C.\n",
        "clearview-call.md": "# Call\nRollout figure SECRET-D.\n",
        "c.md": "---\nclient: northwind\n---\n# Plain\nNorthwind's own SECRET-E.\n",
        # a client said by the folder only: a section naming another is in neither scope
        "Clearview/2026-03-05.md": "# Day\n\n## A\n\nSECRET-F.\n\n## B\n\nNWHH budget SECRET-G.\n",
    }
    for name, body in notes.items():
        (inbox / name).write_text(body)
    Ingestor(v).ingest_paths(sorted(p for p in inbox.rglob("*.md")))
    assert scope_of(v, "SECRET-A") == {"!"} and scope_of(v, "SECRET-B") == {"!"}
    assert scope_of(v, "SECRET-C") == {"clearview"} and scope_of(v, "SECRET-D") == {"clearview"}
    assert scope_of(v, "SECRET-E") == {"northwind"}
    assert scope_of(v, "SECRET-F") == {"clearview"} and scope_of(v, "SECRET-G") == {"!"}
    hits = search(v, "figure SECRET budget rollout", k=10, filters=Filters(client="northwind"))
    assert {h.quote for h in hits} and all("SECRET-E" in h.quote for h in hits)
    v.close()


def test_the_turns_after_one_naming_another_client_are_held_until_it_is_named_again(
    tmp_path: Path,
) -> None:
    """Leak hunt, session 25: in "Clearview weekly", the user asked about Northwind's budget;
    the reply giving it, and the next exchange ("draft a status line for that"), went to
    Clearview."""
    v = clients_vault(tmp_path)
    turns = [
        ("user", "Clearview weekly status please."),
        ("assistant", "Portal login fix shipped."),
        ("user", "Separately, what is the NWHH budget?"),
        ("assistant", "The budget is SECRET-1, status amber."),
        ("user", "Draft a short status line for that."),
        ("assistant", "Status: amber, budget SECRET-2."),
        ("user", "Back to Clearview: what about the exercise videos?"),
        ("assistant", "The videos are hosted on Vimeo."),
    ]
    ids = [f"m{i}" for i in range(len(turns))]
    mapping = {"root": node("root", None, [ids[0]], None)}
    for i, (role, said) in enumerate(turns):
        mapping[ids[i]] = node(
            ids[i],
            ids[i - 1] if i else "root",
            [ids[i + 1]] if i + 1 < len(ids) else [],
            msg(ids[i], role, said, 1760000000.0 + i),
        )
    conv = {
        "id": "conv-w",
        "title": "Clearview weekly",
        "create_time": 1760000000.0,
        "update_time": 1760000100.0,
        "current_node": ids[-1],
        "mapping": mapping,
    }
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv]))
    Ingestor(v).ingest_file(path)
    assert scope_of(v, "Portal login fix") == {"clearview"}
    for said in ("NWHH budget", "SECRET-1", "status line", "SECRET-2"):
        assert scope_of(v, said) == {"!"}, said
    assert scope_of(v, "exercise videos") == {"clearview"}
    assert scope_of(v, "hosted on Vimeo") == {"clearview"}
    v.close()


def test_a_note_section_naming_two_clients_waits_in_the_review(tmp_path: Path) -> None:
    """E2E trial, session 25: a daily note's section naming two clients was held from every
    scope (right), while `status` counted nothing and `clients review` said "nothing to
    review" — the user was never told. It is listed, and given to one of its clients."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    note = v.settings.inbox / "2026-03-05.md"
    note.write_text(
        "# 2026-03-05\n\n## Mixed\n\nJoint call with Northwind and Clearview: SECRET-M.\n"
    )
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SECRET-M") == {"!"}
    v.close()
    groups = json.loads(cli(home, "clients", "review", "--json"))["groups"]
    (g,) = [g for g in groups if any("Mixed" in str(it["subject"]) for it in g["items"])]
    assert g["key"].startswith("message:") and g["clients"] == ["clearview", "northwind"]
    assert g["items"][0]["held"] == "names several clients"
    assert "names several clients: give it to one of" in cli(home, "clients", "review")
    cli(home, "clients", "assign", g["key"], "northwind")
    v = open_vault(home)
    assert scope_of(v, "SECRET-M") == {"northwind"}
    v.close()


def test_a_note_section_naming_clients_is_offered_to_those_it_names_only(
    tmp_path: Path,
) -> None:
    """New user's trial, session 31: a daily note's "Clearview and Bluefin" section was
    offered to — and given to — Northwind, whose section came before it in the note. A
    passage naming clients goes to one of those it names (its heading included)."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    v.close()
    (home / "clients.toml").write_text(
        CLIENTS + '\n[[client]]\nname = "Bluefin Ltd"\nid = "bluefin"\naliases = ["Bluefin"]\n'
    )
    v = open_vault(home)
    note = v.settings.inbox / "2026-03-06.md"
    note.write_text(
        "# 2026-03-06\n\n## Northwind\n\nNorthwind export: SECRET-N.\n\n"
        "## Clearview and Bluefin\n\nJoint call: SECRET-M.\n\n"
        "## Bluefin\n\nPriya Raman will join the call: SECRET-B.\n"
    )
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SECRET-M") == {"!"} and scope_of(v, "SECRET-B") == {"!"}
    v.close()
    groups = json.loads(cli(home, "clients", "review", "--json"))["groups"]
    (mixed,) = [g for g in groups if "Clearview and" in str(g["items"][0]["subject"])]
    assert mixed["clients"] == ["bluefin", "clearview"], mixed
    # the heading names Bluefin, the text Clearview's person
    (named,) = [g for g in groups if str(g["items"][0]["subject"]).endswith("> Bluefin")]
    assert named["clients"] == ["bluefin", "clearview"], named
    out = cli(home, "clients", "assign", mixed["key"], "northwind", code=1)
    assert "is not northwind's: it names bluefin, clearview" in out, out
    v = open_vault(home)
    assert scope_of(v, "SECRET-M") == {"!"}
    v.close()


def test_a_passage_naming_no_client_in_a_note_of_several_can_be_given_anywhere(
    tmp_path: Path,
) -> None:
    """Blind trial, session 27: the intro of a timesheet of three clients names none of them;
    held (its document is about several), it was listed with "give it to one of )" and no
    assignment took it. It goes to any listed client or to general — mail never does."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    note = v.settings.inbox / "log.md"
    note.write_text(
        "# Log\n\nMy running log, rounded to quarter hours: SECRET-INTRO.\n\n"
        "## Week\n\nCall with Northwind, then Clearview.\n\n"
        "## Northwind\n\nNorthwind's export: SECRET-N.\n"
    )
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SECRET-INTRO") == {"!"}
    v.close()
    groups = json.loads(cli(home, "clients", "review", "--json"))["groups"]
    (g,) = [g for g in groups if any(str(it["subject"]) == "Log > Log" for it in g["items"])]
    assert g["items"][0]["names_no_client"] is True
    # one word for it in --json too (new user's trial, session 30: "names several clients")
    assert g["items"][0]["held"] == "names no client, in a note about several"
    assert "names no client, in a note about several" in cli(home, "clients", "review")
    cli(home, "clients", "assign", g["key"], "--general")
    v = open_vault(home)
    assert scope_of(v, "SECRET-INTRO") == {"*"}
    v.close()
    # the passage naming both clients is still only theirs to take, never general
    groups = json.loads(cli(home, "clients", "review", "--json"))["groups"]
    (g,) = [g for g in groups if g["key"].startswith("message:")]
    assert g["clients"] == ["clearview", "northwind"] and not g["items"][0]["names_no_client"]
    said = cli(home, "clients", "assign", g["key"], "--general", code=1)
    assert "names a client: give it to one of them" in said and "cannot be general" in said
    assert "addressed to" not in said  # a note's passage is addressed to nobody
    # the choice holds for the same words in the note's next version (new user's trial,
    # session 29: the section came back to review once another section was edited) ...
    text = note.read_text()
    note.write_text(text.replace("Northwind's export: SECRET-N.", "Northwind's export: done."))
    v = open_vault(home)
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SECRET-INTRO") == {"*"}
    # ... not for other words: the user decided on those
    note.write_text(note.read_text().replace("SECRET-INTRO.", "SECRET-INTRO, and more."))
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "SECRET-INTRO, and more") == {"!"}
    v.close()
