"""The morning briefing: what is waiting on me, which dates are coming, open money, what changed
since the last visit, open questions and inbox health — offline, exact, every item linked to
its source (document id, entry id, file name). notes/0016-briefing-and-mcp.md.

Sections (``Brief.as_json()`` is the contract; CONTRACTS.md, ``ui/schemas/brief.schema.json``):

- **waiting**: client threads whose last message (written up to ``today``, in the last
  ``lookback`` days) is not from one of my addresses, oldest first, with the days waiting.
- **dates**: days named in client mail and notes written in the last ``lookback`` days
  (:mod:`.deadlines`), from ``today`` to ``today + horizon_days``; a deadline already passed
  ("by", "due", "no later than" …) that a client named in a thread still waiting on me is
  listed ``overdue`` — whatever I replied in between. A meeting or go-live day that has passed
  is not overdue: it is past. Mail a machine wrote (auto-replies, lists) is not read.
- **unbilled**, **invoices**: work not on any invoice (dated up to ``today``), drafts not
  issued, issued invoices not paid with their age — money as decimal strings.
- **changed**: what arrived since ``since`` (the last visit, else the start of yesterday): new
  documents, new versions, new messages, decisions and dead ends — by client.
- **open_questions**: entries tagged ``open_question`` with no later ``decision`` in their
  document.
- **health**: failed or partly read files, and how much is unattributed.

With ``client`` every section is confined to that client's scope by the rule drafts and search
use (``Filters(client=C)`` in SQL, then :func:`trailkeep.recall.scope.admit`): quotes keep only
lines about C, titles naming another client are withheld, failures (files of nobody's scope)
are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from trailkeep.billing import lines_naming_others, minor_digits, open_invoices, unbilled
from trailkeep.vault import Vault, iso
from trailkeep.vault import briefing as sql
from trailkeep.vault.briefing import TextRow
from trailkeep.vault.clients import ClientDirectory

from .deadlines import DateChanges, NamedDate, read_dates
from .errors import BriefError
from .scope import WITHHELD, Scope, admit, scope_for
from .sentences import sentences

SCHEMA_VERSION = 1
HORIZON_DAYS = 14
LOOKBACK_DAYS = 60  # mail and notes older than this are not read for dates or waiting
QUOTE_CHARS = 300
CHANGED_TAGS = ("decision", "dead_end")


def configured(settings: Any) -> tuple[int, int]:
    """(horizon_days, lookback_days) from ``[brief]`` in config.toml (defaults 14 and 60)."""
    raw = settings.extra.get("brief", {}) if hasattr(settings, "extra") else {}
    cfg: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}

    def days(key: str, default: int) -> int:
        try:
            value = int(cfg.get(key, default))
        except (TypeError, ValueError):
            raise BriefError(f"[brief] {key} must be a whole number of days") from None
        if value < 0:
            raise BriefError(f"[brief] {key} must not be negative")
        return value

    return days("horizon_days", HORIZON_DAYS), days("lookback_days", LOOKBACK_DAYS)


@dataclass
class Brief:
    """Every section as the JSON shows it (plain dicts of strings, numbers and booleans)."""

    today: date
    client: str | None
    since: datetime
    horizon_days: int
    waiting: list[dict[str, Any]] = field(default_factory=list)
    # threads still without my reply whose last message is older than the lookback: counted,
    # not listed (QA, session 8: a thread 61 days unanswered vanished from "waiting")
    waiting_older: dict[str, Any] = field(default_factory=dict)
    dates: list[dict[str, Any]] = field(default_factory=list)
    unbilled: list[dict[str, Any]] = field(default_factory=list)
    drafts: list[dict[str, Any]] = field(default_factory=list)
    unpaid: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    open_questions: list[dict[str, Any]] = field(default_factory=list)
    health: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "today": self.today.isoformat(),
            "client": self.client,
            "since": iso(self.since),
            "horizon_days": self.horizon_days,
            "waiting": self.waiting,
            "waiting_older": self.waiting_older,
            "dates": self.dates,
            "unbilled": self.unbilled,
            "invoices": {"drafts": self.drafts, "unpaid": self.unpaid},
            "changed": self.changed,
            "open_questions": self.open_questions,
            "health": self.health,
        }


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def build_brief(
    vault: Vault,
    today: date,
    client: str | None = None,
    horizon_days: int = HORIZON_DAYS,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Brief:
    """The briefing for ``today``. ``client``: a clients.toml id (every section in its scope).
    ``since``: the moment "changed" starts from (default: the last visit stored by
    :func:`mark_visited`, else the start of yesterday, UTC); ``until``: where it ends (default:
    now). Reads only."""
    scope: Scope | None = None
    if client:
        scope = scope_for(client, vault.settings.clients)
        if scope is None:
            raise BriefError(f"no client {client!r} in clients.toml: nothing is sure to be its")
    _, lookback = configured(vault.settings)
    in_range(today)
    if since is None:
        since = sql.last_visit(vault) or _midnight(today - timedelta(days=1))
    elif since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    b = Brief(today, client, since, horizon_days)
    view = _View(scope)
    # A day's margin either side in SQL (stored times are UTC); the messages' own dates decide.
    start, end = today - timedelta(days=lookback), today
    wide = (_midnight(start - timedelta(days=1)), _midnight(end + timedelta(days=2)))
    # mail a machine wrote (an out-of-office, a newsletter) neither waits nor names deadlines
    mail = [
        m
        for m in sql.client_mail(vault, *wide, client)
        if _within(m, start, end) and not m.automated
    ]
    me = sql.own_addresses(vault)
    directory = ClientDirectory(tuple(vault.settings.clients))
    ends = sql.thread_ends(
        vault,
        [m.document_id for m in mail],
        # in one client's briefing, what another client's person wrote in the thread waits
        # on me for that client, not this one: the thread ends with mine or this client's
        # (new user's trial, session 31: a reply-all copying another client's person, who
        # answered, left this client's question "waiting on you" — and, once the user gave
        # the reply to this client, the user's own reply)
        lambda m: (
            m.timestamp is not None
            and user_day(m.timestamp) <= end
            and (client is None or m.scope == client or m.author in me)
        ),
    )
    b.waiting, unanswered = _waiting(mail, me, today, view, ends, directory)
    listed = {w["document_id"] for w in b.waiting}
    older = [
        m
        for m in sql.thread_ends_before(vault, _midnight(start + timedelta(days=1)), client)
        if m.author not in me
        and not to_the_client(m, directory)
        and not m.automated
        and m.document_id not in listed
        and m.timestamp is not None
        and m.timestamp.date() < start
    ]
    b.waiting_older = {
        "threads": len(older),
        "oldest": iso(older[0].timestamp) if older else None,
        "lookback_days": lookback,
    }
    notes = [n for n in sql.recent_notes(vault, *wide, client) if _within(n, start, end)]
    b.dates = _dates([*mail, *notes], today, horizon_days, unanswered, view)
    b.unbilled = [
        {
            "client": u.client,
            "hours": u.hours,
            "amount": None if u.amount is None else str(u.amount),
            "currency": u.currency,
            "items": u.items,
        }
        for u in unbilled(vault, today, client)
    ]
    b.drafts, b.unpaid = _invoices(vault, today, client)
    b.changed = _changed(vault, since, client, view, until)
    day_end = _midnight(today + timedelta(days=1))
    b.open_questions = []
    questions = sql.open_questions(vault, client, until=day_end)
    settled = settled_later(vault, questions, client, day_end)
    for r in questions:
        item = view.item(r, _question(r.text))
        if item is None:
            continue
        if r.entry_id in settled:
            d = settled[r.entry_id]
            if (decided := view.item(d, decision_said(vault, d))) is not None:
                item["perhaps_decided"] = decided
        b.open_questions.append(item)
    failures = sql.failures(vault)
    b.health = {
        # a failed file belongs to nobody's scope and its name can name another client: a
        # client's briefing counts them (QA, session 9: it said "0 files failed") and lists none
        "failures": [] if client else failures,
        "failed": len(failures),
        "unattributed": sql.unattributed(vault),
    }
    return b


def in_range(today: date) -> date:
    """``today`` when a briefing can be made for it; the sections reach days around it, and
    9999-12-31 ended in an OverflowError traceback (QA, session 11)."""
    if not date(1900, 1, 1) <= today <= date(9000, 12, 31):
        raise BriefError(f"{today.isoformat()} is out of range (1900-01-01 to 9000-12-31)")
    return today


def another_day(today: date) -> tuple[datetime, datetime]:
    """(since, until) of "changed" for a briefing of a day that is not today (``--today``, the
    MCP ``brief(today=…)``): what arrived that day and the day before — not since the last
    visit, which may lie after that day."""
    in_range(today)
    return _midnight(today - timedelta(days=1)), _midnight(today + timedelta(days=1))


# A decision written later, in another note, that holds most of an open question's words: shown
# beside the question, never in its place (QA, session 19: "Open question: … a new data
# processing agreement for Ohio?" of June 1 stayed open after June 18's "Decided: no new data
# processing agreement is needed for the Ohio region"). A question closed wrongly is forgotten;
# one shown with what may have settled it costs a glance.
SETTLED_SHARE = 0.6


def _stemmed(rows: list[TextRow]) -> list[tuple[TextRow, set[str]]]:
    from .terms import stem, words_of

    return [(r, {stem(w) for w in words_of(r.text)}) for r in rows]


def settled_later(
    vault: Vault, questions: list[TextRow], client: str | None, until: datetime | None
) -> dict[int, TextRow]:
    """For each open question (entry id) a later decision of another document holding most of
    its words (``SETTLED_SHARE``), in ``client``'s scope and written before ``until``: shown
    beside the question by the briefing and by `ask` ("which questions are still open?")."""
    dated = [r.timestamp for r in questions if r.timestamp is not None]
    if not dated:
        return {}
    # the decisions that may settle them, read once for all (not once per question)
    decisions = _stemmed(sql.decisions_between(vault, client, min(dated), until))
    out = {}
    for q in questions:
        if (d := _settled_by(vault, q, decisions)) is not None:
            out[q.entry_id] = d
    return out


# "Open question: …": the label says what the sentence is, not what it asks about (QA, session
# 20: its two words kept a question under the share of the decision that settled it)
_LABEL = re.compile(
    r"^\W*(?:open\s+questions?|questions?|oq|todo|to\s+decide|undecided|tbd)\s*[:\-–—]\s*",
    re.IGNORECASE,
)


def _settled_by(
    vault: Vault, question: TextRow, decisions: list[tuple[TextRow, set[str]]]
) -> TextRow | None:
    """The later decision of another document holding most of the question's words."""
    from .answerable import content_terms
    from .terms import stem

    if question.timestamp is None:
        return None
    names = [n for c in vault.settings.clients for n in (c.id, *c.names)]
    # each question of the entry on its own: a note asking two things may have one settled
    # (QA, session 20: the second question's words kept the first below the share)
    asked = [
        terms
        for q in _asked(question.text) or [_lead(question.text)]
        if len(terms := {stem(t) for t in content_terms(_LABEL.sub("", q), names) if " " not in t})
        >= 2
    ]
    best: tuple[float, TextRow] | None = None
    for d, words in decisions:
        if d.document_id == question.document_id or d.timestamp is None:
            continue  # a decision of its own document closes it already (open_questions)
        if d.timestamp <= question.timestamp:
            continue
        for terms in asked:
            share = len(terms & words) / len(terms)
            if share >= SETTLED_SHARE and (best is None or share > best[0]):
                best = (share, d)
    return None if best is None else best[1]


