"""Offline trail tags from cue phrases, sentence by sentence: decision, dead_end, open_question.

``cue_sentences(text)`` splits markdown-ish text into sentences (headings and list items are
sentences of their own, "e.g." / "i.e." / "vs." do not end one, fenced code, inline code, front
matter, HTML comments and struck-through text are never cues) and returns every sentence that
carries a cue, with its character offsets into ``text``. ``tag_text(text)`` is the union of
those tags, for callers that tag a whole entry.

The cue lists, the guards (negation, hypotheticals, questions) and the measured precision and
recall are in notes/0005-trail-cues.md. They stay conservative on purpose: a missed tag costs
less than a wrong "decision" in a client's trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "TAGS",
    "Cue",
    "cue_sentences",
    "heading_tags",
    "label_tags",
    "sentence_spans",
    "tag_text",
]

TAGS: tuple[str, ...] = ("decision", "dead_end", "open_question")


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue: ``tag`` found in ``sentence``, which is exactly ``text[start:end]``."""

    tag: str
    sentence: str
    start: int
    end: int


# --- masking: what is never a cue, replaced in a same-length copy of the text ------------------

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_FRONT_KEY = re.compile(r"[A-Za-z_][\w-]*\s*:")
_INLINE = [
    # inline code, on one line: a lone backtick ("(`)") must not swallow the next lines
    re.compile(r"(?<!`)(`+)(?!`)[^\n]+?(?<!`)\1(?!`)"),
    re.compile(r"~~[^\n]+?~~"),  # struck through: retracted, not a cue
    re.compile(r"<!--.*?-->", re.S),
]


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def _mask(text: str) -> str:
    """``text`` with code, front matter, comments and struck-through text hidden.

    Fences and front matter become spaces (so they separate blocks); inline spans become ``x``
    runs, so "tried `foo` but" still reads as words and a ``?`` inside code ends nothing."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    fence = ""
    i = 0
    if lines and lines[0].rstrip() == "---":  # YAML front matter, only at the very start
        for j in range(1, min(len(lines), 200)):
            if lines[j].rstrip() in ("---", "..."):
                if any(_FRONT_KEY.match(ln) for ln in lines[1:j]):
                    out = [_blank(ln) for ln in lines[: j + 1]]
                    i = j + 1
                break
    for line in lines[i:]:
        m = _FENCE.match(line)
        if fence:
            out.append(_blank(line))
            closing = m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closing and m and not line[m.end() :].strip():
                fence = ""
        elif m and not (m.group(1)[0] == "`" and "`" in line[m.end() :]):
            fence = m.group(1)
            out.append(_blank(line))
        else:
            out.append(line)
    masked = "".join(out)
    for rx in _INLINE:
        masked = rx.sub(lambda mm: re.sub(r"[^\n]", "x", mm.group(0)), masked)
    return masked


# --- sentences ----------------------------------------------------------------------------------

_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
_RULE = re.compile(r"[ \t]{0,3}(?:(?:[-*_][ \t]*){3,}|=+[ \t]*)$")
_END = re.compile(r"(?:[.!?]+|…)[\"'”’)\]*_]*(?=\s|$)")
# A period after these never ends a sentence; after _SOFT only when a capital follows.
_ABBREV = frozenset(
    "e.g eg i.e ie vs v cf viz approx incl excl esp resp al mr mrs ms dr prof sr jr st "
    "inc ltd corp dept fig figs eq vol ca w.r.t wrt n.b e.g., i.e.,".split()
)
_SOFT = frozenset("etc a.m p.m am pm".split())
_NUMBERED = frozenset("no nr p pp ch sec art".split())  # "No. 4", "p. 12"


def _blocks(masked: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each block: a heading, a list item ("item"), a table row or a
    paragraph ("text"). A short line followed by a capitalised one also ends its block (notes
    written one thought per line), while a long, hard-wrapped line (email) does not."""
    blocks: list[tuple[int, int, str]] = []
    start = end = -1  # the open block, if start >= 0
    kind = ""
    table = False
    prev = ""
    pos = 0
    for line in masked.splitlines(keepends=True):
        body = line.rstrip("\r\n").rstrip()
        at = pos
        pos += len(line)
        if not body.strip() or _RULE.match(body):
            if start >= 0:
                blocks.append((start, end, kind))
            start, prev = -1, ""
            continue
        head = _HEADING.match(body)
        item = _ITEM.match(body)
        marker = head or item or _QUOTE.match(body)
        cut = marker.end() if marker else 0
        content = body[cut:]
        is_table = content.lstrip().startswith("|")
        new = start < 0 or bool(head or item) or kind == "heading" or table or is_table
        if not new and len(prev) < 60 and re.match(r"[\"'*_\[(]*[A-Z0-9]", content.lstrip()):
            new = not re.search(r"(?:[,;(&/\-–—]|\b(?:and|or|the|a|an|to|of|with))$", prev)
        if new:
            if start >= 0:
                blocks.append((start, end, kind))
            start = at + cut + len(content) - len(content.lstrip())
            kind = "heading" if head else "item" if item else "text"
            table = is_table
        end = at + len(body)
        prev = body.strip()
    if start >= 0:
        blocks.append((start, end, kind))
    # a block opened by a marker-only line ("> " then a line break) starts at its first word
    # (the property test found "> \r:": the span began with the space)
    trimmed = []
    for s, e, k in blocks:
        while s < e and masked[s].isspace():
            s += 1
        if e > s:
            trimmed.append((s, e, k))
    return trimmed


