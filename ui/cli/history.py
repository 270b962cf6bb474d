"""Time questions: `when` (first and last time a phrase was said, still current?) and `diff`
(what changed between two versions of a document). notes/0014-time-questions.md."""

from __future__ import annotations

import json

import click

from .context import Text, client_id, clip, day_of, vault


@click.command("when")
@click.argument("text", type=Text())
@click.option("--client", help="Only this client's scope (id, name or alias).")
@click.option("--document", "document_id", type=int, help="Only this document.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def when_cmd(
    ctx: click.Context, text: str, client: str | None, document_id: int | None, as_json: bool
) -> None:
    """When TEXT was first and last said, in which versions, and whether the current version
    still says it. An exact phrase (case, spaces, quotes and dashes do not matter); else the
    earliest and latest passages that match the topic well."""
    from trailkeep.recall.timeline import when
    from trailkeep.vault import Filters

    v = vault(ctx)
    cid = client_id(v, client)
    res = when(v, text, Filters(client=cid, document_id=document_id))
    data = res.as_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if res.match == "none":
        # within a client, say so: it may well be in another client's history (QA)
        where = "your history"
        if cid:
            where = f"{next((c.name for c in v.settings.clients if c.id == cid), cid)}'s scope"
        if document_id is not None:
            where = f"document {document_id}" + (f" within {where}" if cid else "")
        click.echo(f"“{text}” is nowhere in {where}")
        return
    what = "said" if res.match == "exact" else "the topic comes up (no exact phrase)"
    for label, a in (("first", data["first"]), ("last", data["last"])):
        click.echo(
            f"{label:>5}: {day_of(a['timestamp'])}  {a['document']} v{a['version']} "
            f"(document {a['document_id']}, entry {a['entry_id']})"
        )
        click.echo("       " + clip(a["quote"]))
    docs = data["present_in"]
    click.echo(f"{what} in " + "; ".join(_versions(d, len(docs) > 1) for d in docs))
    if len(docs) == 1:
        click.echo("in the current version: " + ("yes" if res.in_current else "no"))


def _versions(d: dict[str, object], each: bool = False) -> str:
    """A document's versions saying it; with ``each`` (several documents), whether its own
    current version still does (one "current: yes" for all read as if every one did)."""
    nums = d["versions"]
    assert isinstance(nums, list)
    now = " (in its current version)" if d["in_current"] else " (not in its current version)"
    return f"{d['document']} v{', v'.join(str(n) for n in nums)}" + (now if each else "")


@click.command("diff")
@click.option("--document", "document_id", type=int, required=True, help="The document.")
@click.option("--from", "from_n", type=int, help="Version number (default: the one before --to).")
@click.option("--to", "to_n", type=int, help="Version number (default: the current one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def diff_cmd(
    ctx: click.Context, document_id: int, from_n: int | None, to_n: int | None, as_json: bool
) -> None:
    """What changed between two versions of a document: sentences added and removed, and a
    unified diff. Versions are numbered in time order (the note's own date)."""
    from trailkeep.recall.timeline import diff

    d = diff(vault(ctx), document_id, from_n, to_n)
    if as_json:
        click.echo(json.dumps(d.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{d.document}: v{d.from_version} ({day_of(d.as_json()['from_timestamp'])}) -> "
        f"v{d.to_version} ({day_of(d.as_json()['to_timestamp'])})"
    )
    for s in d.added:
        click.echo(f"  + {s}")
    for s in d.removed:
        click.echo(f"  - {s}")
    if not d.added and not d.removed:
        click.echo("  (no sentence changed)")
    if d.unified:
        click.echo()
        click.echo(d.unified.rstrip("\n"))
