"""A name or an identifier asked, and whether a sentence gives one (notes/0006-abstention.md,
"Expected answer type"): "who approved the export?", "what's the harbour master's name?",
"what is the boat called?" are answered by a name the question does not already give; "the
hostname of the SFTP drop", "NWHH's provider number" by one written out. The other kinds of
answer: recall/asked.py."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .asked import NOT_IN_PHRASE
from .greetings import SALUTATION
from .terms import EXACT_ONLY, SCAFFOLD, words_of

# "What's the hostname of the aggregator's SFTP drop?", "NWHH's Medicaid provider number?": an
# identifier is answered by one written out — a host or address, a number of many digits —
# not by a sentence about the SFTP upload.
_ASKS_IDENT = re.compile(
    r"\b(?P<host>host\s?names?|urls?|web\s?address(?:es)?|website address(?:es)?|domain names?|"
    r"ip address(?:es)?|e-?mail address(?:es)?)\b|"
    r"\b(?P<number>phone|fax|mobile|cell|account|routing|tax id|tax|ein|npi|provider|policy|"
    r"licen[cs]e|serial|reference|member|customer|vat|registration|id)\s+(?:numbers?|ids?|#)|"
    r"\b(?P<code>ein|npi|iban|swift code|bic)\b",
    re.IGNORECASE,
)
# a host has a top-level domain of letters, not a file's extension ("upload.py", "notes.md")
_FILE_EXT = frozenset(
    "py js ts md txt csv json yaml yml toml xml html htm pdf doc docx xls xlsx ppt pptx png jpg "
    "jpeg gif svg zip gz tar sh sql log ini cfg eml mbox ipynb rb go rs java kt swift php".split()
)
_HOST = re.compile(r"\b\w+://\S+|\S+@[\w-]+\.\w+|\b(?:[a-z0-9-]+\.)+(?P<tld>[a-z]{2,})\b", re.I)
_LONG_NUMBER = re.compile(r"(?<![\w-])\+?\(?\d[\d()./-]{5,}\d(?![\w-])|\+\d[\d ()-]{6,}\d")
# dates and spans of years are numbers of many digits that identify nothing
_NOT_AN_ID = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}[-/]\d{2,4})$")


def asks_identifier(question: str) -> bool:
    return _ASKS_IDENT.search(question) is not None


def has_identifier(sentence: str) -> bool:
    """A host, an address or a number of at least seven digits (not a date) in the sentence."""
    for m in _HOST.finditer(sentence):
        if not m.group("tld") or m.group("tld").lower() not in _FILE_EXT:
            return True
    for m in _LONG_NUMBER.finditer(sentence):
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) >= 7 and not _NOT_AN_ID.match(m.group(0).strip()):
            return True
    return False


# A question asking for a name ("who approved the export?", "which payroll provider does
# Northwind use?", "what's the name of the company…") is answered only by a sentence that holds
# a name the question does not already give, and most of what it asks about: "Which SMS
# provider did we price the codes with?" is not answered by "SMS codes cost about a cent each".
# The kind word heads the "what/which" phrase, as for quantities ("what error did the aggregator
# give?" asks for an error, not an aggregator). notes/0006-abstention.md, "Expected answer type".
_NAME_QUESTION = re.compile(
    r"^\W*(who|whom)\b|\bwho(['’]s| is| was| did| do| does| will| would| are)\b|"
    r"\bwhat(['’]s| is| was) the name\b|"
    r"\b(what|which)(['’]s| is| was)?"
    rf"( {NOT_IN_PHRASE}[\w'’-]+){{0,3}} "
    r"(provider|vendor|service|tool|company|plugin|product|app|library|platform|software|firm|"
    r"agency|bank|host|gateway|contractor|consultant|person|contact|manager|director)\b",
    re.IGNORECASE,
)
# (a Latin letter with or without its accent: "Pádraig", "Éireann", "Ó")
_UPPER = "[A-ZÀ-ÖØ-Þ]"
_LOWER = "[a-zß-öø-ÿ]"
# A name: a capitalised word inside the sentence ("… signed by Maria"), a word with a capital
# inside it ("OptoSuite"), an address or a domain. Not an acronym ("EVV", "SFTP": the topic,
# rarely the answer) and not the sentence's first word ("The", "Go-live"). The user is a name
# too ("they want a named technical contact. I put myself.").
_NAME = re.compile(
    rf"\b(myself|ourselves)\b|(?<!^)(?<![.!?:]\s)\b{_UPPER}{_LOWER}[\w'’&-]*|\b[a-z]+[A-Z]\w*|"
    r"\b[A-Z][a-z]+[A-Z]\w*|"
    r"\S+@\S+|\b[\w-]+\.(com|io|net|org|co|dev|app)\b"
)
_CALENDAR = re.compile(EXACT_ONLY.pattern.replace(r"\d[\d.,:/%-]*|", ""), re.IGNORECASE)


# "What's the harbour master's name?" asks for the harbour master: the name's sentence says
# "master", not only "Perth harbour" beside other names (blind trial, session 27)
NAME_OF = re.compile(
    r"\bwhat(?:['’]s| is| was) (?:the |their |our |his |her )?"
    r"(?P<role>[\w'’ -]{2,40}?)['’]s? name\b|"
    r"\bwhat(?:['’]s| is| was) the name of (?:the |their |our |his |her )?(?P<of>[\w -]{2,40}?)"
    r"(?=\s+(?:at|in|of|for|on|who|that)\b|\?|$)",
    re.IGNORECASE,
)


def role_asked(question: str) -> list[str]:
    """The words of the role whose holder's name is asked ("harbour master"), or []."""
    m = NAME_OF.search(question)
    if m is None:
        return []
    return [w for w in words_of(m.group("role") or m.group("of") or "") if w not in SCAFFOLD]