def decision_said(vault: Vault, row: TextRow) -> str:
    """The sentence that decides ("Decided: no new agreement is needed"), not the start of its
    section (review, session 19: the quote began at the section's first line); the entry's
    text when ingest marked no such sentence."""
    from trailkeep.vault.query import entry_cues

    cues = entry_cues(vault, [row.entry_id]).get(row.entry_id, [])
    said = [c["sentence"] for c in cues if c["tag"] == "decision" and c["sentence"] in row.text]
    return said[0] if said else row.text


def mark_visited(vault: Vault, at: datetime) -> None:
    """Remember ``at`` as the last visit: the next briefing's "changed" starts there."""
    sql.set_last_visit(vault, at)


# ------------------------------------------------------------------------------------ scope
class _View:
    """What the briefing may show of an entry: everything (no client), or what the client's
    scope admits (the same clip as search and drafts)."""

    def __init__(self, scope: Scope | None) -> None:
        self.scope = scope

    def client(self, row: TextRow) -> str | None:
        c = row.client or (row.scope if row.scope[:1].isalnum() else None)
        if self.scope is not None and c != self.scope.client.id:
            return None  # general material in the client's scope
        return c

    def title(self, title: str) -> str:
        return WITHHELD if self.scope is not None and self.scope.names_other(title) else title

    def source(self, name: str | None) -> str | None:
        return None if name and self.scope is not None and self.scope.names_other(name) else name

    def text(self, row: TextRow) -> str | None:
        """The entry's text as the scope may see it (its lines about the client), or None."""
        if self.scope is None:
            return row.text
        parts = admit([row.as_hit()], self.scope, {row.entry_id: row.text})
        return "\n".join(p.quote for p in parts) if parts else None

    def item(self, row: TextRow, quote: str) -> dict[str, Any] | None:
        """document, entry, quote, date and source of an entry; None when the scope may not
        see any of it."""
        if self.scope is not None:
            parts = admit([row.as_hit(quote)], self.scope, {row.entry_id: row.text})
            if not parts:
                return None
            quote = " … ".join(p.quote for p in parts)
        return {
            "client": self.client(row),
            "document_id": row.document_id,
            "document": self.title(row.document),
            "entry_id": row.entry_id,
            "quote": _cut(quote),
            "date": iso(row.timestamp),
            "source": self.source(row.source),
        }


