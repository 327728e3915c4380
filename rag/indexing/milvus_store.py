"""Milvus as the search engine of an index: the chunks' vectors, their BM25 terms and metadata in a
Milvus collection, searched there (pymilvus; one code path for every Milvus).

Where: a Milvus Lite file ``<index>/milvus.db`` (``pip install milvus-lite``, in process) unless
a URI is given: the Milvus Lite gRPC server (``milvus-lite server``), Milvus Standalone or
Distributed, Zilliz Cloud; the token comes from Settings.milvus_token (``RAG_MILVUS_TOKEN``).
The index folder keeps its manifest, chunk table and documents as for FAISS (the manifest's
``store`` names the URI and collection), so `rag search/ask/serve/eval --index PATH` find it.

Each build writes a new collection ``<prefix>_<version>``: row id = the chunk's row, a dense
vector (HNSW, inner product), the Simplified search text with Milvus's BM25 over its jieba
analyzer, and doc_id, chunk_id, title, date (sortable YYYY-MM-DD text), source, url and offsets.
The version folder's manifest is the commit point, as for FAISS; then the alias ``<prefix>``
(what other Milvus clients read) is moved to the new collection and collections of older or
unfinished builds are dropped. A killed build therefore leaves the previous collection live.
``MilvusVectors`` answers the calls retrieval and the build make of a FAISS index (``d``,
``ntotal``, ``search``, ``reconstruct_n``) plus ``keyword_search``. Does not decide what is
embedded (build.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..documents import Document
from ..errors import IndexCorruptError, MilvusError, RagError

LITE_FILE = "milvus.db"
_BATCH = 500
_TEXT_MAX = 8192


@dataclass(frozen=True)
class Where:
    """A Milvus to talk to: ``uri`` is a Lite file path or an http(s) URL; ``prefix`` names this
    index's collections and alias."""
    uri: str
    token: str = ""
    prefix: str = "rag"

    @classmethod
    def for_index(cls, index_dir: Path, uri: str | None, token: str | None, prefix: str | None = None) -> "Where":
        """Milvus Lite in the index folder unless ``uri`` names a server; the prefix the index
        recorded, else one from the folder's name."""
        index_dir = Path(index_dir)
        prefix = prefix or "rag_" + re.sub(r"[^A-Za-z0-9_]", "_", index_dir.resolve().name)[:40]
        return cls(uri or str(index_dir.resolve() / LITE_FILE), token or "", prefix)

    def to_manifest(self, collection: str) -> dict:
        """What the manifest records (never the token)."""
        return {"kind": "milvus", "uri": self.uri if _is_server(self.uri) else LITE_FILE, "collection": collection,
                "alias": self.prefix}


def where_from_manifest(index_dir: Path, manifest: dict, token: str | None) -> tuple[Where, str]:
    """(the Milvus, the collection) a manifest's ``store`` names."""
    store = manifest["store"]
    uri = store["uri"]
    if uri == LITE_FILE:
        uri = str(Path(index_dir).resolve() / LITE_FILE)
    return Where(uri, token or "", store.get("alias", "rag")), store["collection"]


_clients: dict[tuple[str, str], object] = {}


def client(where: Where):
    """A MilvusClient for ``where`` (one per URI and token per process), or a one-line MilvusError."""
    key = (where.uri, where.token)
    if key not in _clients:
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise MilvusError("the Milvus store needs pymilvus (and milvus-lite for a local file): "
                              "pip install pymilvus milvus-lite") from None
        try:
            _clients[key] = MilvusClient(uri=where.uri, token=where.token, timeout=10)
        except Exception as exc:  # pymilvus raises MilvusException and plain connection errors alike
            if not _is_server(where.uri):  # Milvus Lite holds its file for one process (a flock)
                raise MilvusError(f"cannot open the Milvus Lite file {where.uri}: another process may have it open "
                                  "(a running rag serve?); stop it, or serve the file with `milvus-lite server` "
                                  "and index with --milvus-uri") from None
            raise MilvusError(f"cannot connect to Milvus at {where.uri}: {_first_line(exc)}") from None
    return _clients[key]


def release_all() -> None:
    """Close every client and stop this process's Milvus Lite servers, freeing their files for
    other processes (a test that reads an index another process then writes)."""
    for c in _clients.values():
        try:
            c.close()
        except Exception:
            pass
    _clients.clear()
    try:
        from milvus_lite.server_manager import server_manager_instance
    except ImportError:
        return
    server_manager_instance.release_all()


def _is_server(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "tcp://", "grpc://"))


