"""Bounded parsing: hostile inputs finish fast, in little memory, with a clear outcome.

Every parser gets the inputs that amplify: YAML aliases ("billion laughs", 9 levels x 9), YAML
and JSON nested thousands deep, MIME nested thousands deep (and the corpus's 3 MB endlessly
nested message when the corpora are present), zip bombs (by ratio, by member count), a 50 MB
single-line ``.jsonl``, a huge paragraph, a huge CSV field. They run in one child process that
measures each case's time (untraced) and its peak of traced memory (a second run under
tracemalloc); an address-space limit keeps a runaway case from taking the machine down. Each
case's bounds are asserted here.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPORA
from trailkeep.ingest import ParseError
from trailkeep.ingest.parsers.archive import MAX_JSON_DEPTH, json_items
from trailkeep.ingest.parsers.notes import MAX_YAML_NODES, split_front_matter
from trailkeep.ingest.parsers.sessions import SessionParser
from trailkeep.vault import Origin
from trailkeep.vault.records import ParsedDocument, ParseProblem

# per case: a guard against runaway (the billion-laughs note once ran 260 s), not a performance
# claim — 3 s flaked on this 2-core machine under load (50,000 CSV rows took 3.1 s)
SECONDS = 15.0
CHILD = r"""
import io, json, resource, sys, time, tracemalloc
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
from trailkeep.ingest import registry
from trailkeep.vault import Origin, TrailkeepError
from trailkeep.vault.records import ParsedDocument, ParseProblem


def run(data, name):
    docs, problems, warnings, error = 0, 0, [], None
    try:
        parser = registry.pick(name, data[: registry.HEAD_BYTES])
        for item in parser.parse(io.BytesIO(data), origin=Origin(name=name, identity=name)):
            if isinstance(item, ParsedDocument):
                docs += 1
                warnings += [str(w) for w in item.meta.get("warnings", [])]
            elif isinstance(item, ParseProblem):
                problems += 1
                warnings.append(item.error)
    except TrailkeepError as exc:
        error = f"{type(exc).__name__}: {exc}"
    return {"docs": docs, "problems": problems, "warnings": warnings, "error": error}


registry.parsers()  # imports every parser (YAML, ijson, ...) before anything is measured
for line in sys.stdin:
    case, path, name = json.loads(line)
    data = Path(path).read_bytes()
    t = time.perf_counter()
    out = run(data, name)  # timed untraced: tracemalloc slows small allocations 5-7 times
    out["seconds"] = time.perf_counter() - t
    tracemalloc.start()
    run(data, name)
    out["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    del data
    print(json.dumps({"case": case, **out}), flush=True)
"""


def billion_laughs() -> bytes:
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return ("---\n" + "\n".join(lines) + "\n---\n# Laughs\n\nbody\n").encode()


def nested_mime(levels: int) -> bytes:
    head = b"From: a@example.com\nTo: b@example.com\nSubject: nest\nMessage-ID: <n@x>\n"
    return head + b"Content-Type: message/rfc822\n\n" * levels + b"From: z@y\n\nhello\n"


def nested_multipart(levels: int) -> bytes:
    parts = [b"From: a@example.com\nSubject: parts\nMessage-ID: <p@x>\n"]
    parts += [
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(levels)
    ]
    return b"".join(parts) + b"Content-Type: text/plain\n\ninner\n"


def ratio_bomb() -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("conversations.json", "w") as w,
    ):
        w.write(b"[")
        for _ in range(32):
            w.write(b" " * (1 << 20))  # 32 MB of nothing, 32 KB zipped
        w.write(b"]")
    return buf.getvalue()


def member_bomb() -> bytes:
    """A small zip whose end-of-directory record claims 65,535 members in 60 MB of directory:
    refused before ``zipfile`` builds a member list."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("conversations.json", b"[]")
    data = bytearray(buf.getvalue())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8 : at + 16] = struct.pack("<HHI", 0xFFFF, 0xFFFF, 60 << 20)
    return bytes(data)


def long_line_session() -> bytes:
    head = {"type": "user", "sessionId": "s-big", "uuid": "u1", "parentUuid": None, "cwd": "/w"}
    big = json.dumps({**head, "message": {"content": "x" * (50 << 20)}}).encode()
    after = {
        **head,
        "uuid": "u2",
        "parentUuid": "u1",
        "message": {"content": "after the long line"},
    }
    return big + b"\n" + json.dumps(after).encode() + b"\n"


