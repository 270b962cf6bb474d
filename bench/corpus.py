"""A mixed inbox written for the reliability runs: notes (with work lines), a ChatGPT export, an
mbox, a timesheet, and one broken file. Deterministic for a seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from .chats import write_export
from .scale import WORDS


def _words(rnd: random.Random, lo: int, hi: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(lo, hi)))


def mixed(folder: Path, seed: int = 1, notes: int = 120, chats: int = 30, mails: int = 60) -> int:
    """Write the files; return how many."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for i in range(notes):
        day = datetime(2026, 1, 1) + timedelta(days=i % 300)
        work = f"- {rnd.choice(['1h', '90m', '0.5h'])} acme: {_words(rnd, 2, 6)}\n" if i % 3 else ""
        body = "\n\n".join(
            f"## Part {j}\n\n{_words(rnd, 10, 80)}" for j in range(rnd.randint(1, 4))
        )
        (folder / f"{day:%Y-%m-%d}-n{i}.md").write_text(
            f"---\ntitle: Note {i}\n---\n# Note {i}\n\n{work}{body}\n", encoding="utf-8"
        )
        n += 1
    write_export(folder / "conversations.json", chats, turns=8, words=60, seed=seed)
    n += 1
    start = datetime(2026, 2, 1, 9, tzinfo=UTC)
    with (folder / "client.mbox").open("w", encoding="utf-8") as fh:
        for i in range(mails):
            when = format_datetime(start + timedelta(hours=7 * i))
            thread = i // 4
            irt = f"In-Reply-To: <m{seed}-{i - 1}@acme.example>\n" if i % 4 else ""
            fh.write(
                f"From cara@acme.example {when}\nFrom: Cara <cara@acme.example>\n"
                f"To: Sam <sam@consult.example>\nSubject: Thread {seed}-{thread}\nDate: {when}\n"
                f"Message-ID: <m{seed}-{i}@acme.example>\n{irt}\n{_words(rnd, 10, 60)}\n\n"
            )
    n += 1
    rows = ["date,client,hours,description"]
    rows += [f"2026-03-{1 + i % 28:02d},acme,1.5,task {i}" for i in range(40)]
    (folder / "timesheet.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "broken.json").write_text('{"truncated": [', encoding="utf-8")
    return n + 2
