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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from trailkeep.vault import Hit, Vault
from trailkeep.vault.query import chunks_holding, term_frequencies

# Chosen on the project's labelled set and checked on LoCoMo's dev split (notes/0006). A
# question about a client (it names one, or it is asked in a client's scope) must be supported
# well: the client's name is what makes its passages look close. Other questions need some
# support: conversational questions paraphrase their evidence (LoCoMo answered stays >= 90 %).
MIN_SUPPORT = 0.75  # about a client: share of the (IDF-weighted) content terms supported
MIN_SUPPORT_GENERAL = 0.1  # any other question
SEMANTIC_MIN = 0.62  # cosine of a term and a passage word that counts as the same idea
PASSAGES = 5  # the best strong passages the terms are looked for in

_WORD = re.compile(r"[^\W_][\w'’-]*[^\W_]|[^\W_]")
SCAFFOLD = frozenset(
    """
    a an the and or but nor so yet of in on at to for from by with about into onto over under
    as than then this that these those there here it its it's is are was were be been being am
    do does did done doing have has had having can could would should will shall may might must
    what what's which who whom whose when where why how whether if any some all each every much
    many more most other others such same own just only also very too again ever still yet
    i me my mine we us our ours you your yours he him his she her hers they them their theirs
    one ones thing things something anything kind sort way ways part lot lots
    tell told say said says mention mentioned mentions discuss discussed talk talked talks
    know known knew think thought decide decided decision decisions agree agreed happen happened
    get got give given make made go went going come came use used using take took want wanted
    like likes liked need needed new old first last next recent recently currently current now
    please exactly actually really probably maybe
    not no nor never none don't doesn't didn't isn't aren't wasn't weren't won't wouldn't can't
    cannot couldn't shouldn't haven't hasn't hadn't
    out up down off back away around along through across
    happen happens happening deal deals dealt keep keeps kept put puts let lets try tries tried
    find finds found reach reached spend spent seem seems seemed end ended
    long often far soon late early ago since until while during before after
    """.split()
)
_EXACT_ONLY = re.compile(
    r"^(\d[\d.,:/%-]*|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|\d+(st|nd|rd|th))$"
)


@dataclass
class Support:
    terms: list[str]
    supported: dict[str, str] = field(default_factory=dict)  # term -> "keyword" | "semantic"
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [t for t in self.terms if t not in self.supported]

    @property
    def ratio(self) -> float:
        total = sum(self.weights.get(t, 1.0) for t in self.terms)
        if total == 0:
            return 1.0
        return sum(self.weights.get(t, 1.0) for t in self.supported) / total

    about_client: bool = True

    @property
    def ok(self) -> bool:
        return self.ratio >= (MIN_SUPPORT if self.about_client else MIN_SUPPORT_GENERAL)


def words_of(text: str) -> list[str]:
    """The words of a text, lower case (apostrophes and hyphens inside kept)."""
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


def content_terms(question: str, names: Iterable[str] = ()) -> list[str]:
    """The question's words that carry its content, in order, each once."""
    skip = set(SCAFFOLD)
    for n in names:
        skip.update(words_of(n))
    out: list[str] = []
    for t in words_of(question):
        t = t.removesuffix("'s").removesuffix("’s")
        if t in skip or (len(t) < 3 and not t.isdigit()) or t in out:
            continue
        out.append(t)
    return out


_VECTORS: dict[tuple[str, str], tuple[float, ...]] = {}


def _vectors(vault: Vault, words: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Word embeddings, cached per embedder (words recur from question to question)."""
    eid = vault.embedder.id
    todo = [w for w in dict.fromkeys(words) if (eid, w) not in _VECTORS]
    if todo:
        if len(_VECTORS) > 50_000:
            _VECTORS.clear()
        for w, v in zip(todo, vault.embedder.embed(todo), strict=True):
            _VECTORS[(eid, w)] = tuple(float(x) for x in v)
    return {w: _VECTORS[(eid, w)] for w in words}


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))  # embeddings are L2-normalised


def support(vault: Vault, question: str, hits: Sequence[Hit], names: Iterable[str] = ()) -> Support:
    """How far the passages support the question's content terms."""
    terms = content_terms(question, names)
    sup = Support(terms)
    if not terms or not hits:
        return sup
    n, df = term_frequencies(vault, terms)
    sup.weights = {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) + 1.0 for t in terms}
    held = chunks_holding(vault, terms, [h.chunk_id for h in hits])
    text = " ".join(f"{h.document} {h.title} {h.quote}" for h in hits).lower()
    words = set(words_of(text))
    for t in terms:
        if held.get(t) or t in words:
            sup.supported[t] = "keyword"
    rest = [t for t in sup.missing if not _EXACT_ONLY.match(t)]
    if rest:
        cands = [w for w in words - SCAFFOLD if len(w) >= 3 and not _EXACT_ONLY.match(w)]
        if cands:
            vec = _vectors(vault, rest + cands)
            for t in rest:
                if max(_cos(vec[t], vec[w]) for w in cands) >= SEMANTIC_MIN:
                    sup.supported[t] = "semantic"
    return sup


def answerable(
    vault: Vault,
    question: str,
    strong: Sequence[Hit],
    names: Iterable[str] = (),
    about_client: bool = True,
) -> Support:
    """Support of the question by its best strong passages (``Support.ok``)."""
    sup = support(vault, question, strong[:PASSAGES], names)
    sup.about_client = about_client
    return sup


__all__ = [
    "MIN_SUPPORT",
    "MIN_SUPPORT_GENERAL",
    "SEMANTIC_MIN",
    "Support",
    "answerable",
    "content_terms",
    "support",
]
