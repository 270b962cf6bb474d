"""Shared fixtures: a real home (SQLite file, Chroma PersistentClient, blobs) in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from trailkeep.ingest import Ingestor
from trailkeep.vault import Settings, Vault, get_embedder, init_home, load_settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

# The backend suite (issue 9): with these set (scripts/servers-test does it), every vault the
# tests make lives in its own PostgreSQL database and its own Chroma namespace on the servers.
SERVER_DB = os.environ.get("TRAILKEEP_TEST_DATABASE_URL")
SERVER_CHROMA = os.environ.get("TRAILKEEP_TEST_CHROMA_URL")


def server_env(home: Path) -> dict[str, str]:
    """Environment that points a vault at the test servers (empty when they are not set)."""
    if not SERVER_DB:
        return {}
    import hashlib

    from sqlalchemy import create_engine, text

    tag = "tk_" + hashlib.sha1(str(home.resolve()).encode()).hexdigest()[:12]
    admin = create_engine(SERVER_DB, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if (
            c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": tag}).first()
            is None
        ):
            c.execute(text(f'CREATE DATABASE "{tag}"'))
    admin.dispose()
    base = SERVER_DB.rsplit("/", 1)[0]
    env = {"TRAILKEEP_DATABASE_URL": f"{base}/{tag}"}
    if SERVER_CHROMA:
        env["TRAILKEEP_CHROMA_URL"] = SERVER_CHROMA
        env["TRAILKEEP_VECTOR_NAMESPACE"] = tag + "-"
    return env


def make_settings(home: Path, **over: object) -> Settings:
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}, home)
    if over:
        from dataclasses import replace

        s = replace(s, **over)  # type: ignore[arg-type]
    return s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = make_settings(tmp_path / "home", stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    return s


@pytest.fixture
def vault(settings: Settings) -> Iterator[Vault]:
    v = Vault.open(settings, get_embedder("hash"))
    yield v
    v.close()


@pytest.fixture
def ingestor(vault: Vault) -> Ingestor:
    return Ingestor(vault)


def write_note(inbox: Path, name: str, body: str) -> Path:
    p = inbox / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(body, encoding="utf-8")
    return p


def corpora(sub: str) -> Path:
    p = CORPORA / sub
    if not p.exists():
        pytest.skip(f"shared corpora not present at {p} (CI has them)")
    return p


WORDS = (
    "registry import clinic patient record number birth date export invoice claims nightly "
    "upsert match duplicate decision failed approach revised schema field client report "
    "latency cache index vector keyword retry backup restore migration audit"
).split()


def make_notes(folder: Path, n: int, seed: int = 0, prefix: str = "note") -> list[Path]:
    """n small, distinct markdown notes with front matter and a few sections."""
    import random

    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        secs = "\n\n".join(
            f"## Section {j}\n\n" + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 60)))
            for j in range(rnd.randint(1, 4))
        )
        p = folder / f"{prefix}-{i:04d}.md"
        p.write_text(
            f"---\ntitle: {prefix} {i}\nclient: {rnd.choice(['Acme', 'Globex'])}\n"
            f"date: 2026-0{1 + i % 9}-1{i % 10}\n---\n# {prefix} {i}\n\nintro {i}\n\n{secs}\n"
        )
        out.append(p)
    return out


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SERVER_DB:
        return
    skip = pytest.mark.skip(reason="checks the embedded SQLite/Chroma files; servers are in use")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)
