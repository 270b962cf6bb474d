"""Client confidentiality, enforced in code (notes/0013-attribution-and-scope.md, 0011).

Two layers, both failing closed:

1. **The scope filter** (``Filters(client=A)``, in SQL and in the vector pre-filter): only
   entries whose stored scope is A, or ``*`` — the user's own general material (a note, chat
   or draft with no client, in a document none of whose entries belongs to a client, naming no
   client). Unattributed mail and sessions (``?``) and leftovers of mixed documents (``!``)
   are in no client's scope. Attribution (``trailkeep.ingest.attribution``) sets the scope.
2. **The clip** (:meth:`Scope.clip`): a hit that passed the filter but whose text or title
   names another client (name, alias, domain, address or one of its people) keeps only its
   lines that name A and no other client — or nothing.

Every client-scoped read goes through :func:`admit` — search, ask, drafts, the page, the MCP
tools — so there is one rule. The last check before a model call is :func:`leaks`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from trailkeep.vault import Filters, Hit
from trailkeep.vault.clients import ClientDirectory, ClientSpec
from trailkeep.vault.records import SCOPE_GENERAL

from .greetings import SALUTATION
from .secrets import mask_secrets
from .sentences import sentence_spans

WITHHELD = "(title withheld: it names another client)"
FILE_WITHHELD = "(file name withheld: it names another client)"
LOCATOR_WITHHELD = "(message id withheld: it names another client)"
MASK = "[another client]"


@dataclass(frozen=True)
class Scope:
    client: ClientSpec
    others: ClientDirectory
    own: ClientDirectory
    # Other clients as the user's *general* material is read: a first name A's people share
    # with B's names B there too ("Oscar said …" in an unlabelled note may be B's Oscar; QA,
    # session 16). In A's own material (``others``) it is A's person.
    strict: ClientDirectory = field(default_factory=ClientDirectory)

    @classmethod
    def for_client(cls, client: ClientSpec, everyone: Sequence[ClientSpec]) -> Scope:
        own_parts = frozenset(part for person in client.people for part in person.split())
        rest = tuple(c for c in everyone if c.id != client.id)
        others = ClientDirectory(rest, shared=own_parts)
        # the same directory when the client has no people (no patterns compiled twice)
        strict = ClientDirectory(rest) if own_parts else others
        return cls(client, others, ClientDirectory((client,)), strict)

    @classmethod
    def general(cls, everyone: Sequence[ClientSpec]) -> Scope:
        """The user's own general material alone — a document drafted for no client: entries
        of no client that name none (new user's trial, session 29: `draft doc` without
        `--client` quoted two clients' confidential mail and hours side by side). Every client
        is another's here: a passage naming one is left out whole."""
        every = ClientDirectory(tuple(everyone))
        mine = ClientSpec(SCOPE_GENERAL, "your own general material")
        return cls(mine, every, ClientDirectory(()), every)

    @property
    def is_general(self) -> bool:
        return self.client.id == SCOPE_GENERAL

    def filters(self, base: Filters | None = None) -> Filters:
        return replace(base or Filters(), client=self.client.id)

    def names_other(self, text: str, general: bool = False) -> bool:
        """Does ``text`` name another client? ``general``: read as the user's general
        material, where a first name shared with another client's person names that client."""
        return bool(text) and bool((self.strict if general else self.others).named_in(text))

    def clip(self, hit: Hit, entry_text: str) -> list[Hit]:
        """The parts of a hit that client A may see: the whole hit, its lines about A, or
        nothing. Each part's quote is a substring of the entry (citations stay checkable).
        A document or section title that names another client is withheld (the entry itself
        reached A's scope on its own attribution)."""
        if hit.client not in (None, self.client.id):
            return []
        general = hit.client is None
        # A section headed for another client is about that client, whatever its note's label
        # says (QA, session 16: "## Bluefin Capital" in a note labelled acme reached Acme's
        # search and prompt): its lines are read as a text naming another client's. (A chat
        # titled for two clients leaves its unnamed turns mixed at attribution; a document
        # title alone does not overrule the user's own `clients set`.)
        about_other = self.names_other(hit.title, general)
        if self.names_other(hit.document, general):
            hit = replace(hit, document=WITHHELD)
        if hit.source and self.names_other(hit.source, general):  # a file named for another
            hit = replace(hit, source=FILE_WITHHELD)
        if hit.locator and self.names_other(hit.locator, general):
            # a Message-ID at another client's domain (new user's trial, session 30: the file
            # name withheld, "Message-ID <po-ad-004@echoharbor-audio.co.uk>" beside it)
            hit = replace(hit, locator=LOCATOR_WITHHELD)
        if self.names_other(hit.title, general):
            hit = replace(hit, title="")
        # The client's own mail (attributed to A by its sender) is A's words: every line that
        # names no other client is A's, and a deadline in it stays in A's briefing. In the
        # user's own writing (a note mixing clients) a line must name A: the lines around a
        # mention of B may be about B under a name clients.toml does not know (notes/0013).
        own_words = hit.client == self.client.id and hit.kind == "email"
        if (not about_other or own_words) and not self.names_other(entry_text, general):
            return [hit] if not self.names_other(hit.quote, general) else []
        if own_words:
            return self._own_sentences(hit)
        # Adjacent lines kept are one part (a paragraph, not a citation per line), and a part
        # that is only a greeting or a signature says nothing: the QA of session 9 found
        # "Hi Hannah," and "Alex" cited on their own, and a trail step reading "Alex".
        parts: list[Hit] = []
        run: list[str] = []
        for line in [*hit.quote.split("\n"), ""]:
            s = line.strip()
            if s and self.own.named_in(s) and not self.names_other(s, general):
                run.append(line)
                continue
            block = "\n".join(run).strip()
            run = []
            if block and not _says_nothing(block):
                parts.append(replace(hit, quote=block))
        return parts

    def _own_sentences(self, hit: Hit) -> list[Hit]:
        """The client's own mail, sentence by sentence: every sentence that names no other
        client is A's, runs of them one part each. By line, a wrapped paragraph naming another
        client lost every sentence after the mention (QA, session 11: Cobalt's "the phase 1
        payment of $12,480.00 is due by Dec 15" left Cobalt's briefing, search and MCP)."""
        parts: list[Hit] = []
        first: int | None = None
        last = 0
        quote = hit.quote
        about_other = False  # the sentence before named another client, in this paragraph
        prev = 0
        for a, b in [*sentence_spans(quote), (len(quote), len(quote))]:
            named = b > a and self.names_other(quote[a:b])
            # a sentence that goes on about the one before ("We met Bluefin. Their exit
            # multiple is 7x.") is about that client too (QA, session 17)
            follows = about_other and "\n\n" not in quote[prev:a] and _REFERS.match(quote[a:b])
            clean = b > a and not named and not follows
            about_other, prev = bool(named or follows), b
            if clean and (first is None or "\n\n" not in quote[last:a]):
                first = a if first is None else first
                last = b
                continue
            if first is not None:  # a sentence naming another client, or a new paragraph
                block = quote[first:last].strip()
                if block and not _says_nothing(block):
                    parts.append(replace(hit, quote=block))
            first, last = (a, b) if clean else (None, 0)
        return parts

    def mask(self, text: str) -> str:
        """``text`` with every other client's names, aliases, domains, addresses and people
        replaced by ``[another client]`` — for the client's own words (an email that names a
        competitor) that go into A's prompt or draft."""
        return self.others.mask(text, MASK)

    def leaks(self, text: str) -> list[tuple[str, str]]:
        """(client id, the words) of every other client named in ``text``."""
        return self.others.markers_in(text)


def masked_reply(text: str, scope: Scope | None) -> tuple[str, str]:
    """(a model's reply with secrets and — in a client's scope — every other client's names
    masked, what was masked): one rule for answers and drafts (QA, session 14: `ask --json`
    gave the model's reply unmasked; the prompt named no other client, so a reply that does
    was not told it by us)."""
    text = mask_secrets(text)
    if scope is not None and scope.names_other(text):
        return scope.mask(text), "the model's reply named another client: masked"
    return text, ""


# A sentence that opens by pointing back at the one before: "They…", "Their…", "It…", "This…"
_REFERS = re.compile(
    r"\s*(?:they|their|theirs|them|it|its|this|these|that|those|he|she|his|her|hers|him|"
    r"both|such|the latter|the former|said)\b",
    re.IGNORECASE,
)


def _says_nothing(text: str) -> bool:
    """A greeting, a sign-off or a bare name: under four words, no number."""
    return bool(SALUTATION.match(text)) or (len(text.split()) < 4 and not _DIGIT.search(text))


_DIGIT = re.compile(r"\d")


def scope_for(client_id: str, everyone: Sequence[ClientSpec]) -> Scope | None:
    """The scope of a clients.toml client; None for an id clients.toml does not list (a
    caller must then show nothing: there is no scope to be sure of). ``*``: the user's general
    material alone (:meth:`Scope.general`)."""
    if client_id == SCOPE_GENERAL:
        return Scope.general(everyone)
    spec = next((c for c in everyone if c.id == client_id), None)
    return None if spec is None else Scope.for_client(spec, everyone)


def admit(hits: Sequence[Hit], scope: Scope | None, entry_texts: dict[int, str]) -> list[Hit]:
    """Hits that passed the scope filter, clipped to what the scope may see. ``scope`` None
    (no client asked) admits everything; ``entry_texts`` maps entry id -> full text."""
    if scope is None:
        return list(hits)
    out: list[Hit] = []
    for h in hits:
        out.extend(scope.clip(h, entry_texts.get(h.entry_id, h.quote)))
    return out


__all__ = ["Scope", "admit", "scope_for"]
