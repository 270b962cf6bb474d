"""Drafts are history: each is written as a Markdown file under ``<home>/drafts`` and ingested
like a note (document kind ``draft``, identity ``draft:<id>`` from its front matter). Exporting
the file and dropping it into the inbox again is a duplicate, not a second draft; an edited
copy is a new version of the same draft."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

import yaml

from trailkeep.ingest import Ingestor, Outcome
from trailkeep.recall.draft import Draft
from trailkeep.vault import DRAFTS_DIR, Vault


def render_file(draft: Draft, draft_id: str, created: datetime) -> str:
    front = {
        "trailkeep_draft": draft_id,
        "title": draft.title,
        "draft_kind": draft.kind,
        "client": draft.client,
        "backend": draft.backend,
        "llm_call": draft.llm_call_id,
        "reply_to": draft.reply_to,
        "created": created.isoformat(timespec="seconds"),
        "citations": [
            {
                "n": i,
                "entry_id": h.entry_id,
                "document": h.document,
                "quote_sha256": hashlib.sha256(h.quote.encode()).hexdigest()[:16],
            }
            for i, h in enumerate(draft.citations, 1)
        ],
        # numbers the model cited that were never sent (shown as [?] in the text)
        "dropped_citations": list(draft.dropped_citations),
    }
    head = yaml.safe_dump(
        {k: v for k, v in front.items() if v not in (None, [])},
        sort_keys=False,
        allow_unicode=True,
    )
    body = draft.text.strip()
    heading = f"# {draft.title}"
    if body.startswith(heading + "\n") or body == heading:  # the outline opens with it
        body = body[len(heading) :].strip()  # one heading (QA, session 15: it came twice)
    return f"---\n{head}---\n{heading}\n\n{body}\n"


def save(vault: Vault, draft: Draft) -> tuple[Path, Outcome]:
    """Write the draft file (0600) and ingest it. Returns (path, ingest outcome)."""
    created = datetime.now(UTC)
    draft_id = f"{created:%Y%m%d}-{uuid.uuid4().hex[:10]}"
    folder = vault.settings.home / DRAFTS_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # the title's letters in any script ("angebot-für-die-…", not "angebot-f-r-die": QA, s. 14)
    slug = re.sub(r"[\W_]+", "-", draft.title.lower()).strip("-")[:50] or "draft"
    path = folder / f"{draft_id}-{slug}.md"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render_file(draft, draft_id, created))
    return path, Ingestor(vault).ingest_file(path)


def save_edit(vault: Vault, path: Path, text: str) -> Outcome:
    """The user's edit of a stored draft: same draft identity, so it becomes a new version."""
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith("---\n") or "\n---\n" not in raw[4:]:
        raise ValueError(f"{path} is not a draft file")
    head, _, body = raw[4:].partition("\n---\n")
    title = body.split("\n", 1)[0] if body.startswith("# ") else ""
    text = text.strip()
    if title and (text.startswith(title + "\n") or text == title):  # the box shows it once
        text = text[len(title) :].strip()
    new = f"---\n{head}\n---\n" + (f"{title}\n\n" if title else "") + text + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new)
    os.replace(tmp, path)
    return Ingestor(vault).ingest_file(path)
