"""A red-team pass on real-world mail shapes (QA, session 17): each case put one client's
material in another client's scope through attribution — a stranger's message that took its
thread's client, a sender who signs as another client's person, the user's own address
assigned to one client."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.test_attribution import cli, clients_vault, mail, open_vault, scope_of
from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import Filters, Vault

DANA = "Dana Whitfield <dana@northwind.example>"
ME = "sam@samconsult.example"


def leaks(v: Vault, needle: str, client: str = "northwind") -> bool:
    return any(needle in h.quote for h in search(v, needle, k=10, filters=Filters(client=client)))


def test_a_strangers_reply_in_a_clients_thread_is_not_the_clients(tmp_path: Path) -> None:
    """Bluefin's Priya, from a private address, answers Dana's message (In-Reply-To set) to
    the user alone: she was never in the conversation. Before, her message — and the figure
    in it — was Northwind's because of where it sat."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(mail("q1@northwind.example", DANA, ME, "Q3 budget", "Plan?"))
    (inbox / "b.eml").write_text(
        mail(
            "r1@mail.example",
            "P. R. <pr77@mail.example>",
            ME,
            "Re: Q3 budget",
            "Writing from my own account. Our cap is KESTREL29 this quarter.",
            reply="q1@northwind.example",
        )
    )
    # a participant's reply still follows the thread
    (inbox / "c.eml").write_text(
        mail(
            "r2@mail.example",
            "Dana at home <dana.w@mail.example>",
            ME,
            "Re: Q3 budget",
            "From home: the plan is fine.",
            reply="q1@northwind.example",
        ).replace(f"To: {ME}", f"To: {ME}\nCc: dana.w@mail.example")
    )
    (inbox / "d.eml").write_text(
        mail(
            "r3@samconsult.example",
            ME,
            "dana.w@mail.example",
            "Re: Q3 budget",
            "Noted, thanks.",
            reply="q1@northwind.example",
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "KESTREL29") == {"?"} and not leaks(v, "KESTREL29")
    assert scope_of(v, "Noted, thanks") == {"northwind"}  # the user's own reply
    v.close()


def test_a_headerless_re_joined_by_subject_takes_no_client(tmp_path: Path) -> None:
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    pat = "pat@samconsult-partner.example"
    (inbox / "a.eml").write_text(
        mail("q1@samconsult.example", ME, DANA, "Q3 budget", "Budget?").replace(
            f"To: {DANA}", f"To: {DANA}\nCc: {pat}"
        )
    )
    (inbox / "b.eml").write_text(
        mail(
            "q2@northwind.example",
            DANA,
            ME,
            "Re: Q3 budget",
            "Around 40k.",
            reply="q1@samconsult.example",
        ).replace(f"To: {ME}", f"To: {ME}\nCc: {pat}")
    )
    (inbox / "c.eml").write_text(
        mail(
            "x1@mail.example",
            "P. R. <pr77@mail.example>",
            ME,
            "Re: Q3 budget",
            "The fund's total is KESTREL41.",
        ).replace(f"To: {ME}", f"To: {ME}\nCc: {pat}")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "KESTREL41") == {"?"} and not leaks(v, "KESTREL41")
    v.close()


def test_a_stranger_who_signs_as_another_clients_person_is_not_the_recipients(
    tmp_path: Path,
) -> None:
    """Mail from an unknown address to Dana alone was Northwind's by its recipients, though
    its sender's name, or its text, said it came from Clearview."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(
        mail(
            "s1@isp.example",
            "Priya Raman (Clearview) <pr@isp.example>",
            DANA,
            "our fund",
            "We priced it at KESTREL35.",
        )
    )
    (inbox / "b.eml").write_text(
        mail(
            "s2@isp.example",
            "Someone <x@isp.example>",
            DANA,
            "pricing",
            "For Clearview: KESTREL36.",
        )
    )
    (inbox / "c.eml").write_text(
        mail(
            "s3@isp.example",
            "A vendor <v@isp.example>",
            DANA,
            "invoice",
            "Invoice KESTREL37 attached.",
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "KESTREL35") == {"!"} and scope_of(v, "KESTREL36") == {"!"}
    assert not leaks(v, "KESTREL35") and not leaks(v, "KESTREL36")
    assert scope_of(v, "KESTREL37") == {"northwind"}  # a stranger to Dana alone: Northwind's
    v.close()


def test_the_users_own_address_is_never_one_clients(tmp_path: Path) -> None:
    """Assigned to Northwind from the review queue before it was known to be the user's, the
    user's own address made their later mail to Clearview Northwind's; now such an assignment
    does not apply to the user's mail, and a new one is refused."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(mail("k1@samconsult.example", ME, DANA, "kickoff", "Kickoff."))
    Ingestor(v).ingest_paths([inbox / "a.eml"])
    v.close()
    cli(home, "clients", "assign", ME, "northwind")
    cli(home, "me", "--add", ME)
    v = open_vault(home)
    (v.settings.inbox / "b.eml").write_text(
        mail(
            "k2@samconsult.example",
            ME,
            "Priya Raman <priya@clearview.example>",
            "fund pricing",
            "My advice is a floor of KESTREL99.",
        )
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "b.eml"])
    assert scope_of(v, "KESTREL99") == {"clearview"} and not leaks(v, "KESTREL99")
    v.close()
    out = cli(home, "clients", "assign", ME, "northwind", code=1)
    assert "your own address" in out
    before = (home / "clients.toml").read_text()
    out = cli(home, "clients", "assign", ME, "northwind", "--remember", code=1)
    assert "your own address" in out and (home / "clients.toml").read_text() == before


