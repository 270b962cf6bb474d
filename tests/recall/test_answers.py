"""ask with every backend against a local Messages-API server; trails; the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import write_note
from tests.fakes.messages_api import serve
from tests.ui.test_cli import schema
from trailkeep.ingest import Ingestor
from trailkeep.recall import (
    AnthropicBackend,
    LlamaIndexBackend,
    OpenAICompatibleBackend,
    anthropic_client,
    ask,
    document_trail,
    prompts,
    topic_trail,
)
from trailkeep.ui.cli import main
from trailkeep.vault import Settings, Vault

# never a real key, built in parts so no scanner takes it for one; must never be stored
KEY = "-".join(("dummy", "anthropic", "key", "0123456789" + "abcdef"))


def seed(vault: Vault) -> None:
    inbox = vault.settings.inbox
    write_note(
        inbox,
        "v1.md",
        "---\nid: match\ntitle: Patient matching\ndate: 2026-03-01\n---\n"
        "# Patient matching\n\nWe upsert patients by record number.\n",
    )
    Ingestor(vault).ingest_file(inbox / "v1.md")
    write_note(
        inbox,
        "v1.md",
        "---\nid: match\ntitle: Patient matching\ndate: 2026-04-01\n---\n"
        "# Patient matching\n\nUpserting by record number failed because two clinics reuse "
        "record numbers. We decided to match patients on record number plus clinic.\n",
    )
    Ingestor(vault).ingest_file(inbox / "v1.md")


def backend(url: str) -> AnthropicBackend:
    return AnthropicBackend(anthropic_client(KEY, url, timeout=5, max_retries=0), "claude-test")


def test_anthropic_json_answer_with_citations(vault: Vault) -> None:
    seed(vault)
    with serve(lambda req: "They match on record number plus clinic [1]. See also [9].") as fake:
        ans = ask(vault, "How do we match patients by record number?", backend=backend(fake.url))
    assert not ans.abstained and ans.backend == "anthropic"
    assert len(ans.citations) == 1 and "clinic" in ans.citations[0].quote
    assert ans.dropped_citations == [9] and "[9]" not in ans.answer and "[?]" in ans.answer
    sent = fake.requests[0]
    assert sent["model"] == "claude-test"
    assert "[1] (Patient matching" in sent["messages"][0]["content"]
    assert (
        fake.headers[0].get("Authorization") == f"Bearer {KEY}"
        or fake.headers[0].get("X-Api-Key") == KEY
    )
    (call,) = vault.llm_calls()
    assert call["backend"] == "anthropic" and call["output_tokens"] == 13 and not call["error"]
    # ISO 8601 with its offset, as every time shown (QA, session 15: "2026-11-30 06:56:02")
    assert "T" in call["created_at"] and call["created_at"].endswith("+00:00")
    assert ans.trail and {s.hit.version for s in ans.trail} >= {2}


def test_streaming_and_not_in_history(vault: Vault) -> None:
    seed(vault)
    pieces: list[str] = []
    said = (
        "NOT_IN_HISTORY\nThe passages say how patients are matched by record number and "
        "clinic, but not when that was decided or by whom."
    )
    with serve(lambda req: said) as fake:
        ans = ask(
            vault,
            "When did we match patients by record number?",
            backend=backend(fake.url),
            on_text=pieces.append,
        )
    assert fake.requests[0]["stream"] is True and len(pieces) > 1
    # the marker is said in the user's words, and what streamed is the answer (QA, session 15)
    assert ans.abstained and ans.citations == [] and "NOT_IN_HISTORY" not in "".join(pieces)
    assert "".join(pieces).strip() == ans.answer
    assert ans.answer.startswith("Your history doesn't say.\nThe passages say how")


def test_the_answers_numbers_are_its_sources_numbers(vault: Vault) -> None:
    """QA, session 15: the answer kept the model's "[3] … [1]" above Sources renumbered 1, 2
    (the reader was sent to the wrong file); "[3, 4]" cited nothing; "[42]" was printed as a
    source in text; "**NOT_IN_HISTORY**" was taken for an answer; an empty or cut-off reply
    was shown as the answer."""
    seed(vault)
    q = "How do we match patients by record number?"

    def cites_backwards(req: dict[str, Any]) -> str:
        n = req["messages"][0]["content"].count("\n[")  # passages sent: [1] … [n]
        assert n >= 2
        return f"Clinic too [{n}]. Upsert by record number [1][{n}, 1]. Also [42] and [1-{n}]."

    pieces: list[str] = []
    with serve(cites_backwards) as fake:
        ans = ask(vault, q, backend=backend(fake.url), on_text=pieces.append)
    assert "".join(pieces).strip() == ans.answer
    assert ans.answer.startswith("Clinic too [1]. Upsert by record number [2][1][2]. Also [?]")
    assert len(ans.citations) >= 2 and ans.dropped_citations == [42]
    cited_last = ans.citations[0]  # [1] is the passage the model numbered last
    assert cited_last.quote != ans.citations[1].quote
    for reply, how in (
        ("**NOT_IN_HISTORY**\nNothing here says it.", "abstained"),
        ("", "fell back"),
        ("   \n ", "fell back"),
    ):
        with serve(lambda req, r=reply: r) as fake:  # type: ignore[misc]
            got = ask(vault, q, backend=backend(fake.url))
        if how == "abstained":
            assert got.abstained and got.answer.startswith("Your history doesn't say."), got
        else:
            assert got.backend == "extractive" and "EmptyReply" in got.reason, got.reason
    for stop, said in (("max_tokens", "token limit"), (None, "ended before")):
        with serve(lambda req: "We match on record number plus clinic [1] and", stop=stop) as f:
            got = ask(vault, q, backend=backend(f.url), on_text=[].append)  # streamed
        assert got.backend == "extractive" and "IncompleteReply" in got.reason, (stop, got)
        assert said in (vault.llm_calls()[0]["error"] or ""), vault.llm_calls()[0]


def test_weak_evidence_abstains_without_calling_the_model(vault: Vault) -> None:
    seed(vault)
    with serve() as fake:
        ans = ask(vault, "zebra migration patterns in Kenya", backend=backend(fake.url))
    assert ans.abstained and fake.requests == [] and vault.llm_calls() == []


def test_an_error_body_echoing_the_key_leaves_it_nowhere(vault: Vault) -> None:
    """QA, session 15: a gateway's error body repeating the API key went into the audit log
    and a draft's reason; and the reason quoted the server's whole JSON error object."""
    seed(vault)
    with serve(status=500, error_message=f"invalid key {KEY} for this route") as fake:
        ans = ask(vault, "How do we match patients by record number?", backend=backend(fake.url))
    assert ans.backend == "extractive" and KEY not in ans.reason
    assert "HTTP 500" in ans.reason and "{" not in ans.reason, ans.reason
    (call,) = vault.llm_calls()
    assert KEY not in (call["error"] or "") and "[API key]" in (call["error"] or "")


def test_a_reply_repeating_the_key_shows_it_nowhere(vault: Vault) -> None:
    """QA, session 15: a gateway key (no known key shape) repeated by the model was shown in
    the answer and saved in drafts; only the audit log had it removed."""
    seed(vault)
    pieces: list[str] = []
    with serve(lambda req: f"Match on record number plus clinic [1]; connect with {KEY}.") as f:
        ans = ask(
            vault,
            "How do we match patients by record number?",
            backend=backend(f.url),
            on_text=pieces.append,
        )
    for said in (ans.answer, "".join(pieces), vault.llm_calls()[0]["response"]):
        assert KEY not in said and "[API key]" in said, said


def test_failed_call_falls_back_to_extractive_quickly(vault: Vault) -> None:
    seed(vault)
    import time

    with serve(status=529) as fake:
        t0 = time.perf_counter()
        ans = ask(vault, "How do we match patients by record number?", backend=backend(fake.url))
        assert time.perf_counter() - t0 < 10
    assert not ans.abstained and ans.backend == "extractive" and "failed" in ans.reason
    assert ans.citations
    assert vault.llm_calls()[0]["error"]


def test_openai_compatible_and_llama_index_backends(vault: Vault) -> None:
    seed(vault)
    with serve(lambda req: "Record number plus clinic [2].") as fake:
        ans = ask(
            vault,
            "How do we match patients by record number?",
            backend=OpenAICompatibleBackend(fake.url, "local-model", timeout=5),
        )
    assert ans.backend == "openai-compatible" and ans.citations
    from llama_index.core.llms import MockLLM

    ans2 = ask(
        vault, "How do we match patients by record number?", backend=LlamaIndexBackend(MockLLM())
    )
    assert ans2.backend == "llama-index"  # MockLLM echoes: no valid answer, but a real round trip
    assert len(vault.llm_calls()) == 2


def test_trails_show_the_revision(vault: Vault) -> None:
    seed(vault)
    steps = topic_trail(vault, "matching patients record number")
    versions = [s.hit.version for s in steps]
    assert versions == sorted(versions) and set(versions) == {1, 2}
    assert any(ln["kind"] == "revises" for s in steps for ln in s.links)
    assert "decision" in steps[-1].tags
    doc = steps[0].hit.document_id
    assert [s.hit.version for s in document_trail(vault, doc)] == [1, 2]


def test_every_prompt_loads_and_checks_its_variables() -> None:
    assert "answer" in prompts.names()
    for name in prompts.names():
        p = prompts.load(name)
        with pytest.raises(prompts.PromptError):
            p.render()
        p.render(**{v: "x" for v in p.variables})


def test_cli_ask_trail_log_and_the_key_is_never_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = CliRunner()
    env = {"TRAILKEEP_EMBEDDER": "hash", "ANTHROPIC_API_KEY": KEY}
    assert r.invoke(main, ["--home", str(home), "init"], env=env, obj={}).exit_code == 0
    (home / "inbox" / "n.md").write_text(
        "# Export\n\nWe decided to export claims nightly at 2am because the API throttles by day.\n"
    )
    assert (
        r.invoke(
            main, ["--home", str(home), "ingest", str(home / "inbox")], env=env, obj={}
        ).exit_code
        == 0
    )
    with serve(lambda req: "Nightly at 2am [1].") as fake:
        env2 = {**env, "ANTHROPIC_BASE_URL": fake.url}
        out = r.invoke(
            main,
            ["--home", str(home), "ask", "when do we export claims nightly?", "--json"],
            env=env2,
            obj={},
        )
        assert out.exit_code == 0, out.output
        data: dict[str, Any] = json.loads(out.stdout)
        jsonschema.validate(data, schema("ask"))
        assert data["backend"] == "anthropic", data["reason"]
        assert data["citations"][0]["n"] == 1
        out = r.invoke(
            main,
            ["--home", str(home), "ask", "when do we export claims nightly?"],
            env=env2,
            obj={},
        )
        assert "Nightly at 2am [1]." in out.stdout and "Sources:" in out.stdout
    out = r.invoke(
        main,
        [
            "--home",
            str(home),
            "ask",
            "when do we export claims nightly?",
            "--backend",
            "extractive",
        ],
        env=env,
        obj={},
    )
    assert "From your history" in out.stdout
    out = r.invoke(main, ["--home", str(home), "trail", "claims export", "--json"], env=env, obj={})
    trail = json.loads(out.stdout)
    jsonschema.validate(trail, schema("trail"))
    assert trail["steps"][0]["n"] == 1
    out = r.invoke(main, ["--home", str(home), "log"], env=env, obj={})
    assert "anthropic/claude" in out.stdout
    for p in home.rglob("*"):
        if p.is_file():
            assert KEY.encode() not in p.read_bytes(), p


def test_a_sentence_in_a_long_message_is_evidence(vault: Vault) -> None:
    """A long email's chunk embeds its whole body, so the one sentence that answers sits far
    from the question: a keyword hit is looked at sentence by sentence before "your history
    doesn't say" (QA, session 5: "How many patients did Ken count?" abstained beside it)."""
    from trailkeep.recall.answer import evidence_strength, sentence_evidence
    from trailkeep.recall.retrieval import search_detailed

    filler = " ".join(
        f"Item {i}: the {w} review moved to the {w} board after the {w} meeting."
        for i, w in enumerate(["harbor", "gateway", "invoice", "dentrix", "schedule", "lobby"] * 4)
    )
    write_note(
        vault.settings.inbox,
        "long.md",
        f"# Weekly digest\n\n{filler} Ken counted 87 patients without a text. {filler}\n",
    )
    Ingestor(vault).ingest_file(vault.settings.inbox / "long.md")
    q = "How many patients has Ken counted without a text?"
    res = search_detailed(vault, q, k=10)
    (hit,) = [h for h in res.hits if "87 patients" in h.quote]
    assert not evidence_strength(res, hit)[0]  # the chunk alone is too far
    assert hit.chunk_id in sentence_evidence(vault, q, res)
    ans = ask(vault, q)
    assert not ans.abstained and any("87 patients" in c.quote for c in ans.citations)
    assert ask(vault, "How many parking spaces does the clinic have?").abstained


