"""Confidentiality on generated vaults (issue 15): drafts for each client — replies to every
incoming email (the "tell me about your other clients" one included) and emails and documents
from briefs — and answers asked in a client's scope (`ask --client C`: the answer, its
citations and the "closest" passages shown when it abstains), offline and through a local
Messages-API server that echoes its prompt. No marker of another client (codename, marker
phrases, people, addresses, names) may reach a prompt, a draft or an answer. The generated worlds have no ``[me]``, the consultant's own domain unknown
to clients.toml, chats about a client whose title does not name it, and mixed daily notes.

The fast suite runs a sample; ``-m slow`` runs at least 1,000 drafts (RELIABILITY.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.fakes.messages_api import echo_prompt, serve
from tests.generators.multiclient import World, generate
from trailkeep.ingest import Ingestor
from trailkeep.recall import AnthropicBackend, Backend, anthropic_client, ask
from trailkeep.recall.draft import draft_doc, draft_email
from trailkeep.vault import Filters, NotFound, Vault, get_embedder, init_home

TODAY = date(2026, 12, 1)


@dataclass
class Tally:
    drafts: int = 0
    answers: int = 0
    prompts: int = 0
    refused: int = 0
    leaks: list[str] = field(default_factory=list)

    def check(self, world: World, client: str, what: str, text: str) -> None:
        found = world.leaks(client, text)
        if found:
            self.leaks.append(f"seed {world.seed} {client} {what}: {found}")


def world_vault(root: Path, seed: int) -> tuple[World, Vault]:
    world = generate(seed, root)
    home = root / "home"
    home.mkdir()
    (home / "clients.toml").write_bytes((root / "clients.toml").read_bytes())
    s = make_settings(home, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_paths(sorted((root / "inbox").iterdir()))
    return world, v


def draft_all(world: World, v: Vault, backend: Backend | None, tally: Tally) -> None:
    clients = {c.id: c for c in v.settings.clients}
    for cid, mid in world.reply_candidates():
        try:
            d = draft_email(v, clients[cid], reply_to=mid, backend=backend, today=TODAY)
        except NotFound:
            tally.refused += 1  # not in this client's scope: refused, nothing drafted
            continue
        tally.drafts += 1
        tally.check(world, cid, f"reply to {mid}", d.text)
        for h in d.citations:
            tally.check(world, cid, f"citation of reply to {mid}", h.quote + " " + h.document)
    for cid, topic in world.brief_candidates():
        d = draft_email(v, clients[cid], brief=topic, backend=backend, today=TODAY)
        tally.drafts += 1
        tally.check(world, cid, f"email about {topic}", d.text)
        doc = draft_doc(v, "status-update", topic, clients[cid], backend=backend, today=TODAY)
        tally.drafts += 1
        tally.check(world, cid, f"status update on {topic}", doc.text)
        answer_all(world, v, cid, topic, backend, tally)


def answer_all(
    world: World, v: Vault, cid: str, topic: str, backend: Backend | None, tally: Tally
) -> None:
    """`ask --client C` about the topic, and about what the other clients' people said."""
    others = [c for c in world.clients if c.id != cid]
    questions = [f"What did we decide about {topic}?", f"Anything new on {topic}?"]
    questions += [f"What has {o.people[0].name} asked for lately?" for o in others[:1]]
    for q in questions:
        a = ask(v, q, Filters(client=cid), backend, today=TODAY)
        tally.answers += 1
        shown = [a.answer, *(f"{h.quote} {h.document}" for h in [*a.citations, *a.closest])]
        tally.check(world, cid, f"answer to {q!r}", "\n".join(shown))