def test_a_client_forwarding_another_clients_mail_is_held_for_review(tmp_path: Path) -> None:
    """Dana (Northwind) forwards Clearview's mail to the user: the forwarded figures were
    Northwind's, in its search and its draft's prompt. The message holds two clients' mail:
    it waits for review, as a message addressed to both would. A forward of a stranger's mail
    (a vendor's notice) stays the client's."""
    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    fwd = (
        "FYI, see below.\n\n---------- Forwarded message ---------\n"
        "From: {sender}\nDate: Mon, 2 Mar 2026 at 09:00\nSubject: terms\nTo: Dana\n\n{said}\n"
    )
    (inbox / "a.eml").write_text(
        mail(
            "f1@northwind.example",
            DANA,
            ME,
            "Fwd: terms",
            fwd.format(sender="P. <p@clearview.example>", said="The floor is KESTREL12."),
        )
    )
    (inbox / "b.eml").write_text(
        mail(
            "f2@northwind.example",
            DANA,
            ME,
            "Fwd: notice",
            fwd.format(sender="Vendor <no-reply@vendor.example>", said="API v1 retires KESTREL14."),
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "KESTREL12") == {"!"} and not leaks(v, "KESTREL12")
    assert scope_of(v, "KESTREL14") == {"northwind"}
    v.close()


def test_clients_toml_wins_over_an_older_assignment_it_contradicts(tmp_path: Path) -> None:
    """QA, session 17: an address assigned to Clearview, then listed under Northwind in
    clients.toml, stayed Clearview's — silently."""
    from tests.ingest.test_attribution import CLIENTS

    v = clients_vault(tmp_path)
    home = v.settings.home
    (v.settings.inbox / "a.eml").write_text(
        mail("j1@mail.example", "Jo Park <jo@mail.example>", ME, "export", "Key KESTREL50 Friday.")
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "a.eml"])
    v.close()
    cli(home, "clients", "assign", "jo@mail.example", "clearview")
    (home / "clients.toml").write_text(
        CLIENTS.replace(
            'people = ["Dana Whitfield"]',
            'people = ["Dana Whitfield"]\nemails = ["jo@mail.example"]',
        )
    )
    v = open_vault(home)
    from trailkeep.ingest.reattribution import ensure_current

    ensure_current(v)
    assert scope_of(v, "KESTREL50") == {"northwind"} and not leaks(v, "KESTREL50", "clearview")
    v.close()


def test_the_longest_listed_domain_decides_whatever_the_order() -> None:
    """QA, session 17: a domain under one client and its subdomain under another went to the
    one first in clients.toml."""
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    acme = ClientSpec("acme", "Acme", domains=("acme.example",))
    eu = ClientSpec("acme-eu", "Acme Europe", domains=("eu.acme.example",))
    for clients in ((acme, eu), (eu, acme)):
        d = ClientDirectory(clients)
        assert d.by_address("x@mail.eu.acme.example") == "acme-eu"
        assert d.by_address("x@acme.example") == "acme"


