"""Invoices: exact arithmetic, one draft per client and period, gapless numbers, frozen issues."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import write_note
from tests.output.conftest import two_client_settings
from trailkeep.billing import (
    BillingError,
    create_invoice,
    credit_invoice,
    discard_draft,
    get_invoice,
    issue_invoice,
    line_amount,
    list_invoices,
    list_work,
    mark_paid,
    register_format,
    render,
    round_cents,
    totals,
)
from trailkeep.ingest import Ingestor
from trailkeep.vault import Settings, Vault, get_embedder


def test_awkward_amounts_are_exact() -> None:
    # 0.1 + 0.2 hours: as floats 0.30000000000000004; here two exact lines and an exact sum.
    lines = [line_amount("0.1", "150.00"), line_amount("0.2", "150.00")]
    assert lines == [Decimal("15.00"), Decimal("30.00")]
    assert line_amount("0.3", "33.33") == Decimal("10.00")  # 9.999 rounds half-up
    # A third of an hour (20 minutes) at a rate that does not divide by three.
    assert line_amount("1/3", "100.00") == Decimal("33.33")
    assert line_amount("2/3", "100.00") == Decimal("66.67")
    assert line_amount("1/3", "0.01") == Decimal("0.00")
    # Tax exactly on a half cent rounds up (banker's rounding would give 0.50).
    assert totals([Decimal("10.10")], Decimal("0.05")) == (
        Decimal("10.10"),
        Decimal("0.51"),
        Decimal("10.61"),
    )
    assert round_cents(__import__("fractions").Fraction(-1, 200)) == Decimal("-0.01")
    assert totals([Decimal("0.10"), Decimal("0.20")], Decimal("0")) == (
        Decimal("0.30"),
        Decimal("0.00"),
        Decimal("0.30"),
    )


MARCH = """---
date: 2026-03-04
---
# Day

- 2.5h acme: fixed the claims export
- 20m acme: quick call
- 90m beta: workshop
"""


def _ingest(v: Vault, name: str, body: str) -> None:
    Ingestor(v).ingest_file(write_note(v.settings.inbox, name, body))


def test_create_issue_pay_credit(bvault: Vault) -> None:
    _ingest(bvault, "2026-03-04.md", MARCH)
    draft = create_invoice(bvault, "acme", "2026-03")
    j = draft.as_json()
    assert j["status"] == "draft" and j["number"] is None and j["currency"] == "USD"
    assert [ln["amount"] for ln in j["lines"]] == ["375.00", "50.00"]
    assert (j["subtotal"], j["tax"], j["total"]) == ("425.00", "35.06", "460.06")
    # A second create returns the same draft; an item is never on two invoices.
    again = create_invoice(bvault, "acme", "2026-03")
    assert again.id == draft.id
    assert list_work(bvault, "acme", unbilled=True) == []
    issued = issue_invoice(bvault, draft.id, date(2026, 4, 2))
    assert issued.number == "INV-2026-0001"
    assert (issued.issued_on, issued.due_on) == ("2026-04-02", "2026-04-16")  # 14 days in [me]
    with pytest.raises(BillingError, match="nothing unbilled"):
        create_invoice(bvault, "acme", "2026-03")
    with pytest.raises(BillingError, match="cannot be issued"):
        issue_invoice(bvault, draft.id, date(2026, 4, 3))
    paid = mark_paid(bvault, draft.id, date(2026, 4, 10))
    assert paid.status == "paid" and paid.total == Decimal("460.06")
    credit = credit_invoice(bvault, draft.id, date(2026, 4, 11))
    assert credit.number == "CN-2026-0001" and credit.total == Decimal("-460.06")
    assert get_invoice(bvault, draft.id).status == "credited"
    # Credited items are unbilled again, for a corrected invoice with the next number.
    assert len(list_work(bvault, "acme", unbilled=True)) == 2
    fixed = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 12))
    assert fixed.number == "INV-2026-0002"
    with pytest.raises(BillingError, match="CN-2026-0001 is a credit note; it cannot be credited"):
        credit_invoice(bvault, credit.id, date(2026, 4, 13))
    assert [i.number for i in list_invoices(bvault)] == [
        "INV-2026-0001",
        "CN-2026-0001",
        "INV-2026-0002",
    ]


def test_missing_rate_blocks_the_invoice_clearly(bvault: Vault) -> None:
    _ingest(bvault, "2026-03-04.md", MARCH)
    with pytest.raises(BillingError, match=r"beta.*no rate in clients\.toml"):
        create_invoice(bvault, "beta", "2026-03")
    assert len(list_work(bvault, "beta", unbilled=True)) == 1  # nothing reserved
    with pytest.raises(BillingError, match="YYYY-MM"):
        create_invoice(bvault, "acme", "March")
    with pytest.raises(BillingError, match=r"not in clients\.toml"):
        create_invoice(bvault, "wonka", "2026-03")


def test_a_timesheet_rate_overrides_the_clients(bvault: Vault) -> None:
    p = bvault.settings.inbox / "t.csv"
    p.write_text(
        "date,client,hours,description,rate\n2026-03-02,beta,2,workshop,95.50\n",
        encoding="utf-8",
    )
    Ingestor(bvault).ingest_file(p)
    inv = create_invoice(bvault, "beta", "2026-03")
    assert inv.currency == "EUR" and inv.total == Decimal("191.00") and inv.tax == 0


def test_discarding_a_draft_releases_its_items(bvault: Vault) -> None:
    _ingest(bvault, "2026-03-04.md", MARCH)
    draft = create_invoice(bvault, "acme", "2026-03")
    discard_draft(bvault, draft.id)
    assert len(list_work(bvault, "acme", unbilled=True)) == 2
    issued = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    with pytest.raises(BillingError, match="credit note"):
        discard_draft(bvault, issued.id)


def test_numbers_are_gapless_when_issued_at_once(tmp_path: Path) -> None:
    settings = two_client_settings(tmp_path / "home")
    v0 = Vault.open(settings, get_embedder("hash"))
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    for m in months:
        _ingest(v0, f"{m}-10.md", f"# Day\n\n- 1h acme: work in {m}\n")
    drafts = [create_invoice(v0, "acme", m).id for m in months]
    vaults = [Vault.open(settings, get_embedder("hash")) for _ in range(4)]
    errors: list[Exception] = []

    def worker(v: Vault, ids: list[int]) -> None:
        try:
            for i in ids:
                issue_invoice(v, i, date(2026, 12, 31))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(v, drafts[k::4])) for k, v in enumerate(vaults)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(str(i.number) for i in list_invoices(v0))
    assert numbers == [f"INV-2026-{n:04d}" for n in range(1, 13)]
    # A new year starts again at 1.
    _ingest(v0, "2027-01-05.md", "# Day\n\n- 1h acme: new year\n")
    nxt = issue_invoice(v0, create_invoice(v0, "acme", "2027-01").id, date(2027, 1, 31))
    assert nxt.number == "INV-2027-0001"
    for v in [v0, *vaults]:
        v.close()


def test_a_registered_format_renders_the_invoice_as_frozen(
    bvault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Formats are a registry (issue 16): a plugin adds one; it renders the invoice's own
    amounts and never computes money."""
    _ingest(bvault, "2026-03-04.md", MARCH)
    issued = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 2))

    def csv(v: object, me: object) -> bytes:
        assert hasattr(v, "lines")
        rows = [f"{ln.description},{ln.amount}" for ln in issued.lines]
        return "\n".join([*rows, f"total,{issued.total}"]).encode()

    from trailkeep.billing import formats

    monkeypatch.setattr(formats, "_FORMATS", dict(formats._FORMATS))  # this test's registry only
    register_format("csv", csv, media_type="text/csv")
    out = render("csv", get_invoice(bvault, issued.id), {}).decode().splitlines()
    assert out == [
        "2026-03-04 fixed the claims export,375.00",
        "2026-03-04 quick call,50.00",
        "total,460.06",
    ]
    with pytest.raises(BillingError, match="no invoice format 'odt'"):
        render("odt", issued, {})


