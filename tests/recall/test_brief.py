"""The briefing (recall/brief.py) on a small two-client home built here: real .eml files with
Message-ID / In-Reply-To, notes with work lines, clients.toml with rates, an issued unpaid
invoice and a draft — every section asserted exactly, for everyone and for one client."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import corpora, make_settings, server_env, write_note
from trailkeep.billing import create_invoice, issue_invoice
from trailkeep.ingest import Ingestor
from trailkeep.ingest.reattribution import my_addresses
from trailkeep.recall.brief import another_day, build_brief, mark_visited
from trailkeep.recall.deadlines import date_changes, named_dates
from trailkeep.recall.errors import BriefError
from trailkeep.ui.cli import main
from trailkeep.vault import Settings, Vault, get_embedder, init_home, utcnow
from trailkeep.vault import briefing as sql

TODAY = date(2026, 11, 3)  # a Tuesday

CLIENTS = """
[[client]]
name = "Acme Health"
id = "acme"
aliases = ["Acme"]
domains = ["acme.example"]
rate = "150.00"
currency = "USD"
tax_rate = "0.10"

[[client]]
name = "Beta Logistics"
id = "beta"
aliases = ["BetaCorp"]
domains = ["beta.example"]
rate = "90.00"
currency = "EUR"
"""

CONFIG = """
[me]
name = "Sam Example"
emails = ["sam@consult.example"]
payment_terms_days = 14
"""


def eml(
    mid: str,
    sender: str,
    to: str,
    when: str,
    subject: str,
    body: str,
    reply_to: str | None = None,
) -> str:
    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {when}",
        f"Message-ID: <{mid}>",
    ]
    if reply_to:
        head += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    head += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"']
    return "\n".join(head) + "\n\n" + body


ANN = "Ann Lee <ann@acme.example>"
SAM = "Sam Example <sam@consult.example>"
BO = "Bo Berg <bo@beta.example>"

MAIL = {
    # Waiting on me 8 days; one date already passed (overdue), one ahead.
    "a1-1.eml": eml(
        "a1-1@acme.example",
        ANN,
        SAM,
        "Mon, 26 Oct 2026 09:00:00 -0500",
        "Claims export",
        "Hi Sam,\n\nCould you send the revised claims export by Oct 30? Finance closes October "
        "on Nov 10.\n\nThanks,\nAnn\n",
    ),
    # I replied last: not waiting; my "by Nov 2" has passed but nobody waits on it.
    "a2-1.eml": eml(
        "a2-1@acme.example",
        ANN,
        SAM,
        "Wed, 28 Oct 2026 10:00:00 -0400",
        "Dashboard review",
        "Hi Sam,\n\nCan we meet next Tuesday to go through the dashboard?\n\nAnn\n",
    ),
    "a2-2.eml": eml(
        "a2-2@consult.example",
        SAM,
        ANN,
        "Wed, 28 Oct 2026 15:00:00 -0400",
        "Re: Dashboard review",
        "Hi Ann,\n\nYes, Tuesday at 10:00 works. I will send the agenda by Nov 2.\n\nSam\n\n"
        "On Wed, Oct 28, 2026 at 10:00 AM, Ann Lee <ann@acme.example> wrote:\n"
        "> Can we meet next Tuesday to go through the dashboard?\n",
        reply_to="a2-1@acme.example",
    ),
    # Waiting 1 day; a date ahead among things that are not dates.
    "b1-1.eml": eml(
        "b1-1@beta.example",
        BO,
        SAM,
        "Mon, 02 Nov 2026 08:00:00 +0100",
        "Scanner rollout",
        "Hi Sam,\n\nThe warehouse migration goes live on 2026-11-12. Version 2.5 of the scanner "
        "app shipped; I spent 2.5h testing it at 10:30 and it costs $1,200.50 a year.\n\nBo\n",
    ),
    # Older than the lookback (60 days): neither waiting nor read for dates.
    "old-1.eml": eml(
        "old-1@acme.example",
        ANN,
        SAM,
        "Sat, 01 Aug 2026 09:00:00 -0500",
        "Old question",
        "Hi Sam,\n\nPlease confirm by Nov 5.\n\nAnn\n",
    ),
    # Nobody's: no client thread, counted as unattributed.
    "x-1.eml": eml(
        "x-1@unknown.example",
        "Zed <zed@unknown.example>",
        SAM,
        "Mon, 02 Nov 2026 09:00:00 +0000",
        "Hello",
        "Hi,\n\nCan we talk on Friday, Nov 6?\n\nZed\n",
    ),
}

NOTES = {
    "acme-status.md": "---\ntitle: Acme status\nclient: acme\ndate: 2026-10-30\n---\n"
    "# Acme status\n\nWe will ship the export on Nov 6.\n\n## Archive\n\n"
    "Open question: should we archive the 2019 claims?\n",
    "scanner-notes.md": "---\ntitle: Scanner notes\nclient: beta\ndate: 2026-10-31\n---\n"
    "# Scanner notes\n\nNotes from the warehouse.\n\n## Budget\n\n"
    "Open question: who owns the scanner budget?\n\n## Vendor API\n\n"
    "Dead end: the vendor API cannot filter by date.\n",
    "2026-09-15.md": "---\ndate: 2026-09-15\n---\n# Day\n\n- 4h acme: September review\n",
    "2026-09-20.md": "---\ndate: 2026-09-20\n---\n# Day\n\n- 2h beta: warehouse visit\n",
    "2026-10-29.md": "---\ndate: 2026-10-29\n---\n# Day\n\n- 2.5h acme: fixed the claims export\n"
    "- 20m acme: call with Ann\n- 1h30m beta: scanner rollout plan\n",
    "2026-11-05.md": "---\ndate: 2026-11-05\n---\n# Day\n\n- 1h acme: workshop prep\n",
}

# After the first visit: a new version of a note (its question decided), a new message in a
# thread, a new general note.
LATER_NOTES = {
    "acme-status.md": NOTES["acme-status.md"]
    + "\n## Decided\n\nDecision: archive the 2019 claims after the export.\n",
    "ideas.md": "---\ntitle: Ideas\ndate: 2026-11-02\n---\n# Ideas\n\nTry a nightly diff of "
    "the stock table.\n",
}
LATER_MAIL = {
    "a2-3.eml": eml(
        "a2-3@consult.example",
        SAM,
        ANN,
        "Mon, 02 Nov 2026 16:00:00 -0500",
        "Re: Dashboard review",
        "Hi Ann,\n\nThe agenda is attached.\n\nSam\n",
        reply_to="a2-2@consult.example",
    ),
}


def make_home(root: Path) -> Settings:
    root.mkdir(parents=True, exist_ok=True)
    (root / "clients.toml").write_text(CLIENTS, encoding="utf-8")
    (root / "config.toml").write_text(CONFIG, encoding="utf-8")
    s = make_settings(root, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    return s


def ingest(v: Vault, files: dict[str, str]) -> None:
    ing = Ingestor(v)
    for name, body in files.items():
        ing.ingest_file(write_note(v.settings.inbox, name, body))
    ing.settle()


@pytest.fixture
def home(tmp_path: Path) -> Settings:
    return make_home(tmp_path / "home")


@pytest.fixture
def v(home: Settings) -> Any:
    vault = Vault.open(home, get_embedder("hash"))
    ingest(vault, {**MAIL, **NOTES})
    Ingestor(vault).ingest_file(write_note(home.inbox, "broken.md", "\x00\x01"))
    issue_invoice(vault, create_invoice(vault, "acme", "2026-09").id, date(2026, 10, 1))
    create_invoice(vault, "beta", "2026-09")
    yield vault
    vault.close()


def schema() -> dict[str, Any]:
    ref = resources.files("trailkeep.ui") / "schemas" / "brief.schema.json"
    loaded: dict[str, Any] = json.loads(ref.read_text())
    return loaded


def later(v: Vault) -> datetime:
    """The moment of the first visit, then what arrived after it."""
    time.sleep(0.01)
    t0 = utcnow()
    time.sleep(0.01)
    ingest(v, {**LATER_NOTES, **LATER_MAIL})
    return t0


def ids(v: Vault) -> dict[str, int]:
    from sqlalchemy import text

    with v.engine.connect() as c:
        return {
            str(r[0]): int(r[1])
            for r in c.execute(text("SELECT key, id FROM entry WHERE kind = 'email'"))
        }


def doc_of(v: Vault, title: str) -> int:
    from sqlalchemy import text

    with v.engine.connect() as c:
        return int(
            c.execute(text("SELECT id FROM document WHERE title = :t"), {"t": title}).scalar_one()
        )


# ------------------------------------------------------------------------------------ sections
def test_waiting_on_me(v: Vault) -> None:
    b = build_brief(v, TODAY).as_json()
    e = ids(v)
    assert b["waiting"] == [
        {
            "client": "acme",
            "document_id": doc_of(v, "Claims export"),
            "message_id": "a1-1@acme.example",
            "from": "Ann Lee <ann@acme.example>",
            "date": "2026-10-26T09:00:00-05:00",
            "days": 8,
            "entry_id": e["a1-1@acme.example"],
            "subject": "Claims export",
            "source": "a1-1.eml",
        },
        {
            "client": "beta",
            "document_id": doc_of(v, "Scanner rollout"),
            "message_id": "b1-1@beta.example",
            "from": "Bo Berg <bo@beta.example>",
            "date": "2026-11-02T08:00:00+01:00",
            "days": 1,
            "entry_id": e["b1-1@beta.example"],
            "subject": "Scanner rollout",
            "source": "b1-1.eml",
        },
    ]
    # The thread where I replied last, the thread older than the lookback and the mail of
    # nobody's are not waiting.
    assert "a2-1@acme.example" not in json.dumps(b["waiting"])
    # Mail the user called general is nobody's thread, in a client's briefing too (QA: a
    # vendor's pitch was "waiting" in every client's).
    from trailkeep.ingest.reattribution import assign

    ingest(
        v,
        {
            "v1.eml": eml(
                "v1@vendor.example",
                "Val <val@vendor.example>",
                SAM,
                "Mon, 02 Nov 2026 10:00:00 +0000",
                "Our scanning API",
                "Hi Sam, would you like a demo of our scanning API?",
            )
        },
    )
    assign(v, "val@vendor.example", "*")
    for client in (None, "acme", "beta"):
        waiting = build_brief(v, TODAY, client=client).as_json()["waiting"]
        assert "v1@vendor.example" not in json.dumps(waiting), client


@pytest.mark.parametrize(
    ("said", "ahead"),
    [
        # QA, session 16: a date the same message takes back stayed under "Dates ahead"
        ("The audit was supposed to be on Dec 1 but it is postponed to Dec 5.", ["2026-12-05"]),
        ("Workshop on December 7. Sorry, we can't do December 7 after all.", []),
        ("The review moves from Dec 4 to Dec 11.", ["2026-12-11"]),
        ("Please send the deck by Dec 3, and the notes by Dec 4.", ["2026-12-03", "2026-12-04"]),
    ],
)
def test_a_date_the_same_message_takes_back_is_not_ahead(said: str, ahead: list[str]) -> None:
    assert [nd.day.isoformat() for nd in named_dates(said, date(2026, 11, 20))] == ahead


def test_dates_ahead_and_overdue(v: Vault) -> None:
    b = build_brief(v, TODAY).as_json()
    e = ids(v)
    got = [
        (d["date"], d["client"], d["quote"], d["source"], d["overdue"], d["said_on"], d["kind"])
        for d in b["dates"]
    ]
    assert got == [
        (
            "2026-10-30",
            "acme",
            "Could you send the revised claims export by Oct 30?",
            "a1-1.eml",
            True,
            "2026-10-26",
            "email",
        ),
        (
            "2026-11-03",
            "acme",
            "Can we meet next Tuesday to go through the dashboard?",
            "a2-1.eml",
            False,
            "2026-10-28",
            "email",
        ),
        (
            "2026-11-06",
            "acme",
            "We will ship the export on Nov 6.",
            "acme-status.md",
            False,
            "2026-10-30",
            "note",
        ),
        (
            "2026-11-10",
            "acme",
            "Finance closes October on Nov 10.",
            "a1-1.eml",
            False,
            "2026-10-26",
            "email",
        ),
        (
            "2026-11-12",
            "beta",
            "The warehouse migration goes live on 2026-11-12.",
            "b1-1.eml",
            False,
            "2026-11-02",
            "email",
        ),
    ]
    assert b["dates"][0]["entry_id"] == e["a1-1@acme.example"]
    assert b["dates"][0]["document_id"] == doc_of(v, "Claims export")
    # "by Nov 2" (mine, in a thread not waiting) has passed and is not listed; nor is "Nov 5"
    # from the mail older than the lookback, nor anything past the horizon.
    assert not [d for d in b["dates"] if d["date"] in ("2026-11-02", "2026-11-05")]
    assert [d["date"] for d in build_brief(v, TODAY, horizon_days=3).as_json()["dates"]] == [
        "2026-10-30",
        "2026-11-03",
        "2026-11-06",
    ]


def test_money(v: Vault) -> None:
    b = build_brief(v, TODAY).as_json()
    # acme: 2.5h + 20m = 17/6 h; 375.00 + 50.00 (each line rounded as an invoice would);
    # the item dated after today is not counted. beta: 1.5h at 90.00.
    assert b["unbilled"] == [
        {"client": "acme", "hours": "2.83", "amount": "425.00", "currency": "USD", "items": 2},
        {"client": "beta", "hours": "1.5", "amount": "135.00", "currency": "EUR", "items": 1},
    ]
    drafts, unpaid = b["invoices"]["drafts"], b["invoices"]["unpaid"]
    assert [
        {k: d[k] for k in ("client", "period", "total", "currency", "lines")} for d in drafts
    ] == [{"client": "beta", "period": "2026-09", "total": "180.00", "currency": "EUR", "lines": 1}]
    assert [{k: u[k] for k in u if k != "id"} for u in unpaid] == [
        {
            "number": "INV-2026-0001",
            "client": "acme",
            "total": "660.00",
            "currency": "USD",
            "issued_on": "2026-10-01",
            "due_on": "2026-10-15",
            "days": 33,
            "overdue": True,
        }
    ]
    # a briefing of a day before the invoice was issued does not list it (it said "-8 days")
    assert build_brief(v, date(2026, 9, 30)).as_json()["invoices"]["unpaid"] == []


def test_open_questions_close_on_a_later_decision(v: Vault) -> None:
    before = build_brief(v, TODAY).as_json()["open_questions"]
    assert [(q["client"], q["quote"], q["source"]) for q in before] == [
        ("beta", "Open question: who owns the scanner budget?", "scanner-notes.md"),
        ("acme", "Open question: should we archive the 2019 claims?", "acme-status.md"),
    ]
    later(v)
    after = build_brief(v, TODAY).as_json()["open_questions"]
    assert [(q["client"], q["quote"]) for q in after] == [
        ("beta", "Open question: who owns the scanner budget?")
    ]
    assert after[0]["document_id"] == doc_of(v, "Scanner notes")


def test_what_changed_since_the_last_visit(v: Vault) -> None:
    t0 = later(v)
    b = build_brief(v, TODAY, since=t0).as_json()
    assert b["since"] == t0.isoformat()
    docs = {
        g["client"]: sorted(
            (d["what"], d["document"], d["version"], d["messages"], d["source"])
            for d in g["documents"]
        )
        for g in b["changed"]
    }
    assert docs == {
        "acme": [
            ("new_messages", "Dashboard review", 1, 1, "a2-3.eml"),
            ("new_version", "Acme status", 2, 0, "acme-status.md"),
        ],
        None: [("new", "Ideas", 1, 0, "ideas.md")],
    }
    assert [g["client"] for g in b["changed"]] == ["acme", None]
    acme = b["changed"][0]
    assert [(x["quote"], x["source"]) for x in acme["decisions"]] == [
        ("Decision: archive the 2019 claims after the export.", "acme-status.md")
    ]
    assert acme["dead_ends"] == []
    # Remembered per home: without `since`, the last visit is where it starts.
    mark_visited(v, t0)
    assert build_brief(v, TODAY).as_json()["changed"] == b["changed"]
    mark_visited(v, utcnow())
    assert build_brief(v, TODAY).as_json()["changed"] == []
    # Never visited: since the start of yesterday (everything here arrived after it).
    sql.set_last_visit(v, datetime(2026, 11, 2, tzinfo=UTC))
    everything = build_brief(v, TODAY).as_json()
    assert {g["client"] for g in everything["changed"]} == {"acme", "beta", None}
    dead = [x["quote"] for g in everything["changed"] for x in g["dead_ends"]]
    assert dead == ["Dead end: the vendor API cannot filter by date."]


def test_a_draft_invoice_naming_another_client_is_a_problem_said_without_the_name(
    v: Vault,
) -> None:
    """New user's trial, session 31: `brief --json` said "problem": null for a draft whose
    line names another client — the draft `invoice issue` refuses. It is said, without the
    name: a client's briefing names no other client."""
    ingest(
        v,
        {
            "2026-10-02.md": "---\ndate: 2026-10-02\n---\n# Day\n\n- 1h beta: compared with Acme's"
            " scanner export\n"
        },
    )
    inv = create_invoice(v, "beta", "2026-10")
    drafts = build_brief(v, TODAY, client="beta").as_json()["invoices"]["drafts"]
    (said,) = [d for d in drafts if d["id"] == inv.id]
    assert said["problem"] == (
        f"1 line(s) name another client: edit them before it is issued (`trailkeep invoice "
        f"show {inv.id}`)"
    )
    assert "acme" not in json.dumps(said).lower()
    (clean,) = [d for d in drafts if d["period"] == "2026-09"]
    assert clean["problem"] is None


