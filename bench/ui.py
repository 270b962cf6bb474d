"""UI figures: cold start of `trailkeep ui` to the first page rendered in a real browser
(Debian's chromium; HTTP health and HTML without it), the memory of the Streamlit process (idle
after start, after visiting every page, after one question), the Ask round trip with the offline
backend at N chunks, and page rerun time at N chunks (AppTest, in process).

Every run prints the settings it ran with next to the figures (embedder, chunks, starts, the
browser and its flags, the server's flags, the load average before and after)."""

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
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1400,1000",
)
# The page has rendered: the script finished its run and the page's title is on screen.
RENDERED_JS = """
const app = document.querySelector("[data-testid='stApp']");
return !!app && app.getAttribute("data-test-script-state") === "notRunning"
    && !!document.querySelector("[data-testid='stMainBlockContainer'] h1")
    && !document.querySelector("[data-testid='stSkeleton'], [data-testid='stSkeletonElement']");
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    """Resident set size of one process, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def server_pid(parent: int, timeout: float = 30) -> int:
    """The Streamlit server: the child of `trailkeep ui` running trailkeep.ui.serve."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for kids in Path(f"/proc/{parent}/task").glob("*/children"):
            for pid in kids.read_text().split():
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"trailkeep.ui.serve" in cmd:
                    return int(pid)
        time.sleep(0.05)
    raise RuntimeError("no Streamlit server process under `trailkeep ui`")


def launch(home: Path, embedder: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRAILKEEP_HOME": str(home), "TRAILKEEP_EMBEDDER": embedder}
    return subprocess.Popen(
        [sys.executable, "-m", "trailkeep.ui", "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def chromium_driver() -> Any:
    """Headless Chromium under Selenium, with the flags above (the browser test uses it too)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in CHROMIUM_FLAGS:
        opts.add_argument(f)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.get("about:blank")
    return driver


def wait_rendered(driver: Any, t0: float, timeout: float = 120) -> float:
    while not driver.execute_script(RENDERED_JS):
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"the page did not render in {timeout:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - t0


def cold_start(home: Path, embedder: str, browser: bool) -> dict[str, float]:
    """The browser is already open (as the user's is); the clock starts at `trailkeep ui`."""
    port = free_port()
    driver = chromium_driver() if browser else None
    t0 = time.perf_counter()
    proc = launch(home, embedder, port)
    out: dict[str, float] = {}
    try:
        while not served(f"http://127.0.0.1:{port}/_stcore/health"):
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("the UI did not start in 120 s")
            time.sleep(0.05)
        out["health_s"] = time.perf_counter() - t0
        served(f"http://127.0.0.1:{port}/")
        out["html_s"] = time.perf_counter() - t0
        if driver is not None:
            driver.get(f"http://127.0.0.1:{port}/")
            out["first_page_rendered_s"] = wait_rendered(driver, t0)
    finally:
        if driver is not None:
            driver.quit()
        stop(proc)
    return out


