"""`tag refine`: a model (a local Messages-API server) confirms, rejects and adds trail tags;
nothing is lost, the user's corrections win, a failed call changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import text

from tests.fakes.messages_api import serve
from trailkeep.recall.tags import read_verdicts
from trailkeep.ui.cli import main
from trailkeep.vault import Vault, get_embedder, load_settings
from trailkeep.vault.query import entry_tags

KEY = "-".join(("dummy", "anthropic", "key", "0123456789" + "abcdef"))  # made up, in parts
NOTE = (
    "# Matching\n\nWe decided to match patients on record number plus clinic.\n\n"
    "# Nightly upsert\n\nThe nightly upsert failed because two clinics reuse numbers.\n\n"
    "# Backfill\n\nOpen question: do we backfill the 2024 claims?\n"
)


def judge_passages(req: dict[str, Any]) -> str:
    """A 'model' that reads the numbered passages: confirms the decision, rejects the dead end,
    and adds `decision` to the open question."""
    prompt = req["messages"][0]["content"]
    lines = []
    for n, body in re.findall(r"\[(\d+)\] \(guessed: [^)]*\)\n([^\n]+)", prompt):
        if "decided" in body:
            lines.append(f"[{n}] decision")
        elif "failed" in body:
            lines.append(f"[{n}] none")
        else:
            lines.append(f"[{n}] open_question, decision")
    return "\n".join(lines)


def _home(tmp_path: Path) -> tuple[Path, dict[str, str], CliRunner]:
    home = tmp_path / "home"
    env = {"TRAILKEEP_EMBEDDER": "hash", "ANTHROPIC_API_KEY": KEY}
    r = CliRunner()
    assert r.invoke(main, ["--home", str(home), "init"], env=env, obj={}).exit_code == 0
    (home / "inbox" / "n.md").write_text(NOTE, encoding="utf-8")
    out = r.invoke(main, ["--home", str(home), "ingest", str(home / "inbox")], env=env, obj={})
    assert out.exit_code == 0, out.output
    return home, env, r


def _tags(home: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Section title -> (shown tags, every tag row with its origin)."""
    v = Vault.open(load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home), get_embedder("hash"))
    try:
        with v.engine.connect() as c:
            ids = {
                str(r[1]).split(" > ")[-1]: int(r[0])
                for r in c.execute(text("SELECT id, title FROM entry"))
            }
            rows: dict[int, dict[str, str]] = {}
            for r in c.execute(text("SELECT entry_id, tag, origin FROM entry_tag")):
                rows.setdefault(int(r[0]), {})[str(r[1])] = str(r[2])
        shown = entry_tags(v, list(ids.values()))
        return {t: (shown[i], rows.get(i, {})) for t, i in ids.items()}
    finally:
        v.close()


def test_refine_confirms_rejects_and_adds_without_losing_anything(tmp_path: Path) -> None:
    home, env, r = _home(tmp_path)
    before = _tags(home)
    assert before["Matching"][0] == ["decision"]
    assert before["Nightly upsert"][0] == ["dead_end"]
    assert before["Backfill"][0] == ["open_question"]
    with serve(judge_passages) as fake:
        out = r.invoke(
            main,
            ["--home", str(home), "tag", "refine", "--json"],
            env={**env, "ANTHROPIC_BASE_URL": fake.url},
            obj={},
        )
        assert out.exit_code == 0, out.output
        rep = json.loads(out.stdout)
        assert (rep["reviewed"], rep["confirmed"], rep["rejected"], rep["added"]) == (3, 2, 1, 1)
        assert KEY not in fake.requests[0]["messages"][0]["content"]
        after = _tags(home)
        assert after["Matching"] == (["decision"], {"decision": "cue+llm"})
        # The rejected cue is kept (hidden), so the reasoning about it is not lost.
        assert after["Nightly upsert"] == ([], {"dead_end": "cue-rejected"})
        assert after["Backfill"][0] == ["decision", "open_question"]
        assert after["Backfill"][1]["decision"] == "llm"
        # Everything was reviewed: a second run sends nothing.
        out = r.invoke(
            main,
            ["--home", str(home), "tag", "refine", "--json"],
            env={**env, "ANTHROPIC_BASE_URL": fake.url},
            obj={},
        )
        assert json.loads(out.stdout)["calls"] == 0 and len(fake.requests) == 1
    log = r.invoke(main, ["--home", str(home), "log"], env=env, obj={})
    assert "refine_tags" in log.stdout


