"""A forget that holds (issue 20): a forgotten client's text arriving again inside other files —
a copy of a mixed daily note with one new line, a new mail from its domain, a chat naming it —
brings back none of its entries or work items; tombstones are hashes, its projects are gone."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import write_note
from tests.fixtures.chats import msg, node
from trailkeep.billing import list_work
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, doctor, forget
from trailkeep.vault.clients import ClientSpec

NORTHWIND = ClientSpec(
    "northwind",
    "Northwind Home Health",
    aliases=("Northwind",),
    domains=("northwind.example",),
    people=("Dana Whitfield",),
)
CLEARVIEW = ClientSpec(
    "clearview",
    "Clearview Vision Therapy",
    aliases=("Clearview",),
    domains=("clearview.example",),
    people=("Priya Raman",),
    projects=("portal",),
)

DAILY = """# 2026-10-14

## Northwind

Northwind EVV export moved to 2am.

## Clearview

Clearview portal login uses magic links now; Priya Raman approved.

- 2h northwind: EVV export schedule
- 1.5h clearview: portal login fix
"""


def rows(v: Vault, sql: str) -> list[tuple[object, ...]]:
    with v.engine.connect() as c:
        return [tuple(r) for r in c.execute(text(sql))]


def clearview_text(v: Vault) -> list[str]:
    return [
        str(r[0])
        for r in rows(v, "SELECT text FROM entry")
        if "clearview" in str(r[0]).lower() or "priya" in str(r[0]).lower()
    ]


def test_forgotten_client_stays_forgotten(vault: Vault) -> None:
    vault.settings = replace(vault.settings, clients=(NORTHWIND, CLEARVIEW))
    vault.sync_clients(vault.settings.clients)
    inbox = vault.settings.inbox
    ing = Ingestor(vault)
    ing.ingest_file(write_note(inbox, "2026-10-14.md", DAILY))
    ing.ingest_file(
        write_note(
            inbox,
            "portal.md",
            "---\nclient: Clearview\nproject: portal\n---\n# Portal\n\nThe portal pilot.\n",
        )
    )
    ing.ingest_file(
        write_note(
            inbox,
            "vendor.md",
            "---\nclient: northwind\n---\n# Vendor\n\nAsked Priya Raman about the vendor.\n",
        )
    )
    assert clearview_text(vault) and any(i.client == "clearview" for i in list_work(vault))
    rep = forget(vault, client_id="clearview")
    assert rep.entries > 0
    # Northwind's note naming Clearview's person went too, and is said (new user's trial,
    # session 30: nothing said another client's material went with it)
    assert rep.elsewhere == 1
    assert "1 of the entries were another client's or your general material" in rep.message()
    # the mixed daily note stays (Northwind's lines): its stored copy still holds Clearview's,
    # and the message says so, naming the file (QA, session 8)
    assert rep.kept == ("2026-10-14.md",)
    assert "2026-10-14.md" in rep.message() and "still holds the forgotten text" in rep.message()
    assert clearview_text(vault) == []
    assert not [i for i in list_work(vault) if i.client == "clearview"]
    assert rows(vault, "SELECT COUNT(*) FROM project WHERE client_id = 'clearview'") == [(0,)]
    # Tombstones keep hashes, never titles, names or paths.
    for (key,) in rows(vault, "SELECT key FROM tombstone"):
        k = str(key)
        assert k.startswith("h:") or (len(k) == 64 and all(ch in "0123456789abcdef" for ch in k))
    # WHEN the client is also gone from clients.toml (only hashed markers remember it) and its
    # text arrives again inside other files
    vault.settings = replace(vault.settings, clients=(NORTHWIND,))
    ing = Ingestor(vault)
    copy = DAILY.replace("moved to 2am.", "moved to 2am; also 3am on Sundays.") + (
        "- 0.5h Clearview Vision Therapy: follow-up call\n"
    )
    out = ing.ingest_file(write_note(inbox, "copy of 2026-10-14.md", copy))
    assert out.status == "partial" and "client you forgot" in (out.error or "")  # said
    (inbox / "cv.eml").write_text(
        "From: Priya Raman <priya@clearview.example>\nTo: sam@samconsult.example\n"
        "Subject: portal\nDate: Tue, 20 Oct 2026 09:00:00 -0400\nMessage-ID: <cv9@clearview.example>\n\n"
        "The portal needs another login option.\n"
    )
    ing.ingest_file(inbox / "cv.eml")
    conv = {
        "id": "c-cv",
        "title": "Portal ideas",
        "create_time": 1760000000.0,
        "update_time": 1760000100.0,
        "current_node": "a1",
        "mapping": {
            "root": node("root", None, ["u1"], None),
            "u1": node(
                "u1",
                "root",
                ["a1"],
                msg("u1", "user", "Ideas for Clearview's portal?", 1760000000.0),
            ),
            "a1": node("a1", "u1", [], msg("a1", "assistant", "Offer passkeys.", 1760000050.0)),
        },
    }
    (inbox / "conversations.json").write_text(json.dumps([conv]))
    ing.ingest_file(inbox / "conversations.json")
    # THEN nothing of Clearview came back; Northwind's new line did
    assert clearview_text(vault) == []
    assert not [
        i for i in list_work(vault) if i.client == "clearview" or "follow-up" in i.description
    ]
    assert any("3am on Sundays" in str(r[0]) for r in rows(vault, "SELECT text FROM entry"))
    assert doctor(vault).ok


def test_new_content_at_a_forgotten_documents_path_is_refused_out_loud(vault: Vault) -> None:
    """A forgotten document stays forgotten when its file is edited, and the user is told —
    it used to be dropped silently with "ingested" (QA, session 5); under another name it is a
    new document."""
    inbox = vault.settings.inbox
    ing = Ingestor(vault)
    path = write_note(inbox, "good.md", "# Good note\n\nThe osprey survey finished.\n")
    ing.ingest_file(path)
    (doc,) = rows(vault, "SELECT id FROM document")
    forget(vault, document_id=int(str(doc[0])))
    path.write_text("# Puffins\n\nThe puffin count is 12.\n")
    out = ing.ingest_file(path)
    assert out.status == "skipped" and "forgotten" in (out.error or "")  # and no bytes kept
    assert "save it under another name" in (out.error or "")
    assert not [r for r in rows(vault, "SELECT text FROM entry") if "puffin" in str(r[0])]
    kept = write_note(inbox, "puffins.md", path.read_text())
    assert ing.ingest_file(kept).status == "ingested"
    assert [r for r in rows(vault, "SELECT text FROM entry") if "puffin" in str(r[0])]


def _mail(mid: str, sender: str, to: str, body: str, reply_to: str | None = None) -> str:
    head = [
        f"From: {sender}",
        f"To: {to}",
        "Subject: EVV export",
        "Date: Tue, 13 Oct 2026 09:00:00 -0500",
        f"Message-ID: <{mid}>",
    ]
    if reply_to:
        head += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    return "\n".join(head) + "\n\n" + body + "\n"


def test_forgetting_a_client_takes_its_mail_out_of_another_clients_thread(vault: Vault) -> None:
    """QA, session 7: a forgotten client's message inside another client's thread lost its
    entry but kept its source row and its original bytes in blobs/, and a later message naming
    it stayed searchable. Forget applies the rule ingest applies to text arriving again."""
    vault.settings = replace(vault.settings, clients=(NORTHWIND, CLEARVIEW))
    vault.sync_clients(vault.settings.clients)
    inbox = vault.settings.inbox
    ing = Ingestor(vault)
    dana = "Dana Whitfield <dana@northwind.example>"
    files = {
        "01.eml": _mail("n1@northwind.example", dana, "sam@consult.example", "Export at 2am?"),
        "02.eml": _mail(
            "c2@clearview.example",
            "Priya Raman <priya@clearview.example>",
            "dana@northwind.example",
            "We run ours at 3am, works well.",
            reply_to="n1@northwind.example",
        ),
        "03.eml": _mail(
            "n3@northwind.example",
            dana,
            "sam@consult.example",
            "Let's do 2am then; Priya Raman's clinic does the same.",
            reply_to="c2@clearview.example",
        ),
    }
    for name, body in files.items():
        p = inbox / name
        p.write_text(body)
        ing.ingest_file(p)
    clearview_sha = rows(vault, "SELECT sha256 FROM source WHERE path LIKE '%02.eml'")[0][0]
    assert vault.blobs.path(str(clearview_sha)).exists()
    assert clearview_text(vault)

    forget(vault, client_id="clearview")

    assert clearview_text(vault) == []  # its message, and the one naming Priya
    # its source row stays, forgotten, with its path and name as a hash (a file name carries
    # a title: QA, session 11)
    assert rows(
        vault, "SELECT status FROM source WHERE sha256 = :h".replace(":h", f"'{clearview_sha}'")
    ) == [("forgotten",)]
    assert rows(vault, "SELECT path, name FROM source WHERE path LIKE '%02.eml'") == []
    assert {r[0] for r in rows(vault, "SELECT name FROM source WHERE status = 'forgotten'")} == {
        "(forgotten)"
    }
    assert not vault.blobs.path(str(clearview_sha)).exists()
    kept = [str(r[0]) for r in rows(vault, "SELECT text FROM entry")]
    assert any("Export at 2am?" in t for t in kept)  # Northwind's own message stays
    assert doctor(vault).ok
    # and the same files dropped again bring nothing of it back
    for name in files:
        ing.ingest_file(inbox / name)
    assert clearview_text(vault) == []


def test_a_renamed_copy_of_a_forgotten_email_is_not_told_to_rename_it(vault: Vault) -> None:
    """QA, session 7: a copy of a forgotten email under another name was refused with "save it
    under another file name" — which is what had just been done. A thread is known by its
    messages' ids: the message says so."""
    inbox = vault.settings.inbox
    ing = Ingestor(vault)
    first = inbox / "01.eml"
    first.write_text(_mail("q1@acme.example", "Ann <ann@acme.example>", "me@x.example", "Hi"))
    ing.ingest_file(first)
    (doc,) = rows(vault, "SELECT id FROM document")
    forget(vault, document_id=int(str(doc[0])))
    copy = inbox / "copy.eml"
    copy.write_text(first.read_text().replace("Hi", "Hi again"))
    out = ing.ingest_file(copy)
    assert "forgotten" in (out.error or "") and "another name" not in (out.error or "")
    assert "under any file name" in (out.error or "")


