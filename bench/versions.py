"""`trailkeep bench versions [--docs 100] [--chunks 100000] [--seed 7]`: time questions over a
generated version history (notes/0014-time-questions.md).

Each document is kept as 5–15 dated versions (one front-matter ``id``, one file per version,
``updated:`` with a UTC offset; about one version in five shares its timestamp with the one
before). Planted phrases appear, change value (one phrase replaced by another) and disappear,
some come back after a gap, some are shared by several documents; some versions write them with
curly quotes, em dashes or a line break inside, while the question is typed plainly. The files
are ingested in random order, then all of them again in another random order.

Reported: the share of planted phrases for which ``when`` gets first and last appearance exactly
right (document, version number, timestamp) and ``in_current`` right (goal ≥ 99 %); versions
added by the second ingest (goal 0); ``when`` latency p50/p95 once filler chunks bring the vault
to ``--chunks``. Vectors come from the hash embedder (``TRAILKEEP_EMBEDDER=hash``, as the tests
use) so that building 100k chunks takes minutes, not hours: the exact path does not use vectors
at all; a topic fallback would, and is not what is measured here.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from trailkeep.ingest import Ingestor
from trailkeep.recall.timeline import when
from trailkeep.vault import ChunkSpec, ParsedDocument, ParsedEntry, Vault, get_embedder, status
from trailkeep.vault.browse import documents

from .common import machine, median, pct, temp_home

_CONS, _VOW = "bdfgklmnprstvz", "aeiou"


def pseudo(i: int, tail: str = "") -> str:
    """A unique pronounceable word for ``i`` (letters only, stemming-stable with ``tail``)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i, len(_CONS) * len(_VOW))
        out += _CONS[r // len(_VOW)] + _VOW[r % len(_VOW)]
    return out + tail


@dataclass
class Version:
    doc: int
    index: int  # in the generator's own order (time order before ties are broken)
    when: datetime
    phrases: list[str] = field(default_factory=list)
    path: Path | None = None
    arrival: int = -1  # position in the first ingest


@dataclass
class Corpus:
    versions: list[Version]
    typed: dict[str, str]  # planted phrase -> the way the question types it

    def titles(self) -> dict[int, str]:
        return {v.doc: f"Essay {v.doc:03d}" for v in self.versions}


def generate(docs: int, seed: int) -> Corpus:
    """The version history: which phrases each version says, and when it was written."""
    rnd = random.Random(seed)
    versions: list[Version] = []
    word = iter(range(10**9))

    def phrase(tail: str = "") -> str:
        w = [pseudo(next(word), "x") for _ in range(3)]
        style = rnd.random()
        if style < 0.15:
            return f"{w[0]} - {w[1]} {w[2]}{tail}"  # written with some dash
        if style < 0.3:
            return f'{w[0]} "{w[1]}" {w[2]}{tail}'  # written with curly quotes
        return " ".join(w) + tail

    shared = [phrase() for _ in range(max(1, docs // 10))]
    for d in range(docs):
        n = rnd.randint(5, 15)
        t = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=d, minutes=rnd.randint(0, 900))
        stamps: list[datetime] = []
        for i in range(n):
            if i and rnd.random() < 0.2:
                stamps.append(stamps[-1])  # the same timestamp as the version before
            else:
                t += timedelta(days=rnd.randint(1, 20), minutes=rnd.randint(1, 600))
                stamps.append(t)
        vs = [Version(d, i, stamps[i]) for i in range(n)]
        # appears at a, disappears after b
        a = rnd.randrange(n)
        b = rnd.randrange(a, n)
        steady = phrase()
        for v in vs[a : b + 1]:
            v.phrases.append(steady)
        # a value that changes at c: the old wording goes, the new one stays
        c = rnd.randrange(1, n)
        old, new = phrase(" 4,100 euros"), phrase(" 5,300 euros")
        for v in vs[:c]:
            v.phrases.append(old)
        for v in vs[c:]:
            v.phrases.append(new)
        # said, dropped, said again
        if n >= 6:
            back = phrase()
            for v in vs[1:3] + vs[5:]:
                v.phrases.append(back)
        # one shared phrase in a few documents, a stretch of versions each
        if d % 3 == 0:
            s = shared[d % len(shared)]
            for v in vs[n // 2 :]:
                v.phrases.append(s)
        versions.extend(vs)
    planted = {p for v in versions for p in v.phrases}
    return Corpus(versions, {p: p for p in sorted(planted)})


def variant(p: str, rnd: random.Random) -> str:
    """How one version writes phrase ``p``: its dash as any dash, its quotes curly, sometimes a
    line break inside (all the same phrase after normalising)."""
    if " - " in p:
        p = p.replace(" - ", rnd.choice(["—", " — ", "–", " – ", "-", " - "]), 1)
    if '"' in p:
        p = p.replace('"', "“", 1).replace('"', "”", 1)
    if rnd.random() < 0.2:
        p = p.replace(" ", "\n", 1)  # a wrapped line
    return p


def render(v: Version, rnd: random.Random) -> str:
    """A version as a note."""
    off = timezone(timedelta(hours=rnd.choice([-5, 0, 1, 2])))
    stamp = v.when.astimezone(off).isoformat()
    fm = f"---\nid: essay-{v.doc:03d}\ntitle: Essay {v.doc:03d}\nupdated: {stamp}\n---\n"
    body = [f"# Essay {v.doc:03d}\n"]
    said = list(v.phrases)
    rnd.shuffle(said)
    for k in range(rnd.randint(2, 4)):
        lines = []
        for _ in range(rnd.randint(2, 5)):
            words = " ".join(pseudo(rnd.randrange(5000), "q") for _ in range(rnd.randint(6, 14)))
            lines.append(words.capitalize() + ".")
        if said and (k == 0 or rnd.random() < 0.5):
            text = variant(said.pop(), rnd)
            lines.insert(rnd.randrange(len(lines) + 1), f"We said “{text}” here.")
        body.append(f"## Part {k}\n\n" + " ".join(lines) + "\n")
    for p in said:
        body.append(f"## More\n\nAlso: {variant(p, rnd)}.\n")
    return fm + "\n".join(body)


def write(corpus: Corpus, folder: Path, seed: int) -> None:
    rnd = random.Random(seed + 1)
    for v in corpus.versions:
        v.path = folder / f"essay-{v.doc:03d}" / f"v{v.index:02d}.md"
        v.path.parent.mkdir(parents=True, exist_ok=True)
        v.path.write_text(render(v, rnd), encoding="utf-8")


def ingest(ing: Ingestor, corpus: Corpus, seed: int, *, first: bool) -> float:
    order = list(corpus.versions)
    random.Random(seed).shuffle(order)
    t0 = time.perf_counter()
    for i, v in enumerate(order):
        assert v.path is not None
        ing.ingest_file(v.path, embed=False)
        if first:
            v.arrival = i
    ing.vault.embed_pending()
    return time.perf_counter() - t0


def expected(corpus: Corpus, phrase: str) -> dict[str, Any]:
    """Where ``phrase`` first and last appears, by the rule: a document's versions in order of
    their own time, ties by arrival; across documents by time."""
    by_doc: dict[int, list[Version]] = {}
    for v in corpus.versions:
        by_doc.setdefault(v.doc, []).append(v)
    places = []
    in_current = False
    for doc, vs in by_doc.items():
        ordered = sorted(vs, key=lambda v: (v.when, v.arrival))
        for n, v in enumerate(ordered, 1):
            if phrase in v.phrases:
                places.append((v.when, doc, n))
        in_current = in_current or phrase in ordered[-1].phrases
    places.sort()
    return {"first": places[0], "last": places[-1], "in_current": in_current}


def check(vault: Vault, corpus: Corpus) -> tuple[int, list[dict[str, Any]], list[float]]:
    """(phrases `when` got exactly right, the wrong ones, latencies in ms)."""
    titles = corpus.titles()
    right = 0
    wrong: list[dict[str, Any]] = []
    lat: list[float] = []
    for phrase, question in corpus.typed.items():
        exp = expected(corpus, phrase)
        t0 = time.perf_counter()
        got = when(vault, question).as_json()
        lat.append((time.perf_counter() - t0) * 1000)

        def place(a: dict[str, Any] | None) -> tuple[datetime, str, int] | None:
            if a is None:
                return None
            return datetime.fromisoformat(a["timestamp"]), a["document"], a["version"]

        want = [(t, titles[d], n) for t, d, n in (exp["first"], exp["last"])]
        ok = (
            got["match"] == "exact"
            and [place(got["first"]), place(got["last"])] == want
            and got["in_current"] == exp["in_current"]
        )
        if ok:
            right += 1
        else:
            wrong.append({"phrase": phrase, "expected": str(want), "got": str(got)[:400]})
    return right, wrong, lat


def version_count(vault: Vault) -> int:
    return sum(int(d["versions"]) for d in documents(vault, None, limit=10**7))


def fill(vault: Vault, chunks: int, seed: int, per_doc: int = 1000) -> float:
    """Filler notes (one version, one chunk per entry) until the vault holds ``chunks``."""
    rnd = random.Random(seed + 2)
    have = int(status(vault)["chunks"])
    t0 = time.perf_counter()
    d = 0
    while have < chunks:
        m = min(per_doc, chunks - have)
        entries, specs = [], []
        for i in range(m):
            text = " ".join(pseudo(int(rnd.paretovariate(1.1)) % 20000, "f") for _ in range(30))
            key = f"s{i}"
            entries.append(ParsedEntry(key=key, kind="section", text=text, position=i))
            specs.append(ChunkSpec(key, 0, text, f"Filler {d}", 0, len(text)))
        doc = ParsedDocument(
            kind="note",
            external_id=f"id:filler-{seed}-{d}",
            title=f"Filler {d}",
            content_sha256=f"filler-{seed}-{d}",
            timestamp=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=d),
            entries=entries,
        )
        with vault.writer("bench filler"):
            vault.write_document(doc, specs, None)
        have += m
        d += 1
        if d % 10 == 0:
            vault.embed_pending()
    vault.embed_pending()
    return time.perf_counter() - t0


def run(root: Path, docs: int, chunks: int, seed: int) -> dict[str, Any]:
    s = temp_home(root / "home", "hash")
    vault = Vault.open(s, get_embedder("hash"))
    try:
        corpus = generate(docs, seed)
        write(corpus, root / "files", seed)
        ing = Ingestor(vault)
        first_s = ingest(ing, corpus, seed, first=True)
        before = version_count(vault)
        again_s = ingest(ing, corpus, seed + 100, first=False)
        added = version_count(vault) - before
        right, wrong, _ = check(vault, corpus)
        fill_s = fill(vault, chunks, seed) if chunks else 0.0
        right_big, wrong_big, lat = check(vault, corpus)
        # The worst case: a word in nearly every filler chunk (every one is a candidate).
        common = pseudo(1, "f")
        t0 = time.perf_counter()
        everywhere = len(when(vault, common).appearances)
        common_ms = (time.perf_counter() - t0) * 1000
        n = len(corpus.typed)
        return {
            "docs": docs,
            "versions": len(corpus.versions),
            "shared_timestamps": sum(
                1
                for a, b in zip(corpus.versions, corpus.versions[1:], strict=False)
                if a.doc == b.doc and a.when == b.when
            ),
            "planted_phrases": n,
            "when_exact_right": round(right / n, 4),
            "when_exact_right_at_size": round(right_big / n, 4),
            "versions_added_by_reingest": added,
            "ingest_s": round(first_s, 1),
            "reingest_s": round(again_s, 1),
            "vault_chunks": int(status(vault)["chunks"]),
            "fill_s": round(fill_s, 1),
            "when_ms_p50": round(median(lat), 1),
            "when_ms_p95": round(pct(lat, 0.95), 1),
            "when_common_word": {"appearances": everywhere, "ms": round(common_ms, 1)},
            "embedder": "hash (TRAILKEEP_EMBEDDER=hash as in tests; exact `when` uses no vectors)",
            "machine": machine(),
            "wrong": (wrong + wrong_big)[:5],
        }
    finally:
        vault.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench versions", description=__doc__)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--chunks", type=int, default=100_000, help="vault size for the latency")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dir", type=Path, help="build here (default: a temporary folder)")
    a = ap.parse_args(argv)
    root = a.dir or Path(tempfile.mkdtemp(prefix="tk-versions-"))
    out = run(root, a.docs, a.chunks, a.seed)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    ok = out["when_exact_right"] >= 0.99 and out["versions_added_by_reingest"] == 0
    return 0 if ok else 1
