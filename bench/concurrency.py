"""Concurrency: a real `trailkeep watch` process ingests N files dropped into the inbox while,
in this process, four threads search and ask and one creates and issues invoices. Reports
errors (goal 0, and never "database is locked"), latencies under load, and ingest time."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from trailkeep.billing import BillingError, create_invoice, issue_invoice
from trailkeep.recall import ask, search
from trailkeep.vault import Vault, get_embedder, load_settings

from .common import machine, median, pct, temp_home
from .scale import WORDS

CLIENTS = '[[client]]\nname = "Acme Health"\nid = "acme"\nrate = "150.00"\ntax_rate = "0.1"\n'


def _notes(folder: Path, n: int, seed: int) -> list[Path]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        month = 1 + i % 12
        p = folder / f"2026-{month:02d}-{1 + i % 28:02d}-n{i}.md"
        words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(20, 120)))
        p.write_text(
            f"# Note {i}\n\n{words}\n\n- {rnd.choice(['1h', '90m', '0.25h'])} acme: task {i}\n",
            encoding="utf-8",
        )
        out.append(p)
    return out


def run(n: int, embedder: str, seconds_cap: float = 1800) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="tk-conc-"))
    home = root / "home"
    home.mkdir()
    (home / "clients.toml").write_text(CLIENTS, encoding="utf-8")
    s = temp_home(home, embedder, stable_seconds=0.5)
    staging = root / "staging"
    staging.mkdir()
    files = _notes(staging, n, 5)
    env = {**os.environ, "TRAILKEEP_EMBEDDER": embedder, "TRAILKEEP_HOME": str(home)}
    log = (root / "watcher.log").open("w")  # a file, never a pipe nobody reads (it would fill)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "trailkeep.ui", "watch"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    v = Vault.open(load_settings({"TRAILKEEP_EMBEDDER": embedder}, home), get_embedder(embedder))
    stop = threading.Event()
    errors: list[str] = []
    lat: dict[str, list[float]] = {"search": [], "ask": [], "invoice": []}
    lock = threading.Lock()

    def record(kind: str, t0: float) -> None:
        with lock:
            lat[kind].append((time.perf_counter() - t0) * 1000)

    def reader(k: int) -> None:
        rnd = random.Random(k)
        while not stop.is_set():
            q = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 5)))
            try:
                t0 = time.perf_counter()
                search(v, q, k=10)
                record("search", t0)
                t0 = time.perf_counter()
                ask(v, f"what did we decide about {q}?")
                record("ask", t0)
            except Exception:
                errors.append(traceback.format_exc(limit=3))
            time.sleep(0.01)

    issued: list[str] = []

    def invoicer() -> None:
        month = 1
        while not stop.is_set():
            try:
                t0 = time.perf_counter()
                inv = create_invoice(v, "acme", f"2026-{month:02d}")
                done = issue_invoice(v, inv.id, date(2026, 12, 31))
                record("invoice", t0)
                issued.append(str(done.number))
            except BillingError:
                pass  # nothing unbilled in that month yet
            except Exception:
                errors.append(traceback.format_exc(limit=3))
            month = 1 + month % 12
            stop.wait(0.2)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    threads.append(threading.Thread(target=invoicer))
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    for f in files:  # drop them into the inbox as a user (or a sync client) would
        os.replace(f, s.inbox / f.name)
    done = 0
    while time.perf_counter() - t0 < seconds_cap:
        with v.engine.connect() as c:
            done = int(
                c.execute(
                    text("SELECT COUNT(*) FROM source WHERE status != 'pending'")
                ).scalar_one()
            )
        if done >= n:
            break
        time.sleep(0.5)
    ingest_s = time.perf_counter() - t0
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    watcher.send_signal(signal.SIGTERM)
    watcher.wait(timeout=120)
    log.close()
    err = (root / "watcher.log").read_text()
    locked = sum("database is locked" in e for e in errors) + err.count("database is locked")
    with v.engine.connect() as c:
        dup_items = c.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT work_item_id FROM invoice_line "
                "WHERE work_item_id IS NOT NULL GROUP BY work_item_id HAVING COUNT(*) > 1)"
            )
        ).scalar_one()
    v.close()
    nums = sorted(issued)
    gapless = nums == [f"INV-2026-{i:04d}" for i in range(1, len(nums) + 1)]
    return {
        "machine": machine(),
        "embedder": embedder,
        "files": n,
        "ingested_or_settled": done,
        "ingest_s": round(ingest_s, 1),
        "files_per_s": round(done / ingest_s, 1),
        "errors": len(errors),
        "error_samples": errors[:3],
        "database_is_locked": locked,
        "watcher_exit": watcher.returncode,
        "searches": len(lat["search"]),
        "search_ms_p50": round(median(lat["search"]), 1),
        "search_ms_p95": round(pct(lat["search"], 0.95), 1),
        "asks": len(lat["ask"]),
        "ask_ms_p50": round(median(lat["ask"]), 1),
        "ask_ms_p95": round(pct(lat["ask"], 0.95), 1),
        "invoices_issued": len(issued),
        "invoice_ms_p50": round(median(lat["invoice"]), 1),
        "invoice_ms_p95": round(pct(lat["invoice"], 0.95), 1),
        "invoice_numbers_gapless": gapless,
        "items_billed_twice": dup_items,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench concurrency", description=__doc__)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    a = ap.parse_args(argv)
    out = run(a.files, a.embedder)
    print(json.dumps(out, indent=2))
    return 0 if out["errors"] == 0 and out["database_is_locked"] == 0 else 1