def test_a_reply_all_answered_by_another_clients_person_waits_only_for_that_client(
    v: Vault,
) -> None:
    """New user's trial, session 31: Ann (Acme) asked; I replied to all, copying Bo (Beta),
    and Bo answered. Acme's briefing said Ann's question was waiting on me (my reply names two
    clients: in neither scope; Bo's answer ended the thread). It waits for Beta, not Acme."""
    ask = "Wed, 28 Oct 2026 09:00:00 +0000"
    mine = "Wed, 28 Oct 2026 11:00:00 +0000"
    bo = "Wed, 28 Oct 2026 15:00:00 +0000"
    ingest(
        v,
        {
            "x1.eml": eml("x1@acme.example", ANN, SAM, ask, "Bell signal", "Which bell?\n"),
            "x2.eml": eml(
                "x2@consult.example",
                SAM,
                f"{ANN}, {BO}",
                mine,
                "Re: Bell signal",
                "Ann, Bo knows the bells.\n",
                reply_to="x1@acme.example",
            ),
            "x3.eml": eml(
                "x3@beta.example",
                BO,
                SAM,
                bo,
                "Re: Bell signal",
                "The tenor bell.\n",
                reply_to="x2@consult.example",
            ),
        },
    )

    def waiting(client: str) -> list[str]:
        b = build_brief(v, TODAY, client=client).as_json()
        return [w["message_id"] for w in b["waiting"]]

    assert "x1@acme.example" not in waiting("acme")
    assert "x3@beta.example" in waiting("beta")


