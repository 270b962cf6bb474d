"""Coding-agent sessions: Claude Code transcripts and Codex CLI rollouts (``.jsonl``).

**Claude Code** (``~/.claude/projects/<project>/<session>.jsonl``): one JSON object a line, typed
``user`` / ``assistant`` / ``system`` / ``summary`` / ...; lines of unknown types are skipped (and
counted in ``meta["unknown_types"]``), a malformed or over-long (> MAX_LINE bytes) line is skipped
with a warning in ``meta["warnings"]``; the file never fails for a line. A session is one
document (kind ``session``, external id ``claude-code:<sessionId>``, not versioned: entries
accumulate by key, like chats), ``project`` = its ``cwd``. Entries are keyed by the provider's ids:
a user line by its ``uuid`` (further entries of the same line ``<uuid>:<n>``); an assistant message,
streamed as several lines that share ``message.id`` with one content block each, is ONE turn:
its text blocks merged into the entry ``<message.id>`` (kind ``message``), its thinking into
``<message.id>:thinking`` (kind ``thinking``), each ``tool_use`` an entry keyed by the tool-use id
(kind ``tool_call``, text "Bash: ls -la", "Edit: src/x.py"). ``parent_key`` comes from
``parentUuid``, mapped to the entry the parent line made. A tool's output is kept as an excerpt
of at most EXCERPT characters (kind ``tool_result``, from the ``tool_result`` block, or from
``toolUseResult`` only when the block is empty: stored once), parented to its ``tool_call``.

Search: ``tool_result`` and ``context`` entries (injected instructions, compaction summaries,
slash-command chatter) ARE indexed (``indexed=True``: chunked, so a search that asks for them
finds them) but carry ``meta["default_search"] = False``: the search layer leaves them out of the
default search. ``indexed=False`` would mean never chunked, which is not what is wanted.

Title: a ``custom-title`` line, else a ``summary`` line (the last whose ``leafUuid`` is in the
session, else the last whose leaf is in no session of the file), else an ``ai-title``, else the
first line of the first user message (<= 80 characters); ``meta["title_from"]`` says which.

Sub-agents: sidechain lines inside the session file (``isSidechain: true``) are entries of the
session; the first entry of each sidechain gets a ``child_of`` link to the ``tool_call`` entry of
the ``Task`` / ``Agent`` tool use that started it, matched by the ``agentId`` its tool result
reports (the sidechain's own ``agentId`` is read from any line of its chain), else by its
prompt (the sidechain's first user message equals the tool use's ``input.prompt``); unmatched
sidechains stay unlinked. A sub-agent transcript in its own file
(``agent-<id>.jsonl`` beside the session or under ``<session>/subagents/``, all lines sidechain,
carrying the parent ``sessionId``) is its own document ``claude-code:<sessionId>:agent:<agentId>``
with ``meta["parent_session"]``.

**Codex CLI** (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``): lines ``{"timestamp", "type",
"payload"}`` (``session_meta``, ``response_item``, ``event_msg``, ``turn_context``, ``compacted``),
or, in older rollouts, a header ``{"id", "timestamp", ...}`` then bare response items. External
id ``codex:<session id>`` (from ``session_meta``, the header, else the file name). Messages,
``reasoning`` summaries (kind ``thinking``), calls (``tool_call``) and outputs (``tool_result``).
The user's words arrive twice (a ``response_item`` message and an ``event_msg`` ``user_message``;
answers and reasoning likewise): within a turn, the copy from the other channel with the same
text is the same entry. Injected instructions (AGENTS.md, ``<environment_context>``,
``<user_instructions>``, developer messages) are kind ``context``. Codex lines carry no ids, so
keys are made from content: ``call:<call_id>``, ``result:<call_id>``, the item ``id`` where there
is one, else ``<kind>:<timestamp>:<hash of the text>``; an entry's parent is the user turn that
opened its turn (a user turn has none: the file says nothing of what it answers).

**Files that grow** (the contract the pipeline relies on): every key and parent key derives from
the content of the lines parsed, never from line numbers or byte offsets; a parent line that is
not among them leaves the raw ``parentUuid`` as parent key (which is the right key whenever that
line was a user or system line). :func:`parse_lines` takes any run of whole lines.
:func:`safe_resume_offset` returns the byte offset to re-read from: the start of the last complete
turn group (a turn group opens with a user prompt and is complete once the next one has begun) —
or, in one long agent run with a single prompt, the line ``TAIL_LINES`` from the end — moved back
to the nearest line from which every later line's references (parent lines, the first line of a
streamed message, the tool use a result answers, the tool use that started a sidechain, the user
turn of a Codex turn) lie inside the tail. Parsing from that offset yields, for every line from
there on, the same entries (keys, parents, texts) as parsing the whole file; the pipeline writes
them by key, so re-read entries are no-ops. Document-level fields (title, ``meta``, timestamp)
describe what the tail shows; the stored document keeps its own when they are missing
(``meta["title_from"]``).
``start_position`` numbers the tail's entries after those already stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from trailkeep.vault.records import Origin, ParsedDocument, ParsedEntry, ParsedLink, ParseProblem

from ..cues import tag_text
from ..errors import ParseError
from ..text import parse_time

DOC_SESSION = "session"
MAX_LINE = 10 * 1024 * 1024
EXCERPT = 2000
TITLE_CHARS = 80

Item = ParsedDocument | ParseProblem

CLAUDE_TYPES = frozenset(
    "user assistant system summary queue-operation file-history-snapshot custom-title ai-title "
    "progress attachment last-prompt tag mode pr-link agent-name agent-color agent-setting".split()
)
CODEX_TYPES = frozenset("session_meta response_item event_msg turn_context compacted".split())
_TASK_TOOLS = ("Task", "Agent")
_CONTEXT_MARKS = (
    "<environment_context>",
    "<user_instructions>",
    "# AGENTS.md instructions",
    "<INSTRUCTIONS>",
    "<permissions instructions>",
    "<user_shell_command>",
)
_COMMAND_MARKS = ("<command-name>", "<command-message>", "<local-command-", "Caveat: The messages")
_HEAD_CLAUDE = re.compile(rb'"sessionId"\s*:\s*"')
_HEAD_CLAUDE_TYPE = re.compile(
    rb'"type"\s*:\s*"(user|assistant|system|summary|queue-operation|file-history-snapshot)"'
)
_HEAD_CODEX = re.compile(rb'"type"\s*:\s*"(session_meta|response_item|event_msg|turn_context)"')
_HEAD_CODEX_LEGACY = re.compile(rb'\A\s*\{\s*"(id|record_type)"\s*:\s*"')
_ROLLOUT_ID = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$", re.I
)
_AGENT_FILE = re.compile(r"(?:^|/)agent-([^/]+)\.jsonl$", re.I)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters: the head, and a note of how much was left out."""
    if len(text) <= limit:
        return text
    note = f"\n… [{len(text) - limit + 40} more characters]"
    return text[: limit - len(note)] + note


