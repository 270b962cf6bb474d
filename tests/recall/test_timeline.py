"""Time questions: versions placed by their own time, re-ingest is a no-op, a revert is a new
version; `when` finds the first and last appearance of an exact phrase (notes/0014)."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from tests.conftest import write_note
from tests.output.conftest import two_client_settings
from tests.ui.test_cli import schema
from trailkeep.bench import versions as bench
from trailkeep.ingest import Ingestor
from trailkeep.recall.answer import ask
from trailkeep.recall.asked_when import when_question
from trailkeep.recall.timeline import (
    TimelineError,
    find_phrase,
    normalise,
    sentences,
    when,
)
from trailkeep.ui.cli import main
from trailkeep.vault import Filters, NotFound, Vault, doctor, get_embedder
from trailkeep.vault.query import status

DAYS = [date(2024, m, 1 + m) for m in range(1, 12)]  # 11 versions, one a month


def essay(i: int, extra: str = "") -> str:
    """Version i (0-based) of one essay: a phrase enters at v3 and leaves after v7, a value
    changes at v6, a sentence is there from v5 on."""
    said = ["We keep a reasoning trail for every client."]
    if 2 <= i <= 6:
        said.append("The “nightly — export” runs at 2am.")
    said.append("The budget is $4,000." if i < 5 else "The budget is $5,500.")
    if i >= 4:
        said.append("Patient matching uses the record number plus clinic.")
    return f"---\nid: essay\ntitle: Essay\nrev: {i + 1}\n---\n# Essay\n\n{' '.join(said)}\n{extra}"


def write_essay(folder: Path) -> list[Path]:
    """11 files of one essay; the date is in each file's name."""
    return [write_note(folder, f"essay-{d.isoformat()}.md", essay(i)) for i, d in enumerate(DAYS)]


def versions(vault: Vault) -> list[tuple[Any, ...]]:
    """(number, day, current, the day of the version it revises) in number order."""
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT v.number, substr(CAST(v.created_at AS TEXT), 1, 10), v.current, "
                "substr(CAST(p.created_at AS TEXT), 1, 10) FROM version v "
                "LEFT JOIN version p ON p.id = v.revises_id "
                "JOIN document d ON d.id = v.document_id WHERE d.external_id = 'id:essay' "
                "ORDER BY v.number"
            )
        ).all()
    return [(int(r[0]), r[1], bool(r[2]), r[3]) for r in rows]


def in_time_order(vault: Vault) -> None:
    vs = versions(vault)
    days = [v[1] for v in vs]
    assert days == sorted(days) and [v[0] for v in vs] == list(range(1, len(vs) + 1))
    assert [v[2] for v in vs] == [False] * (len(vs) - 1) + [True]
    assert [v[3] for v in vs] == [None, *days[:-1]]  # each revises the one before in time
    with vault.engine.connect() as c:
        # every section revises the same section of the version before it, and only that
        bad = c.execute(
            text(
                "SELECT COUNT(*) FROM link l JOIN entry n ON n.id = l.from_entry_id "
                "JOIN entry o ON o.id = l.to_entry_id JOIN version vn ON vn.id = n.version_id "
                "JOIN version vo ON vo.id = o.version_id WHERE l.kind = 'revises' "
                "AND (vo.number <> vn.number - 1 OR o.key <> n.key)"
            )
        ).scalar_one()
        missing = c.execute(
            text(
                "SELECT COUNT(*) FROM entry n JOIN version vn ON vn.id = n.version_id "
                "JOIN entry o ON o.key = n.key AND o.document_id = n.document_id "
                "JOIN version vo ON vo.id = o.version_id AND vo.number = vn.number - 1 "
                "WHERE NOT EXISTS (SELECT 1 FROM link l WHERE l.kind = 'revises' "
                "AND l.from_entry_id = n.id AND l.to_entry_id = o.id)"
            )
        ).scalar_one()
        stale = c.execute(
            text(
                "SELECT COUNT(*) FROM entry e JOIN version v ON v.id = e.version_id "
                "WHERE e.current <> v.current"
            )
        ).scalar_one()
    assert (bad, missing, stale) == (0, 0, 0)