def test_a_citation_names_its_file_and_where_in_it(vault: Vault) -> None:
    """QA, session 17: the offline answer named no file ("— Loading schedule, 2026-03-02"
    for two different replies of a thread), and a hit in an mbox said only "archive.mbox"."""
    from trailkeep.recall import search

    box = (
        "From a@acme.example Mon Mar  2 09:00:00 2026\nFrom: A <a@acme.example>\n"
        "Subject: Loading schedule\nDate: Mon, 02 Mar 2026 09:00:00 +0100\n"
        "Message-ID: <m1@acme.example>\n\nThe copperwick depot loads at 6am.\n\n"
        "From b@acme.example Mon Mar  2 10:00:00 2026\nFrom: B <b@acme.example>\n"
        "Subject: Re: Loading schedule\nDate: Mon, 02 Mar 2026 10:00:00 +0100\n"
        "Message-ID: <m2@acme.example>\nIn-Reply-To: <m1@acme.example>\n\n"
        "The heronsgate depot loads at 7am.\n"
    )
    Ingestor(vault).ingest_file(write_note(vault.settings.inbox, "archive-2026.mbox", box))
    (hit,) = [h for h in search(vault, "heronsgate depot loads", k=3) if "heronsgate" in h.quote]
    assert hit.as_json()["locator"] == "Message-ID <m2@acme.example>"
    assert hit.cited_as == "archive-2026.mbox, Message-ID <m2@acme.example>"
    a = ask(vault, "When does the heronsgate depot load?")
    assert not a.abstained and "[archive-2026.mbox, Message-ID <m2@acme.example>]" in a.answer
    # without a Message-ID: its sender and date (QA, session 18: the file alone)
    box = (
        "From c@acme.example Tue Mar  3 09:00:00 2026\nFrom: C <c@acme.example>\n"
        "Subject: Gates\nDate: Tue, 03 Mar 2026 09:00:00 +0100\n\n"
        "The pelliford gate opens at 5am.\n\n"
        "From d@acme.example Tue Mar  3 11:00:00 2026\nFrom: D <d@acme.example>\n"
        "Subject: Gates\nDate: Tue, 03 Mar 2026 11:00:00 +0100\n\n"
        "The quillmoor gate opens at 8am.\n"
    )
    Ingestor(vault).ingest_file(write_note(vault.settings.inbox, "gates.mbox", box))
    (hit,) = [h for h in search(vault, "quillmoor gate opens", k=3) if "quillmoor" in h.quote]
    assert hit.cited_as == (
        "gates.mbox, the message from d@acme.example, 2026-03-03T11:00:00+01:00 "
        "(it has no Message-ID)"
    )