def memory(home: Path, embedder: str, settle: float, question: str | None) -> dict[str, Any]:
    """RSS of the Streamlit process idle after start (first page rendered, then `settle` s),
    after visiting every page by its link in the sidebar, and after one question on Ask."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    port = free_port()
    driver = chromium_driver()
    proc = launch(home, embedder, port)
    out: dict[str, Any] = {}
    try:
        pid = server_pid(proc.pid)
        t0 = time.perf_counter()
        while not served(f"http://127.0.0.1:{port}/_stcore/health"):
            if time.perf_counter() - t0 > 120:
                raise RuntimeError("the UI did not start in 120 s")
            time.sleep(0.05)
        driver.get(f"http://127.0.0.1:{port}/")
        wait_rendered(driver, time.perf_counter())
        time.sleep(settle)
        out["idle_after_start_mb"] = rss_mb(pid)
        links = driver.find_elements(By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink']")
        hrefs = [a.get_attribute("href") for a in links]
        pages: dict[str, float | str] = {}
        for i in range(len(hrefs)):
            link = driver.find_elements(By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink']")[i]
            name = link.text.strip()
            t0 = time.perf_counter()
            link.click()
            time.sleep(0.3)  # the click starts a rerun; wait for it to finish
            try:
                pages[name] = round(wait_rendered(driver, t0, timeout=60), 2)
            except RuntimeError:
                pages[name] = "not rendered in 60 s"
                driver.get(f"http://127.0.0.1:{port}/")
                wait_rendered(driver, time.perf_counter())
        time.sleep(settle)
        out["pages_visited_s"] = pages
        out["idle_after_every_page_mb"] = rss_mb(pid)
        if question:
            ask_link = next(
                (
                    a
                    for a in driver.find_elements(
                        By.CSS_SELECTOR, "a[data-testid='stSidebarNavLink']"
                    )
                    if a.text.strip() == "Ask"
                ),
                None,
            )
            if ask_link is not None:
                ask_link.click()
                time.sleep(0.3)
                wait_rendered(driver, time.perf_counter())
                sel = "textarea[data-testid='stChatInputTextArea']"
                box = driver.find_element(By.CSS_SELECTOR, sel)
                box.send_keys(question)
                box.send_keys(Keys.ENTER)
                time.sleep(0.5)
                wait_rendered(driver, time.perf_counter())
                time.sleep(settle)
                out["idle_after_a_question_mb"] = rss_mb(pid)
        out["watcher_process_mb"] = rss_mb(proc.pid)
    finally:
        driver.quit()
        stop(proc)
    return out


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


def starts(home: Path, embedder: str, n: int, browser: bool) -> dict[str, Any]:
    runs = [cold_start(home, embedder, browser) for _ in range(n)]
    return {
        "median": {k: round(median([r[k] for r in runs]), 2) for k in runs[0]},
        "min": {k: round(min(r[k] for r in runs), 2) for k in runs[0]},
        "max": {k: round(max(r[k] for r in runs), 2) for k in runs[0]},
        "all_first_page_s": [round(r.get("first_page_rendered_s", r["html_s"]), 2) for r in runs],
    }


def settings_used(a: argparse.Namespace, browser: bool) -> dict[str, Any]:
    from trailkeep.ui.cli.app import streamlit_command

    def chromium_version() -> str:
        try:
            out = subprocess.run(
                [shutil.which("chromium") or "chromium", "--version"],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout
        except OSError:
            return "not installed"
        return out.strip().splitlines()[-1] if out.strip() else "unknown"

    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except OSError:
        rev = "?"
    return {
        "machine": machine(),
        "git_head": rev,
        "embedder": a.embedder,
        "chunks": a.chunks,
        "starts": a.starts,
        "runs": a.runs,
        "settle_s": a.settle,
        "browser": chromium_version() if browser else "none (HTTP only)",
        "browser_flags": list(CHROMIUM_FLAGS) if browser else [],
        "server_flags": streamlit_command("127.0.0.1", 0)[3:],
        "first_page": "script finished (stApp notRunning) and the page title (h1) shown",
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench ui", description=__doc__)
    ap.add_argument("--chunks", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--settle", type=float, default=10.0, help="seconds idle before an RSS read")
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    ap.add_argument("--skip-ask", action="store_true", help="skip the in-process ask/rerun part")
    a = ap.parse_args(argv)
    browser = bool(shutil.which("chromium") and shutil.which("chromedriver"))
    out: dict[str, Any] = {"settings": settings_used(a, browser)}
    root = Path(tempfile.mkdtemp(prefix="tk-ui-"))
    empty = temp_home(root / "empty", a.embedder)
    s = temp_home(root / "home", a.embedder)
    v = Vault.open(s, get_embedder(a.embedder))
    build(v, a.chunks, clients=(None,))
    if not a.skip_ask:
        lat = []
        for q in QUESTIONS:
            ask(v, q)
        for i in range(a.runs):
            t0 = time.perf_counter()
            ask(v, QUESTIONS[i % len(QUESTIONS)])
            lat.append((time.perf_counter() - t0) * 1000)
        out["ask_offline_ms_p50"] = round(median(lat), 1)
        out["ask_offline_ms_p95"] = round(pct(lat, 0.95), 1)
    v.close()

    def done(key: str, value: Any) -> None:  # each figure as soon as it is known (stderr)
        out[key] = value
        print(json.dumps({key: value}), file=sys.stderr, flush=True)

    done("cold_start_empty_vault", starts(empty.home, a.embedder, a.starts, browser))
    done(f"cold_start_{a.chunks}_chunks", starts(s.home, a.embedder, a.starts, browser))
    if browser:
        done("memory_empty_vault", memory(empty.home, a.embedder, a.settle, None))
        done(f"memory_{a.chunks}_chunks", memory(s.home, a.embedder, a.settle, QUESTIONS[0]))
    if not a.skip_ask:
        out.update(page_reruns(s.home, a.embedder, a.runs))
    out["settings"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))
    shutil.rmtree(root, ignore_errors=True)
    return 0
