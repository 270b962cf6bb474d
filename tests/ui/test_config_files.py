"""`clients assign --remember` and Settings edit the user's own clients.toml: one value added,
everything else as the user wrote it — or nothing changed and a clear error (QA, session 17)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from trailkeep.ui.config_files import remember
from trailkeep.vault.errors import ConfigError

TOML = """# my clients
[[client]]   # since 2026
name = "Northwind Home Health"
id = "northwind"
aliases = ["Northwind", "NWHH"]  # short names used in notes
domains = ["northwind.example"]
people = [
  "Dana Whitfield",  # ops
  "Lauren Ito",
]

[[client]]
name = "Clearview Vision Therapy"
id = "clearview"
emails = ["elaine.home@mail.example"]
"""


def test_one_value_is_added_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "clients.toml"
    path.write_text(TOML)
    assert remember(path, "northwind", "label:dayton") == "aliases"
    assert remember(path, "northwind", "dev.home@mail.example") == "emails"
    assert remember(path, "clearview", "clearview.example") == "domains"
    text = path.read_text()
    data = tomllib.loads(text)
    north, clear = data["client"]
    assert north["aliases"] == ["Northwind", "NWHH", "dayton"]
    assert north["domains"] == ["northwind.example"]  # the line after the comment stays
    assert north["emails"] == ["dev.home@mail.example"]
    assert north["people"] == ["Dana Whitfield", "Lauren Ito"]
    assert clear["emails"] == ["elaine.home@mail.example"]  # not replaced by another's
    assert clear["domains"] == ["clearview.example"]
    assert "# short names used in notes" in text and "# since 2026" in text


def test_a_read_only_or_linked_clients_toml_is_respected(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "clients.toml"
    real.parent.mkdir()
    real.write_text(TOML)
    link = tmp_path / "clients.toml"
    link.symlink_to(real)
    remember(link, "northwind", "jo@mail.example")
    assert link.is_symlink() and "jo@mail.example" in real.read_text()
    os.chmod(real, 0o444)
    before = real.read_text()
    with pytest.raises(ConfigError, match="read-only"):
        remember(link, "northwind", "ann@mail.example")
    assert real.read_text() == before


def test_a_clients_toml_with_dates_and_numbers_takes_one_value(tmp_path: Path) -> None:
    """The check compared the files as JSON: a TOML date in clients.toml crashed it."""
    path = tmp_path / "clients.toml"
    path.write_text(TOML.replace('id = "northwind"', 'id = "northwind"\nsince = 2026-01-05'))
    remember(path, "northwind", "jo@mail.example")
    assert tomllib.loads(path.read_text())["client"][0]["emails"] == ["jo@mail.example"]
