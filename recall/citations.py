"""A model's reply, read one way for answers, drafts and what streams to the terminal or page:
masked (``scope.masked_reply``), its "not in your history" said in the user's words, and its
citations renumbered in order of first citation, a number never sent shown as ``[?]``.

QA, session 15: `ask` kept the model's own numbers ("… [3] … [1]") above a Sources list
renumbered 1, 2 — the reader was sent to the wrong file; a draft streamed the model's numbers
and saved renumbered ones; "[3, 4]" cited nothing and "[42]" was printed as a source;
"**NOT_IN_HISTORY**" was taken for an answer. The reading is incremental (``ReplyReader``), so
the pieces a stream passes on, read in order, give exactly the text the whole reply gives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .scope import Scope, masked_reply

NOT_IN_HISTORY = "NOT_IN_HISTORY"
ABSTAINED = "Your history doesn't say."
# "[3]", "[3, 4]", "[3,4]", "[3 and 4]", "[7-9]", "[7–9]": one citation group
# — not "a[2]" (an index), "[3](http://…)" (a link), "[1,000]" (a number); "[1][2]" is two
_GROUP = re.compile(r"(?<!\w)\[\s*(\d{1,3}(?:\s*(?:,|and|-|–)\s*\d{1,3})*)\s*\](?!\()")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
# what a citation group being written looks like, up to where a stream is cut: "[3, 4"
OPEN_GROUP = re.compile(r"\[[\d\s,–-]*(?:and[\d\s,–-]*)?")
_NUMBER = re.compile(r"\d{1,3}|[-–]")
# the reply's first word saying the passages hold no answer, however it is dressed
_ABSTAIN_LEAD = re.compile(r"^\s*[*_`\"']*NOT_IN_HISTORY[*_`\"']*[:.!—-]*", re.IGNORECASE)
MAX_RANGE = 20  # "[1-999]" is not 999 citations


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    tokens = _NUMBER.findall(group)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in "-–" and out and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            lo, hi = out[-1], int(tokens[i + 1])
            if lo < hi <= lo + MAX_RANGE:
                out.extend(range(lo + 1, hi + 1))
            else:
                out.append(hi)
            i += 2
            continue
        if t.isdigit():
            out.append(int(t))
        i += 1
    return out


@dataclass
class ReplyReader:
    """Reads a reply piece by piece, in order (a piece never cuts a ``[…]`` group)."""

    passages: int
    order: dict[int, int] = field(default_factory=dict)  # sent number -> number shown
    bad: list[int] = field(default_factory=list)  # numbers never sent
    abstained: bool = False
    _started: bool = False

    @property
    def cited(self) -> list[int]:
        """The sent passage numbers cited, in order of first citation."""
        return list(self.order)

    def read(self, piece: str) -> str:
        if not self._started and piece.strip():
            self._started = True
            m = _ABSTAIN_LEAD.match(piece)
            if m:
                # the rest keeps its own leading space or line break, in this piece or the
                # next: the stream and the whole reply read the same (review, session 15)
                self.abstained = True
                rest = piece[m.end() :]
                piece = ABSTAINED + (" " if rest[:1].isalnum() else "") + rest
        return _GROUP.sub(self._renumber, piece)

    def _renumber(self, m: re.Match[str]) -> str:
        group = m.group(1)
        nums = _numbers(group)
        if _THOUSANDS.fullmatch(group.replace(" ", "")) or (
            ("-" in group or "–" in group) and not any(1 <= n <= self.passages for n in nums)
        ):
            return m.group(0)  # "[1,000]", "[10-12] weeks": a number, not a citation
        out = []
        for n in nums:
            if 1 <= n <= self.passages:
                out.append(f"[{self.order.setdefault(n, len(self.order) + 1)}]")
            else:
                if n not in self.bad:
                    self.bad.append(n)
                out.append("[?]")
        return "".join(dict.fromkeys(out)) or m.group(0)


@dataclass(frozen=True)
class Reply:
    text: str  # masked, renumbered, "not in your history" said in the user's words
    abstained: bool
    cited: list[int]  # sent passage numbers, in the order the text now numbers them 1, 2, …
    bad: list[int]  # numbers the model cited that were never sent (shown as "[?]")
    masked: str  # what was masked, said ("" when nothing)


# the marker later in a reply ("The passages do not contain it. NOT_IN_HISTORY"): the model
# abstained all the same (QA, session 15: shown as an answer, token and all)
_ABSTAIN_LATER = re.compile(r"[ \t]*[*_`\"']*\bNOT_IN_HISTORY\b[*_`\"']*[:.!]?", re.IGNORECASE)


def read_reply(text: str, passages: int, scope: Scope | None = None) -> Reply:
    """The whole reply read as its stream is (``ReplyReader`` over ``masked_reply``); a
    ``NOT_IN_HISTORY`` anywhere in it is an abstention too (the stream says it only when it
    leads)."""
    clean, masked = masked_reply(text, scope)
    reader = ReplyReader(passages)
    said = reader.read(clean)
    if not reader.abstained and _ABSTAIN_LATER.search(said):
        rest = _ABSTAIN_LATER.sub("", said).strip()
        return Reply(f"{ABSTAINED}\n{rest}" if rest else ABSTAINED, True, [], [], masked)
    return Reply(said, reader.abstained, reader.cited, list(reader.bad), masked)


def unsourced(bad: list[int]) -> str:
    """What the user is told when a model cited passages it was never sent (QA, session 19:
    "EUR 5,000 [?]" stayed in a saved draft, exit 0, with an empty reason)."""
    if not bad:
        return ""
    n = len(bad)
    return (
        f"the model cited {n} source{'s' if n > 1 else ''} it was never sent, marked [?]: "
        "what those sentences say is not from your history — check or remove them"
    )


__all__ = ["ABSTAINED", "NOT_IN_HISTORY", "Reply", "ReplyReader", "read_reply", "unsourced"]