def test_health(v: Vault) -> None:
    h = build_brief(v, TODAY).as_json()["health"]
    assert [(f["source"], f["status"]) for f in h["failures"]] == [("broken.md", "failed")]
    assert h["unattributed"] == 1  # Zed's mail
    assert h["failed"] == 1
    # a client's briefing lists no file (its name can name another client) but counts them
    scoped = build_brief(v, TODAY, client="acme").as_json()["health"]
    assert (scoped["failures"], scoped["failed"]) == ([], 1)


# ------------------------------------------------------------------------------------ scope
def test_one_clients_scope(v: Vault) -> None:
    t0 = later(v)
    b = build_brief(v, TODAY, client="beta", since=t0).as_json()
    assert b["client"] == "beta"
    assert [w["message_id"] for w in b["waiting"]] == ["b1-1@beta.example"]
    assert [(d["date"], d["client"]) for d in b["dates"]] == [("2026-11-12", "beta")]
    assert [u["client"] for u in b["unbilled"]] == ["beta"]
    assert [d["client"] for d in b["invoices"]["drafts"]] == ["beta"]
    assert b["invoices"]["unpaid"] == []
    # general material (a note naming no client) is in every client's scope
    assert [(g["client"], [d["document"] for d in g["documents"]]) for g in b["changed"]] == [
        (None, ["Ideas"])
    ]
    assert [q["client"] for q in b["open_questions"]] == ["beta"]
    assert b["health"] == {"failures": [], "failed": 1, "unattributed": 1}
    dumped = json.dumps(b).lower()
    for marker in ("acme", "ann lee", "ann@", "claims", "dashboard", "broken.md"):
        assert marker not in dumped, marker
    jsonschema.validate(b, schema())


