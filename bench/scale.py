"""Search latency at scale: synthetic vaults of N chunks, random unit vectors, built once per size
and reused; 50 queries measured one after another after a warm-up. Embedding is excluded from the
search figures and reported separately (one MiniLM query).

Two kinds of text: ``small`` draws every word from a 37-word vocabulary (each word is in ~58 % of
chunks: the worst case for keyword search, and after the pruning of notes/0003 no keyword is
informative at all); ``zipf`` draws from 20,000 pseudo-words with Zipf-distributed frequencies,
as real text is, so queries mix common and rare words and the keyword side really works."""

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


ZIPF_VOCAB = 20_000
ZIPF_S = 1.1


class _Zipf:
    """Pseudo-words ``w0 … w19999`` drawn with probability ∝ 1 / rank^s."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed + 1000)
        p = 1.0 / np.arange(1, ZIPF_VOCAB + 1) ** ZIPF_S
        self.p = p / p.sum()
        self.words = np.array([_pseudo(i) for i in range(ZIPF_VOCAB)])

    def text(self, n_words: int) -> str:
        return " ".join(self.words[self.rng.choice(ZIPF_VOCAB, size=n_words, p=self.p)])


def _pseudo(i: int) -> str:
    """A pronounceable, unique, stemming-stable word for rank i (letters only)."""
    cons, vow = "bdfgklmnprstvz", "aeiou"
    out = ""
    i += 1
    while i:
        i, r = divmod(i, len(cons) * len(vow))
        out += cons[r // len(vow)] + vow[r % len(vow)]
    return out + "x"


def texts(kind: str, rnd: random.Random, zipf: _Zipf | None, m: int) -> list[str]:
    if kind == "zipf" and zipf is not None:
        return [zipf.text(rnd.randint(10, 60)) for _ in range(m)]
    return [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(10, 60))) for _ in range(m)]


def build(
    v: Vault,
    n: int,
    seed: int = 3,
    batch: int = 5000,
    clients: tuple[str | None, ...] = (None,),
    kind: str = "small",
) -> float:
    """n chunks, one per entry; entry i belongs to ``clients[i % len(clients)]``."""
    rnd = random.Random(seed)
    zipf = _Zipf(seed) if kind == "zipf" else None
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
        batch_texts = texts(kind, rnd, zipf, m)
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
                    for i, t in enumerate(batch_texts)
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
                    for i, t in enumerate(batch_texts)
                ],
            )
            cfirst = int(c.execute(text("SELECT MAX(id) FROM chunk")).scalar_one()) - m + 1
            ids = list(range(cfirst, cfirst + m))
            v.keyword.add(c, list(zip(ids, batch_texts, strict=True)))
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


def measure(v: Vault, queries: int = 50, kind: str = "small") -> dict[str, Any]:
    rnd = random.Random(9)
    zipf = _Zipf(9) if kind == "zipf" else None
    qs = [
        " ".join(texts(kind, rnd, zipf, 1)[0].split()[: rnd.randint(2, 6)]) for _ in range(queries)
    ]
    for q in qs[:5]:
        search(v, q, k=10)
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        search(v, q, k=10)
        lat.append((time.perf_counter() - t0) * 1000)
    out = {"search_ms_p50": round(median(lat), 1), "search_ms_p95": round(pct(lat, 0.95), 1)}
    out.update(keyword_plans(v, qs))
    return out


def keyword_plans(v: Vault, qs: list[str], k: int = 50) -> dict[str, Any]:
    """Keyword search alone, FTS5 ranking first (now) against join-then-rank (before), on the
    same queries, alternating; and whether the top k agree (issue 16)."""
    from trailkeep.vault import Filters, keyword_search

    kw = v.keyword
    if not hasattr(kw, "rank_first"):
        return {}
    lat: dict[bool, list[float]] = {True: [], False: []}
    same = 0
    for q in qs:
        got = {}
        for flag in (False, True):
            kw.rank_first = flag
            t0 = time.perf_counter()
            got[flag] = keyword_search(v, q, k, Filters())
            lat[flag].append((time.perf_counter() - t0) * 1000)
        same += [c for c, _ in got[True]] == [c for c, _ in got[False]]
    kw.rank_first = True
    return {
        "keyword_ms_before_p50_p95": [
            round(median(lat[False]), 1),
            round(pct(lat[False], 0.95), 1),
        ],
        "keyword_ms_after_p50_p95": [round(median(lat[True]), 1), round(pct(lat[True], 0.95), 1)],
        "keyword_same_top50": f"{same}/{len(qs)}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench scale", description=__doc__)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--dir", type=Path, help="keep the built vaults here and reuse them")
    ap.add_argument("--text", choices=["small", "zipf"], default="zipf", help="see above")
    a = ap.parse_args(argv)
    root = a.dir or Path(tempfile.mkdtemp(prefix="tk-scale-"))
    out: dict[str, Any] = {"text": a.text, "sizes": {}}
    minilm = get_embedder("minilm")
    t0 = time.perf_counter()
    for _ in range(20):
        minilm.embed(["what did we decide about the nightly claims export?"])
    out["query_embedding_ms_minilm"] = round((time.perf_counter() - t0) * 1000 / 20, 1)
    for n in (int(x) for x in a.sizes.split(",")):
        home = root / f"n{n}-{a.text}"
        fresh = not home.exists()
        s = temp_home(home, "hash")
        v = Vault.open(s, get_embedder("hash"))
        build_s = build(v, n, kind=a.text) if fresh else None
        r = measure(v, kind=a.text)
        r["build_s"] = round(build_s, 1) if build_s else "reused"
        r["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        out["sizes"][str(n)] = r
        v.close()
    print(json.dumps(out, indent=2))
    return 0
