"""End to end in a real headless Chromium (Debian `chromium` + `chromium-driver`, installed by
.ci/run with apt; never downloaded): `trailkeep ui` on a temporary home, driven as a user would.

- Ask: a note dropped into the inbox is asked about and cited.
- Nothing is fetched: a client's mail carrying a Markdown image and an <img> tag pointing at a
  local counting server is shown (Briefing, Vault, a cited answer on Ask) and the server gets
  zero requests.
- Every page opens by its own address (/ask, /vault?document=…), not "Page not found".
- A tab left open on an empty vault shows the files once the watcher has read them.
- The Briefing at desktop (1400 px) and phone (390 px) width: screenshots, "draft a reply".

Screenshots are written under pytest's tmp dir (paths printed) and copied to
build/test-artifacts/ for CI."""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from trailkeep.bench.ui import (
    CHROMEDRIVER,
    CHROMIUM,
    RENDERED_JS,
    chromium_driver,
    free_port,
    served,
)

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
NOTE = """---
date: 2026-03-02
client: acme
---
# Claims export

We first tried a CSV export but it failed because of embedded newlines in the notes fields.
We decided to ship the claims export as JSON Lines, nightly at 2am.
"""


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class UI:
    """`trailkeep ui` on a home, stopped (and checked for a clean exit) at the end."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        env = {**os.environ, "TRAILKEEP_HOME": str(home), "TRAILKEEP_EMBEDDER": "hash"}
        env.pop("ANTHROPIC_API_KEY", None)
        cmd = [sys.executable, "-m", "trailkeep.ui", "ui", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def up() -> bool:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read() if self.proc.stdout else b""
                raise AssertionError(f"trailkeep ui exited: {out.decode(errors='replace')}")
            return served(self.url("_stcore/health"))

        wait_for(up, 90, "the UI")

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=30)
        assert self.proc.returncode == 0, out.decode(errors="replace")[-2000:]
        assert b"stopped" in out


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed (CI installs them with apt)")
    d = chromium_driver()
    d.set_page_load_timeout(60)
    yield d
    d.quit()


@pytest.fixture
def browser(driver: Any) -> Any:
    driver.set_window_size(1400, 1000)
    return driver


def open_page(d: Any, url: str, timeout: float = 60) -> str:
    """Load ``url``, wait until the script has finished and the page's title shows; the text."""
    d.get(url)
    time.sleep(0.3)
    wait_for(lambda: d.execute_script(RENDERED_JS), timeout, f"{url} to render")
    return str(d.find_element("tag name", "body").text)


def page_text(d: Any) -> str:
    return str(d.find_element("tag name", "body").text)


def ask(d: Any, question: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    sel = "textarea[data-testid='stChatInputTextArea']"
    wait_for(lambda: d.find_elements(By.CSS_SELECTOR, sel), 30, "the chat input")
    box = d.find_element(By.CSS_SELECTOR, sel)
    box.send_keys(question)
    box.send_keys(Keys.ENTER)


def keep(tmp_path: Path, d: Any, name: str, width: int) -> Path:
    """A screenshot of the whole page at ``width`` CSS px (a phone's viewport under 500 px),
    the viewport grown to the content's height."""
    import base64

    mobile = width < 500

    def viewport(height: int) -> None:
        d.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        time.sleep(0.8)
        wait_for(lambda: d.execute_script(RENDERED_JS), 30, "the page after resizing")

    viewport(900)
    # The page scrolls inside Streamlit's own container: the tallest scroll height is the page's.
    height = d.execute_script(
        "return Math.max(...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight));"
    )
    viewport(min(max(int(height) + 80, 900), 10000))
    shot = d.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path = tmp_path / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)
    print(f"screenshot: {path} (copy: {ARTIFACTS / path.name})")
    return path


