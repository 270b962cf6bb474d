"""ChatGPT and Claude exports: every message kept with its parent, branches and edits linked.

Accepts the export ``.zip`` as downloaded, a ``conversations.json`` list, or a single
conversation object. Each conversation is one document (kind ``chat``, external id
``chatgpt:<id>`` / ``claude:<uuid>``); each message one entry keyed by the provider's id, so a
newer export adds only what is new and moves ``on_current_path`` when the active branch moved.
Decisions: notes/0007-chat-exports.md.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

import ijson

from trailkeep.vault.records import (
    DOC_CHAT,
    Origin,
    ParsedDocument,
    ParsedEntry,
    ParsedLink,
    ParseProblem,
)

from ..cues import tag_text
from ..errors import ParseError
from ..text import parse_time
from .archive import json_items, open_zip, zip_member

Item = ParsedDocument | ParseProblem


def _ts(value: Any) -> datetime | None:
    return parse_time(value)


def _exported(value: Any) -> str | None:
    """A conversation's last-changed time as UTC ISO text (comparable as a string), or None."""
    ts = _ts(value)
    return None if ts is None else ts.astimezone(UTC).isoformat()


def _hash(obj: Any) -> str:
    return hashlib.sha256(
        json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _whole(updated: Any) -> dict[str, Any]:
    """Meta of a conversation read whole from an export: its active path is the export's, and
    an older export read later does not move it (notes/0007, "Exports read out of order")."""
    return {"whole": True, "exported_at": _exported(updated)}


# ---------------------------------------------------------------- ChatGPT


def _chatgpt_text(msg: dict[str, Any]) -> tuple[str, str, bool, dict[str, Any]]:
    """(kind, text, indexed, meta) for one ChatGPT message, by content type on purpose."""
    content = msg.get("content") or {}
    ctype = str(content.get("content_type") or "text")
    role = str((msg.get("author") or {}).get("role") or "unknown")
    meta: dict[str, Any] = {"content_type": ctype}
    parts = content.get("parts") or []
    hidden = bool((msg.get("metadata") or {}).get("is_visually_hidden_from_conversation"))
    recipient = msg.get("recipient") or "all"
    if ctype == "user_editable_context":
        raw = {k: v for k, v in content.items() if k != "content_type"}
        return "context", json.dumps(raw, ensure_ascii=False), False, meta
    if ctype in ("text", "multimodal_text"):
        texts: list[str] = []
        images = 0
        for p in parts:
            if isinstance(p, str):
                texts.append(p)
            elif isinstance(p, dict):
                if p.get("content_type") == "image_asset_pointer" or "asset_pointer" in p:
                    images += 1
                    texts.append("[image]")
                elif isinstance(p.get("text"), str):
                    texts.append(p["text"])
                else:
                    texts.append(f"[{p.get('content_type', 'attachment')}]")
        if images:
            meta["images"] = images
        text = "\n".join(t for t in texts if t)
        if role == "assistant" and recipient != "all":
            meta["recipient"] = recipient
            return "tool_call", text, bool(text.strip()), meta
        if role == "tool":
            meta["tool"] = (msg.get("author") or {}).get("name")
            return "tool_output", text, bool(text.strip()), meta
        kind = "system" if role == "system" else "message"
        return kind, text, bool(text.strip()) and not hidden and role != "system", meta
    if ctype == "code":
        meta["language"] = content.get("language")
        meta["recipient"] = recipient
        return "tool_call", str(content.get("text") or ""), True, meta
    if ctype == "execution_output":
        return "tool_output", str(content.get("text") or ""), True, meta
    if ctype == "thoughts":
        thoughts = content.get("thoughts")
        if isinstance(thoughts, list):
            text = "\n\n".join(
                "\n".join(str(t.get(k) or "") for k in ("summary", "content") if t.get(k))
                for t in thoughts
                if isinstance(t, dict)
            )
        else:
            text = "\n".join(str(p) for p in parts if isinstance(p, str))
        return "thinking", text, bool(text.strip()), meta
    if ctype == "reasoning_recap":
        text = str(content.get("content") or "") or "\n".join(
            str(p) for p in parts if isinstance(p, str)
        )
        return "thinking", text, bool(text.strip()), meta
    # tether_browsing_display, tether_quote, system_error, ...: kept raw, not speech.
    text = str(content.get("text") or "") or "\n".join(str(p) for p in parts if isinstance(p, str))
    return ctype, text, False, meta


def chatgpt_document(conv: dict[str, Any]) -> ParsedDocument:
    mapping = conv.get("mapping")
    if not isinstance(mapping, dict):
        raise ParseError("conversation has no mapping")
    cid = str(conv.get("conversation_id") or conv.get("id") or "")
    title = str(conv.get("title") or "").strip() or "Untitled chat"
    if not cid:
        cid = "anon-" + _hash([title, conv.get("create_time")])[:16]
    current: set[str] = set()
    node = conv.get("current_node")
    guard = 0
    while isinstance(node, str) and node in mapping and guard <= len(mapping):
        current.add(node)
        node = (mapping[node] or {}).get("parent")
        guard += 1
    if not current:  # no usable current_node: the newest leaf is current
        leaves = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("children")]
        newest = max(
            leaves,
            key=lambda k: (mapping[k].get("message") or {}).get("create_time") or 0,
            default=None,
        )
        node = newest
        while isinstance(node, str) and node in mapping and guard <= 2 * len(mapping):
            current.add(node)
            node = (mapping[node] or {}).get("parent")
            guard += 1

    def msg_parent(key: str) -> str | None:
        p = (mapping.get(key) or {}).get("parent")
        seen = 0
        while isinstance(p, str) and p in mapping and seen <= len(mapping):
            if (mapping[p] or {}).get("message"):
                return p
            p = (mapping[p] or {}).get("parent")
            seen += 1
        return None

    # Walk parents before children so timestamps can be inherited.
    order: list[str] = []
    roots = [
        k for k, n in mapping.items() if isinstance(n, dict) and n.get("parent") not in mapping
    ]
    stack = list(reversed(roots))
    visited: set[str] = set()
    while stack:
        k = stack.pop()
        if k in visited or k not in mapping:
            continue
        visited.add(k)
        order.append(k)
        kids = (mapping[k] or {}).get("children") or []
        stack.extend(reversed([c for c in kids if isinstance(c, str)]))
    order += [k for k in mapping if k not in visited]  # orphans, kept

    entries: list[ParsedEntry] = []
    when: dict[str, datetime | None] = {}
    conv_ts = _ts(conv.get("create_time"))
    for pos, key in enumerate(order):
        n = mapping.get(key) or {}
        msg = n.get("message") if isinstance(n, dict) else None
        parent_key = msg_parent(key)
        if not isinstance(msg, dict):
            when[key] = when.get(parent_key or "") or conv_ts
            continue
        own = _ts(msg.get("create_time"))
        inherited = when.get(parent_key) if parent_key else conv_ts
        ts = own if own is not None else inherited
        if ts is not None and inherited is not None and ts < inherited:
            ts = inherited  # non-monotonic: a reply is never older than what it answers
        when[key] = ts
        kind, text, indexed, meta = _chatgpt_text(msg)
        role = str((msg.get("author") or {}).get("role") or "unknown")
        if meta.get("tool"):
            role = f"tool:{meta['tool']}"
        if (msg.get("metadata") or {}).get("is_visually_hidden_from_conversation"):
            meta["hidden"] = True
            indexed = False
        entries.append(
            ParsedEntry(
                key=str(msg.get("id") or key),
                kind=kind,
                text=text,
                position=pos,
                title=role,
                author=role,
                timestamp=ts,
                parent_key=parent_key,
                on_current_path=key in current,
                indexed=indexed,
                tags=tag_text(text) if indexed else (),
                meta=meta,
            )
        )
    links = _sibling_revisions(entries)
    return ParsedDocument(
        kind=DOC_CHAT,
        external_id=f"chatgpt:{cid}",
        title=title,
        # the title too: a conversation renamed in the account is not "the same" (QA, s. 13)
        content_sha256=_hash([title, [[e.key, e.text, e.on_current_path] for e in entries]]),
        timestamp=conv_ts,
        entries=entries,
        links=links,
        versioned=False,
        meta={
            "provider": "chatgpt",
            "model": conv.get("default_model_slug"),
            **_whole(conv.get("update_time")),
        },
    )


