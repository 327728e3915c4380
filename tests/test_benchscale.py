"""The scale measurements of `rag bench` on small sizes (the fake embedder; figures are not asserted)."""

import numpy as np

from rag.benchscale import dense_at_size, retrieval_at_size, synthetic_vectors
from rag.retrieval import Retriever
from rag.vectorindex import all_vectors

from conftest import FakeEmbedder


def test_synthetic_vectors_are_unit_length_and_clustered():
    centres = np.eye(8, 16, dtype=np.float32)
    v = synthetic_vectors(centres, 500, seed=1)
    assert v.shape == (500, 16) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert (v @ centres.T).max(axis=1).mean() > 0.5  # each lies near one of the centres


def test_dense_and_whole_retrieval_at_a_size(fake_index):
    retriever = Retriever.open(fake_index, FakeEmbedder())
    small = fake_index.replace(exact_search_max=1_000)
    dense = dense_at_size(all_vectors(retriever.index.vectors), 3_000, small, n_queries=50)
    assert dense["n"] == 3_000 and 0.9 <= dense["recall10"] <= 1.0 and dense["hnsw_bytes"] > dense["flat_bytes"]
    scaled = retrieval_at_size(retriever, 3_000, ["衡阳2023年进出口总额是多少?", "永州上半年进出口总额"] * 3, small)
    assert set(scaled) == {"n", "flat", "auto"} and scaled["auto"]["p50"] > 0