# ------------------------------------------------------------------------------------ sections
def user_day(at: datetime) -> date:
    """The day an instant falls on for the user (this machine's zone), not for its sender:
    a mail dated "Thu 15 Oct 00:30 +1300" was written on Oct 14 in London (QA, session 16:
    an older mail showed more days waiting than a newer one, and a mail written before today
    was left out as "after today"). What its words say ("tomorrow") is still read against
    its sender's own date."""
    return at.astimezone().date()


def _within(row: TextRow, start: date, end: date) -> bool:
    return row.timestamp is not None and start <= user_day(row.timestamp) <= end


def to_the_client(m: TextRow, directory: ClientDirectory) -> bool:
    """A message from outside the client to the client's addresses only: the user's own (or
    someone writing as the user), though ``[me]`` does not say so — a thread that ends with it
    waits on the client, not on the user (QA, session 13: a new user's own first mail, and a
    reply to mail sent to a shared address, were "waiting on you")."""
    return (
        directory.by_address(m.author) is None
        and bool(m.recipients)
        and all(directory.by_address(a) is not None for a in m.recipients)
    )


def _waiting(
    mail: list[TextRow],
    me: frozenset[str],
    today: date,
    view: _View,
    ends: Mapping[int, TextRow] | None = None,
    directory: ClientDirectory | None = None,
) -> tuple[list[dict[str, Any]], set[int]]:
    """(threads waiting on me, oldest first; the entry ids of the client's messages in them).
    A date in any of those messages that has passed is overdue: the thread still waits on me,
    whatever I replied in between (QA: "live by Nov 13", answered with "on it", then the
    client wrote again — Nov 13 vanished instead of turning overdue). ``mail`` is ordered by
    thread, then time."""
    threads: dict[int, list[TextRow]] = {}
    for m in mail:
        threads.setdefault(m.document_id, []).append(m)
    out: list[tuple[datetime, dict[str, Any]]] = []
    unanswered: set[int] = set()
    for doc, msgs in threads.items():
        last = msgs[-1]
        if last.timestamp is None:
            continue
        # who wrote last decides, whatever scope that message is in (a reply to two clients
        # is in neither's); only the in-scope message is shown
        end = (ends or {}).get(doc)
        who = end if end is not None and end.timestamp and end.timestamp >= last.timestamp else last
        if who.author in me or (directory is not None and to_the_client(who, directory)):
            continue
        # my reply to it, whatever its clock says: a laptop a few minutes behind dated my answer
        # before the question, and the thread looked unanswered for weeks (QA, session 16)
        if any(who.key in m.replies_to for m in msgs if m.author in me):
            continue
        unanswered.update(m.entry_id for m in msgs if m.author not in me)
        out.append(
            (
                last.timestamp,
                {
                    "client": view.client(last),
                    "document_id": last.document_id,
                    "message_id": last.key,
                    "from": last.sender,
                    "date": iso(last.timestamp),
                    "days": (today - user_day(last.timestamp)).days,
                    "entry_id": last.entry_id,
                    "subject": view.title(last.document),
                    "source": view.source(last.source),
                },
            )
        )
    out.sort(key=lambda x: (x[0], x[1]["document_id"]))
    return [w for _, w in out], unanswered


