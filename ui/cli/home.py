"""The home and the vault's health: init, status, doctor, reindex, forget, backup, restore,
migrate-to."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .context import client_id, clip, emit, settings, vault

if TYPE_CHECKING:
    from trailkeep.vault.settings import Settings

AGENT_FOLDERS = (("~/.claude/projects", "claude-code"), ("~/.codex/sessions", "codex"))


@click.command()
@click.option(
    "--sources/--no-sources",
    default=None,
    help="Read the coding-agent session folders found on this machine in place "
    "(default: ask when interactive).",
)
@click.pass_context
def init(ctx: click.Context, sources: bool | None) -> None:
    """Create the home (inbox, config.toml, vault) if it does not exist, and offer the
    coding-agent session folders found on this machine as watched sources."""
    from trailkeep.vault import Vault, get_embedder, init_home

    s = settings(ctx)
    created = init_home(s)
    Vault.open(s, get_embedder(s.embedder)).close()
    for p in created:
        click.echo(f"created {p}")
    click.echo(f"home: {s.home}\ninbox: {s.inbox} (drop files here)")
    _clients_hint(s.clients_path)
    known = {r.path for r in s.sources}
    for folder, kind in AGENT_FOLDERS:
        path = Path(folder).expanduser()
        if not path.is_dir() or path in known:
            continue
        take = sources
        if take is None and sys.stdin.isatty():
            take = click.confirm(f"Read {kind} sessions from {path} in place?", default=True)
        if take:
            with s.config_path.open("a", encoding="utf-8") as fh:
                fh.write(f'\n[[source]]\npath = "{path}"\nkind = "{kind}"\n')
            click.echo(f"watching {path} ({kind}, read in place)")
        else:
            click.echo(f"found {path}: `trailkeep init --sources` reads its {kind} sessions")
    for r in s.sources:
        click.echo(f"source: {r.path} ({r.kind}{'' if r.path.is_dir() else ', missing'})")


@click.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Counts, failures and where things live."""
    from trailkeep.ingest.quick import quick_status
    from trailkeep.vault import get_embedder
    from trailkeep.vault.errors import ConfigError

    try:
        s = settings(ctx)
    except ConfigError as exc:
        _status_while_clients_toml_is_broken(ctx, exc, as_json)
        raise
    # a current embedded vault is read as it is, without SQLAlchemy (ingest/quick.py)
    st = quick_status(s, get_embedder(s.embedder).id) if s.home.exists() else None
    if st is None:
        from trailkeep.vault import status

        v = vault(ctx)
        s = v.settings
        st = status(v)
    _report(s, st, as_json)


def _status_while_clients_toml_is_broken(ctx: click.Context, exc: Exception, as_json: bool) -> None:
    """What is stored and what waits, while clients.toml does not read (session 22: `status`
    printed only the error). Read as stored: nothing is re-attributed on a file that does not
    read. The caller then fails with the error, so a script sees a non-zero exit."""
    from trailkeep.ingest.quick import stored_status
    from trailkeep.vault import get_embedder
    from trailkeep.vault.settings import default_home, load_settings

    home = ctx.ensure_object(dict).get("home")
    path = Path(home) if home else default_home(os.environ)
    if getattr(exc, "path", None) != str(path.resolve() / "clients.toml"):
        return  # config.toml itself: nothing can be read safely
    s = load_settings(os.environ, path, clients=False)
    st = stored_status(s, get_embedder(s.embedder).id) if s.home.exists() else None
    if st is None:
        return
    _report(s, {**st, "clients_error": str(exc)}, as_json)
    if not as_json:
        click.echo(
            "! clients.toml does not read: nothing new is attributed, drafted or answered for a "
            "client, and the watcher holds new files, until it does",
            err=True,
        )


def _report(s: Settings, st: dict[str, Any], as_json: bool) -> None:
    """`status`'s output for the counts ``st`` of the vault of ``s``."""
    from trailkeep.ingest.heartbeat import watcher_state

    w = watcher_state(s.home)
    running = w.get("state") != "not running"
    watcher = {
        "state": str(w.get("state", "unknown")),
        "pending": _count(w.get("pending")) if running else 0,
        "processed": _count(w.get("processed")),
        "last_error": str(w["last_error"]) if w.get("last_error") else None,
    }
    # the clients clients.toml lists now (the vault remembers removed ones, for attribution:
    # they are no clients; QA, session 17)
    listed = {c.id for c in s.clients}
    if "clients_error" not in st:  # else the clients as the vault stored them
        st = {**st, "clients": [c for c in st.get("clients", []) if c["id"] in listed]}
    if as_json:
        emit({**st, "home": str(s.home), "inbox": str(s.inbox), "watcher": watcher})
        return
    src = st["sources"]
    click.echo(f"home: {s.home}\ninbox: {s.inbox}")
    click.echo(
        f"sources: {src['ingested']} ingested, {src['duplicates']} duplicate of another file, "
        f"{src['partial']} partial, {src['failed']} failed, {src['interrupted']} interrupted"
    )
    # the watcher's own queue: a bulk drop it is still reading is not "0 pending" (QA, session
    # 14); another process's watcher says it through its heartbeat
    if watcher["state"] == "not running":
        click.echo(f"watcher: not running ({w.get('detail', '')})")
    else:
        click.echo(
            f"watcher: {watcher['state']}, {watcher['pending']} file(s) waiting to be read, "
            f"{watcher['processed']} read since it started"
        )
        if watcher["last_error"]:
            click.echo(f"  ! {clip(str(watcher['last_error']))}")
    click.echo(
        f"documents {st['documents']}, entries {st['entries']}, chunks {st['chunks']}, "
        f"embedded {st['embedded']}"
    )
    for f in st["failures"][:20]:
        click.echo(f"  ! {f['source']}: {clip(f['error'])}")
    waiting = int((st.get("unattributed") or {}).get("entries") or 0)
    if waiting:  # in no client's scope until the user says (QA, session 17: status was silent)
        click.echo(f"{waiting} part(s) belong to no client yet: `trailkeep clients review`")
    _clients_hint(s.clients_path)


