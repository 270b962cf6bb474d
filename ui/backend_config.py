"""Which model backend to use, from settings and the environment (read at the edge only)."""

from __future__ import annotations

from collections.abc import Mapping

from trailkeep.recall import (
    AnthropicBackend,
    Backend,
    OpenAICompatibleBackend,
    anthropic_client,
)
from trailkeep.vault import ConfigError, Settings

BACKENDS = ("auto", "extractive", "anthropic", "openai-compatible")
# Configurable ([answer] model); a model id the SDK lists as deprecated warns on every call.
DEFAULT_MODEL = "claude-sonnet-5-5"


def resolve_api_key(env: Mapping[str, str]) -> str | None:
    """The one place the API key is read. It is passed to the SDK and never stored."""
    key = env.get("ANTHROPIC_API_KEY")
    return str(key) if key else None


def make_backend(s: Settings, choice: str | None, env: Mapping[str, str]) -> Backend | None:
    """`auto` = Claude when a key is set, else extractive (None)."""
    answer = dict(s.extra.get("answer", {}))
    choice = choice or s.backend or "auto"
    if choice not in BACKENDS:
        raise ConfigError(
            str(s.config_path), f"unknown backend {choice!r}; choose from {', '.join(BACKENDS)}"
        )
    if choice == "extractive":
        return None
    if choice == "openai-compatible":
        url = str(answer.get("openai_base_url") or "")
        if not url:
            raise ConfigError(str(s.config_path), "set [answer] openai_base_url")
        return OpenAICompatibleBackend(
            url, str(answer.get("openai_model", "local")), float(answer.get("timeout", 60))
        )
    key = resolve_api_key(env)
    if not key:
        if choice == "anthropic":
            raise ConfigError(str(s.config_path), "the anthropic backend needs ANTHROPIC_API_KEY")
        return None
    client = anthropic_client(
        key,
        env.get("ANTHROPIC_BASE_URL") or answer.get("anthropic_base_url") or None,
        timeout=float(answer.get("timeout", 30)),
        max_retries=int(answer.get("max_retries", 1)),
    )
    return AnthropicBackend(client, str(answer.get("model", DEFAULT_MODEL)))


def describe(s: Settings, env: Mapping[str, str]) -> str:
    """What `auto` resolves to, for people (never the key)."""
    try:
        b = make_backend(s, None, env)
    except ConfigError as exc:
        return f"misconfigured: {exc}"
    if b is None:
        return "extractive (offline: quotes and cites your history; no model configured)"
    return f"{b.name} · model {b.model}"
