"""The vector index: a Chroma collection per embedder, holding our own vectors (cosine).

SQL is the truth; this index can always be rebuilt from the chunk table. Chroma's default
embedding function downloads a model, so ``embedding_function=None`` is passed on *every*
``get_collection`` call and vectors are always given explicitly.

Several processes share one embedded index: the watcher writes while the page and the MCP
server read. An embedded Chroma client keeps the index it loaded: after another process wrote,
it returned the old vectors without a filter and failed with a filter ("Error finding id";
QA, session 7: Ask with a client and every draft failed on the page until a restart). So every
write leaves a new generation stamp beside the index (``GENERATION``), and a client that sees
a stamp newer than its own reconnects before it reads (notes/0001, "Several processes, one
embedded vector index").
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

GENERATION = "trailkeep-generation"  # replaced (new inode) by every write of this index


def collection_name(embedder_id: str) -> str:
    slug = re.sub(r"[^a-zA-Z0-9_-]", "-", embedder_id)[:500]
    return f"chunks-{slug}"


class VectorIndex:
    """Embedded (a PersistentClient on ``path``) or a Chroma server (``url``, optional bearer
    ``token``). ``namespace`` prefixes the collection name (several vaults on one server)."""

    def __init__(
        self,
        path: Path,
        embedder_id: str,
        *,
        url: str | None = None,
        token: str | None = None,
        namespace: str = "",
    ) -> None:
        self._path, self._url, self._token = path, url, token
        self._client_obj: Any = None
        self._client_lock = threading.RLock()
        self._seen: tuple[int, int] | None = None  # the generation the client was made at
        self.namespace = namespace
        self.name = namespace + collection_name(embedder_id)
        self._col: Any = None
        self._col_client: Any = None

    @property
    def _client(self) -> Any:
        """The Chroma client, made on first use: commands that only read SQL (`status`, the
        briefing) never import Chroma."""
        with self._client_lock:
            if self._client_obj is not None and not self._url and self._stamp() != self._seen:
                self.close()  # another process wrote: this client's index is out of date
            if self._client_obj is None:
                self._seen = None if self._url else self._stamp()
                self._client_obj = self._connect()
            return self._client_obj

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self._path / GENERATION)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _wrote(self) -> None:
        """A new generation stamp after a write (an embedded index only; a server serves every
        client the same index). This client saw its own write: it takes the stamp as seen,
        unless another process had written since it connected."""
        if self._url:
            return
        before = self._stamp()
        tmp = self._path / f".{GENERATION}-{os.getpid()}-{threading.get_ident()}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(str(time.time_ns()))
            os.replace(tmp, self._path / GENERATION)
        except OSError:  # a full disk: readers reconnect on their error instead (query)
            tmp.unlink(missing_ok=True)
            return
        with self._client_lock:
            # Only when nobody else wrote since this client was made: otherwise replacing the
            # stamp would hide their write from this client, which must reconnect to see it.
            if self._client_obj is not None and before == self._seen:
                self._seen = self._stamp()

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self._url:
            from urllib.parse import urlsplit

            u = urlsplit(self._url)
            headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
            try:
                return chromadb.HttpClient(
                    host=u.hostname or "127.0.0.1",
                    port=u.port or (443 if u.scheme == "https" else 8000),
                    ssl=u.scheme == "https",
                    headers=headers,
                    settings=settings,
                )
            except Exception as exc:  # chromadb says ValueError, httpx ConnectError, by version
                from .errors import Unreachable

                reason = (
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                )
                raise Unreachable(
                    f"cannot reach the Chroma server at {u.scheme}://{u.hostname}:{u.port}: "
                    f"{reason} (`chroma_url` in config.toml, or TRAILKEEP_CHROMA_URL)"
                ) from exc
        return chromadb.PersistentClient(path=str(self._path), settings=settings)

    def close(self) -> None:
        """Close the client if one was made (a folder about to be renamed, a vault closed)."""
        with self._client_lock:
            client, self._client_obj, self._col = self._client_obj, None, None
            self._col_client = None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
            _close_http_session(client)

    def ready(self) -> None:
        """Make the client now (a new home's first-time setup, under the writer lock)."""
        _ = self._client

    def _collection(self, create: bool) -> Any:
        client = self._client  # reconnects first when another process wrote
        if self._col is None or self._col_client is not client:
            if create:
                self._col = client.get_or_create_collection(
                    self.name, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            else:
                try:
                    self._col = client.get_collection(self.name, embedding_function=None)
                except Exception:  # chromadb raises NotFoundError/ValueError by version
                    return None
            self._col_client = client
        return self._col

    def upsert(
        self,
        ids: Sequence[int],
        vectors: Sequence[Sequence[float]],
        metas: Sequence[dict[str, Any]],
    ) -> None:
        if not ids:
            return
        self._collection(True).upsert(
            ids=[str(i) for i in ids],
            embeddings=[list(v) for v in vectors],
            metadatas=list(metas),
        )
        self._wrote()

    def set_scope(self, ids: Sequence[int], scopes: Sequence[str]) -> None:
        """Rewrite the ``client`` metadata (an entry's scope) of existing vectors, without
        re-embedding. Ids without a vector are skipped."""
        col = self._collection(False)
        if col is None:
            return
        for i in range(0, len(ids), 1000):
            part = [str(x) for x in ids[i : i + 1000]]
            got = col.get(ids=part, include=["metadatas"])
            have = dict(zip(got["ids"], got["metadatas"] or [], strict=False))
            upd = [
                (cid, {**(have[cid] or {}), "client": sc})
                for cid, sc in zip(part, scopes[i : i + 1000], strict=True)
                if cid in have
            ]
            if upd:
                col.update(ids=[u[0] for u in upd], metadatas=[u[1] for u in upd])
        self._wrote()

    def delete(self, ids: Sequence[int]) -> None:
        col = self._collection(True)
        for i in range(0, len(ids), 1000):
            col.delete(ids=[str(x) for x in ids[i : i + 1000]])
        self._wrote()

    def ids(self) -> set[int]:
        col = self._collection(False)
        if col is None:
            return set()
        out: set[int] = set()
        offset = 0
        while True:
            got = col.get(include=[], limit=5000, offset=offset)
            batch = got["ids"]
            out.update(int(x) for x in batch)
            if len(batch) < 5000:
                return out
            offset += len(batch)

    def count(self) -> int:
        col = self._collection(False)
        return 0 if col is None else int(col.count())

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[int, float]]:
        """Nearest first: (chunk_id, cosine similarity)."""
        col = self._collection(False)
        if col is None or k <= 0:
            return []
        # No count() first: it cost more than the query (6 ms), and Chroma 1.x returns what
        # it has when asked for more (an empty collection included).
        try:
            res = col.query(
                query_embeddings=[list(vector)],
                n_results=k,
                where=where or None,
                include=["distances"],
            )
        except Exception:
            # an index changed under this client by a writer that left no stamp (an older
            # trailkeep, a write cut short by a full disk): reconnect and ask once more
            self.close()
            col = self._collection(False)
            if col is None:
                return []
            res = col.query(
                query_embeddings=[list(vector)],
                n_results=k,
                where=where or None,
                include=["distances"],
            )
        ids = res["ids"][0]
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [(int(i), 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]

    def drop(self) -> None:
        with contextlib.suppress(Exception):  # already absent
            self._client.delete_collection(self.name)
        self._col = None
        self._wrote()

    def other_collections(self) -> list[str]:
        """This vault's collections for other embedders (never another namespace's)."""
        mine = self.namespace + "chunks-"
        return [
            c.name
            for c in self._client.list_collections()
            if c.name != self.name and c.name.startswith(mine)
        ]

    def drop_named(self, name: str) -> None:
        self._client.delete_collection(name)
        self._wrote()


def _close_http_session(client: Any) -> None:
    """chromadb 1.5's HttpClient.close() stops its Systems, but a System's HTTP session stays
    open (its FastAPI has no stop()), and so does the one of the admin client it made to check
    the tenant: their sockets waited for the garbage collector. Every HTTP client has Systems
    of its own (a new identifier each), so closing their sessions touches no other client."""
    for owner in (client, getattr(client, "_admin_client", None)):
        session = getattr(getattr(owner, "_server", None), "_session", None)
        if session is not None:
            with contextlib.suppress(Exception):
                session.close()
