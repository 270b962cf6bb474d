"""LoCoMo retrieval benchmark: the retrieval `ask` uses, against two baselines, on any file in
LoCoMo's format. Evidence and category are used for scoring only, never for retrieval.

Each conversation goes into a fresh temporary vault as one chat (dated sessions; each turn an
entry keyed by its dia_id; an image's blip_caption is part of its turn). Systems:
- trailkeep: hybrid search as `ask` runs it (distinct turns, best first);
- vector_baseline: a llama-index VectorStoreIndex over a Chroma collection, same embedder, top k;
- bm25_baseline: BM25 alone (SQLite FTS5, porter) over the raw turns.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trailkeep.ingest.chunking import chunk_document
from trailkeep.recall.answer import judge
from trailkeep.recall.retrieval import search_detailed
from trailkeep.vault import Embedder, ParsedDocument, ParsedEntry, Vault, get_embedder
from trailkeep.vault.keyword import FTS_TOKENIZE, query_terms

from .common import median, pct, temp_home

_EVID = re.compile(r"D:?(\d+):0*(\d+)")


def normalize_evidence(ev: Sequence[str]) -> list[str]:
    """`D:11:26` -> `D11:26`, `D30:05` -> `D30:5`, `D8:6; D9:17` split."""
    out = []
    for item in ev:
        for part in re.split(r"[;,]", str(item)):
            m = _EVID.search(part.strip())
            if m:
                out.append(f"D{int(m.group(1))}:{int(m.group(2))}")
    return out


def session_time(s: str) -> datetime | None:
    for fmt in ("%I:%M %p on %d %B, %Y", "%I:%M %p on %d %b, %Y"):
        try:
            return datetime.strptime(s.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def turns(conv: dict[str, Any]) -> list[dict[str, Any]]:
    c = conv["conversation"]
    out = []
    n = 1
    while f"session_{n}" in c:
        when = session_time(str(c.get(f"session_{n}_date_time", "")))
        for i, t in enumerate(c[f"session_{n}"]):
            text = str(t.get("text", ""))
            if t.get("blip_caption"):
                text += f" [image: {t['blip_caption']}]"
            out.append(
                {
                    "id": str(t["dia_id"]),
                    "speaker": str(t["speaker"]),
                    "text": text,
                    "ts": when + timedelta(seconds=i) if when else None,
                    "session": n,
                }
            )
        n += 1
    return out


def as_document(conv: dict[str, Any], ts: list[dict[str, Any]]) -> ParsedDocument:
    c = conv["conversation"]
    entries = []
    prev = None
    for i, t in enumerate(ts):
        entries.append(
            ParsedEntry(
                key=t["id"],
                kind="message",
                text=t["text"],
                position=i,
                title=t["speaker"],
                author=t["speaker"],
                timestamp=t["ts"],
                parent_key=prev,
            )
        )
        prev = t["id"]
    return ParsedDocument(
        kind="chat",
        external_id=f"locomo:{conv.get('sample_id', 'x')}",
        title=f"{c.get('speaker_a')} and {c.get('speaker_b')}",
        content_sha256=str(hash(json.dumps([t["id"] for t in ts]))),
        timestamp=ts[0]["ts"] if ts else None,
        entries=entries,
        versioned=False,
    )


class _System:
    def __init__(self, name: str, retrieve: Callable[[str, int], tuple[list[str], bool | None]]):
        self.name = name
        self.retrieve = retrieve
        self.recall: dict[str, list[float]] = {"all": [], "1": [], "2": [], "3": [], "4": []}
        self.lat: list[float] = []
        self.abstain_unanswerable: list[bool] = []
        self.answer_answerable: list[bool] = []


def _vector_baseline(
    emb: Embedder, ts: list[dict[str, Any]], tmp: Path
) -> Callable[[str, int], list[str]]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    class Adapter(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return emb.embed([query])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return emb.embed([query])[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return emb.embed([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return emb.embed(texts)

    client = chromadb.PersistentClient(
        path=str(tmp / "baseline"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    col = client.get_or_create_collection(
        "baseline", embedding_function=None, metadata={"hnsw:space": "cosine"}
    )
    store = ChromaVectorStore(chroma_collection=col)
    nodes = [TextNode(text=f"{t['speaker']}: {t['text']}", id_=t["id"]) for t in ts]
    adapter = Adapter(model_name="trailkeep-embedder", embed_batch_size=64)
    index = VectorStoreIndex(
        nodes, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=adapter
    )

    def retrieve(q: str, k: int) -> list[str]:
        return [n.node.node_id for n in index.as_retriever(similarity_top_k=k).retrieve(q)]

    return retrieve


def _bm25_baseline(ts: list[dict[str, Any]]) -> Callable[[str, int], list[str]]:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, body, tokenize='{FTS_TOKENIZE}')")
    db.executemany(
        "INSERT INTO t VALUES (?, ?)", [(t["id"], f"{t['speaker']}: {t['text']}") for t in ts]
    )

    def retrieve(q: str, k: int) -> list[str]:
        terms = query_terms(q)
        if not terms:
            return []
        rows = db.execute(
            "SELECT id FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?", (" OR ".join(terms), k)
        ).fetchall()
        return [r[0] for r in rows]

    return retrieve


def _no_abstention(
    f: Callable[[str, int], list[str]],
) -> Callable[[str, int], tuple[list[str], bool | None]]:
    return lambda q, k: (f(q, k), None)


def _mean(xs: Sequence[float | bool]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


def run(data: list[dict[str, Any]], k: int, embedder: str) -> dict[str, Any]:
    emb = get_embedder(embedder)
    systems = {n: None for n in ("trailkeep", "vector_baseline", "bm25_baseline")}
    stats = {n: _System(n, lambda q, k: ([], None)) for n in systems}
    questions = 0
    ev_total = ev_dropped = 0
    per_conv: list[dict[str, Any]] = []
    for conv in data:
        mark = {
            n: (len(st.recall["all"]), len(st.abstain_unanswerable), len(st.answer_answerable))
            for n, st in stats.items()
        }
        ts = turns(conv)
        ids = {t["id"] for t in ts}
        with tempfile.TemporaryDirectory() as tmpd:
            tmp = Path(tmpd)
            s = temp_home(tmp / "home", embedder)
            v = Vault.open(s, emb)
            doc = as_document(conv, ts)
            with v.writer("bench"):
                v.write_document(doc, chunk_document(doc), None)
                v.embed_pending()
            with v.engine.connect() as c:
                from sqlalchemy import text

                key_of = {
                    int(r[0]): str(r[1]) for r in c.execute(text("SELECT id, key FROM entry"))
                }

            def tk(
                q: str, kk: int, v: Vault = v, key_of: dict[int, str] = key_of
            ) -> tuple[list[str], bool | None]:
                # The same retrieval and the same abstention rule as `ask`.
                res = search_detailed(v, q, k=kk, further=kk)
                _strong, why = judge(v, q, res)
                return [key_of[h.entry_id] for h in res.hits], why is not None

            vec = _vector_baseline(emb, ts, tmp)
            bm = _bm25_baseline(ts)
            fns: dict[str, Callable[[str, int], tuple[list[str], bool | None]]] = {
                "trailkeep": tk,
                "vector_baseline": _no_abstention(vec),
                "bm25_baseline": _no_abstention(bm),
            }
            for qa in conv.get("qa", []):
                questions += 1
                cat = int(qa.get("category", 0))
                raw = normalize_evidence(qa.get("evidence", []))
                ev = [e for e in raw if e in ids]
                ev_total += len(raw)
                ev_dropped += len(raw) - len(ev)
                for name, fn in fns.items():
                    st = stats[name]
                    t0 = time.perf_counter()
                    got, abstained = fn(str(qa["question"]), k)
                    st.lat.append((time.perf_counter() - t0) * 1000)
                    top = list(dict.fromkeys(got))[:k]
                    if cat == 5:
                        if abstained is not None:
                            st.abstain_unanswerable.append(abstained)
                        continue
                    if abstained is not None and cat in (1, 2, 3, 4):
                        st.answer_answerable.append(not abstained)
                    if cat in (1, 2, 3, 4) and ev:
                        r = sum(1 for e in set(ev) if e in top) / len(set(ev))
                        st.recall["all"].append(r)
                        st.recall[str(cat)].append(r)
            v.close()
        ours = stats["trailkeep"]
        r0, a0, b0 = mark["trailkeep"]
        per_conv.append(
            {
                "sample_id": str(conv.get("sample_id", len(per_conv))),
                "recall_all": _mean(ours.recall["all"][r0:]),
                "abstain_rate_unanswerable": _mean(ours.abstain_unanswerable[a0:]),
                "answer_rate_answerable": _mean(ours.answer_answerable[b0:]),
            }
        )
    out_systems = {}
    for name, st in stats.items():
        out_systems[name] = {
            "recall": {c: (round(sum(x) / len(x), 4) if x else None) for c, x in st.recall.items()},
            "abstain_rate_unanswerable": round(
                sum(st.abstain_unanswerable) / len(st.abstain_unanswerable), 4
            )
            if st.abstain_unanswerable
            else None,
            "answer_rate_answerable": round(
                sum(st.answer_answerable) / len(st.answer_answerable), 4
            )
            if st.answer_answerable
            else None,
            "latency_ms_p50": round(median(st.lat), 2),
            "latency_ms_p95": round(pct(st.lat, 0.95), 2),
        }
    return {
        "schema_version": 1,
        "k": k,
        "questions": questions,
        "evidence_ids": {"total": ev_total, "dropped_naming_no_turn": ev_dropped},
        "systems": out_systems,
        "trailkeep_per_conversation": per_conv,
    }


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a count of at least 1")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="trailkeep bench locomo", description=__doc__)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--k", type=_positive, default=10)
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--limit", type=int, default=0, help="only the first N conversations")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    a = ap.parse_args(argv)
    try:
        data = json.loads(a.data.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        ap.error(f"cannot read {a.data} as LoCoMo's JSON: {exc}")
    if not isinstance(data, (list, dict)):
        ap.error(f"{a.data} holds no LoCoMo conversations (a list of them, or one)")
    if isinstance(data, dict):
        data = [data]
    if a.limit:
        data = data[: a.limit]
    result = run(data, a.k, a.embedder)
    if not a.json:
        for name, m in result["systems"].items():
            print(
                f"{name:16s} recall@{a.k} {m['recall']['all']}  cat2 {m['recall']['2']}  "
                f"abstain(5) {m['abstain_rate_unanswerable']}  "
                f"answer(1-4) {m['answer_rate_answerable']}  "
                f"p50 {m['latency_ms_p50']} ms"
            )
        for c in result["trailkeep_per_conversation"]:
            print(
                f"  {c['sample_id']:14s} recall@{a.k} {c['recall_all']}  "
                f"abstain(5) {c['abstain_rate_unanswerable']}  "
                f"answer(1-4) {c['answer_rate_answerable']}"
            )
    else:
        print(json.dumps(result, indent=2))
    return 0
