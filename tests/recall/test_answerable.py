"""Answerability (issue 15): passages that clear the similarity threshold because they name
the client still have to mention what the question asks about."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import write_note
from trailkeep.ingest import Ingestor
from trailkeep.recall import ask, search
from trailkeep.recall.answerable import (
    Support,
    by_cover,
    content_terms,
    cover,
    only_asks,
    support,
)
from trailkeep.recall.asked import (
    MONEY,
    MONEY_OR_NOT,
    asks_outcome,
    asks_quantity,
    asks_when,
    counted_nouns,
    counts,
    has_quantity,
    measures,
    reports,
    says_when,
)
from trailkeep.recall.asked_names import asks_name, has_name
from trailkeep.recall.terms import fold
from trailkeep.vault import Filters, Vault

CLIENTS = '[[client]]\nname = "Northwind Home Health"\nid = "northwind"\naliases = ["Northwind"]\npeople = ["Dana Whitfield"]\n'

NOTE = """---
client: northwind
date: 2026-10-02
---
# Northwind kickoff

Northwind has 212 active patients across two offices.
Dana Whitfield wants the EVV exception rate under 5% before the Medicaid audit in June.
We budgeted 60 hours for phase 1 of the Northwind EVV work.
"""


def test_content_terms_leave_out_scaffolding_and_names() -> None:
    names = ["northwind", "Northwind Home Health", "Northwind", "Dana Whitfield"]
    assert content_terms("What is Northwind's parking policy?", names) == ["parking", "policy"]
    assert content_terms("Why didn't Dana tell us about the audit?", names) == ["audit"]
    assert content_terms("How many active patients does Northwind have?", names) == [
        "active",
        "patients",
    ]
    # a contraction adds nothing to the word before it: "why'd" is "why", "who's" is "who"
    assert content_terms("Why'd the go-live slip?", names) == ["go-live", "slip"]
    assert content_terms("Who's Dana's manager, and where'll they be?", names) == ["manager"]


def test_a_question_in_german_french_or_spanish_has_its_own_scaffolding() -> None:
    """QA, session 14: "wie", "viele", "hat" were content terms, found in a licence mail, so a
    German question the history cannot answer was answered; "wann" and "par" made answerable
    ones abstain. A language's function words count only in a question in that language."""
    assert content_terms("Wie viele Lizenzen hat Müller in Japan gestohlen?", ["Müller"]) == [
        "lizenzen",
        "japan",
        "gestohlen",
    ]
    assert content_terms("Wann tagt der Vorstand?") == ["tagt", "vorstand"]
    assert content_terms("Combien coûte l'hébergement par mois ?") == [
        "coûte",
        "hébergement",
        "mois",
    ]
    assert content_terms("¿Cuándo empieza la migración?") == ["empieza", "migración"]
    # English words that are German or French function words stay content in English
    assert content_terms("Why did the project die in the war?") == ["project", "die", "war"]
    assert content_terms("What did Dana say about the hat?", ["Dana"]) == ["hat"]


def test_a_german_question_is_answered_only_by_what_answers_it(vault: Vault) -> None:
    Ingestor(vault).ingest_file(
        write_note(
            vault.settings.inbox,
            "lizenzen.md",
            "# Lizenzen\n\nWir haben uns für 40 Lizenzen entschieden; der Vorstand tagt am "
            "12. Januar und gibt das Budget frei.\n",
        )
    )
    no = ask(vault, "Wie viele Lizenzen hat Müller in Japan gestohlen?")
    assert no.abstained and not no.citations
    yes = ask(vault, "Wie viele Lizenzen haben wir entschieden?")
    assert not yes.abstained and any("40 Lizenzen" in h.quote for h in yes.citations)
    assert not ask(vault, "Wann tagt der Vorstand?").abstained


def with_clients(vault: Vault, toml: str) -> None:
    """Write clients.toml into the vault's home and take it as the running settings."""
    import tomllib
    from dataclasses import replace

    from trailkeep.vault.clients import parse_clients

    (vault.settings.home / "clients.toml").write_text(toml)
    specs = parse_clients(tomllib.loads(toml), Path("clients.toml"))
    vault.settings = replace(vault.settings, clients=specs)
    vault.sync_clients(specs)


@pytest.fixture
def nvault(vault: Vault) -> Vault:
    with_clients(vault, CLIENTS)
    Ingestor(vault).ingest_file(write_note(vault.settings.inbox, "kickoff.md", NOTE))
    return vault


def test_a_question_about_something_the_vault_never_mentions_abstains(nvault: Vault) -> None:
    scoped = Filters(client="northwind")
    names = ["northwind", "Northwind Home Health", "Northwind", "Dana Whitfield"]
    # The passages name Northwind (that is why they are found), not parking or a policy.
    hits = search(nvault, "What is Northwind's parking policy?", k=5, filters=scoped)
    assert hits
    sup = support(nvault, "What is Northwind's parking policy?", hits, names)
    assert not sup.ok and sup.missing == ["parking", "policy"]
    assert support(nvault, "How many active patients does Northwind have?", hits, names).ok
    a = ask(nvault, "What is Northwind's parking policy?", scoped)
    assert a.abstained and not a.answerable
    assert a.closest, "the nearest passages are shown as closest, not as an answer"
    assert a.as_json()["closest"] and a.as_json()["citations"] == []
    b = ask(nvault, "How many active patients does Northwind have?", scoped)
    assert not b.abstained and any("212 active patients" in h.quote for h in b.citations)


def test_a_question_naming_nobody_must_be_supported_as_strictly(nvault: Vault) -> None:
    """Asked with no client selected and naming no one, a question has only its content to be
    found by: "offices" alone does not answer a parking policy (it used to, on a tenth)."""
    a = ask(nvault, "What is the parking policy at the offices?")
    assert a.abstained and not a.answerable and a.closest
    b = ask(nvault, "How many active patients are there across the offices?")
    assert not b.abstained and any("212 active patients" in h.quote for h in b.citations)


@pytest.mark.slow
def test_labelled_two_client_sets_with_the_real_embedder(tmp_path: Path) -> None:
    """The labelled sets in tests/fixtures/twoclient, measured with MiniLM (BENCHMARKS.md,
    session 21): ours (questions.jsonl, 94 questions) 91.5 % / 95.7 %; heldout.jsonl, written by
    someone who had not seen the rule, 86.7 % / 56.7 % (abstains on the unanswerable / answers
    the answerable). Ours is held to the issue's 90 % / 90 % (one question fewer abstained
    fails), heldout one question under its figures. The later blind sets are not run here:
    `trailkeep bench answerability --questions FILE` measures them when the rule changes."""
    import json

    from trailkeep.bench.answerability import DEFAULT, build, evaluate

    floors = {
        (DEFAULT, "questions.jsonl"): (0.90, 0.90),
        (DEFAULT, "heldout.jsonl"): (0.83, 0.56),
        # two more vaults (a bakery and a law firm; a freight firm and a museum) and their 60
        # questions each, written blind in session 22: 80.0 / 63.3 % and 90.0 / 33.3 % before
        # that session's changes, 83.3 / 86.7 % and 90.0 / 60.0 % after
        (BAKERYLAW, "blind.jsonl"): (0.80, 0.83),
        (FREIGHTMUSEUM, "blind.jsonl"): (0.86, 0.66),
        # a fourth (a dental group and a brewery), written blind after those changes and run
        # once, its errors not read: 83.3 / 46.7 %; 83.3 / 63.3 % after session 24
        (DENTALBREWERY, "blind.jsonl"): (0.80, 0.60),
        # a fifth (a fruit growers' co-op and climbing gyms; 30 questions), written blind in
        # session 23 before its changes: 66.7 / 40.0 % clean, 73.3 / 66.7 % after (notes/0006,
        # "One passage, and a fifth vault")
        (ORCHARDGYM, "blind.jsonl"): (0.73, 0.66),
        # a sixth (a boat-hire marina and a youth orchestra), written blind in session 23 and
        # measured once on that session's code: 93.3 / 26.7 %; 93.3 / 40.0 % after session 24
        (MARINAORCHESTRA, "blind.jsonl"): (0.93, 0.33),
        # a seventh (vets and a ferry co-op), written blind in session 24 before its changes:
        # 80.0 / 33.3 % clean, 80.0 / 53.3 % after (notes/0006, "A seventh vault")
        (VETFERRY, "blind.jsonl"): (0.80, 0.53),
        # an eighth (a library consortium and a linen-hire laundry), written blind in session
        # 25 with freely paraphrased questions: 80.0 / 13.3 % clean (notes/0006, "An eighth
        # vault"): what a lexical check cannot read, held here so that it does not fall;
        # 80.0 / 26.7 % after session 26
        # session 27: 73.3 / 40.0 % once its timesheet table's rows are work entries (the
        # vault's words counted otherwise: one more near-miss answered, two answers found)
        (LIBRARYLINEN, "blind.jsonl"): (0.73, 0.40),
        # a ninth (a glasshouse grower and an electric boat hire), written blind in session 26
        # the same way: 73.3 / 33.3 % clean, 73.3 / 26.7 % after that session's changes
        # (notes/0006, "A ninth vault"); 66.7 / 26.7 % once its timesheet is read (session 27)
        (GLASSHOUSEBOATS, "blind.jsonl"): (0.66, 0.26),
        # a tenth (a bell foundry, a seaweed harvester, a falconry firm; 40 questions), written
        # blind in session 27: 55.0 / 50.0 % clean, 75.0 / 50.0 % after (notes/0006, "A tenth")
        # session 31: 75.0 / 45.0 % — "the first real quote … and for how much?" had been
        # answered from a sentence giving a contingency percentage; money is now asked of it
        (BELLSEAWEEDFALCON, "blind.jsonl"): (0.75, 0.45),
        # an eleventh (a cheese cave, a lighthouse trust, a ropewalk; 40 questions), written
        # blind in session 28: 60.0 / 50.0 % clean, 90.0 / 65.0 % after (notes/0006, "An
        # eleventh vault")
        # (90.0 / 70.0 % after session 30)
        (CHEESELIGHTROPE, "blind.jsonl"): (0.90, 0.70),
        # a twelfth (turret clocks, a salt works, balloon flights), written blind in session 28
        # and measured once on that session's final code, its errors not used: 75.0 / 70.0 %
        # (80.0 / 70.0 % after session 30)
        (CLOCKSALTBALLOON, "blind.jsonl"): (0.80, 0.70),
        # a thirteenth (mushrooms, a coffee roaster, tree surgeons; 60 questions), written blind
        # in session 29: 76.7 / 60.0 % clean, 80.0 / 80.0 % after (notes/0006, "A thirteenth")
        (MUSHROOMROASTERTREE, "blind.jsonl"): (0.80, 0.80),
        # a fourteenth (marquee hire, a tile workshop, a driving school), written blind in
        # session 29 and measured once on that session's final code, its errors not used:
        # 76.7 / 60.0 %; 83.3 / 73.3 % after session 30 (its errors read then)
        (MARQUEETILEDRIVING, "blind.jsonl"): (0.83, 0.73),
        # a fifteenth (hill-farm cottages, a courier co-op, a stained-glass studio), written
        # blind in session 30: 43.3 / 80.0 % clean, 73.3 / 80.0 % after (notes/0006, "A
        # fifteenth vault")
        (COTTAGECOURIERGLASS, "blind.jsonl"): (0.73, 0.80),
        # a sixteenth (a volunteer ski club, an organ builder, a co-operative lakeside sauna),
        # written blind in session 31: 53.3 / 63.3 % clean, 76.7 / 63.3 % after (notes/0006,
        # "A sixteenth vault")
        # (76.7 / 70.0 % after session 32)
        (SKISAUNAORGAN, "blind.jsonl"): (0.76, 0.70),
        # a seventeenth (a beekeeping co-op, a heritage tram line, a violin workshop), written
        # blind in session 32: 66.7 / 46.7 % clean, 86.7 / 70.0 % after (notes/0006, "A
        # seventeenth vault")
        (BEETRAMVIOLIN, "blind.jsonl"): (0.86, 0.70),
        # an eighteenth (a community radio station, a milliner, a bicycle-frame builder),
        # written blind in session 32 and measured clean: 76.7 / 46.7 %; 76.7 / 50.0 % on that
        # session's final code, its errors not read
        (RADIOHATFRAME, "blind.jsonl"): (0.76, 0.50),
    }
    vaults = (DEFAULT, BAKERYLAW, FREIGHTMUSEUM, DENTALBREWERY, ORCHARDGYM, MARINAORCHESTRA)
    later = (VETFERRY, LIBRARYLINEN, GLASSHOUSEBOATS, BELLSEAWEEDFALCON, CHEESELIGHTROPE)
    later += (CLOCKSALTBALLOON, MUSHROOMROASTERTREE, MARQUEETILEDRIVING, COTTAGECOURIERGLASS)
    later += (SKISAUNAORGAN, BEETRAMVIOLIN, RADIOHATFRAME)
    for data in (*vaults, *later):
        v = build(data, tmp_path / data.name, "minilm")
        try:
            for (where, name), (abstain, answer) in floors.items():
                if where != data:
                    continue
                qs = [json.loads(x) for x in (data / name).read_text().splitlines() if x]
                out = evaluate(v, qs)
                assert out["abstain_rate_unanswerable"] >= abstain, name
                assert out["answer_rate_answerable"] >= answer, name
        finally:
            v.close()