# ------------------------------------------------------------------------- version identity
def test_a_folder_of_versions_ingested_again_adds_nothing(vault: Vault, tmp_path: Path) -> None:
    # GIVEN one essay kept as 11 dated files (one front-matter id)
    files = write_essay(tmp_path / "essay")
    ing = Ingestor(vault)
    ing.ingest_paths(files)
    assert len(versions(vault)) == 11
    in_time_order(vault)
    # WHEN the same folder is ingested again (in another order)
    again = ing.ingest_paths(list(reversed(files)))
    # THEN nothing changes: still 11 versions, the newest-dated one current
    assert len(versions(vault)) == 11 and again.failed == 0
    assert (again.ingested, again.duplicates) == (0, 11)  # and says so (QA: "ingested: 10")
    assert versions(vault)[-1][1:3] == ("2024-11-12", True)
    in_time_order(vault)
    assert doctor(vault).ok
    # a copy of the folder elsewhere: duplicates, in the count and in `status` alike (QA,
    # session 10: status recorded the copies of older versions as 7 more ingested sources)
    copies = tmp_path / "copy"
    copies.mkdir()
    for f in files:
        (copies / f.name).write_bytes(f.read_bytes())
    copy = ing.ingest_paths(sorted(copies.iterdir()))
    assert (copy.ingested, copy.duplicates) == (0, 11)
    sources = status(vault)["sources"]
    assert (sources["ingested"], sources["duplicates"]) == (11, 11), sources


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_versions_in_random_order_are_placed_by_their_own_time(
    vault: Vault, tmp_path: Path, seed: int
) -> None:
    files = write_essay(tmp_path / "essay")
    order = list(files)
    random.Random(seed).shuffle(order)
    ing = Ingestor(vault)
    for n, p in enumerate(order, 1):
        ing.ingest_file(p)
        # at every step the newest-dated version so far is the current one
        newest = max(order[:n], key=lambda q: q.name).name[6:16]
        vs = versions(vault)
        assert len(vs) == n and next(v[1] for v in vs if v[2]) == newest
    in_time_order(vault)
    # an older-dated version arriving late never became current, nor took the title
    for p in order:
        ing.ingest_file(p)
    assert len(versions(vault)) == 11
    assert doctor(vault).ok


def test_same_timestamp_orders_by_arrival(vault: Vault, tmp_path: Path) -> None:
    a = write_note(tmp_path, "a.md", essay(0).replace("title: Essay", "date: 2024-05-01"))
    b = write_note(tmp_path, "b.md", essay(6).replace("title: Essay", "date: 2024-05-01"))
    ing = Ingestor(vault)
    ing.ingest_file(b)
    ing.ingest_file(a)
    vs = versions(vault)
    assert [v[2] for v in vs] == [False, True]  # the later arrival is current
    got = when(vault, "budget is $4,000")
    assert got.appearances[-1].version == 2 and got.in_current


def test_an_edit_back_to_old_content_is_a_revert(vault: Vault, tmp_path: Path) -> None:
    # GIVEN one file edited A -> B
    p = write_note(tmp_path, "essay.md", essay(0))
    ing = Ingestor(vault)
    ing.ingest_file(p)
    p.write_text(essay(8))
    ing.ingest_file(p)
    # WHEN it is edited back to A
    p.write_text(essay(0))
    assert ing.ingest_file(p).status == "ingested"
    # THEN that is a new version (the same time: ordered by arrival, so current)
    vs = versions(vault)
    assert len(vs) == 3 and vs[-1][2]
    assert when(vault, "budget is $4,000").in_current
    # and ingesting it again changes nothing
    ing.ingest_file(p)
    assert len(versions(vault)) == 3
    in_time_order(vault)


def test_a_versions_file_edited_back_to_an_older_version_is_a_revert(
    vault: Vault, tmp_path: Path
) -> None:
    files = write_essay(tmp_path / "essay")
    ing = Ingestor(vault)
    ing.ingest_paths(files)
    # the newest file now holds what the oldest said (its date is still in its name)
    files[-1].write_text(essay(0))
    ing.ingest_file(files[-1])
    vs = versions(vault)
    assert len(vs) == 12 and vs[-1][1:3] == ("2024-11-12", True)
    assert when(vault, "budget is $4,000").in_current
    # a copy of an old version under a new name is not a new version
    write_note(tmp_path / "elsewhere", "copy.md", essay(3))
    ing.ingest_file(tmp_path / "elsewhere" / "copy.md")
    assert len(versions(vault)) == 12
    in_time_order(vault)


# ------------------------------------------------------------------------------------- when
def test_normalising_and_word_boundaries() -> None:
    assert normalise("A  “Quoted”\n— text")[0] == 'a "quoted"-text'
    t = "The nightly\n–  export ran. We planned it."
    assert find_phrase(t, "NIGHTLY - EXPORT") == [(4, 21)]
    # a space, a dash or a comma between two words is one break (QA, session 16:
    # "nightly-export" and "go-live, March 16" fell back to a topic match); between two
    # digits it is not ("2:30" is not "2 30", "1,250" not "1 250")
    assert find_phrase(t, "nightly export") == [(4, 21)]
    assert find_phrase("Go-live March 16.", "go-live, march 16") == [(0, 16)]
    assert find_phrase("at 2:30", "2 30") == [] and find_phrase("1 250", "1,250") == []
    assert find_phrase(t, "plan") == [] and find_phrase(t, "planned") == [(30, 37)]
    assert find_phrase("東京都に行く", "東京") == [(0, 2)]
    assert sentences("- one item\n- two, e.g. this. Three\nwrapped.\n\nFour!") == [
        "one item",
        "two, e.g. this.",
        "Three wrapped.",
        "Four!",
    ]


