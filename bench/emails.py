"""Email ingest throughput: the whole email corpus, and the LKML mbox alone; re-ingest cost."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from trailkeep.ingest import Ingestor, walk
from trailkeep.vault import Vault, get_embedder, status

from .common import machine, temp_home


def _one(files: list[Path], root: Path, embedder: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        s = temp_home(Path(tmp) / "home", embedder)
        v = Vault.open(s, get_embedder(embedder))
        t0 = time.perf_counter()
        first = Ingestor(v, inbox=root).ingest_paths(files)
        t1 = time.perf_counter() - t0
        with v.engine.connect() as c:
            from sqlalchemy import text

            msgs = int(
                c.execute(text("SELECT COUNT(*) FROM entry WHERE kind='email'")).scalar_one()
            )
            threads = int(
                c.execute(text("SELECT COUNT(*) FROM document WHERE kind='email'")).scalar_one()
            )
        t0 = time.perf_counter()
        again = Ingestor(v, inbox=root).ingest_paths(files)
        t2 = time.perf_counter() - t0
        st = status(v)
        v.close()
    return {
        "files": len(files),
        "unique_messages": msgs,
        "threads": threads,
        "failed_files": first.failed,
        "partial_files": first.partial,
        "first_s": round(t1, 2),
        "messages_per_s": round(msgs / t1, 1),
        "reingest_s": round(t2, 2),
        "reingest_over_first": round(t2 / t1, 3),
        "reingest_ingested": again.ingested,
        "chunks": st["chunks"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench emails", description=__doc__)
    ap.add_argument("--root", type=Path, default=Path("../shared/corpora/emails"))
    ap.add_argument("--embedder", default="minilm")
    a = ap.parse_args(argv)
    if not a.root.exists():
        print(f"not found: {a.root}")
        return 2
    files = [p for p in walk([a.root]) if p.suffix in (".eml", ".mbox")]
    lkml = [p for p in files if p.name == "notmuch_lkml_threads.mbox"]
    out = {
        "machine": machine(),
        "embedder": a.embedder,
        "corpus": _one(files, a.root, a.embedder),
        "lkml_mbox": _one(lkml, a.root, a.embedder) if lkml else None,
    }
    print(json.dumps(out, indent=2))
    return 0