# "what is the boat called?", "what's the new site named?": the verb asks for a name
_CALLED = re.compile(r"\b(?:is|are|was|were|['’]s)\b.*\b(called|named)\W*$", re.IGNORECASE)


def asks_name(question: str) -> bool:
    return bool(
        _NAME_QUESTION.search(question) or NAME_OF.search(question) or _CALLED.search(question)
    )


def has_name(sentence: str, asked: Iterable[str] = ()) -> bool:
    """A name in the sentence that the question (``asked``: its words) does not give."""
    sentence = sentence.strip()
    if SALUTATION.match(sentence):
        return False
    given = {w.lower().removesuffix("'s").removesuffix("’s") for w in asked}
    # the rest of a name the question gives is that name, not another: "Pádraig Ó Dálaigh"
    # does not say what Pádraig's boat is called (blind trial, session 28) — unless the
    # question asks for the rest ("what's Deb's surname?")
    given_at = (
        _given_spans(sentence, given) if _ASKS_NAME_PART.search(" ".join(given)) is None else []
    )
    for m in _NAME.finditer(sentence):
        if any(a <= m.start() and m.end() <= b for a, b in given_at):
            continue  # part of a name the question gives, written out in full
        word = m.group(0).lower().removesuffix("'s").removesuffix("’s")
        if word in ("myself", "ourselves"):
            return True
        if word not in given and not _CALENDAR.match(word) and word not in SCAFFOLD:
            return True
    return False


def _given_spans(sentence: str, given: set[str]) -> list[tuple[int, int]]:
    """The spans of the names in the sentence that hold a word the question gives: its
    capitalised words (the first of a sentence too) joined by a space or a particle."""
    runs: list[list[re.Match[str]]] = []
    for m in _NAME_WORD.finditer(sentence):
        if runs and _NAME_JOIN.fullmatch(sentence[runs[-1][-1].end() : m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return [
        (run[0].start(), run[-1].end())
        for run in runs
        if len(run) > 1 and any(_bare(w.group(0)) in given for w in run)
    ]


def _bare(word: str) -> str:
    """A name's word as the question's words are compared: lower case, no possessive, no
    "O'" before it."""
    w = word.lower().removesuffix("'s").removesuffix("’s")
    return re.sub(r"^[od]['’]", "", w)


# a capitalised word of a name ("Pádraig", "O'Dálaigh", "McBride")
_NAME_WORD = re.compile(rf"\b(?:[OD]['’])?{_UPPER}{_LOWER}[\w'’&-]*")
# between two words of one name: a space, or a short particle ("Ó", "de", "van", "Mac")
_NAME_JOIN = re.compile(
    rf"\s+(?:(?:{_UPPER}\.?|Ó|Ní|Mac|Mc|de|da|di|du|dos|das|del|van|von|der|den|la|le)\s+)?"
)
_ASKS_NAME_PART = re.compile(r"\bsurnames?\b|\b(?:last|full|family|first|given) names?\b")


__all__ = [
    "asks_identifier",
    "asks_name",
    "has_identifier",
    "has_name",
]