BAKERYLAW = Path(__file__).resolve().parents[1] / "fixtures" / "bakerylaw"
FREIGHTMUSEUM = Path(__file__).resolve().parents[1] / "fixtures" / "freightmuseum"
DENTALBREWERY = Path(__file__).resolve().parents[1] / "fixtures" / "dentalbrewery"
ORCHARDGYM = Path(__file__).resolve().parents[1] / "fixtures" / "orchardgym"
MARINAORCHESTRA = Path(__file__).resolve().parents[1] / "fixtures" / "marinaorchestra"
VETFERRY = Path(__file__).resolve().parents[1] / "fixtures" / "vetferry"
LIBRARYLINEN = Path(__file__).resolve().parents[1] / "fixtures" / "librarylinen"
GLASSHOUSEBOATS = Path(__file__).resolve().parents[1] / "fixtures" / "glasshouseboats"
BELLSEAWEEDFALCON = Path(__file__).resolve().parents[1] / "fixtures" / "bellseaweedfalcon"
CHEESELIGHTROPE = Path(__file__).resolve().parents[1] / "fixtures" / "cheeselightrope"
CLOCKSALTBALLOON = Path(__file__).resolve().parents[1] / "fixtures" / "clocksaltballoon"
MUSHROOMROASTERTREE = Path(__file__).resolve().parents[1] / "fixtures" / "mushroomroastertree"
MARQUEETILEDRIVING = Path(__file__).resolve().parents[1] / "fixtures" / "marqueetiledriving"
COTTAGECOURIERGLASS = Path(__file__).resolve().parents[1] / "fixtures" / "cottagecourierglass"
SKISAUNAORGAN = Path(__file__).resolve().parents[1] / "fixtures" / "skisaunaorgan"
BEETRAMVIOLIN = Path(__file__).resolve().parents[1] / "fixtures" / "beetramviolin"
RADIOHATFRAME = Path(__file__).resolve().parents[1] / "fixtures" / "radiohatframe"


@pytest.mark.parametrize(
    "data",
    [
        BAKERYLAW,
        FREIGHTMUSEUM,
        DENTALBREWERY,
        ORCHARDGYM,
        MARINAORCHESTRA,
        VETFERRY,
        LIBRARYLINEN,
        GLASSHOUSEBOATS,
        BELLSEAWEEDFALCON,
        CHEESELIGHTROPE,
        CLOCKSALTBALLOON,
        MUSHROOMROASTERTREE,
        MARQUEETILEDRIVING,
        COTTAGECOURIERGLASS,
        SKISAUNAORGAN,
        BEETRAMVIOLIN,
        RADIOHATFRAME,
    ],
    ids=lambda p: p.name,
)
def test_the_other_vaults_sets_are_well_formed(data: Path) -> None:
    """Each blind set of the other vaults: its evidence is found verbatim in the vault's files."""
    import json

    text = " ".join(
        " ".join(p.read_text(encoding="utf-8").split())
        for p in data.iterdir()
        if p.suffix in (".eml", ".md", ".json", ".mbox")
    )
    for p in data.glob("*.json"):  # a chat export's text as its messages say it
        text += " " + " ".join(json.dumps(json.loads(p.read_text()), ensure_ascii=False).split())
    rows = [json.loads(x) for x in (data / "blind.jsonl").read_text().splitlines() if x]
    assert len(rows) >= 30 and sum(r["answerable"] for r in rows) * 2 == len(rows)
    for r in rows:
        assert bool(r["evidence"]) == r["answerable"], r
        for e in r["evidence"]:
            assert " ".join(e.split()) in text, e


@pytest.mark.parametrize(
    ("question", "kept", "gone"),
    [
        ("What's the ceiling on the first phase for the law firm?", {"ceiling"}, {"law", "firm"}),
        ("Who does the bakery's bookkeeping?", {"bookkeeping"}, {"bakery"}),
        ("Who's the clinic director at Northwind?", {"clinic", "director"}, set()),
        ("Who at the firm signed the engagement letter?", {"firm", "signed"}, set()),
        ("How many online orders did the Roundhay shop get?", {"roundhay", "shop"}, set()),
    ],
)
def test_the_client_spoken_of_by_its_kind_is_no_content(
    question: str, kept: set[str], gone: set[str]
) -> None:
    """Blind trial, session 22: "the law firm" is the client asked about, not words its
    history must hold; "the clinic director" and "the firm signed" keep their words."""
    from trailkeep.recall.answerable import content_terms

    terms = set(content_terms(question))
    assert kept <= terms and not gone & terms, terms


TWOCLIENT = Path(__file__).resolve().parents[1] / "fixtures" / "twoclient"


@pytest.mark.parametrize("name", sorted(p.name for p in TWOCLIENT.glob("*.jsonl")))
def test_every_labelled_set_is_well_formed(name: str) -> None:
    """Each labelled question set: valid lines, known clients, at least a third of each kind,
    and every piece of evidence found verbatim in the file it names (a wrong label or a
    mistyped quote would silently skew `bench answerability`)."""
    import json
    import tomllib

    clients = {c["id"] for c in tomllib.loads((TWOCLIENT / "clients.toml").read_text())["client"]}
    rows = [json.loads(x) for x in (TWOCLIENT / name).read_text().splitlines() if x.strip()]
    assert len(rows) >= 60 and len({r["q"] for r in rows}) == len(rows)
    answerable = [r for r in rows if r["answerable"]]
    assert len(rows) / 3 <= len(answerable) <= 2 * len(rows) / 3
    for r in rows:
        assert r["client"] in clients or r["client"] is None, r  # None: asked of no client
        if not r["answerable"]:
            assert not r.get("evidence"), r
            continue
        assert r["evidence"], r
        if r.get("file"):
            text = (TWOCLIENT / r["file"]).read_text(encoding="utf-8")
            assert all(e in text for e in r["evidence"]), r


def test_scaffolding_adverbs_and_verb_particles() -> None:
    # "roughly" asks nothing; "turned down" is one idea, "turned" alone is not
    assert content_terms("Roughly how long does the office take to fix one exception?") == [
        "office",
        "fix",
        "exception",
    ]
    assert content_terms("Why was a Stripe checkout turned down?") == [
        "stripe",
        "checkout",
        "turned down",
    ]
    # "on staff" is employed; "the office staff" are people the question is about (session 19)
    assert content_terms("How many caregivers does NWHH have on staff?") == ["caregivers", "nwhh"]
    assert "staff" in content_terms("How long does the office staff spend on one exception?")
    # "how frequently" asks what "how often" asks (session 23)
    assert content_terms("How frequently does the box poll each room?") == ["box", "poll", "room"]


def test_what_counts_as_the_number_a_quantity_question_asks_for() -> None:
    assert asks_quantity("How many visits did the Dayton team log?")
    assert asks_quantity("What was Northwind's exception rate in March?")
    assert asks_quantity("What monthly fee would the gateway charge?")
    assert not asks_quantity("Why did we drop the WordPress plugin?")
    assert not asks_quantity("When does the portal launch?")
    assert asks_quantity("What's the agreed price for the first phase?")
    assert asks_quantity("Which hourly rate applies?")
    # the quantity word is not what is asked about: it belongs to another phrase
    assert not asks_quantity("What did the budget review decide?")
    assert not asks_quantity("What happened to the fee waiver?")
    assert not asks_quantity("What do we know about the rate limits?")
    # the verb asks it too (QA, session 9)
    assert asks_quantity("What does the SmileText plan cost per month for three locations?")
    assert asks_quantity("What did Northwind pay for the portal?")
    assert not asks_quantity("What does Dana think about the export?")
    assert has_quantity("They have 212 active patients.")
    assert has_quantity("Three families never logged in.")
    assert has_quantity("It takes about 12 minutes.")
    # a date, a clock time or a year is not a count
    assert not has_quantity("Go-live set for March 2.")
    assert not has_quantity("The export runs at 02:00 Eastern on 14 February 2026.")
    assert not has_quantity("The 2023 file spec.")
    # words that are not counts, the question's own numbers, times and addresses
    assert not has_quantity("No one on the Dayton team has logged visits yet.")
    assert not has_quantity("Once the export runs, Lauren stops uploading.")
    assert not has_quantity("Phase 2 hours are tracked in the Northwind sheet.", ["2"])
    assert has_quantity("Phase 2 took 14 hours.", ["2"])
    assert not has_quantity("Revenue in Q3 and the call at 3pm on 3/14.")
    assert not has_quantity("Write to dana2@northwind.example about it.")
    assert not has_quantity("Results come in the third quarter.")
    assert has_quantity("Half of the visits came back.")
    assert has_quantity("A third of the logs come back complete.")
    assert has_quantity("Elaine estimates only a third come back complete.")


def test_what_counts_as_the_name_a_question_asks_for() -> None:
    assert asks_name("Who approved the nightly export?")
    assert asks_name("who's the IT person at Northwind?")
    assert asks_name("Which payroll provider does Northwind use?")
    assert asks_name("What's the name of the company that runs the aggregator?")
    assert asks_name("what email service is sending the magic links?")
    # the kind word belongs to another phrase: "what error did the aggregator give?"
    assert not asks_name("What error did the aggregator give for the test visits?")
    assert not asks_name("Why did we drop the WordPress plugin?")
    assert not asks_name("When does the portal launch?")
    given = ["which", "sms", "provider", "did", "we", "price", "codes", "with"]
    assert has_name("We priced the codes with Twilio.", given)
    assert has_name("The links go out through postmarkapp.com.", given)
    assert has_name("Attendees: Dana Whitfield (IT manager), me.", given)
    assert has_name("They want a named technical contact. I put myself.", given)
    assert has_name("OptoSuite sends the reminders.", given)  # a capital inside the word
    # the question's own names, the first word, acronyms, months and greetings are not answers
    assert not has_name("SMS codes cost about a cent each.", given)
    assert not has_name("The SMS price was high in March.", given)
    assert not has_name("Codes go out by EVV and SFTP.", given)
    assert not has_name("Hi Sam,", given)
    assert not has_name("Best, Sam", given)


def test_months_and_acronyms_in_the_question() -> None:
    # "Feb" is February however the passages write it; "IT" is content, "it" is not
    assert content_terms("Why'd the upload fail on Feb 14?") == ["upload", "fail", "february", "14"]
    assert content_terms("who's the IT person at Northwind?", ["Northwind"]) == ["it"]
    assert content_terms("is it done?") == []


NAME_NOTE = """---
client: northwind
date: 2026-02-20
---
# Certification

The aggregator wants a named technical contact for the certification slot.
SMS codes would cost about a cent each.
"""


def test_a_name_question_needs_a_sentence_with_a_name(nvault: Vault) -> None:
    """Every word of the question is in the passages, but no sentence names who or which."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "cert.md", NAME_NOTE))
    scoped = Filters(client="northwind")
    q = "Who is the named technical contact for the certification?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert sup.missing == [] and sup.name is False and not sup.ok
    a = ask(nvault, q, scoped)
    assert a.abstained and "the name this question asks for" in a.reason
    more = NAME_NOTE.replace("certification slot.", "certification slot. I put myself.")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "cert.md", more))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert sup.name is True and sup.ok
    # "IT" is matched in capitals only: "it" in every sentence does not hold it
    q = "Who's the IT person for the certification?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert "it" in sup.missing and not sup.ok


QUANTITY_NOTE = """---
client: northwind
date: 2026-03-20
---
# Dayton rollout

