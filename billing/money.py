"""Exact money (notes/0010-work-log-and-invoices.md): hours are exact rationals ("2.5", "1/3");
each line = hours x rate rounded half-up to cents; subtotal = sum of lines; tax = subtotal x
tax_rate rounded half-up to cents; total = subtotal + tax. Decimal strings everywhere, never
floats."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from trailkeep.vault.work import line_hours, show_hours

CENT = Fraction(1, 100)


def to_fraction(value: str | Decimal | int) -> Fraction:
    return Fraction(str(value))


def round_cents(x: Fraction) -> Decimal:
    """Half-up (away from zero) to cents, exactly."""
    sign = -1 if x < 0 else 1
    cents = (abs(x) / CENT + Fraction(1, 2)).__floor__()
    return (Decimal(sign * cents) / 100).quantize(Decimal("0.01"))


def line_amount(hours: str, rate: str | Decimal) -> Decimal:
    return round_cents(to_fraction(hours) * to_fraction(rate))


def totals(amounts: Sequence[Decimal], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    subtotal = sum(amounts, Decimal("0.00")).quantize(Decimal("0.01"))
    tax = round_cents(to_fraction(subtotal) * to_fraction(tax_rate))
    return subtotal, tax, (subtotal + tax).quantize(Decimal("0.01"))


def exact_hours(fraction: str) -> str:
    """A rational as a finite decimal string when it is one ("29/4" -> "7.25"), else as is."""
    if "/" not in fraction:
        return fraction
    f = Fraction(fraction)
    d = f.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return fraction
    return format(Decimal(f.numerator) / Decimal(f.denominator), "f")


__all__ = [
    "CENT",
    "exact_hours",
    "line_amount",
    "line_hours",
    "round_cents",
    "show_hours",
    "to_fraction",
    "totals",
]
