"""`draft`, `work`, `invoice`, `tag` through the CLI on a real home; JSON validated."""

from __future__ import annotations

from pathlib import Path

from tests.output.conftest import two_client_settings
from tests.output.test_drafts import seed
from tests.ui.test_cli import run, run_json
from trailkeep.vault import Vault, get_embedder


def home_with_history(tmp_path: Path) -> Path:
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    seed(v)
    (s.inbox / "2026-03-10.md").write_text(
        "# Day\n\n- 0.1h acme: call\n- 0.2h acme: email\n- 20m acme: review\n- 1h beta: x\n",
        encoding="utf-8",
    )
    from trailkeep.ingest import Ingestor

    Ingestor(v).ingest_file(s.inbox / "2026-03-10.md")
    v.close()
    return s.home


def test_draft_commands(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    d = run_json(
        home, "draft", "draft", "email", "--client", "Acme", "--reply-to", "attack-1@acme.example"
    )
    assert d["client"] == "acme" and d["backend"] == "extractive" and d["citations"]
    assert d["stored"] == "ingested" and Path(d["path"]).exists()
    assert "zebracorn" not in d["text"]
    d = run_json(
        home,
        "draft",
        "draft",
        "doc",
        "--kind",
        "meeting-recap",
        "--topic",
        "claims export",
        "--client",
        "acme",
    )
    assert d["text"].startswith("# Meeting recap")
    out = run(home, "draft", "email", "--client", "acme", code=2)
    assert "exactly one of --reply-to, --brief" in out
    out = run(home, "draft", "email", "--client", "wonka", "--brief", "x", code=1)
    assert "unknown client" in out
    # an empty value is a usage error, not a traceback (QA, session 12)
    for flag in ("--brief", "--reply-to"):
        out = run(home, "draft", "email", "--client", "acme", flag, "", code=2)
        assert "need a value" in out
    out = run(home, "draft", "doc", "--kind", "meeting-recap", "--topic", " ", code=2)
    assert "--topic needs a value" in out


def test_work_and_invoice_commands(tmp_path: Path) -> None:
    home = home_with_history(tmp_path)
    listing = run(home, "work", "list", "--client", "acme", "--unbilled")
    assert "call" in listing and "review" in listing and "x" not in listing.split("acme")[0]
    # hours say their unit once: "0.1h", "20m" (QA, session 11: "20mh")
    assert " 20m " in listing and "mh" not in listing and " 0.1h " in listing, listing
    inv = run_json(home, "invoice", "invoice", "create", "--client", "acme", "--period", "2026-03")
    # 0.1h + 0.2h + 20m at 150.00: 15.00 + 30.00 + 50.00; tax 8.25 % of 95.00 = 7.8375 -> 7.84
    assert [ln["amount"] for ln in inv["lines"]] == ["15.00", "30.00", "50.00"]
    assert (inv["subtotal"], inv["tax"], inv["total"]) == ("95.00", "7.84", "102.84")
    assert inv["number"] is None and inv["status"] == "draft"
    again = run_json(
        home, "invoice", "invoice", "create", "--client", "acme", "--period", "2026-03"
    )
    assert again["id"] == inv["id"]
    issued = run_json(home, "invoice", "invoice", "issue", str(inv["id"]), "--date", "2026-04-01")
    assert issued["number"] == "INV-2026-0001" and issued["due_on"] == "2026-04-15"
    out = run(home, "invoice", "create", "--client", "beta", "--period", "2026-03", code=1)
    assert "no rate" in out
    md = run(home, "invoice", "render", str(inv["id"]), "--format", "md")
    assert "INV-2026-0001" in md and "Sam Example" in md and "Springfield" in md
    assert "102.84" in md
    html = run(home, "invoice", "render", str(inv["id"]), "--format", "html")
    assert "<table>" in html and "Acme Health" in html
    pdf = Path(run(home, "invoice", "render", str(inv["id"]), "--format", "pdf").strip())
    assert pdf.read_bytes().startswith(b"%PDF")
    # rendered elsewhere, an issued invoice is kept in invoices/ too (new user's trial, s. 29)
    pdf.unlink()
    sent = tmp_path / "sent.pdf"
    said = run(home, "invoice", "render", str(inv["id"]), "--format", "pdf", "--out", str(sent))
    assert sent.read_bytes() == pdf.read_bytes() and f"kept as {pdf}" in said
    out = run(home, "invoice", "render", str(inv["id"]), "--format", "odt", code=1)
    assert "no invoice format 'odt'; known: html, md, pdf" in out
    assert "INV-2026-0001" in run(home, "invoice", "list")
    credit = run_json(home, "invoice", "invoice", "credit", str(inv["id"]), "--date", "2026-04-02")
    assert credit["number"] == "CN-2026-0001" and credit["total"] == "-102.84"
    run(home, "tag", "add", "decision", "--entry", "1")
    run(home, "tag", "remove", "decision", "--entry", "1")
    assert "no entry" in run(home, "tag", "add", "decision", "--entry", "99999", code=1).lower()


def test_a_full_run_with_a_key_leaves_it_nowhere(tmp_path: Path) -> None:
    """ask, drafts (email and doc, redacted), invoices, backup — with a dummy key set and the
    echoing model: afterwards no file in the home or the backup contains the key."""
    from tests.fakes.messages_api import echo_prompt, serve

    key = "-".join(("dummy", "anthropic", "key", "full-run-42"))  # made up, built in parts
    home = home_with_history(tmp_path)
    cfg = home / "config.toml"
    cfg.write_text(cfg.read_text() + "\n[privacy]\nredact = true\n", encoding="utf-8")
    with serve(echo_prompt) as fake:
        import os

        old = {k: os.environ.get(k) for k in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")}
        os.environ["ANTHROPIC_API_KEY"] = key
        os.environ["ANTHROPIC_BASE_URL"] = fake.url
        try:
            d = run_json(
                home,
                "draft",
                "draft",
                "email",
                "--client",
                "acme",
                "--reply-to",
                "attack-1@acme.example",
            )
            assert d["backend"] == "anthropic" and "zebracorn" not in d["text"]
            run_json(
                home,
                "draft",
                "draft",
                "doc",
                "--kind",
                "status-update",
                "--topic",
                "claims export",
                "--client",
                "acme",
            )
            run(home, "ask", "why did the CSV export fail?")
            run(home, "invoice", "create", "--client", "acme", "--period", "2026-03")
            from tests.conftest import SERVER_DB

            if not SERVER_DB:  # servers are backed up with their own tools
                run(home, "backup", str(tmp_path / "bk"))
        finally:
            for k, val in old.items():
                if val is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = val
    assert len(fake.requests) >= 3
    assert all("cara@acme.example" not in r["messages"][0]["content"] for r in fake.requests)
    for root in (home, tmp_path / "bk"):
        for p in root.rglob("*") if root.exists() else []:
            if p.is_file():
                assert key.encode() not in p.read_bytes(), p


def test_a_streamed_draft_is_the_saved_draft(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """QA, session 15: the terminal showed the model's own citation numbers ("[4] … [1] …
    See [9].") and no sources, while the saved draft renumbered them and listed its sources."""
    from tests.fakes.messages_api import serve

    home = home_with_history(tmp_path)

    def backwards(req: dict[str, object]) -> str:
        prompt = str(req["messages"][0]["content"])  # type: ignore[index]
        n = prompt.count("\n[")
        assert n >= 1
        return f"Thanks for asking.\n\nWe ship JSON Lines nightly [{n}]. See [{n + 8}]."

    with serve(backwards) as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "dummy-" + "key-cli-draft")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        out = run(home, "draft", "email", "--client", "acme", "--reply-to", "attack-1@acme.example")
    saved = sorted((home / "drafts").glob("*.md"))[-1].read_text(encoding="utf-8")
    assert "nightly [1]. See [?]." in out, out  # numbered as saved, not as the model did
    assert "Sources:" in out
    body = out.split("Thanks for asking.", 1)[1].split("Sources:", 1)[0]
    assert body in saved  # the streamed words are the saved words
