"""SQLModel classes for the tables that ``migrations.py`` creates (never ``create_all``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class Client(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    aliases: str = "[]"
    origin: str = "clients.toml"
    created_at: datetime


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    client_id: str | None = Field(default=None, foreign_key="client.id")


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    path: str
    name: str
    sha256: str
    # BIGINT: a file's size can pass 2 GB (refused, but recorded); on PostgreSQL an Integer
    # column would make the driver cast the value to a 32-bit int and fail.
    size: int = Field(sa_type=BigInteger)
    parser: str | None = None
    status: str  # pending, ingested, duplicate, partial, failed, forgotten
    error: str | None = None
    attempts: int = 0
    created_at: datetime
    updated_at: datetime
    kept: str = "blob"  # "blob": original bytes in blobs/; "in-place": read where it lies


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str
    external_id: str
    title: str
    client_id: str | None = Field(default=None, foreign_key="client.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    created_at: datetime
    updated_at: datetime
    meta: str = "{}"


class Version(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id")
    number: int
    source_id: int | None = Field(default=None, foreign_key="source.id")
    content_sha256: str
    created_at: datetime
    tz_offset_min: int = 0
    current: bool
    revises_id: int | None = Field(default=None, foreign_key="version.id")


class Entry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id")
    version_id: int = Field(foreign_key="version.id")
    key: str
    kind: str
    author: str | None = None
    ts: datetime | None = None
    tz_offset_min: int = 0
    position: int
    parent_id: int | None = Field(default=None, foreign_key="entry.id")
    title: str = ""
    text: str
    client_id: str | None = Field(default=None, foreign_key="client.id")
    on_current_path: bool = True
    current: bool = True
    indexed: bool = True
    content_sha256: str
    meta: str = "{}"
    scope: str = "?"  # a client id, "*" general, "?" unattributed, "!" mixed (notes/0013)
    source_id: int | None = Field(default=None, foreign_key="source.id")  # the file it came from


class Link(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str
    from_entry_id: int = Field(foreign_key="entry.id")
    to_entry_id: int = Field(foreign_key="entry.id")


class EntryTag(SQLModel, table=True):
    __tablename__ = "entry_tag"
    entry_id: int = Field(primary_key=True, foreign_key="entry.id")
    tag: str = Field(primary_key=True)
    origin: str


class Chunk(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id")
    ord: int
    text: str
    context: str
    char_start: int
    char_end: int
    embedded_by: str | None = None


class SourceDocument(SQLModel, table=True):
    __tablename__ = "source_document"
    source_id: int = Field(primary_key=True, foreign_key="source.id")
    document_id: int = Field(primary_key=True, foreign_key="document.id")
    version_id: int = Field(primary_key=True, foreign_key="version.id")


class Tombstone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str
    key: str
    reason: str = ""
    created_at: datetime


class FileState(SQLModel, table=True):
    __tablename__ = "file_state"
    path: str = Field(primary_key=True)
    size: int = Field(sa_type=BigInteger)
    mtime_ns: int = Field(sa_type=BigInteger)
    sha256: str
    status: str
    updated_at: datetime
    resume_offset: int | None = None  # a growing file: re-read from here when the prefix
    resume_sha256: str | None = None  # still hashes to this
    resume_position: int | None = None  # the next entry position of its documents


class VaultMeta(SQLModel, table=True):
    __tablename__ = "vault_meta"
    key: str = Field(primary_key=True)
    value: str


class AttributionRule(SQLModel, table=True):
    __tablename__ = "attribution_rule"
    key: str = Field(primary_key=True)  # an address, a domain, label:..., path:...
    client: str  # a client id, or "*" (general)
    created_at: datetime


class LlmCall(SQLModel, table=True):
    __tablename__ = "llm_call"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
    purpose: str
    backend: str
    model: str
    prompt: str
    response: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None
    latency_ms: int | None = None
    error: str | None = None


class WorkItem(SQLModel, table=True):
    __tablename__ = "work_item"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")
    entry_id: int | None = Field(default=None, foreign_key="entry.id")
    origin: str
    line_sha: str
    client_id: str | None = Field(default=None, foreign_key="client.id")
    client_label: str = ""
    day: str | None = None
    hours: str | None = None
    rate: str | None = None
    description: str
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    removed: bool = False
    problem: str | None = None
    flag: str | None = None
    created_at: datetime
    updated_at: datetime
    # what the same-work check compares (vault/work.py: same_words, same_hours)
    same_words: str | None = None
    same_hours: str | None = None


class Invoice(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: str = "invoice"
    client_id: str = Field(foreign_key="client.id")
    period: str
    status: str
    number: str | None = Field(default=None, unique=True)
    currency: str
    tax_rate: str
    subtotal: str | None = None
    tax: str | None = None
    total: str | None = None
    issued_on: str | None = None
    due_on: str | None = None
    paid_on: str | None = None
    credit_of: int | None = Field(default=None, foreign_key="invoice.id")
    created_at: datetime
    meta: str = "{}"


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id")
    position: int
    work_item_id: int | None = Field(default=None, foreign_key="work_item.id")
    description: str
    hours: str
    rate: str
    amount: str


class InvoiceCounter(SQLModel, table=True):
    __tablename__ = "invoice_counter"
    series: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int