def test_the_users_corrections_win(vault: Vault) -> None:
    from tests.conftest import write_note
    from trailkeep.ingest import Ingestor

    write_note(vault.settings.inbox, "n.md", NOTE)
    Ingestor(vault).ingest_file(vault.settings.inbox / "n.md")
    with vault.engine.connect() as c:
        ids = {
            str(r[1]).split(" > ")[-1]: int(r[0])
            for r in c.execute(text("SELECT id, title FROM entry"))
        }
    match, upsert = ids["Matching"], ids["Nightly upsert"]
    vault.set_tag(match, "decision", False)  # the user says: not a decision
    vault.set_tag(upsert, "open_question", True)  # ... and this one is still open
    counts = vault.review_tags({match: {"decision"}, upsert: set()})
    shown = entry_tags(vault, [match, upsert])
    assert shown[match] == []  # the model may not put back what the user removed
    assert shown[upsert] == ["open_question"]  # nor remove what the user added
    assert counts == {"confirmed": 0, "rejected": 1, "added": 0}  # only the cue dead_end


def test_a_failed_call_changes_nothing_and_says_so(tmp_path: Path) -> None:
    home, env, r = _home(tmp_path)
    before = _tags(home)
    with serve(status=500) as fake:
        out = r.invoke(
            main,
            ["--home", str(home), "tag", "refine"],
            env={**env, "ANTHROPIC_BASE_URL": fake.url},
            obj={},
        )
    assert out.exit_code != 0 and "stopped" in out.output
    assert _tags(home) == before
    no_key = {k: v for k, v in env.items() if k != "ANTHROPIC_API_KEY"}
    out = r.invoke(main, ["--home", str(home), "tag", "refine"], env=no_key, obj={})
    assert out.exit_code != 0 and "needs a model" in out.output


def test_only_well_formed_lines_count() -> None:
    reply = "[1] decision\n[2] none\n[3] maybe\n[9] decision\nnoise\n[4] dead-end, open_question"
    assert read_verdicts(reply, 4) == {
        1: {"decision"},
        2: set(),
        4: {"dead_end", "open_question"},
    }


def test_one_prompt_holds_one_clients_entries() -> None:
    """QA, session 15: `tag refine` sent Acme's and Northwind's passages in one request. Each
    batch holds one client's entries (or the user's general ones); an entry nobody could be
    resolved for, or of several clients, goes alone."""
    from trailkeep.recall.tags import _one_owner_batches

    def e(i: int, client: str | None, scope: str) -> dict[str, object]:
        return {"entry_id": i, "text": "t", "client": client, "scope": scope, "cue_tags": []}

    todo = [
        e(1, "acme", "acme"),
        e(2, "northwind", "northwind"),
        e(3, "acme", "acme"),
        e(4, None, "*"),
        e(5, None, "?"),
        e(6, None, "!"),
        e(7, None, "?"),
        e(8, "acme", "acme"),
        e(9, None, "*"),
    ]
    batches = [[x["entry_id"] for x in b] for b in _one_owner_batches(todo, 2)]
    assert sorted(batches) == sorted([[1, 3], [8], [2], [4, 9], [5], [6], [7]])


def test_a_tag_typo_is_refused_a_missing_tag_said_and_a_removed_cue_hidden(
    tmp_path: Path,
) -> None:
    """QA, session 19: `tag add decisoin` was stored (exit 0) and found by nothing; `tag
    remove` of a tag the entry did not have printed "-dead_end"; after `tag remove dead_end`
    the trail still printed the entry's "#dead_end: …" cue line."""
    from trailkeep.vault.query import entry_cues

    home, env, r = _home(tmp_path)

    def cli(*args: str) -> Any:
        return r.invoke(main, ["--home", str(home), *args], env=env, obj={})

    v = Vault.open(load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home), get_embedder("hash"))
    with v.engine.connect() as c:
        ids = {
            str(r[1]).split(" > ")[-1]: int(r[0])
            for r in c.execute(text("SELECT id, title FROM entry"))
        }
    upsert, backfill = str(ids["Nightly upsert"]), str(ids["Backfill"])
    out = cli("tag", "add", "decisoin", "--entry", backfill)
    assert out.exit_code == 2 and "did you mean 'decision'" in out.output
    assert entry_tags(v, [int(backfill)])[int(backfill)] == ["open_question"]
    out = cli("tag", "add", "billing-risk", "--entry", backfill, "--new")
    assert out.exit_code == 0 and "+billing_risk" in out.output
    assert cli("tag", "add", "billing_risk", "--entry", upsert).exit_code == 0  # now in use
    assert (
        "already had 'billing_risk'" in cli("tag", "add", "billing_risk", "--entry", upsert).output
    )
    out = cli("tag", "remove", "decision", "--entry", upsert)
    assert out.exit_code == 0 and "had no tag 'decision'" in out.output
    assert [c["tag"] for c in entry_cues(v, [int(upsert)])[int(upsert)]] == ["dead_end"]
    out = cli("tag", "remove", "dead_end", "--entry", upsert)
    assert "-dead_end" in out.output
    assert entry_cues(v, [int(upsert)])[int(upsert)] == []
    v.close()
