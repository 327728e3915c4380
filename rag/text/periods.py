"""Which years and which part of a year a question or a passage is about.

News reuses one figure name for many periods (2019 H1 144.6亿, 2023 full year 446.1億), so
retrieval prefers passages about the period the question names. A passage's years are the
four-digit years it mentions plus the relative ones resolved against its article's publication
year (今年 = that year, 去年 = the year before); a passage that names none is taken to be about
its publication year. Does not rank anything (retrieval.py does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_YEAR = re.compile(r"(?<![\d.])((?:19[5-9]|20[0-4])\d)(?![\d.]|\s*(?:多|余|万|亿|个|家|人|元|吨|米|千))")
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
# Part-of-year vocabulary (Simplified, NFKC) -> canonical part.
_PARTS = [
    ("H1", r"上半年|1\s*[-—–~至到]\s*6\s*月|1月\s*[-—–~至到]\s*6月|前6个月|前六个月|first half|\bh1\b"),
    ("H2", r"下半年|7\s*[-—–~至到]\s*12\s*月|second half|\bh2\b"),
    ("Q1-3", r"前三季度|1\s*[-—–~至到]\s*9\s*月|1月\s*[-—–~至到]\s*9月|first three quarters"),
    ("Q1", r"(?<!前)一季度|第一季度|1\s*[-—–~至到]\s*3\s*月|1月\s*[-—–~至到]\s*3月|first quarter|\bq1\b"),
]
_PART_RES = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PARTS]


@dataclass(frozen=True)
class Period:
    years: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.years and not self.parts


def question_period(question: str) -> Period:
    """Explicit years and parts of a year in a (Simplified) question.

    >>> question_period("2019年上半年衡阳完成进出口总额多少?")
    Period(years=frozenset({2019}), parts=frozenset({'H1'}))
    """
    return Period(frozenset(int(y) for y in _YEAR.findall(question)), _parts(question))


def passage_period(text: str, pub_year: int | None) -> Period:
    """Years a (Simplified) passage is about, resolving 今年/去年 against ``pub_year``.

    >>> passage_period("今年上半年,我市完成进出口总额144.6亿元", 2019)
    Period(years=frozenset({2019}), parts=frozenset({'H1'}))
    """
    years = {int(y) for y in _YEAR.findall(text)}
    if pub_year is not None:
        years |= {pub_year + delta for word, delta in _RELATIVE.items() if word in text}
        if not years:
            years = {pub_year}
    return Period(frozenset(years), _parts(text))


_SENTENCE_END = re.compile(r"[。；;！？!?]")


def year_before(text: str, at: int) -> int | None:
    """The last year written before position ``at`` of a (Simplified) text, within its sentence:
    the year a figure there is stated for. None when the sentence names none before it.

    >>> text = "从2022年6月立项,到2023年营业收入1.8亿元"
    >>> year_before(text, text.index("1.8")), year_before(text, text.index("6月"))
    (2023, 2022)
    """
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, at)), default=0)
    years = _YEAR.findall(text[start:at])
    return int(years[-1]) if years else None


def _parts(text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _PART_RES if pattern.search(text))


def period_agreement(question: Period, passage: Period) -> int:
    """+1 per dimension (year, part) that agrees, -1 per one that contradicts, 0 when unknown."""
    score = 0
    for want, have in ((question.years, passage.years), (question.parts, passage.parts)):
        if want and have:
            score += 1 if want & have else -1
    return score


def period_phrases(text: str) -> list[str]:
    """The words of a (Simplified) text that name a year or a part of one, in order of appearance.

    >>> period_phrases("2019年1至6月衡阳实际利用外资多少?"), period_phrases("那2022年呢?")
    (['2019年', '1至6月'], ['2022年'])
    """
    spans = [(m.start(), m.end()) for m in _YEAR.finditer(text)]
    spans += [(m.start(), m.end()) for _, pattern in _PART_RES for m in pattern.finditer(text)]
    phrases = []
    for start, end in sorted(spans):
        if text[end:end + 1] == "年" and text[start:end].isdigit():
            end += 1
        phrases.append(text[start:end])
    return phrases
