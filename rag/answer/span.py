"""The short answer: the span that answers, without the question said back (fix ``short_span``).

The small model often restates the question before the figure ("永州上半年全市进出口总额是196.79亿
元。[1]" for "永州上半年全市进出口总额是多少?") or after a date ("2020年10月15日，中欧班列“衡阳号”
首发。"). The user asked for the figure, name or date, so the words that only repeat the question
are cut: clauses made only of the question's words are dropped, and in the first clause left the
leading words that are the question's own (and a copula after them: 是, 为, 达) go. A word the
question does not have stops the cut, so what qualifies the answer stays (近, 约, 超过), and when
the question's words come again after it, nothing is cut (another year or place: 2019年上半年衡阳
进出口总额144.6亿元 answering a question about 2023 is kept whole, and the gates then see it).
Questions asking why, how or whether, English questions, and answers citing more than one place
(markers inside the text) are left as they are. Does not call the model.
"""

from __future__ import annotations

import re

from ..query import Query
from ..text.numbers import NUMBER, normalised
from ..text.script import to_simplified
from ..text.sentences import MARKER_TEXT
from ..text.words import jieba

FIX = "short_span"
# Questions whose answer is a sentence, not a span.
_ASKS_SENTENCE = re.compile(r"为什么|为何|如何|怎么|怎样|原因|吗|是否|哪些措施|什么意义")
# Words between the restated question and the answer that carry nothing: 是196.79亿元, 达446.1亿元.
_LINKS = frozenset({"是", "为", "了", "的", "在", "与", "和", "有", "共", "达", "达到", "共计", "合计", "：", ":"})
# Words that belong to the figure after them.
_BOUND = frozenset({"第", "近", "约", "超", "超过", "逾", "共"})
_LEAD = re.compile(r"^(根据(现有)?资料[，,]?|据资料[，,]?|\d\.\s+)")
_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_BODY_AND_MARKERS = re.compile(rf"^(.*?)\s*((?:{MARKER_TEXT})+)[。.]?\s*$", re.S)


def short_span(answer: str, query: Query) -> str:
    """``answer`` with the words that only repeat ``query`` cut (see the module docstring).

    >>> q = Query.parse("永州上半年全市进出口总额是多少?")
    >>> short_span("永州上半年全市进出口总额是196.79亿元。[1]", q)
    '196.79亿元[1]'
    >>> short_span("2020年10月15日，中欧班列“衡阳号”首发。[2]", Query.parse("中欧班列“衡阳号”是哪天首发的?"))
    '2020年10月15日[2]'
    >>> short_span("144.6亿元，居全省第二[2]", Query.parse("2019年上半年衡阳进出口总额居全省第几?"))
    '144.6亿元，居全省第二[2]'
    >>> short_span("第71位[1]", Query.parse("2020年衡阳排第几位?"))
    '第71位[1]'
    >>> short_span("2019年上半年衡阳进出口总额144.6亿元[1]", Query.parse("衡阳2023年进出口总额是多少?"))
    '2019年上半年衡阳进出口总额144.6亿元[1]'
    """
    if query.script == "latin" or _ASKS_SENTENCE.search(query.simple):
        return answer
    found = _BODY_AND_MARKERS.match(answer.strip())
    if not found or re.search(MARKER_TEXT, found.group(1)):
        return answer
    whole, markers = found.group(1).strip(), found.group(2)
    simple = to_simplified(whole)
    if len(simple) != len(whole):  # the script conversion changed lengths: positions would not map
        return answer
    lead = _LEAD.match(simple)
    body, simple = (whole[lead.end():], simple[lead.end():]) if lead else (whole, simple)
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(simple)]
    kept = [(start, end) for start, end in clauses if _new_words(simple[start:end], query.simple)]
    if not kept:
        return answer
    start = kept[0][0] + _restated_prefix(simple[kept[0][0]:kept[0][1]], query.simple)
    spans = [(start, kept[0][1])] + kept[1:]
    short = "".join(body[a:b] for a, b in spans).strip().rstrip("，,；;。. ")
    if not short or short == whole.rstrip("，,；;。. "):
        return answer
    return short + markers


def _words(text: str) -> list[str]:
    return [w for w in jieba().lcut(text) if w.strip()]


def _in_question(word: str, question: str) -> bool:
    """The word is the question's (衡阳市 for a question saying 衡阳), a link, or punctuation."""
    return (word in question or word.rstrip("省市县区") in question and len(word) > 2 or word in _LINKS
            or not any(ch.isalnum() for ch in word))


def _new_words(clause: str, question: str) -> bool:
    """Whether the clause says something the question does not: a word not in it."""
    return any(not _in_question(w, question) for w in _words(clause))


def _restated_prefix(clause: str, question: str) -> int:
    """How many leading characters of ``clause`` are the question's own words (and links); 0 when
    more of the question's words follow the first new one (2021年进出口总额30亿元: the restatement
    is interleaved with what differs from the question, so nothing is cut)."""
    cut: list[str] = []
    for word in jieba().lcut(clause):
        if not _in_question(word, question):
            break
        cut.append(word)
    while cut and cut[-1] in _BOUND:  # 第 of 第71位 belongs to the rank, though the question has it
        cut.pop()
    length = sum(map(len, cut))
    rest = NUMBER.sub(" ", normalised(clause[length:]))
    if any(len(w) >= 2 and w in question for w in _words(rest) if any(ch.isalnum() for ch in w)):
        return 0
    return length
