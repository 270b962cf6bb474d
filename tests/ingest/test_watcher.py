"""The real watcher (watchdog thread) on a real inbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from trailkeep.ingest import Ingestor, Outcome
from trailkeep.ingest.watcher import StabilityTracker, Watcher
from trailkeep.vault import Vault, status


def wait_for(cond: Callable[[], bool], timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


@contextmanager
def watching(w: Watcher) -> Iterator[Watcher]:
    """``w`` running in its own thread until the block ends (stopped and joined then)."""
    stop = threading.Event()
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    try:
        assert wait_for(lambda: w.state == "watching")
        yield w
    finally:
        stop.set()
        t.join(timeout=10)
    assert not t.is_alive()


def sourced(vault: Vault, seen: list[Outcome], source: Path) -> Watcher:
    """A watcher of the inbox and one ``[[source]]`` folder, rescanning only hourly: what it
    reads, it heard."""
    return Watcher(
        Ingestor(vault),
        vault.settings.inbox,
        stable_seconds=0.2,
        rescan_seconds=3600,
        on_outcome=seen.append,
        sources=[source],
    )


@pytest.fixture
def running(vault: Vault) -> Iterator[tuple[Watcher, list[Outcome]]]:
    seen: list[Outcome] = []
    w = Watcher(
        Ingestor(vault),
        vault.settings.inbox,
        stable_seconds=0.3,
        rescan_seconds=60,
        on_outcome=seen.append,
    )
    stop = threading.Event()
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    assert wait_for(lambda: w.state == "watching")
    yield w, seen
    stop.set()
    t.join(timeout=10)
    assert not t.is_alive()


def test_drop_is_ingested_once_and_junk_ignored(
    vault: Vault, running: tuple[Watcher, list[Outcome]]
) -> None:
    _, seen = running
    inbox = vault.settings.inbox
    (inbox / ".DS_Store").write_bytes(b"\x00junk")
    (inbox / "report.md.part").write_text("# partial download")
    (inbox / "note.md").write_text("# Drop\n\nwatched folder works\n")
    assert wait_for(lambda: any(o.path.endswith("note.md") for o in seen))
    time.sleep(0.8)
    assert [Path(o.path).name for o in seen] == ["note.md"]
    assert status(vault)["sources"]["ingested"] == 1


def test_half_written_file_is_ingested_when_stable(
    vault: Vault, running: tuple[Watcher, list[Outcome]]
) -> None:
    _, seen = running
    p = vault.settings.inbox / "slow.md"
    with p.open("w") as fh:
        for i in range(6):  # keeps changing for longer than the stability delay
            fh.write(f"# Part {i}\n\nline {i}\n\n")
            fh.flush()
            time.sleep(0.15)
    assert wait_for(lambda: any(o.path.endswith("slow.md") for o in seen))
    time.sleep(0.6)
    outs = [o for o in seen if o.path.endswith("slow.md")]
    assert len(outs) == 1 and outs[0].status == "ingested"
    with vault.engine.connect() as c:
        from sqlalchemy import text

        n = c.execute(text("SELECT COUNT(*) FROM entry WHERE key LIKE '%Part %'")).scalar_one()
    assert n == 6  # the complete file, not a prefix


def test_bad_file_does_not_stop_the_watcher(
    vault: Vault, running: tuple[Watcher, list[Outcome]]
) -> None:
    w, seen = running
    inbox = vault.settings.inbox
    (inbox / "bad.md").write_bytes(b"\x00\x00")
    import os

    os.mkfifo(inbox / "fifo.md")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "good.md").write_text("# Good\n\nstill running\n")
    assert wait_for(lambda: any(o.path.endswith("good.md") for o in seen))
    assert any(o.path.endswith("bad.md") and o.status == "failed" for o in seen)
    assert w.state == "watching"


def test_catch_up_scan_skips_unchanged_files_without_hashing(vault: Vault) -> None:
    inbox = vault.settings.inbox
    for i in range(3):
        (inbox / f"n{i}.md").write_text(f"# N{i}\n\nbody {i}\n")
    w = Watcher(Ingestor(vault), inbox, stable_seconds=0.05)
    assert w.run_once(timeout=20) == 3
    assert w.scan() == 0  # nothing queued: (size, mtime) match what was recorded
    (inbox / "n1.md").write_text("# N1\n\nchanged while stopped\n")
    w2 = Watcher(Ingestor(vault), inbox, stable_seconds=0.05)
    assert w2.run_once(timeout=20) == 1


def test_one_pass_stops_on_clients_toml_broken_during_it(vault: Vault) -> None:
    """Session 29: `watch --once` read clients.toml at its start only; one broken during the
    pass (a duplicate id) must stop it with the error, as at the start — nothing read under a
    guess. The files wait for the next pass, unread."""
    from trailkeep.vault.errors import TrailkeepError

    inbox = vault.settings.inbox
    for i in range(3):
        (inbox / f"n{i}.md").write_text(f"# N{i}\n\nbody {i}\n")
    w = Watcher(Ingestor(vault), inbox, stable_seconds=5.0)  # still unread when it breaks
    raised: list[BaseException] = []

    def once() -> None:
        try:
            w.run_once(timeout=30)
        except BaseException as exc:  # kept to assert on
            raised.append(exc)

    t = threading.Thread(target=once)
    t.start()
    time.sleep(0.3)
    twice = '[[client]]\nid = "acme"\nname = "Acme"\n'
    (vault.settings.home / "clients.toml").write_text(twice + twice)
    t.join(30)
    assert not t.is_alive()
    assert len(raised) == 1 and isinstance(raised[0], TrailkeepError), raised
    assert "acme" in str(raised[0]) and w.state == "stopped"
    assert status(vault)["documents"] == 0  # nothing read under a guess


def test_a_replacement_keeping_size_and_mtime_is_read(vault: Vault) -> None:
    """QA, session 14: a sync tool (or ``rsync -t``) writing a corrected file of the same size
    with the old mtime was seen by ``ingest`` but never by the watcher."""
    import os

    inbox = vault.settings.inbox
    note = inbox / "n.md"
    note.write_text("# Plan\n\nWe ship on Monday.\n")
    w = Watcher(Ingestor(vault), inbox, stable_seconds=0.05)
    assert w.run_once(timeout=20) == 1
    before = os.stat(note)
    time.sleep(0.02)  # the replacement's change time is later than the read
    fixed = inbox / ".n.md.sync"
    fixed.write_text("# Plan\n\nWe ship on Friday.\n")
    os.utime(fixed, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(fixed, note)
    after = os.stat(note)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert w.scan() == 1
    assert Watcher(Ingestor(vault), inbox, stable_seconds=0.05).run_once(timeout=20) == 1
    with vault.engine.connect() as c:
        from sqlalchemy import text

        said = (
            c.execute(
                text(
                    "SELECT e.text FROM entry e JOIN version v ON v.id = e.version_id WHERE v.current"
                )
            )
            .scalars()
            .all()
        )
    assert any("Friday" in t for t in said) and not any("Monday" in t for t in said), said
    assert w.scan() == 0  # read once more, then quiet: no hashing on every rescan


def test_a_source_folder_made_after_the_start_is_watched(vault: Vault) -> None:
    """QA, session 14: a `[[source]]` folder created while the watcher ran was read only at
    the next rescan (five minutes by default)."""
    later = vault.settings.home / "later-notes"
    seen: list[Outcome] = []
    with watching(sourced(vault, seen, later)):
        later.mkdir()
        (later / "first.md").write_text("# First\n\nin a folder made later\n")
        assert wait_for(lambda: any(o.path.endswith("first.md") for o in seen))
        (later / "second.md").write_text("# Second\n\nheard by its watch\n")
        assert wait_for(lambda: any(o.path.endswith("second.md") for o in seen))


def test_the_heartbeat_counts_the_files_of_a_batch_not_yet_read(vault: Vault) -> None:
    """QA, session 14: the files taken for a pass left the queue, so a bulk drop being read
    was reported as nothing pending."""
    import json

    inbox = vault.settings.inbox
    for i in range(5):
        (inbox / f"b{i}.md").write_text(f"# B{i}\n\nbody {i}\n")
    beat = vault.settings.home / "watcher.json"
    told: list[int] = []

    def heard(out: Outcome) -> None:
        w.beat(force=True)
        told.append(json.loads(beat.read_text())["pending"])

    w = Watcher(Ingestor(vault), inbox, stable_seconds=0.05, on_outcome=heard, heartbeat=beat)
    assert w.run_once(timeout=20) == 5
    assert told[0] >= 4 and told == sorted(told, reverse=True), told
    w.beat(force=True)
    assert json.loads(beat.read_text())["pending"] == 0


def test_the_heartbeat_goes_on_inside_a_long_file(vault: Vault) -> None:
    """New user's trial, session 29: while a 2,000-message mbox was read, no heartbeat was
    written — `status` said the watcher was not running and its file "interrupted". Each
    message read inside a file may beat (at most every two seconds)."""
    inbox = vault.settings.inbox
    beat = vault.settings.home / "watcher.json"
    w = Watcher(Ingestor(vault), inbox, stable_seconds=0.05, heartbeat=beat)
    box = inbox / "big.mbox"
    box.write_text(
        "".join(
            f"From x@y.example Mon Mar  2 10:00:00 2026\nFrom: x@y.example\nSubject: n{i}\n"
            f"Message-ID: <n{i}@y.example>\n\nmessage number {i}\n\n"
            for i in range(3)
        )
    )
    assert not beat.exists()
    assert w.ingestor.ingest_file(box).status == "ingested"
    assert beat.exists()


def test_stability_tracker_with_injected_clock(tmp_path: Path) -> None:
    now = [0.0]
    t = StabilityTracker(2.0, clock=lambda: now[0])
    p = tmp_path / "f.md"
    p.write_text("x")
    import os

    os.utime(p)  # fresh mtime: not old enough to be ready at once
    t.observe(p)
    assert t.ready() == []
    now[0] = 1.0
    assert t.ready() == []
    now[0] = 2.5
    assert t.ready() == [p]
    assert len(t) == 0


def test_a_stop_is_taken_between_two_files_of_a_batch(vault: Vault) -> None:
    """QA, session 14: Ctrl-C or SIGTERM waited for the whole batch (59 s for 1,200 new
    files). The watcher stops between two files; what it did not read waits for the next
    start, and the heartbeat counted each file as it went."""
    inbox = vault.settings.inbox
    for i in range(40):
        (inbox / f"n{i:02}.md").write_text(f"# N{i}\n\nbatch note number {i}\n")
    stop = threading.Event()
    seen: list[Outcome] = []

    def three_then_stop(o: Outcome) -> None:
        seen.append(o)
        if len(seen) == 3:
            stop.set()  # as the signal handler does

    w = Watcher(Ingestor(vault), inbox, stable_seconds=0.0, on_outcome=three_then_stop)
    t = threading.Thread(target=w.run, args=(stop,), daemon=True)
    t.start()
    t.join(timeout=60)
    assert not t.is_alive() and len(seen) == 3 and w.processed == 3
    rest = Watcher(Ingestor(vault), inbox, stable_seconds=0.0)
    assert rest.run_once(timeout=60) == 37  # the next start reads the rest


def test_a_source_folder_kept_as_a_link_is_read_and_watched(vault: Vault, tmp_path: Path) -> None:
    """QA, session 14: a `[[source]]` folder that is a link into a synced drive (the user
    named it) was refused whole, by `ingest` and the watcher. A link inside it is still not
    followed."""
    real = tmp_path / "Dropbox" / "notes"
    real.mkdir(parents=True)
    (real / "first.md").write_text("# First\n\nread through the link\n")
    (tmp_path / "secret.md").write_text("# Secret\n\nnot under the folder\n")
    (real / "inner.md").symlink_to(tmp_path / "secret.md")
    link = tmp_path / "notes"
    link.symlink_to(real)
    seen: list[Outcome] = []
    with watching(sourced(vault, seen, link)):
        assert wait_for(lambda: any(o.path.endswith("first.md") for o in seen))
        (real / "second.md").write_text("# Second\n\nheard through the link\n")
        assert wait_for(lambda: any(o.path.endswith("second.md") for o in seen))
    assert {Path(o.path).name: o.status for o in seen} == {
        "first.md": "ingested",
        "second.md": "ingested",
    }
    assert all(Path(o.path).parent == link for o in seen)  # kept under the name the user gave


def test_a_folder_deleted_and_made_again_is_watched_again(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review, session 15: on ext4 a folder made again often has its old inode number, so the
    dead watch of the deleted folder was kept (until the next rescan). Here every folder has the
    same (device, inode), so only the folder's own "deleted" event can renew the watch."""
    import shutil

    import trailkeep.ingest.watcher as watcher_module

    monkeypatch.setattr(watcher_module, "_dir_id", lambda p: (0, 0) if Path(p).is_dir() else None)
    src = vault.settings.home / "src"
    src.mkdir()
    seen: list[Outcome] = []
    with watching(sourced(vault, seen, src)):
        (src / "before.md").write_text("# Before\n\nheard\n")
        assert wait_for(lambda: any(o.path.endswith("before.md") for o in seen))
        shutil.rmtree(src)
        time.sleep(0.5)
        src.mkdir()
        time.sleep(0.5)
        (src / "after.md").write_text("# After\n\nin the folder made again\n")
        assert wait_for(lambda: any(o.path.endswith("after.md") for o in seen))
