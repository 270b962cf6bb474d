"""Can these passages answer this question? Offline, before any model call
(notes/0006-abstention.md, "Answerability").

The passages that cleared the similarity threshold can still be about something else: "What is
Northwind's parking policy?" finds Northwind's passages because they name Northwind. So the
question's *content terms* — its words beyond question scaffolding, stop words and the names of
clients, their people and the chat speakers — must be supported by the best passages:

- by keyword, with the keyword index's own stemming (``chunks_holding``: "matching" supports
  "match"), or
- by a term-level semantic match: the term's embedding close to a word of the passages
  ("physician" ~ "doctor"). Numbers, months and weekdays only ever match exactly: "November" is
  not supported by "December".

Terms weigh by their rarity in the vault (IDF): a word the vault never holds counts most. The
question is answerable when the supported weight reaches ``MIN_SUPPORT`` of the total.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

import numpy as np

from trailkeep.vault import Hit, Vault
from trailkeep.vault.mailtext import without_forward_headers
from trailkeep.vault.query import chunks_holding, term_frequencies

from .asked import (
    ASKS_LIST,
    ASKS_MONEY,
    ASKS_TIME,
    CALENDAR_DATE,
    CLAUSES,
    COUNT_WORDS,
    DATE_KINDS,
    END_SAID,
    ENDS,
    HOW_OFTEN,
    MONEY,
    MONEY_KINDS,
    MONEY_OR_NOT,
    NUMBER_WORDS,
    PAY_RATE,
    PERCENT,
    PERIOD_RATE,
    PRICE_VERB,
    QUANTITY_COVER,
    QUANTITY_KINDS,
    RATE_KINDS,
    RATIO,
    RATIO_KINDS,
    STARTS,
    TAKES_PLACE,
    UNIT_PRICE,
    UNKNOWN_CLAUSES,
    UNKNOWN_SAID,
    WEEKDAYS,
    YEAR,
    asked_measure,
    asked_period,
    asked_unit,
    asks_choice,
    asks_interest_rate,
    asks_list,
    asks_outcome,
    asks_quantity,
    asks_when,
    asks_whether,
    counted_nouns,
    counts,
    date_words,
    dated_ahead,
    enumerates,
    has_quantity,
    has_time,
    measure_word,
    measures,
    money_kind,
    months_said,
    names_a_period,
    opposed_qualifiers,
    per_period,
    per_unit,
    price_giver,
    reports,
    said_how_often,
    says_opposite,
    says_when,
)
from .asked_names import NAME_OF, asks_identifier, asks_name, has_identifier, has_name, role_asked
from .greetings import SALUTATION
from .paraphrase import alternatives, said_otherwise
from .sentences import sentences
from .terms import (
    A_SECOND,
    CONTRACTION,
    COUNTED,
    ELIDED,
    EXACT_ONLY,
    MONTHS,
    ORDINAL,
    PARTICLES,
    PHRASAL,
    PHRASAL_PARTICLES,
    PHRASE_SCAFFOLD,
    SCAFFOLD,
    SEASONS,
    fold,
    proper_nouns,
    scaffold_for,
    seasons_said,
    shouted,
    stem,
    with_parts,
    words_of,
)

# Chosen on the project's labelled set and checked on LoCoMo's dev split (notes/0006). A
# question must be supported well (``strict``): about a client, the client's name is what makes
# its passages look close; naming nobody, its content is all it was found by. A question about a
# chat speaker's conversation needs some support: such questions paraphrase their evidence
# (LoCoMo answered stays >= 90 %).
MIN_SUPPORT = 0.75  # strict: share of the (IDF-weighted) content terms supported
MIN_SUPPORT_GENERAL = 0.1  # a question about a chat speaker's conversation
SEMANTIC_MIN = 0.62  # cosine of a term and a passage word that counts as the same idea
PASSAGES = 5  # the best strong passages the terms are looked for in
# the share of the (IDF-weighted) terms one passage alone must hold: the five read together
# may hold every word of a question none of them answers (notes/0006, "One passage")
ONE_PASSAGE_MIN = 0.6


@dataclass
class Support:
    terms: list[str]
    # term -> "keyword" | "paraphrase" | "semantic"
    supported: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    # the terms' rarity in the vault, before a reworded term takes its rewording's weight
    idf: dict[str, float] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [t for t in self.terms if t not in self.supported]

    @property
    def ratio(self) -> float:
        total = sum(self.weights.get(t, 1.0) for t in self.terms)
        if total == 0:
            return 1.0
        return sum(self.weights.get(t, 1.0) for t in self.supported) / total

    strict: bool = True
    # The passage words each supported term matched (its own stem, or its semantic neighbour).
    matched: dict[str, set[str]] = field(default_factory=dict)
    # For a quantity question: does a sentence hold a number and most of the terms? None: not
    # a quantity question.
    quantity: bool | None = None
    # For a question asking for a name: does a sentence hold a name it does not give and most
    # of the terms? None: not such a question.
    name: bool | None = None
    # For a question about how something turned out: does a sentence that reports a past event
    # hold most of the terms? None: not such a question.
    outcome: bool | None = None
    # For a question asking when: does a sentence holding most of the terms say a time (or,
    # asked of a past event, report it)? None: not such a question.
    when: bool | None = None
    caps: set[str] = field(default_factory=set)  # terms matched only in capitals ("IT")
    # the question's names and numbers ("the Roundhay shop", "phase 2", "in 2014"): a typed
    # answer comes from a passage that holds them all
    anchors: set[str] = field(default_factory=set)
    # the passages (chunk ids) whose sentence holds the typed answer: cited first
    typed: set[int] = field(default_factory=set)
    # terms the passages hold only in sentences that ask (not evidence; the reason says so)
    asked: set[str] = field(default_factory=set)
    # read as one exchange (a message and its reply): the stems of what the message asks, which
    # a sentence of the reply answers as it answers its heading's
    exchange: set[str] = field(default_factory=set)
    # For a question asking for N things ("list the six codes"): does a passage list them?
    listing: bool | None = None
    # For a question asking for an identifier (a hostname, a provider number): is one given?
    ident: bool | None = None

    # "the first boat back": (the opposite qualifier, the word it qualifies) — a sentence that
    # says "last boat back" and not "first boat back" gives another thing's time or number
    opposed: list[tuple[str, str]] = field(default_factory=list)
    # patterns the typed answer's sentence (with its heading and the sentence before) says
    # each: the thing the question names by number ("Cave One")
    required: list[str] = field(default_factory=list)
    # ... and that the sentence itself says: the end it asks the date of
    said: list[str] = field(default_factory=list)
    # ... and who gives the price asked ("what did Lévesque bid?") and which price it is ("the
    # arrangement fee"): terms each said in the number's sentence, the sentence before, the
    # heading or a mail's signature (``_says_giver``)
    giver: list[str] = field(default_factory=list)

    # Does one passage alone hold most of the question (``ONE_PASSAGE_MIN``)? None: not asked
    # (a conversation's question, one passage, a reply read with its message).
    single: bool | None = None
    # Does every sentence that holds all the question's terms say it is not known yet ("target
    # not set yet")? None: a yes/no question, or no such sentence.
    unknown: bool | None = None
    # terms the passages say only as what is not ("not pure birch"): they deny what is asked
    negated: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        if self.single is False or self.unknown or self.negated:
            return False
        if not self.strict:  # a conversation: its questions paraphrase and count across days
            return self.ratio >= MIN_SUPPORT_GENERAL
        return (
            self.quantity is not False
            and self.name is not False
            and self.outcome is not False
            and self.when is not False
            and self.listing is not False
            and self.ident is not False
            and self.ratio >= MIN_SUPPORT
        )


# The client spoken of by its kind ("the law firm", "our bakery", "the company"): the client
# the question is asked about, not a word its history must hold (blind trial, session 22:
# "what's the ceiling on the first phase for the law firm?" wanted "law" and "firm"). Only
# after "the", "our", "their", "this": "the Roundhay shop" is one shop, not the client.
_CLIENT_KIND = re.compile(
    r"\b(?:the|our|their|this)\s+(?-i:[a-z]+\s+)?(?:firm|company|business|practice|clinic|"
    r"bakery|agency|studio|museum|"
    r"organi[sz]ation|client|customer|chain|restaurant|store|nonprofit|charity|startup)"
    r"(?P<after>['’]s\b|\s+[\w'’-]+|)",
    re.IGNORECASE,
)


def content_terms(question: str, names: Iterable[str] = ()) -> list[str]:
    """The question's words that carry its content, in order, each once."""
    named: set[str] = set()
    for n in names:
        named.update(words_of(n))
    for m in _CLIENT_KIND.finditer(question):
        # the kind itself, not a modifier of what is asked ("the clinic director")
        after = m.group("after").strip().lower()
        if not after or after[0] in "'’" or after in SCAFFOLD:
            kind = m.group(0)[: m.start("after") - m.start()]
            named.update(w for w in words_of(kind) if w not in SCAFFOLD)
    acronyms = shouted(question)
    out: list[str] = []
    if ASKS_TIME.search(question):
        named |= {"time", "hour"} | TAKES_PLACE  # the kind of answer, not what it is about
    elif asks_quantity(question):
        named |= QUANTITY_KINDS  # "what share of visits…": the number is the share
        if (measure := measure_word(question)) is not None:
            named.add(measure)  # "what temperature …": "4.1 C" says it (session 30)
        if (verb := PRICE_VERB.search(question)) is not None:
            # "what does OptoSuite charge per card payment?": the verb asks for the amount, as
            # "time" asks for a time — "2.9% plus 30 cents per payment" says no "charge"
            named.add(verb.group("verb").lower())
    if (listing := ASKS_LIST.search(question)) is not None:
        named.add(listing.group("verb").lower())  # "list the six codes": the kind of answer
    if asks_when(question) is not None:
        named.add("due")  # "when's the pack due?" asks when the pack is wanted (session 28)
    raw = [ELIDED.sub("", CONTRACTION.sub("", t)) for t in words_of(question)]
    scaffold = scaffold_for(raw)
    qw = [MONTHS.get(w, w) for w in raw]
    for i, t in enumerate(qw):
        if t in named or t in out:
            continue
        if t == "staff" and i and qw[i - 1] == "on":
            continue  # "how many caregivers … on staff": employed, not the office staff
        if t == "right" and i + 1 < len(qw) and qw[i + 1] == "now":
            continue  # "how many tents have they got right now": now
        if (t in scaffold or (len(t) < 3 and not t.isdigit())) and t not in acronyms:
            continue
        if (
            i + 1 < len(qw)
            and not t.isdigit()
            and (qw[i + 1] in PARTICLES or (t in PHRASAL and qw[i + 1] in PHRASAL_PARTICLES))
        ):
            t = f"{t} {qw[i + 1]}"
            if t in PHRASE_SCAFFOLD:
                continue  # "what payback did I work out?": the payback
        out.append(t)
    for m in _NAMED_NUMBER.finditer(question):
        # "Cave One", "Site Two": a thing named by its number is that one, not "Cave Two" (blind
        # trial, session 28) — one term, said only as written (or with the digit)
        word, number = m.group(1).lower(), m.group(2).lower()
        if word in out:
            out[out.index(word)] = f"{word} {number}"
        elif f"{word} {number}" not in out:
            out.append(f"{word} {number}")  # "Cave" a client's name ("the cave"): still a term
        if number in out:
            out.remove(number)
    return out