def _dates(
    rows: Iterable[TextRow], today: date, horizon: int, unanswered: set[int], view: _View
) -> list[dict[str, Any]]:
    last = today + timedelta(days=horizon)
    read: list[tuple[TextRow, datetime, list[NamedDate]]] = []
    # What each thread's or note's later entries say against the dates its earlier ones named.
    later: dict[int, list[tuple[datetime, DateChanges]]] = {}
    for r in rows:
        body = view.text(r)
        if r.timestamp is None or not body:
            continue
        named, changes = read_dates(body, r.timestamp.date())
        read.append((r, r.timestamp, named))
        if changes.withdrawn or changes.moves:
            later.setdefault(r.document_id, []).append((r.timestamp, changes))
    out: list[tuple[date, datetime, dict[str, Any]]] = []
    seen: set[tuple[str, str | None, str]] = set()
    for r, at, named in read:
        written = at.date()
        after = [c for t, c in later.get(r.document_id, ()) if t > at]
        for nd in named:
            if today <= nd.day <= last:
                overdue = False
            elif r.entry_id in unanswered and written <= nd.day < today and is_deadline(nd):
                overdue = True
            else:
                continue
            if _superseded(nd, after):
                continue
            client = view.client(r)
            key = (nd.day.isoformat(), client, nd.quote)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                (
                    nd.day,
                    at,
                    {
                        "date": nd.day.isoformat(),
                        "client": client,
                        "quote": nd.quote,
                        "source": view.source(r.source),
                        "overdue": overdue,
                        "document_id": r.document_id,
                        "entry_id": r.entry_id,
                        "kind": "email" if r.kind == "email" else "note",
                        "said_on": written.isoformat(),
                        "words": nd.text,
                    },
                )
            )
    out.sort(key=lambda x: (x[0], x[1], x[2]["entry_id"]))
    return [d for _, _, d in out]