AUTUMN = {
    "2026-09-10.md": "# Day\n\n- 1h acme: september work\n",
    "2026-10-03.md": "# Day\n\n- 1h acme: october work\n",
    "2026-12-10.md": "# Day\n\n- 1h acme: december work\n",
}


def test_an_issue_date_must_follow_its_work_and_the_years_numbers(bvault: Vault) -> None:
    """GIVEN INV-2026-0001 issued 2026-11-29 and drafts for October and December work
    WHEN a draft is dated before its last work, or before 2026-11-29 within 2026
    THEN it is refused, naming the earliest date allowed, and nothing changes (no number taken)"""
    for name, body in AUTUMN.items():
        _ingest(bvault, name, body)
    first = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-09").id, date(2026, 11, 29))
    assert first.number == "INV-2026-0001"
    october = create_invoice(bvault, "acme", "2026-10").id
    # A 2025 date for October 2026 work: it would be INV-2025-0001 and overdue for a year.
    with pytest.raises(
        BillingError,
        match=r"2025-12-31 is before 2026-10-03, the last work .* earliest allowed .* 2026-11-29",
    ):
        issue_invoice(bvault, october, date(2025, 12, 31))
    # After its work but before INV-2026-0001: INV-2026-0002 would predate INV-2026-0001.
    with pytest.raises(
        BillingError,
        match=r"2026-11-05 is before 2026-11-29, the date of INV-2026-0001.*"
        r"earliest allowed issue date is 2026-11-29",
    ):
        issue_invoice(bvault, october, date(2026, 11, 5))
    still = get_invoice(bvault, october)
    assert still.status == "draft" and still.number is None
    assert still.issued_on is None and still.due_on is None
    assert issue_invoice(bvault, october, date(2026, 11, 29)).number == "INV-2026-0002"  # same day
    december = create_invoice(bvault, "acme", "2026-12").id
    with pytest.raises(BillingError, match="earliest allowed issue date is 2026-12-10"):
        issue_invoice(bvault, december, date(2026, 12, 5))
    # Refusals took no number: the numbers stay gapless and in date order.
    assert issue_invoice(bvault, december, date(2026, 12, 10)).number == "INV-2026-0003"
    assert [(i.number, i.issued_on) for i in list_invoices(bvault)] == [
        ("INV-2026-0001", "2026-11-29"),
        ("INV-2026-0002", "2026-11-29"),
        ("INV-2026-0003", "2026-12-10"),
    ]
    # A credit note the same way: not before what it credits, numbers in date order
    with pytest.raises(BillingError, match="earliest allowed credit date is 2026-12-10"):
        credit_invoice(bvault, december, date(2026, 12, 1))
    assert credit_invoice(bvault, december, date(2026, 12, 11)).number == "CN-2026-0001"
    with pytest.raises(BillingError, match="the earliest allowed date is 2026-12-11"):
        credit_invoice(bvault, october, date(2026, 12, 2))


def test_the_cli_refuses_a_misdated_issue(bsettings: Settings) -> None:
    """GIVEN a draft for October 2026 work WHEN `invoice issue --date 2025-12-31`
    THEN the usual error path (exit 1, "Error: ...") names the earliest date; it stays a draft."""
    from tests.ui.test_cli import run, run_json

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-10-03.md", AUTUMN["2026-10-03.md"])
    draft = create_invoice(v, "acme", "2026-10").id
    v.close()
    out = run(bsettings.home, "invoice", "issue", str(draft), "--date", "2025-12-31", code=1)
    assert "Error: issue date 2025-12-31 is before 2026-10-03" in out
    assert "earliest allowed issue date is 2026-10-03" in out
    shown = run_json(bsettings.home, "invoice", "invoice", "show", str(draft))
    assert (shown["status"], shown["number"]) == ("draft", None)
    issued = run_json(
        bsettings.home, "invoice", "invoice", "issue", str(draft), "--date", "2026-10-03"
    )
    assert issued["number"] == "INV-2026-0001"


def test_issuing_with_no_seller_warns(bsettings: Settings) -> None:
    """QA, session 9: with no [me] name or address the invoice's "From" was empty, silently."""
    from click.testing import CliRunner

    from tests.conftest import server_env
    from trailkeep.ui.cli import main

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-10-03.md", AUTUMN["2026-10-03.md"])
    draft = create_invoice(v, "acme", "2026-10").id
    v.close()
    (bsettings.home / "config.toml").write_text('[me]\nname = "Sam Example"\n')
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(bsettings.home)}
    home = ["--home", str(bsettings.home)]
    r = CliRunner().invoke(
        main, [*home, "invoice", "issue", str(draft), "--date", "2026-10-31"], env=env, obj={}
    )
    assert r.exit_code == 0 and "[me] has no address" in r.stderr, r.output
    assert "INV-2026-0001" in r.stdout
    (bsettings.home / "config.toml").write_text('[me]\nname = "Sam"\naddress = "9 Side St"\n')
    r = CliRunner().invoke(main, [*home, "invoice", "render", str(draft)], env=env, obj={})
    assert r.exit_code == 0 and "warning" not in r.stderr and "9 Side St" in r.stdout
    # `invoice show` prints the seller as `render` does (QA, session 10: its "From" was empty)
    r = CliRunner().invoke(main, [*home, "invoice", "show", str(draft)], env=env, obj={})
    assert r.exit_code == 0 and "9 Side St" in r.stdout, r.stdout


