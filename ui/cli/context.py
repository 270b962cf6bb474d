"""What every `trailkeep` command shares: the group, settings, the vault, output.

The edge: settings are read here once and passed down; errors from the library become messages
here (never tracebacks). Nothing heavy is imported at module level — `trailkeep --help` must not
pay for SQLAlchemy, Chroma or the embedder; each command imports what it needs when it runs.
Commands live in one module per group and are loaded on first use (:class:`LazyGroup`); other
packages add groups through the ``trailkeep.commands`` entry point (bench does).
"""

from __future__ import annotations

import errno
import functools
import importlib
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import click

if TYPE_CHECKING:
    from trailkeep.recall import Backend
    from trailkeep.vault import Filters, Settings, Vault
    from trailkeep.vault.clients import ClientSpec

SCHEMA_VERSION = 1
ENTRY_POINT_GROUP = "trailkeep.commands"


class Command(NamedTuple):
    """Where a command lives ("module:attribute", imported when it runs) and its one line in
    `trailkeep --help`, so that listing the commands imports none of them (pip keeps its
    commands the same way). The command's own `--help` shows its full docstring."""

    target: str
    summary: str


COMMANDS: dict[str, Command] = {
    "init": Command(
        "trailkeep.ui.cli.home:init", "Create the home; offer the agent session folders found."
    ),
    "status": Command(
        "trailkeep.ui.cli.home:status_cmd", "Counts, failures and where things live."
    ),
    "doctor": Command(
        "trailkeep.ui.cli.home:doctor_cmd",
        "Check that SQL, keyword index, vectors and blobs agree.",
    ),
    "retry": Command(
        "trailkeep.ui.cli.capture:retry", "Retry failed, partial and interrupted sources."
    ),
    "reindex": Command(
        "trailkeep.ui.cli.home:reindex_cmd", "Re-embed every chunk with the configured embedder."
    ),
    "forget": Command(
        "trailkeep.ui.cli.home:forget_cmd",
        "Remove material for good (tombstoned, so it does not come back).",
    ),
    "backup": Command(
        "trailkeep.ui.cli.home:backup_cmd",
        "Snapshot the vault into DEST, safe while the watcher runs.",
    ),
    "restore": Command(
        "trailkeep.ui.cli.home:restore_cmd",
        "Bring a backup back as the home: copied, checked, swapped in.",
    ),
    "migrate-to": Command(
        "trailkeep.ui.cli.home:migrate_to_cmd",
        "Move this embedded vault to PostgreSQL (+ a Chroma server).",
    ),
    "ingest": Command("trailkeep.ui.cli.capture:ingest", "Ingest files or folders."),
    "watch": Command(
        "trailkeep.ui.cli.capture:watch", "Watch the inbox and ingest files once they are stable."
    ),
    "search": Command(
        "trailkeep.ui.cli.recall:search_cmd", "Search the vault and print cited passages."
    ),
    "ask": Command(
        "trailkeep.ui.cli.recall:ask_cmd",
        "Answer from your history with citations, or say it doesn't.",
    ),
    "trail": Command(
        "trailkeep.ui.cli.recall:trail_cmd", "How a topic (or one document) evolved, in time order."
    ),
    "when": Command(
        "trailkeep.ui.cli.history:when_cmd",
        "When TEXT was first and last said, and whether it still is.",
    ),
    "diff": Command(
        "trailkeep.ui.cli.history:diff_cmd", "What changed between two versions of a document."
    ),
    "log": Command("trailkeep.ui.cli.recall:log_cmd", "The audit log of model calls."),
    "clients": Command(
        "trailkeep.ui.cli.clients:clients_grp",
        "Clients: who an entry, a document or a correspondent belongs to.",
    ),
    "client": Command("trailkeep.ui.cli.clients:client_alias", "Same as `clients`."),
    "me": Command(
        "trailkeep.ui.cli.clients:me_cmd", "Your own addresses: from config.toml [me] and inferred."
    ),
    "tag": Command(
        "trailkeep.ui.cli.tags:tag_grp",
        "Correct an entry's tags (decision, dead_end, open_question, ...).",
    ),
    "draft": Command(
        "trailkeep.ui.cli.drafting:draft_grp",
        "Draft client emails and documents from that client's history.",
    ),
    "work": Command(
        "trailkeep.ui.cli.billing:work_grp", "Billable work from notes and timesheets."
    ),
    "invoice": Command(
        "trailkeep.ui.cli.billing:invoice_grp",
        "Invoices: create, issue, mark paid, credit, render.",
    ),
    "ui": Command("trailkeep.ui.cli.app:ui_cmd", "Start the watcher and the web page together."),
    "brief": Command("trailkeep.ui.cli.brief:brief_cmd", "What needs you today."),
    "mcp": Command(
        "trailkeep.ui.cli.mcp:mcp_cmd",
        "Serve the vault to an MCP client (Claude Desktop, Claude Code).",
    ),
}