def test_an_older_versions_citation_says_it_was_superseded(vault: Vault) -> None:
    """QA, session 17: a passage of version 1 of a note edited since was cited by the note's
    file, which no longer holds those words, and nothing said so."""
    ing = Ingestor(vault)
    path = write_note(
        vault.settings.inbox,
        "pricing.md",
        "---\ndate: 2026-03-01\n---\n# Pricing\n\nThe wrenfield floor price is 14k.\n",
    )
    ing.ingest_file(path)
    path.write_text(
        "---\ndate: 2026-03-09\n---\n# Pricing\n\nThe wrenfield floor price is 16k now.\n"
    )
    ing.ingest_file(path)
    a = ask(vault, "What was the original wrenfield floor price?")
    assert not a.abstained
    old = [h for h in a.citations if not h.current]
    assert old and "superseded: `trailkeep diff --document" in a.answer


def test_questions_asking_for_dead_ends_decisions_or_open_questions_list_the_tagged(
    vault: Vault,
) -> None:
    """QA, session 19: "what approaches failed?", "what dead ends did we hit?", "what
    decisions did we make?" each said "your history doesn't say" beside passages the trail
    had tagged dead_end and decision: the words "failed", "dead ends", "decisions" are rarely
    in the passage that says "Doesn't work: …"."""
    from trailkeep.recall.answer import ask
    from trailkeep.recall.tagged import asked_tagged

    inbox = vault.settings.inbox
    write_note(
        inbox,
        "routing.md",
        "---\ndate: 2026-05-05\n---\n# Routing\n\nDoesn't work: OR-Tools over all 5,000 stops "
        "takes 40 minutes per run.\n\n# Export\n\nDecided: cluster-first, route-second.\n\n"
        "# Depots\n\nOpen question: do the two Ohio depots share drivers?\n",
    )
    write_note(
        inbox,
        "older.md",
        "---\ndate: 2026-03-01\n---\n# Genetic\n\nWe abandoned the genetic algorithm: routes "
        "changed every day.\n\n# Parking\n\nThe parking lot has 40 spaces.\n",
    )
    Ingestor(vault).ingest_paths(sorted(inbox.iterdir()))
    for q, first, second in (
        ("what approaches failed?", "OR-Tools", "genetic algorithm"),
        ("what dead ends did we hit?", "OR-Tools", "genetic algorithm"),
        ("What didn't work?", "OR-Tools", "genetic algorithm"),
        ("what decisions did we make?", "cluster-first", None),
        ("which questions are still open?", "Ohio depots", None),
    ):
        a = ask(vault, q)
        assert not a.abstained, (q, a.reason)
        assert first in a.citations[0].quote, (q, a.answer)
        assert "parking" not in a.answer.lower(), a.answer
        if second:  # newest first, every one
            assert second in a.citations[1].quote, a.answer
    a = ask(vault, "what dead ends did we hit on the genetic algorithm?")
    assert not a.abstained and "genetic algorithm" in a.citations[0].quote, a.reason
    assert len(a.citations) == 1
    # on a topic no tagged passage covers: asked as any other question
    assert ask(vault, "what approaches failed for the payroll export?").abstained
    assert asked_tagged("why did we drop the plugin?") is None
    assert asked_tagged("what did we decide about the export?") is None  # decisions_first


