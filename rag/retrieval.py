"""Hybrid retrieval: dense (FAISS inner product) + BM25 keywords, fused by reciprocal rank,
then nudged towards passages about the period the question names.

The question is normalised like the passages (Simplified, NFKC), so either script finds
either. Fused score of a chunk = sum over retrievers of weight / (rrf_k + rank), plus
period_weight * agreement / (rrf_k + 1), where agreement counts the question's year and part of
year (上半年, 前三季度 ...) that the passage matches (+1) or contradicts (-1). Does not generate
answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import Settings
from .documents import Hit
from .embedders import Embedder, get_embedder
from .errors import InputError
from .keyword import BM25, tokenize
from .periods import period_agreement, question_period
from .script import to_simplified
from .store import Index, load_index


def check_question(question: str, max_chars: int) -> str:
    """The question stripped, or a one-line InputError for empty or over-long input."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty; ask something, e.g. 衡阳2023年进出口总额是多少?")
    question = question.strip()
    if len(question) > max_chars:
        raise InputError(f"the question is {len(question)} characters long; the limit is {max_chars}")
    return question


@dataclass
class Retriever:
    index: Index
    embedder: Embedder
    settings: Settings

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "Retriever":
        """Load the index in ``settings.index_dir`` and check it matches the embedder."""
        embedder = embedder or get_embedder(settings.embedder)
        return cls(load_index(settings.index_dir, embedder.id), embedder, settings)

    def __post_init__(self) -> None:
        self._bm25 = BM25([s.tokens for s in self.index.chunks])

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

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``question``, best first."""
        s = self.settings
        question = check_question(question, s.max_question_chars)
        k = k or s.k
        n = len(self.index.chunks)
        if n == 0:
            return []
        normalised = to_simplified(question)
        depth = min(n, max(s.candidates, k))

        dense_scores, dense_rows = self.index.vectors.search(self.embedder.embed_query(normalised)[None, :], depth)
        dense = {int(r): float(v) for r, v in zip(dense_rows[0], dense_scores[0]) if r >= 0}
        keyword_all = self._bm25.scores(tokenize(normalised))
        top = np.argsort(-keyword_all, kind="stable")[:depth]
        keyword = {int(r): float(keyword_all[r]) for r in top if keyword_all[r] > 0}

        fused: dict[int, float] = {}
        for weight, ranked in ((s.dense_weight, dense), (s.keyword_weight, keyword)):
            for rank, row in enumerate(sorted(ranked, key=lambda r: -ranked[r]), start=1):
                fused[row] = fused.get(row, 0.0) + weight / (s.rrf_k + rank)

        wanted = question_period(normalised)
        agreement = {row: (0 if wanted.empty else period_agreement(wanted, self.index.chunks[row].period))
                     for row in fused}
        bonus = s.period_weight / (s.rrf_k + 1)
        ranked = sorted(fused, key=lambda r: (-(fused[r] + bonus * agreement[r]), r))
        scored = self._diverse(ranked, k)
        return [Hit(chunk=self.index.chunks[row].chunk, score=fused[row] + bonus * agreement[row], rank=i,
                    dense_score=dense.get(row), keyword_score=keyword.get(row),
                    period={1: "match", 2: "match", -1: "mismatch", -2: "mismatch"}.get(agreement[row], "neutral"))
                for i, row in enumerate(scored, start=1)]