def _backend_choices() -> tuple[str, ...]:
    """--backend choices: read from the backend registry (light: providers load on use)."""
    from trailkeep.ui.backend_config import choices

    return choices()


@functools.cache
def _plugins() -> dict[str, str]:
    """Groups other packages add (scanning installed packages costs ~60 ms: done once, and only
    for `--help` or a name that is not one of ours)."""
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


class LazyGroup(click.Group):
    """The top-level group: commands are imported on first use; library errors become
    messages."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *_plugins(), *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        ours = COMMANDS.get(cmd_name)
        target = ours.target if ours else _plugins().get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        cmd = getattr(importlib.import_module(module), attr)
        if not isinstance(cmd, click.Command):
            raise TypeError(f"{target} is not a click command")
        if ours and not cmd.short_help:
            cmd.short_help = ours.summary  # the same line in `--help` before and after loading
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS` (nothing imported); other packages' groups
        are loaded for their line."""
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS and name not in self.commands:
                rows.append((name, COMMANDS[name].summary))
                continue
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    class DiskFullExit(click.ClickException):
        """A full disk is a state, not a failure: exit 75 (sysexits.h EX_TEMPFAIL, "try again
        later"), so scripts can tell the two apart."""

        exit_code = 75

    def invoke(self, ctx: click.Context) -> Any:
        from trailkeep.vault.errors import DiskFull, TrailkeepError
        from trailkeep.vault.settings import default_home
        from trailkeep.vault.space import release_reserve

        home = ctx.params.get("home")
        # On a disk filled to the last byte, the home's reserve goes back to it first, so that
        # `status` and `doctor` can still open the vault (vault/space.py).
        release_reserve(Path(home).resolve() if home else default_home(os.environ))
        try:
            return super().invoke(ctx)
        except DiskFull as exc:
            raise self._disk_full(ctx, exc) from exc
        except TrailkeepError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # ENOSPC from a layer that did not say so itself
            from trailkeep.vault.space import as_disk_full

            full = as_disk_full(exc, self._home(ctx))
            if full is not None:
                raise self._disk_full(ctx, full) from exc
            if denied := self._not_writable(ctx, exc):
                raise self.NoPermission(denied) from exc
            raise

    class NoPermission(click.ClickException):
        """The home cannot be written: exit 77 (sysexits.h EX_NOPERM)."""

        exit_code = 77

    def _not_writable(self, ctx: click.Context, exc: BaseException) -> str | None:
        """What to say when the home cannot be written — a home restored by sudo, a snapshot
        mounted read-only: every command, `search` and `status` too, ended in a traceback
        (QA, session 18). SQLite writes beside its database even to read (the lock, the
        journal), so the home must be writable."""
        home = self._home(ctx)
        cause: BaseException | None = exc
        while cause is not None:
            if (
                (isinstance(cause, PermissionError) or getattr(cause, "errno", 0) == errno.EROFS)
                and getattr(cause, "filename", None)
                and _in_home(Path(os.path.abspath(cause.filename)), home.absolute())  # type: ignore[attr-defined]
            ):
                what = cause.filename  # type: ignore[attr-defined]
                break
            if "readonly database" in str(cause):
                what = home / "trailkeep.sqlite3"
                break
            cause = cause.__cause__  # what raised it, not what was being handled (review)
        else:
            return None
        return (
            f"cannot write {what}: trailkeep writes in its home even to read (its lock and "
            f"SQLite's journal). Give yourself write access to {home} (chmod -R u+w, or chown "
            "it to you), or copy it somewhere you can write and use --home there"
        )

    @staticmethod
    def _home(ctx: click.Context) -> Path:
        from trailkeep.vault.settings import default_home

        obj = ctx.ensure_object(dict)
        if "settings" in obj:
            return Path(obj["settings"].home)
        return Path(obj["home"]) if obj.get("home") else default_home(os.environ)

    def _disk_full(self, ctx: click.Context, exc: Exception) -> click.ClickException:
        command = ctx.invoked_subcommand or "ingest"
        return self.DiskFullExit(
            f"{exc}; nothing was lost, run `trailkeep {command}` again when there is room"
        )


def _in_home(path: Path, home: Path) -> bool:
    """A file of the home's own (the vault, its lock, blobs), not one of the inbox's: a folder
    of notes the user cannot read is that folder's problem, not the home's."""
    return path.is_relative_to(home) and not path.is_relative_to(home / "inbox")


@click.group(cls=LazyGroup)
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