# a capitalised word and a capitalised number word: the name of one of several ("Cave One")
_NAMED_NUMBER = re.compile(
    r"\b([A-Z][a-z][\w'’-]*)\s+(One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve)\b"
)


def named_number(term: str) -> str | None:
    """For a term "cave one", a pattern of it as written or with its digit; else None."""
    parts = term.split()
    if len(parts) != 2 or parts[1] not in COUNT_WORDS:
        return None
    return rf"\b{re.escape(stem(parts[0]))}\w*\s+(?:{parts[1]}|{COUNT_WORDS[parts[1]]})\b"


_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def _vectors(vault: Vault, words: Sequence[str]) -> np.ndarray:
    """Word embeddings, one row per word, cached per embedder (words recur from question to
    question and from passage to passage)."""
    eid = vault.embedder.id
    if len(_VECTORS) > 50_000:
        _VECTORS.clear()  # before what this call needs is looked up (review: a KeyError)
    todo = [w for w in dict.fromkeys(words) if (eid, w) not in _VECTORS]
    if todo:
        for w, v in zip(todo, vault.embedder.embed(todo), strict=True):
            _VECTORS[(eid, w)] = np.asarray(v, dtype=np.float64)
    return np.stack([_VECTORS[(eid, w)] for w in words])


def support(
    vault: Vault,
    question: str,
    hits: Sequence[Hit],
    names: Iterable[str] = (),
    idf: dict[str, float] | None = None,
    stated_only: bool = False,
    exchange: bool = False,
    today: date | None = None,
) -> Support:
    """How far the passages support the question's content terms. ``idf``: the terms' weights
    in the vault, when a look at other passages already counted them. ``stated_only``: a
    keyword counts only where the passage itself says it, not in the context its chunk was
    indexed with (a chat turn's chunk holds the turn it answers). ``exchange``: the passages
    are a reply (the first) and the message it answers, one exchange as a chat's turns are:
    the question the message asks is what its reply answers (new user's trial, session 29:
    "what price did we recommend for the box?" — "What price point do you recommend?",
    "Quarterly at GBP 54 per box.")."""
    terms = content_terms(question, names)
    sup = Support(terms)
    if not terms or not hits:
        return sup
    sup.opposed = opposed_qualifiers(question)
    if idf is None or set(idf) != set(terms):
        n, df = term_frequencies(vault, terms)
        idf = {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) + 1.0 for t in terms}
    sup.idf = idf
    sup.weights = dict(idf)
    held = chunks_holding(vault, terms, [h.chunk_id for h in hits])
    # a passage's own date is part of what it says: "what did Maria approve on February 3?"
    # is answered by her message of February 3 (QA, session 8)
    # (in an exchange, ``hits[0]`` is the reply: what it asks in turn is asked, not answered)
    own = {id(h): _as_asked(h) if exchange and i else stated(h) for i, h in enumerate(hits)}
    asked_of = (
        [q for h in hits[1:] for q in sentences(own[id(h)]) if q.rstrip().endswith("?")]
        if exchange
        else []
    )
    if len(asked_of) == 1:
        # one question asked, one reply: a reply to a mail of several questions may answer any
        # one of them ("GBP 54 per box" is no answer to "how much do we pay the packer?")
        sup.exchange = {stem(w) for w in with_parts(words_of(asked_of[0].lower()))}
    text = " ".join(f"{h.document} {h.title} {own[id(h)]} {_dated(h)}" for h in hits).lower()
    in_order = [MONTHS.get(w, w) for w in with_parts(words_of(text))]
    words = set(in_order)
    undated = {
        MONTHS.get(w, w)
        for h in hits
        for w in with_parts(words_of(f"{h.title} {own[id(h)]}".lower()))
    }
    stems = {stem(w) for w in words}
    has_questions = any(own[id(h)] != h.quote for h in hits)
    questions = (
        set(with_parts(words_of(" ".join(h.quote for h in hits).lower())))
        if has_questions
        else set()
    )
    caps = sup.caps = shouted(question) & set(terms)
    # "what hourly rate?": the period of a rate asked for, said by an amount per it
    rated = asked_period(question) if PERIOD_RATE.search(question) else None
    priced = rated is not None and any(
        _priced(s, rated)
        for h in hits
        for s in (h.title, *sentences(stated(h)))
        if not s.rstrip().endswith("?")
    )
    for t in terms:
        if t in caps:
            found = any(re.search(rf"\b{t.upper()}\b", f"{h.title} {stated(h)}") for h in hits)
        elif has_questions or stated_only:
            # the keyword index read the questions too, and a chat turn's chunk the turn it
            # answers (QA, session 20: another client's turn, clipped from the quote, held
            # "discount" for "Dana wants weekly status calls"): its word must be stated
            found = fold(t) in words or (
                bool(held.get(t)) and all(stem(fold(p)) in stems for p in t.split())
            )
        else:
            found = bool(held.get(t)) or fold(t) in words
        if found and PREFIXED.match(t) and not _said_whole(t, words):
            # "the re-inspection" is not "the inspection" (new user's trial, session 30)
            found = False
        if not found and t in SEASONS and t in seasons_said(undated):
            # "this winter": "November to March" says it (fifteenth blind vault) — in the
            # passages' words, not their dates (review: any note of December said winter)
            sup.supported[t] = "keyword"
            sup.matched[t] = set(SEASONS[t])
            continue
        spelled = ""  # "the 10-minute window": "within 10 minutes" says it, and its sentence
        if COUNTED.match(t) and "-" in t:
            number, unit = t.split("-", 1)
            short = _UNIT_SHORT.get(stem(unit), re.escape(stem(unit)))  # "24h" for "24-hour"
            apart = rf"\b{re.escape(number)}(?:[\s-]+{re.escape(stem(unit))}|\s?(?:{short})\b)"
            if re.search(apart, text, re.IGNORECASE) is not None:
                found, spelled = True, stem(unit)
        if t in HOW_OFTEN:
            # "what hourly rate?": "£85 an hour" is a rate per hour (only a rate: "£4 a month"
            # for the database beside the VM is no "monthly cost of the VM"; bakerylaw)
            found = said_how_often(text, t) or (priced and rated == HOW_OFTEN[t])
        if found:
            sup.supported[t] = "keyword"
            sup.matched[t] = {stem(fold(p)) for p in t.split()} | ({spelled} if spelled else set())
            if t in HOW_OFTEN:  # "once a week" says "weekly" in its sentence
                every = HOW_OFTEN[t]
                sup.matched[t] |= {every} | (WEEKDAYS if every == "week" else set())
        elif t in questions:
            sup.asked.add(t)
    negated = sup.negated
    if not _NEGATION.search(question):
        for t in list(sup.supported):
            # "what did Oriveden Puu quote for pure birch?": "an alder/birch mix, not pure
            # birch" says the thing asked is not there (sixteenth blind vault)
            # (not "was not paid until 4 June": a time it waited for, not a denial — review)
            folded = fold(text)
            at = [m for m in re.finditer(rf"\b{re.escape(fold(t))}\b", folded)]
            if at and all(
                _NEGATED_BEFORE.search(folded[max(0, m.start() - 24) : m.start()])
                and not _NOT_UNTIL.match(folded[m.end() : m.end() + 40])
                for m in at
            ):
                del sup.supported[t]
                negated.add(t)
    for t, before in _numbered(question, terms):
        # "phase 2" is not "phase 1 ... February 2": a number naming a thing must follow it —
        # and where the answer is given ("what temperature is store 3 holding at?" is not
        # "Store 2 is holding at 3.5 C"; new user's trial, session 30)
        named = rf"\b{re.escape(stem(before))}\w*\s+(?:#|no\.?\s*)?{t}\b"  # "Store #3"
        if before in MONTHS.values():
            if len(t) == 4:
                continue  # "the March 2026 sales": a year, the year rule's
            named = _date_said(before, t)
        sup.required.append(named)
        if t in sup.supported and not re.search(named, text):
            del sup.supported[t]
    naming = {t for t, _ in _numbered(question, terms)}
    for t, after in pairwise(words_of(question)):
        # "the 12 month contract" is not "a 6-month trial … 12 runs": a number of a period
        # is said with it (fifteenth blind vault) — not a number naming a thing ("the phase 1
        # hours")
        if (
            t.isdigit()
            and t not in naming
            and t in sup.supported
            and after in terms
            and _PERIOD_NOUN.match(after)  # not "the 70% weekly target": a frequency
            and not re.search(rf"\b{t}[\s-]*{re.escape(stem(after))}", text, re.IGNORECASE)
        ):
            del sup.supported[t]
    for t in terms:
        if (said := named_number(t)) is not None:
            sup.required.append(said)
            if not re.search(said, text):
                sup.supported.pop(t, None)
    _reworded(vault, sup, hits, caps, rated if priced else None)
    # "what was the name of the supplier they paid?" asks a name, whatever verb follows
    quantity = asks_quantity(question) and not NAME_OF.search(question)
    name = not quantity and asks_name(question)
    outcome = not quantity and not name and asks_outcome(question)
    when = None if quantity or name or outcome else asks_when(question)
    # semantic neighbours of the missing terms; of every term when a typed answer's sentence
    # must be found ("cost" ~ "fee" in "Phase 1 is a fixed fee of $9,500")
    proper = proper_nouns(question)
    # (not a month or a weekday: a passage's date may say it)
    sup.anchors = {
        t
        for t in terms
        if (t in proper or t.isdigit() or (ORDINAL.match(t) and not A_SECOND.search(question)))
        and t not in MONTHS.values()
        and t not in WEEKDAYS
    }
    rest = [
        t
        for t in (terms if quantity or name or outcome or when else sup.missing)
        # (a number in words is that number: "two" is not "three", whatever their vectors)
        if not EXACT_ONLY.match(t)
        and not COUNTED.match(t)
        and not PREFIXED.match(t)
        and t not in caps
        and t not in proper
        and t not in NUMBER_WORDS
        and named_number(t) is None
        and t not in negated
    ]
    if rest:
        cands = [w for w in words - SCAFFOLD if len(w) >= 3 and not EXACT_ONLY.match(w)]
        if cands:
            # cosines: the embeddings are L2-normalised
            close = _vectors(vault, rest) @ _vectors(vault, cands).T >= SEMANTIC_MIN
            for t, row in zip(rest, close, strict=True):
                near = {w for w, yes in zip(cands, row, strict=True) if yes}
                if t in HOW_OFTEN:  # another period, or this one not said as often
                    near = {w for w in near if not names_a_period(w)}
                if near:
                    sup.supported.setdefault(t, "semantic")
                    sup.matched[t] = sup.matched.get(t, set()) | {stem(w) for w in near}
    if quantity and ASKS_TIME.search(question):
        sup.quantity = _typed_sentence(sup, hits, has_time, caps)
    elif quantity:
        asked = [t for t in terms if t.isdigit()]
        counted = [w for w in counted_nouns(question) if w not in caps]
        nouns = (
            {x for w in counted for x in sup.matched.get(w, set()) | {stem(w)}} if counted else None
        )
        period = asked_period(question)
        money = (
            bool(PAY_RATE.search(question))
            or bool(UNIT_PRICE.search(question))
            or (bool(ASKS_MONEY.search(question)) and not MONEY_OR_NOT.search(question))
        )
        interest = asks_interest_rate(question)
        money = money and not interest
        per_something = bool(ASKS_MONEY.search(question)) and asked_unit(question) is not None
        measure = asked_measure(question)
        # who gives the price, when the history writes them as a name ("Lévesque", "Radwerk";
        # not "the printer we picked": its passage names the printer, "Penwith Press")
        named_here = {fold(n) for h in hits for n in proper_nouns(f"{h.title}. {h.quote}")}
        givers = [w for w in price_giver(question) if fold(w) in named_here | proper]
        sup.giver = [w for w in (*givers, *money_kind(question)) if w in terms]
        sup.quantity = _typed_sentence(
            sup,
            hits,
            lambda s: (
                has_quantity(s, asked)
                and (not money or MONEY.search(s) is not None)
                and (not interest or PERCENT.search(s) is not None)
                and measures(s, question)
                and (nouns is None or counts(s, nouns))
                and per_period(s, period)
                and (not per_something or per_unit(s))
                and (measure is None or measure.search(s) is not None)
            ),
            caps,
            in_month=True,
        )
    elif name:
        given = words_of(question)
        role = [t for t in role_asked(question) if t in sup.terms]
        sup.name = _typed_sentence(
            sup,
            hits,
            lambda s: has_name(s, given) and _says_all(sup, s, role),
            caps,
            in_month=True,
        )
    elif outcome:
        sup.outcome = _typed_sentence(sup, hits, reports, caps, alone=True)
    elif when is not None:
        past = when == "past"
        if (ends := ENDS.search(question)) and not STARTS.search(question):
            # "when does the pilot end?": a date said of its end, in the sentence itself
            # ("runs until May 8"), not "please confirm the pilot scope by Friday" (new user's
            # trial, session 28); a thing due is wanted by a date ("with you by May 8")
            due = ends.group(0).lower() in ("due", "deadline")
            sup.said.append(END_SAID + (r"|\bby\b|\bbefore\b" if due else ""))
        sup.when = _typed_sentence(
            sup,
            hits,
            # a clause that reports it: "We dropped OSRM; we will use OR-Tools" (the plan after
            # the semicolon is another clause)
            # (a past event's date is not ahead of today: "first burial June 2027" is a plan,
            # however it is worded — "held in June 2027" too: review)
            lambda s: (
                not (past and dated_ahead(s, today or date.today()))
                and (says_when(s) or (past and any(reports(c) for c in CLAUSES.split(s))))
            ),
            caps,
        )
    if (listed := asks_list(question)) is not None:
        count, what = listed
        sup.listing = any(
            enumerates(stated(h), count)
            and stem(what) in {stem(w) for w in with_parts(words_of(f"{h.title} {h.quote}"))}
            for h in hits
        )
    if asks_identifier(question):
        # in a sentence about what is asked, not a signature's phone number (review)
        sup.ident = _typed_sentence(sup, hits, has_identifier, caps)
    if not asks_whether(question) or asks_choice(question):
        if not sup.missing:
            sup.unknown = _only_unknown(sup, hits)
        # (one of two things asked is answered by the other said: "they go the full line")
        # (whatever a sentence holding them all through a semantic neighbour says: "38
        # fractional violins … $18 a month" holds no cello)
        if not sup.unknown and not asks_choice(question) and _said_unknown(sup, hits):
            sup.unknown = True
    return sup


