"""Property and fuzz tests for every parser: arbitrary bytes and mutated real files raise only
trailkeep's own errors (or yield ParseProblems) and never hang.

Counts: each test records how many cases it ran in build/test-artifacts/fuzz-counts.json
(RELIABILITY.md quotes them). The fast suite runs a few hundred cases per parser; the slow one
(`.ci/run`) thousands, and mutates the shared corpora too.
"""

from __future__ import annotations

import io
import json
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPORA
from tests.fixtures.chats import chatgpt_conversation, claude_conversation
from trailkeep.ingest import registry
from trailkeep.ingest.parsers.chats import ChatExportParser
from trailkeep.ingest.parsers.email import EmailParser
from trailkeep.ingest.parsers.notes import NotesParser
from trailkeep.ingest.parsers.plaintext import PlainTextParser
from trailkeep.ingest.parsers.sessions import SessionParser
from trailkeep.ingest.parsers.timesheet import TimesheetParser
from trailkeep.vault import TrailkeepError
from trailkeep.vault.records import Origin, ParsedDocument, ParseProblem

HANG_SECONDS = 20
COUNTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts" / "fuzz-counts.json"
_counts: dict[str, int] = {}

EML = (
    b"From: Cara <cara@acme.example>\r\nTo: Sam <sam@me.example>\r\nSubject: Export\r\n"
    b"Date: Mon, 02 Mar 2026 10:00:00 +0100\r\nMessage-ID: <a1@acme.example>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nDid the export run? caf\xe9\r\n"
    b"> old quote\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--XX--\r\n"
)
MBOX = b"From a@b Mon Mar  2 10:00:00 2026\n" + EML.replace(b"\r\n", b"\n") + b"\n"
NOTE = (
    b"---\ntitle: T\ndate: 2026-03-04\nhours: 2h\nclient: acme\n---\n# T\n\n## A\n\nDecided: x. "
    b"[[link|L]]\n- 2.5h acme: fix\n\n```\ncode\n```\n"
)
CSV = b"date,client,hours,description,rate\n2026-03-01,acme,2.5,x,\n2026-03-02,beta,90m,y,95\n"


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(name, data)
    return buf.getvalue()


SESSIONS = Path(__file__).parent / "ingest" / "samples" / "sessions"
CLAUDE_CODE = (SESSIONS / "claude_code_session.jsonl").read_bytes()
CODEX = next(SESSIONS.glob("rollout-*.jsonl")).read_bytes()
CHATGPT = json.dumps([chatgpt_conversation()]).encode()
CLAUDE = json.dumps([claude_conversation()]).encode()
SEEDS: dict[str, tuple[str, bytes]] = {
    "notes": ("note.md", NOTE),
    "chatgpt": ("conversations.json", CHATGPT),
    "claude": ("conversations.json", CLAUDE),
    "chatgpt-zip": ("export.zip", _zip("conversations.json", CHATGPT)),
    "eml": ("m.eml", EML),
    "mbox": ("box.mbox", MBOX),
    "timesheet": ("t.csv", CSV),
    "claude-code": ("s.jsonl", CLAUDE_CODE),
    "codex": ("rollout.jsonl", CODEX),
    "text": ("note.txt", b"Plain notes\n\nA paragraph about the export.\n\n- 1h acme: fix\n"),
}
PARSERS = {
    "notes": NotesParser(),
    "chatgpt": ChatExportParser(),
    "claude": ChatExportParser(),
    "chatgpt-zip": ChatExportParser(),
    "eml": EmailParser(),
    "mbox": EmailParser(),
    "timesheet": TimesheetParser(),
    "claude-code": SessionParser(),
    "codex": SessionParser(),
    "text": PlainTextParser(),
}


@contextmanager
def no_hang(what: str) -> Iterator[None]:
    def boom(*_: object) -> None:
        raise AssertionError(f"{what}: parsing took over {HANG_SECONDS}s (a hang)")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def parse_all(parser: object, name: str, data: bytes) -> int:
    """Run a parser to the end; only our errors may escape. Returns documents produced."""
    origin = Origin(name=name, identity=name, mtime=datetime(2026, 1, 1, tzinfo=UTC))
    docs = 0
    with no_hang(name):
        try:
            for item in parser.parse(io.BytesIO(data), origin=origin):  # type: ignore[attr-defined]
                assert isinstance(item, ParsedDocument | ParseProblem)
                docs += isinstance(item, ParsedDocument)
        except TrailkeepError:
            pass
    return docs


def count(key: str) -> None:
    _counts[key] = _counts.get(key, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _write_counts() -> Iterator[None]:
    yield
    COUNTS.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(COUNTS.read_text()) if COUNTS.exists() else {}
    old.update(_counts)
    COUNTS.write_text(json.dumps(old, indent=2, sort_keys=True))


def test_the_seeds_parse() -> None:
    """The fuzz seeds are valid inputs (else mutating them proves little)."""
    for key, (name, data) in SEEDS.items():
        assert parse_all(PARSERS[key], name, data) >= 1, key


FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.mark.parametrize("key", sorted(SEEDS))
@FAST
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes(key: str, data: bytes) -> None:
    name = SEEDS[key][0]
    parse_all(PARSERS[key], name, data)
    count(f"bytes:{key}")


def mutate(seed: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    b = bytearray(seed)
    for kind, pos, val in ops:
        if not b:
            b.append(val)
            continue
        i = pos % len(b)
        if kind == 0:
            b[i] = val
        elif kind == 1:
            del b[i : i + 1 + val % 16]
        elif kind == 2:
            b[i:i] = bytes([val]) * (1 + val % 8)
        elif kind == 3:
            del b[i:]  # truncation, the half-written file
        else:
            j = (pos * 7 + val) % len(b)
            b[i:i] = b[j : j + 64]  # duplicated span
    return bytes(b)


OPS = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12
)


@pytest.mark.parametrize("key", sorted(SEEDS))
@FAST
@given(ops=OPS)
def test_mutated_seeds(key: str, ops: list[tuple[int, int, int]]) -> None:
    name, seed = SEEDS[key]
    parse_all(PARSERS[key], name, mutate(seed, ops))
    count(f"mutated:{key}")


def _corpus_files() -> list[Path]:
    if not CORPORA.exists():
        return []
    out: list[Path] = []
    for sub, pattern, limit in (
        ("emails", "*.eml", 60),
        ("emails", "*.mbox", 10),
        ("chat_exports", "*.json", 20),
        ("notes", "*.md", 40),
    ):
        files = sorted(p for p in (CORPORA / sub).rglob(pattern) if p.stat().st_size < 2 << 20)
        out += files[:: max(1, len(files) // limit)][:limit]
    return out


@pytest.mark.slow
@settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pick=st.integers(min_value=0), ops=OPS)
def test_mutated_real_files(pick: int, ops: list[tuple[int, int, int]]) -> None:
    files = _corpus_files()
    if not files:
        pytest.skip(f"shared corpora not present at {CORPORA}")
    f = files[pick % len(files)]
    data = mutate(f.read_bytes(), ops)
    try:
        parser = registry.pick(f.name, data[: registry.HEAD_BYTES])
    except TrailkeepError:
        return
    parse_all(parser, f.name, data)
    count("mutated:corpora")


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(SEEDS))
@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ops=OPS, data=st.binary(max_size=2048))
def test_many_more_cases(key: str, ops: list[tuple[int, int, int]], data: bytes) -> None:
    name, seed = SEEDS[key]
    parse_all(PARSERS[key], name, mutate(seed, ops))
    parse_all(PARSERS[key], name, data)
    count(f"slow:{key}")
