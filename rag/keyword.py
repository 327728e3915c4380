"""Keyword retrieval: jieba segmentation of Simplified text and Okapi BM25 over chunks.

Tokens are computed once at index time and stored with the chunks, so loading an index does
not re-segment the corpus; only the question is segmented at query time. Does not fuse scores
(retrieval.py does).
"""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter, defaultdict

import numpy as np

# Question words and particles that carry no topic; numbers, places and terms are kept.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 也 都 有 为 对 从 以 之 其 这 那 个 中 上 下 第 年 月 日 吗 呢 吧 啊 "
    "至 到 多少 几 几个 几位 哪 哪个 哪些 哪里 什么 怎么 怎样 如何 是否 请问 请 "
    "a an the of in on at to for and or is are was were be been what which who how many much "
    "did does do s its it by with from as that this".split())


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def content_terms(simple_question: str) -> list[str]:
    """A Simplified question's Chinese content words: its keyword tokens less numbers and Latin words.

    >>> content_terms("衡阳2023年GDP是多少?")
    ['衡阳']
    """
    return [t for t in dict.fromkeys(tokenize(simple_question)) if not t.isdigit() and not any(ch.isascii() for ch in t)]


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation, spaces and stopwords.

    >>> tokenize("衡阳2023年进出口总额是多少?")
    ['衡阳', '2023', '进出', '出口', '进出口', '总额']
    """
    tokens = []
    for token in _jieba().lcut_for_search(text):
        token = token.strip().lower()
        if token and token not in STOPWORDS and any(ch.isalnum() for ch in token):
            tokens.append(token)
    return tokens


class BM25:
    """Okapi BM25 over pre-tokenised documents, with an inverted index for fast scoring."""

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

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for ``query`` tokens (0 where no token matches)."""
        out = np.zeros(self.n, dtype=np.float32)
        for token in set(query):
            if token not in self._postings:
                continue
            ids, tf = self._postings[token]
            out[ids] += self._idf[token] * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out
