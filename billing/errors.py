"""Billing's errors, under the one root ``TrailkeepError`` (trailkeep.vault.errors)."""

from __future__ import annotations

from trailkeep.vault.errors import TrailkeepError


class BillingError(TrailkeepError):
    """An invoice operation that cannot be done (missing rate, nothing to bill, frozen)."""


__all__ = ["BillingError"]