def settings(ctx: click.Context) -> Settings:
    from trailkeep.vault.settings import load_settings

    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        home = obj.get("home")
        obj["settings"] = load_settings(os.environ, Path(home) if home else None)
    s: Settings = obj["settings"]
    return s


def vault(ctx: click.Context) -> Vault:
    """The vault, opened once per command; what is stored is re-attributed first when
    clients.toml, ``[me]`` or an assignment changed since (notes/0013)."""
    from trailkeep.ingest.reattribution import ensure_current
    from trailkeep.vault import Vault, get_embedder, init_home

    obj = ctx.ensure_object(dict)
    if "vault" not in obj:
        s = settings(ctx)
        if not s.home.exists():
            init_home(s)
        obj["vault"] = Vault.open(s, get_embedder(s.embedder))
        ctx.call_on_close(obj["vault"].close)
        ensure_current(obj["vault"])
    v: Vault = obj["vault"]
    return v


def make_backend(s: Settings, choice: str | None) -> Backend | None:
    """The backend for `ask` and drafts (see :mod:`trailkeep.ui.backend_config`)."""
    from trailkeep.ui.backend_config import make_backend as _make
    from trailkeep.vault.errors import ConfigError

    try:
        return _make(s, choice, os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def day_of(ts: str | None) -> str:
    """The day of an ISO timestamp as the human output shows it ("2026-01-08"), "undated"
    for none."""
    return ts[:10] if ts else "undated"


# A terminal's escape sequences (CSI "ESC [", OSC "ESC ]" to BEL or ST: a title, a clipboard
# write) and the other control characters, and the bidi overrides: what the terminal would obey
# instead of showing (QA, session 14: a subject and a model's reply cleared the screen).
_ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e]")


def terminal_safe(text: object) -> str:
    """``text`` as a terminal should show it: escape sequences and control characters gone,
    line ends and tabs kept."""
    s = str(text).replace("\r\n", "\n")
    return _CONTROL.sub("", _ESCAPES.sub("", s))


def clip(text: object, limit: int = 200) -> str:
    """One line of at most ``limit`` characters, cut between words and marked "…" when cut:
    a cut inside a word misleads ("line 10: …" read as "line 1")."""
    flat = " ".join(terminal_safe(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def emit(data: dict[str, Any]) -> None:
    """Print a --json result with its schema version."""
    click.echo(json.dumps({"schema_version": SCHEMA_VERSION, **data}, ensure_ascii=False, indent=2))


def client_id(v: Vault, name: str | None) -> str | None:
    """A client id from an id, name or alias given on the command line; unknown is an error."""
    return client_spec(v, name).id if name else None


def client_spec(v: Vault, name: str) -> ClientSpec:
    """The clients.toml entry for a client given on the command line (id, name or alias; case
    and punctuation do not matter). Clients are only ever those clients.toml lists."""
    from trailkeep.vault.clients import ClientDirectory

    spec = ClientDirectory(v.settings.clients).get(name)
    if spec is None:
        known = ", ".join(f"{c.id} ({c.name})" for c in v.settings.clients)
        raise click.ClickException(
            f"unknown client {name!r}: {v.settings.clients_path} lists "
            + (known or "no clients yet (see README: clients.toml)")
        )
    return spec


class Text(click.ParamType[str]):
    """Free text a command reads (a question, a query, a topic): UTF-8, and not blank.

    A question typed in a Latin-1 terminal reaches Python with its bytes escaped (``caf\\xe9``),
    and crashed the embedder's tokenizer with a traceback; ``ask ""`` said "your history doesn't
    say" — an abstention a script could not tell from a real one (QA, session 18)."""

    name = "text"

    def __init__(self, blank: bool = False) -> None:
        self.blank = blank

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(
                f"{text.encode('utf-8', 'surrogateescape')!r} is not UTF-8 text: set the "
                "terminal's encoding to UTF-8 (LANG=en_US.UTF-8, or your language's .UTF-8)",
                param,
                ctx,
            )
        if not self.blank and not text.strip():
            self.fail("is empty: say what to look for", param, ctx)
        return text


def day_option(value: str | None) -> date:
    """A --date option (default today)."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD") from None


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


def filters(
    v: Vault,
    client: str | None,
    project: str | None = None,
    kinds: tuple[str, ...] = (),
    since: str | None = None,
    until: str | None = None,
) -> Filters:
    from trailkeep.vault import Filters

    end = _day(until, "--until")
    return Filters(
        client=client_id(v, client),
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
    f = click.option("--client", help="Only this client's scope (id, name or alias).")(f)
    return f


def backend_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--backend",
        type=click.Choice(_backend_choices()),
        help="Default: [answer] backend (auto).",
    )(f)
