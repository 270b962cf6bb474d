"""Exact money (notes/0010-work-log-and-invoices.md): hours are exact rationals ("2.5", "1/3");
each line = hours x rate rounded half-up to cents (to the currency's smallest unit: yen whole,
dinars to thousandths); subtotal = sum of lines; tax = subtotal x tax_rate rounded the same way;
total = subtotal + tax. Decimal strings everywhere, never
floats."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from trailkeep.vault.work import line_hours, show_hours

CENT = Fraction(1, 100)
# ISO 4217 currencies whose minor unit is not the cent: none (the yen, the won…) or a
# thousandth (the dinars of Bahrain, Kuwait…). A yen has no fractions (QA, session 14: a JPY
# invoice totalled "13695.36").
MINOR_DIGITS = {
    **dict.fromkeys(
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(), 0
    ),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}


def minor_digits(currency: str) -> int:
    """Decimal places of the currency's smallest unit (2 unless ISO 4217 says otherwise)."""
    return MINOR_DIGITS.get(currency.strip().upper(), 2)


def to_fraction(value: str | Decimal | int) -> Fraction:
    return Fraction(str(value))


def round_cents(x: Fraction, currency: str = "") -> Decimal:
    """Half-up (away from zero) to the currency's smallest unit (cents by default), exactly."""
    digits = minor_digits(currency)
    sign = -1 if x < 0 else 1
    units = (abs(x) * 10**digits + Fraction(1, 2)).__floor__()
    amount: Decimal = (Decimal(sign * units) / 10**digits).quantize(Decimal(1).scaleb(-digits))
    return amount


def line_amount(hours: str, rate: str | Decimal, currency: str = "") -> Decimal:
    return round_cents(to_fraction(hours) * to_fraction(rate), currency)


def totals(
    amounts: Sequence[Decimal], tax_rate: Decimal, currency: str = ""
) -> tuple[Decimal, Decimal, Decimal]:
    unit = Decimal(1).scaleb(-minor_digits(currency))
    subtotal = sum(amounts, Decimal(0)).quantize(unit)
    tax = round_cents(to_fraction(subtotal) * to_fraction(tax_rate), currency)
    return subtotal, tax, (subtotal + tax).quantize(unit)


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
    "minor_digits",
    "round_cents",
    "show_hours",
    "to_fraction",
    "totals",
]
