"""Confidentiality on generated vaults (issue 15): drafts for each client — replies to every
incoming email (the "tell me about your other clients" one included) and emails and documents
from briefs — and answers asked in a client's scope (`ask --client C`: the answer, its
citations and the "closest" passages shown when it abstains), offline and through a local
Messages-API server that echoes its prompt. No marker of another client (codename, marker
phrases, people, addresses, names) may reach a prompt, a draft or an answer. The generated worlds have no ``[me]``, the consultant's own domain unknown
to clients.toml, chats about a client whose title does not name it, and mixed daily notes.

They also hold QA session 10's leak shapes (``World.planted``): a note file reused for another
client (ingested, then rewritten and ingested again: ``World.second_pass``), headerless mail
from a client's person at a personal address under another client's thread subject, a chat
turn naming another client in a client's conversation, a note naming its client only by a
``projects`` codename, and one naming it only by an accented name saved decomposed. Each
planted passage must be in the vault with the scope the world says (``?`` for the mail, ``!``
for the turn, its client's for the others, the old version of the note its first client's).

The fast suite runs a sample; ``-m slow`` runs at least 1,000 drafts (RELIABILITY.md)."""

from __future__ import annotations

import email
import email.policy
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_settings
from tests.fakes.messages_api import echo_prompt, serve
from tests.generators.multiclient import Planted, World, generate
from trailkeep.ingest import Ingestor
from trailkeep.recall import AnthropicBackend, Backend, anthropic_client, ask
from trailkeep.recall.draft import draft_doc, draft_email
from trailkeep.recall.trail import document_trail, topic_trail, trail_json
from trailkeep.vault import Filters, NotFound, Vault, get_embedder, init_home
from trailkeep.vault.clients import ClientDirectory, load_clients, public_mail_domain

TODAY = date(2026, 12, 1)


@dataclass
class Tally:
    drafts: int = 0
    answers: int = 0
    prompts: int = 0
    trails: int = 0
    refused: int = 0
    leaks: list[str] = field(default_factory=list)
    planted: int = 0
    misattributed: list[str] = field(default_factory=list)

    def check(self, world: World, client: str, what: str, text: str) -> None:
        found = world.leaks(client, text)
        if found:
            self.leaks.append(f"seed {world.seed} {client} {what}: {found}")

    def check_planted(self, world: World, v: Vault) -> None:
        """Every planted passage is in the vault, each entry holding it in the scope the world
        says: the shapes are there, and attributed as trailkeep's rules promise."""
        for p, scopes in planted_scopes(world, v):
            self.planted += 1
            if scopes != {p.scope}:
                self.misattributed.append(
                    f"seed {world.seed} {p.shape} {p.path} ({p.client}): scopes {sorted(scopes)},"
                    f" expected {p.scope!r}: {p.needle!r}"
                )


def world_vault(root: Path, seed: int) -> tuple[World, Vault]:
    world = generate(seed, root)
    home = root / "home"
    home.mkdir()
    (home / "clients.toml").write_bytes((root / "clients.toml").read_bytes())
    s = make_settings(home, stable_seconds=0.2, lock_timeout=30.0)
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    ingest = Ingestor(v)
    ingest.ingest_paths(sorted((root / "inbox").iterdir()))
    ingest.ingest_paths(world.rewrite(root))  # files rewritten after the first ingest
    return world, v


def planted_scopes(world: World, v: Vault) -> list[tuple[Planted, set[str]]]:
    """(planted passage, the scopes of the entries holding its needle), every version kept;
    texts compared composed and whitespace-collapsed."""
    with v.engine.connect() as c:
        rows = c.execute(text("SELECT scope, title || '\n' || text FROM entry")).all()
    entries = [(str(s), " ".join(unicodedata.normalize("NFC", str(t)).split())) for s, t in rows]
    return [(p, {s for s, t in entries if p.needle in t}) for p in world.planted]


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
        # every field `ask --json` and the page show: the trail too (new user's trial, session
        # 30: a cited reply's trail listed the other client's mail it answers, in full)
        shown = {k: v for k, v in a.as_json().items() if k != "question"}  # the user's own
        tally.check(world, cid, f"answer to {q!r}", json.dumps(shown, ensure_ascii=False))
    # `trail TOPIC --client C`, and each document on it (`trail --document N --client C`):
    # versions, linked replies and what changed read in the scope too (session 30)
    steps = topic_trail(v, topic, Filters(client=cid))
    tally.trails += 1
    tally.check(
        world, cid, f"trail of {topic!r}", json.dumps(trail_json(topic, steps), ensure_ascii=False)
    )
    # ... and the documents on another client's trail, read in this scope (review, session 30)
    theirs = [
        s.hit.document_id for o in others[:1] for s in topic_trail(v, topic, Filters(client=o.id))
    ]
    for doc in sorted({s.hit.document_id for s in steps} | set(theirs)):
        tally.trails += 1
        said = json.dumps(trail_json(topic, document_trail(v, doc, cid)), ensure_ascii=False)
        tally.check(world, cid, f"trail of document {doc}", said)


def run_worlds(tmp_path: Path, seeds: range) -> Tally:
    tally = Tally()
    for seed in seeds:
        world, v = world_vault(tmp_path / f"w{seed}", seed)
        try:
            tally.check_planted(world, v)
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
    assert tally.answers >= 30 and tally.trails >= 20
    assert tally.planted >= 14 and tally.misattributed == [], "\n".join(tally.misattributed)
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


