"""An LLM pass over the offline cue tags (notes/0005): a configured model confirms or rejects each
cue-tagged entry's decision / dead_end / open_question and may add one the cues missed.

Nothing is lost: a rejected cue stays in the vault (origin ``cue-rejected``, hidden), the user's
own tags and removals are never touched, and every call is in the audit log. Entries are sent in
small numbered batches; a line the model did not answer leaves its entry as it was (still ``cue``,
so the next run offers it again). A failed call stops the pass; batches already applied stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from trailkeep.vault import Vault
from trailkeep.vault.query import TRAIL_TAGS, tags_to_review
from trailkeep.vault.records import SCOPE_GENERAL, SCOPE_MIXED, SCOPE_UNATTRIBUTED

from . import prompts
from .backends import Backend
from .errors import ModelCallFailed
from .llm import call_model

PASSAGE_CHARS = 1200  # of each entry's text, per passage
_LINE = re.compile(r"^\s*\[(\d{1,3})\]\s*(.*)$")


@dataclass
class RefineReport:
    reviewed: int = 0
    unanswered: int = 0
    confirmed: int = 0
    rejected: int = 0
    added: int = 0
    calls: int = 0
    error: str = ""
    entries: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"schema_version": 1, **self.__dict__}


def passages(batch: list[dict[str, Any]]) -> str:
    out = []
    for i, e in enumerate(batch, 1):
        body = " ".join(str(e["text"]).split())
        if len(body) > PASSAGE_CHARS:
            body = body[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
        out.append(f"[{i}] (guessed: {', '.join(e['cue_tags']) or 'none'})\n{body}")
    return "\n\n".join(out)


def read_verdicts(reply: str, n: int) -> dict[int, set[str]]:
    """Passage number -> labels, for the lines that name a passage that was sent and only known
    labels (or `none`). Anything else is ignored, never guessed."""
    out: dict[int, set[str]] = {}
    for line in reply.splitlines():
        m = _LINE.match(line)
        if not m or not 1 <= int(m.group(1)) <= n:
            continue
        words = {w.strip().lower().replace("-", "_") for w in re.split(r"[,;\s]+", m.group(2))}
        words.discard("")
        if words == {"none"}:
            out[int(m.group(1))] = set()
        elif words and words <= set(TRAIL_TAGS):
            out[int(m.group(1))] = words
    return out


def refine_tags(
    vault: Vault, backend: Backend, *, limit: int = 100, batch: int = 10, redact: bool = False
) -> RefineReport:
    rep = RefineReport()
    todo = tags_to_review(vault, limit)
    prompt = prompts.load("refine_tags")
    for part in _one_owner_batches(todo, batch):
        try:
            reply, _ = call_model(
                vault,
                backend,
                prompt.render(passages=passages(part)),
                purpose="refine_tags",
                redact=redact,
            )
        except ModelCallFailed as exc:
            rep.error = str(exc)
            break
        rep.calls += 1
        said = read_verdicts(reply.text, len(part))
        verdicts = {part[n - 1]["entry_id"]: tags for n, tags in said.items()}
        counts = vault.review_tags(verdicts)
        rep.reviewed += len(verdicts)
        rep.unanswered += len(part) - len(verdicts)
        for key, value in counts.items():
            setattr(rep, key, getattr(rep, key) + value)
        for n, e in enumerate(part, 1):
            rep.entries.append(
                {
                    "entry_id": e["entry_id"],
                    "cue_tags": e["cue_tags"],
                    "model_tags": sorted(said[n]) if n in said else None,
                }
            )
    return rep


def _one_owner_batches(todo: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    """Batches that each hold one client's entries, or the user's general ones: one prompt
    never carries two clients' material (QA, session 15: Acme's and Northwind's passages went
    in one request). An entry nobody could be resolved for, or of several clients, goes alone."""
    groups: dict[object, list[dict[str, Any]]] = {}
    for e in todo:
        alone = e.get("scope") in (SCOPE_UNATTRIBUTED, SCOPE_MIXED) and not e.get("client")
        key = ("alone", e["entry_id"]) if alone else e.get("client") or SCOPE_GENERAL
        groups.setdefault(key, []).append(e)
    return [g[i : i + size] for g in groups.values() for i in range(0, len(g), size)]


__all__ = [
    "PASSAGE_CHARS",
    "RefineReport",
    "passages",
    "read_verdicts",
    "refine_tags",
]
