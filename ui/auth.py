"""The UI password: stored only as an scrypt hash in config.toml (`[ui] password_hash`)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import re
import secrets
from pathlib import Path

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def is_loopback(address: str) -> bool:
    if address in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def write_password_hash(config: Path, hashed: str) -> None:
    """Set ``[ui] password_hash`` in config.toml, keeping everything else as the user wrote it."""
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    line = f'password_hash = "{hashed}"'
    m = re.search(r"(?m)^\[ui\][ \t]*$", text)
    if m:
        start = m.end()
        nxt = re.search(r"(?m)^\[", text[start:])
        end = start + nxt.start() if nxt else len(text)
        section = re.sub(r"(?m)^[ \t]*password_hash[ \t]*=.*(?:\n|$)", "", text[start:end])
        text = text[:start] + "\n" + line + section + text[end:]
    else:
        text = text.rstrip("\n") + f"\n\n[ui]\n{line}\n"
    tmp = config.with_name(config.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, config)
