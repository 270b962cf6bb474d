"""Small, careful edits of the user's own files (config.toml, clients.toml): one key changed,
everything else kept as the user wrote it (comments, order), the result checked before it
replaces the file atomically (0600)."""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

from trailkeep.vault.clients import (
    ClientDirectory,
    ClientSpec,
    parse_clients,
    public_mail_domain,
)
from trailkeep.vault.errors import ConfigError


def _write(path: Path, text: str) -> None:
    """Replace the file the path names (through a symlink: the link stays a link; QA, session
    17: a linked clients.toml became a copy, and edits to the real one were never seen), never
    one the user made read-only."""
    path = Path(os.path.realpath(path))
    if path.exists() and not (path.stat().st_mode & 0o222):  # read-only, even for root
        raise ConfigError(str(path), "the file is read-only: nothing was changed")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _array_item(text: str, key: str) -> re.Pattern[str]:
    """``key = value`` on its line(s): a one-line value, or an array up to the ``]`` that
    ends a line (a comment may follow it)."""
    return re.compile(
        rf"(?m)^[ \t]*{re.escape(key)}[ \t]*=[ \t]*(\[[^\n]*\][ \t]*(#[^\n]*)?|"
        rf"\[(?:[^\]]|\n)*?\n[ \t]*\][ \t]*(#[^\n]*)?|\"[^\"\n]*\"[^\n]*|[^\n]*)$"
    )


def _with_comment(line: str) -> Callable[[re.Match[str]], str]:
    """A replacement: ``line``, and the comment that followed the value it replaces."""
    return lambda m: line + _comment(m)


def _comment(m: re.Match[str]) -> str:
    """The comment that followed the value replaced, kept after the new one."""
    said = m.group(2) or m.group(3)
    return f"  {said}" if said else ""


def set_key(path: Path, section: str, key: str, literal: str) -> None:
    """Set ``[section] key = literal`` (a TOML literal) in a config file."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    line = f"{key} = {literal}"
    m = re.search(rf"(?m)^\[{re.escape(section)}\][ \t]*(#[^\n]*)?$", text)  # a comment may follow
    if m:
        # In place when the key is there, else at the end of the section: the section's own
        # comments stay where the user (or `init`) wrote them (QA, session 10: the line went
        # above the [me] comment, and a blank line appeared each time).
        start = m.end()
        nxt = re.search(r"(?m)^\[", text[start:])
        end = start + nxt.start() if nxt else len(text)
        part = text[start:end]
        rx = _array_item(part, key)
        if rx.search(part):
            part = rx.sub(lambda m: line + _comment(m), part, count=1)
        else:
            part = part.rstrip("\n") + "\n" + line + "\n" + ("\n" if nxt else "")
        text = text[:start] + part + text[end:]
    else:
        text = text.rstrip("\n") + f"\n\n[{section}]\n{line}\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # never leave the user a broken file
        raise ConfigError(str(path), f"could not set {section}.{key}: {exc}") from exc
    _write(path, text)


_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def own_address_problem(address: str, clients: tuple[ClientSpec, ...]) -> str | None:
    """Why ``address`` cannot be one of the user's own addresses, or None. A client's address
    (listed, or at a client's domain) marked as the user's would make that client's mail the
    user's own replies: its threads would stop waiting, its messages lose their client (QA,
    session 7: the Settings page took one silently)."""
    a = address.strip().lower()
    if not _ADDRESS.fullmatch(a):
        return f"{address.strip()!r} is not an email address"
    cid = ClientDirectory(clients).by_address(a)
    if cid is not None:
        name = next((c.name for c in clients if c.id == cid), cid)
        return (
            f"{a} is {name}'s (clients.toml lists it or its domain), so it cannot be yours; "
            "if it really is yours, take it out of clients.toml first"
        )
    return None


def set_me_emails(config: Path, emails: list[str]) -> None:
    """``[me] emails`` in config.toml."""
    set_key(config, "me", "emails", json.dumps(sorted(set(emails))))


def same_domain(inferred: Iterable[str], listed: Iterable[str]) -> list[str]:
    """Of the addresses inferred as the user's, those at the domain of an address they list
    now: theirs too, kept in [me] when listing one narrows what is inferred. Not at a public
    mail domain, where anyone can have an address."""
    domains = {a.strip().lower().rsplit("@", 1)[-1] for a in listed if "@" in a}
    domains = {d for d in domains if not public_mail_domain(d)}
    return sorted(a for a in inferred if a.rsplit("@", 1)[-1] in domains)


def set_me_not(config: Path, emails: list[str]) -> None:
    """``[me] not_emails`` in config.toml: addresses never inferred as the user's."""
    set_key(config, "me", "not_emails", json.dumps(sorted(set(emails))))


