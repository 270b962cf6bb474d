"""Asking the history: search, ask, trail, and the model-call log."""

from __future__ import annotations

import json
from datetime import date

import click

from .context import (
    Text,
    backend_option,
    client_id,
    clip,
    day_of,
    emit,
    filter_options,
    filters,
    make_backend,
    terminal_safe,
    vault,
)


@click.command("search")
@click.argument("query", type=Text())
@click.option(
    "-k", type=click.IntRange(min=1), default=10, show_default=True, help="How many hits."
)
@filter_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search_cmd(
    ctx: click.Context,
    query: str,
    k: int,
    client: str | None,
    project: str | None,
    kinds: tuple[str, ...],
    since: str | None,
    until: str | None,
    as_json: bool,
) -> None:
    """Search the vault (keywords + meaning) and print cited passages."""
    from trailkeep.recall import search

    v = vault(ctx)
    flt = filters(v, client, project, kinds, since, until)
    hits = search(v, query, k=k, filters=flt, today=date.today())
    if as_json:
        emit({"query": query, "hits": [h.as_json() for h in hits]})
        return
    if not hits:
        click.echo("nothing found in your history")
    for i, h in enumerate(hits, 1):
        when = h.timestamp.date().isoformat() if h.timestamp else "undated"
        flag = "" if h.current else " (superseded)"
        click.echo(f"[{i}] {h.document} — {when}{flag}  [{h.cited_as}]")
        click.echo("    " + h.quote.strip().replace("\n", "\n    ")[:600])


@click.command("ask")
@click.argument("question", type=Text())
@filter_options
@backend_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ask_cmd(
    ctx: click.Context,
    question: str,
    client: str | None,
    project: str | None,
    kinds: tuple[str, ...],
    since: str | None,
    until: str | None,
    backend: str | None,
    as_json: bool,
) -> None:
    """Answer from your history with citations, or say plainly that it doesn't say."""
    from trailkeep.recall import ask

    v = vault(ctx)
    b = make_backend(v.settings, backend)
    streamed: list[str] = []

    def stream(piece: str) -> None:
        streamed.append(piece)
        click.echo(terminal_safe(piece), nl=False)  # a model's reply is not the terminal's

    flt = filters(v, client, project, kinds, since, until)
    ans = ask(v, question, flt, b, on_text=None if as_json else stream, redact=v.settings.redact)
    if as_json:
        click.echo(json.dumps(ans.as_json(), ensure_ascii=False, indent=2))
        return
    if streamed:
        click.echo()
        if "".join(streamed).strip() != ans.answer:
            # a fallback (the call failed, the reply was cut or cited nothing) or a reply read
            # otherwise than it streamed: what stands is the answer below (QA, session 15)
            fell_back = b is not None and ans.backend != b.name
            click.echo(
                "\n--- the model's reply above was not used; from your history instead ---"
                if fell_back
                else "\n--- the answer ---"
            )
            click.echo(terminal_safe(ans.answer))
    else:
        click.echo(terminal_safe(ans.answer))
    if ans.citations and ans.backend != "extractive":
        click.echo("\nSources:")
        for i, h in enumerate(ans.citations, 1):
            when = h.timestamp.date().isoformat() if h.timestamp else "undated"
            click.echo(f"[{i}] {h.document}, {when} [{h.cited_as}]")
    if ans.reason:
        click.echo(f"({ans.reason}; {ans.searched})")
    if ans.abstained and ans.closest:
        click.echo("\nClosest, but not an answer:")
        for h in ans.closest:
            when = h.timestamp.date().isoformat() if h.timestamp else "undated"
            quote = " ".join(h.quote.split())
            click.echo(f"- {clip(quote, 160)}\n  — {h.document}, {when} [{h.cited_as}]")


@click.command("trail")
@click.argument("topic", required=False, type=Text())
@click.option("--document", "document_id", type=int, help="One document's trail instead.")
@filter_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def trail_cmd(
    ctx: click.Context,
    topic: str | None,
    document_id: int | None,
    client: str | None,
    project: str | None,
    kinds: tuple[str, ...],
    since: str | None,
    until: str | None,
    as_json: bool,
) -> None:
    """How a topic (or one document) evolved: entries in time order with links and tags."""
    from trailkeep.recall import document_trail, topic_trail, trail_json

    if (topic is None) == (document_id is None):
        raise click.UsageError("give a TOPIC or --document D")
    v = vault(ctx)
    cid = client_id(v, client)
    if document_id is not None:
        steps = document_trail(v, document_id, cid)
        label = f"document {document_id}"
    else:
        steps = topic_trail(v, str(topic), filters(v, client, project, kinds, since, until))
        label = str(topic)
    if as_json:
        click.echo(json.dumps(trail_json(label, steps), ensure_ascii=False, indent=2))
        return
    if not steps:
        click.echo("nothing in your history about that")
    for i, st in enumerate(steps, 1):
        h = st.hit
        when = h.timestamp.date().isoformat() if h.timestamp else "undated"
        marks = " ".join(f"#{t}" for t in st.tags)
        # a passage later versions kept word for word is still what the note says (QA, session
        # 14: the current version of a decision was shown as "superseded", the newer one hidden)
        kept = st.unchanged_until or {}
        cur = "" if h.current or kept.get("current") else " (superseded)"
        # a note's section by its heading ("Portal login > Decision"), not the note's title alone
        name = h.title if h.title.startswith(f"{h.document} > ") else h.document
        click.echo(f"{i:>3}. {when} {name} [{h.kind}]{cur} {marks}".rstrip())
        click.echo("     " + clip(h.quote))
        for cue in st.cues:
            click.echo(f"     #{cue['tag']}: {clip(cue['sentence'], 160)}")
        if kept:
            still = ", still current" if kept.get("current") else ""
            click.echo(f"     unchanged on it through v{kept['version']}{still}")
            rest = kept.get("rest_changed")
            if rest:
                click.echo(f"     the rest of the passage changed by v{kept['version']}:")
                for sentence in rest["added"][:5]:
                    click.echo(f"       + {clip(sentence, 160)}")
                for sentence in rest["removed"][:5]:
                    click.echo(f"       - {clip(sentence, 160)}")
        for sentence in st.changed.get("added", [])[:5]:
            click.echo(f"     + {clip(sentence, 160)}")
        for sentence in st.changed.get("removed", [])[:5]:
            click.echo(f"     - {clip(sentence, 160)}")
        if st.changed_mind:
            m = st.changed_mind
            click.echo(
                f"     changed mind: “{m.get('from')}” ({day_of(m.get('from_date'))}) → "
                f"“{m.get('to')}” ({day_of(m.get('to_date'))})"
            )
        if st.order_note:  # same time; a reply dated before its question
            click.echo(f"     ({st.order_note})")
        for ln in st.links:
            click.echo(f"     ↳ {ln['kind']} entry {ln['entry_id']}")


@click.command("log")
@click.option(
    "-n",
    "limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many calls.",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def log_cmd(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The audit log of model calls: backend, model, prompt, response, tokens, latency, error."""
    v = vault(ctx)
    calls = v.llm_calls(limit)
    if as_json:
        emit(
            {
                "calls": [
                    {k: (str(x) if k == "created_at" else x) for k, x in c.items()} for c in calls
                ]
            }
        )
        return
    if not calls:
        click.echo("no model calls yet")
    for c in calls:
        status = f"error: {c['error']}" if c["error"] else f"{c['output_tokens']} tokens out"
        click.echo(
            f"#{c['id']} {c['created_at']} {c['purpose']} {c['backend']}/{c['model']} "
            f"{c['latency_ms']} ms, {status}"
        )