def test_a_forgotten_name_is_found_hyphenated_as_the_client_matcher_finds_it() -> None:
    """Generated worlds (tests/vault/test_forget_generated.py, seed 0): "the
    Tendmaloom-Family-Clinic rollout" stayed after its client was forgotten; the matcher that
    attributes text reads hyphens and underscores as spaces, and forget now does too."""
    from trailkeep.vault.maintenance import _marker_keys, names_forgotten, tomb_key

    keys = {
        tomb_key("marker", k)
        for m in ("Tendmaloom Family Clinic", "Harbor-Lights")
        for k in _marker_keys(m)
    }
    assert names_forgotten("Reuse the Tendmaloom-Family-Clinic test plan", keys)
    assert names_forgotten("the tendmaloom_family_clinic export", keys)
    assert names_forgotten("Harbor Lights hygienists", keys)
    assert names_forgotten("harbor-lights hygienists", keys)
    assert not names_forgotten("a family clinic in Tendmaloom county", keys)


def test_a_reply_to_the_forgotten_clients_people_stays_forgotten(vault: Vault) -> None:
    """QA, session 11: after `forget --client clearview`, my reply to Clearview's Priya and
    Northwind's Dana — naming only Northwind and "Priya" — came back from an mbox, and the
    review queue offered to give it to Clearview, which brought it back into Clearview's scope.
    Mail to or from the forgotten client's addresses, or naming one of its people by a first
    name only it has, is the forgotten client's; a forgotten client is never offered again."""
    from trailkeep.ingest.errors import AssignmentRefused
    from trailkeep.ingest.reattribution import assign, review_groups

    vault.settings = replace(vault.settings, clients=(NORTHWIND, CLEARVIEW))
    vault.sync_clients(vault.settings.clients)
    ing = Ingestor(vault)
    first = vault.settings.inbox / "c1.eml"
    first.write_text(
        _mail(
            "c1@clearview.example",
            "Priya Raman <priya@clearview.example>",
            "sam@consult.example",
            "Which SMS vendor do you use?",
        )
    )
    ing.ingest_file(first)
    forget(vault, client_id="clearview")
    again = {
        "r1.eml": _mail(
            "r1@consult.example",
            "Sam <sam@consult.example>",
            "priya@clearview.example, dana@northwind.example",
            "Adding Dana: Northwind uses the same vendor. The walrus tier costs more.",
            reply_to="c1@clearview.example",
        ),
        "r2.eml": _mail(
            "r2@consult.example",
            "Sam <sam@consult.example>",
            "dana@northwind.example",
            "Priya, the otter tier is cheaper.",
        ),
        "r3.eml": _mail(
            "r3@consult.example",
            "Sam <sam@consult.example>",
            "dana@northwind.example",
            "Dana, the export runs at 2am.",
        ),
    }
    for name, body in again.items():
        p = vault.settings.inbox / name
        p.write_text(body)
        ing.ingest_file(p)
    kept = [str(r[0]) for r in rows(vault, "SELECT text FROM entry")]
    assert not any("walrus" in t or "otter" in t for t in kept), kept
    assert any("export runs at 2am" in t for t in kept)  # Northwind's own stays
    offered = [g for g in review_groups(vault) if "clearview" in json.dumps(g)]
    assert offered == []
    with pytest.raises(AssignmentRefused, match="forgotten"):
        assign(vault, "sam@consult.example", "clearview")


