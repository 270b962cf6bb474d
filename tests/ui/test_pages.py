"""Every Streamlit page in AppTest against a real temporary vault (two clients, notes, email)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import trailkeep.ui
from tests.output.conftest import two_client_settings
from tests.output.test_drafts import SECRET, seed
from trailkeep.ingest import Ingestor
from trailkeep.ui import auth
from trailkeep.ui.views.inbox import safe_name, save_upload
from trailkeep.vault import Vault, get_embedder

VIEWS = Path(trailkeep.ui.__file__).resolve().parent / "views"
KEY = "dummy-anthropic-key-pages-0001"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    seed(v)
    (s.inbox / "2026-03-10.md").write_text(
        "# Day\n\n- 2.5h acme: fixed the claims export\n- 1h beta: workshop\n", encoding="utf-8"
    )
    (s.inbox / "broken.json").write_text('{"not": "an export"', encoding="utf-8")
    Ingestor(v).ingest_paths([s.inbox / "2026-03-10.md", s.inbox / "broken.json"])
    v.close()
    monkeypatch.setenv("TRAILKEEP_HOME", str(s.home))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    return s.home


def page(name: str) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for x in at.info] + [x.value for x in at.warning]
    parts += [x.value for x in at.error] + [x.value for x in at.success]
    return "\n".join(str(p) for p in parts)


def test_ask_answers_with_citations_and_abstains_plainly(home: Path) -> None:
    at = page("ask")
    assert "extractive" in texts(at)
    at.chat_input[0].set_value("Why did the CSV export fail?").run()
    assert not at.exception
    body = texts(at)
    assert "embedded newlines" in body and "[1]" in body
    assert any("[1]" in e.label for e in at.expander)
    at.chat_input[0].set_value("What is the capital of Mongolia?").run()
    assert "doesn't say" in "\n".join(w.value for w in at.warning)
    # A client filter in the sidebar narrows what is searched.
    at.sidebar.selectbox[0].select("Beta Logistics (beta)").run()
    at.chat_input[0].set_value("What did we decide about the claims export format?").run()
    assert not at.exception


def test_trail_page_draws_the_timeline(home: Path) -> None:
    at = page("trail")
    at.text_input[0].set_value("claims export").run()
    assert not at.exception
    assert at.get("vega_lite_chart"), "no chart"
    assert "Claims export" in texts(at)


def test_draft_page_drafts_from_one_clients_history(home: Path) -> None:
    at = page("draft")
    at.button(key="reply-go").click().run()
    assert not at.exception
    text = at.text_area(key="draft-email-text").value
    assert "TO WRITE" in text and "JSON Lines" in text and SECRET not in text


def test_invoices_page_creates_and_issues(home: Path) -> None:
    at = page("invoices")
    assert "Unbilled work (1)" in "\n".join(h.value for h in at.subheader)
    at.button[0].click().run()
    assert not at.exception and "Draft" in texts(at)
    at.button(key="issue-1").click().run()
    assert not at.exception
    at = page("invoices")
    assert any("INV-" in e.label for e in at.expander)
    # Beta has no rate: the page says so, without a traceback.
    at.selectbox[0].select("Beta Logistics (beta)").run()
    at.button[0].click().run()
    assert not at.exception and "no rate" in "\n".join(e.value for e in at.error)


def test_inbox_page_shows_failures_and_retries(home: Path) -> None:
    at = page("inbox")
    assert at.metric[0].value == "not running"
    assert "broken.json" in texts(at)
    retry = next(b for b in at.button if str(b.key).startswith("retry-"))
    retry.click().run()
    assert not at.exception and "still failing" in texts(at)


def test_uploads_land_in_the_inbox_safely(tmp_path: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name(".hidden") == "hidden"
    assert safe_name("a\nb.md") == "a_b.md"
    first = save_upload(tmp_path, "n.md", b"# one\n")
    second = save_upload(tmp_path, "n.md", b"# two\n")
    assert Path(first).read_bytes() == b"# one\n" and Path(second).name == "n (2).md"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n (2).md", "n.md"]


def test_vault_page_browses_to_entries(home: Path) -> None:
    at = page("vault")
    assert at.expander, "no entries shown"
    at.selectbox[0].select("Beta Logistics (beta)").run()
    assert not at.exception
    assert all("acme" not in str(c.value) for c in at.caption if "client" in str(c.value))


def test_settings_page_never_shows_the_key(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("settings")
    assert "not set" in texts(at) and "Documents" in [m.label for m in at.metric]
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    at = page("settings")
    body = texts(at)
    assert "configured" in body and KEY not in body and "anthropic" in body


def test_empty_vault_explains_what_to_drop_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAILKEEP_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    at = page("ask")
    assert "vault is empty" in texts(at) and "inbox" in texts(at)


def test_password_gate(home: Path) -> None:
    auth.write_password_hash(home / "config.toml", auth.hash_password("correct horse"))
    at = page("ask")
    assert [t.label for t in at.text_input] == ["Password"] and not at.chat_input
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert "Wrong password." in [e.value for e in at.error] and not at.chat_input
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert at.chat_input, "the page did not open after the right password"


def test_app_navigation_runs(home: Path) -> None:
    at = AppTest.from_file(str(VIEWS.parent / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.chat_input  # Ask is the default page


def test_ui_refuses_a_public_address_without_a_password(tmp_path: Path) -> None:
    from tests.ui.test_cli import run

    out = run(tmp_path / "h", "ui", "--address", "0.0.0.0", code=1)
    assert "refusing to listen on 0.0.0.0 without a password" in out
    assert auth.is_loopback("127.0.0.1") and auth.is_loopback("::1")
    assert not auth.is_loopback("0.0.0.0") and not auth.is_loopback("192.168.1.5")


def test_draft_edits_become_a_new_version(home: Path) -> None:
    at = page("draft")
    at.button(key="reply-go").click().run()
    at.text_area(key="draft-email-text").input("Hi Cara,\n\nJSON Lines, nightly at 2am.\n")
    at.button(key="draft-email-save").click().run()
    assert not at.exception and "new version" in texts(at)
    v = Vault.open(_settings(home), get_embedder("hash"))
    from sqlalchemy import text as sql

    with v.engine.connect() as c:
        n = c.execute(
            sql(
                "SELECT COUNT(*) FROM version v JOIN document d ON d.id = v.document_id "
                "WHERE d.kind = 'draft'"
            )
        ).scalar_one()
    v.close()
    assert n == 2


def _settings(home: Path):  # type: ignore[no-untyped-def]
    from tests.conftest import make_settings

    return make_settings(home)
