"""Big files are refused cheaply (issue 20): by name and size from stat, before a byte is read.

A 1 GB sparse file of every accepted kind, with the limits set small, is refused in well under a
second with little extra memory, recorded as a failed source (path, size, the sha256 of its first
MB) with a clear error, and never copied into blobs/. An accepted file is read into one buffer of
its size: memory peaks at about the file's size, not twice it. Measured in a child process
(``resource.getrusage`` ``ru_maxrss`` is a per-process high-water mark).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_settings
from trailkeep.ingest.pipeline import NOTE_SUFFIXES, read_regular, size_limit
from trailkeep.vault import init_home

GB = 1 << 30
MB = 1 << 20
KINDS = (".md", ".txt", ".eml", ".mbox", ".json", ".zip", ".csv", ".jsonl")

CHILD = r"""
import json, resource, sys, time
from dataclasses import replace
from pathlib import Path
from tests.conftest import make_settings
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, get_embedder

home, note_limit, file_limit, *paths = sys.argv[1:]
s = replace(make_settings(Path(home)), max_note_bytes=int(note_limit), max_file_bytes=int(file_limit))
v = Vault.open(s, get_embedder("hash"))
ing = Ingestor(v)
warm = s.inbox / "warm-up.md"  # imports, the first SQL writes: not what is measured
warm.write_text("---\ntitle: warm\n---\n# warm\n\nup\n")
ing.ingest_file(warm)
out = []
for p in paths:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    o = ing.ingest_file(Path(p))
    out.append({"path": p, "status": o.status, "error": o.error, "sid": o.source_id,
                "seconds": time.perf_counter() - t,
                "extra_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before})
v.close()
print(json.dumps(out))
"""


def _sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04" if path.suffix == ".zip" else b"From x\n")
        fh.truncate(size)
    return path


def _child(script: str, *args: str) -> object:
    env = {**os.environ, "TRAILKEEP_EMBEDDER": "hash", "ANONYMIZED_TELEMETRY": "False"}
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_the_limit_is_chosen_by_kind() -> None:
    for ext in NOTE_SUFFIXES:
        assert size_limit(f"x{ext.upper()}", 100, 10) == (10, "note", "ingest.max_note_mb")
    for ext in (".eml", ".mbox", ".json", ".zip", ".csv", ".jsonl", ""):
        assert size_limit(f"x{ext}", 100, 10) == (100, "file", "ingest.max_file_mb")


def test_a_1gb_file_of_every_kind_is_refused_without_being_read(tmp_path: Path) -> None:
    # GIVEN limits of 1 MB for notes and 2 MB for other files, and a 1 GB sparse file of each kind
    home = tmp_path / "home"
    s = make_settings(home)
    init_home(s)
    paths = [_sparse(s.inbox / f"big{ext}", GB) for ext in KINDS]
    # WHEN each is ingested (in a child process that measures its peak memory)
    results = _child(CHILD, str(home), str(MB), str(2 * MB), *map(str, paths))
    # THEN each is refused fast, in little memory, with its size and limit named
    assert isinstance(results, list) and len(results) == len(KINDS)
    for r in results:
        name = Path(r["path"]).name
        kind = "note" if name.endswith(NOTE_SUFFIXES) else "file"
        assert r["status"] == "failed", r
        assert f"{GB} bytes is over the {kind} limit" in r["error"], r
        assert r["seconds"] < 1.0, r
        assert r["extra_kb"] < 100 * 1024, r
        print(
            f"\n{name}: refused in {r['seconds'] * 1000:.0f} ms, +{r['extra_kb'] / 1024:.1f} MB peak"
        )
    # AND nothing but the warm-up note reached blobs/
    blobs = [p for p in (home / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 1 and all(p.stat().st_size < 1000 for p in blobs)
    # AND each refusal is a failed source: path, size, the sha256 of its first MB; no blob link
    from sqlalchemy import text

    from trailkeep.vault import Vault, get_embedder

    v = Vault.open(s, get_embedder("hash"))  # the same store the child wrote (SQLite or servers)
    with v.engine.connect() as c:
        rows = {
            Path(r[0]).name: tuple(r[1:])
            for r in c.execute(
                text("SELECT path, sha256, size, status FROM source WHERE status='failed'")
            )
        }
    v.close()
    assert set(rows) == {p.name for p in paths}
    for p in paths:
        with p.open("rb") as fh:
            head = hashlib.sha256(fh.read(MB)).hexdigest()
        assert rows[p.name] == (f"unreadable:head:{head}", GB, "failed")
    quarantined = sorted(q.name for q in (home / "quarantine").iterdir())
    assert all(q.endswith(".error.txt") for q in quarantined) and len(quarantined) == len(KINDS)


def test_between_the_limits_a_note_is_refused_and_a_data_file_is_read(tmp_path: Path) -> None:
    # GIVEN a 1.5 MB note and a 1.5 MB .csv, with a 1 MB note limit and a 2 MB file limit
    home = tmp_path / "home"
    s = make_settings(home)
    init_home(s)
    note = s.inbox / "long.md"
    note.write_text("# long\n\n" + "word " * (300 * 1024), encoding="utf-8")
    csv = s.inbox / "sheet.csv"
    csv.write_text("a,b\n" + "1,2\n" * (384 * 1024), encoding="utf-8")
    results = _child(CHILD, str(home), str(MB), str(2 * MB), str(note), str(csv))
    assert isinstance(results, list)
    by = {Path(r["path"]).name: r for r in results}
    # THEN the note is refused by the note limit and never stored
    assert by["long.md"]["status"] == "failed"
    assert "over the note limit" in by["long.md"]["error"]
    assert "ingest.max_note_mb" in by["long.md"]["error"]
    note_sha = hashlib.sha256(note.read_bytes()).hexdigest()
    assert not (home / "blobs" / note_sha[:2] / note_sha).exists()
    # AND the .csv, under the file limit, is read and stored (whatever its parser makes of it)
    assert "limit" not in (by["sheet.csv"]["error"] or ""), by["sheet.csv"]
    sha = hashlib.sha256(csv.read_bytes()).hexdigest()
    assert (home / "blobs" / sha[:2] / sha).is_file()


READ = r"""
import json, resource, sys
from pathlib import Path
from trailkeep.ingest.pipeline import read_regular
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data, st = read_regular(Path(sys.argv[1]), 1 << 40)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"size": len(data), "extra_kb": after - before}))
"""


def test_an_accepted_file_is_read_into_one_buffer_of_its_size(tmp_path: Path) -> None:
    # GIVEN a 300 MB file (sparse: it costs no disk)
    size = 300 * MB
    p = _sparse(tmp_path / "export.json", size)
    # WHEN it is read for parsing
    r = _child(READ, str(p))
    # THEN memory grows by about its size, not twice it (the old read-then-join: ~600 MB)
    assert isinstance(r, dict) and r["size"] == size
    assert r["extra_kb"] * 1024 < 1.2 * size, r
    print(f"\nread {size // MB} MB: +{r['extra_kb'] // 1024} MB peak")


def test_read_regular_refuses_by_stat_and_names_the_setting(tmp_path: Path) -> None:
    from trailkeep.ingest import FileTooLarge

    p = _sparse(tmp_path / "n.md", 10 * MB)
    with pytest.raises(
        FileTooLarge, match=r"over the note limit of 1048576 bytes \(ingest.max_note_mb\)"
    ):
        read_regular(p, MB, kind="note", setting="ingest.max_note_mb")
    seen: list[int] = []
    data, _ = read_regular(p, 20 * MB, room=seen.append)
    assert seen == [10 * MB] and len(data) == 10 * MB


def test_a_1gb_sparse_file_within_the_limits_is_refused_from_its_first_bytes(
    tmp_path: Path,
) -> None:
    """QA, session 11: with the default limits (1024 MB for data files), a sparse file of
    exactly 1 GB was under the limit and read whole — 1.1 GB of memory, 1 GB into blobs/ —
    before its parser said "binary content" or "no parser accepts". A file over SNIFF_ABOVE is
    judged by its first bytes: binary or nobody's format, it is refused unread."""
    from trailkeep.ingest.pipeline import SNIFF_ABOVE

    home = tmp_path / "home"
    s = make_settings(home)
    init_home(s)
    kinds = [k for k in KINDS if k not in NOTE_SUFFIXES]
    paths = [_sparse(s.inbox / f"big{ext}", GB) for ext in kinds]
    results = _child(CHILD, str(home), str(20 * MB), str(GB), *map(str, paths))
    assert isinstance(results, list) and len(results) == len(kinds)
    for r in results:
        assert r["status"] == "failed", r
        # "binary content", "no parser accepts", "not a complete zip archive" (a zip's head,
        # then zeros: no end of central directory)
        assert "refused without reading it whole" in r["error"] or "no parser" in r["error"], r
        assert r["seconds"] < 1.0, r
        assert r["extra_kb"] < 100 * 1024, r
    blobs = [p for p in (home / "blobs").rglob("*") if p.is_file() and p.stat().st_size > MB]
    assert blobs == [] and SNIFF_ABOVE < GB
