"""Prompt templates are files in ``prompts/`` with declared variables in their front matter.

Rendering fails before any API call when a variable is missing or undeclared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from .errors import PromptError

_VAR = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    variables: tuple[str, ...]
    body: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def render(self, **values: str) -> str:
        missing = [v for v in self.variables if v not in values]
        extra = [v for v in values if v not in self.variables]
        if missing or extra:
            raise PromptError(f"prompt {self.name}: missing {missing}, undeclared {extra}")
        return _VAR.sub(
            lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), self.body
        )


def names() -> list[str]:
    root = resources.files("trailkeep.prompts")
    return sorted(p.name[:-3] for p in root.iterdir() if p.name.endswith(".md"))


def load(name: str) -> Prompt:
    ref = resources.files("trailkeep.prompts") / f"{name}.md"
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt named {name!r}") from exc
    if not text.startswith("---\n"):
        raise PromptError(f"prompt {name}: no front matter")
    head, _, body = text[4:].partition("\n---\n")
    meta = yaml.safe_load(head) or {}
    declared = tuple(str(v) for v in meta.get("variables", []))
    used = set(_VAR.findall(body))
    if used != set(declared):
        raise PromptError(f"prompt {name}: uses {sorted(used)}, declares {sorted(declared)}")
    return Prompt(name, declared, body, meta)
