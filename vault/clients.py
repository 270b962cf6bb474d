"""clients.toml: who the user's clients are, and how to recognise them in text, addresses and
project folders.

Schema (one table per client)::

    [[client]]
    name = "Acme Health"
    id = "acme"                      # optional slug; --client accepts id, name or alias
    aliases = ["Acme", "ACME Corp"]
    domains = ["acme.example"]
    emails = ["cto@gmail.example"]   # an address listed here wins over its domain
    people = ["Dana Whitfield"]      # the client's people, as they are named in text
    paths = ["~/src/acme-*"]         # project folders whose coding-agent sessions are Acme's
    projects = ["Bluefinch"]          # codenames: a text naming one is the client's
    rate = "150.00"                  # money as strings: exact Decimals
    currency = "USD"
    tax_rate = "0.0825"
    billing_address = "1 Main St\\nSpringfield"

The file is the truth at any moment (notes/0013-attribution-and-scope.md): a label in a file
resolves to the client whose id, name or alias it matches, and nothing is ever attributed by
guess — so a file in which two clients share an id, a name or alias, an address or a domain is
refused with an error naming both entries.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import hashlib
import html
import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from .errors import ConfigError

# Domains anyone can have an address at: never a client's, never grouped in the review queue,
# never assignable as a whole (a client's person writing from gmail.com would give away every
# gmail.com correspondent). Matched on the name before the public suffix, any suffix.
PUBLIC_MAIL = frozenset(
    "gmail googlemail outlook hotmail live msn yahoo ymail icloud me mac aol proton protonmail "
    "pm gmx web mail yandex zoho fastmail hey tutanota tuta qq 163 126 comcast verizon att "
    "btinternet orange free laposte t-online".split()
)


_SECOND_LEVEL = frozenset("co com org net ac gov ne or".split())  # outlook.co.uk, yahoo.co.jp


def domain_forms(domain: str) -> tuple[str, ...]:
    """A domain as written, and in its other IDNA form: "müller-soehne.de" is what a person
    types, "xn--mller-soehne-dlb.de" what mail headers carry (QA, session 14: mail from the
    punycode form was nobody's). Each form names the client."""
    forms = [unicodedata.normalize("NFC", domain)]
    with contextlib.suppress(UnicodeError):  # no host name IDNA takes
        forms.append(forms[0].encode("idna").decode("ascii").lower())
    with contextlib.suppress(UnicodeError):  # not ASCII: already the person's form
        forms.append(forms[0].encode("ascii").decode("idna").lower())
    return tuple(dict.fromkeys(forms))


def same_mailbox(address: str) -> str:
    """An address as its mailbox: without a "+tag"; at Gmail without dots in the local part
    and googlemail.com as gmail.com (Gmail delivers all of them to one mailbox)."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def registered_name(domain: str) -> str:
    """The name a domain is registered as under its public suffix: "acme" of
    "mail.acme.co.uk" and of "acme.example"; "evil" of "acme.example.evil.example"."""
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else labels[0]


def public_mail_domain(domain: str) -> bool:
    """``gmail.com``, ``outlook.co.uk``, ``gmx.de`` (also ``gmail.example`` in tests): the name
    registered under the public suffix is a mail provider's. ``mail.acme.com`` is Acme's."""
    return "." in domain.strip(".") and registered_name(domain) in PUBLIC_MAIL


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return s or "client"


def legacy_label_key(label: str) -> str:
    """A label's key before session 17 (letters outside a-z became "-"), so assignments
    stored then ("label:s-ren-ltd" for "Søren Ltd") still hold."""
    decomposed = unicodedata.normalize("NFKD", label)
    return slug("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def label_key(label: str) -> str:
    """How labels are compared: case, spacing and punctuation do not matter
    ("Northwind Home-Health" = "northwind home health" = "northwind-home-health"), nor accents
    however they are encoded ("Café" composed or decomposed = "cafe": review, session 10)."""
    decomposed = unicodedata.normalize("NFKD", label)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    # letters of any script: a label in Japanese is itself, not "client" (slug's fallback made
    # every non-Latin label, and the word "Client", the same key: QA, session 17)
    return re.sub(r"[\W_]+", "-", bare).strip("-")


# A company's legal form does not tell clients apart: "Holme Fen Growers" is "Holme Fen Growers
# Ltd" (a timesheet's heading, session 27). Only at the end, only when something is left.
_LEGAL_FORMS = frozenset(
    """ltd limited inc incorporated llc llp lp plc gmbh ag kg bv b-v nv n-v sa sarl sas srl spa
    oy ab aps pty teoranta cic cio""".split()
)  # not "co", "company", "corp": part of the name ("Smith & Co", "The Company")


def loose_label_key(label: str) -> str:
    """``label_key`` without a legal form at its end ("holme-fen-growers" for "Holme Fen
    Growers Ltd", "acme" for "Acme Pty. Ltd.")."""
    parts = label_key(label).split("-")
    while len(parts) > 1 and parts[-1] in _LEGAL_FORMS:
        parts.pop()
    if len(parts) > 2 and f"{parts[-2]}-{parts[-1]}" in _LEGAL_FORMS:
        parts = parts[:-2]
    return "-".join(parts)


@dataclass(frozen=True)
class ClientSpec:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    rate: Decimal | None = None
    currency: str = "USD"
    tax_rate: Decimal = Decimal("0")
    billing_address: str = ""
    people: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def markers(self) -> tuple[str, ...]:
        """Everything that, found in a text, says it is about this client: names, aliases,
        projects, domains, addresses and people."""
        return (*self.names, *self.projects, *self.domains, *self.emails, *self.people)


def _money(path: Path, name: str, key: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        example = "0.0825" if key == "tax_rate" else "150.00"  # a tax rate is a fraction
        raise ConfigError(str(path), f'client {name!r}: {key} must be a string like "{example}"')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(str(path), f"client {name!r}: {key} {value!r} is not a number") from exc
    # "NaN" and "Infinity" are Decimals, and "-95" or a tax of "20" are numbers: none is a rate
    # (QA, session 12: NaN crashed `invoice create`; "20" taxed at 2000 %)
    if not amount.is_finite():
        raise ConfigError(str(path), f"client {name!r}: {key} {value!r} is not a number")
    if amount < 0:
        raise ConfigError(str(path), f"client {name!r}: {key} {value!r} is negative")
    if key == "tax_rate" and amount >= 1:
        raise ConfigError(
            str(path),
            f"client {name!r}: tax_rate {value!r} is a fraction, not a percentage: 8.25 % is "
            f'"0.0825"',
        )
    return amount


def _strings(path: Path, name: str, key: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(str(path), f"client {name!r}: {key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def load_clients(path: Path) -> tuple[ClientSpec, ...]:
    if not path.exists():
        return ()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), str(exc)) from exc
    return parse_clients(data, path)


def parse_clients(data: dict[str, object], path: Path) -> tuple[ClientSpec, ...]:
    out: list[ClientSpec] = []
    stray = sorted(k for k in data if k != "client")
    if stray:
        # Fail closed: a client written as [northwind] would otherwise be silently no client,
        # and its mail and work nobody's.
        raise ConfigError(
            str(path),
            f"[{stray[0]}] is not a client: write each client as a [[client]] table with "
            'name = "..." (and id, aliases, domains ...); see README: clients.toml',
        )
    tables = data.get("client", [])
    if not isinstance(tables, list):
        raise ConfigError(str(path), "clients must be [[client]] tables")
    for i, t in enumerate(tables):
        if not isinstance(t, dict) or not str(t.get("name", "")).strip():
            raise ConfigError(str(path), f"[[client]] #{i + 1} has no name")
        name = str(t["name"]).strip()
        out.append(
            ClientSpec(
                id=str(t.get("id") or slug(name)).strip(),
                name=name,
                aliases=_strings(path, name, "aliases", t.get("aliases")),
                domains=tuple(
                    dict.fromkeys(
                        form
                        for d in _strings(path, name, "domains", t.get("domains"))
                        for form in domain_forms(d.lower().lstrip("@"))
                    )
                ),
                emails=tuple(
                    dict.fromkeys(
                        f"{local}@{form}"
                        for e in _strings(path, name, "emails", t.get("emails"))
                        for local, _, host in [e.lower().rpartition("@")]
                        for form in domain_forms(host)
                    )
                ),
                projects=_strings(path, name, "projects", t.get("projects")),
                rate=_money(path, name, "rate", t.get("rate")),
                currency=str(t.get("currency", "USD")),
                tax_rate=_money(path, name, "tax_rate", t.get("tax_rate")) or Decimal("0"),
                billing_address=str(t.get("billing_address", "")),
                people=_strings(path, name, "people", t.get("people")),
                paths=_strings(path, name, "paths", t.get("paths")),
            )
        )
    for c in out:
        if not c.id or c.id in ("*", "?", "!"):
            # "*", "?", "!" are the vault's marks for general, unattributed and mixed material:
            # a client by that id would take one of them (review, session 29)
            raise ConfigError(
                str(path), f"client {c.name!r} has the id {c.id!r}: give it a name-like id"
            )
    check_unambiguous(out, path)
    return tuple(out)


def check_unambiguous(clients: list[ClientSpec], path: Path) -> None:
    """Refuse a clients.toml in which one id, name/alias, address or domain points at two
    clients: which one a message belongs to would then be a guess. Every such problem is
    named at once, in the file's own spelling, so one edit fixes them all (session 31)."""
    seen: dict[tuple[str, str], str] = {}
    problems: list[str] = []

    def say(problem: str) -> None:
        if problem not in problems:
            problems.append(problem)

    twice: set[str] = set()  # addresses said under two clients already

    def claim(kind: str, value: str, who: ClientSpec, shown: str) -> None:
        owner = seen.setdefault((kind, value), f"{who.name!r} (id {who.id})")
        if owner != f"{who.name!r} (id {who.id})":
            say(f"{shown} belongs to two clients: {owner} and {who.name!r} (id {who.id})")
            if kind == "email":
                twice.add(value)

    for i, c in enumerate(clients):
        again = ("id", c.id) in seen
        if again:
            # said, and its names, addresses and domains read too: every clash at once
            say(
                f"client id {c.id!r} appears twice: {seen[('id', c.id)]} and {c.name!r} "
                f"([[client]] #{i + 1})"
            )
        seen.setdefault(("id", c.id), f"{c.name!r} (id {c.id})")
        for n, written in _keyed(c.names if again else (c.id, *c.names)):
            claim("name", n, c, f"the name or alias {written!r}")
        # a project's codename says whose work a text is as a name does (E2E trial, session
        # 25: a codename under two clients was accepted, and its notes went to nobody unsaid).
        # Not a person: one contact of two clients (an accountant) names neither (review)
        for n, written in _keyed(c.projects):
            claim("name", n, c, f"the project {written!r}")
        for e in sorted(set(c.emails)):
            claim("email", e, c, f"the address {e!r}")
        for d in sorted(set(c.domains)):
            claim("domain", d, c, f"the domain {d!r}")
            if public_mail_domain(d):
                say(
                    f"client {c.name!r}: {d!r} is a public mail domain (anyone can have an "
                    "address there); list the client's addresses under emails = [...] instead"
                )
    # an address listed for one client inside a domain listed for another is under two
    # clients too (blind trial, session 22: it went to the one listing the address, unasked)
    for c in clients:
        for e in c.emails:
            host = e.rsplit("@", 1)[-1]
            for other in clients:
                for d in other.domains:
                    clash = other.id != c.id and (host == d or host.endswith("." + d))
                    if clash and e not in twice:
                        say(
                            f"the address {e!r} belongs to two clients: {c.name!r} (id {c.id}) "
                            f"lists it and {other.name!r} (id {other.id}) lists its domain {d!r}"
                        )
    if problems:
        listed = "".join(f"\n  - {p}" for p in problems)
        said = problems[0] if len(problems) == 1 else f"{len(problems)} problems:{listed}"
        raise ConfigError(str(path), f"{said}\nnothing is attributed until clients.toml is mended")


def _keyed(values: Iterable[str]) -> list[tuple[str, str]]:
    """Each label key once, with the spelling the file first gave it ('cwm eithin', not the
    key 'cwm-eithin' the user never wrote)."""
    out: dict[str, str] = {}
    for x in values:
        key = label_key(x)
        if key:
            out.setdefault(key, x)
    return list(out.items())


def _street(address: str) -> list[str]:
    """The street of a billing address ("12 Quay Street" of "12 Quay Street, Leith"): a
    general note naming it names the client (blind trial, session 22)."""
    line = next((ln.strip() for ln in address.splitlines() if ln.strip()), "")
    street = line.split(",")[0].strip()
    ok = (
        re.search(r"\d", street)
        and len(street.split()) > 1
        and _STREET_WORD.search(street)
        and not re.match(r"(?i)\s*(?:unit|suite|flat|apt|apartment|po box|p\.o\.)\b", street)
    )
    return [street] if ok else []


# what makes a line of an address its street (not "Unit 4", a word in any sentence: review)
_STREET_WORD = re.compile(
    r"(?i)\b(?:street|st|road|rd|lane|ln|avenue|ave|boulevard|blvd|drive|dr|way|place|pl|"
    r"court|ct|square|sq|terrace|crescent|close|row|parade|highway|hwy|rua|calle|avenida|"
    r"strasse|straße|str|weg|gasse|platz|allee|rue|chemin|via|viale|corso|piazza|plein|laan|"
    r"straat|gracht)\b\.?|(?:strasse|straße|weg|gasse|platz|allee|straat|laan)\b"
)


@functools.cache
def _vocabulary() -> frozenset[str]:
    """The whole words of the embedder's WordPiece vocabulary (30,000 tokens of English text,
    vendored and pinned: vault/embedder.py), without its word pieces."""
    from importlib import resources

    text = (resources.files("trailkeep.vault") / "data" / "vocab.txt").read_text("utf-8")
    return frozenset(t for t in text.split("\n") if t.isalpha())


def is_word(token: str) -> bool:
    """Is ``token`` (lower case) a common English word: one the vocabulary holds whole?"""
    return token in _vocabulary()


def _flex(term: str, joined: bool = False) -> str:
    """A name as a pattern: spaces, hyphens and underscores between its words interchangeable
    ("Harbor Lights Dental" = "Harbor-Lights Dental"); in a script written without spaces,
    or when ``joined``, they may be left out ("田中 太郎" = "田中太郎", "HarborLights")."""
    # a dot too: a person as a mailbox name or handle, "lucia.ferraz", "@anika.hoss" (blind
    # trial, session 22: they reached another client's draft and prompt)
    # (a dot alone, no space around it: "how long. Will …" is two sentences, not "Will Long")
    gap = r"(?:[\s_-]*|\.)" if joined or _UNSPACED.search(term) else r"(?:[\s_-]+|\.)"
    words = [w for w in re.split(r"[\s_-]+", term.strip()) if w]
    return gap.join(
        r"(?:&|and)"
        if w.lower() in ("&", "and")  # "O'Malley and Sons"
        else _split(w)
        if joined and len(words) > 1  # "Salt marsh Ceramics"; not "the north wind" alone
        else re.escape(w)
        for w in words
    )


SPLIT_MIN = 7  # a word of a name this long is the name written in two ("Salt marsh")


def _split(word: str) -> str:
    """A long word of a name of several as a pattern that also matches it written as two
    words, each of three letters or more: "Ridge back Apiaries", "quill feather bindery" (new
    user's trial, session 32: they reached another client's draft). Not an alias of one word:
    "a clear view of the north wind" names neither Clearview nor Northwind."""
    if len(word) < SPLIT_MIN or not word.isascii() or not word.isalpha():
        return re.escape(word)
    return re.escape(word[:3]) + "".join(
        (r"[ -]?" if i <= len(word) - 3 else "") + re.escape(word[i]) for i in range(3, len(word))
    )


# Scripts written without spaces between words (Han, kana, Hangul, Thai, Lao, Myanmar, Khmer):
# there a name has no word boundary around it — "さくら精機との打ち合わせ" names さくら精機
# (QA, session 14: such notes were nobody's, so every client's draft quoted them).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff]"
)
# A Latin-script name this long may carry a suffix: German compounds and genitives
# ("Bergkristallprojekt", "Müllers"), plurals. Shorter ones ("Acme", "Ken") would catch words.
SUFFIX_MIN = 5
ID_MARKER_MIN = 4  # a client's id this long names it in a text, as its name does
# Around a name: not inside a word, an address or a host name, but joined to other words by a
# hyphen, an underscore or a number it is still named ("Northwind-based", "ex-Redfalcon",
# "redfalcon_v2", "Redfalcon-2", "Whitfield-approved"; QA, session 15: these reached another
# client's prompt and draft). A long name may also carry letters ("Müllers", above).
_BEFORE = r"(?<![^\W_]|\.)(?<![\w.+-]@)"  # "@Bluefin" mentions it; "x@bluefin" is an address
_JOINED = r"(?:[-_\d][\w-]*)?(?!\w)"


def _span(starts: list[int] | None, a: int, b: int, n: int) -> slice:
    """The slice of the original text a match [a, b) of its folded form covers."""
    if starts is None:
        return slice(a, b)
    return slice(starts[a] if a < len(starts) else n, starts[b - 1] + 1 if b > a else n)


def _alternation(terms: list[str]) -> str:
    return "|".join(sorted(set(terms), key=len, reverse=True))


# Format characters that do not show but split a word: a soft hyphen ("Blue&shy;fin"), zero-width
# spaces and joiners, word joiners, bidi controls, a BOM. A name written with one inside is the
# same name (QA, session 12: "Blue\u00adfin" in an HTML mail hid the client from the clip).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# What ingest drops from stored text: the same, but a zero-width joiner (U+200D) holds emoji
# sequences together, and bidi marks keep right-to-left text readable.
_HIDES_WORDS = re.compile("[\u00ad\u200b\u200c\u2060\ufeff]")


def visible(text: str) -> str:
    """``text`` without the invisible characters that split words (soft hyphen, zero-width
    space, word joiner, BOM): what ingest stores."""
    return _HIDES_WORDS.sub("", text)


def _nfc(text: str) -> str:
    text = _INVISIBLE.sub("", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# Names are looked for in a *folded* text (QA, session 16: each of these hid a client from the
# scope rules, and its material reached another client's search, prompt and draft):
# - letters of other scripts that look like Latin ones ("Bluеfin" with a Cyrillic е);
# - compatibility forms: full-width "Ｂｌｕｅｆｉｎ", ligatures;
# - accents, as typed or not: "Cafe Lumiere" names "Café Lumière";
# - marks that do not show: a combining grapheme joiner, variation selectors, tags;
# - a curly apostrophe (what Mac and Word type) is "'", every dash is "-".
# The name is folded the same way, so "Müller" still finds "Müller". Fold a letter, never a
# script written without spaces (kana with its voicing marks, Hangul syllables: kept whole).
_LOOKALIKE = str.maketrans(
    {
        **dict(zip("аеіјорсухѕԁԛԝһӏ", "aeijopcyxsdqwhl", strict=True)),
        **dict(zip("АВЕКМНОРСТХУІЈЅԚԜҺӀ", "ABEKMHOPCTXYIJSQWHI", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορ", "ABEZHIKMNOPTYXaikvop", strict=True)),
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u02b9\u2032\uff07", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    }
)
_UNSEEN = frozenset({"Mn", "Me", "Cf"})


@functools.lru_cache(maxsize=1 << 16)
def _fold_char(ch: str) -> str:
    if unicodedata.category(ch) in _UNSEEN:
        return ""
    if "\u3000" <= ch < "\uff00" or ch >= "\U00010000":
        return ch  # CJK, kana, Hangul: as written (NFC), never taken apart
    plain = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in plain if unicodedata.category(c) not in _UNSEEN).translate(_LOOKALIKE)


def fold(text: str) -> str:
    """The text names are looked for in (see ``_LOOKALIKE``): composed, then folded."""
    text = _nfc(text)
    return text if text.isascii() else "".join(map(_fold_char, text))


def _folded_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded, and for each folded character the index of the one it came from
    (``text`` is already composed; None: the same text, ASCII)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        f = ch if ch < "\x80" else _fold_char(ch)
        out.append(f)
        starts.extend([i] * len(f))
    return "".join(out), starts


NAME_PART_MIN = 3  # shorter parts of a person's name ("Li", "Ng") are never matched alone


@dataclass(frozen=True)
class ClientDirectory:
    """How clients are recognised in text (notes/0013). A client is named by:

    - its name, aliases, projects (codenames), people's full names and the street of its
      billing address, in any case, with spaces, hyphens, underscores and dots between words
      interchangeable ("lucia.ferraz"), and the leading two or more words of a name
      of three or more ("Harbor Lights" for "Harbor Lights Dental");
    - a domain or address, also inside a longer address or host ("ken@harborlights.example",
      "mail.harborlights.example");
    - one part of a person's name alone ("Whitfield", "Priya's"), written as clients.toml
      writes it (capitalised: "will" is not "Will Baker"; in lower case or as a plural too when
      it spells no English word: "priya", "the Whitfields"), at least ``NAME_PART_MIN`` letters,
      unless another client's person shares it or it is in ``shared`` (a scope passes its own
      client's people: their first names are not another client's).

    Erring towards "named" is the safe side: a passage that names another client is withheld
    from a client's scope, never shown."""

    clients: tuple[ClientSpec, ...] = ()
    shared: frozenset[str] = frozenset()
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for c in self.clients:
            loose = [*c.names, *c.projects, *(p for p in c.people if len(p.split()) > 1)]
            loose += _street(c.billing_address)
            words = c.name.split()
            loose += [" ".join(words[:n]) for n in range(2, len(words))]
            exact = [p for p in c.people if len(p.split()) == 1]
            exact += self.name_parts(c.id)
            # a name part no English word spells is the name in lower case too ("call with
            # priya", "osgood's numbers"; leak hunt, session 25) — "will" stays a word
            exact += [
                t.lower()
                for t in exact
                if t.lower() != t and t.isalpha() and not is_word(t.lower())
            ]
            # the id is the user's own handle for the client: "Northwind" names the client
            # id'd "northwind" and named "Northwind Logistics" (QA, session 19: a daily note's
            # "# Northwind" section was attributed to Acme). As a proper noun ("Northwind",
            # "NORTHWIND"), not "a harbor" for "harbor"; not a short one ("nw", "cv").
            if len(c.id) >= ID_MARKER_MIN and re.fullmatch(r"[a-z]+", c.id):
                exact.append(c.id.capitalize())
                # in lower case too when it is no English word ("quillon joined.", "ping
                # northwind"; session 22 leftover): one the embedder's vocabulary does not hold
                # whole ("harbor", "marina" stay words)
                if not is_word(c.id):
                    # in any case and with a suffix ("LuMoRa", "the Lumorans"; leak hunt,
                    # session 25): no English word to be mistaken for
                    loose.append(c.id)
            where = [*c.domains, *c.emails]
            alts = []
            # Names are matched folded, as the text is: "José" typed or pasted decomposed
            # (QA, session 10), or as "Jose" (session 16), is the same name.
            loose, exact, where = ([fold(t) for t in x] for x in (loose, exact, where))
            loose = [t.strip() for t in loose if t.strip()]
            # A capitalised one-word name inside a code identifier: "getBluefinDeals",
            # "AcmeClient(" (QA, session 16)
            camel = [re.escape(t) for t in {*loose, *exact} if re.fullmatch(r"[A-Z][a-z]{2,}", t)]
            if unspaced := [_flex(t) for t in loose if _UNSPACED.search(t)]:
                alts.append(r"(?i:" + _alternation(unspaced) + ")")
            loose = [t for t in loose if not _UNSPACED.search(t)]
            # a codename in capitals is also written as words: "Project Blue Heron" for
            # BLUEHERON (QA, session 16); any split into parts of three letters or more
            loose += [
                f"{t[:i]} {t[i:]}"
                for t in c.projects
                if re.fullmatch(r"[A-Z]{6,}", t)
                for i in range(3, len(t) - 2)
            ]
            # a long name is also written joined: "HarborLights", "acmehealth" (same QA)
            if long := [
                _flex(t, joined=True) for t in loose if len(t) >= SUFFIX_MIN and t[-1].isalpha()
            ]:
                alts.append(_BEFORE + r"(?i:" + _alternation(long) + r")[\w-]*")
            if short := [_flex(t) for t in loose if len(t) < SUFFIX_MIN or not t[-1].isalpha()]:
                # A short name alone, in any case; joined by an underscore or a number, in any
                # case ("vhh_v2", "acme2"); joined by a hyphen only as clients.toml writes it
                # ("Beta-style", "open-Beta" — not "beta-testing", "open-beta"; review, session
                # 15: short names are often words).
                alt = _alternation(short)
                alts.append(r"(?<![\w.-])(?<![\w.+-]@)(?i:" + alt + r")(?:[_\d][\w-]*)?(?![\w-])")
                # as written, or in capitals: "ACME-wide" (QA, session 16)
                written = _alternation([*short, *(_flex(t.upper()) for t in loose if len(t) < 5)])
                alts.append(_BEFORE + r"(?:" + written + r")(?:-[\w-]*)?(?!\w)")
                # joined by a hyphen in any case when it spells no English word ("lmh-team")
                if odd := [
                    _flex(t)
                    for t in loose
                    if len(t) < SUFFIX_MIN and t.isalpha() and not is_word(t.lower())
                ]:
                    alts.append(_BEFORE + r"(?i:" + _alternation(odd) + r")-[\w-]*(?!\w)")
            if unspaced := [re.escape(t) for t in exact if _UNSPACED.search(t)]:
                alts.append("(?:" + _alternation(unspaced) + ")")
            exact = [t for t in exact if t.strip() and not _UNSPACED.search(t)]
            # a person's name part in capitals is the name too: "BRENNAN approved" (session 16)
            exact += [t.upper() for t in exact if t.upper() != t]
            if exact := [re.escape(t) for t in exact]:
                # a plural of the name is the name ("the Vandersloots", "Priyas")
                alts.append(_BEFORE + r"(?:" + _alternation(exact) + r")(?:e?s)?" + _JOINED)
            if camel:
                alt = _alternation(camel)
                alts.append(r"(?<=[a-z\d])(?:" + alt + r")(?![a-z])")
                alts.append(r"(?<![^\W_])(?:" + alt + r")(?=[A-Z])")
            # surname first, as a handle or a list writes it ("ferraz.lucia", "Ferraz, Lucia";
            # re-check of the blind trial, session 22) — joined so, never as two words ("how
            # long will" is not "Will Long": review)
            if reversed_ := [
                re.escape(b) + r"(?:[._]|,\s*)" + re.escape(a)
                for a, b in (p.split() for p in map(fold, c.people) if len(p.split()) == 2)
            ]:
                alts.append(r"(?<![\w.])(?i:" + _alternation(reversed_) + r")(?![\w-])")
            # an initial and the surname, as a mailbox or a login writes it ("l.ferraz",
            # "dwhitfield", "d_whitfield"; session 22 leftover), a surname of five letters or
            # more when joined with nothing ("ang" for "Ann Ng" is a word)
            # — and never joined into an English word ("Tom Hanks" is no "thanks", "Dan Rivers"
            # no "drivers": review)
            if initialled := [
                re.escape(a[0])
                + (
                    r"[._]?"
                    if len(b) >= SUFFIX_MIN and not is_word((a[0] + b).lower())
                    else r"[._]"
                )
                + re.escape(b)
                for a, b in (p.split() for p in map(fold, c.people) if len(p.split()) == 2)
                if len(b) >= NAME_PART_MIN and a[0].isalpha()
            ]:
                alts.append(r"(?<![\w.])(?i:" + _alternation(initialled) + r")(?![\w-])")
            if where := [re.escape(t) for t in where if t.strip()]:
                # the whole address, not only its domain ("dana@[another client]" named Dana)
                alts.append(
                    r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)*(?i:" + _alternation(where) + r")(?![\w-])"
                    r"|(?<![\w-])(?i:" + _alternation(where) + r")(?![\w-])"
                )
            if alts:
                self._patterns[c.id] = re.compile("|".join(alts))

    def get(self, key: str) -> ClientSpec | None:
        """The client an id, name or alias (a label in a file, an option) names, or None.
        Case, spacing and punctuation do not matter; nothing else is guessed."""
        k = label_key(key)
        if not k:  # only spaces or punctuation names nobody
            return None
        for c in self.clients:
            if k in {label_key(x) for x in (c.id, *c.names)}:
                return c
        # one of the two without its legal form ("Holme Fen Growers" for "Holme Fen Growers
        # Ltd", and the other way round; not "Acme Inc" for "Acme Ltd": two forms are two
        # companies): only the one client it can be
        loose = loose_label_key(key)
        hits = [
            c
            for c in self.clients
            for x in (c.id, *c.names)
            if k == loose_label_key(x) or loose == label_key(x)
        ]
        hits = list({c.id: c for c in hits}.values())
        return hits[0] if len(hits) == 1 else None

    def get_id(self, client_id: str) -> ClientSpec | None:
        """The client with exactly this id (ids, unlike labels, are not loosely matched)."""
        return next((c for c in self.clients if c.id == client_id), None)

    def name_parts(self, client_id: str) -> list[str]:
        """The parts of the client's people's names that name the client alone ("Whitfield",
        "Tomas"): at least ``NAME_PART_MIN`` letters, capitalised, no other client's person
        shares it, not in ``shared``."""
        owners: dict[str, set[str]] = {}
        for c in self.clients:
            for person in c.people:
                for part in _nfc(person).split():
                    owners.setdefault(part, set()).add(c.id)
        spec = next((x for x in self.clients if x.id == client_id), None)
        return [
            part
            for p in map(_nfc, spec.people if spec else ())
            if len(p.split()) > 1
            for part in p.split()
            if (
                (len(part) >= NAME_PART_MIN and part[0].isupper())
                or (len(part) >= 2 and _UNSPACED.match(part))  # 田中: a surname in two signs
            )
            and owners.get(part) == {client_id}
            and part not in self.shared
        ]

    def named_in(self, text: str) -> list[str]:
        """Client ids whose name, alias, domain, address or person appears in the text — as
        written, or as an HTML entity renders it ("Hal&shy;yard" is Halyard in any markdown
        viewer; leak hunt, session 25)."""
        said = [fold(text)]
        if "&" in text and ";" in text:
            said.append(fold(html.unescape(text)))  # each alone: no name across the two
        return [cid for cid, rx in self._patterns.items() if any(rx.search(t) for t in said)]

    def markers_in(self, text: str) -> list[tuple[str, str]]:
        """(client id, the words as written) for every client named in the text."""
        out = []
        text = _nfc(text)
        folded, starts = _folded_with_offsets(text)
        for cid, rx in self._patterns.items():
            m = rx.search(folded)
            if m:
                out.append((cid, text[_span(starts, m.start(), m.end(), len(text))]))
        return out

    def mask(self, text: str, replacement: str) -> str:
        """``text`` (composed, NFC) with every client marker replaced (looked for folded)."""
        text = _nfc(text)
        folded, starts = _folded_with_offsets(text)
        for rx in self._patterns.values():
            spans = [_span(starts, m.start(), m.end(), len(text)) for m in rx.finditer(folded)]
            for sl in reversed(spans):
                text = text[: sl.start] + replacement + text[sl.stop :]
            if spans:
                folded, starts = _folded_with_offsets(text)
        return text

    def by_address(self, address: str) -> str | None:
        a = address.strip().lower()
        for c in self.clients:
            if a in c.emails:
                return c.id
        # the same mailbox written otherwise: a "+tag", and Gmail's dots and googlemail.com
        # (QA, session 17: "oscar.brennan+deals@gmail.com" of a listed
        # "oscar.brennan@gmail.com" was a stranger, and went to the recipients' client)
        # Only a listed address without a tag is folded, and only one client may match
        # ("jo+acme@" and "jo+bluefin@" listed under two clients: "jo@" is neither's).
        mailbox = same_mailbox(a)
        owners = {
            c.id
            for c in self.clients
            for e in c.emails
            if "+" not in e and same_mailbox(e) == mailbox
        }
        if len(owners) == 1:
            return owners.pop()
        if owners:
            return None
        domain = a.rsplit("@", 1)[-1]
        # the longest listed domain that holds it: "eu.acme.example" under one client is not
        # the other's "acme.example", whatever their order in the file (QA, session 17)
        best: tuple[int, str] | None = None
        for c in self.clients:
            for d in c.domains:
                if (domain == d or domain.endswith("." + d)) and (best is None or len(d) > best[0]):
                    best = (len(d), c.id)
        return best[1] if best else None

    def by_path(self, folder: str) -> str | None:
        """The client whose ``paths`` globs match a project folder (a session's cwd); one
        client or None (two matches are ambiguous: None)."""
        if not folder:
            return None
        p = PurePosixPath(folder)
        hits = set()
        for c in self.clients:
            for g in c.paths:
                pattern = os.path.expanduser(g).rstrip("/")
                if fnmatch.fnmatchcase(str(p), pattern) or any(
                    fnmatch.fnmatchcase(str(parent), pattern) for parent in p.parents
                ):
                    hits.add(c.id)
        return hits.pop() if len(hits) == 1 else None

    def fingerprint(self) -> str:
        """Changes whenever anything attribution depends on changes."""
        rows = [
            [c.id, c.name, c.aliases, c.projects, c.domains, c.emails, c.people, c.paths]
            for c in sorted(self.clients, key=lambda c: c.id)
        ]
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


__all__ = [
    "PUBLIC_MAIL",
    "ClientDirectory",
    "ClientSpec",
    "check_unambiguous",
    "label_key",
    "load_clients",
    "loose_label_key",
    "parse_clients",
    "public_mail_domain",
    "slug",
    "visible",
]
