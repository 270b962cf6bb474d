"""Billing's errors, under the one root ``TrailkeepError`` (trailkeep.vault.errors)."""

from __future__ import annotations

from trailkeep.vault.errors import TrailkeepError


class BillingError(TrailkeepError):
    """An invoice operation that cannot be done (missing rate, nothing to bill, frozen)."""


class NamesAnotherClient(BillingError):
    """An invoice not issued because its lines name another client: each line's warning in
    ``said``; the caller says how to issue it all the same (a flag, a box)."""

    def __init__(self, invoice_id: int, said: list[str]) -> None:
        self.said = said
        more = f" ({len(said) - 1} more such line(s))" if len(said) > 1 else ""
        super().__init__(f"invoice {invoice_id} was not issued{more}: {said[0]}")


__all__ = ["BillingError", "NamesAnotherClient"]
