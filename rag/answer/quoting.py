"""The extractive fallback: when the model declines, the one passage sentence that plainly answers.

The small model sometimes says it found no answer although the prompt holds a sentence that
states it (衡阳 … 进出口总额 446.1亿元, 位列湖南省第3 for "…在全省排第几?"). Such a sentence is
offered as the answer, quoted and cited ("原文：「…」[1]"), and the Answer names the fix
``quoted_sentence``. Sentences are read clause by clause (a web page's run-on sentence joined by
； is not quoted whole). A sentence qualifies only when everything the question pins down is in it:
- every topic word of the question other than its places, period and rank words (进出口, 总额);
- every place of the question, in the sentence or its article's title;
  (the words and places may also be in the one or two sentences before, then quoted too);
- the question's period: its years (今年 read against the article's date) and its part of the
  year; a question naming a year but no part is not answered by a sentence about a part (上半年);
- a figure: a rank (第3) for a rank question, else a number that is not a year or a figure the
  question itself gives.
The first qualifying sentence in prompt order wins. Does not call the model.
"""

from __future__ import annotations

from ..documents import Chunk, year_of
from ..query import Query
from ..text.numbers import numbers
from ..text.periods import passage_period, period_phrases
from ..text.script import to_script, to_simplified
from ..text.sentences import sentences

FIX = "quoted_sentence"
# Words that say how a rank is asked (在全省排第几), not what it is of.
_RANK_WORDS = frozenset({"全省", "全国", "全市", "省内", "排", "排名", "第几", "居", "位列", "位居", "排第"})
_RANK = ("第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十")
_LEAD = {"simplified": "原文：", "traditional": "原文：", "latin": "The article says: "}


def quoted_answer(query: Query, passages: list[Chunk]) -> str | None:
    """"原文：「sentence」[n]" for the first sentence of ``passages`` (numbered 1..n in the prompt)
    that answers ``query`` by the rules above; None when none does."""
    terms = _metric_terms(query)
    if not terms:
        return None  # nothing says what figure is asked: any sentence would be a guess
    for n, chunk in enumerate(passages, start=1):
        title = to_simplified(chunk.title)
        parts = [s.strip() for s in sentences(chunk.text, clauses=True) if s.strip()]
        for at, sentence in enumerate(parts):
            # the clause alone, else with the one or two before it (其中…外商投资项目5个 after …衡商大会…)
            for window in dict.fromkeys("".join(parts[max(at - back, 0):at + 1]) for back in range(3)):
                if _answers(query, terms, to_simplified(window), to_simplified(sentence), title, year_of(chunk.date)):
                    quoted = window if query.script == "latin" else to_script(window, query.script)
                    return f"{_LEAD[query.script]}「{quoted}」[{n}]"
    return None


def _metric_terms(query: Query) -> list[str]:
    """The question's topic words that name the figure: no place, period or rank words."""
    period = period_phrases(query.simple)
    return [t for t in query.topic if t not in query.places and t not in _RANK_WORDS
            and not any(t in phrase for phrase in period)]


def _answers(query: Query, terms: list[str], simple: str, last: str, title: str, pub_year: int | None) -> bool:
    """Whether the (Simplified) text ``simple``, ending with the sentence ``last``, answers ``query``;
    the figure must be in ``last``."""
    if not all(term in simple for term in terms):
        return False
    if not all(place in simple or place in title for place in query.places):
        return False
    have = passage_period(simple, pub_year)
    want = query.period
    if want.years and not want.years & have.years:
        return False
    if (want.parts and not want.parts & have.parts) or (want.years and not want.parts and have.parts):
        return False
    if query.asks_rank:
        return any(rank in last for rank in _RANK) or any(f"第{d}" in last for d in "0123456789")
    given = {value for value, _ in query.given} | {str(y) for y in have.years}
    return any(value not in given for value, _ in numbers(last))
