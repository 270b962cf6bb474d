"""Model backends behind one small interface, chosen by name from a registry.

One module per provider (``anthropic``, ``openai_compatible``, ``llamaindex``), each with a
``factory(config) -> Backend``; adding a provider is one file and one ``register_backend`` line
(or a call from a plugin). The client is injected, never built deep inside; building the
request and reading the reply are pure functions. Which backend a user gets is decided at the
edge (``trailkeep.ui.backend_config``), which reads the environment; nothing here does.
Providers are imported only when their backend is made.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from trailkeep.vault.errors import ConfigError

from ..errors import BackendError


@dataclass(frozen=True)
class ModelReply:
    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    # why the reply stopped before its end, when the backend can tell (a token limit, a stream
    # that ended without the model's stop): ``call_model`` does not pass it on as an answer
    incomplete: str | None = None


class Backend(Protocol):
    name: str
    model: str

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply: ...


@dataclass(frozen=True)
class BackendConfig:
    """What a factory may use: the ``[answer]`` table, the API key and base URL resolved at the
    edge, and the config file's path (for messages)."""

    answer: Mapping[str, Any] = field(default_factory=dict)
    api_key: str | None = None
    base_url: str | None = None
    config_path: str = "config.toml"

    def error(self, message: str) -> ConfigError:
        return ConfigError(self.config_path, message)


Factory = Callable[[BackendConfig], Backend]
_DEFAULTS: dict[str, str] = {
    "anthropic": "trailkeep.recall.backends.anthropic:factory",
    "openai-compatible": "trailkeep.recall.backends.openai_compatible:factory",
    "llama-index": "trailkeep.recall.backends.llamaindex:factory",
}
_REGISTRY: dict[str, Factory | str] = dict(_DEFAULTS)


def register_backend(name: str, factory: Factory | str) -> None:
    """Add (or replace) a backend: a factory, or ``"module:attribute"`` imported on use."""
    _REGISTRY[name] = factory


def reset_backends() -> None:
    _REGISTRY.clear()
    _REGISTRY.update(_DEFAULTS)


def backend_names() -> tuple[str, ...]:
    """Registered backends, in registration order."""
    return tuple(_REGISTRY)


def make_backend(name: str, config: BackendConfig) -> Backend:
    entry = _REGISTRY.get(name)
    if entry is None:
        raise config.error(
            f"unknown backend {name!r}; choose from {', '.join(('auto', 'extractive', *_REGISTRY))}"
        )
    if isinstance(entry, str):
        module, _, attr = entry.partition(":")
        entry = getattr(importlib.import_module(module), attr)
        _REGISTRY[name] = entry
    return entry(config)


_LAZY = {
    "AnthropicBackend": "trailkeep.recall.backends.anthropic",
    "anthropic_client": "trailkeep.recall.backends.anthropic",
    "OpenAICompatibleBackend": "trailkeep.recall.backends.openai_compatible",
    "LlamaIndexBackend": "trailkeep.recall.backends.llamaindex",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Backend",
    "BackendConfig",
    "BackendError",
    "Factory",
    "ModelReply",
    "backend_names",
    "make_backend",
    "register_backend",
    "reset_backends",
]