def test_a_command_re_attributing_during_a_long_ingest_leaves_nothing_stale(
    tmp_path: Path,
) -> None:
    """QA, session 17: clients.toml fixed while the watcher streamed a large mbox, and a
    command run meanwhile: the command re-attributed what was stored and recorded the new
    settings; the messages the watcher stored after that, with its older copy, kept the old
    client for good. Its next refresh attributes them again."""
    from tests.ingest.test_attribution import CLIENTS
    from trailkeep.ingest.reattribution import ensure_current

    home = tmp_path / "home"
    home.mkdir()
    wrong = CLIENTS.replace('domains = ["clearview.example"]', "domains = []").replace(
        'domains = ["northwind.example"]', 'domains = ["northwind.example", "clearview.example"]'
    )
    (home / "clients.toml").write_text(wrong)
    v = open_vault(home)
    ing = Ingestor(v)  # the watcher's, with the wrong clients.toml
    inbox = v.settings.inbox
    cv = "P. <p@clearview.example>"
    (inbox / "a.eml").write_text(mail("c1@clearview.example", cv, ME, "one", "First KESTREL61."))
    ing.ingest_file(inbox / "a.eml")
    (home / "clients.toml").write_text(CLIENTS)  # the user fixes it ...
    other = open_vault(home)  # ... and a command runs meanwhile
    ensure_current(other)
    other.close()
    (inbox / "b.eml").write_text(mail("c2@clearview.example", cv, ME, "two", "Then KESTREL62."))
    ing.ingest_file(inbox / "b.eml")  # still in the watcher's pass, its old copy
    ing.refresh()
    assert scope_of(v, "KESTREL61") == {"clearview"} == scope_of(v, "KESTREL62")
    v.close()