def test_scope_clips_lines_naming_another_client(v: Vault) -> None:
    # Beta's own mail names Acme: beta's brief sees every line but those naming Acme (its
    # own words: a deadline that names no client is Beta's; QA, session 5).
    ingest(
        v,
        {
            "b2-1.eml": eml(
                "b2-1@beta.example",
                BO,
                SAM,
                "Sun, 01 Nov 2026 09:00:00 +0100",
                "Cutover",
                "Hi Sam,\n\nAcme Health moved their go-live to Nov 11.\n"
                "BetaCorp cutover is on Nov 9.\nCan you send the estimate by Nov 10?\n\nBo\n",
            )
        },
    )
    beta = build_brief(v, TODAY, client="beta").as_json()["dates"]
    assert [(d["date"], d["quote"]) for d in beta if d["source"] == "b2-1.eml"] == [
        ("2026-11-09", "BetaCorp cutover is on Nov 9."),  # "Hi Sam," alone says nothing
        ("2026-11-10", "Can you send the estimate by Nov 10?"),
    ]
    everyone = build_brief(v, TODAY).as_json()["dates"]
    assert [(d["date"], d["client"]) for d in everyone if d["source"] == "b2-1.eml"] == [
        ("2026-11-09", "beta"),
        ("2026-11-10", "beta"),
        ("2026-11-11", "beta"),
    ]


def test_unknown_client_is_refused(v: Vault) -> None:
    with pytest.raises(BriefError):
        build_brief(v, TODAY, client="globex")


def test_own_addresses_are_my_addresses(v: Vault) -> None:
    assert sql.own_addresses(v) == set(my_addresses(v))


# ------------------------------------------------------------------------------------ the CLI
def run(home: Path, *args: str) -> str:
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}
    r = CliRunner().invoke(main, ["--home", str(home), *args], env=env, obj={})
    assert r.exit_code == 0, r.output
    return r.stdout


def test_cli_json_matches_the_schema_and_only_a_read_remembers(v: Vault, home: Settings) -> None:
    data = json.loads(run(home.home, "brief", "--today", TODAY.isoformat(), "--json"))
    jsonschema.validate(data, schema())
    # another day than today: "changed" is what arrived that day and the day before
    since, until = another_day(TODAY)
    assert data == json.loads(json.dumps(build_brief(v, TODAY, since=since, until=until).as_json()))
    assert data["since"].startswith((TODAY - timedelta(days=1)).isoformat())
    assert sql.last_visit(v) is None  # --json does not count as a visit
    scoped = json.loads(
        run(home.home, "brief", "--today", TODAY.isoformat(), "--client", "BetaCorp", "--json")
    )
    jsonschema.validate(scoped, schema())
    assert scoped["client"] == "beta"
    out = run(home.home, "brief", "--today", TODAY.isoformat())
    assert "Waiting on you (2)" in out and "OVERDUE" in out and "INV-2026-0001" in out
    for w in data["waiting"]:  # "1 day", never "1 days" (new user's trial, session 32)
        assert f"{w['days']:>3} {'day ' if w['days'] == 1 else 'days'}  " in out
    from trailkeep.ui.cli.brief import _ago

    assert [_ago(n) for n in (0, 1, 5)] == ["today", "1 day ago", "5 days ago"]
    assert f"What arrived from {TODAY - timedelta(days=1)} to {TODAY}" in out
    assert sql.last_visit(v) is None  # another day's briefing is no visit (QA, session 8)
    before = utcnow()
    out = run(home.home, "brief")
    assert "What changed since" in out
    seen = sql.last_visit(v)
    assert seen is not None and seen >= before - timedelta(seconds=1)


# ------------------------------------------------------------------------------------ corpora
@pytest.mark.slow
def test_dates_on_the_shared_email_corpus_do_not_crash_or_flood() -> None:
    """Every message of the shared corpora (spam, bounces, mailing lists, broken MIME): the
    date finder never crashes, every date it finds is quoted from the text, and it stays
    rare — real mail names few dates."""
    from trailkeep.ingest.parsers.email import parse_message, split_mbox

    root = corpora("emails")
    messages = found = 0
    for p in sorted(root.rglob("*")):
        if p.suffix not in (".eml", ".mbox") or not p.is_file():
            continue
        raw = p.read_bytes()
        for one in [raw] if p.suffix == ".eml" else split_mbox(raw):
            for e in parse_message(one, p.name).entries:
                messages += 1
                written = e.timestamp.date() if e.timestamp else TODAY
                for d in named_dates(e.text, written):
                    found += 1
                    assert d.text in d.quote or d.quote.startswith("…")
    assert messages > 700
    assert found <= messages // 20, (found, messages)


@pytest.mark.slow
def test_brief_on_a_mailing_list_does_not_flood(tmp_path: Path) -> None:
    """notmuch's list (53 messages, Nov 2009 - Dec 2010) as one client's mail: a briefing for
    every day of its busiest weeks lists only a few dates."""
    src = corpora("emails") / "notmuch" / "default"
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Notmuch"\nid = "notmuch"\nemails = ["notmuch@notmuchmail.org"]\n'
    )
    s = make_settings(home)
    init_home(s)
    vault = Vault.open(s, get_embedder("hash"))
    try:
        ing = Ingestor(vault)
        for p in sorted(src.rglob("*.eml")):
            ing.ingest_file(p)
        ing.settle()
        most = 0
        for n in range(45):
            b = build_brief(vault, date(2009, 11, 17) + timedelta(days=n)).as_json()
            jsonschema.validate(b, schema())
            most = max(most, len(b["dates"]))
        assert most <= 5
    finally:
        vault.close()


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Oren and Ken both asked about Bluebird pricing on Thursday.", None),
        ("Lauren uploaded the file on Friday.", None),
        ("The review is on Thursday.", "2026-11-12"),
        ("Can we meet on Thursday?", "2026-11-12"),
        ("We talked; the review will be on Thursday.", "2026-11-12"),
        # written on a Friday: that Friday (QA, session 18), "next Friday" the one after
        ("Please send it by Friday, we needed it last week.", "2026-11-06"),
        ("Please send it by next Friday.", "2026-11-13"),
        ("Please send it by Friday next week.", "2026-11-13"),  # review, session 18
        ("The review is on Monday.", "2026-11-09"),
        # with its day of the month, the weekday is that day (QA, session 13)
        ("The board needs the signed quote by Friday the 13th.", "2026-11-13"),
        ("The board meets on Friday the 11th of December.", "2026-12-11"),
        ("Can we meet on Monday, the 16th?", "2026-11-16"),
    ],
)
def test_a_weekday_told_in_the_past_is_not_ahead(sentence: str, day: str | None) -> None:
    """ "on Thursday" in a sentence told in the past is the Thursday that was (QA, session 5:
    written on a Friday, it became the next Thursday in "dates ahead")."""
    found = [d.day.isoformat() for d in named_dates(sentence, date(2026, 11, 6))]
    assert found == ([day] if day else [])


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Bitte schicken Sie das Angebot bis zum 5. Januar.", "2027-01-05"),
        ("Die Lieferung verschiebt sich auf den 12. Januar 2027.", "2027-01-12"),
        ("Wir brauchen die Zahlen bis Freitag.", "2026-12-25"),
        ("Spätestens am Donnerstag, bitte.", "2026-12-24"),
        ("Merci de l'envoyer avant le 5 janvier.", "2027-01-05"),
        ("Pouvez-vous le faire d'ici lundi ?", "2026-12-21"),
        ("Le comité se réunit le 1er mars.", "2027-03-01"),
        ("La réunion a eu lieu le vendredi dernier.", None),
        ("Am 03.12.2026 um 10:15 schrieb Jürgen Weiß:", None),  # a quote's head
        ("Er pflanzt 5 Mai-Bäume.", None),
    ],
)
def test_german_and_french_dates(sentence: str, day: str | None) -> None:
    """QA, session 14: "bis zum 5. Januar", "avant le 5 janvier", "bis Freitag" never reached
    the briefing (written on Friday 2026-12-18)."""
    found = [d.day.isoformat() for d in named_dates(sentence, date(2026, 12, 18))]
    assert found == ([day] if day else [])


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("That means we cannot go live on March 2.", []),
        ("We could not go live on March 2, so go-live is March 16.", ["2026-03-16"]),
        ("Can we move go-live from March 2 to March 16?", ["2026-03-16"]),
        ("We can't do March 10 but March 12 works.", ["2026-03-12"]),
        ("I cannot make it; March 12 works.", ["2026-03-12"]),
        ("Go-live set for March 2.", ["2026-03-02"]),
        ("Please send it by March 5.", ["2026-03-05"]),
    ],
)
def test_a_date_said_not_to_happen_or_moved_away_from_is_not_ahead(
    sentence: str, days: list[str]
) -> None:
    """QA, session 8: "we cannot go live on March 2" was listed under "Dates ahead"."""
    assert [d.day.isoformat() for d in named_dates(sentence, date(2026, 2, 24))] == days


