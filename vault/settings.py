"""Settings: read once at the edge (CLI, Streamlit entry) into a frozen object and passed down.

Library code never reads ``os.environ``; the edge calls :func:`load_settings` with the
environment mapping. Every key of ``config.toml`` is optional; see ``DEFAULT_CONFIG`` for the
documented file that ``trailkeep init`` writes.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from .clients import ClientSpec, load_clients
from .errors import ConfigError

DEFAULT_CONFIG = """\
# trailkeep configuration. Every key is optional; the values shown are the defaults.
# This file lives in TRAILKEEP_HOME (see `trailkeep status` for where that is).

# The watched folder. Relative paths are relative to TRAILKEEP_HOME.
# inbox = "inbox"

[ingest]
# A file is ingested once its size and mtime have not changed for this many seconds.
# stable_seconds = 1.0
# Files larger than this are refused with a recorded error (exports can be large).
# max_file_mb = 1024
# Markdown notes larger than this are refused (a note this big is almost surely not a note).
# max_note_mb = 20
# The watcher rescans the whole inbox this often, as a safety net for missed events.
# rescan_seconds = 300

[vault]
# How long a writer waits for another writer (watcher, UI, CLI) before failing clearly.
# lock_timeout_seconds = 120
# Work that writes (ingest, reindex, backup, restore, migrate-to) stops cleanly, before it
# starts, when less than this much room (MB) would be left on the disk holding the home.
# min_free_mb = 200
# Embedder for vectors: "minilm" (offline all-MiniLM-L6-v2 int8) or "hash" (tests only).
# embedder = "minilm"
# Servers instead of the embedded default (see DEPLOY.md). Env TRAILKEEP_DATABASE_URL,
# TRAILKEEP_CHROMA_URL and TRAILKEEP_CHROMA_TOKEN win over these.
# database_url = "postgresql+psycopg://trailkeep@db.example:5432/trailkeep"
# chroma_url = "http://chroma.example:8000"
# chroma_token = ""
# blobs = "/shared/trailkeep-blobs"   # the original bytes; a shared filesystem for several machines
# vector_namespace = ""               # prefix of the Chroma collection: several vaults, one server

[answer]
# Backend: "auto" (Claude when ANTHROPIC_API_KEY is set, else extractive), "extractive" (no
# model: quoted passages), "anthropic", "openai-compatible" (a local server speaking the
# OpenAI chat API) or "llama-index" (any llama-index LLM class you have installed).
# backend = "auto"
# model = "claude-sonnet-5-5"         # the Claude model (anthropic)
# timeout = 30                         # seconds each attempt may take (openai-compatible: 60)
# max_retries = 1                      # retries of a failed Claude call: the wait can be
#                                      # timeout x (max_retries + 1) before the offline answer
# anthropic_base_url = ""              # another Messages API endpoint (a proxy, a gateway)
# openai_base_url = "http://127.0.0.1:8080/v1"
# openai_model = "local"
# llama_index_class = "llama_index.llms.ollama:Ollama"
# llama_index_args = {model = "llama3"}

[privacy]
# Replace email addresses, phone numbers and similar identifiers in what is sent to a model,
# and restore them in the reply. The audit log (`trailkeep log`) shows what was sent.
# redact = false

[ui]
# The web page's password, as a hash: set it with `trailkeep ui --set-password` (needed before
# the page listens on anything but 127.0.0.1).
# password_hash = ""

[me]
# Your own details: used to tell your outgoing mail from incoming, and on invoices.
# name = "Sam Example"
# emails = ["sam@example.com"]
# Once emails lists one, no other address is inferred as yours but a second one writing as you.
# Addresses never to take for yours (`trailkeep me --remove` of an inferred one writes here):
# not_emails = ["events@expo.example"]
# address = "9 Side St\\nSpringfield"
# tax_id = ""
# iban = ""
# payment_terms_days = 30

[brief]
# The morning briefing: dates named in client mail and notes of the last lookback_days, for the
# next horizon_days.
# horizon_days = 14
# lookback_days = 60