def test_a_clients_toml_copied_with_its_size_and_mtime_is_read_again(tmp_path: Path) -> None:
    """QA, session 17: a fixed clients.toml of the same size and mtime (rsync -t, cp -p) was
    never read by the watcher."""
    import os

    from tests.ingest.test_attribution import CLIENTS

    home = tmp_path / "home"
    home.mkdir()
    path = home / "clients.toml"
    path.write_text(CLIENTS)
    v = open_vault(home)
    ing = Ingestor(v)
    st = os.stat(path)
    path.write_text(CLIENTS.replace("northwind.example", "northwinx.example"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    ing.refresh()
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(
        mail("x1@northwinx.example", "D <d@northwinx.example>", ME, "hi", "Hi KESTREL63.")
    )
    ing.ingest_file(inbox / "a.eml")
    assert scope_of(v, "KESTREL63") == {"northwind"}
    v.close()


def test_a_correction_outlives_its_client_missing_for_a_moment(tmp_path: Path) -> None:
    """QA, session 17: an entry the user gave to Clearview became general — in every client's
    scope — after clients.toml was empty for a moment (an editor saving in place). While the
    client is missing the entry is nobody's; listed again, it is the client's again."""
    from tests.ingest.test_attribution import CLIENTS, rows
    from trailkeep.ingest.reattribution import ensure_current

    v = clients_vault(tmp_path)
    home = v.settings.home
    (v.settings.inbox / "a.eml").write_text(
        mail("p1@mail.example", "Me <phone@mail.example>", ME, "board", "Approved KESTREL77.")
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "a.eml"])
    ((entry,),) = rows(v, "SELECT id FROM entry WHERE text LIKE '%KESTREL77%'")
    v.close()
    cli(home, "clients", "set", "clearview", "--entry", str(entry))
    for written, scope in (("", "?"), (CLIENTS, "clearview")):
        (home / "clients.toml").write_text(written)
        v = open_vault(home)
        ensure_current(v)
        assert scope_of(v, "KESTREL77") == {scope}
        assert not leaks(v, "KESTREL77")
        v.close()


def test_a_removed_clients_notes_are_nobodys_not_everyones(tmp_path: Path) -> None:
    """QA, session 17: removing a finished client from clients.toml made its unlabelled notes
    and chats general — in every other client's search, drafts and MCP."""
    from tests.ingest.test_attribution import CLIENTS
    from trailkeep.ingest.reattribution import ensure_current

    v = clients_vault(tmp_path)
    home = v.settings.home
    note = v.settings.inbox / "pricing.md"
    note.write_text("# Pricing thoughts\n\nFor Clearview the phase 2 floor is KESTREL88.\n")
    Ingestor(v).ingest_file(note)
    assert scope_of(v, "KESTREL88") == {"clearview"}
    # a listed client's note naming the one to be removed (review of session 17)
    call = v.settings.inbox / "call.md"
    call.write_text(
        "---\nclient: northwind\n---\n# Northwind call\n\nDana liked the plan.\n\n"
        "## Aside\n\nClearview's fund returns were KESTREL89.\n"
    )
    Ingestor(v).ingest_file(call)
    assert not leaks(v, "KESTREL89")  # withheld at read time while Clearview is listed
    # named by its person only, and by its codename (leak hunt, session 25: clients.toml's
    # people, projects, domains and addresses were forgotten with the client)
    (home / "clients.toml").write_text(
        CLIENTS.replace(
            'aliases = ["Clearview"]', 'aliases = ["Clearview"]\nprojects = ["Halyard"]'
        )
    )
    v.close()
    v = open_vault(home)
    ensure_current(v)
    for name, said in (
        ("raman.md", "Priya Raman's floor is KESTREL90."),
        ("h.md", "HALYARD rollout KESTREL91."),
    ):
        (v.settings.inbox / name).write_text(f"# Notes\n\n{said}\n")
        Ingestor(v).ingest_file(v.settings.inbox / name)
    assert scope_of(v, "KESTREL90") == {"clearview"} and scope_of(v, "KESTREL91") == {"clearview"}
    v.close()
    (home / "clients.toml").write_text(CLIENTS.split('[[client]]\nname = "Clearview')[0])
    v = open_vault(home)
    ensure_current(v)
    for secret in ("KESTREL90", "KESTREL91"):
        assert scope_of(v, secret) == {"?"} and not leaks(v, secret), secret
    assert scope_of(v, "KESTREL88") == {"?"} and not leaks(v, "KESTREL88")
    assert scope_of(v, "KESTREL89") == {"?"} and not leaks(v, "KESTREL89")
    assert scope_of(v, "Dana liked the plan") == {"northwind"}
    v.close()
    # status lists the clients clients.toml lists, and says what waits for review
    import json

    st = json.loads(cli(home, "status", "--json"))
    assert [c["id"] for c in st["clients"]] == ["northwind"]
    assert "belong to no client yet: `trailkeep clients review`" in cli(home, "status")


def test_a_listed_mailbox_written_otherwise_is_still_its_clients() -> None:
    """QA, session 17: "oscar.brennan+deals@gmail.com", "oscarbrennan@gmail.com" and
    "...@googlemail.com" of a listed "oscar.brennan@gmail.com" were strangers."""
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    d = ClientDirectory((ClientSpec("bluefin", "Bluefin", emails=("oscar.brennan@gmail.com",)),))
    for a in (
        "oscar.brennan+deals@gmail.com",
        "OscarBrennan@gmail.com",
        "oscar.brennan@googlemail.com",
    ):
        assert d.by_address(a) == "bluefin", a
    assert d.by_address("oscar.brennan@gmail.co") is None
    assert d.by_address("oscarbrennan@outlook.com") is None


def test_the_review_never_suggests_a_look_alike_domain() -> None:
    from trailkeep.ingest.reattribution import _suggest
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    d = ClientDirectory((ClientSpec("acme", "Acme", domains=("acme.example",)),))
    assert _suggest("dana@acme.example.evil.example", d) is None
    assert _suggest("acme-health.example", d) == "acme"


def test_the_watcher_waits_for_clients_toml_to_be_still_and_says_when_it_is_fixed(
    tmp_path: Path,
) -> None:
    """QA, session 17: an editor saving clients.toml in place left it empty for a moment; the
    watcher read that moment — every client gone, their drafts' items detached. And a broken
    clients.toml, fixed, stayed reported broken until the watcher restarted."""
    import threading
    import time

    from tests.ingest.test_attribution import CLIENTS
    from tests.ingest.test_watcher import wait_for
    from trailkeep.ingest.watcher import Watcher

    v = clients_vault(tmp_path)
    path = v.settings.home / "clients.toml"
    (v.settings.inbox / "a.eml").write_text(
        mail("z1@northwind.example", DANA, ME, "x", "KESTREL90.")
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "a.eml"])
    w = Watcher(Ingestor(v), v.settings.inbox, stable_seconds=0.2, rescan_seconds=3600)
    stop = threading.Event()
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    try:
        assert wait_for(lambda: w.state == "watching")
        path.write_text("")  # an in-place save: empty for a moment ...
        time.sleep(1.0)
        assert scope_of(v, "KESTREL90") == {"northwind"}  # not read yet
        path.write_text(CLIENTS)  # ... then the same clients
        time.sleep(3.0)
        assert scope_of(v, "KESTREL90") == {"northwind"}
        broken = CLIENTS.replace('aliases = ["Clearview"]', 'aliases = ["Northwind"]')
        path.write_text(broken)
        assert wait_for(lambda: "belongs to two clients" in (w.last_error or ""), 20)
        # a file dropped meanwhile waits, as `ingest` refuses (blind trial, session 22: it was
        # stored under the previous file's owner of the alias now claimed twice)
        (v.settings.inbox / "b.eml").write_text(
            mail("z2@northwind.example", DANA, ME, "y", "KESTREL91.")
        )
        time.sleep(2.0)
        assert scope_of(v, "KESTREL91") == set()
        path.write_text(CLIENTS)
        assert wait_for(lambda: w.last_error is None, 20), w.last_error
        assert wait_for(lambda: scope_of(v, "KESTREL91") == {"northwind"}, 20)
        # a file dropped a moment after an edit, before the edit is read, waits for it too
        # (new user's trial, session 29: it was stored under the file just replaced)
        path.write_text(broken)
        (v.settings.inbox / "c.eml").write_text(
            mail("z3@northwind.example", DANA, ME, "z", "KESTREL92.")
        )
        time.sleep(1.0)
        assert scope_of(v, "KESTREL92") == set()
        assert wait_for(lambda: "belongs to two clients" in (w.last_error or ""), 20)
        path.write_text(CLIENTS)
        assert wait_for(lambda: scope_of(v, "KESTREL92") == {"northwind"}, 20)
    finally:
        stop.set()
        t.join(timeout=10)
    v.close()


