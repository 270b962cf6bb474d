"""End to end in a real headless Chromium (Debian `chromium` + `chromium-driver`, installed by
.ci/run with apt; never downloaded): start `trailkeep ui` on a temporary home, drop a note into
the inbox, ask about it in the page, see the cited answer. A screenshot is kept as an artifact
(build/test-artifacts/ui-ask.png)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
NOTE = """---
date: 2026-03-02
client: acme
---
# Claims export

We first tried a CSV export but it failed because of embedded newlines in the notes fields.
We decided to ship the claims export as JSON Lines, nightly at 2am.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(cond, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def served(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def test_ask_in_a_real_browser(tmp_path: Path) -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip("chromium and chromium-driver are not installed (CI installs them with apt)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    home = tmp_path / "home"
    port = free_port()
    env = {**os.environ, "TRAILKEEP_HOME": str(home), "TRAILKEEP_EMBEDDER": "hash"}
    env.pop("ANTHROPIC_API_KEY", None)
    cmd = [sys.executable, "-m", "trailkeep.ui", "ui", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    driver = None
    try:
        wait_for(lambda: served(f"http://127.0.0.1:{port}/_stcore/health"), 60, "the UI")
        (home / "inbox" / "claims.md").write_text(NOTE, encoding="utf-8")
        beat = home / "watcher.json"
        wait_for(lambda: beat.exists() and '"processed": 1' in beat.read_text(), 60, "ingest")
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--window-size=1400,1000",
        ):
            opts.add_argument(flag)
        driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
        driver.set_page_load_timeout(60)
        driver.get(f"http://127.0.0.1:{port}/")
        box = None
        deadline = time.monotonic() + 60
        while box is None and time.monotonic() < deadline:
            found = driver.find_elements(
                By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']"
            )
            box = found[0] if found else None
            time.sleep(0.25)
        assert box is not None, "no chat input on the page"
        box.send_keys("Why did the CSV export fail?")
        box.send_keys(Keys.ENTER)
        wait_for(lambda: "embedded newlines" in driver.page_source, 60, "the cited answer")
        page = driver.find_element(By.TAG_NAME, "body").text
        assert "[1]" in page and "Claims export" in page
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "ui-ask.png"))
    finally:
        if driver is not None:
            driver.quit()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out.decode(errors="replace")[-2000:]
    assert b"stopped" in out
