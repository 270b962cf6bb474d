from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trailkeep.ingest.chunking import MAX_CHARS, spans


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
        assert e - s <= MAX_CHARS
        assert text[s:e].strip()
        prev_end = e