def test_review_of_session_17_holes(tmp_path: Path) -> None:
    """The review of this session's change found four ways around it: a message with no
    sender joined its thread; the user's own forward of another client's mail joined it; a
    domain assignment beat an address clients.toml lists; "+tag" variants of two clients'
    addresses went to the first listed."""
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    v = clients_vault(tmp_path)
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(mail("t1@northwind.example", DANA, ME, "terms", "Terms?"))
    (inbox / "b.eml").write_text(
        mail(
            "t2@x.example",
            "x@x.example",
            ME,
            "Re: terms",
            "Exit KESTREL70.",
            reply="t1@northwind.example",
        ).replace("From: x@x.example\n", "")
    )
    (inbox / "c.eml").write_text(
        mail(
            "t3@samconsult.example",
            ME,
            "pa@assist.example",
            "Fwd: terms",
            "FYI\n\n---------- Forwarded message ---------\nFrom: P <p@clearview.example>\n"
            "Subject: terms\n\nThe floor is KESTREL71.\n",
            reply="t1@northwind.example",
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    assert scope_of(v, "KESTREL70") == {"?"} and scope_of(v, "KESTREL71") != {"northwind"}
    assert not leaks(v, "KESTREL70") and not leaks(v, "KESTREL71")
    v.close()
    d = ClientDirectory(
        (
            ClientSpec("acme", "Acme", emails=("jo+acme@gmail.com",)),
            ClientSpec("beta", "Beta", emails=("jo+beta@gmail.com",)),
        )
    )
    assert d.by_address("jo@gmail.com") is None and d.by_address("jo+acme@gmail.com") == "acme"


def test_a_domain_assignment_does_not_beat_a_listed_address(tmp_path: Path) -> None:
    from tests.ingest.test_attribution import CLIENTS

    v = clients_vault(tmp_path)
    home = v.settings.home
    (home / "clients.toml").write_text(
        CLIENTS.replace(
            'people = ["Priya Raman"]', 'people = ["Priya Raman"]\nemails = ["oz@big.example"]'
        )
    )
    v.close()
    cli(home, "clients", "assign", "big.example", "northwind")
    v = open_vault(home)
    (v.settings.inbox / "a.eml").write_text(
        mail("o1@big.example", "Oz <oz@big.example>", ME, "x", "KESTREL72.")
    )
    Ingestor(v).ingest_paths([v.settings.inbox / "a.eml"])
    assert scope_of(v, "KESTREL72") == {"clearview"}
    v.close()


def test_attribution_lines_in_more_languages_and_a_sender_quoting_in_their_own_words() -> None:
    from trailkeep.ingest.parsers.email import strip_quotes
    from trailkeep.ingest.reattribution import _suggest
    from trailkeep.vault.clients import ClientDirectory, ClientSpec

    for head in ("Op 3 mrt. 2026 om 10:00 schreef Jan <j@x.example>:", "Jan <j@x.example> skrev:"):
        assert strip_quotes(f"Yes.\n\n{head}\nThe reserve is 41.\n")[0] == "Yes.", head
    said = "As Dana wrote:\nthe plan holds, and we go on Monday.\n"
    assert "we go on Monday" in strip_quotes(said)[0]
    d = ClientDirectory((ClientSpec("acme", "Acme", domains=("acme.example",)),))
    assert _suggest("dana@mail.acme.co.uk", d) == "acme"


def test_an_assigned_sender_does_not_carry_its_mail_to_another_client(tmp_path: Path) -> None:
    """New user's trial, session 28: with no [me], the user's address (inferred: it writes to
    two clients) was taken out of `me` and assigned to Northwind from the review queue; every
    reply of theirs to Clearview's people — at Clearview's domain, or at Priya's private
    address — moved into Northwind's search, answers and drafts. An assignment of a sender now
    gives it only the mail that points at no other client: to another client's address, or
    naming another client's person, it waits for review (in neither scope)."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    notes = [
        ("a", DANA, "kickoff", "Kickoff agenda KESTREL30."),
        ("b", "Priya Raman <priya@clearview.example>", "fees", "Our fee floor is KESTREL31."),
        ("c", "Priya Raman <priya.r@mail.example>", "private", "The shadow run is KESTREL32."),
        ("d", "Someone <someone@unknown.example>", "hello", "Lunch on KESTREL33?"),
    ]
    from_me(v, notes)
    v.close()
    assert ME in cli(home, "me")
    cli(home, "me", "--remove", ME)
    cli(home, "clients", "assign", ME, "northwind")
    v = open_vault(home)
    assert scope_of(v, "KESTREL30") == {"northwind"}
    assert scope_of(v, "KESTREL33") == {"northwind"}  # no other evidence: the assignment
    assert scope_of(v, "KESTREL31") == {"!"}  # held for review, in neither scope
    assert scope_of(v, "KESTREL32") == {"!"}
    for needle in ("KESTREL31", "KESTREL32"):
        assert not leaks(v, needle)
    v.close()


def test_listing_an_address_keeps_the_one_inferred(tmp_path: Path) -> None:
    """New user's trial, session 28: `me --add` of a second address wrote only that one to
    [me]; listing one narrows what is inferred, so the first address stopped being the user's
    and could be assigned to one client — or made general — from the review queue. An address
    inferred at the new one's domain is written to [me] beside it (one at another domain is
    not: `test_an_inferred_address_can_be_rejected_and_none_is_inferred_once_me_is_set`)."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(mail("a@samconsult.example", ME, DANA, "kickoff", "Hello."))
    (inbox / "b.eml").write_text(
        mail("b@samconsult.example", ME, "Priya Raman <priya@clearview.example>", "x", "Hi.")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    v.close()
    out = cli(home, "me", "--add", "sam.k@samconsult.example")
    assert f"{ME} (inferred, at the same domain) kept" in out
    import json

    listed = {a["address"]: a["source"] for a in json.loads(cli(home, "me", "--json"))["addresses"]}
    assert listed == {ME: "config", "sam.k@samconsult.example": "config"}
    out = cli(home, "clients", "assign", ME, "--general", code=1)
    assert "your own address" in out


def test_an_inferred_address_typed_is_not_said_to_be_kept_as_inferred(tmp_path: Path) -> None:
    """New user's trial, session 30: `me --add` of the address already inferred printed "(…,
    inferred, at the same domain) kept" of the address the user had just typed."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    (v.settings.inbox / "a.eml").write_text(
        mail("a@samconsult.example", ME, DANA, "kickoff", "Hello.")
    )
    (v.settings.inbox / "b.eml").write_text(
        mail("b@samconsult.example", ME, "Priya Raman <priya@clearview.example>", "x", "Hi.")
    )
    Ingestor(v).ingest_paths(sorted(v.settings.inbox.iterdir()))
    v.close()
    assert "inferred" in cli(home, "me")
    out = cli(home, "me", "--add", ME)
    assert "(inferred" not in out and ME in out


def test_an_assignment_to_general_or_of_a_recipient_does_not_leak_either(tmp_path: Path) -> None:
    """Review of session 28: a sender given to general still put its mail to Clearview's
    person (at a private address) in every scope; and a recipient assigned to Clearview from
    the review queue did not count as Clearview's people when the sender was assigned to
    Northwind."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    pr = "P R <pr77@mail.example>"
    notes = [
        ("a", DANA, "kickoff", "Kickoff."),
        ("b", "Priya Raman <priya@clearview.example>", "fees", "Hello."),
        ("c", "Priya Raman <priya.r@mail.example>", "private", "The shadow run is KESTREL40."),
        ("d", "Someone <someone@unknown.example>", "x", "Clearview's fee floor is KESTREL41."),
        ("e", pr, "cap", "Our cap is KESTREL42."),
        ("f", "Someone <someone@unknown.example>", "lunch", "Lunch on KESTREL43?"),
    ]
    from_me(v, notes)
    v.close()
    cli(home, "me", "--remove", ME)
    cli(home, "clients", "assign", ME, "--general")
    v = open_vault(home)
    assert scope_of(v, "KESTREL40") == {"clearview"}  # given to general: the client it names
    assert scope_of(v, "KESTREL41") == {"clearview"}
    assert scope_of(v, "KESTREL43") == {"*"}  # names no client: general, as the user said
    v.close()
    cli(home, "clients", "assign", "pr77@mail.example", "clearview")
    cli(home, "clients", "assign", ME, "northwind")
    v = open_vault(home)
    assert scope_of(v, "KESTREL42") == {"!"}
    for needle in ("KESTREL40", "KESTREL41", "KESTREL42"):
        assert not leaks(v, needle)
    v.close()


def from_me(v: Vault, notes: list[tuple[str, str, str, str]]) -> None:
    """Ingest the user's mails (name, to, subject, body), each from their address."""
    inbox = v.settings.inbox
    for name, to, subject, body in notes:
        (inbox / f"{name}.eml").write_text(
            mail(f"{name}@samconsult.example", ME, to, subject, body)
        )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))