def test_the_same_work_in_another_file_is_billed_once(bvault: Vault) -> None:
    """QA, session 9: the month's timesheet exported again under a new name (its rows plus one)
    billed every row a second time. Rows repeated inside one file stay that file's own."""
    from trailkeep.billing import unbilled

    inbox = bvault.settings.inbox
    head = "date,client,hours,description\n"
    rows = "2026-03-02,acme,1.5,Menu review\n2026-03-03,acme,2,Order form bug\n"
    (inbox / "march.csv").write_text(head + rows + "2026-03-03,acme,2,Order form bug\n")
    Ingestor(bvault).ingest_file(inbox / "march.csv")
    first = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    assert [ln.hours for ln in first.lines] == ["1.5", "2", "2"]  # the file's own repeat stays
    (inbox / "march-final.csv").write_text(
        head + rows.upper().replace("ACME", "acme") + "2026-03-04,acme,1,Quick call\n"
    )
    Ingestor(bvault).ingest_file(inbox / "march-final.csv")  # the same rows, in capitals
    assert [u.items for u in unbilled(bvault, date(2026, 4, 30), "acme")] == [1]
    again = create_invoice(bvault, "acme", "2026-03")
    assert [(ln.hours, ln.description[-10:]) for ln in again.lines] == [("1", "Quick call")]
    same = [i for i in list_work(bvault, "acme") if i.same_as is not None]
    assert len(same) == 2 and all("billed once" in (i.problem or "") for i in same)
    assert {i.same_as for i in same} <= {i.id for i in list_work(bvault, "acme")}
    # the first file forgotten, its copy is the work: billable (on the draft's next create)
    discard_draft(bvault, again.id)
    credit_invoice(bvault, first.id, date(2026, 4, 2))
    from trailkeep.vault import forget

    with bvault.engine.connect() as c:
        from sqlalchemy import text

        doc = c.execute(text("SELECT id FROM document WHERE title = 'march.csv'")).scalar_one()
    forget(bvault, document_id=doc)
    assert [ln.hours for ln in create_invoice(bvault, "acme", "2026-03").lines] == ["1.5", "2", "1"]


def test_a_lines_hours_reproduce_its_amount(bvault: Vault) -> None:
    """QA, session 9: 1h20m at 137.50 showed "1.33 | 137.50 | 183.33", and 1.33 × 137.50 is
    182.88. A third of an hour is shown in the minutes it was written in."""
    _ingest(bvault, "2026-03-05.md", "---\ndate: 2026-03-05\n---\n- 1h20m acme: review\n")
    inv = create_invoice(bvault, "acme", "2026-03")
    (line,) = inv.as_json()["lines"]
    assert (line["hours"], line["rate"], line["amount"]) == ("1h20m", "150.00", "200.00")
    md = render("md", inv, {}).decode()
    assert "1h20m" in md and "1.33" not in md
    assert [i.as_json()["hours"] for i in list_work(bvault, "acme")] == ["1h20m"]


def test_a_line_naming_another_client_is_warned_about(bsettings: Settings) -> None:
    """An invoice goes to its client: a work line that names another client is said before the
    invoice is issued or rendered (QA, session 10: Acme's invoice printed Globex's name)."""
    from click.testing import CliRunner

    from tests.conftest import server_env
    from trailkeep.ui.cli import main

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(
        v,
        "2026-10-03.md",
        "# Day\n\n- 1h acme: compared retry code with BetaCorp's engine\n- 2h acme: login fix\n",
    )
    v.close()
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(bsettings.home)}
    home = ["--home", str(bsettings.home)]
    r = CliRunner().invoke(
        main, [*home, "invoice", "create", "--client", "acme", "--period", "2026-10"], env=env
    )
    assert r.exit_code == 0, r.output
    assert "names Beta Logistics" in r.stderr and "login fix" not in r.stderr, r.stderr
    # ... and issuing it is refused until the user says the name is meant (new user's trial,
    # session 31: warned, issued and frozen with another client's codename)
    issue = [*home, "invoice", "issue", "1", "--date", "2026-10-31"]
    r = CliRunner().invoke(main, issue, env=env)
    assert r.exit_code != 0 and "invoice 1 was not issued" in r.output, r.output
    assert "--allow-names" in r.output and "BetaCorp" in r.output
    r = CliRunner().invoke(main, [*home, "invoice", "show", "1", "--json"], env=env)
    assert '"status": "draft"' in r.stdout, r.stdout
    r = CliRunner().invoke(main, [*issue, "--allow-names"], env=env)
    assert r.exit_code == 0 and "INV-2026-0001" in r.stdout, r.output


def test_lines_alike_are_said_before_the_invoice_goes_out(bvault: Vault) -> None:
    """Session 30: the same line twice in one note was billed twice without a word (the same
    work in two files is billed once: `_SAME_WORK`). Both stay billed — two calls are two
    calls, and only the user knows — and it is said before the invoice goes out."""
    from trailkeep.billing import lines_alike

    day = "---\ndate: 2026-03-02\n---\n# Day\n\n- 30m acme: call with Bob\n- 1h acme: export\n"
    _ingest(bvault, "day.md", day + "- 30m acme: Call  with Bob\n- 45m acme: call with Bob\n")
    inv = create_invoice(bvault, "acme", "2026-03")
    assert [ln.hours for ln in inv.lines] == ["0.5", "1", "0.5", "0.75"]
    (said,) = lines_alike(inv)
    assert said.startswith("2 lines read the same ('2026-03-02 call with Bob', 0.5h): each is")
    _ingest(bvault, "other.md", day.replace("03-02", "03-03"))  # another day's call: another
    (said,) = lines_alike(create_invoice(bvault, "acme", "2026-03"))
    assert "more such" not in said
    _ingest(bvault, "day.md", day + "- 30m acme: call with Bob\n- 1h acme: export\n")
    (said,) = lines_alike(create_invoice(bvault, "acme", "2026-03"))
    assert "(and 1 more such group(s))" in said
    _ingest(bvault, "day.md", day)
    assert lines_alike(create_invoice(bvault, "acme", "2026-03")) == []


def test_editing_billed_work_never_bills_it_twice(bvault: Vault) -> None:
    """QA, session 12: a line inserted above a billed one took its place (the billed work was
    billed again, the new work never); a label's case or the note's date corrected made every
    line billable again; a credit re-billed a line deleted from its note, and failed once the
    note was forgotten."""
    note = "---\ndate: 2026-03-02\n---\n# Day\n\n- 1h acme: fixed export\n- 20m acme: call\n"
    _ingest(bvault, "day.md", note)
    inv = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    edited = note.replace("- 20m acme: call", "- 4h acme: workshop\n- 30m Acme: call")
    _ingest(bvault, "day.md", edited)
    unbilled = list_work(bvault, "acme", unbilled=True)
    assert [(i.description, i.hours) for i in unbilled] == [("workshop", "4")]
    flagged = [i for i in list_work(bvault, "acme") if i.flag]
    assert [i.description for i in flagged] == ["call"]
    edited = edited.replace("2026-03-02", "2026-04-01")
    _ingest(bvault, "day.md", edited)
    assert [(i.description, i.day) for i in list_work(bvault, "acme", unbilled=True)] == [
        ("workshop", "2026-04-01")
    ]
    # the workshop billed, then deleted from the note, then the invoice credited: not again
    second = create_invoice(bvault, "acme", "2026-04")
    issue_invoice(bvault, second.id, date(2026, 4, 2))
    _ingest(bvault, "day.md", edited.replace("- 4h acme: workshop\n", ""))
    credit_invoice(bvault, second.id, date(2026, 4, 3))
    assert list_work(bvault, "acme", unbilled=True) == []
    credit_invoice(bvault, inv.id, date(2026, 4, 3))
    assert sorted(i.description for i in list_work(bvault, "acme", unbilled=True)) == [
        "call",
        "fixed export",
    ]