def _found_by_normalising(text: str, phrase: str) -> bool:
    """The definition, slowly: normalise both, make every break between two words (spaces,
    dashes, commas, semicolons, colons; not between two digits) one, find, check the word
    boundaries."""

    def breaks(s: str) -> str:
        return re.sub(
            r"(?<=\w)[ ,;:-]+(?=\w)",
            lambda m: m[0] if s[m.start() - 1].isdigit() and s[m.end()].isdigit() else "|",
            s,
        )

    needle = breaks(normalise(phrase)[0].strip())
    hay = breaks(normalise(text)[0])
    for i in range(len(hay)):
        if hay.startswith(needle, i):
            j = i + len(needle)
            left = not (needle[0].isalnum() and i > 0 and hay[i - 1].isalnum())
            right = not (needle[-1].isalnum() and j < len(hay) and hay[j].isalnum())
            if left and right:
                return True
    return False


def test_the_fast_matcher_agrees_with_the_normalising_definition() -> None:
    rnd = random.Random(5)
    alphabet = ["a", "b", "A", "1", " ", "  ", "\n", "-", "—", " – ", "'", "’", '"', "“", "”", "."]
    alphabet += [",", ", ", ":"]
    checked = 0
    for _ in range(6000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        phrase = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 5)))
        if rnd.random() < 0.5:  # words at both ends, breaks between
            phrase = rnd.choice("abA1") + phrase + rnd.choice("abA1")
        needle = normalise(phrase)[0].strip()
        # a phrase is words (`when` refuses one with none); one that starts or ends inside
        # a break between words ("a-", ": b") has no agreed meaning
        if not (needle and needle[0].isalnum() and needle[-1].isalnum()):
            continue
        checked += 1
        assert bool(find_phrase(text, phrase)) == _found_by_normalising(text, phrase), (
            text,
            phrase,
        )
    assert checked > 3000


def test_when_first_last_and_in_current(vault: Vault, tmp_path: Path) -> None:
    Ingestor(vault).ingest_paths(write_essay(tmp_path / "essay"))
    got = when(vault, 'the "nightly - export" runs')
    assert got.match == "exact"
    data = got.as_json()
    jsonschema.validate(data, schema("when"))
    assert (data["first"]["version"], data["first"]["timestamp"][:10]) == (3, "2024-03-04")
    assert (data["last"]["version"], data["last"]["timestamp"][:10]) == (7, "2024-07-08")
    assert data["in_current"] is False
    assert data["present_in"][0]["versions"] == [3, 4, 5, 6, 7]
    assert data["first"]["quote"] == "The “nightly — export” runs at 2am."
    still = when(vault, "patient MATCHING uses the record number")
    assert [a.version for a in still.appearances] == [5, 6, 7, 8, 9, 10, 11] and still.in_current
    old = when(vault, "budget is $4,000").as_json()
    assert (old["first"]["version"], old["last"]["version"], old["in_current"]) == (1, 5, False)


def test_a_heading_says_what_its_section_says(vault: Vault) -> None:
    """QA, session 8: `when "go-live"` missed the note "Go-live checklist (March 16)", whose
    only mention is its title."""
    ing = Ingestor(vault)
    inbox = vault.settings.inbox
    ing.ingest_file(
        write_note(
            inbox, "a.md", "---\ndate: 2026-02-24\n---\n# Move\n\nMove go-live to March 16.\n"
        )
    )
    ing.ingest_file(
        write_note(
            inbox,
            "b.md",
            "---\ndate: 2026-03-10\n---\n# Go-live checklist (March 16)\n\n- train the office\n"
            "- switch off the Friday upload\n",
        )
    )
    got = when(vault, "go-live").as_json()
    assert got["first"]["timestamp"][:10] == "2026-02-24"
    assert got["last"]["timestamp"][:10] == "2026-03-10"
    assert got["last"]["quote"] == "Go-live checklist (March 16)"


def test_a_topic_match_says_the_topic_and_a_draft_is_not_history(vault: Vault) -> None:
    """QA, session 14: `when "nightly export"` (no exact phrase) gave as first mention a
    section under "Acme export decision" that says neither word, and as last a draft made
    today quoting the history; `ask "when did I first …"` agreed with neither."""
    ing = Ingestor(vault)
    inbox = vault.settings.inbox
    ing.ingest_file(
        write_note(
            inbox,
            "decision.md",
            "---\ntitle: Acme export decision\ndate: 2026-03-01\n---\n# Exceptions file\n\n"
            "We decided to write rows with a missing member id to an exceptions file.\n\n"
            "# Backfill\n\nBackfilling from the eligibility feed was considered.\n",
        )
    )
    ing.ingest_file(
        write_note(
            inbox,
            "sunday.md",
            "---\ndate: 2026-03-02\n---\n# Sunday\n\nThe nightly claims export failed again.\n",
        )
    )
    ing.ingest_file(
        write_note(
            inbox,
            "draft.md",
            "---\ntrailkeep_draft: d1\ndate: 2026-11-30\n---\n# Status\n\n"
            "Your history says: “The nightly claims export failed again.”\n",
        )
    )
    got = when(vault, "nightly export")
    assert got.match == "topic"
    assert [a.quote for a in got.appearances] == ["The nightly claims export failed again."]
    exact = when(vault, "nightly claims export")
    assert [a.timestamp.date().isoformat() for a in exact.appearances] == ["2026-03-02"]
    with vault.engine.connect() as c:
        draft = c.execute(text("SELECT id FROM document WHERE kind = 'draft'")).scalar_one()
    asked = when(vault, "nightly claims export", Filters(document_id=draft))
    assert asked.match == "exact"  # asked of the draft itself, it answers
    said = ask(vault, "When did I first mention the nightly export?")
    assert [h.quote for h in said.citations] == ["The nightly claims export failed again."]