def test_still_open_questions_leave_out_the_decided_and_show_a_later_decision(
    vault: Vault,
) -> None:
    """QA, session 20: "which questions are still open?" listed a question decided three lines
    below it in the same note, and one that a later note decided without a word of it (the
    briefing showed "perhaps decided"; `ask` did not)."""
    from trailkeep.recall.answer import ask

    inbox = vault.settings.inbox
    write_note(
        inbox,
        "ohio.md",
        "---\ndate: 2026-06-01\n---\n# Ohio rollout\n\nOpen question: do we need a new data "
        "processing agreement for the Ohio region?\n\nOpen question: which warehouse hosts the "
        "Ohio backups?\n",
    )
    write_note(
        inbox,
        "legal.md",
        "---\ndate: 2026-06-18\n---\n# Legal call\n\nWe talked for an hour.\n\nDecided: no new "
        "data processing agreement is needed for the Ohio region.\n",
    )
    write_note(
        inbox,
        "billing.md",
        "---\ndate: 2026-06-02\n---\n# Billing\n\nOpen question: monthly or quarterly "
        "invoices?\n\nDecided: monthly invoices.\n",
    )
    Ingestor(vault).ingest_paths(sorted(inbox.iterdir()))
    a = ask(vault, "which questions are still open?")
    assert not a.abstained, a.reason
    assert "quarterly" not in a.answer  # decided in its own note
    assert "warehouse" in a.citations[0].quote
    # the decision written later elsewhere is beside the question, quoted from its own
    # sentence (not the start of its section), and cited
    (decided,) = a.citations[1:]
    assert (
        decided.quote == "Decided: no new data processing agreement is needed for the Ohio region."
    )
    assert "Perhaps decided since" in a.answer and "[1] → [2]" in a.answer
    # the label "Open question:" is not what it asks about (QA, session 20: its two words kept
    # the question under the share of the decision that settled it)
    write_note(
        inbox,
        "retention.md",
        "---\ndate: 2026-07-01\n---\n# Retention\n\nOpen question: how long must claims be "
        "retained, 7 or 10 years?\n",
    )
    write_note(
        inbox,
        "retention-call.md",
        "---\ndate: 2026-07-20\n---\n# Compliance call\n\nDecision: claims are retained for 10 "
        "years, per the compliance team.\n",
    )
    Ingestor(vault).ingest_paths(sorted(inbox.iterdir()))
    a = ask(vault, "which questions are still open?")
    assert "retained" in a.citations[0].quote
    assert any(c.quote.startswith("Decision: claims are retained") for c in a.citations[1:])
    # two questions in one entry, each decided below it: closed; one left undecided: open
    from trailkeep.vault.briefing import decided_within

    text = "Open question: A?\nDecided: a.\nOpen question: B?\nDecided: b."
    cues = [
        {"tag": "open_question", "sentence": "Open question: A?"},
        {"tag": "decision", "sentence": "Decided: a."},
        {"tag": "open_question", "sentence": "Open question: B?"},
        {"tag": "decision", "sentence": "Decided: b."},
    ]
    assert decided_within(text, cues)
    assert not decided_within(
        text.replace("Decided: a.\n", ""), [c for c in cues if c["sentence"] != "Decided: a."]
    )
    assert not decided_within("Decided: a.\nOpen question: B?", cues[1:3])


