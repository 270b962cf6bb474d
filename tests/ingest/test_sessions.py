"""Claude Code and Codex CLI session files: turns, tool calls, sub-agents, growing files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from trailkeep.ingest import Ingestor, UnsupportedFormat, registry
from trailkeep.ingest.parsers import sessions
from trailkeep.ingest.parsers.sessions import (
    EXCERPT,
    SessionParser,
    parse_lines,
    safe_resume_offset,
    tool_summary,
)
from trailkeep.vault import Origin, Vault, doctor
from trailkeep.vault.records import ParsedDocument, ParsedEntry

SAMPLES = Path(__file__).parent / "samples" / "sessions"
CLAUDE = SAMPLES / "claude_code_session.jsonl"
AGENT = SAMPLES / "agent-b19e07.jsonl"
CODEX = SAMPLES / "rollout-2026-03-03T14-02-11-0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b.jsonl"
CODEX_OLD = SAMPLES / "rollout-2025-08-20T13-20-47-5f0c2d1e-8a4b-4c3d-9e2f-1a0b9c8d7e6f.jsonl"
SID = "7d3f9a2e-5b1c-4e8f-9a6d-2c4b8e1f0a37"


def parse(data: bytes, name: str) -> list[ParsedDocument]:
    out = list(SessionParser().parse(io.BytesIO(data), origin=Origin(name=name, identity=name)))
    assert all(isinstance(d, ParsedDocument) for d in out), out
    return out  # type: ignore[return-value]


def one(path: Path) -> ParsedDocument:
    (doc,) = parse(path.read_bytes(), path.name)
    return doc


def by_key(doc: ParsedDocument) -> dict[str, ParsedEntry]:
    return {e.key: e for e in doc.entries}


def lines(*objs: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objs)


# ---------------------------------------------------------------- Claude Code


def test_claude_code_session_document() -> None:
    doc = one(CLAUDE)
    assert doc.kind == "session" and doc.external_id == f"claude-code:{SID}"
    assert doc.versioned is False
    assert doc.title == "Dedupe patients in the Acme registry import"  # the summary line
    assert doc.project == "/home/sam/clients/acme/registry-import"
    assert {"cwd", "git_branch", "provider", "session_id"} <= set(doc.meta)
    assert doc.meta["provider"] == "claude-code" and doc.meta["git_branch"] == "feature/dedupe"
    assert doc.meta["session_id"] == SID
    # The malformed line is a warning, the unknown line type is counted: neither fails the file.
    assert len(doc.meta["warnings"]) == 1 and "line 15" in doc.meta["warnings"][0]
    assert doc.meta["unknown_types"] == {"agent-telemetry": 1}
    assert doc.timestamp is not None and doc.timestamp.isoformat().startswith("2026-03-02")


def test_a_streamed_assistant_message_is_one_turn() -> None:
    es = by_key(one(CLAUDE))
    # msg_01A came as three lines (thinking, text, tool_use): one entry per kind.
    assert es["msg_01A"].kind == "message" and es["msg_01A"].text == (
        "Let me look at the matcher first."
    )
    assert es["msg_01A:thinking"].kind == "thinking"
    assert es["msg_01A:thinking"].meta["part_of"] == "msg_01A"
    assert es["toolu_01"].kind == "tool_call"
    assert es["toolu_01"].text == 'Bash: grep -rn "def match" src/registry'
    assert es["toolu_01"].meta["part_of"] == "msg_01A"
    # Every part hangs where the message's first line does: on the user's question.
    assert {es[k].parent_key for k in ("msg_01A", "msg_01A:thinking", "toolu_01")} == {"u-0001"}
    assert not any(k in es for k in ("u-0002", "u-0003", "u-0004"))  # line uuids are no keys
    assert [e.author for e in (es["u-0001"], es["msg_01A"])] == ["user", "assistant"]
    assert es["toolu_03"].text == "Edit: src/registry/match.py"


def test_tool_results_are_bounded_excerpts_out_of_the_default_search() -> None:
    es = by_key(one(CLAUDE))
    res = es["u-0005"]
    assert res.kind == "tool_result" and res.indexed is True
    assert res.meta["default_search"] is False and res.parent_key == "toolu_01"
    assert res.author == "tool:Bash"
    # An empty tool_result block: its toolUseResult copy says it, and is stored once.
    assert es["u-0013"].text == "....\n4 passed in 0.31s"
    # A toolUseResult that repeats the block is not stored a second time.
    edit = es["u-0011"]
    assert edit.text == "The file src/registry/match.py has been updated."
    assert "oldString" not in json.dumps(edit.meta)
    assert es["u-0015"].kind == "context" and es["u-0015"].meta["default_search"] is False
    assert es["y-0001"].kind == "system" and es["y-0001"].indexed is False
    assert es["msg_01E"].parent_key == "y-0001"  # parents resolve through system lines
    assert es["msg_01B"].parent_key == "u-0005"  # ... and through progress lines


def test_a_long_tool_output_keeps_only_an_excerpt() -> None:
    base = {"sessionId": "s1", "cwd": "/w", "isSidechain": False}
    data = lines(
        {**base, "type": "user", "uuid": "u1", "parentUuid": None, "message": {"content": "go"}},
        {
            **base,
            "type": "assistant",
            "uuid": "a1",
            "parentUuid": "u1",
            "message": {"id": "m1", "content": [{"type": "tool_use", "id": "t1", "name": "Bash"}]},
        },
        {
            **base,
            "type": "user",
            "uuid": "u2",
            "parentUuid": "a1",
            "message": {
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "x" * 50_000}]
            },
            "toolUseResult": {"stdout": "x" * 50_000},
        },
    )
    (doc,) = parse(data, "s1.jsonl")
    res = by_key(doc)["u2"]
    assert len(res.text) <= EXCERPT and res.meta["chars"] == 50_000
    assert "more characters" in res.text


def test_sidechains_link_to_the_task_that_started_them() -> None:
    doc = one(CLAUDE)
    es = by_key(doc)
    assert es["s-0001"].meta["sidechain"] is True and es["s-0001"].meta["agent_id"] == "a7c41f"
    assert es["msg_02S"].parent_key == "s-0001"
    assert [(ln.kind, ln.from_key, ln.to_key) for ln in doc.links] == [
        ("child_of", "s-0001", "toolu_02")
    ]
    assert es["toolu_02"].text == "Task: Survey match_patient callers"


def test_a_sidechain_without_agent_id_is_matched_by_its_prompt() -> None:
    base = {"sessionId": "s2", "cwd": "/w"}
    prompt = "Find the config loader."
    data = lines(
        {**base, "type": "user", "uuid": "u1", "parentUuid": None, "message": {"content": "hi"}},
        {
            **base,
            "type": "assistant",
            "uuid": "a1",
            "parentUuid": "u1",
            "message": {
                "id": "m1",
                "content": [
                    {
                        "type": "tool_use",
                        "id": "t-other",
                        "name": "Task",
                        "input": {"prompt": "Other."},
                    },
                    {
                        "type": "tool_use",
                        "id": "t-cfg",
                        "name": "Task",
                        "input": {"prompt": prompt},
                    },
                ],
            },
        },
        {
            **base,
            "type": "user",
            "isSidechain": True,
            "uuid": "s1",
            "parentUuid": None,
            "message": {"content": prompt},
        },
    )
    (doc,) = parse(data, "s2.jsonl")
    assert [(ln.from_key, ln.to_key) for ln in doc.links] == [("s1", "t-cfg")]


def test_a_sidechain_learns_its_agent_from_a_later_line() -> None:
    # Some versions write agentId only on the sidechain's tool-result lines.
    base = {"sessionId": "s7", "cwd": "/w"}
    side = {**base, "isSidechain": True}
    task = {"type": "tool_use", "id": "t-1", "name": "Agent", "input": {"description": "look"}}
    data = lines(
        {**base, "type": "user", "uuid": "u1", "parentUuid": None, "message": {"content": "go"}},
        {
            **base,
            "type": "assistant",
            "uuid": "a1",
            "parentUuid": "u1",
            "message": {"id": "m1", "content": [task]},
        },
        {
            **side,
            "type": "assistant",
            "uuid": "s1",
            "parentUuid": None,
            "message": {"id": "m2", "content": [{"type": "text", "text": "looking"}]},
        },
        {
            **side,
            "type": "user",
            "uuid": "s2",
            "parentUuid": "s1",
            "agentId": "ag9",
            "message": {"content": [{"type": "tool_result", "tool_use_id": "x", "content": "ok"}]},
        },
        {
            **base,
            "type": "user",
            "uuid": "u2",
            "parentUuid": "a1",
            "message": {
                "content": [{"type": "tool_result", "tool_use_id": "t-1", "content": "done"}]
            },
            "toolUseResult": {"agentId": "ag9"},
        },
    )
    (doc,) = parse(data, "s7.jsonl")
    assert [(ln.from_key, ln.to_key) for ln in doc.links] == [("m2", "t-1")]


def test_a_subagent_file_is_its_own_document() -> None:
    doc = one(AGENT)
    assert doc.external_id == f"claude-code:{SID}:agent:b19e07"
    assert doc.meta["parent_session"] == SID and doc.meta["agent_id"] == "b19e07"
    assert doc.title == "Read jobs/backfill.py and report how it batches rows."
    es = by_key(doc)
    assert es["toolu_b1"].text == "Read: jobs/backfill.py" and es["b-0003"].kind == "tool_result"
    assert not any(e.meta.get("sidechain") for e in doc.entries)  # the whole file is the agent


def test_title_falls_back_to_the_first_prompt() -> None:
    data = lines(
        {"type": "file-history-snapshot", "messageId": "u1", "snapshot": {}},
        {
            "sessionId": "s3",
            "type": "user",
            "uuid": "u1",
            "parentUuid": None,
            "message": {
                "content": "  Why does the nightly import double-count refunds when the ledger closes late?\nmore"
            },
        },
    )
    (doc,) = parse(data, "s3.jsonl")
    assert doc.title.startswith("Why does the nightly import double-count refunds")
    assert len(doc.title) <= 80 and doc.meta["title_from"] == "first_prompt"


def test_garbage_lines_never_fail_the_file() -> None:
    data = (
        b"\xef\xbb\xbf"
        + lines({"type": "queue-operation", "operation": "enqueue", "sessionId": "s4"})
        + b"[1, 2, 3]\n{nope\n\n"
        + b'{"type":"assistant","sessionId":"s4","uuid":"a1","message":{"id":"m1","content":'
        + b"[" * 5000
        + b"]" * 5000
        + b"}}\n"
        + lines(
            {"type": "brand-new-kind", "sessionId": "s4", "uuid": "z1", "parentUuid": None},
            {
                "type": "user",
                "sessionId": "s4",
                "uuid": "u1",
                "parentUuid": "z1",
                "message": {"content": "still here"},
            },
        )
    )
    (doc,) = parse(data, "s4.jsonl")
    assert [e.text for e in doc.entries] == ["still here"]
    assert len(doc.meta["warnings"]) == 3 and doc.meta["unknown_types"] == {"brand-new-kind": 1}


def test_an_over_long_line_is_skipped_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "MAX_LINE", 2000)
    data = lines(
        {
            "type": "user",
            "sessionId": "s5",
            "uuid": "u1",
            "parentUuid": None,
            "message": {"content": "a" * 5000},
        },
        {
            "type": "user",
            "sessionId": "s5",
            "uuid": "u2",
            "parentUuid": "u1",
            "message": {"content": "short"},
        },
    )
    (doc,) = parse(data, "s5.jsonl")
    assert [e.key for e in doc.entries] == ["u2"] and "longer than" in doc.meta["warnings"][0]


@pytest.mark.parametrize(
    "name,args,want",
    [
        ("Bash", {"command": "ls -la\nmore"}, "Bash: ls -la"),
        ("Edit", {"file_path": "src/x.py", "old_string": "a"}, "Edit: src/x.py"),
        ("shell", '{"command": ["bash", "-lc", "make test"]}', "shell: bash -lc make test"),
        (
            "apply_patch",
            "*** Begin Patch\n*** Add File: a.py\n*** Update File: b.py\n",
            "apply_patch: a.py, b.py",
        ),
        ("TodoWrite", {"todos": []}, 'TodoWrite: {"todos": []}'),
        ("ExitPlanMode", None, "ExitPlanMode"),
    ],
)
def test_tool_call_summaries(name: str, args: Any, want: str) -> None:
    assert tool_summary(name, args) == want


# ---------------------------------------------------------------- Codex CLI


def test_codex_rollout() -> None:
    doc = one(CODEX)
    assert doc.external_id == "codex:0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"
    assert doc.title == "Why do invoices for Globex round to the wrong cent?"
    assert doc.project == "/home/sam/clients/globex/billing-api"
    assert doc.meta["git_branch"] == "main" and doc.meta["provider"] == "codex"
    assert doc.meta["unknown_types"] == {"compaction_marker_v9": 1}
    kinds = [(e.kind, e.author) for e in doc.entries]
    # The user's words came twice per turn (event_msg + response_item): one entry each turn.
    users = [e for e in doc.entries if e.kind == "message" and e.author == "user"]
    assert [u.text.split("\n")[0] for u in users] == [
        "Why do invoices for Globex round to the wrong cent?",
        "Add a regression test for the 0.005 case.",
        "Thanks, open a PR.",
    ]
    answers = [e for e in doc.entries if e.kind == "message" and e.author == "assistant"]
    assert len(answers) == 3  # agent_message copies are the same entries
    assert kinds.count(("thinking", "assistant")) == 1  # agent_reasoning copy likewise
    ctx = [e for e in doc.entries if e.kind == "context"]
    assert len(ctx) == 2 and all(e.meta["default_search"] is False for e in ctx)
    assert "<environment_context>" in ctx[1].text and "AGENTS.md" in ctx[1].text
    es = by_key(doc)
    assert es["call:call_r1"].text == 'shell: bash -lc rg -n "round\\(" billing/'
    assert es["call:call_p1"].text == "apply_patch: billing/totals.py"
    out = es["result:call_r1"]
    assert out.kind == "tool_result" and out.parent_key == "call:call_r1"
    assert out.text.startswith("billing/totals.py:41:") and out.meta["default_search"] is False
    assert es["result:call_t1"].text == "3 passed in 0.12s"
    assert all(e.parent_key == users[0].key for e in answers[:1])  # hangs on its turn
    assert users[0].parent_key is None


def test_codex_legacy_rollout_without_envelope() -> None:
    doc = one(CODEX_OLD)
    assert doc.external_id == "codex:5f0c2d1e-8a4b-4c3d-9e2f-1a0b9c8d7e6f"
    texts = [(e.kind, e.text) for e in doc.entries]
    assert ("message", "List the migration files.") in texts
    assert ("tool_call", "shell: ls migrations") in texts
    assert ("context", "Prefer small commits.") in texts
    assert all(e.timestamp is not None for e in doc.entries if e.kind != "context")


def test_a_codex_tail_without_session_meta_takes_the_id_from_the_file_name() -> None:
    data = CODEX.read_bytes()
    off = safe_resume_offset(data)
    assert off > 0
    (doc,) = parse(data[off:], CODEX.name)
    assert doc.external_id == one(CODEX).external_id
    with pytest.raises(Exception, match="no session id"):
        parse(data[off:], "renamed.jsonl")


# ---------------------------------------------------------------- files that grow


def _entries(docs: list[ParsedDocument]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (d.external_id, e.key): (e.kind, e.text, e.parent_key, e.author, e.timestamp, e.indexed)
        for d in docs
        for e in d.entries
    }


@pytest.mark.parametrize("path", [CLAUDE, AGENT, CODEX, CODEX_OLD], ids=lambda p: p.name[:20])
def test_prefix_then_tail_equals_the_whole_file(path: Path) -> None:
    whole_bytes = path.read_bytes()
    whole = _entries(parse(whole_bytes, path.name))
    links = {ln for d in parse(whole_bytes, path.name) for ln in d.links}
    cuts = [i + 1 for i, b in enumerate(whole_bytes) if b == 0x0A]
    for cut in cuts:
        prefix = whole_bytes[:cut]
        off = safe_resume_offset(prefix)
        assert off <= cut and (off == 0 or prefix[off - 1] == 0x0A)
        merged = _entries(parse(prefix, path.name))
        tail = parse(whole_bytes[off:], path.name)
        tail_entries = _entries(tail)
        # Every entry the tail yields is the whole file's entry, key for key.
        for k, v in tail_entries.items():
            assert whole[k] == v, (cut, k)
        merged.update(tail_entries)
        assert merged == whole, cut
        got_links = {ln for d in parse(prefix, path.name) for ln in d.links}
        got_links |= {ln for d in tail for ln in d.links}
        assert got_links == links, cut


def test_safe_resume_offset_skips_a_partly_written_last_line() -> None:
    data = CLAUDE.read_bytes()
    whole = safe_resume_offset(data)
    assert safe_resume_offset(data + b'{"type":"user","sessionId":"x') == whole
    assert safe_resume_offset(b"") == 0 and safe_resume_offset(b"not json\n") == 0


def test_parse_lines_numbers_a_tail_after_the_stored_entries() -> None:
    data = CLAUDE.read_bytes()
    off = safe_resume_offset(data)
    docs = list(
        parse_lines(
            data[off:].splitlines(keepends=True),
            origin=Origin(name=CLAUDE.name, identity=CLAUDE.name),
            start_position=100,
        )
    )
    assert isinstance(docs[0], ParsedDocument) and docs[0].entries[0].position == 100


# ---------------------------------------------------------------- choosing the parser


def test_sessions_are_recognised_by_content_and_other_jsonl_is_declined() -> None:
    registry.reset()
    for path in (CLAUDE, AGENT, CODEX, CODEX_OLD):
        data = path.read_bytes()
        assert registry.pick("anything.jsonl", data[:4096]).name == "agent-session"
    with pytest.raises(UnsupportedFormat):
        registry.pick("events.jsonl", (SAMPLES / "not_a_session.jsonl").read_bytes())
    for name in ("a.jsonl", "b.txt", "c.org", "d.rst"):
        assert registry.accepts(name), name
    assert not registry.accepts("e.ndjson")


def test_a_session_whose_first_line_is_longer_than_the_head_is_recognised() -> None:
    first = {
        "parentUuid": None,
        "isSidechain": False,
        "cwd": "/w",
        "sessionId": "s6",
        "message": {"role": "user", "content": "x" * 10_000},
        "type": "user",
        "uuid": "u1",
    }
    assert SessionParser().score("s6.jsonl", lines(first)[:4096]) is not None


# ---------------------------------------------------------------- end to end


def _session_entries(vault: Vault, ext: str) -> dict[str, str]:
    with vault.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT e.key, e.kind FROM entry e JOIN document d ON d.id = e.document_id "
                "WHERE d.external_id = :x"
            ),
            {"x": ext},
        ).all()
    return {str(k): str(v) for k, v in rows}


def test_ingest_a_growing_claude_code_session(vault: Vault, ingestor: Ingestor) -> None:
    # GIVEN a Claude Code session in the inbox (the clean lines of the sample)
    good = [ln for ln in CLAUDE.read_bytes().splitlines(keepends=True) if b"u-broken" not in ln]
    path = vault.settings.inbox / "7d3f9a2e.jsonl"
    path.write_bytes(b"".join(good[:20]))
    # WHEN it is ingested, grows, and is ingested again
    first = ingestor.ingest_file(path)
    path.write_bytes(b"".join(good))
    second = ingestor.ingest_file(path)
    # THEN both passes are clean and the session holds every turn once
    assert first.status == "ingested" and second.status == "ingested", (first, second)
    es = _session_entries(vault, f"claude-code:{SID}")
    assert es == {e.key: e.kind for e in one(CLAUDE).entries}
    assert doctor(vault).ok


def test_ingest_a_codex_rollout(vault: Vault, ingestor: Ingestor) -> None:
    path = vault.settings.inbox / CODEX.name
    path.write_bytes(CODEX.read_bytes())
    out = ingestor.ingest_file(path)
    assert out.status == "ingested" and out.documents == 1, out
    es = _session_entries(vault, "codex:0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b")
    assert list(es.values()).count("tool_result") == 3


FORK = "0199f0f0-1111-4222-8333-944455556666"


def forked_rollout(extra: list[dict[str, Any]]) -> bytes:
    """A Codex fork of the CODEX sample as codex writes one: its own header naming the rollout
    it came from, then that rollout's lines (its header included) with the times rewritten,
    then the fork's own turns."""
    out = [
        {
            "timestamp": "2026-03-05T09:00:00.000Z",
            "type": "session_meta",
            "payload": {
                "id": FORK,
                "forked_from_id": "0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b",
                "timestamp": "2026-03-05T09:00:00.000Z",
                "cwd": "/home/sam/clients/globex/billing-api",
            },
        }
    ]
    for n, raw in enumerate(CODEX.read_bytes().splitlines()):
        obj = json.loads(raw)
        obj["timestamp"] = f"2026-03-05T09:00:01.{n:03d}Z"
        out.append(obj)
    return lines(*out, *extra)


