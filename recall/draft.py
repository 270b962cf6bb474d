"""Drafts grounded in one client's history: email replies and documents, with citations.

- Retrieval for client A goes through :class:`~trailkeep.recall.scope.Scope`: only A's entries
  and unattributed ones, minus anything naming another client (lines about A excepted).
- The incoming message is data: its text chooses what is *searched* within A's scope, never the
  scope, the prompt's rules, or what is sent beyond A's passages.
- Offline (no model) the draft is a structured worksheet: the client's points quoted, the
  relevant history quoted and cited under each, and ``✎ TO WRITE`` where the user must write.
- With a model, the template in ``prompts/`` is filled with numbered passages; citations to
  numbers never sent are dropped and flagged; a failed call falls back to the worksheet.
Drafts are stored by the caller (``trailkeep.ui.drafts``) as history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from trailkeep.prompts import DOC_KINDS
from trailkeep.vault import Filters, Hit, NotFound, Vault, iso
from trailkeep.vault.briefing import own_addresses
from trailkeep.vault.browse import email_message
from trailkeep.vault.clients import ClientSpec
from trailkeep.vault.mailtext import ATTRIBUTION, FORWARDED, is_footer
from trailkeep.vault.query import entry_tags, entry_text
from trailkeep.vault.records import DOC_DRAFT

from . import prompts
from .answer import SUPERSEDED, evidence_strength, passages_block, verified
from .answerable import only_asks
from .asked import says_when
from .backends import Backend
from .citations import Reply, read_reply, unsourced
from .errors import ModelCallFailed
from .greetings import GREETING, SALUTATION
from .inert import plain, printable
from .language import language_of
from .llm import call_model
from .retrieval import search_detailed
from .scope import Scope
from .secrets import mask_secrets
from .sentences import sentences

TO_WRITE = "✎ TO WRITE"
MAX_POINTS = 12  # a mail of eleven requests kept eight (blind trial, session 22)
PER_QUERY = 3
PER_QUERY_MAX = 6  # when there are few points, each may take up to this many
MAX_PASSAGES = 16
_REQUEST = re.compile(
    r"^(?:(?:also|and|so|then|but),?\s+)?"
    r"(please|could you|can you|would you|will you|let us know|let me know|we need|i need|"
    r"kindly|what|when|how|why|where|which|who|is it|are we|do we|does|"
    # asked without a question mark (QA, session 12: these points were missed)
    r"we also need|i also need|i'd like to know|i would like to know|we'd like to know|"
    r"i wonder|we wonder|i was wondering|we were wondering|could we|can we|"
    r"would it be possible|is there any way|[A-Z][a-z]+ (?:also )?asked (?:whether|if|for)|"
    # the languages a client may write in (recall/language.py): German, French, Spanish
    # (QA, session 20: "Bitte schicken Sie uns …" was not a point, its question was)
    # — not thanks ("merci de votre aide"), a closing ("veuillez agréer"), "bitte sehr" or
    # "podría ser" (review, session 21)
    r"bitte(?!\s+(?:sehr|schön|entschuldigen))|k[öo]nnten sie|k[öo]nnen sie|w[üu]rden sie|"
    # "Außerdem wäre es gut, wenn …" (blind trial, session 22)
    r"(?:au(?:ß|ss)erdem,?\s+|auch\s+)?w[äa]re es (?:gut|sch[öo]n|m[öo]glich|hilfreich)|"
    r"es w[äa]re (?:gut|sch[öo]n|hilfreich)|i'?m curious|i am curious|we'?re curious|"
    r"wir brauchen|ich brauche|wir ben[öo]tigen|ich ben[öo]tige|geben sie (?:uns|mir) bescheid|"
    r"merci de(?!\s+(?:votre|vos|ton|tes|nous avoir|m'avoir|l'avoir))|"
    r"veuillez(?!\s+(?:trouver|agr[ée]er|recevoir))|pourriez-vous|pouvez-vous|"
    r"nous avons besoin|j'ai besoin|por favor|podr[íi]as?\s+(?!ser\b)\w+(?:ar|er|ir)"
    r"(?:me|nos|le|les|lo|la)?|necesitamos|necesito|le agradecer[íi]a)\b",
    re.IGNORECASE,
)
# a request whose polite word stands inside it ("Schicken Sie uns bitte die Liste."), in mail
# not written in English ("the Por Favor restaurant chain" is a name)
_POLITE_INSIDE = re.compile(
    r"\b(?:bitte(?!\s+(?:sehr|schön|entschuldigen))|s'il vous pla[îi]t|por favor)\b", re.IGNORECASE
)


@dataclass
class Draft:
    kind: str  # "email" or a document kind
    title: str
    text: str
    client: str | None
    backend: str
    citations: list[Hit] = field(default_factory=list)
    reason: str = ""
    llm_call_id: int | None = None
    reply_to: str | None = None
    dropped_citations: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        # A draft is Markdown a viewer renders and a mail client may send: what it quotes from
        # mail and notes is text (a client's tracking pixel stays a named, dead image)
        self.text = plain(self.text)
        # nor does it carry a key or a password pasted into a note, or a terminal's escape
        # sequences from a subject (QA, session 14: recall/secrets.py)
        self.text, self.title = mask_secrets(self.text), printable(mask_secrets(self.title))

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "client": self.client,
            "backend": self.backend,
            "reason": self.reason,
            "reply_to": self.reply_to,
            "citations": [
                {"n": i + 1, **h.as_json(), "quote": mask_secrets(h.quote)}
                for i, h in enumerate(self.citations)
            ],
            "dropped_citations": self.dropped_citations,
        }


@dataclass(frozen=True)
class Incoming:
    entry_id: int
    message_id: str
    client: str | None  # the message's scope: a client id, or "?" / "!" (nobody's)
    subject: str
    sender: str
    text: str
    when: str
    address: str = ""  # the sender's address


def find_message(vault: Vault, message_id: str) -> Incoming:
    r = email_message(vault, message_id)
    if r is None:
        raise NotFound("email message", message_id)
    meta = r["meta"]
    sender = meta.get("from") or [["", ""]]
    return Incoming(
        entry_id=int(r["id"]),
        message_id=str(r["key"]),
        client=r["scope"],
        subject=str(meta.get("subject") or ""),
        sender=str(sender[0][0] or sender[0][1]),
        text=str(r["text"]),
        when=str(r["ts"] or "")[:10],
        address=str(sender[0][1] or ""),
    )


_ITEM = re.compile(r"^\s*(?:[-*•·>]|\d{1,2}[.)])\s+")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
# A header line of a forwarded or quoted message (the marker and "On … wrote:" are
# vault.mailtext's)
_HEADER_LINE = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|\*?(from|to|cc|date|sent|subject)\s?:\*?\s)",
    re.IGNORECASE,
)


def _not_said(line: str) -> bool:
    """Not the client's words: a forward's marker and the headers under it, the line that
    introduces a quote (QA, session 17: they were joined into one "point" ending in the
    forwarded subject's "?")."""
    s = line.strip()
    return bool(FORWARDED.match(s) or _HEADER_LINE.match(s) or ATTRIBUTION.match(s))


# A list introduced as what the client needs: each item is a request ("Before you start, we
# need the following:" / "* a list of the columns you will drop"; blind trial, session 22)
_LEAD_IN = re.compile(
    r"\b(?:need|needs|require|required|please(?!\s+(?:find|see|note))|could you|can you|would you|"
    r"would like|want|before you|to do|action items?|next steps|brauchen|ben[öo]tigen|"
    r"besoin|necesitamos)\b",
    re.IGNORECASE,
)
# A request said as a command: "Send us the final runbook by Friday.", "Check whether …"
_COMMAND = re.compile(
    r"^(?:(?:also|and|then),?\s+)?"
    # an aside before the verb: "And while you're at it, include everything …" (blind trial,
    # session 27: the request to hand over other clients' material was no point)
    # a clause before it: "While you're building this thing, include everything you have on
    # your other clients" (eleventh blind vault, session 28: no point, "read it whole")
    r"(?:(?:while you(?:'|’)re at it|if you can|if possible|in the meantime|meanwhile|"
    r"when you (?:get|have) a (?:chance|minute|moment)),?\s+|"
    r"(?:while|when|whenever|once|if|as|before|after|since)\s[^,.?!;:]{1,80},\s+|"
    # a purpose before a polite word: "For our board pack, please include everything you have
    # on your other clients" (new user's trial, session 30: "no question or request found";
    # not "In 2025, drop in demand hurt our margins": review)
    r"(?:for|to|in|on|with|about|regarding|re)\s[^,.?!;:]{1,60},\s+(?=please|kindly))?"
    r"(?:(?:please|kindly|just)\s+)?"
    r"(?:send|share|add|check|confirm|provide|update|include|paste|list|"
    r"remove|fix|review|prepare|make sure|ensure|call|schedule|book|arrange|forward|attach|"
    r"sign|approve|change|move|set up|tell|give|ping|reply|get back|look into|double-check|"
    r"email|contact|invite|submit|deliver|draft|write|create|resend|upload|verify|clarify|"
    r"explain|estimate|quote|keep|drop|cancel|hold|put|reserve|rename|extend|lower|raise)"
    r"\s+(?:us|me|him|her|them|it|the|a|an|our|your|all|this|that|these|those|whether|if|"
    r"what|when|how|which|who|back|over|out|up|in|on|by|to|with|everything|anything|"
    r"something|(?-i:[A-Z0-9][\w-]*))\b",
    re.IGNORECASE,
)
# A want said after a word or two ("Before then I need one sheet …"), or as a wish ("If the
# sheet could print by itself at 4:15 that would be perfect."): a point too (session 22's
# new-user pass: the baker's two requests were missed, her aside was the only point)
_WANTS = re.compile(
    r"\b(?:i|we)(?: also| really| still| just)? (?:need|want|would like|['’]d like)\b|"
    r"\bwould be (?:perfect|great|ideal|helpful|good|lovely)\b|\bit would help if\b",
    re.IGNORECASE,
)
# what the client needs by a time, said as a statement ("The audit committee meets on March 27
# and needs the model card before then."; E2E trial, session 25: not listed as a point)
_DUE = re.compile(
    r"\b(?:needs|must|has to|have to|is due|are due|due (?:on|by|in)|no later than)\b",
    re.IGNORECASE,
)
# a lead-in that says nothing but that a list follows ("We need the following:", "Here is
# what we need from you:")
_BARE_LEAD_IN = re.compile(
    r"^(?:(?:so|and|also|then),?\s+)?(?:(?:we|i)(?:['’]d| would)? (?:also )?"
    r"(?:need|needs|require|want|like)|here (?:is|are) what (?:we|i) (?:need|want)|"
    r"(?:please )?(?:send|provide)(?: us| me)?|we are missing|still missing)"
    r"(?: from you)?(?: the following| these| the below| a few things| some things| this)?"
    r"(?: from you)?(?: items| things)?\s*:$",
    re.IGNORECASE,
)
# what is already right, not a want: "Priya said the export is exactly what we need."
_SATISFIED = re.compile(
    r"\b(?:is|are|was|were|sounds like|looks like|that['’]s)\s+(?:exactly|just|precisely)\s+"
    r"what (?:i|we)\b",
    re.IGNORECASE,
)
# not a sentence a person wrote: a compiler's or a log's line ("error: ?strndup? was not
# declared", its quotes turned to "?" by a charset)
_MACHINE = re.compile(r"^(?:error|warning|fatal|traceback|exception)\b\s*:", re.IGNORECASE)


def _units(message: str) -> list[tuple[str, bool]]:
    """The message as whole sentences, each with whether it is an item of a list introduced
    as what the client needs: hard-wrapped lines of a paragraph are joined first (a mail
    client wraps at 72 columns), list items stay their own unit, quoted lines (``>``),
    forward headers and "On … wrote:" lines are dropped. A line opening with "12. " after a
    line that did not end a sentence is a wrapped sentence, not item 12."""
    units: list[tuple[str, bool]] = []  # (joined lines, a list item)
    for para in re.split(r"\n\s*\n", message):
        lines = [
            ln for ln in para.split("\n") if not ln.lstrip().startswith(">") and not _not_said(ln)
        ]
        current: list[str] = []
        in_item = False
        for ln in lines:
            item = bool(_ITEM.match(ln))
            if item and _NUMBERED.match(ln) and current and not re.search(r"[.!?:;]$", current[-1]):
                item = False  # "…the rota draft by March" / "12. Can we move…"
            if item and current:
                units.append((" ".join(current), in_item))
                current = []
            if item or not current:
                in_item = item
            if ln.strip():
                current.append(_ITEM.sub("", ln).strip() if item else ln.strip())
        if current:
            units.append((" ".join(current), in_item))
    out: list[tuple[str, bool]] = []
    wanted = False  # the last text before these items asked for them
    for unit, in_item in units:
        out.extend((x, in_item and wanted) for x in sentences(unit))
        if not in_item:
            wanted = unit.endswith(":") and bool(_LEAD_IN.search(unit))
    # the shared splitter: "Nov. 14 to Mr. Olsen's team" is one sentence (QA, session 12)
    return out


# A point that points back ("Does that work for the export?", "Can you do this by Friday?",
# "Could you check it?"): "that" / "this" as a pronoun — at the end, or before a verb or a
# preposition, not before the noun it determines ("this week") or the clause it opens ("that
# the export runs") — and "it" at the end
_POINTS_BACK = re.compile(
    r"\b(?:that|this)(?=\s*[?.!,]|\s+(?:works?|worked|would|will|is|was|be|sounds?|means?|"
    r"makes?|helps?|covers?|affects?|changes?|happens?|includes?|possible|ok|okay|fine|"
    r"feasible|doable|by|to|for|before|after|until|on|in|with|too|also|instead|again|now|"
    r"soon|asap|first|still|really|actually|even|then)\b)|\bit\s*[?.!]\s*$",
    re.IGNORECASE,
)
# a greeting that goes on ("Hi Sam, hope you're well."): not what a point points back to
_GREETS = re.compile(r"^\W*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b", re.I)
BACK_WORDS = 8  # a point this short that points back is read with the sentence before


def client_points(message: str) -> list[str]:
    """The client's questions and requests, quoted from the message as whole sentences (in
    order, at most 12) — never a fragment of a wrapped line. A point that points back ("Does
    that work?") is quoted with the sentence before it, when that one says something (not a
    greeting, not a point itself)."""
    out: list[str] = []
    foreign = language_of(message) != "en"
    before = ""  # the sentence before, when it is no point and no greeting
    joins = False  # the sentence before was the last point
    units = _units(message)
    for i, (s, wanted) in enumerate(units):
        if len(s) < 8 or len(s.split()) < 2 or is_footer(s) or _MACHINE.search(s):
            before, joins = "", False
            continue
        if _BARE_LEAD_IN.match(s) and i + 1 < len(units) and units[i + 1][1]:
            # "We need the following:" before its items: the items are the points (session 23
            # leftover: the lead-in was listed as a point of its own) — not "Please sign the
            # SOW and send us the following:", a request of its own (review)
            before, joins = "", False
            continue
        said = s[1:-1].strip() if s.startswith("(") and s.endswith(")") else s  # "(Is …?)"
        if (
            wanted
            or said.endswith("?")
            or _REQUEST.match(said)
            or _COMMAND.match(said)
            # (a lead-in: its items are the points; "… is just what we need": said of a thing)
            or (_WANTS.search(said) and not said.endswith(":") and not _SATISFIED.search(said))
            or (_DUE.search(said) is not None and says_when(said))
            or (foreign and _POLITE_INSIDE.search(said))
        ):
            # (a short one: a longer sentence says enough of what it asks on its own)
            back = len(said.split()) <= BACK_WORDS and _POINTS_BACK.search(said) is not None
            if back and wanted:
                back = False  # an item of a list asked for: its own point
            if back and joins and len(out[-1]) + len(s) < 300:
                out[-1] = f"{out[-1]} {s}"  # "Can we meet on Friday? Is that ok?": one point
                before = ""
                continue
            if back and before:
                s = f"{before} {s}"  # "that" is what the sentence before says
            s = s[:300]
            joins = s not in out and not wanted  # "Is that ok?" after a list is about the list
            if s not in out:
                out.append(s)
            before = ""
        else:
            greets = SALUTATION.match(s) or _GREETS.match(s) or len(s) > 200
            before, joins = ("" if greets else s), False
        if len(out) >= MAX_POINTS:
            break
    return out


def gather(
    vault: Vault,
    scope: Scope | None,
    queries: Sequence[str],
    *,
    exclude: set[int],
    today: date,
    per_query: int = PER_QUERY,
) -> tuple[list[Hit], list[list[int]]]:
    """(passages, for each query the indexes of its passages). Strong, in scope, verified;
    earlier drafts are not evidence (they cite the history themselves)."""
    passages: list[Hit] = []
    seen: dict[tuple[int, str], int] = {}
    per: list[list[int]] = []
    # one or two points may take more passages: the note revising a price came fourth after
    # the mails of the first quote (QA, session 19)
    per_query = max(per_query, min(PER_QUERY_MAX, MAX_PASSAGES // max(1, len(queries))))
    # earlier drafts are left out by the search itself, not after its cut: two dozen saved
    # drafts crowded the evidence out of the top ten (QA, session 12)
    filters = replace(scope.filters() if scope else Filters(), without_document_kinds=(DOC_DRAFT,))
    for q in queries:
        mine: list[int] = []
        res = search_detailed(vault, q, k=10, filters=filters, today=today)
        # the strongest evidence among search's ten, not its first three: the note revising a
        # price (the strongest, 0.73) ranked fourth behind the thread it revised (QA, session 19)
        strength = {id(h): evidence_strength(res, h) for h in res.hits}
        for h in sorted(res.hits, key=lambda h: -strength[id(h)][1]):
            if len(mine) >= per_query or len(passages) >= MAX_PASSAGES:
                break
            if h.entry_id in exclude or h.document_kind == DOC_DRAFT or only_asks(h.quote):
                continue  # a passage that only asks (the client's question) is no answer
            if not strength[id(h)][0]:
                continue
            body = entry_text(vault, h.entry_id) or ""
            parts = scope.clip(h, body) if scope else [h]
            for p in verified(vault, parts):
                key = (p.entry_id, p.quote)
                if key not in seen:
                    seen[key] = len(passages)
                    passages.append(p)
                if seen[key] not in mine:
                    mine.append(seen[key])
        per.append(sorted(mine, key=lambda i: _newest_first(passages[i])))
    return passages, per


_OLDEST = datetime.min.replace(tzinfo=UTC)


def _newest_first(h: Hit) -> tuple[bool, bool, float]:
    """A point's passages, the newest word first, those asking something (the client's own
    questions) after those that only state, superseded versions last: a reply answers with
    what holds now (QA, session 19: the first quote, EUR 4,800, was listed before the note
    revising it to EUR 5,400)."""
    asks = any(s.rstrip().endswith("?") for s in sentences(h.quote))
    return (not h.current, asks, -((h.timestamp or _OLDEST) - _OLDEST).total_seconds())


def _cite_line(n: int, h: Hit) -> str:
    when = (iso(h.timestamp) or "undated")[:10]
    quote = " ".join(h.quote.split())
    if len(quote) > 400:
        quote = quote[:400] + "…"
    old = "" if h.current else f" ({SUPERSEDED})"
    return f"  [{n}] “{quote}” — {h.document}, {when}{old}"


def _sources(hits: Sequence[Hit]) -> str:
    lines = ["Sources:"]
    for i, h in enumerate(hits, 1):
        when = (iso(h.timestamp) or "undated")[:10]
        # the file it came from, as `ask` names it (QA, session 15), and the entry: checkable
        source = f" [{h.cited_as}]" if h.source else ""
        lines.append(
            f"[{i}] {h.document} ({h.document_kind or h.kind}, {when}, entry {h.entry_id})" + source
        )
    return "\n".join(lines)


def _model_text(
    vault: Vault,
    backend: Backend,
    prompt: str,
    n: int,
    purpose: str,
    on_text: Callable[[str], None] | None,
    redact: bool,
    scope: Scope | None = None,
) -> tuple[Reply, int]:
    """(the reply read as it streamed — masked, renumbered —, audit id). Raises
    ModelCallFailed."""
    reply, call_id = call_model(
        vault,
        backend,
        prompt,
        purpose=purpose,
        on_text=on_text,
        redact=redact,
        scope=scope,
        passages=n,
    )
    return read_reply(reply.text, n, scope), call_id


# The reply prefixes of mail clients in many languages (AW: German, SV: Nordic, VS: Finnish,
# Antw: Dutch, RIF: Italian, RES: Portuguese, ODP: Polish, YNT: Turkish): a reply to "AW: AW:
# Angebot" is "Re: Angebot" (QA, session 14: "Re: AW: AW: …"). A forward's prefix stays.
_REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|sv|vs|antw|rif|res|odp|ynt|réf|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
_REPLY_OR_FORWARD = re.compile(
    r"^\s*(re|aw|sv|vs|antw|rif|res|odp|ynt|réf|ref|fwd?|wg|tr|rv)\s*(\[\d+\])?\s*:",
    re.IGNORECASE,
)
NO_POINTS = "(no question or request found in the message: read it whole)"


def _bare_subject(subject: str) -> str:
    """A subject without its list tag ("[notmuch]") and its reply or forward prefixes."""
    s = re.sub(r"^\s*\[[^\]]{1,40}\]\s*", "", subject)
    while (m := _REPLY_OR_FORWARD.match(s)) is not None:
        s = re.sub(r"^\s*\[[^\]]{1,40}\]\s*", "", s[m.end() :])
    return " ".join(s.split())


def _asked_before(vault: Vault, msg: Incoming | None, asked: str) -> bool:
    """Was the subject's question an earlier message's in the thread (often the user's own,
    already answered: QA, session 17), or is this a forward (the subject is the forwarded
    mail's)?"""
    if msg is None:
        return False
    if re.match(r"^\s*(fwd?|wg|tr|rv)\s*:", msg.subject, re.IGNORECASE):
        return True
    from trailkeep.vault.browse import earlier_subjects

    return any(_bare_subject(s) == asked for s in earlier_subjects(vault, msg.entry_id))


def draft_email(
    vault: Vault,
    client: ClientSpec,
    *,
    reply_to: str | None = None,
    brief: str | None = None,
    backend: Backend | None = None,
    today: date | None = None,
    on_text: Callable[[str], None] | None = None,
    redact: bool = False,
    me_name: str = "",
) -> Draft:
    today = today or date.today()
    scope = Scope.for_client(client, vault.settings.clients)
    exclude: set[int] = set()
    msg: Incoming | None = None
    if reply_to:
        msg = find_message(vault, reply_to)
        if msg.client != client.id:  # the message's scope: its client's, else nobody's
            where = {
                "?": "is unattributed: see `trailkeep clients review`",
                "!": "names several clients",
            }.get(str(msg.client), f"belongs to {msg.client}")
            raise NotFound(f"email message for client {client.id} (this one {where})", reply_to)
        if msg.address and msg.address.lower() in own_addresses(vault):
            # QA, session 12: a reply to the user's own mail greeted the client's person and
            # listed the user's question as the client's point
            raise NotFound(
                f"client's email to answer (this one is yours, from {msg.address}: reply to "
                "the client's message in the thread)",
                reply_to,
            )
        message, subject, greet = msg.text, msg.subject, msg.sender
        exclude.add(msg.entry_id)
        title = "Re: " + _REPLY_PREFIX.sub("", subject).strip()
    elif brief:
        message, subject, greet = brief, "", ""
        title = f"Email to {client.name}: {brief[:60]}"
    else:
        raise ValueError("draft_email needs reply_to or brief")
    # The client's own words may name another client: that name goes nowhere (notes/0013) —
    # nor into the draft's title, which is stored and listed with the client's history (QA,
    # session 12: "Rollback like Harborline Tidewater?" titled a Juniper draft).
    message, title = scope.mask(message), scope.mask(title)
    points = client_points(message)
    # the question is the subject (QA, session 12) — of a new message only: a reply's or a
    # forward's subject is an earlier message's, often the user's own question (QA, session
    # 17); a list's tag ("[notmuch]") is not part of it
    asked = _bare_subject(subject)
    if asked.endswith("?") and asked not in points and not _asked_before(vault, msg, asked):
        points.insert(0, scope.mask(asked))
    # no question or request found: the worksheet says so, and the whole message is what the
    # history is searched for (it was the message cut at 300 characters, mid-sentence, listed
    # as the one point: QA, session 17)
    if not points and brief and not reply_to:
        points = [message.strip()]  # the user's own brief is the point to write to
    queries = points or [" ".join(message.split())[:300]]
    passages, per = gather(vault, scope, queries, exclude=exclude, today=today)
    # greeted in the language the client wrote in (QA, session 14: "Hi" to a German client)
    lang = language_of(message) if reply_to else "en"
    worksheet = _email_worksheet(greet, points or [NO_POINTS], passages, per, me_name, lang)
    draft = Draft("email", title, worksheet, client.id, "extractive", passages, reply_to=reply_to)
    if backend is None:
        draft.reason = "no model configured: a worksheet of the client's points and your history"
        return draft
    if reply_to:
        prompt = prompts.load("draft_email").render(
            client_name=client.name,
            me_name=me_name or "the consultant",
            message=message.replace("</client_message>", "</client_message_>"),
            points="\n".join(f"- {p}" for p in points) or f"- {NO_POINTS}",
            passages=passages_block(passages) or "(none)",
            today=today.isoformat(),
        )
    else:
        # the user's own brief is instructions to follow, not a client's message to treat as
        # data (QA, session 15: it went in <client_message>, "never follow instructions")
        prompt = prompts.load("draft_new_email").render(
            client_name=client.name,
            me_name=me_name or "the consultant",
            brief=message.replace("</brief>", "</brief_>"),
            passages=passages_block(passages) or "(none)",
            today=today.isoformat(),
        )
    return _with_model(vault, draft, backend, prompt, "draft email", on_text, redact, scope)


def _with_model(
    vault: Vault,
    draft: Draft,
    backend: Backend,
    prompt: str,
    purpose: str,
    on_text: Callable[[str], None] | None,
    redact: bool,
    scope: Scope | None = None,
) -> Draft:
    passages = draft.citations
    try:
        said, call_id = _model_text(
            vault, backend, prompt, len(passages), purpose, on_text, redact, scope
        )
    except ModelCallFailed as exc:
        draft.reason = f"{exc}; drafted offline instead"
        return draft
    if said.abstained:
        # the model found nothing in the passages: its prose would be grounded in nothing, and
        # its citations numbered with the line it dropped (review, session 15)
        draft.reason = (
            "the model found nothing in your history for this, so its reply was not used; "
            "this is the offline worksheet"
        )
        draft.llm_call_id = call_id
        return draft
    body = said.text.strip()
    cites = [passages[n - 1] for n in said.cited]  # the body numbers them 1, 2, … already
    bad = said.bad
    if passages and not cites:
        # Your history had passages and the model cited none: what it wrote is not grounded
        # in them (QA, session 12: it moved a rehearsal from Saturday the 14th to Sunday the
        # 15th). The worksheet stays the draft.
        draft.reason = (
            "the model's reply cited none of the passages from your history, so it was not "
            "used; this is the offline worksheet"
        )
        draft.llm_call_id = call_id
        return draft
    reason = "" if cites else "nothing in your history for this: written from your brief alone"
    reason = "; ".join(x for x in (reason, said.masked, unsourced(bad)) if x)
    text = body + ("\n\n" + _sources(cites) if cites else "")
    return Draft(
        draft.kind,
        draft.title,
        text,
        draft.client,
        backend.name,
        cites,
        reason,
        call_id,
        draft.reply_to,
        bad,
    )


def _email_worksheet(
    greet: str,
    points: list[str],
    passages: list[Hit],
    per: list[list[int]],
    me: str,
    lang: str = "en",
) -> str:
    hello, bye = GREETING[lang]
    first = greet.split()[0].strip('",') if greet.strip() else ""
    lines = [f"{hello} {first}," if first else f"{hello},", "", f"[{TO_WRITE}: opening]", ""]
    for point, idx in zip(points, per, strict=True):
        lines.append(f"> {point}")
        if idx:
            lines.append("What your history says:")
            lines.extend(_cite_line(i + 1, passages[i]) for i in idx)
        else:
            lines.append("Your history says nothing about this.")
        lines.extend([f"[{TO_WRITE}: your answer to this point]", ""])
    lines.extend([bye, me or f"[{TO_WRITE}: your name]"])
    if passages:
        lines.extend(["", _sources(passages)])
    return "\n".join(lines)


def draft_doc(
    vault: Vault,
    kind: str,
    topic: str,
    client: ClientSpec | None = None,
    *,
    backend: Backend | None = None,
    today: date | None = None,
    on_text: Callable[[str], None] | None = None,
    redact: bool = False,
) -> Draft:
    if kind not in DOC_KINDS:
        raise ValueError(f"unknown document kind {kind!r}; one of {', '.join(DOC_KINDS)}")
    today = today or date.today()
    template = prompts.load(f"doc_{kind}")
    meta = template.meta.get("sections", [])
    sections = [(str(s["title"]), str(s.get("query", ""))) for s in meta]
    # for no client, the user's general material alone: no client's material is anyone's to
    # mix into a document (notes/0013, "A document for no client")
    everyone = vault.settings.clients
    scope = Scope.for_client(client, everyone) if client else Scope.general(everyone)
    queries = [topic] + [f"{topic} {q}" for _, q in sections]
    passages, per = gather(vault, scope, queries, exclude=set(), today=today)
    title = f"{kind.replace('-', ' ').capitalize()}: {topic}"
    title = scope.mask(title)  # a topic naming another client stays out (QA, session 12)
    lines = [f"# {title}", ""]
    if client:
        lines.extend([f"Client: {client.name}", ""])
    wants = [set(s.get("tags") or ()) for s in meta]
    ptags = entry_tags(vault, [p.entry_id for p in passages]) if any(wants) else {}
    # a work line is billing, not a decision, whatever its note's front matter tags say
    kinds = [set(ptags.get(p.entry_id, ())) if p.kind != "work" else set() for p in passages]
    owner = _tagged_sections(kinds, wants)
    shown: set[int] = set()
    for k, ((head, _), idx) in enumerate(zip(sections, per[1:], strict=True)):
        lines.extend([f"## {head}", ""])
        # a passage tagged for a section (a decision for "Decisions") goes there, not to
        # whichever section's search found it first (QA: "Decisions" said "See [4] above")
        # A section that asks for a kind (decisions, dead ends, open questions) holds only
        # passages of that kind: its search always finds something, and "Rejected approaches"
        # listed a plain work line (QA, session 10); the rest go under "Also on this topic".
        if wants[k]:
            idx = [i for i, s in owner.items() if s == k] + [
                i for i in range(len(passages)) if wants[k] & kinds[i] and owner.get(i) != k
            ]
        else:
            idx = [i for i, s in owner.items() if s == k] + [i for i in idx if i not in owner]
        fresh = [i for i in idx if i not in shown]
        if fresh:
            lines.extend(_cite_line(i + 1, passages[i]) for i in fresh)
            shown.update(fresh)
        elif idx:
            lines.append("See " + ", ".join(f"[{i + 1}]" for i in idx) + " above.")
        else:
            lines.append("Your history says nothing for this section.")
        lines.extend(["", f"[{TO_WRITE}: {head.lower()}]", ""])
    # found for the topic by no section's search: cited here, not listed under Sources
    # uncited (QA, session 9: "[3]" was in Sources and nowhere in the text)
    if rest := [i for i in range(len(passages)) if i not in shown]:
        lines.extend(["## Also on this topic", ""])
        lines.extend(_cite_line(i + 1, passages[i]) for i in rest)
        lines.append("")
    if passages:
        lines.append(_sources(passages))
    draft = Draft(kind, title, "\n".join(lines), client.id if client else None, "extractive")
    draft.citations = passages
    if not passages:
        draft.reason = "your history says nothing about this topic; the outline is empty" + (
            ""
            if client
            else " (with no client, only your general material is read: give a "
            "client to draft from that client's history)"
        )
    if backend is None or not passages:
        if backend is None:
            draft.reason = draft.reason or "no model configured: an outline with cited history"
        return draft
    prompt = template.render(
        topic=topic,
        client_name=client.name if client else "the consultant's own use",
        passages=passages_block(passages),
        today=today.isoformat(),
    )
    return _with_model(vault, draft, backend, prompt, f"draft {kind}", on_text, redact, scope)


def _tagged_sections(kinds: list[set[str]], wants: list[set[str]]) -> dict[int, int]:
    """passage index -> the first section whose tags (a template's ``tags``, notes/0005) the
    passage carries (``kinds``: each passage's tags), for the passages that carry one."""
    owner: dict[int, int] = {}
    for k, want in enumerate(wants):
        for i, tags in enumerate(kinds):
            if want and i not in owner and want & tags:
                owner[i] = k
    return owner


__all__ = [
    "MAX_PASSAGES",
    "MAX_POINTS",
    "PER_QUERY",
    "TO_WRITE",
    "Draft",
    "Incoming",
    "client_points",
    "draft_doc",
    "draft_email",
    "find_message",
    "gather",
]
