"""The FAISS index behind dense search: exact for small corpora, HNSW for large ones.

Settings.vector_index picks "flat" (exact inner product), "hnsw" (a navigable small-world graph
over the same vectors, approximate) or "auto": flat up to Settings.exact_search_max chunks, HNSW
above, searched deeper as it grows (ef_search). Both keep the full vectors, so rows can be read
back (incremental builds reuse them) and memory per chunk is 4 × dim bytes, plus the graph's
2 × M links for HNSW. Does not decide what is embedded (build.py) nor write files (store.py).
"""

from __future__ import annotations

import math

import numpy as np

from ..config import Settings


def index_kind(n_vectors: int, settings: Settings) -> str:
    """"flat" or "hnsw" for an index of ``n_vectors``.

    >>> s = Settings.load({}, environ={})
    >>> index_kind(10_000, s), index_kind(1_000_000, s), index_kind(10, s.replace(vector_index="hnsw"))
    ('flat', 'hnsw', 'hnsw')
    """
    if settings.vector_index != "auto":
        return settings.vector_index
    return "flat" if n_vectors <= settings.exact_search_max else "hnsw"


def build_vector_index(vectors: np.ndarray, dim: int, settings: Settings):
    """A FAISS inner-product index over ``vectors`` (row i = chunk i), of the kind index_kind picks."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dim)
    if index_kind(len(vectors), settings) == "hnsw":
        index = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = settings.hnsw_ef_construction
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    tune_for_search(index, settings)
    return index


def ef_search(n_vectors: int, settings: Settings) -> int:
    """HNSW search depth for an index of ``n_vectors``: deeper as it grows, so recall holds.

    >>> s = Settings.load({}, environ={})
    >>> ef_search(10_000, s), ef_search(1_000_000, s)
    (128, 1250)
    """
    return max(settings.hnsw_ef_search, settings.candidates, math.ceil(n_vectors * settings.hnsw_ef_per_million / 1e6))


def tune_for_search(index, settings: Settings) -> None:
    """Set the search depth of an HNSW index (FAISS does not store it in the file; a Milvus
    collection, milvus_store.py, takes it with each search)."""
    import faiss

    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = ef_search(index.ntotal, settings)
    elif hasattr(index, "ef"):
        index.ef = ef_search(index.ntotal, settings)


def kind_of(index) -> str:
    """"hnsw" or "flat", read off a loaded index."""
    import faiss

    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


def all_vectors(index) -> np.ndarray:
    """Every stored vector, (ntotal, d) float32, read in one call."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)
