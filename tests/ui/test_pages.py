"""Every Streamlit page in AppTest against a real temporary vault (two clients, notes, email, a
timesheet with one bad row, a file that cannot be read)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import trailkeep.ui
from tests.output.conftest import two_client_settings
from tests.output.test_drafts import SECRET, seed
from trailkeep.ingest import Ingestor
from trailkeep.ui import auth
from trailkeep.ui import page as ui_page
from trailkeep.ui.markup import shown
from trailkeep.ui.views.inbox import safe_name, save_upload
from trailkeep.vault import Vault, get_embedder

VIEWS = Path(trailkeep.ui.__file__).resolve().parent / "views"
KEY = "-".join(("dummy", "anthropic", "key", "pages-0001"))  # made up, built in parts
TIMESHEET = (
    "date,client,hours,description\n"
    "2026-03-09,acme,1.5,schema review\n"
    "2026-03-09,acme,abc,a row with no duration\n"
)
# A plain-text note that carries markup: it must show as text on every page.
HOSTILE = """---
date: 2026-03-08
client: acme
---
# Pixel ![x](http://127.0.0.1:9/t.png) <img src=http://127.0.0.1:9/b.png>

The export check | col |
<script>alert(1)</script> and [pay here](javascript:alert(1)) and $x$ and :red[alert].
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    seed(v)
    (s.inbox / "2026-03-10.md").write_text(
        "# Day\n\n- 2.5h acme: fixed the claims export\n- 1h beta: workshop\n", encoding="utf-8"
    )
    (s.inbox / "broken.json").write_text('{"not": "an export"', encoding="utf-8")
    (s.inbox / "hours.csv").write_text(TIMESHEET, encoding="utf-8")
    (s.inbox / "pixel.md").write_text(HOSTILE, encoding="utf-8")
    Ingestor(v).ingest_paths(
        [s.inbox / n for n in ("2026-03-10.md", "broken.json", "hours.csv", "pixel.md")]
    )
    v.close()
    monkeypatch.setenv("TRAILKEEP_HOME", str(s.home))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    return s.home


def page(name: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def markdown_sources(at: AppTest) -> list[str]:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for x in at.info] + [x.value for x in at.warning]
    parts += [x.value for x in at.error] + [x.value for x in at.success]
    parts += [e.label for e in at.expander]
    return [str(p) for p in parts]


def texts(at: AppTest) -> str:
    """What a reader sees (escapes resolved)."""
    return shown("\n".join(markdown_sources(at)))