The Dayton team logged their visits on tablets after go-live.
Go-live was set for March 2.
"""


def test_a_quantity_question_needs_a_sentence_with_a_number(nvault: Vault) -> None:
    """Every word of the question is in the passages, but no sentence gives the count: the
    only number near them is a date."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "dayton.md", QUANTITY_NOTE))
    scoped = Filters(client="northwind")
    q = "How many visits did the Dayton team log after go-live?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert sup.missing == [] and sup.quantity is False and not sup.ok
    a = ask(nvault, q, scoped)
    assert a.abstained and "number" in a.reason
    more = QUANTITY_NOTE.replace(
        "Go-live was set for March 2.",
        "Go-live was set for March 2.\n\nThe Dayton team logged 405 visits in the two weeks "
        "after go-live.",
    )
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "dayton.md", more))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert sup.quantity is True and sup.ok


def test_a_number_that_names_a_thing_must_follow_it(nvault: Vault) -> None:
    """ "phase 2" is not held by "phase 1 ... on February 2"."""
    note = NOTE.replace("# Northwind kickoff", "# Phases").replace(
        "We budgeted", "Phase 1 starts on February 2. We budgeted"
    )
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "phases.md", note))
    scoped = Filters(client="northwind")
    hits = search(nvault, "When does phase 2 start?", k=5, filters=scoped)
    sup = support(nvault, "When does phase 2 start?", hits, ["northwind"])
    assert "2" in sup.missing and "phase" in sup.supported
    sup1 = support(nvault, "When does phase 1 start?", hits, ["northwind"])
    assert "1" in sup1.supported


def test_the_users_own_name_is_not_a_content_term(vault: Vault) -> None:
    """Mail the user sent is stored as "Sam Keller <sam@…>: subject": that name, like a
    client's, is why the passages were found, not what the question asks."""
    from dataclasses import replace

    from trailkeep.vault.briefing import own_names

    assert own_names(vault) == []
    vault.settings = replace(vault.settings, me_emails=("sam@kellerworks.example",))
    src = Path(__file__).parents[1] / "fixtures" / "twoclient" / "nw-02-re-evv-rejections.eml"
    Ingestor(vault).ingest_file(src)
    assert own_names(vault) == ["Sam Keller"]
    vault.settings = replace(vault.settings, me_name="Sam K.")
    assert own_names(vault) == ["Sam K.", "Sam Keller"]


def test_a_question_about_another_client_abstains_in_a_clients_scope(vault: Vault) -> None:
    """QA, session 7: asked within one client's history about another client ("what is
    Clearview's migration budget?" in Northwind's scope), Northwind's passages about a
    "budget" and a "migration" answered it. The other client's material is out of scope by
    design: nothing in this scope can answer it."""
    import tomllib
    from dataclasses import replace

    from trailkeep.vault.clients import parse_clients

    two = (
        CLIENTS
        + '[[client]]\nname = "Clearview Vision Therapy"\nid = "clearview"\naliases = ["Clearview"]\n'
    )
    specs = parse_clients(tomllib.loads(two), Path("clients.toml"))
    vault.settings = replace(vault.settings, clients=specs)
    vault.sync_clients(specs)
    Ingestor(vault).ingest_file(
        write_note(
            vault.settings.inbox,
            "nw.md",
            "---\nclient: northwind\n---\n# Northwind budget\n\n"
            "The Northwind data migration has a budget of 40 hours.\n",
        )
    )
    scoped = Filters(client="northwind")
    a = ask(vault, "What is Clearview's migration budget?", scoped)
    assert a.abstained and "[another client]" in (a.reason or "")
    assert "Clearview" not in (a.reason or "")  # unsaid in Northwind's view (session 29)
    assert "Northwind Home Health's history" in (a.reason or "")  # names, not ids
    b = ask(vault, "What is Northwind's migration budget?", scoped)
    assert not b.abstained


TWO_CLIENTS = CLIENTS + '[[client]]\nname = "Clearview Vision Therapy"\nid = "clearview"\n'
TWO_CLIENTS += 'aliases = ["Clearview"]\npeople = ["Elaine Foster"]\n'


@pytest.fixture
def two(vault: Vault) -> Vault:
    with_clients(vault, TWO_CLIENTS)
    ing = Ingestor(vault)
    ing.ingest_file(write_note(vault.settings.inbox, "kickoff.md", NOTE))
    ing.ingest_file(
        write_note(
            vault.settings.inbox,
            "reminders.md",
            "---\nclient: clearview\ndate: 2026-02-10\n---\n# Push notifications\n\n"
            "We decided against push notifications for Clearview's reminders: the portal "
            "cannot send push notifications to iPhones, so reminders go by email.\n",
        )
    )
    return vault


def test_a_question_naming_one_client_is_asked_in_its_scope(two: Vault) -> None:
    """With no client selected (the Ask page's "all clients"), a question about Northwind is
    not answered from Clearview's notes (QA, session 8)."""
    a = ask(two, "What did we decide about push notifications for Northwind?")
    assert a.abstained and not a.citations
    assert "within Northwind Home Health (the client the question names)" in a.searched
    b = ask(two, "What did we decide about push notifications for Clearview?")
    assert not b.abstained, b.reason
    assert {h.client for h in b.citations} == {"clearview"}


def test_a_clients_person_named_in_the_question_must_be_in_the_passages(two: Vault) -> None:
    # "What did Dev Patel say about the Clearview portal?" was answered from Clearview's notes
    # that never name him: a person's name is content, unlike a client's
    a = ask(two, "What did Dana Whitfield say about push notifications for Clearview?")
    assert a.abstained and "dana" in a.reason
    b = ask(two, "What does Dana Whitfield want the EVV exception rate to be?")
    assert not b.abstained


def test_the_passage_holding_most_of_the_question_is_cited_first(two: Vault) -> None:
    note = (
        "---\nclient: northwind\ndate: 2026-02-12\n---\n# Offline clock-in\n\n"
        "Caregivers clock in offline; the state allows 7 days after the visit.\n\n"
        "## Matching\n\nWiden the clock-in tolerance from 10 to 20 minutes for visit matching.\n"
    )
    Ingestor(two).ingest_file(write_note(two.settings.inbox, "clockin.md", note))
    hits = search(two, "clock-in tolerance for visit matching", k=5)
    q = "what is the clock-in tolerance for visit matching?"
    sup = support(two, q, hits, ["northwind"])
    ranked = by_cover(sup, list(reversed(hits)))
    assert "tolerance from 10 to 20 minutes" in ranked[0].quote
    # and a passage holding under half of what the best holds is not cited at all
    assert all(cover(sup, h) >= 0.5 * cover(sup, ranked[0]) for h in ranked)
    assert len(ranked) < len(hits)


def test_a_passages_own_date_is_part_of_what_it_says(two: Vault) -> None:
    """ "What did we approve on February 3?" — the message of February 3 says "Approved"; the
    date is its own, not in its text (QA, session 8: it abstained, "no 'february', '3'")."""
    for day, body in (("2026-02-01", "Can you approve the Dayton pilot?"), ("2026-02-03", "")):
        text = body or "Approved: the Dayton pilot starts with the Dayton team."
        note = f"---\nclient: northwind\ndate: {day}\n---\n# Dayton pilot {day}\n\n{text}\n"
        Ingestor(two).ingest_file(write_note(two.settings.inbox, f"{day}.md", note))
    q = "What was approved for the Dayton pilot on February 3?"
    a = ask(two, q, Filters(client="northwind"))
    assert not a.abstained, a.reason
    assert a.citations[0].timestamp is not None
    assert a.citations[0].timestamp.date().isoformat() == "2026-02-03"


ASKED = """From: Dana Whitfield <dana@northwind.example>
To: Sam <sam@samconsult.example>
Subject: Two questions
Date: Thu, 19 Nov 2026 08:05:00 -0500
Message-ID: <asked-1@northwind.example>

Sam,

Thanks for the switch. Two questions: how much will the SmileText plan cost per month for
three locations? And which queries are responsible for the Snowflake bill jump?

Dana
"""


def test_a_question_in_the_vault_is_not_its_own_answer(nvault: Vault) -> None:
    """QA, session 9: the client's mail asking the very question was cited as its answer — it
    holds every word and, for the cost, a number ("three locations")."""
    with_clients(nvault, CLIENTS + 'domains = ["northwind.example"]\n')
    (nvault.settings.inbox / "asked.eml").write_text(ASKED)
    Ingestor(nvault).ingest_file(nvault.settings.inbox / "asked.eml")
    scoped = Filters(client="northwind")
    for q in (
        "What does the SmileText plan cost per month for three locations?",
        "Which queries are responsible for the Snowflake bill jump?",
    ):
        a = ask(nvault, q, scoped)
        assert a.abstained and not a.answerable, q
        assert any("Two questions" in h.quote for h in a.closest), "shown as closest, not cited"
        if q.startswith("Which"):
            assert "only in a question" in a.reason, a.reason
    answered = ASKED.replace("asked-1", "answer-1").replace(
        "Two questions: how much",
        "Answer: the SmileText plan costs $349 per month for three "
        "locations. Before you ask how much",
    )
    (nvault.settings.inbox / "answer.eml").write_text(answered)
    Ingestor(nvault).ingest_file(nvault.settings.inbox / "answer.eml")
    a = ask(nvault, "What does the SmileText plan cost per month for three locations?", scoped)
    assert not a.abstained and "$349" in a.citations[0].quote


def test_the_sentence_giving_the_number_is_cited_first(nvault: Vault) -> None:
    """QA, session 9: "how many patients got duplicate recall reminders?" cited a passage about
    the duplicate recall reminders first, and the one saying how many second (or not at all)."""
    ing = Ingestor(nvault)
    ing.ingest_file(
        write_note(
            nvault.settings.inbox,
            "work.md",
            "---\nclient: northwind\n---\n# Northwind recall reminders\n\nAnalysed the duplicate "
            "recall reminders of Northwind patients: duplicate recall reminders come from both "
            "reminder services sending recall reminders.\n",
        )
    )
    ing.ingest_file(
        write_note(
            nvault.settings.inbox,
            "count.md",
            "---\nclient: northwind\n---\n# Northwind mail\n\nDuplicate reminders went to "
            "about 200 patients.\n",
        )
    )
    a = ask(
        nvault, "How many patients got duplicate recall reminders?", Filters(client="northwind")
    )
    assert not a.abstained and "200 patients" in a.citations[0].quote


def test_what_time_is_answered_by_a_time_of_day(nvault: Vault) -> None:
    """QA, session 10: "what time does the claims export run?" was withheld beside "the export
    will run nightly at 2am" — "time" was found only in the client's question. The answer to
    "what time" is a time of day, not the word."""
    ing = Ingestor(nvault)
    ing.ingest_file(
        write_note(
            nvault.settings.inbox,
            "export.md",
            "---\nclient: northwind\n---\n# Northwind claims export\n\nWhat time would the "
            "claims export run? The claims export will run nightly at 2am, before the "
            "warehouse load.\n\n## Backup\n\nThe weekly backup runs nightly on Sundays.\n",
        )
    )
    scoped = Filters(client="northwind")
    a = ask(nvault, "What time does the Northwind claims export run?", scoped)
    assert not a.abstained and "at 2am" in a.citations[0].quote, a.reason
    assert ask(nvault, "What time does the Northwind weekly backup run?", scoped).abstained
    assert ask(nvault, "What time does the Northwind payroll sync run?", scoped).abstained
    # "what time zone" asks for a zone, not a time of day (review, session 10)
    from trailkeep.recall.asked import asks_quantity

    assert asks_quantity("What time does it run?") and asks_quantity("at what hour?")
    assert not asks_quantity("What time zone is the clinic in?")
    assert not asks_quantity("what time frame did we agree for the migration?")
    # the verb of "what time does X kick off / start?" only says that X takes place, which the
    # time of day says too (answerability sets, session 19: asked so in five sets of eleven)
    for verb in ("kick off", "start", "kicks off", "get triggered"):
        a = ask(nvault, f"What time does the Northwind claims export {verb}?", scoped)
        assert not a.abstained and "at 2am" in a.citations[0].quote, (verb, a.reason)
    assert ask(nvault, "What time does the Northwind payroll sync kick off?", scoped).abstained
    from trailkeep.recall.answerable import content_terms

    assert "start" in content_terms("When does the claims export start?")  # not a time of day