def _field_for(key: str) -> tuple[str, str]:
    """(clients.toml field, value) for a review key: an address, a domain, label:…, path:…."""
    if key.startswith("label:"):
        return "aliases", key.split(":", 1)[1]
    if key.startswith("path:"):
        return "paths", key.split(":", 1)[1]
    if "@" in key:
        return "emails", key.lower()
    return "domains", key.lower()


def remember(clients: Path, client_id: str, key: str) -> str:
    """Add what a review key names to the client's entry in clients.toml (an address to
    ``emails``, a domain to ``domains``, a label to ``aliases``, a folder to ``paths``).
    Returns the field changed. The new file is checked (unambiguous) before it is written."""
    text = clients.read_text(encoding="utf-8") if clients.exists() else ""
    # a header may carry a comment (QA, session 17: such a table was not seen, and the one
    # before it took its lines)
    starts = [m.start() for m in re.finditer(r"(?m)^\[\[client\]\][ \t]*(#[^\n]*)?$", text)]
    field, value = _field_for(key)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        block = text[start:end]
        table = tomllib.loads(block)["client"][0]
        name = str(table.get("name", ""))
        from trailkeep.vault.clients import slug

        if str(table.get("id") or slug(name)) != client_id:
            continue
        have = [str(x) for x in table.get(field, [])]
        if value in have:
            return field
        literal = json.dumps([*have, value])
        rx = _array_item(block, field)
        if rx.search(block):
            block = rx.sub(_with_comment(f"{field} = {literal}"), block, count=1)
        else:
            block = (
                block.rstrip("\n") + f"\n{field} = {literal}\n" + ("\n" if end < len(text) else "")
            )
        new = text[:start] + block + text[end:]
        _check_one_value_added(text, new, i, field, value, clients)
        parse_clients(tomllib.loads(new), clients)  # refuses an ambiguous result
        _write(clients, new)
        return field
    raise ConfigError(str(clients), f"no [[client]] with id {client_id!r}")


def _check_one_value_added(
    old: str, new: str, index: int, field: str, value: str, path: Path
) -> None:
    """The edited file must say what the old one said plus ``value`` in client ``index``'s
    ``field``, and nothing else: a text edit of a TOML file the user wrote can misread it
    (QA, session 17: a comment after an array made the edit delete the next line, a client's
    domains), and the user's file is the truth."""
    try:
        before = tomllib.loads(old)
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"could not add {value!r} safely: {exc}") from exc
    want = copy.deepcopy(before)  # TOML dates are no JSON
    table = want["client"][index]
    table[field] = [*table.get(field, []), value]
    if after != want:
        raise ConfigError(
            str(path),
            f"could not add {value!r} to {field} safely (the file is written in a way this edit "
            f"does not follow): nothing was changed; add it by hand under [[client]] "
            f"#{index + 1}",
        )


def restore(path: Path, before: bytes | None) -> None:
    """Put back what a file held before an edit (None: it did not exist)."""
    if before is None:
        Path(os.path.realpath(path)).unlink(missing_ok=True)
    else:
        _write(path, before.decode("utf-8"))


__all__ = ["remember", "restore", "same_domain", "set_key", "set_me_emails", "set_me_not"]