def test_an_invoice_whose_note_was_forgotten_can_be_credited(bvault: Vault) -> None:
    from trailkeep.vault.maintenance import forget

    out = Ingestor(bvault).ingest_file(write_note(bvault.settings.inbox, "day.md", MARCH))
    inv = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    assert out.source_id is not None
    forget(bvault, source_id=out.source_id)
    credit = credit_invoice(bvault, inv.id, date(2026, 4, 2))
    assert credit.total == -inv.total
    assert list_work(bvault, "acme", unbilled=True) == []


def test_forgetting_a_client_discards_its_draft_invoice_and_says_what_is_kept(
    bvault: Vault,
) -> None:
    """QA, session 16: `forget --client` left an empty draft invoice behind and said nothing
    of the client's issued invoices (kept: a bookkeeper must keep what was issued)."""
    from trailkeep.vault.maintenance import forget

    _ingest(bvault, "2026-03-04.md", MARCH)
    _ingest(bvault, "2026-04-02.md", MARCH.replace("2026-03-04", "2026-04-02"))
    issued = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    draft = create_invoice(bvault, "acme", "2026-04")
    rep = forget(bvault, client_id="acme")
    assert (rep.invoice_drafts, rep.invoices_kept) == (1, 1)
    assert "1 draft invoice(s) of the client were discarded" in rep.message()
    assert "1 issued invoice(s) and credit note(s) of the client are kept" in rep.message()
    kept = {i.id for i in list_invoices(bvault)}
    assert issued.id in kept and draft.id not in kept


def test_a_draft_follows_the_clients_currency_and_tax_until_it_is_issued(bvault: Vault) -> None:
    """QA, session 12: a draft took the new rate from clients.toml but kept its old currency
    and tax: 95.00/h issued as USD with 0 % tax after the client moved to EUR at 19 %."""
    from dataclasses import replace

    _ingest(bvault, "2026-03-04.md", MARCH)
    draft = create_invoice(bvault, "acme", "2026-03")
    acme = next(c for c in bvault.settings.clients if c.id == "acme")
    moved = replace(acme, rate=Decimal("95.00"), currency="EUR", tax_rate=Decimal("0.19"))
    bvault.settings = replace(
        bvault.settings,
        clients=tuple(moved if c.id == "acme" else c for c in bvault.settings.clients),
    )
    j = get_invoice(bvault, draft.id).as_json()
    assert (j["currency"], j["lines"][0]["rate"]) == ("EUR", "95.00")
    issued = issue_invoice(bvault, draft.id, date(2026, 4, 2))
    assert issued.currency == "EUR" and issued.tax_rate == Decimal("0.19")
    # issued, it keeps what it was issued with whatever clients.toml says later
    bvault.settings = replace(
        bvault.settings,
        clients=tuple(acme if c.id == "acme" else c for c in bvault.settings.clients),
    )
    again = get_invoice(bvault, draft.id)
    assert again.currency == "EUR" and again.tax_rate == Decimal("0.19")
    assert again.total == issued.total


def test_a_draft_priced_otherwise_than_it_was_made_says_so(bvault: Vault) -> None:
    """QA, session 19: a changed hourly rate repriced an open draft, and re-billed work once
    billed on an invoice credited since at the new rate — the total changed and nothing said
    so. Said before it goes out (`invoice create`, `show`, `issue`, the Invoices page)."""
    from dataclasses import replace

    from trailkeep.billing import repriced

    def set_acme(**terms: object) -> None:
        acme = next(c for c in bvault.settings.clients if c.id == "acme")
        bvault.settings = replace(
            bvault.settings,
            clients=tuple(
                replace(acme, **terms) if c.id == "acme" else c  # type: ignore[arg-type]
                for c in bvault.settings.clients
            ),
        )

    _ingest(bvault, "2026-03-04.md", MARCH)
    draft = create_invoice(bvault, "acme", "2026-03")
    assert repriced(bvault, draft) == []
    set_acme(rate=Decimal("150"))  # the same rate written otherwise
    assert repriced(bvault, get_invoice(bvault, draft.id)) == []
    set_acme(rate=Decimal("165.00"), tax_rate=Decimal("0.1"))
    (said,) = repriced(bvault, get_invoice(bvault, draft.id))
    assert "rate 150.00 → 165.00" in said and "tax rate 0.0825 → 0.1" in said
    assert "currency" not in said
    issued = issue_invoice(bvault, draft.id, date(2026, 4, 2))
    assert repriced(bvault, issued) == []  # issued: it is what it says
    credit_invoice(bvault, draft.id, date(2026, 4, 3))
    set_acme(rate=Decimal("180.00"))
    again = create_invoice(bvault, "acme", "2026-03")
    (said,) = repriced(bvault, again)
    assert said.startswith("2 line(s) bill work once billed at another rate")
    assert "at 165.00 on INV-2026-0001, now 180.00" in said
    set_acme(rate=Decimal("165.00"))
    assert repriced(bvault, get_invoice(bvault, again.id)) == [
        "clients.toml changed since this draft was made (rate 180.00 → 165.00): the draft is "
        "priced as clients.toml says now"
    ]


def test_amounts_round_to_the_currencys_smallest_unit(bvault: Vault) -> None:
    """QA, session 14: a JPY invoice billed 4950.33 for 0.33 h at 15001 and totalled
    "13695.36": a yen has no fractions. ISO 4217's minor units: yen whole, dinars to
    thousandths, cents otherwise."""
    from dataclasses import replace

    assert line_amount("0.33", "15001", "JPY") == Decimal("4950")
    assert line_amount("1/3", "100", "jpy") == Decimal("33")
    assert line_amount("1/3", "1", "KWD") == Decimal("0.333")
    assert totals([Decimal("4950"), Decimal("7500")], Decimal("0.10"), "JPY") == (
        Decimal("12450"),
        Decimal("1245"),
        Decimal("13695"),
    )
    _ingest(bvault, "2026-03-04.md", MARCH)
    acme = next(c for c in bvault.settings.clients if c.id == "acme")
    yen = replace(acme, rate=Decimal("15001"), currency="JPY", tax_rate=Decimal("0.10"))
    bvault.settings = replace(
        bvault.settings,
        clients=tuple(yen if c.id == "acme" else c for c in bvault.settings.clients),
    )
    j = get_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id).as_json()
    for amount in (*(ln["amount"] for ln in j["lines"]), j["subtotal"], j["tax"], j["total"]):
        assert "." not in amount, j
    import jsonschema

    from tests.ui.test_cli import schema

    jsonschema.validate({"schema_version": 1, **j}, schema("invoice"))


def test_a_credit_note_names_what_it_credits_and_payments_follow_the_issue(
    bvault: Vault,
) -> None:
    """QA, session 12: a credit note's PDF said "Due None" and no render named the invoice it
    reverses; a payment dated before the invoice was issued was taken."""
    _ingest(bvault, "2026-03-04.md", MARCH)
    inv = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 2))
    with pytest.raises(BillingError, match="before 2026-04-02"):
        mark_paid(bvault, inv.id, date(2026, 4, 1))
    with pytest.raises(BillingError, match="in the future"):  # QA, session 16: "2062"
        mark_paid(bvault, inv.id, date.today() + timedelta(days=2))
    credit = credit_invoice(bvault, inv.id, date(2026, 4, 5))
    with pytest.raises(BillingError, match="credit note"):
        mark_paid(bvault, credit.id, date(2026, 4, 6))
    for fmt in ("md", "html"):
        doc = render(fmt, get_invoice(bvault, credit.id), {}).decode()
        assert "Credits invoice INV-2026-0001" in doc and "None" not in doc, fmt


