"""Ingest benchmark on a folder of markdown notes (default: the shared notes corpus).

Prints: files, failures (with reasons), chunks/s end to end, raw embedder chunks/s on the same
chunk texts in the same run, their ratio, re-ingest cost, search p50/p95, and drop-to-searchable
latency under the running watcher.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import text

from trailkeep.ingest import Ingestor, walk
from trailkeep.ingest.watcher import Watcher
from trailkeep.recall import search
from trailkeep.vault import Filters, Vault, get_embedder, keyword_search, status
from trailkeep.vault.store import chunk_body

from .common import machine, median, pct, temp_home


def run(corpus: Path, embedder_name: str, drops: int, queries: int) -> dict[str, Any]:
    out: dict[str, Any] = {"machine": machine(), "corpus": corpus.name, "embedder": embedder_name}
    with tempfile.TemporaryDirectory() as tmp:
        s = temp_home(Path(tmp) / "home", embedder_name, stable_seconds=0.3)
        emb = get_embedder(embedder_name)
        v = Vault.open(s, emb)
        files = list(walk([corpus]))
        t0 = time.perf_counter()
        summary = Ingestor(v, inbox=corpus).ingest_paths(files)
        first = time.perf_counter() - t0
        st = status(v)
        reasons = Counter(
            (o.error or "").split(":")[-1].strip()[:60]
            for o in summary.outcomes
            if o.status == "failed"
        )
        out["files"] = len(files)
        out["ingested"] = summary.ingested
        out["partial"] = summary.partial
        out["failed"] = summary.failed
        out["failure_reasons"] = dict(reasons.most_common(5))
        out["chunks"] = st["chunks"]
        out["first_ingest_s"] = round(first, 2)
        out["pipeline_chunks_per_s"] = round(st["chunks"] / first, 1)
        with v.engine.connect() as c:
            bodies = [
                chunk_body(r[0], r[1]) for r in c.execute(text("SELECT context, text FROM chunk"))
            ]
        t0 = time.perf_counter()
        emb.embed(bodies)
        raw = time.perf_counter() - t0
        out["embedder_chunks_per_s"] = round(len(bodies) / raw, 1)
        out["pipeline_over_embedder"] = round(
            out["pipeline_chunks_per_s"] / out["embedder_chunks_per_s"], 3
        )
        before = (st["documents"], st["entries"], st["chunks"])
        t0 = time.perf_counter()
        Ingestor(v, inbox=corpus).ingest_paths(files)
        again = time.perf_counter() - t0
        st2 = status(v)
        out["reingest_s"] = round(again, 2)
        out["reingest_over_first"] = round(again / first, 3)
        out["reingest_added"] = [
            a - b
            for a, b in zip((st2["documents"], st2["entries"], st2["chunks"]), before, strict=True)
        ]
        with v.engine.connect() as c:
            titles = [str(r[0]) for r in c.execute(text("SELECT title FROM document"))]
        rnd = random.Random(1)
        lat = []
        for _ in range(queries):
            q = rnd.choice(titles)
            t0 = time.perf_counter()
            search(v, q, k=10)
            lat.append((time.perf_counter() - t0) * 1000)
        out["search_ms_p50"] = round(median(lat), 1)
        out["search_ms_p95"] = round(pct(lat, 0.95), 1)
        out["drop_to_searchable_s"] = drop_latency(v, drops)
        v.close()
    return out


def drop_latency(v: Vault, drops: int) -> dict[str, float]:
    inbox = v.settings.inbox
    w = Watcher(Ingestor(v), inbox, stable_seconds=v.settings.stable_seconds, rescan_seconds=3600)
    stop = threading.Event()
    th = threading.Thread(target=w.run, args=(stop,), daemon=True)
    th.start()
    while w.state != "watching":
        time.sleep(0.01)
    times = []
    for i in range(drops):
        token = f"dropmarker{i}x{random.randint(0, 10**9)}"
        t0 = time.perf_counter()
        (inbox / f"drop-{i}.md").write_text(f"# Drop {i}\n\nfresh note {token}\n")
        while not keyword_search(v, token, 1, Filters()):
            if time.perf_counter() - t0 > 30:
                break
            time.sleep(0.01)
        times.append(time.perf_counter() - t0)
    stop.set()
    th.join(10)
    return {"n": drops, "p50": round(median(times), 3), "p95": round(pct(times, 0.95), 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench notes", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpora/notes"))
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--drops", type=int, default=20)
    ap.add_argument("--queries", type=int, default=100)
    a = ap.parse_args(argv)
    if not a.corpus.exists():
        print(f"corpus not found: {a.corpus}")
        return 2
    print(json.dumps(run(a.corpus, a.embedder, a.drops, a.queries), indent=2))
    return 0
