"""Answerability on a labelled set of our own (issue 15): a small two-client vault and questions
marked answerable (with the phrase that answers them) or not. Each question is asked as
`ask --client C` asks it (offline judge: the same rule `ask` uses, before any model);
reported: abstentions on the unanswerable, answers on the answerable, and how many of those
answers cite a passage holding the evidence.

    trailkeep bench answerability [--data tests/fixtures/twoclient] [--embedder minilm]
        [--questions FILE] [--unscoped] [--errors]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trailkeep.ingest import Ingestor
from trailkeep.recall.answer import gather, judge
from trailkeep.recall.answerable import PASSAGES
from trailkeep.vault import Filters, Vault, get_embedder

from .common import median, pct, temp_home

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "twoclient"


def evaluate(
    vault: Vault, questions: Sequence[dict[str, Any]], scoped: bool = True
) -> dict[str, Any]:
    """Each question asked in its client's scope (``ask --client C``), or, not ``scoped``, with
    no client selected (the Ask page's "all clients")."""
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        flt = Filters(client=q["client"]) if scoped and q.get("client") else None
        res, flt, _ = gather(vault, q["q"], flt)  # as `ask` gathers them
        strong, why = judge(vault, q["q"], res, client=flt.client if flt else None)
        ms = (time.perf_counter() - t0) * 1000
        # (whitespace as words: a mail's evidence is hard-wrapped in its passage)
        cited = " ".join(" ".join(h.quote for h in strong[:3]).split())
        # what an abstention shows as "closest, but not an answer" (recall/answer.py: the
        # first PASSAGES results)
        shown = " ".join(" ".join(h.quote for h in res.hits[:PASSAGES]).split())
        rows.append(
            {
                "q": q["q"],
                "answerable": bool(q["answerable"]),
                "abstained": why is not None,
                "reason": why,
                "evidence_cited": any(" ".join(e.split()) in cited for e in q.get("evidence", [])),
                "evidence_shown": any(" ".join(e.split()) in shown for e in q.get("evidence", [])),
                "ms": ms,
            }
        )
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    answered = [r for r in ans if not r["abstained"]]
    return {
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(una),
        "abstain_rate_unanswerable": round(sum(r["abstained"] for r in una) / max(1, len(una)), 3),
        "answer_rate_answerable": round(len(answered) / max(1, len(ans)), 3),
        "evidence_cited_when_answered": round(
            sum(r["evidence_cited"] for r in answered) / max(1, len(answered)), 3
        ),
        # of the answerable questions withheld, those whose answer is among the passages the
        # abstention shows
        "evidence_shown_when_withheld": round(
            sum(r["evidence_shown"] for r in ans if r["abstained"])
            / max(1, sum(r["abstained"] for r in ans)),
            3,
        ),
        "latency_ms_p50": round(median([r["ms"] for r in rows]), 1),
        "latency_ms_p95": round(pct([r["ms"] for r in rows], 0.95), 1),
        "rows": rows,
    }


def build(data: Path, home: Path, embedder: str) -> Vault:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(data / "clients.toml", home / "clients.toml")
    s = temp_home(home, embedder)
    v = Vault.open(s, get_embedder(embedder))
    files = sorted(p for p in data.iterdir() if p.name != "clients.toml" and p.suffix != ".jsonl")
    Ingestor(v).ingest_paths(files)
    return v


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench answerability", description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument(
        "--questions",
        default="questions.jsonl",
        help="question file, as given or in --data: questions.jsonl (the set the rule was "
        "tuned on), heldout.jsonl, final.jsonl, unseen.jsonl, fresh.jsonl, sixth.jsonl, "
        "seventh.jsonl … thirteenth.jsonl (written by others without seeing the rule or the "
        "sets; seventh to thirteenth ask in the user's own words, not the documents')",
    )
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list the wrong calls")
    ap.add_argument(
        "--unscoped",
        action="store_true",
        help="ask with no client selected (the Ask page's 'all clients'), not `ask --client C`",
    )
    args = ap.parse_args(argv)
    qfile = Path(args.questions)
    if not qfile.is_file():
        qfile = args.data / args.questions
    if not qfile.is_file():
        ap.error(f"no question file {args.questions!r} (looked as given and in {args.data})")
    questions = [json.loads(line) for line in qfile.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        v = build(args.data, Path(tmp) / "home", args.embedder)
        try:
            out = evaluate(v, questions, scoped=not args.unscoped)
        finally:
            v.close()
    out["embedder"] = args.embedder
    out["scoped"] = not args.unscoped
    rows = out.pop("rows")
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(
            f"{out['questions']} questions ({out['answerable']} answerable, "
            f"{out['unanswerable']} not), embedder {args.embedder}, "
            f"{'no client selected' if args.unscoped else 'asked in the client scope'}\n"
            f"abstains on unanswerable: {out['abstain_rate_unanswerable']:.1%}\n"
            f"answers answerable:       {out['answer_rate_answerable']:.1%} "
            f"(evidence cited in {out['evidence_cited_when_answered']:.1%} of those)\n"
            f"answer among the closest shown when withheld: "
            f"{out['evidence_shown_when_withheld']:.1%}\n"
            f"judge latency p50/p95:    {out['latency_ms_p50']} / {out['latency_ms_p95']} ms"
        )
    if args.errors:
        for r in rows:
            if r["abstained"] == r["answerable"]:
                kind = "ABSTAINED" if r["abstained"] else "ANSWERED "
                print(f"{kind} {r['q']}  — {r['reason'] or ''}")
    return 0