def deep_line_session() -> bytes:
    head = (
        b'{"type":"user","sessionId":"s-deep","uuid":"u1","parentUuid":null,"message":{"content":'
    )
    ok = {
        "type": "user",
        "sessionId": "s-deep",
        "uuid": "u2",
        "parentUuid": None,
        "message": {"content": "fine"},
    }
    return head + b"[" * 3_000_000 + b"]" * 3_000_000 + b"}}\n" + json.dumps(ok).encode() + b"\n"


# case -> (file name, bytes, max peak MB, what the outcome must say)
CASES: dict[str, tuple[str, Any, float, str]] = {
    "yaml-billion-laughs": ("laughs.md", billion_laughs, 20, "warning:expands to more than"),
    "yaml-deep-flow": (
        "deep.md",
        lambda: b"---\na: " + b"[" * 30000 + b"]" * 30000 + b"\n---\nx\n",
        20,
        "warning:nested deeper",
    ),
    "yaml-huge": (
        "huge.md",
        lambda: b"---\n" + b"k: v\n" * 200_000 + b"---\nx\n",
        40,
        "warning:larger than 64 KB",
    ),
    "json-deep-list": (
        "conversations.json",
        lambda: b"[" * 2_000_000 + b"]" * 2_000_000,
        20,
        "error:nested deeper",
    ),
    "json-deep-in-conversation": (
        "conversations.json",
        lambda: (
            b'[{"uuid":"c","chat_messages":[{"uuid":"m","text":'
            + b'{"a":' * 300_000
            + b"1"
            + b"}" * 300_000
            + b"}]}]"
        ),
        20,
        "error:nested deeper",
    ),
    "zip-ratio-bomb": ("export.zip", ratio_bomb, 20, "error:zip bomb"),
    "zip-member-bomb": ("export.zip", member_bomb, 20, "error:declares 65535 members"),
    "mime-deep-rfc822": ("nest.eml", lambda: nested_mime(5000), 120, "warning:MIME parts"),
    "mime-deep-multipart": ("parts.eml", lambda: nested_multipart(3000), 120, "warning:MIME parts"),
    "jsonl-50mb-line": ("session.jsonl", long_line_session, 40, "warning:longer than 10 MB"),
    "jsonl-deep-line": ("deep-session.jsonl", deep_line_session, 40, "warning:line 1"),
    "text-one-huge-paragraph": ("wall.txt", lambda: b"word " * 1_000_000, 150, "docs:1"),
    "csv-huge-field": (
        "t.csv",
        lambda: (
            b'date,client,hours,description\n2026-01-02,acme,1,ok\n2026-01-01,acme,1,"'
            + b"x" * (5 << 20)
            + b'"\n'
        ),
        120,
        "docs:1",
    ),
}
# A timesheet is read line by line, never decoded whole (a 1 GB CSV was 1 GB of str and 4 GB of
# StringIO): 20 MB of rows that are all wrong stays small.
CASES["csv-20mb-of-bad-rows"] = (
    "t.csv",
    lambda: b"date,client,hours,description\n" + b"someday,acme,1,%s\n" % (b"x" * 96) * 180_000,
    30,
    "error:no valid timesheet rows",
)
# Rows past the limit are skipped and said to be: what a timesheet holds in memory is bounded by
# the limit, not by the file (200,000 rows held ~230 MB).
CASES["csv-rows-past-the-limit"] = (
    "t.csv",
    lambda: (
        b"date,client,hours,description\n"
        + b"".join(b"2026-10-01,acme,1.5,task %d %s\n" % (i, b"w " * 40) for i in range(120_000))
    ),
    80,
    "warning:more than 50000 rows; rest skipped",
)
ENDLESS = CORPORA / "emails" / "flanker" / "enclosed-endless.eml"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("hostile")
    jobs = []
    for case, (name, make, _, _) in CASES.items():
        path = folder / case / name
        path.parent.mkdir()
        path.write_bytes(make())
        jobs.append([case, str(path), name])
    if ENDLESS.exists():  # read where it lies: corpus files are never copied
        jobs.append(["mime-enclosed-endless", str(ENDLESS), ENDLESS.name])
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        input="".join(json.dumps(j) + "\n" for j in jobs),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = {r["case"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert len(out) == len(jobs), (proc.returncode, proc.stderr[-3000:])
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_bounded(case: str, results: dict[str, dict[str, Any]]) -> None:
    r = results[case]
    _, _, peak_mb, expect = CASES[case]
    assert r["seconds"] < SECONDS, r
    assert r["peak_mb"] < peak_mb, r
    kind, _, text = expect.partition(":")
    if kind == "error":
        assert r["error"] and text in r["error"], r
    elif kind == "warning":
        assert r["error"] is None and r["docs"] >= 1, r
        assert any(text in w for w in r["warnings"]), r
    else:
        assert r["error"] is None and r["docs"] == int(text), r


def test_the_corpus_endless_message_is_bounded(results: dict[str, dict[str, Any]]) -> None:
    if "mime-enclosed-endless" not in results:
        pytest.skip(f"shared corpora not present at {CORPORA}")
    r = results["mime-enclosed-endless"]
    assert r["error"] is None and r["docs"] == 1, r
    assert r["seconds"] < SECONDS and r["peak_mb"] < 200, r


def test_the_long_line_session_keeps_the_lines_after_it(
    results: dict[str, dict[str, Any]],
) -> None:
    assert results["jsonl-50mb-line"]["docs"] == 1


# ---------------------------------------------------------------- properties, in process

PROPS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPS
@given(levels=st.integers(1, 14), fan=st.integers(1, 12))
def test_yaml_aliases_never_expand_past_the_bound(levels: int, fan: int) -> None:
    lines = ["a0: &a0 [x]"]
    lines += [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]" for i in range(1, levels + 1)
    ]
    fm, _, raw, warning = split_front_matter("---\n" + "\n".join(lines) + "\n---\nbody\n")
    expanded = sum(2 * fan**i for i in range(levels + 1))  # each level: a list and its items
    if expanded <= MAX_YAML_NODES // 2:
        assert warning is None and fm, (levels, fan)
    if warning is not None:
        assert "aliases" in warning and raw and not fm


def _nest(depth: int, kinds: list[int]) -> bytes:
    """JSON nested ``depth`` deep, mixing lists, objects and strings full of brackets."""
    opens, closes = [], []
    for i in range(depth):
        k = kinds[i % len(kinds)]
        if k == 0:
            opens.append(b"[")
            closes.append(b"]")
        elif k == 1:
            opens.append(b'{"k":')
            closes.append(b"}")
        else:
            opens.append(b'["]]]}}\\"\\\\", ')
            closes.append(b"]")
    return b"".join(opens) + b"1" + b"".join(reversed(closes))


@PROPS
@given(
    depth=st.integers(1, 3 * MAX_JSON_DEPTH),
    kinds=st.lists(st.integers(0, 2), min_size=1, max_size=5),
    chunk=st.integers(1, 9000),
)
def test_json_depth_is_bounded_whatever_the_strings_hide(
    depth: int, kinds: list[int], chunk: int
) -> None:
    data = b"[" + _nest(depth, kinds) + b"]"

    class Trickle(io.RawIOBase):  # arbitrary read sizes: chunk edges anywhere
        def __init__(self) -> None:
            self.pos = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            piece = data[self.pos : self.pos + min(len(b), chunk)]
            b[: len(piece)] = piece
            self.pos += len(piece)
            return len(piece)

    try:
        items = list(json_items(io.BufferedReader(Trickle(), 64), "x.json"))  # type: ignore[arg-type]
    except ParseError as exc:
        assert depth + 1 > MAX_JSON_DEPTH, (depth, str(exc))
    else:
        assert depth + 1 <= 2 * MAX_JSON_DEPTH and len(items) == 1


LINE = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda d: json.dumps(d).encode(),
        st.dictionaries(
            st.sampled_from(
                ["type", "uuid", "parentUuid", "sessionId", "message", "payload", "isSidechain"]
            ),
            st.one_of(
                st.none(),
                st.text(max_size=8),
                st.booleans(),
                st.integers(),
                st.lists(st.none(), max_size=2),
            ),
            max_size=7,
        ),
    ),
)


@PROPS
@given(lines=st.lists(LINE, max_size=20))
def test_session_lines_never_fail_the_file(lines: list[bytes]) -> None:
    head = b'{"type":"user","sessionId":"s","uuid":"u0","parentUuid":null,"message":{"content":"hi"}}\n'
    data = head + b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    out = list(SessionParser().parse(io.BytesIO(data), origin=Origin(name="s.jsonl", identity="s")))
    assert out and all(isinstance(d, ParsedDocument | ParseProblem) for d in out)
