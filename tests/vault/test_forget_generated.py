"""A forget that holds, on generated vaults (issue 20, "Prove"): in worlds of 3-5 clients whose
mail threads, daily notes, timesheets and chats mix them, one client is forgotten; then every
file arrives again — the same files, and edited copies under new names with a line added.
Nothing of that client comes back: no entry or work item of it, no stored text that names it
the way clients.toml does (name, alias, domain, address, person), no source of its own left
with its bytes in blobs/ — and the other clients keep their material.

The suite runs 4 worlds, and 24 more when slow tests run; ``trailkeep``'s own rule is the one ingest and forget share
(``vault.maintenance.names_forgotten``); the check here is the generator's independent one
(``World.find``)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.generators.multiclient import Client, World
from tests.output.test_leaks import world_vault
from trailkeep.billing import list_work
from trailkeep.ingest import Ingestor
from trailkeep.vault import Vault, doctor, forget

SEEDS = range(4)


def toml_markers(c: Client) -> list[str]:
    """What clients.toml says names the client (the generator's codenames and phrases are not
    in it: they are tied to a client only by the text around them)."""
    return [c.name, *c.aliases, c.domain, *(p.name for p in c.people), *(p.email for p in c.people)]


def stored_text(v: Vault) -> list[tuple[int, str | None, str]]:
    with v.engine.connect() as c:
        rows = c.execute(text("SELECT id, client_id, title || '\n' || text FROM entry")).all()
    return [(int(r[0]), r[1], str(r[2])) for r in rows]


def edited_copies(inbox: Path, again: Path, rng: random.Random) -> list[Path]:
    """Every file once more under a new name, notes and timesheets with a line added."""
    again.mkdir()
    out = []
    for p in sorted(inbox.iterdir()):
        data = p.read_bytes()
        if p.suffix == ".md":
            data += f"\n\nAdded later, note {rng.randint(1, 999)}.\n".encode()
        elif p.suffix == ".csv":
            data += b"2026-11-02,general,0.5,inbox sweep\n"
        target = again / f"copy-{p.name}"
        target.write_bytes(data)
        out.append(target)
    return out


def check(world: World, v: Vault, gone: Client, when: str) -> list[str]:
    problems = []
    markers = toml_markers(gone)
    for eid, client, body in stored_text(v):
        if client == gone.id:
            problems.append(f"seed {world.seed} {when}: entry {eid} is {gone.id}'s")
        elif found := world.find(markers, body):
            problems.append(f"seed {world.seed} {when}: entry {eid} names {found}")
    for item in list_work(v):
        if item.client == gone.id:
            problems.append(f"seed {world.seed} {when}: work item {item.id} is {gone.id}'s")
    with v.engine.connect() as c:
        projects = c.execute(
            text("SELECT COUNT(*) FROM project WHERE client_id = :c"), {"c": gone.id}
        ).scalar_one()
    if projects:
        problems.append(f"seed {world.seed} {when}: {projects} project(s) of {gone.id} remain")
    return problems


def run_world(root: Path, seed: int) -> list[str]:
    world, v = world_vault(root, seed)
    try:
        rng = random.Random(seed)
        gone = rng.choice(world.clients)
        others = [c.id for c in world.clients if c.id != gone.id]
        before = {c: sum(1 for _, cl, _ in stored_text(v) if cl == c) for c in others}
        assert any(cl == gone.id for _, cl, _ in stored_text(v)), "the world holds the client"
        forget(v, client_id=gone.id)
        problems = check(world, v, gone, "after forget")
        inbox = root / "inbox"
        ing = Ingestor(v)
        ing.ingest_paths(sorted(inbox.iterdir()))  # the same files left in place
        ing.ingest_paths(edited_copies(inbox, root / "again", rng))  # and edited copies
        problems += check(world, v, gone, "after re-arrival")
        after = {c: sum(1 for _, cl, _ in stored_text(v) if cl == c) for c in others}
        for c in others:  # the other clients keep their material (entries naming the
            if after[c] == 0 < before[c]:  # forgotten client go with it, not all of theirs)
                problems.append(f"seed {seed}: {c} lost all its entries")
        if not doctor(v).ok:
            problems.append(f"seed {seed}: doctor finds the vault inconsistent")
        return problems
    finally:
        v.close()
        shutil.rmtree(root / "home", ignore_errors=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_forgotten_client_stays_forgotten_in_generated_worlds(tmp_path: Path, seed: int) -> None:
    assert run_world(tmp_path, seed) == []


@pytest.mark.slow
def test_a_forgotten_client_stays_forgotten_in_many_generated_worlds(tmp_path: Path) -> None:
    """The same, on 24 more worlds (session 7: 40 more ran clean, by hand, 4-43)."""
    problems = []
    for seed in range(SEEDS.stop, SEEDS.stop + 24):
        problems += run_world(tmp_path / f"w{seed}", seed)
    assert problems == []


def test_the_forget_check_can_fail(tmp_path: Path) -> None:
    """The check above finds a client's entries when nothing was forgotten."""
    world, v = world_vault(tmp_path, 0)
    try:
        assert check(world, v, world.clients[0], "not forgotten")
    finally:
        v.close()
