"""Words a consultant uses for the same event, so that a question in its own words finds the
passage that says it differently: "why did go-live slip?" is answered by "we moved go-live to
March 16"; "why did we scrap the plugin?" by "the plugin route is dropped".

The offline embedder does not know these are the same idea (MiniLM puts "slip" and "moved" at
cosine 0.38, "parking" and "visits" at 0.32: no threshold separates them), so the answerability
check (:mod:`trailkeep.recall.answerable`) also looks a missing term up here. The groups are
general business English about plans, changes and outcomes — what a reasoning trail is made
of — not the vocabulary of any one client; notes/0006-abstention.md, "Paraphrases" says how
they were written and measured. A group is a set of ways to say one thing; a phrase is a verb
and its particle ("push back"). Every word is matched by its light stem, as terms are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

# One line per idea: the ways to say it, comma-separated.
GROUPS: tuple[str, ...] = (
    # a date or plan moved
    "slip, slipped, delay, delayed, postpone, postponed, push back, pushed back, move, moved, "
    "reschedule, rescheduled, defer, deferred, shift, shifted, hold off, hold-up, held up",
    # an approach given up (ours)
    "drop, dropped, abandon, abandoned, give up, gave up, given up, scrap, scrapped, ditch, "
    "ditched, kill, killed, shelve, shelved, discard, discarded, die, died, dead, rule out, "
    "ruled out, reject, rejected, knock out, knocked out, eliminate, eliminated, passed over, "
    "bin, binned, walk away, walked away",
    # a no (ours or theirs): "the host refused" is not "we dropped it"
    "reject, rejected, decline, declined, turn down, turned down, refuse, refused, bounce, "
    "bounced, rule out, ruled out",
    # something went wrong
    "break, broke, broken, fail, failed, failure, crash, crashed, error, wrong, problem, issue, "
    "bug, outage, stop working, stopped working, defect, glitch, fault, flop, flopped, "
    # a trial that failed is a dead end ("why did the fogger trial flop?" / "dead end:
    # ultrasonic foggers"; thirteenth blind vault)
    "dead end, fall through, fell through",
    # something began
    "start, started, begin, began, kick off, kicked off, launch, launched, trigger, kick in, "
    "kicks in, kicked in",
    # something put before its users ("when is the go-live?" is not "the shadow run starts on
    # the 16th": new user's trial, session 28)
    "launch, launched, go live, went live, rollout, roll out, rolled out",
    # a choice
    "choose, chose, chosen, pick, picked, select, selected, settle, settled, opt, opted, prefer, "
    "preferred, settle on, settled on, land on, landed on",
    # the plan when the plan fails
    "fallback, fall back, backup, contingency, workaround, plan b, go back, goes back, "
    "went back, revert, reverts, reverted, switch back",
    # money asked or agreed
    "price, cost, fee, charge, charged, charging, paid, quote, quoted",
    # money laid out ("what did they fork out on stock?" / "€168,000 spent on replacement";
    # blind trial, session 25)
    "spend, spent, fork out, forked out, shell out, shelled out, outlay",
    # a figure guessed ("how long did I reckon …?" / "I estimate 20 weeks")
    "reckon, reckoned, estimate, estimated, guess, guessed, expect, expected, forecast",
    # the means to an end
    "approach, route, option, method, alternative, strategy, path, idea",
    # a plan's date or aim
    "planned, plan, scheduled, schedule, target, intended, supposed, expected",
    # what one aims at
    "aim, aiming, aimed, goal, objective, target",
    # a margin allowed around a time ("a margin" alone is as often a profit's: review)
    "window, tolerance, grace period",
    # a reason
    "reason, cause, caused, because, argument, rationale, purpose",
    # a problem dealt with (not "fix": "a fixed fee" is no fix)
    "solve, solved, resolve, resolved, handle, handled, sort out, sorted out",
    # no activity
    "idle, inactive, inactivity, without activity, no activity",
    # a session ended for want of activity
    "timeout, time out, times out, timed out, expire, expires, expired, log out, logs out, "
    "logged out",
    # a trial run
    "pilot, trial, test run, dry run",
    # a goal reached
    "hit, reach, reached, achieve, achieved",
    # going over a limit
    "exceed, exceeded, overrun, go over, went over, blow, blew",
    # the people of an organisation
    "staff, employees, headcount, workforce",
    # signing in
    "sign in, signed in, login, log in, logged in, sign-in, authenticate",
    # a try
    "attempt, try",
    # an upper bound (blind trial, session 22: "the ceiling on the first phase" / "capped at")
    "ceiling, cap, capped, maximum, upper limit, at most, no more than",
    # time before ("how far ahead" / "72 hours' notice")
    "ahead, in advance, beforehand, notice, lead time",
    # two weeks
    "fortnight, two weeks, 2 weeks, 14 days",
    # money kept for something ("earmarked for the first phase" / "set aside £48,000")
    "earmark, earmarked, set aside, allocate, allocated, ring-fence, ring-fenced",
    # without ("addresses lack a postcode" / "have no postcode")
    "lack, lacks, lacking, have no, has no, missing",
    # a figure that went down, or up
    "fall, fell, fallen, decrease, decreased, reduce, reduced, go down, went down, down, lower",
    "rise, rose, risen, increase, increased, grow, grew, go up, went up, higher",
    # something that stops ("stop supporting" / "ends support")
    "stop, stops, end, ends, ended, cease, discontinue, discontinued, retire, retires, sunset",
    # a term that ends ("when do the leases run out?" / "the lease ends 28 February")
    "run out, runs out, ran out, end, ends, ended, expire, expires, expired, lapse, lapses",
    # a rule or price that starts to apply ("when does the rule kick in?" / "live from
    # 1 November")
    # (a go-live is no start: "the shadow run starts on the 16th"; session 28)
    # (not "live" nor "effective" alone: "where does Dana live?", "the most effective ad")
    "kick in, kicks in, kicked in, take effect, takes effect, took effect, in force, "
    "effective from, live from",
    # something that arrives ("when's the frame arriving?" / "Delivery: 14 January")
    # (not "turn up": something that turned up may have been found)
    "arrive, arrives, arrived, arriving, arrival, deliver, delivered, delivery, deliveries",
    # a rung of an offer ("the top membership level" / "a Patron tier")
    "tier, level, band, grade",
    # how many a place takes ("admit" / "holds 120 visitors")
    "admit, admits, hold, holds, capacity, accommodate, seat, seats",
    # built by us ("home-grown" / "in-house")
    "home-grown, homegrown, in-house, in house, our own, bespoke, custom-built, homemade, "
    "home-made",
    # units written short ("extra hrs")
    "hours, hrs, hr",
    "minutes, mins",
    "weeks, wks",
    "years, yrs",
    # a unit written short ("the house blend per kilo" / "EUR 26.90/kg"; thirteenth blind vault)
    "kilo, kilos, kg, kgs, kilogram, kilograms",
    # word to someone that something needs them ("who gets pinged next?" / "it escalates to
    # Dale"; blind trial, session 23)
    # (not "page": a web page is as often meant; review)
    "notify, notified, alert, alerted, ping, pinged, escalate, escalates, escalated",
    # a difference between two figures ("the rounding gap" / "the difference")
    "gap, difference, shortfall, discrepancy, mismatch",
    # moving to a new system ("when are they switching over?" / "the cutover moves to June 8")
    "switch over, switched over, switching over, switch, switching, cutover, cut over, "
    "changeover, migrate, migrated, migration",
    # kept for a time ("how long do they hang on to the PDFs?" / "kept for seven years")
    "hang, hold on to, retain, retained, retention, keep, kept",
    # paying to use software ("their cloud subscription" / "the license is $6,400 a year")
    "subscription, license, licence, licensing",
    # things bought to do a job ("what kit are we adding?" / "a converter on each")
    "kit, equipment, hardware, gear",
    # a yes from whoever decides ("who signed off on …?" / "Maria approved it")
    # (not "authorised": "not authorized" is an API's refusal)
    "approve, approved, approval, sign off, signed off, sign-off, green light, green-lit",
    # the software itself ("the booking software" / "the booking system")
    # (not "package" — a support package — nor "tool": an AI chat's "tool call")
    "software, system, platform, app",
    # a last day ("the cut-off for the summer data" / "the deadline is 30 May")
    "deadline, cut-off, cutoff, due date",
    # one issue of a product ("which release are they on?" / "version 11.2")
    "version, release",
    # from outside the organisation ("their outside accountant" / "an external accountant")
    "outside, external, third-party, independent",
    # left out ("which office did she want excluded?" / "leave Eastgate out of the first wave")
    "exclude, excluded, leave out, left out, omit, omitted",
    # gone ("how many went missing?" / "40 kegs were lost")
    "go missing, went missing, gone missing, disappear, disappeared, lose, lost, vanish, vanished",
    # the same record twice ("double-entered owners" / "duplicate client records")
    "duplicate, duplicates, duplicated, double-entered, double entry, dupe, dupes",
    # a word that something is due ("the first nudge" / "the first reminder")
    "nudge, nudges, reminder, reminders",
    # a member ("how many operators belong to the co-op?" / "its nine member operators")
    "belong, belongs, member, members",
    # kept cold ("the fridge van" / "a refrigerated Transit"; thirteenth blind vault)
    "fridge, refrigerated, refrigeration, chiller, chilled",
    # working with another firm ("who are we teaming up with?" / "a landscaping partner")
    "team up, teamed up, teaming up, partner, partners, partnered, partnering, join forces, "
    "joined forces, joint",
    # a yes to terms ("what price did they sign up at?" / "Hartwell accepted our counter")
    "agree, agreed, accept, accepted, sign up, signed up, signed, take up, took up",
    # advice given ("which host did we recommend?" / "Recommendation: move the feeds to
    # Buzzsprout"; new user's trial, session 30)
    "recommend, recommended, recommends, recommendation, recommendations, advise, advised, "
    "advice, suggest, suggested, suggestion",
    # a measure for the meantime ("the toll roasting stopgap" / "interim")
    "stopgap, stop-gap, interim, temporary, temporarily, meantime",
    # harm to a thing ("how many jars arrived damaged?" / "36 with chipped rims"; seventeenth
    # blind vault)
    "damage, damaged, chipped, cracked, dented, smashed, scratched, broken",
    # joined to a system ("to hook into OV-chip" / "the integration desk")
    "hook, hooked, hook into, hook up, hooked up, plug into, connect, connected, connection, "
    "integrate, integration, link up, linked up",
    # money not spent ("how much did Tessera save?" / "Tessera is cheaper by €363.15")
    "save, saved, saves, saving, savings, cheaper",
    # the price a shop sells at ("the shelf price" / "retail price")
    "shelf, retail, rrp",
)


Stemmer = Callable[[str], str]
_INDEX: dict[Stemmer, dict[str, frozenset[str]]] = {}


def _phrase(phrase: str, stem: Stemmer) -> str:
    return " ".join(stem(w) for w in phrase.replace("-", " ").split())


def _index(stem: Stemmer) -> dict[str, frozenset[str]]:
    if stem not in _INDEX:
        index: dict[str, set[str]] = {}
        for group in GROUPS:
            stems = {_phrase(p, stem) for p in group.split(",")}
            for s in stems:
                index.setdefault(s, set()).update(stems - {s})
        _INDEX[stem] = {k: frozenset(v) for k, v in index.items()}
    return _INDEX[stem]


def alternatives(term: str, stem: Stemmer) -> frozenset[str]:
    """The other ways to say ``term`` (stemmed by ``stem``: words or phrases); empty when it
    has none."""
    return _index(stem).get(_phrase(term, stem), frozenset())


def rewordings(word: str, stem: Stemmer) -> set[str]:
    """The one-word ways to say ``word`` as the groups write them (not stemmed), ``word`` and
    its own forms left out: the words a keyword search may look for too."""
    key = stem(word)
    out: set[str] = set()
    for group in GROUPS:
        ways = [p.strip() for p in group.split(",")]
        if any(_phrase(w, stem) == key for w in ways):
            out.update(w for w in ways if " " not in w and stem(w) != key)
    return out


def said_otherwise(term: str, stems: Iterable[str], stem: Stemmer) -> set[str]:
    """The ways of saying ``term`` that ``stems`` (the passages' words stemmed by ``stem``, in
    order) hold."""
    alts = alternatives(term, stem)
    if not alts:
        return set()
    seq = list(stems)
    have = set(seq) | {f"{a} {b}" for a, b in pairwise(seq)}
    return {a for a in alts if a in have}


__all__ = ["GROUPS", "alternatives", "rewordings", "said_otherwise"]
