"""`trailkeep mcp`: serve the vault's read-only tools over stdio (ui/mcp_server.py). The MCP
SDK is imported only when this command runs."""

from __future__ import annotations

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
        try:
            return tools()
        except click.ClickException as exc:  # clients.toml reads again but lacks the client
            raise OutOfScope(exc.format_message()) from exc

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