def test_tagged_passages_keep_to_the_scope_and_the_time_asked(tmp_path: Path) -> None:
    """Review, session 19: the list of tagged passages skipped the scope's clip — a line of
    Acme's note naming Beta was listed whole in Acme's scope — and `--until` said "nothing is
    tagged" for a dead end written before it whose note was edited after."""
    from datetime import UTC, datetime

    from tests.output.conftest import two_client_settings
    from trailkeep.recall.answer import ask
    from trailkeep.vault import Filters, get_embedder

    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("hash"))
    try:
        note = tmp_path / "acme.md"
        body = (
            "---\nclient: acme\nupdated: {day}\n---\n# Export\n\nDoesn't work for Acme: the "
            "SFTP push, the firewall blocks port 22.\nBeta Logistics had the same dead end with "
            "their zebracorn scanners.\n{more}"
        )
        note.write_text(body.format(day="2026-03-01", more=""))
        Ingestor(v).ingest_file(note)
        note.write_text(body.format(day="2026-07-01", more="\n# Later\n\nAll good now.\n"))
        Ingestor(v).ingest_file(note)
        a = ask(v, "what dead ends did we hit?", Filters(client="acme"))
        assert not a.abstained and "SFTP push" in a.answer, a.reason
        assert "zebracorn" not in a.answer and "Beta" not in a.answer, a.answer
        then = Filters(client="acme", until=datetime(2026, 6, 1, tzinfo=UTC))
        a = ask(v, "what dead ends did we hit?", then)
        assert not a.abstained and "SFTP push" in a.answer, a.reason
        assert len(a.citations) == 1 and "zebracorn" not in a.answer
        assert ask(v, "what dead ends did we hit?", Filters(client="nobody")).abstained
    finally:
        v.close()


