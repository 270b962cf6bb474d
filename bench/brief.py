"""`trailkeep bench brief`: the briefing's latency on a vault of about 10,000 chunks holding a year
of generated client mail (threads the clients start and the consultant answers, some left
waiting, deadlines named in many messages among times, versions, hours and amounts that are not
dates), daily notes with work lines and decisions / open questions, and an invoice per client
and month. ``build_brief`` is timed in process, cold (the first call, which loads dateparser's
data) and warm (p50 / p95 over ``--runs`` calls, for everyone and for one client), and the whole
`trailkeep brief --json` command as a process (``--cli-runs``). Goal: p95 under 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .common import machine, median, pct

WORDS = (
    "registry import clinic patient record export invoice claims nightly upsert match duplicate "
    "schema field report latency cache index keyword retry backup restore migration audit "
    "throttle portal login warehouse scanner rollout pilot dashboard budget vendor contract"
).split()
ME = "sam@consult.example"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday".split()


@dataclass(frozen=True)
class World:
    inbox: Path
    clients: list[str]
    messages: int
    threads: int
    notes: int
    today: date


def _sentence(rnd: random.Random, n: int) -> str:
    words = [rnd.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _prose(rnd: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rnd, rnd.randint(6, 16)) for _ in range(sentences))


def _deadline(rnd: random.Random, at: datetime) -> str:
    """A sentence naming a day ahead, as clients write them; or one naming no date at all but
    numbers that look like dates to a careless reader."""
    ahead = at + timedelta(days=rnd.randint(1, 30))
    forms = [
        f"Could you send the {rnd.choice(WORDS)} report by {MONTHS[ahead.month - 1]} {ahead.day}?",
        f"Finance closes the month on {ahead.day} {MONTHS[ahead.month - 1]}.",
        f"Can we meet next {rnd.choice(WEEKDAYS)} to go through the {rnd.choice(WORDS)}?",
        f"The {rnd.choice(WORDS)} cutover is planned for {ahead.date().isoformat()}.",
        f"Please confirm within {rnd.randint(2, 9)} days.",
        f"Version {rnd.randint(1, 4)}.{rnd.randint(0, 9)} shipped; I spent {rnd.randint(1, 5)}.5h "
        f"on it at {rnd.randint(8, 17)}:30 and it costs ${rnd.randint(1, 9)},"
        f"{rnd.randint(100, 999)}.50.",
    ]
    return rnd.choice(forms)


def _eml(
    mid: str, sender: str, to: str, at: datetime, subject: str, body: str, parent: str | None
) -> str:
    head = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {at.strftime('%a, %d %b %Y %H:%M:%S %z')}",
        f"Message-ID: <{mid}>",
    ]
    if parent:
        head += [f"In-Reply-To: <{parent}>", f"References: <{parent}>"]
    return "\n".join([*head, "MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"']) + (
        "\n\n" + body + "\n"
    )


def generate(root: Path, year: int, clients: int, threads_per_week: float, seed: int) -> World:
    """clients.toml, config.toml and an inbox of a year of mail and notes under ``root``."""
    rnd = random.Random(seed)
    inbox = root / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    ids = [f"client{i:02d}" for i in range(clients)]
    (root / "clients.toml").write_text(
        "".join(
            f'[[client]]\nname = "Client {i:02d} Holdings"\nid = "{cid}"\n'
            f'domains = ["{cid}.example"]\nrate = "{100 + 10 * i}.00"\ncurrency = "USD"\n\n'
            for i, cid in enumerate(ids)
        ),
        encoding="utf-8",
    )
    (root / "config.toml").write_text(f'[me]\nemails = ["{ME}"]\n', encoding="utf-8")
    tz = timezone(timedelta(hours=-5))
    start = datetime(year, 1, 1, 8, tzinfo=tz)
    messages = threads = 0
    for day in range(365):
        for cid in ids:
            if rnd.random() > threads_per_week / 7:
                continue
            threads += 1
            at = start + timedelta(days=day, minutes=rnd.randint(0, 600))
            subject = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {threads}"
            person = f"Pat {cid.title()} <pat@{cid}.example>"
            parent = None
            for n in range(rnd.choice((1, 2, 2, 3, 3, 4))):
                mine = n % 2 == 1
                mid = f"t{threads}-{n}@{'consult' if mine else cid}.example"
                parts = [_prose(rnd, rnd.randint(3, 6)) for _ in range(rnd.randint(2, 4))]
                if rnd.random() < 0.5:
                    parts.insert(1, _deadline(rnd, at))
                body = "Hi,\n\n" + "\n\n".join(parts) + ("\n\nSam" if mine else "\n\nPat")
                (inbox / f"{mid.split('@')[0]}.eml").write_text(
                    _eml(
                        mid,
                        f"Sam <{ME}>" if mine else person,
                        person if mine else f"Sam <{ME}>",
                        at,
                        subject if n == 0 else f"Re: {subject}",
                        body,
                        parent,
                    ),
                    encoding="utf-8",
                )
                messages += 1
                parent = mid
                at += timedelta(hours=rnd.randint(2, 60))
    notes = 0
    for day in range(365):
        d = date(year, 1, 1) + timedelta(days=day)
        if d.weekday() >= 5:
            continue
        lines = [
            f"- {rnd.choice(('0.5', '1', '1.5', '2', '2.5'))}h {rnd.choice(ids)}: "
            f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}"
            for _ in range(rnd.randint(1, 4))
        ]
        sections = [
            f"## {rnd.choice(WORDS).title()} {n}\n\n{_prose(rnd, rnd.randint(3, 6))}"
            for n in range(rnd.randint(4, 8))
        ]
        if rnd.random() < 0.3:
            sections.append(f"## Question\n\nOpen question: should we {rnd.choice(WORDS)} first?")
        if rnd.random() < 0.3:
            sections.append(f"## Decided\n\nDecision: we {rnd.choice(WORDS)} the export.")
        if rnd.random() < 0.2:
            sections.append(f"## Tried\n\nDead end: the {rnd.choice(WORDS)} approach failed.")
        if rnd.random() < 0.3:
            sections.append(_deadline(rnd, datetime(d.year, d.month, d.day, 9, tzinfo=tz)))
        (inbox / f"{d.isoformat()}.md").write_text(
            f"---\ndate: {d.isoformat()}\nclient: {rnd.choice(ids)}\n---\n# {d.isoformat()}\n\n"
            + "\n".join(lines)
            + "\n\n"
            + "\n\n".join(sections)
            + "\n",
            encoding="utf-8",
        )
        notes += 1
    return World(inbox, ids, messages, threads, notes, date(year, 12, 31))


def build_home(root: Path, year: int, clients: int, threads_per_week: float, embedder: str) -> Any:
    """Generate a year and ingest it; the open vault, the world and the ingest seconds."""
    from trailkeep.billing import BillingError, create_invoice, issue_invoice, mark_paid
    from trailkeep.ingest import Ingestor
    from trailkeep.vault import Vault, get_embedder, init_home, load_settings

    world = generate(root, year, clients, threads_per_week, seed=7)
    s = load_settings({"TRAILKEEP_EMBEDDER": embedder}, root)
    init_home(s)
    v = Vault.open(s, get_embedder(embedder))
    t0 = time.perf_counter()
    Ingestor(v).ingest_paths(sorted(world.inbox.iterdir()))
    ingest_s = time.perf_counter() - t0
    for m in range(1, 12):  # invoiced and issued through November; December stays unbilled
        for cid in world.clients:
            try:
                inv = create_invoice(v, cid, f"{year}-{m:02d}")
            except BillingError:
                continue
            if m < 11:
                issued = issue_invoice(v, inv.id, date(year, m + 1, 1))
                if m < 9:  # paid; September and October are still open
                    mark_paid(v, issued.id, date(year, m + 1, 20))
    return v, world, ingest_s


def chunk_count(v: Any) -> int:
    from trailkeep.vault import status

    return int(status(v)["chunks"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench brief", description=__doc__)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--threads-per-week", type=float, default=3.5, help="per client")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--embedder", default="hash", choices=["hash", "minilm"])
    a = ap.parse_args(argv)
    from trailkeep.recall.brief import HORIZON_DAYS, LOOKBACK_DAYS, Brief, build_brief
    from trailkeep.vault import utcnow

    root = Path(tempfile.mkdtemp(prefix="tk-brief-"))
    v, world, ingest_s = build_home(root, a.year, a.clients, a.threads_per_week, a.embedder)
    today = world.today
    # "What changed": a daily visit (since now: nothing new) and the first visit after the
    # year was imported (since long ago: every document is new; the worst case).
    daily, first_visit = utcnow(), datetime(2000, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    first = build_brief(v, today, since=first_visit).as_json()
    cold_ms = (time.perf_counter() - t0) * 1000
    cases: dict[str, Callable[[], Brief]] = {
        "daily": lambda: build_brief(v, today, since=daily),
        "first_visit": lambda: build_brief(v, today, since=first_visit),
        "one_client": lambda: build_brief(v, today, world.clients[0], since=daily),
    }
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(a.runs):
        for name, run in cases.items():
            t0 = time.perf_counter()
            b = run().as_json()
            timings[name].append((time.perf_counter() - t0) * 1000)
            if name == "first_visit":
                assert b == first
    cmd = [sys.executable, "-m", "trailkeep.ui", "--home", str(root), "brief", "--json"]
    cmd += ["--today", today.isoformat()]
    env = {
        "TRAILKEEP_EMBEDDER": a.embedder,
        "PATH": "/usr/bin:/bin",
        "ANONYMIZED_TELEMETRY": "False",
    }
    cli = []
    for _ in range(a.cli_runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        cli.append(time.perf_counter() - t0)
    out = {
        "machine": machine(),
        "settings": {
            "chunks": chunk_count(v),
            "messages": world.messages,
            "threads": world.threads,
            "notes": world.notes,
            "clients": len(world.clients),
            "year": a.year,
            "today": today.isoformat(),
            "horizon_days": HORIZON_DAYS,
            "lookback_days": LOOKBACK_DAYS,
            "embedder": a.embedder,
            "runs": a.runs,
        },
        "ingest_s": round(ingest_s, 1),
        "sections": {
            "waiting": len(first["waiting"]),
            "dates": len(first["dates"]),
            "overdue": sum(d["overdue"] for d in first["dates"]),
            "unbilled": len(first["unbilled"]),
            "drafts": len(first["invoices"]["drafts"]),
            "unpaid": len(first["invoices"]["unpaid"]),
            "changed_documents": sum(len(g["documents"]) for g in first["changed"]),
            "changed_decisions": sum(len(g["decisions"]) for g in first["changed"]),
            "open_questions": len(first["open_questions"]),
        },
        "brief_cold_ms": round(cold_ms, 1),
        **{
            f"brief_{name}_ms_{p}": round(f(xs), 1)
            for name, xs in timings.items()
            for p, f in (("p50", median), ("p95", lambda x: pct(x, 0.95)))
        },
        "cli_brief_json_s": [round(x, 2) for x in cli],
        "goal_p95_under_1s": all(pct(xs, 0.95) < 1000 for xs in timings.values()),
    }
    v.close()
    print(json.dumps(out, indent=2))
    return 0
