"""`trailkeep mcp`: the vault as read-only tools for an MCP client (Claude Desktop, Claude Code,
any agent), over stdio, with the official MCP Python SDK (``mcp``, imported only by
:func:`serve`). notes/0016-briefing-and-mcp.md.

Tools — each returns, as its text content, the JSON the CLI prints with ``--json``:

``search(query, k=10)``, ``ask(question)``, ``trail(topic)``, ``when(text)``,
``get_entry(entry_id, offset=0)`` (an entry's full text and source, 20,000 characters a
page; no CLI twin), ``brief(today=None)``.

**Scope.** Started with ``--client C`` every tool sees only C's scope, through the rule the
drafts use: ``Filters(client=C)`` in SQL, then :func:`trailkeep.recall.scope.admit` (lines
naming another client are clipped, titles withheld). Three guards on top, because a tool's
output is read by a model that may pass it anywhere:

- trail steps (``trail``, and the trail under an ``ask``) are kept only for entries that pass
  the scope filter and the clip — the trail adds linked entries and earlier versions, which
  search's filter never saw; a step's ``changed``/``changed_mind`` sentences from an entry
  outside the scope are dropped;
- ``get_entry`` of an entry outside the scope is an error that says so, never its text;
- last, every object in a tool's JSON that names another client (its names, aliases, domains,
  addresses, people) is dropped, and any other string naming one is masked.

The tools are plain methods of :class:`Tools` (testable without MCP); :func:`serve` registers
them on an ``MCPServer`` and runs it on stdin/stdout. Calls are serialised (one vault).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from trailkeep.vault import Filters, TrailkeepError, iso

if TYPE_CHECKING:
    from trailkeep.recall import Backend, Step
    from trailkeep.recall.scope import Scope
    from trailkeep.vault import Settings, Vault

SERVER_NAME = "trailkeep"
INSTRUCTIONS = (
    "trailkeep is the user's local vault of AI chats, client email, notes and billable work. "
    "Every result cites its source (document_id, entry_id, file name): quote it, and fetch the "
    "full text with get_entry(entry_id). ask abstains when the history does not answer; say so "
    "instead of guessing. Tools are read-only."
)


# A question, a query, a topic or a phrase longer than this is refused before any work: a
# 10 MB query took 29 s and was echoed back whole, with every other call waiting behind it
# (QA, session 16).
MAX_TEXT = 4000
ENTRY_PAGE = 20_000  # characters of an entry's text per get_entry reply


class BadText(TrailkeepError):
    """A tool's text argument that cannot be read: empty, or too long."""


class TooLong(BadText):
    """A tool's text argument over ``MAX_TEXT`` characters."""


def _bounded(text: str, what: str) -> str:
    if len(text) > MAX_TEXT:
        raise TooLong(f"{what} is {len(text):,} characters; at most {MAX_TEXT:,} are read")
    if not text.strip():  # an abstention a caller could not tell from a real one (session 18)
        raise BadText(f"{what} is empty: say what to look for")
    return text


class OutOfScope(TrailkeepError):
    """What a scoped server was asked for lies outside its client's scope."""


