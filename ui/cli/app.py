"""`trailkeep ui`: the watcher and the Streamlit app together, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from trailkeep.ui import auth

from .context import settings, vault

APP = Path(__file__).resolve().parents[1] / "app.py"


def streamlit_command(address: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "trailkeep.ui.serve",
        "run",
        str(APP),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        "1024",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--global.developmentMode",
        "false",
    ]


@click.command("ui")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--address", help="Listen address (default [ui] address, else 127.0.0.1).")
@click.option("--set-password", is_flag=True, help="Set the UI password (stored hashed).")
@click.pass_context
def ui_cmd(ctx: click.Context, port: int, address: str | None, set_password: bool) -> None:
    """Start the watcher and the web page together (Ctrl-C or SIGTERM stops both)."""
    s = settings(ctx)
    if set_password:
        pw = click.prompt("New UI password", hide_input=True, confirmation_prompt=True)
        if len(pw) < 8:
            raise click.ClickException("use at least 8 characters")
        vault(ctx)  # creates the home and config.toml when new
        auth.write_password_hash(s.config_path, auth.hash_password(pw))
        click.echo(f"password set (scrypt hash in {s.config_path})")
        return
    ui = s.extra.get("ui", {})
    ui = ui if isinstance(ui, dict) else {}
    address = address or str(ui.get("address") or "127.0.0.1")
    if not auth.is_loopback(address) and not ui.get("password_hash"):
        raise click.ClickException(
            f"refusing to listen on {address} without a password: anyone on that network could "
            "read your vault. Run `trailkeep ui --set-password` first, or use 127.0.0.1."
        )
    if not s.home.exists():
        vault(ctx)  # a new home: create it (and the vault) before two processes open it
    env = {**os.environ, "TRAILKEEP_HOME": str(s.home)}
    proc = subprocess.Popen(streamlit_command(address, port), env=env)
    # The server starts first: the ingest stack (~0.35 s of imports here) loads while it does,
    # not before it (bench/ui.py `cold_start`).
    from trailkeep.ingest import Ingestor
    from trailkeep.ingest.watcher import HEARTBEAT_FILE, Watcher
    from trailkeep.vault.lock import hold_in_use

    v = vault(ctx)
    hold_in_use(s.home, "ui")  # until this process exits: a restore refuses to swap the home
    stop = threading.Event()
    watcher = Watcher(
        Ingestor(v),
        s.inbox,
        stable_seconds=s.stable_seconds,
        rescan_seconds=s.rescan_seconds,
        sources=[r.path for r in s.sources],
        heartbeat=s.home / HEARTBEAT_FILE,
    )
    s.inbox.mkdir(parents=True, exist_ok=True)
    thread = threading.Thread(target=watcher.run, args=(stop,), name="watcher", daemon=True)
    thread.start()

    def _stop(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"trailkeep: http://{address}:{port}  (inbox {s.inbox}; Ctrl-C stops)", err=True)
    try:
        while not stop.is_set() and proc.poll() is None:
            stop.wait(0.5)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        thread.join(timeout=30)
    code = proc.returncode
    click.echo("stopped", err=True)
    if code not in (0, -signal.SIGTERM, None) and not stop.is_set():
        raise click.ClickException(f"the web app exited with {code}")
