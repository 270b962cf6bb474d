"""Helpers shared by the benchmarks: percentiles, machine description, temp homes."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path

from trailkeep.vault import Settings, init_home, load_settings


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def temp_home(root: Path, embedder: str, **over: object) -> Settings:
    from dataclasses import replace

    s = load_settings({"TRAILKEEP_EMBEDDER": embedder}, root)
    if over:
        s = replace(s, **over)  # type: ignore[arg-type]
    init_home(s)
    return s