# Words that say nothing of what a date is for: a move to another date names the same thing as
# an earlier date when their sentences share a word that is none of these.
_PLAIN = frozenset(
    (
        "this that these those with will would could should shall have has had from into onto "
        "your yours ours their them they then than when what which where there here about also "
        "just please thanks thank again still only over after before until till since next week "
        "weeks month days today tomorrow date dates move moved moves moving push pushed pushing "
        "postpone postponed reschedule rescheduled shift shifted slip slipped delay delayed bump "
        "bumped instead new now planned scheduled happy sure okay make works work going able "
        "let's lets can't cannot know think need want like been being were does done sorry hope "
        "january february march april june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday"
    ).split()
)
_TERM = re.compile(r"[a-z][a-z'-]{3,}")
_JOINS = re.compile(r"[,;:]|\s(?:and|but|while|whereas|or)\s", re.I)


# What makes a named day a deadline rather than the day of an event: a date that has passed
# is overdue only when something was due by it (QA, session 11: "the steering committee is next
# Tuesday", a go-live day and a webinar were all listed "overdue"). "Within 3 days" is due by
# its last day (QA, session 16: once passed, it vanished).
_DEADLINE = re.compile(
    r"\b(?i:by|before|due|deadline|no later than|not later than|latest|until|till|within|"
    r"eod|cob|end of (?:day|business))\b"
)


def is_deadline(nd: NamedDate) -> bool:
    """Does the clause naming the date say something is due by it?"""
    at = max(nd.quote.find(nd.text), 0)
    cuts = [0, *(m.end() for m in _JOINS.finditer(nd.quote)), len(nd.quote)]
    start = max(c for c in cuts if c <= at)
    return bool(_DEADLINE.search(nd.quote[start : at + len(nd.text)]))


def _terms(nd: NamedDate) -> set[str]:
    """What the date is for: the words of its own clause ("the workshop is on Nov 9 and the
    invoice run on Nov 13": Nov 13 is the invoice run's), less the plain ones."""
    at = max(nd.quote.find(nd.text), 0)
    cuts = [0, *(m.end() for m in _JOINS.finditer(nd.quote)), len(nd.quote)]
    start = max(c for c in cuts if c <= at)
    stop = min((m.start() for m in _JOINS.finditer(nd.quote, at + len(nd.text))), default=None)
    return set(_TERM.findall(nd.quote[start:stop].lower())) - _PLAIN


