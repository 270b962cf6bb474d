"""Count options refuse what cannot be a count, instead of answering "nothing found"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import server_env
from trailkeep.ui.cli import main


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("search", "x", "-k", "0"), "-k"),
        (("search", "x", "-k", "-5"), "-k"),
        (("log", "-n", "0"), "-n"),
        (("log", "-n", "-5"), "-n"),
    ],
)
def test_a_count_below_one_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], option: str
) -> None:
    home = tmp_path / "home"
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}
    r = CliRunner().invoke(main, ["--home", str(home), *args], env=env, obj={})
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{option}'" in r.output
    assert "x>=1" in r.output
    assert "nothing found" not in r.output


def test_long_messages_are_cut_between_words_and_say_so() -> None:
    """QA, session 7: `status` cut an error at 200 characters inside "line 10", which then read
    "line 1" — a wrong line number, not a shorter message."""
    from trailkeep.ui.cli.context import clip

    error = "x" * 180 + " timesheet.csv line 10: hours '-2' is not a duration"
    shown = clip(error)
    assert len(shown) <= 200 and shown.endswith("…")
    assert "line 1" not in shown  # the cut fell before "line", not inside "10"
    assert clip("short   message\n") == "short message"
    assert clip("y" * 300).endswith("…") and len(clip("y" * 300)) == 200
