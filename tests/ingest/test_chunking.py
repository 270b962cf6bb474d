from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trailkeep.ingest.chunking import MAX_CHARS, SMALL_CHARS, spans


def test_short_text_is_one_chunk_and_empty_text_none() -> None:
    assert spans("hello") == [(0, 5)]
    assert spans("   \n ") == []


def test_code_fences_are_not_split_when_they_fit() -> None:
    fence = "```sh\n" + "\n".join(f"echo {i}" for i in range(40)) + "\n\nmore\n```"
    text = ("para " * 150) + "\n\n" + fence + "\n\n" + ("tail " * 150)
    chunks = [text[s:e] for s, e in spans(text)]
    assert any(fence in c for c in chunks)  # the whole fence in one chunk


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=5000))
def test_spans_are_verbatim_bounded_and_ordered(text: str) -> None:
    prev_end = 0
    for s, e in spans(text):
        assert 0 <= prev_end <= s < e <= len(text)
        assert e - s <= MAX_CHARS + 2 * SMALL_CHARS
        assert text[s:e].strip()
        prev_end = e


_PARAGRAPHS = st.lists(
    st.lists(st.sampled_from(["Hi", "Sam,", "the", "export", "failed.", "## Options"]), max_size=90)
    .map(" ".join)
    .filter(str.strip),
    min_size=2,
    max_size=12,
).map("\n\n".join)


@settings(max_examples=300, deadline=None)
@given(_PARAGRAPHS)
def test_no_paragraph_too_small_to_stand_alone_is_a_chunk(text: str) -> None:
    out = [text[s:e] for s, e in spans(text)]
    assert "".join(out).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )
    if len(out) > 1:
        assert all(len(c) > SMALL_CHARS for c in out), out


def test_a_greeting_or_sign_off_is_never_a_chunk_of_its_own() -> None:
    body = " ".join(f"The nightly export sent visit {i} to the aggregator." for i in range(14))
    text = f"Hi Sam,\n\n{body}\n\nBest,\nMaria"
    assert len(body) > MAX_CHARS
    chunks = [text[s:e] for s, e in spans(text)]
    assert chunks[0].startswith("Hi Sam,\n\nThe nightly export")
    assert chunks[-1].endswith("aggregator.\n\nBest,\nMaria")
    assert all(len(c) > SMALL_CHARS for c in chunks)
