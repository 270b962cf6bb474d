"""Chat-export benchmark: a generated ChatGPT export of N conversations, imported, re-imported,
and (with --mb) a large export for peak memory. Figures: messages/s, re-import over first,
peak RSS of the importing process (measured in a child process so nothing else counts)."""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

WORDS = (
    "export claims nightly registry clinic patient record match failed decided approach "
    "schema invoice client retry backup latency index upsert birth date duplicate report"
).split()


def _conversation(i: int, rnd: random.Random, turns: int, words: int) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        "root": {"id": "root", "parent": None, "children": [], "message": None}
    }
    parent = "root"
    t0 = 1.7e9 + i * 3600
    for j in range(turns):
        nid = f"c{i}-m{j}"
        role = "user" if j % 2 == 0 else "assistant"
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(words // 2, words)))
        mapping[nid] = {
            "id": nid,
            "parent": parent,
            "children": [],
            "message": {
                "id": nid,
                "author": {"role": role},
                "create_time": t0 + j * 30,
                "content": {"content_type": "text", "parts": [text]},
                "recipient": "all",
                "metadata": {},
            },
        }
        mapping[parent]["children"].append(nid)
        parent = nid
    return {
        "id": f"conv-{i}",
        "conversation_id": f"conv-{i}",
        "title": f"Conversation {i}",
        "create_time": t0,
        "mapping": mapping,
        "current_node": parent,
    }


def write_export(path: Path, n: int, turns: int, words: int, seed: int = 1, first: int = 0) -> int:
    """n conversations numbered from ``first`` (distinct exports need distinct ``first``)."""
    rnd = random.Random(seed)
    messages = 0
    with path.open("w") as fh:
        fh.write("[")
        for i in range(n):
            if i:
                fh.write(",")
            json.dump(_conversation(first + i, rnd, turns, words), fh)
            messages += turns
        fh.write("]")
    return messages


def _child(home: Path, export: Path, embedder: str, out: TextIO, embed: bool = True) -> None:
    from trailkeep.ingest import Ingestor
    from trailkeep.vault import Vault, get_embedder

    from .common import temp_home

    s = temp_home(home, embedder)
    v = Vault.open(s, get_embedder(embedder))
    t0 = time.perf_counter()
    first = Ingestor(v).ingest_file(export, embed=embed)
    t1 = time.perf_counter() - t0
    copy = export.with_name("again-" + export.name)
    copy.write_bytes(export.read_bytes()[:-1] + b" ]")  # other bytes, same content
    t0 = time.perf_counter()
    again = Ingestor(v).ingest_file(copy, embed=embed)
    t2 = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "first_s": t1,
            "first": first.status,
            "again_s": t2,
            "again": again.status,
            "peak_rss_mb": rss_mb,
        },
        out,
    )


def run(n: int, turns: int, words: int, embedder: str, embed: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "conversations.json"
        messages = write_export(export, n, turns, words)
        size_mb = export.stat().st_size / 1e6
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "trailkeep.bench",
                "chats-child",
                str(Path(tmp) / "home"),
                str(export),
                embedder,
                "embed" if embed else "no-embed",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "conversations": n,
        "messages": messages,
        "export_mb": round(size_mb, 1),
        "embedder": embedder if embed else "none (vectors deferred: SQL, keyword index, blobs)",
        "first_import_s": round(r["first_s"], 2),
        "messages_per_s": round(messages / r["first_s"], 1),
        "reimport_s": round(r["again_s"], 2),
        "reimport_over_first": round(r["again_s"] / r["first_s"], 3),
        "statuses": [r["first"], r["again"]],
        "peak_rss_mb": round(r["peak_rss_mb"], 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench chats", description=__doc__)
    ap.add_argument("--conversations", type=int, default=10_000)
    ap.add_argument("--turns", type=int, default=6)
    ap.add_argument("--words", type=int, default=40)
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument(
        "--no-embed", action="store_true", help="defer vectors (for memory at large sizes)"
    )
    a = ap.parse_args(argv)
    print(json.dumps(run(a.conversations, a.turns, a.words, a.embedder, not a.no_embed), indent=2))
    return 0


def child_main(argv: list[str]) -> int:
    _child(Path(argv[0]), Path(argv[1]), argv[2], sys.stdout, argv[3] != "no-embed")
    return 0