PLAN_NOTE = """---
client: northwind
date: 2026-02-20
---
# Go-live plan

Go-live was set for March 2. The first certification slot is March 9, so we moved go-live to March 16.
The WordPress plugin route is dropped: the hosting company will not sign a BAA.
Phase 1 is a fixed fee of $9,500.
A typical program is 24 weekly sessions.
"""


def test_a_question_in_its_own_words_is_supported_by_a_rewording() -> None:
    from trailkeep.recall.paraphrase import alternatives, said_otherwise
    from trailkeep.recall.terms import stem

    said = [stem(w) for w in "so we moved go-live to march 16".split()]
    assert said_otherwise("slip", said, stem) == {stem("moved")}
    assert said_otherwise("pushed back", said, stem), "a verb and its particle are one term"
    # a refusal by someone else is not our dropping it
    assert stem("dropped") not in alternatives("refused", stem)
    assert stem("rejected") in alternatives("refused", stem)
    assert not alternatives("parking", stem)
    # session 19: "idle timeout" said as "expire after 30 minutes without activity", "the
    # fallback" as "goes back to the spreadsheet upload"
    said = [stem(w) for w in "sessions expire after 30 minutes without activity".split()]
    assert said_otherwise("idle", said, stem) and said_otherwise("timeout", said, stem)
    assert not said_otherwise("idle", [stem(w) for w in "a sessions expire".split()], stem)
    said = [stem(w) for w in "lauren goes back to the friday upload".split()]
    assert said_otherwise("fallback", said, stem)
    # session 21: "aiming" said as a goal, a time "window" as a tolerance — not a profit
    # "margin", and what is "left" is not what remains ("who has left the work?": review)
    said = [stem(w) for w in "goal bring the rate under 5%".split()]
    assert said_otherwise("aiming", said, stem)
    said = [stem(w) for w in "widen the clock-in tolerance to 20 minutes".split()]
    assert said_otherwise("window", said, stem)
    assert not said_otherwise("window", [stem(w) for w in "the profit margin".split()], stem)
    assert not said_otherwise("left", [stem(w) for w in "the remaining work".split()], stem)
    # session 23 (a fifth vault written blind): who gets "pinged" is who it escalates to; a
    # vendor "knocked out" was dropped; "switching over" is the cutover; a file one must "hang"
    # on to is kept; a "gap" between figures is their difference
    for term, text in (
        ("pinged", "if nobody acknowledges within 15 minutes it escalates to dale"),
        ("knocked out", "gymflow was dropped it charges per check-in"),
        ("switching", "the cutover moves to monday june 8"),
        ("hang", "signed waivers are kept for seven years"),
        ("gap", "allocate the difference to growers pro rata"),
        ("subscription", "the license is $6,400 a year"),
        # session 24 (a seventh vault written blind): who "signed off" approved; the
        # "software" is the system; a "cut-off" is the deadline; a vendor "passed over" was
        # dropped; a "release" is a version; an "outside" accountant is external; "nudge" is a
        # reminder
        ("signed off", "maria approved the spend"),
        ("software", "the booking system costs $89 a month"),
        ("cut-off", "the deadline is 30 may"),
        ("passed over", "lambda was ruled out"),
        ("release", "they run version 11.2"),
        ("outside", "their external accountant"),
        ("nudge", "the first reminder goes out"),
        ("belong", "nine member operators"),
        ("disappear", "40 kegs were lost"),
        ("excluded", "eastgate is left out of the first wave"),
        ("charging", "my price is £95"),
    ):
        assert said_otherwise(term, [stem(w) for w in text.split()], stem), term
    assert not said_otherwise("gap", [stem(w) for w in "a two-week break".split()], stem)
    # not the other senses of a word (review): something that "turned up" may be found or
    # still missing; "knocked off 10%" is a discount; to "drop" a vendor is not a figure
    # going "down"; "not authorized" is no approval; a "tool call" is no software
    assert not alternatives("turned up", stem) and not alternatives("knocked off", stem)
    for term, text in (
        ("drop", "stripe was down"),
        ("signed off", "the api said not authorized"),
        ("software", "the tool call failed"),
        ("variable", "dynamic pricing"),
        ("branches", "the other site"),
    ):
        assert not said_otherwise(term, [stem(w) for w in text.split()], stem), term


def test_rewordings_answer_but_do_not_invent(nvault: Vault) -> None:
    """ "slip" is said as "moved" and "scrap" as "dropped"; a rewording found only in a
    question proves nothing, and a number's sentence must hold the reworded term ("price per
    session" is not "24 weekly sessions")."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "plan.md", PLAN_NOTE))
    scoped = Filters(client="northwind")
    names = ["northwind", "Northwind Home Health", "Northwind"]

    def sup(q: str) -> Support:
        return support(nvault, q, search(nvault, q, k=5, filters=scoped), names)

    s = sup("Why did Northwind's go-live slip past March 2?")
    assert s.supported.get("slip") == "paraphrase" and s.ok
    s = sup("Why did we scrap the WordPress plugin?")
    assert s.supported.get("scrap") == "paraphrase" and s.ok
    s = sup("What is Northwind's price per session?")
    assert s.quantity is False and not s.ok
    s = sup("How much are we paid for phase 1?")
    assert s.ok
    # session 24: an hourly rate is money per hour ("£85 an hour"); a rate said per another
    # period, or no money per hour, is none
    rate = (
        "---\nclient: northwind\ndate: 2026-02-21\n---\n# Terms\n\nNorthwind pays $120 an hour.\n"
    )
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "terms.md", rate))

    def terms_only(q: str) -> Support:  # the terms note alone: no other passage says "rate"
        hits = [h for h in search(nvault, q, k=10, filters=scoped) if "an hour" in h.quote]
        return support(nvault, q, hits, names)

    s = terms_only("What hourly rate does Northwind pay?")
    assert s.supported.get("hourly") == s.supported.get("rate") == "keyword", s.supported
    assert s.matched["rate"] == {"hour"} and s.quantity, s  # "$120 an hour" gives it
    s = terms_only("What daily rate does Northwind pay?")
    assert {"daily", "rate"} <= set(s.missing) and not s.ok, s.supported
    # a count per period is no price: "the hourly visit rate" is not "$120 an hour"
    s = terms_only("What is the hourly visit rate at Northwind?")
    assert {"hourly", "rate"} <= set(s.missing), s.supported
    asked = NOTE.replace("Northwind has 212", "How should we handle the audit? Northwind has 212")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "kickoff.md", asked))
    s = sup("How did we solve the Medicaid audit?")
    assert "solve" in s.missing


def test_a_passage_that_only_asks_is_cited_after_the_one_that_answers(two: Vault) -> None:
    """QA, session 12: the user's question to an AI ("should the scanners upload counts in
    batches or one by one?") was cited first, the reply that answers it not at all."""
    inbox = two.settings.inbox
    ingest = Ingestor(two)
    ingest.ingest_file(
        write_note(
            inbox,
            "q.md",
            "# Scanners\n\nHow often should the Zebra scanners upload counts, in batches or "
            "one by one?\n",
        )
    )
    ingest.ingest_file(
        write_note(
            inbox, "a.md", "# Upload\n\nBatch every 15 minutes: the scanners upload counts.\n"
        )
    )
    q = "How often should the scanners upload counts?"
    hits = search(two, q, k=5)
    sup = support(two, q, hits, [])
    ranked = by_cover(sup, hits)
    assert "Batch every 15 minutes" in ranked[0].quote


def test_a_mail_asking_the_question_is_cited_after_the_note_that_answers_it(
    two: Vault,
) -> None:
    """New user's trial, session 31: the client's mail asking "Can we claim Gift Aid on the
    tour instalments?" held one statement ("I need to file our claim by 4 December"), so it
    did not only ask, and was cited before the note answering it."""
    inbox = two.settings.inbox
    ingest = Ingestor(two)
    ingest.ingest_file(
        write_note(
            inbox,
            "q.md",
            "# Gift Aid on tour instalments?\n\nCan we claim Gift Aid on the singers' tour "
            "instalments, or only on the concert donations? I need to file our claim by 4 "
            "December.\n",
        )
    )
    ingest.ingest_file(
        write_note(
            inbox,
            "a.md",
            "# Day\n\n- Gift Aid: tour instalments are payments for a benefit (the trip), so no "
            "Gift Aid on them. Concert donations are fine.\n",
        )
    )
    q = "Can we claim Gift Aid on the tour instalments?"
    hits = search(two, q, k=5)
    ranked = by_cover(support(two, q, hits, []), hits)
    assert "payments for a benefit" in ranked[0].quote, [h.quote[:40] for h in ranked]


@pytest.mark.parametrize(
    ("quote", "asks"),
    [
        ("Hi Sam,\n\nCan you confirm which depot goes first?\n\nIngrid", True),
        ("Hi Sam,\n\nWhich depot?\n\nBest regards,\nIngrid Solberg", True),
        ("Hi Sam,\n\nApproved.\n\nMaria", False),
        ("Approved. Can we start on Monday?", False),
    ],
)
def test_a_mail_that_only_asks_is_told_by_its_greeting_and_sign_off(quote: str, asks: bool) -> None:
    """QA, session 18: "Hi Sam," and the sign-off counted as statements, so no mail ever only
    asked: the client's question was cited before the reply, and listed in drafts as what the
    history says."""
    assert only_asks(quote) is asks


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("Did Northwind pass the Medicaid audit in June?", True),
        ("has CareRoute shipped the 2025 spec fix yet", True),
        ("How did the March 12 training go?", True),
        ("was the Friday upload switched off?", True),
        ("Does Northwind reimburse mileage?", False),  # a fact, not how something went
        # what something found is how it turned out: "Casimir to get a mechanic's inspection
        # first" does not say what the mechanic found (new user's trial, session 31)
        ("What did the audit find?", True),
        ("what did the mechanic find when inspecting the hearse?", True),
        ("What did we decide about the audit?", False),
        ("How did we handle late visits?", False),  # how, not how it went
    ],
)
def test_which_questions_ask_how_something_turned_out(question: str, outcome: bool) -> None:
    assert asks_outcome(question) is outcome


@pytest.mark.parametrize(
    ("sentence", "reported"),
    [
        ("Certification testing passed on March 9: 29 of 30 test cases.", True),
        ("18 of 25 families (72%) logged exercises at least once a week.", True),
        ("The launch went ahead on April 6.", True),
        ("Bring the exception rate under 5% before the Medicaid audit in June.", False),
        ("CareRoute says an update is on the roadmap with no date.", False),
        ("We will move the full launch to April 6.", False),
        ("The full launch is scheduled for April 6.", False),
        ("Go-live moved to March 16.", False),  # the date moved: it is still ahead
        ("The alert email for failed uploads goes to Dev.", False),  # a rule, not an event
    ],
)
def test_what_reports_that_something_happened(sentence: str, reported: bool) -> None:
    assert reports(sentence) is reported


def test_an_outcome_question_is_not_answered_by_the_plan(nvault: Vault) -> None:
    """Session 17: "did Northwind pass the June audit?" was answered by "… under 5% before the
    Medicaid audit in June": every word is there, and the history stops before June. Outcome
    questions were a third of the unanswerable questions the judge answered on the sets others
    wrote (notes/0006, "Outcomes")."""
    scoped = Filters(client="northwind")
    q = "Did the EVV exception rate get under 5% before the Medicaid audit?"
    a = ask(nvault, q, scoped)
    assert a.abstained and "turned out" in a.reason
    Ingestor(nvault).ingest_file(
        write_note(
            nvault.settings.inbox,
            "audit.md",
            "---\nclient: northwind\ndate: 2026-06-30\n---\n# Audit\n\n"
            "The EVV exception rate got under 5% before the Medicaid audit: 3.1% in May.\n",
        )
    )
    b = ask(nvault, q, scoped)
    assert not b.abstained and any("3.1% in May" in h.quote for h in b.citations)