def test_a_when_question_about_what_was_never_said_is_not_answered_by_its_topic(
    vault: Vault, tmp_path: Path
) -> None:
    """QA, session 16: "when was the Kafka export first discussed?" — Kafka is nowhere — was
    answered with the SFTP export as "the earliest passage on it", and "when did we first
    decide to use the API …" cited the version that still chose SFTP. A passage on the topic
    must hold what was asked; else `ask` says the history doesn't say."""
    note = tmp_path / "plan" / "plan.md"
    note.parent.mkdir()
    bodies = [
        ("2026-09-02", "We will use SFTP for the nightly export."),
        ("2026-09-20", "We decided against SFTP, we are using the API for the nightly export."),
    ]
    for day, body in bodies:
        note.write_text(f"---\ntitle: Integration plan\ndate: {day}\n---\n# Transport\n\n{body}\n")
        Ingestor(vault).ingest_file(note)
    kafka = ask(vault, "when was the Kafka export first discussed?")
    assert kafka.abstained and not kafka.citations
    api = ask(vault, "when did we first decide to use the API for the nightly export?")
    assert not api.abstained
    assert api.citations[0].timestamp.date().isoformat() == "2026-09-20"
    said = ask(vault, "when did we first discuss the nightly export?")
    assert said.citations[0].timestamp.date().isoformat() == "2026-09-02"


def test_a_question_on_one_side_of_a_date_reads_the_versions_of_then(
    vault: Vault, tmp_path: Path
) -> None:
    """QA, session 16: "what did we decide before October?" cited October's version (the
    only one whose date says "October"), "after September" the September ones."""
    note = tmp_path / "plan" / "plan.md"
    note.parent.mkdir()
    bodies = [
        ("2026-09-02", "We will use SFTP for the nightly export."),
        ("2026-09-20", "We decided against SFTP: the API for the nightly export."),
        ("2026-10-15", "We decided against SFTP: the API for the nightly export, at 03:00."),
    ]
    for day, body in bodies:
        note.write_text(f"---\ntitle: Integration plan\ndate: {day}\n---\n# Transport\n\n{body}\n")
        Ingestor(vault).ingest_file(note)
    today = date(2026, 11, 28)

    def days(question: str) -> list[str]:
        got = ask(vault, question, today=today)
        return sorted({h.timestamp.date().isoformat() for h in got.citations})

    assert days("what did we decide before October about the nightly export?") == [
        "2026-09-02",
        "2026-09-20",
    ]
    assert days("what did we decide after September about the nightly export?") == ["2026-10-15"]
    before = ask(vault, "what did we decide before 2020 about the nightly export?", today=today)
    assert before.abstained and "from then" in before.reason


def test_text_written_decomposed_is_stored_composed(vault: Vault) -> None:
    """QA, session 14: mail and notes written decomposed (NFD: "a" + a combining diaeresis)
    were no exact match for the word typed (`when "spätestens"` fell back to a topic)."""
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Das Angebot muss spätestens am Freitag fertig sein.")
    inbox = vault.settings.inbox
    Ingestor(vault).ingest_file(write_note(inbox, "frist.md", f"# Frist\n\n{nfd}\n"))
    (inbox / "frist.eml").write_bytes(
        (
            "From: A <a@x.example>\nTo: b@y.example\nSubject: Frist\n"
            "Date: Mon, 30 Nov 2026 10:00:00 +0000\nMessage-ID: <nfd-1@x.example>\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            f"Hallo,\n\n{nfd}\n"
        ).encode()
    )
    Ingestor(vault).ingest_file(inbox / "frist.eml")
    for typed in ("spätestens", unicodedata.normalize("NFD", "spätestens")):
        got = when(vault, typed)
        assert got.match == "exact" and len(got.appearances) == 2, got.searched
        assert all(unicodedata.is_normalized("NFC", a.quote) for a in got.appearances)


def test_when_checks_every_candidate_exactly(vault: Vault, tmp_path: Path) -> None:
    # The keyword index stems and folds: "planning meetings" is a candidate for "planned
    # meeting", but not the phrase.
    write_note(tmp_path, "a.md", "# A\n\nWe were planning meetings all week.\n")
    write_note(tmp_path, "b.md", "# B\n\nThe planned meeting moved to Friday.\n")
    write_note(tmp_path, "c.md", "# C\n\nIt was to be or not to be, for us.\n")
    Ingestor(vault).ingest_paths([tmp_path / f"{n}.md" for n in "abc"])
    got = when(vault, "planned meeting")
    assert got.match == "exact" and [a.document for a in got.appearances] == ["B"]
    # stop words only (PostgreSQL's full text has no query for it: LIKE finds candidates)
    assert [a.document for a in when(vault, "To be or NOT to be").appearances] == ["C"]
    assert when(vault, "zebra quartz lantern").match == "none"
    topic = when(vault, "meetings planning week")  # not a phrase, but the topic is there
    assert topic.match == "topic" and topic.appearances
    # a date or a number is found as written or not at all: "Friday 30" is not "Friday"
    # (QA, session 12: `when "April 30"` answered with "June 30")
    assert when(vault, "planned meeting Friday 30").match == "none"
    with pytest.raises(TimelineError):
        when(vault, " — ")
    with pytest.raises(NotFound):
        when(vault, "meeting", Filters(document_id=999))