def _count(value: object) -> int:
    """A count from the watcher's heartbeat (another process wrote it: 0 when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0
    try:
        return max(0, int(value))
    except ValueError:
        return 0


def _clients_hint(path: Path) -> None:
    """Without clients.toml nothing is anyone's: say where it goes and what it holds (QA)."""
    if path.exists():
        return
    click.echo(
        f"no clients yet: write {path} to give mail, notes, chats and hours to your clients "
        "(what is already in the vault is re-attributed when it appears), e.g.\n"
        '  [[client]]\n  name = "Acme Health"\n  id = "acme"\n  domains = ["acme.example"]\n'
        '  rate = "150.00"\n  currency = "USD"'
    )


@click.command("doctor")
@click.option("--repair", is_flag=True, help="Fix what can be fixed (needs the writer lock).")
@click.pass_context
def doctor_cmd(ctx: click.Context, repair: bool) -> None:
    """Check that SQL, keyword index, vectors and blobs agree. Exit 1 when they do not."""
    from trailkeep.vault import doctor

    v = vault(ctx)
    rep = doctor(v, repair=repair)
    for line in rep.lines():
        click.echo(line)
    if damaged := v.paths_holding([*rep.missing_blobs, *rep.corrupt_blobs]):
        # no repair can make an original up (QA, session 9: "run --repair", again and again)
        click.echo(
            "originals missing or damaged — --repair cannot rebuild them; ingest the file "
            "again (the same bytes mend it) or restore a backup: " + ", ".join(damaged[:10])
        )
    if repair:
        after = doctor(v)
        click.echo("after repair: " + ("consistent" if after.ok else "still inconsistent"))
        if not after.ok:
            sys.exit(1)
        return
    if not rep.ok and rep.only_waiting:
        # chunks not embedded yet (a full disk, an interrupted ingest) are work to do, not
        # damage: the next ingest or the watcher embeds them (QA, session 11)
        click.echo(
            f"consistent; {len(rep.not_embedded)} chunk(s) wait for their vectors (the next "
            "ingest, the watcher or `trailkeep doctor --repair` embeds them)"
        )
        return
    click.echo("consistent" if rep.ok else "INCONSISTENT (run `trailkeep doctor --repair`)")
    if not rep.ok:
        sys.exit(1)


