"""`trailkeep mcp` end to end: the MCP SDK's own client spawns `python -m trailkeep.ui mcp` over
stdio on a real two-client home (tests/fixtures/twoclient), lists the tools, calls each, and a
server confined to one client never returns the other client's text."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import make_settings, server_env
from trailkeep.ingest import Ingestor
from trailkeep.ui.cli import main
from trailkeep.vault import Vault, get_embedder, init_home

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "twoclient"
TODAY = "2026-02-26"
TOOLS = {
    "search": {"query", "k"},
    "ask": {"question"},
    "trail": {"topic"},
    "when": {"text"},
    "get_entry": {"entry_id", "offset"},
    "brief": {"today"},
}
# Clearview's names, people, domain and words found only in its material.
CLEARVIEW = (
    "clearview",
    "cvt",
    "clearviewvt",
    "elaine",
    "tomas",
    "exercise video",
    "household account",
    "optosuite",
    "2.3 gb",
    "duplicate accounts",
)


def schema(name: str) -> dict[str, Any]:
    ref = resources.files("trailkeep.ui") / "schemas" / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(ref.read_text())
    return loaded


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    h = tmp_path_factory.mktemp("mcp") / "home"
    h.mkdir()
    (h / "clients.toml").write_bytes((FIXTURES / "clients.toml").read_bytes())
    s = make_settings(h)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        ing = Ingestor(v)
        for p in sorted(FIXTURES.iterdir()):
            if p.suffix in (".eml", ".md", ".json"):
                ing.ingest_file(p)
        ing.settle()
    finally:
        v.close()
    yield h


def env(home: Path) -> dict[str, str]:
    return {
        "TRAILKEEP_EMBEDDER": "hash",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        **server_env(home),
    }


def session(home: Path, client: str | None, calls: list[tuple[str, dict[str, Any]]]) -> Any:
    """Spawn the server, list its tools, make the calls: (tools, [(is_error, text)])."""
    from mcp import Client, StdioServerParameters

    args = ["-m", "trailkeep.ui", "--home", str(home), "mcp"]
    if client:
        args += ["--client", client]
    params = StdioServerParameters(command=sys.executable, args=args, env=env(home))

    async def go() -> tuple[Any, list[tuple[bool, str]]]:
        async with Client(params, read_timeout_seconds=120) as c:
            listed = (await c.list_tools()).tools
            out = []
            for name, arguments in calls:
                r = await c.call_tool(name, arguments)
                out.append((bool(r.is_error), "".join(getattr(x, "text", "") for x in r.content)))
            return listed, out

    return asyncio.run(go())


def cli_json(home: Path, *args: str) -> Any:
    r = CliRunner().invoke(main, ["--home", str(home), *args, "--json"], env=env(home), obj={})
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def entry_of(home: Path, needle: str, client: str) -> int:
    """The id of an entry of ``client`` whose text holds ``needle`` (read from the vault)."""
    from sqlalchemy import text

    v = Vault.open(make_settings(home), get_embedder("hash"))
    try:
        with v.engine.connect() as c:
            return int(
                c.execute(
                    text(
                        "SELECT id FROM entry WHERE client_id = :c AND text LIKE :t AND current "
                        "ORDER BY id LIMIT 1"
                    ),
                    {"c": client, "t": f"%{needle}%"},
                ).scalar_one()
            )
    finally:
        v.close()


def test_tools_listed_and_each_answers_as_the_cli_does(home: Path) -> None:
    nw_entry = entry_of(home, "212 active patients", "northwind")
    listed, results = session(
        home,
        "northwind",
        [
            ("search", {"query": "EVV exceptions aggregator", "k": 5}),
            ("ask", {"question": "How many active patients does Northwind have?"}),
            ("trail", {"topic": "visit matching"}),
            ("when", {"text": "nightly export"}),
            ("get_entry", {"entry_id": nw_entry}),
            ("brief", {"today": TODAY}),
        ],
    )
    assert {t.name: set(t.input_schema["properties"]) for t in listed} == TOOLS
    assert all(t.annotations is not None and t.annotations.read_only_hint for t in listed)
    assert not [text for err, text in results if err]
    found, answer, trail, when, entry, brief = (json.loads(text) for _, text in results)
    for data, name in (
        (found, "search"),
        (answer, "ask"),
        (trail, "trail"),
        (when, "when"),
        (brief, "brief"),
    ):
        jsonschema.validate(data, schema(name))
    # The same JSON as the CLI's --json.
    assert found == cli_json(
        home, "search", "EVV exceptions aggregator", "-k", "5", "--client", "northwind"
    )
    assert brief == cli_json(home, "brief", "--today", TODAY, "--client", "northwind")
    assert trail == cli_json(home, "trail", "visit matching", "--client", "northwind")
    assert found["hits"] and {h["client"] for h in found["hits"]} <= {"northwind", None}
    question = "How many active patients does Northwind have?"
    assert answer == cli_json(home, "ask", question, "--client", "northwind")
    assert answer["backend"] == "extractive"
    assert when["match"] in ("exact", "topic")
    assert entry["entry_id"] == nw_entry and "212 active patients" in entry["text"]
    assert entry["source"] == "nw-kickoff.md" and entry["client"] == "northwind"
    assert brief["client"] == "northwind" and brief["waiting"]


def test_a_scoped_server_cannot_return_another_clients_text(home: Path) -> None:
    cv_entry = entry_of(home, "exercise videos", "clearview")
    calls = [
        ("search", {"query": "exercise videos household accounts OptoSuite", "k": 20}),
        ("ask", {"question": "How many exercise videos does Clearview have?"}),
        ("ask", {"question": "How do household accounts work for guardians?"}),
        ("trail", {"topic": "exercise videos"}),
        ("trail", {"topic": "duplicate accounts in the portal"}),
        ("when", {"text": "exercise videos"}),
        ("get_entry", {"entry_id": cv_entry}),
        ("brief", {"today": TODAY}),
    ]
    _, scoped = session(home, "northwind", calls)
    for (name, args), (err, text) in zip(calls, scoped, strict=True):
        shown = text if err else json.loads(text)
        if isinstance(shown, dict):  # the caller's own words, echoed back, are not a leak
            for echo in ("query", "question", "topic"):
                shown.pop(echo, None)
        low = json.dumps(shown, ensure_ascii=False).lower()
        leaked = [m for m in CLEARVIEW if m in low]
        assert not leaked, f"{name}({args}) returned {leaked}: {text[:400]}"
        assert err == (name == "get_entry"), (name, text[:200])
    assert "out of northwind's scope" in scoped[6][1]
    # Control: the same calls without a client do find it (the markers are really there).
    _, everyone = session(home, None, calls[:1] + calls[6:7])
    assert "exercise videos" in everyone[0][1].lower()
    assert not everyone[1][0] and "46 exercise videos" in json.loads(everyone[1][1])["text"]
    # a count or an id is a JSON integer: `true` is refused, not read as 1 (QA, session 12)
    _, typed = session(
        home,
        None,
        [
            ("search", {"query": "export", "k": True}),
            ("get_entry", {"entry_id": True}),
            ("search", {"query": "export", "limit": 3}),  # an argument it does not take
        ],
    )
    assert all(err for err, _ in typed), typed
    assert "unknown argument: limit" in typed[2][1] and "k, query" in typed[2][1], typed[2]


def test_unknown_client_is_refused_before_serving(home: Path) -> None:
    r = CliRunner().invoke(
        main, ["--home", str(home), "mcp", "--client", "globex"], env=env(home), obj={}
    )
    assert r.exit_code != 0 and "unknown client 'globex'" in r.output


def test_mcp_sdk_is_imported_only_by_the_command() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from trailkeep.ui.cli import main\n"
        "r = CliRunner().invoke(main, ['mcp', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "import trailkeep.ui.mcp_server\n"
        "print('mcp' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "False"


def test_the_guards_under_the_tools(home: Path) -> None:
    """What the scoped tools add on top of search's scope, checked in process: trail steps of
    entries outside the scope go, so does what changed when it comes from one; anything else
    naming another client is dropped (objects) or masked (strings)."""
    from dataclasses import replace

    from trailkeep.recall import document_trail
    from trailkeep.ui.mcp_server import OutOfScope, Tools

    cv_entry = entry_of(home, "exercise videos", "clearview")
    nw_entry = entry_of(home, "212 active patients", "northwind")
    v = Vault.open(make_settings(home), get_embedder("hash"))
    try:
        tools = Tools(v, "northwind")
        steps = document_trail(v, _document_of(v, cv_entry))
        assert steps and tools._confine(steps) == []
        own = document_trail(v, _document_of(v, nw_entry))
        borrowed = replace(
            own[0],
            changed={"added": ["x"], "removed": ["Elaine filmed them"], "from_entry_id": cv_entry},
        )
        (kept,) = tools._confine([borrowed])
        assert kept.changed == {} and kept.hit.entry_id == own[0].hit.entry_id
        out = json.loads(
            tools._out({"a": [{"quote": "Clearview's portal"}, {"quote": "fine"}], "b": "CVT x"})
        )
        assert out == {"a": [{"quote": "fine"}], "b": "[another client] x"}
        with pytest.raises(OutOfScope):
            Tools(v, "globex")
        with pytest.raises(OutOfScope, match="out of northwind's scope"):
            tools.get_entry(cv_entry)
        # a count the CLI refuses is refused here too, not quietly made 1 (QA, session 8)
        for bad in (-5, 0, 51):
            with pytest.raises(OutOfScope, match="k must be between 1 and 50"):
                tools.search("export", k=bad)
        # a text longer than anyone asks is refused before any work (QA, session 16: a 10 MB
        # query took 29 s and came back whole)
        from trailkeep.ui.mcp_server import MAX_TEXT, TooLong

        for call in (tools.search, tools.ask, tools.trail, tools.when):
            with pytest.raises(TooLong, match="characters; at most"):
                call("export " * MAX_TEXT)
    finally:
        v.close()


def _document_of(v: Vault, entry_id: int) -> int:
    from sqlalchemy import text

    with v.engine.connect() as c:
        return int(
            c.execute(
                text("SELECT document_id FROM entry WHERE id = :e"), {"e": entry_id}
            ).scalar_one()
        )


def test_a_running_server_follows_clients_toml(tmp_path: Path) -> None:
    """The server runs for days; clients.toml is the truth at any moment. A note that names no
    client is general and a scoped server may show it — until clients.toml says the word it
    names is another client's alias: the very next call no longer returns it. A clients.toml
    that stops reading stops the calls (never served on the old one)."""
    from trailkeep.ui.mcp_server import Tools
    from trailkeep.vault import TrailkeepError

    h = tmp_path / "home"
    h.mkdir()
    listed = (FIXTURES / "clients.toml").read_text()
    (h / "clients.toml").write_text(listed)
    note = tmp_path / "ideas.md"
    note.write_text("# Sync ideas\n\nProject Zephyr: the offline sync queue retries every 5 min.\n")
    s = make_settings(h)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        Ingestor(v).ingest_file(note)
        scoped, everyone = Tools(v, "northwind"), Tools(v)
        query = "Zephyr offline sync queue"
        assert "Zephyr" in scoped.search(query)  # general material: in every client's scope
        (h / "clients.toml").write_text(
            listed.replace(
                'aliases = ["Clearview", "CVT"]', 'aliases = ["Clearview", "CVT", "Zephyr"]'
            )
        )
        assert "zephyr" not in scoped.search(query).lower()
        assert "Zephyr" in everyone.search(query)
        (h / "clients.toml").write_text(listed + "\n[[client]]\nname = \n")
        with pytest.raises(TrailkeepError, match=r"clients\.toml"):
            scoped.search(query)
    finally:
        v.close()


def test_malformed_requests_get_a_json_rpc_error_and_the_server_goes_on(home: Path) -> None:
    """QA, session 15: a parse error, a batch, `params` as an array or a request without
    "jsonrpc" got no reply from the SDK's stdio transport — a client waited forever on its
    id. JSON-RPC 2.0: an error with that id (null when it cannot be read); a malformed
    notification gets nothing; then the next request is served."""
    import subprocess

    init = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    }
    lines = [
        "{not json",
        '[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]',
        '{"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": [1, 2]}',
        '{"id": "eight", "method": "ping"}',
        '{"jsonrpc": "2.0", "method": "notifications/bogus", "params": [1]}',
        "42",
        "",
        json.dumps({"jsonrpc": "2.0", "id": 9, "method": "initialize", "params": init}),
        '{"jsonrpc": "2.0", "method": "notifications/initialized"}',
        '{"jsonrpc": "2.0", "id": 10, "method": "tools/list"}',
    ]
    p = subprocess.run(
        [sys.executable, "-m", "trailkeep.ui", "--home", str(home), "mcp"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env(home)},
        timeout=120,
        check=False,
    )
    replies = [json.loads(x) for x in p.stdout.splitlines()]
    errors = [(r["id"], r["error"]["code"]) for r in replies if "error" in r]
    assert errors == [
        (None, -32700),
        (None, -32600),
        (7, -32600),
        ("eight", -32600),
        (None, -32600),
    ]
    served = {r["id"]: r["result"] for r in replies if "result" in r}
    assert set(served) == {9, 10} and {t["name"] for t in served[10]["tools"]} == set(TOOLS)


def test_a_long_entry_comes_a_page_at_a_time(tmp_path: Path) -> None:
    """QA, session 18: a 675 kB note section came back as one 710 kB tool result. get_entry
    gives ENTRY_PAGE characters at a time; the pages put together are the text."""
    from tests.conftest import write_note
    from trailkeep.ui.mcp_server import ENTRY_PAGE, OutOfScope, Tools

    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        body = " ".join(f"line{i} of the long export log." for i in range(3000))
        Ingestor(v).ingest_file(write_note(s.inbox, "long.md", f"# Export log\n\n{body}\n"))
        tools = Tools(v, None)
        eid = json.loads(tools.search("export log", k=1))["hits"][0]["entry_id"]
        pages, offset = [], 0
        while offset is not None:
            got = json.loads(tools.get_entry(eid, offset))
            assert len(got["text"]) <= ENTRY_PAGE and got["offset"] == offset
            pages.append(got["text"])
            offset = got["next_offset"]
        assert len(pages) >= 5
        assert len("".join(pages)) == got["text_chars"] and body in "".join(pages)
        with pytest.raises(OutOfScope, match="negative"):
            tools.get_entry(eid, -1)
    finally:
        v.close()


def test_an_empty_question_is_an_error_not_an_abstention(tmp_path: Path) -> None:
    """QA, session 18: `ask ""` said "your history doesn't say" (exit 0): a caller could not
    tell a bad call from a real abstention. The CLI and the tools refuse it; a question in
    bytes that are not UTF-8 (a Latin-1 terminal) is refused with the fix, not a traceback."""
    from trailkeep.ui.mcp_server import BadText, Tools

    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    try:
        tools = Tools(v, None)
        for call in (tools.search, tools.ask, tools.trail, tools.when):
            with pytest.raises(BadText, match="empty"):
                call("   ")
    finally:
        v.close()
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(s.home)}
    for args in (["ask", ""], ["search", " "], ["when", ""]):
        r = CliRunner().invoke(main, ["--home", str(s.home), *args], env=env)
        assert r.exit_code == 2 and "is empty" in r.output, (args, r.output)
    import subprocess

    for cmd in ("ask", "search", "trail", "when"):  # the bytes a Latin-1 terminal sends
        argv = [sys.executable, "-m", "trailkeep.ui", "--home", str(s.home), cmd, b"caf\xe9"]
        p = subprocess.run(argv, capture_output=True, env={**os.environ, **env}, timeout=120)
        said = (p.stdout + p.stderr).decode("utf-8", "replace")
        assert p.returncode == 2 and "is not UTF-8 text" in said, said
        assert "Traceback" not in said


def test_a_server_started_on_a_broken_clients_toml_says_so_at_each_call(tmp_path: Path) -> None:
    """Session 22 leftover: the server started while clients.toml did not read exited with the
    error on stderr, and an MCP client showed only "disconnected". It serves: each call is the
    error naming the file until the file reads, then the next call is answered — in the scope
    of the client it was started for, without a restart."""
    from mcp import Client, StdioServerParameters

    h = tmp_path / "home"
    h.mkdir()
    listed = (FIXTURES / "clients.toml").read_text()
    (h / "clients.toml").write_text(listed)
    init_home(make_settings(h))
    (h / "clients.toml").write_text(listed + '\n[[client]]\nid = "other"\nname = "Northwind"\n')
    note = tmp_path / "ideas.md"
    note.write_text("# Sync ideas\n\nThe offline sync queue retries every 5 min.\n")
    args = ["-m", "trailkeep.ui", "--home", str(h), "mcp", "--client", "northwind"]
    params = StdioServerParameters(command=sys.executable, args=args, env=env(h))

    async def go() -> list[tuple[bool, str]]:
        out = []
        async with Client(params, read_timeout_seconds=120) as c:
            for _ in range(2):
                r = await c.call_tool("search", {"query": "offline sync queue"})
                out.append((bool(r.is_error), "".join(getattr(x, "text", "") for x in r.content)))
            # a state on the way: the file reads, without the client (review: the settings of
            # this try were kept, and every later call refused)
            (h / "clients.toml").write_text("")
            r = await c.call_tool("search", {"query": "offline sync queue"})
            out.append((bool(r.is_error), "".join(getattr(x, "text", "") for x in r.content)))
            (h / "clients.toml").write_text(listed)
            v = Vault.open(make_settings(h), get_embedder("hash"))
            try:
                Ingestor(v).ingest_file(note)
            finally:
                v.close()
            r = await c.call_tool("search", {"query": "offline sync queue"})
            out.append((bool(r.is_error), "".join(getattr(x, "text", "") for x in r.content)))
        return out

    first, second, lacking, fixed = asyncio.run(go())
    for is_error, said in (first, second):
        assert is_error and "clients.toml" in said and "Northwind" in said, said
    assert lacking[0] and "unknown client 'northwind'" in lacking[1], lacking
    assert not fixed[0], fixed[1]
    assert "retries every 5 min" in fixed[1]
