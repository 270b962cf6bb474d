from __future__ import annotations

from tests.conftest import write_note
from trailkeep.ingest import Ingestor
from trailkeep.vault import Filters, Vault, keyword_search
from trailkeep.vault.keyword import query_terms


def _ids(vault: Vault, q: str) -> list[int]:
    return [cid for cid, _ in keyword_search(vault, q, 10, Filters())]


def test_stemming_diacritics_and_cjk(vault: Vault) -> None:
    write_note(vault.settings.inbox, "a.md", "# A\n\nWe decided on matching patients.\n")
    write_note(vault.settings.inbox, "b.md", "# B\n\nLes élèves étaient partis.\n")
    write_note(vault.settings.inbox, "c.md", "# C\n\n東京都の天気は晴れです。\n")
    ing = Ingestor(vault)
    for n in ("a.md", "b.md", "c.md"):
        assert ing.ingest_file(vault.settings.inbox / n).status == "ingested"
    assert _ids(vault, "match patient")  # stemmed
    assert _ids(vault, "eleves")  # diacritics folded
    assert _ids(vault, "天気")  # a CJK substring of a longer run
    assert not _ids(vault, "天晴")  # ... as a phrase, not any character
    assert not _ids(vault, "zebra")


def test_query_syntax_cannot_break_the_match(vault: Vault) -> None:
    for q in ('"unbalanced', "a AND OR NOT (", "col:umn * ^x", "NEAR(a b)", "", "the of and"):
        keyword_search(vault, q, 5, Filters())  # no exception
    assert query_terms("the of and") == []
    assert query_terms('say "hi" NEAR') == ['"say"', '"hi"', '"NEAR"']


def test_terms_in_most_of_a_large_index_are_dropped(vault: Vault) -> None:
    for i in range(8):
        rare = " The zebra crossing is painted." if i == 3 else ""
        write_note(vault.settings.inbox, f"n{i}.md", f"# N{i}\n\nThe export ran fine.{rare}\n")
    ing = Ingestor(vault)
    for i in range(8):
        ing.ingest_file(vault.settings.inbox / f"n{i}.md")
    everywhere = _ids(vault, "export")
    assert len(everywhere) == 8  # small index: every term kept, the match itself tells
    zebra = _ids(vault, "zebra")
    vault.keyword.pruner.min_rows = 4  # type: ignore[attr-defined]  # now it counts as large
    assert _ids(vault, "export") == []  # in all 8 chunks: weightless, dropped
    assert _ids(vault, "export zebra") == zebra  # the informative term still ranks alone
