"""Confidentiality, enforced in code, per entry (notes/0011-drafting-scope.md).

An entry is in scope for client A only if it belongs to A or to no client AND it names no other
client (name, alias, domain or address). An entry that does name another client contributes only
its lines that name A and no other client ("its lines about A"); everything else of it stays
out. Document titles count too: a passage under a title naming another client is out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from trailkeep.vault import Filters, Hit
from trailkeep.vault.clients import ClientDirectory, ClientSpec


@dataclass(frozen=True)
class Scope:
    client: ClientSpec
    others: ClientDirectory
    own: ClientDirectory

    @classmethod
    def for_client(cls, client: ClientSpec, everyone: tuple[ClientSpec, ...]) -> Scope:
        return cls(
            client,
            ClientDirectory(tuple(c for c in everyone if c.id != client.id)),
            ClientDirectory((client,)),
        )

    def filters(self, base: Filters | None = None) -> Filters:
        return replace(base or Filters(), client=self.client.id, include_unattributed=True)

    def names_other(self, text: str) -> bool:
        return bool(text) and bool(self.others.named_in(text))

    def allows(self, entry_client: str | None, text: str, title: str = "") -> bool:
        return (
            entry_client in (None, self.client.id)
            and not self.names_other(text)
            and not self.names_other(title)
        )

    def clip(self, hit: Hit, entry_text: str) -> list[Hit]:
        """The parts of a hit that client A may see: the whole hit, its lines about A, or
        nothing. Each part's quote is a substring of the entry (citations stay checkable)."""
        if hit.client not in (None, self.client.id):
            return []
        if self.names_other(hit.document) or self.names_other(hit.title):
            return []
        if not self.names_other(entry_text):
            return [hit] if not self.names_other(hit.quote) else []
        parts = []
        for line in hit.quote.split("\n"):
            s = line.strip()
            if s and self.own.named_in(s) and not self.names_other(s):
                parts.append(replace(hit, quote=s))
        return parts
