"""Trail cues against the labelled sentences (tests/ingest/cue_labels.jsonl).

Prints, per tag, precision / recall / F1 with true-positive, false-positive and false-negative
counts, separately for the project's own sentences (fixtures + written) and for the notes corpus,
and the number of sentences of each. Corpus sentences are stored as `corpus:<path>#<sha1[:12]>`
only (never their text): they are found again by splitting the corpus file with our splitter.
`--errors` lists the sentences the cues got wrong.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trailkeep.ingest.cues import TAGS, cue_sentences, sentence_spans, tag_text

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "ingest" / "cue_labels.jsonl"
CORPORA = REPO.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Labelled:
    source: str  # "project" (fixtures and written sentences) or "corpus"
    origin: str
    text: str
    gold: frozenset[str]
    found: frozenset[str]


def sentence_hash(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:12]


def load(labels: Path = LABELS) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            unknown = set(row["tags"]) - set(TAGS)
            if unknown:
                raise ValueError(f"{labels.name}:{n}: unknown tags {sorted(unknown)}")
            rows.append(row)
    return rows


def resolve(rows: list[dict[str, Any]], corpora: Path | None) -> tuple[list[Labelled], list[str]]:
    """Labelled sentences with the tags the cues find; corpus rows are looked up in ``corpora``
    (skipped when it is None). Returns (items, origins of corpus rows that were not found)."""
    items: list[Labelled] = []
    missing: list[str] = []
    files: dict[str, dict[str, tuple[str, frozenset[str]]]] = {}
    for row in rows:
        gold = frozenset(row["tags"])
        origin = str(row["origin"])
        if not origin.startswith("corpus:"):
            text = str(row["text"])
            items.append(Labelled("project", origin, text, gold, frozenset(tag_text(text))))
            continue
        if corpora is None:
            continue
        rel, _, digest = origin.removeprefix("corpus:").partition("#")
        if rel not in files:
            files[rel] = _sentences(corpora / rel)
        hit = files[rel].get(digest)
        if hit is None:
            missing.append(origin)
            continue
        items.append(Labelled("corpus", origin, hit[0], gold, hit[1]))
    return items, missing


def _sentences(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """sha1[:12] of each sentence of a corpus file -> (sentence, tags the cues give it)."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8", errors="replace")
    tags: dict[tuple[int, int], set[str]] = {}
    for c in cue_sentences(text):
        tags.setdefault((c.start, c.end), set()).add(c.tag)
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for s, e in sentence_spans(text):
        out.setdefault(sentence_hash(text[s:e]), (text[s:e], frozenset(tags.get((s, e), ()))))
    return out


def scores(items: list[Labelled]) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for tag in TAGS:
        tp = sum(1 for i in items if tag in i.gold and tag in i.found)
        fp = sum(1 for i in items if tag not in i.gold and tag in i.found)
        fn = sum(1 for i in items if tag in i.gold and tag not in i.found)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out[tag] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f1, 3),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "labelled": tp + fn,
        }
    return out


def run(labels: Path = LABELS, corpora: Path | None = CORPORA) -> dict[str, Any]:
    rows = load(labels)
    present = corpora if corpora is not None and corpora.is_dir() else None
    items, missing = resolve(rows, present)
    out: dict[str, Any] = {"labels": str(labels.name), "rows": len(rows)}
    for source in ("project", "corpus", "all"):
        part = [i for i in items if source in ("all", i.source)]
        out[source] = {
            "sentences": len(part),
            "negatives": sum(1 for i in part if not i.gold),
            "tags": scores(part),
        }
    if present is None:
        out["corpus"]["skipped"] = f"corpora not found at {corpora}"
    out["corpus_rows_not_found"] = missing
    return out


def errors(labels: Path = LABELS, corpora: Path | None = CORPORA) -> list[dict[str, Any]]:
    present = corpora if corpora is not None and corpora.is_dir() else None
    items, _ = resolve(load(labels), present)
    return [
        {"origin": i.origin, "gold": sorted(i.gold), "found": sorted(i.found), "text": i.text}
        for i in items
        if i.gold != i.found
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench cues", description=__doc__)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument("--errors", action="store_true", help="list the sentences tagged wrongly")
    a = ap.parse_args(argv)
    if not a.labels.exists():
        print(f"labels not found: {a.labels}")
        return 2
    result: Any = errors(a.labels, a.corpora) if a.errors else run(a.labels, a.corpora)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0