def test_a_forked_codex_rollout_keeps_only_its_own_turns(vault: Vault, ingestor: Ingestor) -> None:
    """A fork copies the earlier rollout (its header too) with the times rewritten: the copies
    are the earlier session's, the fork keeps its own turns and its own id (the copied header
    had made the fork the original's document)."""
    original = vault.settings.inbox / CODEX.name
    original.write_bytes(CODEX.read_bytes())
    assert ingestor.ingest_file(original).status == "ingested"
    before = _session_entries(vault, "codex:0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b")
    mine = [
        {
            "timestamp": "2026-03-05T09:05:00.000Z",
            "type": "event_msg",
            "payload": {"type": "user_message", "message": "Now try banker's rounding instead."},
        },
        {
            "timestamp": "2026-03-05T09:05:09.000Z",
            "type": "response_item",
            "payload": {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Banker's rounding fixed 49 of 50."}],
            },
        },
    ]
    fork = vault.settings.inbox / f"rollout-2026-03-05T09-00-00-{FORK}.jsonl"
    fork.write_bytes(forked_rollout(mine))
    out = ingestor.ingest_file(fork)
    assert out.status == "ingested", out
    assert _session_entries(vault, "codex:0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b") == before
    own = _session_entries(vault, f"codex:{FORK}")
    assert sorted(own.values()) == ["message", "message"], own
    with vault.engine.connect() as c:
        said = c.execute(
            text("SELECT COUNT(*) FROM entry WHERE text LIKE '%round to the wrong cent%'")
        ).scalar_one()
    assert said == 1
    # without the original in the vault nothing is dropped (the copies are all there is)
    alone = parse(forked_rollout(mine), fork.name)
    assert alone[0].external_id == f"codex:{FORK}"
    assert alone[0].meta["forked_from"] == "0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"