def _superseded(nd: NamedDate, after: list[DateChanges]) -> bool:
    """A date a later entry of the same thread or note withdraws ("we cannot make Dec 4", "moved
    from Dec 4"), or moves the same thing away from ("the review moves to Dec 11")."""
    if any(nd.day in c.withdrawn for c in after):
        return True
    mine = _terms(nd)
    return any(m.day != nd.day and mine & _terms(m) for c in after for m in c.moves)


def _money(x: Decimal, currency: str) -> str:
    """As the invoice says it: to the currency's smallest unit (yen whole, dinars to
    thousandths; QA, session 18: a KWD invoice of 75.209 was briefed as 75.21)."""
    return str(x.quantize(Decimal(1).scaleb(-minor_digits(currency))))


def _invoices(
    vault: Vault, today: date, client: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    drafts_raw, unpaid_raw = open_invoices(vault, client)
    drafts: list[dict[str, Any]] = []
    for d in drafts_raw:
        if isinstance(d, tuple):
            drafts.append(
                {
                    "id": d[0],
                    "client": d[1],
                    "period": d[2],
                    "total": None,
                    "currency": None,
                    "lines": 0,
                    "problem": d[3],
                }
            )
            continue
        drafts.append(
            {
                "id": d.id,
                "client": d.client,
                "period": d.period,
                "total": _money(d.total, d.currency),
                "currency": d.currency,
                "lines": len(d.lines),
                # said without the name: the briefing of one client names no other (new
                # user's trial, session 31: "problem": null for a draft `issue` would refuse)
                "problem": (
                    f"{n} line(s) name another client: edit them before it is issued "
                    f"(`trailkeep invoice show {d.id}`)"
                    if (n := len(lines_naming_others(d, vault.settings.clients)))
                    else None
                ),
            }
        )
    unpaid = []
    for v in unpaid_raw:
        issued = date.fromisoformat(v.issued_on) if v.issued_on else today
        if issued > today:  # a briefing of an earlier day: not issued yet then (QA, session 11)
            continue
        due = date.fromisoformat(v.due_on) if v.due_on else None
        unpaid.append(
            {
                "id": v.id,
                "number": v.number,
                "client": v.client,
                "total": _money(v.total, v.currency),
                "currency": v.currency,
                "issued_on": v.issued_on,
                "due_on": v.due_on,
                "days": (today - issued).days,
                "overdue": due is not None and today > due,
            }
        )
    return drafts, unpaid


def _changed(
    vault: Vault, since: datetime, client: str | None, view: _View, until: datetime | None = None
) -> list[dict[str, Any]]:
    groups: dict[str | None, dict[str, Any]] = {}

    def group(c: str | None) -> dict[str, Any]:
        if c not in groups:
            groups[c] = {"client": c, "documents": [], "decisions": [], "dead_ends": []}
        return groups[c]

    for a in sql.arrivals(vault, since, client, until=until):
        c = a.client if client is None or a.client == client else None
        group(c)["documents"].append(
            {
                "what": a.what,
                "document_id": a.document_id,
                "document": view.title(a.document),
                "kind": a.kind,
                "version": a.version,
                "messages": a.messages,
                "source": view.source(a.source),
                "arrived": iso(a.arrived),
            }
        )
    for tag, r in sql.tagged_since(vault, since, CHANGED_TAGS, client, until=until):
        item = view.item(r, _lead(r.text))
        if item is not None:
            group(item["client"])["decisions" if tag == "decision" else "dead_ends"].append(item)
    return [groups[c] for c in sorted(groups, key=lambda c: (c is None, c or ""))]


# ------------------------------------------------------------------------------------ quotes
_WS = re.compile(r"\s+")


def _cut(s: str) -> str:
    s = _WS.sub(" ", s).strip()
    if len(s) <= QUOTE_CHARS:
        return s
    return s[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _lead(text: str) -> str:
    """The start of an entry, about QUOTE_CHARS long (whole sentences when they fit)."""
    out = ""
    for s in sentences(text):
        if out and len(out) + len(s) + 1 > QUOTE_CHARS:
            break
        out = f"{out} {s}".strip()
    return out or text


def _asked(text: str) -> list[str]:
    """The sentences of a text that ask."""
    return [s for s in sentences(text) if s.rstrip("*_)\"'”").endswith("?")]


def _question(text: str) -> str:
    """The question of an entry tagged open_question: its sentences that ask, else its start."""
    return " ".join(_asked(text)) or _lead(text)


__all__ = ["Brief", "BriefError", "another_day", "build_brief", "configured", "mark_visited"]
