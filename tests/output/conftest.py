"""Two clients in clients.toml, a real home, and the ingestor: the setting for billing and
drafting tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from trailkeep.ingest import Ingestor
from trailkeep.vault import Settings, Vault, get_embedder, init_home

CLIENTS = """
[[client]]
name = "Acme Health"
id = "acme"
aliases = ["Acme"]
domains = ["acme.example"]
rate = "150.00"
currency = "USD"
tax_rate = "0.0825"
billing_address = "1 Main St\\nSpringfield"

[[client]]
name = "Beta Logistics"
id = "beta"
aliases = ["Beta", "BetaCorp"]
domains = ["beta.example"]
currency = "EUR"
"""

ME = """
[me]
name = "Sam Example"
emails = ["sam@consult.example"]
address = "9 Side St"
payment_terms_days = 14
"""


def two_client_settings(home: Path, clients: str = CLIENTS) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    (home / "clients.toml").write_text(clients, encoding="utf-8")
    (home / "config.toml").write_text(ME, encoding="utf-8")
    s = make_settings(home, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    return s


@pytest.fixture
def bsettings(tmp_path: Path) -> Settings:
    return two_client_settings(tmp_path / "home")


@pytest.fixture
def bvault(bsettings: Settings) -> Iterator[Vault]:
    v = Vault.open(bsettings, get_embedder("hash"))
    yield v
    v.close()


@pytest.fixture
def bingest(bvault: Vault) -> Ingestor:
    return Ingestor(bvault)