def agent_run(seed: int, steps: int) -> bytes:
    """One long Claude Code agent run, as `claude -p "…"` writes it: a single prompt, then
    assistant messages streamed one content block per line (thinking, text, tool uses sharing
    ``message.id``), tool results, a sub-agent's sidechain now and then, system and
    bookkeeping lines — never a second prompt."""
    import random

    rnd = random.Random(seed)
    sid = "0e9c4a52-7d1b-4f3e-8a6c-5b2d1e0f9a8c"
    out: list[str] = []
    last: list[str | None] = [None]

    def put(
        kind: str, message: Any, *, side: bool = False, root: bool = False, **extra: Any
    ) -> None:
        uuid = f"r-{len(out):05d}"
        parent = None if root else last[0]
        out.append(
            json.dumps(
                {
                    "parentUuid": parent,
                    "isSidechain": side,
                    "cwd": "/home/sam/src/acme-registry",
                    "sessionId": sid,
                    "type": kind,
                    "message": message,
                    "uuid": uuid,
                    "timestamp": f"2026-03-0{1 + len(out) // 5000}T10:00:00.{len(out) % 1000:03d}Z",
                    **extra,
                }
            )
        )
        if not side:
            last[0] = uuid

    def say(msg_id: str, blocks: list[dict[str, Any]], side: bool = False) -> None:
        for b in blocks:  # one line per content block, sharing the message id
            put("assistant", {"id": msg_id, "role": "assistant", "content": [b]}, side=side)

    put("user", {"role": "user", "content": "Import the registry and dedupe the patients."})
    for step in range(steps):
        blocks: list[dict[str, Any]] = []
        if rnd.random() < 0.4:
            blocks.append({"type": "thinking", "thinking": f"step {step}: check the matcher"})
        if rnd.random() < 0.7:
            blocks.append({"type": "text", "text": f"Step {step}: looking at batch {step}."})
        task = rnd.random() < 0.08
        calls = [f"toolu_{step}_{k}" for k in range(1 if task else rnd.randint(1, 2))]
        for c in calls:
            if task:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": c,
                        "name": "Task",
                        "input": {"prompt": f"audit {step}"},
                    }
                )
            else:
                blocks.append(
                    {
                        "type": "tool_use",
                        "id": c,
                        "name": "Bash",
                        "input": {"command": f"ls b{step}"},
                    }
                )
        say(f"msg_{step}", blocks)
        if task:  # the sub-agent's lines, inside the session file
            put("user", {"role": "user", "content": f"audit {step}"}, side=True, root=True)
            say(f"msg_side_{step}", [{"type": "text", "text": f"Audited batch {step}."}], side=True)
        for c in calls:
            result = {"type": "tool_result", "tool_use_id": c, "content": f"out {step} {c}"}
            put("user", {"role": "user", "content": [result]}, toolUseResult={"stdout": "x"})
        if rnd.random() < 0.1:
            put("system", {"role": "system", "content": "Context compacted"}, subtype="info")
        if rnd.random() < 0.1:
            out.append(json.dumps({"type": "file-history-snapshot", "messageId": f"m{step}"}))
    return ("\n".join(out) + "\n").encode()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_long_agent_run_resumes_without_a_second_prompt(seed: int) -> None:
    """With one prompt and no other, a growing session still has resume points (it was re-read
    whole on every append), and a tail read from any of them, at any cut, gives the whole
    file's entries."""
    data = agent_run(seed, 50)
    name = "0e9c4a52-7d1b-4f3e-8a6c-5b2d1e0f9a8c.jsonl"
    whole = _entries(parse(data, name))
    links = {ln for d in parse(data, name) for ln in d.links}
    cuts = [i + 1 for i, b in enumerate(data) if b == 0x0A]
    resumed = 0
    for cut in cuts:
        prefix = data[:cut]
        off = safe_resume_offset(prefix)
        assert off <= cut and (off == 0 or prefix[off - 1] == 0x0A)
        resumed += off > 0
        merged = _entries(parse(prefix, name))
        tail = parse(data[off:], name)
        for k, v in _entries(tail).items():
            assert whole[k] == v, (cut, k)
        merged.update(_entries(tail))
        assert merged == whole, cut
        got = {ln for d in parse(prefix, name) for ln in d.links} | {
            ln for d in tail for ln in d.links
        }
        assert got == links, cut
    assert len(cuts) > 150 and resumed > len(cuts) // 3, (resumed, len(cuts))