def test_an_issued_invoice_keeps_the_parties_it_was_issued_to(bvault: Vault) -> None:
    """QA, session 12: re-rendered after the client was renamed and the user moved, an issued
    invoice showed the new names and addresses — not the document that was sent. A credit
    note reverses it to the same parties."""
    from dataclasses import replace

    _ingest(bvault, "2026-03-04.md", MARCH)
    me = {"name": "Sam Q", "address": "9 Side St"}
    bvault.settings = replace(bvault.settings, extra={**bvault.settings.extra, "me": me})
    inv = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 2))
    before = render("md", get_invoice(bvault, inv.id), bvault.settings.me).decode()
    acme = next(c for c in bvault.settings.clients if c.id == "acme")
    renamed = replace(acme, name="Acme Holdings GmbH", billing_address="99 New Rd\nBerlin")
    bvault.settings = replace(
        bvault.settings,
        clients=tuple(renamed if c.id == "acme" else c for c in bvault.settings.clients),
        extra={**bvault.settings.extra, "me": {"name": "Sam Q", "address": "5 Other Ave"}},
    )
    after = render("md", get_invoice(bvault, inv.id), bvault.settings.me).decode()
    assert after == before and "9 Side St" in after and "Acme Holdings" not in after
    credit = credit_invoice(bvault, inv.id, date(2026, 4, 3))
    note = render("md", get_invoice(bvault, credit.id), bvault.settings.me).decode()
    assert "9 Side St" in note and "Acme Holdings" not in note
    # a draft shows what the settings say today
    _ingest(bvault, "2026-03-05.md", MARCH.replace("2026-03-04", "2026-03-05"))
    draft = create_invoice(bvault, "acme", "2026-03")
    shown = render("md", get_invoice(bvault, draft.id), bvault.settings.me).decode()
    assert "Acme Holdings GmbH" in shown and "5 Other Ave" in shown


def test_the_cli_warns_of_an_issue_date_in_the_future(bsettings: Settings) -> None:
    """QA, session 12: `--date 2026-12-01` for an April invoice (a typo) was taken silently,
    and every later invoice of the year was refused until December."""
    from datetime import timedelta

    from click.testing import CliRunner

    from tests.conftest import server_env
    from trailkeep.ui.cli import main

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-10-03.md", AUTUMN["2026-10-03.md"])
    draft = create_invoice(v, "acme", "2026-10").id
    v.close()
    ahead = date.today() + timedelta(days=40)
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(bsettings.home)}
    r = CliRunner().invoke(
        main,
        ["--home", str(bsettings.home), "invoice", "issue", str(draft), "--date", str(ahead)],
        env=env,
        obj={},
    )
    assert r.exit_code == 0, r.output
    assert f"dated {ahead}, 40 day(s) from now" in r.stderr


def test_a_day_of_more_than_24_hours_is_not_billed_until_it_adds_up(bvault: Vault) -> None:
    """Each line under 24 h, the day over it ("22h" typed for "2.2h"; every client counts):
    its lines wait with a problem that says so, a draft holding one cannot be issued, and the
    corrected file bills as usual. Another day's work is not held up."""
    inbox = bvault.settings.inbox
    _ingest(bvault, "2026-03-04.md", MARCH)  # 2.5 h + 20 m acme, 90 m beta
    draft = create_invoice(bvault, "acme", "2026-03")
    head = "date,client,hours,description\n"
    (inbox / "sheet.csv").write_text(head + "2026-03-04,beta,22,Review\n2026-03-05,acme,1,Call\n")
    Ingestor(bvault).ingest_file(inbox / "sheet.csv")
    day = [i for i in list_work(bvault) if i.day == "2026-03-04"]
    assert len(day) == 4
    for i in day:
        assert not i.billable and "adds up to 26h20m across" in str(i.problem), i
        assert "the longest line: “22h beta: Review”" in str(i.problem)  # the culprit, named
    with pytest.raises(BillingError, match="more than 24 in a day"):
        issue_invoice(bvault, draft.id, date(2026, 4, 1))
    # the draft takes the other day's work; the long day's lines stay on it, and block it
    assert [ln.hours for ln in create_invoice(bvault, "acme", "2026-03").lines] == [
        "2.5",
        "1/3",
        "1",
    ]
    assert [i.description for i in list_work(bvault, "beta") if i.billable] == []
    (inbox / "sheet.csv").write_text(head + "2026-03-04,beta,2.2,Review\n2026-03-05,acme,1,Call\n")
    Ingestor(bvault).ingest_file(inbox / "sheet.csv")
    assert all(i.billable for i in list_work(bvault))
    issued = issue_invoice(bvault, draft.id, date(2026, 4, 1))
    assert [ln.hours for ln in issued.lines] == ["2.5", "1/3", "1"]


def test_work_repeated_in_another_file_counts_once_towards_a_day(bvault: Vault) -> None:
    """13 h in a note and the same 13 h in the timesheet is 13 h, not 26: billed once, and
    the day is not over 24 h."""
    inbox = bvault.settings.inbox
    _ingest(bvault, "2026-03-06.md", "---\ndate: 2026-03-06\n---\n# Day\n\n- 13h acme: offsite\n")
    (inbox / "sheet.csv").write_text("date,client,hours,description\n2026-03-06,acme,13,offsite\n")
    Ingestor(bvault).ingest_file(inbox / "sheet.csv")
    items = list_work(bvault, "acme")
    assert len(items) == 2
    assert [i.billable for i in items] == [True, False]  # the copy is "the same work", only
    assert "same work" in str(items[1].problem)
    assert [ln.hours for ln in create_invoice(bvault, "acme", "2026-03").lines] == ["13"]


def _reopen(v: Vault, clients: str) -> Vault:
    """The same home with a new clients.toml, re-attributed as every command does."""
    from tests.conftest import make_settings
    from trailkeep.ingest.reattribution import ensure_current

    home = v.settings.home
    v.close()
    (home / "clients.toml").write_text(clients, encoding="utf-8")
    again = Vault.open(make_settings(home, stable_seconds=0.2), get_embedder("hash"))
    ensure_current(again)
    return again


def test_an_issued_item_stays_the_one_billed_when_its_copy_gains_a_client(
    bsettings: Settings,
) -> None:
    """QA, session 16: a note line under a nickname clients.toml did not know, and the same
    work in the timesheet; the timesheet's row was billed and issued. Once the nickname was
    added, the note's line — the earlier item — became "the one" and was billed again."""
    from tests.output.conftest import CLIENTS

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-03-05.md", "# Daily\n\n- 2h acmeco: fixed the claims export\n")
    sheet = v.settings.inbox / "march.csv"
    sheet.write_text("date,client,hours,description\n2026-03-05,acme,2,fixed the claims export\n")
    Ingestor(v).ingest_file(sheet)
    first = issue_invoice(v, create_invoice(v, "acme", "2026-03").id, date(2026, 4, 1))
    assert first.total == Decimal("324.75")  # 2h at 150.00, tax 8.25 %
    v = _reopen(v, CLIENTS.replace('aliases = ["Acme"]', 'aliases = ["Acme", "acmeco"]'))
    note_line = next(i for i in list_work(v, "acme") if i.origin != "timesheet")
    assert note_line.same_as == first.lines[0].work_item_id and not note_line.billable
    with pytest.raises(BillingError, match="nothing unbilled"):
        create_invoice(v, "acme", "2026-03")
    v.close()


