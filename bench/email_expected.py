"""Compare our parse of the imap_tools messages with their expected parse (subject, from, to,
date, text). Prints the agreement per field and overall, and the misses."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trailkeep.ingest.parsers.email import parse_message


def _norm(s: str) -> str:
    return " ".join(str(s).replace("\r\n", "\n").split())


def _aware(s: str) -> datetime:
    d = datetime.fromisoformat(s)
    return d if d.tzinfo else d.replace(tzinfo=UTC)  # imap_tools gives naive times as UTC


def compare(root: Path) -> dict[str, Any]:
    msgs = root / "messages"
    exp = root / "expected"
    fields = ("subject", "from", "to", "date", "text")
    agree = {f: 0 for f in fields}
    misses: list[dict[str, str]] = []
    n = 0
    all_ok = 0
    slowest = 0.0
    for ej in sorted(exp.rglob("*.json")):
        eml = msgs / ej.relative_to(exp).with_suffix(".eml")
        if not eml.exists():
            continue
        e = json.loads(ej.read_text())
        t0 = time.perf_counter()
        doc = parse_message(eml.read_bytes(), eml.name, strip=False)
        slowest = max(slowest, time.perf_counter() - t0)
        entry = doc.entries[0]
        m = entry.meta
        n += 1
        ours = {
            "subject": _norm(m.get("subject", "")),
            "from": (m.get("from") or [["", ""]])[0][1],
            "to": sorted(a[1] for a in m.get("to", [])),
            "date": entry.timestamp,
            # Whitespace-insensitive: imap_tools concatenates text parts, we join them with a
            # blank line; that is not a disagreement about the text.
            "text": "".join(entry.text.split()),
        }
        want_date = str(e.get("date") or "")
        theirs = {
            "subject": _norm(e.get("subject", "")),
            "from": str(e.get("from_") or "").lower(),
            "to": sorted(str(x).lower() for x in e.get("to", [])),
            "date": None if want_date.startswith("1900-01-01") else _aware(want_date),
            "text": "".join(str(e.get("text", "")).split()),
        }
        ok_all = True
        for f in fields:
            a, b = ours[f], theirs[f]
            if f == "text" and not b:
                ok = True  # imap_tools keeps only text/plain; html-only mail is converted here
            elif f == "date" and a is not None and b is not None:
                ok = abs((a - b).total_seconds()) < 1
            else:
                ok = a == b
            if ok:
                agree[f] += 1
            else:
                ok_all = False
                misses.append(
                    {
                        "file": str(ej.relative_to(exp)),
                        "field": f,
                        "ours": str(a)[:80],
                        "expected": str(b)[:80],
                    }
                )
        all_ok += ok_all
    return {
        "messages": n,
        "agreement": {f: round(agree[f] / n, 3) for f in fields},
        "all_fields_agree": round(all_ok / n, 3),
        "slowest_message_s": round(slowest, 3),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench email-expected", description=__doc__)
    ap.add_argument("--root", type=Path, default=Path("../shared/corpora/emails/imap_tools"))
    a = ap.parse_args(argv)
    if not a.root.exists():
        print(f"not found: {a.root}")
        return 2
    print(json.dumps(compare(a.root), indent=2, ensure_ascii=False))
    return 0