def write_collection(where: Where, name: str, vectors: np.ndarray, stored: list, documents: list[Document]) -> None:
    """Create collection ``name`` and insert every chunk (row i = stored[i]) with its vector."""
    from pymilvus import DataType, Function, FunctionType

    c = client(where)
    dim = vectors.shape[1]
    try:
        if c.has_collection(name):
            c.drop_collection(name)
        schema = c.create_schema(auto_id=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
        schema.add_field("text", DataType.VARCHAR, max_length=_TEXT_MAX, enable_analyzer=True,
                         analyzer_params={"tokenizer": "jieba"})
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        for field in ("doc_id", "chunk_id", "title", "date", "source", "url"):
            schema.add_field(field, DataType.VARCHAR, max_length=1024)
        schema.add_field("start", DataType.INT64)
        schema.add_field("end", DataType.INT64)
        schema.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                                     output_field_names=["sparse"]))
        indexes = c.prepare_index_params()
        indexes.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 16, "efConstruction": 200})
        indexes.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        c.create_collection(name, schema=schema, index_params=indexes)
        urls = {d.doc_id: d.url for d in documents}
        for start in range(0, len(stored), _BATCH):
            c.insert(name, [_row(i, stored[i].chunk, vectors[i], urls) for i in range(start, min(start + _BATCH, len(stored)))])
        c.flush(name)
        c.load_collection(name)
    except MilvusError:
        raise
    except Exception as exc:
        raise MilvusError(f"Milvus at {where.uri} failed while writing {name}: {_first_line(exc)}") from None


def _row(i: int, chunk, vector: np.ndarray, urls: dict[str, str]) -> dict:
    return {"row": i, "dense": vector.tolist(), "text": chunk.search_text[:_TEXT_MAX // 4],
            "doc_id": chunk.doc_id, "chunk_id": chunk.chunk_id, "title": chunk.title[:300],
            "date": chunk.date[:32], "source": chunk.source[:300], "url": (urls.get(chunk.doc_id) or "")[:1000],
            "start": chunk.start, "end": chunk.end}


def publish(where: Where, live: str) -> None:
    """Point the alias at ``live`` and drop this index's other collections (older or unfinished builds)."""
    c = client(where)
    try:
        exists = any(where.prefix in c.list_aliases(name).get("aliases", []) for name in c.list_collections())
        (c.alter_alias if exists else c.create_alias)(live, where.prefix)
        drop_other_collections(where, live)
    except Exception as exc:
        raise MilvusError(f"Milvus at {where.uri} failed while publishing {live}: {_first_line(exc)}") from None


def drop_other_collections(where: Where, keep: str | None) -> None:
    """Drop this index's collections other than ``keep`` (what killed or superseded builds left)."""
    c = client(where)
    for name in c.list_collections():
        if name.startswith(where.prefix + "_v_") and name != keep:
            c.drop_collection(name)


def collection_name(where: Where, version_folder: str) -> str:
    """The collection of a version folder: ``<prefix>_v_<stamp>`` (Milvus names: letters, digits, _)."""
    return f"{where.prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', version_folder)}"


class MilvusVectors:
    """A loaded Milvus collection, answering like the FAISS index retrieval and builds use."""

    def __init__(self, where: Where, collection: str, dim: int, ntotal: int) -> None:
        self.where, self.collection, self.d, self.ntotal = where, collection, dim, ntotal
        c = client(where)
        try:
            if not c.has_collection(collection):
                raise IndexCorruptError(f"the Milvus collection {collection} at {where.uri} is missing")
            c.load_collection(collection)
        except RagError:
            raise
        except Exception as exc:
            raise MilvusError(f"cannot open the Milvus collection {collection} at {where.uri}: {_first_line(exc)}") from None
        self.ef = 128

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's shape: (scores, rows), each (len(queries), k), -1 rows past the end."""
        found = self._search(queries.tolist(), "dense", k, {"metric_type": "IP", "params": {"ef": max(self.ef, k)}})
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        rows = np.full((len(queries), k), -1, dtype=np.int64)
        for q, hits in enumerate(found):
            for j, hit in enumerate(hits[:k]):
                scores[q, j], rows[q, j] = hit["distance"], hit["row"] if "row" in hit else hit["id"]
        return scores, rows

    def keyword_search(self, text: str, k: int) -> list[int]:
        """Rows by Milvus BM25 over the jieba-analysed search text, best first."""
        hits = self._search([text], "sparse", k, {"metric_type": "BM25"})[0]
        return [int(h["row"] if "row" in h else h["id"]) for h in hits]

    def reconstruct_n(self, start: int, n: int) -> np.ndarray:
        """Stored vectors of rows start..start+n-1, in row order."""
        c = client(self.where)
        out = np.zeros((n, self.d), dtype=np.float32)
        for first in range(start, start + n, _BATCH):
            ids = list(range(first, min(first + _BATCH, start + n)))
            for r in c.get(self.collection, ids=ids, output_fields=["dense"]):
                out[r["row"] - start] = r["dense"]
        return out

    def _search(self, data: list, field: str, k: int, params: dict) -> list:
        try:
            return client(self.where).search(self.collection, data=data, anns_field=field, limit=max(k, 1),
                                             search_params=params, output_fields=[])
        except Exception as exc:
            raise MilvusError(f"Milvus search in {self.collection} at {self.where.uri} failed: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