@pytest.mark.parametrize(
    ("sentence", "withdrawn", "moves"),
    [
        ("We have to move the review from Dec 4 to Dec 11.", ["2026-12-04"], ["2026-12-11"]),
        ("We cannot make Dec 4.", ["2026-12-04"], []),
        ("The workshop is postponed to Dec 9.", [], ["2026-12-09"]),
        ("The new deadline is Dec 14.", [], ["2026-12-14"]),
        ("Could we push the workshop to Dec 9?", [], []),  # asks; decides nothing
        ("Please send the proposal by Dec 4.", [], []),
        # met: said done with the date (QA, session 18: "Done — signed off, so December 4 is
        # covered" was listed under "Dates ahead", quoting the user's own reply)
        ("Done — signed off, so December 4 is covered.", ["2026-12-04"], []),
        ("We delivered the report ahead of the Dec 4 deadline.", ["2026-12-04"], []),
        ("The Dec 4 deadline is met.", ["2026-12-04"], []),
        ("We delivered the draft; the final is due Dec 4.", [], []),  # not of that date
        ("I will be done before Dec 4.", [], []),  # not yet
        ("Is Dec 4 covered?", [], []),  # asks
        # given up (QA, session 20: "April 15 is not realistic" was listed ahead)
        ("Dec 4 is not realistic. I propose Dec 11.", ["2026-12-04"], []),
        ("Dec 4 won't work for us.", ["2026-12-04"], []),
        ("Dec 4 isn't realistic.", ["2026-12-04"], []),
        # not of that date, or not met (review, session 20)
        ("Catering for Dec 4 is covered by the client.", [], []),
        ("I've sent the SOW, it needs your signature before Dec 4.", [], []),
    ],
)
def test_what_a_text_says_against_earlier_dates(
    sentence: str, withdrawn: list[str], moves: list[str]
) -> None:
    got = date_changes(sentence, date(2026, 11, 20))
    assert sorted(d.isoformat() for d in got.withdrawn) == withdrawn
    assert [m.day.isoformat() for m in got.moves] == moves


def test_a_date_a_later_message_moves_is_not_ahead_any_more(v: Vault) -> None:
    """QA, session 9: the client moved the review from Dec 4 to Dec 11 and the workshop to
    Nov 12 in later mail of the same threads, and the briefing listed the old dates beside the
    new ones. A date in another thread, or a thing the move does not name, stays."""

    def mail(n: int, subject: str, when: str, body: str, reply: int | None = None) -> str:
        return eml(
            f"m{n}@beta.example",
            BO,
            SAM,
            when,
            ("Re: " if reply else "") + subject,
            f"Hi Sam,\n\n{body}\n\nBo\n",
            reply_to=f"m{reply}@beta.example" if reply else None,
        )

    ingest(
        v,
        {
            "m1.eml": mail(
                1,
                "Review",
                "Mon, 26 Oct 2026 09:00:00 +0100",
                "The review is on Nov 6. Please send the deck by Nov 5.",
            ),
            "m2.eml": mail(
                2,
                "Review",
                "Tue, 27 Oct 2026 09:00:00 +0100",
                "We cannot make Nov 6, sorry. More soon.",
                reply=1,
            ),
            "m3.eml": mail(
                3,
                "Workshop",
                "Tue, 27 Oct 2026 10:00:00 +0100",
                "The workshop is on Nov 9 and the invoice run on Nov 13.",
            ),
            "m4.eml": mail(
                4,
                "Workshop",
                "Wed, 28 Oct 2026 10:00:00 +0100",
                "The workshop is postponed to Nov 12.",
                reply=3,
            ),
            "m5.eml": mail(
                5, "Dock", "Wed, 28 Oct 2026 11:00:00 +0100", "The dock review is on Nov 6."
            ),
        },
    )
    got = {(d["date"], d["source"]) for d in build_brief(v, TODAY).as_json()["dates"]}
    assert ("2026-11-06", "m1.eml") not in got  # withdrawn in the same thread
    assert ("2026-11-05", "m1.eml") in got  # the deck: nothing said against it
    assert ("2026-11-06", "m5.eml") in got  # another thread's Nov 6
    assert ("2026-11-09", "m3.eml") not in got  # the workshop moved
    assert ("2026-11-12", "m4.eml") in got
    assert ("2026-11-13", "m3.eml") in got  # the invoice run did not move


def test_a_passed_date_in_a_thread_still_waiting_is_overdue(v: Vault) -> None:
    """The client asked for a date, I answered "on it", the client wrote again: the thread
    waits on me, and the date that passed is overdue — it used to vanish (QA, session 5)."""
    ingest(
        v,
        {
            "c1-1.eml": eml(
                "c1-1@beta.example",
                BO,
                SAM,
                "Tue, 27 Oct 2026 09:00:00 +0100",
                "Label printer",
                "Hi Sam,\n\nCan you have the label printer fix live by Oct 31?\n\nBo\n",
            ),
            "c1-2.eml": eml(
                "c1-2@consult.example",
                SAM,
                BO,
                "Wed, 28 Oct 2026 09:00:00 +0100",
                "Re: Label printer",
                "Hi Bo,\n\nOn it.\n\nSam\n",
                reply_to="c1-1@beta.example",
            ),
            "c1-3.eml": eml(
                "c1-3@beta.example",
                BO,
                SAM,
                "Mon, 02 Nov 2026 09:00:00 +0100",
                "Re: Label printer",
                "Hi Sam,\n\nAny news?\n\nBo\n",
                reply_to="c1-2@consult.example",
            ),
        },
    )
    b = build_brief(v, TODAY).as_json()
    assert "c1-3@beta.example" in json.dumps(b["waiting"])
    (d,) = [d for d in b["dates"] if d["source"] == "c1-1.eml"]
    assert (d["date"], d["overdue"]) == ("2026-10-31", True)


