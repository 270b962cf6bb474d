"""What the question asks for, and whether a sentence says it (notes/0006-abstention.md,
"Expected answer type"): a quantity — a count, a share, an amount of money, a price per unit
or per period, a measure in its units —, several things by their number, a time of day, how
something turned out, when; and the qualifier it asks of ("the first boat back", the end of the
pilot, not its start). Each kind is a detector of the question (``asks_quantity``,
``asks_when``, ...) and one of a sentence (``has_quantity``, ``says_when``, ...), read by the
typed-sentence check of recall/answerable.py. Names and identifiers: recall/asked_names.py."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from .sentences import sentences
from .terms import MONTHS, SCAFFOLD, stem, words_of

# A question asking for a quantity ("how many", "what share", "what fee") is answered only by a
# sentence that holds a number and most of what the question asks about: "How many visits has
# the Dayton team logged since go-live?" is not answered by "Go-live set for March 2" and a
# sentence about test visits. notes/0006-abstention.md, "Expected answer type".
# The quantity word heads the "what" phrase ("what was the monthly fee", "which share"); when
# an auxiliary or a preposition comes between, it is the subject or object of something else
# ("what did the budget review decide?", "what happened to the fee waiver?").
NOT_IN_PHRASE = (
    r"(?!(?:do|does|did|done|will|would|can|could|should|shall|may|might|must|has|have|had|"
    r"happened|happens|about|to|with|for|on|in|of|from)\b)"
)
_DETERMINERS = ("the", "a", "an", "our", "their", "your", "my", "his", "her", "its", "this", "that")
_AUXILIARY_WORDS = "do|does|did|will|would|could|should|can|might|may"
# "what did the foundry end up charging them?", "what was FieldPro going to cost?": the verb
# asks for the amount
# ... and so do "what's Dragan paid per hour?", "what did Lévesque bid?", "what does Radwerk
# want for one?", "what were the bikes going for?", "what did the job come to?", "what did
# Pen-y-Bryn price the plant at?" (fifteenth blind vault: each answered by a sentence about
# another price, none read as asking for an amount)
_PRICE_VERB_ASKED = (
    r"\bwhat(?:['’]?s| (?:does|do|did|will|would|is|was|were|are)) (?P<who>(?:[\w'’-]+ ){1,8}?)"
    # a verb, not a noun after its article ("what does the quote include?", "what's the pay
    # schedule?", "what was the bid deadline?": review)
    + "".join(rf"(?<!\b{d} )" for d in _DETERMINERS)
    + r"(?P<verb>cost|costs|"
    r"costing|charge|charges|charging|charged|pay|pays|paying|paid|quote|quotes|quoted|quoting|"
    r"bid|bids|bidding|earn|earns|earning|earned|"
    # not "what does Gareth want for the launch?": a wish, as often as a price
    r"(?:want|wants|wanted|asking)(?= for (?:one|each|it|them|that|those|these)\b)|"
    r"(?:sell|sells|selling|sold)(?= for\b)|"
    # at the end only: "what did we go for in the end?" asks a choice (review)
    r"(?:going|go|goes|went)(?= for\s*(?:\?|$))|(?:come|came)(?= to\s*(?:\?|$))|"
    r"(?:price|priced)(?= (?:[\w'’-]+ ){1,5}at\b))\b"
)
PRICE_VERB = re.compile(_PRICE_VERB_ASKED, re.IGNORECASE)
# "how much does Ewan get paid?", "how much did Tay charge for the test?": the same, asked how
# much (sixteenth blind vault: answered by a quote of an inspector the mail to Ewan gave)
HOW_MUCH_VERB = re.compile(
    rf"\bhow much (?:{_AUXILIARY_WORDS}|is|was|were|are) (?P<who>(?:[\w'’-]+ ){{1,4}}?)"
    + "".join(rf"(?<!\b{d} )" for d in _DETERMINERS)
    + r"(?:(?:get|gets|got|getting) )?(?:paid|charge|charged|charging|earn|earns|earned|bid|"
    r"quote|quoted|invoice|invoiced|bill|billed)\b",
    re.IGNORECASE,
)


# "what arrangement fee did Desjardins charge?": the word before the money asked names which
# fee — a sentence giving the loan's costs and no arrangement fee gives another (fifteenth
# blind vault; also "the riders' per-delivery rate", "the setup fee")
# (the word names the fee after "the", "what", a possessive: not "how much does phase 1 of the
# Clearview portal cost?", where "cost" is the verb and "portal" the thing)
_MONEY_KIND = re.compile(
    r"\b(?:the|a|an|their|our|his|her|its|your|my|what|which|any|each|[\w-]+['’]s?)\s+"
    r"([^\W\d_][\w'’-]*)\s+(?:fees?|charges?|costs?|prices?|rates?|deposits?|discounts?|"
    r"commissions?|surcharges?|salary|salaries|wages?)\b",
    re.IGNORECASE,
)


def money_kind(question: str) -> list[str]:
    """The words naming which fee, price or rate a question asks ("arrangement", "setup"),
    lower case; a period ("monthly fee") or scaffolding ("the fee") is no kind."""
    return [
        w
        for m in _MONEY_KIND.finditer(question)
        if (w := m.group(1).lower().removesuffix("'s").removesuffix("’s")) not in SCAFFOLD
        and not names_a_period(w)
        and w not in HOW_OFTEN
        and w not in _ANY_KIND
        and w not in _SEASON_WORDS
        # "did Desjardins charge": a subject and its verb
        and not re.search(rf"\b{_AUXILIARY}\s+$", question[: m.start()], re.IGNORECASE)
        # "what did phase 1 of the portal cost?": the money word is the verb, the last word
        and not (
            re.fullmatch(r"\W*", question[m.end() :])
            and re.search(rf"\b{_AUXILIARY}\b", question[: m.start()], re.IGNORECASE)
        )
    ]


# the whole of a price, or a rate of pay however it is said: no kind of its own
_ANY_KIND = frozenset(
    "total overall full whole exact rough ballpark labour labor pay billing charge-out "
    # ... or how it is known: the price itself, estimated or not (review)
    "estimated expected likely approximate usual normal typical standard extra revised "
    "proposed agreed quoted actual going current annual".split()
)
_SEASON_WORDS = frozenset({"winter", "spring", "summer", "autumn"})  # the season rule's
_AUXILIARY = rf"(?:{_AUXILIARY_WORDS})"


# "what interest does Rabobank charge on the overdraft?", "what interest rate was the club
# paying on the snowcat loan?": a rate, given as a percentage — not the overdraft's size, nor
# another loan's 7 % (sixteenth blind vault); "how much interest", "the total interest" ask
# an amount
_INTEREST = re.compile(r"\binterest\b", re.I)
_INTEREST_AMOUNT = re.compile(
    r"\bhow much\b|\btotal\b|\bin interest\b|\bamount\b|\bearn\w*|\breceiv\w*", re.I
)
PERCENT = re.compile(r"\d\s?(?:%|percent\b|per cent\b|pc\b)|\bbps\b|\bbasis points\b", re.I)


def asks_interest_rate(question: str) -> bool:
    """Does the question ask an interest rate (a percentage), not an amount of interest?"""
    return bool(_INTEREST.search(question)) and not _INTEREST_AMOUNT.search(question)


def price_giver(question: str) -> list[str]:
    """The words of who (or what) the price asked is of — "what did Lévesque bid?", "what's
    the architect charging?", "what were the bikes from that startup going for?" — for the
    sentence with the number to name it (fifteenth blind vault: Lévesque's bid was answered
    with our own, the architect's fee with the bat loft's). Empty when the question names none
    ("what did they quote?")."""
    m = PRICE_VERB.search(question) or HOW_MUCH_VERB.search(question)
    if m is None:
        return []
    said = (w.removesuffix("'s").removesuffix("’s") for w in words_of(m.group("who")))
    return [w for w in said if w not in SCAFFOLD and len(w) > 2]


_QUANTITY_QUESTION = re.compile(
    rf"{_PRICE_VERB_ASKED}|"
    r"\b(how (many|much|long|old|far|big|large|heavy|tall|wide|deep|high)|(what|which)"
    rf"(['’]s| is| are| was| were)?( {NOT_IN_PHRASE}[\w'’-]+){{0,4}} "
    r"(share|percentage|percent|proportion|fraction|numbers?|amount|rate|fee|fees|cost|costs|"
    r"price|charge|charges|total|budget|count|figures?|salary|salaries|wages?|rent|"
    # a lender's interest, not "which clinics showed interest?" (review)
    r"interest(?=[^?]*\b(?:charg\w*|pay\w*|paid|loans?|overdrafts?|mortgages?|banks?|apr|"
    r"rates?|lend\w*|borrow\w*))|"
    # a measure: "what humidity has Lodge Hill been holding?" (eleventh blind vault)
    r"temperature|temp|humidity|pressure|speed|weight|height|depth|width|length|voltage|"
    r"distance|capacity|"
    # a span of time: "what lead time did Kingsmoor quote?" (thirteenth blind vault)
    r"lead[- ]times?|turn-?around))\b|"
    r"\b(at )?what (time|hour)\b(?!\s*(zones?|frames?|lines?|slots?|windows?|periods?|"
    r"limits?|boxes?)\b)",
    re.IGNORECASE,
)
# "What time does the export run?" asks for a time: the answer says "at 2am", not "time"
# (QA, session 10: the page withheld it, "time" found only in the client's question).
ASKS_TIME = re.compile(
    r"\bwhat (time|hour)\b(?!\s*(zones?|frames?|lines?|slots?|windows?|periods?|limits?|boxes?)\b)",
    re.IGNORECASE,
)  # not "what time zone", "what time frame": those ask for a thing
# "What time does the export kick off / run / start?": the verb says only that the thing takes
# place, which a time of day beside it says too ("a nightly export … at 02:00 Eastern"). In a
# question asking a time of day it is the kind of answer, like "time" (the sentence must still
# hold a time and the thing's own terms).
TAKES_PLACE = frozenset(
    "run runs running ran start starts started begin begins began kick kicks kicked fire fires "
    "fired trigger triggers triggered occur occurs occurred execute executes executed".split()
)
# "one" and "once" are words more often than counts ("No one has logged visits yet"); a
# fraction word counts only as a fraction ("half of the visits", "a third of the logs").
NUMBER_WORDS = frozenset(
    """
    zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion dozen dozens twice thrice
    """.split()
)
_FRACTION = re.compile(
    r"\b((a|one|two|three|four) (half|thirds?|quarters?|fifths?|tenths?)|"
    r"(half|thirds?|quarters?|fifths?|tenths?)\s+(of|the))\b",
    re.IGNORECASE,
)
QUANTITY_COVER = 0.5  # share of the content terms the number's sentence must hold
# The kind of number a quantity question asks for: any number answers "what number", and a
# ratio answers "what share" ("what fraction of the logs…": "about 40% of the logs", "a third").
QUANTITY_KINDS = frozenset("number numbers amount count figure figures".split())
RATIO_KINDS = frozenset("share percentage percent proportion fraction".split())
RATIO = re.compile(
    r"\d\s*%|\bpercent\b|\b(half|thirds?|quarters?|fifths?|tenths?)\b|\b\d+ (of|in|out of) \d+\b",
    re.IGNORECASE,
)


DATE_KINDS = frozenset({"date", "dates"})
RATE_KINDS = frozenset({"rate", "rates"})
# a rate per a period: "hourly rate", "a day rate", "the rate per hour" — not "the daily visit
# rate" (a count per day; review)
PERIOD_RATE = re.compile(
    r"\b(?:hourly|daily|day|weekly|monthly|yearly|annual)\s+rates?\b|"
    r"\brates?\s+(?:per|an?|each)\s+(?:hour|day|week|month|year)\b",
    re.IGNORECASE,
)
MONEY_KINDS = frozenset(
    "cost costs price prices fee fees charge charges pay pays money sum".split()
)
MONEY = re.compile(
    r"[$£€¥₹]\s?\d|\b(?:usd|eur|gbp|chf|cad|aud|nzd)\s?\d|\d\s?[€£$¥]|"  # "18.500 €" (review)
    r"\b\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?\s?"
    r"(?:usd|eur|gbp|chf|cad|aud|nzd|dollars?|euros?|pounds?|quid)\b|"
    r"\b\d[\d,.]*\s?(?:p|pence|cents?|ct|¢)(?!\w)|"  # "30 cents per payment", "20p a day"
    # "the floor price is 14k" — after a word of money: "200k rows" is no money (review)
    r"\b(?:price|cost|fee|quote|budget|paid|pay|charge|deposit|rate)[^.;]{0,40}?"
    r"\b\d[\d,.]*\s?(?:k|bn|grand)\b",
    re.I,
)
# A question for an amount of money ("what price is she after?", "what was the software going to
# cost them?") is answered by a sentence with an amount of money, not by "the two old boats"
# (blind trial, session 26; notes/0006, "A ninth vault"). Not a question that may ask it in
# time, per unit or as a share, or of a battery's charge ("how many of the 60 hours did Sam
# budget?", "what does it charge per card payment?").
ASKS_MONEY = re.compile(
    r"\b(?:cost|costs|costing|price|prices|priced|fee|fees|charge|charges|charging|charged|pay|"
    r"pays|paying|paid|"
    # "how much did the overhaul get invoiced at?", "what's Joost's salary?", "the rent on the
    # cheaper unit" (sixteenth blind vault: answered by hours, wages per hour of the firm, and a
    # building's price)
    r"invoiced|billed|salary|salaries|wages?|rent|rents|earn|earns|earned|earning)\b",
    re.I,
)
# "how much is a ticket?" asks a price: "a" or "each" is one of something sold (blind trial,
# session 28: answered by "Maximum 8 people per tour")
UNIT_PRICE = re.compile(
    r"\bhow much(?: is|['’]s| are| was| were) (?:a|an|one|each)\s+(?!(?:lot|bit|little|few)\b)",
    re.I,
)
# "what does the ropewalk charge per foot?" is answered by an amount per something ("$2.10 a
# foot", "30 cents per transaction", "/m", "each", "1.4%"), not by "$318,000" beside "11,000
# feet" (blind trial, session 28); a period is the period rule's (``asked_period``)
_PER_UNIT_ASKED = re.compile(r"\bper[\s-]+([^\W\d_][\w-]*)", re.I)  # "per-tree" too
# the amount and its unit side by side ("$2.10 a foot", "30 cents per payment", "€5/m", "£12
# each", "2.9%"), not a "per" or a "%" anywhere in the sentence (review)
_UNIT_SAID = re.compile(
    r"\d[\d,.]*\s?(?:%|percent\b)|"
    r"(?:\d[\d,.]*\d|\d)\s?(?:k|m|bn|cents?|p|pence|ct|dollars?|euros?|pounds?|quid)?\s*"
    r"(?:(?:per|a|an|every)\s+(?P<unit>[^\W\d_][\w-]*)|/\s?(?P<short>[^\W\d_][\w-]*)|"
    r"(?:each|apiece)\b)",
    re.I,
)


# A measure asked is given in its units: "what humidity has Lodge Hill been holding?" is not
# answered by "about four miles from us" (notes/0006, "An eleventh vault")
_N = r"\d[\d,.]*\s?"
_MEASURES = {
    "humidity": rf"{_N}%|\b{_N}(?:rh|percent)\b",
    "temperature": rf"{_N}(?:°|º|deg|degrees?\b|[cf]\b)",
    "temp": rf"{_N}(?:°|º|deg|degrees?\b|[cf]\b)",
    "pressure": rf"\b{_N}(?:bar|mbar|hpa|kpa|pa|psi|atm|mmhg)\b",
    "speed": rf"\b{_N}(?:km/h|kph|mph|knots?|kn|kts|m/s)(?!\w)",
    "weight": rf"\b{_N}(?:kg|g|t|tonnes?|tons?|lbs?|pounds?|oz|ounces?|kilos?|grams?|cwt)\b",
    "voltage": rf"\b{_N}(?:v|kv|mv|volts?)\b",
}
_LENGTH = (
    rf"\b{_N}(?:mm|cm|m|km|ft|feet|foot|in|inch(?:es)?|yd|yards?|miles?|metres?|meters?)\b|"
    r"\d[\d,.]*\s?(?:'|\"|′|″)"
)
for _w in ("height", "depth", "width", "length", "distance"):
    _MEASURES[_w] = _LENGTH
_ASKS_MEASURE = re.compile(
    r"\b(?:what|which)(?:['’]s| is| are| was| were)?(?:\s+(?:the|its|their|our))?\s+"
    rf"({'|'.join(_MEASURES)})\b",
    re.IGNORECASE,
)


# A span of time asked ("how long did Ledbury say the lining would take to fit?", "what lead
# time did Kingsmoor quote?") is answered by one: "3 weeks", "2h40m", "a fortnight", not by
# "£18,950" beside the lining (thirteenth blind vault). "How long is the shed?" is a length.
_ASKS_DURATION = re.compile(
    r"\bhow long\b.*\b(?:take|takes|took|taken|taking|last|lasts|lasted|wait|waited|spend|"
    r"spent|stay|stayed|keep|kept)\b|"
    r"\blead[- ]times?\b|\bturn-?around\b",
    re.IGNORECASE,
)
DURATION = re.compile(
    rf"\b{_N}(?:-|\s)?(?:min(?:ute)?s?|h|hrs?|hours?|days?|nights?|weeks?|wks?|months?|mos?|"
    r"years?|yrs?)\b|\b\d+h\d+|\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"twelve|few|several|couple of)\s+(?:minutes?|hours?|days?|nights?|weeks?|months?|years?)\b|"
    r"\b(?:fortnight|overnight|immediate(?:ly)?|same[- ]day)\b",
    re.IGNORECASE,
)


def asked_measure(question: str) -> re.Pattern[str] | None:
    """For "what humidity …", "what's the depth of …": a number in the measure's units; for
    "how long did it take …", "what lead time …": a span of time."""
    if _ASKS_DURATION.search(question):
        return DURATION
    m = _ASKS_MEASURE.search(question)
    return re.compile(_MEASURES[m.group(1).lower()], re.IGNORECASE) if m else None


def measure_word(question: str) -> str | None:
    """The measure a question asks in its units ("temperature" of "what temperature is store
    3 holding at?"): the kind of answer, which a number in its units says (``asked_measure``)."""
    m = _ASKS_MEASURE.search(question)
    return m.group(1).lower() if m else None


def asked_unit(question: str) -> str | None:
    """The unit a price question asks its amount per ("per foot"), not a period, or None."""
    m = _PER_UNIT_ASKED.search(question)
    if m is None:
        return None
    word = m.group(1).lower()
    return None if names_a_period(word) or word in ("night", "annum", "cent") else word


def per_unit(sentence: str) -> bool:
    """Does the sentence give an amount per something ("$2.10 a foot", "30 cents per
    payment", "/m", "each", "%")? Any unit: "per transaction" answers "per card payment"."""
    # "DKK 3.8m a year" is an amount per year, not per tree (thirteenth blind vault); "$40 a
    # month per seat" is per seat too
    for m in _UNIT_SAID.finditer(sentence):
        if not names_a_period((m.group("unit") or m.group("short") or "").lower()):
            return True
        further = _FURTHER_UNIT.match(sentence, m.end())
        if further is not None and not names_a_period(further.group(1).lower()):
            return True
    return False


# (a word, not the "a" of "£6 a month and the rota": blind vault seventeen)
_FURTHER_UNIT = re.compile(r"\s*(?:(?:per|an?|every)\s+|/\s*)([^\W\d_][\w-]*)", re.I)


# a rate of pay is money, whatever else the question says: "the base labour rate", "her day
# rate" (blind trial, session 27: answered by "8% as the default")
PAY_RATE = re.compile(r"\b(?:labou?r|pay|billing|charge[- ]out|day|hourly)\s+rates?\b", re.I)
MONEY_OR_NOT = re.compile(
    r"\bhow (?:many|long)\b|\bby how much\b|\b(?:hours?|days?|weeks?|months?)\b|\bper\b|%|"
    r"\bpercent|\brates?\b|\bbudget|\bspen[dt]|\bbatter(?:y|ies)\b|"  # a battery's charge
    # "how much of the rent paid goes toward buying it?" asks a share ("70% of rent paid")
    r"\bhow much of\b",
    re.I,
)


# a day of the calendar: "14 April", "April 14", "2026-04-14", "4/14" (not a bare year or time)
_MONTH_NAME = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)"
)
CALENDAR_DATE = re.compile(
    rf"\b({_MONTH_NAME}\.? \d{{1,2}}(st|nd|rd|th)?\b|"
    rf"\b\d{{1,2}}(st|nd|rd|th)? (of )?{_MONTH_NAME}\b|"
    r"\b\d{4}-\d{2}-\d{2}\b)",
    re.IGNORECASE,
)  # real month names only ("2 separate", "3 decks" are no dates: review); no "4/14" ("24/7")