@pytest.mark.parametrize(
    ("question", "nouns"),
    [
        ("How many caregivers are on the Dayton team?", ["caregivers"]),
        ("how many home exercise videos does Elaine have", ["videos"]),
        ("How many active patients does Northwind have?", ["patients"]),
        # a verb or an adverb after the noun is not what is counted (review, session 18)
        ("How many caregivers work on the Dayton team?", ["caregivers"]),
        ("How many families logged exercises weekly?", ["families", "exercises"]),
        ("How many staff attended?", ["staff", "attended"]),
        ("how many of the 60 hours did Sam budget?", []),  # a part of something named
        # "the number of X" counts X too (session 19)
        ("what is Clearview's number of vision therapists on staff?", ["therapists"]),
        ("number of caregivers at NWHH", ["caregivers"]),
        ("what is the phone number of Dana Whitfield?", []),  # a phone number counts nothing
        ("What share of families logged weekly?", []),
    ],
)
def test_the_nouns_a_how_many_question_counts(question: str, nouns: list[str]) -> None:
    assert counted_nouns(question) == nouns


@pytest.mark.parametrize(
    ("sentence", "noun", "counted"),
    [
        ("They have 212 active patients and 48 caregivers.", "caregiver", True),
        ("Exceptions: 4.2% (17 visits), against 11.3% in December.", "exception", True),
        ("All from two rural caregivers in Preble County.", "caregiver", True),
        # the number counts test cases; the caregivers are far away, and March 16 is a date
        (
            "On March 16 I keep the caregivers of the Dayton team on the export and prepare the "
            "30 test cases.",
            "caregiver",
            False,
        ),
        # another plural counted first (new user's trial, session 29); nouns as stemmed
        ("we hit the limit at 50,000 rows once the pipes went in", "pip", False),
        ("We catalogued 1,240 organ pipes in the nave.", "pip", True),
        ("12 of Dana's sites", "sit", True),
        ("40 sometimes idle sites", "sit", True),
    ],
)
def test_a_count_stands_by_what_it_counts(sentence: str, noun: str, counted: bool) -> None:
    assert counts(sentence, {noun}) is counted


def test_a_target_is_not_a_measurement() -> None:
    target = "Target: 70% of families logging at least once a week within three months."
    result = "18 of 25 families (72%) logged exercises at least once a week, above the 70% target."
    assert not measures(target, "What share of families were logging weekly?")
    assert measures(target, "What share of families are we aiming for?")
    assert measures(result, "What share of families were logging weekly?")


def test_a_count_of_something_else_does_not_answer_how_many(nvault: Vault) -> None:
    """Asked in five sets others wrote: "How many caregivers are on the Dayton team?" was
    answered by "keep the Dayton team on the export … prepare the 30 test cases" — a number and
    the team, counting test cases (notes/0006, "What a number counts")."""
    scoped = Filters(client="northwind")
    Ingestor(nvault).ingest_file(
        write_note(
            nvault.settings.inbox,
            "dayton.md",
            "---\nclient: northwind\ndate: 2026-10-09\n---\n# Dayton pilot\n\n"
            "I will keep the Dayton team on the nightly export and prepare the 30 test cases.\n"
            "Target: 70% of Dayton visits matched within three months.\n",
        )
    )
    for q in (
        "How many caregivers are on the Dayton team?",
        "What share of Dayton visits were matched?",
    ):
        a = ask(nvault, q, scoped)
        assert a.abstained and not a.answerable, q
    b = ask(nvault, "How many active patients does Northwind have?", scoped)
    assert not b.abstained and any("212 active patients" in h.quote for h in b.citations)
    Ingestor(nvault).ingest_file(
        write_note(
            nvault.settings.inbox,
            "dayton-team.md",
            "---\nclient: northwind\ndate: 2026-10-12\n---\n# Dayton team\n\n"
            "The Dayton team has 14 caregivers. 81% of Dayton visits were matched by January.\n",
        )
    )
    for q, said in (
        ("How many caregivers are on the Dayton team?", "14 caregivers"),
        ("What share of Dayton visits were matched?", "81%"),
    ):
        a = ask(nvault, q, scoped)
        assert not a.abstained and said in a.citations[0].quote, (q, a.reason)


def test_a_date_answers_what_date_and_a_forwarded_header_does_not(nvault: Vault) -> None:
    """QA, session 18: "What was the original cutover date?" was answered by a forwarded
    mail's "Date: Fri, 13 Mar 2026" header line alone — the word, not a date of the cutover —
    and the note saying "Cutover is planned for 14 April 2026." was not cited: its date is
    what "date" asks for."""
    from trailkeep.vault.mailtext import without_forward_headers

    fwd = (
        "FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Ops <o@x.example>\n"
        "Date: Fri, 13 Mar 2026 10:00\nSubject: Timetable\nTo: M <m@x.example>\n\n"
        "The 18:40 departure moves to 19:15.\n"
    )
    assert (
        without_forward_headers(fwd) == "FYI, see below.\n\nThe 18:40 departure moves to 19:15.\n"
    )
    scoped = Filters(client="northwind")
    Ingestor(nvault).ingest_file(
        write_note(
            nvault.settings.inbox,
            "cutover.md",
            "---\nclient: northwind\ndate: 2026-03-02\n---\n# Cutover\n\n"
            "The Northwind cutover is planned for 14 April 2026.\n",
        )
    )
    a = ask(nvault, "What is the Northwind cutover date?", scoped)
    assert not a.abstained and "14 April 2026" in a.citations[0].quote
    b = ask(nvault, "What is the date of the Northwind parking audit?", scoped)
    assert b.abstained


@pytest.mark.parametrize(
    "forward",
    [
        # Gmail; Apple Mail (a blank line before the headers); a folded Subject (review)
        "Hi.\n\n---------- Forwarded message ---------\nFrom: O <o@x.example>\n"
        "Date: Fri, 13 Mar 2026\nSubject: T\nTo: M <m@x.example>\n\nThe body.",
        "Hi.\n\nBegin forwarded message:\n\nFrom: O <o@x.example>\nSubject: T\n"
        "Date: 13 March 2026\nTo: M <m@x.example>\n\nThe body.",
        "Hi.\n\n---------- Forwarded message ---------\nFrom: O <o@x.example>\n"
        "Subject: A long\n subject line\nDate: 13 March 2026\nTo: M <m@x.example>\n\nThe body.",
    ],
)
def test_a_forwards_header_lines_are_not_what_the_mail_states(forward: str) -> None:
    from trailkeep.vault.mailtext import without_forward_headers

    assert without_forward_headers(forward) == "Hi.\n\nThe body."


@pytest.fixture(scope="module")
def twoclient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    """The two-client fixtures, ingested with the real embedder (search's order is MiniLM's)."""
    from trailkeep.bench.answerability import DEFAULT, build

    v = build(DEFAULT, tmp_path_factory.mktemp("twoclient") / "home", "minilm")
    yield v
    v.close()


def test_one_passage_further_down_that_holds_the_whole_question_answers_it(
    twoclient: Vault,
) -> None:
    """The best five passages, read together, lack "fallback"; the seventh says it ("goes back
    to the Friday spreadsheet upload") with every other word of the question (QA, session 20)."""
    from trailkeep.recall.answer import gather, judge

    q = "what's the fallback if the nightly export keeps failing?"
    res, _, _ = gather(twoclient, q, Filters(client="northwind"))
    assert res.further and all(h.client in ("northwind", None) for h in res.further)
    strong, why = judge(twoclient, q, res, client="northwind")
    assert why is None
    assert "goes back to the Friday spreadsheet upload" in strong[0].quote
    # a word no passage holds is still missing: the second look finds nothing to forgive
    q = "what's the fallback vendor if the nightly export keeps failing?"
    res, _, _ = gather(twoclient, q, Filters(client="northwind"))
    strong, why = judge(twoclient, q, res, client="northwind")
    assert why is not None and "vendor" in why
    # nor does a passage that seems to give the name asked for, when the best five hold every
    # word of the question ("the hosting company will not sign a BAA": who hosts the portal?)
    q = "who hosts the Clearview portal"
    res, _, _ = gather(twoclient, q, Filters(client="clearview"))
    strong, why = judge(twoclient, q, res, client="clearview")
    assert why is not None and "name" in why


def test_a_number_in_words_is_that_number(twoclient: Vault) -> None:
    """Session 24: "three" was supported by "two" (MiniLM: cosine 0.80) — "what share of
    families were logging weekly three months after launch?" answered from the two-month
    figures, and "the other two branches" by "all three sites" (the seventh vault)."""
    from trailkeep.recall.answer import gather, judge

    q = "What share of all Clearview families were logging exercises weekly three months after launch?"
    res, _, _ = gather(twoclient, q, Filters(client="clearview"))
    strong, why = judge(twoclient, q, res, client="clearview")
    assert why is not None, [h.quote[:80] for h in strong]


def test_a_reply_is_read_with_the_message_it_answers(twoclient: Vault) -> None:
    """QA, session 21: "Approved." answers "who approved the nightly export?" only beside the
    proposal it approves; the reply is cited first, the proposal after it."""
    from trailkeep.recall.answer import gather, judge

    q = "Who at Northwind approved the nightly export?"
    res, _, _ = gather(twoclient, q, Filters(client="northwind"))
    strong, why = judge(twoclient, q, res, client="northwind")
    assert why is None
    assert strong[0].quote.startswith("Approved.")
    assert "My proposal: a nightly export" in strong[1].quote
    # the pair holds no weekly export: "next week" in the proposal is not "weekly", nor is
    # the "two-week pilot" (review, session 21)
    for q in (
        "Who at Northwind approved the weekly export?",
        "Did Maria approve the weekly export?",
    ):
        res, _, _ = gather(twoclient, q, Filters(client="northwind"))
        strong, why = judge(twoclient, q, res, client="northwind")
        assert why is not None and "weekly" in why, (q, why)


def test_a_heading_states_what_its_section_is(twoclient: Vault) -> None:
    """Session 21: the kickoff's "Goal" section answers "what is Northwind aiming for?"."""
    from trailkeep.recall.answer import gather, judge

    q = "What exception rate is Northwind aiming for, and by when?"
    res, _, _ = gather(twoclient, q, Filters(client="northwind"))
    strong, why = judge(twoclient, q, res, client="northwind")
    assert why is None
    assert "exception rate under 5% before the Medicaid audit in June" in strong[0].quote
    assert strong[0].title.endswith("Goal")


@pytest.mark.parametrize(
    ("text", "word", "said"),
    [
        ("Lauren uploads a spreadsheet every Friday.", "weekly", True),
        ("18 of 25 families logged exercises at least once a week.", "weekly", True),
        ("The weekly call moved.", "weekly", True),
        ("Can you approve that so I can start next week?", "weekly", False),
        ("a nightly export through the API at 02:00", "weekly", False),
        ("a nightly export through the API at 02:00", "nightly", True),
        ("Billed monthly.", "monthly", True),
        ("a 12-month contract", "monthly", False),
        # review, session 21: a period is a frequency only when said as one
        ("I'm out for a week.", "weekly", False),
        ("I sent it a week ago.", "weekly", False),
        ("She works 8 hours a day.", "nightly", False),
        ("It took a month to fix.", "monthly", False),
        ("bi-weekly calls", "weekly", False),
        ("every night at 02:00", "nightly", True),
        ("twice per month", "monthly", True),
        # session 30: "per" written short ("what was the monthly cost of the app?")
        ("DKK 1,290/month for the booking app", "monthly", True),
        ("£54 / week", "weekly", True),
        ("the 2026/2027 season, 12/month", "yearly", False),
    ],
)
def test_how_often_is_said_by_its_word_or_its_period(text: str, word: str, said: bool) -> None:
    from trailkeep.recall.asked import said_how_often

    assert said_how_often(text, word) is said