def test_when_stays_in_the_clients_scope(tmp_path: Path) -> None:
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    try:
        ing = Ingestor(v)
        for name, client, day in (("a.md", "Acme", "01"), ("b.md", "Beta", "02")):
            write_note(
                s.inbox,
                name,
                f"---\nclient: {client}\ndate: 2026-03-{day}\n---\n# {client} plan\n\n"
                "The weekly sync is on Tuesday.\n",
            )
            ing.ingest_file(s.inbox / name)
        assert len(when(v, "weekly sync").appearances) == 2
        acme = when(v, "weekly sync", Filters(client="acme"))
        assert [a.client for a in acme.appearances] == ["acme"]
        assert when(v, "weekly sync", Filters(client="nobody")).match == "none"
    finally:
        v.close()


def test_cli_when_and_diff_validate(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"TRAILKEEP_EMBEDDER": "hash"}
    r = CliRunner()

    def run(*args: str) -> str:
        out = r.invoke(main, ["--home", str(home), *args], env=env, obj={})
        assert out.exit_code == 0, out.output
        return out.stdout

    run("init")
    write_essay(home / "inbox")
    run("ingest", str(home / "inbox"))
    data = json.loads(run("when", "budget is $5,500", "--json"))
    jsonschema.validate(data, schema("when"))
    assert data["first"]["version"] == 6 and data["in_current"] is True
    doc = data["first"]["document_id"]
    assert "first: 2024-06-07" in run("when", "budget is $5,500")
    d = json.loads(run("diff", "--document", str(doc), "--json"))
    jsonschema.validate(d, schema("diff"))
    assert (d["from"], d["to"]) == (10, 11)
    d = json.loads(run("diff", "--document", str(doc), "--from", "4", "--to", "6", "--json"))
    assert d["added"] == [
        "The budget is $5,500.",
        "Patient matching uses the record number plus clinic.",
    ]
    assert d["removed"] == ["The budget is $4,000."]
    assert d["unified"].startswith("--- Essay v4 (2024-04-05)\n+++ Essay v6 (2024-06-07)")
    assert "\n-We keep a reasoning trail" in d["unified"] and "\n+We keep" in d["unified"]
    out = r.invoke(
        main, ["--home", str(home), "diff", "--document", str(doc), "--to", "1"], env=env
    )
    assert out.exit_code == 1 and "no version before 1" in out.output
    out = r.invoke(
        main,
        ["--home", str(home), "diff", "--document", str(doc), "--from", "3", "--to", "3"],
        env=env,
    )
    assert out.exit_code == 1 and "cannot be compared with itself" in out.output
    # a document of one version (a note here; a conversation alike) points to its trail
    (home / "inbox" / "single.md").write_text("# Single\n\nOnly once.\n")
    run("ingest", str(home / "inbox" / "single.md"))
    single = json.loads(run("search", "Only once", "--json"))["hits"][0]["document_id"]
    out = r.invoke(main, ["--home", str(home), "diff", "--document", str(single)], env=env)
    assert out.exit_code == 1 and "has one version: nothing to compare" in out.output
    out = r.invoke(main, ["--home", str(home), "when", "x", "--client", "nobody"], env=env)
    assert out.exit_code == 1 and "unknown client" in out.output
    # Said in two documents, dropped from one: each says whether its own current version
    # still says it (QA: one "in the current version: yes" read as if the essay still did).
    (home / "inbox" / "aside.md").write_text("# Aside\n\nThe budget is $4,000.\n")
    run("ingest", str(home / "inbox" / "aside.md"))
    shown = run("when", "budget is $4,000")
    assert "(not in its current version)" in shown and "Aside v1 (in its current version)" in shown
    assert "in the current version:" not in shown
    # not found: where it was not looked for is said (QA: "nowhere in your history" for a
    # phrase in another client's material)
    assert "is nowhere in your history" in run("when", "zebra crossing")
    assert "is nowhere in document 1" in run("when", "zebra crossing", "--document", "1")


# ------------------------------------------------------------------------ the bench, sampled
def test_bench_sample_when_is_exact_and_reingest_adds_nothing(tmp_path: Path) -> None:
    # GIVEN 6 documents x 5-15 versions, planted phrases that appear, change and disappear,
    # shared timestamps, files ingested in random order and then again in another order
    out = bench.run(tmp_path, docs=6, chunks=0, seed=11)
    # THEN `when` gets every first/last appearance right and the re-ingest added nothing
    assert out["versions_added_by_reingest"] == 0
    assert out["when_exact_right"] == 1.0, out["wrong"]
    assert out["shared_timestamps"] > 0 and out["planted_phrases"] >= 20


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did I first mention the nightly export?", ("first", "nightly export")),
        ("when did we last talk about patient matching", ("last", "patient matching")),
        ("When did I decide to use SQLite?", ("both", "use SQLite")),
        ("When was the budget first discussed?", ("first", "budget")),
        ("When is the cutover?", None),
        ("What did I first mention?", None),
    ],
)
def test_which_questions_ask_when(question: str, expected: tuple[str, str] | None) -> None:
    assert when_question(question) == expected


