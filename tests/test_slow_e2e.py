"""Slow suites: the real embedder end to end, the real notes corpus, and the built wheel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import corpora, make_settings
from trailkeep.ingest import Ingestor, walk
from trailkeep.recall import ask_extractive, search
from trailkeep.vault import Vault, doctor, get_embedder, init_home, status

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_real_embedder_end_to_end(tmp_path: Path) -> None:
    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("minilm"))
    (s.inbox / "acme.md").write_text(
        "---\nclient: Acme\ndate: 2026-04-02\n---\n# Registry import\n\n"
        "Two clinics reuse record numbers, so upserting patients by record number failed.\n\n"
        "## Decision\n\n"
        "We decided to match patients on record number plus clinic plus birth date.\n"
    )
    (s.inbox / "garden.md").write_text("# Garden\n\nThe tomatoes need watering twice a week.\n")
    Ingestor(v).ingest_paths(list(walk([s.inbox])))
    assert status(v)["embedded"] == status(v)["chunks"] > 0
    hits = search(v, "why did matching patients by record number fail?", k=2)
    assert hits[0].document == "Registry import"
    ans = ask_extractive(v, "what did we decide about matching patients?")
    assert not ans.abstained and "birth date" in ans.citations[0].quote
    assert ask_extractive(v, "what is the boiling point of tungsten?").abstained
    assert doctor(v).ok
    v.close()


@pytest.mark.slow
def test_notes_corpus_ingests_without_spurious_failures(tmp_path: Path) -> None:
    notes = corpora("notes")
    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    summary = Ingestor(v, inbox=notes).ingest_paths(list(walk([notes])))
    text = [o for o in summary.outcomes if o.path.endswith((".md", ".txt"))]  # notes, licences
    assert text and all(o.status in ("ingested", "partial") for o in text), [
        (o.path, o.error) for o in text if o.status not in ("ingested", "partial")
    ][:5]
    others = [o for o in summary.outcomes if not o.path.endswith((".md", ".txt"))]
    assert others and all(o.status == "failed" and o.error for o in others)  # a JSON index
    again = Ingestor(v, inbox=notes).ingest_paths(list(walk([notes])))
    assert again.ingested == 0
    assert doctor(v, verify_blobs=False).ok
    v.close()


@pytest.mark.slow
def test_built_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("trailkeep-*.whl")
    # The wheel's copy, installed to its own folder, comes first on the path: the checkout and
    # its editable install are not what runs (the probe below proves it).
    py = sys.executable
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--target",
            str(tmp_path / "t"),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "t"), "TRAILKEEP_EMBEDDER": "hash"}
    home = tmp_path / "home"
    out = subprocess.run(
        [py, "-m", "trailkeep.ui", "--home", str(home), "init"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    (home / "inbox" / "n.md").write_text("# N\n\nfrom the wheel\n")
    out = subprocess.run(
        [py, "-m", "trailkeep.ui", "--home", str(home), "ingest", str(home / "inbox")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and "1 ingested" in out.stdout, out.stderr
    probe = subprocess.run(
        [
            str(py),
            "-c",
            "import trailkeep.vault, trailkeep.ingest; print(trailkeep.vault.__file__)",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert str(tmp_path / "t") in probe.stdout and str(ROOT) not in probe.stdout
