"""Coding-agent sessions read where they are written (issue 18): a `[[source]]` folder is read
in place (no copy in blobs/), a session file that grows is read from where it was left, and a
file rewritten from the start is read again without duplicating a turn."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from trailkeep.ingest import Ingestor
from trailkeep.recall import search
from trailkeep.vault import Vault, doctor
from trailkeep.vault.settings import WatchedSource

SAMPLE = Path(__file__).parent / "samples" / "sessions" / "claude_code_session.jsonl"
SID = "7d3f9a2e-5b1c-4e8f-9a6d-2c4b8e1f0a37"


def turn(n: int, parent: str, role: str, words: str) -> str:
    msg: dict[str, object]
    if role == "user":
        msg = {"role": "user", "content": words}
    else:
        msg = {
            "id": f"msg_grow{n}",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": words}],
        }
    return json.dumps(
        {
            "parentUuid": parent,
            "isSidechain": False,
            "cwd": "/home/sam/clients/acme/registry-import",
            "sessionId": SID,
            "type": role,
            "message": msg,
            "uuid": f"g-{n:04d}",
            "timestamp": f"2026-03-02T10:{n:02d}:00.000Z",
        }
    )


def lines_of(path: Path) -> list[str]:
    good = []
    for line in path.read_text().splitlines():
        try:
            json.loads(line)
        except ValueError:
            continue  # the sample's deliberately malformed line
        good.append(line)
    return good


def watched_session_folder(vault: Vault, tmp_path: Path) -> Path:
    """A Claude Code project folder under a watched source, for Acme's work."""
    folder = tmp_path / "claude" / "projects" / "-home-sam-clients-acme"
    folder.mkdir(parents=True)
    vault.settings = replace(
        vault.settings, sources=(WatchedSource(tmp_path / "claude" / "projects", "claude-code"),)
    )
    return folder


def entries(v: Vault) -> list[tuple[str, str]]:
    with v.engine.connect() as c:
        return [
            (str(r[0]), str(r[1]))
            for r in c.execute(text("SELECT key, text FROM entry ORDER BY key"))
        ]


def test_a_growing_session_in_a_watched_folder(vault: Vault, tmp_path: Path) -> None:
    folder = watched_session_folder(vault, tmp_path)
    ing = Ingestor(vault)
    f = folder / f"{SID}.jsonl"
    base = lines_of(SAMPLE)
    f.write_text("\n".join(base) + "\n")
    assert ing.ingest_file(f).status == "ingested"
    first = entries(vault)
    assert not set(vault.blobs.all())  # read in place: no copy
    assert doctor(vault).ok
    # WHEN ten lines are appended while the user works
    grown = [
        turn(
            i,
            "u-0021" if i == 1 else f"g-{i - 1:04d}",
            "user" if i % 2 else "assistant",
            f"growing turn {i} about the quokkasync backfill",
        )
        for i in range(1, 11)
    ]
    with f.open("a") as fh:
        fh.write("\n".join(grown) + "\n")
    out = ing.ingest_file(f)
    assert out.status == "ingested"
    after = entries(vault)
    # THEN only the new turns were added, none twice, the old ones unchanged
    assert len(after) == len(first) + 10
    assert set(first) <= set(after)
    with vault.engine.connect() as c:
        sizes = [int(r[0]) for r in c.execute(text("SELECT size FROM source ORDER BY id"))]
        title = c.execute(text("SELECT title FROM document WHERE kind='session'")).scalar_one()
    assert sizes[-1] < f.stat().st_size  # the re-read was the tail, not the file
    assert title == "Dedupe patients in the Acme registry import"  # the summary stays
    assert any("growing turn 7" in h.quote for h in search(vault, "quokkasync backfill", k=12))
    # WHEN the file is rewritten from the start (compaction): fewer lines, same ids
    f.write_text("\n".join(base[:6] + grown[:4]) + "\n")
    assert ing.ingest_file(f).status in ("ingested", "duplicate")
    assert len(entries(vault)) == len(after)  # nothing duplicated
    assert doctor(vault).ok


