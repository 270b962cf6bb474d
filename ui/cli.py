"""The `trailkeep` command. The edge: settings are read here once and passed down; errors from
the library become messages here (never tracebacks)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from trailkeep.ingest import Ingestor, Outcome, walk
from trailkeep.ingest.watcher import Watcher
from trailkeep.recall import (
    Backend,
    ask,
    document_trail,
    search,
    topic_trail,
    trail_json,
)
from trailkeep.vault import (
    ConfigError,
    Filters,
    Settings,
    TrailkeepError,
    Vault,
    doctor,
    forget,
    get_embedder,
    init_home,
    load_settings,
    reindex,
    resolve_client,
    status,
)

from .backend_config import BACKENDS
from .backend_config import make_backend as _make_backend

SCHEMA_VERSION = 1
F = TypeVar("F", bound=Callable[..., Any])


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        home = obj.get("home")
        obj["settings"] = load_settings(os.environ, Path(home) if home else None)
    s: Settings = obj["settings"]
    return s


def _vault(ctx: click.Context) -> Vault:
    obj = ctx.ensure_object(dict)
    if "vault" not in obj:
        s = _settings(ctx)
        if not s.home.exists():
            init_home(s)
        obj["vault"] = Vault.open(s, get_embedder(s.embedder))
        ctx.call_on_close(obj["vault"].close)
    v: Vault = obj["vault"]
    return v


def make_backend(s: Settings, choice: str | None) -> Backend | None:
    """The backend for `ask` and drafts (see :mod:`trailkeep.ui.backend_config`)."""
    try:
        return _make_backend(s, choice, os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps({"schema_version": SCHEMA_VERSION, **data}, ensure_ascii=False, indent=2))


def _client_id(v: Vault, name: str | None) -> str | None:
    if not name:
        return None
    cid = resolve_client(v, name)
    if cid is None:
        raise click.ClickException(f"unknown client {name!r} (see `trailkeep status`)")
    return cid


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrailkeepError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    help="Use this home instead of TRAILKEEP_HOME / the platform data dir.",
)
@click.version_option("0.1.0", prog_name="trailkeep")
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """trailkeep keeps your reasoning trail: chats, client email and field notes, cited."""
    os.umask(0o077)  # everything trailkeep (and Chroma, SQLite) writes is the user's only
    ctx.ensure_object(dict)["home"] = home


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the home (inbox, config.toml, vault) if it does not exist."""
    s = _settings(ctx)
    created = init_home(s)
    Vault.open(s, get_embedder(s.embedder)).close()
    for p in created:
        click.echo(f"created {p}")
    click.echo(f"home: {s.home}\ninbox: {s.inbox} (drop files here)")


def _progress_printer(total: int, quiet: bool) -> Callable[[Outcome], None]:
    count = {"n": 0}

    def show(out: Outcome) -> None:
        count["n"] += 1
        if quiet:
            return
        mark = {"ingested": "+", "duplicate": "=", "partial": "~", "failed": "!"}.get(
            out.status, "."
        )
        line = f"[{count['n']}/{total}] {mark} {out.path}"
        if out.error and out.status in ("failed", "partial"):
            line += f"  ({out.error[:200]})"
        click.echo(line, err=True)

    return show


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No per-file progress lines.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, quiet: bool) -> None:
    """Ingest files or folders (folders recursively; symlinks are not followed)."""
    v = _vault(ctx)
    files = list(walk(paths))

    def inside(name: str, docs: int) -> None:
        if not quiet and docs % 100 == 0:
            click.echo(f"  {name}: {docs} conversations/threads so far", err=True)

    summary = Ingestor(v, on_document=inside).ingest_paths(
        files, progress=_progress_printer(len(files), quiet)
    )
    data = {
        "ingested": summary.ingested,
        "duplicates": summary.duplicates,
        "partial": summary.partial,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "seconds": round(summary.seconds, 3),
    }
    if as_json:
        _emit(data)
    else:
        click.echo(
            f"{summary.ingested} ingested, {summary.duplicates} duplicate, {summary.partial} "
            f"partial, {summary.failed} failed, {summary.skipped} skipped "
            f"in {summary.seconds:.1f}s"
        )