def _unknown_clause(sup: Support, clause: str) -> bool:
    """Does this clause say not known yet of a word the question asks about ("target not set
    yet"), not of something beside it ("start date not confirmed yet")?"""
    if UNKNOWN_SAID.search(clause) is None:
        return False
    stems = {stem(w) for w in with_parts(words_of(clause))}
    asked = [t for t in sup.terms if not t.isdigit() and t not in sup.anchors]
    return any(_holds_term(sup, t, stems) for t in asked)


def _only_unknown(sup: Support, hits: Sequence[Hit]) -> bool | None:
    """Does every sentence holding all the question's terms (with its heading) say the thing is
    not known or settled yet? None when no sentence holds them all."""
    said: list[bool] = []
    for h in hits:
        heading = {stem(w) for w in with_parts(words_of(h.title))}
        for sent in sentences(stated(h)):
            stems = heading | {stem(w) for w in with_parts(words_of(sent))}
            if all(_holds_term(sup, t, stems) for t in sup.terms if not t.isdigit()):
                said.append(any(_unknown_clause(sup, c) for c in UNKNOWN_CLAUSES.split(sent)))
    return all(said) if said else None


def _said_unknown(sup: Support, hits: Sequence[Hit]) -> bool:
    """Is a word the question asks about said only to be not known yet: every sentence of the
    passages that holds it (in its own words or a paraphrase, not a semantic neighbour) says so
    ("Heather price TBC", "Cellos: not decided" — asked the heather jar's price, a cello's rent,
    the figure given beside them is another jar's, a violin's: seventeenth blind vault)? Not when
    a heading holds the word: what is under it is about it."""
    for t in sup.terms:
        if t.isdigit() or " " in t:
            continue
        own = {stem(t)} | {a for a in alternatives(t, stem) if " " not in a}
        if any(own & {stem(w) for w in with_parts(words_of(h.title))} for h in hits):
            continue
        # per item of a list (a paragraph otherwise): the first clause holding the word says
        # what the item says of it ("- Cellos: not decided. Tamás says there is no bench space
        # for cello setups")
        said = []
        for h in hits:
            for item in _ITEM.split(stated(h)):
                holding = [
                    clause
                    for sent in sentences(item)
                    for clause in UNKNOWN_CLAUSES.split(sent)
                    if own & {stem(w) for w in with_parts(words_of(clause))}
                ]
                if holding:
                    said.append(UNKNOWN_SAID.search(holding[0]) is not None)
        if said and all(said):
            return True
    return False