def test_the_users_mail_to_a_correspondent_given_to_general_is_general(tmp_path: Path) -> None:
    """New user's trial, session 29: `clients assign priya@… --general` said "→ general" and
    left the user's own mail to her in review. Mail to correspondents all given to general is
    general — unless it names a client, which goes by that client or waits."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    stranger = "Hana Tea <hana@halcyon-tea.example>"
    notes = [
        ("a", stranger, "proposal", "A blending line proposal: KESTREL50."),
        ("b", stranger, "aside", "Clearview asked me the same: KESTREL51."),
    ]
    from_me(v, notes)
    assert scope_of(v, "KESTREL50") == {"?"}
    v.close()
    out = cli(home, "clients", "assign", "hana@halcyon-tea.example", "--general")
    v = open_vault(home)
    assert scope_of(v, "KESTREL50") == {"?"}  # whose mail it is nobody knows yet: it waits
    v.close()
    cli(home, "me", "--add", ME)
    v = open_vault(home)
    assert scope_of(v, "KESTREL50") == {"*"}
    assert scope_of(v, "KESTREL51") != {"*"} and not leaks(v, "KESTREL51")
    v.close()
    assert "goes by that client" in out


def test_the_users_reply_in_a_clients_thread_is_never_general(tmp_path: Path) -> None:
    """Review of session 29: the user's reply inside Northwind's thread, sent only to a
    correspondent given to general, became general — in every client's scope. Mail is never
    general inside a client's thread: it is the thread's."""
    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(mail("q3@northwind.example", DANA, ME, "Q3", "Plan for Q3?"))
    (inbox / "b.eml").write_text(
        mail(
            "r1@samconsult.example",
            ME,
            "Hana Tea <hana@halcyon-tea.example>",
            "Re: Q3",
            "Hana, the cap: KESTREL77.",
            reply="q3@northwind.example",
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    v.close()
    cli(home, "me", "--add", ME)
    cli(home, "clients", "assign", "hana@halcyon-tea.example", "--general")
    v = open_vault(home)
    assert scope_of(v, "KESTREL77") == {"northwind"}
    assert not leaks(v, "KESTREL77", "clearview")
    v.close()


def test_a_reply_set_to_another_client_is_warned_and_its_message_id_withheld(
    tmp_path: Path,
) -> None:
    """New user's trial, session 30: Clearview's Priya answered a Northwind thread she was
    copied on; the user set her reply to Northwind. The user's choice holds, but nothing said
    what it let through, and Northwind's draft sources withheld the file name beside
    "Message-ID <q1@clearview.example>"."""
    from tests.ingest.test_attribution import rows

    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(
        mail("n1@northwind.example", "Dana <dana@northwind.example>", ME, "ad", "Budget 2,200?")
    )
    (inbox / "clearview-reply.eml").write_text(
        mail(
            "q1@clearview.example",
            "Priya <priya@clearview.example>",
            ME,
            "Re: ad",
            "Happy to quote KESTREL41 at 1,600.",
            reply="n1@northwind.example",
        )
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    ((entry,),) = rows(v, "SELECT id FROM entry WHERE text LIKE '%KESTREL41%'")
    v.close()
    out = cli(home, "clients", "set", "northwind", "--entry", str(entry))
    assert f"warning: entry {entry} names clearview" in out
    assert f"clients set clearview --entry {entry}` undoes this" in out  # its client before
    assert "warning" not in cli(home, "clients", "set", "clearview", "--entry", str(entry))
    cli(home, "clients", "set", "northwind", "--entry", str(entry))
    v = open_vault(home)
    (hit,) = [
        h
        for h in search(v, "KESTREL41", filters=Filters(client="northwind"))
        if h.entry_id == entry
    ]
    assert "KESTREL41" in hit.quote  # the user's choice holds
    # its file name and its Message-ID name Clearview: withheld as a citation shows them
    assert "clearview" not in f"{hit.source} {hit.locator} {hit.cited_as}".lower(), hit
    assert hit.locator == "(message id withheld: it names another client)"
    v.close()


def test_a_client_set_by_hand_can_go_back_to_automatic(tmp_path: Path) -> None:
    """Session 31: `clients set` had no way back — `none` is a choice too (general), so an
    entry set by mistake stayed the user's decision forever. `--auto` takes the correction
    back and attribution decides again; later imports follow clients.toml once more."""
    from tests.ingest.test_attribution import rows

    v = clients_vault(tmp_path)
    home = v.settings.home
    inbox = v.settings.inbox
    (inbox / "a.eml").write_text(
        mail("n2@clearview.example", "Priya <priya@clearview.example>", ME, "fee", "OWL93 fee?")
    )
    Ingestor(v).ingest_paths(sorted(inbox.iterdir()))
    ((entry,),) = rows(v, "SELECT id FROM entry WHERE text LIKE '%OWL93%'")
    v.close()
    assert "nothing to undo" in cli(home, "clients", "set", "--auto", "--entry", str(entry))
    cli(home, "clients", "set", "northwind", "--entry", str(entry))
    v = open_vault(home)
    assert scope_of(v, "OWL93") == {"northwind"}
    v.close()
    out = cli(home, "clients", "set", "--auto", "--entry", str(entry))
    assert "1 entr(y/ies) attributed automatically again" in out and "→ clearview" in out, out
    v = open_vault(home)
    assert scope_of(v, "OWL93") == {"clearview"}
    assert not [h for h in search(v, "OWL93", filters=Filters(client="northwind"))]
    ((meta,),) = rows(v, f"SELECT meta FROM entry WHERE id={entry}")
    assert "client_set" not in meta
    v.close()
    # the same for a whole document, and the general mark `none` is a correction too
    cli(home, "clients", "set", "none", "--document", "1")
    assert "→ clearview" in cli(home, "clients", "set", "--auto", "--document", "1")