def test_ask_in_a_real_browser(tmp_path: Path, browser: Any) -> None:
    ui = UI(tmp_path / "home")
    try:
        (ui.home / "inbox" / "claims.md").write_text(NOTE, encoding="utf-8")
        beat = ui.home / "watcher.json"
        wait_for(lambda: beat.exists() and '"processed": 1' in beat.read_text(), 60, "ingest")
        open_page(browser, ui.url("ask"))
        ask(browser, "Why did the CSV export fail?")
        wait_for(lambda: "embedded newlines" in browser.page_source, 60, "the cited answer")
        text = page_text(browser)
        assert "[1]" in text and "Claims export" in text
        assert browser.title == "Ask your history · trailkeep"
        keep(tmp_path, browser, "ui-ask", 1400)
    finally:
        ui.stop()


class Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n")

    def log_message(self, *args: object) -> None:
        pass


def pixel_mail(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (
        "From: Cara Client <cara@acme.example>\nTo: Sam <sam@consult.example>\n"
        f"Subject: Pilot schedule ![s]({base}/subject.png)\n"
        "Date: Mon, 09 Mar 2026 10:00:00 +0100\nMessage-ID: <pixel-1@acme.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Hi Sam,\n\n"
        f"The pilot invoice schedule is below. ![x]({base}/pixel.png)\n"
        f"<img src={base}/b.png> Please confirm the pilot invoice schedule by Friday.\n"
        f'<a href="{base}/link">click</a>\n\nCara\n'
    )


def test_remote_content_in_mail_is_never_fetched(tmp_path: Path, browser: Any) -> None:
    """GIVEN a plain-text client mail with a Markdown image and an <img> tag pointing at a local
    server; WHEN the Briefing, the Vault page and a cited answer on Ask show it in Chromium;
    THEN the server got zero requests (and the page says an image was removed)."""
    from tests.output.conftest import two_client_settings
    from trailkeep.ingest import Ingestor
    from trailkeep.vault import Vault, get_embedder

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    Counter.hits = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    mail = s.inbox / "pixel.eml"
    mail.write_text(pixel_mail(server.server_address[1]), encoding="utf-8")
    Ingestor(v).ingest_paths([mail])
    v.close()
    ui = UI(s.home)
    try:
        text = open_page(browser, ui.url("?today=2026-03-10"))
        assert "pilot schedule" in text.lower() and "image removed" in text
        open_page(browser, ui.url("vault"))
        from selenium.webdriver.common.by import By

        for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary"):
            e.click()  # open every entry
        time.sleep(1)
        assert "Please confirm" in page_text(browser)
        open_page(browser, ui.url("ask"))
        ask(browser, "What is the pilot invoice schedule?")
        wait_for(lambda: "[1]" in page_text(browser), 60, "the cited answer")
        for e in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary"):
            e.click()  # open the citations: their quotes carry the markup
        time.sleep(1.5)
        body = page_text(browser)
        assert "image removed" in body and "Please confirm" in body
        imgs = browser.execute_script(
            "return Array.from(document.querySelectorAll('img')).map(i => i.src)"
        )
        assert not [i for i in imgs if "127.0.0.1:" + str(server.server_address[1]) in i]
        # nor a link to it, one click away (QA, session 7)
        hrefs = browser.execute_script(
            "return Array.from(document.querySelectorAll('a')).map(a => a.href)"
        )
        assert not [h for h in hrefs if "127.0.0.1:" + str(server.server_address[1]) in h]
        keep(tmp_path, browser, "ui-ask-no-beacon", 1400)
    finally:
        ui.stop()
        server.shutdown()
        server.server_close()
    assert Counter.hits == [], f"the browser fetched {Counter.hits}"


def test_every_page_opens_by_its_address(tmp_path: Path, browser: Any) -> None:
    ui = UI(tmp_path / "home")
    try:
        for path, title in (
            ("", "Briefing"),
            ("ask", "Ask your history"),
            ("trail", "Trail"),
            ("draft", "Draft"),
            ("invoices", "Invoices"),
            ("inbox", "Inbox"),
            ("vault?document=1", "Vault"),
            ("settings", "Settings and health"),
        ):
            text = open_page(browser, ui.url(path))
            assert "Page not found" not in text, path
            h1 = browser.find_element("css selector", "[data-testid='stMainBlockContainer'] h1")
            assert h1.text.strip() == title, (path, h1.text)
            assert browser.title == f"{title} · trailkeep"
        icon = browser.execute_script(
            "const l = document.querySelector(\"link[rel~='icon']\"); return l && l.href;"
        )
        assert icon.startswith("data:image/svg+xml")  # our own icon, inline: no request
    finally:
        ui.stop()


def test_an_open_tab_shows_files_once_they_are_read(tmp_path: Path, browser: Any) -> None:
    ui = UI(tmp_path / "home")
    try:
        assert "Your vault is empty" in open_page(browser, ui.url("ask"))
        (ui.home / "inbox" / "claims.md").write_text(NOTE, encoding="utf-8")
        # No reload: the page polls the vault and reruns itself.
        wait_for(lambda: "Your vault is empty" not in page_text(browser), 60, "the refresh")
    finally:
        ui.stop()


def test_briefing_at_desktop_and_phone_width(tmp_path: Path, browser: Any) -> None:
    from tests.output.conftest import two_client_settings
    from tests.output.test_drafts import seed
    from trailkeep.ingest import Ingestor
    from trailkeep.vault import Vault, get_embedder

    s = two_client_settings(tmp_path / "home")
    v = Vault.open(s, get_embedder("hash"))
    seed(v)
    day = s.inbox / "2026-03-10.md"
    day.write_text(
        "# Day\n\n- 2.5h acme: fixed the claims export\n- 1h beta: workshop\n\n"
        "Cara asked for the schema by March 12.\n",
        encoding="utf-8",
    )
    Ingestor(v).ingest_paths([day])
    v.close()
    ui = UI(s.home)
    try:
        text = open_page(browser, ui.url("?today=2026-03-10"))
        assert "Waiting on your reply (2)" in text and "Draft a reply" in text
        assert "Acme Health" in text and "Beta Logistics" in text
        desktop = keep(tmp_path, browser, "ui-briefing-1400", 1400)
        phone = keep(tmp_path, browser, "ui-briefing-390", 390)
        assert desktop.stat().st_size > 10_000 and phone.stat().st_size > 10_000
        # "Draft a reply" opens Draft with the message preselected.
        browser.set_window_size(1400, 1000)
        from selenium.webdriver.common.by import By

        link = next(
            a
            for a in browser.find_elements(By.CSS_SELECTOR, "a")
            if a.text.strip().endswith("Draft a reply")
        )
        link.click()
        wait_for(lambda: "/draft" in browser.current_url, 30, "the Draft page")
        time.sleep(0.5)
        wait_for(lambda: browser.execute_script(RENDERED_JS), 30, "the Draft page to render")
        assert "message=" in browser.current_url
        keep(tmp_path, browser, "ui-draft-from-briefing", 1400)
        chosen = browser.execute_script(
            "return Array.from(document.querySelectorAll(\"[data-testid='stSelectbox']\"))"
            ".map(e => e.innerText + ' ' + Array.from(e.querySelectorAll('input'))"
            ".map(i => i.value).join(' '))"
        )
        print(chosen)
        assert any("Acme Health" in c for c in chosen), chosen
        assert any("claims export" in c.lower() for c in chosen), chosen
        # The Trail chart: whole document names on its axis (a screenshot to look at).
        open_page(browser, ui.url("trail"))
        box = browser.find_element(By.CSS_SELECTOR, "input[aria-label='Topic']")
        box.send_keys("claims export\n")
        wait_for(
            lambda: browser.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']"),
            60,
            "the trail chart",
        )
        time.sleep(1.5)
        keep(tmp_path, browser, "ui-trail-1400", 1400)
        open_page(browser, ui.url("inbox"))
        keep(tmp_path, browser, "ui-inbox-390", 390)
    finally:
        ui.stop()
