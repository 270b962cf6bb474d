"""Crash consistency: SIGKILL `trailkeep ingest` at random moments during a mixed ingest (notes,
a chat export, an mbox, a timesheet, a broken file), check the vault after every kill, then let
a final run finish and compare a canonical dump with a clean ingest of the same files.

Checked after each kill: SQL, keyword index and vectors agree (doctor), blobs are intact, no
entry exists twice, no work item twice, every source is in a known state (a source interrupted
mid-way is `pending` and is finished by the next run)."""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from trailkeep.vault import Vault, doctor, dump, get_embedder, init_home, load_settings

from .corpus import mixed

STATES = ("pending", "ingested", "duplicate", "partial", "failed")


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "trailkeep.ui", "--home", str(home), *args]


def _env(embedder: str) -> dict[str, str]:
    return {**os.environ, "TRAILKEEP_EMBEDDER": embedder, "ANONYMIZED_TELEMETRY": "False"}


def _open(home: Path, embedder: str) -> Vault:
    return Vault.open(load_settings({"TRAILKEEP_EMBEDDER": embedder}, home), get_embedder(embedder))


def violations(home: Path, embedder: str) -> list[str]:
    v = _open(home, embedder)
    try:
        rep = doctor(v, verify_blobs=True)
        out = [
            f"{name}: {getattr(rep, name)[:5]}"
            for name in (
                "missing_keyword",
                "orphan_keyword",
                "missing_vectors",
                "orphan_vectors",
                "missing_blobs",
                "corrupt_blobs",
            )
            if getattr(rep, name)
        ]
        with v.engine.connect() as c:
            for sql, what in (
                (
                    "SELECT version_id, key FROM entry GROUP BY version_id, key "
                    "HAVING COUNT(*) > 1",
                    "entry twice",
                ),
                (
                    "SELECT entry_id FROM work_item WHERE entry_id IS NOT NULL AND NOT removed "
                    "GROUP BY entry_id HAVING COUNT(*) > 1",
                    "work item twice",
                ),
                (
                    "SELECT kind, external_id FROM document GROUP BY kind, external_id "
                    "HAVING COUNT(*) > 1",
                    "document twice",
                ),
                (
                    "SELECT id, status FROM source WHERE status NOT IN "
                    "('pending', 'ingested', 'duplicate', 'partial', 'failed', 'forgotten')",
                    "source in an unknown state",
                ),
                (
                    "SELECT s.id FROM source s WHERE s.status IN ('ingested', 'partial') AND "
                    "NOT EXISTS (SELECT 1 FROM source_document d WHERE d.source_id = s.id)",
                    "source marked done with nothing in the vault",
                ),
            ):
                rows = c.execute(text(sql)).all()
                if rows:
                    out.append(f"{what}: {[tuple(r) for r in rows[:5]]}")
        return out
    finally:
        v.close()


def run(
    src: Path, root: Path, rounds: int, seed: int = 42, embedder: str = "hash"
) -> dict[str, Any]:
    env = _env(embedder)
    clean = root / "clean"
    init_home(load_settings({}, clean))
    t0 = time.perf_counter()
    subprocess.run(_cli(clean, "ingest", "-q", str(src)), env=env, check=True, timeout=1800)
    full_s = time.perf_counter() - t0
    cv = _open(clean, embedder)
    expected = dump(cv)
    cv.close()
    home = root / "crash"
    init_home(load_settings({}, home))
    rnd = random.Random(seed)
    kills, found = 0, []
    t_start = time.perf_counter()
    for r in range(rounds):
        p = subprocess.Popen(
            _cli(home, "ingest", "-q", str(src)),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.25, 1.0) * full_s)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        found += [f"round {r + 1}: {x}" for x in violations(home, embedder)]
    subprocess.run(_cli(home, "ingest", "-q", str(src)), env=env, check=True, timeout=1800)
    found += [f"final: {x}" for x in violations(home, embedder)]
    v = _open(home, embedder)
    with v.engine.connect() as c:
        pending = c.execute(text("SELECT COUNT(*) FROM source WHERE status='pending'")).scalar()
    final_ok = doctor(v).ok
    equal = dump(v) == expected
    v.close()
    return {
        "rounds": rounds,
        "kills_mid_ingest": kills,
        "violations": len(found),
        "violation_details": found[:20],
        "pending_after_final_run": pending,
        "doctor_ok_after_final_run": final_ok,
        "dump_equals_clean_ingest": equal,
        "clean_ingest_s": round(full_s, 1),
        "total_s": round(time.perf_counter() - t_start, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench crash", description=__doc__)
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--notes", type=int, default=150)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--embedder", default="hash", choices=["hash", "minilm"])
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="tk-crash-"))
    files = mixed(root / "src", seed=a.seed, notes=a.notes)
    out = run(root / "src", root, a.rounds, a.seed, a.embedder)
    out["files"] = files
    print(json.dumps(out, indent=2))
    return 0 if out["violations"] == 0 and out["dump_equals_clean_ingest"] else 1
