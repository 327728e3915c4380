"""Question -> Answer, as a short list of named steps; each step is a module of rag/answer or rag/llm.

1. parse      query.Query.parse: the question cleaned, its script, Simplified text, words, places, period;
              a follow-up is made standalone from the question before it (followup.py); a question
              of several parts is split (multipart.py), each part goes through 2-6, and the answers
              are joined (answer/joining.py)
2. retrieve   answer/retrieval.py: dense + BM25, fused, nudged to the period asked about
3. gate       answer/gates.py: refuse without asking the model when retrieval shows no answer
4. prompt     answer/context.py + answer/prompting.py: the sentences that matter, numbered, in the prompt
5. generate   llm/generators.py: the model's reply, streamed
6. verify     answer/verify.py: fixes, citations and figure checks; the answer or the refusal;
              when the model declined, a second reading asks it to copy the answer out and keeps it
              only if the passages hold it (answer/second_reading.py)

``stream`` yields events for the UI and CLI ("retrieved", then "token"s, then "answer");
``ask`` returns the Answer.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from dataclasses import dataclass
from typing import Callable, Generator as Gen, Iterator

from .answer.gates import before_asking, relevance_threshold, relevant
from .answer.joining import joined_answer
from .answer.prompting import build_messages, refusal_sentence
from .answer.retrieval import Retriever
from .answer.second_reading import FIX as SECOND_READING, copied_answer, second_messages
from .answer.verify import MODEL_DECLINED, Verdict, verify_reply
from .config import Settings
from .followup import resolve
from .documents import Answer, Chunk, Hit
from .llm.generators import Generator, Messages, get_generator
from .multipart import split_question
from .query import Query
from .text.script import to_script

NOT_ASKED = "none (not asked: retrieval found no answer)"


@dataclass(frozen=True)
class Event:
    kind: str      # "retrieved" (data: list[Hit]), "token" (data: str), "answer" (data: Answer)
    data: object


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

    def ask(self, question: str, k: int | None = None, previous: str | None = None) -> Answer:
        answer = None
        for event in self.stream(question, k, previous):
            if event.kind == "answer":
                answer = event.data
        assert answer is not None  # stream always ends with an answer event
        return answer

    def stream(self, question: str, k: int | None = None, previous: str | None = None) -> Iterator[Event]:
        """Events for one question; ``previous`` is the standalone question of the turn before, if any.
        A question of several parts (multipart.py) is answered part by part and the answers joined."""
        clock = _Clock()
        asked, query = self.parse(question, previous)                              # 1 parse
        on_topic = self._on_topic_check(previous, k) if query is not asked else None
        parts = split_question(query)
        if parts:
            yield from self._stream_parts(asked, parts, k, clock, on_topic)
            return
        yield from self._stream_one(asked, query, k, clock, on_topic)

    def _stream_parts(self, asked: Query, parts: list[str], k: int | None, clock: "_Clock",
                      on_topic: Callable[[], bool] | None) -> Iterator[Event]:
        """Each part through the single path, its tokens streamed under a line of its own; then the
        joined answer (answer/joining.py)."""
        answers = []
        for at, part in enumerate(parts):
            if at:
                yield Event("token", "\n")
            part_query = Query.parse(part, self.settings.max_question_chars)
            for event in self._stream_one(asked, part_query, k, clock, on_topic):
                if event.kind == "answer":
                    answers.append((part, event.data))
                else:
                    yield event
        yield Event("answer", joined_answer(asked.asked, answers, asked.script, clock.timings()))

    def _stream_one(self, asked: Query, query: Query, k: int | None, clock: "_Clock",
                    on_topic: Callable[[], bool] | None = None) -> Iterator[Event]:
        """Steps 2-6 for one single question (``asked`` as the user wrote it, ``query`` as answered,
        ``on_topic`` for a follow-up: whether the question it was resolved from is on topic)."""
        hits = self.retriever.search(query, k or self.settings.k)                  # 2 retrieve
        clock.retrieved()
        yield Event("retrieved", hits)
        reason = self.gate(query, hits, on_topic)                                  # 3 gate
        if reason is not None:
            text = refusal_sentence(query.script)
            yield Event("token", text)
            yield Event("answer", Answer(asked.asked, text, True, True, [], hits, clock.timings(first_token=True),
                                         NOT_ASKED, refusal_reason=reason, standalone=query.text or query.asked))
            return
        messages, passages = build_messages(query, hits, self.settings.context_budget_tokens,   # 4 prompt
                                            self.generator.count_tokens, self.settings.context_budget_whole_tokens)
        reply = yield from self._generate(messages, query.script, clock)           # 5 generate
        verdict = verify_reply(query, reply, passages)                             # 6 verify
        if self._reads_again(query, verdict):
            verdict = yield from self._second_reading(query, messages, passages, verdict, clock)
        yield Event("answer", Answer(asked.asked, verdict.answer, verdict.refused, verdict.verified, verdict.citations,
                                     hits, clock.timings(), self.generator.id, verdict.refusal_reason,
                                     verdict.unverified, self._prompt_tokens(messages), verdict.model_answer,
                                     verdict.fixes, query.text or query.asked))

    def parse(self, question: str, previous: str | None = None) -> tuple[Query, Query]:
        """(the question as asked, the question to answer): a follow-up made standalone from ``previous``."""
        limit = self.settings.max_question_chars
        asked = Query.parse(question, limit)
        text = resolve(asked, Query.parse(previous, limit)) if previous else None
        return asked, (Query.parse(text, limit) if text else asked)

    def gate(self, query: Query, hits: list[Hit], on_topic: Callable[[], bool] | None = None) -> str | None:
        """Why the model is not asked, or None (answer/gates.py). A follow-up whose conversation is on
        topic (``on_topic``) is not refused for its own cosine alone."""
        threshold = relevance_threshold(self.settings, self.retriever.embedder.id, query.script)
        return before_asking(query, hits, threshold, self.settings.min_term_coverage, on_topic)

    def _on_topic_check(self, resolved_from: str, k: int | None) -> Callable[[], bool]:
        """Whether ``resolved_from`` (the question a follow-up was resolved from) passes the relevance
        gate: retrieved when first asked, and once per question, however many parts ask it."""

        @functools.cache
        def on_topic() -> bool:
            before = Query.parse(resolved_from, self.settings.max_question_chars)
            limit = relevance_threshold(self.settings, self.retriever.embedder.id, before.script)
            return relevant(before, self.retriever.search(before, k or self.settings.k), limit)

        return on_topic

    def _reads_again(self, query: Query, verdict: Verdict) -> bool:
        """The model declined (no sentence could be quoted): worth a second reading (answer/second_reading.py)."""
        return (self.settings.second_reading and verdict.refused and verdict.refusal_reason == MODEL_DECLINED
                and query.script != "latin")

    def _second_reading(self, query: Query, first: Messages, passages: list[Chunk], declined: Verdict,
                        clock: "_Clock") -> Gen[Event, None, Verdict]:
        """Ask again for the answer's words, streamed under the refusal as provisional text; the
        copied answer if the passages hold it, else the first refusal."""
        yield Event("token", "\n")
        reply = yield from self._generate(second_messages(first, query.script), query.script, clock)
        verdict = copied_answer(query, reply, passages)
        if verdict is None:
            return declined
        return dataclasses.replace(verdict, model_answer=declined.model_answer,
                                   fixes=[*verdict.fixes, SECOND_READING])

    def _generate(self, messages: Messages, script: str, clock: "_Clock") -> Gen[Event, None, str]:
        """Stream the model's reply as "token" events (in the question's script); return it whole."""
        pieces: list[str] = []
        for piece in self.generator.stream(messages, self.settings.max_answer_tokens):
            clock.token()
            pieces.append(piece)
            yield Event("token", to_script(piece, script))
        return "".join(pieces)

    def _prompt_tokens(self, messages: Messages) -> int:
        return sum(self.generator.count_tokens(m["content"]) for m in messages)


class _Clock:
    """The answer's timings: retrieval, first token, total, from the question's arrival."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.retrieve_s: float | None = None
        self.ttft_s: float | None = None

    def retrieved(self) -> None:
        if self.retrieve_s is None:  # the first retrieval: a multi-part question retrieves once per part
            self.retrieve_s = time.perf_counter() - self.started

    def token(self) -> None:
        if self.ttft_s is None:
            self.ttft_s = time.perf_counter() - self.started

    def timings(self, first_token: bool = False) -> dict[str, float | None]:
        """``first_token``: the answer is shown whole now (a refusal), so its first token is now too."""
        total = time.perf_counter() - self.started
        return {"retrieve_s": self.retrieve_s, "ttft_s": total if first_token else self.ttft_s, "total_s": total}
