"""Plain records that cross the vault boundary. No SQL types leak out of the vault.

Parsers (in ``ingest``) produce :class:`ParsedDocument`; the vault stores them and answers
queries with :class:`Hit` and friends.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# Document kinds and entry kinds are open strings; these are the ones trailkeep writes itself.
DOC_NOTE = "note"
DOC_CHAT = "chat"
DOC_EMAIL = "email"
DOC_DRAFT = "draft"
DRAFTS_DIR = "drafts"  # where drafts are written, in the home beside the vault (ui/drafts.py)
INVOICES_DIR = "invoices"  # where `invoice render` writes files by default (ui/cli/billing.py)
DOC_SESSION = "session"  # a coding-agent session (Claude Code, Codex), read in place

# The subject of mail a machine wrote in reply (an out-of-office, a bounce): the parser records
# why a message is automated (``meta.automated``, its headers first); mail stored before it did
# is known by this subject alone.
AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (?:the )?office|"
    r"undeliverable|delivery status notification|mail delivery failed|"
    # Outlook and others in the client's language (QA, session 13: a German out-of-office was
    # "waiting on you" with its "until March 9" listed as a date)
    r"automatische antwort|abwesenheitsnotiz|r[ée]ponse automatique|absence du bureau|"
    r"respuesta autom[áa]tica|fuera de la oficina|risposta automatica|resposta autom[áa]tica|"
    r"automatisch antwoord|automatiskt svar|automatisk svar|automaattinen vastaus|autosvar|"
    r"odpowied[źz] automatyczna|automatick[áa] odpov[ěe]d[’']?|自動応答|自动回复|自動回覆)",
    re.IGNORECASE,
)

# An entry's scope: which client's drafts, answers and tools may see it
# (notes/0013-attribution-and-scope.md). Otherwise a client id: that client's only.
SCOPE_GENERAL = "*"  # the user's own material, naming no client: every client's
SCOPE_UNATTRIBUTED = "?"  # nobody could be resolved (mail, sessions, unknown labels): nobody's
SCOPE_MIXED = "!"  # in a document or text of several clients, with no client of its own: nobody's

# What the review queue offers: entries nobody could be resolved for (``?``), and messages,
# note sections and chat turns naming several clients (``!``: in no client's scope until the
# user gives one to a client; E2E trial, session 25: a held section was never mentioned).
# Attachments follow their message.
REVIEWABLE = (
    "e.current AND ((e.scope = '?' AND (e.indexed OR e.kind = 'work')) "
    "OR (e.scope = '!' AND e.indexed AND e.kind NOT IN ('work', 'attachment')))"
)

SOURCE_STATUSES = ("pending", "ingested", "duplicate", "partial", "failed", "forgotten")
# A failed or partly read source is a problem to show and retry until its path is read again
# (a truncated export completed, a session read past its half-written line): then it is
# history. SQL over the unaliased ``source`` table.
OPEN_PROBLEM = (
    "source.status IN ('failed', 'partial') AND NOT EXISTS (SELECT 1 FROM source later "
    "WHERE later.path = source.path AND later.id > source.id "
    "AND later.status IN ('ingested', 'duplicate', 'partial'))"
)


# vault_meta key: what names each client clients.toml listed (JSON: id -> {projects, people,
# domains, emails}), those it no longer lists included (vault/documents.sync_clients)
CLIENT_MARKERS = "client_markers"
# vault_meta key of the own addresses inferred at the last attribution (ingest writes it, the
# briefing reads it)
STATE_INFERRED_ME = "me_inferred"


def inferred_from_state(raw: str | None) -> dict[str, str]:
    """The user's addresses inferred from the mail, as stored in ``vault_meta`` (JSON:
    address -> why); anything unreadable is none."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# Entry kinds kept but left out of search unless asked for by --kind: a coding agent's tool
# output excerpts and the instructions injected into its sessions (AGENTS.md, environment).
NOT_SEARCHED_BY_DEFAULT = ("tool_result", "context")

LINK_KINDS = ("reply_to", "revises", "supersedes", "continues", "child_of")
TAGS = ("decision", "dead_end", "open_question", "revision")


@dataclass(frozen=True)
class Origin:
    """Where a byte stream came from, as far as a parser may know it.

    ``identity`` is the note identity fallback (path relative to the inbox, or the absolute path);
    ``mtime`` is the file's modification time, used only when the content carries no date.
    """

    name: str
    identity: str
    mtime: datetime | None = None
    # the clients' ids, names and aliases (lower case) when the file was read: a work line
    # written with a dash ("- 2h acme — …") is work only under a label that is a client's
    labels: frozenset[str] = frozenset()


