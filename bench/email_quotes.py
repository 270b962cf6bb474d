"""Quote stripping: our rules against mail-parser-reply (if installed) on real threads.

For every message that replies to another message of the corpus, measure
- leak: the share of its kept lines (>= 25 chars) that already appear in the parent's body
  (quoted text that survived: the thread would index it twice);
- loss: messages whose kept text is empty although they have unquoted lines of their own;
- time per message.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trailkeep.ingest.parsers.email import parse_message, strip_quotes


def _own_lines(body: str) -> list[str]:
    return [ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith(">")]


def evaluate(root: Path) -> dict[str, Any]:
    docs = {}
    for f in sorted(root.rglob("*.eml")):
        try:
            d = parse_message(f.read_bytes(), f.name, strip=False)
        except Exception:  # the robustness suites cover failures; here we need parses
            continue
        e = d.entries[0]
        docs[e.key] = e
    pairs = [
        (e, docs[e.parent_key]) for e in docs.values() if e.parent_key and e.parent_key in docs
    ]
    methods: dict[str, Callable[[str], str]] = {"trailkeep": lambda t: strip_quotes(t)[0]}
    try:
        from mailparser_reply import EmailReplyParser

        parser = EmailReplyParser(languages=["en", "de", "fr"])
        methods["mail-parser-reply"] = lambda t: parser.parse_reply(text=t) or ""
    except ImportError:
        pass
    out: dict[str, Any] = {"replies": len(pairs)}
    for name, fn in methods.items():
        leaked = kept = lost = 0
        t0 = time.perf_counter()
        for child, parent in pairs:
            text = fn(child.text)
            parent_lines = {ln.strip() for ln in parent.text.splitlines() if len(ln.strip()) >= 25}
            lines = [ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 25]
            kept += len(lines)
            leaked += sum(1 for ln in lines if ln.lstrip("> ").strip() in parent_lines)
            if not text.strip() and _own_lines(child.text):
                lost += 1
        dt = time.perf_counter() - t0
        out[name] = {
            "leaked_line_share": round(leaked / max(kept, 1), 4),
            "emptied_messages": lost,
            "ms_per_message": round(dt * 1000 / max(len(pairs), 1), 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench email-quotes", description=__doc__)
    ap.add_argument("--root", type=Path, default=Path("../shared/corpora/emails/notmuch"))
    a = ap.parse_args(argv)
    if not a.root.exists():
        print(f"not found: {a.root}")
        return 2
    print(json.dumps(evaluate(a.root), indent=2))
    return 0