def date_words(sentence: str) -> list[str]:
    return [w for m in CALENDAR_DATE.finditer(sentence) for w in words_of(m.group(0))]


def asks_quantity(question: str) -> bool:
    if _QUANTITY_QUESTION.search(question):
        return True
    # "yearly storage cost for hosting the videos": an amount per period, asked as a search
    # is typed, with no question word (session 24)
    per = _PERIOD_ASKED.search(question)
    return per is not None and per.group(2) is not None


# "How many caregivers are on the Dayton team?" asks for a count of caregivers: "I will keep
# the Dayton team on the export … and prepare the 30 test cases" holds a number and the team,
# and counts test cases. The counted noun — the last word of the phrase after "how many" — must
# stand by the number (``COUNTED_NEAR`` words either side): "48 caregivers", "Exceptions: 4.2%
# (17 visits)". "How many of the 60 hours …" counts a part of something named: not read.
_HOW_MANY = re.compile(
    # "the number of X" counts X; a "phone number of Dana" counts nothing
    r"\b(?:how many|(?<!phone )(?<!fax )(?<!mobile )(?<!account )(?<!order )(?<!invoice )"
    r"(?<!serial )(?<!reference )(?<!tax )(?<!id )number of)"
    r"\s+(?!of\b)([^\W\d][\w'’-]*(?:\s+[^\W\d][\w'’-]*){0,3})",
    re.I,
)
COUNTED_NEAR = 4