def test_no_question_still_open_is_not_nothing_tagged(vault: Vault) -> None:
    """QA, session 20: with every tagged question decided since, `ask` said "nothing is tagged
    as open questions", and ran its reason into "the passages your history tags as …"."""
    from trailkeep.recall.answer import ask

    write_note(
        vault.settings.inbox,
        "billing.md",
        "---\ndate: 2026-06-02\n---\n# Billing\n\nOpen question: monthly or quarterly "
        "invoices?\n\nDecided: monthly invoices.\n",
    )
    Ingestor(vault).ingest_paths(sorted(vault.settings.inbox.iterdir()))
    a = ask(vault, "which questions are still open?")
    assert a.abstained
    assert a.reason.startswith("every question tagged as open has a decision after it")
    assert a.searched.startswith("looked at the passages")


def test_an_open_question_held_back_by_the_scope_is_said_so(tmp_path: Path) -> None:
    """New user's trial, session 30: in Acme's scope, an open question of Acme's note naming
    Beta was held back, and the reason said "every question tagged as open has a decision
    after it" — false: it was open."""
    from tests.output.conftest import two_client_settings
    from trailkeep.recall.answer import ask
    from trailkeep.vault import Filters, get_embedder

    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("hash"))
    try:
        note = write_note(
            v.settings.inbox,
            "acme.md",
            "---\nclient: acme\n---\n# Cutover\n\nOpen question: do we copy Beta Logistics's "
            "runbook?\n",
        )
        Ingestor(v).ingest_file(note)
        a = ask(v, "which questions are still open?", Filters(client="acme"))
        assert a.abstained and "Beta" not in a.answer + a.reason
        assert a.reason.startswith("1 passage(s) in ") and "held back from this scope" in a.reason
        assert not ask(v, "which questions are still open?").abstained
    finally:
        v.close()


