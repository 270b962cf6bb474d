"""Email: threads across files and order, quotes stripped, clients, attachments, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import corpora, make_settings
from trailkeep.ingest import Ingestor, walk
from trailkeep.ingest.parsers.email import normalize_subject, shown_subject, strip_quotes
from trailkeep.recall import search
from trailkeep.vault import Vault, doctor, get_embedder, init_home, status


def mail(
    mid: str,
    subject: str,
    body: str,
    *,
    frm: str = "Cara Client <cara@acme.example>",
    to: str = "Sam <sam@me.example>",
    date: str = "Mon, 02 Mar 2026 10:00:00 +0100",
    irt: str | None = None,
    refs: str | None = None,
    extra: str = "",
) -> bytes:
    h = [
        f"From: {frm}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{mid}>",
    ]
    if irt:
        h.append(f"In-Reply-To: <{irt}>")
    if refs:
        h.append(f"References: {refs}")
    return ("\r\n".join(h) + extra + "\r\n\r\n" + body).encode()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    (h / "config.toml").write_text('[me]\nname = "Sam"\nemails = ["sam@me.example"]\n')
    (h / "clients.toml").write_text(
        '[[client]]\nname = "Acme Health"\nid = "acme"\ndomains = ["acme.example"]\n\n'
        '[[client]]\nname = "Globex"\ndomains = ["globex.example"]\nemails = ["boss@partner.example"]\n'
    )
    return h


def open_home(home: Path) -> Vault:
    s = make_settings(home)
    init_home(s)
    return Vault.open(s, get_embedder("hash"))


def threads(v: Vault) -> dict[str, list[str]]:
    with v.engine.connect() as c:
        out: dict[str, list[str]] = {}
        for ext, key in c.execute(
            text(
                "SELECT d.external_id, e.key FROM entry e JOIN document d ON d.id = e.document_id "
                "WHERE d.kind = 'email' AND e.kind = 'email' ORDER BY e.ts"
            )
        ):
            out.setdefault(str(ext), []).append(str(key))
    return out


def test_thread_out_of_order_across_files_and_formats(home: Path) -> None:
    v = open_home(home)
    inbox = v.settings.inbox
    root = mail("m1@acme", "Registry import", "Why do patients appear twice?")
    reply = mail(
        "m2@me",
        "Re: Registry import",
        "Two clinics reuse record numbers.\n\nOn Mon, Cara wrote:\n> Why do patients appear twice?\n",
        frm="Sam <sam@me.example>",
        to="cara@acme.example",
        date="Mon, 02 Mar 2026 12:00:00 +0100",
        irt="m1@acme",
        refs="<m1@acme>",
    )
    third = mail(
        "m3@acme",
        "RE: [acme] Registry import",
        "Thanks, so match on clinic too?\n\n-- \nCara\nAcme Health",
        date="Tue, 03 Mar 2026 09:00:00 +0100",
        irt="m2@me",
        refs="<m1@acme> <m2@me>",
    )
    ing = Ingestor(v)
    (inbox / "3.eml").write_bytes(third)  # the newest arrives first
    ing.ingest_file(inbox / "3.eml")
    (inbox / "box.mbox").write_bytes(
        b"From cara@acme.example Mon Mar  2 10:00:00 2026\n"
        + root.replace(b"\r\n", b"\n")
        + b"\n\n"
        + b"From sam@me.example Mon Mar  2 12:00:00 2026\n"
        + reply.replace(b"\r\n", b"\n")
        + b"\n"
    )
    out = ing.ingest_file(inbox / "box.mbox")
    assert out.status == "ingested" and out.documents == 2
    (inbox / "again.eml").write_bytes(reply)  # the same message again, as an .eml
    ing.ingest_file(inbox / "again.eml")
    t = threads(v)
    assert list(t.values()) == [["m1@acme", "m2@me", "m3@acme"]]
    with v.engine.connect() as c:
        links = c.execute(text("SELECT COUNT(*) FROM link WHERE kind = 'reply_to'")).scalar_one()
        clients = dict(c.execute(text("SELECT key, client_id FROM entry WHERE kind='email'")).all())
        texts = dict(c.execute(text("SELECT key, text FROM entry WHERE kind='email'")).all())
    assert links == 2  # m2 -> m1 (parent arrived later) and m3 -> m2
    assert clients == {
        "m1@acme": "acme",
        "m2@me": "acme",
        "m3@acme": "acme",
    }  # outgoing -> recipient
    assert "Why do patients" not in texts["m2@me"]  # the quote is stripped for indexing
    assert "Cara\nAcme Health" not in texts["m3@acme"]  # the signature too
    hits = search(v, "patients appear twice", k=5)
    assert [h.entry_id for h in hits if "appear twice" in h.quote].__len__() == 1
    assert doctor(v).ok
    v.close()


def test_a_message_reusing_another_ones_id_never_writes_over_it(home: Path) -> None:
    """QA, session 14: a mail from client B carrying client A's Message-ID replaced A's
    message (B's text, B's client, in A's thread); a spoofed From with A's address did too,
    turning A's message into "the deal is off". It is kept apart, in its own thread, and said;
    the same message again (.eml, then inside an .mbox) is still one message."""
    v = open_home(home)
    inbox = v.settings.inbox
    ing = Ingestor(v)
    (inbox / "a.eml").write_bytes(mail("a-1@acme.example", "Pricing", "The price is 4.2M."))
    assert ing.ingest_file(inbox / "a.eml").status == "ingested"
    b = mail("a-1@acme.example", "Hello", "Hello from Globex.", frm="Rex <rex@globex.example>")
    (inbox / "b.eml").write_bytes(b)
    out = ing.ingest_file(inbox / "b.eml")
    assert out.status == "partial" and "reusing the Message-ID" in (out.error or "")
    spoof = mail("a-1@acme.example", "Pricing", "CORRECTION: the deal is off.")
    (inbox / "spoof.eml").write_bytes(spoof)
    ing.ingest_file(inbox / "spoof.eml")
    again = b"From sam@me.example Mon Mar  2 10:00:00 2026\n" + mail(
        "a-1@acme.example", "Pricing", "The price is 4.2M."
    ).replace(b"\r\n", b"\n")
    (inbox / "copy.mbox").write_bytes(again)
    ing.ingest_file(inbox / "copy.mbox")
    with v.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT e.key, e.text, e.client_id, d.external_id FROM entry e "
                "JOIN document d ON d.id = e.document_id WHERE e.kind = 'email' ORDER BY e.id"
            )
        ).all()
    first = rows[0]
    assert first[0] == "a-1@acme.example" and first[1] == "The price is 4.2M."
    assert first[2] == "acme"
    others = rows[1:]
    assert len(others) == 2  # B's and the spoof, each its own; the .mbox copy is the same
    assert all(r[0].startswith("a-1@acme.example#reused-") for r in others)
    assert all(r[3] != first[3] for r in others)  # not in A's thread
    assert {r[2] for r in others if "Globex" in r[1]} == {"globex"}
    # an .mbox that grew is read again, and a message of it read differently (this version's
    # parser, an edit of the archive) is that message, not a collision
    box = inbox / "archive.mbox"
    box.write_bytes(b"From x Mon Mar  2 10:00:00 2026\n" + mail("m-1@acme.example", "Plan", "v1"))
    ing.ingest_file(box)
    box.write_bytes(
        b"From x Mon Mar  2 10:00:00 2026\n"
        + mail("m-1@acme.example", "Plan", "v1, read better")
        + b"\nFrom x Tue Mar  3 10:00:00 2026\n"
        + mail("m-2@acme.example", "Plan", "v2")
    )
    assert ing.ingest_file(box).status == "ingested"
    assert not rows_like(v, "m-1@acme.example#reused-%")
    v.close()


def rows_like(v: Vault, pattern: str) -> list[object]:
    with v.engine.connect() as c:
        return list(c.execute(text("SELECT key FROM entry WHERE key LIKE :p"), {"p": pattern}))


def test_a_from_of_one_client_with_a_reply_to_of_another_is_nobodys(home: Path) -> None:
    """QA, session 14: B's mail with A's address in From (Reply-To, Sender at B) was A's: in A's
    drafts, whose reply — quoting A's history — would go to B's Reply-To. A From and a Reply-To
    of two clients is in neither scope, for review; a Reply-To of the same client is fine."""
    v = open_home(home)
    inbox = v.settings.inbox
    spoof = mail(
        "spoof-1@acme.example",
        "Correction",
        "CORRECTION: the deal is off. Send the notes to me.",
        extra="\r\nReply-To: Rex <rex@globex.example>\r\nSender: rex@globex.example",
    )
    fine = mail(
        "fine-1@acme.example",
        "Notes",
        "Here are the notes.",
        extra="\r\nReply-To: Team <team@acme.example>",
    )
    for name, raw in (("spoof.eml", spoof), ("fine.eml", fine)):
        (inbox / name).write_bytes(raw)
        Ingestor(v).ingest_file(inbox / name)
    with v.engine.connect() as c:
        scopes = dict(c.execute(text("SELECT key, scope FROM entry WHERE kind = 'email'")).all())
    assert scopes == {"spoof-1@acme.example": "!", "fine-1@acme.example": "acme"}
    v.close()


def test_subject_fallback_threads_mail_without_headers(home: Path) -> None:
    v = open_home(home)
    inbox = v.settings.inbox
    ing = Ingestor(v)
    (inbox / "a.eml").write_bytes(mail("a@acme", "Invoice format", "Can you use PDF?"))
    (inbox / "b.eml").write_bytes(
        mail(
            "b@me",
            "Re: Invoice format",
            "Yes.",
            frm="sam@me.example",
            to="cara@acme.example",
            date="Tue, 03 Mar 2026 10:00:00 +0100",
        )
    )
    (inbox / "c.eml").write_bytes(
        mail(
            "c@other",
            "Re: Invoice format",
            "Unrelated person, same subject.",
            frm="x@stranger.example",
            to="y@stranger.example",
            date="Tue, 03 Mar 2026 11:00:00 +0100",
        )
    )
    for n in ("a.eml", "b.eml", "c.eml"):
        ing.ingest_file(inbox / n)
    groups = sorted(threads(v).values())
    assert groups == [["a@acme", "b@me"], ["c@other"]]
    st = status(v)
    assert st["unattributed"]["emails"] == 1
    assert st["unattributed"]["domains"][0]["domain"] == "stranger.example"
    v.close()


def test_a_listed_address_html_only_and_attachments(home: Path) -> None:
    v = open_home(home)
    inbox = v.settings.inbox
    body = (
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        "--XX\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n"
        "<html><head><style>p{}</style></head><body><p>Caf\xe9 <b>budget</b> approved</p>"
        "<script>evil()</script></body></html>\r\n"
        "--XX\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=hours.csv\r\n\r\n"
        "date,hours\r\n2026-03-01,2.5\r\n"
        "--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n"
    )
    raw = (
        b"From: Boss <boss@partner.example>\r\nTo: sam@me.example\r\nSubject: Budget\r\n"
        b"Date: Wed, 04 Mar 2026 10:00:00 +0000\r\nMessage-ID: <bud@acme>\r\n"
    ) + body.encode("latin-1")
    (inbox / "b.eml").write_bytes(raw)
    assert Ingestor(v).ingest_file(inbox / "b.eml").status == "ingested"
    with v.engine.connect() as c:
        rows = {
            r[0]: r[1:] for r in c.execute(text("SELECT kind, text, client_id, meta FROM entry"))
        }
    # listed under Globex (at another client's domain it would be refused: test_attribution)
    assert rows["email"][1] == "globex"
    assert "Café budget approved" in rows["email"][0] and "evil" not in rows["email"][0]
    assert "2026-03-01,2.5" in rows["attachment"][0]
    assert '"a.pdf"' in rows["email"][2]  # every attachment's metadata is kept
    v.close()


def test_broken_messages_do_not_stop_an_mbox(home: Path) -> None:
    v = open_home(home)
    good = mail("g@acme", "Fine", "A fine message.").replace(b"\r\n", b"\n")
    nested = b"Content-Type: multipart/mixed; boundary=A\n\n" + b"".join(
        f"--A\nContent-Type: multipart/mixed; boundary=B{i}\n\n".encode() for i in range(400)
    )
    box = (
        b"From a@b Mon Mar  2 10:00:00 2026\n" + good + b"\n\n"
        b"From a@b Mon Mar  2 10:00:01 2026\nthis line is not a header\n\njunk\n\n"
        b"From a@b Mon Mar  2 10:00:02 2026\nFrom: deep@acme.example\nSubject: deep\n" + nested
    )
    (v.settings.inbox / "x.mbox").write_bytes(box)
    t0 = time.perf_counter()
    out = Ingestor(v).ingest_file(v.settings.inbox / "x.mbox")
    assert time.perf_counter() - t0 < 10
    assert out.status == "partial" and out.documents == 2
    assert "message 2" in (out.error or "")
    v.close()


def test_quote_and_subject_helpers() -> None:
    assert normalize_subject("RE: Fwd: [acme-list] Re[2]:  Export  plan") == "export plan"
    # the thread's title keeps its writer's case (QA: "evv rejections from the aggregator")
    assert shown_subject("RE: Fwd: [acme-list] Re[2]:  EVV  plan") == "EVV plan"
    body, removed = strip_quotes(
        "Sounds good.\n\nOn Tue, 3 Mar 2026, Cara <c@x> wrote:\n> old\n> text\n\n-- \nSam\n"
    )
    assert body == "Sounds good." and removed > 0
    outlook, _ = strip_quotes("Yes.\n\n-----Original Message-----\nFrom: x\nSent: y\nold stuff")
    assert outlook == "Yes."
    # a forward is new to the user: its message is kept (QA, session 12)
    fwd, _ = strip_quotes(
        "FYI, from our old vendor.\n\n---------- Forwarded message ---------\nFrom: TextBridge "
        "<no-reply@textbridge.example>\nSubject: API v1\n\nAPI v1 retires on April 30, 2026.\n"
    )
    assert fwd.startswith("FYI") and "retires on April 30, 2026" in fwd
    # Supercite quotes each line under the writer's initials (blind trial, session 22: the
    # quoted lines were cited as the replier's and put in the replier's client's scope)
    sc, _ = strip_quotes(
        "Lars wrote:\n\n LK> Resulted in lines of errors:\n LK>   Too many open files\n\n"
        "See the patch just posted here.\n\nLK> Is the list archived anywhere?\nYes, on gmane.\n"
    )
    assert sc == "Lars wrote:\n\nSee the patch just posted here.\n\nYes, on gmane.", sc
    # one line under capitals is a quote too; a word before ">" in a sentence is not
    one, _ = strip_quotes("JS> Can you ship it Friday?\nFriday works.\nThe ratio a>b holds.")
    assert one == "Friday works.\nThe ratio a>b holds.", one
    # a console session pasted is not a quote (review)
    sql, _ = strip_quotes("It fails here:\nSQL> select 1;\nSQL> select 2;\nAny idea?")
    assert "SQL> select 2;" in sql
    # an Outlook block at the top keeps its old body out; a forward under a phone's sign-off
    # stays; "notify the sender" alone is a client's request (review)
    top, _ = strip_quotes(
        "From: Ben <ben@b.example>\nSent: Monday\nTo: Sam\nSubject: RE: x\n\nOur ceiling is "
        "48k.\n\n> Sam wrote:\n> old"
    )
    assert "48k" not in top
    fwd, _ = strip_quotes(
        "FYI\n\nSent from my iPhone\n\nBegin forwarded message:\n\nFrom: x\nTotal $12,480."
    )
    assert "$12,480" in fwd
    ask_, _ = strip_quotes("Approved.\n\nCould you notify the sender and ask for an address?")
    assert ask_.endswith("address?")
    # a phone's sign-off and a legal footer without "-- " are not the sender's words (same)
    foot, _ = strip_quotes(
        "Weekly please.\n\nGreta\nSent from my iPhone\n\nIf you are not the intended "
        "recipient of this message, please notify the sender and delete it."
    )
    assert foot == "Weekly please.\n\nGreta", foot
    legal, _ = strip_quotes(
        "Approved.\n\nCONFIDENTIALITY NOTICE: this e-mail may contain privileged information."
    )
    assert legal == "Approved."
    mine, _ = strip_quotes("Approved.\n\nPlease treat it as confidential information and say so.")
    assert mine.endswith("say so."), mine  # a client's own last words stay
    # a list's attribution in header form over the quote, the answer under it (notmuch)
    dave, _ = strip_quotes(
        "From: Joe Perches <joe@perches.com>\nDate: Sun, 14 Nov 2010 19:04:58 -0800\n\n"
        "> Signed-off-by: Joe Perches <joe@perches.com>\n\nApplied."
    )
    assert dave == "Applied.", dave
    only, _ = strip_quotes("This message is intended only for the addressee.")
    assert only == "This message is intended only for the addressee."


@pytest.mark.parametrize(
    "header",
    [
        "Von: Oscar <o@b.example>\nGesendet: Montag, 2. März 2026 10:00\nAn: Dana",
        "De : Oscar <o@b.example>\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : Dana",
        "De: Oscar <o@b.example>\nEnviado: lunes, 2 de marzo de 2026\nPara: Dana",
        "Van: Oscar <o@b.example>\nVerzonden: maandag 2 maart 2026\nAan: Dana",
        "On Mon, 2 Mar 2026, Oscar <o@b.example> wrote:",  # the old mail without ">"
        "El lun, 2 mar 2026 a las 10:00, Oscar (<o@b.example>) escribió:",
    ],
)
def test_quoted_history_under_any_outlook_header_is_not_the_senders(header: str) -> None:
    """QA, session 17: the quoted mail under a German, French, Spanish or Dutch Outlook header,
    or under "On … wrote:" without ">", was kept as the sender's own words — another client's
    figures in this client's scope, and the user's own questions as the client's points."""
    body, _ = strip_quotes(f"Agreed, let's go with that.\n\n{header}\n\nThe reserve is 41.\n")
    assert body == "Agreed, let's go with that."
    kept, _ = strip_quotes("Hola,\nDe nada, de verdad.\nFecha: la semana que viene.\n")
    assert "Fecha" in kept  # words that only look like a header stay


def _text_of(raw: bytes) -> str:
    from email import message_from_bytes, policy

    from trailkeep.ingest.parsers.email import message_record

    return message_record(message_from_bytes(raw, policy=policy.default), raw, "t").entries[0].text


def _html_mail(html: str) -> bytes:
    return mail("h@acme.example", "RE: plan", html, extra="\r\nContent-Type: text/html")


def test_an_html_reply_keeps_only_its_new_words() -> None:
    """Outlook (a header block on separate lines, or #divRplyFwdMsg), Gmail (div.gmail_quote)
    and blockquotes: the message replied to is not the client's new text (QA, session 13: an
    old "by Friday" was read again from the reply's date)."""
    outlook = (
        "<p>Please have the spec ready before March 3.</p><p>Dana</p>"
        "<div style='border-top:solid #E1E1E1 1.0pt'><p><b>From:</b> Sam<br><b>Sent:</b> "
        "Tuesday<br><b>Subject:</b> Re: plan</p></div><p>Yes, on Thursday.</p>"
        "<blockquote><p>Could you send it by Friday?</p></blockquote>"
    )
    assert _text_of(_html_mail(outlook)) == "Please have the spec ready before March 3.\n\nDana"
    web = "<div>New words.</div><div id=divRplyFwdMsg><b>From:</b> x</div><div>old words</div>"
    assert _text_of(_html_mail(web)) == "New words."
    gmail = (
        "<div>Sounds good.</div><div class=gmail_quote><div class=gmail_attr>On Mon, Sam "
        "wrote:</div><blockquote class=gmail_quote>by Friday</blockquote></div>"
    )
    assert _text_of(_html_mail(gmail)) == "Sounds good."
    inline = "<p>See below.</p><p>On Mon, Sam wrote:</p><blockquote>old</blockquote><p>Yes.</p>"
    assert _text_of(_html_mail(inline)) == "See below.\n\nYes."
    # a forward is what was sent to the user: kept, in HTML as in plain text
    fwd = (
        "<div>FYI.</div><div class=gmail_quote><div class=gmail_attr>---------- Forwarded "
        "message ---------<br>From: TextBridge</div><div>API v1 retires on April 30.</div></div>"
    )
    assert "API v1 retires on April 30." in _text_of(_html_mail(fwd))
    apple = (
        "<div>FYI</div><div>Begin forwarded message:</div><blockquote>Rates rise 7%.</blockquote>"
    )
    assert "Rates rise 7%." in _text_of(_html_mail(apple))


def test_a_line_break_of_the_html_source_is_a_space() -> None:
    """Blind trial, session 22: the source's own line break after a <br> split a question in
    two paragraphs, and the draft listed its second half as a point."""
    html = (
        "<html><body><div>Hi Sam,<br><br>One more: could you add the depot code to the<br>\n"
        "file name, so the operators can\ntell the uploads apart?<br><br>Dana</div>"
        "<pre>code line 1\ncode line 2</pre></body></html>"
    )
    assert _text_of(_html_mail(html)) == (
        "Hi Sam,\n\nOne more: could you add the depot code to the\nfile name, so the operators "
        "can tell the uploads apart?\n\nDana\ncode line 1\ncode line 2"
    )


def _forward_as_attachment(outer: str, html: bool, depth: int = 1) -> bytes:
    from email.message import EmailMessage

    inner = EmailMessage()
    inner["From"], inner["Subject"] = "Carrier <d@carrier.example>", "Rate notice"
    inner["Date"] = "Tue, 24 Feb 2026 07:00:00 -0600"
    inner.set_content("Dear customer,\n\nThe linehaul rate rises 7 percent on April 1.\n")
    for _ in range(depth - 1):
        wrap = EmailMessage()
        wrap["Subject"] = "Fwd: Rate notice"
        wrap.set_content("again")
        wrap.add_attachment(inner)
        inner = wrap
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "Rosa <rosa@mesa.example>", "sam@me.example", "Fwd"
    m["Date"], m["Message-ID"] = "Thu, 26 Feb 2026 09:00:00 -0600", "<f@mesa.example>"
    m.set_content(outer, subtype="html" if html else "plain")
    m.add_attachment(inner)
    return bytes(m)


def test_a_message_forwarded_as_an_attachment_is_kept_after_the_senders_words() -> None:
    """Its text was merged into the sender's: cut by her signature, or put in place of her
    HTML-only words (QA, session 13)."""
    signed = _text_of(_forward_as_attachment("Can you factor it in?\n\n-- \nRosa\n", False))
    assert signed.startswith("Can you factor it in?") and "rises 7 percent" in signed
    assert "---------- Forwarded message ---------" in signed and "From: Carrier" in signed
    html = _text_of(_forward_as_attachment("<p>Rerun the model by March 4.</p>", True))
    assert html.startswith("Rerun the model by March 4.") and "rises 7 percent" in html
    # a forward inside a forward inside …: read to a bounded depth, never a crash
    deep = _text_of(_forward_as_attachment("Deep.", False, depth=50))
    assert deep.startswith("Deep.") and deep.count("Forwarded message") <= 3


def test_a_message_is_dated_by_iso_dates_and_received_and_known_without_an_id(
    home: Path,
) -> None:
    """An ISO 8601 Date header, or none (the last server's Received: date), still dates the
    message; one with no Message-ID is the same message as an .eml and inside an .mbox."""
    from email import message_from_bytes, policy

    from trailkeep.ingest.parsers.email import message_record

    def when(raw: bytes) -> str | None:
        rec = message_record(message_from_bytes(raw, policy=policy.default), raw, "t")
        ts = rec.entries[0].timestamp
        return None if ts is None else ts.isoformat()

    iso = mail("i@acme.example", "ISO", "Hi.", date="2026-03-05T10:00:00+05:30")
    assert when(iso) == "2026-03-05T10:00:00+05:30"
    recv = "\r\nReceived: from mx.acme.example by mx.me.example; Thu, 5 Mar 2026 10:00:04 -0500"
    undated = mail("u@acme.example", "Undated", "Hi.", extra=recv).replace(
        b"Date: Mon, 02 Mar 2026 10:00:00 +0100\r\n", b""
    )
    assert b"Date:" not in undated and when(undated) == "2026-03-05T10:00:04-05:00"
    nameless = mail("x", "No id", "Renew the credentials by March 11.\r\n").replace(
        b"Message-ID: <x>\r\n", b""
    )
    v = open_home(home)
    (v.settings.inbox / "a.eml").write_bytes(nameless)
    mbox = b"From someone@acme.example Thu Mar  5 10:00:00 2026\n" + nameless.replace(
        b"\r\n", b"\n"
    )
    (v.settings.inbox / "b.mbox").write_bytes(mbox + b"\n")
    Ingestor(v).ingest_paths(sorted(walk([v.settings.inbox])))
    assert status(v)["entries"] == 1
    v.close()


@pytest.mark.parametrize(
    ("subject", "charset", "shown"),
    [
        ("Crème brûlée order form".encode("latin-1"), "iso-8859-1", "Crème brûlée order form"),
        ("Crème brûlée order form".encode(), "iso-8859-1", "Crème brûlée order form"),
        ("Gâteaux – price".encode("cp1252"), "", "Gâteaux – price"),
        (b"=?utf-8?q?G=C3=A2teaux?=", "utf-8", "Gâteaux"),
    ],
)
def test_a_subject_in_raw_8bit_bytes_is_read_in_the_mails_charset(
    subject: bytes, charset: str, shown: str
) -> None:
    """QA, session 9: an 8-bit Latin-1 subject showed as "Cr\ufffdme br\ufffdl\ufffde" while
    its body was read right."""
    from trailkeep.ingest.parsers.email import parse_message

    ctype = f'text/plain; charset="{charset}"' if charset else "text/plain"
    raw = (
        b"From: Jo <jo@lumen.example>\nTo: Alex <alex@consult.example>\nSubject: "
        + subject
        + b"\nDate: Wed, 18 Nov 2026 07:30:00 +0100\nMessage-ID: <l1@lumen.example>\n"
        + f"MIME-Version: 1.0\nContent-Type: {ctype}\n\nBonjour\n".encode()
    )
    assert parse_message(raw, "l1.eml").title == shown


@pytest.mark.slow
def test_whole_email_corpus_no_crash_no_hang(tmp_path: Path) -> None:
    root = corpora("emails")
    s = make_settings(tmp_path / "home")
    init_home(s)
    v = Vault.open(s, get_embedder("hash"))
    files = [p for p in walk([root]) if p.suffix in (".eml", ".mbox")]
    summary = Ingestor(v, inbox=root).ingest_paths(files)
    assert summary.failed == 0, [o for o in summary.outcomes if o.status == "failed"][:3]
    with v.engine.connect() as c:
        n = c.execute(text("SELECT COUNT(*) FROM entry WHERE kind='email'")).scalar_one()
    # notmuch's .mbox files repeat its .eml files: one entry each, so fewer entries than messages
    assert 400 < n < 800
    assert doctor(v, verify_blobs=False).ok
    v.close()


def test_content_length_keeps_a_pasted_mail_inside_its_message() -> None:
    """QA, session 17: a raw mail pasted into a message's body, its "From " line unescaped,
    became a message of its own — "from" a client's person, in that client's scope. An mbox
    that says each message's length (mboxcl2) is split where it says; a count the file does
    not bear out is ignored."""
    from trailkeep.ingest.parsers.email import split_mbox

    pasted = (
        b"See the excerpt below.\n\nFrom dana@acme.example Mon Mar  2 08:00:00 2026\n"
        b"From: Dana <dana@acme.example>\nSubject: excerpt\n\nThe split is 41.\n"
    )
    first = (
        b"From oscar@bluefin.example Mon Mar  2 09:00:00 2026\nFrom: Oscar <oscar@bluefin.example>\n"
        b"Subject: notes\nContent-Length: " + str(len(pasted)).encode() + b"\n\n" + pasted
    )
    second = (
        b"\nFrom x@y.example Tue Mar  3 09:00:00 2026\nFrom: X <x@y.example>\nSubject: two\n\nHi.\n"
    )
    parts = split_mbox(first + second)
    assert len(parts) == 2 and b"The split is 41." in parts[0] and b"Hi." in parts[1]
    wrong = first.replace(b"Content-Length: ", b"Content-Length: 1")  # not borne out
    assert len(split_mbox(wrong + second)) == 3
