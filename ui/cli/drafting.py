"""Drafting from one client's history: `draft email`, `draft doc`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from trailkeep.prompts import DOC_KINDS

from .context import Text, backend_option, client_spec, make_backend, terminal_safe, vault

if TYPE_CHECKING:
    from trailkeep.recall.draft import Draft
    from trailkeep.vault import Vault


@click.group("draft")
def draft_grp() -> None:
    """Draft client emails and documents from that client's history, with citations."""


def _finish(v: Vault, d: Draft, as_json: bool, streamed: str) -> None:
    from trailkeep.ui import drafts

    path, outcome = drafts.save(v, d)
    if as_json:
        click.echo(
            json.dumps(
                {**d.as_json(), "path": str(path), "stored": outcome.status},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    shown = streamed.strip()
    if shown and d.backend != "extractive" and d.text.startswith(shown):
        # what streamed is the saved draft's text (masked and renumbered as it is): its
        # sources follow (QA, session 15: the terminal showed the model's own numbers)
        click.echo(terminal_safe(d.text[len(shown) :].rstrip()))
    else:
        if shown:  # a fallback, or a reply not used: the saved draft is another text
            click.echo("\n\n--- the saved draft ---")
        click.echo(terminal_safe(d.text))
    if d.reason:
        click.echo(f"\n({d.reason})", err=True)
    click.echo(f"\nsaved: {path}", err=True)


def _stream(as_json: bool, said: list[str]) -> Callable[[str], None] | None:
    if as_json:
        return None

    def out(piece: str) -> None:
        said.append(piece)
        click.echo(terminal_safe(piece), nl=False)  # a model's reply is not the terminal's

    return out


@draft_grp.command("email")
@click.option("--client", "client", required=True, help="Client id, name or alias.")
@click.option("--reply-to", "reply_to", help="Message-ID of the client's email to answer.")
@click.option(
    "--brief", type=Text(blank=True), help="What the email should say, when it is not a reply."
)
@backend_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def draft_email_cmd(
    ctx: click.Context,
    client: str,
    reply_to: str | None,
    brief: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Draft a reply (or a new email) to a client, citing what your history says."""
    from trailkeep.recall.draft import draft_email

    if (reply_to is None) == (brief is None):
        raise click.UsageError("give exactly one of --reply-to, --brief")
    if not (reply_to or brief or "").strip():  # QA, session 12: "" ended in a traceback
        raise click.UsageError("--reply-to and --brief need a value (a Message-ID, a text)")
    v = vault(ctx)
    spec = client_spec(v, client)
    streamed: list[str] = []
    d = draft_email(
        v,
        spec,
        reply_to=reply_to,
        brief=brief,
        backend=make_backend(v.settings, backend),
        on_text=_stream(as_json, streamed),
        redact=v.settings.redact,
        me_name=str(v.settings.me.get("name") or ""),
    )
    _finish(v, d, as_json, "".join(streamed))


@draft_grp.command("doc")
@click.option("--kind", required=True, type=click.Choice(DOC_KINDS))
@click.option("--topic", required=True, type=Text(blank=True))
@click.option(
    "--client",
    "client",
    help="Only this client's history (and no other's); without it, only your general material "
    "(notes, chats and drafts of no client, naming none).",
)
@backend_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def draft_doc_cmd(
    ctx: click.Context,
    kind: str,
    topic: str,
    client: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Draft a user guide, requirements, status update or meeting recap (Markdown)."""
    from trailkeep.recall.draft import draft_doc

    if not topic.strip():
        raise click.UsageError("--topic needs a value")
    v = vault(ctx)
    spec = client_spec(v, client) if client else None
    streamed: list[str] = []
    d = draft_doc(
        v,
        kind,
        topic,
        spec,
        backend=make_backend(v.settings, backend),
        on_text=_stream(as_json, streamed),
        redact=v.settings.redact,
    )
    _finish(v, d, as_json, "".join(streamed))