def test_a_thread_waiting_longer_than_the_lookback_is_counted_not_lost(v: Vault) -> None:
    """QA, session 8: an unanswered thread vanished from "waiting" on its 61st day. Older than
    the lookback it is counted (with the oldest date), so the user knows to look."""
    before = build_brief(v, TODAY).as_json()
    # Ann's "Old question" of August 1, never answered, 94 days before TODAY
    assert before["waiting_older"] == {
        "threads": 1,
        "oldest": "2026-08-01T09:00:00-05:00",
        "lookback_days": 60,
    }
    assert "old-1@acme.example" not in json.dumps(before["waiting"])
    ingest(
        v,
        {
            "late-1.eml": eml(
                "late-1@beta.example",
                BO,
                SAM,
                "Mon, 03 Aug 2026 09:00:00 +0200",
                "Warehouse badges",
                "Hi Sam,\n\nCould you look at the warehouse badge readers?\n\nBo\n",
            ),
            "late-2.eml": eml(  # answered: not waiting, however old
                "late-2@beta.example",
                BO,
                SAM,
                "Tue, 04 Aug 2026 09:00:00 +0200",
                "Dock doors",
                "Hi Sam,\n\nThe dock door sensors again.\n\nBo\n",
            ),
            "late-3.eml": eml(
                "late-3@consult.example",
                SAM,
                BO,
                "Wed, 05 Aug 2026 09:00:00 +0200",
                "Re: Dock doors",
                "Hi Bo,\n\nFixed.\n\nSam\n",
                reply_to="late-2@beta.example",
            ),
        },
    )
    b = build_brief(v, TODAY).as_json()
    jsonschema.validate(b, schema())
    assert b["waiting"] == before["waiting"]  # the listed threads are the same
    assert b["waiting_older"] == {
        "threads": 2,
        "oldest": "2026-08-01T09:00:00-05:00",
        "lookback_days": 60,
    }
    # each in its client's scope
    beta = build_brief(v, TODAY, "beta").as_json()["waiting_older"]
    assert (beta["threads"], beta["oldest"]) == (1, "2026-08-03T09:00:00+02:00")
    assert build_brief(v, TODAY, "acme").as_json()["waiting_older"]["threads"] == 1


def test_mail_a_machine_wrote_neither_waits_nor_names_deadlines(v: Vault) -> None:
    """QA, session 11: an out-of-office reply after my answer made the thread "waiting on you"
    and its "back on Nov 5" a date; a client's newsletter was waiting with its webinar date."""
    auto = eml(
        "c2-2@beta.example",
        BO,
        SAM,
        "Mon, 02 Nov 2026 10:00:00 +0100",
        "Automatic reply: Re: Pallet labels",
        "I am out of the office until Nov 5 and will reply by Nov 6.\n",
        reply_to="c2-1@consult.example",
    ).replace("MIME-Version", "Auto-Submitted: auto-replied\nMIME-Version")
    news = eml(
        "n-1@beta.example",
        "Beta News <news@beta.example>",
        SAM,
        "Mon, 02 Nov 2026 07:00:00 +0100",
        "Beta Monthly: November",
        "Register by Nov 8 for our webinar on Nov 10.\n",
    ).replace("MIME-Version", "List-Unsubscribe: <mailto:off@beta.example>\nMIME-Version")
    mine = eml(
        "c2-1@consult.example",
        SAM,
        BO,
        "Mon, 02 Nov 2026 09:00:00 +0100",
        "Pallet labels",
        "Hi Bo,\n\nThe pallet labels are ready.\n\nSam\n",
    )
    ingest(v, {"c2-1.eml": mine, "c2-2.eml": auto, "n-1.eml": news})
    b = build_brief(v, TODAY).as_json()
    waiting = json.dumps(b["waiting"])
    assert "c2-2@beta.example" not in waiting and "n-1@beta.example" not in waiting, waiting
    sources = {d["source"] for d in b["dates"]}
    assert not sources & {"c2-2.eml", "n-1.eml"}, b["dates"]
    # an out-of-office in the client's language, with no header saying so (Exchange)
    german = eml(
        "c2-3@beta.example",
        BO,
        SAM,
        "Mon, 02 Nov 2026 11:00:00 +0100",
        "Automatische Antwort: Re: Pallet labels",
        "Ich bin bis 9. November nicht im Büro. I am out of the office until Nov 9.\n",
        reply_to="c2-1@consult.example",
    )
    ingest(v, {"c2-3.eml": german})
    b = build_brief(v, TODAY).as_json()
    assert "c2-3@beta.example" not in json.dumps(b["waiting"]), b["waiting"]
    assert "c2-3.eml" not in {d["source"] for d in b["dates"]}, b["dates"]
    # the same mail without the headers would have been listed: the filter is what hides it
    plain = news.replace("List-Unsubscribe: <mailto:off@beta.example>\n", "")
    ingest(v, {"n-2.eml": plain.replace("n-1@beta.example", "n-2@beta.example")})
    assert "n-2.eml" in {d["source"] for d in build_brief(v, TODAY).as_json()["dates"]}


@pytest.mark.parametrize(
    ("sentence", "written", "day"),
    [
        ("The capacity report was due December 20.", date(2026, 12, 28), "2026-12-20"),
        ("As discussed on Dec 30, we go ahead.", date(2027, 1, 3), "2026-12-30"),
        ("Please send it by January 5.", date(2026, 12, 20), "2027-01-05"),
        ("Please send it by March 1.", date(2026, 11, 1), "2027-03-01"),
    ],
)
def test_a_day_without_a_year_is_the_one_nearest_the_text(
    sentence: str, written: date, day: str
) -> None:
    """QA, session 11: "was due December 20" written on December 28 was read as next year's."""
    assert [d.day.isoformat() for d in named_dates(sentence, written)] == [day]