# A target is not a measurement: "what share of families were logging weekly three months
# after launch?" is not answered by "Target: 70% of families logging at least once a week within
# three months of launch" — unless the question asks for the target, or the sentence reports
# against it ("18 of 25 families (72%) logged exercises weekly, above the 70% target").
_TARGET_SAID = re.compile(r"\b(targets?|goals?|aim(s|ing)?|objectives?|kpis?)\b", re.I)
_ASKS_TARGET = re.compile(
    r"\b(targets?|goals?|aim(s|ed|ing)?|shoot(ing)?|hop(e|es|ed|ing)|expect(s|ed|ing)?|supposed|"
    r"plan(s|ned)?|want(s|ed)?|objectives?|kpis?|should|intend(s|ed)?)\b",
    re.I,
)


# "What does Clearview pay for OptoSuite each month?" is not answered by "2.9% plus 30 cents
# per transaction": a number asked per period is given per that period ("$40 a month",
# "monthly", "/mo"). notes/0006, "A list, an identifier, a period" (session 20).
_PERIODS = {  # the words of a period, and its short form after a slash ("$40/mo")
    "day": (r"days?|daily", r"day|d"),
    "week": (r"weeks?|weekly", r"wk|week"),
    "month": (r"months?|monthly", r"mo|month"),
    "year": (r"years?|yearly|annual|annually|p\.a\.", r"yr|year|y"),
    "hour": (r"hours?|hourly", r"h|hr|hour"),
}
# "each month", "per year"; an adjective only on what is paid or counted ("monthly fee",
# "monthly storage cost", "weekly logging rate"): the "nightly export" is no price per night
_PERIOD_ASKED = re.compile(
    r"\b(?:per|a|an|each|every)\s+(day|week|month|year|hour)\b(?!\s+ago)|"
    r"\b(daily|weekly|monthly|yearly|annual|hourly)\s+(?:[\w-]+\s+)?(?:fees?|costs?|prices?|"
    r"rates?|bills?|charges?|payments?|spend|budget|revenue|total|amount|volume|number|count|"
    r"salary|wages?|income)\b",
    re.IGNORECASE,
)
_ADVERB_OF = {
    "day": "daily|nightly",
    "week": "weekly",
    "month": "monthly",
    "year": "yearly|annual|annually|p\\.a\\.|per annum",
    "hour": "hourly",
}
_PERIOD_OF = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annual": "year",
    "hourly": "hour",
}


