"""Claude through the ``anthropic`` SDK (2.x), JSON or streamed (SSE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import Backend, BackendConfig, ModelReply

# Configurable ([answer] model); a model id the SDK lists as deprecated warns on every call.
DEFAULT_MODEL = "claude-sonnet-5-5"


class AnthropicBackend:
    name = "anthropic"

    def __init__(self, client: Any, model: str, max_tokens: int = 1024) -> None:
        self.client = client
        self.model = model
        self.max_tokens = max_tokens

    def request(self, prompt: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "messages": [{"role": "user", "content": prompt}],
        }

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply:
        kwargs = self.request(prompt)
        if on_text is None:
            msg = self.client.messages.create(**kwargs)
        else:
            with self.client.messages.stream(**kwargs) as stream:
                for piece in stream.text_stream:
                    on_text(piece)
                msg = stream.get_final_message()
        text = "".join(
            getattr(b, "text", "") for b in msg.content if getattr(b, "type", "") == "text"
        )
        usage = getattr(msg, "usage", None)
        return ModelReply(
            text,
            getattr(usage, "input_tokens", None),
            getattr(usage, "output_tokens", None),
            _incomplete(getattr(msg, "stop_reason", None)),
        )


def _incomplete(stop_reason: object) -> str | None:
    """Why a reply stopped early: its token limit, or no stop at all (the stream ended before
    the model's message did; QA, session 15: a cut reply was shown as a whole answer)."""
    if stop_reason == "max_tokens":
        return "the reply reached its token limit"
    if stop_reason is None:
        return "the reply ended before the model finished it"
    return None


def anthropic_client(
    api_key: str, base_url: str | None, timeout: float = 30.0, max_retries: int = 1
) -> Any:
    """Bounded retries and timeouts: an unreachable API costs seconds, not minutes."""
    import anthropic

    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


def factory(config: BackendConfig) -> Backend:
    if not config.api_key:
        raise config.error("the anthropic backend needs ANTHROPIC_API_KEY")
    answer = config.answer
    client = anthropic_client(
        config.api_key,
        config.base_url or answer.get("anthropic_base_url") or None,
        timeout=float(answer.get("timeout", 30)),
        max_retries=int(answer.get("max_retries", 1)),
    )
    return AnthropicBackend(client, str(answer.get("model", DEFAULT_MODEL)))


__all__ = ["DEFAULT_MODEL", "AnthropicBackend", "anthropic_client", "factory"]
