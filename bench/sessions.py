"""Coding-agent sessions (issue 18): a generated tree of Claude Code sessions, read in place
from a ``[[source]]`` folder.

- first ingest of the tree: turns per second, against the embedder alone on the same texts;
- a re-scan with nothing changed (the watcher's scan and `trailkeep ingest` of the tree): its
  time as a share of the first ingest (goal under 5 %);
- 10 lines appended to a ~50 MB session: seconds until the new turns are searchable (goal
  under 1 s);
- peak memory of each parser on a large single input (a child process per parser).

    trailkeep bench sessions [--sessions 1000] [--turns 20] [--big-mb 50] [--embedder minilm]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from trailkeep.ingest import Ingestor
from trailkeep.ingest.watcher import Watcher
from trailkeep.recall import search
from trailkeep.vault import Vault, get_embedder
from trailkeep.vault.settings import WatchedSource

from .common import machine, temp_home

WORDS = (
    "registry import clinic patient record export invoice nightly match duplicate decision "
    "schema field retry backup migration audit parser session tool commit branch test fixture"
).split()


def _line(sid: str, n: int, parent: str | None, role: str, text: str, big: str = "") -> str:
    uuid = f"{sid[:8]}-{n:06d}"
    if role == "user":
        content: object = text
        if big:
            content = [
                {"type": "tool_result", "tool_use_id": f"toolu_{sid[:8]}_{n}", "content": big}
            ]
        msg: dict[str, object] = {"role": "user", "content": content}
    else:
        msg = {
            "id": f"msg_{sid[:8]}_{n}",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": text}],
        }
    return json.dumps(
        {
            "parentUuid": parent,
            "isSidechain": False,
            "cwd": f"/home/sam/src/project-{sid[:4]}",
            "sessionId": sid,
            "type": role,
            "message": msg,
            "uuid": uuid,
            "timestamp": f"2026-10-{1 + n % 28:02d}T10:{n % 60:02d}:00.000Z",
        }
    )


def session_lines(
    rnd: random.Random, sid: str, turns: int, start: int = 0, big: int = 0, prompt_at: int = -1
) -> list[str]:
    out = []
    parent = f"{sid[:8]}-{start - 1:06d}" if start else None
    for n in range(start, start + turns):
        role = "user" if n % 2 == 0 else "assistant"
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(8, 60)))
        # A big session: every user turn but the first of each call carries a tool's output;
        # the first is the user's prompt, as in a real session (it is where a re-read of the
        # tail may start: ingest/parsers/sessions.py, safe_resume_offset). ``prompt_at``: the
        # only prompt is turn ``prompt_at`` (one long agent run: ``--one-prompt``).
        tool = big and role == "user" and n != (start if prompt_at < 0 else prompt_at)
        payload = ("x" * 64 + "\n") * (big // 65) if tool else ""
        out.append(_line(sid, n, parent, role, text, payload))
        parent = f"{sid[:8]}-{n:06d}"
    return out


def peak_child(code: str) -> float:
    """Peak RSS (MB) of a child that runs ``code``."""
    # VmHWM is this process image's own high-water mark; ru_maxrss would carry the parent's
    # size over fork and exec (every parser then "peaked" at the bench's own 1.4 GB).
    script = code + (
        "\nimport re, resource\ntry:\n"
        "    kb = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])\n"
        "except OSError:\n"
        "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(kb)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)


def parser_peaks(tmp: Path, mb: int) -> dict[str, float]:
    rnd = random.Random(3)
    files: dict[str, Path] = {}
    big = tmp / "big-session.jsonl"
    with big.open("w") as fh:
        n = 0
        while fh.tell() < mb << 20:
            fh.write("\n".join(session_lines(rnd, "b" * 36, 50, n, big=20_000)) + "\n")
            n += 50
    files["agent-session"] = big
    note = tmp / "big-note.md"
    note.write_text(
        "# Big\n\n" + "\n\n".join(f"## S{i}\n\n" + "word " * 400 for i in range(min(mb, 19) * 500))
    )
    files["markdown-note"] = note
    txt = tmp / "big.txt"
    txt.write_text("\n\n".join("word " * 400 for _ in range(min(mb, 19) * 500)))
    files["plain-text-note"] = txt
    csv = tmp / "big.csv"
    csv.write_text(
        "date,client,hours,description\n"
        + "".join(f"2026-10-01,acme,1.5,task {i} " + "w " * 40 + "\n" for i in range(mb * 9000))
    )
    files["timesheet"] = csv
    conv = [
        {
            "id": f"c{i}",
            "title": "t",
            "create_time": 1.0,
            "update_time": 2.0,
            "current_node": "a",
            "mapping": {
                "r": {"id": "r", "parent": None, "children": ["a"], "message": None},
                "a": {
                    "id": "a",
                    "parent": "r",
                    "children": [],
                    "message": {
                        "id": "a",
                        "author": {"role": "user"},
                        "create_time": 1.0,
                        "content": {"content_type": "text", "parts": ["word " * 300]},
                    },
                },
            },
        }
        for i in range(mb * 600)
    ]
    chats = tmp / "conversations.json"
    chats.write_text(json.dumps(conv))
    files["chat-export"] = chats
    mbox = tmp / "big.mbox"
    with mbox.open("w") as fh:
        for i in range(mb * 300):
            fh.write(
                "From x@y Mon Jan  1 00:00:00 2026\nFrom: a@b.example\nTo: c@d.example\n"
                f"Subject: s{i}\nMessage-ID: <m{i}@b>\n\n" + "word " * 600 + "\n\n"
            )
    files["email"] = mbox
    out = {}
    for name, path in files.items():
        code = (
            "from trailkeep.ingest import registry\nfrom trailkeep.vault import Origin\n"
            f"p = {str(path)!r}\nhead = open(p, 'rb').read(4096)\n"
            "parser = registry.pick(p, head)\n"
            "with open(p, 'rb') as fh:\n"
            "    for _ in parser.parse(fh, origin=Origin(p, p)): pass\n"
        )
        out[f"{name} ({path.stat().st_size >> 20} MB)"] = peak_child(code)
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench sessions", description=__doc__)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--big-mb", type=int, default=50)
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--no-peaks", action="store_true")
    ap.add_argument("--peaks-only", action="store_true", help="only each parser's peak memory")
    ap.add_argument(
        "--one-prompt",
        action="store_true",
        help="the big session is one long agent run: a single prompt, then only tool calls",
    )
    args = ap.parse_args(argv)
    if args.peaks_only:
        with tempfile.TemporaryDirectory() as d:
            for k, mb in parser_peaks(Path(d), args.big_mb).items():
                print(f"peak memory, {k}: {mb} MB")
        return 0
    rnd = random.Random(11)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        tree = tmp / "claude" / "projects"
        texts: list[str] = []
        for i in range(args.sessions):
            sid = f"{i:08d}-aaaa-bbbb-cccc-{rnd.getrandbits(48):012x}"
            folder = tree / f"-home-sam-src-project-{i % 40}"
            folder.mkdir(parents=True, exist_ok=True)
            lines = session_lines(rnd, sid, args.turns)
            texts += [
                str(json.loads(x)["message"]["content"])
                if json.loads(x)["type"] == "user"
                else json.loads(x)["message"]["content"][0]["text"]
                for x in lines
            ]
            (folder / f"{sid}.jsonl").write_text("\n".join(lines) + "\n")
        s = temp_home(tmp / "home", args.embedder)
        s = replace(s, sources=(WatchedSource(tree, "claude-code"),), stable_seconds=0.0)
        emb = get_embedder(args.embedder)
        emb.embed(["warm up"])
        t0 = time.perf_counter()
        emb.embed(texts)
        embed_only = time.perf_counter() - t0
        v = Vault.open(s, emb)
        ing = Ingestor(v)
        files = sorted(tree.rglob("*.jsonl"))
        t0 = time.perf_counter()
        summary = ing.ingest_paths(files)
        first = time.perf_counter() - t0
        w = Watcher(ing, s.inbox, stable_seconds=0.0, sources=[tree])
        t0 = time.perf_counter()
        queued = w.scan()
        scan = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = ing.ingest_paths(files)
        reingest = time.perf_counter() - t0
        # one big session, then 10 appended lines
        big = tree / "-home-sam-src-big" / ("f" * 8 + "-big0-big0-big0-" + "f" * 12 + ".jsonl")
        big.parent.mkdir(parents=True)
        sid = big.stem
        n = 0
        once = 0 if args.one_prompt else -1
        with big.open("w") as fh:
            while fh.tell() < args.big_mb << 20:
                fh.write("\n".join(session_lines(rnd, sid, 50, n, 20_000, once)) + "\n")
                n += 50
        t0 = time.perf_counter()
        ing.ingest_file(big)
        big_first = time.perf_counter() - t0
        with big.open("a") as fh:
            tail = session_lines(random.Random(5), sid, 10, n, 200 if args.one_prompt else 0, once)
            tail[-1] = tail[-1].replace('"text": "', '"text": "zanzibarquill ', 1)
            fh.write("\n".join(tail) + "\n")
        t0 = time.perf_counter()
        ing.ingest_file(big)
        found = any("zanzibarquill" in h.quote for h in search(v, "zanzibarquill", k=5))
        append = time.perf_counter() - t0
        big_mb = big.stat().st_size >> 20
        v.close()
        peaks = {} if args.no_peaks else parser_peaks(tmp, args.big_mb)
    turns = args.sessions * args.turns
    print(f"{machine()}; embedder {args.embedder}; stable delay 0 s")
    print(
        f"first ingest: {args.sessions} sessions, {turns} turns in {first:.1f} s = "
        f"{turns / first:.0f} turns/s (embedder alone on the same texts: {embed_only:.1f} s, "
        f"{turns / embed_only:.0f}/s); {summary.ingested} ingested, {summary.failed} failed"
    )
    print(
        f"re-scan, nothing changed: watcher scan {scan:.2f} s ({scan / first:.1%} of the first; "
        f"{queued} queued), ingest again {reingest:.2f} s ({reingest / first:.1%}; "
        f"{again.duplicates} duplicate)"
    )
    print(
        f"{big_mb} MB session{' (one prompt)' if args.one_prompt else ''}: first read "
        f"{big_first:.1f} s; 10 lines appended "
        f"→ searchable in {append:.2f} s (found: {found})"
    )
    for k, mb in peaks.items():
        print(f"peak memory, {k}: {mb} MB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"peak memory of this process: {rss} MB")
    return 0