def test_a_draft_whose_client_left_clients_toml_is_listed_and_can_be_discarded(
    bsettings: Settings,
) -> None:
    """QA, session 16: `invoice list`, `show` and `discard` all failed ("client 'acme' is
    not in clients.toml") once the client's id changed, issued invoices included. (A changed
    id is refused since session 18; a client taken out of clients.toml leaves the same way.)"""
    from tests.output.conftest import CLIENTS

    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-03-04.md", MARCH)
    issued = issue_invoice(v, create_invoice(v, "acme", "2026-03").id, date(2026, 4, 1))
    _ingest(v, "2026-04-02.md", "# Daily\n\n- 1h acme: audit\n")
    draft = create_invoice(v, "acme", "2026-04")
    v = _reopen(v, CLIENTS[CLIENTS.index('[[client]]\nname = "Beta') :])
    listed = {i.id: i for i in list_invoices(v)}
    assert listed[issued.id].number == "INV-2026-0001" and not listed[issued.id].problem
    assert "not in clients.toml" in listed[draft.id].problem
    assert "not in clients.toml" in listed[draft.id].as_json()["problem"]
    with pytest.raises(BillingError, match=r"not in clients\.toml"):
        issue_invoice(v, draft.id, date(2026, 5, 1))
    discard_draft(v, draft.id)
    assert [i.id for i in list_invoices(v)] == [issued.id]
    v.close()


def test_a_timesheet_rate_is_read_as_written_or_refused(bvault: Vault) -> None:
    """QA, session 16: "1,250" was billed as 1.25 — a thousand times less — and "1e3" and
    "-0" were printed as "1E+3" and "-0". "1,250" is refused (thousands or decimals?), named
    by its line; the other rows are kept."""
    p = bvault.settings.inbox / "rates.csv"
    p.write_text(
        "date,client,hours,description,rate\n"
        '2026-03-02,acme,1,on-site day,"1,250"\n'
        '2026-03-03,acme,1,on-site day 2,"1,250.00"\n'
        '2026-03-04,acme,1,on-site day 3,"1.250,50"\n'
        "2026-03-05,acme,1,expert day,1e3\n"
        "2026-03-06,acme,1,pro bono,-0\n",
        encoding="utf-8",
    )
    report = Ingestor(bvault).ingest_file(p)
    assert "line 2" in str(report) and "ambiguous" in str(report)
    rates = {i.description: i.rate for i in list_work(bvault, "acme")}
    assert rates == {
        "on-site day 2": "1250.00",
        "on-site day 3": "1250.50",
        "expert day": "1000",
        "pro bono": "0",
    }


def test_the_same_work_written_another_way_is_billed_once(bvault: Vault) -> None:
    """QA, session 16: the note's `1h20m` and `20m` against the timesheet's 1.33 and 0.33,
    "Überprüfung" against "überprüfung" (SQLite's lower() is ASCII), and a double space each
    billed the work twice."""
    _ingest(
        bvault,
        "2026-03-05.md",
        "# Daily\n\n- 1h20m acme: schema review\n- 20m acme: standup\n"
        "- 1.5h acme: Überprüfung der Daten\n- 1h acme: call with  Dana\n",
    )
    sheet = bvault.settings.inbox / "march.csv"
    sheet.write_text(
        "date,client,hours,description\n2026-03-05,acme,1.33,schema review\n"
        "2026-03-05,acme,0.33,standup\n2026-03-05,acme,1.5,überprüfung der daten\n"
        "2026-03-05,acme,1,Call with Dana\n",
        encoding="utf-8",
    )
    Ingestor(bvault).ingest_file(sheet)
    copies = [i for i in list_work(bvault, "acme") if i.same_as is not None]
    assert len(copies) == 4 and all("billed once" in (i.problem or "") for i in copies)
    inv = create_invoice(bvault, "acme", "2026-03")
    assert len(inv.lines) == 4


def test_a_corrected_copy_of_issued_work_is_held_until_the_invoice_is_credited(
    bvault: Vault,
) -> None:
    """QA, session 16: the month's timesheet issued, then exported again as "final" with one
    row corrected (2 h → 2.5 h): the corrected row was billed in full beside the issued one.
    It is held, saying which invoice to credit; a new row of the export is billed."""
    inbox = bvault.settings.inbox
    head = "date,client,hours,description\n"
    (inbox / "march.csv").write_text(
        head + "2026-03-05,acme,2,claims export\n2026-03-06,acme,1,standup\n", encoding="utf-8"
    )
    Ingestor(bvault).ingest_file(inbox / "march.csv")
    first = issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    (inbox / "march-final.csv").write_text(
        head + "2026-03-05,acme,2.5,claims export\n2026-03-06,acme,1,standup\n"
        "2026-03-07,acme,1,review\n",
        encoding="utf-8",
    )
    Ingestor(bvault).ingest_file(inbox / "march-final.csv")
    again = create_invoice(bvault, "acme", "2026-03")
    assert [ln.description[-6:] for ln in again.lines] == ["review"]
    held = next(i for i in list_work(bvault, "acme") if i.hours == "2.5")
    assert "already on INV-2026-0001 with 2 h" in (held.problem or "")
    assert "credit INV-2026-0001" in (held.problem or "")
    # credited, the two files still disagree: the work is billed once, and the held line says
    # which file to correct — never both
    discard_draft(bvault, again.id)
    credit_invoice(bvault, first.id, date(2026, 4, 2))
    fixed = create_invoice(bvault, "acme", "2026-03")
    assert sorted(ln.hours for ln in fixed.lines) == ["1", "1", "2"]
    held = next(i for i in list_work(bvault, "acme") if i.hours == "2.5")
    assert "which says 2 h" in (held.problem or "")


def test_nothing_unbilled_names_billed_work_that_changed_since(bvault: Vault) -> None:
    """QA, session 16: hours added to an invoiced line (2 h → 3 h) showed only in `work
    list`; `invoice create` said "nothing unbilled" and the extra hour was easily never billed."""
    _ingest(bvault, "2026-03-05.md", "# Daily\n\n- 2h acme: claims export\n")
    issue_invoice(bvault, create_invoice(bvault, "acme", "2026-03").id, date(2026, 4, 1))
    _ingest(bvault, "2026-03-05.md", "# Daily\n\n- 3h acme: claims export\n")
    with pytest.raises(BillingError, match=r"1 billed item\(s\) changed since .*credit the"):
        create_invoice(bvault, "acme", "2026-03")


