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
    from trailkeep.ui.mcp_server import Tools, serve

    v = vault(ctx)
    tools = Tools(v, client_id(v, client), make_backend(v.settings, None))
    serve(tools)