def test_a_codex_rollout_rewritten_after_a_second_compaction_keeps_both_summaries(
    vault: Vault, ingestor: Ingestor
) -> None:
    """QA, session 10: both compaction summaries were keyed "compacted"; the rollout rewritten
    from its second compaction replaced the first summary, and took its later prompt as the
    session's title."""
    sid = "0199a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a77"
    path = vault.settings.inbox / f"rollout-2026-03-03T14-02-11-{sid}.jsonl"

    def line(ts: str, kind: str, payload: dict[str, Any]) -> str:
        return json.dumps({"timestamp": ts, "type": kind, "payload": payload})

    def user(ts: str, words: str) -> str:
        content = [{"type": "input_text", "text": words}]
        return line(ts, "response_item", {"type": "message", "role": "user", "content": content})

    meta = line("2026-03-03T14:02:11Z", "session_meta", {"id": sid, "cwd": "/src/x"})
    first = [
        meta,
        user("2026-03-03T14:03:00Z", "First task: add caching"),
        line("2026-03-03T14:30:00Z", "compacted", {"message": "Summary one: caching added."}),
        user("2026-03-03T14:31:00Z", "Second task: add metrics"),
    ]
    path.write_text("\n".join(first) + "\n")
    assert ingestor.ingest_file(path).status == "ingested"
    path.write_text(
        "\n".join(
            [
                meta,
                line("2026-03-03T15:00:00Z", "compacted", {"message": "Summary two: metrics."}),
                user("2026-03-03T15:01:00Z", "Third task: add tracing"),
            ]
        )
        + "\n"
    )
    assert ingestor.ingest_file(path).status == "ingested"
    with vault.engine.connect() as c:
        said = {str(r[0]) for r in c.execute(text("SELECT text FROM entry"))}
    assert {"Summary one: caching added.", "Summary two: metrics."} <= said
    assert {"First task: add caching", "Third task: add tracing"} <= said
    with vault.engine.connect() as c:
        titles = [str(r[0]) for r in c.execute(text("SELECT title FROM document"))]
    assert titles == ["First task: add caching"]  # called by its first prompt still
    # rewritten again from a compaction with no prompt after it, then from a later prompt:
    # still the first (review, session 10: the second rewrite took the later prompt)
    for tail in (
        [line("2026-03-03T16:00:00Z", "compacted", {"message": "Summary three."})],
        [user("2026-03-03T17:00:00Z", "Fourth task: add alerts")],
    ):
        path.write_text("\n".join([meta, *tail]) + "\n")
        assert ingestor.ingest_file(path).status == "ingested"
    with vault.engine.connect() as c:
        titles = [str(r[0]) for r in c.execute(text("SELECT title FROM document"))]
    assert titles == ["First task: add caching"]


