"""``privacy.redact``: identifiers are replaced before a prompt leaves the machine and restored
in the reply. The audit log records what was actually sent (the redacted prompt).

Replaced: email addresses, phone numbers, IBANs, card-like and SSN-like numbers, URLs with
credentials. Names of people are not detected (no offline NER here); notes/0011.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@[^\s]+", re.IGNORECASE)),
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")),
    ("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("CARD", re.compile(r"\b(?:\d[ -]?){13,19}\b")),
    ("PHONE", re.compile(r"(?<![\w/])\+?\d[\d ().-]{6,}\d(?![\w/])")),
)
_PLACEHOLDER = re.compile(r"<(URL|EMAIL|IBAN|SSN|CARD|PHONE)_(\d+)>")
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


@dataclass
class Redactor:
    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original
    _reverse: dict[str, str] = field(default_factory=dict)

    def redact(self, text: str) -> str:
        for kind, rx in _PATTERNS:

            def hide(m: re.Match[str], k: str = kind) -> str:
                return self._hide(k, m.group(0))

            text = rx.sub(hide, text)
        return text

    def _hide(self, kind: str, value: str) -> str:
        if _PLACEHOLDER.fullmatch(value) or _DATE_LIKE.match(value.strip()):
            return value
        if kind in ("PHONE", "CARD") and sum(ch.isdigit() for ch in value) < 7:
            return value
        if value not in self._reverse:
            n = 1 + sum(1 for p in self.mapping if p.startswith(f"<{kind}_"))
            ph = f"<{kind}_{n}>"
            self.mapping[ph] = value
            self._reverse[value] = ph
        return self._reverse[value]

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    def streamer(
        self, on_text: Callable[[str], None]
    ) -> tuple[Callable[[str], None], Callable[[], None]]:
        """(feed, flush) that restore placeholders split across streamed pieces."""
        buf = [""]

        def feed(piece: str) -> None:
            buf[0] += piece
            cut = buf[0].rfind("<")
            if cut != -1 and ">" not in buf[0][cut:] and len(buf[0]) - cut < 16:
                ready, buf[0] = buf[0][:cut], buf[0][cut:]
            else:
                ready, buf[0] = buf[0], ""
            if ready:
                on_text(self.restore(ready))

        def flush() -> None:
            if buf[0]:
                on_text(self.restore(buf[0]))
                buf[0] = ""

        return feed, flush
