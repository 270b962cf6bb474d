"""Which model backend to use, from settings and the environment (read at the edge only).

The backends themselves are a registry (``trailkeep.recall.backends``): ``auto`` and
``extractive`` are decided here, every other name is made by its registered factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from trailkeep.recall.backends import Backend, BackendConfig, backend_names
from trailkeep.recall.backends import make_backend as _make
from trailkeep.vault.errors import ConfigError

if TYPE_CHECKING:  # reading settings is not needed to list the choices (`--help` stays light)
    from trailkeep.vault import Settings

OFFLINE = ("auto", "extractive")


def choices() -> tuple[str, ...]:
    """What --backend and the Settings page offer: auto, extractive, then the registry."""
    return (*OFFLINE, *backend_names())


def resolve_api_key(env: Mapping[str, str]) -> str | None:
    """The one place the API key is read. It is passed to the SDK and never stored."""
    key = env.get("ANTHROPIC_API_KEY")
    return str(key) if key else None


def make_backend(s: Settings, choice: str | None, env: Mapping[str, str]) -> Backend | None:
    """`auto` = Claude when a key is set, else extractive (None)."""
    answer = dict(s.extra.get("answer", {}))
    choice = choice or s.backend or "auto"
    if choice not in choices():
        raise ConfigError(
            str(s.config_path), f"unknown backend {choice!r}; choose from {', '.join(choices())}"
        )
    if choice == "extractive":
        return None
    key = resolve_api_key(env)
    if choice == "auto":
        if not key:
            return None
        choice = "anthropic"
    config = BackendConfig(
        answer=answer,
        api_key=key,
        base_url=env.get("ANTHROPIC_BASE_URL") or None,
        config_path=str(s.config_path),
    )
    return _make(choice, config)


def describe(s: Settings, env: Mapping[str, str]) -> str:
    """What `auto` resolves to, for people (never the key)."""
    try:
        b = make_backend(s, None, env)
    except ConfigError as exc:
        return f"misconfigured: {exc}"
    if b is None:
        return "extractive (offline: quotes and cites your history; no model configured)"
    return f"{b.name} · model {b.model}"