_ITEM = re.compile(r"\n\s*\n|\n\s*(?=(?:[-*•]|\d+[.)])\s)")


# a question saying what is not, or is missing ("what share of addresses lack a postcode?",
# "how do we stop a customer being charged twice?"): its answer says "no" or "not" too
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|without|cannot|lacks?|lacking|missing|stop|prevent|avoid|fails?|"
    r"refuse[sd]?|except|instead)\b|n['’]t\b",
    re.IGNORECASE,
)
# a word said only as what is not: "an alder/birch mix, not pure birch" — "not", not "no" or
# "cannot", which say a thing is absent or impossible ("no postcode", "cannot go live on
# March 2") as often as they deny the word asked (session 31: three answers lost to them)
_NEGATED_BEFORE = re.compile(r"\bnot\s+(?:(?:a|an|the|really|quite)\s+)?$")
_NOT_UNTIL = re.compile(r"[\s\w,]{0,25}?\b(?:until|till|before|after|later than)\b")


def _priced(sentence: str, period: str) -> bool:
    """Does the sentence give an amount of money per ``period`` ("£85 an hour")?"""
    return MONEY.search(sentence) is not None and per_period(sentence, period)


def _reworded(
    vault: Vault, sup: Support, hits: Sequence[Hit], caps: set[str], rate: str | None = None
) -> None:
    """Missing terms the passages state in other words: "slip" ~ "moved", "scrap" ~ "dropped"
    (recall/paraphrase.py); "what share" ~ "40%". Only what a passage states counts (a question
    "how should the export handle late visits?" solves nothing), and a reworded term weighs what
    its rarest rewording in the passages weighs: it is that word that was found."""
    # a heading states what its section is ("Northwind kickoff > Goal" for "what are they
    # aiming for?"), as a keyword is found in it
    told = [
        s
        for h in hits
        for s in (h.title, *sentences(stated(h)))
        if s.strip() and not s.rstrip().endswith("?")
    ]
    surface = [w for w in with_parts(words_of(" ".join(told).lower()))]
    said = [stem(w) for w in surface]
    for t in sup.missing:
        if t in RATIO_KINDS and any(RATIO.search(s) for s in told):
            sup.supported[t] = "keyword"  # "what share…": a ratio says it
            sup.matched[t] = {"%"}
            continue
        if t in DATE_KINDS and any(CALENDAR_DATE.search(s) for s in told):
            # "CVT launch date", "what was the original cutover date?": a date says it, not
            # the word (QA, session 18: a forwarded "Date:" header line answered instead)
            sup.supported[t] = "keyword"
            sup.matched[t] = {stem(w) for s in told for w in date_words(s)}
            continue
        if t in RATE_KINDS and rate is not None:
            # "what hourly rate?", "the monthly rate": money per that period says it, where
            # the period is said ("$120 an hour")
            sup.supported[t] = "keyword"
            sup.matched[t] = {rate}
            continue
        if t in caps or EXACT_ONLY.match(t):
            continue
        if alts := said_otherwise(t, said, stem):
            sup.supported[t] = "paraphrase"
            # the words of the rewording, its particle only when it is all ("down")
            got = {w for a in alts for w in a.split() if w not in PARTICLES} or {
                w for a in alts for w in a.split()
            }
            sup.matched[t] = got
            found = sorted({w for w, st in zip(surface, said, strict=True) if st in got})
            if found:
                n, df = term_frequencies(vault, found)
                sup.weights[t] = max(math.log((n + 1) / (df.get(w, 0) + 0.5)) + 1.0 for w in found)
        elif t in MONEY_KINDS and any(MONEY.search(s) for s in told):
            # "how much will support cost?": "£400 a month" says it, with no "cost" (blind
            # trial, session 22)
            sup.supported[t] = "keyword"
            sup.matched[t] = {"£", "$", "€"}