def test_only_a_passed_deadline_is_overdue(v: Vault) -> None:
    """A day something was due by is overdue once passed in a thread waiting on me; the day of a
    meeting or a go-live that has passed is just past (QA, session 11: "the steering committee
    is next Tuesday" was listed overdue)."""
    ingest(
        v,
        {
            "d1-1.eml": eml(
                "d1-1@beta.example",
                BO,
                SAM,
                "Tue, 27 Oct 2026 09:00:00 +0100",
                "Steering",
                "Hi Sam,\n\nThe steering committee meets on Oct 29. Please send the deck by "
                "Oct 30.\n\nBo\n",
            ),
        },
    )
    dates = [d for d in build_brief(v, TODAY).as_json()["dates"] if d["source"] == "d1-1.eml"]
    assert [(d["date"], d["overdue"]) for d in dates] == [("2026-10-30", True)], dates
    # "within 3 days" is due by its third day: passed, it is overdue — it vanished (QA,
    # session 16)
    ingest(
        v,
        {
            "d2-1.eml": eml(
                "d2-1@beta.example",
                BO,
                SAM,
                "Mon, 26 Oct 2026 09:00:00 +0100",
                "Form",
                "Hi Sam,\n\nPlease return the signed form within 3 days.\n\nBo\n",
            ),
        },
    )
    dates = [d for d in build_brief(v, TODAY).as_json()["dates"] if d["source"] == "d2-1.eml"]
    assert [(d["date"], d["overdue"]) for d in dates] == [("2026-10-29", True)], dates


def test_a_clients_own_mail_keeps_its_sentences_after_naming_another(v: Vault) -> None:
    """QA, session 11: in Beta's own mail, a wrapped paragraph naming Acme lost every sentence
    after the mention — Beta's payment date left Beta's briefing. Sentence by sentence, only
    the one naming Acme goes (a name wrapped over two lines included)."""
    ingest(
        v,
        {
            "b3-1.eml": eml(
                "b3-1@beta.example",
                BO,
                SAM,
                "Mon, 02 Nov 2026 09:00:00 +0100",
                "Pilot timing",
                "Hi Sam,\n\nWe heard great things about your Acme\nHealth rollout. The phase 1 "
                "payment of\n$12,480.00 is due by Nov 12. Thanks for the help.\n\nBo\n",
            )
        },
    )
    beta = build_brief(v, TODAY, client="beta").as_json()["dates"]
    quotes = [(d["date"], d["quote"]) for d in beta if d["source"] == "b3-1.eml"]
    assert quotes == [("2026-11-12", "The phase 1 payment of $12,480.00 is due by Nov 12.")]
    from trailkeep.recall.retrieval import search
    from trailkeep.vault import Filters

    seen = " ".join(
        h.quote for h in search(v, "phase 1 payment", k=5, filters=Filters(client="beta"))
    )
    assert "12,480.00" in seen and "Acme" not in seen and "Health" not in seen, seen


def test_a_sentence_going_on_about_another_client_goes_with_it(v: Vault) -> None:
    """QA, session 17: "We met Acme yesterday. Their exit multiple is 7x." — the second
    sentence, about Acme, was Beta's own words in Beta's scope and prompt."""
    ingest(
        v,
        {
            "b4-1.eml": eml(
                "b4-1@beta.example",
                BO,
                SAM,
                "Mon, 02 Nov 2026 09:00:00 +0100",
                "Meeting notes",
                "Hi Sam,\n\nWe met Acme yesterday. Their exit multiple is KESTREL52 and they "
                "want it quiet. It closes in May.\n\nOur own pilot review is on Nov 20.\n\nBo\n",
            )
        },
    )
    from trailkeep.recall.retrieval import search
    from trailkeep.vault import Filters

    seen = " ".join(
        h.quote
        for q in ("exit multiple quiet", "pilot review", "closes in May")
        for h in search(v, q, k=5, filters=Filters(client="beta"))
    )
    assert "KESTREL52" not in seen and "closes in May" not in seen, seen
    assert "pilot review is on Nov 20" in seen


def test_a_day_out_of_range_is_a_clear_error(v: Vault) -> None:
    """QA, session 11: `brief --today 9999-12-31` ended in an OverflowError traceback."""
    with pytest.raises(BriefError, match="out of range"):
        build_brief(v, date(9999, 12, 31))
    out = CliRunner().invoke(
        main, ["--home", str(v.settings.home), "brief", "--today", "9999-12-31"]
    )
    assert out.exit_code != 0 and "out of range" in out.output and "Traceback" not in out.output


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Please send it by EOD Friday.", "2026-12-04"),
        ("Need the deck COB Wednesday.", "2026-12-02"),
        # written on that Monday: that day (session 18; it read as the next Monday)
        ("The numbers by end of day Monday, please.", "2026-11-30"),
        ("Send it by Friday.", "2026-12-04"),
        ("We met on Friday.", None),
    ],
)
def test_end_of_day_deadlines_are_read(sentence: str, day: str | None) -> None:
    """QA, session 11: "by EOD Friday" and "COB Wednesday", the commonest deadlines in client
    mail, named no date (written on Monday 2026-11-30)."""
    got = [d.day.isoformat() for d in named_dates(sentence, date(2026, 11, 30))]
    assert got == ([day] if day else [])


def test_the_cli_cuts_a_quote_at_a_word() -> None:
    """QA, session 11: "What changed" printed "…for th”" (cut mid-word, no mark)."""
    from trailkeep.ui.cli.context import clip

    said = "The fee we agreed is 9,500 for the first phase and more for the rest of it"
    assert clip(said, 40) == "The fee we agreed is 9,500 for the…"
    assert clip("short", 40) == "short"