# Folders read in place (never copied into blobs/), watched like the inbox: where coding agents
# keep their sessions, or a notes folder. `trailkeep init` offers the ones that exist here.
# kind: "claude-code", "codex" or "notes" (a hint: files are recognised by their content).
# [[source]]
# path = "~/.claude/projects"
# kind = "claude-code"
# [[source]]
# path = "~/.codex/sessions"
# kind = "codex"
"""


SOURCE_KINDS = ("claude-code", "codex", "notes")


@dataclass(frozen=True)
class WatchedSource:
    """A ``[[source]]`` folder: read in place, never copied."""

    path: Path
    kind: str


@dataclass(frozen=True)
class Settings:
    home: Path
    inbox: Path
    stable_seconds: float = 1.0
    max_file_bytes: int = 1024 * 1024 * 1024
    max_note_bytes: int = 20 * 1024 * 1024
    rescan_seconds: float = 300.0
    lock_timeout: float = 120.0
    min_free_bytes: int = 200 * 1024 * 1024  # [vault] min_free_mb: room kept free on the disk
    sources: tuple[WatchedSource, ...] = ()  # [[source]]: folders read in place
    embedder: str = "minilm"
    backend: str = "auto"
    me_name: str = ""
    me_emails: tuple[str, ...] = ()
    me_not: tuple[str, ...] = ()  # [me] not_emails: never inferred as the user's
    clients: tuple[ClientSpec, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Servers (issue 9): None = the embedded default (SQLite file, Chroma on disk).
    database_url: str | None = None
    chroma_url: str | None = None
    chroma_token: str | None = None
    blobs_dir: Path | None = None
    vector_namespace: str = ""  # prefix of the Chroma collection (several vaults, one server)

    @property
    def embedded(self) -> bool:
        return not self.database_url

    @property
    def redact(self) -> bool:
        """``[privacy] redact``: identifiers are replaced in what is sent to a model."""
        p = self.extra.get("privacy", {})
        return bool(p.get("redact", False)) if isinstance(p, Mapping) else False

    @property
    def me(self) -> Mapping[str, Any]:
        m = self.extra.get("me", {})
        return m if isinstance(m, Mapping) else {}

    @property
    def db_path(self) -> Path:
        return self.home / "trailkeep.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def blobs(self) -> Path:
        return self.blobs_dir or self.home / "blobs"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def config_path(self) -> Path:
        return self.home / "config.toml"

    @property
    def clients_path(self) -> Path:
        return self.home / "clients.toml"

    @property
    def lock_path(self) -> Path:
        return self.home / "writer.lock"


def default_home(env: Mapping[str, str]) -> Path:
    if env.get("TRAILKEEP_HOME"):
        return Path(env["TRAILKEEP_HOME"]).expanduser().resolve()
    return Path(platformdirs.user_data_dir("trailkeep", appauthor=False)).resolve()


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), str(exc)) from exc


def load_settings(
    env: Mapping[str, str], home: Path | None = None, *, clients: bool = True
) -> Settings:
    """Build settings from the environment and ``config.toml`` (which may not exist yet).
    ``clients=False`` leaves clients.toml unread (no clients): only for reporting what is
    stored while that file does not read — never to attribute, draft or answer with."""
    home = (home or default_home(env)).resolve()
    cfg = _read_toml(home / "config.toml")
    ingest = cfg.get("ingest", {})
    vault = cfg.get("vault", {})
    answer = cfg.get("answer", {})
    me = cfg.get("me", {})
    inbox = Path(str(cfg.get("inbox", "inbox"))).expanduser()
    if not inbox.is_absolute():
        inbox = home / inbox
    try:
        return Settings(
            home=home,
            inbox=inbox,
            stable_seconds=float(ingest.get("stable_seconds", 1.0)),
            max_file_bytes=int(float(ingest.get("max_file_mb", 1024)) * 1024 * 1024),
            max_note_bytes=int(float(ingest.get("max_note_mb", 20)) * 1024 * 1024),
            rescan_seconds=float(ingest.get("rescan_seconds", 300.0)),
            lock_timeout=float(vault.get("lock_timeout_seconds", 120.0)),
            min_free_bytes=int(float(vault.get("min_free_mb", 200)) * 1024 * 1024),
            sources=_sources(home, cfg.get("source", [])),
            embedder=str(env.get("TRAILKEEP_EMBEDDER") or vault.get("embedder", "minilm")),
            backend=str(answer.get("backend", "auto")),
            me_name=str(me.get("name", "")),
            me_emails=tuple(str(e).lower() for e in me.get("emails", [])),
            me_not=tuple(str(e).lower() for e in me.get("not_emails", [])),
            clients=load_clients(home / "clients.toml") if clients else (),
            extra=cfg,
            database_url=_opt(env.get("TRAILKEEP_DATABASE_URL") or vault.get("database_url")),
            chroma_url=_opt(env.get("TRAILKEEP_CHROMA_URL") or vault.get("chroma_url")),
            chroma_token=_opt(env.get("TRAILKEEP_CHROMA_TOKEN") or vault.get("chroma_token")),
            blobs_dir=_path(home, vault.get("blobs")),
            vector_namespace=str(
                env.get("TRAILKEEP_VECTOR_NAMESPACE") or vault.get("vector_namespace", "")
            ),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(home / "config.toml"), f"bad value: {exc}") from exc


def _sources(home: Path, tables: object) -> tuple[WatchedSource, ...]:
    if not isinstance(tables, list):
        raise ConfigError(str(home / "config.toml"), "sources must be [[source]] tables")
    out = []
    for i, t in enumerate(tables):
        if not isinstance(t, dict) or not str(t.get("path", "")).strip():
            raise ConfigError(str(home / "config.toml"), f"[[source]] #{i + 1} has no path")
        kind = str(t.get("kind", "notes"))
        if kind not in SOURCE_KINDS:
            raise ConfigError(
                str(home / "config.toml"),
                f"[[source]] {t['path']!r}: kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}",
            )
        path = Path(str(t["path"])).expanduser()
        out.append(WatchedSource(path if path.is_absolute() else home / path, kind))
    return tuple(out)


def _opt(v: object) -> str | None:
    return str(v).strip() or None if v not in (None, "") else None


def _path(home: Path, v: object) -> Path | None:
    if v in (None, ""):
        return None
    p = Path(str(v)).expanduser()
    return p if p.is_absolute() else home / p


def init_home(settings: Settings) -> list[Path]:
    """Create the home layout (private to the user) and a commented config.toml.

    Returns the paths that were created. Existing files are never overwritten.
    """
    created: list[Path] = []
    for d in (
        settings.home,
        settings.inbox,
        settings.blobs,
        settings.quarantine,
        settings.chroma_path,
    ):
        if not d.exists():
            d.mkdir(parents=True, mode=0o700)
            created.append(d)
    os.chmod(settings.home, 0o700)
    if not settings.config_path.exists():
        settings.config_path.write_text(DEFAULT_CONFIG, encoding="utf-8")
        os.chmod(settings.config_path, 0o600)
        created.append(settings.config_path)
    return created


__all__ = [
    "DEFAULT_CONFIG",
    "SOURCE_KINDS",
    "Settings",
    "WatchedSource",
    "default_home",
    "init_home",
    "load_settings",
]