def stated(hit: Hit) -> str:
    """What a passage states: its quote without the sentences that ask. A client's mail asking
    "how much will the SmileText plan cost for three locations?" holds every word of that
    question and answers none of it (QA, session 9). Chat turns keep their questions: a
    conversation's question and its reply are one exchange ("Did you paint that lake?")."""
    quote = _as_asked(hit)
    if hit.kind == "message" or "?" not in quote:
        return quote
    said = sentences(quote)
    return " ".join(s for s in said if not s.rstrip().endswith("?"))


def _as_asked(hit: Hit) -> str:
    """A passage with its questions (a mail without its forwarded headers)."""
    return without_forward_headers(hit.quote) if hit.kind == "email" else hit.quote


def _dated(hit: Hit) -> str:
    ts = hit.timestamp
    return f"{ts:%B} {ts.day} {ts.year}" if ts is not None else ""


_UNIT_SHORT = {"hour": "h|hrs?", "minute": "min|mins", "week": "wks?", "year": "yrs?"}
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
).split()


def _date_said(month: str, day: str) -> str:
    """A pattern of a day of a month as a history writes it: "March 12", "12th of March",
    "Sept. 12", "2026-09-12" (review, session 30)."""
    short = {month[:3], "sept"} if month == "september" else {month[:3]}
    named = rf"(?:{month}|{'|'.join(sorted(short))})\.?"
    iso = rf"\d{{4}}-{_MONTH_NAMES.index(month) + 1:02d}-{int(day):02d}"
    return (
        rf"\b{named}\s+{day}(?:st|nd|rd|th)?\b|\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{named}\b|"
        rf"\b{iso}\b"
    )


