"""Offline tags from cue phrases: decision, dead_end, open_question.

The cue lists and their reasoning are in notes/0005-trail-cues.md. They are deliberately
conservative: a missed tag costs less than a wrong "decision" in a client's trail.
"""

from __future__ import annotations

import re

_CUES: dict[str, re.Pattern[str]] = {
    "decision": re.compile(
        r"\b(we|i)\s+(have\s+)?(decided|agreed|settled on|chose|will go with|are going with)\b"
        r"|\bdecision\s*:|\b(final|agreed)\s+(approach|decision|plan)\b|\blet'?s go with\b",
        re.IGNORECASE,
    ),
    "dead_end": re.compile(
        r"\b(didn'?t|did not|doesn'?t|does not|won'?t|will not)\s+work\b|\bdead[ -]end\b"
        r"|\b(abandon(ed)?|dropped|gave up on|ruled out|rolled back|reverted)\b"
        r"|\b(that|this|it)\s+failed\b|\bfailed because\b",
        re.IGNORECASE,
    ),
    "open_question": re.compile(
        r"\b(open question|tbd|to be decided|not sure (whether|if|how))\b"
        r"|\bneed to (find out|check|ask)\b|\?\?",
        re.IGNORECASE,
    ),
}


def tag_text(text: str) -> tuple[str, ...]:
    return tuple(tag for tag, rx in _CUES.items() if rx.search(text))
