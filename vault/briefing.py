"""The SQL behind the morning briefing (``trailkeep.recall.brief``): recent mail and notes, open
questions, what arrived since a moment, inbox health, and the last visit.

Scope (notes/0013-attribution-and-scope.md): every function takes ``client`` — a clients.toml
id confines it to that client's scope (its own entries and general ones, ``*``), exactly as
``Filters(client=...)`` does; ``None`` is the user's whole vault. Mail in a *client's* thread is
mail whose scope is a client id: unattributed (``?``) and mixed (``!``) mail is no client's.
"Arrived" is when trailkeep first saw the file (``source.created_at``), not the date written
in it. Readers never take the writer lock; :func:`set_last_visit` is the one write.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from .ownership import count_unattributed, get_state, set_state
from .query import SHOWN_TAGS_SQL
from .records import (
    AUTO_SUBJECT,
    OPEN_PROBLEM,
    SCOPE_GENERAL,
    SCOPE_MIXED,
    SCOPE_UNATTRIBUTED,
    STATE_INFERRED_ME,
    Hit,
    db_ts,
    from_utc,
    inferred_from_state,
    iso,
)
from .store import Vault

LAST_VISIT = "brief_last_visit"
# Kinds of a note's entries that are not prose: front matter, work lines, empty stubs.
NOT_PROSE = ("front_matter", "work", "stub", "tool_result", "context")


@dataclass(frozen=True)
class TextRow:
    """One entry with what the briefing shows of it."""

    entry_id: int
    document_id: int
    document: str
    document_kind: str
    kind: str
    key: str
    author: str  # email: the sender's address, lower case
    sender: str  # email: "Name <address>" (or the address)
    timestamp: datetime | None  # aware, in the entry's own offset
    position: int
    scope: str
    client: str | None
    title: str
    text: str
    source: str | None  # the file it came from
    automated: bool = False  # email a machine wrote: an auto-reply, a list, a bounce
    recipients: tuple[str, ...] = ()  # email: To and Cc addresses, lower case
    replies_to: tuple[str, ...] = ()  # email: the Message-IDs it answers (In-Reply-To)

    def as_hit(self, quote: str = "") -> Hit:
        """This entry as a search hit (its current version): the quote given, else the text."""
        return Hit(
            score=0.0,
            chunk_id=0,
            document_id=self.document_id,
            document=self.document,
            entry_id=self.entry_id,
            version=1,
            timestamp=self.timestamp,
            client=self.client,
            kind=self.kind,
            current=True,
            quote=quote or self.text,
            source=self.source,
            document_kind=self.document_kind,
            title=self.title,
        )


_COLUMNS = (
    "e.id, e.document_id, d.title, d.kind, e.kind, e.key, e.author, e.meta, e.ts, "
    "e.tz_offset_min, e.position, e.scope, e.client_id, e.title, e.text, COALESCE(es.name, s.name)"
)
_JOINS = (
    "JOIN document d ON d.id = e.document_id JOIN version v ON v.id = e.version_id "
    "LEFT JOIN source s ON s.id = v.source_id LEFT JOIN source es ON es.id = e.source_id"
)


def _row(r: Any) -> TextRow:
    meta = json.loads(r[7] or "{}")
    sender = ""
    frm = meta.get("from") if isinstance(meta, dict) else None
    if isinstance(frm, list) and frm and isinstance(frm[0], list) and len(frm[0]) == 2:
        name, addr = str(frm[0][0] or ""), str(frm[0][1] or "")
        sender = f"{name} <{addr}>" if name and addr else (addr or name)
    return TextRow(
        entry_id=int(r[0]),
        document_id=int(r[1]),
        document=str(r[2] or ""),
        document_kind=str(r[3]),
        kind=str(r[4]),
        key=str(r[5]),
        author=str(r[6] or "").lower(),
        sender=sender or str(r[6] or ""),
        timestamp=from_utc(r[8], r[9]),
        position=int(r[10] or 0),
        scope=str(r[11]),
        client=r[12],
        title=str(r[13] or ""),
        text=str(r[14] or ""),
        source=r[15],
        automated=isinstance(meta, dict)
        and (
            bool(meta.get("automated")) or bool(AUTO_SUBJECT.match(str(meta.get("subject") or "")))
        ),
        recipients=_recipients(meta),
        replies_to=_ids_in(meta, "in_reply_to"),
    )


def _ids_in(meta: object, key: str) -> tuple[str, ...]:
    value = meta.get(key) if isinstance(meta, dict) else None
    return tuple(str(x) for x in value if x) if isinstance(value, list) else ()


def _recipients(meta: object) -> tuple[str, ...]:
    if not isinstance(meta, dict):
        return ()
    out = []
    for field in ("to", "cc"):
        for pair in meta.get(field) or []:
            if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1]:
                out.append(str(pair[1]).strip().lower())
    return tuple(out)


def _scope_sql(client: str | None, p: dict[str, Any], mail_only_clients: bool = False) -> str:
    """The scope condition on ``e``: the client's scope, or (no client) everything — or, for
    mail threads, every entry that belongs to some client."""
    if client:
        p["sc"] = client
        if mail_only_clients:  # mail the user called general is no client's thread (QA)
            return "e.scope = :sc"
        return f"e.scope IN (:sc, '{SCOPE_GENERAL}')"
    if mail_only_clients:
        return f"e.scope NOT IN ('{SCOPE_GENERAL}', '{SCOPE_UNATTRIBUTED}', '{SCOPE_MIXED}')"
    return "TRUE"


def _rows(vault: Vault, where: str, p: dict[str, Any], tail: str = "") -> list[TextRow]:
    sql = f"SELECT {_COLUMNS} FROM entry e {_JOINS} WHERE {where} {tail}"
    with vault.engine.connect() as c:
        return [_row(r) for r in c.execute(text(sql), p)]


# ---------------------------------------------------------------------------------- people
def own_addresses(vault: Vault) -> frozenset[str]:
    """The user's own addresses: ``[me] emails`` and those inferred from the mail — the same
    set as ``trailkeep.ingest.reattribution.my_addresses``."""
    inferred = {k.lower() for k in inferred_from_state(get_state(vault, STATE_INFERRED_ME))}
    inferred -= set(vault.settings.me_not)  # `me --remove`: never the user's
    return frozenset(inferred | {a.lower() for a in vault.settings.me_emails})


def own_names(vault: Vault) -> list[str]:
    """The user's own names: ``[me] name`` and the display names their own addresses sent
    mail under ("Sam Keller <sam@…>: subject" is stored as the message's title) — a person's
    name of at most four words, nothing else ("Sam | Keller Consulting" is not taken)."""
    names = [vault.settings.me_name] if vault.settings.me_name else []
    addrs = tuple(sorted(own_addresses(vault)))
    if not addrs:
        return names
    with vault.engine.connect() as c:
        newest = int(c.execute(text("SELECT COALESCE(MAX(id), 0) FROM entry")).scalar_one())
        cached = _OWN_NAMES.get(vault)
        if cached is not None and cached[:2] == (newest, addrs):
            found = cached[2]
        else:
            marks = ",".join(f":a{i}" for i in range(len(addrs)))
            sql = (
                f"SELECT MIN(title) FROM entry WHERE kind = 'email' AND lower(author) IN "
                f"({marks}) GROUP BY lower(author)"
            )
            rows = c.execute(text(sql), {f"a{i}": a for i, a in enumerate(addrs)}).all()
            found = [str(t or "").split(" <", 1)[0].strip().strip('"') for (t,) in rows]
            found = [n for n in found if _PERSON.fullmatch(n)]
            _OWN_NAMES[vault] = (newest, addrs, found)
    return names + [n for n in found if n not in names]


_PERSON = re.compile(r"[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){0,3}")
# per vault: (newest entry id, own addresses, names) — every question asks
_OWN_NAMES: weakref.WeakKeyDictionary[Vault, tuple[int, tuple[str, ...], list[str]]] = (
    weakref.WeakKeyDictionary()
)


# ---------------------------------------------------------------------------------- text
def client_mail(
    vault: Vault, since: datetime, until: datetime, client: str | None
) -> list[TextRow]:
    """Every email message written in [since, until) in a client's thread (``client``: in
    that client's scope), by thread, oldest first — with empty bodies (a reply is a reply)."""
    p: dict[str, Any] = {"a": db_ts(since), "b": db_ts(until)}
    where = (
        "e.kind = 'email' AND d.kind = 'email' AND e.current AND e.ts >= :a AND e.ts < :b AND "
        + _scope_sql(client, p, mail_only_clients=True)
    )
    return _rows(vault, where, p, "ORDER BY e.document_id, e.ts, e.id")


def thread_ends(
    vault: Vault,
    document_ids: Sequence[int],
    keep: Callable[[TextRow], bool] | None = None,
) -> dict[int, TextRow]:
    """The last message of each of these threads, whoever's scope it is in — only to tell who
    wrote last (a reply to two clients is in neither's scope, and still answers the thread:
    QA, session 13). Its text is not for showing. ``keep``: the messages that count (a
    briefing of a past day: those written by then — QA, session 20: a reply that came after
    it made my own message look like one waiting on me)."""
    out: dict[int, TextRow] = {}
    ids = sorted({int(d) for d in document_ids})
    for i in range(0, len(ids), 500):
        marks = ",".join(str(x) for x in ids[i : i + 500])
        where = (
            f"e.kind = 'email' AND e.current AND e.document_id IN ({marks}) AND e.ts IS NOT NULL"
        )
        for r in _rows(vault, where, {}, "ORDER BY e.document_id, e.ts, e.id"):
            if not r.automated and (keep is None or keep(r)):
                out[r.document_id] = r  # an out-of-office after a reply answers nothing
    return out


def thread_ends_before(vault: Vault, until: datetime, client: str | None) -> list[TextRow]:
    """The last message of every client email thread (``client``: in that client's scope)
    that has no message since ``until``: the threads older than the briefing reads."""
    p: dict[str, Any] = {"b": db_ts(until)}
    where = (
        "e.kind = 'email' AND d.kind = 'email' AND e.current AND e.ts < :b AND NOT EXISTS ("
        "SELECT 1 FROM entry x WHERE x.document_id = e.document_id AND x.kind = 'email' AND "
        "x.current AND (x.ts > e.ts OR (x.ts = e.ts AND x.id > e.id))) AND "
        + _scope_sql(client, p, mail_only_clients=True)
    )
    return _rows(vault, where, p, "ORDER BY e.ts, e.id")


def recent_notes(
    vault: Vault, since: datetime, until: datetime, client: str | None
) -> list[TextRow]:
    """Current prose sections of notes dated in [since, until), oldest first."""
    quiet = ", ".join(f"'{k}'" for k in NOT_PROSE)
    p: dict[str, Any] = {"a": db_ts(since), "b": db_ts(until)}
    where = (
        "d.kind = 'note' AND e.current AND e.indexed AND e.ts >= :a AND e.ts < :b "
        f"AND e.kind NOT IN ({quiet}) AND " + _scope_sql(client, p)
    )
    return _rows(vault, where, p, "ORDER BY e.ts, e.id")


def open_questions(
    vault: Vault, client: str | None, limit: int = 50, until: datetime | None = None
) -> list[TextRow]:
    """Current entries tagged ``open_question`` with no later ``decision`` in the same
    document (later: a later time, or the same time and a later position), newest first;
    with ``until``, those written before it (a briefing for May 1 listed June's question)."""
    p: dict[str, Any] = {"n": limit}
    where = (
        # a draft (an offline worksheet quotes the client's questions) is not an open question
        f"{_written_before(until, p)}e.current AND e.indexed AND d.kind <> 'draft' AND EXISTS ("
        "SELECT 1 FROM entry_tag t WHERE t.entry_id = e.id "
        f"AND t.tag = 'open_question' AND t.{SHOWN_TAGS_SQL}) AND NOT EXISTS ("
        "SELECT 1 FROM entry x JOIN entry_tag tx ON tx.entry_id = x.id "
        f"WHERE x.document_id = e.document_id AND x.current AND tx.tag = 'decision' "
        f"AND tx.{SHOWN_TAGS_SQL} AND (x.ts > e.ts OR (x.ts = e.ts AND x.position > e.position)))"
        " AND " + _scope_sql(client, p)
    )
    rows = _rows(vault, where, p, "ORDER BY e.ts DESC, e.id DESC LIMIT :n")
    from .query import entry_cues

    cues = entry_cues(vault, [r.entry_id for r in rows])
    return [r for r in rows if not decided_within(r.text, cues.get(r.entry_id, []))]


def decided_within(text: str, cues: Sequence[dict[str, Any]]) -> bool:
    """Is every open question of an entry followed, before the next one, by a decision of the
    same entry? ("Open question: monthly or quarterly invoices? Decided: monthly." — QA,
    session 20: listed as open.) ``cues``: the entry's shown cue sentences (tag, sentence)."""

    def at(tag: str) -> list[int]:
        return sorted(i for c in cues if c["tag"] == tag and (i := text.find(c["sentence"])) >= 0)

    asked, decided = at("open_question"), at("decision")
    if not asked or not decided:
        return False
    ends = [*asked[1:], len(text) + 1]
    return all(any(q < d < end for d in decided) for q, end in zip(asked, ends, strict=True))


def _written_before(until: datetime | None, p: dict[str, Any]) -> str:
    """The SQL that keeps entries written before ``until`` ("" without one), ending in AND."""
    if until is None:
        return ""
    p["u"] = db_ts(until)
    return "e.ts < :u AND "


def decisions_between(
    vault: Vault, client: str | None, after: datetime, until: datetime | None, limit: int = 200
) -> list[TextRow]:
    """Current entries tagged ``decision`` written after ``after`` (and before ``until``) in
    the scope, oldest first: what may have settled an open question of another document."""
    p: dict[str, Any] = {"a": db_ts(after), "n": limit}
    where = (
        f"e.ts > :a AND {_written_before(until, p)}e.current AND e.indexed "
        "AND d.kind <> 'draft' AND EXISTS "
        "(SELECT 1 FROM entry_tag t WHERE t.entry_id = e.id AND t.tag = 'decision' "
        f"AND t.{SHOWN_TAGS_SQL}) AND " + _scope_sql(client, p)
    )
    return _rows(vault, where, p, "ORDER BY e.ts, e.id LIMIT :n")


# ---------------------------------------------------------------------------------- arrivals
_ARRIVED = "COALESCE(es.created_at, s.created_at)"


def tagged_since(
    vault: Vault,
    since: datetime,
    tags: Sequence[str],
    client: str | None,
    limit: int = 200,
    until: datetime | None = None,
) -> list[tuple[str, TextRow]]:
    """(tag, entry) for current entries carrying one of ``tags`` that arrived since ``since``
    (and before ``until``), in time order."""
    p: dict[str, Any] = {"a": db_ts(since), "n": limit}
    before = ""
    if until is not None:
        p["u"] = db_ts(until)
        before = f"AND {_ARRIVED} < :u "
    names = []
    for i, t in enumerate(tags):
        names.append(f":t{i}")
        p[f"t{i}"] = t
    sql = (
        f"SELECT tg.tag, {_COLUMNS} FROM entry e {_JOINS} JOIN entry_tag tg ON tg.entry_id = e.id "
        f"WHERE tg.tag IN ({', '.join(names)}) AND tg.{SHOWN_TAGS_SQL} AND e.current "
        f"AND e.indexed AND d.kind <> 'draft' AND {_ARRIVED} >= :a {before}"
        f"AND {_scope_sql(client, p)} "
        "ORDER BY e.ts, e.id LIMIT :n"
    )
    with vault.engine.connect() as c:
        return [(str(r[0]), _row(tuple(r)[1:])) for r in c.execute(text(sql), p)]


@dataclass(frozen=True)
class Arrival:
    document_id: int
    document: str
    kind: str
    client: str | None
    what: str  # "new", "new_version", "new_messages"
    version: int  # the newest version that arrived (1 for mail and chats)
    messages: int  # messages that arrived: mail in a thread, turns in a chat or a session
    source: str | None  # the newest file that brought it
    arrived: datetime


def arrivals(
    vault: Vault,
    since: datetime,
    client: str | None,
    limit: int = 500,
    until: datetime | None = None,
) -> list[Arrival]:
    """Documents that arrived since ``since`` (and before ``until``: ``new``), got a version
    (``new_version``) or messages (``new_messages``: mail in a thread, turns in a chat or a
    session), newest first. With ``client``: documents holding a current entry in the client's
    scope."""
    p: dict[str, Any] = {"a": db_ts(since), "n": limit}
    before = ""
    if until is not None:
        p["u"] = db_ts(until)
        before = "AND s2.created_at < :u "
    scoped = ""
    if client:
        p["sc"] = client
        scoped = (
            "AND EXISTS (SELECT 1 FROM entry x WHERE x.document_id = d.id AND x.current "
            f"AND x.scope IN (:sc, '{SCOPE_GENERAL}'))"
        )
    sql = (
        "SELECT d.id, d.title, d.kind, d.client_id, MIN(s.created_at), MAX(s.created_at) "
        "FROM document d JOIN source_document sd ON sd.document_id = d.id "
        "JOIN source s ON s.id = sd.source_id WHERE d.id IN (SELECT sd2.document_id FROM "
        "source_document sd2 JOIN source s2 ON s2.id = sd2.source_id WHERE s2.created_at >= :a "
        f"{before}) "
        f"{scoped} GROUP BY d.id, d.title, d.kind, d.client_id ORDER BY MAX(s.created_at) DESC "
        "LIMIT :n"
    )
    with vault.engine.connect() as c:
        docs = c.execute(text(sql), p).all()
        if not docs:
            return []
        marks = ",".join(str(int(r[0])) for r in docs)
        newest = {
            int(r[0]): (int(r[1]), r[2])
            for r in c.execute(
                text(
                    "SELECT v.document_id, v.number, s.name FROM version v JOIN source s "
                    f"ON s.id = v.source_id WHERE v.document_id IN ({marks}) "
                    "AND s.created_at >= :a ORDER BY v.document_id, s.created_at, v.id"
                ),
                p,
            )
        }
        mail = {
            int(r[0]): (int(r[1]), r[2])
            for r in c.execute(
                text(
                    "SELECT e.document_id, COUNT(*), MAX(es.name) FROM entry e JOIN source es "
                    f"ON es.id = e.source_id WHERE e.document_id IN ({marks}) "
                    "AND e.kind IN ('email', 'message') AND es.created_at >= :a "
                    "GROUP BY e.document_id"
                ),
                p,
            )
        }
    out = []
    for r in docs:
        doc_id, first, last = int(r[0]), from_utc(r[4], 0), from_utc(r[5], 0)
        assert first is not None and last is not None
        number, name = newest.get(doc_id, (1, None))
        msgs, msg_source = mail.get(doc_id, (0, None))
        if first >= since.astimezone(UTC):
            what = "new"
        elif r[2] == "email":
            if not msgs:
                continue  # the same file again, nothing new in it
            what = "new_messages"
        elif doc_id in newest:
            what = "new_version"
        elif msgs:
            # turns added to a chat re-exported, or to a session in place: new messages, as in
            # a mail thread (QA, session 20: they were not listed)
            what = "new_messages"
        else:
            continue  # seen again (a copy, a re-export), nothing new
        title = str(r[1] or "")
        out.append(
            Arrival(doc_id, title, str(r[2]), r[3], what, number, msgs, msg_source or name, last)
        )
    return out


# ---------------------------------------------------------------------------------- health
def failures(vault: Vault, limit: int = 200) -> list[dict[str, str]]:
    """Files that failed or were only partly read: file name, status, the reason."""
    with vault.engine.connect() as c:
        return [
            {"source": str(r[0]), "status": str(r[1]), "error": str(r[2] or "")}
            for r in c.execute(
                text(
                    f"SELECT name, status, error FROM source WHERE {OPEN_PROBLEM} "
                    "ORDER BY updated_at DESC, id DESC LIMIT :n"
                ),
                {"n": limit},
            )
        ]


def unattributed(vault: Vault) -> int:
    return count_unattributed(vault)


# ---------------------------------------------------------------------------------- visits
def last_visit(vault: Vault) -> datetime | None:
    """When the user last read the briefing (``trailkeep brief`` without ``--json``)."""
    raw = get_state(vault, LAST_VISIT)
    try:
        at = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return None if at is None else (at if at.tzinfo else at.replace(tzinfo=UTC))


def set_last_visit(vault: Vault, at: datetime) -> None:
    set_state(vault, LAST_VISIT, iso(at) or "")


__all__ = [
    "LAST_VISIT",
    "Arrival",
    "TextRow",
    "arrivals",
    "client_mail",
    "failures",
    "last_visit",
    "open_questions",
    "own_addresses",
    "own_names",
    "recent_notes",
    "set_last_visit",
    "tagged_since",
    "thread_ends",
    "thread_ends_before",
    "unattributed",
]
