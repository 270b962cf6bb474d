"""`trailkeep bench NAME [args]`: the benchmarks' command group, registered through the
``trailkeep.commands`` entry point (the product never imports bench)."""

from __future__ import annotations

import sys

import click


@click.command(
    "bench",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run a benchmark and print its figures (`trailkeep bench notes --help`)."""
    from trailkeep.bench.__main__ import main as bench_main

    sys.exit(bench_main(list(args)))