def _sibling_revisions(entries: list[ParsedEntry]) -> list[ParsedLink]:
    """Siblings with the same role under one parent: the later revises the earlier (user
    siblings are edits, assistant siblings regenerations)."""
    groups: dict[tuple[str | None, str], list[ParsedEntry]] = {}
    for e in entries:
        # parentless siblings too: an edit of a chat's very first message hangs from a root
        # node that holds no message (QA, session 16: it was not linked as a revision)
        if e.kind not in ("message", "thinking", "tool_call"):
            continue
        if e.meta.get("part_of"):  # a block of another message, not an alternative to it
            continue
        groups.setdefault((e.parent_key, str(e.author)), []).append(e)
    links = []
    epoch = datetime.min.replace(tzinfo=UTC)
    for sibs in groups.values():
        sibs.sort(key=lambda e: (e.timestamp or epoch, e.position))
        for older, newer in itertools.pairwise(sibs):
            links.append(ParsedLink("revises", newer.key, older.key))
    return links


# ---------------------------------------------------------------- Claude

_ARTIFACT = re.compile(r"<antArtifact\b([^>]*)>(.*?)</antArtifact>", re.DOTALL)
_THINKING = re.compile(r"<antThinking>(.*?)</antThinking>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _claude_blocks(m: dict[str, Any]) -> tuple[str, list[tuple[str, str, dict[str, Any]]]]:
    """(speech text, extra entries as (kind, text, meta)) for one Claude message."""
    extra: list[tuple[str, str, dict[str, Any]]] = []
    content = m.get("content")
    if isinstance(content, list) and content:
        texts = []
        for b in content:
            if not isinstance(b, dict):
                continue
            t = b.get("type")
            if t == "text":
                texts.append(str(b.get("text") or ""))
            elif t == "thinking":
                extra.append(("thinking", str(b.get("thinking") or b.get("text") or ""), {}))
            elif t == "tool_use":
                body = json.dumps(b.get("input"), ensure_ascii=False, default=str)
                extra.append(
                    ("tool_call", f"{b.get('name', 'tool')}: {body}", {"tool": b.get("name")})
                )
            elif t == "tool_result":
                inner = b.get("content")
                if isinstance(inner, list):
                    body = "\n".join(str(x.get("text") or "") for x in inner if isinstance(x, dict))
                else:
                    body = str(inner or "")
                extra.append(("tool_output", body, {}))
        text = "\n".join(texts)
    else:
        text = str(m.get("text") or "")
    for th in _THINKING.finditer(text):
        extra.append(("thinking", th.group(1).strip(), {"inline": True}))
    text = _THINKING.sub("", text)

    def artifact(mt: re.Match[str]) -> str:
        attrs = dict(_ATTR.findall(mt.group(1)))
        title = attrs.get("title") or attrs.get("identifier") or "artifact"
        extra.append(("artifact", mt.group(2).strip(), {"title": title, **attrs}))
        return f"[artifact: {title}]"

    text = _ARTIFACT.sub(artifact, text)
    return text.strip(), extra


def _add(
    entries: list[ParsedEntry],
    base: dict[str, Any],
    key: str,
    kind: str,
    body: str,
    label: str,
    parent_key: str | None,
    tags: tuple[str, ...],
    meta: dict[str, Any],
) -> None:
    entries.append(
        ParsedEntry(
            key=key,
            kind=kind,
            text=body,
            position=len(entries),
            title=label,
            parent_key=parent_key,
            indexed=bool(body.strip()),
            tags=tags,
            meta=meta,
            **base,
        )
    )


def claude_document(conv: dict[str, Any]) -> ParsedDocument:
    msgs = conv.get("chat_messages")
    if not isinstance(msgs, list):
        raise ParseError("conversation has no chat_messages")
    uuid = str(conv.get("uuid") or "")
    title = str(conv.get("name") or "").strip() or "Untitled chat"
    if not uuid:
        uuid = "anon-" + _hash([title, conv.get("created_at")])[:16]
    epoch = datetime.min.replace(tzinfo=UTC)
    ms = [m for m in msgs if isinstance(m, dict)]
    # The export's list is not in order: sort by time; on ties a human turn comes first.
    ms.sort(
        key=lambda m: (_ts(m.get("created_at")) or epoch, 0 if m.get("sender") == "human" else 1)
    )
    ids = {str(m.get("uuid")) for m in ms}
    has_tree = any(m.get("parent_message_uuid") in ids for m in ms)
    parent: dict[str, str | None] = {}
    prev: str | None = None
    for m in ms:
        k = str(m.get("uuid"))
        pk = m.get("parent_message_uuid")
        parent[k] = str(pk) if has_tree and pk in ids else (None if has_tree else prev)
        prev = k
    children = {p for p in parent.values() if p}
    leaves = [str(m.get("uuid")) for m in ms if str(m.get("uuid")) not in children]
    current: set[str] = set()
    node = leaves[-1] if leaves else None  # the newest leaf is current
    while node is not None and node not in current:
        current.add(node)
        node = parent.get(node)
    entries: list[ParsedEntry] = []
    for m in ms:
        k = str(m.get("uuid"))
        role = "user" if m.get("sender") == "human" else str(m.get("sender") or "unknown")
        ts = _ts(m.get("created_at"))
        text, extra = _claude_blocks(m)
        meta: dict[str, Any] = {}
        files = m.get("files") or m.get("attachments")
        if files:
            meta["files"] = [
                str(f.get("file_name") or f) if isinstance(f, dict) else str(f) for f in files
            ][:50]

        # Thinking comes before the answer it led to; artifacts and tool blocks after it.
        base = {"author": role, "timestamp": ts, "on_current_path": k in current}
        for i, (kind, body, emeta) in enumerate(e for e in extra if e[0] == "thinking"):
            _add(
                entries,
                base,
                f"{k}:thinking:{i}",
                kind,
                body,
                role,
                parent[k],
                tag_text(body),
                {**emeta, "part_of": k},
            )
        _add(entries, base, k, "message", text, role, parent[k], tag_text(text), meta)
        for i, (kind, body, emeta) in enumerate(e for e in extra if e[0] != "thinking"):
            label = f"{role} {kind}" + (f": {emeta['title']}" if emeta.get("title") else "")
            _add(
                entries, base, f"{k}:{kind}:{i}", kind, body, label, k, (), {**emeta, "part_of": k}
            )
    return ParsedDocument(
        kind=DOC_CHAT,
        external_id=f"claude:{uuid}",
        title=title,
        content_sha256=_hash([title, [[e.key, e.text, e.on_current_path] for e in entries]]),
        timestamp=_ts(conv.get("created_at")),
        entries=entries,
        links=_sibling_revisions(entries),
        versioned=False,
        meta={"provider": "claude", **_whole(conv.get("updated_at"))},
    )


def claude_project(p: dict[str, Any]) -> ParsedDocument:
    uuid = str(p.get("uuid") or _hash(p)[:16])
    name = str(p.get("name") or "Claude project")
    entries = []
    if p.get("description") or p.get("prompt_template"):
        body = "\n\n".join(str(p.get(k) or "") for k in ("description", "prompt_template"))
        entries.append(ParsedEntry("description", "project_doc", body.strip(), 0, name))
    for i, d in enumerate(p.get("docs") or []):
        if isinstance(d, dict):
            entries.append(
                ParsedEntry(
                    str(d.get("uuid") or f"doc{i}"),
                    "project_doc",
                    str(d.get("content") or ""),
                    i + 1,
                    f"{name} > {d.get('filename') or 'document'}",
                    timestamp=_ts(d.get("created_at")),
                )
            )
    return ParsedDocument(
        kind="chat_project",
        external_id=f"claude-project:{uuid}",
        title=name,
        content_sha256=_hash(p),
        timestamp=_ts(p.get("created_at")),
        entries=entries,
        versioned=True,
        meta={"provider": "claude"},
    )


# ---------------------------------------------------------------- the parser


def conversation_document(conv: Any) -> ParsedDocument:
    if not isinstance(conv, dict):
        raise ParseError(f"expected a conversation object, found {type(conv).__name__}")
    if "mapping" in conv:
        return chatgpt_document(conv)
    if "chat_messages" in conv:
        return claude_document(conv)
    raise ParseError("neither a ChatGPT conversation (mapping) nor a Claude one (chat_messages)")


def _label(conv: Any, i: int) -> str:
    if isinstance(conv, dict):
        ident = conv.get("conversation_id") or conv.get("id") or conv.get("uuid")
        title = conv.get("title") or conv.get("name")
        return f"conversation {i + 1} ({ident or title or 'no id'})"
    return f"item {i + 1}"


def conversations(stream: BinaryIO, what: str) -> Iterator[Item]:
    n = 0
    try:
        for i, conv in enumerate(json_items(stream, what)):
            n += 1
            try:
                yield conversation_document(conv)
            except (ParseError, TypeError, ValueError, KeyError, AttributeError) as exc:
                yield ParseProblem(_label(conv, i), str(exc))
    except ijson.JSONError as exc:
        if n == 0:
            raise ParseError(f"{what}: not valid JSON ({exc})") from exc
        yield ParseProblem(f"{what} after conversation {n}", f"JSON ends early or breaks: {exc}")


class ChatExportParser:
    name = "chat-export"
    streaming = True  # many conversations per file: the writer lock is taken per conversation

    def score(self, name: str, head: bytes) -> int | None:
        lower = name.lower()
        if lower.endswith(".zip"):
            return 60 if (not head or head.startswith(b"PK")) else None
        if lower.endswith(".json"):
            if not head:
                return 40
            h = head[:4096]
            if b'"mapping"' in h or b'"chat_messages"' in h or b'"current_node"' in h:
                return 80
            return 30  # an export whose first conversation is long: still ours to try
        return None

    def parse(self, stream: BinaryIO, *, origin: Origin) -> Iterator[Item]:
        if origin.name.lower().endswith(".zip"):
            zf = open_zip(stream)
            with zf:
                member = zip_member(zf, "conversations.json")
                if member is None:
                    raise ParseError("the zip holds no conversations.json (not a chat export?)")
                yield from conversations(member, "conversations.json")
                projects = zip_member(zf, "projects.json")
                if projects is not None:
                    for i, p in enumerate(json_items(projects, "projects.json")):
                        try:
                            if isinstance(p, dict):
                                yield claude_project(p)
                        except (TypeError, ValueError, KeyError, AttributeError) as exc:
                            yield ParseProblem(f"project {i + 1}", str(exc))
            return
        yield from conversations(stream, origin.name)
