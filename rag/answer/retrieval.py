"""Hybrid retrieval: dense (FAISS inner product) + BM25 keywords, fused by reciprocal rank,
then nudged towards passages about the period the question names. With a Milvus store both
searches run in Milvus (its HNSW and its BM25 over the jieba-analysed text) and are fused here
the same way, so the period preference, gates and context stay the same.

The question (query.py) is normalised like the passages (Simplified, NFKC), so either script
finds either; an English question is searched with the Chinese words of its places and glossary
terms added (Query.search_text, Query.tokens), while the similarity the relevance gate reads
stays its own. Fused score of a chunk = sum over retrievers of weight / (rrf_k + rank), plus
period_weight * agreement / (rrf_k + 1), where agreement counts the question's year and part of
year (上半年, 前三季度 ...) that the passage matches (+1) or contradicts (-1). Does not generate
answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import Settings
from ..documents import Hit
from ..errors import IndexMismatchError
from ..indexing.embedders import Embedder, get_embedder
from ..indexing.store import Index, load_index
from ..indexing.vectorindex import tune_for_search
from ..query import Query
from ..text.periods import period_agreement
from .bm25 import BM25

PERIOD_LABEL = {1: "match", 2: "match", -1: "mismatch", -2: "mismatch"}


@dataclass
class Retriever:
    index: Index
    embedder: Embedder
    settings: Settings

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Retriever":
        """Load the index in ``settings.index_dir`` and check it matches the embedder."""
        embedder = embedder or get_embedder(settings.embedder, settings)
        return cls(load_index(settings.index_dir, embedder.id, settings.milvus_token), embedder, settings)

    def __post_init__(self) -> None:
        # A Milvus store ranks keywords itself (BM25 over its jieba analyzer); FAISS needs ours.
        self._milvus_keywords = getattr(self.index.vectors, "keyword_search", None)
        self._bm25 = None if self._milvus_keywords else BM25([s.tokens for s in self.index.chunks])
        tune_for_search(self.index.vectors, self.settings)

    def _diverse(self, ranked: list[int], k: int) -> list[int]:
        """The first ``k`` rows with at most Settings.max_passages_per_article from one article (a
        question about two articles needs both), topped up in rank order when the corpus is too small."""
        cap = self.settings.max_passages_per_article
        if cap <= 0:
            return ranked[:k]
        taken: list[int] = []
        per_doc: dict[str, int] = {}
        for row in ranked:
            doc = self.index.chunks[row].chunk.doc_id
            if per_doc.get(doc, 0) < cap:
                taken.append(row)
                per_doc[doc] = per_doc.get(doc, 0) + 1
                if len(taken) == k:
                    return taken
        chosen = set(taken)
        taken += [row for row in ranked if row not in chosen][:k - len(taken)]
        return sorted(taken, key=ranked.index)

    def search(self, query: Query, k: int | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first."""
        s = self.settings
        k = k or s.k
        n = len(self.index.chunks)
        if n == 0 or not query.text:
            return []
        depth = min(n, max(s.candidates, k))

        dense = self._dense(query.search_text, depth)
        # an English question is ranked with its Chinese keywords (query.search_text), but the
        # similarity the relevance gate reads stays the question's own, the cosine it is calibrated on
        similarity = dense if query.search_text == query.simple else self._dense(query.simple, depth)
        if self._milvus_keywords is not None:
            rows = self._milvus_keywords(query.search_text, depth)
            keyword = {row: float(depth - rank) for rank, row in enumerate(rows)}  # only the order is fused
        else:
            keyword_all = self._bm25.scores(query.tokens)
            keyword = {int(r): float(keyword_all[r]) for r in _top_rows(keyword_all, depth)}

        fused: dict[int, float] = {}
        for weight, ranked in ((s.dense_weight, dense), (s.keyword_weight, keyword)):
            for rank, row in enumerate(sorted(ranked, key=lambda r: -ranked[r]), start=1):
                fused[row] = fused.get(row, 0.0) + weight / (s.rrf_k + rank)

        agreement = {row: (0 if query.period.empty else period_agreement(query.period, self.index.chunks[row].period))
                     for row in fused}
        bonus = s.period_weight / (s.rrf_k + 1)
        ranked = sorted(fused, key=lambda r: (-(fused[r] + bonus * agreement[r]), r))
        return [Hit(chunk=self.index.chunks[row].chunk, score=fused[row] + bonus * agreement[row], rank=i,
                    dense_score=similarity.get(row), keyword_score=keyword.get(row),
                    period=PERIOD_LABEL.get(agreement[row], "neutral"))
                for i, row in enumerate(self._diverse(ranked, k), start=1)]

    def _dense(self, text: str, depth: int) -> dict[int, float]:
        """Row -> cosine similarity of the ``depth`` chunks nearest to ``text``."""
        vector = self.embedder.embed_query(text)
        if vector.shape[0] != self.index.vectors.d:  # a served model swapped for another under the same name
            raise IndexMismatchError(f"the embedder {self.embedder.id} gives {vector.shape[0]}-dimensional vectors; "
                                     f"the index holds {self.index.vectors.d}-dimensional ones: rebuild it with rag index")
        scores, rows = self.index.vectors.search(vector[None, :], depth)
        return {int(r): float(v) for r, v in zip(rows[0], scores[0]) if r >= 0}


def _top_rows(scores: np.ndarray, depth: int) -> np.ndarray:
    """Rows of the (at most) ``depth`` highest positive scores, best first, ties by row.
    argpartition keeps this O(n) for 1M chunks, where a full sort took tens of milliseconds.

    >>> _top_rows(np.array([0.0, 3.0, 1.0, 3.0, 2.0]), 3).tolist(), _top_rows(np.array([0.0, 2.0]), 5).tolist()
    ([1, 3, 4], [1])
    """
    if depth < len(scores):
        threshold = max(float(scores[np.argpartition(-scores, depth - 1)[:depth]].min()), np.nextafter(0, 1))
    else:
        threshold = np.nextafter(0, 1)
    rows = np.flatnonzero(scores >= threshold)  # every row tied at the cut, so ties break by row
    return rows[np.argsort(-scores[rows], kind="stable")][:depth]
