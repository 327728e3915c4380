"""The on-disk index: FAISS vectors, chunk table, documents and a manifest, written atomically.

Layout of an index folder::

    CURRENT                 name of the live version folder (replaced atomically)
    .lock                   held while a build writes
    v-<time>-<pid>/
        manifest.json       format version, embedder id and dimension, chunking, normaliser,
                            per-document hashes, counts
        vectors.faiss       inner-product FAISS index, exact or HNSW (vectorindex.py); row i is chunk i
                            (a Milvus store keeps the vectors in a collection the manifest names
                            instead: milvus_store.py; milvus.db is its Lite file, when local)
        chunks.jsonl        one chunk per line, with its keyword tokens and period
        documents.jsonl     one cleaned document per line (text and metadata)

A build writes a complete new version folder, fsyncs it, then swaps CURRENT with os.replace, so
a crash at any point leaves the previous version loadable. Does not decide what to embed
(build.py does).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..documents import Chunk, Document
from ..errors import IndexCorruptError, IndexLockedError, IndexMismatchError, IndexMissingError
from ..text.periods import Period

# 2: each chunk carries its search_text (2026-11-23). Format 1 is still read: a chunk without it
# computes it on load (documents.Chunk), so indexes built before need no rebuild.
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
CURRENT = "CURRENT"
LOCK = ".lock"


@dataclass
class StoredChunk:
    """A chunk plus what retrieval needs precomputed: its keyword tokens and its period."""

    chunk: Chunk
    tokens: list[str]
    period: Period


@dataclass
class Index:
    path: Path                       # the version folder that was loaded
    manifest: dict
    documents: dict[str, Document]
    chunks: list[StoredChunk]
    vectors: "object"                # faiss.Index or milvus_store.MilvusVectors; row i is chunks[i]

    def vectors_of(self, rows: list[int]) -> np.ndarray:
        """The stored vectors of the given rows, (len(rows), dim) float32."""
        from .vectorindex import all_vectors

        if not rows:
            return np.zeros((0, self.manifest["embedder"]["dim"]), dtype=np.float32)
        return all_vectors(self.vectors)[np.asarray(rows, dtype=np.int64)]


def rebuild_hint(index_dir: Path) -> str:
    return f"rag index --rebuild --index {index_dir}"


def current_version(index_dir: Path) -> Path | None:
    """The live version folder, or None when no index was ever written here."""
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    if not name or "/" in name or name.startswith("."):
        raise IndexCorruptError(f"{pointer} does not name a version folder; rebuild with: {rebuild_hint(index_dir)}")
    return index_dir / name


def read_manifest(index_dir: Path) -> tuple[Path, dict]:
    """(the live version folder, its manifest) without loading chunks or vectors."""
    version = current_version(index_dir)
    if version is None:
        raise IndexMissingError(f"no index in {index_dir}/; build one with: rag index --index {index_dir}")
    try:
        return version, json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"cannot read the manifest of {index_dir}/ ({exc}); rebuild with: {rebuild_hint(index_dir)}") from None


def load_index(index_dir: Path, embedder_id: str | None = None, milvus_token: str | None = None) -> Index:
    """Load the live index; check its format and, if given, that it was built with ``embedder_id``.

    A build that commits while this reads removes the version being read; the new live version is
    then loaded instead (up to three tries) rather than reporting damage that is not there.
    """
    index_dir = Path(index_dir)
    for attempt in range(3):
        reading = current_version(index_dir)
        try:
            return _load_version(index_dir, embedder_id, milvus_token)
        except IndexCorruptError:
            if attempt == 2 or current_version(index_dir) == reading:
                raise
    raise AssertionError("unreachable")


def _load_version(index_dir: Path, embedder_id: str | None, milvus_token: str | None = None) -> Index:
    version, manifest = read_manifest(index_dir)
    check_manifest(manifest, index_dir, embedder_id)
    try:
        documents = {d["doc_id"]: Document(**d) for d in _read_jsonl(version / "documents.jsonl")}
        chunks = [StoredChunk(Chunk(**row["chunk"]), row["tokens"],
                              Period(frozenset(row["years"]), frozenset(row["parts"])))
                  for row in _read_jsonl(version / "chunks.jsonl")]
        vectors = _open_vectors(index_dir, version, manifest, milvus_token)
    except (OSError, RuntimeError, KeyError, TypeError, ValueError) as exc:
        raise IndexCorruptError(f"{index_dir}/ is damaged ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                                f"rebuild with: {rebuild_hint(index_dir)}") from None
    if vectors.ntotal != len(chunks) or len(chunks) != manifest.get("n_chunks") \
            or vectors.d != manifest["embedder"]["dim"] or set(documents) != set(manifest["documents"]):
        raise IndexCorruptError(f"{index_dir}/ is inconsistent ({vectors.ntotal} vectors, {len(chunks)} chunks, "
                                f"manifest says {manifest.get('n_chunks')}); rebuild with: {rebuild_hint(index_dir)}")
    return Index(version, manifest, documents, chunks, vectors)


def _open_vectors(index_dir: Path, version: Path, manifest: dict, milvus_token: str | None):
    """The searchable vectors of a version: its FAISS file, or the Milvus collection its manifest names."""
    if manifest.get("store", {}).get("kind") == "milvus":
        from .milvus_store import MilvusVectors, where_from_manifest

        where, collection = where_from_manifest(index_dir, manifest, milvus_token)
        return MilvusVectors(where, collection, manifest["embedder"]["dim"], manifest.get("n_chunks", 0))
    import faiss

    return faiss.read_index(str(version / "vectors.faiss"))


def check_manifest(manifest: dict, index_dir: Path, embedder_id: str | None) -> None:
    """Refuse an index from a newer format or built with another embedder, naming the fix."""
    version = manifest.get("format_version")
    if not isinstance(version, int) or "embedder" not in manifest or "documents" not in manifest:
        raise IndexCorruptError(f"{index_dir}/ has no valid manifest; rebuild with: {rebuild_hint(index_dir)}")
    if version > FORMAT_VERSION:
        raise IndexMismatchError(f"{index_dir}/ uses index format {version}, newer than this rag reads ({FORMAT_VERSION}); "
                                 f"upgrade rag, or rebuild with: {rebuild_hint(index_dir)}")
    if version not in READABLE_FORMATS:
        raise IndexMismatchError(f"{index_dir}/ uses the old index format {version}; rebuild with: {rebuild_hint(index_dir)}")
    built_with = manifest["embedder"].get("id")
    if embedder_id is not None and built_with != embedder_id:
        raise IndexMismatchError(f"{index_dir}/ was built with embedder '{built_with}' but '{embedder_id}' is selected; "
                                 f"select '{built_with}' (--embedder / RAG_EMBEDDER), or rebuild with: "
                                 f"{rebuild_hint(index_dir)} --embedder {embedder_id}")


def write_index(index_dir: Path, manifest: dict, documents: list[Document], chunks: list[StoredChunk],
                vectors: "object", milvus: "object | None" = None) -> Path:
    """Write a new version folder and make it live; old versions are removed afterwards.
    ``vectors`` is the FAISS index to store (vectorindex.build_vector_index), or, with ``milvus``
    (a milvus_store.Where), the (n, dim) array written to a new collection before the commit point
    and published (the alias moved to it) after it."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    version = index_dir / f"v-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = index_dir / f".tmp-{version.name}"
    tmp.mkdir()
    collection = None
    if milvus is not None:
        from .milvus_store import collection_name, write_collection

        collection = collection_name(milvus, version.name)
        write_collection(milvus, collection, vectors, chunks, documents)
        manifest = {**manifest, "store": milvus.to_manifest(collection)}
    else:
        import faiss

        faiss.write_index(vectors, str(tmp / "vectors.faiss"))
    _write_jsonl(tmp / "documents.jsonl", (d.to_dict() for d in documents))
    _write_jsonl(tmp / "chunks.jsonl", ({"chunk": s.chunk.to_dict(), "tokens": s.tokens,
                                         "years": sorted(s.period.years), "parts": sorted(s.period.parts)}
                                        for s in chunks))
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    for f in tmp.iterdir():
        _fsync_file(f)
    os.rename(tmp, version)
    _fsync_dir(index_dir)
    pointer_tmp = index_dir / f".{CURRENT}.tmp"
    pointer_tmp.write_text(version.name + "\n", encoding="utf-8")
    _fsync_file(pointer_tmp)
    os.replace(pointer_tmp, index_dir / CURRENT)  # the commit point
    _fsync_dir(index_dir)
    remove_stale_versions(index_dir)
    if milvus is not None:
        from .milvus_store import publish

        publish(milvus, collection)
    return version


def remove_stale_versions(index_dir: Path) -> None:
    """Delete version folders that are not live, and leftovers of interrupted builds."""
    live = current_version(index_dir)
    for entry in index_dir.iterdir():
        if entry.is_dir() and (entry.name.startswith(".tmp-v-") or entry.name.startswith("v-")) and entry != live:
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's write lock, or fail at once if another process holds it."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _lock_holder(handle) or "another process"
            raise IndexLockedError(f"{index_dir}/ is being written by {holder}; wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_holder(handle, wait_s: float = 1.0) -> str:
    """The holder's "pid N", waiting briefly: it writes its pid just after taking the lock."""
    deadline = time.monotonic() + wait_s
    while True:
        handle.seek(0)
        holder = handle.read().strip()
        if holder or time.monotonic() >= deadline:
            return holder
        time.sleep(0.02)


def _read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