# How often, said as one word: "the weekly export" is not the nightly one, whatever their
# vectors (MiniLM: close neighbours), nor a "next week" (QA, session 21). Matched by the word
# or by "every week", "per week", "/wk" — the period, as a number's period is.
HOW_OFTEN = {**_PERIOD_OF, "nightly": "day", "annually": "year"}
_PERIOD_WORDS = frozenset(
    {*HOW_OFTEN, *HOW_OFTEN.values(), *(f"{p}s" for p in HOW_OFTEN.values())}
    | {"fortnightly", "biweekly", "quarterly", "quarter", "quarters", "fortnight", "fortnights"}
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# the period said as a frequency: "every week", "once a week", "twice per month", "every
# Friday" — not "a week ago", "out for a week", "8 hours a day" (review, session 21)
_NOUNS_OF = {"day": "day|night", "week": "week", "month": "month", "year": "year", "hour": "hour"}


def said_how_often(text: str, word: str) -> bool:
    """Does the text say ``word`` ("weekly", not "bi-weekly"), or its period as a frequency
    ("every week", "once a week", "every Friday", "DKK 1,290/month": "per" written short)?"""
    period = HOW_OFTEN[word]
    nouns = _NOUNS_OF[period] + ("|" + "|".join(WEEKDAYS) if period == "week" else "")
    said = (
        rf"(?<![\w-]){word}(?![\w-])|\b(?:every|each|per)\s+(?:{nouns})\b|/\s?(?:{nouns})\b|"
        rf"\b(?:once|twice|\w+\s+times)\s+(?:a|an|per|each)\s+(?:{_NOUNS_OF[period]})\b"
    )
    return re.search(said, text, re.I) is not None


def names_a_period(word: str) -> bool:
    """ "two-week", "weeks", "monthly": a word that names a period, or has one as its part
    ("nights" does not: "fails two nights in a row" is the nightly run failing)."""
    return any(p in _PERIOD_WORDS for p in word.split("-"))


def asked_period(question: str) -> str | None:
    """The period a quantity question asks its number per ("each month", "monthly"), or None."""
    m = _PERIOD_ASKED.search(question)
    if m is None:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return _PERIOD_OF.get(word, word)


def per_period(sentence: str, period: str | None) -> bool:
    """Does the sentence give its number per ``period`` (always, with no period asked)?"""
    if period is None:
        return True
    words, short = _PERIODS[period]
    # per that period: "a month", "per month", "monthly", "/mo" — not "last month" or a
    # "12-month contract" (review, session 20)
    said = (
        rf"\b(?:per|a|an|each|every)\s+(?:{words})(?!\w)|/\s?(?:{short})(?!\w)|"
        rf"\b(?:{_ADVERB_OF[period]})\b"
    )
    return re.search(said, sentence, re.I) is not None


# "List the six state reason codes", "what are the three options?" ask for the things, each of
# them: "one of the state's six reason codes" names how many there are and lists none.
_LIST_COUNT = r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
COUNT_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
ASKS_LIST = re.compile(
    r"\b(?P<verb>list|name|enumerate|what\s+(?:are|were)|which\s+(?:are|were))\s+(?:all\s+)?"
    r"(?:of\s+)?(?:the\s+|our\s+|their\s+|its\s+|[\w-]+(?:'s|’s)\s+)?"
    rf"{_LIST_COUNT}\s+(?P<what>(?:[\w-]+\s+){{0,3}}[\w-]+s)\b",
    re.IGNORECASE,
)
_ITEM_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,2}[.)])[ \t]+\S", re.MULTILINE)
_ITEM_SPLIT = re.compile(r"[,;]|\s(?:and|or)\s")