@dataclass(slots=True)
class ParsedEntry:
    key: str  # stable within its document: section path, provider message id, ...
    kind: str  # section, message, thinking, artifact, email, ...
    text: str
    position: int
    title: str = ""  # section path / speaker line: the context a chunk needs to stand alone
    author: str | None = None
    timestamp: datetime | None = None
    parent_key: str | None = None
    on_current_path: bool = True
    indexed: bool = True  # False: kept raw, never chunked (hidden system nodes, ...)
    client: str | None = None
    tags: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    scope: str | None = None  # set by attribution; None: the client, else unattributed


@dataclass(frozen=True)
class ParsedLink:
    kind: str
    from_key: str
    to_key: str


@dataclass
class ParsedDocument:
    kind: str
    external_id: str
    title: str
    content_sha256: str  # hash of the canonical content that makes a version
    timestamp: datetime | None
    entries: list[ParsedEntry]
    links: list[ParsedLink] = field(default_factory=list)
    client: str | None = None
    project: str | None = None
    versioned: bool = True  # notes: new content = new version; chats/emails: entries accumulate
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseProblem:
    """A part of a file that could not be parsed (one conversation of an export, one message of
    an mbox). Parsers yield it and go on; the source is then recorded ``partial``."""

    where: str
    error: str


@dataclass(frozen=True)
class ChunkSpec:
    entry_key: str
    ord: int
    text: str  # the span of the entry text (what a citation quotes)
    context: str  # title / section path / speaker, prefixed for embedding and keywords
    start: int
    end: int


@dataclass(frozen=True)
class WriteResult:
    document_id: int
    version_id: int
    version: int
    created: bool  # a new document
    new_version: bool
    noop: bool  # nothing changed
    chunks: int
    current: bool = True  # the written version is the document's current one


@dataclass(frozen=True)
class Hit:
    score: float
    chunk_id: int
    document_id: int
    document: str
    entry_id: int
    version: int
    timestamp: datetime | None
    client: str | None
    kind: str
    current: bool
    quote: str
    source: str | None
    document_kind: str = ""
    title: str = ""
    locator: str | None = None  # where in its file: a Message-ID, a conversation (query.py)

    @property
    def cited_as(self) -> str:
        """The file a citation names, with where in it when the file holds many messages (an
        mbox, a chat export)."""
        where = self.source or "?"
        # a mail not in its own .eml is in a mailbox ("Inbox", "Inbox.mbox/mbox")
        many = self.kind == "message" or (
            self.kind == "email" and not where.lower().endswith(".eml")
        )
        return f"{where}, {self.locator}" if self.locator and many else where

    def as_json(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 6),
            "document_id": self.document_id,
            "document": self.document,
            "entry_id": self.entry_id,
            "version": self.version,
            "timestamp": iso(self.timestamp),
            "client": self.client,
            "kind": self.kind,
            "current": self.current,
            "quote": self.quote,
            "source": self.source,
            "locator": self.locator,
        }


def to_utc(ts: datetime) -> tuple[datetime, int]:
    """Return (aware UTC datetime, original offset in minutes); naive input is taken as UTC."""
    if ts.tzinfo is None:
        return ts.replace(tzinfo=UTC), 0
    off = ts.utcoffset() or timedelta(0)
    return ts.astimezone(UTC), int(off.total_seconds() // 60)


_DB_FMT = "%Y-%m-%d %H:%M:%S.%f"


def db_ts(ts: datetime) -> str:
    """The text form SQLAlchemy's SQLite DateTime uses, in UTC, for raw SQL parameters."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    return ts.strftime(_DB_FMT)


def parse_db_ts(value: object) -> datetime | None:
    """A timestamp read back by raw SQL (text on SQLite, datetime elsewhere) as aware UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    s = str(value)
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def from_utc(ts: object, offset_min: int | None) -> datetime | None:
    aware = parse_db_ts(ts)
    if aware is None:
        return None
    if offset_min:
        aware = aware.astimezone(timezone(timedelta(minutes=offset_min)))
    return aware


def iso(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.isoformat()


# A month by its name or its abbreviation -> its number (recall's dates and a timesheet table's
# cells read months alike)
MONTH_NUMBERS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for m in names
}