_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


def _ends_sentence(masked: str, m: re.Match[str], block_end: int) -> bool:
    punct = m.group(0)
    nxt = masked[m.end() : min(block_end, m.end() + 80)].lstrip()[:1]
    if "?" in punct or "!" in punct:
        return True
    if "..." in punct or "…" in punct:
        return nxt.isupper()
    k = m.start()
    while k > 0 and not masked[k - 1].isspace():
        k -= 1
    token = masked[k : m.start()].lstrip("([\"'*_").lower()
    if token in _SOFT:
        return nxt.isupper()
    if token in _ABBREV or _DOTTED.fullmatch(token):
        return False  # "e.g.", "i.e.", "vs.", "U.S."
    return not (token in _NUMBERED and nxt.isdigit())


def _spans(masked: str, text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for bstart, bend, kind in _blocks(masked):
        start = bstart
        for m in _END.finditer(masked, bstart, bend):
            if m.end() >= bend or not _ends_sentence(masked, m, bend):
                continue
            out.append((start, m.end(), kind))
            kind = "text" if kind == "item" else kind  # an item's later sentences are text
            start = m.end()
            while start < bend and masked[start].isspace():
                start += 1
        if start < bend:
            out.append((start, bend, kind))
    trimmed = []
    for s, e, h in out:
        # trimmed in both: a comment is masked as "x" runs, its spaces too ("<!-- " before a
        # blank line ended a span in a space of the text: the property test, session 11)
        while s < e and (masked[s].isspace() or text[s].isspace()):
            s += 1
        while e > s and (masked[e - 1].isspace() or text[e - 1].isspace()):
            e -= 1
        if e > s:
            trimmed.append((s, e, h))
    return trimmed


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text`` outside code, in order, never overlapping,
    never empty, without surrounding whitespace or list / heading / quote markers."""
    return [(s, e) for s, e, _ in _spans(_mask(text), text)]


# --- cues ---------------------------------------------------------------------------------------
# Each cue: (tag, guard, pattern), read in the normalised sentence (_normal). The guard names the
# extra checks in _guarded() beyond the tag's own; notes/0005-trail-cues.md says why each is here.

_NOT_WORK = r"didn't|did not|doesn't|does not|don't|do not|won't|will not|wouldn't|would not"
_NOT_WORK += r"|couldn't|could not|can't|cannot|never"
_SUBJ = r"(?:[Ww]e|I|[Tt]hey|[Tt]he (?:client|team|customer)|(?:[A-Z][\w&-]+ ){0,2}[A-Z][\w&-]+)"
_DATE = r"^(?:\d{4}-\d\d-\d\d\s*[:\-–—]?\s*)?"
_CUES: list[tuple[str, str, str]] = [
    # decision: a label ("Decision:", "**Decided 2026-10-20**"), a past-tense choice with a subject,
    # "going with", "do not revisit", "rejected alternatives", a sign-off
    ("decision", "", _DATE + r"(?:decided|decision|agreed|settled|final (?:answer|decision|call))"
     r"(?:\s*\([^)]*\))?\s*[:\-–—]"),
    ("decision", "", _DATE + r"(?:decided|agreed|settled)\b(?:\s*\([^)]*\))?"
     r"\s*(?:\d{4}-\d\d|\b(?:on|to|against|with|in favou?r|that|upon)\b)"),
    ("decision", "label", r"\b(?:decision|final answer|settled)\s*(?:\([^)]*\)\s*)?:"),
    ("decision", "", r"\b(?:decided|agreed|settled)\s+(?:on|to|that|against|upon|in favou?r of)\b"),
    ("decision", "", r"\b(?:we|i|they)(?:'ve| have| had)?\s+(?:finally\s+|now\s+|just\s+"
     r"|already\s+)?(?:decided|agreed|settled|chose|opted for)\b"),
    ("decision", "", r"\bit (?:was|has been|is) (?:now )?(?:decided|agreed|settled)\b"),
    ("decision", "", r"\b(?:we|i|they)\s+(?:\w+\s+)?made (?:the|a|our|my) (?:\w+ )?decision\b"),
    ("decision", "", r"\bagreed with (?:[\w.-]+ ){1,3}(?:to|on|that)\b"),
    ("decision", "", r"\b(?:we|i)(?:'re| are|'m| am)\s+(?:now\s+|just\s+|definitely\s+)?"
     r"going with\b"),
    # ... but not "we went with Dana to the site"
    ("decision", "", r"\b(?:we|i)(?:\s+(?:went|will go|ended up going)|'ll go)\s+with\b"
     r"(?!\s+(?:him|her|them|[A-Z]\w+)\s+to\b)"),
    ("decision", "", r"\blet'?s go with\b|^going with\b"),
    ("decision", "", r"\b(?:chosen|agreed|final)\s+(?:approach|option|solution|design|plan"
     r"|direction)\b"),
    ("decision", "", r"\b(?:do not|don't|dont|never)\s+revisit\b|\bnot to be revisited\b"),
    ("decision", "", r"\brejected (?:alternatives?|options?|approach(?:es)?)\b"),
    ("decision", "case", rf"\b{_SUBJ}\s+(?:has |have )?(?:decided|signed off on)\b"),
    ("decision", "case", rf"\b{_SUBJ}\s+confirmed (?:that )?(?:the )?(?:\w+ ){{1,4}}(?:is|are)"
     r" final\b"),
    # dead_end: something asserted not to work, abandoned, ruled out, reverted, tried in vain
    ("dead_end", "work", rf"\b(?:{_NOT_WORK})\s+(?:\w+\s+)?work(?:s|ed)?\b(?!\s+as well\b)"
     r"(?!\s+(?:out|on|around|through)\s+(?:the|a|an|what|how|which|when|whether|who|our|my"
     r"|your|this|that|it)\b)"),
    ("dead_end", "", r"\b(?:couldn't|could not|can't|cannot|never|didn't|did not)\s+get\s+"
     r"(?:[\w-]+\s+){1,3}(?:to work|working)\b"),
    ("dead_end", "work", r"(?:\bstopped|\bstops|\bnot|n't)\s+working\b|\bno longer works?\b"),
    ("dead_end", "", r"\bdead[ -]?ends?\b|\bnon-?starter\b|\bunworkable\b|\bunusabl[ey]\b"),
    ("dead_end", "", r"\b(?:gave up|ruled out|scrapped|ditched|shelved|backed out)\b"),
    ("dead_end", "generic", r"\b(?:rolled back|reverted|abandoned)\b"),
    ("dead_end", "dropped", r"\b(?:we|i|they)\s+(?:\w+\s+)?dropped\b(?!\s+(?:by|in|off|into|down"
     r"|to)\b)|\bdropped (?:the|this|that|our) (?:idea|approach|plan|option|requirement)\b"),
    ("dead_end", "", r"\b(?:not|isn't|wasn't|aren't|weren't) (?:viable|feasible|workable)\b"),
    ("dead_end", "", r"\btoo (?:slow|expensive|flaky|brittle|fragile|risky) (?:to be (?:usable"
     r"|useful|practical)|for (?:us|production|prod|real use|the client))\b"),
    ("dead_end", "", r"\b(?:was|were|turned out to be|proved) (?:a |an )?(?:big |huge |clear "
     r"|real )?(?:mistake|bad idea|waste of time)\b"),
    ("dead_end", "", r"(?:^|\b(?:we|i|they)\s+(?:\w+\s+)?)(?:tried|attempted)\b(?!\s+(?:to )?"
     r"(?:call|calling|reach|reaching|phon|email|ring))[^.;!?]{0,100}?\bbut\b"),
    ("dead_end", "", r"\b(?:without (?:success|luck)|no luck|to no avail|didn't help"
     r"|did not help|made no difference|had no effect)\b"),
    ("dead_end", "recovered", r"\bfailed (?:because|on|due to|for us)\b|(?:^|[,;:]\s*|\b(?:and"
     r"|but|so|then)\s+)(?:that|this|it)\s+(?:also\s+|then\s+|just\s+)?failed\b"),
    ("dead_end", "relative", r"\bfailed\s*(?:[,;.!]|$)"),
    # a label: "Rejected: anyone with the link can pass it on"
    ("dead_end", "", _DATE + r"(?:rejected|ruled out|dropped|abandoned|dead end)"
     r"(?:\s*\([^)]*\))?\s*[:\-–—]\s"),
    # open_question: flagged as open, TBD, unclear, undecided, to find out, waiting for an answer
    ("open_question", "", r"\bopen (?:questions?|points?|decisions?)\b|\bopen issues?\s*:"
     r"|\bunanswered\b|\bno decision yet\b|\bdecision (?:is )?pending\b"),
    ("open_question", "", r"\b(?:haven't|have not|hasn't|has not|not yet|still haven't)\s+"
     r"(?:yet\s+)?(?:decided|agreed|settled)\b|\bnothing (?:has been |was )?(?:decided|agreed)\b"),
    ("open_question", "", r"\bunresolved\b(?!\s+(?:promises?|references?|symbols?|imports?"
     r"|dependenc|conflicts?|hosts?|address|links?|types?))"),
    ("open_question", "", r"\b(?:tbd|tbc|t\.b\.d)\b|\bto be (?:decided|determined|confirmed"
     r"|clarified|agreed)\b"),
    ("open_question", "", r"\bstill (?:unclear|unknown|undecided|pending|to be seen)\b"
     r"|\bundecided\b|\bremains? (?:unclear|to be seen)\b"
     r"|\bunclear (?:whether|if|how|what|why|who|when|where|which)\b"),
    ("open_question", "todo", r"(?:^|\b(?:we|i)\s+(?:\w+\s+)?)(?:need|needs) to (?:find out"
     r"|check|ask|confirm|figure out|clarify|verify|decide)\b"
     r"(?!\s+(?:it|this|that|them)?\s*out\b)"),
    ("open_question", "todo", r"(?:^|\b(?:we|i)\s+(?:still\s+)?)(?:have|has) to (?:find out|ask"
     r"|confirm|figure out|clarify|decide|choose|pick)\b"),
    ("open_question", "", r"\bnot (?:sure|certain|clear)\s+(?:whether|if|how|what|why|when|where"
     r"|which|who|yet|about)\b|\bnot sure\s*[:.!]?$"),
    ("open_question", "", r"\b(?:i|we) (?:don't|do not|still don't) know (?:whether|if|how|why"
     r"|yet)\b|\b(?:i|we) (?:still )?wonder(?:ed)? (?:whether|if|how|why)\b"),
    ("open_question", "", r"\bwaiting (?:on|for) (?:[\w.-]+ ){1,3}to (?:confirm|decide|answer"
     r"|reply|get back)\b|\bpending (?:a |the )?(?:confirmation|decision|approval|answer|reply)\b"),
    ("open_question", "case", r"(?<=\w)\?{2,}|^\?{2,}"),
]  # fmt: skip
_PATTERNS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    tag: [(re.compile(rx, 0 if g == "case" else re.I), g) for t, g, rx in _CUES if t == tag]
    for tag in TAGS
}
# A first look per tag (substrings of the lowercased sentence, spaces collapsed): most sentences
# carry none of these and skip the patterns, which keeps tagging cheap next to parsing.
_ANY = {
    "decision": "decid|decision|agreed|settled|chose|opted|go with|going with|went with|revisit"
    "|rejected|final|signed off",
    "dead_end": "work|dead|starter|abandon|gave up|ruled out|scrapped|ditched|shelved|backed out"
    "|rolled back|revert|dropped|viable|feasible|too |unusabl|mistake|bad idea|waste of|tried"
    "|attempted|luck|avail|help|difference|effect|failed|rejected",
    "open_question": "decid|agreed|settled|open|unanswered|unresolved|tbd|tbc|t.b.d|to be |still "
    "|remain|unclear|need to|needs to|have to|has to|not sure|not certain|not clear|know |wonder"
    "|waiting|pending|??",
}
_FIRST_LOOK = {tag: tuple(words.split("|")) for tag, words in _ANY.items()}

# Cue words in these contexts are not cues.
_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|unless|once|before|until|in case|should|would|could|might|maybe|perhaps"
    r"|suppose|supposing|assuming|otherwise|what if|even if|hope|hopefully|wish|wonder(?:ed|s)?"
    r"|let's say|say we|imagine|ask(?:ed|s)? (?:whether|if)|suggest(?:ed|s)?|propos(?:ed|es)"
    r"|recommend(?:ed|s)?)\b",
    re.I,
)
_CONDITION = re.compile(r"\b(?:if|unless|in case|before|once|let's say|imagine)\b", re.I)
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|nobody|nothing|neither|nor|yet to|to be)|n't)\s+(?:\w+\s+){0,2}$", re.I
)
_PERSON = re.compile(
    r"\b(?:i|we|you|he|she|people|folks|i'm|we're|you're|he's|she's|i am|we are)\s+(?:\w+\s+)?$",
    re.I,
)
_WHEN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight"
    r"|morning|afternoon|evening|week|time|date|slot|\d{1,2}(?::\d\d)?\s*(?:am|pm))\s+$",
    re.I,
)
_PROCEDURE = re.compile(r"\b(?:first|then|next|in order to|to \w+ (?:this|that|it))\b", re.I)
_CLAUSE = re.compile(r"[,;:()—–]|\bbut\b", re.I)
_DROPPED_THING = re.compile(
    r"^dropped\s+(?:the |a |that |this |its |their )?(?:[\w-]+ )?(?:tables?|columns?|index"
    r"|indexes|database|db|schema|constraints?|triggers?|views?|keys?|connections?|packets?"
    r"|frames?|calls?|ball)\b",
    re.I,
)
# "## Decisions" / "## Open questions": a label, no cue itself; each list item below it (its
# first sentence) carries the tag, until the next heading.
_SECTION = {
    "decision": re.compile(r"^(?:decisions?|decisions made|decided|agreed)\s*$", re.I),
    "dead_end": re.compile(
        r"^(?:dead[ -]ends?|what didn't work|rejected (?:approaches|alternatives)|ruled out)\s*$",
        re.I,
    ),
    "open_question": re.compile(r"^(?:open questions?|unresolved|tbd)\s*$", re.I),
}


def _normal(s: str) -> str:
    """The sentence as the cues read it: straight quotes, link text only, no emphasis marks,
    one line."""
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", s)
    s = re.sub(r"\*+|(?<!\w)_+|_+(?!\w)", "", s)
    s = re.sub(r"\n[ \t]*(?:>[ \t]?)*", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _ends(before: str, pattern: str) -> bool:
    return re.search(pattern + r"\s+$", before, re.I) is not None


_RECOVERED = re.compile(
    r"\b(?:retry|rerun|second (?:try|attempt)|next (?:night|run|day))\b[^.;!?]*\b(?:worked|"
    r"succeeded|went through|passed)\b|\b(?:worked|succeeded) (?:on|after) (?:the )?(?:retry|"
    r"second)",
    re.I,
)


def _guarded(tag: str, guard: str, s: str, m: re.Match[str]) -> bool:
    """True when this match is not a cue: negated, hypothetical, generic, or no failure at all."""
    before = re.sub(r"\([^()]*\)", " ", s[max(0, m.start() - 100) : m.start()])
    if tag == "decision":
        if _HYPOTHETICAL.search(_CLAUSE.split(before)[-1]):
            return True  # "if we decided", "before we agreed on": a condition, not a decision
        if guard == "label" and _ends(before, r"\b(?:pending|open|outstanding|upcoming|next)"):
            return True  # "Pending decision: ..."
        if re.match(r"(?:not|never|no|nobody|nothing|none)\b", m.group(0), re.I):
            return True  # "Not decided yet.": the capitalised "Not" is no one who decided
        return bool(_NEGATION.search(before))  # "we haven't decided on", "yet to be decided"
    if tag == "open_question":
        if _CONDITION.search(before):
            return True  # "if you're not sure which window ...": a reader's case, not ours
        if guard == "todo" and _PROCEDURE.search(before):
            return True  # "First, I need to figure out the IDs": a how-to step
        return _ends(before, r"\b(?:no|not|without|any)")  # "no open questions"
    if _HYPOTHETICAL.search(before):
        return True  # "if that doesn't work, ...", "let's say it failed"
    if guard == "work":
        return bool(_PERSON.search(before) or _WHEN.search(before))  # "I don't work Fridays"
    if _ends(before, r"\b(?:not|never|nothing|nobody|no one)(?:\s+\w+)?"):
        return True  # "not abandoned", "nothing was ruled out"
    if guard == "generic":
        if _ends(before, r"\b(?:is|are|be|gets?|you)"):
            return True  # "the transaction is rolled back": how a tool behaves, not a dead end
        if _ends(before, r"\b(?:an?|the|every|all|any|these|those|its|their)"):
            return True  # "an abandoned cart"
        return not before.strip() and not re.match(
            r"\w+(?: back)?\s+(?:to|the|this|that|it|everything|our|my|a|an)\b",
            s[m.start() : m.start() + 60],
            re.I,
        )  # "Rolled back transactions ...": an adjective
    if guard == "relative":
        return _ends(before, r"\b(?:that|which|who)")  # "rerun the tests that failed."
    if guard == "recovered":  # "the upload failed because …; the retry at 03:00 worked"
        return bool(_RECOVERED.search(s, m.end()))
    return guard == "dropped" and bool(_DROPPED_THING.search(s[m.end() - 7 : m.end() + 80]))


def _tags_of(sentence: str) -> list[str]:
    low = " ".join(sentence.lower().replace("*", "").replace("’", "'").split())
    maybe = [tag for tag in TAGS if any(w in low for w in _FIRST_LOOK[tag])]
    if not maybe:
        return []
    s = _normal(sentence)
    question = s.rstrip(" \"')]").endswith("?")
    return [
        tag
        for tag in maybe
        if not (question and tag != "open_question")  # "Did that work?", "Did we decide?"
        and any(not _guarded(tag, g, s, m) for rx, g in _PATTERNS[tag] for m in rx.finditer(s))
    ]


def cue_sentences(text: str) -> list[Cue]:
    """Every sentence of ``text`` that carries a cue, in order; a sentence with two tags gives
    two ``Cue`` s, in ``TAGS`` order. ``text[c.start:c.end] == c.sentence`` always.

    Only text outside code counts. A sentence ending in "?" is never a decision or a dead end.
    A heading that is only a label ("Decisions", "Open questions") is no cue itself, but each
    list item of its section carries that tag (its first sentence, unless a question)."""
    masked = _mask(text)
    out: list[Cue] = []
    inherited = ""
    for start, end, kind in _spans(masked, text):
        seen = masked[start:end]
        if kind == "heading":
            label = _normal(seen).rstrip("#: ").strip()
            inherited = next((t for t, rx in _SECTION.items() if rx.match(label)), "")
            if inherited:
                continue
        tags = _tags_of(seen)
        if (
            kind == "item"
            and inherited
            and inherited not in tags
            and (inherited == "open_question" or not _normal(seen).endswith("?"))
        ):
            tags.append(inherited)
        out.extend(Cue(tag, text[start:end], start, end) for tag in TAGS if tag in tags)
    return out


def heading_tags(heading: str) -> tuple[str, ...]:
    """What a section's own heading says of the whole section: a label ("## Decision", "## Open
    questions") or a cue ("## Dead end 1: WordPress plugin") — QA, session 8: such sections,
    their heading cut off by the section split, were tagged nothing."""
    label = _normal(_mask(heading)).rstrip("#: ").strip()
    found = {t for t, rx in _SECTION.items() if rx.match(label)}
    found.update(c.tag for c in cue_sentences(heading))
    return tuple(t for t in TAGS if t in found)


# A note's own front-matter tags that name a trail tag (``tags: [decision]``, ``dead-end``,
# ``open-question``): the user's label for the whole note, beside the heading labels above.
_LABEL_WORDS = {
    "decision": "decision",
    "decisions": "decision",
    "decided": "decision",
    "deadend": "dead_end",
    "deadends": "dead_end",
    "rejected": "dead_end",
    "abandoned": "dead_end",
    "ruledout": "dead_end",
    "openquestion": "open_question",
    "openquestions": "open_question",
    "question": "open_question",
    "questions": "open_question",
    "unresolved": "open_question",
    "tbd": "open_question",
}


def label_tags(labels: object) -> tuple[str, ...]:
    """The trail tags a note's front-matter ``tags`` name, in ``TAGS`` order; other tags, and
    anything that is not a list of strings, name none."""
    if not isinstance(labels, (list, tuple)):
        return ()
    found = {
        _LABEL_WORDS.get(re.sub(r"[\s_#/-]+", "", str(t).lower()), "")
        for t in labels
        if isinstance(t, str)
    }
    return tuple(t for t in TAGS if t in found)


def tag_text(text: str) -> tuple[str, ...]:
    """The tags of all cue sentences of ``text``, in ``TAGS`` order: the whole-entry view, for
    callers that tag an entry rather than its sentences."""
    found = {c.tag for c in cue_sentences(text)}
    return tuple(t for t in TAGS if t in found)