_PERIOD_NOUN = re.compile(r"^(?:day|week|month|year|hour|minute|night|quarter|fortnight)s?$")


# a word made by a prefix ("re-inspection", "pre-order", "non-refundable") says something else
# than its stem: found as a whole word, hyphen or not
PREFIXED = re.compile(r"^(?:re|pre|non|un|post|sub|co|anti|mis|de)-[^\W\d_]{3,}$")


def _said_whole(term: str, words: set[str]) -> bool:
    whole = fold(term)
    return whole in words or whole.replace("-", "") in words


def _numbered(question: str, terms: Sequence[str]) -> list[tuple[str, str]]:
    """(number, the content word it follows) for numbers that name a thing: "phase 2"."""
    qw = words_of(question)
    return [
        (b, a)
        for a, b in pairwise(qw)
        if b.isdigit() and b in terms and a in terms and not a.isdigit()
    ]


def _holds_anchors(hit: Hit, anchors: set[str], dated: bool = False) -> bool:
    """Does the passage say every one of the question's names and numbers (a number as
    written, a name by its word)? ``dated``: its own date counts ("approved on February 3":
    the message of February 3)."""
    if not anchors:
        return True
    said = words_of(f"{hit.title} {hit.quote} {_dated(hit) if dated else ''}")
    words = {MONTHS.get(w, w) for w in with_parts(said)}  # "Feb 14" says February
    # a season by its name or its months ("this winter": "November to March"), in the
    # passage's words, not its date
    words |= seasons_said({MONTHS.get(w, w) for w in with_parts(words_of(hit.quote.lower()))})
    bare = {fold(a) for a in anchors}
    return bare <= words or {stem(a) for a in bare} <= {stem(w) for w in words}


