"""What a new user found driving the Inbox, Invoices, Trail and Briefing pages in Chromium: each
as a page test (AppTest on the real temporary vault of tests/ui/test_pages.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from tests.ingest.test_attribution import mail
from tests.output.conftest import two_client_settings
from tests.ui import test_pages
from tests.ui.test_pages import page, tables, texts
from trailkeep.ingest import Ingestor
from trailkeep.ui.markup import shown
from trailkeep.vault import Vault, get_embedder

home = test_pages.home  # the fixture: the real temporary vault of the page tests
STRANGER = mail(
    "x1@other.example", "Lee <lee@other.example>", "sam@consult.example", "Hello", "Hi."
)


def _vault(home: Path) -> Vault:
    return Vault.open(two_client_settings(home), get_embedder("hash"))


def _sql(home: Path, query: str, **params: object) -> list[tuple[object, ...]]:
    v = _vault(home)
    try:
        with v.engine.begin() as c:
            res = c.execute(text(query), params)
            return [tuple(r) for r in res] if res.returns_rows else []
    finally:
        v.close()


def _stranger(home: Path) -> None:
    """Mail from someone no client is known by: it belongs to no client yet."""
    v = _vault(home)
    (v.settings.inbox / "stranger.eml").write_text(STRANGER, encoding="utf-8")
    Ingestor(v).ingest_paths([v.settings.inbox / "stranger.eml"])
    v.close()


def _heads(at: object) -> str:
    return "\n".join(h.value for h in at.subheader)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- Inbox
def test_an_unknown_sender_is_given_to_no_one_until_the_user_chooses(home: Path) -> None:
    """GIVEN mail from a stranger WHEN the Inbox opens THEN no client (and not "general") is
    preselected, Assign does nothing until one is chosen; choosing Acme then assigns it."""
    _stranger(home)
    scope = "SELECT DISTINCT e.scope FROM entry e JOIN document d ON d.id = e.document_id "
    scope += "WHERE d.title = 'Hello'"
    assert _sql(home, scope) == [("?",)]
    at = page("inbox")
    pick = at.selectbox(key="as-lee@other.example")
    assert "General (my own material)" in pick.options
    assert pick.value is None, "one click on Assign must not make a stranger's mail general"
    go = at.button(key="go-lee@other.example")
    assert go.disabled and go.help == "Choose the client first."  # no click gets through
    # the stranger's mail, and the seeded daily note's section naming both clients (session 25)
    assert "Attribution: 2 items belong to no client yet" in _heads(at)
    assert _sql(home, scope) == [("?",)]
    at.selectbox(key="as-lee@other.example").select("Acme Health").run()
    assert not at.button(key="go-lee@other.example").disabled
    at.button(key="go-lee@other.example").click().run()
    assert not at.exception
    assert _sql(home, scope) == [("acme",)]


# ---------------------------------------------------------------------------- Invoices
def test_creating_a_draft_empties_the_unbilled_list_at_once(home: Path) -> None:
    at = page("invoices")
    assert "Unbilled work (2)" in _heads(at)
    at.button[0].click().run()
    assert not at.exception
    assert "Draft 1: USD 649.50" in [shown(s.value) for s in at.success]
    assert "Unbilled work (0)" in _heads(at), "the invoiced items are still listed"
    assert not [r for r in tables(at) if "description" in r and r["client"] == "Acme Health"]


def test_issuing_asks_for_a_confirmation_that_names_the_number(home: Path) -> None:
    at = page("invoices")
    at.button[0].click().run()
    issue = at.button(key="issue-1")
    assert issue.disabled, "issuing numbers the invoice for good: never on one click"
    assert _sql(home, "SELECT status, number FROM invoice WHERE id = 1") == [("draft", None)]
    box = at.checkbox(key="confirm-issue-1")
    assert f"issue it as number INV-{date.today().year}-0001" in box.label
    box.check().run()
    assert not at.button(key="issue-1").disabled
    at.button(key="issue-1").click().run()
    assert not at.exception
    number = f"INV-{date.today().year}-0001"
    assert _sql(home, "SELECT status, number FROM invoice WHERE id = 1") == [("issued", number)]
    assert f"Issued {number}" in [shown(s.value) for s in at.success]
    assert not any(str(c.key).startswith("confirm-issue-") for c in at.checkbox)


def test_billing_errors_name_the_client(home: Path) -> None:
    at = page("invoices")
    at.selectbox[0].select("Beta Logistics").run()
    at.button[0].click().run()
    errors = shown("\n".join(e.value for e in at.error))
    assert "Beta Logistics has no rate" in errors and "'beta'" not in errors


# ---------------------------------------------------------------------------- Trail
def _spec(at: object) -> dict[str, object]:
    chart = at.get("vega_lite_chart")  # type: ignore[attr-defined]
    assert chart, "no chart"
    return json.loads(chart[0].proto.spec)  # type: ignore[no-any-return]


def test_the_trail_axis_dates_say_the_month(home: Path) -> None:
    at = page("trail")
    at.text_input[0].set_value("claims export").run()
    x = _spec(at)["layer"][0]["encoding"]["x"]  # type: ignore[index]
    fmt = x.get("axis", {}).get("format", "")
    assert "%m" in fmt or "%b" in fmt, f"no month in the axis' dates: {x}"


def test_every_row_of_the_trail_chart_has_a_label(home: Path) -> None:
    """An email thread stored without a title still gets a row label: its subject line."""
    _sql(home, "UPDATE document SET title = '' WHERE kind = 'email'")
    at = page("trail")
    at.text_input[0].set_value("claims export").run()
    assert not at.exception
    rows = _spec(at)["layer"][0]["data"]["values"]  # type: ignore[index]
    labels = {r["document"] for r in rows}
    assert all(x.strip() and x.strip() != "—" for x in labels), labels
    # the threads' rows are named by their subject lines, not "—"
    assert {"Claims export", "Parquet"} <= labels, labels


def test_when_within_a_client_speaks_of_that_clients_history(home: Path) -> None:
    at = page("trail")
    at.sidebar.selectbox[0].select("Beta Logistics").run()
    at.text_input(key="when-phrase").set_value("JSON Lines").run()
    assert not at.exception
    said = shown("\n".join(i.value for i in at.info))
    assert "“JSON Lines” is nowhere in Beta Logistics’ history." in said, said
    assert "your history" not in said
    at.sidebar.selectbox[0].select("All clients").run()
    assert "JSON Lines" in texts(at) and "nowhere" not in texts(at)


def test_when_in_several_documents_says_current_version(home: Path) -> None:
    at = page("trail")
    at.text_input(key="when-phrase").set_value("claims export").run()
    body = texts(at)
    assert "in its current version)" in body, body
    assert "in its current)" not in body


# ---------------------------------------------------------------------------- Briefing
SINCE = "What changed since "


def _since(at: object) -> str:
    return next(h for h in _heads(at).splitlines() if h.startswith(SINCE))


def _last_visit(home: Path) -> str | None:
    rows = _sql(home, "SELECT value FROM vault_meta WHERE key = 'brief_last_visit'")
    return str(rows[0][0]) if rows else None


def test_a_reload_keeps_what_changed(home: Path) -> None:
    """GIVEN the Briefing seen once WHEN it is reloaded (or opened in a new tab: a new session)
    THEN it still shows the changes since the visit before it, and does not move the mark;
    a view after the sitting (3 h) starts from the mark the first view left."""
    first = page("brief", today="2026-03-10")
    changed = [e.label for e in first.expander]
    assert _since(first) == "What changed since 2026-03-09 00:00 UTC" and changed
    mark = _last_visit(home)
    assert mark is not None, "the page's first view is a visit, as `trailkeep brief`'s"
    again = page("brief", today="2026-03-10")
    assert _since(again) == _since(first), "a reload wiped what changed"
    assert [e.label for e in again.expander] == changed
    assert _last_visit(home) == mark
    # Four hours later (the sitting moved back in time): a new sitting, since the last visit.
    earlier = (datetime.now(UTC) - timedelta(hours=4)).isoformat()
    (raw,) = _sql(home, "SELECT value FROM vault_meta WHERE key = 'brief_page_sitting'")[0]
    sitting = {**json.loads(str(raw)), "at": earlier}
    _sql(
        home,
        "UPDATE vault_meta SET value = :v WHERE key = 'brief_page_sitting'",
        v=json.dumps(sitting),
    )
    later = page("brief", today="2026-03-10")
    assert _since(later) == f"{SINCE}{mark[:16].replace('T', ' ')} UTC"
    assert "Nothing new." in [c.value for c in later.caption]
    assert _last_visit(home) != mark


def test_the_briefing_wording(home: Path) -> None:
    """Items "belong"; an invoice issued today was issued "today", not "0 days ago"."""
    _stranger(home)
    from trailkeep.billing import create_invoice, issue_invoice

    v = _vault(home)
    inv = create_invoice(v, "acme", "2026-03")
    issue_invoice(v, inv.id, date.today())
    v.close()
    at = page("brief")
    body = texts(at)
    # the stranger's mail and the seeded daily note's section naming both clients (session 25)
    assert "2 items belong to no client yet" in body, body
    assert ", issued today" in body and "0 days ago" not in body


def test_the_trail_axis_ticks_a_day_at_most() -> None:
    """Steps within one day had hourly ticks, each labelled with the same date (QA, session
    10): a span of days ticks on day boundaries; a span of years keeps Vega's own ticks."""
    from trailkeep.ui.views.trail import time_axis

    def rows(*whens: str) -> list[dict[str, object]]:
        return [{"when": w} for w in whens]

    one_day = time_axis(rows("2024-03-04T09:00:00+01:00", "2024-03-04T17:30:00+01:00"))
    assert one_day["axis"]["tickCount"] == {"interval": "day", "step": 1}, one_day
    assert one_day["scale"]["nice"] == {"interval": "day", "step": 1}
    weeks = time_axis(rows("2024-03-01T09:00:00", "2024-04-10T09:00:00+00:00"))
    assert weeks["axis"]["tickCount"]["step"] > 1, weeks
    years = time_axis(rows("2022-01-01T00:00:00+00:00", "2024-04-10T09:00:00+00:00"))
    assert "tickCount" not in years["axis"] and "scale" not in years
    assert time_axis([{"when": None}])["axis"]["format"] == "%Y-%m-%d"