class Tools:
    """The MCP tools over one vault, confined to ``client``'s scope when given (a
    clients.toml id; the CLI resolves names and aliases before)."""

    def __init__(
        self,
        vault: Vault,
        client: str | None = None,
        backend: Backend | None = None,
        *,
        horizon_days: int | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        from trailkeep.recall.brief import configured

        self.vault = vault
        self.client = client
        self.backend = backend
        self.today = today
        self.horizon = configured(vault.settings)[0] if horizon_days is None else horizon_days
        self.scope: Scope | None = None
        if client:
            self.scope = self._scope_of(vault.settings)
        self._lock = threading.Lock()
        self._stamp = _settings_stamp(vault.settings)

    def _scope_of(self, settings: Settings) -> Scope:
        from trailkeep.recall.scope import scope_for

        scope = scope_for(self.client or "", settings.clients)
        if scope is None:
            raise OutOfScope(f"no client {self.client!r} in clients.toml: no scope to serve")
        return scope

    @contextmanager
    def _current(self) -> Iterator[None]:
        """One call at a time, on the settings as they are on disk now. clients.toml and
        config.toml are the truth at any moment (issue 15), and this server runs for days:
        when either changed since the last call, settings are re-read, the vault is
        re-attributed (as every entry point does) and the scope is rebuilt before the call.
        A file that no longer reads, or a client no longer listed, stops the call with the
        reason: the server never serves on the settings it can no longer confirm."""
        with self._lock:
            stamp = _settings_stamp(self.vault.settings)
            if stamp != self._stamp:
                from trailkeep.ingest.reattribution import ensure_current
                from trailkeep.vault.settings import load_settings

                fresh = load_settings(os.environ, self.vault.settings.home)
                scope = self._scope_of(fresh) if self.client else None
                self.vault.settings = fresh
                ensure_current(self.vault)
                self.scope, self._stamp = scope, stamp
            yield

    # ---------------------------------------------------------------------------- the tools
    def search(self, query: str, k: int = 10) -> str:
        """Hybrid search (keywords + meaning): the best passages, each with its source."""
        _bounded(query, "the query")
        from trailkeep.recall import search

        k = int(k)
        if not 1 <= k <= 50:  # as the CLI: a count below 1 is an error, not 1
            raise OutOfScope(f"k must be between 1 and 50, not {k}")
        with self._current():
            hits = search(self.vault, query, k=k, filters=self._filters(), today=self.today())
            return self._out(
                {"schema_version": 1, "query": query, "hits": [h.as_json() for h in hits]}
            )

    def ask(self, question: str) -> str:
        """A cited answer from the history, or an abstention that says it doesn't say."""
        _bounded(question, "the question")
        from trailkeep.recall import ask

        with self._current():
            ans = ask(
                self.vault,
                question,
                self._filters(),
                self.backend,
                today=self.today(),
                redact=self.vault.settings.redact,
            )
            ans.trail = self._confine(ans.trail)
            return self._out(ans.as_json())

    def trail(self, topic: str) -> str:
        """How a topic evolved: steps in time order, with what changed and reversed."""
        _bounded(topic, "the topic")
        from trailkeep.recall import topic_trail, trail_json

        with self._current():
            steps = self._confine(topic_trail(self.vault, topic, self._filters()))
            return self._out(trail_json(topic, steps))

    def when(self, text: str) -> str:
        """When a phrase was first and last said, and whether the current version says it."""
        _bounded(text, "the text")
        from trailkeep.recall.timeline import when

        with self._current():
            return self._out(when(self.vault, text, self._filters()).as_json())

    def get_entry(self, entry_id: int, offset: int = 0) -> str:
        """One entry's full text, its document, version, time, client, tags and source; a
        text over ``ENTRY_PAGE`` characters comes a page at a time (``offset``,
        ``next_offset``): a 675 kB note section was one 710 kB reply (QA, session 18), past
        what an MCP client takes as one tool result."""
        from trailkeep.recall.scope import admit
        from trailkeep.vault import NotFound
        from trailkeep.vault.history import entry_rows, passing
        from trailkeep.vault.query import entry_authors, entry_links, entry_tags

        eid = int(entry_id)
        start = int(offset)
        if start < 0:
            raise OutOfScope(f"offset {start} is negative")
        with self._current():
            rows = entry_rows(self.vault, [eid])
            if not rows:
                raise NotFound("entry", eid)
            r = rows[0]
            body, document, clipped = r.text, r.document, False
            if self.scope is not None:
                if eid not in passing(self.vault, [eid], self._filters()):
                    raise OutOfScope(f"entry {eid} is out of {self.client}'s scope")
                parts = admit([r.as_hit()], self.scope, {eid: r.text})
                if not parts:
                    raise OutOfScope(
                        f"entry {eid} is out of {self.client}'s scope (it names another client)"
                    )
                body = "\n".join(p.quote for p in parts)
                document, clipped = parts[0].document, body != r.text
            links = entry_links(self.vault, [eid]).get(eid, [])
            if self.scope is not None:
                ok = passing(self.vault, [ln["entry_id"] for ln in links], self._filters())
                links = [ln for ln in links if ln["entry_id"] in ok]
            data = {
                "schema_version": 1,
                "entry_id": r.entry_id,
                "document_id": r.document_id,
                "document": document,
                "version": r.version,
                "timestamp": iso(r.timestamp),
                "client": r.client,
                "kind": r.kind,
                "current": r.current,
                "source": r.source,
                "title": r.title if not clipped else "",
                "author": entry_authors(self.vault, [eid]).get(eid) or None,
                "text": body[start : start + ENTRY_PAGE],
                "text_chars": len(body),
                "offset": start,
                "next_offset": start + ENTRY_PAGE if start + ENTRY_PAGE < len(body) else None,
                "clipped": clipped,
                "tags": entry_tags(self.vault, [eid]).get(eid, []),
                "links": links,
            }
            return self._out(data)

    def brief(self, today: str | None = None) -> str:
        """The briefing: waiting on me, dates ahead, money, what changed, open questions."""
        from trailkeep.recall.brief import another_day, build_brief

        day = self.today()
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                raise OutOfScope(f"today {today!r} is not a date like 2026-11-04") from None
        # another day: what arrived that day and the day before (as `brief --today`)
        since, until = another_day(day) if day != self.today() else (None, None)
        with self._current():
            b = build_brief(self.vault, day, self.client, self.horizon, since, until)
            return self._out(b.as_json())

    # ---------------------------------------------------------------------------- scope
    def _filters(self) -> Filters:
        return Filters(client=self.client)

    def _confine(self, steps: list[Step]) -> list[Step]:
        """Trail steps the scope may see: their entry passes the scope filter and the clip;
        what changed is kept only when it comes from an entry in the scope too."""
        if self.scope is None or not steps:
            return steps
        from trailkeep.recall.scope import admit
        from trailkeep.vault.history import entry_rows, passing

        ids = {s.hit.entry_id for s in steps}
        ids |= {int(s.changed["from_entry_id"]) for s in steps if s.changed.get("from_entry_id")}
        ids |= {int(ln["entry_id"]) for s in steps for ln in s.links if ln.get("entry_id")}
        ok = passing(self.vault, sorted(ids), self._filters())
        texts = {r.entry_id: r.text for r in entry_rows(self.vault, sorted(ids & ok))}
        out = []
        for s in steps:
            if s.hit.entry_id not in ok:
                continue
            parts = admit([s.hit], self.scope, {s.hit.entry_id: texts.get(s.hit.entry_id, "")})
            if not parts:
                continue
            hit = replace(parts[0], quote="\n".join(p.quote for p in parts))
            changed = dict(s.changed)
            prev = changed.get("from_entry_id")
            if prev is not None and int(prev) not in ok:
                changed = {}
            for side in ("added", "removed"):
                if side in changed:
                    changed[side] = [x for x in changed[side] if not self.scope.names_other(x)]
            mind = s.changed_mind
            if mind is not None and (not changed or self.scope.names_other(json.dumps(mind))):
                mind = None
            # a link to another scope's entry gives its id away (QA, session 12): as get_entry
            links = [ln for ln in s.links if ln.get("entry_id") and int(ln["entry_id"]) in ok]
            out.append(replace(s, hit=hit, changed=changed, changed_mind=mind, links=links))
        return out

    def _out(self, data: dict[str, Any]) -> str:
        data = _no_secrets(data)  # what a tool returns goes to a model (recall/secrets.py)
        if self.scope is not None:
            data = _guard(data, self.scope)
        return json.dumps(data, ensure_ascii=False, indent=2)


def _settings_stamp(settings: Settings) -> tuple[tuple[int, int] | None, ...]:
    """(mtime, size) of clients.toml and config.toml; None for a file that is not there."""
    out: list[tuple[int, int] | None] = []
    for path in (settings.clients_path, settings.config_path):
        try:
            st = path.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size))
    return tuple(out)