def test_the_planted_shapes_are_the_ones_qa_found(tmp_path: Path) -> None:
    """The generator's side of QA session 10's shapes, without ingesting: each is in every
    world (the accented name where a client has two people), has the form QA found, carries
    its client's markers, and would be flagged by ``World.leaks`` in any scope it must not
    reach; trailkeep's matcher names the client where the shape relies on it."""
    counts: dict[str, int] = {}
    lower_case_projects = 0
    for seed in range(12):
        root = tmp_path / f"w{seed}"
        w = generate(seed, root)
        d = ClientDirectory(load_clients(root / "clients.toml"))
        shapes = [p.shape for p in w.planted]
        for shape in set(shapes):
            counts[shape] = counts.get(shape, 0) + 1
        assert {"reused-note", "personal-mail", "chat-own-turn", "chat-mixed-turn"} <= set(shapes)
        assert "project-note" in shapes
        for p in w.planted:
            assert p.client in p.names, p  # it carries its own client's markers
            for c in w.clients:  # and is caught in any other client's scope (a mixed one: in
                if c.id != p.client or p.scope == "!":  # every client's)
                    assert w.leaks(c.id, p.text), (seed, p.shape, c.id)
            assert p.needle in " ".join(unicodedata.normalize("NFC", p.text).split()), p
        # 1. a note file reused: the first version on disk, the second written after ingest
        old, new = [p for p in w.planted if p.shape == "reused-note"]
        assert old.path == new.path and old.client != new.client
        later = {r.path: r.data for r in w.second_pass}
        assert old.text in (root / old.path).read_text() and new.text in later[new.path].decode()
        for p, raw in ((old, (root / old.path).read_text()), (new, later[new.path].decode())):
            label = raw.split("client: ", 1)[1].split("\n", 1)[0]
            spec = d.get(label)
            assert spec is not None and spec.id == p.client, label
            assert d.named_in(p.text) == [], p  # only the label says whose it is
        # 2. headerless mail from a personal address, under another client's thread subject,
        # arriving after the first ingest
        (mail,) = [p for p in w.planted if p.shape == "personal-mail"]
        assert set(later) == {old.path, mail.path} and not (root / mail.path).exists()
        msg = email.message_from_bytes(later[mail.path], policy=email.policy.default)
        assert msg["In-Reply-To"] is None and msg["References"] is None
        sender = msg["From"].addresses[0]
        domain = sender.addr_spec.split("@")[1]
        assert public_mail_domain(domain) and domain not in {c.domain for c in w.clients}
        assert sender.addr_spec in w.client(mail.client).markers
        assert sender.display_name in {x.name for x in w.client(mail.client).people}
        subject = str(msg["Subject"]).removeprefix("Re: ")
        (thread,) = {m.client for m in w.mails if m.subject == subject and not m.in_reply_to}
        assert thread != mail.client and mail.names == {mail.client}
        # 3. a chat turn naming another client in a client's conversation
        (own,) = [p for p in w.planted if p.shape == "chat-own-turn"]
        (mixed,) = [p for p in w.planted if p.shape == "chat-mixed-turn"]
        (conv,) = json.loads((root / own.path).read_text())
        assert d.named_in(conv["title"]) == [own.client] == [mixed.client]
        assert own.names == {own.client} and len(mixed.names) == 2
        assert w.client(mixed.client).codename in mixed.text
        assert set(d.named_in(mixed.text)) - {mixed.client}  # it names the other client
        # 4. a codename listed under `projects`, in a note that names nothing else
        for p in (p for p in w.planted if p.shape == "project-note"):
            c = w.client(p.client)
            assert c.projects and d.named_in(p.text) == [c.id]
            assert not d.named_in(
                p.text.replace(c.projects[0], "x").replace(c.projects[0].lower(), "x")
            )
            lower_case_projects += c.projects[0] not in p.text
        # 5. an accented name in clients.toml, in a note saved decomposed
        for p in (p for p in w.planted if p.shape == "nfd-note"):
            raw = (root / p.path).read_bytes().decode()
            assert raw == p.text and not unicodedata.is_normalized("NFC", raw)
            person = next(x for x in w.client(p.client).people if not x.name.isascii())
            assert person.name in (root / "clients.toml").read_text()
            assert person.name not in raw and unicodedata.normalize("NFC", raw).count(person.name)
            assert d.named_in(raw) == [p.client]
            other = next(c for c in w.clients if c.id != p.client)
            assert person.name in w.leaks(other.id, raw)
    assert counts["nfd-note"] >= 9 and lower_case_projects >= 3, (counts, lower_case_projects)


@pytest.mark.slow
def test_no_client_marker_reaches_another_clients_draft_1000(tmp_path: Path) -> None:
    tally = Tally()
    seed = 100
    while tally.drafts < 1000:
        part = run_worlds(tmp_path, range(seed, seed + 1))
        tally.drafts += part.drafts
        tally.answers += part.answers
        tally.prompts += part.prompts
        tally.trails += part.trails
        tally.refused += part.refused
        tally.leaks += part.leaks
        tally.planted += part.planted
        tally.misattributed += part.misattributed
        seed += 1
    print(
        f"drafts {tally.drafts}, answers {tally.answers}, prompts {tally.prompts}, "
        f"trails {tally.trails}, refused {tally.refused}, "
        f"worlds {seed - 100}, leaks {len(tally.leaks)}, "
        f"planted passages {tally.planted}, misattributed {len(tally.misattributed)}"
    )
    assert tally.misattributed == [], "\n".join(tally.misattributed[:20])
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
