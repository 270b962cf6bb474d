"""Drafting and invoicing figures: offline draft latency at N chunks (two clients and
unattributed material, the MiniLM query embedder on random stored vectors, as in `scale`), and a
year of work items: timesheet ingest, invoice create + issue for twelve months, and a check that
the amounts add up exactly."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from trailkeep.billing import create_invoice, issue_invoice, list_work
from trailkeep.ingest import Ingestor
from trailkeep.recall.draft import draft_doc, draft_email
from trailkeep.vault import Vault, get_embedder, load_settings

from .common import machine, median, pct, temp_home
from .scale import WORDS, build

CLIENTS = """
[[client]]
name = "Acme Health"
id = "acme"
rate = "150.00"
tax_rate = "0.0825"

[[client]]
name = "Beta Logistics"
id = "beta"
rate = "95.50"
"""


def _home(root: Path, embedder: str) -> Vault:
    root.mkdir(parents=True, exist_ok=True)
    (root / "clients.toml").write_text(CLIENTS, encoding="utf-8")
    temp_home(root, embedder)
    s = load_settings({"TRAILKEEP_EMBEDDER": embedder}, root)
    return Vault.open(s, get_embedder(embedder))


def drafts(root: Path, n: int, runs: int, embedder: str) -> dict[str, Any]:
    v = _home(root / "drafts", embedder)
    build_s = build(v, n, clients=("acme", "beta", None))
    acme = next(c for c in v.settings.clients if c.id == "acme")
    rnd = random.Random(5)
    briefs = [
        "Could you confirm " + " ".join(rnd.choice(WORDS) for _ in range(6)) + "? "
        "What did we decide about " + " ".join(rnd.choice(WORDS) for _ in range(3)) + "?"
        for _ in range(runs)
    ]
    email_ms, doc_ms = [], []
    for b in briefs[:3]:
        draft_email(v, acme, brief=b)
    for b in briefs:
        t0 = time.perf_counter()
        draft_email(v, acme, brief=b)
        email_ms.append((time.perf_counter() - t0) * 1000)
    for b in briefs[: max(5, runs // 3)]:
        t0 = time.perf_counter()
        draft_doc(v, "status-update", b[:40], acme)
        doc_ms.append((time.perf_counter() - t0) * 1000)
    v.close()
    return {
        "chunks": n,
        "build_s": round(build_s, 1),
        "draft_email_ms_p50": round(median(email_ms), 1),
        "draft_email_ms_p95": round(pct(email_ms, 0.95), 1),
        "draft_doc_ms_p50": round(median(doc_ms), 1),
        "draft_doc_ms_p95": round(pct(doc_ms, 0.95), 1),
        "runs": len(email_ms),
    }


def invoices(root: Path, year: int) -> dict[str, Any]:
    v = _home(root / "invoices", "hash")
    rnd = random.Random(11)
    rows = ["date,client,hours,description"]
    d = date(year, 1, 1)
    while d.year == year:
        if d.weekday() < 5:
            for _ in range(4):
                client = rnd.choice(("acme", "beta"))
                hours = rnd.choice(("0.1", "0.2", "0.25", "1", "1.5", "20m", "45m", "2h10m"))
                rows.append(f"{d},{client},{hours},task {rnd.randint(1, 10**6)}")
        d += timedelta(days=1)
    csv = v.settings.inbox / f"timesheet-{year}.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    out = Ingestor(v).ingest_file(csv)
    ingest_s = time.perf_counter() - t0
    items = list_work(v)
    t0 = time.perf_counter()
    issued = []
    for m in range(1, 13):
        for c in ("acme", "beta"):
            inv = create_invoice(v, c, f"{year}-{m:02d}")
            issued.append(issue_invoice(v, inv.id, date(year, m, 28)))
    invoice_s = time.perf_counter() - t0
    billed = sum(len(i.lines) for i in issued)
    subtotal = sum((i.subtotal for i in issued), Decimal("0"))
    v.close()
    return {
        "work_items": len(items),
        "timesheet_status": out.status,
        "timesheet_ingest_s": round(ingest_s, 2),
        "invoices_issued": len(issued),
        "create_and_issue_s": round(invoice_s, 2),
        "ms_per_invoice": round(invoice_s * 1000 / len(issued), 1),
        "lines_billed": billed,
        "every_item_billed_once": billed == len(items) and not list_work(v, unbilled=True),
        "subtotal_sum": str(subtotal),
        "numbers": [issued[0].number, issued[-1].number],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench drafting", description=__doc__)
    ap.add_argument("--chunks", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="tk-drafting-"))
    out = {
        "machine": machine(),
        "embedder": a.embedder,
        "drafts": drafts(root, a.chunks, a.runs, a.embedder),
        "invoices": invoices(root, 2026),
    }
    print(json.dumps(out, indent=2))
    return 0
