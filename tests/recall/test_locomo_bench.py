"""`trailkeep bench locomo` on a small file in LoCoMo's format: the JSON contract, evidence
normalisation, and that all three systems (including the llama-index baseline) really run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from trailkeep.bench.locomo import normalize_evidence, run
from trailkeep.ui.cli import main


def _data() -> list[dict[str, object]]:
    s1 = [
        ("Ana", "I adopted a greyhound named Biscuit from the shelter."),
        ("Ben", "Congratulations! How is Biscuit settling in?"),
        ("Ana", "She sleeps all day on the sofa, I love her."),
    ]
    s2 = [
        ("Ben", "I started learning the cello at the community school."),
        ("Ana", "The cello? That is a beautiful instrument. Do you practise every day?"),
        ("Ben", "Every evening for half an hour, my neighbours are patient."),
    ]

    def session(n: int, turns: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [
            {"speaker": w, "dia_id": f"D{n}:{i}", "text": t} for i, (w, t) in enumerate(turns, 1)
        ]

    return [
        {
            "sample_id": "tiny",
            "conversation": {
                "speaker_a": "Ana",
                "speaker_b": "Ben",
                "session_1_date_time": "1:56 pm on 8 May, 2023",
                "session_1": session(1, s1),
                "session_2_date_time": "10:37 am on 27 June, 2023",
                "session_2": session(2, s2),
            },
            "qa": [
                {"question": "What is the name of Ana's greyhound?", "answer": "Biscuit",
                 "evidence": ["D1:1"], "category": 4},
                {"question": "When did Ben start the cello?", "answer": "June 2023",
                 "evidence": ["D:2:1"], "category": 2},
                {"question": "What pets and instruments came up?", "answer": "dog, cello",
                 "evidence": ["D1:01; D2:1", "D9:99"], "category": 1},
                {"question": "What instrument does Ana practise every evening?",
                 "adversarial_answer": "cello", "evidence": ["D2:3"], "category": 5},
            ],
        }
    ]  # fmt: skip


def test_evidence_ids_are_normalised() -> None:
    assert normalize_evidence(["D:11:26", "D30:05", "D8:6; D9:17", "nonsense"]) == [
        "D11:26",
        "D30:5",
        "D8:6",
        "D9:17",
    ]


def test_bench_runs_all_three_systems_and_keeps_the_contract(tmp_path: Path) -> None:
    out = run(_data(), k=3, embedder="hash")
    assert out["k"] == 3 and out["questions"] == 4
    assert out["evidence_ids"] == {"total": 6, "dropped_naming_no_turn": 1}
    assert set(out["systems"]) == {"trailkeep", "vector_baseline", "bm25_baseline"}
    (conv,) = out["trailkeep_per_conversation"]
    assert conv["sample_id"] == "tiny"
    assert conv["recall_all"] == out["systems"]["trailkeep"]["recall"]["all"]
    for name, m in out["systems"].items():
        assert set(m["recall"]) == {"all", "1", "2", "3", "4"}
        assert m["recall"]["3"] is None  # no category-3 question in this file
        assert 0.0 <= m["recall"]["all"] <= 1.0
        assert m["latency_ms_p50"] <= m["latency_ms_p95"]
        if name == "trailkeep":
            assert m["abstain_rate_unanswerable"] in (0.0, 1.0)
            assert m["answer_rate_answerable"] is not None
        else:
            assert m["abstain_rate_unanswerable"] is None
    # "greyhound" names one turn: BM25 finds it at once. (trailkeep need not: in a six-turn
    # vault every turn matches and neighbours' scores add up; notes/0009.)
    assert out["systems"]["bm25_baseline"]["recall"]["4"] == 1.0
    # The adversarial question asks about Ana what only Ben said (Ana only asked about it).
    assert out["systems"]["trailkeep"]["abstain_rate_unanswerable"] == 1.0

    f = tmp_path / "tiny.json"
    f.write_text(json.dumps(_data()), encoding="utf-8")
    res = CliRunner().invoke(
        main, ["bench", "locomo", "--data", str(f), "--k", "3", "--embedder", "hash", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["systems"]["bm25_baseline"]["recall"]["4"] == 1.0