def test_a_trail_step_shows_the_cues_of_its_clipped_quote(tmp_path: Path) -> None:
    """Review, session 30: a step of Acme's note, its quote clipped to Acme's line, showed the
    dead-end cue of the line naming Beta — in `ask`'s trail, `trail --client` and the
    document's trail."""
    import json

    from tests.output.conftest import two_client_settings
    from trailkeep.recall.answer import ask
    from trailkeep.recall.trail import document_trail, topic_trail, trail_json
    from trailkeep.vault import Filters, get_embedder

    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("hash"))
    try:
        note = write_note(
            v.settings.inbox,
            "acme.md",
            "---\nclient: acme\n---\n# Cutover\n\nAcme cutover plan: we move the Acme "
            "warehouse on March 3.\nCopying Beta Logistics's runbook doesn't work, it was a dead "
            "end.\n",
        )
        Ingestor(v).ingest_file(note)
        acme = Filters(client="acme")
        a = ask(v, "when do we move the Acme warehouse?", acme)
        assert not a.abstained, a.reason
        steps = topic_trail(v, "Acme warehouse cutover", acme)
        shown = [
            json.dumps(a.as_json()),
            json.dumps(trail_json("cutover", steps)),
            *(
                json.dumps(trail_json("cutover", document_trail(v, s.hit.document_id, "acme")))
                for s in steps
            ),
        ]
        assert steps and all("Beta" not in x and "dead_end" not in x for x in shown), shown
        # with no client, the whole note and its cue
        assert "dead_end" in json.dumps(trail_json("cutover", topic_trail(v, "Beta runbook")))
    finally:
        v.close()


def test_a_name_in_the_question_is_that_name_not_one_like_it(settings: Settings) -> None:
    """QA, session 20: "how many stops did the Munich depot benchmark solve?" was answered with
    the Hamburg depot's 412 stops (Munich ~ Hamburg in MiniLM), and `when "Frankfurt depot"`
    gave the Hamburg passage as its first mention."""
    from trailkeep.recall import ask
    from trailkeep.recall.timeline import when
    from trailkeep.vault import get_embedder

    vault = Vault.open(settings, get_embedder("minilm"))  # the neighbours are MiniLM's
    try:
        write_note(
            vault.settings.inbox,
            "bench.md",
            "---\ndate: 2026-11-20\n---\n# Benchmarks\n\nOn the Hamburg depot dataset the "
            "optimizer solved 412 stops in 38 seconds.\n\nBremen depot: 287 stops, 21 seconds.\n",
        )
        Ingestor(vault).ingest_paths(sorted(vault.settings.inbox.iterdir()))
        a = ask(vault, "how many stops did the Hamburg depot benchmark solve?")
        assert not a.abstained and "412" in a.citations[0].quote
        for city in ("Munich", "Frankfurt", "Leipzig"):
            a = ask(vault, f"how many stops did the {city} depot benchmark solve?")
            assert a.abstained, (city, a.answer)
            assert when(vault, f"{city} depot").match == "none", city
        assert when(vault, "Hamburg depot").match in ("exact", "topic")
    finally:
        vault.close()