def _no_secrets(data: Any) -> Any:
    from trailkeep.recall import mask_secrets

    if isinstance(data, dict):
        return {k: _no_secrets(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_no_secrets(x) for x in data]
    return mask_secrets(data) if isinstance(data, str) else data


def _guard(data: Any, scope: Scope) -> Any:
    """The last check on a scoped tool's JSON: objects in lists that name another client are
    dropped, other strings that name one are masked."""
    if isinstance(data, dict):
        return {k: _guard(v, scope) for k, v in data.items()}
    if isinstance(data, list):
        return [
            _guard(x, scope)
            for x in data
            if not (isinstance(x, dict) and scope.names_other(json.dumps(x, ensure_ascii=False)))
        ]
    if isinstance(data, str) and scope.names_other(data):
        return scope.mask(data)
    return data


# -------------------------------------------------------------------------------- the server
class _Pending:
    """The tools, or how to get them: a server started while clients.toml (or config.toml)
    does not read is still served — each call tries to open the vault again and, until the
    file reads, is an error giving the reason. An MCP client (Claude Desktop) that starts the
    server once then gets the reason at the call the user made, not a dead server with the
    reason on a stderr nobody reads; and the file fixed serves the next call without a
    restart. Nothing is served on settings that do not read (fail closed)."""

    def __init__(self, tools: Tools | Callable[[], Tools]) -> None:
        self._make: Callable[[], Tools] | None = None
        self._tools: Tools | None = None
        self._lock = threading.Lock()  # the SDK runs calls in worker threads: one opens
        if isinstance(tools, Tools):
            self._tools = tools
        else:
            self._make = tools

    def get(self) -> Tools:
        with self._lock:
            if self._tools is None:
                assert self._make is not None
                self._tools = self._make()
            return self._tools


def serve(tools: Tools | Callable[[], Tools], client: str | None = None) -> None:
    """Register the tools on an MCP server and serve them over stdin/stdout until the client
    closes stdin. Library errors become tool errors with their message. ``tools`` may be a
    function that makes them, called again at each call until it succeeds (:class:`_Pending`);
    ``client`` names the scope in the server's instructions when they are not made yet."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.types import ToolAnnotations

    class Strict(MCPServer[Any]):
        """A call naming an argument the tool does not take is refused, not run without it
        (`search(query, limit=3)` searched with k=10 and said nothing; QA, session 12)."""

        async def run_stdio_async(self) -> None:
            """The SDK's stdio loop, on a transport that answers malformed lines (below)."""
            low = self._lowlevel_server
            async with _stdio_streams() as (read, write):
                await low.run(read, write, low.create_initialization_options())

        async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
            known = {
                t.name: set(t.input_schema.get("properties", {})) for t in await self.list_tools()
            }
            extra = sorted(set(arguments) - known.get(name, set(arguments)))
            if extra:
                takes = ", ".join(sorted(known[name])) or "no arguments"
                raise ToolError(f"{name} takes {takes}; unknown argument: {', '.join(extra)}")
            return await super().call_tool(name, arguments, context)

    pending = _Pending(tools)
    confined = tools.client if isinstance(tools, Tools) else client
    server = Strict(
        name=SERVER_NAME,
        instructions=INSTRUCTIONS
        + (f" This server is confined to client {confined!r}." if confined else ""),
        version="0.1.0",
        log_level="WARNING",
    )
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)

    def run(name: str, *args: Any) -> str:
        try:
            fn: Callable[..., str] = getattr(pending.get(), name)
            return fn(*args)
        except TrailkeepError as exc:
            raise ToolError(str(exc)) from exc

    def search(query: str, k: int = 10) -> str:
        """Search the vault (keywords + meaning). Returns JSON: hits with score, quote,
        document, entry_id, version, timestamp, client, kind, current and source file."""
        return run("search", query, k)

    def ask(question: str) -> str:
        """Answer a question from the history with numbered citations, or abstain when the
        history does not answer it. Returns JSON: answer, abstained, reason, citations, trail."""
        return run("ask", question)

    def trail(topic: str) -> str:
        """How a topic evolved over time: steps in time order with tags (decision, dead_end,
        open_question), what changed between versions and where a decision reversed."""
        return run("trail", topic)

    def when(text: str) -> str:
        """When a phrase was first and last said (exact phrase, else the topic), in which
        versions, and whether the current version still says it."""
        return run("when", text)

    def get_entry(entry_id: int, offset: int = 0) -> str:
        """The full text of one entry (an entry_id from another tool's result), with its
        document, version, time, client, tags, links and source file. A long text comes 20,000
        characters at a time: call again with offset=next_offset until next_offset is null."""
        return run("get_entry", entry_id, offset)

    def brief(today: str | None = None) -> str:
        """The briefing for today (or the given YYYY-MM-DD): threads waiting on the user, dates
        ahead, unbilled work and open invoices, what changed, open questions, inbox health."""
        return run("brief", today)

    # a count or an id is a JSON integer: `true` is not 1 (QA, session 12)
    from typing import Annotated

    from pydantic import Field

    strict_int = Annotated[int, Field(strict=True)]
    search.__annotations__["k"] = strict_int
    get_entry.__annotations__["entry_id"] = strict_int
    get_entry.__annotations__["offset"] = strict_int
    for fn in (search, ask, trail, when, get_entry, brief):
        server.add_tool(fn, annotations=read_only, structured_output=False)
    server.run("stdio")


