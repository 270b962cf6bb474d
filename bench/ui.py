"""UI figures: cold start of `trailkeep ui` to a served page (HTTP health, HTML, and — when
Debian's chromium is installed — the Ask page rendered in a real browser), the Ask round trip
with the offline backend at N chunks, and page rerun time at N chunks (AppTest, in process)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from trailkeep.recall import ask
from trailkeep.vault import Vault, get_embedder

from .common import machine, median, pct, temp_home
from .scale import build

QUESTIONS = [
    "what did we decide about the nightly claims export?",
    "why did the registry import fail?",
    "which schema field did the client revise?",
    "when is the backup restore audit?",
    "how do we match duplicate patient records?",
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def cold_start(home: Path, embedder: str, browser: bool) -> dict[str, float]:
    """The browser is already open (as the user's is); the clock starts at `trailkeep ui`."""
    port = _port()
    env = {**os.environ, "TRAILKEEP_HOME": str(home), "TRAILKEEP_EMBEDDER": embedder}
    driver = _driver() if browser else None
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "trailkeep.ui", "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict[str, float] = {}
    try:
        while not _get(f"http://127.0.0.1:{port}/_stcore/health"):
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("the UI did not start in 120 s")
            time.sleep(0.05)
        out["health_s"] = time.perf_counter() - t0
        _get(f"http://127.0.0.1:{port}/")
        out["html_s"] = time.perf_counter() - t0
        if driver is not None:
            out["ask_page_rendered_s"] = _rendered(driver, port, t0)
    finally:
        if driver is not None:
            driver.quit()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    return out


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for f in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(f)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts
    )
    driver.get("about:blank")
    return driver


def _rendered(driver: Any, port: int, t0: float) -> float:
    from selenium.webdriver.common.by import By

    driver.get(f"http://127.0.0.1:{port}/")
    sel = "textarea[data-testid='stChatInputTextArea']"
    while not driver.find_elements(By.CSS_SELECTOR, sel):
        if time.perf_counter() - t0 > 120:
            raise RuntimeError("the Ask page did not render in 120 s")
        time.sleep(0.05)
    return time.perf_counter() - t0


def page_reruns(home: Path, embedder: str, runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    import trailkeep.ui

    os.environ["TRAILKEEP_HOME"] = str(home)
    os.environ["TRAILKEEP_EMBEDDER"] = embedder
    view = Path(trailkeep.ui.__file__).resolve().parent / "views" / "ask.py"
    at = AppTest.from_file(str(view), default_timeout=120)
    at.run()  # first run opens the vault (cached for the process afterwards)
    plain, asked = [], []
    for i in range(runs):
        t0 = time.perf_counter()
        at.run()
        plain.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        at.chat_input[0].set_value(QUESTIONS[i % len(QUESTIONS)]).run()
        asked.append((time.perf_counter() - t0) * 1000)
        at.session_state["ask_history"] = []
    return {
        "rerun_ms_p50": round(median(plain), 1),
        "rerun_ms_p95": round(pct(plain, 0.95), 1),
        "rerun_with_ask_ms_p50": round(median(asked), 1),
        "rerun_with_ask_ms_p95": round(pct(asked, 0.95), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench ui", description=__doc__)
    ap.add_argument("--chunks", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    a = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="tk-ui-"))
    s = temp_home(root / "home", a.embedder)
    v = Vault.open(s, get_embedder(a.embedder))
    build(v, a.chunks, clients=(None,))
    lat = []
    for q in QUESTIONS:
        ask(v, q)
    for i in range(a.runs):
        t0 = time.perf_counter()
        ask(v, QUESTIONS[i % len(QUESTIONS)])
        lat.append((time.perf_counter() - t0) * 1000)
    v.close()
    browser = bool(shutil.which("chromium") and shutil.which("chromedriver"))
    starts = [cold_start(s.home, a.embedder, browser) for _ in range(a.starts)]
    out: dict[str, Any] = {
        "machine": machine(),
        "embedder": a.embedder,
        "chunks": a.chunks,
        "ask_offline_ms_p50": round(median(lat), 1),
        "ask_offline_ms_p95": round(pct(lat, 0.95), 1),
        "cold_start": {k: round(median([st[k] for st in starts]), 2) for k in starts[0]},
        "cold_start_max": {k: round(max(st[k] for st in starts), 2) for k in starts[0]},
        "starts": len(starts),
        **page_reruns(s.home, a.embedder, a.runs),
    }
    print(json.dumps(out, indent=2))
    return 0