def asks_list(question: str) -> tuple[int, str] | None:
    """(how many, of what) when the question asks for several things by their number."""
    m = ASKS_LIST.search(question)
    if m is None:
        return None
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else COUNT_WORDS[n]
    return (count, m.group("what").split()[-1].lower()) if count >= 2 else None


def enumerates(text: str, count: int) -> bool:
    """Does the text list ``count`` things: as many list items in a row, or a sentence of as
    many parts ("A, B, C and D")?"""
    run = best = 0
    for line in text.splitlines():
        run = run + 1 if _ITEM_LINE.match(line) else (run if not line.strip() else 0)
        best = max(best, run)
    if best >= count:
        return True
    return any(
        len([p for p in _ITEM_SPLIT.split(sent) if p.strip()]) >= count for sent in sentences(text)
    )


def measures(sentence: str, question: str) -> bool:
    """Can the sentence's number answer the question: not a target, unless one is asked for
    (or the sentence reports a result against it)?"""
    return (
        not _TARGET_SAID.search(sentence)
        or bool(_ASKS_TARGET.search(question))
        or reports(sentence)
    )


def counted_nouns(question: str) -> list[str]:
    """The words a "how many" (or "number of") question counts: of the phrase after it (up to
    the first scaffolding word), its plurals ("how many caregivers work on …" counts caregivers, not
    "work": review), else all of it ("how many staff …"); empty when it asks no count."""
    m = _HOW_MANY.search(question)
    if not m:
        return []
    phrase: list[str] = []
    for w in words_of(m.group(1)):
        if w in SCAFFOLD:
            break
        phrase.append(w)
    plurals = [w for w in phrase if len(w) > 3 and w.endswith("s") and not w.endswith("ss")]
    return plurals or phrase


