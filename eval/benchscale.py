"""Dense search and full retrieval at corpus sizes far past the seeds, for `rag bench`.

Synthetic vectors stand in for large corpora: every chunk vector of the seeds index is a topic
centre, each of those is varied into 40 nearby topics, and chunks are drawn around the topics with
noise, so neighbours cluster the way real news does (uniform random vectors would make any
approximate index look worse than it is). Queries are drawn the same way. For each size this
times exact (flat) and HNSW search per query, HNSW's recall@10 against exact search, build time and
bytes per chunk; and, at the sizes asked for, the whole retrieval (embedding the question, dense
search, BM25 over that many chunks, fusion) with the real embedder, chunks being the seeds' chunks
repeated.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from rag.config import Settings
from rag.text.sentences import sentences

from .metrics import percentile
from rag.answer.retrieval import Retriever
from rag.query import Query
from rag.indexing.store import Index, StoredChunk
from rag.indexing.vectorindex import all_vectors, build_vector_index, kind_of


def synthetic_vectors(centres: np.ndarray, n: int, seed: int, spread: float = 0.5) -> np.ndarray:
    """``n`` unit vectors clustered around varied copies of ``centres`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    d = centres.shape[1]
    topics = np.repeat(centres, 40, axis=0) + 0.3 * rng.standard_normal((len(centres) * 40, d)).astype(np.float32) / np.sqrt(d)
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 100_000):  # in blocks, so 1M vectors never need two copies at once
        m = min(100_000, n - start)
        block = topics[rng.integers(0, len(topics), m)] + spread * rng.standard_normal((m, d)).astype(np.float32) / np.sqrt(d)
        out[start:start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _latencies_ms(search, queries) -> list[float]:
    """Milliseconds of ``search(q)`` for each query, one at a time (as questions arrive)."""
    times = []
    for q in queries:
        started = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - started) * 1000)
    return times


def dense_at_size(centres: np.ndarray, n: int, settings: Settings, n_queries: int = 200) -> dict:
    """Flat vs HNSW on ``n`` synthetic vectors: latency per query, recall@10, build time, bytes per chunk."""
    import faiss

    vectors = synthetic_vectors(centres, n, seed=n)
    queries = synthetic_vectors(centres, n_queries, seed=n + 1)
    d = vectors.shape[1]
    flat = build_vector_index(vectors, d, settings.replace(vector_index="flat"))
    started = time.perf_counter()
    hnsw = build_vector_index(vectors, d, settings.replace(vector_index="hnsw"))
    build_s = time.perf_counter() - started
    _, exact = flat.search(queries, 10)
    _, approx = hnsw.search(queries, 10)
    recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
    flat_ms = _latencies_ms(lambda q: flat.search(q[None, :], settings.candidates), queries[:100])
    hnsw_ms = _latencies_ms(lambda q: hnsw.search(q[None, :], settings.candidates), queries)
    return {"n": n, "flat_p50": percentile(flat_ms, 50), "flat_p95": percentile(flat_ms, 95),
            "hnsw_p50": percentile(hnsw_ms, 50), "hnsw_p95": percentile(hnsw_ms, 95),
            "recall10": recall, "hnsw_build_s": build_s, "ef_search": hnsw.hnsw.efSearch,
            "flat_bytes": faiss.serialize_index(flat).nbytes / n, "hnsw_bytes": faiss.serialize_index(hnsw).nbytes / n}


def retrieval_at_size(seed_retriever: Retriever, n: int, questions: list[str], settings: Settings) -> dict:
    """Whole retrieval (real embedder) over ``n`` chunks: the seeds' chunks repeated, synthetic vectors.
    Per kind ("flat", "auto"): latency p50 / p95 in ms, the FAISS index kind searched, and the article
    of the first question's best passage (so a caller can see the search still finds it at that size)."""
    base = seed_retriever.index
    centres = all_vectors(base.vectors)
    chunks = [StoredChunk(base.chunks[i % len(base.chunks)].chunk, base.chunks[i % len(base.chunks)].tokens,
                          base.chunks[i % len(base.chunks)].period) for i in range(n)]
    vectors = synthetic_vectors(centres, n, seed=7)
    vectors[:len(base.chunks)] = centres  # the real chunks are in there too
    out = {"n": n}
    for kind in ("flat", "auto"):
        s = settings.replace(vector_index=kind)
        index = Index(base.path, {**base.manifest, "n_chunks": n}, base.documents, chunks,
                      build_vector_index(vectors, centres.shape[1], s))
        retriever = Retriever(index, seed_retriever.embedder, s)
        for q in questions[:3]:
            retriever.search(Query.parse(q))  # warm
        times = _latencies_ms(lambda q: retriever.search(Query.parse(q)), questions)  # parsing is part of retrieval
        top = retriever.search(Query.parse(questions[0]), 1)
        out[kind] = {"p50": percentile(times, 50), "p95": percentile(times, 95), "index": kind_of(index.vectors),
                     "top_doc": top[0].chunk.doc_id if top else None}
    return out


def embed_query_ms(retriever: Retriever, questions: list[str]) -> list[float]:
    """Milliseconds to embed each question (warm)."""
    retriever.embedder.embed_query(questions[0])
    return _latencies_ms(retriever.embedder.embed_query, questions)


def write_article_corpus(cmrc_data: dict, path: Path, n_articles: int = 2_000) -> Path:
    """``n_articles`` articles made from the CMRC 2018 passages, one JSON Lines file, for timing indexing.

    Article i is passage i mod 848; past the first round its sentences start further in (rotated),
    so every article's text differs and none is skipped as a duplicate.
    """
    passages = [(a["title"], p["context"]) for a in cmrc_data["data"] for p in a["paragraphs"]]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n_articles):
            title, text = passages[i % len(passages)]
            turn = i // len(passages)
            parts = sentences(text)
            if turn:
                shift = turn % max(1, len(parts))
                parts = parts[shift:] + parts[:shift] + [f"（第{turn + 1}稿）"]
            f.write(json.dumps({"id": i, "title": title, "text": "".join(parts)}, ensure_ascii=False) + "\n")
    return path
