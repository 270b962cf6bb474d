"""One way to call a model: optional redaction, bounded by the backend's own timeouts, and an
audit row for every call (what was sent, what came back, tokens, latency, error; never a key)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from trailkeep.vault import Vault

from .backends import Backend, ModelReply
from .citations import OPEN_GROUP, ReplyReader
from .errors import (
    EmptyReply,
    IncompleteReply,
    ModelCallBlocked,
    ModelCallFailed,
    PromptNamesOtherClient,
)
from .privacy import Redactor
from .scope import Scope, masked_reply
from .secrets import mask_secrets


def call_model(
    vault: Vault,
    backend: Backend,
    prompt: str,
    *,
    purpose: str,
    on_text: Callable[[str], None] | None = None,
    redact: bool = False,
    scope: Scope | None = None,
    passages: int | None = None,
) -> tuple[ModelReply, int]:
    """(the reply with identifiers restored, the audit row id). Raises ModelCallFailed.

    With a client ``scope``, the prompt is scanned last for every other client's names,
    aliases, domains, addresses and people; a hit blocks the call (ModelCallBlocked, and an
    audit row saying what matched). Defense in depth: scoped retrieval is the main mechanism.

    What streams to ``on_text`` is the reply as ``citations.read_reply`` gives it (masked; with
    ``passages``, the number of passages sent, its citations renumbered): the caller reads the
    returned reply the same way and shows the same text."""
    prompt = mask_secrets(prompt)  # a pasted key never leaves the machine (recall/secrets.py)
    if scope is not None:
        found = scope.leaks(prompt)
        if found:
            whose = "your general material" if scope.is_general else scope.client.id
            why = PromptNamesOtherClient(whose, found)
            vault.record_llm_call(
                purpose=purpose,
                backend=backend.name,
                model=backend.model,
                prompt="(not sent)",
                error=str(why)[:2000],
            )
            raise ModelCallBlocked(backend.name, why)
    red = Redactor() if redact else None
    sent = red.redact(prompt) if red else prompt
    feed: Callable[[str], None] | None = None
    flushes: list[Callable[[], None]] = []
    if on_text is not None:
        feed, done = _masked_stream(on_text, scope, passages, _api_key(backend))
        flushes.append(done)
        if red is not None:
            feed, done = red.streamer(feed)
            flushes.insert(0, done)  # restore identifiers first, then mask what they say
    t0 = time.perf_counter()
    try:
        reply = backend.complete(sent, feed)
    except Exception as exc:  # network, rate limit, timeout, bad reply: recorded, then raised
        vault.record_llm_call(
            purpose=purpose,
            backend=backend.name,
            model=backend.model,
            prompt=sent,
            latency_ms=int((time.perf_counter() - t0) * 1000),
            error=_scrubbed(f"{type(exc).__name__}: {exc}", backend)[:2000],
        )
        raise ModelCallFailed(backend.name, _Said(exc, backend)) from exc
    # A reply cut short, or empty, is not an answer (QA, session 15: a dropped stream was shown
    # as a whole answer, an empty one as an empty answer): recorded, then a failure, so the
    # caller falls back to what it does offline, and says why.
    short: Exception | None = None
    if reply.incomplete:
        short = IncompleteReply(reply.incomplete)
    elif not reply.text.strip():
        short = EmptyReply("the model replied with nothing")
    else:
        for done in flushes:
            done()
    call_id = vault.record_llm_call(
        purpose=purpose,
        backend=backend.name,
        model=backend.model,
        prompt=sent,
        response=_scrubbed(reply.text, backend),
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        latency_ms=int((time.perf_counter() - t0) * 1000),
        error=str(short) if short else None,
    )
    if short is not None:
        raise ModelCallFailed(backend.name, short)
    text = red.restore(reply.text) if red else reply.text
    if key := _api_key(backend):  # a model repeating the key shows it nowhere (QA, session 15)
        text = text.replace(key, API_KEY)
    return replace(reply, text=text), call_id


def _api_key(backend: Backend) -> str:
    key = getattr(backend, "api_key", None) or getattr(
        getattr(backend, "client", None), "api_key", None
    )
    return key if isinstance(key, str) and len(key) >= 8 else ""


def _scrubbed(text: str, backend: Backend) -> str:
    """``text`` with secrets masked and the backend's own API key removed: an endpoint that
    echoes the key in an error body (a proxy, a gateway) must not write it into the audit log
    (QA, session 15)."""
    key = _api_key(backend)
    return mask_secrets(text.replace(key, API_KEY) if key else text)


class _Said(Exception):
    """A backend's failure, as it is said and shown: its message scrubbed of the key."""

    def __init__(self, exc: BaseException, backend: Backend) -> None:
        super().__init__(_scrubbed(str(exc), backend))
        self.status_code = getattr(exc, "status_code", None)
        self.original = exc


API_KEY = "[API key]"  # what the backend's own key becomes wherever a reply or error repeats it
HOLD_WORDS = 8  # words of a streamed reply held back: a name or "password: value" may span them


def _masked_stream(
    on_text: Callable[[str], None],
    scope: Scope | None,
    passages: int | None = None,
    key: str = "",
) -> tuple[Callable[[str], None], Callable[[], None]]:
    """(feed, flush) that pass a streamed reply on masked as the saved answer or draft is
    (``masked_reply``: secrets; in a client's scope, every other client's names) — QA, session
    14: a draft streamed "Beta Logistics" to the terminal before the saved file masked it.

    A name, a ``password: value`` or a key may span pieces and lines, so the last HOLD_WORDS
    words wait, and a part is passed on only when it and the rest, masked apart, give what
    masking them together gives (no mask crosses the cut); a private key block waits for its
    END line. What was passed on is never taken back: the flush sends the rest."""
    pending = [""]  # the reply after what was passed on
    reader = ReplyReader(passages) if passages is not None else None

    def clean(text: str) -> str:
        return masked_reply(text.replace(key, API_KEY) if key else text, scope)[0]

    def say(text: str) -> None:
        on_text(reader.read(text) if reader is not None else text)

    def feed(piece: str) -> None:
        pending[0] += piece
        text = pending[0]
        cut = _held_back(text)
        if cut < HOLD_STEP:  # too little to pass on yet: wait for more
            return
        whole = clean(text)
        while cut > 0:
            head = clean(text[:cut])
            if head + clean(text[cut:]) == whole:  # no mask crosses the cut
                say(head)
                pending[0] = text[cut:]
                return
            cut = _held_back(text[:cut])  # pass less on

    def flush() -> None:
        if pending[0]:
            say(clean(pending[0]))
            pending[0] = ""

    return feed, flush


HOLD_STEP = 24  # characters passed on at a time, at least (each pass masks what is pending)


def _held_back(text: str) -> int:
    """Where ``text`` may be cut: before its last HOLD_WORDS words and any open key block."""
    cut = len(text)
    for _ in range(HOLD_WORDS):
        cut = len(text[:cut].rstrip())
        cut = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut)) + 1
        if cut <= 0:
            return 0
    key = text.rfind("-----BEGIN")
    if key != -1 and "-----END" not in text[key:]:
        cut = min(cut, key)
    group = text.rfind("[", 0, cut)  # a citation group is read whole: "[3, 4]"
    if group != -1 and "]" not in text[group:cut] and OPEN_GROUP.fullmatch(text, group, cut):
        cut = group
    return cut