def counts(sentence: str, noun_stems: set[str]) -> bool:
    """Does a number of the sentence stand by the counted noun (one of ``noun_stems``)?"""
    # (a number with its unit joined is a measure: "1.5h ridgeback: hive scale call" counts no
    # hives — new user's trial, session 32)
    words = words_of(_MEASURED.sub(" ", _DATE_OR_TIME.sub(" ", sentence)))
    numbers = [i for i, w in enumerate(words) if any(c.isdigit() for c in w) or w in NUMBER_WORDS]
    nouns = [i for i, w in enumerate(words) if stem(w) in noun_stems]
    return any(
        abs(i - j) <= COUNTED_NEAR and _counts_it(words, i, j, noun_stems)
        for i in numbers
        for j in nouns
    )


def _counts_it(words: Sequence[str], i: int, j: int, noun_stems: set[str]) -> bool:
    """Is the number at ``i`` a count of the noun at ``j``? Not when another plural comes
    first: "50,000 rows once the pipe-by-pipe catalogue went in" counts rows (new user's
    trial, session 29)."""
    if j < i and i == j + 1 and not words[j].endswith("s") and words[i].isdigit():
        # not a thing's number after its name, "Loom 7 is still sending" (the same trial: "how
        # many looms?")
        return False
    # "Exceptions: 4.2%", "caregivers: 48"; not with another plural between: "hive scales drift
    # about 300 g" counts scales, not hives (the same trial)
    return not any(
        len(w) > 3
        and w.endswith("s")
        and not w.endswith(("ss", "us", "is", "'s", "’s"))
        and w not in SCAFFOLD
        and w not in _NOT_PLURALS
        and stem(w) not in noun_stems
        for w in words[min(i, j) + 1 : max(i, j)]
    )


_MEASURED = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?:h|hrs?|mins?|km|kg|g|ml|cm|mm)\b", re.I)


# words ending in "s" that count nothing ("40 sometimes idle sites")
_NOT_PLURALS = frozenset(
    "sometimes perhaps always afterwards towards besides nevertheless regardless unless "
    "thus plus across whereas overseas indoors outdoors".split()
)


_DATE_OR_TIME = re.compile(
    r"\b((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?"
    r"(, \d{4})?|\d{1,2}(st|nd|rd|th)? (of )?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|"
    r"dec)[a-z]*( \d{4})?|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|(19|20)\d{2}|q[1-4]|"
    r"\d{1,2} ?(am|pm)|\d{1,2}/\d{1,2}(/\d{2,4})?)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\S+@\S+")


_CLOCK = re.compile(
    r"\b(\d{1,2}(:\d{2})? ?(am|pm|a\.m\.|p\.m\.|h\b|o['’]clock)|\d{1,2}:\d{2}|noon|midnight)",
    re.IGNORECASE,
)


def has_time(sentence: str) -> bool:
    """A time of day: "at 2am", "14:30", "at noon" — what "what time …?" asks for."""
    return bool(_CLOCK.search(sentence))


def has_quantity(sentence: str, asked: Iterable[str] = ()) -> bool:
    """A number that is not a date, a clock time, a year, part of an address, or one of the
    question's own numbers (``asked``: "phase 2" asks about phase 2, it does not count it):
    "Go-live set for March 2" gives no count. A percentage counts: "how many visits stayed
    unmatched?" is answered by "3.1%" (and so, wrongly, "how many patients does it have?" by
    "12% of patients": QA, session 12 — telling them apart is beyond this check)."""
    rest = _DATE_OR_TIME.sub(" ", _ADDRESS.sub(" ", sentence))
    for n in asked:
        rest = re.sub(rf"(?<![\d.,]){re.escape(n)}(?![\d.,]*\d)", " ", rest)
    return (
        any(ch.isdigit() for ch in rest)
        or bool(NUMBER_WORDS.intersection(words_of(rest)))
        or bool(_FRACTION.search(rest))
    )


# A question about how something turned out — "did Northwind pass the June audit?", "has
# CareRoute shipped the fix yet?", "how did the training go?" — is answered by a sentence that
# reports it, not by the plan, the goal or the date set for it: the history of a consultant
# runs up to today, and its last word on an event still ahead is the plan ("bring the rate
# under 5 % before the audit in June"). notes/0006-abstention.md, "Outcomes".
_ASKS_OUTCOME = re.compile(
    r"^\W*(?:so,?\s+|and\s+)?(?:did|didn['’]t|was|wasn['’]t|were|weren['’]t|has|hasn['’]t|"
    r"have|haven['’]t|had)\b|\bhow did\b.*\b(?:go|turn out|turned out|end up|work out)\b|"
    # "what did the mechanic find when inspecting the hearse?" is not answered by "Casimir to
    # get a mechanic's inspection first" (new user's trial, session 31)
    # (its subject, then the verb: not "what did Anna ask us to find?" — review)
    r"\bwhat did (?:(?!(?:to|when|ask\w*|want\w*|us|me|you|them)\b)[\w'’-]+ ){1,6}?"
    r"(?:find|discover|turn up|come back with|conclude)\b",
    re.IGNORECASE,
)
# What reports a past event: a past form ("passed", "went", "was") in a sentence that does not
# speak of it as still ahead ("will", "is scheduled for", "on the roadmap", "moved to April 6").
_PAST_FORM = re.compile(
    r"\b(?:was|were|did|had|has been|have been|went|gone|got|came|gave|given|took|taken|made|"
    r"ran|began|begun|found|said|told|sent|built|paid|chose|chosen|won|lost|left|kept|held|met|"
    r"brought|bought|wrote|written|spoke|broke|broken|fell|saw|seen|knew|shown|grew|rose|"
    r"fought|caught|taught|thought|drove|flew|stood|understood|[a-z]{2,}ed)\b",
    re.IGNORECASE,
)
# "-ed" words that say what is planned or wanted, or describe a thing, not what happened
_NOT_AN_EVENT = frozenset(
    """scheduled planned expected needed required proposed intended supposed targeted aimed
    based called named related used estimated detailed limited unlimited advanced interested
    concerned dedicated automated edited unmatched matched failed red bed need seed feed speed
    shed hundred""".split()
)
_AHEAD = re.compile(
    r"\b(?:will|won['’]t|shall|going to|plans? to|planning to|scheduled (?:for|to)|set for|"
    r"due (?:on|by|in)|on the roadmap|next (?:week|month|quarter|year)|upcoming|moved to|"
    r"pushed (?:back )?to|postponed to|until then)\b|['’]ll\b",
    re.IGNORECASE,
)


