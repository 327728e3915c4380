"""Okapi BM25 over the chunks' stored keyword tokens, with an inverted index for fast scoring.

Tokens come from text/words.py at index time; only the question is segmented at query time.
Does not fuse scores (retrieval.py does).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np


class BM25:
    """Okapi BM25 over pre-tokenised documents."""

    def __init__(self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.n = len(corpus)
        lengths = np.array([len(doc) for doc in corpus], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        # Per-document length normalisation, precomputed: k1 * (1 - b + b * len / avg).
        self._norm = self.k1 * (1 - b + b * lengths / max(avg, 1e-9))
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, doc in enumerate(corpus):
            for token, tf in Counter(doc).items():
                postings[token].append((i, tf))
        self._postings = {t: (np.array([i for i, _ in p], dtype=np.int64), np.array([tf for _, tf in p], dtype=np.float32))
                          for t, p in postings.items()}
        self._idf = {t: math.log(1 + (self.n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in self._postings.items()}

    def scores(self, query: list[str] | tuple[str, ...]) -> np.ndarray:
        """BM25 score of every document for ``query`` tokens (0 where no token matches)."""
        out = np.zeros(self.n, dtype=np.float32)
        for token in set(query):
            if token not in self._postings:
                continue
            ids, tf = self._postings[token]
            out[ids] += self._idf[token] * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out