# ------------------------------------------------------------------------- the stdio transport
def _rejection(line: str) -> tuple[bool, dict[str, Any] | None]:
    """Whether the SDK can read the line, and else the JSON-RPC error it gets (None for a
    malformed notification or response: they get no reply).

    The SDK's stdio transport drops such a line without a word, so a client that sent a
    request with an id waited forever (QA, session 15: a parse error, a batch, ``params`` as
    an array, no ``"jsonrpc"``). JSON-RPC 2.0 §5: a parse error and a request whose id cannot
    be read get ``"id": null``; MCP has no batches."""
    from mcp import types as mcp_types

    try:
        msg = json.loads(line)
    except ValueError as exc:
        return False, _error(None, -32700, f"Parse error: {exc}")
    if isinstance(msg, list):
        return False, _error(None, -32600, "Invalid Request: MCP does not take JSON-RPC batches")
    if not isinstance(msg, dict):
        return False, _error(None, -32600, "Invalid Request: a message is a JSON object")
    try:
        mcp_types.jsonrpc_message_adapter.validate_python(msg, by_name=False)
    except ValueError as exc:
        if "id" not in msg or "result" in msg or "error" in msg:
            return False, None  # a notification or a response: nothing to answer
        rid = msg["id"]
        ok = isinstance(rid, str) or (isinstance(rid, int) and not isinstance(rid, bool))
        first = str(exc).splitlines()[1:2] or [str(exc)]
        reason = 'a request needs "jsonrpc": "2.0", a method and object params'
        return False, _error(rid if ok else None, -32600, f"Invalid Request: {reason} ({first[0]})")
    return True, None