def asks_outcome(question: str) -> bool:
    return bool(_ASKS_OUTCOME.search(question))


# A question asking when something happened or will happen ("when did Clearview sign the
# BAA?", "when will the stamp card launch?") is answered by a sentence that holds most of its
# terms and says a time — or, for a past event, reports it (the passage's own date is then
# when): "Clearview will sign a BAA with any vendor" answers neither (blind trials, sessions
# 22–24: answered four times). notes/0006-abstention.md, "Expected answer type".
_ASKS_WHEN_PAST = re.compile(
    r"^\W*(?:so,?\s+)?(?:when|on what (?:date|day)|what (?:date|day))\s+"
    r"(?:did|didn['’]t|was|were|had|has|have)\b",
    re.IGNORECASE,
)
_ASKS_WHEN_AHEAD = re.compile(
    r"^\W*(?:so,?\s+)?(?:when|on what (?:date|day)|what (?:date|day))(?:['’]s|\s+"
    r"(?:will|is|are))\b|"
    # "when does the pilot end?": a date, and the end's (not "when does Elaine want it?")
    r"^\W*(?:so,?\s+)?when\s+(?:does|do)\b(?=.*\b(?:end|ends|finish|finishes|wrap up|wraps up|"
    r"start|starts|begin|begins|kick off|kicks off)\W*$)|"
    # a deadline: "when must singers pay their first instalment by?", "when do we need the
    # figures by?" (new user's trial, session 31: answered by three passages without a date)
    r"^\W*(?:so,?\s+)?when\s+(?:must|should|do|does|is|are)\b.*\bby\W*$|"
    r"^\W*(?:so,?\s+)?when\s+must\b",
    re.IGNORECASE,
)
_WHEN_SAID = re.compile(
    # a month by its name or abbreviation ("May" capitalised: "may" is a verb), a weekday
    r"\b(?i:january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?|\bMay\b|"
    r"(?i:\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|"
    r"\b(?:today|tonight|tomorrow|yesterday|weekend|spring|summer|autumn|winter|"
    r"christmas|easter|midnight|noon|nightly|daily|weekly|monthly)\b|"
    r"\b(?:next|last|this|each|every|following|coming)\s+(?:week|month|quarter|year|term|"
    r"morning|night|evening|day)\b|"
    r"\b(?:in|within|after|before)\s+(?:a|an|\d+|one|two|three|four|five|six|a few)\s+"
    r"(?:minutes?|hours?|days?|weeks?|months?|years?)\b|\bq[1-4]\b|"
    # a year after a word that dates ("in 2019", "since 2024"), not "2000 users"
    r"\b(?:in|since|by|from|until|till|before|after|of|during)\s+(?:19|20)\d{2}\b)",
)


CLAUSES = re.compile(r"[;:\u2014]|,\s+(?:and|but|so)\s+|\s+-\s+")


def asks_when(question: str) -> str | None:
    """ "past" for "when did …?", "ahead" for "when will / is / does …?", else None."""
    if _ASKS_WHEN_PAST.search(question):
        return "past"
    if _ASKS_WHEN_AHEAD.search(question):
        return "ahead"
    return None


_YEAR_SAID = re.compile(
    r"\b(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+|"
    r"(?:in|by|from|until|during|of|early|late|mid)[\s-]+)(?P<year>20\d{2})\b|"
    r"\b(?P<iso>20\d{2})-(?P<m>0[1-9]|1[0-2])\b",
    re.IGNORECASE,
)
_MONTH_NUMBER = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}


def dated_ahead(sentence: str, today: date) -> bool:
    """Is every month or year the sentence dates by after ``today``'s month ("first burial
    June 2027" in 2026)? A past event asked "when was …?" happened by now: such a sentence
    tells a plan (new user's trial, session 31). False when it dates nothing."""
    said = []
    for m in _YEAR_SAID.finditer(sentence):
        if m.group("iso"):
            said.append((int(m.group("iso")), int(m.group("m"))))
        else:
            month = (m.group("month") or "")[:3].lower()
            said.append((int(m.group("year")), _MONTH_NUMBER.get(month, 1)))
    return bool(said) and all(when > (today.year, today.month) for when in said)


def says_when(sentence: str) -> bool:
    """Does the sentence say a time: a date, a month, a weekday, a time of day, "next week"?"""
    return bool(
        CALENDAR_DATE.search(sentence) or _CLOCK.search(sentence) or _WHEN_SAID.search(sentence)
    )


def reports(sentence: str) -> bool:
    """Does the sentence tell of something that happened (a past form, nothing ahead)?"""
    if _AHEAD.search(sentence):
        return False
    return any(m.group(0).lower() not in _NOT_AN_EVENT for m in _PAST_FORM.finditer(sentence))


# A month written out in a sentence ("September's overtime", "in Oct 2026"): "May" only
# capitalised ("we may need" is a verb), an abbreviation only beside a day or a year
_MONTH_IN = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b|"  # capitalised: "the march to the depot" is no month (review)
    r"(?i:\b(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?=\s+\d)|"
    r"(?<=\d\s)(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b)"
)


# The thing named, not its neighbour: a year, an opposite qualifier, an end that is not a
# start (notes/0006, "An eleventh vault", session 28).
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A qualifier and its opposite: "the first boat back" is not "the last boat back", the
# "minimum order" not the "maximum" — whatever words the two sentences share.
_OPPOSITES = {
    "first": "last",
    "last": "first",
    "earliest": "latest",
    "latest": "earliest",
    "minimum": "maximum",
    "maximum": "minimum",
    "min": "max",
    "max": "min",
    "highest": "lowest",
    "lowest": "highest",
    "opening": "closing",
    "closing": "opening",
    "upper": "lower",
    "lower": "upper",
    "inbound": "outbound",
    "outbound": "inbound",
}
_QUALIFIED = re.compile(
    rf"\b({'|'.join(_OPPOSITES)})\s+([^\W\d_][\w'’-]*)(?:\s+(back|out|in|off|up|down|over)\b)?",
    re.IGNORECASE,
)