@main.command()
@click.option("--once", is_flag=True, help="Ingest what is new in the inbox, then exit.")
@click.pass_context
def watch(ctx: click.Context, once: bool) -> None:
    """Watch the inbox and ingest files once they are stable. Ctrl-C stops."""
    v = _vault(ctx)
    s = v.settings

    def report(out: Outcome) -> None:
        msg = f"{out.status}: {out.path}"
        if out.error:
            msg += f" ({out.error[:200]})"
        click.echo(msg, err=True)

    w = Watcher(
        Ingestor(v),
        s.inbox,
        stable_seconds=s.stable_seconds,
        rescan_seconds=s.rescan_seconds,
        on_outcome=report,
    )
    s.inbox.mkdir(parents=True, exist_ok=True)
    if once:
        n = w.run_once()
        click.echo(f"processed {n} file(s) from {s.inbox}")
        return
    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"watching {s.inbox} (Ctrl-C to stop)", err=True)
    w.run(stop)
    click.echo("stopped", err=True)


def _day(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-03-31", param_hint=option
        ) from exc
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _filters(
    v: Vault,
    client: str | None,
    project: str | None = None,
    kinds: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
) -> Filters:
    end = _day(until, "--until")
    return Filters(
        client=_client_id(v, client),
        project=project,
        kinds=kinds,
        since=_day(since, "--since"),
        until=end + timedelta(days=1) if end else None,
    )


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--client, --project, --kind, --since, --until: the same filters on search, ask, trail."""
    f = click.option("--until", help="Up to this day (YYYY-MM-DD), inclusive.")(f)
    f = click.option("--since", help="From this day (YYYY-MM-DD).")(f)
    f = click.option(
        "--kind",
        "kinds",
        multiple=True,
        help="Entry kinds: section, message, thinking, email, attachment, ... (repeatable).",
    )(f)
    f = click.option("--project", help="Only this project.")(f)
    f = click.option("--client", help="Only this client's entries (id, name or alias).")(f)
    return f


@main.command("search")
@click.argument("query")
@click.option("-k", default=10, show_default=True, help="How many hits.")
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
    v = _vault(ctx)
    flt = _filters(v, client, project, kinds, since, until)
    hits = search(v, query, k=k, filters=flt, today=date.today())
    if as_json:
        _emit({"query": query, "hits": [h.as_json() for h in hits]})
        return
    if not hits:
        click.echo("nothing found in your history")
    for i, h in enumerate(hits, 1):
        when = h.timestamp.date().isoformat() if h.timestamp else "undated"
        flag = "" if h.current else " (superseded)"
        click.echo(f"[{i}] {h.document} — {when}{flag}  [{h.source}]")
        click.echo("    " + h.quote.strip().replace("\n", "\n    ")[:600])


@main.command("ask")
@click.argument("question")
@filter_options
@click.option("--backend", type=click.Choice(BACKENDS), help="Default: [answer] backend (auto).")
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
    v = _vault(ctx)
    b = make_backend(v.settings, backend)
    streamed: list[str] = []

    def stream(piece: str) -> None:
        streamed.append(piece)
        click.echo(piece, nl=False)

    flt = _filters(v, client, project, kinds, since, until)
    ans = ask(v, question, flt, b, on_text=None if as_json else stream, redact=v.settings.redact)
    if as_json:
        click.echo(json.dumps(ans.as_json(), ensure_ascii=False, indent=2))
        return
    if streamed:
        click.echo()
        if b is not None and ans.backend != b.name:  # the call failed: the fallback answer
            click.echo(ans.answer)
    else:
        click.echo(ans.answer)
    if ans.citations and ans.backend != "extractive":
        click.echo("\nSources:")
        for i, h in enumerate(ans.citations, 1):
            when = h.timestamp.date().isoformat() if h.timestamp else "undated"
            click.echo(f"[{i}] {h.document}, {when} [{h.source}]")
    if ans.reason:
        click.echo(f"({ans.reason}; {ans.searched})")


@main.command("trail")
@click.argument("topic", required=False)
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
    if (topic is None) == (document_id is None):
        raise click.UsageError("give a TOPIC or --document D")
    v = _vault(ctx)
    cid = _client_id(v, client)
    if document_id is not None:
        steps = document_trail(v, document_id, cid)
        label = f"document {document_id}"
    else:
        steps = topic_trail(v, str(topic), _filters(v, client, project, kinds, since, until))
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
        cur = "" if h.current else " (superseded)"
        click.echo(f"{i:>3}. {when} {h.document} [{h.kind}]{cur} {marks}".rstrip())
        click.echo("     " + " ".join(h.quote.split())[:200])
        for ln in st.links:
            click.echo(f"     ↳ {ln['kind']} entry {ln['entry_id']}")


@main.command("log")
@click.option("-n", "limit", default=20, show_default=True, help="How many calls.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def log_cmd(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The audit log of model calls: backend, model, prompt, response, tokens, latency, error."""
    v = _vault(ctx)
    calls = v.llm_calls(limit)
    if as_json:
        _emit(
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


@main.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Counts, failures and where things live."""
    v = _vault(ctx)
    st = status(v)
    if as_json:
        _emit({**st, "home": str(v.settings.home), "inbox": str(v.settings.inbox)})
        return
    src = st["sources"]
    click.echo(f"home: {v.settings.home}\ninbox: {v.settings.inbox}")
    click.echo(
        f"sources: {src['ingested']} ingested, {src['duplicates']} duplicate, "
        f"{src['partial']} partial, {src['failed']} failed, {src['pending']} pending"
    )
    click.echo(
        f"documents {st['documents']}, entries {st['entries']}, chunks {st['chunks']}, "
        f"embedded {st['embedded']}"
    )
    for f in st["failures"][:20]:
        click.echo(f"  ! {f['source']}: {f['error'][:200]}")


@main.command("doctor")
@click.option("--repair", is_flag=True, help="Fix what can be fixed (needs the writer lock).")
@click.pass_context
def doctor_cmd(ctx: click.Context, repair: bool) -> None:
    """Check that SQL, keyword index, vectors and blobs agree. Exit 1 when they do not."""
    v = _vault(ctx)
    rep = doctor(v, repair=repair)
    for line in rep.lines():
        click.echo(line)
    if repair:
        after = doctor(v)
        click.echo("after repair: " + ("consistent" if after.ok else "still inconsistent"))
        if not after.ok:
            sys.exit(1)
        return
    click.echo("consistent" if rep.ok else "INCONSISTENT (run `trailkeep doctor --repair`)")
    if not rep.ok:
        sys.exit(1)


@main.command()
@click.pass_context
def retry(ctx: click.Context) -> None:
    """Retry failed, partial and interrupted sources (from their stored bytes)."""
    v = _vault(ctx)
    summary = Ingestor(v).retry()
    click.echo(
        f"{summary.ingested} ingested, {summary.partial} partial, {summary.failed} still failing"
    )


@main.command("reindex")
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Re-embed every chunk with the configured embedder."""
    v = _vault(ctx)
    t0 = time.perf_counter()
    n = reindex(v)
    click.echo(f"re-embedded {n} chunk(s) with {v.embedder.id} in {time.perf_counter() - t0:.1f}s")


@main.command("forget")
@click.option("--source", "source_id", type=int, help="A source id (see `status --json`).")
@click.option("--document", "document_id", type=int, help="A document id.")
@click.option("--client", help="Everything of one client (id, name or alias).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def forget_cmd(
    ctx: click.Context,
    source_id: int | None,
    document_id: int | None,
    client: str | None,
    yes: bool,
) -> None:
    """Remove material for good (tombstoned, so it does not come back)."""
    if sum(x is not None for x in (source_id, document_id, client)) != 1:
        raise click.UsageError("give exactly one of --source, --document, --client")
    v = _vault(ctx)
    cid = _client_id(v, client) if client else None
    if not yes and sys.stdin.isatty():
        click.confirm("This removes it from the vault for good. Continue?", abort=True)
    rep = forget(v, source_id=source_id, document_id=document_id, client_id=cid)
    click.echo(rep.message())


@main.command(
    "bench",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench_cmd(args: tuple[str, ...]) -> None:
    """Run a benchmark and print its figures (`trailkeep bench notes --help`)."""
    from trailkeep.bench.__main__ import main as bench_main

    sys.exit(bench_main(list(args)))


@main.group("client")
def client_grp() -> None:
    """Clients: correct who an entry or document belongs to."""


@client_grp.command("set")
@click.argument("client")
@click.option("--entry", "entry_id", type=int, help="One entry (message, section, email).")
@click.option("--document", "document_id", type=int, help="Every entry of a document.")
@click.pass_context
def client_set(
    ctx: click.Context, client: str, entry_id: int | None, document_id: int | None
) -> None:
    """Give an entry or a whole document to CLIENT (id, name or alias; `none` to clear)."""
    if (entry_id is None) == (document_id is None):
        raise click.UsageError("give exactly one of --entry, --document")
    v = _vault(ctx)
    cid = None if client.lower() == "none" else _client_id(v, client)
    n = v.set_client(cid, entry_id=entry_id, document_id=document_id)
    click.echo(f"{n} entr(y/ies) now belong to {cid or 'no client'}")


from . import cli_ui, cli_work  # noqa: E402,F401  (register ui, draft, work, invoice, tag)


def run() -> None:  # pragma: no cover - console entry for `python -m`
    main(obj={})


if __name__ == "__main__":  # pragma: no cover
    run()
