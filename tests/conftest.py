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


def make_settings(home: Path, **over: object) -> Settings:
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home)
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
