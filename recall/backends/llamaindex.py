"""Any llama-index ``LLM``: ``[answer] llama_index_class = "package.module:Class"`` and
``llama_index_args = {...}`` (the provider package must be installed)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from . import Backend, BackendConfig, ModelReply


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


def factory(config: BackendConfig) -> Backend:
    target = str(config.answer.get("llama_index_class") or "")
    module, _, attr = target.partition(":")
    if not module or not attr:
        raise config.error('set [answer] llama_index_class = "package.module:Class"')
    try:
        cls = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise config.error(f"llama_index_class {target!r}: {exc}") from exc
    args = config.answer.get("llama_index_args") or {}
    return LlamaIndexBackend(cls(**dict(args)))


__all__ = ["LlamaIndexBackend", "factory"]
