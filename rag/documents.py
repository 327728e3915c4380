"""The records that cross module boundaries: Document, Chunk, Hit, Skipped, IngestResult, Citation, Answer.

All frozen dataclasses. A Document's ``text`` is the cleaned original (original script, debris
removed); chunk offsets index into it, so ``doc.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field

from .text.script import to_simplified

_YEAR = re.compile(r"^(\d{4})")


def year_of(date: str) -> int | None:
    """The year of an ISO date as precise as known: ``year_of("2019-07-23") == year_of("2019") == 2019``."""
    m = _YEAR.match(date or "")
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Document:
    doc_id: str          # file stem (or stem-N for the N-th article of a .jsonl file)
    text: str            # cleaned text in its original script
    title: str = ""
    date: str = ""       # ISO date as precise as the page states it: "2019-07-23", "2024-04", "2024"; "" unknown
    source: str = ""     # the outlet that published it
    author: str = ""
    url: str = ""
    path: str = ""       # the file it was read from

    @property
    def year(self) -> int | None:
        """Publication year, which is what "今年" in the article refers to."""
        return year_of(self.date)

    @property
    def content_hash(self) -> str:
        """sha256 over the text and the metadata that is embedded with it."""
        meta = json.dumps([self.title, self.date, self.source, self.author, self.url], ensure_ascii=False)
        return hashlib.sha256((meta + "\n" + self.text).encode("utf-8")).hexdigest()

    @property
    def text_hash(self) -> str:
        """sha256 of the cleaned text alone: two files with the same article share it."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str        # "<doc_id>#<n>"
    doc_id: str
    start: int           # character offsets into Document.text
    end: int
    text: str            # original script, as stored, shown and cited
    title: str = ""
    date: str = ""
    source: str = ""
    search_text: str = ""  # Simplified "title date\ntext": what is embedded, keyword-indexed and matched

    def __post_init__(self) -> None:
        if not self.search_text:  # computed once per chunk (and stored in the index), never per question
            header = " ".join(part for part in (self.title, self.date) if part)
            object.__setattr__(self, "search_text", to_simplified(f"{header}\n{self.text}" if header else self.text))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float                      # fused score used for the ranking
    rank: int                         # 1-based
    dense_score: float | None = None  # cosine similarity, when the dense retriever found it
    keyword_score: float | None = None  # BM25 score, when the keyword retriever found it
    period: str = "neutral"           # "match", "mismatch" or "neutral" against the question's period

    def to_dict(self) -> dict:
        c = self.chunk
        return {"rank": self.rank, "doc_id": c.doc_id, "chunk_id": c.chunk_id, "title": c.title,
                "date": c.date, "source": c.source, "score": round(self.score, 6),
                "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
                "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 6),
                "period": self.period, "start": c.start, "end": c.end, "text": c.text}


@dataclass(frozen=True)
class Skipped:
    """A file (or a line of one) that was not indexed, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.path}: {self.reason}"


@dataclass(frozen=True)
class IngestResult:
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Citation:
    n: int               # the [n] marker in the answer
    doc_id: str
    chunk_id: str
    title: str
    date: str
    source: str
    text: str            # the passage, original script
    evidence: str        # the sentence of the passage that holds the cited figure (or best matches the claim)
    added: bool = False  # True when the pipeline added it because the model's own [n] did not back a figure

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    verified: bool                       # every number in the answer appears in a cited passage (or the question)
    citations: list[Citation]
    retrieved: list[Hit]
    timings: dict[str, float | None]     # retrieve_s, ttft_s, total_s
    model: str
    refusal_reason: str | None = None    # why the answer is a refusal (the model's own, or a retrieval check)
    unverified: list[str] = field(default_factory=list)  # numbers found in no retrieved passage
    prompt_tokens: int | None = None     # length of the prompt the model read (None: not asked)
    model_answer: str | None = None      # the model's own reply in the question's script, before any fix
    fixes: list[str] = field(default_factory=list)  # rules that changed the model's reply (answer/fixes.py)
    standalone: str | None = None        # the question answered: a follow-up made standalone (followup.py)

    def to_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer, "refused": self.refused, "verified": self.verified,
                "citations": [c.to_dict() for c in self.citations],
                "retrieved": [{"doc_id": h.chunk.doc_id, "chunk_id": h.chunk.chunk_id, "score": round(h.score, 6)}
                              for h in self.retrieved],
                "timings": {k: (None if v is None else round(v, 3)) for k, v in self.timings.items()},
                "model": self.model, "refusal_reason": self.refusal_reason, "unverified": self.unverified,
                "prompt_tokens": self.prompt_tokens, "model_answer": self.model_answer, "fixes": self.fixes,
                "standalone": self.standalone}
