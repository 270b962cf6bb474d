"""Load: N chunks in the vault (built as in `scale`), T threads searching at once. Reports
p50/p95 per search under that concurrency, throughput, and errors (goal 0)."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from trailkeep.recall import search
from trailkeep.vault import Vault, get_embedder

from .common import machine, median, pct, temp_home
from .scale import WORDS, build


def run(n: int, threads: int, per_thread: int, embedder: str, root: Path) -> dict[str, Any]:
    home = root / f"n{n}"
    fresh = not home.exists()
    s = temp_home(home, embedder)
    v = Vault.open(s, get_embedder(embedder))
    build_s = build(v, n) if fresh else 0.0
    search(v, "warm up the caches", k=10)
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def worker(k: int) -> None:
        rnd = random.Random(k)
        start.wait()
        for _ in range(per_thread):
            q = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 6)))
            t0 = time.perf_counter()
            try:
                search(v, q, k=10)
            except Exception:
                errors.append(traceback.format_exc(limit=3))
                continue
            with lock:
                lat.append((time.perf_counter() - t0) * 1000)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    v.close()
    return {
        "machine": machine(),
        "embedder": embedder,
        "chunks": n,
        "build_s": round(build_s, 1),
        "threads": threads,
        "searches": len(lat),
        "errors": len(errors),
        "error_samples": errors[:3],
        "search_ms_p50": round(median(lat), 1),
        "search_ms_p95": round(pct(lat, 0.95), 1),
        "searches_per_s": round(len(lat) / wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench load", description=__doc__)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=20)
    ap.add_argument("--per-thread", type=int, default=10)
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    ap.add_argument("--dir", type=Path, help="keep the built vault here and reuse it")
    a = ap.parse_args(argv)
    root = a.dir or Path(tempfile.mkdtemp(prefix="tk-load-"))
    out = run(a.chunks, a.threads, a.per_thread, a.embedder, root)
    print(json.dumps(out, indent=2))
    return 0 if out["errors"] == 0 else 1