def _typed_sentence(
    sup: Support,
    hits: Sequence[Hit],
    holds: Callable[[str], bool],
    caps: set[str],
    alone: bool = False,
    in_month: bool = False,
) -> bool:
    """Does one sentence of the passages hold the answer's kind (``holds``: a number, a name)
    and most of the question's terms (``caps``: those matched only in capitals)? The passages
    that do are kept in ``sup.typed``. ``alone``: the terms in that sentence itself (and its
    heading), not in the sentence before — an event is reported where it is named."""
    terms = [t for t in sup.terms if not t.isdigit()]
    # The answer to "how many orders did the Roundhay shop get?" is in a passage about
    # Roundhay, and the budget "for phase 2" in one that says phase 2: a number, a name or a
    # date from a passage about another shop or phase answers another question, however many of
    # the words it shares (blind trial, session 22: Headingley's 412 orders and phase 1's
    # budget were given). A number is matched as written, a name by its word.
    if sup.anchors:
        hits = [h for h in hits if _holds_anchors(h, sup.anchors)]
        if not hits:
            return False
    if not terms:
        return True
    total = sum(sup.weights.get(t, 1.0) for t in terms)
    # asked about two things ("price per session"), a sentence with one is about something else
    need = 1.0 if len(terms) <= 2 else QUANTITY_COVER
    # ``in_month``: asked of a month ("the overtime in October"), a sentence that names
    # another month and not that one gives another month's number ("September's overtime
    # came in at £11,900": blind trial, session 27)
    asked_months = {t for t in sup.terms if t in MONTHS.values()} if in_month else set()
    asked_years = {t for t in sup.terms if YEAR.fullmatch(t)} if in_month else set()
    for h in hits:
        heading = {stem(w) for w in with_parts(words_of(h.title))} | sup.exchange
        said = sentences(h.quote)
        for i, sent in enumerate(said):
            # a question states no answer: the client's "how much will the plan cost for
            # three locations?" holds a number and every term (QA, session 9)
            if sent.rstrip().endswith("?") or not holds(sent):
                continue
            if asked_months and (named := months_said(sent)) and not named & asked_months:
                continue
            # a year the same way: asked "the 2025 visitor numbers", "6,412 tour visitors" in a
            # sentence about the 2026 season is 2026's number (blind trial, session 28)
            if asked_years and (named := set(YEAR.findall(sent))) and not named & asked_years:
                continue
            if says_opposite(sent, sup.opposed):
                continue
            near = f"{h.title} {' '.join(said[max(0, i - 1) : i + 1])}"
            # (a passage's own date says its day: "the March 12 meeting" is the note of March 12)
            if not all(re.search(n, f"{near} {_dated(h)}", re.I) for n in sup.required):
                continue  # "Cave Two has 9 racks" for the racks of Cave One
            if not all(re.search(n, sent, re.I) for n in sup.said):
                continue  # the end asked, in the sentence that gives the date
            if asked_months and not (months_said(f"{near} {_dated(h)}") & asked_months):
                # the month asked is said by the answer, just before it or by its passage's
                # date: asked June's online tickets, "roughly 2,600 tickets sold" in a note of
                # January is a season's (seventeenth blind vault)
                continue
            if sup.giver and not _says_giver(sup, f"{near} {_signed(h)}"):
                continue  # the arrangement fee is not the monthly payment, said beside it
            if asked_years and not asked_years & set(YEAR.findall(near)):
                # the year asked is said by the answer or just before it: "our pruning price"
                # two lines under "the 2022 round was won at DKK 3.8m" is not 2022's price
                # (thirteenth blind vault)
                continue
            # read with its heading and the sentence before ("I estimate 38 of the 60 hours
            # for it": "it" is the export the sentence before names)
            around = sent if alone else " ".join(said[max(0, i - 1) : i + 1])
            stems = heading | {stem(w) for w in with_parts(words_of(around))}
            held = sum(
                sup.weights.get(t, 1.0)
                for t in terms
                if (
                    re.search(rf"\b{t.upper()}\b", f"{h.title} {around}")
                    if t in caps
                    else _holds_term(sup, t, stems)
                )
            )
            # a term the passages say in other words is what the number (the name) is of, in
            # the sentence itself: "Clearview's price per session" is not "24 weekly sessions"
            own = heading | {stem(w) for w in with_parts(words_of(sent))}
            reworded = all(
                sup.matched.get(t, set()) & own
                for t in terms
                if sup.supported.get(t) == "paraphrase"
            )
            if held >= need * total and reworded:
                sup.typed.add(h.chunk_id)
                break
    return bool(sup.typed)


SIGNATURE_LINES = 3


def _says_giver(sup: Support, text: str) -> bool:
    """Does the text say each of ``sup.giver``: its words ("per-delivery": the delivery), the
    word joined ("setup": "set-up fee"), or a word it was matched by ("fee": "charge")?"""
    words = set(with_parts(words_of(text)))
    stems = {stem(fold(w)) for w in words} | {stem(fold(w.replace("-", ""))) for w in words}
    for term in sup.giver:
        parts = [p for p in term.split("-") if p and p not in SCAFFOLD]
        if not (
            {stem(fold(p)) for p in parts} <= stems
            or stem(fold(term.replace("-", ""))) in stems
            or sup.matched.get(term, set()) & stems
        ):
            return False
    return True


def _signed(hit: Hit) -> str:
    """A mail's signature — the lines after its sign-off ("Best regards,") or "--", whose
    firm gives the prices the mail quotes ("Account Manager, Brackenfold Substrates Ltd");
    "" when the passage holds none (review: a last line "whether you prefer Brackenfold or
    Penwith" is no signature)."""
    if hit.kind != "email":
        return ""
    lines = [ln.strip() for ln in hit.quote.splitlines() if ln.strip()]
    off = [i for i, ln in enumerate(lines) if i and (ln == "--" or SALUTATION.match(ln))]
    return " ".join(lines[off[-1] + 1 :][:SIGNATURE_LINES]) if off else ""