def test_a_new_users_own_mail_does_not_wait_on_them(tmp_path: Path) -> None:
    """No [me] (what `init` leaves): a reply to mail the client sent to a shared address, a
    thread the user started, and a reply to two clients at once (in neither's scope) end their
    threads — none waits on the user. A client's unanswered mail still does (QA, session 13)."""
    root = tmp_path / "new"
    root.mkdir()
    (root / "clients.toml").write_text(CLIENTS, encoding="utf-8")
    s = make_settings(root, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    vault = Vault.open(s, get_embedder("hash"))
    me = "Sam Keller <sam@keller.example>"
    day = "Mon, 02 Nov 2026 {}:00:00 +0100"
    ingest(
        vault,
        {
            "a1.eml": eml(
                "a1@acme.example",
                ANN,
                "info@keller.example",
                day.format("09"),
                "Audit",
                "Can you look at the audit file?\n",
            ),
            "a2.eml": eml(
                "a2@keller.example",
                me,
                ANN,
                day.format("10"),
                "Re: Audit",
                "Yes, tomorrow.\n",
                reply_to="a1@acme.example",
            ),
            "b1.eml": eml(
                "b1@keller.example",
                me,
                BO,
                day.format("11"),
                "Pallet labels",
                "The labels are ready.\n",
            ),
            "c1.eml": eml(
                "c1@acme.example", ANN, f"{me}, {BO}", day.format("08"), "Intro", "Sam, meet Bo.\n"
            ),
            "c2.eml": eml(
                "c2@keller.example",
                me,
                f"{ANN}, {BO}",
                day.format("12"),
                "Re: Intro",
                "Hello both.\n",
                reply_to="c1@acme.example",
            ),
            "d1.eml": eml(
                "d1@acme.example",
                ANN,
                me,
                day.format("13"),
                "Invoice question",
                "Which rate applies?\n",
            ),
        },
    )
    try:
        waiting = build_brief(vault, TODAY).as_json()["waiting"]
        assert [w["message_id"] for w in waiting] == ["d1@acme.example"], waiting
    finally:
        vault.close()


def test_my_reply_answers_the_message_it_replies_to_whatever_its_clock(v: Vault) -> None:
    """QA, session 16: my reply, its laptop clock five minutes behind, was dated before Bo's
    question; the thread was listed as waiting on me for weeks."""
    ingest(
        v,
        {
            "sk-1.eml": eml(
                "sk-1@beta.example",
                BO,
                SAM,
                "Mon, 02 Nov 2026 10:00:00 +0000",
                "Skew",
                "Hi Sam,\n\nCan you confirm the schedule?\n\nBo\n",
            ),
            "sk-2.eml": eml(
                "sk-2@consult.example",
                SAM,
                BO,
                "Mon, 02 Nov 2026 09:55:00 +0000",
                "Re: Skew",
                "Confirmed, the schedule stands.\n",
                reply_to="sk-1@beta.example",
            ),
        },
    )
    waiting = build_brief(v, TODAY).as_json()["waiting"]
    assert not [w for w in waiting if w["subject"] == "Skew"], waiting


def test_days_waiting_are_counted_on_the_users_own_clock(
    v: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA, session 16: days waiting were counted from the sender's own date, so a mail dated
    "+1300" a day ahead showed fewer days than one written later from "-1000"."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        ingest(
            v,
            {
                "tz-a.eml": eml(
                    "tz-a@beta.example",
                    BO,
                    SAM,
                    "Sat, 31 Oct 2026 00:30:00 +1300",  # Oct 30, 11:30 UTC
                    "Ledger A",
                    "Hi Sam,\n\nThe ledger is ready for review.\n\nBo\n",
                ),
                "tz-b.eml": eml(
                    "tz-b@beta.example",
                    BO,
                    SAM,
                    "Fri, 30 Oct 2026 20:00:00 -1000",  # Oct 31, 06:00 UTC
                    "Ledger B",
                    "Hi Sam,\n\nThe ledger needs one more column.\n\nBo\n",
                ),
            },
        )
        waiting = {w["subject"]: w["days"] for w in build_brief(v, TODAY).as_json()["waiting"]}
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (waiting["Ledger A"], waiting["Ledger B"]) == (4, 3), waiting


def test_invoice_totals_are_briefed_in_the_currencys_own_unit(tmp_path: Path) -> None:
    """QA, session 18: a KWD invoice of 75.209 was briefed as 75.21, a JPY draft of 4167 as
    4167.00 — the invoice itself was right."""
    from tests.output.conftest import two_client_settings

    s = two_client_settings(
        tmp_path / "home",
        '[[client]]\nname = "Gulf Trading"\nid = "gulf"\nrate = "45.125"\ncurrency = "KWD"\n\n'
        '[[client]]\nname = "Kyoto Ramen"\nid = "kyoto"\nrate = "12500"\ncurrency = "JPY"\n',
    )
    v = Vault.open(s, get_embedder("hash"))
    try:
        Ingestor(v).ingest_file(
            write_note(
                s.inbox,
                "2026-11-26.md",
                "- 1h20m gulf: tariff review\n- 20m gulf: call\n- 20m kyoto: standup\n",
            )
        )
        issue_invoice(v, create_invoice(v, "gulf", "2026-11").id, date(2026, 11, 27))
        create_invoice(v, "kyoto", "2026-11")
        b = build_brief(v, date(2026, 11, 30)).as_json()["invoices"]
    finally:
        v.close()
    assert [(d["client"], d["total"]) for d in b["drafts"]] == [("kyoto", "4167")]
    assert [(u["client"], u["total"]) for u in b["unpaid"]] == [("gulf", "75.209")]


def test_an_open_question_shows_a_later_decision_elsewhere_and_not_before_its_day(
    v: Vault,
) -> None:
    """QA, session 19: a daily note's "Open question: … a new data processing agreement for
    Ohio?" stayed open after a later note's "Decided: no new data processing agreement is
    needed for the Ohio region" (only a decision of the same document closes one), and a
    briefing for a day before the question listed it."""
    ingest(
        v,
        {
            "2026-10-20.md": "---\nclient: acme\ndate: 2026-10-20\n---\n# Call\n\nOpen question: "
            "does Acme need a new data processing agreement for the Ohio region?\n",
            "2026-10-27.md": "---\nclient: acme\ndate: 2026-10-27\n---\n# Call\n\nDecided: no new "
            "data processing agreement is needed for the Ohio region; the existing one covers "
            "it.\n",
        },
    )
    qs = build_brief(v, TODAY).as_json()["open_questions"]
    ohio = next(q for q in qs if "Ohio" in q["quote"])
    assert "no new data processing agreement" in ohio["perhaps_decided"]["quote"]
    assert ohio["perhaps_decided"]["source"] == "2026-10-27.md"
    jsonschema.validate(build_brief(v, TODAY).as_json(), schema())
    # unrelated open questions are not said to be decided
    assert all("perhaps_decided" not in q for q in qs if "Ohio" not in q["quote"])
    # the briefing of the day before the decision: open, nothing beside it
    earlier = build_brief(v, date(2026, 10, 22)).as_json()["open_questions"]
    assert [q.get("perhaps_decided") for q in earlier if "Ohio" in q["quote"]] == [None]
    # ... and of a day before the question: not there
    assert not [
        q
        for q in build_brief(v, date(2026, 10, 19)).as_json()["open_questions"]
        if "Ohio" in q["quote"]
    ]


def test_a_briefing_of_a_past_day_reads_the_thread_as_it_stood_then(home: Settings) -> None:
    """QA, session 20 (two testers): `brief --today 2026-11-24` listed my own reply of 11-23 as
    "waiting on you", because the client wrote again on 11-26 — after that day."""
    v = Vault.open(home, get_embedder("hash"))
    try:
        ingest(
            v,
            {
                "a1.eml": eml(
                    "p1@acme.example",
                    ANN,
                    SAM,
                    "Mon, 23 Nov 2026 09:15:00 -0500",
                    "Claims export",
                    "Hi Sam,\n\nThe claims export failed again. Can you look?\n\nAnn\n",
                ),
                "a2.eml": eml(
                    "p2@consult.example",
                    SAM,
                    ANN,
                    "Mon, 23 Nov 2026 14:02:00 -0500",
                    "Re: Claims export",
                    "Hi Ann,\n\nFixed: the token had expired.\n\nSam\n",
                    reply_to="p1@acme.example",
                ),
                "a3.eml": eml(
                    "p3@acme.example",
                    ANN,
                    SAM,
                    "Thu, 26 Nov 2026 10:00:00 -0500",
                    "Re: Claims export",
                    "Hi Sam,\n\nIt failed once more overnight. Any idea?\n\nAnn\n",
                    reply_to="p2@consult.example",
                ),
            },
        )
        assert build_brief(v, date(2026, 11, 24)).as_json()["waiting"] == []
        (waits,) = build_brief(v, date(2026, 11, 27)).as_json()["waiting"]
        assert waits["message_id"] == "p3@acme.example"
    finally:
        v.close()