def test_a_list_an_identifier_and_a_cost_per_period_are_asked_for_as_such() -> None:
    """Session 20: three kinds of near-miss answered in many labelled sets — "list the six
    state reason codes" from "one of the state's six reason codes", "what's the hostname of the
    SFTP drop?" from a sentence about the upload, "what does Clearview pay each month?" from a
    fee per transaction."""
    from trailkeep.recall.asked import asked_period, asks_list, enumerates, per_period
    from trailkeep.recall.asked_names import asks_identifier, has_identifier

    assert asks_list("list the six state reason codes for edited visits") == (6, "codes")
    assert asks_list("What are the 3 options we considered?") == (3, "options")
    assert asks_list("Of the six reason codes, which one is used most?") is None
    assert asks_list("what are the options?") is None
    assert not enumerates("Any visit must carry one of the state's six reason codes.", 6)
    assert enumerates("Codes:\n- A1\n- A2\n\n- A3", 3)
    assert enumerates("We looked at OR-Tools, a genetic algorithm and clustering.", 3)
    assert asks_identifier("what's the hostname of the aggregator's SFTP drop?")
    assert asks_identifier("What is NWHH's Medicaid provider number?")
    assert asks_identifier("Tomas's phone number?")
    assert not asks_identifier("how many hours did the export take?")
    assert has_identifier("Upload to sftp.aggregator.example every night.")
    assert has_identifier("Call her on +1 (555) 123-4567.")
    assert not has_identifier("The SFTP upload failed on 2026-02-14.")
    assert not has_identifier("Phase 1 is a fixed fee of $9,500.")
    assert asked_period("what does Clearview pay for OptoSuite each month?") == "month"
    assert asked_period("monthly storage cost for the videos") == "month"
    assert asked_period("how many hours did I estimate for the nightly export?") is None
    assert per_period("The plan is about $40 a month.", "month")
    assert per_period("We bill $140/h.", "hour")
    assert not per_period("2.9% plus 30 cents per card transaction.", "month")
    # narrowed by the session's review
    assert not asks_identifier("What did the website redesign cost?")
    assert not has_identifier("The SFTP script is upload.py, run from Node.js.")
    assert not has_identifier("Submitted on 03/12/2025 for the fiscal 2024-2025 budget.")
    assert asked_period("How much did the hosting cost a year ago?") is None
    assert not per_period("Billed $1,200 last month for the 12-month contract.", "month")


def test_near_misses_of_those_kinds_abstain_and_their_answers_stay(twoclient: Vault) -> None:
    from trailkeep.recall.answer import gather, judge

    for client, q, why in (
        ("northwind", "list the six state reason codes for edited visits", "lists"),
        ("northwind", "what's the hostname of the aggregator's SFTP drop?", "identifier"),
        ("clearview", "what does Clearview pay for OptoSuite each month", "number"),
    ):
        res, _, _ = gather(twoclient, q, Filters(client=client))
        _, said = judge(twoclient, q, res, client=client)
        assert said is not None and why in said, (q, said)
    q = "how many hours did I estimate for the nightly export work?"
    res, _, _ = gather(twoclient, q, Filters(client="northwind"))
    assert judge(twoclient, q, res, client="northwind")[1] is None


def test_one_passage_must_hold_the_question_not_five_read_together(vault: Vault) -> None:
    """Blind trial, session 23: "what date does the Northfield gym open?" was answered with the
    date the other gyms open — "Northfield" in one passage, a date, "gym" and "open" in another,
    every word of the question in the five read together. One passage must hold most of the
    question's weight and every name and number it asks about."""
    ing = Ingestor(vault)
    inbox = vault.settings.inbox
    ing.ingest_file(
        write_note(
            inbox,
            "plan.md",
            "# Migration plan\n\n## Dates\n\nCutover: Monday May 18, the gyms open on the new "
            "system that morning. Staff training runs the week before.\n",
        )
    )
    ing.ingest_file(
        write_note(
            inbox,
            "risks.md",
            "# Risks\n\nNorthfield is not open yet; its fit-out runs late and the landlord has "
            "not said when it ends.\n",
        )
    )
    from trailkeep.recall.answerable import answerable

    q = "What date does the Northfield gym open?"
    hits = search(vault, q, k=5)
    assert {h.source for h in hits} == {"plan.md", "risks.md"}
    together = support(vault, q, hits)
    assert together.missing == [] and together.ratio == 1.0  # the five read together
    sup = answerable(vault, q, hits)
    assert sup.single is False and not sup.ok
    q = "What date do the gyms open on the new system?"
    assert answerable(vault, q, search(vault, q, k=5)).ok


@pytest.mark.parametrize(
    ("question", "when"),
    [
        ("when did Clearview sign the BAA with the hosting vendor?", "past"),
        ("On what date was the Twilio BAA signed?", "past"),
        ("When will the online loyalty stamp card launch?", "ahead"),
        ("when's the trustees meeting now?", "ahead"),
        ("When does a family get sent a reminder email?", None),  # a condition, as often
        ("When can the aggregator hold payments?", None),
        ("What did we decide when the export failed?", None),
        # a deadline asks for a date (new user's trial, session 31)
        ("When must singers pay their first instalment by?", "ahead"),
        ("when do we need the figures by?", "ahead"),
        ("When does Elaine want it?", None),
    ],
)
def test_which_questions_ask_when(question: str, when: str | None) -> None:
    assert asks_when(question) == when


WHEN_NOTE = """---
client: northwind
date: 2026-03-20
---
# Certification

Northwind will sign the aggregator's data agreement with any vendor we pick.
The certification test cases cover edited visits.
"""


def test_a_when_question_needs_a_sentence_that_says_when(nvault: Vault) -> None:
    """Blind trials, sessions 22-24: "when did Clearview sign the BAA?" was answered by
    "Clearview will sign a BAA with any vendor" — every word, no time, nothing done."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "cert.md", WHEN_NOTE))
    scoped = Filters(client="northwind")
    q = "When did Northwind sign the aggregator's data agreement?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind", "Northwind"])
    assert sup.missing == [] and sup.when is False and not sup.ok
    a = ask(nvault, q, scoped)
    assert a.abstained and "says when" in a.reason
    done = WHEN_NOTE.replace("will sign", "signed")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "cert.md", done))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind", "Northwind"])
    assert sup.when is True and sup.ok  # reported as done: the passage's own date says when
    assert says_when("It goes live on April 6.") and says_when("after 30 minutes without")
    assert not says_when("Northwind will sign it with any vendor.")


MONEY_NOTE = """---
client: northwind
date: 2026-10-09
---
# Northwind van fleet

Priya is selling the two oldest vans this winter.
"""


def test_a_question_for_a_price_needs_a_sentence_with_an_amount_of_money(nvault: Vault) -> None:
    """Blind trial, session 26: "what price is Femke after for the two old boats she's
    selling?" was answered by "Femke is selling the two oldest" — a number, and no price."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "vans.md", MONEY_NOTE))
    scoped = Filters(client="northwind")
    q = "What price is Priya after for the two old vans she's selling?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind", "Northwind"])
    assert sup.quantity is False and not sup.ok
    priced = MONEY_NOTE.replace("this winter.", "this winter, at £6,500 each.")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "vans.md", priced))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind", "Northwind"])
    assert sup.quantity is True and sup.ok
    # asked in hours, per unit or as a share, a money word need not be answered in money
    for q in (
        "How many of the 60 hours did we budget for phase 1?",
        "What does the aggregator charge per visit?",
        "How much did the delay cost the rollout in weeks?",
        "How much charge did the van batteries have left?",
    ):
        assert asks_quantity(q) and MONEY_OR_NOT.search(q), q
    assert not MONEY_OR_NOT.search("What price is Priya after for the two old vans?")
    # an amount of money as people write it (review)
    for said in ("£85/h", "EUR 145", "18.500 €", "3 million dollars", "30 cents", "20p a day"):
        assert MONEY.search(said), said
    assert not MONEY.search("Priya is selling the two oldest vans, 14 years old.")


ACCENT_NOTE = """---
client: northwind
date: 2026-10-12
---
# Northwind sites

The Besançon office keeps 14 tablets for the field nurses.
"""


def test_a_name_typed_without_its_accents_is_the_same_name(nvault: Vault) -> None:
    """Blind trial, session 26: "Earnewald" in a question, "Earnewâld" in the notes."""
    assert fold("earnewâld") == "earnewald" and fold("田中") == "田中" and fold("ok") == "ok"
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "sites.md", ACCENT_NOTE))
    scoped = Filters(client="northwind")
    for q in (
        "How many tablets does the Besancon office keep?",
        "How many tablets does the Besançon office keep?",
    ):
        sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
        assert sup.missing == [] and sup.ok, q
    # the accent in the question and not in the passage, asked in the client's scope (review)
    plain = ACCENT_NOTE.replace("Besançon office", "Besancon office, the Dole-based team,")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "sites.md", plain))
    a = ask(nvault, "How many tablets does the Besançon office keep?", scoped)
    assert not a.abstained and any("14 tablets" in h.quote for h in a.citations), a.reason
    hyphen = ACCENT_NOTE.replace("The Besançon office keeps", "The Besançon-based team keeps")
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "sites.md", hyphen))
    a = ask(nvault, "How many tablets does the Besancon team keep?", scoped)
    assert not a.abstained and any("14 tablets" in h.quote for h in a.citations), a.reason
    q = "How many tablets does the Dijon office keep?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), ["northwind"])
    assert "dijon" in sup.missing and not sup.ok


ROLE_NOTE = """---
client: northwind
date: 2026-10-12
---
# Northwind sites

- Contractual counts at the Ochil landfill, Perth harbour and the Dunkeld warehouses.
- Harbour master only wants a short note each month.
- September's picking overtime came in at £11,900 for the Perth depot.
"""


def test_a_name_or_a_number_is_of_what_the_question_asks(nvault: Vault) -> None:
    """Blind trial, session 27: "what's the harbour master's name at Perth?" was answered by a
    sentence naming Ochil and Dunkeld beside "Perth harbour" — the name must be the role's;
    and "the overtime in October" by September's figure — another month's number."""
    from trailkeep.recall.asked_names import role_asked

    assert role_asked("What's the harbour master's name at Perth?") == ["harbour", "master"]
    assert role_asked("What is the name of the site manager at Ochil?") == ["site", "manager"]
    assert asks_name("What's the harbour master's name at Perth?")
    assert asks_name("What was the name of the supplier they paid?")  # a name, not money
    from trailkeep.recall.asked import months_said

    assert months_said("the march to the depot") == set()  # a month is capitalised
    assert months_said("September's overtime, and 12 Oct") == {"september", "october"}
    scoped, names = Filters(client="northwind"), ["northwind", "Northwind"]
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "sites.md", ROLE_NOTE))
    q = "What's the harbour master's name at Perth?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), names)
    assert sup.name is False and not sup.ok
    q2 = "How much did the picking overtime come to at the Perth depot in October?"
    sup = support(nvault, q2, search(nvault, q2, k=5, filters=scoped), names)
    assert sup.quantity is False and not sup.ok
    said = ROLE_NOTE + "- The harbour master, Ewan Rattray, wants it by email.\n"
    said += "- October's picking overtime came to £9,100 at the Perth depot.\n"
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "sites.md", said))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), names)
    assert sup.name is True  # the role's name is there ("name" itself is still a term)
    sup = support(nvault, q2, search(nvault, q2, k=5, filters=scoped), names)
    assert sup.quantity is True and sup.ok


RATE_NOTE = """---
client: northwind
date: 2026-10-12
---
# Northwind quotes

Take my 10% out of the labour rates, fine. But the base labour rate itself gets reviewed in
January, not now. Every quote gets a visible contingency line, 8% by default.
"""


def test_a_rate_of_pay_is_money_and_the_verb_asks_it_too(nvault: Vault) -> None:
    """Blind trial, session 27: "what's Hallworth's new base labour rate after the January
    review?" was answered by "8% as the default"; "what did the foundry end up charging them?"
    and "what was FieldPro going to cost per month?" were no quantity questions at all."""
    assert asks_quantity("What did the foundry end up charging St Aldhelm's for the treble?")
    assert asks_quantity("What was FieldPro going to cost per month on top of setup?")
    assert asks_quantity("How heavy was the treble once they got it down?")
    assert asks_quantity("What's Hallworth's new base labour rate after the January review?")
    assert not asks_quantity("What was the plan for the treble?")
    scoped, names = Filters(client="northwind"), ["northwind", "Northwind"]
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "quotes.md", RATE_NOTE))
    q = "What's Northwind's new base labour rate after the January review?"
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), names)
    assert sup.quantity is False and not sup.ok
    said = RATE_NOTE + "\nAfter the January review the base labour rate is £42 an hour.\n"
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "quotes.md", said))
    sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), names)
    assert sup.quantity is True


