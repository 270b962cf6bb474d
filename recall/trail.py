"""Reasoning trails: how a topic evolved, in time order, with what revised and superseded what.

A topic trail starts from the best matches for the topic (current or not: superseded ideas are
the point) and adds the entries linked to them by ``revises`` / ``supersedes`` / ``reply_to``
(one hop) and the same note section in every other version. It keeps only the steps where the
topic really is (the relevance floor of ``ask``: a keyword match with enough closeness, or a
strong closeness alone) and, within one note section, only the versions where its text appeared
or changed — not one quote per version. A document trail is every indexed entry of one document
(a conversation's edits and regenerations, a note's versions) in time order.

Each step says what changed from the previous version of the same entry (``changed``: the
sentences added and removed) and, when a later statement reverses an earlier one — another
value (date, number, money) in an otherwise matching sentence, or a decision taken back —
``changed_mind``. The rules: notes/0014-time-questions.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from trailkeep.vault import Filters, Hit, Vault, iso
from trailkeep.vault.history import EntryRow, entry_rows, lineages, passing
from trailkeep.vault.keyword import query_terms
from trailkeep.vault.query import (
    document_entry_ids,
    entry_cues,
    entry_hits,
    entry_links,
    entry_tags,
    entry_text,
    linked_entry_ids,
)
from trailkeep.vault.records import DOC_DRAFT

from .retrieval import SearchResult, search_detailed
from .scope import admit, scope_for
from .timeline import (
    bare_phrase,
    find_phrase,
    sentence_changes,
    sentence_spans,
    sentences,
    time_key,
)

TRAIL_LINKS = ("revises", "supersedes", "reply_to", "continues")
SAME_TIME = "same timestamp, ordered by arrival"
CLOCK_BEHIND = "dated before the message it answers (its sender's clock was behind): shown after it"
MIN_TERM_SHARE = 0.5  # of the topic's words an entry must contain to match it by keywords
SIMILAR = 0.75  # two sentences "otherwise match" (notes/0014)
QUOTE_CHARS = 500


@dataclass
class Step:
    hit: Hit
    tags: list[str] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    # what changed from the previous version of the same entry: added / removed sentences
    changed: dict[str, Any] = field(default_factory=dict)
    changed_mind: dict[str, Any] | None = None  # from, from_date, to, to_date
    unchanged_until: dict[str, Any] | None = None  # later versions with the same text
    order_note: str | None = None  # SAME_TIME when a neighbour version has the same time
    topic_removed: bool = False  # the version where the topic's sentences were dropped
    cues: list[dict[str, str]] = field(default_factory=list)  # tag, sentence (notes/0005)

    def as_json(self, n: int) -> dict[str, Any]:
        return {
            "n": n,
            **self.hit.as_json(),
            "tags": self.tags,
            "links": self.links,
            "changed": self.changed or no_change(),
            "changed_mind": self.changed_mind,
            "unchanged_until": self.unchanged_until,
            "order_note": self.order_note,
            "topic_removed": self.topic_removed,
            "cues": self.cues,
        }


def no_change() -> dict[str, Any]:
    return {"added": [], "removed": [], "from_version": None, "from_entry_id": None}


# ------------------------------------------------------------------------------------ steps
def _steps(
    vault: Vault, hits: list[Hit], same_as: SameAs | None = None, filters: Filters | None = None
) -> list[Step]:
    ids = [h.entry_id for h in hits]
    tags = entry_tags(vault, ids)
    links = entry_links(vault, ids)
    if filters is not None and filters.client:
        # a link names the entry it points at: within a client's scope, only its entries
        # (QA, session 12: a scoped trail listed another client's entry id)
        linked = {ln["entry_id"] for lns in links.values() for ln in lns}
        ok = passing(vault, sorted(linked), filters)
        links = {e: [ln for ln in lns if ln["entry_id"] in ok] for e, lns in links.items()}
    cues = entry_cues(vault, ids)
    steps = [
        Step(h, tags.get(h.entry_id, []), links.get(h.entry_id, []), cues=cues.get(h.entry_id, []))
        for h in hits
    ]
    if filters is not None and filters.client:
        for st in steps:
            _cues_in_quote(st)
    steps.sort(key=lambda s: time_key(s.hit))
    moved = _after_what_they_answer(steps)
    _annotate(vault, steps, same_as or _norm, filters.client if filters else None)
    for s in moved:
        s.order_note = CLOCK_BEHIND
    for s in steps:
        _new_cues_only(s)
    return steps


def _after_what_they_answer(steps: list[Step]) -> list[Step]:
    """A reply goes after the message it answers whatever its date says: a sender's clock
    behind the asker's put the answer before the question (QA, session 16). Moves in place;
    returns the steps moved."""
    moved: list[Step] = []
    for _ in range(len(steps)):  # each pass moves one reply; a chain takes several
        at = {s.hit.entry_id: i for i, s in enumerate(steps)}
        late = None
        for i, s in enumerate(steps):
            answers = [at.get(ln["entry_id"], -1) for ln in s.links if ln["kind"] == "reply_to"]
            if answers and max(answers) > i:
                late = (i, max(answers))
                break
        if late is None:
            break
        step = steps.pop(late[0])
        steps.insert(late[1], step)  # the message moved up by one: this is right after it
        moved.append(step)
    return moved


def _cues_in_quote(step: Step) -> None:
    """In a client's scope, a step shows the cue sentences of its quote — what the scope clipped
    it to — and the tags they gave (review, session 30: "Copying Beta Logistics's runbook
    doesn't work" was an Acme step's dead-end cue, its quote clipped to Acme's lines)."""
    quote = " ".join(step.hit.quote.split())
    kept = [c for c in step.cues if " ".join(c["sentence"].split()) in quote]
    gone = {c["tag"] for c in step.cues} - {c["tag"] for c in kept}
    step.tags = [t for t in step.tags if t not in gone]
    step.cues = kept


def _new_cues_only(step: Step) -> None:
    """A later version carries the tags of the cue sentences it *added*: an essay whose one
    "doesn't work" sentence survives eleven versions is a dead end once, where it was written.
    Tags without a cue sentence (the user's, a model's) stay."""
    if step.changed.get("from_version") is None and step.changed.get("from_entry_id") is None:
        return
    added = {" ".join(str(x).split()) for x in step.changed.get("added", [])}
    fresh = [c for c in step.cues if any(" ".join(c["sentence"].split()) in a for a in added)]
    cue_tags = {c["tag"] for c in step.cues}
    step.tags = [t for t in step.tags if t not in cue_tags or any(c["tag"] == t for c in fresh)]
    step.cues = fresh


SameAs = Callable[[str], object]  # what of an entry's text must stay equal to be "unchanged"


def _annotate(vault: Vault, steps: list[Step], same_as: SameAs, client: str | None = None) -> None:
    """``changed``, ``changed_mind``, ``unchanged_until`` and ``order_note`` of each step;
    within ``client``'s scope, from the versions that scope may read."""
    lines = lineages(vault, [s.hit.entry_id for s in steps])
    # Entries some step revises that are not in a lineage (a chat message's edit).
    revised = {
        s.hit.entry_id: ln["entry_id"]
        for s in steps
        for ln in s.links
        if ln["kind"] == "revises" and len(lines.get(s.hit.entry_id, [])) < 2
    }
    before = {r.entry_id: r for r in entry_rows(vault, list(revised.values()))}
    if client:
        lines, before = _readable(vault, lines, before, client)
    earlier: list[tuple[str, datetime | None, bool]] = []  # (sentence, when, decision)
    for s in steps:
        line = lines.get(s.hit.entry_id, [])
        at = next((i for i, r in enumerate(line) if r.entry_id == s.hit.entry_id), -1)
        prev = line[at - 1] if at > 0 else before.get(revised.get(s.hit.entry_id, -1))
        now = sentences(line[at].text) if at >= 0 else sentences(s.hit.quote)
        removed: list[str] = []
        if prev is not None:
            added, removed = sentence_changes(sentences(prev.text), now)
            s.changed = {
                "added": added,
                "removed": removed,
                "from_version": prev.version,
                "from_entry_id": prev.entry_id,
            }
            if prev.timestamp == s.hit.timestamp and prev.document_id == s.hit.document_id:
                s.order_note = SAME_TIME
        if at >= 0:
            s.unchanged_until = _unchanged_until(line, at, same_as)
        said = s.changed["added"] if s.changed else now
        # a chat message's edit has no earlier version in its lineage: the message it revises
        # was said when it was sent (QA, session 13: "changed mind … (None) → …")
        old = [
            (r, _first_said(line, at - 1, r) if at > 0 or prev is None else prev.timestamp)
            for r in removed
        ]
        s.changed_mind = changed_mind(old, earlier, said, s.hit.timestamp)
        decision = "decision" in s.tags
        earlier.extend((x, s.hit.timestamp, decision) for x in now)


def _readable(
    vault: Vault, lines: dict[int, list[EntryRow]], before: dict[int, EntryRow], client: str
) -> tuple[dict[int, list[EntryRow]], dict[int, EntryRow]]:
    """The versions of each lineage (and the messages edits revise) that ``client``'s scope may
    read whole: in its scope, naming no other client. A file rewritten from one client's words
    to another's keeps one lineage, and its step's "removed" quoted the other client's version
    (generated vaults, session 30: `ask --client` showed it in the trail). A step's own entry
    left out is read from its quote, which the scope clipped."""
    scope = scope_for(client, vault.settings.clients)
    ids = sorted({r.entry_id for line in lines.values() for r in line} | set(before))
    ok = passing(vault, ids, Filters(client=client)) if scope is not None else set()

    def whole(r: EntryRow) -> bool:
        general = r.client is None
        return r.entry_id in ok and scope is not None and not scope.names_other(r.text, general)

    return (
        {e: [r for r in line if whole(r)] for e, line in lines.items()},
        {e: r for e, r in before.items() if whole(r)},
    )


def _unchanged_until(line: list[EntryRow], at: int, same_as: SameAs) -> dict[str, Any] | None:
    same = same_as(line[at].text)
    last = None
    for r in line[at + 1 :]:
        if same_as(r.text) != same:
            break
        last = r
    if last is None:
        return None
    out: dict[str, Any] = {
        "version": last.version,
        "timestamp": iso(last.timestamp),
        "current": last.current,
    }
    if _norm(last.text) != _norm(line[at].text):
        # unchanged on the topic, but not as a whole: "We will use OSRM" became "We dropped
        # OSRM" beside an unchanged "the depot runs 42 trucks", and the trail showed the old
        # passage as "still current" (QA, session 18). What else changed is said.
        added, removed = sentence_changes(sentences(line[at].text), sentences(last.text))
        out["rest_changed"] = {"added": added, "removed": removed}
    return out


def _first_said(line: list[EntryRow], at: int, sentence: str) -> datetime | None:
    """When ``sentence`` was first said in this lineage, walking back from ``at`` while each
    earlier version still says it."""
    when = line[at].timestamp if at >= 0 else None
    i = at
    while i >= 0 and sentence in sentences(line[i].text):
        when = line[i].timestamp
        i -= 1
    return when


def _norm(s: str) -> str:
    return " ".join(s.split())


# ------------------------------------------------------------------------------ changed mind
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_VALUE = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*(?:\s?[km]\b)?"  # money with a symbol
    r"|\d[\d,.]*\s?(?:usd|eur|gbp|chf|dollars?|euros?|k\b)"  # money with a unit
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"  # ISO and slashed dates
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"  # March 3(rd)(, 2026)
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?"  # 3(rd) (of) March
    rf"|\b{_MONTH}\b(?:\s+\d{{4}})?|\b{_DAY}\b"  # a month, a weekday
    r"|\d{1,2}(?::\d{2})?\s?(?:am|pm)\b"  # times
    r"|\d+(?:[.,]\d+)*\s?%?)",  # numbers, percentages
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_][\w'-]*|<v>")
_DECISION = re.compile(
    r"\b(?:decided|decide|decision|agreed|agree|chose|chosen|settled|going with|go with"
    r"|will use|we'll use|plan is|final)\b",
    re.IGNORECASE,
)
_REVERSAL = re.compile(
    r"\b(?:not|no longer|never|don't|do not|won't|will not|instead|drop(?:s|ped|ping)?"
    r"|abandon(?:ed|ing)?|revert(?:ed)?|revers(?:e|ed)|back to|rather than|scrap(?:ped)?"
    r"|cancel(?:l?ed)?|changed our mind|change of plan|against|ruled? out|moving away from"
    # QA, session 16: "decided against", "ruled out", "dropping", "switch from X to Y"
    r"|switch(?:ed|ing)? (?:from|away from))\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    "the a an and or of to in on at by for with is are was were be been it its this that we i "
    "our you they will would should not no decided decide decision agreed agree chose chosen "
    "settled going go use final instead after all".split()
)


def values(sentence: str) -> list[str]:
    """The dates, numbers and amounts a sentence states, normalised."""
    return [" ".join(m.group().lower().split()) for m in _VALUE.finditer(sentence)]


def _masked(sentence: str) -> list[str]:
    return _WORD.findall(_VALUE.sub(" <v> ", sentence.lower()))


def value_changed(old: str, new: str) -> bool:
    """``new`` states another value than ``old`` in a sentence that otherwise matches it."""
    a, b = values(old), values(new)
    if not a or not b or a == b:
        return False
    ma, mb = _masked(old), _masked(new)
    if len(ma) < 3 or len(mb) < 3:
        return False
    return difflib.SequenceMatcher(None, ma, mb, autojunk=False).ratio() >= SIMILAR


def _content(sentence: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(sentence.lower()) if w not in _STOP and len(w) > 2}


def decision_reversed(old: str, new: str) -> bool:
    """``new`` takes back the decision ``old`` states: both are decisions about the same
    things (two content words in common, at least 40 % of the earlier one's), and only the
    later one has a reversal word (not, no longer, instead, dropped, back to, ...)."""
    if not (_DECISION.search(old) and _DECISION.search(new)):
        return False
    if not _REVERSAL.search(new) or _REVERSAL.search(old):
        return False
    a, b = _content(old), _content(new)
    shared = a & b
    return len(shared) >= 2 and len(shared) >= 0.4 * len(a)


def changed_mind(
    removed: list[tuple[str, datetime | None]],
    earlier: list[tuple[str, datetime | None, bool]],
    said: list[str],
    when: datetime | None,
) -> dict[str, Any] | None:
    """The first reversal in what a step ``said`` (its added sentences): of a sentence the
    previous version of the same entry said (``removed``: another value, or a decision taken
    back), else of an earlier step's decision (``earlier``: (sentence, when, is a decision))."""
    for new in said:
        for old, at in removed:
            if value_changed(old, new) or decision_reversed(old, new):
                return _mind(old, at, new, when)
        for old, at, decision in reversed(earlier):
            if decision and old != new and decision_reversed(old, new):
                return _mind(old, at, new, when)
    return None


def _mind(old: str, at: datetime | None, new: str, when: datetime | None) -> dict[str, Any]:
    return {"from": old, "from_date": iso(at), "to": new, "to_date": iso(when)}


# ------------------------------------------------------------------------------------ topics
def _stem(w: str) -> str:
    w = w.lower().removesuffix("'s")
    for suffix in ("ingly", "edly", "ing", "ed", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def stem_word(word: str) -> str:
    """A word as the trail matches it (light stemming)."""
    return _stem(word)


def topic_terms(topic: str) -> set[str]:
    return {_stem(t.strip('"')) for t in query_terms(topic)}


def term_share(terms: set[str], text: str) -> float:
    if not terms:
        return 0.0
    words = {_stem(w) for w in re.findall(r"[^\W_]+", text)}
    return sum(t in words for t in terms) / len(terms)


def on_topic(res: SearchResult, hit: Hit, text: str, terms: set[str]) -> bool:
    """The relevance floor: a keyword match — the passage has at least half the topic's words
    (light stemming) — or strong evidence as ``ask`` judges it (``evidence_strength``: the
    keyword index matched and it is close enough, or it is very close on its own)."""
    from .answer import evidence_strength  # answer imports this module

    if terms and term_share(terms, text) >= MIN_TERM_SHARE:
        return True
    return evidence_strength(res, hit)[0]


def _quote(text: str, terms: set[str]) -> str:
    """The entry verbatim, or ~QUOTE_CHARS of it from its sentence richest in topic words."""
    if len(text) <= QUOTE_CHARS:
        return text
    spans = sentence_spans(text) or [(0, len(text))]
    best = max(spans, key=lambda sp: term_share(terms, text[sp[0] : sp[1]]))
    cut = text[best[0] : best[0] + QUOTE_CHARS]
    return cut.rsplit(" ", 1)[0] if len(cut) == QUOTE_CHARS and " " in cut else cut


def topic_trail(
    vault: Vault, topic: str, filters: Filters | None = None, k: int = 12
) -> list[Step]:
    """Steps where the topic is: the search's matches above the relevance floor, the entries
    linked to them (one hop) and the same note section in every version — of a section, only
    the versions where what it says about the topic appeared or changed, and the version
    where it was dropped (``topic_removed``)."""
    # drafts are what was written from the history, not history (as for `when`; QA, session
    # 14: a trail's last steps were two drafts made today quoting it)
    base = filters or Filters()
    filters = replace(base, without_document_kinds=(*base.without_document_kinds, DOC_DRAFT))
    res = search_detailed(vault, topic, k=k, filters=filters)
    terms = topic_terms(topic)
    rows = {r.entry_id: r for r in entry_rows(vault, [h.entry_id for h in res.hits])}
    # A topic of several words that the history says word for word is that phrase in a note's
    # versions: its steps are where a section says it and where it stopped saying it (QA,
    # session 10: "nightly claims export" had steps in versions that only said "claims" and
    # "export", and its removal went unmarked). Messages keep the floor: a reply answers
    # without repeating the question's words.
    phrase = bare_phrase(topic)
    if len(phrase.split()) < 2 or not any(find_phrase(_text(rows, h), phrase) for h in res.hits):
        phrase = ""

    def relevant(h: Hit, text: str) -> bool:
        if phrase and h.kind == "section":
            # a section also says what its heading says, as for `when` (session 8)
            heading = (rows[h.entry_id].title if h.entry_id in rows else h.title).rsplit(" > ", 1)
            return bool(find_phrase(text, phrase) or find_phrase(heading[-1], phrase))
        return on_topic(res, h, text, terms)

    # A client's clip can give one entry as several parts (its sentences that name no other
    # client): the part saying most of the topic stands for it — not the last one (QA,
    # session 14: a mail's signature, "Bien cordialement, …", was its step's quote).
    candidates: dict[int, Hit] = {}
    for h in res.hits:
        if relevant(h, _text(rows, h)):
            held = candidates.get(h.entry_id)
            if held is None or term_share(terms, h.quote) > term_share(terms, held.quote):
                candidates[h.entry_id] = h
    lines = lineages(vault, list(candidates))
    near = linked_entry_ids(vault, list(candidates), TRAIL_LINKS)
    near |= {r.entry_id for line in lines.values() for r in line}
    near = passing(vault, list(near - set(candidates)), filters or Filters())
    scope = scope_for(filters.client, vault.settings.clients) if filters.client else None
    if filters.client and scope is None:
        near = set()  # no scope to be sure of: nothing beyond the search's own hits
    off: dict[int, Hit] = {}  # lineage members off the topic (where it may have been dropped)
    for r in entry_rows(vault, sorted(near)):
        rows[r.entry_id] = r
        if r.kind == "front_matter" or (filters and filters.client and r.client != filters.client):
            continue
        h = r.as_hit(_quote(r.text, terms))
        if scope is not None:
            # read as the search's hits are: clipped to what the scope may see (review,
            # session 30: a linked section of A's naming B was quoted whole)
            parts = admit([h], scope, {r.entry_id: r.text})
            if not parts:
                continue
            h = max(parts, key=lambda p: term_share(terms, p.quote))
        (candidates if relevant(h, r.text) else off)[r.entry_id] = h
    key = _topic_key(terms)
    keep: list[Hit] = []
    removed: set[int] = set()
    member = {r.entry_id: line for line in lines.values() for r in line}
    for eid, h in candidates.items():
        line = member.get(eid, [])
        at = next((i for i, r in enumerate(line) if r.entry_id == eid), -1)
        prev = line[at - 1] if at > 0 else None
        if prev is None or prev.entry_id not in candidates or key(prev.text) != key(rows[eid].text):
            keep.append(h)  # it appeared or changed here
        nxt = line[at + 1] if 0 <= at < len(line) - 1 else None
        if nxt is not None and nxt.entry_id in off:
            keep.append(off[nxt.entry_id])  # it was dropped there
            removed.add(nxt.entry_id)
    steps = _steps(vault, keep, key, filters)
    for st in steps:
        if st.hit.entry_id in removed:
            st.topic_removed, st.unchanged_until = True, None
    return steps


def _text(rows: dict[int, EntryRow], h: Hit) -> str:
    r = rows.get(h.entry_id)
    return h.quote if r is None else r.text


def _topic_key(terms: set[str]) -> SameAs:
    """What an entry says about the topic: its sentences with half the topic's words (all of
    it when none has them, e.g. a passage close in meaning only)."""

    def key(text: str) -> object:
        said = tuple(x for x in sentences(text) if terms and term_share(terms, x) >= MIN_TERM_SHARE)
        return said or _norm(text)

    return key


def document_trail(vault: Vault, document_id: int, client: str | None = None) -> list[Step]:
    hits = entry_hits(vault, document_entry_ids(vault, document_id))
    if client:
        # the client's entries, each clipped to what its scope may see (review, session 30:
        # a section of A's naming B was a step whole)
        scope = scope_for(client, vault.settings.clients)
        mine = [h for h in hits if h.client == client]
        texts = {h.entry_id: entry_text(vault, h.entry_id) or "" for h in mine}
        hits = admit(mine, scope, texts) if scope is not None else []
    return _steps(vault, hits, filters=Filters(client=client) if client else None)


def trail_json(topic: str, steps: list[Step]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "topic": topic,
        "steps": [s.as_json(i) for i, s in enumerate(steps, 1)],
    }


__all__ = [
    "SAME_TIME",
    "TRAIL_LINKS",
    "Step",
    "changed_mind",
    "decision_reversed",
    "document_trail",
    "on_topic",
    "topic_trail",
    "trail_json",
    "value_changed",
    "values",
]
