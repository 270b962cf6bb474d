"""Correcting and refining the trail tags."""

from __future__ import annotations

import json

import click

from .context import backend_option, make_backend, vault


@click.group("tag")
def tag_grp() -> None:
    """Correct an entry's tags (decision, dead_end, open_question, ...)."""


@tag_grp.command("add")
@click.argument("tag")
@click.option("--entry", "entry_id", type=int, required=True)
@click.option("--new", "new", is_flag=True, help="TAG is a tag of your own, not a typo.")
@click.pass_context
def tag_add(ctx: click.Context, tag: str, entry_id: int, new: bool) -> None:
    """Add TAG to an entry (your correction; origin `user`): decision, dead_end,
    open_question, revision, a tag already in use, or one of your own with --new."""
    import difflib

    v = vault(ctx)
    name = tag.strip().lower().replace("-", "_")
    known = v.known_tags()
    if name not in known and not new:
        # QA, session 19: `tag add decisoin` was stored, exit 0 — and found by nothing
        near = difflib.get_close_matches(name, known, n=1)
        raise click.UsageError(
            f"no tag {name!r} in use"
            + (f"; did you mean {near[0]!r}?" if near else "")
            + f" Known: {', '.join(known)}. To add a tag of your own, add --new."
        )
    if v.set_tag(entry_id, name, True):
        click.echo(f"entry {entry_id} already had {name!r}; it is yours now (a pass keeps it)")
    else:
        click.echo(f"entry {entry_id}: +{name}")


@tag_grp.command("remove")
@click.argument("tag")
@click.option("--entry", "entry_id", type=int, required=True)
@click.pass_context
def tag_remove(ctx: click.Context, tag: str, entry_id: int) -> None:
    """Remove TAG from an entry (a cue tag that was wrong); no later pass puts it back."""
    name = tag.strip().lower().replace("-", "_")
    if vault(ctx).set_tag(entry_id, name, False):
        click.echo(f"entry {entry_id}: -{name}")
    else:
        click.echo(
            f"entry {entry_id} had no tag {name!r}; noted, so that no later pass adds it",
            err=True,
        )


@tag_grp.command("refine")
@backend_option
@click.option(
    "--limit", type=click.IntRange(min=1), default=100, show_default=True, help="entries this run"
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def tag_refine(ctx: click.Context, backend: str | None, limit: int, as_json: bool) -> None:
    """Have the configured model confirm or reject the cue tags (needs a model backend)."""
    from trailkeep.recall.tags import refine_tags

    v = vault(ctx)
    b = make_backend(v.settings, backend)
    if b is None:
        raise click.ClickException(
            "tag refine needs a model: set ANTHROPIC_API_KEY, or [answer] openai_base_url "
            "with --backend openai-compatible (the cue tags stay as they are)"
        )
    rep = refine_tags(v, b, limit=limit, redact=v.settings.redact)
    if as_json:
        click.echo(json.dumps(rep.as_json(), indent=2))
    else:
        click.echo(
            f"{rep.reviewed} entries reviewed in {rep.calls} calls: {rep.confirmed} cue tags "
            f"confirmed, {rep.rejected} rejected (kept, hidden), {rep.added} added"
            + (
                f"; {rep.unanswered} not answered (offered again next run)"
                if rep.unanswered
                else ""
            )
        )
    if rep.error:
        raise click.ClickException(f"stopped: {rep.error}")
