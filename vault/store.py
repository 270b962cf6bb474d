"""The Vault: the only code that talks to SQL, the vector index and the blob store.

Writes happen under the writer lock (``with vault.writer():``), one SQL transaction per document.
Readers never take the lock and never write. SQL is the truth; the keyword index is written in
the same transaction as the chunks; vectors are filled in afterwards from the chunks whose
``embedded_by`` is not the configured embedder (``embed_pending``), so a crash between the two
leaves only "not yet embedded" chunks, which the next writer embeds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from .audit import AuditMixin
from .backup import cleanup_interrupted_restore
from .base import SOURCE_STATUSES, chunk_body, entry_tag_insert, sha256_text, slugify, utcnow
from .blobs import BlobStore
from .corrections import CorrectionsMixin
from .documents import DocumentsMixin
from .embedder import Embedder
from .errors import Unreachable
from .indexing import IndexingMixin
from .keyword import KeywordIndex, PostgresFtsIndex, SqliteFts5Index
from .lock import PostgresAdvisoryLock, WriterLock
from .migrations import migrate, pending
from .settings import Settings
from .vectors import VectorIndex


def make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        # Let SQLAlchemy's BEGIN (below) start transactions, so DDL is transactional too.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_server_engine(url: str) -> Engine:
    """PostgreSQL (``postgresql+psycopg://...``). Other servers are refused clearly."""
    if not url.startswith(("postgresql+psycopg://", "postgresql://")):
        from .errors import ConfigError

        raise ConfigError("database_url", f"only PostgreSQL is supported, not {url.split(':')[0]}")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=16)


def _unreachable(what: str, url: str, exc: BaseException) -> Unreachable:
    """A clear error for a server that does not answer, naming it without its password (QA,
    session 14: a Python traceback)."""
    from sqlalchemy.engine import make_url

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: its scheme and host only
        shown = url.split("@")[-1]
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return Unreachable(
        f"cannot reach the {what} server at {shown}: {reason}. Is it running, and are its "
        "address and password right?"
    )


@dataclass(frozen=True)
class EmbedReport:
    embedded: int
    seconds: float


class Vault(DocumentsMixin, CorrectionsMixin, IndexingMixin, AuditMixin):
    """Open with :meth:`open`; migrations are applied then. A front object: what it does is in
    its mixins, one module per responsibility (``vault/base.py`` lists them)."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        embedder: Embedder,
        keyword: KeywordIndex,
        vectors: VectorIndex,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.embedder = embedder
        self.keyword = keyword
        self.vectors = vectors
        self.blobs = BlobStore(settings.blobs)
        self.lock: WriterLock | PostgresAdvisoryLock = WriterLock(
            settings.lock_path, settings.lock_timeout
        )

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder) -> Vault:
        # A restore killed part-way left a folder beside the home: cleaned up or finished
        # first, so the home is either the old vault or the restored one (issue 20).
        cleanup_interrupted_restore(settings.home)
        settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        for d in (settings.blobs, settings.quarantine):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        kw: KeywordIndex
        lock: WriterLock | PostgresAdvisoryLock
        if settings.database_url:
            engine = make_server_engine(settings.database_url)
            kw = PostgresFtsIndex()
            lock = PostgresAdvisoryLock(engine, settings.lock_timeout)
        else:
            engine = make_engine(settings.db_path)
            kw = SqliteFts5Index()
            lock = WriterLock(settings.lock_path, settings.lock_timeout)
        if not settings.chroma_url:
            settings.chroma_path.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Under the lock: SQL migrations, and Chroma's own first-time setup, which races when
        # two processes open a new home at once ("table collections already exists"). A vault
        # with neither to do opens without it: the page's first open waited for the
        # watcher's start-up (bench/ui.py), and a search for an ingest's batch.
        # (A Chroma server makes its collection atomically: only an embedded store is set up
        # here. A store whose file exists but whose setup is still running in another process
        # is not waited for: this process makes its client on first use, later.)
        fresh = not settings.chroma_url and not (settings.chroma_path / "chroma.sqlite3").exists()
        vectors = VectorIndex(
            settings.chroma_path,
            embedder.id,
            url=settings.chroma_url,
            token=settings.chroma_token,
            namespace=settings.vector_namespace,
        )
        try:
            setup = fresh or pending(engine)
            with lock.hold("open") if setup else contextlib.nullcontext():
                if fresh:
                    vectors.ready()  # Chroma's first-time setup races: done here, under the lock
                vault = cls(settings, engine, embedder, kw, vectors)
                vault.lock = lock
                if setup:
                    migrate(engine, kw)
                if settings.clients:
                    vault.sync_clients(settings.clients)  # takes the lock when they changed
        except BaseException as exc:
            # not opened (the writer busy, a migration failed): nothing left connected
            vectors.close()
            engine.dispose()
            if settings.database_url and isinstance(exc, OperationalError):
                raise _unreachable("database", settings.database_url, exc) from exc
            raise
        if settings.embedded:
            with contextlib.suppress(OSError):
                settings.db_path.chmod(0o600)
        return vault

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as c:
            yield c


__all__ = [
    "SOURCE_STATUSES",
    "EmbedReport",
    "Vault",
    "chunk_body",
    "entry_tag_insert",
    "make_engine",
    "sha256_text",
    "slugify",
    "utcnow",
]