def test_ask_when_did_i_first_answers_from_the_trail(vault: Vault, tmp_path: Path) -> None:
    """ "When did I first …" is answered by the first appearance on the trail, cited, and says
    whether it is still current (QA, session 10: ask cited only the newest version)."""
    Ingestor(vault).ingest_paths(write_essay(tmp_path / "essay"))
    first = ask(vault, "When did I first mention the “nightly — export”?")
    assert not first.abstained
    assert (first.citations[0].version, str(first.citations[0].timestamp)[:10]) == (
        3,
        "2024-03-04",
    )
    assert "2024-03-04" in first.answer and "no longer in the current version" in first.answer
    last = ask(vault, "when did we last write about patient matching?")
    assert last.citations[-1].version == 11 and "still in the current version" in last.answer
    assert "2024-11-12" in last.answer
    # a phrase quoted or ending the sentence is the phrase (it fell back to a topic match)
    for typed in ('"nightly - export"', "nightly - export?", "'nightly - export.'"):
        got = when(vault, typed)
        assert got.match == "exact" and got.appearances[0].version == 3, typed
    # an identifier is found as written or not at all
    assert when(vault, "NIGHTLY-EXPORT-42").match == "none"
    # a draft repeating the phrase is not history (review, session 10: it was "last said")
    from trailkeep.recall.draft import Draft
    from trailkeep.ui.drafts import save

    save(vault, Draft("status-update", "Status", "The “nightly — export” runs at 2am.", None, "x"))
    again = ask(vault, "When did I last mention the “nightly — export”?")
    assert [h.document_kind for h in again.citations] == ["note"], again.citations
    assert not ask(vault, "when did I last say '...'?").answer.startswith("Last")  # no words


def test_when_did_i_asks_for_my_own_words(tmp_path: Path) -> None:
    """ "When did *I* first mention X" is the user's own first mention — a note, a chat turn of
    theirs, or mail they sent — not the client's mail that raised it earlier; when only others
    said it the answer says so. "We" and "when was X mentioned" ask about anyone."""
    home = tmp_path / "home"
    s = two_client_settings(home)
    inbox = tmp_path / "in"
    mail = (
        "From: Ann <ann@acme.example>\nTo: sam@consult.example\nSubject: Export\n"
        "Date: Mon, 03 Mar 2025 09:00:00 +0000\nMessage-ID: <a1@acme.example>\n\n"
        "Could the nightly claims export also carry the visit notes?\n"
    )
    reply = (
        "From: Sam <sam@consult.example>\nTo: ann@acme.example\nSubject: Re: Export\n"
        "Date: Fri, 07 Mar 2025 10:00:00 +0000\nMessage-ID: <a2@consult.example>\n"
        "In-Reply-To: <a1@acme.example>\n\nYes: the nightly claims export will carry them.\n"
    )
    write_note(inbox, "01.eml", mail)
    write_note(inbox, "02.eml", reply)
    write_note(
        inbox,
        "2025-03-10.md",
        "# Acme\n\nDecided: the nightly claims export runs at 02:00.\n"
        "Nobody asked about the retention policy.\n",
    )
    write_note(
        inbox,
        "03.eml",
        "From: Ann <ann@acme.example>\nTo: sam@consult.example\nSubject: Retention\n"
        "Date: Tue, 04 Mar 2025 09:00:00 +0000\nMessage-ID: <a3@acme.example>\n\n"
        "We also need a data retention schedule before June.\n",
    )
    v = Vault.open(s, get_embedder("hash"))
    try:
        Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
        mine = ask(v, "When did I first mention the nightly claims export?")
        assert [str(h.timestamp)[:10] for h in mine.citations][:1] == ["2025-03-07"], mine.answer
        assert "2025-03-03" not in mine.answer
        anyone = ask(v, "When did we first discuss the nightly claims export?")
        assert str(anyone.citations[0].timestamp)[:10] == "2025-03-03", anyone.answer
        theirs = ask(v, "When did I first mention the data retention schedule?")
        assert theirs.answer.startswith("Your own words never say it"), theirs.answer
        assert "2025-03-04" in theirs.answer
    finally:
        v.close()


def test_the_original_plan_is_its_first_version(vault: Vault, tmp_path: Path) -> None:
    """QA, session 16: "what was the original plan for the nightly export?" abstained on
    "original"; "originally" answered with the current version first."""
    note = tmp_path / "plan" / "plan.md"
    note.parent.mkdir()
    for day, body in (
        ("2026-09-02", "We will use SFTP for the nightly export."),
        ("2026-10-15", "We decided against SFTP: the API for the nightly export."),
    ):
        note.write_text(f"---\ntitle: Integration plan\ndate: {day}\n---\n# Transport\n\n{body}\n")
        Ingestor(vault).ingest_file(note)
    for question in (
        "what was the original plan for the nightly export?",
        "what did we originally plan for the nightly export?",
    ):
        got = ask(vault, question, today=date(2026, 11, 28))
        assert not got.abstained, (question, got.reason)
        assert got.citations[0].timestamp.date().isoformat() == "2026-09-02", question