def _error(rid: str | int | None, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message[:300]}}


@contextmanager
def _wire() -> Iterator[tuple[Any, Any]]:
    """The process's stdin and stdout as private descriptors, with fd 0 on the null device
    and fd 1 on stderr while serving (as the SDK does: a stray print misses the wire)."""
    wire_in, wire_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    try:
        # closefd=False: a reader thread may still block on the descriptor when we return
        yield os.fdopen(wire_in, "rb", closefd=False), os.fdopen(wire_out, "wb", closefd=False)
    finally:
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)


class _Out:
    """The wire's stdout for both writers — the SDK's replies and our rejections — one whole
    line per write, under a lock, so that they never interleave."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._lock = threading.Lock()

    def _put(self, text: str) -> int:
        with self._lock:
            n = int(self._raw.write(text.encode("utf-8")))
            self._raw.flush()
            return n

    async def write(self, text: str) -> int:
        import anyio

        return await anyio.to_thread.run_sync(self._put, text)

    async def flush(self) -> None:
        return None  # every write is flushed whole


@asynccontextmanager
async def _stdio_streams() -> Any:
    """The SDK's ``stdio_server`` over our wire, fed only the lines it can read; the others
    are answered here with a JSON-RPC error."""
    import anyio
    from mcp.server.stdio import stdio_server

    with _wire() as (fin, fout):
        lines, out = anyio.wrap_file(fin), _Out(fout)

        async def checked() -> Any:
            async for raw in lines:
                line = raw.decode("utf-8", "replace")
                if not line.strip():
                    continue
                readable, rejection = _rejection(line)
                if rejection is not None:
                    await out.write(json.dumps(rejection) + "\n")
                if readable:
                    yield line

        async with stdio_server(stdin=checked(), stdout=out) as streams:  # type: ignore[arg-type]
            yield streams


__all__ = ["INSTRUCTIONS", "SERVER_NAME", "OutOfScope", "Tools", "serve"]
