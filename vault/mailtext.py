"""How mail marks what is not its sender's own words — a forward, the header of the message
replied to, the line that introduces a quote — in the languages mail programs write them in.
One set of patterns for the parser (what a message says: ingest/parsers/email.py), attribution
(whose mail a message forwards: ingest/attribution.py) and drafts (the client's points:
recall/draft.py)."""

from __future__ import annotations

import re

# A mail footer — the disclaimer or the plea a mail server or a company adds under what the
# sender wrote — is nobody's words: cut from a message's end (ingest/parsers/email.py) and no
# point the client raised (recall/draft.py). One of these phrases says it is one; of the weaker
# ones, two do ("Could you notify the sender …?" alone is a request; review, session 22).
FOOTER = re.compile(
    r"intended (?:solely |only |exclusively )?(?:recipient|for the (?:use|addressee|"
    r"person|individual|named))|"
    r"received this (?:e-?mail|message|communication) in error|confidentiality notice|"
    r"views or opinions expressed|environment before printing|"
    r"(?:to|click here to|you can) unsubscribe|unsubscribe (?:here|from this|link|at any time)|"
    r"nicht der (?:richtige[n]? )?(?:adressat|empf[äa]nger)|informieren sie bitte den absender|"
    r"bevor sie diese (?:e-?mail|nachricht) (?:aus)?drucken|drucken sie diese (?:e-?mail|"
    r"nachricht)|e-?mail nur (?:dann )?(?:aus)?drucken|"
    r"pas le destinataire|avant d['’]imprimer|imprimer ce (?:courriel|message|e-?mail)|"
    r"no es el destinatario|no imprima este (?:correo|mensaje)",
    re.IGNORECASE,
)
FOOTER_WEAK = re.compile(
    r"notify the sender|delete (?:it|this (?:e-?mail|message))|confidential|privileged|"
    r"unauthori[sz]ed|disclos|unsubscribe|before printing",
    re.IGNORECASE,
)


def is_footer(text: str) -> bool:
    """Is ``text`` (a paragraph, a sentence) a mail footer: one strong phrase, or two weak —
    never one that asks ("Could you check the page numbers before printing this?"; review)?"""
    if "?" in text:
        return False
    return bool(FOOTER.search(text)) or len(set(FOOTER_WEAK.findall(text.lower()))) >= 2


# "---------- Forwarded message ---------", "Begin forwarded message:" (at a line's start)
FORWARDED = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|message transféré|weitergeleitete nachricht)\s*-{2,}|"
    r"begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)
# "On Tue, 3 Mar 2026, Cara <c@x> wrote:", "Am … schrieb …:", "Op … schreef …:", "… skrev:"
ATTRIBUTION = re.compile(
    r"^(on .{3,200}\bwrote:|.{3,120} (wrote|a écrit|schrieb|escribió|schreef|ha scritto|skrev|"
    r"kirjoitti|napisał\(a\)|napisał|escreveu)\s*:|(am|op|den|le|el|il) .{3,120} "
    r"(schrieb|schreef|skrev|a écrit|escribió|ha scritto) .*:|.{3,120} kirjoitti .*:)\s*$",
    re.IGNORECASE,
)
# Outlook's header of the message replied to or forwarded, in the languages Outlook writes it
# in: "From:" / "Von:" / "De :" / "Van:" / "Da:" / "Från:" …, then "Sent:" / "Gesendet:" /
# "Envoyé :" … (QA, session 17: the German, French, Spanish and Dutch ones kept the quoted mail
# — another client's — as the sender's own words). Group 2 of HEADER_FROM: who.
HEADER_FROM = re.compile(
    r"^\s*\*?(from|von|de|van|da|från|fra|od|lähettäjä)\s?:\*?\s+(\S.*)$", re.IGNORECASE
)
HEADER_SENT = re.compile(
    r"^\s*\*?(sent|date|gesendet|datum|envoyé|enviado|fecha|verzonden|inviato|data|skickat|"
    r"sendt|wysłano|lähetetty)\s?:\*?\s+\S",
    re.IGNORECASE,
)


def reply_header(line: str, after: list[str]) -> bool:
    """A "From: …" line with a "Sent: …" line among the few after it."""
    return bool(HEADER_FROM.match(line)) and any(HEADER_SENT.match(x) for x in after)


# a header line of a forwarded (or quoted Outlook) message: "Date: Fri, 13 Mar 2026 10:00"
_HEADER_LINE = re.compile(
    r"^\s*\*?(from|to|cc|bcc|date|sent|subject|reply-to|von|an|betreff|gesendet|datum|de|à|a|"
    r"objet|envoyé|para|asunto|enviado|fecha|van|aan|onderwerp|verzonden)\s?:\*?(\s|$)",
    re.IGNORECASE,
)


def without_forward_headers(text: str) -> str:
    """The text without the header lines of the messages it forwards (From, Date, Subject, To
    under "---------- Forwarded message ---------"): they say who and when, not what — a
    forwarded "Date: Fri, 13 Mar 2026" answered "what was the original cutover date?" (QA,
    session 18)."""
    if not FORWARDED.search(text):
        return text
    out: list[str] = []
    heading, seen = False, False  # under a marker; a header line read since
    for line in text.split("\n"):
        if FORWARDED.match(line):
            heading, seen = True, False
            continue
        if heading and _HEADER_LINE.match(line):
            seen = True
            continue
        if heading and seen and line[:1] in (" ", "\t") and line.strip():
            continue  # a header folded onto the next line ("Subject: a long …")
        if heading and not line.strip():
            # Apple Mail puts a blank line between "Begin forwarded message:" and the headers;
            # the blank line after them is where the message begins
            if seen:
                heading = False
                if out and out[-1] != "":
                    out.append("")
            continue
        heading = False
        out.append(line)
    return "\n".join(out)


def forwarded_from(text: str) -> list[str]:
    """Who sent each message forwarded inside ``text`` (the From line under each marker)."""
    out = []
    for m in FORWARDED.finditer(text):
        for line in text[m.end() :].split("\n")[1:8]:
            if f := HEADER_FROM.match(line):
                out.append(f.group(2))
                break
    return out


__all__ = [
    "ATTRIBUTION",
    "FORWARDED",
    "HEADER_FROM",
    "HEADER_SENT",
    "forwarded_from",
    "reply_header",
    "without_forward_headers",
]