BOAT_NOTE = """---
client: northwind
date: 2026-10-14
---
# Boats and caves

- Boat: out from Carrigaholt pier, first boat out 09:45, last boat back 17:30.
- Cave Two has 9 racks; Cave Three has 6 racks. Cave One was bricked off in the 1950s.
- 2026 season: 6,412 tour visitors, April to October.
- 2024 and 2025 are still being reconciled.
- He's the skipper, Pádraig Ó Dálaigh, and he runs the boat for us.
- Hempex: about 11,000 feet of line for the schooner; our number is $318,000.
- Tower tours run at 10:30 and 14:00, 8 people per tour.
"""


def test_the_thing_asked_is_the_one_named_not_its_neighbour(nvault: Vault) -> None:
    """Blind trial, session 28 (an eleventh vault): "the first boat back" was answered by the
    last boat back's time, "the racks in Cave One" by Cave Two's, "the 2025 visitor numbers"
    by 2026's, "what's Pádraig's boat called?" by his surname, "what does the ropewalk charge
    per foot?" by a total beside "11,000 feet", and "how much is a ticket?" by a group size.
    Each near-miss abstains; each is answered once the history says it."""
    from trailkeep.recall.asked import (
        asked_measure,
        asked_unit,
        opposed_qualifiers,
        per_unit,
        says_opposite,
    )
    from trailkeep.recall.asked_names import has_name
    from trailkeep.recall.terms import words_of

    first = opposed_qualifiers("what time's the first boat back from the island?")
    assert says_opposite("first boat out 09:45, last boat back 17:30.", first)
    assert not says_opposite("first boat back 16:00, last boat back 17:30.", first)
    assert content_terms("how many racks are there in Cave One?") == ["racks", "cave one"]
    assert "numbers" not in content_terms("what were the 2025 tour visitor numbers?")
    boat = words_of("what's Pádraig's boat called?")
    assert not has_name("He's the skipper, Pádraig Ó Dálaigh, and he runs the boat.", boat)
    assert has_name("The boat is the Naomh Éanna, Pádraig says.", boat)  # accents: a name
    assert has_name("Email from Deb Hollis today.", words_of("what's Deb's surname?"))
    assert asked_unit("what does the ropewalk charge per foot for Hempex?") == "foot"
    assert asked_unit("what do they charge per month?") is None  # a period: the period rule
    assert not per_unit("about 11,000 feet of line; our number is $318,000.")
    assert per_unit("Hempex is $2.10 a foot.") and per_unit("2.9% a payment")
    # per a period is not per a thing; "per-tree" asks per tree (thirteenth blind vault)
    assert asked_unit("what per-tree pruning price won the 2022 round?") == "tree"
    assert not per_unit("the 2022 round was won at about DKK 3.8m a year")
    assert per_unit("Inspection cut to DKK 160/tree") and per_unit("£1.42 per block")
    assert per_unit("$40 a month per seat") and not per_unit("DKK 3.8m a Year")
    # a span of time asked is answered by one; "how long is the shed?" is a length
    span = asked_measure("how long did Ledbury say the panel lining would take to fit?")
    assert span is not None and asked_measure("what lead time did they quote?") is span
    assert not span.search("Insulated panel lining quote from Ledbury Panel Systems £18,950")
    for said in ("2h40m on the movement", "a 22-week lead time", "takes 4 days", "a fortnight"):
        assert span.search(said), said
    assert asked_measure("how long is the shed?") is None
    assert asked_measure("how long is the cable run?") is None
    near = [
        "What time's the first boat back from Carrigaholt?",
        "How many racks are there in Cave One?",
        "What were the 2025 tour visitor numbers?",
        "What's Pádraig's boat called?",
        "What does the schooner job charge per foot for Hempex?",
        "How much is a ticket for a tower tour?",
    ]
    said = BOAT_NOTE + (
        "- First boat back to Carrigaholt leaves the island at 12:15.\n"
        "- Cave One would hold 4 racks if it were opened.\n"
        "- In 2025 we had 5,980 tour visitors.\n"
        "- Pádraig's boat is called the Naomh Éanna.\n"
        "- Hempex for the schooner job is $2.10 a foot.\n"
        "- A ticket for a tower tour is €12.\n"
    )
    withheld_then_answered(nvault, "boats.md", BOAT_NOTE, said, near)


def withheld_then_answered(
    vault: Vault, name: str, before: str, after: str, questions: list[str]
) -> None:
    """Each question is withheld (in Northwind's scope) from the note ``before`` and answered
    once the note says ``after``."""
    scoped, names = Filters(client="northwind"), ["northwind", "Northwind"]
    for text, ok in ((before, False), (after, True)):
        Ingestor(vault).ingest_file(write_note(vault.settings.inbox, name, text))
        for q in questions:
            sup = support(vault, q, search(vault, q, k=5, filters=scoped), names)
            assert sup.ok is ok, q


def test_the_verb_of_a_price_is_the_kind_of_answer() -> None:
    """ "what does OptoSuite charge per card payment?" is answered by "2.9% plus 30 cents per
    payment", which says no "charge" (it was answered before only through a wrong sentence,
    "6 hours, still inside the fixed fee"); "what did the aggregator's certification testing
    cost?" is a question for money, however many words name the thing (an apostrophe kept it
    from being one)."""
    assert content_terms("what does OptoSuite charge per card payment") == [
        "optosuite",
        "card",
        "payment",
    ]
    q = "What did the aggregator's certification testing cost?"
    assert asks_quantity(q) and "cost" not in content_terms(q)
    assert "due" not in content_terms("when's the visitor-numbers pack due now?")
    # "called" stays a word to find: a place name beside "the boat" names no boat (review)
    assert content_terms("what is the boat called?") == ["boat", "called"]
    assert asks_name("what is the boat called?")
    from trailkeep.recall.terms import stem

    assert stem("bookings") == stem("booking") == "book"
    assert stem("things") == "thing" and stem("ratings") != stem("rates")


PILOT_NOTE = """---
client: northwind
date: 2026-03-09
---
# Pilot

The pilot can start on March 23 in the Rotterdam warehouse. Please confirm the pilot scope by
Friday. The shadow run starts on the 16th and uses the Geneva cluster.
"""


def test_the_end_asked_is_not_the_start_and_a_go_live_is_no_start(nvault: Vault) -> None:
    """New user's trial, session 28: "when does the pilot end?" was answered by "the pilot
    can start on March 23" and "confirm the pilot scope by Friday"; "when is the go-live?" by
    "the shadow run starts on the 16th" (a go-live was one of the words for a start). "When
    is the plan due?" is answered by the date it is wanted by."""
    assert asks_when("when does the pilot end?") == "ahead"
    assert asks_when("when does Elaine want the portal to go live") is None
    near = ["When does the pilot end?", "When is the go-live?", "When is the validation plan due?"]
    said = PILOT_NOTE + (
        "\nThe pilot runs until May 8. Go-live is on June 1.\n"
        "The validation plan will be with you by May 8.\n"
    )
    withheld_then_answered(nvault, "pilot.md", PILOT_NOTE, said, near)


def test_the_review_of_the_neighbour_rules() -> None:
    """Review of session 28: "200k rows" read as money; a "%" or "per" anywhere, or "$4,000,
    a tourism grant", read as a price per tour; "due to the audit" as a thing due; "end up
    starting" as an end; a name written out at the start of a sentence, or as "O'Dálaigh",
    read as another name."""
    from trailkeep.recall.asked import MONEY, opposed_qualifiers, per_unit, says_opposite
    from trailkeep.recall.asked_names import has_name
    from trailkeep.recall.terms import words_of

    assert not MONEY.search("The data migration moved 200k rows in March.")
    assert MONEY.search("The wrenfield floor price is 14k.")
    assert not per_unit("Per the contract our number is $318,000 for the lot.")
    assert not per_unit("$4,000, a tourism grant") and per_unit("£12 each")
    end = opposed_qualifiers("When does the pilot end?")
    assert says_opposite("The pilot can start on March 23.", end)
    assert not says_opposite("It started March 3 and runs through May 8.", end)
    start = opposed_qualifiers("When did they end up starting the pilot?")
    assert says_opposite("The pilot ended on May 8.", start)
    boat = words_of("What is Pádraig's boat called?")
    assert not has_name("Pádraig Ó Dálaigh runs the boat from the pier.", boat)
    assert not has_name("He's the skipper, Pádraig O'Dálaigh, and he runs the boat.", boat)


def test_a_reply_answers_the_question_of_the_message_it_answers(vault: Vault) -> None:
    """New user's trial, session 29: "what price did we recommend for the subscription box?"
    was withheld — "recommend" only in the client's question ("What price point do you
    recommend?"), the answer in the reply ("Quarterly at GBP 54 per box."). A message and the
    reply to it are one exchange, as a chat's turns are; a word neither holds still misses."""
    from trailkeep.ingest import Ingestor
    from trailkeep.recall.answer import gather, judge

    inbox = vault.settings.inbox
    (inbox / "q.eml").write_text(
        _mail("bea@hive.example", "noor@me.example", "Subscription box pricing", "Mon, 02")
        + "Message-ID: <q1@hive.example>\n\nHi Noor,\n\nWe launch the beekeeper subscription "
        "box in May. What price point do you recommend, monthly or quarterly?\n\nBea\n"
    )
    (inbox / "a.eml").write_text(
        _mail("noor@me.example", "bea@hive.example", "Re: Subscription box pricing", "Tue, 03")
        + "Message-ID: <a1@me.example>\nIn-Reply-To: <q1@hive.example>\n\nHi Bea,\n\n"
        "Quarterly at GBP 54 per box. Monthly boxes double your packing cost.\n\nNoor\n"
    )
    Ingestor(vault).ingest_paths(sorted(inbox.iterdir()))
    q = "What price did we recommend for the subscription box?"
    res, _, _ = gather(vault, q, Filters())
    strong, why = judge(vault, q, res)
    assert why is None and "GBP 54" in strong[0].quote, why
    q = "What price did we recommend for the gift box?"
    res, _, _ = gather(vault, q, Filters())
    assert judge(vault, q, res)[1] is not None


def test_a_year_asked_is_said_by_the_answer_or_just_before_it(vault: Vault) -> None:
    """Thirteenth blind vault: "what per-tree pruning price won the 2022 round?" answered by our
    own pruning price, two sentences under "the 2022 round was won at DKK 3.8m a year"."""
    from trailkeep.ingest import Ingestor
    from trailkeep.recall.answer import gather, judge

    (vault.settings.inbox / "tender.md").write_text(
        "# Street tree tender\n\nA contact says the 2022 round was won at about DKK 3.8m a "
        "year. The council wants storm cover too. Our pruning price is DKK 1,390 per tree, "
        "inspection DKK 160 per tree.\n"
    )
    Ingestor(vault).ingest_paths([vault.settings.inbox / "tender.md"])
    for q, answered in (
        ("what per-tree pruning price won the 2022 round?", False),
        ("what is our pruning price per tree?", True),
    ):
        res, _, _ = gather(vault, q, Filters())
        assert (judge(vault, q, res)[1] is None) is answered, q


def _mail(sender: str, to: str, subject: str, day: str) -> str:
    """A mail's first headers, on a day of March 2026 ("Mon, 02")."""
    return f"From: {sender}\nTo: {to}\nSubject: {subject}\nDate: {day} Mar 2026 10:00:00 +0000\n"


KILN_NOTE = """---
client: northwind
date: 2026-10-14
---
# Kiln, bikes and cottages

- The Desjardins kiln loan: $504.76 a month over 60 months at 7.4%.
- The repair shop quoted €1,100 per bike to fix two of the three broken bikes.
- Average weekly rate for Bwthyn Nant in the peak: £1,320.
- The new no-show rule is written up; Dana signs it off next week.
- The radwerk cargo bikes (two-wheel): €7,850 each.
- Store 2 is holding at 3.5 C. The SASA inspection of field 7 is on 28 October.
"""