def opposed_qualifiers(question: str) -> list[tuple[str, str]]:
    """(a pattern of what the question asks, one of its opposite) for each "first X",
    "maximum X", "first X back" of the question, and for the end of something asked when
    (its start is another date)."""
    out = []
    for m in _QUALIFIED.finditer(question):
        word = m.group(2).lower()
        if word not in SCAFFOLD:
            q = m.group(1).lower()
            said = re.escape(stem(word)) + r"\w*" + (rf"\s+{m.group(3)}" if m.group(3) else "")
            out.append((rf"\b{q}\s+{said}\b", rf"\b{_OPPOSITES[q]}\s+{said}\b"))
    if asks_when(question) is not None:
        # "when does the pilot end?" is not answered by "the pilot can start on March 23" (new
        # user's trial, session 28), nor "when does it start?" by its end
        if STARTS.search(question):  # "when is the pilot due to start?": a start
            out.append((STARTS.pattern, ENDS.pattern))
        elif ENDS.search(question):
            out.append((END_SAID, STARTS.pattern))
    return out


# an end (not "end up": "when did they end up starting?" asks a start; review)
_END_WORDS = (
    r"(?:end|ends|ended|ending)(?!\s+up\b)|finish|finishes|finished|finishing|"
    r"wrap(?:s|ped)? up|conclude[sd]?|last day|deadline"
)
ENDS = re.compile(  # asked: "due", not "due to the audit"
    rf"\b(?:{_END_WORDS}|run(?:s)? (?:until|till|to)|due(?!\s+to\b))\b", re.IGNORECASE
)
STARTS = re.compile(
    r"\b(?:start|starts|started|starting|begin|begins|began|beginning|kick(?:s|ed)? off|"
    r"commence[sd]?|first day)\b",
    re.IGNORECASE,
)


END_SAID = rf"\b(?:{_END_WORDS}|until|till|through|thru|to the end|closes?|closing)\b"


def says_opposite(sentence: str, opposed: Sequence[tuple[str, str]]) -> bool:
    """Does the sentence say the opposite of what the question asks, and never what it asks
    ("last boat back at 17:30" for "the first boat back")?"""
    return any(
        re.search(opposite, sentence, re.I) and not re.search(own, sentence, re.I)
        for own, opposite in opposed
    )


def months_said(sentence: str) -> set[str]:
    """The months a sentence names, by their full lower-case name."""
    return {MONTHS[m.group(0).lower().rstrip(".")[:3]] for m in _MONTH_IN.finditer(sentence)}


# "what's the target for the members' shares?" — "target not set yet": the history says it
# is not known, which is no answer to what it is (sixteenth blind vault). Read in the clause
# that names what is asked ("Price agreed at £4,500; start date not confirmed yet" answers the
# price: review); a question asking whether ("has the target been set?") is answered by it.
UNKNOWN_SAID = re.compile(
    r"\bnot (?:yet |been )?(?:set|known|agreed|decided|confirmed|fixed|final(?:i[sz]ed)?|"
    r"settled|chosen)\b|"
    r"\bnot (?:yet |been )?(?:priced|quoted|offered|signed|announced|scheduled|booked) yet\b|"
    r"\bnot yet (?:priced|quoted|offered|signed|announced|scheduled|booked)\b|"
    r"\b(?:tb[cda]|to be (?:confirmed|decided|agreed|set|announced))\b|"
    r"\bno (?:date|price|figure|number|decision|target|quote|offer|answer|word) (?:yet|so far)\b|"
    r"\b(?:still )?(?:unknown|undecided)\b|"
    # "full-size count still not done", "Denise still to count", "not discussed", "hasn't sent
    # names", "Joost wouldn't say", "nobody has raised it", "no word from the fund yet", "we
    # won't know until …" (seventeenth blind vault)
    r"\bstill to\b|"
    r"\bnot (?:yet )?(?:done|counted|discussed|raised|checked|measured|worked out|sorted)\b|"
    r"\b(?:has|have)(?:n['’]t| not)(?: yet)? (?:sent|given|said|confirmed|decided|counted|named|"
    r"told|set|agreed|chosen|picked|priced|quoted)\b|"
    r"\b(?:would|will)(?:n['’]t| not) say\b|\bwon['’]t say\b|"
    r"\bnobody (?:has |have )?(?:raised|asked|decided|said|mentioned|knows)\b|"
    r"\bno word (?:yet|from)\b|\b(?:won['’]t|don['’]t|do not|will not) know\b",
    re.I,
)
# a clause for what is not known: a label and what is said of it are one ("Cellos: not
# decided"), unlike ``CLAUSES``
UNKNOWN_CLAUSES = re.compile(r"[;\u2014]|,\s+(?:and|but|so)\s+|\s+-\s+")
_ASKS_WHETHER = re.compile(
    r"^\W*(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would|should|shall)\b"
    r"(?!\s+(?:you|we|i)\s+(?:tell|know|remember|recall|say)\b)|"
    r"\bwhether\b|"
    # "… yet?" asks whether — not "what has been invoiced so far?" (review)
    r"^(?!\W*(?:what|which|who|whom|whose|when|where|how|why)\b).*\b(?:yet|already|so far)\W*$",
    re.I,
)


def asks_whether(question: str) -> bool:
    """Is it a yes/no question ("has the target been set yet?")?"""
    return bool(_ASKS_WHETHER.search(question))


# "are the rides going the full line or only to Zeestraat?": one of two, not yes or no
_ASKS_CHOICE = re.compile(r"\w\s+or\s+(?!not\b|no\b|anything\b|so\b)\w", re.I)


def asks_choice(question: str) -> bool:
    """Does a yes/no-shaped question ask which of two things ("full line or only to …?")?"""
    return asks_whether(question) and bool(_ASKS_CHOICE.search(question))


__all__ = [
    "asked_period",
    "asks_list",
    "asks_outcome",
    "asks_quantity",
    "asks_when",
    "enumerates",
    "has_quantity",
    "per_period",
    "reports",
    "says_when",
]
