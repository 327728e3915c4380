"""The question, parsed once: every later stage reads this record instead of re-reading the string.

``Query.parse(raw, max_chars)`` cleans the question (control and zero-width characters go; an
empty, over-long or symbol-only question is an InputError), drops the sentences that give orders
to the assistant (text/injection.py), detects its script and converts it to Simplified, then
segments it once. A question that held nothing but such orders is kept, with ``unusable`` saying
why it cannot be answered. Does not search or answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError
from .text.asking import WHEN, WHEN_WORDS, asked_kind
from .text.english_terms import chinese_terms
from .text.injection import without_instructions
from .text.numbers import Figure, numbers
from .text.periods import Period, question_period
from .text.places import english_places, rank_scope
from .text.script import detect_script, to_simplified
from .text.words import content_terms, key_terms, longest_terms, split_places, tokenize, topic_terms

# C0/C1 control characters, zero-width spaces and joiners, bidi controls, the BOM.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ASKS_RANK = re.compile(r"第[几幾]([位名])?")
EXAMPLE = "衡阳2023年进出口总额是多少?"


@dataclass(frozen=True)
class Query:
    asked: str                  # as asked, invisible characters removed
    text: str                   # without sentences addressed to the assistant ("" if nothing else)
    script: str                 # "simplified", "traditional" or "latin" (no Chinese)
    simple: str                 # ``text`` in Simplified script, NFKC: what is matched (and embedded:
                                #   search_text)
    tokens: tuple[str, ...]     # keyword tokens (jieba search mode, stopwords out); for an English
                                #   question also those of its places and glossary terms in Chinese,
                                #   the words a Chinese passage answering it uses (see _keywords)
    terms: tuple[str, ...]      # Chinese content words, longest form only (上半年, not 上半 + 半年)
    topic: tuple[str, ...]      # ``terms`` less question words: what an answering passage shares
    places: tuple[str, ...]     # place names and acronyms the answer must be about (长沙, GDP;
                                #   Changsha -> 长沙 in an English question)
    period: Period              # years and parts of a year named (2019, 上半年)
    given: tuple[Figure, ...]   # the numbers the question itself states (not claims of an answer)
    rank_unit: str | None       # "位", "名" or "" when it asks for a rank (第几位); None otherwise
    unusable: str | None = None  # why it cannot be answered although it is valid input

    @property
    def search_text(self) -> str:
        """What is embedded and what a full-text engine that segments text itself (Milvus BM25)
        searches: the question, and for an English one its Chinese keywords too (an English
        question's cosine to the Chinese passage that answers it is no higher than to its
        neighbours; with the keywords it ranks that passage near the top)."""
        return " ".join((self.simple, *self.tokens)) if self.script == "latin" else self.simple

    @property
    def asks_rank(self) -> bool:
        return self.rank_unit is not None

    @classmethod
    def parse(cls, raw: str, max_chars: int = 2000) -> "Query":
        """Parse a question; InputError for input that is not a question at all.

        >>> q = Query.parse("衡陽2019年上半年進出口總額居全省第幾?")
        >>> q.script, q.simple, q.topic, q.places, sorted(q.period.years), q.rank_unit
        ('traditional', '衡阳2019年上半年进出口总额居全省第几?', ('衡阳', '上半年', '进出口', '总额', '居'), ('衡阳',), [2019], '')
        """
        asked = check_question(raw, max_chars)
        text = without_instructions(asked)
        simple = to_simplified(text)
        script = detect_script(text or asked)
        places = _places(simple, script) if text else ()
        own = tokenize(simple) if text else []
        tokens = own + _keywords(simple, places) if script == "latin" else own
        terms = _whole_places(longest_terms(content_terms(own)), split_places(simple) if text else [], simple)
        rank = _ASKS_RANK.search(simple)
        return cls(asked=asked, text=text, script=script, simple=simple, tokens=tuple(tokens),
                   terms=tuple(terms), topic=tuple(_topic(terms, simple)) if script != "latin" else (),
                   places=places, period=question_period(simple),
                   given=tuple(numbers(text)), rank_unit=(rank.group(1) or "") if rank else None,
                   unusable=None if text else "the question only tells the assistant what to do; ask about the articles")


def _whole_places(terms: list[str], places: list[str], simple: str) -> list[str]:
    """``terms`` without the pieces of the ``places`` jieba cut across two words (日益, 阳 of
    9月22日益阳), with the place in their stead: a piece is no word a passage must hold."""
    spans = [(m.start(), m.end()) for place in places for m in re.finditer(re.escape(place), simple)]

    def piece(term: str) -> bool:
        found = [(m.start(), m.end()) for m in re.finditer(re.escape(term), simple)]
        return bool(found) and all(any(start < end_ and start_ < end and not (start <= start_ and end_ <= end)
                                       for start_, end_ in spans) for start, end in found)

    kept = [t for t in terms if not piece(t)]
    return kept + [p for p in places if p not in kept]


def _topic(terms: list[str], simple: str) -> list[str]:
    """The topic words; for a question asking when, not the words that ask it (开幕时间: 时间 is
    answered by a date, which a passage states without the word); for a question asking a rank,
    not the place that only frames it (湖南 of 在湖南排第几: 居全省第二 answers it)."""
    topic = [t for t in topic_terms(terms) if not rank_scope(t, simple)]
    return [t for t in topic if t not in WHEN_WORDS] if asked_kind(simple) == WHEN else topic


def _keywords(simple: str, places: tuple[str, ...]) -> list[str]:
    """The Chinese keyword tokens of an English question: its places' Chinese names and every
    alternative of its glossary terms (text/english_terms.py), so that BM25 ranks the Chinese
    passage that says "蓝山皮具玩具箱包类产业完成产值…" for "the output value of … leather goods,
    toys and luggage industry" as it would for the Chinese question; its English words match nothing."""
    words = [*places, *(alt for group in chinese_terms(simple) for alt in group)]
    return [token for word in words for token in tokenize(word) if not token.isascii()]  # GDP: asked already


def _places(simple: str, script: str) -> tuple[str, ...]:
    """Chinese place names (and acronyms) of the question; for an English one, the Chinese names of
    the places it names in English (Changsha -> 长沙), so both take part in the place check."""
    return tuple(english_places(simple) + [t for t in key_terms(simple) if t.isascii()] if script == "latin"
                 else key_terms(simple))


def check_question(question: str, max_chars: int) -> str:
    """The question without control and zero-width characters, stripped; or a one-line InputError
    for input that is empty, over-long or has no letters, digits or CJK characters at all."""
    if not isinstance(question, str):
        raise InputError("the question must be text")
    question = _INVISIBLE.sub("", question.replace("\t", " ").replace("\n", " ")).strip()
    if not question:
        raise InputError(f"the question is empty; ask something, e.g. {EXAMPLE}")
    if len(question) > max_chars:
        raise InputError(f"the question is {len(question)} characters long; the limit is {max_chars}")
    if not any(ch.isalnum() for ch in question):
        raise InputError(f"the question has no words, only punctuation or symbols; ask something, e.g. {EXAMPLE}")
    return question
