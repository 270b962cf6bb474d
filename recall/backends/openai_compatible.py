"""A local server speaking ``/v1/chat/completions`` (llama.cpp server, Ollama, LM Studio), for
users who keep everything on their machine."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..errors import BackendError
from . import Backend, BackendConfig, ModelReply


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
        choice = data["choices"][0]
        text = str(choice["message"]["content"] or "")
        if on_text:
            on_text(text)
        usage = data.get("usage") or {}
        limit = choice.get("finish_reason") == "length"
        cut = "the reply reached its token limit" if limit else None
        return ModelReply(text, usage.get("prompt_tokens"), usage.get("completion_tokens"), cut)


def factory(config: BackendConfig) -> Backend:
    url = str(config.answer.get("openai_base_url") or "")
    if not url:
        raise config.error("set [answer] openai_base_url")
    return OpenAICompatibleBackend(
        url,
        str(config.answer.get("openai_model", "local")),
        float(config.answer.get("timeout", 60)),
    )


__all__ = ["OpenAICompatibleBackend", "factory"]