def _holds_term(sup: Support, term: str, stems: set[str]) -> bool:
    """Do these stems hold the term: a word it matched — a phrase ("boat back", "kick off")
    by all its words when it is matched by its own words ("the boat" is not "the boat back":
    blind trial, session 28), or by a word that says it otherwise ("start")?"""
    hit = sup.matched.get(term, set()) & stems
    parts = {stem(p) for p in term.split()}
    if len(parts) > 1 and hit <= parts:
        return parts <= stems
    return bool(hit)


def _says_all(sup: Support, sentence: str, terms: Sequence[str]) -> bool:
    """Does the sentence hold each of ``terms`` (by its stem or the words it matched)?"""
    if not terms:
        return True
    stems = {stem(w) for w in with_parts(words_of(sentence))}
    return all((sup.matched.get(t, set()) | {stem(t)}) & stems for t in terms)


def cover(sup: Support, hit: Hit, stated_only: bool = False) -> float:
    """The (IDF-weighted) share of the question's terms this one passage holds; with
    ``stated_only``, in what it states — not in its questions, nor a title that asks."""
    if stated_only:
        said = " ".join(s for s in sentences(stated(hit)) if not s.rstrip().endswith("?"))
        title = "" if hit.title.rstrip().endswith("?") else hit.title
        text = f"{title} {said} {_dated(hit)}"
    else:
        text = f"{hit.title} {hit.quote} {_dated(hit)}"
    stems = {stem(w) for w in with_parts(words_of(text))}
    total = sum(sup.weights.get(t, 1.0) for t in sup.terms) or 1.0
    held = sum(
        sup.weights.get(t, 1.0)
        for t in sup.terms
        if (
            re.search(rf"\b{t.upper()}\b", text)
            if t in sup.caps
            else sup.matched.get(t, set()) & stems
        )
    )
    return held / total


COVER_KEEP = 0.5  # a passage holding under half what the best one holds is not cited


def by_cover(sup: Support, hits: Sequence[Hit]) -> list[Hit]:
    """The passages, the one holding most of the question first (ties keep search's order),
    without those holding under half of what the best holds: "what is the clock-in
    tolerance?" cited "The state allows 7 days after the visit." first (QA, session 8), and
    filler after the answer."""
    if not sup.terms or not hits:
        return list(hits)
    score = {id(h): cover(sup, h) for h in hits}
    # what a passage holds in its statements: a mail asking the question, with one statement
    # beside it ("I need to file our claim by 4 December"), is cited after the note that
    # answers it (new user's trial, session 31: the question was [1], the answer [2])
    stated = {id(h): cover(sup, h, stated_only=True) for h in hits}
    best = max(score.values())
    # the passage whose sentence gives the number (the name) asked for comes first: "how many
    # patients got duplicate reminders?" cited a work line about the reminders before the
    # mail saying "about 200 patients" (QA, session 9)
    # a passage that only asks (the user's question to an AI) holds the question's words and
    # none of its answer: the reply is cited before it (QA, session 12)
    return sorted(
        (h for h in hits if score[id(h)] >= COVER_KEEP * best or h.chunk_id in sup.typed),
        key=lambda h: (
            h.chunk_id not in sup.typed,
            only_asks(h.quote),
            -stated[id(h)],
            -score[id(h)],
        ),
    )


# A sign-off that is a name alone ("Ingrid", "Ingrid Solberg"): no punctuation after it, so
# that "Approved." stays a statement
_NAME_ONLY = re.compile(r"^\W*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}\s*$")


def only_asks(quote: str) -> bool:
    """Does the passage only ask? Its greeting and sign-off say nothing (QA, session 18: "Hi
    Sam," counted as a statement, so no mail ever only asked, and the client's question was
    cited before the reply that answers it)."""
    said = [
        s
        for s in sentences(quote)
        if s.strip() and not SALUTATION.match(s) and not _NAME_ONLY.match(s.strip())
    ]
    return bool(said) and all(s.rstrip().endswith("?") for s in said)


def answerable(
    vault: Vault,
    question: str,
    strong: Sequence[Hit],
    names: Iterable[str] = (),
    strict: bool = True,
    idf: dict[str, float] | None = None,
    stated_only: bool = False,
    together: bool = False,
    today: date | None = None,
) -> Support:
    """Support of the question by its best strong passages (``Support.ok``). ``stated_only``:
    asked in a client's scope, where a chunk's context may be what the scope clipped away.
    ``together``: the passages are one text (a reply and the message it answers), not five
    that must each stand alone."""
    hits = strong[:PASSAGES]
    sup = support(vault, question, hits, names, idf, stated_only, exchange=together, today=today)
    sup.strict = strict
    if sup.ok and strict and not together and len(hits) > 1:
        # the words of "what will the youth day pass cost from May?" are all in the five
        # passages — the day pass price in one, the youth team in another — and none says what
        # a youth pass costs (blind trial, session 23): one passage must hold most of them
        # — and all the question's names and numbers: "what date does the Northfield gym
        # open?" is not answered by the date the other gyms open (the same trial)
        # a month the question names too ("the cancellation rate in February" is not
        # January's), said or the passage's own
        # ... and a season ("the weekly rate in the winter" is not the peak's; fifteenth blind
        # vault)
        months = {t for t in sup.terms if t in MONTHS.values() or t in SEASONS}
        sup.single = any(
            _holds_anchors(h, sup.anchors | months, dated=True)
            and support(vault, question, [h], names, sup.idf, stated_only, today=today).ratio
            >= ONE_PASSAGE_MIN
            for h in hits
        )
    return sup


__all__ = [
    "MIN_SUPPORT",
    "MIN_SUPPORT_GENERAL",
    "ONE_PASSAGE_MIN",
    "SEMANTIC_MIN",
    "Support",
    "answerable",
    "by_cover",
    "content_terms",
    "cover",
    "only_asks",
    "support",
]
