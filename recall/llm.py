"""One way to call a model: optional redaction, bounded by the backend's own timeouts, and an
audit row for every call (what was sent, what came back, tokens, latency, error; never a key)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from trailkeep.vault import TrailkeepError, Vault

from .backends import Backend, ModelReply
from .privacy import Redactor


class ModelCallFailed(TrailkeepError):
    def __init__(self, backend: str, cause: BaseException) -> None:
        super().__init__(f"the {backend} call failed ({type(cause).__name__}: {cause})")
        self.cause = cause


def call_model(
    vault: Vault,
    backend: Backend,
    prompt: str,
    *,
    purpose: str,
    on_text: Callable[[str], None] | None = None,
    redact: bool = False,
) -> tuple[ModelReply, int]:
    """(the reply with identifiers restored, the audit row id). Raises ModelCallFailed."""
    red = Redactor() if redact else None
    sent = red.redact(prompt) if red else prompt
    feed, flush = red.streamer(on_text) if red and on_text else (on_text, None)
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
    if flush is not None:
        flush()
    call_id = vault.record_llm_call(
        purpose=purpose,
        backend=backend.name,
        model=backend.model,
        prompt=sent,
        response=reply.text,
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        latency_ms=int((time.perf_counter() - t0) * 1000),
    )
    return (replace(reply, text=red.restore(reply.text)) if red else reply), call_id