def test_forgetting_a_copy_of_a_note_keeps_the_notes_bytes(vault: Vault) -> None:
    """QA, session 14: `forget --source` of a sync conflict copy, byte for byte the note,
    tombstoned the bytes: the note edited and then edited back was refused as forgotten. A
    duplicate's path goes; bytes a kept file was read from stay allowed."""
    inbox = vault.settings.inbox
    ing = Ingestor(vault)
    plan = write_note(inbox, "Plan.md", "# Plan\n\nShip in March.\n")
    copy = write_note(inbox, "Plan-copy.md", "# Plan\n\nShip in March.\n")
    ing.ingest_file(plan)
    assert ing.ingest_file(copy).status == "duplicate"
    (sid,) = next(iter(rows(vault, "SELECT id FROM source WHERE status = 'duplicate'")))
    forget(vault, source_id=int(str(sid)))
    plan.write_text("# Plan\n\nShip in January.\n")
    assert ing.ingest_file(plan).status == "ingested"
    plan.write_text("# Plan\n\nShip in March.\n")  # back to the copy's bytes
    assert ing.ingest_file(plan).status != "skipped"
    assert "Ship in March." in " ".join(
        str(r[0]) for r in rows(vault, "SELECT e.text FROM entry e WHERE e.current")
    )


