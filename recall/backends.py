"""Model backends behind one small interface. The client is injected, never built deep inside.

- ``AnthropicBackend``: the ``anthropic`` SDK (2.x), JSON or streamed (SSE).
- ``OpenAICompatibleBackend``: a local server speaking ``/v1/chat/completions`` (llama.cpp
  server, Ollama, LM Studio), for users who keep everything on their machine.
- ``LlamaIndexBackend``: any llama-index ``LLM``.
Building the request and reading the reply are pure functions; :mod:`recall.answer` decides
what is sent (and what is never sent).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from trailkeep.vault.errors import TrailkeepError


class BackendError(TrailkeepError):
    pass


@dataclass(frozen=True)
class ModelReply:
    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None


class Backend(Protocol):
    name: str
    model: str

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply: ...


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
        )


def anthropic_client(
    api_key: str, base_url: str | None, timeout: float = 30.0, max_retries: int = 1
) -> Any:
    """Bounded retries and timeouts: an unreachable API costs seconds, not minutes."""
    import anthropic

    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


class OpenAICompatibleBackend:
    name = "openai-compatible"

    def __init__(self, base_url: str, model: str, timeout: float = 60.0, api_key: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.api_key = api_key

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply:
        import urllib.error
        import urllib.request

        body = json.dumps(
            {"model": self.model, "messages": [{"role": "user", "content": prompt}]}
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url + ("" if self.base_url.endswith("/v1") else "/v1") + "/chat/completions"
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                data = json.loads(resp.read())
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise BackendError(f"{self.name} at {self.base_url}: {exc}") from exc
        text = str(data["choices"][0]["message"]["content"] or "")
        if on_text:
            on_text(text)
        usage = data.get("usage") or {}
        return ModelReply(text, usage.get("prompt_tokens"), usage.get("completion_tokens"))


class LlamaIndexBackend:
    name = "llama-index"

    def __init__(self, llm: Any) -> None:
        self.llm = llm
        self.model = str(getattr(getattr(llm, "metadata", None), "model_name", "llm"))

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply:
        if on_text is None:
            return ModelReply(str(self.llm.complete(prompt).text))
        parts = []
        for r in self.llm.stream_complete(prompt):
            delta = r.delta or ""
            parts.append(delta)
            on_text(delta)
        return ModelReply("".join(parts))