def test_appends_in_any_batches_store_what_one_whole_read_stores(
    vault: Vault, tmp_path: Path
) -> None:
    """Read after every append (the resume point found in the tail each time), a session ends
    with exactly the entries a single read of the finished file gives; the resume point only
    moves forward, and never back to the start."""
    import random

    from tests.conftest import make_settings
    from trailkeep.vault import get_embedder, init_home
    from trailkeep.vault.filestate import resume_point

    root = tmp_path / "claude" / "projects"
    folder = root / "-home-sam-clients-acme"
    folder.mkdir(parents=True)
    vault.settings = replace(vault.settings, sources=(WatchedSource(root, "claude-code"),))
    ing = Ingestor(vault)
    f = folder / f"{SID}.jsonl"
    f.write_text("\n".join(lines_of(SAMPLE)) + "\n")
    ing.ingest_file(f)
    rnd = random.Random(18)
    n, points = 1, []
    for _ in range(12):
        batch = []
        for _ in range(rnd.randint(1, 7)):
            parent = "u-0021" if n == 1 else f"g-{n - 1:04d}"
            batch.append(turn(n, parent, "user" if n % 2 else "assistant", f"step {n} of work"))
            n += 1
        with f.open("a") as fh:
            fh.write("\n".join(batch) + "\n")
        assert ing.ingest_file(f).status == "ingested"
        point = resume_point(vault, str(f))
        assert point is not None and point.offset > 0
        points.append(point.offset)
    assert points == sorted(points) and points[-1] > points[0]
    whole_settings = make_settings(tmp_path / "whole")
    init_home(whole_settings)
    whole = Vault.open(whole_settings, get_embedder("hash"))
    try:
        whole.settings = replace(whole.settings, sources=(WatchedSource(root, "claude-code"),))
        assert Ingestor(whole).ingest_file(f).status == "ingested"
        assert entries(vault) == entries(whole)
    finally:
        whole.close()


def test_a_session_in_a_clients_folder_is_that_clients_and_forget_holds(
    vault: Vault, tmp_path: Path
) -> None:
    """clients.toml `paths` give a session its client — every turn, not only the document —
    so `--client` finds it; after `forget --client`, a new session in the client's folder is not
    stored (QA, session 5: the turns stayed unattributed, invisible to the client and back after
    a forget)."""
    from trailkeep.vault import Filters, forget
    from trailkeep.vault.clients import ClientSpec

    acme = ClientSpec("acme", "Acme Health", paths=("/home/sam/clients/acme/*",))
    vault.settings = replace(vault.settings, clients=(acme,))
    vault.sync_clients(vault.settings.clients)
    ing = Ingestor(vault)
    f = tmp_path / f"{SID}.jsonl"
    f.write_text("\n".join(lines_of(SAMPLE)) + "\n")  # cwd /home/sam/clients/acme/registry-import
    assert ing.ingest_file(f).status == "ingested"
    with vault.engine.connect() as c:
        scopes = {str(r[0]) for r in c.execute(text("SELECT DISTINCT scope FROM entry"))}
    assert scopes == {"acme"}
    assert search(vault, "matcher birth date", k=5, filters=Filters(client="acme"))
    forget(vault, client_id="acme")
    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps(
            {
                "type": "user",
                "message": {"role": "user", "content": "A fresh acme session about the yak plan."},
                "uuid": "z1",
                "parentUuid": None,
                "sessionId": "new-sess-2",
                "cwd": "/home/sam/clients/acme/x",
                "timestamp": "2026-04-02T10:00:00.000Z",
            }
        )
        + "\n"
    )
    Ingestor(vault).ingest_file(later)
    assert not [t for _, t in entries(vault) if "yak plan" in t]
    with vault.engine.connect() as c:
        assert not c.execute(text("SELECT 1 FROM project WHERE client_id = 'acme'")).first()
    assert doctor(vault).ok


def test_a_line_still_being_written_is_read_when_complete(vault: Vault, tmp_path: Path) -> None:
    """QA, session 9: ingesting while the agent wrote its last line marked the session
    "partial" ("line 5: not valid JSON"). A last line without its end is read next time."""
    folder = tmp_path / "projects" / "-home-sam-acme"
    folder.mkdir(parents=True)
    vault.settings = replace(
        vault.settings, sources=(WatchedSource(tmp_path / "projects", "claude-code"),)
    )
    f = folder / f"{SID}.jsonl"
    done = [turn(1, "", "user", "how do we backfill the quokkasync table?")]
    last = turn(2, "g-0001", "assistant", "backfill the quokkasync table in batches of 500")
    f.write_text("\n".join(done) + "\n" + last[:40])  # cut mid-line
    ing = Ingestor(vault)
    out = ing.ingest_file(f)
    assert out.status == "ingested" and not out.error, out.error
    assert [t for _, t in entries(vault) if "batches of 500" in t] == []
    f.write_text("\n".join(done) + "\n" + last + "\n")  # the agent finished the line
    assert ing.ingest_file(f).status == "ingested"
    assert len([t for _, t in entries(vault) if "batches of 500" in t]) == 1