def test_in_a_clients_scope_a_word_counts_where_the_passage_says_it(tmp_path: Path) -> None:
    """QA, session 20: `ask "what discount should I offer?" --client acme` cited "Dana from Acme
    wants weekly status calls on Mondays." — the turn's chunk is indexed with the turn before it
    (Beta's discount, which the scope clips from the quote), and that context held the words."""
    from tests.fixtures.chats import msg, node
    from tests.output.conftest import two_client_settings
    from trailkeep.recall.answer import ask
    from trailkeep.vault import Filters, get_embedder

    turns = [
        ("user", "I charge Acme Health 150 USD an hour and Beta Logistics 120 EUR an hour."),
        ("assistant", "Then a fair day rate for Acme Health is 1,200 USD."),
        ("user", "Bo at Beta Logistics said their board wants a 10% discount on phase 2."),
        ("assistant", "Offer Beta Logistics a 5% discount for a 12-month commitment."),
        ("user", "Dana from Acme wants weekly status calls on Mondays."),
    ]
    ids = [f"m{i}" for i in range(len(turns))]
    mapping = {"root": node("root", None, [ids[0]], None)}
    for i, (role, said) in enumerate(turns):
        kids = [ids[i + 1]] if i + 1 < len(turns) else []
        parent = ids[i - 1] if i else "root"
        mapping[ids[i]] = node(ids[i], parent, kids, msg(ids[i], role, said, 1763960000.0 + i))
    conv = {
        "id": "conv-pricing",
        "title": "Pricing for my two clients",
        "create_time": 1763960000.0,
        "update_time": 1763960100.0,
        "current_node": ids[-1],
        "mapping": mapping,
    }
    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("minilm"))
    try:
        (v.settings.inbox / "conversations.json").write_text(json.dumps([conv]))
        Ingestor(v).ingest_paths([v.settings.inbox / "conversations.json"])
        a = ask(v, "what discount should I offer?", Filters(client="acme"))
        assert a.abstained, a.answer
        assert all("Dana" not in c.quote for c in a.citations)
        b = ask(v, "what discount should I offer?", Filters(client="beta"))
        assert not b.abstained and any("5%" in c.quote for c in b.citations), b.answer
    finally:
        v.close()


def test_a_question_to_an_ai_is_cited_with_the_reply_that_answers_it(tmp_path: Path) -> None:
    """Blind trial, session 22: "how do we stop a customer being charged twice?" cited only the
    user's turn (which holds the question's words), not the assistant's answer to it."""
    from tests.fixtures.chats import msg, node
    from tests.output.conftest import two_client_settings
    from trailkeep.recall.answer import ask
    from trailkeep.vault import get_embedder

    turns = [
        (
            "user",
            "I'm building a pre-order checkout for Acme Health with a payments SDK. Customers "
            "sometimes double-tap the Pay button and get charged twice. How do I stop that?",
        ),
        (
            "assistant",
            "Generate an idempotency key when the checkout page loads and send the same key "
            "with every CreatePayment call for that order.",
        ),
    ]
    mapping = {"root": node("root", None, ["m0"], None)}
    mapping["m0"] = node("m0", "root", ["m1"], msg("m0", turns[0][0], turns[0][1], 1763960000.0))
    mapping["m1"] = node("m1", "m0", [], msg("m1", turns[1][0], turns[1][1], 1763960001.0))
    conv = {
        "id": "conv-pay",
        "title": "Checkout",
        "create_time": 1763960000.0,
        "update_time": 1763960100.0,
        "current_node": "m1",
        "mapping": mapping,
    }
    v = Vault.open(two_client_settings(tmp_path / "home"), get_embedder("minilm"))
    try:
        (v.settings.inbox / "conversations.json").write_text(json.dumps([conv]))
        Ingestor(v).ingest_paths([v.settings.inbox / "conversations.json"])
        a = ask(v, "how do we stop a customer being charged twice if they tap pay twice?")
        assert not a.abstained, a.reason
        assert "idempotency key" in a.citations[0].quote, [c.quote for c in a.citations]
        assert any("double-tap" in c.quote for c in a.citations)
    finally:
        v.close()
