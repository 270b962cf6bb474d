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
from .scope import Scope
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


def _masked_stream(
    on_text: Callable[[str], None], scope: Scope | None
) -> tuple[Callable[[str], None], Callable[[], None]]:
    """(feed, flush) that pass a streamed reply on a line at a time, with secrets and — in a
    client's scope — every other client's names masked, as the saved answer or draft is
    (QA, session 14: a draft streamed "Beta Logistics" to the terminal before the saved file
    masked it). A piece waits for its line's end (a private key block, for its END line)."""
    buf = [""]

    def clean(text: str) -> str:
        text = mask_secrets(text)
        return scope.mask(text) if scope is not None else text

    def feed(piece: str) -> None:
        buf[0] += piece
        cut = buf[0].rfind("\n") + 1
        key = buf[0].rfind("-----BEGIN")
        if key != -1 and "-----END" not in buf[0][key:]:
            cut = min(cut, key)  # a key block spans lines: it waits whole
        if cut:
            ready, buf[0] = buf[0][:cut], buf[0][cut:]
            on_text(clean(ready))

    def flush() -> None:
        if buf[0]:
            on_text(clean(buf[0]))
            buf[0] = ""

    return feed, flush
