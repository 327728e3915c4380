"""Fakes shared by the tests and by the helper processes they start (kill_driver.py).

The fake embedder hashes character n-grams of the Simplified text into a vector, so texts that
share words are close; it counts what it embeds so incremental indexing can be checked.
"""

from __future__ import annotations

import hashlib

import numpy as np


class FakeEmbedder:
    """Hashed character 1-3-grams -> 64 dims, L2-normalised. Counts passages embedded."""

    id = "fake:ngrams-64"
    dim = 64

    def __init__(self, arg: str = "") -> None:
        self.passages_embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        from rag.text.script import to_simplified

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