@click.command("reindex")
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Re-embed every chunk with the configured embedder."""
    from trailkeep.vault import reindex

    v = vault(ctx)
    t0 = time.perf_counter()
    n = reindex(v)
    click.echo(f"re-embedded {n} chunk(s) with {v.embedder.id} in {time.perf_counter() - t0:.1f}s")


@click.command("forget")
@click.option(
    "--source",
    "source",
    help="A file as it was ingested (its path; every version read from it), or a source id.",
)
@click.option("--document", "document_id", type=int, help="A document id.")
@click.option("--client", help="Everything of one client (id, name or alias).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def forget_cmd(
    ctx: click.Context,
    source: str | None,
    document_id: int | None,
    client: str | None,
    yes: bool,
) -> None:
    """Remove material for good (tombstoned, so it does not come back)."""
    from trailkeep.vault import forget

    if sum(x is not None for x in (source, document_id, client)) != 1:
        raise click.UsageError("give exactly one of --source, --document, --client")
    if not yes and not sys.stdin.isatty():
        # Fail closed: a script or a pipe cannot answer the question, so it must say --yes
        raise click.UsageError("forget removes material for good: confirm with --yes")
    v = vault(ctx)
    cid = client_id(v, client) if client else None
    sources: list[int | None] = [None]
    if source is not None:
        sources = [int(source)] if source.isdigit() else list(v.sources_at(os.path.abspath(source)))
        if (
            not sources
            and not source.isdigit()
            and os.path.basename(source) == source
            and not os.path.exists(source)  # a file here that was never read is not another
        ):
            # the name a citation shows ("[a5_forward.eml]"): the one file of that name
            # (new user's trial, session 30: only the full path was taken, and not said)
            paths = v.paths_named(source)
            if len(paths) > 1:
                raise click.ClickException(
                    f"{len(paths)} files called {source} were ingested: give one's path ("
                    + ", ".join(paths[:5])
                    + ")"
                )
            sources = list(v.sources_at(paths[0])) if paths else []
            if sources:
                click.echo(f"{source}: the file read from {paths[0]}")
        if not sources:
            # not found, as `--document 999` (exit 1), not a usage error (QA, session 14)
            raise click.ClickException(
                f"no source was ingested from {source} (give the file's name as a citation "
                "shows it, its path, or a source id)"
            )
    if not yes:
        click.confirm("This removes it from the vault for good. Continue?", abort=True)
    for sid in sources:
        rep = forget(v, source_id=sid, document_id=document_id, client_id=cid)
        click.echo(rep.message())


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def backup_cmd(ctx: click.Context, dest: Path) -> None:
    """Snapshot the vault (SQL, vectors, blobs, config) into DEST, safe while the watcher runs."""
    from trailkeep.vault.backup import backup

    rep = backup(vault(ctx), dest)
    if rep.cleared_cut:
        click.echo(f"{dest} held a backup cut before it finished; it was replaced", err=True)
    click.echo(
        f"backed up to {rep.path}: {rep.blobs} blob(s), {rep.bytes / 1e6:.1f} MB in "
        f"{rep.seconds:.1f}s (writers paused {rep.locked_seconds:.2f}s)"
    )
    if rep.missing_blobs or rep.corrupt_blobs:
        raise click.ClickException(
            f"the vault lacks {len(rep.missing_blobs)} and holds {len(rep.corrupt_blobs)} "
            "damaged original file(s): this backup copies that damage and will not restore "
            "until they are fixed. `trailkeep doctor` names them; drop the originals into the "
            "inbox again (or restore an older backup) and back up again."
        )


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a vault in the home; it is kept at <home>.before-restore (one copy).",
)
@click.option(
    "--keep-forgotten",
    is_flag=True,
    help="Bring back what the replaced vault forgot since the backup was made (to undo a "
    "forget made by mistake); by default those forgets hold in the restored vault.",
)
@click.pass_context
def restore_cmd(ctx: click.Context, src: Path, force: bool, keep_forgotten: bool) -> None:
    """Bring a backup back as the home: copied beside it, checked, then swapped in whole."""
    from trailkeep.vault.backup import restore_home

    rep = restore_home(src, settings(ctx), force=force, keep_forgotten=keep_forgotten)
    for note in rep.notes:
        click.echo(note, err=True)
    if rep.moved:
        click.echo(
            f"the previous vault was moved to {rep.moved}"
            + (" (replacing the copy kept there before)" if rep.replaced else "")
        )
    click.echo(
        f"restored into {rep.home}: {rep.doctor.chunks} chunk(s), {rep.blobs} original file(s), "
        f"checked by doctor before it replaced anything ({rep.seconds:.1f}s)"
    )
    if rep.forgotten_again:
        click.echo(
            "what was forgotten in the replaced vault since this backup was made is forgotten "
            "in the restored one too (its forgets hold; `restore --keep-forgotten` brings it "
            "back, to undo a forget made by mistake)"
        )
    if rep.doctor.not_embedded:
        click.echo(
            f"{len(rep.doctor.not_embedded)} chunk(s) have no vector from the configured "
            "embedder yet: the next ingest embeds them (or run `trailkeep reindex`)"
        )


@click.command("migrate-to")
@click.option("--database", "database_url", required=True, help="postgresql+psycopg://...")
@click.option("--chroma", "chroma_url", help="http://host:port of a Chroma server.")
@click.option("--chroma-token", help="The Chroma server's auth token, if it needs one.")
@click.option(
    "--blobs",
    "blobs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy the original bytes here (a shared folder); default: leave them.",
)
@click.pass_context
def migrate_to_cmd(
    ctx: click.Context,
    database_url: str,
    chroma_url: str | None,
    chroma_token: str | None,
    blobs_dir: Path | None,
) -> None:
    """Move this embedded vault to PostgreSQL (+ a Chroma server), checked by comparing dumps."""
    from trailkeep.vault import get_embedder
    from trailkeep.vault.transfer import migrate_to

    v = vault(ctx)
    rep = migrate_to(
        v, get_embedder(v.settings.embedder), database_url, chroma_url, chroma_token, blobs_dir
    )
    click.echo(
        f"copied {sum(rep.rows.values())} rows, {rep.vectors} vectors, {rep.blobs} blobs; "
        f"dumps {'equal' if rep.dumps_equal else 'DIFFER'}"
    )
    if not rep.dumps_equal:
        raise click.exceptions.Exit(1)
    click.echo("Now point config.toml at the servers ([vault] database_url, chroma_url, blobs).")