def _before_and_after_a_backup(v: Vault, dest: Path) -> Path:
    """Three notes (one of them Clearview's), backed up to ``dest``; then one file and the
    client forgotten. Returns the forgotten file, still in the inbox."""
    from trailkeep.vault.backup import backup

    inbox = v.settings.inbox
    ing = Ingestor(v)
    secret = write_note(inbox, "secret.md", "# Secret\n\nthe zanzibar salary figures\n")
    ing.ingest_file(secret)
    ing.ingest_file(
        write_note(inbox, "cv.md", "---\nclient: clearview\n---\n# CV\n\nthe okapi plan\n")
    )
    ing.ingest_file(write_note(inbox, "keep.md", "# Keep\n\nthe ordinary walrus note\n"))
    backup(v, dest)
    forget(v, source_id=int(rows(v, "SELECT id FROM source WHERE name = 'secret.md'")[0][0]))
    forget(v, client_id="clearview")
    return secret


@pytest.mark.sqlite_only  # backup and restore are of an embedded vault
def test_a_forget_holds_across_a_restore_of_an_older_backup(tmp_path: Path) -> None:
    """QA, session 18: restoring a backup made before a forget brought the forgotten material
    back, and lost the tombstones that kept the file still in the inbox out. The replaced
    home's tombstones are carried into the restored copy, and what they name is forgotten in
    it before it is swapped in."""
    from tests.conftest import make_settings
    from trailkeep.recall import search
    from trailkeep.vault import get_embedder, init_home
    from trailkeep.vault.backup import restore_home

    s = make_settings(tmp_path / "home")
    (s.home).mkdir(parents=True)
    (s.home / "clients.toml").write_text(
        '[[client]]\nname = "Clearview Vision Therapy"\nid = "clearview"\n'
        'aliases = ["Clearview"]\n\n[[client]]\nname = "Northwind"\nid = "northwind"\n'
    )
    init_home(s)
    from trailkeep.vault import load_settings

    s = replace(s, clients=load_settings({}, s.home).clients)
    v = Vault.open(s, get_embedder("hash"))
    try:
        secret = _before_and_after_a_backup(v, tmp_path / "old")
    finally:
        v.close()
    rep = restore_home(tmp_path / "old", s, force=True, embedder=get_embedder("hash"))
    assert rep.forgotten_again >= 2 and rep.doctor.ok
    v = Vault.open(s, get_embedder("hash"))
    try:
        quotes = [h.quote for q in ("zanzibar salary", "okapi plan") for h in search(v, q, k=5)]
        assert not any("zanzibar" in x or "okapi" in x for x in quotes), quotes
        assert any("walrus" in h.quote for h in search(v, "ordinary walrus note", k=3))
        again = Ingestor(v).ingest_file(secret)  # the file still in the inbox stays out
        assert again.status == "skipped", again
    finally:
        v.close()
    # a forget made by mistake is undone by restoring with keep_forgotten (review)
    back = restore_home(
        tmp_path / "old", s, force=True, embedder=get_embedder("hash"), keep_forgotten=True
    )
    assert back.forgotten_again == 0
    v = Vault.open(s, get_embedder("hash"))
    try:
        assert any("zanzibar" in h.quote for h in search(v, "zanzibar salary", k=5))
    finally:
        v.close()
