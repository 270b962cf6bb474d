"""`trailkeep bench mcp`: the MCP server's tool-call round trip, measured from the official SDK's
client over stdio (spawn `python -m trailkeep.ui --home H mcp`, list the tools, call them), for
``search`` and ``ask`` (offline extractive backend): startup, then p50 / p95 over ``--runs``
calls each after a warm-up; and the same tools called in process, so the transport's share
shows. The vault: a year of generated mail and notes (``bench brief``'s generator, about 10,000
chunks), or ``--home`` to reuse one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .brief import WORDS, build_home, chunk_count
from .common import machine, median, pct


def _queries(n: int, seed: int) -> tuple[list[str], list[str]]:
    rnd = random.Random(seed)
    searches = [" ".join(rnd.sample(WORDS, 3)) for _ in range(n)]
    questions = [
        f"What did we decide about the {rnd.choice(WORDS)} {rnd.choice(WORDS)}?" for _ in range(n)
    ]
    return searches, questions


async def _over_stdio(
    home: Path, embedder: str, searches: list[str], questions: list[str], warmup: int
) -> dict[str, Any]:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "trailkeep.ui", "--home", str(home), "mcp"],
        env={"TRAILKEEP_EMBEDDER": embedder, "ANONYMIZED_TELEMETRY": "False"},
    )
    t0 = time.perf_counter()
    async with Client(params, read_timeout_seconds=300) as c:
        tools = (await c.list_tools()).tools
        startup = time.perf_counter() - t0
        out: dict[str, Any] = {"startup_s": round(startup, 2), "tools": [t.name for t in tools]}
        for name, key, args in (("search", "query", searches), ("ask", "question", questions)):
            for q in args[:warmup]:
                await c.call_tool(name, {key: q})
            ms = []
            abstained = 0
            for q in args[warmup:]:
                t = time.perf_counter()
                r = await c.call_tool(name, {key: q})
                ms.append((time.perf_counter() - t) * 1000)
                assert not r.is_error, r.content
                if name == "ask":
                    abstained += bool(json.loads(r.content[0].text)["abstained"])  # type: ignore[union-attr]
            if name == "ask":
                out["ask_abstained"] = abstained
            out[f"{name}_ms_p50"] = round(median(ms), 1)
            out[f"{name}_ms_p95"] = round(pct(ms, 0.95), 1)
            out[f"{name}_calls"] = len(ms)
        return out


def _in_process(
    home: Path, embedder: str, searches: list[str], questions: list[str], warmup: int
) -> dict[str, Any]:
    from trailkeep.ui.mcp_server import Tools
    from trailkeep.vault import Vault, get_embedder, load_settings

    v = Vault.open(load_settings({"TRAILKEEP_EMBEDDER": embedder}, home), get_embedder(embedder))
    try:
        tools = Tools(v)
        out: dict[str, Any] = {}
        for name, fn, args in (("search", tools.search, searches), ("ask", tools.ask, questions)):
            for q in args[:warmup]:
                fn(q)
            ms = []
            for q in args[warmup:]:
                t = time.perf_counter()
                fn(q)
                ms.append((time.perf_counter() - t) * 1000)
            out[f"{name}_ms_p50"] = round(median(ms), 1)
            out[f"{name}_ms_p95"] = round(pct(ms, 0.95), 1)
        out["chunks"] = chunk_count(v)
        return out
    finally:
        v.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench mcp", description=__doc__)
    ap.add_argument("--home", type=Path, help="An existing home to serve (default: generate one).")
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    ap.add_argument("--threads-per-week", type=float, default=3.5, help="per client, generated")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args(argv)
    ingest_s = None
    home = a.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="tk-mcp-"))
        v, _, ingest_s = build_home(home, 2026, 6, a.threads_per_week, a.embedder)
        v.close()
    searches, questions = _queries(a.warmup + a.runs, seed=13)
    stdio = asyncio.run(_over_stdio(home, a.embedder, searches, questions, a.warmup))
    local = _in_process(home, a.embedder, searches, questions, a.warmup)
    out = {
        "machine": machine(),
        "settings": {
            "chunks": local.pop("chunks"),
            "embedder": a.embedder,
            "backend": "extractive (offline)",
            "k": 10,
            "runs": a.runs,
            "warmup": a.warmup,
            "ingest_s": None if ingest_s is None else round(ingest_s, 1),
        },
        "stdio": stdio,
        "in_process": local,
    }
    print(json.dumps(out, indent=2))
    return 0