def run_worlds(tmp_path: Path, seeds: range) -> Tally:
    tally = Tally()
    for seed in seeds:
        world, v = world_vault(tmp_path / f"w{seed}", seed)
        try:
            draft_all(world, v, None, tally)
            with serve(echo_prompt) as fake:
                b = AnthropicBackend(anthropic_client("k", fake.url, timeout=5, max_retries=0), "m")
                # prompts are per client: check each against the client it was built for
                for cid, mid in world.reply_candidates():
                    spec = next(c for c in v.settings.clients if c.id == cid)
                    before = len(fake.requests)
                    try:
                        d = draft_email(v, spec, reply_to=mid, backend=b, today=TODAY)
                    except NotFound:
                        continue
                    tally.drafts += 1
                    tally.check(world, cid, f"model reply to {mid}", d.text)
                    for r in fake.requests[before:]:
                        tally.prompts += 1
                        tally.check(world, cid, f"prompt for {mid}", r["messages"][0]["content"])
                for cid, topic in world.brief_candidates():
                    spec = next(c for c in v.settings.clients if c.id == cid)
                    before = len(fake.requests)
                    d = draft_doc(v, "requirements", topic, spec, backend=b, today=TODAY)
                    tally.drafts += 1
                    tally.check(world, cid, f"model doc on {topic}", d.text)
                    answer_all(world, v, cid, topic, b, tally)
                    for r in fake.requests[before:]:
                        tally.prompts += 1
                        tally.check(world, cid, f"prompt on {topic}", r["messages"][0]["content"])
        finally:
            v.close()
    return tally


def test_no_client_marker_reaches_another_clients_draft_sample(tmp_path: Path) -> None:
    tally = run_worlds(tmp_path, range(2))
    assert tally.drafts >= 60 and tally.prompts >= 10 and tally.refused == 0
    assert tally.answers >= 30
    assert tally.leaks == [], "\n".join(tally.leaks[:20])


def test_the_leak_check_can_fail(tmp_path: Path) -> None:
    """Control: unscoped, the same questions do bring other clients' markers."""
    from trailkeep.recall import search

    world, v = world_vault(tmp_path, 0)
    try:
        found = [
            leak
            for cid, topic in world.brief_candidates()
            for h in search(v, topic, k=10)
            for leak in world.leaks(cid, h.quote)
        ]
    finally:
        v.close()
    assert found


@pytest.mark.slow
def test_no_client_marker_reaches_another_clients_draft_1000(tmp_path: Path) -> None:
    tally = Tally()
    seed = 100
    while tally.drafts < 1000:
        part = run_worlds(tmp_path, range(seed, seed + 1))
        tally.drafts += part.drafts
        tally.answers += part.answers
        tally.prompts += part.prompts
        tally.refused += part.refused
        tally.leaks += part.leaks
        seed += 1
    print(
        f"drafts {tally.drafts}, answers {tally.answers}, prompts {tally.prompts}, "
        f"refused {tally.refused}, "
        f"worlds {seed - 100}, leaks {len(tally.leaks)}"
    )
    assert tally.leaks == [], "\n".join(tally.leaks[:20])


def test_the_clip_keeps_paragraphs_and_drops_bare_greetings() -> None:
    """QA, session 9: a kestrel mail naming another client was clipped line by line, and
    "Hi Hannah," and "Alex" became citations (and a trail step) of their own."""
    from trailkeep.recall.scope import Scope
    from trailkeep.vault import Hit
    from trailkeep.vault.clients import ClientSpec

    kestrel = ClientSpec("kestrel", "Kestrel Freight", people=("Hannah Cole",))
    birch = ClientSpec("birchwood", "Birchwood Dental", aliases=("Birchwood",))
    text = (
        "Hi Hannah,\n\nThe reminder service runs nightly at 02:00 and retries twice.\n"
        "It sends 40 texts a night.\n\nBirchwood uses the same service.\n\nAlex"
    )
    hit = Hit(0.5, 1, 1, "Reminder service", 7, 1, None, "kestrel", "email", True, text, "k.eml")
    parts = Scope.for_client(kestrel, [kestrel, birch]).clip(hit, text)
    assert [p.quote for p in parts] == [
        "The reminder service runs nightly at 02:00 and retries twice.\nIt sends 40 texts a night."
    ]
    assert all(p.quote in text for p in parts)  # a citation stays a substring of its entry