def test_a_resumed_session_keeps_only_its_own_turns(vault: Vault, tmp_path: Path) -> None:
    """QA, session 9: `claude --resume` writes a new session file (a new session id) that
    repeats the earlier messages under their ids; each repeated turn was stored twice."""
    first = [
        turn(i, "" if i == 1 else f"g-{i - 1:04d}", "user" if i % 2 else "assistant", w)
        for i, w in enumerate(
            ["plan the quokkasync backfill", "batches of 500 rows", "and the indexes?", "later"],
            start=1,
        )
    ]
    a = tmp_path / "a.jsonl"
    a.write_text("\n".join(first) + "\n")
    ing = Ingestor(vault)
    assert ing.ingest_file(a).status == "ingested"
    other = "0f1e2d3c-4b5a-4968-8776-655443322110"
    resumed = [line.replace(SID, other) for line in first] + [
        turn(5, "g-0004", "user", "resume: build the quokkasync indexes now").replace(SID, other),
        turn(6, "g-0005", "assistant", "indexes built after the backfill").replace(SID, other),
    ]
    b = tmp_path / "b.jsonl"
    b.write_text("\n".join(resumed) + "\n")
    assert ing.ingest_file(b).status == "ingested"
    with vault.engine.connect() as c:
        per_doc = dict(
            c.execute(
                text(
                    "SELECT d.external_id, COUNT(*) FROM entry x JOIN document d "
                    "ON d.id = x.document_id WHERE d.kind = 'session' GROUP BY d.external_id"
                )
            ).all()
        )
    assert sorted(per_doc.values()) == [2, 4] and sum(per_doc.values()) == 6
    assert len([t for _, t in entries(vault) if "batches of 500" in t]) == 1
    assert ing.ingest_file(b).status in ("ingested", "duplicate")  # again: nothing new
    assert len(entries(vault)) == 6


def test_a_first_prompt_naming_a_forgotten_client_drops_that_turn_only(
    vault: Vault, tmp_path: Path
) -> None:
    """QA, session 11: a Northwind session whose first prompt named a forgotten client was
    titled by that prompt, and the title took the whole session — every Northwind turn — with
    it. The turn goes; the session stays, titled without it."""
    from trailkeep.vault import forget
    from trailkeep.vault.clients import ClientSpec

    gone = ClientSpec("clearview", "Clearview Vision", aliases=("Clearview",))
    vault.settings = replace(vault.settings, clients=(gone,))
    vault.sync_clients(vault.settings.clients)
    forget(vault, client_id="clearview")
    sid = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
    said = [
        "Port the Clearview portal otter-login fix here",
        "done: ported the login fix",
        "Now add retry to the export job",
        "Added retry with backoff to the export job",
    ]
    f = tmp_path / f"{sid}.jsonl"
    f.write_text(
        "\n".join(
            turn(
                i, "" if i == 1 else f"g-{i - 1:04d}", "user" if i % 2 else "assistant", w
            ).replace(SID, sid)
            for i, w in enumerate(said, start=1)
        )
        + "\n"
    )
    out = Ingestor(vault).ingest_file(f)
    assert out.status in ("ingested", "partial"), out
    kept = [t for _, t in entries(vault)]
    assert any("retry with backoff" in t for t in kept), kept
    assert not any("Clearview" in t or "otter" in t for t in kept), kept
    with vault.engine.connect() as c:
        titles = [str(r[0]) for r in c.execute(text("SELECT title FROM document"))]
    assert not any("Clearview" in t for t in titles), titles


def test_new_turns_of_a_chat_or_a_session_are_what_changed(vault: Vault, tmp_path: Path) -> None:
    """QA, session 20: the briefing's "what changed" listed new mail in a thread, not new turns
    in a chat re-exported or in a session growing in place."""
    import time

    from tests.fixtures.chats import chatgpt_conversation, chatgpt_conversation_grown
    from trailkeep.vault import utcnow
    from trailkeep.vault.briefing import arrivals

    folder = watched_session_folder(vault, tmp_path)
    ing = Ingestor(vault)
    session = folder / f"{SID}.jsonl"
    session.write_text("\n".join(lines_of(SAMPLE)) + "\n")
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps([chatgpt_conversation()]))
    assert ing.ingest_file(session).status == ing.ingest_file(export).status == "ingested"
    time.sleep(0.01)
    t0 = utcnow()
    time.sleep(0.01)
    assert arrivals(vault, t0, None) == []
    with session.open("a") as fh:
        fh.write(turn(1, "u-0021", "user", "one more question") + "\n")
        fh.write(turn(2, "g-0001", "assistant", "one more answer") + "\n")
    export.write_text(json.dumps([chatgpt_conversation_grown()]))
    assert ing.ingest_file(session).status == ing.ingest_file(export).status == "ingested"
    got = sorted((a.kind, a.what, a.messages) for a in arrivals(vault, t0, None))
    assert got == [("chat", "new_messages", 1), ("session", "new_messages", 2)], got
    # the same files again: nothing new
    t1 = utcnow()
    ing.ingest_file(session)
    ing.ingest_file(export)
    assert arrivals(vault, t1, None) == []
