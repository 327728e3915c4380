"""Build or update an index incrementally: embed only new or changed documents, drop deleted ones.

A document is unchanged when its content hash (cleaned text + metadata) matches the manifest;
its chunks and vectors are carried over. A previously indexed document is dropped when its file
lies under a path given to this run and the file is gone (or no longer yields that document);
documents from other folders are kept, so indexing a second folder adds to the first. A file
that fails to read this time keeps its previous version. Does not serve queries.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .. import __version__
from ..config import Settings
from ..documents import Document, Skipped
from ..errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from ..ingest import ingest
from ..text.periods import passage_period
from ..text.script import NORMALISER_ID
from ..text.words import tokenize
from .chunking import SEPARATORS, chunk_document
from .embedders import Embedder, get_embedder
from .journal import Journal, clear_journals, key
from .store import FORMAT_VERSION, Index, StoredChunk, load_index, rebuild_hint, remove_stale_versions, write_index, write_lock
from .vectorindex import build_vector_index, index_kind, kind_of


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded_chunks: int = 0
    resumed_chunks: int = 0      # of those, vectors kept by an earlier run that was stopped (journal.py)
    total_documents: int = 0
    total_chunks: int = 0
    seconds: float = 0.0
    wrote: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "removed": self.removed, "unchanged": self.unchanged,
                "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
                "embedded_chunks": self.embedded_chunks, "resumed_chunks": self.resumed_chunks,
                "total_documents": self.total_documents,
                "total_chunks": self.total_chunks, "seconds": round(self.seconds, 3), "wrote": self.wrote,
                "notes": self.notes}


def chunking_settings(settings: Settings) -> dict:
    return {"size": settings.chunk_size, "overlap": settings.chunk_overlap,
            "splitter": "langchain_text_splitters.RecursiveCharacterTextSplitter", "separators": SEPARATORS}


def build_index(paths: Iterable[Path], settings: Settings, embedder: Embedder | None = None,
                rebuild: bool = False, progress: bool = True,
                warn: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr)) -> BuildReport:
    """Index the articles under ``paths`` into ``settings.index_dir``; see the module docstring."""
    started = time.perf_counter()
    embedder = embedder or get_embedder(settings.embedder, settings)
    paths = [Path(p) for p in paths]
    found = ingest(paths, int(settings.max_file_mb * 1e6))
    report = BuildReport(skipped=found.skipped)
    index_dir = Path(settings.index_dir)
    with write_lock(index_dir):
        old = None if rebuild else _load_previous(index_dir, embedder, settings, report, warn)
        current = {d.doc_id: d for d in found.documents}
        old_docs = old.manifest["documents"] if old else {}
        keep, removed = _carried_over(old_docs, current, paths, {s.path for s in found.skipped})
        report.removed = removed
        to_embed: list[Document] = []
        for doc in found.documents:
            previous = old_docs.get(doc.doc_id)
            if previous is None:
                report.added.append(doc.doc_id)
                to_embed.append(doc)
            elif previous["hash"] != doc.content_hash:
                report.updated.append(doc.doc_id)
                to_embed.append(doc)
                keep.discard(doc.doc_id)
            else:
                report.unchanged += 1
        milvus = _milvus(old, settings, index_dir)
        if old is not None and not to_embed and not removed and _same_layout(old, settings, milvus):
            _tidy(index_dir, old, milvus)
            report.total_documents = len(old.documents)
            report.total_chunks = len(old.chunks)
            report.seconds = time.perf_counter() - started
            return report

        documents, stored, vectors = _kept_rows(old, keep)
        new_docs, new_stored = _chunk(to_embed, settings)
        journal = Journal(index_dir, embedder.id, embedder.dim)
        new_vectors, report.resumed_chunks = _embed(embedder, new_stored, settings.embed_batch_size, progress, journal)
        documents += new_docs
        stored += new_stored
        all_vectors = np.concatenate([vectors, new_vectors]) if len(vectors) else new_vectors
        if milvus is None:
            vector_index = build_vector_index(all_vectors, embedder.dim, settings)
            manifest = _manifest(embedder, settings, documents, stored, kind_of(vector_index))
        else:  # Milvus builds its own HNSW graph over the vectors (milvus_store.py)
            vector_index = all_vectors.reshape(-1, embedder.dim)
            manifest = _manifest(embedder, settings, documents, stored, index_kind(len(stored), settings))
        write_index(index_dir, manifest, documents, stored, vector_index, milvus)
        journal.clear()  # the vectors now live in the index
    report.embedded_chunks = len(new_stored)
    report.total_documents = len(documents)
    report.total_chunks = len(stored)
    report.wrote = True
    report.seconds = time.perf_counter() - started
    return report


def _same_layout(old: Index, settings: Settings, milvus) -> bool:
    """The existing index has the vector index kind and the store (and Milvus) these settings ask for."""
    same_kind = old.manifest.get("vector_index", "flat") == index_kind(len(old.chunks), settings)
    store = old.manifest.get("store", {})
    if milvus is None:
        return same_kind and store.get("kind", "faiss") == "faiss"
    return same_kind and store.get("kind") == "milvus" and store.get("uri") == milvus.to_manifest("")["uri"]


def _tidy(index_dir: Path, old: Index, milvus) -> None:
    """What a build killed after its commit point left behind: old version folders, journals, and
    for Milvus the alias move and the drop of other collections."""
    remove_stale_versions(index_dir)
    clear_journals(index_dir)
    if milvus is not None:
        from .milvus_store import publish

        publish(milvus, old.manifest["store"]["collection"])


def _milvus(old: Index | None, settings: Settings, index_dir: Path):
    """The Milvus to write to (a milvus_store.Where), or None for the FAISS file: Settings.store
    when given, else what the existing index uses (a new one: FAISS)."""
    kind = settings.store or (old.manifest.get("store", {}).get("kind", "faiss") if old else "faiss")
    if kind != "milvus":
        return None
    from .milvus_store import LITE_FILE, Where, client

    recorded = old.manifest.get("store", {}) if old is not None else {}
    uri = settings.milvus_uri
    if uri is None and recorded.get("kind") == "milvus":  # as recorded: a server, or the Lite file
        uri = None if recorded.get("uri") in (None, LITE_FILE) else recorded["uri"]
    where = Where.for_index(index_dir, uri, settings.milvus_token, recorded.get("alias"))
    client(where)  # connect now: a server that is down fails the build before anything is embedded
    return where


def _load_previous(index_dir: Path, embedder: Embedder, settings: Settings, report: BuildReport,
                   warn: Callable[[str], None]) -> Index | None:
    """The index to update, or None to start afresh (none yet, or a damaged one)."""
    try:
        old = load_index(index_dir, embedder.id, settings.milvus_token)
    except IndexMissingError:
        return None
    except IndexCorruptError as exc:
        note = f"the existing index cannot be used ({exc}); building a new one from scratch"
        report.notes.append(note)
        warn(f"warning: {note}")
        return None
    want = chunking_settings(settings)
    if old.manifest.get("chunking") != want or old.manifest.get("normaliser") != NORMALISER_ID:
        raise IndexMismatchError(f"{index_dir}/ was built with chunking {old.manifest.get('chunking', {}).get('size')}"
                                 f"/{old.manifest.get('chunking', {}).get('overlap')} and normaliser "
                                 f"{old.manifest.get('normaliser')}; these settings ask for {want['size']}/"
                                 f"{want['overlap']} and {NORMALISER_ID}; rebuild with: {rebuild_hint(index_dir)}")
    return old


def _carried_over(old_docs: dict, current: dict[str, Document], paths: list[Path],
                  skipped_paths: set[str]) -> tuple[set[str], list[str]]:
    """(doc_ids whose old rows are kept as they are, doc_ids removed because their file is gone)."""
    roots = [str(p.resolve()) for p in paths]
    failed = {str(Path(p).resolve()) for p in skipped_paths}
    keep: set[str] = set()
    removed: list[str] = []
    for doc_id, entry in old_docs.items():
        if doc_id in current:
            keep.add(doc_id)  # discarded again by the caller if its hash changed
            continue
        file = entry.get("file", "")
        covered = any(file == root or file.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
        if covered and (not os.path.exists(file) or file not in failed):
            removed.append(doc_id)
        else:
            keep.add(doc_id)
    return keep, sorted(removed)


def _kept_rows(old: Index | None, keep: set[str]) -> tuple[list[Document], list[StoredChunk], np.ndarray]:
    if old is None:
        return [], [], np.zeros((0, 0), dtype=np.float32)
    documents = [d for doc_id, d in old.documents.items() if doc_id in keep]
    rows = [i for i, s in enumerate(old.chunks) if s.chunk.doc_id in keep]
    return documents, [old.chunks[i] for i in rows], old.vectors_of(rows)


def _chunk(documents: list[Document], settings: Settings) -> tuple[list[Document], list[StoredChunk]]:
    stored: list[StoredChunk] = []
    for doc in documents:
        for chunk in chunk_document(doc, settings.chunk_size, settings.chunk_overlap):
            stored.append(StoredChunk(chunk, tokenize(chunk.search_text), passage_period(chunk.search_text, doc.year)))
    return list(documents), stored


def _embed(embedder: Embedder, stored: list[StoredChunk], batch_size: int, progress: bool,
           journal: Journal) -> tuple[np.ndarray, int]:
    """(the vectors of ``stored``, how many came from the journal of a run that was stopped). Each
    batch is journalled as soon as it is embedded; the bar shows chunks/s and the time left."""
    from tqdm import tqdm

    texts = [s.chunk.search_text for s in stored]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    if not texts:
        return vectors, 0
    kept = journal.load()
    todo = []
    for row, text in enumerate(texts):
        vector = kept.get(key(text))
        if vector is None:
            todo.append(row)
        else:
            vectors[row] = vector
    resumed = len(texts) - len(todo)
    with tqdm(total=len(texts), initial=resumed, desc="embedding", unit="chunk", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if resumed and progress:
            bar.write(f"resuming: {resumed} chunks embedded by a run that was stopped are kept", file=sys.stderr)
        for start in range(0, len(todo), batch_size):
            rows = todo[start:start + batch_size]
            batch = [texts[row] for row in rows]
            vectors[rows] = embedder.embed_passages(batch)
            journal.append(batch, vectors[rows])
            bar.update(len(rows))
    return vectors, resumed


def _manifest(embedder: Embedder, settings: Settings, documents: list[Document], stored: list[StoredChunk],
              vector_index: str) -> dict:
    counts: dict[str, int] = {}
    for s in stored:
        counts[s.chunk.doc_id] = counts.get(s.chunk.doc_id, 0) + 1
    return {
        "format_version": FORMAT_VERSION,
        "rag_version": __version__,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedder": {"id": embedder.id, "dim": int(embedder.dim)},
        "chunking": chunking_settings(settings),
        "normaliser": NORMALISER_ID,
        "keyword": {"tokenizer": "jieba.lcut_for_search", "scorer": "bm25"},
        "vector_index": vector_index,
        "n_chunks": len(stored),
        "documents": {d.doc_id: {"hash": d.content_hash, "file": str(Path(d.path).resolve()),
                                 "title": d.title, "date": d.date, "source": d.source,
                                 "n_chunks": counts.get(d.doc_id, 0)} for d in documents},
    }
