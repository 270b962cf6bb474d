"""A hostile inbox under the real watcher: every bad thing at once, next to good files.

zip slip, zip bomb, a symlink pointing outside the inbox, a FIFO, a device file, a huge sparse
file, names with newlines and odd unicode, an unreadable file, binary junk. Each gets a clear
recorded error (or is ignored as junk), nothing outside the home is written, the good files are
all ingested, and the watcher keeps going."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import threading
import zipfile
from pathlib import Path

from tests.ingest.test_watcher import wait_for
from trailkeep.ingest import Ingestor, Outcome
from trailkeep.ingest.watcher import Watcher
from trailkeep.recall import search
from trailkeep.vault import Vault, status


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath).is_relative_to(skip):
            dirnames[:] = []
            continue
        for f in filenames:
            p = Path(dirpath) / f
            st = p.lstat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


def zip_bytes(members: dict[str, bytes], deflate: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_the_watcher_survives_a_hostile_inbox(vault: Vault, tmp_path: Path) -> None:
    inbox = vault.settings.inbox
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nplutonium recipe outside the inbox\n")
    before = snapshot(tmp_path, vault.settings.home)
    hostile: dict[str, str] = {}  # name -> what its error must say

    def put(name: str, data: bytes, expect: str) -> None:
        (inbox / name).write_bytes(data)
        hostile[name] = expect

    put(
        "slip.zip",
        zip_bytes({"../../../escape.md": b"# x", "conversations.json": b"[]"}),
        "",  # no conversations: nothing to write, and nothing escapes
    )
    put(
        "bomb.zip",
        zip_bytes({"conversations.json": b"[" + b" " * 40_000_000 + b"]"}, deflate=True),
        "zip bomb",
    )
    put("junk.json", os.urandom(3000), "JSON")
    put("line\nbreak.md", b"# Newline\n\nnewline name is fine\n", "")
    put("odd \u202e\u0301\U0001f600 name.md", b"# Odd\n\nunicode name is fine\n", "")
    put("truncated.mbox", b"From x\nSubject: half", "")
    # a name that is not UTF-8 (a Windows zip, a Latin-1 share): it stopped all capture, the
    # watcher's thread died (QA, session 18); read, and known by its name with the byte escaped
    latin1 = os.fsdecode(b"caf\xe9.md")
    put(latin1, b"# Cafe\n\nthe rambutan note with a Latin-1 name\n", "")
    # a link, a FIFO and a device in the folder are never opened, and no failure (session 14)
    (inbox / "link.md").symlink_to(outside / "secret.md")
    os.mkfifo(inbox / "fifo.md")
    with (inbox / "sparse.md").open("wb") as fh:
        fh.truncate(50 * 1024**3)  # 50 GB that takes no space
    hostile["sparse.md"] = "limit"
    device = inbox / "device.md"
    with contextlib.suppress(PermissionError):  # not root: the FIFO covers non-regular files
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    unreadable = inbox / "unreadable.md"
    unreadable.write_text("# u\n\nv\n")
    unreadable.chmod(0)
    good = []
    for i in range(5):
        p = inbox / f"good-{i}.md"
        p.write_text(f"# Good {i}\n\nkeepsake number {i} survives the hostile inbox\n")
        good.append(p)

    seen: list[Outcome] = []
    w = Watcher(
        Ingestor(vault), inbox, stable_seconds=0.3, rescan_seconds=60, on_outcome=seen.append
    )
    stop = threading.Event()
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    try:
        names = {Path(o.path).name for o in seen}
        assert wait_for(lambda: {p.name for p in good} <= {Path(o.path).name for o in seen}, 60), (
            names
        )
        # Still alive: a file dropped now is ingested too.
        late = inbox / "late.md"
        late.write_text("# Late\n\nthe watcher is still alive after all that\n")
        assert wait_for(lambda: any(Path(o.path).name == "late.md" for o in seen), 30)
    finally:
        stop.set()
        t.join(timeout=30)
    assert not t.is_alive()
    by_name = {Path(o.path).name: o for o in seen}
    assert {"bomb.zip", "sparse.md", "junk.json", "slip.zip"} <= set(by_name)
    assert not {"link.md", "fifo.md", "device.md"} & set(by_name)  # not opened, not failed
    for name, expect in hostile.items():
        if name not in by_name:
            continue  # e.g. a name the junk filter ignores
        o = by_name[name]
        if expect:
            assert o.status == "failed", (name, o)
            assert expect.lower() in (o.error or "").lower(), (name, o.error)
    assert by_name["line\nbreak.md"].status == "ingested"
    assert by_name["[not UTF-8] caf\\xe9.md"].status == "ingested"
    hits = search(vault, "rambutan note Latin-1", k=3)
    assert any(
        "rambutan" in h.quote and h.cited_as.startswith("[not UTF-8] caf\\xe9.md") for h in hits
    )
    assert by_name["odd \u202e\u0301\U0001f600 name.md"].status == "ingested"
    for i in range(5):
        assert search(vault, f"keepsake number {i}", k=3)
    assert all("plutonium" not in h.quote for h in search(vault, "plutonium recipe", k=20))
    # Nothing outside the home was written or changed.
    assert snapshot(tmp_path, vault.settings.home) == before
    st = status(vault)
    assert st["sources"]["pending"] == 0