def test_a_client_whose_id_changes_is_refused_not_billed_twice(bsettings: Settings) -> None:
    """QA, session 18: "Acme Health" (no `id =`) renamed "Acme Health Inc." in clients.toml
    became a new client "acme-health-inc"; its invoiced work, dropped in again as a timesheet,
    was billed a second time and its unpaid invoice left its lists. A changed id that shares a
    name with a client holding invoices is refused, naming both, until the id is kept."""
    from tests.ui.test_cli import run, run_json

    toml = bsettings.home / "clients.toml"
    toml.write_text(
        '[[client]]\nname = "Acme Health"\naliases = ["Acme"]\nrate = "100.00"\n', "utf-8"
    )
    note = bsettings.inbox / "2026-03-10.md"
    note.write_text("# 10 March\n- 2h acme: claims export mapping\n", "utf-8")
    run(bsettings.home, "ingest", str(note))
    draft = run_json(
        bsettings.home, "invoice", "invoice", "create", "--client", "acme", "--period", "2026-03"
    )
    run(bsettings.home, "invoice", "issue", str(draft["id"]), "--date", "2026-04-01")
    renamed = toml.read_text("utf-8").replace('"Acme Health"', '"Acme Health Inc."')
    toml.write_text(renamed, "utf-8")
    sheet = bsettings.inbox / "timesheet.csv"
    sheet.write_text("date,client,hours,description\n2026-03-10,Acme,2,claims export mapping\n")
    out = run(bsettings.home, "ingest", str(sheet), code=1)
    assert "'Acme Health Inc.' has the id 'acme-health-inc'" in out
    assert "knows it as 'acme-health'" in out and 'add id = "acme-health"' in out
    out = run(
        bsettings.home, "invoice", "create", "--client", "acme", "--period", "2026-03", code=1
    )
    assert 'add id = "acme-health"' in out
    # the id kept, the name changed: the same work is held, the unpaid invoice still listed
    toml.write_text(renamed.replace("[[client]]\n", '[[client]]\nid = "acme-health"\n'), "utf-8")
    run(bsettings.home, "ingest", str(sheet))
    out = run(
        bsettings.home, "invoice", "create", "--client", "acme", "--period", "2026-03", code=1
    )
    assert "nothing unbilled" in out
    listed = json.loads(
        run(bsettings.home, "invoice", "list", "--client", "acme", "--json", stdout=True)
    )
    assert [i["number"] for i in listed["invoices"]] == ["INV-2026-0001"]


def test_a_draft_made_while_billed_work_changed_says_so(bsettings: Settings) -> None:
    """QA, session 18: a billed "3h" line corrected into "2h" and "1h" made the 1h new work,
    created and issued without a word (the change was said only when nothing else was
    billable): the client paid 4h for 3h. Create and issue now warn, naming the line."""
    from click.testing import CliRunner

    from tests.conftest import server_env
    from tests.ui.test_cli import run
    from trailkeep.ui.cli import main

    def said(*args: str) -> str:  # stdout and stderr: the warnings go to stderr
        env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(bsettings.home)}
        r = CliRunner().invoke(main, ["--home", str(bsettings.home), *args], env=env, obj={})
        assert r.exit_code == 0, r.output
        return r.output

    note = bsettings.inbox / "2026-03-10.md"
    note.write_text("# 10 March\n- 3h acme: data migration\n", "utf-8")
    run(bsettings.home, "ingest", str(note))
    draft = said("invoice", "create", "--client", "acme", "--period", "2026-03")
    assert "changed since" not in draft
    run(bsettings.home, "invoice", "issue", "1", "--date", "2026-04-01")
    note.write_text(
        "# 10 March\n- 2h acme: data migration\n- 1h acme: data migration testing\n", "utf-8"
    )
    run(bsettings.home, "ingest", str(note))
    out = said("invoice", "create", "--client", "acme", "--period", "2026-03")
    assert "warning: 1 billed item(s) changed since" in out and "now: - 2h acme" in out
    # issuing is refused before a number is given, unless --force (review)
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(bsettings.home)}
    r = CliRunner().invoke(
        main, ["--home", str(bsettings.home), "invoice", "issue", "2"], env=env, obj={}
    )
    assert r.exit_code == 1 and "nothing was issued" in r.output and "--force" in r.output
    out = said("invoice", "issue", "2", "--date", "2026-04-02", "--force")
    assert "INV-2026-0002" in out
    assert "changed since" not in said("invoice", "show", "1")  # issued: not warned again


SHEET = """# Timesheet, March–April 2026

Hours worked, for the monthly invoices.

## Acme Health Ltd (Claims)

| Date | Hours | What |
|------------|-------|------|
| 2026-03-04 | 2.0 | Claims export fix |
| 2026-03-04 | 1 | Call with Dana |
| 2026-03-10 | 1.5 | Vendor API (dead end) |
| soon | 2 | Planning the rollout |
| Total | 4.5 | |

## Next week

| Date | Client | Hours | Task |
|---|---|---|---|
| 2026-04-20 | Acme | 4 | Planned rollout |

## Estimate (Acme)

| Date | Hours | What |
|---|---|---|
| 2026-03-30 | 40 | Phase two |

## Pasted invoice

| Date | Client | Hours | Rate | Amount |
|---|---|---|---|---|
| 2026-03-04 | Acme | 2 | 150 | 300.00 |

## April

| Date | Day | Client | Hours | Work |
|---|---|---|---:|---|
| 2026-04-02 | Thu | Acme | 3.00 | Rollout with Dana |
| 7 April 2026 | Tue | Acme | 0:30 | Follow-up call |
| Until 9 April 2026 | Thu | Acme | 1 | Not a date |
| 2026-12-20 | Sun | Acme | 1 | After the note's own day: a plan |

**Totals**

| Client | Hours | Fees |
|---|---:|---:|
| Acme | 8.00 | $1,200.00 |
"""


def test_a_timesheet_kept_as_a_table_is_billed_once_beside_the_notes(bvault: Vault) -> None:
    """Blind trials, sessions 24–27: each vault kept its timesheet as a markdown table (a
    heading per client, or a client column) and none of it was billed; its notes repeated part
    of it, under the same day or the note's own later date, in other words. The table's rows
    are billed; a note's line of a month the table covers is held, never billed twice."""
    from trailkeep.billing import unread_hours

    _ingest(
        bvault, "2026-03-04.md", "# Day\n\n- 2h acme: fixed the claims export\n- 1h acme: call\n"
    )
    _ingest(bvault, "2026-03-20-dead-end.md", "# Dead end\n\n- 1.5h acme: the vendor API\n")
    _ingest(bvault, "2026-05-02.md", "# Day\n\n- 1h acme: May planning\n")  # no table covers May
    _ingest(bvault, "timesheet.md", SHEET)
    march = create_invoice(bvault, "acme", "2026-03")
    assert [(ln.hours, ln.description[11:]) for ln in march.lines] == [
        ("2", "Claims export fix"),
        ("1", "Call with Dana"),
        ("1.5", "Vendor API (dead end)"),
    ]
    april = create_invoice(bvault, "acme", "2026-04")
    assert [(ln.hours, ln.description[:10]) for ln in april.lines] == [
        ("3", "2026-04-02"),
        ("0.5", "2026-04-07"),  # "0:30" in an hours column, the month by its name
    ]
    assert [ln.hours for ln in create_invoice(bvault, "acme", "2026-05").lines] == ["1"]
    # what is planned, estimated, invoiced, after the note's own day or not a date is no work
    days = {i.day for i in list_work(bvault, "acme") if i.origin == "table"}
    assert days == {"2026-03-04", "2026-03-10", "2026-04-02", "2026-04-07"}
    held = [i for i in list_work(bvault, "acme") if i.origin == "line" and i.day < "2026-05"]
    assert len(held) == 3 and all("the timesheet “Timesheet" in str(i.problem) for i in held)
    # the undated row is named, never billed; the total and the summary table are neither
    assert unread_hours(bvault) and "timesheet.md" in unread_hours(bvault)[0]
    with bvault.engine.connect() as c:
        from sqlalchemy import text

        said = c.execute(text("SELECT error FROM source WHERE path LIKE '%timesheet.md'")).scalar()
    assert "Planning the rollout" in said and "1,200" not in said and "Total" not in said