def test_the_fifteenth_vaults_near_misses_abstain_until_the_history_says_them(
    nvault: Vault,
) -> None:
    """Fifteenth blind vault, session 30: "what arrangement fee did Desjardins charge?" was
    answered by the loan's monthly payment, "the third broken bike" by the quote for two of
    them, "the weekly rate in the winter" by the peak's, "a three-wheel bike" by the
    two-wheelers'; "when does the rule kick in?" is answered by "live from". Each is answered
    once the history says it."""
    near = [
        "What arrangement fee did Desjardins charge on the kiln loan?",
        "What did the repair shop quote to fix the third broken bike?",
        "What's Bwthyn Nant's weekly rate in the winter?",
        "what does radwerk want for a three-wheel cargo bike?",
        # new user's trial, session 30: store 2's temperature, the inspection's date
        "What temperature is store 3 holding at?",
        "When is the SASA re-inspection of field 7?",
        "When does the new no-show rule kick in?",
    ]
    said = KILN_NOTE + (
        "- Desjardins charged a $250 arrangement fee on the kiln loan.\n"
        "- For the third bike the repair shop quoted €400.\n"
        "- Bwthyn Nant's weekly rate from November to March: £395.\n"
        "- Radwerk's three-wheel cargo bike is €9,900.\n"
        "- Store 3 is holding at 4.1 C.\n"
        "- The SASA re-inspection of field 7 is on 12 November.\n"
        "- The new no-show rule is live from 1 November.\n"
    )
    withheld_then_answered(nvault, "kiln.md", KILN_NOTE, said, near)


def test_the_words_a_price_question_asks_by() -> None:
    """Session 30: who gives the price and which fee it is are read off the question; the
    phrasal verbs and fillers of a busy consultant are one idea or none."""
    from trailkeep.recall.asked import asks_quantity, money_kind, price_giver
    from trailkeep.recall.terms import COUNTED, ORDINAL

    assert price_giver("what did lévesque bid on the rose window") == ["lévesque"]
    assert price_giver("what's dragan paid per hour for dispatching") == ["dragan"]
    assert price_giver("what did they quote?") == []
    assert money_kind("what arrangement fee did desjardins charge?") == ["arrangement"]
    assert money_kind("what's the riders' per-delivery rate?") == ["per-delivery"]
    assert money_kind("How much does phase 1 of the Clearview portal cost?") == []
    assert money_kind("what's the total cost? what's Dana's hourly rate?") == []
    for q in (
        "what were the second-hand cargo bikes from that startup going for?",
        "what did the saint-sauveur rose window job in 2019 come to",
        "what did pen-y-bryn price the treatment plant at?",
        "what does radwerk want for one?",
    ):
        assert asks_quantity(q), q
    # a wish, a noun after its article, a choice (review)
    for q in (
        "what does Gareth want for the launch?",
        "what does Gareth want for a launch venue?",
        "what does the quote include?",
        "what's the pay schedule?",
        "what did we go for in the end?",
    ):
        assert not asks_quantity(q), q
    assert price_giver("what was Hartwell's bid?") == ["hartwell"]
    assert money_kind("what did phase 1 of the portal cost?") == []
    assert money_kind("what's the estimated cost? how much was the winter rate?") == []
    assert ORDINAL.match("third") and not ORDINAL.match("two-week")
    assert COUNTED.match("three-wheel") and COUNTED.match("10-minute")
    assert not COUNTED.match("second-hand")
    assert content_terms("when does the new no-show rule kick in?") == [
        "no-show",
        "rule",
        "kick in",
    ]
    assert content_terms("where did gareth land on the cap?") == ["gareth", "land on", "cap"]
    assert content_terms("how many tents have they got right now") == ["tents"]
    assert content_terms("what payback did I work out on the barn?") == ["payback", "barn"]
    assert content_terms("final fleet mix?") == ["fleet", "mix"]


ORGAN_NOTE = """---
client: northwind
date: 2026-10-20
---
# Organ, sauna and the ski club

- Members' extra shares campaign planned for autumn - target not set yet.
- Overdraft raised from €60k to €100k until end 2027 (Rabobank).
- Wages plus overheads come to €71.40 per productive hour. Joost voices the reeds.
- Dalfsen clean and overhaul: quoted 260 h, actual 255 h.
- Oriveden Puu quoted €59/m³ but it's an alder/birch mix, not pure birch.
"""


def test_the_sixteenth_vaults_near_misses_abstain_until_the_history_says_them(
    nvault: Vault,
) -> None:
    """Sixteenth blind vault, session 31: "target not set yet" answered what the target is,
    the overdraft's size its interest, the firm's wages per hour Joost's salary, hours what an
    overhaul was invoiced at, and "not pure birch" a quote for pure birch. Each is answered
    once the history says it."""
    near = [
        "what's the target for the members' extra shares?",
        "what interest does Rabobank charge on the overdraft?",
        "what's Joost's salary?",
        "how much did the Dalfsen overhaul get invoiced at?",
        "what did Oriveden Puu quote for pure birch?",
    ]
    said = ORGAN_NOTE + (
        "- The members' extra shares target is €40,000.\n"
        "- Rabobank charges 6.5% interest on the overdraft.\n"
        "- Joost's salary is €52,000 a year.\n"
        "- The Dalfsen overhaul was invoiced at €18,700.\n"
        "- For pure birch Oriveden Puu quoted €66/m³.\n"
    )
    withheld_then_answered(nvault, "organ.md", ORGAN_NOTE, said, near)


def test_what_the_history_says_is_not_known_or_not_there() -> None:
    """Session 31: the words of "not known yet" and of a rate asked as a percentage."""
    from trailkeep.recall.asked import (
        UNKNOWN_SAID,
        asks_interest_rate,
        asks_whether,
        money_kind,
        price_giver,
    )

    for s in ("target not set yet", "date TBC", "no price yet", "the fee is still unknown"):
        assert UNKNOWN_SAID.search(s), s
    for s in ("the target is set at 40%", "not setting a target was a mistake"):
        assert not UNKNOWN_SAID.search(s), s
    assert asks_whether("has the target been set yet?")
    assert asks_whether("is the price agreed")
    assert not asks_whether("what's the target for the shares?")
    assert asks_interest_rate("what interest rate was the club paying on the loan?")
    assert not asks_interest_rate("how much interest will we pay in total?")
    assert price_giver("how much does ewan get paid by the club") == ["ewan"]
    assert price_giver("how much is the quote?") == []  # a noun after its article (review)
    assert money_kind("what's joost's salary?") == ["joost"]
    # "so far" or "already" after what / how asks no yes or no (review)
    assert not asks_whether("what has been invoiced so far?")
    assert not asks_whether("can you tell me the target?")
    assert not asks_interest_rate("what interest did the savings account earn last year?")
    from trailkeep.recall.asked import asks_quantity, dated_ahead

    assert not asks_quantity("which clinics showed interest in the portal?")
    assert asks_quantity("what interest does Rabobank charge on the overdraft?")
    today = date(2026, 12, 2)
    assert dated_ahead("first burial June 2027", today)
    assert dated_ahead("from 2027-01 on", today)
    assert not dated_ahead("first burial June 2026", today)
    assert not dated_ahead("first burial June 2026, the next in June 2027", today)
    assert not dated_ahead("the first burial was in the meadow", today)  # dates nothing


SAID_BESIDE = """---
client: northwind
date: 2026-10-21
---
# Portal

- Price agreed at £4,500; start date not confirmed yet.
- The Hallam deposit was not paid until 4 June 2026.
- First open day held in June 2027 at the meadow.
"""


def test_what_is_not_known_beside_the_answer_does_not_withhold_it(nvault: Vault) -> None:
    """Review, session 31: "not confirmed yet" of the start date withheld the price agreed in
    the same sentence, and "not paid until 4 June" denied "paid"; a date after today answers
    no "when was" however it is worded."""
    Ingestor(nvault).ingest_file(write_note(nvault.settings.inbox, "portal.md", SAID_BESIDE))
    scoped, names = Filters(client="northwind"), ["northwind", "Northwind"]
    today = date(2026, 12, 2)
    for q, ok in (
        ("what price did we agree for the portal?", True),
        ("when was the Hallam deposit paid?", True),
        ("when was the first open day held?", False),
    ):
        sup = support(nvault, q, search(nvault, q, k=5, filters=scoped), names, today=today)
        assert sup.ok is ok and not sup.unknown and not sup.negated, (q, sup)


HONEY_NOTE = """---
client: northwind
date: 2026-07-08
---
# Jars and violins

- Retail price for the 227g hex jar: £5.25.
- Heather honey version: not decided, depends on the August harvest. Heather price TBC.
- Fractional violin rentals: $22 a month. Cellos: not decided, no bench space.
- Ringwell forwards calls to whoever is on the rota: it costs £6 a month and the rota is a web page.
"""
TRAM_NOTE = """---
client: northwind
date: 2026-07-08
---
# Trams

- Route length for the evening rides (full line or to Zeestraat only): not decided.
- Sunday service 2025: roughly 2,600 tram tickets sold.
- May: 612 tram tickets online, 148 cash at the stop.
"""


def test_the_seventeenth_vaults_near_misses_abstain_until_the_history_says_them(
    nvault: Vault,
) -> None:
    """Seventeenth blind vault, session 32: the heather jar's price was answered by another
    jar's beside "Heather price TBC", a cello's rent by a violin's beside "Cellos: not
    decided", which of two routes by "not decided" (a choice is no yes or no), a price per
    call by "£6 a month and the rota" (the "a" of "and" read as a unit), June's tickets by a
    season's and May's. Each is answered once the history says it."""
    near = [
        "what's the heather honey jar going to retail at",
        "what would a cello rental cost per month",
        "how much does ringwell charge per forwarded call",
    ]
    said = HONEY_NOTE + (
        "- Heather honey jar: £7.95 retail.\n- Cello rentals: $35 a month.\n"
        "- Ringwell also charges 4p per forwarded call.\n"
    )
    withheld_then_answered(nvault, "honey.md", HONEY_NOTE, said, near)
    near = [
        "are the evening rides going the full line or only to zeestraat",
        "how many tram tickets were sold online in june",
    ]
    said = TRAM_NOTE + (
        "- Decided: the evening rides go the full line, not just to Zeestraat.\n- June: 700 tram tickets online, 120 cash.\n"
    )
    withheld_then_answered(nvault, "tram.md", TRAM_NOTE, said, near)


def test_what_is_said_to_be_not_known_yet() -> None:
    """Seventeenth blind vault, session 32: more ways to say a thing is not known yet — and a
    client's "in case she didn't say" is not one of them."""
    from trailkeep.recall.asked import UNKNOWN_SAID, asks_choice

    for s in (
        "Number of full-size violins in the pool: Denise still to count",
        "Full-size count still not done",
        "Whether to keep the number over winter: not discussed",
        "Hester says five are interested, hasn't sent names",
        "Which board member is pushing OV-chip? Joost wouldn't say",
        "nobody has raised it",
        "no word from the fund yet",
        "we won't know until August",
    ):
        assert UNKNOWN_SAID.search(s), s
    for s in ("in case she didn't say: we collected 63 swarms", "still the best option"):
        assert not UNKNOWN_SAID.search(s), s
    # the judge's stemmer drops a final "e" its suffixes drop (new user's trial, session 32)
    from trailkeep.recall.terms import stem

    for a, b in (("craze", "crazing"), ("price", "pricing"), ("hive", "hives"), ("fee", "fees")):
        assert stem(a) == stem(b), (a, b)
    assert asks_choice("are the rides going the full line or only to zeestraat?")
    assert not asks_choice("did the gemeente sign off or not?")
    assert not asks_choice("what did we choose, a or b?")  # asks what, not whether


def test_a_name_number_or_a_duration_is_no_count() -> None:
    """New user's trial, session 32: "how many looms?" was answered by "Loom 7 is still
    sending", "how many hives?" by a work line "1.5h ridgeback: hive scale calibration call"."""
    from trailkeep.recall.asked import counts
    from trailkeep.recall.terms import stem

    for sentence, noun, ok in (
        ("Loom 7 is still sending", "looms", False),
        ("- 1.5h ridgeback: hive scale calibration call", "hives", False),
        ("we run 12 looms", "looms", True),
        ("Looms: 12", "looms", True),
        ("2h with the 4 hives", "hives", True),
        ("Oskar's hive scales drift about 300 g per week", "hives", False),
        ("caregivers on the rota: 48", "caregivers", True),
        ("40k visitors", "visitors", True),
    ):
        assert counts(sentence, {stem(noun)}) is ok, sentence