def tables(at: AppTest) -> list[dict[str, str]]:
    """The rows of every Markdown table on the page, cells as a reader sees them."""
    rows: list[dict[str, str]] = []
    for m in at.markdown:
        lines = str(m.value).splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("|-"):
            continue

        def cells(line: str) -> list[str]:
            return [shown(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]

        head = cells(lines[0])
        rows += [dict(zip(head, cells(ln), strict=True)) for ln in lines[2:]]
    assert not at.dataframe, "a dataframe (pandas + pyarrow in the server)"
    return rows


# Markup that must never reach the page unescaped: an image, a link, a tag, math, a directive.
# (Our own links to other pages, "](./vault?document=3)", are the only links allowed.)
LIVE = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\((?!\./)|(?<!\\)<[a-zA-Z/!]|(?<!\\)\$|(?<!\\):red")


def assert_inert(at: AppTest) -> None:
    for src in markdown_sources(at):
        assert not LIVE.search(src), f"live markup in {src!r}"


def test_ask_answers_with_citations_and_abstains_plainly(home: Path) -> None:
    at = page("ask")
    assert "extractive" in texts(at)
    at.chat_input[0].set_value("Why did the CSV export fail?").run()
    assert not at.exception
    body = texts(at)
    assert "embedded newlines" in body and "[1]" in body
    assert any("[1]" in shown(e.label) for e in at.expander)
    at.chat_input[0].set_value("What is the capital of Mongolia?").run()
    assert "doesn't say" in shown("\n".join(w.value for w in at.warning))
    # A client filter in the sidebar narrows what is searched; clients are named, not ids.
    at.sidebar.selectbox[0].select("Beta Logistics").run()
    # and it is another conversation: the answers asked before (Acme's CSV export) are not
    # shown under Beta's filter (QA, session 7)
    assert "embedded newlines" not in texts(at) and "Beta Logistics's history" in texts(at)
    at.chat_input[0].set_value("What did we decide about the claims export format?").run()
    assert not at.exception
    at.sidebar.selectbox[0].select("All clients").run()
    assert "embedded newlines" in texts(at)  # the first conversation is still there


def test_ask_shows_mail_and_notes_as_text(home: Path) -> None:
    """The answer quoting a note full of markup shows it as text: no image, link or tag."""
    at = page("ask")
    at.chat_input[0].set_value("What does the export check pixel note say?").run()
    assert not at.exception
    assert_inert(at)
    assert "export check" in texts(at)


def test_citations_with_one_title_are_told_apart() -> None:
    from datetime import datetime

    from trailkeep.ui.answers import citation_labels
    from trailkeep.vault import Hit

    def hit(entry: int, source: str, title: str = "") -> Hit:
        return Hit(
            score=1.0,
            chunk_id=entry,
            document_id=1,
            document="Claims export",
            entry_id=entry,
            version=1,
            timestamp=datetime(2026, 3, 2, 9, 30),
            client="acme",
            kind="email",
            current=True,
            quote="q",
            source=source,
            title=title,
        )

    labels = citation_labels([hit(1, "/in/a.eml"), hit(2, "/in/b.eml"), hit(3, "/in/c.eml")])
    assert labels == [
        "[1] Claims export — 2026-03-02 · a.eml",
        "[2] Claims export — 2026-03-02 · b.eml",
        "[3] Claims export — 2026-03-02 · c.eml",
    ]
    same = citation_labels([hit(1, "/x/t.md", "Intro"), hit(2, "/x/t.md", "Plan")])
    assert same == [
        "[1] Claims export — 2026-03-02 · t.md · Intro",
        "[2] Claims export — 2026-03-02 · t.md · Plan",
    ]
    assert citation_labels([hit(1, "/x/t.md"), hit(2, "/x/t.md")])[1].endswith("entry 2")


def test_trail_page_draws_the_timeline(home: Path) -> None:
    at = page("trail")
    at.text_input[0].set_value("claims export").run()
    assert not at.exception
    chart = at.get("vega_lite_chart")
    assert chart, "no chart"
    assert "Claims export" in texts(at)
    spec = chart[0].proto.spec
    # Whole document names on the axis, wrapped in lines (never "Decision: EVV visi…").
    assert "split(datum.label" in spec and '"labelLimit": 0' in spec
    # The data travels as JSON in the spec: no pandas, pyarrow or altair in the server.
    assert not chart[0].proto.data.data and '"values"' in spec
    assert_inert(at)


def test_trail_labels_wrap_whole_words() -> None:
    from trailkeep.ui.views.trail import wrap

    assert wrap("Decision: EVV visit verification rollout plan") == (
        "Decision: EVV visit\nverification rollout plan"
    )
    assert wrap("short") == "short"
    assert wrap(" ".join(["word"] * 40)).count("\n") == 2


def test_draft_page_drafts_from_one_clients_history(home: Path) -> None:
    at = page("draft")
    at.button(key="reply-go").click().run()
    assert not at.exception
    text = draft_box(at, "draft-email").value
    assert "TO WRITE" in text and "JSON Lines" in text and SECRET not in text


def draft_box(at: AppTest, tab: str) -> Any:
    """The text box of the draft on screen (one per draft: its key names the draft)."""
    boxes = [t for t in at.text_area if str(t.key).startswith(f"{tab}-text-")]
    assert len(boxes) == 1, [t.key for t in at.text_area]
    return boxes[0]


def test_a_new_draft_for_another_client_replaces_the_text_on_screen(home: Path) -> None:
    """QA, session 10: after a draft for one client, a draft for another showed the first
    client's text, and "Save my edits" stored it as a version of the second client's draft."""
    at = page("draft")
    at.button(key="reply-go").click().run()
    acme = draft_box(at, "draft-email").value
    at.selectbox(key="reply-client").select("Beta Logistics").run()
    assert not [t for t in at.text_area if str(t.key).startswith("draft-email-text-")]
    assert "last draft was for another client" in texts(at)
    at.button(key="reply-go").click().run()
    assert not at.exception
    beta = draft_box(at, "draft-email").value
    assert "Hi Cara" in acme and SECRET not in acme
    assert "Hi Bob" in beta and SECRET in beta and "Hi Cara" not in beta  # Beta's own codename
    at.button(key="draft-email-save").click().run()
    stored = Path(at.session_state["draft-email-path"]).read_text()
    assert "Hi Bob" in stored and "Hi Cara" not in stored


def test_draft_page_preselects_the_message_asked_for(home: Path) -> None:
    at = page("draft", message="beta-1@beta.example")
    assert at.selectbox(key="reply-client").value == "Beta Logistics"
    assert "Parquet" in at.selectbox(key="reply-msg").value
    at = page("draft", message="<attack-1@acme.example>")
    assert at.selectbox(key="reply-client").value == "Acme Health"
    assert "Claims export" in at.selectbox(key="reply-msg").value


def test_a_backend_that_cannot_be_made_answers_offline_and_says_why(home: Path) -> None:
    """QA, session 15: `backend = "anthropic"` with no ANTHROPIC_API_KEY gave a question only
    the configuration error, and no answer."""
    cfg = home / "config.toml"
    cfg.write_text(cfg.read_text() + '\n[answer]\nbackend = "anthropic"\n', encoding="utf-8")
    at = page("ask")
    at.chat_input[0].set_value("Why did the CSV export fail?").run()
    assert not at.exception
    body = texts(at)
    assert "needs ANTHROPIC_API_KEY" in body and "answering offline" in body
    assert "embedded newlines" in body


def test_draft_page_says_when_the_message_asked_for_is_no_clients(home: Path) -> None:
    """QA, session 15: `?message=` naming an unknown message (or one of nobody's yet)
    preselected another email, and "Draft reply" answered that one instead."""
    at = page("draft", message="nope@nowhere.example")
    assert "No email with Message-ID nope@nowhere.example" in texts(at)
    assert at.selectbox(key="reply-msg").value == "(choose the message to answer)"
    at.button(key="reply-go").click().run()
    assert not at.exception and "Choose the message to answer" in texts(at)
    assert not [t for t in at.text_area if str(t.key).startswith("draft-email-text-")]


def test_a_document_draft_has_one_heading_and_an_unchanged_save_says_so(home: Path) -> None:
    """QA, session 15: a saved document draft carried its title heading twice (the outline
    opens with it and the file adds it), and saving it again unchanged said "Saved as a new
    version (duplicate)"."""
    at = page("draft")
    at.text_input(key="doc-topic").input("claims export").run()
    next(b for b in at.button if b.label == "Draft document").click().run()
    assert not at.exception
    stored = Path(at.session_state["draft-doc-path"]).read_text()
    heading = next(line for line in stored.splitlines() if line.startswith("# "))
    assert stored.count(heading + "\n") == 1, stored
    at.button(key="draft-doc-save").click().run()
    assert "No changes since the last save" in texts(at)
    assert Path(at.session_state["draft-doc-path"]).read_text() == stored


def test_invoices_page_creates_and_issues(home: Path) -> None:
    at = page("invoices")
    assert "Unbilled work (2)" in "\n".join(h.value for h in at.subheader)
    rows = tables(at)
    assert {r["client"] for r in rows} >= {"Acme Health"}
    assert all(r["day"] != "None" and "None" not in map(str, r.values()) for r in rows)
    at.button[0].click().run()
    assert not at.exception and "Draft" in texts(at)
    at.checkbox(key="confirm-issue-1").check().run()
    at.button(key="issue-1").click().run()
    assert not at.exception
    at = page("invoices")
    assert any("INV-" in shown(e.label) for e in at.expander)
    # Beta has no rate: the page says so (and where to add it), without a traceback.
    at.selectbox[0].select("Beta Logistics").run()
    assert "no rate in clients.toml" in texts(at)
    at.button[0].click().run()
    assert not at.exception and "no rate" in "\n".join(e.value for e in at.error)


def test_work_rows_fill_in_the_clients_rate(home: Path) -> None:
    at = page("invoices")
    rates = {r["description"]: r["rate"] for r in tables(at)}
    assert rates["fixed the claims export"] == "150.00 USD (client rate)"


def test_invoice_text_from_notes_is_escaped() -> None:
    from decimal import Decimal

    from trailkeep.billing import InvoiceLine, InvoiceView, render

    v = InvoiceView(
        id=1,
        kind="invoice",
        number="INV-2026-0001",
        client="acme",
        client_name="Acme <b>Health</b>",
        period="2026-03",
        currency="USD",
        status="issued",
        tax_rate=Decimal("0"),
        lines=[InvoiceLine("![x](http://h/p.png) | cell", "1", "150.00", Decimal("150.00"), 1)],
    )
    md = render("md", v, {"name": "Sam_Example"}).decode()
    assert "INV-2026-0001" in md and "Sam\\_Example" in md
    assert "\\| cell" in md and "<b>" not in md and "](" not in md


def test_inbox_separates_failures_from_partly_imported_files(home: Path) -> None:
    at = page("inbox")
    assert at.metric[0].value == "not running"
    heads = [h.value for h in at.subheader]
    assert "Failures (1)" in heads and "Partly imported (1)" in heads
    body = texts(at)
    assert "broken.json" in body
    assert "**hours.csv** — partly imported, line 3: hours 'abc' is not a duration" in body
    assert "hours.csv line 3" not in body  # the file's name is not repeated in its reason
    retry = next(b for b in at.button if str(b.key).startswith("retry-"))
    retry.click().run()
    assert not at.exception and "still failing" in texts(at)


def test_inbox_recent_table_is_readable(home: Path) -> None:
    at = page("inbox")
    rows = tables(at)
    recent = [r for r in rows if "file" in r]
    assert recent and set(recent[0]) == {"file", "result", "read as", "when", "note"}
    for r in recent:
        assert "None" not in map(str, r.values())
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(r["when"])), r["when"]
    assert {"imported", "could not be read", "partly imported"} <= {r["result"] for r in recent}
    # a note saved twice: two rows told apart by version (QA, session 10: identical rows)
    s = _settings(home)
    v = Vault.open(s, get_embedder("hash"))
    for body in ("# Plan\n\nFirst.\n", "# Plan\n\nSecond.\n"):
        (s.inbox / "plan.md").write_text(body, encoding="utf-8")
        Ingestor(v).ingest_file(s.inbox / "plan.md")
    v.close()
    files = [r["file"] for r in tables(page("inbox")) if "file" in r]
    assert "plan.md (version 2)" in files and "plan.md" in files


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
    at.selectbox[0].select("Beta Logistics").run()
    assert not at.exception
    assert all("Acme" not in shown(c.value) for c in at.caption)
    assert_inert(at)


def test_vault_page_opens_the_document_asked_for(home: Path) -> None:
    at = page("vault")
    labels = at.selectbox[1].options
    pixel = next(x for x in labels if "Pixel" in x)
    doc_id = pixel.rsplit("#", 1)[1]
    at = page("vault", document=doc_id)
    assert at.selectbox[1].value == pixel
    assert_inert(at)
    assert "µ" not in texts(at) and not re.search(r"\d\d:\d\d:\d\d\.\d{6}", texts(at))


def test_settings_page_is_readable_and_never_shows_the_key(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = page("settings")
    assert not at.json, "a raw JSON tree"
    settings = {r["setting"]: r["value"] for r in tables(at) if "setting" in r}
    assert settings["Anthropic API key"] == "not set"
    assert settings["Clients"] == "Acme Health, Beta Logistics"
    files = {r["files"]: r["count"] for r in tables(at) if "files" in r}
    assert files["partly imported"] == "1" and files["could not be read"] == "1"
    assert "Documents" in [m.label for m in at.metric]
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    at = page("settings")
    settings = {r["setting"]: r["value"] for r in tables(at) if "setting" in r}
    assert settings["Anthropic API key"] == "configured"
    assert KEY not in texts(at) and KEY not in str(tables(at))
    assert "anthropic" in settings["Backend"]


def test_settings_refuses_a_clients_address_as_mine_and_removes_mine(home: Path) -> None:
    """QA, session 7: "Add an address of yours" took a client's address silently (its threads
    stopped waiting, its mail lost its client), took "not an address" with no word, and had
    no way to remove one."""
    config = home / "config.toml"
    at = page("settings")
    at.text_input(key="me-add").input("dana@acme.example").run()
    at.button(key="me-add-go").click().run()
    assert "Acme Health's" in shown("\n".join(e.value for e in at.error))
    at.text_input(key="me-add").input("not an address").run()
    at.button(key="me-add-go").click().run()
    assert "not an email address" in shown("\n".join(e.value for e in at.error))
    assert "dana@acme.example" not in config.read_text()
    at.text_input(key="me-add").input("sam@private.example").run()
    before = config.read_text()
    at.button(key="me-add-go").click().run()
    after = config.read_text()
    assert "sam@private.example" in after
    assert at.text_input(key="me-add").value == "", "the box is empty again"
    # the line changed in place: everything else as it was (QA, session 10: the emails line
    # moved above [me]'s comment and a blank line was added each time)
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and changed[0][1].startswith("emails = "), changed
    at.selectbox(key="me-remove").select("sam@consult.example").run()
    at.button(key="me-remove-go").click().run()
    assert "sam@consult.example" not in config.read_text()
    assert "sam@private.example" in config.read_text()


def test_empty_vault_explains_what_to_drop_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAILKEEP_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    for name in ("brief", "ask", "vault"):
        at = page(name)
        body = texts(at)
        assert "vault is empty" in body and "What it understands" in body, name
        assert f"`{tmp_path / 'empty' / 'inbox'}`" in [m.value for m in at.markdown]
        # st.code loads a 1.5 MB syntax highlighter before the first page counts as drawn
        assert not at.code, name


def test_clients_toml_template_is_created_once_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fresh"
    monkeypatch.setenv("TRAILKEEP_HOME", str(home))
    monkeypatch.setenv("TRAILKEEP_EMBEDDER", "hash")
    at = page("invoices")
    assert f"`{home / 'clients.toml'}`" in [m.value for m in at.markdown]
    assert any("`[[client]]`" in str(m.value) for m in at.markdown), "no example"
    at.button(key="invoices-template").click().run()
    assert not at.exception
    text = (home / "clients.toml").read_text(encoding="utf-8")
    assert text == ui_page.CLIENTS_TEMPLATE
    import tomllib

    assert tomllib.loads(text) == {}  # all comments: no client until the user writes one
    (home / "clients.toml").write_text("# mine\n", encoding="utf-8")
    assert not ui_page.write_clients_template(home / "clients.toml")
    assert (home / "clients.toml").read_text(encoding="utf-8") == "# mine\n"
    at = page("draft")
    assert not any(b.key == "draft-template" for b in at.button)  # it exists: no button


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


def test_app_opens_on_the_briefing(home: Path) -> None:
    at = AppTest.from_file(str(VIEWS.parent / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Briefing"]


def test_briefing_lists_what_needs_you_with_links(home: Path) -> None:
    at = page("brief", today="2026-03-10")
    heads = "\n".join(h.value for h in at.subheader)
    assert "Waiting on your reply (2)" in heads, heads
    body = texts(at)
    assert "Acme Health" in body and "Beta Logistics" in body and "Cara Client" in body
    links = "\n".join(markdown_sources(at))
    # Each waiting thread: its source in the Vault page and a reply drafted from it.
    assert re.search(r"\]\(\./vault\?document=\d+\)", links)
    assert "](./draft?message=attack-1%40acme.example&client=acme)" in links
    # 2.5 h + 1.5 h at 150; Beta has no rate
    assert "**Acme Health** · unbilled work, 4 h (2 items) · **600.00 USD**" in body
    assert "**Beta Logistics** · unbilled work, 1 h (1 item) · **no rate in clients.toml**" in body
    assert "Inbox" in heads and "partly imported" in body
    assert_inert(at)


def test_briefing_client_filter(home: Path) -> None:
    at = page("brief", today="2026-03-10")
    at.selectbox(key="brief-client").select("Beta Logistics").run()
    assert not at.exception
    body = texts(at)
    assert "Waiting on your reply (1)" in "\n".join(h.value for h in at.subheader)
    assert "Cara Client" not in body and "Acme Health" not in body


def test_briefing_says_so_when_the_module_is_missing(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "trailkeep.recall.brief", None)  # import fails
    at = page("brief")
    assert "The briefing is not available" in texts(at)


def test_the_page_refresh_stamp_moves_when_files_are_processed(home: Path) -> None:
    from tests.conftest import make_settings

    s = make_settings(home)
    v = Vault.open(s, get_embedder("hash"))
    ctx = ui_page.Ctx(s, v)
    before = ui_page.change_stamp(ctx)
    assert ui_page.change_stamp(ctx) == before
    (s.inbox / "later.md").write_text("# Later\n\nA new note.\n", encoding="utf-8")
    Ingestor(v).ingest_paths([s.inbox / "later.md"])
    assert ui_page.change_stamp(ctx) != before
    v.close()


def test_ui_refuses_a_public_address_without_a_password(tmp_path: Path) -> None:
    from tests.ui.test_cli import run

    out = run(tmp_path / "h", "ui", "--address", "0.0.0.0", code=1)
    assert "refusing to listen on 0.0.0.0 without a password" in out
    assert auth.is_loopback("127.0.0.1") and auth.is_loopback("::1")
    assert not auth.is_loopback("0.0.0.0") and not auth.is_loopback("192.168.1.5")


def test_draft_edits_become_a_new_version(home: Path) -> None:
    at = page("draft")
    at.button(key="reply-go").click().run()
    draft_box(at, "draft-email").input("Hi Cara,\n\nJSON Lines, nightly at 2am.\n")
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


def test_inbox_attribution_assigns_a_correspondent_and_a_message_to_two_clients(
    home: Path,
) -> None:
    """The review queue on the page: an unknown correspondent (any client, or general) and a
    message addressed to both clients (one client only: no "general", nothing to remember)."""
    from tests.ingest.test_attribution import mail

    s = two_client_settings(home)
    (s.inbox / "stranger.eml").write_text(
        mail("x1@other.example", "Lee <lee@other.example>", "sam@consult.example", "Hello", "Hi.")
    )
    (s.inbox / "both.eml").write_text(
        mail(
            "b1@consult.example",
            "Sam Example <sam@consult.example>",
            "ops@acme.example, ops@beta.example",
            "Joint call",
            "Shall we meet together on Friday?",
        )
    )
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_paths([s.inbox / "stranger.eml", s.inbox / "both.eml"])
    v.close()
    at = page("inbox")
    heads = [h.value for h in at.subheader]
    # (and the seeded daily note's section naming both clients: held, listed since session 25)
    assert "Attribution: 3 items belong to no client yet" in heads
    labels = [shown(e.label) for e in at.expander]
    assert any(x.startswith("lee@other.example") for x in labels)
    assert any(x.startswith("“Joint call”, to several clients") for x in labels)
    mixed = next(b for b in at.selectbox if str(b.key).startswith("as-message:"))
    assert mixed.options == ["Acme Health", "Beta Logistics"]
    assert mixed.value is None, "nothing preselected: one click must not guess a client"
    go = next(b for b in at.button if str(b.key).startswith("go-message:"))
    assert go.disabled
    other = next(b for b in at.selectbox if str(b.key) == "as-lee@other.example")
    assert "General (my own material)" in other.options
    assert not any(str(c.key).startswith("rem-message:") for c in at.checkbox)
    mixed.select("Beta Logistics").run()
    next(b for b in at.button if str(b.key).startswith("go-message:")).click().run()
    assert not at.exception, at.exception
    assert "Attribution: 2 items belong to no client yet" in [h.value for h in at.subheader]
    # and says what it did, after the rerun that drops the group (QA, session 10: it did not)
    said = [shown(str(m.value)) for m in at.success]
    assert "“Joint call”, to several clients → Beta Logistics: 1 entry re-attributed" in said, said
    v = Vault.open(s, get_embedder("hash"))
    from sqlalchemy import text

    with v.engine.connect() as c:
        scope = c.execute(text("SELECT scope FROM entry WHERE title LIKE '%Joint call%'")).all()
    v.close()
    assert scope == [("beta",)]


def test_the_server_skips_streamlits_component_scan() -> None:
    """`trailkeep ui` skips Streamlit's scan of every installed package for custom components
    (0.6–0.8 s of each start here; BENCHMARKS.md): the hook exists in this Streamlit and is
    replaced, in a fresh process so the suite's own AppTests keep the original."""
    import subprocess
    import sys

    probe = (
        "from streamlit.components.v2 import manifest_scanner as ms\n"
        "from streamlit.components.v2.component_manager import BidiComponentManager as B\n"
        "from trailkeep.ui.serve import skip_component_scan\n"
        "calls = []\n"
        "ms.scan_component_manifests = lambda *a, **k: calls.append(1) or []\n"
        "m = B.__new__(B)\n"
        "B.discover_and_register_components(m, start_file_watching=False)\n"
        "assert calls == [1], 'the original scans'\n"
        "assert skip_component_scan()\n"
        "B.discover_and_register_components(m, start_file_watching=False)\n"
        "B.discover_and_register_components(m)\n"
        "assert calls == [1], 'skipped: no scan'\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "ok"


def test_invoices_list_only_this_clients_work_and_count_what_can_be_billed(home: Path) -> None:
    """QA, session 10: "items need attention" listed every client's flagged work under each
    client, and "Unbilled work (6)" counted a copy that can never be billed (the briefing: 5)."""
    s = _settings(home)
    v = Vault.open(s, get_embedder("hash"))
    for name, title in (("2026-03-11.md", "Day"), ("2026-03-11-copy.md", "Copy")):
        # the same Beta work in two files
        (s.inbox / name).write_text(f"# {title}\n\n- 3h beta: data mapping\n", encoding="utf-8")
        Ingestor(v).ingest_file(s.inbox / name)
    v.close()
    at = page("invoices")
    at.selectbox[0].select("Beta Logistics").run()
    heads = "\n".join(h.value for h in at.subheader)
    beta_rows = [r for r in tables(at) if r.get("description") == "data mapping"]
    assert len(beta_rows) == 2 and "same work" in " ".join(r["attention"] for r in beta_rows)
    assert "Unbilled work (2)" in heads, heads  # the workshop and one of the two copies
    at.selectbox[0].select("Acme Health").run()
    assert not [r for r in tables(at) if r.get("description") == "data mapping"]


def test_settings_lists_the_folders_read_in_place(home: Path, tmp_path: Path) -> None:
    """QA, session 10: no page showed the `[[source]]` folders the watcher reads in place."""
    from trailkeep.vault import load_settings

    at = page("settings")
    assert "Folders read in place" in [h.value for h in at.subheader]
    assert "None." in texts(at)
    sessions = tmp_path / "agent_sessions"
    sessions.mkdir()
    (sessions / "2026-03-12.md").write_text("# Notes\n\nRead in place.\n", encoding="utf-8")
    config = home / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f'\n[[source]]\npath = "{sessions}"\nkind = "notes"\n'
        + f'\n[[source]]\npath = "{tmp_path / "gone"}"\nkind = "codex"\n',
        encoding="utf-8",
    )
    s = load_settings({"TRAILKEEP_EMBEDDER": "hash"}, home)
    v = Vault.open(s, get_embedder("hash"))
    Ingestor(v).ingest_file(sessions / "2026-03-12.md")
    # saved again: still one file; a folder differing only in case is another folder
    (sessions / "2026-03-12.md").write_text("# Notes\n\nRead in place, twice.\n")
    Ingestor(v).ingest_file(sessions / "2026-03-12.md")
    other = tmp_path / "Agent_Sessions"
    other.mkdir()
    (other / "x.md").write_text("# X\n\nElsewhere.\n", encoding="utf-8")
    Ingestor(v).ingest_file(other / "x.md")
    v.close()
    at = page("settings")
    rows = {r["kind"]: r for r in tables(at) if "folder" in r}
    assert rows["notes"]["files read"] == "1" and rows["notes"]["state"] == "watched"
    assert rows["codex"]["state"] == "not a folder on this machine"


def test_filters_and_empty_lists_speak_the_users_language(home: Path) -> None:
    """QA, session 10: the Kind filter listed "section" and "thinking"; a client with no
    invoices had an empty "Invoices" heading."""
    at = page("ask")
    kinds = at.sidebar.multiselect[0]
    assert "notes (a section each)" in kinds.options and "section" not in kinds.options
    at = page("invoices")
    at.selectbox[0].select("Beta Logistics").run()
    assert "No invoices for Beta Logistics yet" in texts(at)


def test_an_invoice_line_naming_another_client_is_warned_about_on_the_page(home: Path) -> None:
    """Review, session 10: the warning was the CLI's only; the page created and issued the
    invoice without a word."""
    s = _settings(home)
    v = Vault.open(s, get_embedder("hash"))
    (s.inbox / "2026-03-12.md").write_text(
        "# Day\n\n- 2h acme: ported the retry code we wrote for Beta Logistics\n", encoding="utf-8"
    )
    Ingestor(v).ingest_file(s.inbox / "2026-03-12.md")
    v.close()
    at = page("invoices")
    at.button[0].click().run()  # Create draft invoice (Acme, the newest period)
    assert not at.exception
    said = " ".join(shown(str(w.value)) for w in at.warning)
    assert "names Beta Logistics" in said and "goes to Acme Health" in said, said
