"""clients.toml: who the user's clients are, and how to recognise them in text and addresses.

Schema (one table per client)::

    [[client]]
    name = "Acme Health"
    id = "acme"                      # optional slug; --client accepts id, name or alias
    aliases = ["Acme", "ACME Corp"]
    domains = ["acme.example"]
    emails = ["cto@gmail.example"]   # an address listed here wins over its domain
    projects = ["registry"]
    rate = "150.00"                  # money as strings: exact Decimals
    currency = "USD"
    tax_rate = "0.0825"
    billing_address = "1 Main St\\nSpringfield"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import ConfigError


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return s or "client"


@dataclass(frozen=True)
class ClientSpec:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    rate: Decimal | None = None
    currency: str = "USD"
    tax_rate: Decimal = Decimal("0")
    billing_address: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _money(path: Path, name: str, key: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ConfigError(str(path), f'client {name!r}: {key} must be a string like "150.00"')
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ConfigError(str(path), f"client {name!r}: {key} {value!r} is not a number") from exc


def load_clients(path: Path) -> tuple[ClientSpec, ...]:
    if not path.exists():
        return ()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), str(exc)) from exc
    out: list[ClientSpec] = []
    seen: set[str] = set()
    for i, t in enumerate(data.get("client", [])):
        if not isinstance(t, dict) or not str(t.get("name", "")).strip():
            raise ConfigError(str(path), f"[[client]] #{i + 1} has no name")
        name = str(t["name"]).strip()
        cid = str(t.get("id") or slug(name))
        if cid in seen:
            raise ConfigError(str(path), f"client id {cid!r} appears twice")
        seen.add(cid)
        out.append(
            ClientSpec(
                id=cid,
                name=name,
                aliases=tuple(str(a) for a in t.get("aliases", [])),
                domains=tuple(str(d).lower().lstrip("@") for d in t.get("domains", [])),
                emails=tuple(str(e).lower() for e in t.get("emails", [])),
                projects=tuple(str(p) for p in t.get("projects", [])),
                rate=_money(path, name, "rate", t.get("rate")),
                currency=str(t.get("currency", "USD")),
                tax_rate=_money(path, name, "tax_rate", t.get("tax_rate")) or Decimal("0"),
                billing_address=str(t.get("billing_address", "")),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ClientDirectory:
    clients: tuple[ClientSpec, ...] = ()
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for c in self.clients:
            words = [re.escape(n) for n in c.names if n.strip()]
            words += [re.escape(d) for d in c.domains] + [re.escape(e) for e in c.emails]
            if words:
                self._patterns[c.id] = re.compile(
                    r"(?<![\w.@-])("
                    + "|".join(sorted(words, key=len, reverse=True))
                    + r")(?![\w-])",
                    re.IGNORECASE,
                )

    def get(self, key: str) -> ClientSpec | None:
        k = key.strip().lower()
        for c in self.clients:
            if k == c.id.lower() or k in (n.lower() for n in c.names):
                return c
        return None

    def named_in(self, text: str) -> list[str]:
        """Client ids whose name, alias, domain or address appears in the text."""
        return [cid for cid, rx in self._patterns.items() if rx.search(text)]

    def by_address(self, address: str) -> str | None:
        a = address.strip().lower()
        for c in self.clients:
            if a in c.emails:
                return c.id
        domain = a.rsplit("@", 1)[-1]
        for c in self.clients:
            if any(domain == d or domain.endswith("." + d) for d in c.domains):
                return c.id
        return None
