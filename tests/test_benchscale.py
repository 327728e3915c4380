"""The scale measurements of `rag bench` on small sizes (the fake embedder; figures are not asserted)."""

import numpy as np

from rag.eval.benchscale import dense_at_size, retrieval_at_size, synthetic_vectors
from rag.answer.retrieval import Retriever
from rag.indexing.vectorindex import all_vectors

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
    assert dense["ef_search"] == small.hnsw_ef_search  # 3,000 chunks are far below the size where it grows
    scaled = retrieval_at_size(retriever, 3_000, ["衡阳2023年进出口总额是多少?", "永州上半年进出口总额"] * 3, small)
    assert set(scaled) == {"n", "flat", "auto"}
    assert (scaled["flat"]["index"], scaled["auto"]["index"]) == ("flat", "hnsw")  # 3,000 > exact_search_max
    for kind in ("flat", "auto"):  # the real passage is still found among 3,000, by either index
        assert scaled[kind]["top_doc"] == "001_a7d89014a7bd190e" and scaled[kind]["p95"] >= scaled[kind]["p50"]


def test_rewriting_benchmarks_keeps_the_hand_written_notes(tmp_path):
    from rag.eval.bench import kept_notes

    page = tmp_path / "BENCHMARKS.md"
    assert kept_notes(page) == ""
    page.write_text("# Benchmarks\n\n| old | table |\n\n## Notes\n\n- why the figures look as they do\n", encoding="utf-8")
    assert kept_notes(page) == "\n## Notes\n\n- why the figures look as they do\n"


def test_an_hnsw_index_is_searched_deeper_as_it_grows():
    from rag.config import Settings
    from rag.indexing.vectorindex import build_vector_index

    settings = Settings.load({"vector_index": "hnsw", "hnsw_ef_per_million": 100_000}, environ={})
    vectors = synthetic_vectors(np.eye(4, 16, dtype=np.float32), 3_000, seed=2)
    assert build_vector_index(vectors[:1_000], 16, settings).hnsw.efSearch == settings.hnsw_ef_search  # 100 < 128
    assert build_vector_index(vectors, 16, settings).hnsw.efSearch == 300  # 3,000 chunks x 100,000 per million


def test_follow_ups_are_timed_one_per_follow_up_turn():
    from conftest import ROOT
    from rag.eval.bench import time_follow_ups
    from rag.eval.questions import load_questions

    dialogues = ROOT / "eval/questions/dialogues.jsonl"
    times = time_follow_ups(dialogues)
    assert len(times) == sum(q.follow_up for q in load_questions(dialogues)) >= 40
