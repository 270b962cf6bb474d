"""Real processes: two writers at once, and SIGKILL in the middle of an ingest."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_notes, make_settings
from trailkeep.vault import Vault, doctor, dump, get_embedder, init_home, status


def cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "trailkeep.ui", "--home", str(home), *args]


ENV = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "ANONYMIZED_TELEMETRY": "False"}


def open_vault(home: Path) -> Vault:
    return Vault.open(make_settings(home), get_embedder("hash"))


def test_two_processes_ingest_into_one_home_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    init_home(make_settings(home))
    a = make_notes(tmp_path / "a", 40, seed=1, prefix="a")
    make_notes(tmp_path / "b", 40, seed=2, prefix="b")
    shared = tmp_path / "a" / "shared.md"
    shared.write_text("# Shared\n\nthe same bytes in both folders\n")
    (tmp_path / "b" / "shared.md").write_bytes(shared.read_bytes())
    procs = [
        subprocess.Popen(
            cli(home, "ingest", "-q", str(tmp_path / d)),
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in ("a", "b")
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "database is locked" not in out + err
    v = open_vault(home)
    st = status(v)
    assert st["documents"] == len(a) + 1 + 40  # shared.md counted once
    assert st["sources"]["ingested"] == len(a) + 1 + 40
    assert st["sources"]["duplicates"] == 1
    assert doctor(v).ok
    v.close()


@pytest.mark.slow
def test_sigkill_mid_ingest_loses_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_notes(src, 150, seed=7)
    (src / "bad.md").write_bytes(b"\x00\x01\x02")
    clean_home = tmp_path / "clean"
    init_home(make_settings(clean_home))
    subprocess.run(cli(clean_home, "ingest", "-q", str(src)), env=ENV, check=True, timeout=600)
    cv = open_vault(clean_home)
    expected = dump(cv)
    cv.close()

    home = tmp_path / "home"
    init_home(make_settings(home))
    rnd = random.Random(42)
    rounds = 8
    killed = 0
    for _ in range(rounds):
        p = subprocess.Popen(
            cli(home, "ingest", "-q", str(src)),
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.8, 3.0))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        p.wait()
        # After each kill: what SQL holds, the keyword index holds; no entry twice.
        v = open_vault(home)
        rep = doctor(v, verify_blobs=True)
        assert not rep.missing_keyword and not rep.orphan_keyword
        assert not rep.missing_blobs and not rep.corrupt_blobs
        # Vectors may lag (chunks not yet embedded) but never disagree: a chunk is marked
        # embedded only after its vector is stored, and chunk ids are never reused.
        assert not rep.missing_vectors and not rep.orphan_vectors
        v.close()
    assert killed >= 1, "the kills came too late to interrupt anything"
    # Restart: the next run finishes the work.
    subprocess.run(cli(home, "ingest", "-q", str(src)), env=ENV, check=True, timeout=600)
    v = open_vault(home)
    st = status(v)
    assert st["sources"]["pending"] == 0
    rep = doctor(v)
    assert rep.ok, rep.lines()
    assert dump(v) == expected
    v.close()