def test_the_current_value_is_the_newest_word_first(vault: Vault, tmp_path: Path) -> None:
    """QA, session 19: "what is the current go-live deadline?" cited the June note ("moved to
    July 31") first and the March version second; the reply of June 26 moving it to August 14
    was not cited — it does not say "deadline", so it held less of the question. Asked for
    what holds now, the passages come newest first, superseded versions and questions last."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    note = inbox / "plan.md"
    for day, body in (
        ("2026-01-12", "Go-live deadline is March 31, 2026."),
        ("2026-06-10", "Go-live deadline moved to July 31, 2026 for the Ohio region."),
    ):
        note.write_text(f"---\ntitle: Export plan\ndate: {day}\n---\n# Plan\n\n{body}\n")
        Ingestor(vault).ingest_file(note)
    for name, day, body in (
        ("ask.eml", "Thu, 25 Jun 2026 13:00:00 +0200", "Can we move the go-live to August 14?"),
        (
            "yes.eml",
            "Fri, 26 Jun 2026 09:15:00 +0200",
            "Yes, that works: the go-live moves to August 14, 2026.",
        ),
    ):
        (inbox / name).write_text(
            f"From: Dana <dana@example.org>\nTo: me@example.com\nSubject: Go-live date\n"
            f"Date: {day}\nMessage-ID: <{name}@example.org>\n\n{body}\n"
        )
        Ingestor(vault).ingest_file(inbox / name)
    for question in (
        "what is the current go-live deadline?",
        "what's the go-live deadline now?",
        "latest go-live deadline",
    ):
        got = ask(vault, question, today=date(2026, 11, 28))
        assert not got.abstained, (question, got.reason)
        assert "August 14, 2026" in got.citations[0].quote, (question, got.answer)
        assert "newest first" in got.answer
        days = [h.timestamp.date().isoformat() for h in got.citations]
        assert "2026-01-12" not in days[:-1], days  # the superseded version, if cited, last
    # without "now", the passage holding most of the question keeps its place
    got = ask(vault, "what is the go-live deadline?", today=date(2026, 11, 28))
    assert "newest first" not in got.answer


def test_edits_that_keep_the_created_date_are_placed_by_their_file_time(
    vault: Vault, tmp_path: Path
) -> None:
    """QA, session 19: a risk register kept `date: 2026-01-15` through edits on March 2 and May
    20 (the file times say so). Every version was "2026-01-15": `ask --until 2026-02-01` cited
    May's text, `when "Kubernetes"` said first said in January, the trail showed one date."""
    import os

    note = tmp_path / "notes" / "risks.md"
    note.parent.mkdir()
    head = "---\nid: risks\ntitle: Northwind risks\ndate: 2026-01-15\n---\n# Hosting\n\n"
    for day, body in (
        ("2026-01-15", "Hosting plan: an Azure VM in the client's tenant."),
        ("2026-03-02", "Hosting plan: an Azure VM in the client's tenant, with nightly backups."),
        ("2026-05-20", "Hosting plan: on-prem Kubernetes, after the security review."),
    ):
        note.write_text(head + body + "\n")
        t = datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()
        os.utime(note, (t, t))
        Ingestor(vault).ingest_file(note)
    assert [r[1] for r in risk_versions(vault)] == ["2026-01-15", "2026-03-02", "2026-05-20"]
    got = when(vault, "on-prem Kubernetes")
    assert str(got.appearances[0].timestamp)[:10] == "2026-05-20", got
    early = ask(
        vault, "what was the hosting plan?", Filters(until=datetime(2026, 2, 1, tzinfo=UTC))
    )
    assert not early.abstained and "Kubernetes" not in early.citations[0].quote, early.answer
    # a copy of the same note (its id) with another date, read from another path, is placed
    # by its own date: not current
    old = tmp_path / "old" / "risks-copy.md"
    old.parent.mkdir()
    old.write_text(head.replace("2026-01-15", "2026-02-01") + "Hosting plan: undecided.\n")
    Ingestor(vault).ingest_file(old)
    now = [r for r in risk_versions(vault) if r[2]]
    assert len(now) == 1 and now[0][1] == "2026-05-20", risk_versions(vault)
    # the same file with its date corrected forward is its newest text
    note.write_text(head.replace("2026-01-15", "2026-03-01") + "Hosting plan: Kubernetes.\n")
    Ingestor(vault).ingest_file(note)
    now = [r for r in risk_versions(vault) if r[2]]
    assert len(now) == 1 and now[0][0] == 5, risk_versions(vault)


