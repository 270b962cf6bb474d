"""`trailkeep ingest` end to end: paths that do not exist, files still being written."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import server_env, write_note
from trailkeep.ui.cli import main


def cli(home: Path, *args: str) -> Result:
    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}
    return CliRunner().invoke(main, ["--home", str(home), *args], env=env, obj={})


def stored(home: Path, words: str) -> list[str]:
    r = cli(home, "search", words, "--json")
    assert r.exit_code == 0, r.output
    return [h["quote"] for h in json.loads(r.stdout)["hits"]]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    assert cli(h, "init").exit_code == 0
    return h


def stable_seconds(home: Path, seconds: float) -> None:
    cfg = home / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text.replace("# stable_seconds = 1.0", f"stable_seconds = {seconds}"), encoding="utf-8"
    )


def slow_writer(path: Path, lines: int, pause: float) -> threading.Thread:
    """A note written a line at a time, as an editor or a sync client might."""

    def write() -> None:
        with path.open("w", encoding="utf-8") as fh:
            for i in range(1, lines + 1):
                fh.write(f"line {i} about the zebra{i} enclosure\n")
                fh.flush()
                time.sleep(pause)

    t = threading.Thread(target=write, daemon=True)
    t.start()
    return t


def test_a_path_that_does_not_exist_is_an_error_and_the_others_are_ingested(
    home: Path, tmp_path: Path
) -> None:
    # GIVEN one note that exists and one path that does not
    note = tmp_path / "kept.md"
    note.write_text("# Kept\n\nthe quokka budget was approved\n", encoding="utf-8")
    missing = tmp_path / "nonexistent"
    # WHEN both are ingested
    r = cli(home, "ingest", str(missing), str(note))
    # THEN the missing one is named in an error, the exit is 1, and the note is stored
    assert r.exit_code == 1, r.output
    assert f"no such file or folder: {missing}" in r.stderr
    assert "1 ingested" in r.stdout
    assert stored(home, "quokka budget")


def test_only_paths_that_do_not_exist_fail_at_once(home: Path, tmp_path: Path) -> None:
    r = cli(home, "ingest", str(tmp_path / "nonexistent"), "--json")
    assert r.exit_code == 1, r.output
    assert f"no such file or folder: {tmp_path / 'nonexistent'}" in r.stderr
    assert r.stdout == ""


def test_files_that_fail_to_parse_make_the_exit_status_65(home: Path, tmp_path: Path) -> None:
    # GIVEN a corrupt export beside a good note
    bad = tmp_path / "in" / "bad.json"
    bad.parent.mkdir()
    bad.write_text("{not json", encoding="utf-8")
    write_note(bad.parent, "good.md", "# Good\n\nthe good note\n")
    # WHEN the folder is ingested
    r = cli(home, "ingest", str(bad.parent), "--json")
    # THEN the good note is in, the summary counts the failure, and a script can tell (65:
    # sysexits' EX_DATAERR; a full disk is 75, success 0)
    assert r.exit_code == 65, r.output
    assert json.loads(r.stdout) | {"seconds": 0} == {
        "schema_version": 1,
        "ingested": 1,
        "duplicates": 0,
        "partial": 0,
        "failed": 1,
        "skipped": 0,
        "seconds": 0,
    }
    assert "1 file(s) could not be ingested (the others were)" in r.stderr
    assert "trailkeep retry" in r.stderr
    # a bad file alone: no "others" (new user's trial, session 30)
    alone = cli(home, "ingest", str(bad))
    assert alone.exit_code == 65 and "could not be ingested: `trailkeep status`" in alone.stderr
    # AND once nothing fails, the status is 0 again
    bad.unlink()
    assert cli(home, "ingest", str(bad.parent)).exit_code == 0


def test_a_link_or_fifo_in_a_folder_is_not_opened_and_no_failure(
    home: Path, tmp_path: Path
) -> None:
    """QA, session 14: a notes folder holding a symlink made `ingest` exit 65 for good, the
    link listed as a failure that `retry` never cleared."""
    folder = tmp_path / "notes"
    write_note(folder, "good.md", "# Good\n\nthe good note\n")
    (folder / "link.md").symlink_to(folder / "good.md")
    os.mkfifo(folder / "pipe.md")
    r = cli(home, "ingest", str(folder), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["failed"] == 0 and json.loads(r.stdout)["ingested"] == 1
    assert "2 link(s), FIFO(s), device(s), socket(s) or sync conflict copies" in r.stderr
    assert cli(home, "status").exit_code == 0


def test_a_note_still_being_written_is_read_once_it_is_complete(home: Path, tmp_path: Path) -> None:
    # GIVEN a note written over about three seconds (stable_seconds is 1.0 by default)
    note = tmp_path / "slow.md"
    writer = slow_writer(note, 10, 0.3)
    time.sleep(0.5)
    # WHEN it is ingested while the writer is still at it
    r = cli(home, "ingest", str(note), "--json")
    writer.join()
    # THEN the whole note is stored, not the part written so far
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["ingested"] == 1
    quotes = " ".join(stored(home, "zebra10 enclosure"))
    assert "zebra10" in quotes and "zebra1 " in quotes


def test_a_note_that_keeps_changing_is_left_for_later_never_half_read(
    home: Path, tmp_path: Path
) -> None:
    # GIVEN a note written over four seconds, and one finished long ago
    old = tmp_path / "old.md"
    old.write_text("# Old\n\nthe platypus report\n", encoding="utf-8")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    note = tmp_path / "slow.md"
    writer = slow_writer(note, 10, 0.4)
    time.sleep(0.3)
    # WHEN they are ingested with at most one second of waiting
    r = cli(home, "ingest", "--wait", "1", str(old), str(note), "--json")
    writer.join()
    # THEN the old one is stored, the changing one is named and not stored at all
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["ingested"], data["skipped"]) == (1, 1)
    assert f"still being written, not ingested: {note}" in r.stderr
    assert stored(home, "platypus report")
    assert not any("zebra" in q for q in stored(home, "zebra1 enclosure"))
    # and ingesting it again once finished stores all of it
    r = cli(home, "ingest", str(note), "--json")
    assert json.loads(r.stdout)["ingested"] == 1
    assert any("zebra10" in q for q in stored(home, "zebra10 enclosure"))


def test_old_files_cost_no_wait(home: Path, tmp_path: Path) -> None:
    # GIVEN a long stability delay and a folder of files last changed an hour ago
    stable_seconds(home, 60)
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(5):
        p = folder / f"n{i}.md"
        p.write_text(f"# N{i}\n\nbody {i}\n", encoding="utf-8")
        os.utime(p, (time.time() - 3600, time.time() - 3600))
    # WHEN the folder is ingested
    t0 = time.monotonic()
    r = cli(home, "ingest", str(folder), "--json")
    # THEN nothing waited for the delay
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["ingested"] == 5
    assert time.monotonic() - t0 < 30


def aged(folder: Path) -> float:
    """Date every file of ``folder`` an hour ago (nothing still being written); that time."""
    old = time.time() - 3600
    for p in folder.iterdir():
        os.utime(p, (old, old))
    return old


def test_an_empty_note_is_skipped_not_failed(home: Path) -> None:
    """QA, session 18: the empty "Untitled.md" Obsidian makes before a word is typed was
    quarantined, listed in `status`, and made every `ingest` of the folder exit 65. It is
    skipped, said, and read once it has text."""
    inbox = home / "inbox"
    (inbox / "Untitled.md").write_text("  \n")
    (inbox / "reply.eml").write_bytes(b"")  # any new empty file (new user's trial, session 29)
    write_note(inbox, "ok.md", "# Ok\n\nthe feijoa note\n")
    old = aged(inbox)
    r = cli(home, "ingest", str(inbox))
    assert r.exit_code == 0, r.output
    assert "empty note" in r.output and "1 ingested" in r.output and "2 skipped" in r.output
    assert "reply.eml  (empty file" in r.output
    assert json.loads(cli(home, "status", "--json").stdout)["sources"]["failed"] == 0
    (inbox / "Untitled.md").write_text("# Later\n\nthe guava note typed later\n")
    os.utime(inbox / "Untitled.md", (old + 10, old + 10))
    assert "1 ingested" in cli(home, "ingest", str(inbox)).output
    # emptied after it was read: said loudly, not skipped — its old text would stay current
    (inbox / "Untitled.md").write_text("")
    os.utime(inbox / "Untitled.md", (old + 20, old + 20))
    r = cli(home, "ingest", str(inbox / "Untitled.md"))
    assert r.exit_code == 65 and "empty note" in r.output


def test_a_settings_file_in_the_folder_is_skipped_and_said(home: Path, tmp_path: Path) -> None:
    """QA, session 28: a folder of material holding its clients.toml (the user keeps the two
    together) made every `ingest` of it exit 65, "no parser accepts 'clients.toml'". It is
    skipped, with where the one read lives; it is not read as the settings either."""
    folder = tmp_path / "material"
    folder.mkdir()
    (folder / "clients.toml").write_text('[[client]]\nid = "zed"\nname = "Zed Ltd"\n')
    (folder / "Config.TOML").write_text("stable_seconds = 0\n")
    write_note(folder, "ok.md", "# Ok\n\nthe feijoa note\n")
    aged(folder)
    r = cli(home, "ingest", str(folder))
    assert r.exit_code == 0, r.output
    assert "1 ingested" in r.output and "2 skipped" in r.output
    assert f"the one read is {home / 'clients.toml'}" in r.output
    status = json.loads(cli(home, "status", "--json").stdout)
    assert status["sources"]["failed"] == 0
    assert status["documents"] == 1
    assert not (home / "clients.toml").exists()  # copied by nobody but the user


def test_a_folder_that_cannot_be_listed_is_said_and_counted(home: Path) -> None:
    """QA, session 18: an unreadable sub-folder of the inbox was skipped without a word, its
    notes never captured (an unreadable file was reported)."""
    import shutil
    import subprocess
    import sys

    prefix: list[str] = []
    if os.geteuid() == 0:  # root lists anything: drop the capabilities that allow it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be taken away")
        caps = "-dac_override,-dac_read_search,-fowner"
        prefix = ["setpriv", "--bounding-set", caps, "--inh-caps", caps]
    inbox = home / "inbox"
    locked = inbox / "client-a"
    locked.mkdir()
    write_note(locked, "a.md", "# A\n\nthe rambutan note\n")
    write_note(inbox, "ok.md", "# Ok\n\nthe feijoa note\n")
    old = time.time() - 3600
    for p in (locked / "a.md", inbox / "ok.md"):
        os.utime(p, (old, old))
    locked.chmod(0)
    try:
        argv = [*prefix, sys.executable, "-m", "trailkeep.ui", "--home", str(home)]
        env = {**os.environ, **server_env(home), "TRAILKEEP_EMBEDDER": "hash"}
        p = subprocess.run(
            [*argv, "ingest", str(inbox)], capture_output=True, text=True, env=env, timeout=300
        )
        assert p.returncode == 65, p.stderr
        assert f"folder not read (Permission denied): {locked}" in p.stderr
        assert "1 ingested" in p.stdout + p.stderr and "1 failed" in p.stdout + p.stderr
        w = subprocess.run(
            [*argv, "watch", "--once"], capture_output=True, text=True, env=env, timeout=300
        )
        assert w.returncode == 0 and f"folder not read (Permission denied): {locked}" in w.stderr
    finally:
        locked.chmod(0o700)


def test_ingest_says_why_a_forgotten_note_is_refused(home: Path, tmp_path: Path) -> None:
    """QA, session 18: an edited copy of a forgotten note showed only "." and "1 skipped"
    (the watcher said why; `ingest` printed reasons only for failures)."""
    plan = tmp_path / "plan.md"
    plan.write_text("---\nid: plan-42\ntitle: Plan\n---\n# Plan\nwe chose the nightly export\n")
    old = time.time() - 3600
    os.utime(plan, (old, old))
    assert cli(home, "ingest", str(plan)).exit_code == 0
    hit = json.loads(cli(home, "search", "nightly export", "--json").stdout)["hits"][0]
    assert cli(home, "forget", "--document", str(hit["document_id"]), "--yes").exit_code == 0
    with plan.open("a") as fh:
        fh.write("\nand the weekly audit\n")
    os.utime(plan, (old + 60, old + 60))
    r = cli(home, "ingest", str(plan))
    assert r.exit_code == 0 and "1 skipped" in r.output
    assert "this note was forgotten" in r.output