def test_an_edit_result_with_an_empty_block_keeps_the_file_and_the_change() -> None:
    """QA, session 10: an Edit's tool_result block was empty and its toolUseResult (file,
    strings, patch) was stored as an empty excerpt."""
    tur = {
        "filePath": "src/retry.py",
        "oldString": "delay = 1",
        "newString": "delay = backoff(n)",
        "structuredPatch": [{"oldStart": 3, "lines": ["-delay = 1", "+delay = backoff(n)"]}],
    }
    assert sessions._result_fallback(tur) == (
        "edited src/retry.py\n-delay = 1\n+delay = backoff(n)"
    )
    del tur["structuredPatch"]
    assert sessions._result_fallback(tur) == "edited src/retry.py\ndelay = backoff(n)"
    assert sessions._result_fallback({"stdout": "ok"}) == "ok"


@pytest.mark.parametrize("odd", [{"x": 1}, ["a"], 3])
def test_a_line_whose_type_is_not_a_string_is_skipped(odd: Any) -> None:
    """Fuzzing (session 11): a Codex or Claude Code line with ``"type": {...}`` raised
    TypeError (a dict tested against a frozenset) instead of being skipped."""
    for path in (CODEX, CLAUDE):
        good = path.read_bytes()
        bad = json.dumps({"type": odd, "payload": {}, "sessionId": "s", "uuid": "u-odd"}).encode()
        docs = parse(good + bad + b"\n", path.name)
        assert len(docs) == 1 and docs[0].entries, path.name