def test_a_section_an_edit_carries_over_is_cited_as_first_said(
    vault: Vault, tmp_path: Path
) -> None:
    """New user's trial, session 29: a note (`date: 2026-03-05`) edited in December to add a
    section; `ask` cited its unchanged "Decision" as said in December while the trail said
    March. A passage is dated when it was first said; the new section by its edit."""
    import os

    from trailkeep.recall import search

    note = tmp_path / "notes" / "kilns.md"
    note.parent.mkdir()
    head = "---\nid: kilns\ntitle: Kiln decisions\ndate: 2026-03-05\n---\n"
    first = "# Dryer choice\n\nDecision: solar-assisted kilns from Solvarm.\n"
    for day, body in (
        ("2026-03-05", first),
        ("2026-12-02", first + "\n# Data plan\n\nTrack kiln batches one record per batch.\n"),
    ):
        note.write_text(head + body)
        t = datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()
        os.utime(note, (t, t))
        Ingestor(vault).ingest_file(note)
    said = {
        h.title.split(" > ")[-1]: str(h.timestamp)[:10]
        for h in search(vault, "solar kilns kiln batches record", k=10)
        if h.current
    }
    assert said == {"Dryer choice": "2026-03-05", "Data plan": "2026-12-02"}, said


def risk_versions(vault: Vault) -> list[tuple[int, str, bool]]:
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT v.number, substr(CAST(v.created_at AS TEXT), 1, 10), v.current "
                "FROM version v JOIN document d ON d.id = v.document_id "
                "WHERE d.title = 'Northwind risks' ORDER BY v.number"
            )
        ).all()
    return [(int(r[0]), r[1], bool(r[2])) for r in rows]


def test_what_held_at_a_time_is_the_latest_word_up_to_then(vault: Vault, tmp_path: Path) -> None:
    """QA, session 19: "what was the budget in March?" abstained (no passage says "March") and
    "what was the deadline as of May 2026?" answered with June's July 31. A question asking
    what held then reads the history as `--until` does, newest first."""
    note = tmp_path / "plan" / "plan.md"
    note.parent.mkdir()
    for day, budget, deadline in (
        ("2026-01-12", "40,000", "March 31"),
        ("2026-02-20", "55,000", "April 30"),
        ("2026-04-02", "55,000", "June 15"),
        ("2026-06-10", "62,000", "July 31"),
    ):
        note.write_text(
            f"---\nid: plan\ntitle: Export plan\nupdated: {day}\n---\n# Budget\n\nBudget is "
            f"EUR {budget}.\n\n# Deadline\n\nGo-live deadline is {deadline}, 2026.\n"
        )
        Ingestor(vault).ingest_file(note)
    today = date(2026, 11, 28)
    got = ask(vault, "what was the budget in March 2026?", today=today)
    assert not got.abstained, got.reason
    assert "55,000" in got.citations[0].quote and "as it stood" in got.answer, got.answer
    got = ask(vault, "what was the go-live deadline as of May 2026?", today=today)
    assert not got.abstained and "June 15" in got.citations[0].quote, got.answer
    assert all("July 31" not in h.quote for h in got.citations)
    # the version in force then is said so, not "superseded" (QA, session 19)
    first = got.answer.split("\n[2]")[0]
    assert "in force then, replaced later" in first and "superseded" not in first, got.answer
    days = [h.timestamp.date().isoformat() for h in got.citations]
    assert days == sorted(days, reverse=True), days
    got = ask(vault, "what was the go-live deadline as of January 2020?", today=today)
    assert got.abstained
    # a day, as "as of" reads it (QA, session 20: "on February 20" abstained)
    for q in ("what was the budget on March 3?", "what was the budget on March 3, 2026?"):
        got = ask(vault, q, today=today)
        assert not got.abstained, (q, got.reason)
        assert "55,000" in got.citations[0].quote and "as it stood" in got.answer, got.answer
    got = ask(vault, "what was the budget on January 20?", today=today)
    assert not got.abstained and "40,000" in got.citations[0].quote, got.answer
    assert all("55,000" not in h.quote for h in got.citations), got.answer
    from trailkeep.recall.dates import as_of

    assert as_of("what did we decide in March?", today) is None  # within March, not as of
    assert as_of("how many visits were logged in February?", today) is None
    assert as_of("what failed on February 14?", today) is None  # an event that day, not a state
    # a measure that day, the day of an event it is asked after (QA, session 21)
    assert as_of("what was the exception rate on March 16?", today) is None
    assert as_of("what was the budget after go-live on March 16?", today) is None
    # an event that day is not a state held then (review, session 21: "what was the decision
    # in the meeting on March 3?" cited January's decision "as it stood on March 3")
    for q in (
        "what was decided on March 3?",
        "who was at the meeting on March 3?",
        "what was sent to the client on March 3?",
        "how much was invoiced on March 3?",
        "what was the decision in the meeting on March 3?",
    ):
        assert as_of(q, today) is None, q
    # a day after today is last year's; a leap day, the last leap year's
    assert as_of("what was the budget on November 29?", today) == (
        "on November 29",
        datetime(2025, 11, 30, tzinfo=UTC),
    )
    assert as_of("what was the budget on February 29?", today) == (
        "on February 29",
        datetime(2024, 3, 1, tzinfo=UTC),
    )
    assert as_of("what was the budget on February 31?", today) is None
