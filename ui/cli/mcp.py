"""`trailkeep mcp`: serve the vault's read-only tools over stdio (ui/mcp_server.py). The MCP
SDK is imported only when this command runs."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .context import client_id, make_backend, vault


@click.command("mcp")
@click.option("--client", help="Confine every tool to this client's scope (id, name or alias).")
@click.pass_context
def mcp_cmd(ctx: click.Context, client: str | None) -> None:
    """Serve search, ask, trail, when, get_entry and brief to an MCP client (Claude Desktop,
    Claude Code) over stdin/stdout. Read-only. With --client, no tool returns anything outside
    that client's scope. `ask` answers extractively unless a backend is configured."""
    from trailkeep.ui.mcp_server import OutOfScope, Tools, serve
    from trailkeep.vault.errors import ConfigError

    def tools() -> Tools:
        v = vault(ctx)
        return Tools(v, client_id(v, client), make_backend(v.settings, None))

    def again() -> Tools:
        """The tools on settings read now, the vault re-attributed with them: nothing is kept
        from a try that failed (review: a vault kept from a try whose re-attribution failed
        was served un-re-attributed; settings kept from a try that lacked the client refused
        every later call)."""
        from trailkeep.ingest.reattribution import ensure_current
        from trailkeep.vault import Vault, get_embedder, init_home
        from trailkeep.vault.settings import load_settings

        home = ctx.ensure_object(dict).get("home")
        s = load_settings(os.environ, Path(home) if home else None)
        if not s.home.exists():
            init_home(s)
        v = Vault.open(s, get_embedder(s.embedder))
        try:
            ensure_current(v)
            made = Tools(v, client_id(v, client), make_backend(v.settings, None))
        except click.ClickException as exc:  # clients.toml reads again but lacks the client
            v.close()
            raise OutOfScope(exc.format_message()) from exc
        except BaseException:
            v.close()
            raise
        ctx.call_on_close(v.close)
        return made

    try:
        ready = tools()
    except ConfigError as exc:
        # clients.toml or config.toml does not read: served anyway, each call being that
        # error until the file reads (an MCP client shows a call's error to the user; a
        # server that exits is only "disconnected" there). Nothing is served meanwhile.
        click.echo(f"trailkeep mcp: {exc} (each call says so until the file reads)", err=True)
        serve(again, client)
        return
    serve(ready)
