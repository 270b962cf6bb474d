"""Search latency at scale: synthetic vaults of N chunks (text from a small vocabulary, random
unit vectors), built once per size and reused; 20 concurrent-free queries measured after a warm
up. Embedding is excluded from the search figures and reported separately (one MiniLM query)."""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text

from trailkeep.recall import search
from trailkeep.vault import Vault, get_embedder

from .common import median, pct, temp_home

WORDS = (
    "registry import clinic patient record number birth date export invoice claims nightly "
    "upsert match duplicate decision failed approach revised schema field client report latency "
    "cache index vector keyword retry backup restore migration audit throttle api weekly sunday"
).split()


def build(
    v: Vault,
    n: int,
    seed: int = 3,
    batch: int = 5000,
    clients: tuple[str | None, ...] = (None,),
) -> float:
    """n chunks, one per entry; entry i belongs to ``clients[i % len(clients)]``."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    now = "2026-01-01 00:00:00.000000"
    with v.writer("bench"), v.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO document (kind, external_id, title, created_at, updated_at, meta) "
                "VALUES ('note', 'bench', 'bench', :t, :t, '{}')"
            ),
            {"t": now},
        )
        c.execute(
            text(
                "INSERT INTO version (document_id, number, content_sha256, created_at, current) "
                "VALUES (1, 1, 'x', :t, TRUE)"
            ),
            {"t": now},
        )
    done = 0
    while done < n:
        m = min(batch, n - done)
        texts = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(10, 60))) for _ in range(m)]
        with v.writer("bench"), v.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO entry (document_id, version_id, key, kind, position, text, "
                    "content_sha256, ts, client_id) VALUES (1, 1, :k, 'section', :p, :t, 'x', "
                    ":ts, :c)"
                ),
                [
                    {
                        "k": f"e{done + i}",
                        "p": done + i,
                        "t": t,
                        "ts": now,
                        "c": clients[(done + i) % len(clients)],
                    }
                    for i, t in enumerate(texts)
                ],
            )
            first = int(c.execute(text("SELECT MAX(id) FROM entry")).scalar_one()) - m + 1
            c.execute(
                text(
                    "INSERT INTO chunk (entry_id, ord, text, context, char_start, char_end, "
                    "embedded_by) VALUES (:e, 0, :t, 'bench', 0, :n, :by)"
                ),
                [
                    {"e": first + i, "t": t, "n": len(t), "by": v.embedder.id}
                    for i, t in enumerate(texts)
                ],
            )
            cfirst = int(c.execute(text("SELECT MAX(id) FROM chunk")).scalar_one()) - m + 1
            ids = list(range(cfirst, cfirst + m))
            v.keyword.add(c, list(zip(ids, texts, strict=True)))
        vecs = rng.normal(size=(m, v.embedder.dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        v.vectors.upsert(
            ids,
            vecs.tolist(),
            [
                {"client": clients[(done + i) % len(clients)] or "", "entry_id": first + i}
                for i in range(m)
            ],
        )
        done += m
    return time.perf_counter() - t0


def measure(v: Vault, queries: int = 50) -> dict[str, Any]:
    rnd = random.Random(9)
    qs = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6))) for _ in range(queries)]
    for q in qs[:5]:
        search(v, q, k=10)
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        search(v, q, k=10)
        lat.append((time.perf_counter() - t0) * 1000)
    return {"search_ms_p50": round(median(lat), 1), "search_ms_p95": round(pct(lat, 0.95), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench scale", description=__doc__)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--dir", type=Path, help="keep the built vaults here and reuse them")
    a = ap.parse_args(argv)
    root = a.dir or Path(tempfile.mkdtemp(prefix="tk-scale-"))
    out: dict[str, Any] = {"sizes": {}}
    minilm = get_embedder("minilm")
    t0 = time.perf_counter()
    for _ in range(20):
        minilm.embed(["what did we decide about the nightly claims export?"])
    out["query_embedding_ms_minilm"] = round((time.perf_counter() - t0) * 1000 / 20, 1)
    for n in (int(x) for x in a.sizes.split(",")):
        home = root / f"n{n}"
        fresh = not home.exists()
        s = temp_home(home, "hash")
        v = Vault.open(s, get_embedder("hash"))
        build_s = build(v, n) if fresh else None
        r = measure(v)
        r["build_s"] = round(build_s, 1) if build_s else "reused"
        r["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        out["sizes"][str(n)] = r
        v.close()
    print(json.dumps(out, indent=2))
    return 0
