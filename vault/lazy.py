"""Exports imported on first use (PEP 562), for the packages' ``__init__`` files: `trailkeep
--help` and `status` do not pay for every dependency, and type checkers still see the real
imports (each ``__init__`` imports them under ``TYPE_CHECKING``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module, relative to
    ``package`` when it starts with a dot) the first time ``name`` is asked for."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__


__all__ = ["lazy_getattr"]
