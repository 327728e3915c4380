"""Question -> Answer: retrieve, decide whether to ask the model, prompt, stream, cite, verify.

The model is not asked when retrieval already shows the articles cannot answer: nothing
retrieved, the best passage below Settings.min_relevance, a place the question names that no
retrieved passage mentions, too few of the question's topic words in the best passages of its two
best articles, or a year the question names that every retrieved passage contradicts. Otherwise
the answer streams from the model, is converted to the question's script, checked for the refusal
sentence, its numbers verified against the cited passages (citations.py), and the cited passages
checked against the question's places and years; an answer that fails becomes the refusal.
``stream`` yields events for the UI and CLI; ``ask`` returns the Answer.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from dataclasses import dataclass
from typing import Iterator

from .citations import cite_and_verify
from .config import Settings
from .documents import Answer, Chunk, Hit, year_of
from .generators import Generator, get_generator
from .injection import without_instructions
from .periods import passage_period, question_period
from .prompting import as_rank, build_messages, is_refusal, rank_from_evidence, refusal_sentence
from .context import longest_terms
from .keyword import content_terms
from .retrieval import Retriever, check_question
from .chunking import passage_text
from .script import detect_script, to_script, to_simplified


@dataclass(frozen=True)
class Event:
    kind: str      # "retrieved" (data: list[Hit]), "token" (data: str), "answer" (data: Answer)
    data: object


@functools.lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def key_terms(question: str) -> list[str]:
    """Terms an answer cannot do without: place names (jieba 'ns') and acronyms (GDP, CPI) in a
    Simplified question. ``key_terms("长沙2023年GDP是多少?") == ['长沙', 'GDP']``"""
    return [w.word for w in _posseg().lcut(question)
            if (w.flag == "ns" and len(w.word) >= 2) or re.fullmatch(r"[A-Z]{2,6}", w.word)]


# Words that ask rather than tell ("分别是多少", "叫什么名字"), and "年前", jieba's reading of
# "2021年前三季度"; an answering passage need not contain them.
QUESTION_WORDS = frozenset({"分别", "各是", "谁", "叫做", "名字", "哪几个", "哪些地方", "哪一年", "哪年",
                            "什么时候", "年前"})


def topic_terms(simple_question: str) -> list[str]:
    """The question's content words that a passage answering it should share: whole words only
    (上半年, not also 上半 and 半年), question words left out."""
    return [t for t in longest_terms(content_terms(simple_question)) if t not in QUESTION_WORDS]


def covered_terms(terms: list[str], hits: list[Hit], texts: list[str]) -> list[str]:
    """The terms found in the best-covering passage of either of the two best-covering articles
    (a question may join two articles: 衡阳2023年 ... 和永州上半年 ...)."""
    best_by_doc: dict[str, tuple[int, str]] = {}
    for hit, text in zip(hits, texts):
        count = sum(term in text for term in terms)
        if count > best_by_doc.get(hit.chunk.doc_id, (-1, ""))[0]:
            best_by_doc[hit.chunk.doc_id] = (count, text)
    top_two = sorted(best_by_doc.values(), key=lambda v: -v[0])[:2]
    return [term for term in terms if any(term in text for _, text in top_two)]


def refusal_reason(question: str, hits: list[Hit], min_relevance: float, min_coverage: float = 0.0) -> str | None:
    """Why retrieval alone shows the articles cannot answer, or None when the model should be asked."""
    if not hits:
        return "no passages were retrieved"
    best = max((h.dense_score for h in hits if h.dense_score is not None), default=0.0)
    if best < min_relevance:
        return f"the best passage is not about the question (similarity {best:.3f} < {min_relevance})"
    simple = to_simplified(question)
    texts = [passage_text(h.chunk) for h in hits]
    missing = [term for term in key_terms(simple) if not any(term in t for t in texts)]
    if missing:
        return f"no retrieved passage mentions {', '.join(missing)}"
    terms = topic_terms(simple) if detect_script(question) != "latin" else []
    if terms:
        found = covered_terms(terms, hits, texts)
        if len(found) / len(terms) < min_coverage:
            return ("no retrieved passage speaks of "
                    + "、".join(term for term in terms if term not in found))
    years = question_period(simple).years
    if years:
        passage_years = [passage_period(t, year_of(h.chunk.date)).years for h, t in zip(hits, texts)]
        if all(py and not (py & years) for py in passage_years):
            return f"no retrieved passage is about {', '.join(str(y) for y in sorted(years))}"
    return None


def citation_mismatch(question: str, cited_ids: list[str], passages: list[Chunk]) -> str | None:
    """What the cited passages contradict in the question, or None: a place of the question that no
    cited passage (title included) mentions, or years of the question that every dated cited passage
    is not about (永州2023年上半年 answered from a 2022 article's 上半年)."""
    cited = [c for c in passages if c.chunk_id in set(cited_ids)]
    if not cited:
        return None
    simple = to_simplified(question)
    texts = [passage_text(c) for c in cited]
    places = [term for term in key_terms(simple) if not any(term in t for t in texts)]
    if places:
        return f"passages that do not mention {', '.join(places)}"
    years = question_period(simple).years
    periods = [passage_period(t, year_of(c.date)).years for c, t in zip(cited, texts)]
    if years and all(py and not (py & years) for py in periods):
        found = sorted(set().union(*periods))
        return f"passages about {', '.join(map(str, found))}, not {', '.join(map(str, sorted(years)))}"
    return None


class Pipeline:
    """Holds the loaded retriever and model; cheap to keep, so load once and ask many times."""

    def __init__(self, settings: Settings, retriever: Retriever | None = None,
                 generator: Generator | None = None, progress: bool = True) -> None:
        self.settings = settings
        self.retriever = retriever or Retriever.open(settings)
        self._generator = generator
        self._progress = progress

    def reopen(self) -> "Pipeline":
        """A pipeline over the index as it is on disk now, keeping the loaded embedder and model."""
        return Pipeline(self.settings, Retriever.open(self.settings, self.retriever.embedder), self._generator,
                        self._progress)

    @property
    def generator(self) -> Generator:
        if self._generator is None:  # loaded on first question, not at start-up
            self._generator = get_generator(self.settings.llm, self.settings, self._progress)
        return self._generator

    def ask(self, question: str, k: int | None = None) -> Answer:
        answer = None
        for event in self.stream(question, k):
            if event.kind == "answer":
                answer = event.data
        assert answer is not None
        return answer

    def stream(self, question: str, k: int | None = None) -> Iterator[Event]:
        started = time.perf_counter()
        asked = check_question(question, self.settings.max_question_chars)
        # Orders to the assistant inside a question are not forwarded: the rest of it is the question.
        question = without_instructions(asked)
        script = detect_script(question or asked)
        hits = self.retriever.search(question, k or self.settings.k) if question else []
        retrieve_s = time.perf_counter() - started
        yield Event("retrieved", hits)

        threshold = self.settings.min_relevance_latin if script == "latin" else self.settings.min_relevance
        reason = (refusal_reason(question, hits, threshold, self.settings.min_term_coverage) if question else
                  "the question only tells the assistant what to do; ask about the articles")
        if reason is not None:
            text = refusal_sentence(question or asked)
            yield Event("token", text)
            elapsed = time.perf_counter() - started
            yield Event("answer", Answer(asked, text, True, True, [], hits,
                                         {"retrieve_s": retrieve_s, "ttft_s": elapsed, "total_s": elapsed},
                                         "none (not asked: retrieval found no answer)", refusal_reason=reason))
            return

        generator = self.generator
        messages, passages = build_messages(question, hits, self.settings.context_budget_tokens, generator.count_tokens,
                                            self.settings.context_budget_whole_tokens)
        prompt_tokens = sum(generator.count_tokens(m["content"]) for m in messages)
        pieces: list[str] = []
        ttft = None
        for piece in generator.stream(messages, self.settings.max_answer_tokens):
            if ttft is None:
                ttft = time.perf_counter() - started
            pieces.append(piece)
            yield Event("token", to_script(piece, script))
        text = as_rank(to_script("".join(pieces).strip(), script), question)
        timings = {"retrieve_s": retrieve_s, "ttft_s": ttft, "total_s": time.perf_counter() - started}
        refusal = refusal_sentence(question)
        if not text or is_refusal(text, refusal):
            yield Event("answer", Answer(asked, refusal, True, True, [], hits, timings, generator.id,
                                         refusal_reason="the model found no answer in the passages",
                                         prompt_tokens=prompt_tokens))
            return
        checked = cite_and_verify(text, question, passages)
        text, citations, unbacked = checked.answer, checked.citations, checked.unbacked
        text = rank_from_evidence(text, question, [to_script(c.evidence, script) for c in citations])
        if unbacked and len(unbacked) == checked.claimed:
            # Every figure is made up: say so rather than show a guess.
            yield Event("answer", Answer(asked, refusal, True, False, [], hits, timings, generator.id,
                                         refusal_reason=f"the model's answer ({text}) has figures found in no passage",
                                         unverified=unbacked, prompt_tokens=prompt_tokens))
            return
        mismatch = citation_mismatch(question, [c.chunk_id for c in citations], passages)
        if mismatch:
            yield Event("answer", Answer(asked, refusal, True, False, [], hits, timings, generator.id,
                                         refusal_reason=f"the model's answer ({text}) cites {mismatch}",
                                         prompt_tokens=prompt_tokens))
            return
        yield Event("answer", Answer(asked, text, False, not unbacked, citations, hits, timings, generator.id,
                                     unverified=unbacked, prompt_tokens=prompt_tokens))
