"""Model backends are a registry: adding a provider is one factory and one registration, and
the choices the CLI and the Settings page offer come from it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from trailkeep.recall.backends import (
    Backend,
    BackendConfig,
    ModelReply,
    backend_names,
    register_backend,
    reset_backends,
)
from trailkeep.ui import backend_config
from trailkeep.vault import ConfigError, Settings


class Shout:
    name = "shout"
    model = "caps-1"

    def complete(self, prompt: str, on_text: Callable[[str], None] | None = None) -> ModelReply:
        return ModelReply(prompt.upper())


@pytest.fixture
def registry() -> Iterator[None]:
    yield
    reset_backends()


def test_a_new_provider_is_one_registration(registry: None, settings: Settings) -> None:
    seen: list[BackendConfig] = []

    def factory(config: BackendConfig) -> Backend:
        seen.append(config)
        return Shout()

    register_backend("shout", factory)
    assert "shout" in backend_names() and "shout" in backend_config.choices()
    b = backend_config.make_backend(settings, "shout", {"ANTHROPIC_API_KEY": "k"})
    assert b is not None and b.complete("hi").text == "HI"
    assert seen[0].api_key == "k"  # resolved at the edge, handed to the factory


def test_defaults_and_errors(registry: None, settings: Settings) -> None:
    assert backend_names()[:2] == ("anthropic", "openai-compatible")
    assert backend_config.make_backend(settings, "auto", {}) is None  # no key: offline
    with pytest.raises(ConfigError, match="ANTHROPIC_API_KEY"):
        backend_config.make_backend(settings, "anthropic", {})
    with pytest.raises(ConfigError, match="openai_base_url"):
        backend_config.make_backend(settings, "openai-compatible", {})
    with pytest.raises(ConfigError, match="llama_index_class"):
        backend_config.make_backend(settings, "llama-index", {})
    with pytest.raises(ConfigError, match="unknown backend"):
        backend_config.make_backend(settings, "nope", {})
