"""Servers (issue 9): ingest throughput into PostgreSQL + a Chroma server with one and with two
worker processes (the same files split between them), and search latency at N chunks on the
Chroma server + PostgreSQL versus the embedded default.

Needs running servers: `trailkeep bench servers --database postgresql+psycopg://.../postgres
--chroma http://127.0.0.1:PORT` (an admin URL: a fresh database is created per measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from trailkeep.vault import Vault, get_embedder, load_settings

from .common import machine, temp_home
from .corpus import mixed
from .scale import build, measure


def _fresh_db(admin_url: str) -> str:
    name = "tkbench_" + uuid.uuid4().hex[:10]
    eng = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _server_env(admin_url: str, chroma: str, embedder: str) -> dict[str, str]:
    return {
        "TRAILKEEP_DATABASE_URL": _fresh_db(admin_url),
        "TRAILKEEP_CHROMA_URL": chroma,
        "TRAILKEEP_VECTOR_NAMESPACE": uuid.uuid4().hex[:8] + "-",
        "TRAILKEEP_EMBEDDER": embedder,
    }


def ingest_throughput(
    root: Path, admin_url: str, chroma: str, workers: int, notes: int, embedder: str
) -> dict[str, Any]:
    src = root / f"src{workers}"
    mixed(src, seed=11, notes=notes, chats=0, mails=0)
    for extra in ("conversations.json", "client.mbox", "timesheet.csv", "broken.json"):
        (src / extra).unlink(missing_ok=True)
    files = sorted(src.iterdir())
    parts = [src / f"part{k}" for k in range(workers)]
    for k, part in enumerate(parts):
        part.mkdir()
        for f in files[k::workers]:
            f.rename(part / f.name)
    env = {**os.environ, **_server_env(admin_url, chroma, embedder)}
    blobs = root / f"blobs{workers}"
    procs = []
    t0 = time.perf_counter()
    for k, part in enumerate(parts):
        home = root / f"home{workers}-{k}"
        home.mkdir()
        (home / "config.toml").write_text(f'[vault]\nblobs = "{blobs}"\n', encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "trailkeep.ui",
                    "--home",
                    str(home),
                    "ingest",
                    "-q",
                    str(part),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    errors = [p.communicate()[1] for p in procs if p.wait() != 0]
    seconds = time.perf_counter() - t0
    s = load_settings(env, root / f"home{workers}-0")
    v = Vault.open(s, get_embedder(embedder))
    with v.engine.connect() as c:
        chunks = int(c.execute(text("SELECT COUNT(*) FROM chunk")).scalar_one())
        docs = int(c.execute(text("SELECT COUNT(*) FROM document")).scalar_one())
    v.close()
    return {
        "workers": workers,
        "files": len(files),
        "documents": docs,
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "files_per_s": round(len(files) / seconds, 1),
        "chunks_per_s": round(chunks / seconds, 1),
        "errors": errors[:2],
    }


def _latency(
    root: Path, label: str, make_env: Callable[[], dict[str, str]], chunks: int
) -> dict[str, Any]:
    """Build ``chunks`` synthetic chunks once under ``root/lat-label`` (the server coordinates are
    kept in fixture.json beside it) and measure search; a later run with the same --dir reuses the
    fixture and only measures."""
    home = root / f"lat-{label}"
    fixture = home / "fixture.json"
    fresh = not fixture.exists()
    env = json.loads(fixture.read_text(encoding="utf-8"))["env"] if not fresh else make_env()
    s = load_settings(env, temp_home(home, "hash").home)
    v = Vault.open(s, get_embedder("hash"))
    out: dict[str, Any] = {}
    if fresh:
        t0 = time.perf_counter()
        build(v, chunks)
        out["build_s"] = round(time.perf_counter() - t0, 1)
        fixture.write_text(json.dumps({"env": env, "chunks": chunks}), encoding="utf-8")
    else:
        out["build_s"] = "reused"
    with v.engine.connect() as c:
        out["chunks"] = int(c.execute(text("SELECT COUNT(*) FROM chunk")).scalar_one())
    out.update(measure(v))
    out["peak_rss_mb_this_process"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    v.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench servers", description=__doc__)
    ap.add_argument("--database", required=True, help="admin URL, e.g. .../postgres")
    ap.add_argument("--chroma", required=True)
    ap.add_argument("--notes", type=int, default=400)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    ap.add_argument("--dir", type=Path, help="keep the built search fixtures here and reuse them")
    ap.add_argument("--no-ingest", action="store_true", help="measure search latency only")
    a = ap.parse_args(argv)
    root = a.dir or Path(tempfile.mkdtemp(prefix="tk-servers-"))
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"machine": machine(), "embedder": a.embedder}
    if not a.no_ingest:
        scratch = Path(tempfile.mkdtemp(prefix="tk-servers-ingest-"))
        out["ingest"] = [
            ingest_throughput(scratch, a.database, a.chroma, w, a.notes, a.embedder) for w in (1, 2)
        ]
    out["search"] = {
        "embedded": _latency(root, "embedded", lambda: {"TRAILKEEP_EMBEDDER": "hash"}, a.chunks),
        "servers": _latency(
            root, "servers", lambda: _server_env(a.database, a.chroma, "hash"), a.chunks
        ),
    }
    print(json.dumps(out, indent=2))
    return 0
