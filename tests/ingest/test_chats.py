"""Chat exports: branches, edits, hidden nodes, re-exports, zips and bad input, on a real vault."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import corpora, make_settings, server_env
from tests.fixtures.chats import (
    chatgpt_conversation,
    chatgpt_conversation_grown,
    claude_conversation,
    msg,
    node,
    other_conversation,
)
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, doctor, dump, get_embedder, init_home, status


def put(folder: Path, name: str, data: Any) -> Path:
    p = folder / name
    p.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return p


def entries(vault: Vault, ext: str) -> dict[str, tuple[Any, ...]]:
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT e.key, e.kind, e.author, e.on_current_path, e.indexed, e.current, e.ts, "
                "e.client_id, (SELECT COUNT(*) FROM chunk WHERE entry_id = e.id) FROM entry e "
                "JOIN document d ON d.id = e.document_id WHERE d.external_id = :x"
            ),
            {"x": ext},
        ).all()
    return {str(r[0]): tuple(r[1:]) for r in rows}


def links(vault: Vault) -> set[tuple[str, str, str]]:
    with vault.engine.connect() as c:
        return {
            (str(r[0]), str(r[1]), str(r[2]))
            for r in c.execute(
                text(
                    "SELECT l.kind, a.key, b.key FROM link l JOIN entry a ON a.id = l.from_entry_id "
                    "JOIN entry b ON b.id = l.to_entry_id"
                )
            )
        }


def test_chatgpt_tree_branches_kinds_and_hidden_nodes(vault: Vault, ingestor: Ingestor) -> None:
    p = put(vault.settings.inbox, "conversations.json", [chatgpt_conversation()])
    assert ingestor.ingest_file(p).status == "ingested"
    es = entries(vault, "chatgpt:conv-acme-1")
    current = {k for k, v in es.items() if v[2]}
    assert current == {"sys", "ctx", "u1", "a1", "u2", "a2b", "code", "out", "th"}
    assert es["u2b"][2] == 0 and es["a2"][2] == 0  # abandoned, kept
    assert es["sys"][3] == 0 and es["ctx"][3] == 0  # hidden: kept raw, not indexed
    assert es["sys"][7] == 0 and es["ctx"][0] == "context"
    assert es["code"][0] == "tool_call" and es["out"][0] == "tool_output"
    assert es["th"][0] == "thinking" and es["th"][7] == 1
    assert es["code"][5] is not None  # null create_time inherited from the parent
    assert ("revises", "u2b", "u2") in links(vault)  # an edited question
    assert ("revises", "a2b", "a2") in links(vault)  # a regenerated answer
    assert doctor(vault).ok


def test_reexport_adds_only_new_and_moves_the_current_branch(
    vault: Vault, ingestor: Ingestor
) -> None:
    inbox = vault.settings.inbox
    ingestor.ingest_file(
        put(inbox, "export-1.json", [chatgpt_conversation(), other_conversation()])
    )
    before = status(vault)
    out = ingestor.ingest_file(
        put(inbox, "export-2.json", [chatgpt_conversation_grown(), other_conversation()])
    )
    assert out.status == "ingested"
    after = status(vault)
    assert after["documents"] == before["documents"] == 2
    assert after["entries"] == before["entries"] + 1
    es = entries(vault, "chatgpt:conv-acme-1")
    assert es["u4"][2] and es["u2b"][2] and es["a3"][2]
    assert not es["th"][2] and not es["a2b"][2]  # the old branch is no longer current
    assert not es["th"][4]  # ... and so not current for search either
    # The same export again is a no-op by bytes; a re-zipped copy is a no-op by content.
    assert ingestor.ingest_file(put(inbox, "export-2-copy.json", out_bytes(inbox))).status in (
        "duplicate",
        "ingested",
    )
    assert status(vault)["entries"] == after["entries"]
    assert doctor(vault).ok


def out_bytes(inbox: Path) -> bytes:
    return (inbox / "export-2.json").read_bytes()


def test_import_order_does_not_matter(tmp_path: Path) -> None:
    dumps = []
    for order in ((1, 2), (2, 1)):
        s = make_settings(tmp_path / f"h{order[0]}")
        init_home(s)
        v = Vault.open(s, get_embedder("hash"))
        ing = Ingestor(v)
        for i in order:
            conv = chatgpt_conversation() if i == 1 else chatgpt_conversation_grown()
            ing.ingest_file(put(s.inbox, f"e{i}.json", [conv]))
        dumps.append(sorted(r for r in dump(v) if r[0] == "entry"))
        v.close()
    # The newer export's active path wins whatever the order they were read in (QA, session
    # 13: last week's download read after this week's left both branches current)
    assert dumps[0] == dumps[1]
    current = {r[3] for r in dumps[0] if r[6]}
    assert "u4" in current and "a2b" not in current and "th" not in current


def test_an_export_sets_the_whole_active_path_and_the_title(
    vault: Vault, ingestor: Ingestor
) -> None:
    """Read in arrival order with equal export times, the later export's path is the only
    one; a renamed conversation takes its new title, and an older export does not rename it
    back or move the path."""
    inbox = vault.settings.inbox
    grown = chatgpt_conversation_grown()
    grown["update_time"] = chatgpt_conversation()["update_time"]  # no time to go by
    ingestor.ingest_file(put(inbox, "a.json", [grown]))
    ingestor.ingest_file(put(inbox, "b.json", [chatgpt_conversation()]))
    es = entries(vault, "chatgpt:conv-acme-1")
    on = {k for k, v in es.items() if v[2]}
    assert on == {"sys", "ctx", "u1", "a1", "u2", "a2b", "code", "out", "th"}  # b's alone
    assert on == {k for k, v in es.items() if v[4]}
    renamed = chatgpt_conversation_grown()
    renamed["title"] = "Patient matching runbook"
    assert ingestor.ingest_file(put(inbox, "c.json", [renamed])).status != "failed"
    title = "SELECT title FROM document WHERE external_id = 'chatgpt:conv-acme-1'"
    with vault.engine.connect() as c:
        assert c.execute(text(title)).scalar_one() == "Patient matching runbook"
    # last week's export again, holding one message this week's does not (deleted since)
    old = chatgpt_conversation()
    old["mapping"]["a3"]["children"] = ["gone"]
    old["mapping"]["gone"] = node(
        "gone", "a3", [], msg("gone", "user", "Scratch that.", 1700000250.0)
    )
    old["current_node"] = "gone"
    version_hash = "SELECT content_sha256 FROM version"
    with vault.engine.connect() as c:
        stored = c.execute(text(version_hash)).scalar_one()
    ingestor.ingest_file(put(inbox, "d.json", [old]))
    with vault.engine.connect() as c:
        assert c.execute(text(title)).scalar_one() == "Patient matching runbook"
        assert c.execute(text(version_hash)).scalar_one() == stored
    es = entries(vault, "chatgpt:conv-acme-1")
    assert {k for k, v in es.items() if v[2]} == {"sys", "ctx", "u1", "a1", "u2b", "a3", "u4"}
    assert es["gone"][2] == 0 and es["gone"][4] == 0  # kept, off the active path
    assert doctor(vault).ok


def test_zip_export_with_projects(vault: Vault, ingestor: Ingestor) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export/conversations.json", json.dumps([claude_conversation()]))
        z.writestr(
            "export/projects.json",
            json.dumps(
                [
                    {
                        "uuid": "p1",
                        "name": "Acme",
                        "docs": [
                            {
                                "uuid": "d1",
                                "filename": "spec.md",
                                "content": "The spec says nightly.",
                            }
                        ],
                    }
                ]
            ),
        )
        z.writestr("export/users.json", "[]")
    out = ingestor.ingest_file(put(vault.settings.inbox, "claude-export.zip", buf.getvalue()))
    assert out.status == "ingested" and out.documents == 2
    es = entries(vault, "claude:c-1")
    # Sorted by time (the list was not), human before assistant on a tie.
    with vault.engine.connect() as c:
        order = [
            r[0]
            for r in c.execute(text("SELECT key FROM entry WHERE kind='message' ORDER BY position"))
        ]
    assert order == ["m1", "m2", "m3", "m4"]
    assert es["m2:thinking:0"][0] == "thinking"
    assert es["m2:artifact:2"][0] == "artifact"
    assert es["m2:tool_call:0"][0] == "tool_call" and es["m2:tool_output:1"][0] == "tool_output"
    assert all(v[2] for v in es.values())  # linear conversation: all current
    assert entries(vault, "claude-project:p1")


def test_an_edit_of_the_first_message_revises_it(vault: Vault, ingestor: Ingestor) -> None:
    """QA, session 16: the root node holds no message, so the first question and its edit had
    no parent entry and were not linked as a revision."""
    conv = {
        "id": "c-first",
        "title": "Export",
        "create_time": 1760000000.0,
        "update_time": 1760000300.0,
        "current_node": "a1b",
        "mapping": {
            "root": node("root", None, ["u1", "u1b"], None),
            "u1": node("u1", "root", ["a1"], msg("u1", "user", "SFTP or API?", 1760000000.0)),
            "a1": node("a1", "u1", [], msg("a1", "assistant", "SFTP.", 1760000010.0)),
            "u1b": node(
                "u1b", "root", ["a1b"], msg("u1b", "user", "SFTP or API, real time?", 1760000100.0)
            ),
            "a1b": node("a1b", "u1b", [], msg("a1b", "assistant", "The API.", 1760000110.0)),
        },
    }
    ingestor.ingest_file(put(vault.settings.inbox, "first.json", [conv]))
    assert ("revises", "u1b", "u1") in links(vault)


def test_claude_branches_follow_parent_ids(vault: Vault, ingestor: Ingestor) -> None:
    conv = claude_conversation()
    for m in conv["chat_messages"]:
        m["parent_message_uuid"] = {"m1": None, "m2": "m1", "m3": "m2", "m4": "m3"}[m["uuid"]]
    conv["chat_messages"].append(
        {
            "uuid": "m3b",
            "sender": "human",
            "text": "Actually, hourly?",
            "created_at": "2026-03-01T10:09:00Z",
            "parent_message_uuid": "m2",
        }
    )
    ingestor.ingest_file(put(vault.settings.inbox, "c.json", [conv]))
    es = entries(vault, "claude:c-1")
    assert es["m3b"][2] and not es["m3"][2] and not es["m4"][2]  # the newest leaf is current
    assert ("revises", "m3b", "m3") in links(vault)


def test_clients_from_titles_and_entries(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Acme Health"\nid = "acme"\naliases = ["Acme"]\n\n'
        '[[client]]\nname = "Globex"\n'
    )
    s = make_settings(home)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_file(put(s.inbox, "e.json", [chatgpt_conversation(), other_conversation()]))
    acme = entries(v, "chatgpt:conv-acme-1")
    assert {r[6] for k, r in acme.items() if r[3]} == {"acme"}
    other = entries(v, "chatgpt:conv-2")
    assert other["x"][6] == "globex"  # the entry names a client; the title named none
    v.close()


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("wrong.json", b'{"hello": "world"}', "neither"),
        ("text.json", b"not json at all", "not JSON"),
        ("nums.json", b"[1, 2, 3]", "expected a conversation"),
    ],
)
def test_bad_json_fails_clearly(
    vault: Vault, ingestor: Ingestor, name: str, data: bytes, message: str
) -> None:
    out = ingestor.ingest_file(put(vault.settings.inbox, name, data))
    assert out.status == "failed" and message in (out.error or ""), out.error


def test_an_empty_export_waits_for_its_text(vault: Vault, ingestor: Ingestor) -> None:
    """An export being written is empty for a moment: skipped, said, read once it has text
    (new user's trial, session 29: an empty file was quarantined as a failure)."""
    path = put(vault.settings.inbox, "empty.json", b"")
    out = ingestor.ingest_file(path)
    assert out.status == "skipped" and "empty file" in (out.error or ""), out.error
    path.write_bytes(json.dumps([chatgpt_conversation()]).encode())
    assert ingestor.ingest_file(path).status == "ingested"


def test_truncated_export_keeps_complete_conversations(vault: Vault, ingestor: Ingestor) -> None:
    data = json.dumps([other_conversation(), chatgpt_conversation()]).encode()
    cut = data[: int(len(data) * 0.8)]
    out = ingestor.ingest_file(put(vault.settings.inbox, "cut.json", cut))
    assert out.status == "partial" and out.documents == 1
    assert "JSON" in (out.error or "")
    assert entries(vault, "chatgpt:conv-2")
    assert doctor(vault).ok


def test_hostile_zips(vault: Vault, ingestor: Ingestor, tmp_path: Path) -> None:
    inbox = vault.settings.inbox
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../escape.txt", "x")
        z.writestr("readme.txt", "no conversations here")
    out = ingestor.ingest_file(put(inbox, "noconv.zip", buf.getvalue()))
    assert out.status == "failed" and "no conversations.json" in (out.error or "")
    assert not (tmp_path / "escape.txt").exists() and not (inbox.parent / "escape.txt").exists()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("conversations.json", b"[" + b" " * 50_000_000 + b"]")
    out = ingestor.ingest_file(put(inbox, "bomb.zip", bomb.getvalue()))
    assert out.status == "failed" and "zip bomb" in (out.error or "")
    out = ingestor.ingest_file(put(inbox, "notzip.zip", b"PK\x03\x04garbage"))
    assert out.status == "failed" and "zip" in (out.error or "")


def test_every_shared_chat_export_imports(vault: Vault, ingestor: Ingestor) -> None:
    root = corpora("chat_exports")
    files = sorted(p for p in root.rglob("*.json"))
    for f in files:
        out = ingestor.ingest_file(f)
        assert out.status == "ingested", (f.name, out.error)
    es = entries(vault, "chatgpt:conv-123")
    assert {k for k, v in es.items() if v[2]} == {"msg-1", "msg-2", "msg-3", "msg-4", "msg-6"}
    assert ("revises", "msg-5", "msg-4") in links(vault)
    poly = entries(vault, "chatgpt:chatgpt-fixture-conversation")
    assert not poly["context-message"][3]  # user_editable_context not indexed as speech
    assert not poly["answer-inactive-message"][2]
    assert doctor(vault).ok


def test_client_set_corrects_and_survives_reimport(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trailkeep.recall import search
    from trailkeep.ui.cli import main
    from trailkeep.vault import Filters

    home = tmp_path / "home"
    home.mkdir()
    (home / "clients.toml").write_text('[[client]]\nname = "Acme"\n\n[[client]]\nname = "Globex"\n')
    s = make_settings(home)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    p = put(s.inbox, "e.json", [chatgpt_conversation()])
    Ingestor(v).ingest_file(p)
    with v.engine.connect() as c:
        eid = c.execute(text("SELECT id FROM entry WHERE key='a3'")).scalar_one()
    v.close()
    r = CliRunner().invoke(
        main,
        ["--home", str(home), "client", "set", "GLOBEX", "--entry", str(eid)],
        env={"TRAILKEEP_EMBEDDER": "hash", **server_env(home)},
        obj={},
    )
    assert r.exit_code == 0, r.output
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_file(put(s.inbox, "e2.json", [chatgpt_conversation_grown()]))
    hits = search(v, "fuzzy matching risky", k=3, filters=Filters(client="globex"))
    assert [h.entry_id for h in hits] == [eid]
    assert doctor(v).ok
    v.close()
