"""One way to call a model: optional redaction, bounded by the backend's own timeouts, and an
audit row for every call (what was sent, what came back, tokens, latency, error; never a key)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from trailkeep.vault import Vault

from .backends import Backend, ModelReply
from .errors import ModelCallBlocked, ModelCallFailed, PromptNamesOtherClient
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
) -> tuple[ModelReply, int]:
    """(the reply with identifiers restored, the audit row id). Raises ModelCallFailed.

    With a client ``scope``, the prompt is scanned last for every other client's names,
    aliases, domains, addresses and people; a hit blocks the call (ModelCallBlocked, and an
    audit row saying what matched). Defense in depth: scoped retrieval is the main mechanism."""
    prompt = mask_secrets(prompt)  # a pasted key never leaves the machine (recall/secrets.py)
    if scope is not None:
        found = scope.leaks(prompt)
        if found:
            why = PromptNamesOtherClient(scope.client.id, found)
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
        feed, done = _masked_stream(on_text, scope)
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
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise ModelCallFailed(backend.name, exc) from exc
    for done in flushes:
        done()
    call_id = vault.record_llm_call(
        purpose=purpose,
        backend=backend.name,
        model=backend.model,
        prompt=sent,
        response=mask_secrets(reply.text),
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        latency_ms=int((time.perf_counter() - t0) * 1000),
    )
    return (replace(reply, text=red.restore(reply.text)) if red else reply), call_id


HOLD_WORDS = 8  # words of a streamed reply held back: a name or "password: value" may span them


def _masked_stream(
    on_text: Callable[[str], None], scope: Scope | None
) -> tuple[Callable[[str], None], Callable[[], None]]:
    """(feed, flush) that pass a streamed reply on masked as the saved answer or draft is
    (``masked_reply``: secrets; in a client's scope, every other client's names) — QA, session
    14: a draft streamed "Beta Logistics" to the terminal before the saved file masked it.

    A name, a ``password: value`` or a key may span pieces and lines, so the last HOLD_WORDS
    words wait, and a part is passed on only when it and the rest, masked apart, give what
    masking them together gives (no mask crosses the cut); a private key block waits for its
    END line. What was passed on is never taken back: the flush sends the rest."""
    pending = [""]  # the reply after what was passed on

    def clean(text: str) -> str:
        return masked_reply(text, scope)[0]

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
                on_text(head)
                pending[0] = text[cut:]
                return
            cut = _held_back(text[:cut])  # pass less on

    def flush() -> None:
        if pending[0]:
            on_text(clean(pending[0]))
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
    return cut
