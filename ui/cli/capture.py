"""Getting material in: ingest, watch, retry."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .context import clip, emit, vault

if TYPE_CHECKING:
    from trailkeep.ingest import Outcome


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
        if out.error and out.status in ("failed", "partial", "skipped"):
            line += f"  ({clip(out.error)})"
        if out.note:
            line += f"\n      note: {clip(out.note, 400)}"
        click.echo(line, err=True)

    return show


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No per-file progress lines.")
@click.option(
    "--wait",
    "max_wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait at most for files still being written; those still changing "
    "then are left for the next run.",
)
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], as_json: bool, quiet: bool, max_wait: float
) -> None:
    """Ingest files or folders (folders recursively; symlinks are not followed).

    A file changed in the last `stable_seconds` (config.toml) is read once its size and mtime
    stop changing, as the watcher does; one still changing after --wait is not read at all.
    A path that does not exist is an error (exit 1) once the others are ingested; a file that
    could not be read (corrupt, refused, unknown format) makes the exit status 65 once the
    others are ingested."""
    from trailkeep.ingest import CHANGING, FAILED, Ingestor, Outcome, walk
    from trailkeep.ingest.watcher import wait_until_stable

    missing = [p for p in paths if not (p.exists() or p.is_symlink())]
    if len(missing) == len(paths):
        raise click.ClickException(_no_such(missing))
    v = vault(ctx)
    t0 = time.perf_counter()
    not_files: list[Path] = []
    unlisted: list[tuple[Path, str]] = []
    files = list(walk((p for p in paths if p not in missing), not_files, unlisted))
    if not_files and not quiet:
        shown = ", ".join(str(p) for p in not_files[:3]) + (" …" if len(not_files) > 3 else "")
        click.echo(
            f"{len(not_files)} link(s), FIFO(s), device(s), socket(s) or sync conflict copies "
            f"(resolve those in the sync app) not opened: {shown}",
            err=True,
        )

    def waiting(n: int) -> None:
        if not quiet:
            click.echo(
                f"{n} file(s) changed less than {v.settings.stable_seconds:g}s ago: waiting (up "
                f"to {max_wait:g}s) until they stop changing, so none is read half written",
                err=True,
            )

    # Never read a file half written (a note saved by a sync client, a copy in progress).
    changing = set(wait_until_stable(files, v.settings.stable_seconds, max_wait, on_wait=waiting))
    ready = [f for f in files if f not in changing]

    def inside(name: str, docs: int) -> None:
        if not quiet and docs % 100 == 0:
            click.echo(f"  {name}: {docs} conversations/threads so far", err=True)

    summary = Ingestor(v, on_document=inside).ingest_paths(
        ready, progress=_progress_printer(len(ready), quiet)
    )
    for folder, why in unlisted:  # counted as failed: its notes were not read
        summary.add(Outcome(str(folder), FAILED, f"folder not read: {why}"))
        click.echo(
            f"folder not read ({why}): {folder}; its files were not ingested (give yourself "
            "read access, then run `trailkeep ingest` again)",
            err=True,
        )
    for f in files:
        if f in changing:
            summary.add(Outcome(str(f), CHANGING, "still being written"))
            click.echo(
                f"still being written, not ingested: {f} (run `trailkeep ingest` again once it "
                "is finished)",
                err=True,
            )
    summary.seconds = time.perf_counter() - t0
    data = {
        "ingested": summary.ingested,
        "duplicates": summary.duplicates,
        "partial": summary.partial,
        "failed": summary.failed,
        "skipped": summary.skipped,
        "seconds": round(summary.seconds, 3),
    }
    if as_json:
        emit(data)
    else:
        click.echo(
            # a file read again unchanged and a copy of one already read are both "already in
            # the vault": `status` counts only copies as duplicates (QA: "19 duplicate" here,
            # "0 duplicate" there, for the same folder read twice)
            f"{summary.ingested} ingested, {summary.duplicates} already in the vault, "
            f"{summary.partial} "
            f"partial, {summary.failed} failed, {summary.skipped} skipped "
            f"in {summary.seconds:.1f}s"
        )
    if missing:
        raise click.ClickException(_no_such(missing))
    if summary.failed:
        others = summary.ingested + summary.duplicates + summary.partial + summary.skipped
        raise SomeFailed(
            f"{summary.failed} file(s) could not be ingested"
            + (" (the others were)" if others else "")  # not when there were none (session 30)
            + ": `trailkeep status` lists them with the reason, `trailkeep retry` reads them again"
        )


class SomeFailed(click.ClickException):
    """Some files could not be read; the rest were ingested: exit 65 (sysexits.h EX_DATAERR),
    so a script can tell it from success (0), a usage error (1, 2) and a full disk (75)."""

    exit_code = 65


def _no_such(paths: list[Path]) -> str:
    return "\n".join(f"no such file or folder: {p}" for p in paths)


@click.command()
@click.option("--once", is_flag=True, help="Ingest what is new in the inbox, then exit.")
@click.pass_context
def watch(ctx: click.Context, once: bool) -> None:
    """Watch the inbox and ingest files once they are stable. Ctrl-C stops."""
    from trailkeep.ingest import Ingestor
    from trailkeep.ingest.watcher import HEARTBEAT_FILE, Watcher
    from trailkeep.vault.lock import hold_in_use, in_use_by

    v = vault(ctx)
    s = v.settings

    def report(out: Outcome) -> None:
        msg = f"{out.status}: {out.path}"
        if out.error:
            msg += f" ({clip(out.error)})"
        click.echo(msg, err=True)

    w = Watcher(
        Ingestor(v),
        s.inbox,
        stable_seconds=s.stable_seconds,
        rescan_seconds=s.rescan_seconds,
        sources=[r.path for r in s.sources],
        on_outcome=report,
        heartbeat=None if once else s.home / HEARTBEAT_FILE,
    )
    s.inbox.mkdir(parents=True, exist_ok=True)
    folders = [str(s.inbox), *(f"{r.path} ({r.kind})" for r in s.sources)]
    for r in s.sources:
        if not r.path.is_dir():  # a typo in config.toml must not look like "nothing new"
            click.echo(
                f"warning: [[source]] {r.path} is not a folder on this machine; nothing is "
                "read from it (config.toml)",
                err=True,
            )
    if once:
        n = w.run_once()
        click.echo(f"processed {n} file(s) from {', '.join(folders)}")
        return
    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for other in in_use_by(s.home):  # two watchers work (one writer at a time), to no gain
        click.echo(f"note: this home is already watched by {other}", err=True)
    in_use = hold_in_use(s.home, "watch")  # a restore refuses to swap the home meanwhile
    click.echo(f"watching {', '.join(folders)} (Ctrl-C to stop)", err=True)
    try:
        w.run(stop)
    finally:
        if in_use is not None:
            os.close(in_use)
    click.echo("stopped", err=True)


@click.command()
@click.pass_context
def retry(ctx: click.Context) -> None:
    """Retry failed, partial and interrupted sources (from their stored bytes). Exit 65 while
    some still fail, as `ingest`."""
    from trailkeep.ingest import Ingestor

    v = vault(ctx)
    summary = Ingestor(v).retry()
    click.echo(
        f"{summary.ingested} ingested, {summary.partial} partial, {summary.failed} still failing"
    )
    if summary.failed:
        raise SomeFailed(
            f"{summary.failed} file(s) still cannot be read: `trailkeep status` lists them with "
            "the reason"
        )
