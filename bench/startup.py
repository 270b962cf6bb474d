"""Command start-up (issue 16): `trailkeep --help` and `trailkeep status` timed as processes,
the way a user meets them, on an empty home made first.

    trailkeep bench startup [--runs 15]

Prints the median, min and max of each, and the load average before and after (this machine is
noisy: run it alone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import machine, median


def _trailkeep() -> list[str]:
    exe = Path(sys.executable).with_name("trailkeep")
    found = str(exe) if exe.exists() else shutil.which("trailkeep")
    return [found] if found else [sys.executable, "-m", "trailkeep.ui"]


def time_command(argv: list[str], runs: int, env: dict[str, str]) -> dict[str, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {r.stderr.strip()[:300]}")
    return {
        "median_s": round(median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench startup", description=__doc__)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args(argv)
    exe = _trailkeep()
    with tempfile.TemporaryDirectory() as tmp:
        home = str(Path(tmp) / "home")
        env = dict(os.environ, TRAILKEEP_HOME=home)
        subprocess.run([*exe, "--home", home, "status"], env=env, capture_output=True)
        load_before = os.getloadavg()
        out = {
            "machine": machine(),
            "settings": {"runs": a.runs, "home": "empty (made by a first `status`)"},
            "--help": time_command([*exe, "--help"], a.runs, env),
            "status": time_command([*exe, "--home", home, "status"], a.runs, env),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