def test_unread_hours_are_said_on_the_invoices_they_may_belong_to(bvault: Vault) -> None:
    """New user's trial, session 30: the podcast studio's invoice warned "hours in
    2026-10-21.md are not billed" — the ski shop's open task. Another client's label and an
    open task (planned, not worked) are not said on this client's invoice; a line of no label
    is, on every client's."""
    from trailkeep.billing import unread_hours

    _ingest(bvault, "2026-03-04.md", "# Day\n\n- [ ] 1h beta: write the runbook\n- 25h beta: x\n")
    assert unread_hours(bvault) and unread_hours(bvault, "beta")
    assert unread_hours(bvault, "acme") == []
    _ingest(bvault, "2026-03-05.md", "# Day\n\n- [ ] 2h acme: planned\n")
    assert unread_hours(bvault, "acme") == []  # planned, not worked
    _ingest(bvault, "2026-03-06.md", "# Day\n\n- 7.5 acme: no unit\n")
    (said,) = unread_hours(bvault, "acme")
    assert "2026-03-06.md" in said and "2026-03-04.md" not in said


def test_a_month_billed_from_notes_is_not_billed_again_from_the_table(
    bsettings: Settings,
) -> None:
    """A note's line billed and issued before the timesheet arrived: the table's rows of that
    client and month are held — the issued line may be any of them, under any day and words
    (review) — until that invoice is credited; then the month is billed from the table."""
    v = Vault.open(bsettings, get_embedder("hash"))
    _ingest(v, "2026-03-04.md", "# Day\n\n- 2h acme: fixed the claims export\n")
    first = issue_invoice(v, create_invoice(v, "acme", "2026-03").id, date(2026, 4, 1))
    assert [ln.hours for ln in first.lines] == ["2"]
    _ingest(v, "timesheet.md", SHEET)
    with pytest.raises(BillingError, match="nothing unbilled"):  # not the 2h of March 4 again
        create_invoice(v, "acme", "2026-03")
    rows = [i for i in list_work(v, "acme") if i.origin == "table" and i.day < "2026-04"]
    assert len(rows) == 3 and all("on INV-2026-0001" in str(i.problem) for i in rows)
    # credited, the month is billed from the timesheet, the note's line held for it
    credit_invoice(v, first.id, date(2026, 4, 2))
    again = create_invoice(v, "acme", "2026-03")
    assert [ln.hours for ln in again.lines] == ["2", "1", "1.5"]
    v.close()


def test_a_heading_names_its_client_without_the_legal_form_and_after_clients_toml(
    tmp_path: Path,
) -> None:
    """A timesheet dropped before clients.toml: its heading ("Acme Health Ltd (Claims)") is an
    unknown label, and once clients.toml names "Acme Health" the rows are Acme's; a heading
    that names a period is no client."""
    from tests.output.conftest import CLIENTS
    from trailkeep.ingest.worklog import heading_label
    from trailkeep.vault.clients import loose_label_key

    assert loose_label_key("Acme Pty. Ltd.") == loose_label_key("ACME") == "acme"
    assert loose_label_key("Marren Boat Hire B.V.") == "marren-boat-hire"
    assert heading_label("Timesheet > August 2026", frozenset({"acme"})) is None
    assert heading_label("Timesheet", frozenset()) is None
    assert heading_label("T > Acme Health Ltd (Claims)", frozenset({"acme health"})) == (
        "Acme Health Ltd"
    )
    assert heading_label("T > Acme Health Ltd (Claims)", frozenset()) is None  # no guess
    v = Vault.open(two_client_settings(tmp_path / "home", clients=""), get_embedder("hash"))
    _ingest(v, "timesheet.md", SHEET)
    # the client column's rows are items of a label clients.toml will name; the heading's
    # rows wait, said so, and are read again when clients.toml names a client
    assert {i.day for i in list_work(v) if i.origin == "table"} == {"2026-04-02", "2026-04-07"}
    with v.engine.connect() as c:
        from sqlalchemy import text

        said = c.execute(text("SELECT error FROM source WHERE path LIKE '%timesheet.md'")).scalar()
    assert "'Acme Health Ltd' over a timesheet table is no client's yet" in said
    v = _reopen(v, CLIENTS)
    assert [ln.hours for ln in create_invoice(v, "acme", "2026-03").lines] == ["2", "1", "1.5"]
    v.close()


@pytest.mark.parametrize("name", ["vetferry", "librarylinen", "glasshouseboats"])
def test_each_blind_vaults_timesheet_is_billed_to_its_own_totals(tmp_path: Path, name: str) -> None:
    """Three vaults written blind (sessions 24–26) keep their hours in a timesheet table and
    repeat part of them in notes, under other days and words. Files dropped before
    clients.toml; then every client's monthly draft bills exactly what the timesheet's own
    total line says ("fernhill May: 19.0h = £1,615.00")."""
    import re
    import shutil

    data = Path(__file__).resolve().parents[1] / "fixtures" / name
    v = Vault.open(two_client_settings(tmp_path / "home", clients=""), get_embedder("hash"))
    files = [p for p in sorted(data.iterdir()) if p.suffix in (".md", ".eml", ".json")]
    Ingestor(v).ingest_paths(files)
    v = _reopen(v, (data / "clients.toml").read_text(encoding="utf-8"))
    (sheet,) = data.glob("*timesheet*.md")
    year = sheet.name[:4]
    months = {
        m: f"{i:02d}"
        for i, m in enumerate(
            (
                "January February March April May June "
                "July August September October November December"
            ).split(),
            start=1,
        )
    }
    said = re.findall(r"^(\w+) (\w+): ([\d.]+)h = \D?([\d,]+\.\d\d)", sheet.read_text(), re.M)
    assert len(said) >= 4
    for client, month, hours, amount in said:
        inv = create_invoice(v, client, f"{year}-{months[month]}")
        assert sum(Decimal(ln.hours) for ln in inv.lines) == Decimal(hours), (client, month)
        assert inv.subtotal == Decimal(amount.replace(",", "")), (client, month)
    lines = [i for i in list_work(v) if i.origin == "line"]  # the notes' repetitions
    assert lines and all(i.invoice_id is None and i.problem for i in lines)
    assert any("the timesheet" in str(i.problem) for i in lines)
    v.close()
    shutil.rmtree(tmp_path / "home", ignore_errors=True)