def first_line(text: str, limit: int = TITLE_CHARS) -> str:
    for line in text.splitlines():
        if line.strip():
            s = " ".join(line.split())
            return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"
    return ""


def _block_text(content: Any) -> str:
    """Text of a tool result's content: a string, or text blocks (images noted)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for b in content:
            if isinstance(b, dict):
                if isinstance(b.get("text"), str):
                    parts.append(b["text"])
                elif b.get("type") == "image":
                    parts.append("[image]")
            elif isinstance(b, str):
                parts.append(b)
        return "\n".join(parts)
    return "" if content is None else json.dumps(content, ensure_ascii=False, default=str)


def _result_fallback(tur: Any) -> str:
    """A ``toolUseResult`` as text, used only when the tool_result block itself is empty."""
    if isinstance(tur, str):
        return tur
    if not isinstance(tur, dict):
        return ""
    out = [str(tur[k]) for k in ("stdout", "stderr", "content", "output") if tur.get(k)]
    file = tur.get("file")
    if not out and isinstance(file, dict) and file.get("content"):
        out.append(str(file["content"]))
    if not out and tur.get("filePath"):
        # an Edit / Write result: the file and the change, as the patch shows it (QA, session
        # 10: stored as an empty excerpt)
        out.append(f"edited {tur['filePath']}")
        patch = tur.get("structuredPatch")
        hunks = patch if isinstance(patch, list) else []
        for h in hunks:
            lines = h.get("lines") if isinstance(h, dict) else None
            if isinstance(lines, list):
                out.extend(str(x) for x in lines)
        if len(out) == 1 and tur.get("newString"):
            out.append(str(tur["newString"]))
    return "\n".join(out)


_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$", re.M)
_ARG_KEYS = ("command", "cmd", "file_path", "path", "notebook_path", "pattern", "url", "query")


def tool_summary(name: str, args: Any) -> str:
    """ "Bash: ls -la", "Edit: src/x.py", "Task: survey the web module": the tool and what it
    was asked, on one line (input JSON, shortened, when no known argument says it)."""
    if isinstance(args, str):
        files = _PATCH_FILE.findall(args)
        if files:  # apply_patch: the files it touches
            return f"{name}: {', '.join(dict.fromkeys(files))}"[:300]
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            return f"{name}: {first_line(args, 200)}" if args.strip() else name
    if isinstance(args, dict):
        for k in _ARG_KEYS:
            v = args.get(k)
            if isinstance(v, list) and v:
                v = " ".join(str(x) for x in v)
            if isinstance(v, str) and v.strip():
                return f"{name}: {first_line(v, 200)}"
        for k in ("description", "prompt"):
            if isinstance(args.get(k), str) and args[k].strip():
                return f"{name}: {first_line(args[k], 200)}"
    if args in (None, {}, []):
        return name
    body = json.dumps(args, ensure_ascii=False, default=str)
    return f"{name}: {body[:200]}"


def _is_context(text: str) -> bool:
    s = text.lstrip()
    return s.startswith(_CONTEXT_MARKS)


# ---------------------------------------------------------------- common building blocks


@dataclass
class _Entry:
    key: str
    kind: str
    line: int
    author: str
    timestamp: datetime | None
    parent: str | None
    texts: list[str] = field(default_factory=list)
    title: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    indexed: bool = True

    def text(self) -> str:
        return "\n\n".join(t for t in self.texts if t)


@dataclass
class _Doc:
    external_id: str
    session_id: str
    entries: dict[str, _Entry] = field(default_factory=dict)
    links: list[ParsedLink] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    title_from: str = "none"
    first_prompt: str = ""

    def add(self, e: _Entry) -> _Entry:
        return self.entries.setdefault(e.key, e)


class _Builder:
    """Lines in, documents out; records for each line the earliest line it needs (``needs``)
    and where turn groups start (``starts``), for :func:`safe_resume_offset`."""

    provider = ""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.docs: dict[str, _Doc] = {}
        self.needs: dict[int, int] = {}
        self.starts: list[int] = []
        self.warnings: list[str] = []
        self.unknown: dict[str, int] = {}

    def need(self, i: int, j: int) -> None:
        self.needs[i] = min(self.needs.get(i, i), j)

    def feed(self, i: int, obj: dict[str, Any]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        pass

    def documents(self, start_position: int) -> Iterator[ParsedDocument]:
        self.finish()
        for d in self.docs.values():
            if not d.entries:
                continue
            ordered = sorted(d.entries.values(), key=lambda e: e.line)
            entries = []
            for n, e in enumerate(ordered):
                body = e.text()
                indexed = e.indexed and bool(body.strip())
                entries.append(
                    ParsedEntry(
                        key=e.key,
                        kind=e.kind,
                        text=body,
                        position=start_position + n,
                        title=e.title or e.author,
                        author=e.author,
                        timestamp=e.timestamp,
                        parent_key=e.parent if e.parent != e.key else None,
                        indexed=indexed,
                        tags=tag_text(body)
                        if indexed and e.kind in ("message", "thinking")
                        else (),
                        meta=e.meta,
                    )
                )
            meta = {"provider": self.provider, "session_id": d.session_id, **d.meta}
            meta["title_from"] = d.title_from
            if self.warnings:
                meta["warnings"] = list(self.warnings)
            if self.unknown:
                meta["unknown_types"] = dict(self.unknown)
            title = d.title or d.first_prompt or f"{self.provider} session {d.session_id[:8]}"
            yield ParsedDocument(
                kind=DOC_SESSION,
                external_id=d.external_id,
                title=title,
                content_sha256=hashlib.sha256(
                    json.dumps(
                        [[e.key, e.text, e.parent_key] for e in entries]
                        + [[ln.kind, ln.from_key, ln.to_key] for ln in d.links],
                        ensure_ascii=False,
                    ).encode("utf-8", "surrogatepass")
                ).hexdigest(),
                timestamp=next((e.timestamp for e in entries if e.timestamp), None),
                entries=entries,
                links=list(d.links),
                project=str(meta["cwd"]) if meta.get("cwd") else None,
                versioned=False,
                meta=meta,
            )


def _tool_result_entry(
    key: str, line: int, ts: datetime | None, call_key: str | None, tool: str | None, body: str
) -> _Entry:
    meta: dict[str, Any] = {"default_search": False}
    if call_key:
        meta["tool_use_id"] = call_key
    if len(body) > EXCERPT:
        meta["chars"] = len(body)
    return _Entry(
        key,
        "tool_result",
        line,
        f"tool:{tool}" if tool else "tool",
        ts,
        call_key,
        [excerpt(body)],
        title=f"tool result: {tool}" if tool else "tool result",
        meta=meta,
    )


# ---------------------------------------------------------------- Claude Code


class _Claude(_Builder):
    provider = "claude-code"

    def __init__(self, origin: Origin) -> None:
        super().__init__(origin)
        m = _AGENT_FILE.search(origin.name.replace("\\", "/"))
        self.agent_file: bool | None = True if m else None
        self.agent_from_name = m.group(1) if m else None
        self.key_of: dict[str, str] = {}  # line uuid -> key of the entry that line made
        self.self_keyed: set[str] = set()
        self.line_of: dict[str, int] = {}
        self.through: set[str] = set()  # skipped lines: their key is their parent's
        self.first_line_of: dict[str, int] = {}  # message.id -> its first line
        self.msg_parent: dict[str, str | None] = {}  # message.id -> parent of its first line
        self.tools: dict[str, tuple[str, str, int]] = {}  # tool_use id -> (name, doc, line)
        self.task_prompts: dict[str, list[tuple[str, str, int]]] = {}  # prompt -> [(id, doc, ln)]
        self.agent_task: dict[str, str] = {}  # agentId -> Task tool_use id (from its result)
        self.roots: list[tuple[str, str, str, str, int]] = []  # (doc, key, text, agent, line)
        self.side_root: dict[str, int] = {}  # sidechain line uuid -> its root in roots
        self.last_main = -1
        self.summaries: list[tuple[str, str]] = []  # (leafUuid, summary)
        self.doc_of: dict[str, str] = {}  # line uuid -> its document
        self.titles: dict[str, dict[str, str]] = {}

    # -- helpers
    def doc_for(self, obj: dict[str, Any]) -> _Doc:
        sid = str(obj.get("sessionId") or "")
        if self.agent_file:
            agent = str(obj.get("agentId") or self.agent_from_name or "unknown")
            ext = f"claude-code:{sid}:agent:{agent}"
            d = self.docs.get(ext)
            if d is None:
                d = self.docs[ext] = _Doc(ext, sid, meta={"parent_session": sid, "agent_id": agent})
            return d
        ext = f"claude-code:{sid}"
        d = self.docs.get(ext)
        if d is None:
            d = self.docs[ext] = _Doc(ext, sid)
        return d

    def resolve(self, i: int, parent: Any) -> str | None:
        if not isinstance(parent, str) or not parent:
            return None
        key = self.key_of.get(parent)
        if key is None:
            return parent  # before this run of lines: right when it was a user / system line
        if parent not in self.self_keyed:
            j = self.line_of[parent]
            self.need(i, j)
            if parent in self.through:
                self.need(i, self.needs.get(j, j))
        return key

    def root(self, obj: dict[str, Any], d: _Doc, key: str, text: str, i: int) -> None:
        """The first line of a sidechain inside a session: remembered, to be linked to the
        tool use that started it."""
        if obj.get("isSidechain") and not self.agent_file and obj.get("parentUuid") is None:
            self.roots.append((d.external_id, key, text, str(obj.get("agentId") or ""), i))
            if isinstance(obj.get("uuid"), str):
                self.side_root[obj["uuid"]] = len(self.roots) - 1

    def follow(self, obj: dict[str, Any]) -> None:
        """A later sidechain line: its root learns the sidechain's agentId if it lacked one
        (some versions write it on the tool-result lines only)."""
        n = self.side_root.get(str(obj.get("parentUuid")))
        if n is None or not isinstance(obj.get("uuid"), str):
            return
        self.side_root[obj["uuid"]] = n
        doc, key, text, agent, line = self.roots[n]
        if not agent and obj.get("agentId"):
            self.roots[n] = (doc, key, text, str(obj["agentId"]), line)

    def mark(self, uuid: Any, i: int, key: str, *, own: bool) -> None:
        if isinstance(uuid, str) and uuid and uuid not in self.key_of:
            self.key_of[uuid] = key
            self.line_of[uuid] = i
            if own and key == uuid:
                self.self_keyed.add(uuid)

    # -- lines
    def feed(self, i: int, obj: dict[str, Any]) -> None:
        t = _type(obj)
        if t == "summary":
            if isinstance(obj.get("summary"), str):
                self.summaries.append((str(obj.get("leafUuid") or ""), obj["summary"]))
            return
        if t in ("custom-title", "ai-title"):
            value = obj.get("customTitle") if t == "custom-title" else obj.get("aiTitle")
            if isinstance(value, str) and value.strip():
                self.titles.setdefault(str(obj.get("sessionId") or ""), {})[t] = value.strip()
            return
        if t not in ("user", "assistant", "system"):
            if t not in CLAUDE_TYPES:
                self.unknown[str(t)] = self.unknown.get(str(t), 0) + 1
            uuid = obj.get("uuid")
            if isinstance(uuid, str) and uuid:  # in the parent chain: pass through
                parent = self.resolve(i, obj.get("parentUuid"))
                if parent is not None:
                    self.mark(uuid, i, parent, own=False)
                    self.through.add(uuid)
            return
        if not obj.get("sessionId"):
            self.warnings.append(f"line {i + 1}: a {t} line without sessionId; skipped")
            return
        side = bool(obj.get("isSidechain"))
        if self.agent_file is None:
            self.agent_file = side  # the first conversational line says what the file is
        if side and not self.agent_file:
            self.need(i, max(self.last_main, 0))  # a tail never starts inside a sidechain
        elif not side:
            self.last_main = i
        d = self.doc_for(obj)
        if isinstance(obj.get("uuid"), str):
            self.doc_of[obj["uuid"]] = d.external_id
        if d.meta.get("cwd") is None and obj.get("cwd"):
            d.meta["cwd"] = str(obj["cwd"])
        if d.meta.get("git_branch") is None and obj.get("gitBranch"):
            d.meta["git_branch"] = str(obj["gitBranch"])
        ts = parse_time(obj.get("timestamp"))
        parent = self.resolve(i, obj.get("parentUuid"))
        side_meta: dict[str, Any] = {"sidechain": True} if side and not self.agent_file else {}
        if side_meta and obj.get("parentUuid") is not None:
            self.follow(obj)
        if side_meta and obj.get("agentId"):
            side_meta["agent_id"] = str(obj["agentId"])
        if t == "assistant":
            self._assistant(i, obj, d, ts, parent, side_meta)
        elif t == "user":
            self._user(i, obj, d, ts, parent, side, side_meta)
        else:
            self._system(i, obj, d, ts, parent)

    def _user(
        self,
        i: int,
        obj: dict[str, Any],
        d: _Doc,
        ts: datetime | None,
        parent: str | None,
        side: bool,
        side_meta: dict[str, Any],
    ) -> None:
        uuid = str(obj.get("uuid") or f"line:{_sha(json.dumps(obj, default=str))}")
        msg = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        content = msg.get("content") if isinstance(msg, dict) else None
        texts: list[str] = []
        results: list[tuple[str, Any]] = []
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            for b in content:
                if not isinstance(b, dict):
                    continue
                bt = b.get("type")
                if bt == "text" and isinstance(b.get("text"), str):
                    texts.append(b["text"])
                elif bt in ("image", "document"):
                    texts.append(f"[{bt}]")
                elif bt == "tool_result":
                    results.append((str(b.get("tool_use_id") or ""), b))
        made: list[_Entry] = []
        text = "\n".join(texts).strip()
        if text:
            meta = dict(side_meta)
            context = bool(obj.get("isMeta") or obj.get("isCompactSummary")) or text.startswith(
                _COMMAND_MARKS
            )
            if context:
                meta["default_search"] = False
            made.append(
                _Entry(
                    uuid,
                    "context" if context else "message",
                    i,
                    "user",
                    ts,
                    parent,
                    [text],
                    meta=meta,
                )
            )
            if not context and not d.first_prompt and (not side or self.agent_file):
                d.first_prompt = first_line(text)
        tur = obj.get("toolUseResult")
        for tool_id, b in results:
            body = _block_text(b.get("content"))
            if not body.strip() and len(results) == 1:
                body = _result_fallback(tur)  # the block is empty: the structured copy says it
            name = self.tools.get(tool_id, ("", "", 0))[0] or None
            if tool_id in self.tools:  # the result is named after its call: read them together
                self.need(i, self.tools[tool_id][2])
            key = uuid if not made else f"{uuid}:{len(made)}"
            e = _tool_result_entry(key, i, ts, tool_id or parent, name, body)
            e.meta.update(side_meta)
            if b.get("is_error"):
                e.meta["is_error"] = True
            made.append(e)
            agent = (tur.get("agentId") if isinstance(tur, dict) else None) or obj.get("agentId")
            if name in _TASK_TOOLS and isinstance(agent, str) and agent:
                self.agent_task.setdefault(agent, tool_id)
        for e in made:
            d.add(e)
        if made:
            self.mark(obj.get("uuid"), i, made[0].key, own=True)
            self.root(obj, d, made[0].key, text, i)
        elif isinstance(obj.get("uuid"), str) and parent is not None:
            self.mark(obj["uuid"], i, parent, own=False)
            self.through.add(obj["uuid"])

    def _assistant(
        self,
        i: int,
        obj: dict[str, Any],
        d: _Doc,
        ts: datetime | None,
        parent: str | None,
        side_meta: dict[str, Any],
    ) -> None:
        msg = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        assert isinstance(msg, dict)
        mid = str(msg.get("id") or obj.get("uuid") or f"line:{_sha(json.dumps(obj, default=str))}")
        first = self.first_line_of.setdefault(mid, i)
        self.need(i, first)
        # Every part of a streamed message hangs where its first line does.
        parent = self.msg_parent.setdefault(mid, parent)
        content = msg.get("content")
        blocks: list[Any] = (
            [{"type": "text", "text": content}]
            if isinstance(content, str)
            else (content if isinstance(content, list) else [])
        )
        main: str | None = None
        meta = dict(side_meta)
        if msg.get("model"):
            meta["model"] = str(msg["model"])
        for b in blocks:
            if not isinstance(b, dict):
                continue
            bt = b.get("type")
            if bt == "text" and isinstance(b.get("text"), str):
                e = d.add(_Entry(mid, "message", i, "assistant", ts, parent, meta=dict(meta)))
                e.texts.append(b["text"].strip())
                main = mid
            elif bt == "thinking" and isinstance(b.get("thinking"), str):
                e = d.add(
                    _Entry(
                        f"{mid}:thinking",
                        "thinking",
                        i,
                        "assistant",
                        ts,
                        parent,
                        meta={**side_meta, "part_of": mid},
                    )
                )
                e.texts.append(b["thinking"].strip())
                main = main or e.key
            elif bt in ("tool_use", "server_tool_use"):
                name = str(b.get("name") or "tool")
                key = str(b.get("id") or f"{mid}:tool:{_sha(json.dumps(b, default=str))}")
                args = b.get("input")
                e = d.add(
                    _Entry(
                        key,
                        "tool_call",
                        i,
                        "assistant",
                        ts,
                        parent,
                        [tool_summary(name, args)],
                        title=f"assistant tool_call: {name}",
                        meta={**side_meta, "part_of": mid, "tool": name},
                    )
                )
                body = json.dumps(args, ensure_ascii=False, default=str)
                e.meta["input"] = excerpt(body)
                self.tools[key] = (name, d.external_id, i)
                if name in _TASK_TOOLS and isinstance(args, dict):
                    prompt = " ".join(str(args.get("prompt") or "").split())
                    if prompt:
                        self.task_prompts.setdefault(prompt, []).append((key, d.external_id, i))
                main = key
            elif bt and str(bt).endswith("_tool_result"):
                key = str(b.get("tool_use_id") or f"{mid}:result")
                d.add(_tool_result_entry(key, i, ts, key, str(bt), _block_text(b.get("content"))))
        if main is not None:
            self.mark(obj.get("uuid"), i, main, own=False)
            self.root(obj, d, main, "", i)
        elif isinstance(obj.get("uuid"), str) and parent is not None:
            self.mark(obj["uuid"], i, parent, own=False)  # an empty part: its parent stands in
            self.through.add(obj["uuid"])

    def _system(
        self, i: int, obj: dict[str, Any], d: _Doc, ts: datetime | None, parent: str | None
    ) -> None:
        content = obj.get("content")
        uuid = obj.get("uuid")
        if isinstance(content, str) and content.strip() and isinstance(uuid, str) and uuid:
            meta = {"subtype": obj.get("subtype"), "default_search": False}
            e = _Entry(uuid, "system", i, "system", ts, parent, [content.strip()], meta=meta)
            e.indexed = False  # hooks, compaction marks, command output: kept, not searched
            d.add(e)
            self.mark(uuid, i, uuid, own=True)
        elif isinstance(uuid, str) and uuid and parent is not None:
            self.mark(uuid, i, parent, own=False)
            self.through.add(uuid)

    def finish(self) -> None:
        # A summary titles the session holding its leaf; one whose leaf is in no session here
        # (an earlier file's) titles the sessions of this file, not its sub-agents.
        loose = [s for u, s in self.summaries if u not in self.doc_of]
        for d in self.docs.values():
            sid_titles = self.titles.get(d.session_id, {})
            leaf = [s for u, s in self.summaries if self.doc_of.get(u) == d.external_id]
            summaries = leaf or ([] if self.agent_file else loose)
            if "custom-title" in sid_titles:
                d.title, d.title_from = sid_titles["custom-title"], "custom-title"
            elif summaries:
                d.title, d.title_from = summaries[-1], "summary"
            elif "ai-title" in sid_titles:
                d.title, d.title_from = sid_titles["ai-title"], "ai-title"
            elif d.first_prompt:
                d.title_from = "first_prompt"
            if self.agent_file and d.first_prompt == "" and d.entries:
                first = min(d.entries.values(), key=lambda e: e.line)
                d.first_prompt = first_line(first.text())
        used: set[str] = set()
        for doc_id, key, text, agent, line in self.roots:
            task = self.agent_task.get(agent) if agent else None
            if task is None:
                for cand, cdoc, _line in self.task_prompts.get(" ".join(text.split()), []):
                    if cand not in used and cdoc == doc_id:
                        task = cand
                        break
            if task is None or task not in self.tools or self.tools[task][1] != doc_id:
                continue
            used.add(task)
            self.docs[doc_id].links.append(ParsedLink("child_of", key, task))
            self.need(line, self.tools[task][2])

    def group_start(self, i: int, obj: dict[str, Any]) -> bool:
        if obj.get("type") != "user" or obj.get("isMeta"):
            return False
        if obj.get("isSidechain") and not self.agent_file:
            return False
        msg = obj.get("message")
        content = msg.get("content") if isinstance(msg, dict) else None
        if isinstance(content, str):
            return not content.startswith(_COMMAND_MARKS)
        return isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") == "text" for b in content
        )


# ---------------------------------------------------------------- Codex CLI


class _Codex(_Builder):
    provider = "codex"

    def __init__(self, origin: Origin) -> None:
        super().__init__(origin)
        m = _ROLLOUT_ID.search(origin.name)
        self.sid = m.group(1) if m else ""
        self.strict = bool(origin.name)  # safe_resume_offset reads without a name
        self.doc: _Doc | None = None
        self.group = -1  # line that opened the current turn
        self.group_user: str | None = None
        self.answered = True  # an assistant-side item since the last user-side one
        self.seen: dict[tuple[str, str], list[tuple[str, set[str]]]] = {}
        self.calls: dict[str, str] = {}  # call_id -> tool name
        self.pending: list[tuple[int, dict[str, Any], str]] = []
        self.meta: dict[str, Any] = {}
        self.started: datetime | None = None
        self.headed = False  # a session_meta line with an id was read

    def the_doc(self) -> _Doc:
        if self.doc is None:
            if not self.sid and not self.strict:
                self.sid = "unnamed"
            if not self.sid:
                raise ParseError(
                    f"{self.origin.name}: a Codex rollout with no session id (no session_meta "
                    "line and no id in the file name)"
                )
            self.doc = self.docs[f"codex:{self.sid}"] = _Doc(
                f"codex:{self.sid}", self.sid, meta=self.meta
            )
        return self.doc

    def feed(self, i: int, obj: dict[str, Any]) -> None:
        t = _type(obj)
        if "payload" in obj and t in CODEX_TYPES:
            payload = obj.get("payload")
            if not isinstance(payload, dict):
                return
            ts = str(obj.get("timestamp") or "")
            if t == "session_meta":
                self._session(payload)
            elif t == "turn_context":
                if payload.get("cwd") and "cwd" not in self.meta:
                    self.meta["cwd"] = str(payload["cwd"])
                if payload.get("model"):
                    self.meta["model"] = str(payload["model"])
            elif t == "response_item":
                self._item(i, payload, ts, "item")
            elif t == "event_msg":
                self._event(i, payload, ts)
            elif t == "compacted":
                text = str(payload.get("message") or "")
                if text.strip():
                    # keyed by its time and text like any line: a rollout rewritten after a
                    # second compaction kept one "compacted" key and lost the first summary
                    self._add(i, "context", "system", ts, text, None, None, "item")
            return
        if "payload" in obj and isinstance(t, str):
            self.unknown[t] = self.unknown.get(t, 0) + 1
            return
        if obj.get("record_type") is not None:
            return  # legacy state markers
        if t is None and obj.get("id") and "timestamp" in obj:
            self._session(obj)  # legacy header line
            return
        if isinstance(t, str):
            self._item(i, obj, str(obj.get("timestamp") or ""), "item")  # legacy bare item

    def _session(self, p: dict[str, Any]) -> None:
        sid = str(p.get("id") or "")
        if self.headed and sid and sid != self.sid:
            # a fork copies the rollout it came from, that rollout's own header included: the
            # file's first header says whose it is (notes/0015)
            self.meta.setdefault("forked_from", sid)
            return
        if sid and not self.doc:
            self.sid = sid
        self.headed = self.headed or bool(sid)
        if p.get("forked_from_id"):
            self.meta["forked_from"] = str(p["forked_from_id"])
        self.started = self.started or parse_time(p.get("timestamp"))
        for k in ("cwd", "originator", "cli_version"):
            if p.get(k):
                self.meta.setdefault(k, str(p[k]))
        git = p.get("git")
        if isinstance(git, dict):
            if git.get("branch"):
                self.meta.setdefault("git_branch", str(git["branch"]))
            if git.get("repository_url"):
                self.meta.setdefault("repository", str(git["repository_url"]))
        if isinstance(p.get("instructions"), str) and p["instructions"].strip():
            self.meta["_instructions"] = p["instructions"]

    def _turn(self, i: int, *, user: bool) -> None:
        if user and self.answered:
            self.group, self.group_user, self.answered = i, None, False
            self.starts.append(i)
            self.seen = {}
        elif not user:
            self.answered = True
        if self.group >= 0:
            self.need(i, self.group)

    def _add(
        self,
        i: int,
        kind: str,
        author: str,
        ts: str,
        text: str,
        key_hint: str | None,
        parent: str | None,
        channel: str,
    ) -> _Entry | None:
        """An entry, or the same entry again when the other channel already brought this
        text in this turn (the duplicated user message, answer and reasoning)."""
        d = self.the_doc()
        norm = " ".join(text.split())
        sig = (kind, _sha(norm))
        for key, channels in self.seen.get(sig, []):
            if channel not in channels:
                channels.add(channel)
                e = d.entries[key]
                if channel == "item":
                    e.texts = [text]  # the response item is the canonical copy
                return None
        key = key_hint or ":".join(
            x for x in (author if kind == "message" else kind, ts, sig[1]) if x
        )
        n, base = 1, key
        while key in d.entries:
            n += 1
            key = f"{base}#{n}"
        meta: dict[str, Any] = {"default_search": False} if kind == "context" else {}
        when = parse_time(ts) or self.started  # old rollouts date only their header
        e = d.add(_Entry(key, kind, i, author, when, parent, [text], meta=meta))
        self.seen.setdefault(sig, []).append((key, {channel}))
        return e

    def _item(self, i: int, p: dict[str, Any], ts: str, channel: str) -> None:
        pt = p.get("type")
        if pt == "message":
            role = str(p.get("role") or "")
            texts = [
                b["text"]
                for b in p.get("content") or []
                if isinstance(b, dict) and isinstance(b.get("text"), str)
            ]
            if role in ("user", "developer", "system"):
                self._turn(i, user=True)
                words = [t for t in texts if not _is_context(t)]
                ctx = [t for t in texts if _is_context(t)]
                if role != "user":
                    ctx, words = texts, []
                if ctx:
                    self._add(i, "context", role, ts, "\n\n".join(ctx), None, None, channel)
                if words:
                    self._user(i, "\n".join(words), ts, channel)
            elif role == "assistant" and texts:
                self._turn(i, user=False)
                hint = str(p["id"]) if p.get("id") else None
                self._add(
                    i, "message", "assistant", ts, "\n".join(texts), hint, self.group_user, channel
                )
        elif pt == "reasoning":
            self._turn(i, user=False)
            summary = [
                str(b.get("text") or "") for b in p.get("summary") or [] if isinstance(b, dict)
            ]
            text = "\n\n".join(s for s in summary if s.strip())
            if text:
                hint = str(p["id"]) if p.get("id") else None
                self._add(i, "thinking", "assistant", ts, text, hint, self.group_user, channel)
        elif pt in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            self._turn(i, user=False)
            if pt == "local_shell_call":
                name, args = "shell", (p.get("action") or {})
            elif pt == "web_search_call":
                name, args = "web_search", (p.get("action") or {})
            else:
                name = str(p.get("name") or "tool")
                args = p.get("arguments") if pt == "function_call" else p.get("input")
            call = str(p.get("call_id") or p.get("id") or "")
            self.calls[call] = name
            e = self._add(
                i,
                "tool_call",
                "assistant",
                ts,
                tool_summary(name, args),
                f"call:{call}" if call else None,
                self.group_user,
                channel,
            )
            if e is not None:
                e.title = f"assistant tool_call: {name}"
                e.meta.update({"tool": name, "input": excerpt(json.dumps(args, default=str))})
        elif pt in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
            self._turn(i, user=False)
            call = str(p.get("call_id") or "")
            out = p.get("output")
            if isinstance(out, dict):
                out = out.get("output") if "output" in out else out.get("content")
            body = _block_text(out)
            if isinstance(out, str):
                try:  # function outputs are often {"output": "...", "metadata": {...}} as text
                    inner = json.loads(out)
                    if isinstance(inner, dict) and isinstance(inner.get("output"), str):
                        body = inner["output"]
                except (ValueError, RecursionError):
                    pass
            tool = self.calls.get(call)
            d = self.the_doc()
            key = f"result:{call}" if call else f"result:{ts}:{_sha(body)}"
            parent = f"call:{call}" if call else self.group_user
            d.add(_tool_result_entry(key, i, parse_time(ts) or self.started, parent, tool, body))
        elif isinstance(pt, str) and pt not in ("ghost_snapshot", "compaction", "other"):
            self.unknown[f"response_item:{pt}"] = self.unknown.get(f"response_item:{pt}", 0) + 1

    def _user(self, i: int, text: str, ts: str, channel: str) -> None:
        e = self._add(i, "message", "user", ts, text, None, None, channel)
        d = self.the_doc()
        if e is not None and self.group_user is None:
            self.group_user = e.key
        if e is not None and not d.first_prompt:
            d.first_prompt = first_line(text)
            d.title_from = "first_prompt"

    def _event(self, i: int, p: dict[str, Any], ts: str) -> None:
        et = p.get("type")
        msg = p.get("message")
        if et == "user_message" and isinstance(msg, str) and msg.strip():
            self._turn(i, user=True)
            if _is_context(msg):
                self._add(i, "context", "user", ts, msg, None, None, "event")
            else:
                self._user(i, msg, ts, "event")
        elif et == "agent_message" and isinstance(msg, str) and msg.strip():
            self._turn(i, user=False)
            self._add(i, "message", "assistant", ts, msg, None, self.group_user, "event")
        elif et == "agent_reasoning" and isinstance(p.get("text"), str) and p["text"].strip():
            self._turn(i, user=False)
            self._add(i, "thinking", "assistant", ts, p["text"], None, self.group_user, "event")

    def finish(self) -> None:
        instructions = self.meta.pop("_instructions", None)
        if instructions and self.doc is not None:
            self.doc.add(
                _Entry(
                    f"context:instructions:{_sha(instructions)}",
                    "context",
                    -1,
                    "system",
                    None,
                    None,
                    [instructions],
                    meta={"default_search": False},
                )
            )


# ---------------------------------------------------------------- reading lines


def _objects(lines: Iterable[bytes], warnings: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, raw in enumerate(lines):
        if len(raw) > MAX_LINE:
            warnings.append(f"line {i + 1}: longer than {MAX_LINE // 2**20} MB; skipped")
            continue
        if i == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            if not raw.endswith(b"\n"):
                # the last line, still being written by the agent: read with the next append
                # (QA, session 9: the file was marked partial, "not valid JSON")
                continue
            warnings.append(f"line {i + 1}: not valid JSON ({str(exc)[:80]}); skipped")
            continue
        if isinstance(obj, dict):
            yield i, obj
        else:
            warnings.append(f"line {i + 1}: a JSON {type(obj).__name__}, not an object; skipped")


def _type(obj: dict[str, Any]) -> str | None:
    """A line's ``type``; "" for one that is not a string ({"type": {...}} is no line either
    format writes, and a dict in a frozenset test raised TypeError: fuzzing, session 11)."""
    t = obj.get("type")
    return t if isinstance(t, str | None) else ""


def _kind(obj: dict[str, Any]) -> str | None:
    t = _type(obj)
    if ("payload" in obj and t in CODEX_TYPES) or "record_type" in obj:
        return "codex"
    if t is None and obj.get("id") and "timestamp" in obj:
        return "codex"  # legacy rollout header
    if obj.get("sessionId") or obj.get("leafUuid") or t in CLAUDE_TYPES:
        return "claude"
    return None


def _build(
    lines: Iterable[bytes], origin: Origin
) -> tuple[_Builder | None, list[tuple[int, dict[str, Any]]]]:
    warnings: list[str] = []
    builder: _Builder | None = None
    seen: list[tuple[int, dict[str, Any]]] = []
    for i, obj in _objects(lines, warnings):
        if builder is None:
            kind = _kind(obj)
            if kind is None:
                continue
            builder = _Codex(origin) if kind == "codex" else _Claude(origin)
            builder.warnings = warnings
        try:
            builder.feed(i, obj)
        except (RecursionError, TypeError, ValueError, AttributeError, KeyError) as exc:
            warnings.append(f"line {i + 1}: {type(exc).__name__}: {str(exc)[:120]}; skipped")
        seen.append((i, obj))
    if builder is not None:
        builder.warnings = warnings
    return builder, seen


def parse_lines(
    lines: Iterable[bytes], *, origin: Origin, start_position: int = 0
) -> Iterator[Item]:
    """Documents from whole lines of a session file: the file, or its tail from a line
    boundary (see the module docstring for what stays the same)."""
    builder, _ = _build(lines, origin)
    if builder is None:
        raise ParseError(f"{origin.name}: no Claude Code or Codex session lines")
    try:
        yield from builder.documents(start_position)
    except (RecursionError, TypeError, ValueError) as exc:
        yield ParseProblem(origin.name, f"{type(exc).__name__}: {exc}")


TAIL_LINES = 64


def safe_resume_offset(data: bytes) -> int:
    """Byte offset (at a line start) from which a re-read of this file's tail yields the same
    entries as the whole file for every line from there on: the start of the last complete turn
    group (with a single prompt, the line ``TAIL_LINES`` from the end), moved back until no later
    line refers to a line before it (module docstring). 0 when there is no such line yet."""
    offsets: list[int] = []
    lines: list[bytes] = []
    pos = 0
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            break  # a last line without its newline is still being written: not counted
        offsets.append(pos)
        lines.append(data[pos : nl + 1])
        pos = nl + 1
    builder, seen = _build(lines, Origin(name="", identity=""))
    if builder is None:
        return 0
    if isinstance(builder, _Claude):
        builder.finish()
        starts = [i for i, obj in seen if builder.group_start(i, obj)]
    else:
        starts = builder.starts
    if len(starts) >= 2:
        target = starts[-2]
    else:
        # One long agent run (a single prompt, then hours of tool calls) has no second turn
        # group to resume from: any line at least TAIL_LINES from the end will do, moved back
        # as below, so that a message whose lines are still being streamed is read again whole.
        target = len(lines) - TAIL_LINES
        if target <= 0:
            return 0
    suffix = len(lines)
    floor = [0] * (len(lines) + 1)
    floor[suffix] = suffix
    for i in range(len(lines) - 1, -1, -1):
        floor[i] = min(floor[i + 1], builder.needs.get(i, i))
    for c in range(target, -1, -1):
        if floor[c] >= c:
            return offsets[c]
    return 0


# ---------------------------------------------------------------- the parser


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines of at most MAX_LINE + 1 bytes: the rest of a longer line is read past, never
    held (the over-long head is passed on, to be skipped with a warning)."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


class SessionParser:
    name = "agent-session"

    def score(self, name: str, head: bytes) -> int | None:
        if not name.lower().endswith(".jsonl"):
            return None
        if not head:
            return 10  # the name alone: content decides later
        h = head[:4096]
        if h.startswith(b"\xef\xbb\xbf"):
            h = h[3:]
        if not h.lstrip().startswith(b"{"):
            return None
        if _HEAD_CODEX.search(h) and b'"payload"' in h:
            return 80
        if _HEAD_CLAUDE.search(h) and (b'"parentUuid"' in h or _HEAD_CLAUDE_TYPE.search(h)):
            return 80
        if _HEAD_CLAUDE_TYPE.search(h) and (b'"leafUuid"' in h or b'"messageId"' in h):
            return 70  # a transcript that opens with summary / snapshot lines
        if _HEAD_CODEX_LEGACY.match(h) and (
            b'"record_type"' in h or (b'"timestamp"' in h and b'"instructions"' in h)
        ):
            return 70
        return None

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[Item]:
        yield from parse_lines(_lines(stream), origin=origin)
