"""Embedder batching (issue 16): batches cut by character length (tokenizer padding to the
longest) against batches cut by token count (tokenised once), on the same texts in one run:
seconds, the share of padded tokens, and how far the vectors differ.

    trailkeep bench embedder [--notes DIR] [--limit 1407] [--repeat 3]

Texts are the chunks of the shared notes corpus (../shared/corpora/notes) as trailkeep cuts
them; without the corpus, generated note-like texts of varied length.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from trailkeep.vault import get_embedder
from trailkeep.vault.embedder import MiniLMEmbedder

from .common import machine, median

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "notes"


def texts_from(folder: Path, limit: int) -> list[str]:
    from trailkeep.ingest.chunking import chunk_document
    from trailkeep.ingest.parsers.notes import NotesParser
    from trailkeep.vault import Origin

    out: list[str] = []
    parser = NotesParser()
    for f in sorted(folder.rglob("*.md")):
        try:
            with f.open("rb") as fh:
                for doc in parser.parse(fh, origin=Origin(f.name, f.name)):
                    if hasattr(doc, "entries"):
                        out += [
                            f"{c.context}\n{c.text}" if c.context else c.text
                            for c in chunk_document(doc)
                        ]
        except Exception:  # a hostile note: skipped here, the parser tests cover it
            continue
        if len(out) >= limit:
            break
    return out[:limit]


def generated(limit: int) -> list[str]:
    rnd = random.Random(7)
    words = "registry import clinic patient record export invoice nightly match decision".split()
    return [
        " ".join(rnd.choice(words) for _ in range(rnd.choice([5, 20, 60, 200])))
        for _ in range(limit)
    ]


def padding_share(counts: list[int], order: list[int], batch: int) -> float:
    real = sum(counts)
    padded = 0
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        padded += max(counts[i] for i in idx) * len(idx)
    return 1 - real / padded if padded else 0.0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench embedder", description=__doc__)
    ap.add_argument("--notes", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=1407)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    texts = texts_from(args.notes, args.limit) if args.notes.exists() else generated(args.limit)
    emb = get_embedder("minilm")
    assert isinstance(emb, MiniLMEmbedder)
    emb.warm_up()
    counts = [min(c, 256) for c in emb.token_counts(texts)]
    batch = emb._batch
    by_chars = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    by_tokens = sorted(range(len(texts)), key=lambda i: counts[i])
    old_t: list[float] = []
    new_t: list[float] = []
    old = new = []
    for _ in range(args.repeat):  # interleaved, so both see the same machine
        t0 = time.perf_counter()
        old = emb.embed_by_characters(texts)
        old_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        new = emb.embed(texts)
        new_t.append(time.perf_counter() - t0)
    diff = max(abs(a - b) for u, v in zip(old, new, strict=True) for a, b in zip(u, v, strict=True))
    cos = min(sum(a * b for a, b in zip(u, v, strict=True)) for u, v in zip(old, new, strict=True))
    print(
        f"{len(texts)} texts ({'notes corpus' if args.notes.exists() else 'generated'}), "
        f"batch {batch}, {args.repeat} interleaved runs; {machine()}"
    )
    pad_old = padding_share(counts, by_chars, batch)
    pad_new = padding_share(counts, by_tokens, batch)
    print(f"by characters: median {median(old_t):.2f} s, padding {pad_old:.1%}")
    print(f"by tokens:     median {median(new_t):.2f} s, padding {pad_new:.1%}")
    print(
        f"ratio {median(new_t) / median(old_t):.2f}; vectors: max |difference| {diff:.2e}, "
        f"min cosine {cos:.6f}"
    )
    return 0
